"""Sentence-transformers embeddings, optional and offline (the ``embeddings`` extra)."""

from __future__ import annotations

import os
from typing import Any

from topics.errors import ConfigError

__all__ = ["sentence_transformer"]


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
