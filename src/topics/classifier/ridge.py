"""The classifier's solvers: ridge scorer (dual or primal), focus model, softmax temperature.

Stage 1 is a weighted ridge regression with a bias feature, ``min sum_i w_i (t_i - x_i.b - c)^2 +
penalty * (|b|^2 + c^2)``, over sparse TF-IDF rows (articles and their paragraphs, grouped by
article), returning the coefficients and *out-of-group* scores of every training row:

* :func:`dual_ridge` — up to a few thousand rows: the n x n system ``A = K + 1 + penalty W^-1``
  (``K = X X^T``) is factored once; with ``alpha = A^-1 t`` the scores of group ``g`` from the model
  fitted without it are exactly ``t_g - ((A^-1)_gg)^-1 alpha_g``, so leave-one-article-out costs
  one fit. Memory grows with the square of the rows.
* :func:`primal_ridge` — above that: preconditioned conjugate gradients on the normal equations,
  all outputs at once, memory linear in the data; out-of-group scores come from a grouped K-fold
  (each fold a warm-started solve).

Stage 2 (:func:`focus_fit`) is a small logistic regression per label on three scores (whole text,
best paragraph, lead paragraph), by Newton steps in numpy. scipy is used here (LAPACK, sparse
products); prediction never imports this module.
"""

from __future__ import annotations

import numpy as np

from topics.errors import InputError

__all__ = [
    "dual_ridge",
    "focus_fit",
    "gram",
    "logistic",
    "primal_ridge",
    "temperature",
    "transposed",
]

CONSTANT_LOGIT = 8.0  # bias of a label seen always/never in training: a sure 0 or 1
_DENSE_MIN_DF = 16
# 0.5 ... 50 in 41 geometric steps, rounded: the same grid (and choice) on every machine
_TEMPERATURES = tuple(round(0.5 * 10 ** (i / 20), 4) for i in range(41))  # gram: columns in more rows than this (and n/32) go through BLAS


def gram(x) -> np.ndarray:
    """``x @ x.T`` as a dense array: frequent columns by BLAS, the long tail sparse.

    A column found in ``df`` rows adds ``df**2`` products. A sparse product pays ~10 ns for each;
    a dense float64 product pays ~0.04 ns for each of ``n**2`` products of a column, so columns
    in more than about ``n / 12`` rows are cheaper dense (measured on 1,000-row training sets).
    """
    n = x.shape[0]
    df = np.bincount(x.indices, minlength=x.shape[1])
    dense, tail = _split_columns(x, df > max(_DENSE_MIN_DF, n // 12))
    result = dense @ dense.T
    del dense
    # The sparse part in two row blocks, the upper right block mirrored from the lower left:
    # entry (i, j) is the same sum over the shared columns, in column order, from either row.
    half = n // 2
    for lo, hi in ((0, half), (half, n)):
        part = _sparse_product(tail[lo:hi], tail[:hi].T.tocsr())
        result[lo:hi, :hi] += part
        result[:lo, lo:hi] += part[:, :lo].T
    return result


def _split_columns(x, dense_mask: np.ndarray):
    """``x[:, dense_mask].toarray()`` and ``x[:, ~dense_mask]`` (CSR), the same arrays, from one
    remapping of the column indices (scipy's column selection is ~3x slower here)."""
    from scipy.sparse import csr_matrix

    n = x.shape[0]
    inside = dense_mask[x.indices]
    # each column's index among the dense columns or among the tail's (order kept: rows stay sorted)
    new = np.where(dense_mask, np.cumsum(dense_mask) - 1, np.cumsum(~dense_mask) - 1)
    new = new.astype(x.indices.dtype)
    n_dense = int(dense_mask.sum())
    before = np.zeros(len(inside) + 1, dtype=np.int64)  # entries of each kind before an entry
    np.cumsum(inside, out=before[1:])
    at = np.flatnonzero(inside)
    dense = csr_matrix(
        (x.data[at], new[x.indices[at]], before[x.indptr]), shape=(n, n_dense)
    ).toarray()
    rest = np.flatnonzero(~inside)
    tail_ptr = x.indptr - before[x.indptr]
    tail = csr_matrix(
        (x.data[rest], new[x.indices[rest]], tail_ptr), shape=(n, x.shape[1] - n_dense)
    )
    return dense, tail


def _sparse_product(a, b) -> np.ndarray:
    """``(a @ b).toarray()`` for CSR ``a`` and ``b``, the same sums.

    scipy's product first counts the result's entries in a pass as long as the product itself;
    a dense result holds at most rows x columns of them, so its kernel is called directly with
    room for that many (scipy's private ``csr_matmat``; the public product where it is missing
    or refuses the call).
    """
    from scipy.sparse import csr_matrix

    rows, cols = a.shape[0], b.shape[1]
    largest = max(rows * cols, a.nnz, b.nnz, a.shape[1], cols)
    index = np.int64 if largest >= np.iinfo(np.int32).max else np.int32
    indptr = np.empty(rows + 1, dtype=index)
    indices = np.empty(rows * cols, dtype=index)  # untouched room costs no memory
    data = np.empty(rows * cols)
    try:
        from scipy.sparse._sparsetools import csr_matmat

        csr_matmat(
            rows, cols,
            a.indptr.astype(index, copy=False), a.indices.astype(index, copy=False), a.data,
            b.indptr.astype(index, copy=False), b.indices.astype(index, copy=False), b.data,
            indptr, indices, data,
        )
    except (ImportError, TypeError, ValueError):  # another scipy: the public product
        return (a @ b).toarray()
    nnz = int(indptr[-1])
    return csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(rows, cols)).toarray()


def dual_ridge(
    k: np.ndarray, targets: np.ndarray, weights: np.ndarray, groups: np.ndarray, penalty: float
) -> tuple[np.ndarray, np.ndarray]:
    """Dual coefficients ``alpha`` (rows x outputs) and exact leave-one-group-out scores.

    ``weights`` is (rows,) or (rows, outputs) (per-output weights need one factorisation each).
    """
    from scipy.linalg import lapack

    if weights.ndim == 2:
        parts = [
            dual_ridge(k, targets[:, [j]], weights[:, j], groups, penalty)
            for j in range(targets.shape[1])
        ]
        return np.hstack([p[0] for p in parts]), np.hstack([p[1] for p in parts])
    a = k + 1.0
    a[np.diag_indices_from(a)] += penalty / weights
    factor, info = lapack.dpotrf(a, lower=True, clean=False, overwrite_a=True)
    if info == 0:
        inverse, info = lapack.dpotri(factor, lower=True, overwrite_c=True)
    if info != 0:
        raise InputError(f"fit: the ridge system is not positive definite (LAPACK info {info})")
    upper = np.triu(np.ones(inverse.shape, dtype=bool), 1)
    np.copyto(inverse, inverse.T, where=upper)  # dpotri fills the lower triangle
    del upper
    alpha = inverse @ targets
    loo = np.empty_like(targets)
    order = np.argsort(groups, kind="stable")
    cuts = np.flatnonzero(np.diff(groups[order])) + 1
    starts = np.r_[0, cuts]
    sizes = np.diff(np.r_[starts, len(order)])
    for size in np.unique(sizes).tolist():  # the groups of each size at once (one solve each)
        at = starts[sizes == size]
        g = order[at[:, None] + np.arange(size)]  # (groups, size)
        if size == 1:
            rows = g[:, 0]
            loo[rows] = targets[rows] - alpha[rows] / inverse[rows, rows][:, None]
        else:
            blocks = inverse[g[:, :, None], g[:, None, :]]
            loo[g] = targets[g] - np.linalg.solve(blocks, alpha[g])
    return alpha, loo


def _low_rank(xt, weights: np.ndarray, rank: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Top right singular vectors and squared singular values of ``sqrt(W) [X, 1]``;
    ``xt`` is ``X.T`` as CSR (see :func:`_cg` for why).

    Randomised range finder with one power iteration (Halko, Martinsson & Tropp 2011): four
    products with the data. Text rows share a strong common direction (every row has the frequent
    n-grams), whose eigenvalue grows with the rows and would otherwise make conjugate gradients
    take hundreds of steps.
    """
    rng = np.random.default_rng(seed)
    root = np.sqrt(weights)[:, None]
    omega = rng.standard_normal((xt.shape[0] + 1, rank + 8))

    def forward(v):  # sqrt(W) [X, 1] v
        return root * (xt.T @ v[:-1] + v[-1])

    def backward(u):  # [X, 1]^T sqrt(W) u
        scaled = root * u
        return np.vstack([xt @ scaled, scaled.sum(axis=0, keepdims=True)])

    sample = forward(omega)
    sample = forward(backward(np.linalg.qr(sample)[0]))
    basis = np.linalg.qr(sample)[0]
    _, singular, right = np.linalg.svd(backward(basis).T, full_matrices=False)
    # rows contiguous: the preconditioner's products read it row by row (2x faster, same sums)
    return np.ascontiguousarray(right[:rank].T), singular[:rank] ** 2


def _cg(xt, weights: np.ndarray, rhs: np.ndarray, penalty: float, start: np.ndarray,
        tol: float, max_iter: int, basis: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Solve ``(X1^T W X1 + penalty I) theta = rhs`` for every output column (X1 = [X, 1]);
    ``xt`` is ``X.T`` as CSR (made once for all the solves of a fit).

    Both products read ``xt``: ``X^T u`` as CSR, ``X v`` as its transpose, a CSC view. The CSC
    product walks the columns and adds into the few rows' outputs, which stay in cache; the CSR
    one gathers a row of ``v`` for every entry, from a coefficient array far larger than the
    cache (4x the CPU at 8,794 rows x 205,696 columns). Each output entry is the same sum in the
    same column order either way: the same bits.

    Conjugate gradients, one independent recursion per column, vectorised, preconditioned by the
    low-rank part of the matrix (:func:`_low_rank`; Nystrom-style: the top directions scaled to
    the level of the rest), which leaves a spectrum flat enough for a few dozen steps.
    """
    vectors, values = basis
    level = values[-1] + penalty

    x = xt.T  # CSC: no copy

    def times(theta: np.ndarray) -> np.ndarray:
        inner = weights * (x @ theta[:-1] + theta[-1])
        return np.vstack([xt @ inner, inner.sum(axis=0, keepdims=True)]) + penalty * theta

    scale = (level / (values + penalty))[:, None]

    def precondition(r: np.ndarray) -> np.ndarray:
        inside = vectors.T @ r
        # r - V inside + V (scale inside), both products in one pass over V (the same sums)
        both = vectors @ np.hstack([inside, inside * scale])
        return r - both[:, :r.shape[1]] + both[:, r.shape[1]:]

    theta = start.copy()
    residual = rhs - times(theta)
    goal = tol * np.maximum(np.linalg.norm(rhs, axis=0), 1e-300)
    z = precondition(residual)
    direction = z.copy()
    rz = (residual * z).sum(axis=0)
    for _ in range(max_iter):
        if np.all(np.linalg.norm(residual, axis=0) <= goal):
            break
        product = times(direction)
        curvature = (direction * product).sum(axis=0)
        step = np.divide(rz, curvature, out=np.zeros_like(rz), where=curvature > 0)
        theta += direction * step
        residual -= product * step
        z = precondition(residual)
        rz_new = (residual * z).sum(axis=0)
        direction = z + direction * np.divide(rz_new, rz, out=np.zeros_like(rz), where=rz > 0)
        rz = rz_new
    return theta


def transposed(x):
    """``X^T`` as CSR with sorted indices: what :func:`primal_ridge` reads (its CSC view is X)."""
    xt = x.T.tocsr()
    xt.sort_indices()  # the CSC view's products add each row's entries in column order
    return xt


def primal_ridge(
    xt,
    targets: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    penalty: float,
    folds: list[tuple[np.ndarray, np.ndarray]],
    tol: float = 1e-5,
    max_iter: int = 500,
    rank: int = 24,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients, intercepts and grouped K-fold out-of-group scores, by conjugate gradients.

    ``xt`` is the training matrix transposed (:func:`transposed`: the caller can free X, as large
    as it, before the solve). ``weights`` is (rows,) or (rows, outputs); ``folds`` are (train,
    test) arrays of *group* numbers. One low-rank preconditioner serves every solve; every fold's
    solve starts from the full solution. Memory: the data, a few (features x outputs) arrays and the
    (features x ``rank``) basis.

    ``tol`` is the relative residual each solve stops at. 1e-5 instead of 1e-7 takes 40 % fewer
    steps; on 3,000 synthetic training articles the probabilities of 400 others moved by at most
    3e-4 and no decision changed (a larger preconditioner rank, 64, saved nothing).
    """
    n_out = targets.shape[1]
    w = weights if weights.ndim == 2 else np.repeat(weights[:, None], n_out, axis=1)
    basis = _low_rank(xt, w.mean(axis=1), rank)
    rhs = np.vstack([xt @ (w * targets), (w * targets).sum(axis=0, keepdims=True)])
    start = np.zeros((xt.shape[0] + 1, n_out))
    theta = _cg(xt, w, rhs, penalty, start, tol, max_iter, basis)
    scores = np.zeros_like(targets)
    for _, test in folds:
        held = np.isin(groups, test)
        w_fold = np.where(held[:, None], 0.0, w)
        rhs_fold = np.vstack(
            [xt @ (w_fold * targets), (w_fold * targets).sum(axis=0, keepdims=True)]
        )
        fold_theta = _cg(xt, w_fold, rhs_fold, penalty, theta, tol, max_iter, basis)
        rows = np.flatnonzero(held)
        scores[rows] = (xt.T @ fold_theta[:-1])[rows] + fold_theta[-1]
    return theta[:-1], theta[-1], scores


def logistic(z: np.ndarray, truth: np.ndarray, c: float = 1.0, steps: int = 50) -> np.ndarray:
    """L2 logistic regression (penalty 1/(2c) on the weights, none on the bias) by Newton steps.

    The objective of scikit-learn's ``LogisticRegression(C=c)``; with two or three features
    Newton's method converges in a handful of steps. Returns the weights followed by the bias.
    """
    design = np.column_stack([z, np.ones(len(z))])
    ridge = np.full(design.shape[1], 1.0 / c)
    ridge[-1] = 0.0
    beta = np.zeros(design.shape[1])
    transposed, penalty, jitter = design.T, np.diag(ridge), 1e-10 * np.eye(len(beta))
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        grad = transposed @ (p - truth) + ridge * beta
        hess = (design * (p * (1.0 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hess + jitter, grad)
        beta -= step
        if np.abs(step).max() < 1e-12:
            break
    return beta


def focus_fit(*scores: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Logistic regression of one label on k scores of each article: k weights, then the bias.

    The focus model reads (whole text, best paragraph, lead paragraph). Fitted on standardised
    scores (C = 1), returned on the raw score scale.
    """
    k = len(scores)
    if truth.min() == truth.max():
        return np.array([0.0] * k + [CONSTANT_LOGIT if truth[0] else -CONSTANT_LOGIT])
    z = np.column_stack(scores)
    mean, sd = z.mean(axis=0), z.std(axis=0) + 1e-9
    beta = logistic((z - mean) / sd, truth.astype(float))
    weights = beta[:k] / sd
    return np.array([*weights, beta[k] - weights @ mean])


def temperature(scores: np.ndarray, codes: np.ndarray) -> float:
    """Softmax temperature minimising the log loss of out-of-group scores (grid search)."""
    best, best_loss = 1.0, np.inf
    for value in _TEMPERATURES:
        z = scores * value
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(len(codes)), codes].mean()
        if loss < best_loss - 1e-12:
            best, best_loss = float(value), loss
    return best
