"""Topic weights of texts with the topics held fixed: each text solved on its own, exactly.

A text's topic shares must not depend on the texts solved beside it. scikit-learn's
``NMF.transform`` / ``MiniBatchNMF.transform`` start every batch from the batch's mean and stop
on the batch's progress, so a text's shares moved with its batch (up to 0.0033 on the shipped
corpus: one text alone against all 217 at once). Here each row is the non-negative least-squares
problem the Frobenius NMF poses for it, ``min ||x - w H||^2`` over ``w >= 0``, solved by Lawson
and Hanson's active-set method (:func:`scipy.optimize.nnls`), exact up to rounding.

The problem is solved in its k-dimensional form: with ``G = H H^T = V diag(s) V^T``,
``||x - w H||^2 = ||A w - c||^2 + const`` for ``A = diag(sqrt s) V^T`` and ``c`` from ``H x``,
so a row costs one sparse product and a k x k solve, whatever the vocabulary's size (the
problem with ``H^T`` itself would copy a vocabulary x k matrix for every row).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["nnls_weights"]


def nnls_weights(h: np.ndarray, x: Any) -> np.ndarray:
    """Non-negative topic weights of each row of ``x`` against the topic x word matrix ``h``.

    Parameters
    ----------
    h : numpy.ndarray
        Topics x words, non-negative (an NMF's ``components_``).
    x : scipy.sparse matrix or numpy.ndarray
        Texts x words (TF-IDF rows).

    Returns
    -------
    numpy.ndarray
        Texts x topics: ``argmin_{w >= 0} ||x_i - w h||`` for each row; zeros for a row without
        any word. Each row depends on that row and ``h`` alone.
    """
    from scipy.optimize import nnls

    h = np.asarray(h, dtype=np.float64)
    values, vectors = np.linalg.eigh(h @ h.T)
    # directions of G that hold no information (two equal topics, a topic of zeros) are left out:
    # H x has no part along them, so the solution is the same without them
    kept = values > values.max(initial=0.0) * len(h) * np.finfo(np.float64).eps
    root = np.sqrt(values[kept])
    a = root[:, None] * vectors[:, kept].T  # A^T A = G
    to_c = vectors[:, kept] / root  # c = (H x) @ to_c, so that A^T c = H x
    products = np.asarray(x @ h.T)  # sparse x dense: row by row, each on its own
    weights = np.zeros((products.shape[0], len(h)))
    if not kept.any():
        return weights
    for i in np.flatnonzero(np.any(products != 0, axis=1)):
        weights[i], _ = nnls(a, products[i] @ to_c)
    return weights
