"""One small result type for every topic-model family, and its safe on-disk format.

A saved result is a directory:

* ``result.json`` — model name, unit, seed, resolved settings, corpus name and fingerprint, the modelled
  units, their tokens, the training assignments, topics (word, weight) and metrics. A reloaded result
  reports exactly these, whatever the family.
* ``distributions.npy`` / ``embeddings.npy`` — the document × topic matrix and the document embeddings
  where the family has them (``allow_pickle=False`` on load).
* a family-specific part written by the fitted estimator itself (``estimator.save(directory)``:
  BERTopic's safetensors directory, NMF/LDA matrices + JSON vocabulary). Nothing is pickled.

Reading a saved result back is :func:`topics.topic_models.loading.load_topic_model`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FORMAT", "FORMAT_VERSION", "RESULT_FILE", "FittedTopics", "TopicModelResult"]

FORMAT = "topics.topic_model"
FORMAT_VERSION = 1
RESULT_FILE = "result.json"


@dataclass(eq=False)
class FittedTopics:
    """What a topic-model family's ``fit`` returns: the model's view of the units it was given.

    Attributes
    ----------
    settings : dict
        The resolved settings (defaults filled in, automatic values computed).
    assignments : numpy.ndarray of int
        Topic id per unit, ``-1`` for an outlier or a unit with no token left.
    topics : dict of int to list of (str, float)
        Topic id to its top words with weights, best first.
    distributions, embeddings : numpy.ndarray or None
        Document × topic matrix and document embeddings, where the family has them.
    tokens : list of list of str
        The tokens each unit was read as (what the topic words and coherence see).
    estimator : object
        The fitted model; it saves itself with ``estimator.save(directory) -> dict``.
    extra_metrics : dict of str to float
        Family-specific numbers (reconstruction error, log-likelihood, outliers before reduction).
    """

    settings: dict[str, Any]
    assignments: np.ndarray
    topics: dict[int, list[tuple[str, float]]]
    distributions: np.ndarray | None
    embeddings: np.ndarray | None
    tokens: list[list[str]]
    estimator: Any
    extra_metrics: dict[str, float] = field(default_factory=dict)


@dataclass(eq=False)
class TopicModelResult:
    """A fitted topic model: documents, assignments, topic words, metrics.

    Attributes
    ----------
    model_name : str
        ``"bertopic"``, ``"lda"``, ``"nmf"``, ``"bertopic_default"`` or ``"lda_default"``.
    unit : str
        ``"paragraph"`` or ``"article"``.
    seed : int
        The seed every stochastic part was given.
    settings : dict
        The resolved settings (defaults filled in, automatic values computed).
    documents : list of TextUnit
        The modelled units, in order; each has ``id``, ``article_id``, ``text`` (clean) and ``labels``.
    assignments : numpy.ndarray of int
        Topic id per unit; ``-1`` marks an outlier (BERTopic) or a unit with no token left (LDA/NMF).
    topics : dict of int to list of (str, float)
        Topic id to its top words with weights, best first (``-1`` included when the model has it).
    metrics : dict of str to float
        Flat metrics (see :func:`topics.topic_metrics.evaluate_topics`) plus ``fit_seconds``.
    distributions : numpy.ndarray or None
        Document × topic matrix (columns in topic-id order, -1 excluded) where the family has one.
    embeddings : numpy.ndarray or None
        Document embeddings (BERTopic) for 2-D maps.
    tokens : list of list of str
        The tokens view of every unit, as the topic words and coherence saw it.
    corpus_name, corpus_fingerprint : str
        Where the units came from.
    estimator : object or None
        The fitted underlying model (BERTopic, tomotopy/sklearn LDA, sklearn NMF), when available.
    """

    model_name: str
    unit: str
    seed: int
    settings: dict[str, Any]
    documents: list[Any]
    assignments: np.ndarray
    topics: dict[int, list[tuple[str, float]]]
    metrics: dict[str, float] = field(default_factory=dict)
    distributions: np.ndarray | None = None
    embeddings: np.ndarray | None = None
    tokens: list[list[str]] = field(default_factory=list, repr=False)
    corpus_name: str = ""
    corpus_fingerprint: str = ""
    estimator: Any = field(default=None, repr=False)

    @property
    def sizes(self) -> dict[int, int]:
        """Number of units per topic id (``-1`` included when present), by topic id."""
        counts = Counter(int(t) for t in self.assignments)
        return {t: counts.get(t, 0) for t in sorted(set(counts) | set(self.topics))}

    @property
    def outlier_share(self) -> float:
        """Share of units assigned to ``-1``."""
        return float(np.mean(self.assignments == -1)) if len(self.assignments) else math.nan

    @property
    def n_topics(self) -> int:
        """Number of topics, the outlier topic not counted."""
        return sum(1 for t in self.topics if t != -1)

    def top_words(self, topic_id: int, n: int = 10) -> list[str]:
        """The ``n`` best words of one topic."""
        return [w for w, _ in self.topics[topic_id][:n]]

    def topic_label_table(self) -> Any:
        """Topic × primary-label counts (pandas DataFrame)."""
        from topics.evaluation.topic_metrics import primary_labels, topic_label_table

        return topic_label_table(self.assignments, primary_labels(d.labels for d in self.documents))

    def save(self, path: str | Path) -> Path:
        """Write the result to directory ``path`` (created; existing files are overwritten).

        Returns
        -------
        pathlib.Path
            The directory.
        """
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        if self.distributions is not None:
            np.save(directory / "distributions.npy", np.asarray(self.distributions), allow_pickle=False)
        if self.embeddings is not None:
            np.save(directory / "embeddings.npy", np.asarray(self.embeddings), allow_pickle=False)
        extra = self.estimator.save(directory) if self.estimator is not None else {}
        payload = _to_json(self, extra)
        (directory / RESULT_FILE).write_text(
            json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return directory


def _to_json(result: TopicModelResult, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_name": result.model_name,
        "unit": result.unit,
        "seed": result.seed,
        "settings": _jsonable(result.settings),
        "corpus_name": result.corpus_name,
        "corpus_fingerprint": result.corpus_fingerprint,
        "metrics": {k: (None if _isnan(v) else float(v)) for k, v in result.metrics.items()},
        "topics": {str(t): [[w, float(s)] for w, s in words] for t, words in result.topics.items()},
        "assignments": [int(t) for t in result.assignments],
        "documents": [
            {"id": d.id, "article_id": d.article_id, "text": d.text, "labels": list(d.labels),
             "index": d.index}
            for d in result.documents
        ],
        "tokens": result.tokens,
        "estimator": extra,
    }


def _isnan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _jsonable(value: Any) -> Any:
    """Settings as JSON: tuples become lists, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
