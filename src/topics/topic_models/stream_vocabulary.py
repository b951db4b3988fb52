"""The streamed NMF's vocabulary: document frequencies counted chunk by chunk, the kept words and
their IDF with scikit-learn's rules, and TF-IDF rows of any chunk over that fixed vocabulary
(:func:`topics.fit_streaming_nmf`, its first read and every later one)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from topics.corpus.chunk_analysis import TokenRecord
from topics.errors import ConfigError, CorpusError
from topics.topic_models.common import empty_vocabulary, units_of

__all__ = ["document_frequencies", "tfidf_rows", "vocabulary_of"]


def document_frequencies(chunks: Iterable[list[TokenRecord]]) -> tuple[Counter[str], int]:
    """Pass 1: in how many units each word occurs, and the number of units."""
    df: Counter[str] = Counter()
    n_units = 0
    for chunk in chunks:
        for record in chunk:
            df.update(set(record.tokens))
        n_units += len(chunk)
    if not n_units:
        raise CorpusError("streaming NMF: the source has no articles; give a corpus with articles")
    return df, n_units


def vocabulary_of(df: Mapping[str, int], n_units: int, min_df: int | float,
                  max_df: int | float) -> tuple[list[str], np.ndarray]:
    """The kept words (sorted) and their IDF, with ``CountVectorizer``/``TfidfVectorizer`` rules."""
    high, low = units_of(max_df, n_units), units_of(min_df, n_units)
    words = sorted(w for w, count in df.items() if low <= count <= high)
    if high < low or not words:
        raise ConfigError(empty_vocabulary("streaming NMF", min_df, max_df, n_units, df))
    counts = np.array([df[w] for w in words], dtype=np.float64)
    idf = np.log((1 + n_units) / (1 + counts)) + 1  # TfidfVectorizer's smooth_idf
    return words, idf


def tfidf_rows(tokens: Sequence[Sequence[str]], index: Mapping[str, int], idf: np.ndarray,
               *, sublinear: bool = True) -> Any:
    """TF-IDF rows (CSR, L2-normalised) of token lists over a fixed vocabulary ``index``.

    The same numbers as ``TfidfVectorizer(vocabulary=..., sublinear_tf=...)`` fitted on the whole
    corpus, computed from the IDF alone, so a chunk needs nothing of the others.
    """
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    rows, cols, values = [], [], []
    for i, unit_tokens in enumerate(tokens):
        counts = Counter(index[w] for w in unit_tokens if w in index)
        rows.extend([i] * len(counts))
        cols.extend(counts)
        values.extend(counts.values())
    matrix = csr_matrix((np.asarray(values, dtype=np.float64), (rows, cols)),
                        shape=(len(tokens), len(idf)))
    matrix.sort_indices()
    if sublinear:
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1
    matrix.data *= idf[matrix.indices]
    return normalize(matrix, norm="l2", copy=False)
