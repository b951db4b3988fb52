"""Counting and scoring texts in batches, with numpy alone.

A batch of documents (each a clean text and its paragraphs) becomes sparse term counts per
paragraph and per document in a few array passes:

1. the paragraphs are scanned (:func:`topics.classifier.hashing.scan`): lower-cased, tokenised on
   whitespace and hashed, with no Python work per token;
2. the known features come from the hashed views: the character n-grams of each *distinct* token,
   and every word occurrence (:meth:`~topics.classifier.features.FittedView.batch_features`);
3. (paragraph, distinct token) pairs are expanded through the token -> n-gram columns table, and
   equal (paragraph, column) pairs are summed by one sort of 32-bit keys;
4. a document's counts are the sums of its paragraphs' counts (exact: the clean text is its
   paragraphs joined by whitespace, and token-local features never cross whitespace).

Views that are not token-local (the German tokens view, word bigrams) are counted by their
analyser, per paragraph and per document. Scores are sublinear tf x idf, l2-normalised per view
(a norm below the view's smallest training norm is raised to it), times the coefficients, summed
per row in column order (the same sums whatever else is in the batch). The focus models turn the
scores into decisions (:func:`focus_logits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from topics.classifier.features import FittedView, sublinear_tf
from topics.classifier.hashing import Scan, ragged_range, scan

__all__ = [
    "Counts",
    "ModelArrays",
    "RidgeScores",
    "Packing",
    "aggregate",
    "batch_counts",
    "expand",
    "focus_logits",
    "max_rows",
    "merge_rows",
    "model_arrays",
    "paragraph_logits",
    "run_starts",
    "ridge_scores",
    "run_sums",
    "score_counts",
    "summed_focus",
    "token_pairs",
]

_COUNT_BITS = 4  # a count packed into the sort key; larger counts are split
_KEY_BITS = 32  # keys of batches up to max_rows() paragraphs; 64 bits above


# Texts are scored in chunks of about this many characters. Scores do not depend on the chunks;
# a small chunk keeps its arrays small enough to be reused from the heap instead of mapped and
# faulted in afresh. 721 one-line 10kGNAD articles read in pieces, first batch of a fresh process
# (`benchmarks/bench_classifier.py --only predict`, median of 5, Intel Xeon), before the fewer
# passes of 2026-12-07: 500k characters 1,018 articles/CPU-s and 433 MB peak; 250k 1,181 and
# 327 MB; 125k 1,303 and 275 MB; 62.5k 1,347 and 244 MB. With them (AMD EPYC, 2 busy cores, the
# same command with OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1, medians of 6 runs interleaved with
# the code before): 125k 1,270 against 1,136 and 257 MB against 265; 62.5k and 250k the same
# rate as 125k within this machine's noise (8 runs each of predict_proba alone).
_CHUNK_CHARS = 125_000


class RidgeScores(NamedTuple):
    """Stage-1 scores of documents, each (n_documents, n_outputs) except ``paragraph``."""

    article: np.ndarray  # the whole text
    best: np.ndarray  # the best paragraph
    lead: np.ndarray  # the first paragraph
    paragraph: np.ndarray  # every paragraph, (n_paragraphs, n_outputs), documents in order


class ModelArrays(NamedTuple):
    """What scoring reads of a fitted model, in float64."""

    idf: np.ndarray  # per column
    view_of: np.ndarray  # the view of each column
    weights: np.ndarray  # (outputs x columns): coefficients x idf
    min_norms: np.ndarray  # per view: the smallest norm of a training row (FittedView.min_norm)
    view_starts: np.ndarray  # per view: its first column


def model_arrays(views: Sequence[FittedView], coef: np.ndarray) -> ModelArrays:
    """The scoring arrays of fitted views and their (columns x outputs) coefficients."""
    idf = np.concatenate([v.idf for v in views]) if views else np.zeros(0)
    view_of = np.repeat(np.arange(len(views)), [len(v) for v in views])
    weights = np.asarray(coef, dtype=np.float64).T * idf
    min_norms = np.array([v.min_norm for v in views], dtype=np.float64)
    view_starts = np.cumsum([0, *(len(v) for v in views)], dtype=np.int64)[:-1]
    return ModelArrays(idf, view_of, np.ascontiguousarray(weights), min_norms, view_starts)


class Counts(NamedTuple):
    """Sparse counts: (row, column) pairs sorted by row then column, unique, and their counts."""

    rows: np.ndarray
    cols: np.ndarray
    counts: np.ndarray
    n_rows: int


def _bits(n: int) -> int:
    return max(1, int(n - 1).bit_length())


def max_rows(n_cols: int) -> int:
    """The most paragraph rows a batch may have for its (row, column, count) keys to fit 32 bits."""
    return 1 << max(0, _KEY_BITS - _COUNT_BITS - _bits(n_cols))


class Packing(NamedTuple):
    """How (row, column, count) triples are packed into one sortable integer."""

    col_bits: int
    dtype: type

    @classmethod
    def of(cls, n_rows: int, n_cols: int) -> Packing:
        col_bits = _bits(n_cols)
        small = _bits(n_rows) + col_bits + _COUNT_BITS <= _KEY_BITS
        return cls(col_bits, np.uint32 if small else np.uint64)

    def row_keys(self, rows: np.ndarray, counts: np.ndarray | int) -> np.ndarray:
        keys = rows.astype(self.dtype) << (self.col_bits + _COUNT_BITS)
        return keys | np.asarray(counts).astype(self.dtype)

    def keys(self, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray | int) -> np.ndarray:
        return self.row_keys(rows, counts) | (cols.astype(self.dtype) << _COUNT_BITS)


def token_pairs(batch: Scan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (row, token) pairs with their counts, a count above 15 split into several."""
    n_tokens = len(batch.first)
    pairs, counts = np.unique(batch.row * n_tokens + batch.token, return_counts=True)
    rows, tokens = pairs // n_tokens, pairs % n_tokens
    limit = (1 << _COUNT_BITS) - 1
    extra = (counts - 1) // limit
    if extra.any():
        reps = extra + 1
        last = np.cumsum(reps) - 1
        rows, tokens = np.repeat(rows, reps), np.repeat(tokens, reps)
        split = np.full(len(rows), limit, dtype=np.int64)
        split[last] = counts - limit * extra
        counts = split
    return rows, tokens, counts


def expand(
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    owner: np.ndarray,
    columns: np.ndarray,
    n_tokens: int,
    packing: Packing,
) -> np.ndarray:
    """Packed (row, column, count) of each (row, token) pair and each column of that token.

    ``owner``/``columns`` list the tokens' columns in runs, each run sorted by token (as
    :func:`~topics.classifier.hashing.char_grams` gives them), so no sort is needed.
    """
    pair_row, pair_token, pair_count = pairs
    pair_keys = packing.row_keys(pair_row, pair_count)
    cuts = np.flatnonzero(owner[1:] < owner[:-1]) + 1
    out = []
    shifted = columns.astype(packing.dtype)  # shifted once, before the longer gathers
    shifted <<= packing.dtype(_COUNT_BITS)
    for run_owner, run_cols in zip(np.split(owner, cuts), np.split(shifted, cuts), strict=True):
        per_token = np.bincount(run_owner, minlength=n_tokens)
        width = per_token[pair_token]
        take = width > 0
        width, token = width[take], pair_token[take]
        first = (np.cumsum(per_token) - per_token)[token]
        index = ragged_range(first, width)
        keys = np.repeat(pair_keys[take], width)
        keys |= run_cols.take(index)
        out.append(keys)
    return np.concatenate(out) if out else np.zeros(0, dtype=packing.dtype)


def aggregate(keys: np.ndarray, packing: Packing, n_rows: int) -> Counts:
    """Sum the counts of equal (row, column) pairs of packed keys (sorted in place)."""
    if not len(keys):
        empty = np.zeros(0, dtype=np.int64)
        return Counts(empty, empty, empty, n_rows)
    keys.sort()
    unit = keys >> _COUNT_BITS
    starts = run_starts(unit)
    limit = (1 << _COUNT_BITS) - 1
    counts = run_sums(keys & packing.dtype(limit), starts, limit)
    unit = unit.take(starts).astype(np.int64)
    col_mask = (1 << packing.col_bits) - 1
    return Counts(unit >> packing.col_bits, unit & col_mask, counts, n_rows)


def run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a non-empty array starts."""
    change = np.empty(len(values), dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return np.flatnonzero(change)


def run_sums(values: np.ndarray, starts: np.ndarray, bound: int | None = None) -> np.ndarray:
    """Integer sums (int64) of the runs of ``values`` beginning at ``starts``.

    ``np.add.reduceat``'s result from one cumulative sum (reduceat pays ~20 ns per run, and
    counted (row, column) pairs are runs of one or two); in 32 bits when ``bound``, the largest
    value, says the total fits (half the memory traffic).
    """
    small = bound is not None and bound * len(values) < 1 << 32
    total = np.cumsum(values, dtype=np.uint32 if small else np.int64)
    last = np.empty(len(starts), dtype=np.intp)  # each run's last position
    np.subtract(starts[1:], 1, out=last[:-1])
    last[-1:] = len(values) - 1
    ends = total.take(last).astype(np.int64)
    sums = np.empty_like(ends)  # not np.diff(prepend=0): 10x slower (numpy 2.4, 600k runs)
    sums[:1] = ends[:1]
    np.subtract(ends[1:], ends[:-1], out=sums[1:])
    return sums


def merge_rows(counts: Counts, row_of: np.ndarray, n_rows: int, extra=()) -> Counts:
    """Counts of groups of rows (``row_of`` maps each row to its group), plus extra triples."""
    cols, values = counts.cols, counts.counts
    if extra:  # (no copies without: this runs on every batch)
        rows = np.concatenate([row_of[counts.rows], *(e[0] for e in extra)])
        cols = np.concatenate([cols, *(e[1] for e in extra)])
        values = np.concatenate([values, *(e[2] for e in extra)])
    else:  # the groups are gathered below, packed into keys
        rows = counts.rows
    row_of = np.asarray(row_of)
    if not len(rows):
        return Counts(rows if extra else row_of[rows], cols, values, n_rows)
    col_bits, count_bits = _bits(int(cols.max()) + 1), 20
    most = int(values.max())
    fits = _bits(n_rows) + col_bits + _bits(most + 1) <= _KEY_BITS
    if fits or (_bits(n_rows) + col_bits + count_bits <= 63 and most < (1 << count_bits)):
        if fits:  # 32-bit keys sort in half the time; each value needs its own bits only
            count_bits = _KEY_BITS - _bits(n_rows) - col_bits
        dtype = np.uint32 if fits else np.int64
        shift = dtype(col_bits + count_bits)
        # a new array (in place below); without extra, one gather of the packed groups
        keys = rows.astype(dtype) << shift if extra else (row_of.astype(dtype) << shift).take(rows)
        packed = cols.astype(dtype)
        packed <<= dtype(count_bits)
        keys |= packed
        packed[:] = values  # (casts in place: no new array)
        keys |= packed
        # numpy's SIMD quicksort: 1.3-1.9x faster here than timsort merging the sorted runs of
        # each merged row (790k keys of the shipped corpus, 2M of one-line 10kGNAD pages in
        # pieces); equal integers are interchangeable, so the kind of sort changes no result.
        keys.sort()
        unit = keys >> count_bits
        starts = run_starts(unit)
        np.bitwise_and(keys, dtype((1 << count_bits) - 1), out=packed)  # the values, in place
        summed = run_sums(packed, starts, most)
        unit = unit.take(starts).astype(np.int64, copy=False)
        return Counts(unit >> col_bits, unit & ((1 << col_bits) - 1), summed, n_rows)
    if not extra:
        rows = row_of[rows]
    width = int(cols.max()) + 1
    unit = rows * width + cols
    order = np.argsort(unit, kind="stable")
    unit, values = unit[order], values[order]
    starts = run_starts(unit)
    unit = unit[starts]
    return Counts(unit // width, unit % width, run_sums(values, starts), n_rows)


def batch_counts(
    views: Sequence[FittedView], texts: Sequence[str], paragraphs: Sequence[Sequence[str]]
) -> tuple[Counts, Counts]:
    """Counts of every paragraph (rows in order) and of every document.

    Parameters
    ----------
    views : sequence of FittedView
        The model's views; their columns are concatenated in this order.
    texts : sequence of str
        Each document's clean text (read only by views that are not token-local).
    paragraphs : sequence of sequence of str
        Each document's paragraphs; a document's counts are its paragraphs' counts summed.
    """
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in views])]).astype(np.int64)
    n_cols = int(offsets[-1])
    flat = [p for ps in paragraphs for p in ps]
    n_par = np.fromiter(map(len, paragraphs), dtype=np.int64, count=len(paragraphs))
    packing = Packing.of(len(flat), n_cols)
    batch = scan(flat)
    parts, pairs = [], None
    for k, view in enumerate(views):
        if not view.token_local:
            continue
        per_token, owner, cols = view.batch_features(batch)
        if offsets[k]:
            cols = cols + offsets[k]
        if per_token:
            pairs = token_pairs(batch) if pairs is None else pairs
            parts.append(expand(pairs, owner, cols, len(batch.first), packing))
        else:
            parts.append(packing.keys(owner, cols, 1))
    other = [k for k, v in enumerate(views) if not v.token_local]
    for k in other:
        parts.append(packing.keys(*_analysed(views[k], flat, int(offsets[k]))[:2], 1))
    keys = np.concatenate(parts) if parts else np.zeros(0, dtype=packing.dtype)
    per_paragraph = aggregate(keys, packing, len(flat))
    if not other and bool((n_par == 1).all()):
        return per_paragraph, per_paragraph._replace(n_rows=len(paragraphs))
    local_counts = per_paragraph  # (not copied when every view is token-local)
    if other:
        local = np.ones(len(per_paragraph.cols), dtype=bool)
        for k in other:
            local &= (per_paragraph.cols < offsets[k]) | (per_paragraph.cols >= offsets[k + 1])
        local_counts = Counts(*(a[local] for a in per_paragraph[:3]), len(flat))
    doc_of = np.repeat(np.arange(len(paragraphs), dtype=np.int64), n_par)
    extra = [_analysed(views[k], texts, int(offsets[k])) for k in other]
    return per_paragraph, merge_rows(local_counts, doc_of, len(paragraphs), extra)


def _analysed(view: FittedView, texts: Sequence[str], offset: int):
    """(row, column, 1) of every known term occurrence, by the view's analyser."""
    found = [view.text_features(t) for t in texts]
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), [len(f) for f in found])
    cols = np.fromiter((c for f in found for c in f), dtype=np.int64, count=len(rows))
    return rows, cols + offset, np.ones(len(rows), dtype=np.int64)


def tfidf_values(counts: Counts, arrays: ModelArrays) -> np.ndarray:
    """Sublinear tf x idf of every (row, column), l2-normalised per row and view (divided by the
    view's smallest training norm instead where the norm is smaller)."""
    values = sublinear_tf(counts.counts) * arrays.idf[counts.cols]
    if not len(values):
        return values
    starts = _block_starts(counts, arrays)
    norms = _floored(np.sqrt(np.add.reduceat(values * values, starts)), counts, starts, arrays)
    return values / np.repeat(norms, np.diff(np.r_[starts, len(values)]))


def _floored(norms: np.ndarray, counts: Counts, starts: np.ndarray, arrays: ModelArrays):
    """Block norms raised to their view's smallest training norm (see ``FittedView``)."""
    if not len(norms):
        return norms
    return np.maximum(norms, arrays.min_norms[arrays.view_of[counts.cols[starts]]])


def _block_starts(counts: Counts, arrays: ModelArrays) -> np.ndarray:
    """Where each non-empty (row, view) block starts: entries are sorted by row, then column, and
    each view's columns are one range, so every block is one run.

    Found by binary search of each (row, first column of a view) among the entries' row-major
    positions: two passes over the entries instead of six (a gather of each entry's view and
    comparisons of neighbours).
    """
    n_cols = len(arrays.idf)
    position = counts.rows * n_cols
    position += counts.cols
    firsts = np.arange(counts.n_rows, dtype=np.int64)[:, None] * n_cols + arrays.view_starts
    at = np.searchsorted(position, firsts.ravel())
    ends = np.empty_like(at)  # where the next block would start
    ends[:-1] = at[1:]
    ends[-1:] = len(position)
    return at[at < ends]


def score_counts(counts: Counts, arrays: ModelArrays, intercept: np.ndarray) -> np.ndarray:
    """Linear scores (rows x outputs) of counted rows.

    Per (row, view) block, ``sum(tf * weight) / max(sqrt(sum((tf * idf)**2)), min_norm of the
    view)`` (``weight``: the coefficients times the idf); blocks are summed per row.
    """
    idf, _, weights, min_norms, _ = arrays
    n_views = len(min_norms)
    out = np.tile(np.asarray(intercept, dtype=np.float64), (counts.n_rows, 1))
    if not len(counts.rows):
        return out
    tf = sublinear_tf(counts.counts)
    starts = _block_starts(counts, arrays)
    # take: ~25% faster than indexing for these gathers (numpy 2.4); each product in place
    terms = idf.take(counts.cols)
    terms *= tf
    terms *= terms
    norms = _floored(np.sqrt(np.add.reduceat(terms, starts)), counts, starts, arrays)
    sums = np.empty((len(starts), len(weights)))
    for j, column in enumerate(weights):  # 1-D gathers: 3x faster than one 2-D gather
        terms = column.take(counts.cols)
        terms *= tf
        sums[:, j] = np.add.reduceat(terms, starts)
    sums /= norms[:, None]
    block_rows = counts.rows[starts]
    if n_views == 1:
        out[block_rows] += sums
    else:
        first = np.flatnonzero(np.r_[True, block_rows[1:] != block_rows[:-1]])
        out[block_rows[first]] += np.add.reduceat(sums, first, axis=0)
    return out


def ridge_scores(
    views: Sequence[FittedView],
    arrays: ModelArrays,
    intercept: np.ndarray,
    docs: Sequence[tuple[str, Sequence[str]]],
) -> RidgeScores:
    """Ridge scores of documents ((clean text, paragraphs)): whole text, best paragraph, lead
    paragraph and every paragraph (in order). Scored in chunks: memory stays bounded."""
    row_limit = max_rows(len(arrays.idf))
    article, best, lead, paragraph = [], [], [], []
    start = 0
    while start < len(docs):
        stop, chars, rows = start, 0, 0
        while stop < len(docs) and (
            stop == start or (chars < _CHUNK_CHARS and rows + len(docs[stop][1]) <= row_limit)
        ):
            chars += len(docs[stop][0])
            rows += len(docs[stop][1])
            stop += 1
        chunk = docs[start:stop]
        per_par, per_doc = batch_counts(views, [t for t, _ in chunk], [ps for _, ps in chunk])
        par = score_counts(per_par, arrays, intercept)
        # one paragraph each: the documents are the rows
        doc = par if per_doc.rows is per_par.rows else score_counts(per_doc, arrays, intercept)
        sizes = np.array([len(ps) for _, ps in chunk])
        firsts = np.cumsum(sizes) - sizes
        article.append(doc)
        best.append(np.maximum.reduceat(par, firsts, axis=0))
        lead.append(par[firsts])
        paragraph.append(par)
        start = stop
    return RidgeScores(*(np.vstack(part) for part in (article, best, lead, paragraph)))


def focus_logits(
    focus: np.ndarray,
    paragraph_focus: np.ndarray,
    multilabel: bool,
    article: np.ndarray,
    best: np.ndarray,
    lead: np.ndarray,
    one_paragraph: np.ndarray | None = None,
) -> np.ndarray:
    """The decision of texts from their three ridge scores (rows: texts, columns: outputs):
    the focus model's logits, those of a text of one paragraph (``one_paragraph``) by the
    paragraph focus model; single-label: the scores times the softmax temperature."""
    if not multilabel:
        return article * focus[:, 0] + focus[:, -1]
    logits = article * focus[:, 0] + best * focus[:, 1]
    if focus.shape[1] == 4:  # format 2 models have no lead weight
        logits += lead * focus[:, 2]
    logits += focus[:, -1]
    if one_paragraph is not None and one_paragraph.any():
        logits[one_paragraph] = paragraph_logits(paragraph_focus, article[one_paragraph])
    return logits


def summed_focus(focus: np.ndarray) -> np.ndarray:
    """The focus model given one score three times, as one weight and a bias: its weights summed
    (how a model saved before format 5 decides a text of one paragraph)."""
    return np.column_stack([focus[:, :-1].sum(axis=1), focus[:, -1]])


def paragraph_logits(paragraph_focus: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The decision of texts of one paragraph (or paragraphs read alone) from their scores."""
    return scores * paragraph_focus[:, 0] + paragraph_focus[:, 1]
