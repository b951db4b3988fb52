"""NMF (scikit-learn) on TF-IDF of the German tokens view."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from topics.errors import ModelFileError
from topics.topic_models._common import (
    auto_n_topics,
    check_n_topics,
    make_analyzer,
    resolve_settings,
    tokenize,
    top_words,
)

NAME = "nmf"
DEFAULTS: dict[str, Any] = {
    "n_components": "auto",  # auto: ~sqrt(n_units)/2, 4 to 30 (see _common.auto_n_topics)
    "init": "nndsvd",  # deterministic SVD-based start: no seed-dependent local optimum
    "max_iter": 500,
    "alpha_W": 0.0,
    "alpha_H": "same",
    "l1_ratio": 0.0,
    "beta_loss": "frobenius",
    "min_df": 2,
    "max_df": 0.5,
    "sublinear_tf": True,
    "top_n_words": 10,
}


@dataclass
class TopicMatrices:
    """A loaded bag-of-words topic model: topic × word weights and the vocabulary (no pickle)."""

    components: np.ndarray
    vocabulary: list[str]
    idf: np.ndarray | None = None


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def fit(units: Sequence[Any], seed: int, given: Mapping[str, Any]) -> dict[str, Any]:
    """Fit NMF on ``units``; returns the fields of a TopicModelResult."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    from topics.topic_models._common import count_matrix

    settings = resolve_settings(NAME, DEFAULTS, given)
    n = len(units)
    if settings["n_components"] == "auto":
        settings["n_components"] = auto_n_topics(n)
    settings["n_components"] = check_n_topics(NAME, "n_components", settings["n_components"], n)
    tokens = tokenize((u.text for u in units), make_analyzer(settings))
    _, vocabulary = count_matrix(tokens, min_df=settings["min_df"], max_df=settings["max_df"],
                                 model=NAME)  # validates min_df/max_df with a clear message
    tfidf = TfidfVectorizer(analyzer=_identity, vocabulary=vocabulary,
                            sublinear_tf=bool(settings["sublinear_tf"]))
    x = tfidf.fit_transform(tokens)
    nmf = NMF(n_components=settings["n_components"], init=settings["init"],
              max_iter=int(settings["max_iter"]), alpha_W=settings["alpha_W"],
              alpha_H=settings["alpha_H"], l1_ratio=settings["l1_ratio"],
              beta_loss=settings["beta_loss"], random_state=seed,
              solver="mu" if settings["beta_loss"] != "frobenius" else "cd")
    w = nmf.fit_transform(x)
    totals = w.sum(axis=1)
    assignments = np.where(totals > 0, w.argmax(axis=1), -1)
    distributions = np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] > 0)
    topn = int(settings["top_n_words"])
    topics = {t: top_words(nmf.components_[t], vocabulary, topn) for t in range(nmf.n_components_)}
    return {
        "settings": settings,
        "assignments": assignments.astype(int),
        "topics": topics,
        "distributions": distributions,
        "embeddings": None,
        "tokens": tokens,
        "estimator": TopicMatrices(nmf.components_, vocabulary, tfidf.idf_),
        "extra_metrics": {"reconstruction_err": float(nmf.reconstruction_err_)},
    }


def save_estimator(result: Any, directory: Path) -> dict[str, Any]:
    """Topic × word matrix (.npy) and vocabulary (JSON)."""
    m: TopicMatrices = result.estimator
    np.save(directory / "components.npy", m.components, allow_pickle=False)
    if m.idf is not None:
        np.save(directory / "idf.npy", m.idf, allow_pickle=False)
    (directory / "vocabulary.json").write_text(json.dumps(m.vocabulary, ensure_ascii=False),
                                               encoding="utf-8")
    return {"components": "components.npy", "vocabulary": "vocabulary.json",
            "idf": "idf.npy" if m.idf is not None else None}


def load_estimator(result: Any, directory: Path, info: Mapping[str, Any]) -> TopicMatrices:
    """The saved matrices and vocabulary."""
    try:
        components = np.load(directory / info["components"], allow_pickle=False)
        vocabulary = json.loads((directory / info["vocabulary"]).read_text(encoding="utf-8"))
        idf = np.load(directory / info["idf"], allow_pickle=False) if info.get("idf") else None
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{directory}: damaged topic matrices ({exc})") from exc
    if components.shape[1] != len(vocabulary):
        raise ModelFileError(f"{directory}: {components.shape[1]} matrix columns but "
                             f"{len(vocabulary)} vocabulary words")
    return TopicMatrices(components, vocabulary, idf)
