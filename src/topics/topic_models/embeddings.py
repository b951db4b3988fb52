"""Document embeddings for BERTopic: the offline TF-IDF pipeline, or a local sentence-transformers model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from topics.errors import ConfigError
from topics.topic_models.common import make_analyzer

__all__ = ["embed", "offline_embedder", "sentence_transformer"]



def offline_embedder(settings: Mapping[str, Any], n_units: int, seed: int) -> Any:
    """The offline embedding pipeline: TF-IDF (tokens view [+ char n-grams]) → SVD → L2 norm."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import Normalizer

    words = TfidfVectorizer(analyzer=make_analyzer(settings), sublinear_tf=True,
                            min_df=settings["min_df"], max_df=settings["max_df"])
    parts = [("words", words)]
    if settings["char_ngrams"] is not None:
        parts.append(("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=settings["char_ngrams"],
                                               sublinear_tf=True, min_df=2)))
    k = max(2, min(int(settings["svd_components"]), n_units - 1))
    return make_pipeline(FeatureUnion(parts), TruncatedSVD(k, random_state=seed),
                         Normalizer(copy=False))


def sentence_transformer(name: str) -> Any:
    """Load a sentence-transformers model by name or local path, offline.

    Raises
    ------
    topics.errors.ConfigError
        If sentence-transformers is not installed, or the model is not available offline.
    """
    # huggingface_hub reads HF_HUB_OFFLINE at import: set it before sentence_transformers is imported,
    # so a missing model fails at once instead of trying the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            f"embedding_model={name!r} needs the optional package sentence-transformers, which is "
            "not installed; install the extra with `uv sync --extra embeddings` "
            "(or `pip install 'topics[embeddings]'`), or leave embedding_model unset for the "
            "offline TF-IDF embeddings"
        ) from exc
    try:
        return SentenceTransformer(name, device="cpu")
    except Exception as exc:  # OSError, ValueError, HF errors: all mean "not available offline"
        raise ConfigError(
            f"embedding_model={name!r} is not available offline ({type(exc).__name__}: {exc}); "
            "give a local model directory, or download the model once with network access "
            "(it is then read from the Hugging Face cache)"
        ) from exc


def embed(texts: list[str], settings: Mapping[str, Any], seed: int) -> tuple[Any, np.ndarray]:
    if settings["embedding_model"]:
        model = sentence_transformer(settings["embedding_model"])
        vectors = model.encode(texts, show_progress_bar=False, normalize_embeddings=True)
        return model, np.asarray(vectors)
    pipeline = offline_embedder(settings, len(texts), seed)
    return pipeline, np.asarray(pipeline.fit_transform(texts))
