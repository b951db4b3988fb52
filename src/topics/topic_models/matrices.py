"""A bag-of-words topic model as plain matrices (LDA, NMF): topic × word weights and a vocabulary.

Saved as ``.npy`` arrays (``allow_pickle=False``) and a JSON vocabulary, so loading runs no code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from topics.errors import ModelFileError

__all__ = ["TopicMatrices"]


@dataclass
class TopicMatrices:
    """Topic × word weights, the vocabulary (column order) and, for TF-IDF models, the idf weights."""

    components: np.ndarray
    vocabulary: list[str]
    idf: np.ndarray | None = None

    def save(self, directory: Path) -> dict[str, Any]:
        """Write the matrices into ``directory``; return the file names for ``result.json``."""
        np.save(directory / "components.npy", self.components, allow_pickle=False)
        if self.idf is not None:
            np.save(directory / "idf.npy", self.idf, allow_pickle=False)
        (directory / "vocabulary.json").write_text(
            json.dumps(self.vocabulary, ensure_ascii=False), encoding="utf-8"
        )
        return {
            "components": "components.npy",
            "vocabulary": "vocabulary.json",
            "idf": "idf.npy" if self.idf is not None else None,
        }

    @classmethod
    def load(
        cls, directory: Path, info: Mapping[str, Any], settings: Mapping[str, Any] | None = None
    ) -> TopicMatrices:
        """Read matrices written by :meth:`save` (``info`` is what it returned)."""
        try:
            components = np.load(directory / info["components"], allow_pickle=False)
            vocabulary = json.loads((directory / info["vocabulary"]).read_text(encoding="utf-8"))
            idf = np.load(directory / info["idf"], allow_pickle=False) if info.get("idf") else None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelFileError(f"{directory}: damaged topic matrices ({exc})") from exc
        if components.ndim != 2 or components.shape[1] != len(vocabulary):
            raise ModelFileError(
                f"{directory}: matrix of shape {components.shape} does not match "
                f"{len(vocabulary)} vocabulary words"
            )
        return cls(components, vocabulary, idf)
