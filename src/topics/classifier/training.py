"""Fitting the classifier: vocabularies, the TF-IDF design matrix, the two stages.

scikit-learn and scipy are imported by fitting only (here and in :mod:`.ridge`), so prediction
never loads them. Texts are counted in chunks of about three million characters: the vocabulary
(terms with ``min_df`` training rows or more, in hash order) is built from every chunk's term
hashes and document frequencies, then each chunk becomes TF-IDF rows of the design matrix. A small
corpus is one chunk, counted once; a large one is counted twice rather than held in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from topics.classifier import ridge
from topics.classifier.features import (
    FEATURES,
    FittedView,
    is_token_local,
    quantise,
    sublinear_tf,
    view_analyzer,
)
from topics.classifier.focus import focus_scores, out_of_fold_f1, paragraph_focus_fit
from topics.classifier.hashing import (
    char_grams,
    ragged_range,
    scan,
    string_hashes,
    unique_inverse,
    words,
)
from topics.classifier.inputs import (
    check_targets,
    classified_document,
    label_kind,
    label_lists,
    label_names,
)
from topics.classifier.scoring import (
    Counts,
    Packing,
    aggregate,
    expand,
    merge_rows,
    token_pairs,
)
from topics.corpus.duplicates import near_duplicate_groups
from topics.errors import InputError, counted
from topics.evaluation.folds import MIN_TRAINING_ARTICLES, article_folds, group_count
from topics.numerics import fixed_threads

if TYPE_CHECKING:
    from topics.classifier.estimator import ArticleClassifier

__all__ = ["GRID_BITS", "clean_document", "encode_targets", "fit_state"]

#: Stored parameters (coefficients, intercepts, focus model) are multiples of ``2**-GRID_BITS``.
#: Fits on simulated machines (OpenBLAS kernels Haswell/Sandybridge/Prescott, numpy without
#: AVX2/FMA, thread counts, hash seeds) differ by at most 1e-13 before rounding; on a grid of
#: 1e-6 a value flips only if it lies within that noise of a rounding boundary, so the model file
#: is byte-identical with a probability of about 0.9998 per machine, and predictions move by
#: ~1e-7 at most.
GRID_BITS = 20
# Texts are counted a chunk at a time: counting sorts every n-gram of a chunk, and a smaller
# chunk's arrays stay in cache. 500,000 characters rather than 3,000,000: the design of 5,000
# synthetic articles in 9.1 instead of 14.1 CPU-s, at a peak of 0.79 instead of 1.46 GB.
# Rows are ordered by chunk (its articles, then its paragraphs), so a fit of more characters
# than this may differ in the last bits from one made with another chunk size.
CHUNK_CHARS = 500_000
_KEEP_NNZ = 20_000_000  # keep counted chunks for the second pass while they hold fewer entries


@lru_cache(maxsize=1 << 12)
def clean_document(raw: str, pieces: bool = True) -> tuple[str, tuple[str, ...]]:
    """(text, paragraphs) of one raw article as the classifier reads it (``classified_document``).

    Cached: a cross-validation fits on the same articles again and again.
    """
    return classified_document(raw, pieces)


def encode_targets(
    y: Any, labels: Sequence[str] | None, n_texts: int
) -> tuple[bool, list[str], np.ndarray]:
    """Return (multilabel, classes, targets); targets = indicator matrix or class codes."""
    y = label_lists(y, labels)
    if len(y) != n_texts:
        raise InputError(f"fit: {counted(n_texts, 'text')} but {counted(len(y), 'label')}; give "
                         "one label entry per text")
    if n_texts < MIN_TRAINING_ARTICLES:
        raise InputError(
            f"fit: {counted(n_texts, 'text')}; the classifier needs at least "
            f"{MIN_TRAINING_ARTICLES} labelled "
            "articles (its decision is fitted on out-of-fold scores over articles)"
        )
    multilabel = label_kind(y)
    classes = label_names(y, multilabel, labels)  # refuses labels that would train a wrong model
    index = {c: j for j, c in enumerate(classes)}
    if multilabel:
        if not classes:
            raise InputError(f"fit: none of the {n_texts} texts has a label (every label list is "
                             "empty), so there is nothing to learn; label the articles about a label")
        targets = np.zeros((n_texts, len(classes)), dtype=int)
        for i, row in enumerate(y):
            targets[i, [index[str(v)] for v in row]] = 1
    else:
        targets = np.array([index[str(v)] for v in y])
        if len(set(targets.tolist())) < 2:
            raise InputError(
                f"fit: every text has the class {str(y[0])!r}; single-label fitting needs at least "
                "two different classes (label articles of another class, or mark those about none "
                "of the labels with an empty label list)"
            )
    check_targets(targets, classes, multilabel)
    return multilabel, classes, targets


# ------------------------------------------------------------------------------------------------
# counting in chunks


class _Chunk(NamedTuple):
    """Training rows of some articles, with columns local to the chunk (hash order per view)."""

    hashes: list[np.ndarray]  # per view: the chunk's distinct term hashes, sorted
    counts: Counts  # training rows: the articles, then paragraphs of multi-paragraph articles
    owner: np.ndarray  # article number of each row
    is_article: np.ndarray
    names: list[Any]  # per view: local index array -> the terms' strings


def _pairs(term_lists: list[list[str]], position: dict[str, int], base: int):
    rows = np.repeat(np.arange(len(term_lists)), [len(ts) for ts in term_lists])
    cols = np.fromiter((position[t] for ts in term_lists for t in ts), dtype=np.int64)
    return rows.astype(np.int64), cols + base


def _count_chunk(clf: ArticleClassifier, docs: list, first: int, augment: bool) -> _Chunk:
    texts = [text for text, _ in docs]
    paragraphs = [ps for _, ps in docs]
    flat = [p for ps in paragraphs for p in ps]
    n_par = np.array([len(ps) for ps in paragraphs], dtype=np.int64)
    batch = scan(flat)
    hashes, names, found, doc_parts = [], [], [], []
    base = 0
    for view in FEATURES[clf.features]:
        if view == "char":
            grams, owner, padded, start, length = char_grams(batch, clf.ngram_range, spans=True)
            unique, first_at, inverse = _unique(grams)
            found.append(("tokens", owner, inverse + base))
            names.append(_namer(padded, start[first_at], length[first_at]))
        elif is_token_local(view, clf.word_ngram_range):
            occurrences, rows, start, length = words(batch)
            unique, first_at, inverse = _unique(occurrences)
            found.append(("rows", rows, inverse + base))
            names.append(_namer(batch.text, start[first_at], length[first_at]))
        else:  # analysed per paragraph and per document
            analyzer = view_analyzer(view, clf.ngram_range, clf.word_ngram_range)
            par_terms = [analyzer(p) for p in flat]
            doc_terms = [analyzer(t) for t in texts]
            terms = sorted({t for ts in (*par_terms, *doc_terms) for t in ts})
            term_hashes = string_hashes(terms)
            order = np.argsort(term_hashes, kind="stable")
            unique = term_hashes[order]
            position = {terms[i]: rank for rank, i in enumerate(order.tolist())}
            rows, cols = _pairs(par_terms, position, base)
            found.append(("rows", rows, cols))
            doc_parts.append((*_pairs(doc_terms, position, base), None))
            ordered = [terms[i] for i in order.tolist()]
            names.append(lambda at, ordered=ordered: [ordered[i] for i in at])
        hashes.append(unique)
        base += len(unique)
    packing = Packing.of(len(flat), base)
    pairs = token_pairs(batch)
    keys = [
        expand(pairs, owner, cols, len(batch.first), packing)
        if kind == "tokens"
        else packing.keys(owner, cols, 1)
        for kind, owner, cols in found
    ]
    per_par = aggregate(
        np.concatenate(keys) if keys else np.zeros(0, dtype=packing.dtype), packing, len(flat)
    )
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), n_par)
    local = per_par
    if doc_parts:  # a document's counts of analysed views come from its whole text, not here
        token_local = ~_in_views(per_par.cols, hashes, list(FEATURES[clf.features]), clf)
        local = Counts(*(a[token_local] for a in per_par[:3]), len(flat))
    per_doc = merge_rows(
        local,
        doc_of,
        len(docs),
        [(r, c, np.ones(len(r), dtype=np.int64)) for r, c, _ in doc_parts],
    )
    # training rows: every article, then the paragraphs of multi-paragraph articles
    keep_par = np.flatnonzero(n_par[doc_of] > 1) if augment else np.zeros(0, dtype=np.int64)
    rank = np.full(len(flat), -1, dtype=np.int64)
    rank[keep_par] = len(docs) + np.arange(len(keep_par))
    par_rows = rank[per_par.rows]
    take = par_rows >= 0
    n_doc, size = len(per_doc.rows), len(per_doc.rows) + int(np.count_nonzero(take))
    joined = []  # the kept paragraph entries written straight after the documents' (no temporaries)
    for doc_part, par_part in zip(per_doc[:3], (par_rows, per_par.cols, per_par.counts), strict=True):
        joined.append(np.empty(size, dtype=np.result_type(doc_part, par_part)))
        joined[-1][:n_doc] = doc_part
        np.compress(take, par_part, out=joined[-1][n_doc:])
    train = Counts(*joined, len(docs) + len(keep_par))
    owner_of_row = first + np.concatenate([np.arange(len(docs)), doc_of[keep_par]])
    is_article = np.arange(train.n_rows) < len(docs)
    return _Chunk(hashes, train, owner_of_row, is_article, names)


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted distinct values, the first occurrence of each, and each value's rank."""
    unique, inverse = unique_inverse(values)
    first = np.full(len(unique), len(values), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(values), dtype=np.int64))
    return unique, first, inverse


def _namer(text: str, start: np.ndarray, length: np.ndarray):
    """Local term index array -> the terms' strings (slices of ``text``).

    The slices are gathered as code points, joined by newlines and decoded at once (a term never
    holds whitespace), not sliced one by one: a vocabulary has tens of thousands of terms.
    """

    def names(at: np.ndarray) -> list[str]:
        if not len(at):
            return []
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        begin, size = start[at], length[at]
        spaced = size + 1  # each term and its newline
        target = np.cumsum(spaced) - spaced
        total = int(spaced.sum())
        out = np.full(total, ord("\n"), dtype=np.uint32)
        source = ragged_range(begin, size)
        out[source + np.repeat(target - begin, size)] = codes[source]
        return out[:-1].tobytes().decode("utf-32-le", "surrogatepass").split("\n")

    return names


def _in_views(cols: np.ndarray, hashes: list[np.ndarray], views: list[str], clf) -> np.ndarray:
    """Whether each chunk column belongs to a view that is not token-local."""
    mask = np.zeros(len(cols), dtype=bool)
    base = 0
    for view, unique in zip(views, hashes, strict=True):
        if not is_token_local(view, clf.word_ngram_range):
            mask |= (cols >= base) & (cols < base + len(unique))
        base += len(unique)
    return mask


def _chunks(docs: list) -> list[tuple[int, int]]:
    """(start, stop) of runs of documents of about ``CHUNK_CHARS`` characters."""
    size = CHUNK_CHARS
    bounds, start, chars = [], 0, 0
    for i, (text, _) in enumerate(docs):
        chars += len(text)
        if chars >= size:
            bounds.append((start, i + 1))
            start, chars = i + 1, 0
    if start < len(docs):
        bounds.append((start, len(docs)))
    return bounds


def _merge(h1: np.ndarray, d1: np.ndarray, h2: np.ndarray, d2: np.ndarray):
    unique, inverse = np.unique(np.concatenate([h1, h2]), return_inverse=True)
    return unique, np.bincount(inverse.ravel(), weights=np.concatenate([d1, d2]))


class Design(NamedTuple):
    """The training rows as TF-IDF: matrix, fitted views and what each row is."""

    x: Any
    views: list[FittedView]
    owner: np.ndarray
    is_article: np.ndarray


def build_design(clf: ArticleClassifier, docs: list, augment: bool) -> Design:
    """Vocabulary (df >= min_df over training rows), idf, and the l2-normalised TF-IDF rows."""
    from scipy.sparse import csr_matrix

    views = FEATURES[clf.features]
    bounds = _chunks(docs)
    kept_chunks: list[_Chunk] | None = []
    seen = [np.zeros(0, dtype=np.uint64) for _ in views]
    df = [np.zeros(0) for _ in views]
    n_rows, nnz = 0, 0
    for start, stop in bounds:
        chunk = _count_chunk(clf, docs[start:stop], start, augment)
        n_rows += chunk.counts.n_rows
        per_col = np.bincount(chunk.counts.cols, minlength=sum(map(len, chunk.hashes)))
        base = 0
        for k, unique in enumerate(chunk.hashes):
            seen[k], df[k] = _merge(seen[k], df[k], unique, per_col[base : base + len(unique)])
            base += len(unique)
        nnz += len(chunk.counts.rows)
        if kept_chunks is not None:
            kept_chunks = kept_chunks + [chunk] if nnz <= _KEEP_NNZ else None
    min_df = max(1, int(clf.min_df))
    kept = [h[d >= min_df] for h, d in zip(seen, df, strict=True)]
    idf = [
        quantise(np.log((1.0 + n_rows) / (1.0 + d[d >= min_df])) + 1.0) for d in df
    ]  # smooth idf, as scikit-learn
    offsets = np.concatenate([[0], np.cumsum([len(h) for h in kept])]).astype(np.int64)
    idf_all = np.concatenate(idf) if idf else np.zeros(0)
    names: list[list[str | None]] = [[None] * len(h) for h in kept]
    named = [np.zeros(len(h), dtype=bool) for h in kept]
    owners, is_article = [], []
    # the matrix's arrays made once, at the first pass's size, and filled chunk by chunk (no
    # per-chunk blocks stacked into a copy: that held the design twice at the peak)
    index_dtype = np.int32 if max(nnz, int(offsets[-1])) < np.iinfo(np.int32).max else np.int64
    data, indices = np.empty(nnz), np.empty(nnz, dtype=index_dtype)
    indptr, filled, rows_done = np.zeros(n_rows + 1, dtype=index_dtype), 0, 0
    min_norms = np.full(len(views), np.inf)
    for number, (start, stop) in enumerate(bounds):
        if kept_chunks is not None:
            chunk, kept_chunks[number] = kept_chunks[number], None  # freed once written
        else:
            chunk = _count_chunk(clf, docs[start:stop], start, augment)
        column = np.full(sum(map(len, chunk.hashes)), -1, dtype=np.int64)
        base = 0
        for k, unique in enumerate(chunk.hashes):
            position = np.searchsorted(kept[k], unique)
            hit = position < len(kept[k])
            hit[hit] = kept[k][position[hit]] == unique[hit]
            column[base : base + len(unique)][hit] = position[hit] + offsets[k]
            unnamed = np.flatnonzero(hit)
            unnamed = unnamed[~named[k][position[unnamed]]]
            terms = chunk.names[k](unnamed)
            if len(unnamed) == len(kept[k]):  # every term at once, in column order
                names[k] = terms
            else:
                for where, term in zip(position[unnamed].tolist(), terms, strict=True):
                    names[k][where] = term
            named[k][position[unnamed]] = True
            base += len(unique)
        ends, cols, values, per_view = _weighted_entries(chunk.counts, column, idf_all, offsets)
        min_norms = np.minimum(min_norms, per_view.min(axis=0, initial=np.inf))
        indptr[rows_done + 1 : rows_done + 1 + len(ends)] = ends + filled
        data[filled : filled + len(values)] = values
        indices[filled : filled + len(cols)] = cols
        filled, rows_done = filled + len(values), rows_done + len(ends)
        owners.append(chunk.owner)
        is_article.append(chunk.is_article)
        del chunk, cols, values  # before the next chunk is counted
    if not any(len(h) for h in kept):
        raise InputError(
            f"fit: no term occurs in min_df={min_df} training texts; give more (or longer) texts "
            "or lower min_df"
        )
    fitted = [
        FittedView(view, clf.ngram_range, names[k], idf[k], clf.word_ngram_range, kept[k],
                   min_norm=_below_every(min_norms[k]))
        for k, view in enumerate(views)
    ]
    x = csr_matrix((data[:filled], indices[:filled], indptr), shape=(n_rows, int(offsets[-1])))
    return Design(x, fitted, np.concatenate(owners), np.concatenate(is_article))


def _weighted_entries(counts: Counts, column: np.ndarray, idf: np.ndarray, offsets: np.ndarray):
    """A chunk's counts as l2-normalised TF-IDF entries of the design's columns (``column``: the
    chunk's column -> the design's, -1 if not kept): where each row ends, the entries' columns and
    values, and each (row, view) block's norm (inf where the block is empty)."""
    n_views = len(offsets) - 1
    rows, cols, tf = counts.rows, counts.cols, counts.counts
    if not np.array_equal(column, np.arange(len(column))):  # else every term kept, in order
        cols = column[cols]
        good = np.flatnonzero(cols >= 0)
        if len(good) < len(cols):
            rows, cols, tf = rows[good], cols[good], tf[good]
    values = sublinear_tf(tf)  # a new array: the products and quotients go in place
    values *= idf[cols]
    block = rows * n_views  # (row, view) of each entry; a view is a range of columns
    for boundary in offsets[1:-1].tolist():
        block += cols >= boundary
    norms = np.sqrt(np.bincount(block, weights=values * values, minlength=counts.n_rows * n_views))
    values /= norms[block]
    per_view = np.where(norms > 0, norms, np.inf).reshape(counts.n_rows, n_views)
    ends = np.searchsorted(rows, np.arange(1, counts.n_rows + 1))  # rows are sorted
    return ends, cols, values, per_view


def _below_every(smallest: float) -> float:
    """The smallest training norm, rounded down on a machine-independent grid and one step lower:
    a training row's norm, however a machine sums it, stays above it, so its scores do not move."""
    if not np.isfinite(smallest):
        return 0.0
    step = 2.0**-GRID_BITS
    return max(0.0, float(np.floor(smallest / step) - 1) * step)


# ------------------------------------------------------------------------------------------------
# the two stages


def _stratification(targets: np.ndarray, multilabel: bool) -> np.ndarray:
    if not multilabel:
        return targets
    return np.where(targets.any(axis=1), targets.argmax(axis=1), -1)


def fit_state(clf: ArticleClassifier, texts: list[str], y: Any) -> dict[str, Any]:
    """Fit everything and return the learned attributes (names ending in ``_``)."""
    multilabel, classes, targets = encode_targets(y, clf.labels, len(texts))
    docs = [clean_document(raw, pieces=multilabel) for raw in texts]  # pieces feed the focus model
    if not any(text.strip() for text, _ in docs):
        raise InputError("fit: every text is empty after cleaning; there is nothing to learn from")
    groups = _training_groups(clf, docs)
    design = build_design(clf, docs, clf.augment == "paragraphs")
    n_out, n_rows = len(classes), design.x.shape[0]
    onehot = targets if multilabel else np.eye(n_out, dtype=int)[targets]
    signs = 2.0 * onehot[design.owner] - 1.0
    weight = np.where(design.is_article, 1.0, float(clf.paragraph_weight))
    if clf.class_weight == "balanced":
        share = onehot[design.owner].mean(axis=0)
        balance = np.where(
            onehot[design.owner] == 1, 0.5 / np.maximum(share, 1e-9), 0.5 / np.maximum(1 - share, 1e-9)
        )
        weight = weight[:, None] * balance
    penalty = 1.0 / float(clf.C)
    dual = clf.solver == "dual" or (clf.solver == "auto" and n_rows <= int(clf.max_dual_rows))
    key = _stratification(targets, multilabel)
    # one BLAS thread: the same arithmetic on every machine (scipy's BLAS loaded first, so that
    # the limit reaches it; no scikit-learn here)
    with fixed_threads(1, modules=("numpy", "scipy.linalg")):
        if dual:
            alpha, scores = ridge.dual_ridge(
                ridge.gram(design.x), signs, weight, groups[design.owner], penalty
            )
            coef, intercept = np.asarray(design.x.T @ alpha), alpha.sum(axis=0)
        else:
            folds = article_folds(key, int(clf.cv), int(clf.random_state), groups)
            xt = ridge.transposed(design.x)
            design = design._replace(x=None)  # the solver reads X^T alone: X is freed
            coef, intercept, scores = ridge.primal_ridge(
                xt, signs, weight, design.owner, penalty, folds
            )
            del xt
    article, best, lead = focus_scores(scores, design.is_article, design.owner, len(docs))
    if multilabel:
        focus = np.array([ridge.focus_fit(article[:, j], best[:, j], lead[:, j], truth=targets[:, j])
                          for j in range(n_out)])
        paragraph_focus = paragraph_focus_fit(lead, targets)
        folds = article_folds(key, int(clf.cv), int(clf.random_state), groups)
        oof = out_of_fold_f1((article, best, lead), targets, folds, float(clf.threshold), classes)
    else:
        focus, oof = np.zeros((n_out, 4)), {}
        focus[:, 0] = ridge.temperature(article, targets)
        paragraph_focus = focus[:, [0, -1]]  # one temperature for every text
    return {
        "classes_": np.array(classes, dtype=object),
        "multilabel_": multilabel,
        "views_": design.views,
        "coef_": _stored(quantise(coef, GRID_BITS)),
        "intercept_": quantise(intercept, GRID_BITS),
        "focus_": quantise(focus, GRID_BITS),
        "paragraph_focus_": quantise(paragraph_focus, GRID_BITS),
        "thresholds_": np.full(n_out, float(clf.threshold)),
        "oof_scores_": oof,
        "n_training_rows_": int(n_rows),
        "solver_": "dual" if dual else "primal",
    }


def _training_groups(clf: ArticleClassifier, docs: list) -> np.ndarray:
    """Per training article, the first article of its near-duplicate group (``arange`` when
    ``duplicate_threshold`` is None): the unit that is left out together."""
    if clf.duplicate_threshold is None:
        return np.arange(len(docs), dtype=np.int64)
    groups = near_duplicate_groups([text for text, _ in docs], float(clf.duplicate_threshold))
    n_groups = group_count(groups)
    if n_groups < MIN_TRAINING_ARTICLES:
        raise InputError(
            f"fit: the {len(docs)} training texts are near-duplicates of one another (one story "
            "under several ids); the classifier fits its decision on scores of articles left out, "
            "and needs two distinct articles at least: label more distinct articles, or pass "
            "duplicate_threshold=None to treat the copies as distinct"
        )
    return groups


def _stored(coef: np.ndarray) -> np.ndarray:
    """Coefficients as stored: float32 when rounding left them exact in float32."""
    small = coef.astype(np.float32)
    return small if np.array_equal(small.astype(np.float64), coef) else coef
