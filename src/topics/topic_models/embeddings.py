"""Document embeddings for BERTopic: the offline TF-IDF + SVD pipeline, or a local sentence-transformers
model. The offline embedding is kept as plain arrays (views + SVD components) for new texts."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from topics.errors import ConfigError, counted
from topics.topic_models.assigner import TextView
from topics.topic_models.common import analysis_record
from topics.topic_models.sentence_models import sentence_transformer

__all__ = ["embed", "offline_embedding", "sentence_transformer"]


def _tokens_of(pair: tuple[str, list[str]]) -> list[str]:
    return pair[1]


def offline_embedding(
    texts: list[str], tokens: list[list[str]], settings: Mapping[str, Any], seed: int
) -> tuple[list[TextView], np.ndarray, np.ndarray]:
    """Fit the offline embedding: TF-IDF of the tokens view [+ char n-grams] -> SVD -> L2 norm.

    The words view is the units' tokens (sublinear TF-IDF, ``min_df``, ``embedding_max_df``); with
    ``char_ngrams`` a ``char_wb`` TF-IDF of the text is stacked beside it. ``svd_algorithm="arpack"``
    computes the exact top singular vectors, so the embedding does not depend on the seed
    (randomized SVD moved every later step with the seed).

    Returns
    -------
    views : list of TextView
        What a new text needs to be embedded the same way.
    components : numpy.ndarray
        SVD components, dimensions x terms of all views.
    vectors : numpy.ndarray
        The units' embeddings, unit length (zero for a unit without a term of the vocabulary).
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.preprocessing import Normalizer

    words = TfidfVectorizer(analyzer=_tokens_of, sublinear_tf=True, min_df=settings["min_df"],
                            max_df=settings["embedding_max_df"])
    parts: list[tuple[str, Any]] = [("words", words)]
    ngrams = settings["char_ngrams"]
    if ngrams is not None:
        low, high = int(ngrams[0]), int(ngrams[1])
        chars = TfidfVectorizer(analyzer=functools.partial(_chars_of, low=low, high=high),
                                sublinear_tf=True, min_df=2)
        parts.append(("chars", chars))
    union = FeatureUnion(parts)
    x = union.fit_transform(list(zip(texts, tokens, strict=True)))
    if min(x.shape) < 3:  # ARPACK needs 2 <= k < min(shape)
        raise ConfigError(
            f"the embedding's vocabulary has {counted(x.shape[1], 'word')} over "
            f"{counted(x.shape[0], 'unit')}; the "
            "SVD needs at least 3 of each: give longer or more varied texts, or lower min_df"
        )
    k = max(2, min(int(settings["svd_components"]), x.shape[0] - 1, x.shape[1] - 1))
    svd = TruncatedSVD(k, algorithm=settings["svd_algorithm"], random_state=seed)
    reduced = svd.fit_transform(x)
    # a unit without a term must stay zero: ARPACK leaves ~1e-17 in its row, which the
    # normalisation would blow up into a direction (and k-means into a topic)
    reduced[np.diff(x.tocsr().indptr) == 0] = 0.0
    vectors = np.asarray(Normalizer(copy=False).fit_transform(reduced))
    views = [TextView("tokens", _vocabulary(words), words.idf_, sublinear=True, normalise=True,
                      analysis=analysis_record(settings))]
    if ngrams is not None:
        views.append(TextView("chars", _vocabulary(chars), chars.idf_, sublinear=True,
                              normalise=True, ngram_range=(low, high)))
    return views, np.asarray(svd.components_), vectors


def _chars_of(pair: tuple[str, list[str]], low: int, high: int) -> list[str]:
    from topics.topic_models.assigner import _char_wb

    return _char_wb(pair[0], low, high)


def _vocabulary(vectorizer: Any) -> list[str]:
    return [str(w) for w in vectorizer.get_feature_names_out()]


def embed(
    texts: list[str], tokens: list[list[str]], settings: Mapping[str, Any], seed: int
) -> tuple[list[TextView], np.ndarray | None, np.ndarray]:
    """The units' embeddings: a sentence-transformers model (``embedding_model``) or the offline
    pipeline (:func:`offline_embedding`); views and components are empty/None for the former."""
    if settings["embedding_model"]:
        model = sentence_transformer(settings["embedding_model"])
        vectors = model.encode(texts, show_progress_bar=False, normalize_embeddings=True)
        return [], None, np.asarray(vectors, dtype=np.float64)
    return offline_embedding(texts, tokens, settings, seed)
