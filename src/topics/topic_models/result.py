"""One small result type for every topic-model family, its topic names, and its safe on-disk format.

A saved result is a folder (:mod:`topics.topic_models.storage`):

* ``result.json`` — the card: model name, unit, seed, resolved settings, corpus name and fingerprint,
  the modelled units, their tokens, the training assignments, topics (word, weight), topic names,
  metrics, package versions, and the names of the estimator's files. A reloaded result reports
  exactly these, whatever the family.
* ``distributions.npy`` / ``embeddings.npy`` — the document × topic matrix and the document embeddings
  where the family has them.
* ``estimator.safetensors`` + ``estimator.json`` — the fitted state that places new texts
  (:class:`~topics.topic_models.assigner.TopicAssigner`): vocabularies, idf, SVD components,
  centroids, topic × word matrices.
* ``manifest.json`` — size and SHA-256 of every other file.

Nothing is pickled and nothing in the folder is code: loading it
(:func:`topics.topic_models.loading.load_topic_model`) parses JSON, npy and safetensors only.
"""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FORMAT", "FORMAT_VERSION", "RESULT_FILE", "FittedTopics", "TopicModelResult",
           "name_topics", "topic_name"]

FORMAT = "topics.topic_model"
FORMAT_VERSION = 2
RESULT_FILE = "result.json"
NAME_WORDS = 3
OUTLIER_NAME = "outliers"


def topic_name(words: Sequence[Any], n_words: int = NAME_WORDS) -> str:
    """A topic's name: its best ``n_words`` words joined, e.g. ``"grenze · grenzübergang · handel"``."""
    plain = [w if isinstance(w, str) else w[0] for w in words]
    plain = [w for w in plain if w][:n_words]
    return " · ".join(plain) if plain else "(no words)"


def name_topics(topics: Mapping[int, Sequence[Any]], n_words: int = NAME_WORDS) -> dict[int, str]:
    """A distinct name per topic (``-1``: "outliers"): its top words, more of them where two
    topics would share a name, and the topic id as a last resort."""
    names: dict[int, str] = {}
    for topic in sorted(topics):
        if topic == -1:
            names[-1] = OUTLIER_NAME
            continue
        words = topics[topic]
        taken = set(names.values())
        n = n_words
        name = topic_name(words, n)
        while name in taken and n < len(words):
            n += 1
            name = topic_name(words, n)
        names[int(topic)] = name if name not in taken else f"{name} ({topic})"
    return names


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
    estimator : TopicAssigner
        The fitted state that places new texts (stored as arrays + JSON).
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
        Flat metrics (see :func:`topics.evaluation.topic_metrics.evaluate_topics`) plus
        ``fit_seconds`` (a fresh fit's; not saved, so a loaded result has none).
    distributions : numpy.ndarray or None
        Document × topic matrix (columns in topic-id order, -1 excluded) where the family has one.
    embeddings : numpy.ndarray or None
        Document embeddings (BERTopic) for 2-D maps.
    tokens : list of list of str
        The tokens view of every unit, as the topic words and coherence saw it.
    corpus_name, corpus_fingerprint : str
        Where the units came from.
    estimator : TopicAssigner or None
        The fitted state that places new texts (:meth:`transform`); after a fit through the
        BERTopic library its ``bertopic`` attribute holds the live BERTopic model (not stored).
    topic_names : dict of int to str
        A name per topic: its top three words joined (``"grenze · grenzübergang · handel"``), more
        words where two topics would share a name; ``-1`` is "outliers". Figures and tables use
        them.
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
    topic_names: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.topic_names:
            self.topic_names = name_topics(self.topics)

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

    def transform(
        self, texts: Sequence[str], article_ids: Sequence[str] | None = None
    ) -> Any:
        """The topic id of each text, as :meth:`assign` gives it (a numpy array of int)."""
        return np.array([a["topic"] for a in self.assign(texts, article_ids)], dtype=int)

    def assign(
        self, texts: Sequence[str], article_ids: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Topics for texts, with the ids and names the fit gave; works on a loaded model.

        How it relates to the training assignments:

        * a text that is one of the training units (its text, or its text after
          :func:`topics.clean_text`) gets the topic the fit gave that unit;
        * any other text is cleaned, read with the model's own view of text (the stored vocabulary,
          idf, tokens-view settings) and placed by the stored estimator
          (:class:`~topics.topic_models.assigner.TopicAssigner`): BERTopic -> the nearest topic
          centroid of its embedding, NMF -> the largest share of its non-negative least-squares
          fit, LDA -> the largest share of its topic mixture (EM with the topics fixed). A new text
          is one unit that is its own article: the article context of paragraph models leaves it
          unchanged, unless ``article_ids`` group several texts into articles as at fit time;
        * a text without a single word of the model's vocabulary gets ``-1`` (no topic).

        Parameters
        ----------
        texts : sequence of str
            Articles or paragraphs.
        article_ids : sequence of str, optional
            The article of each text: a model fitted on paragraphs reads each in its article's
            context, as its fit did (BERTopic mixes the embedding with the article's mean, NMF
            and LDA the topic shares with the article's).

        Returns
        -------
        list of dict
            Per text: ``topic`` (int), ``name`` (str), ``score`` (the similarity to the topic's
            centroid for BERTopic, the topic's share for NMF and LDA; 0 without a topic),
            ``coverage`` (the share of the text's tokens in the model's vocabulary: a score of 1
            read from one known word of an English text has a coverage near 0; ``None`` without
            an estimator) and ``training`` (True when the text is a training unit).

        Raises
        ------
        topics.errors.InputError
            ``texts`` or ``article_ids`` is a string, or the result has no estimator (loaded with
            ``load_estimator=False``) and a text is not a training unit.
        """
        from topics.errors import InputError, a_or_an, counted
        from topics.text.cleaning import clean_text

        if isinstance(texts, str):
            raise InputError("texts must be a list of texts, not one string; wrap it: [text]")
        if isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
            raise InputError(f"texts must be a list of texts, got {type(texts).__name__}")
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise InputError(f"text {i} is a {type(text).__name__}, not a str")
        if article_ids is not None and (isinstance(article_ids, (str, bytes, Mapping))
                                        or not isinstance(article_ids, Iterable)):
            # a string was read as one id per character
            given = ("one string" if isinstance(article_ids, str)
                     else a_or_an(type(article_ids).__name__))
            raise InputError(f"article_ids must be a list of ids, one per text, not {given}; "
                             "e.g. article_ids=['a1', 'a1'] for two paragraphs of one article")
        article_ids = None if article_ids is None else [str(a) for a in article_ids]
        if article_ids is not None and len(article_ids) != len(texts):
            raise InputError(f"{counted(len(texts), 'text')} but {len(article_ids)} article_ids; give one "
                             "article id per text")
        seen: dict[str, int] = {}
        for i, document in enumerate(self.documents):
            seen.setdefault(document.text, i)
        cleaned = [t if t in seen else clean_text(t) for t in texts]
        known = [seen.get(t) for t in cleaned]
        has_estimator = self.estimator is not None and hasattr(self.estimator, "transform")
        if not has_estimator and any(k is None for k in known):
            raise InputError(f"{self.model_name}: this result has no stored estimator (loaded "
                             "with load_estimator=False?); load it with its estimator to assign "
                             "new texts")
        ids, matrix, column = np.full(len(texts), -1), None, {}
        coverage: list[float | None] = [None] * len(texts)
        if has_estimator and texts:
            ids, matrix = self.estimator.transform(cleaned, article_ids)
            column = {t: j for j, t in enumerate(self.estimator.topic_ids)}
            coverage = [round(c, 6) for c in self.estimator.views[0].coverage(cleaned)]
        out = []
        for i, k in enumerate(known):
            topic = int(self.assignments[k]) if k is not None else int(ids[i])
            j = column.get(topic)
            score = float(matrix[i, j]) if matrix is not None and j is not None else None
            out.append({"topic": topic, "name": self.topic_names.get(topic, OUTLIER_NAME),
                        "score": 0.0 if topic == -1 else None if score is None else round(score, 6),
                        "coverage": coverage[i], "training": k is not None})
        return out

    def save(self, path: str | Path) -> Path:
        """Write the result to folder ``path`` (created; files of an earlier save are replaced).

        Only JSON, npy and safetensors files, and a manifest with their SHA-256
        (:mod:`topics.topic_models.storage`).

        Returns
        -------
        pathlib.Path
            The folder.

        Raises
        ------
        topics.errors.ConfigError
            ``path`` is a file, or a folder holding files that are not an earlier save (no
            topics ``manifest.json``): nothing of it is replaced.
        """
        from topics.topic_models.storage import write_folder

        files: dict[str, bytes] = {}
        for name, array in (("distributions.npy", self.distributions),
                            ("embeddings.npy", self.embeddings)):
            if array is not None:
                buffer = io.BytesIO()
                np.save(buffer, np.asarray(array, dtype=np.float64), allow_pickle=False)
                files[name] = buffer.getvalue()
        info: dict[str, Any] = {}
        if self.estimator is not None and hasattr(self.estimator, "to_files"):
            info, estimator_files = self.estimator.to_files()
            files.update(estimator_files)
        files[RESULT_FILE] = json.dumps(_to_json(self, info), ensure_ascii=False,
                                        indent=1).encode("utf-8")
        return write_folder(path, files)


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
        "metrics": {k: (None if _isnan(v) or v is None else float(v))
                    for k, v in result.metrics.items()
                    if k != "fit_seconds"},  # a time, not the model: the same fit, the same bytes
        "topics": {str(t): [[w, float(s)] for w, s in words] for t, words in result.topics.items()},
        "topic_names": {str(t): name for t, name in result.topic_names.items()},
        "assignments": [int(t) for t in result.assignments],
        "documents": [
            {"id": d.id, "article_id": d.article_id, "text": d.text, "labels": list(d.labels),
             "index": d.index}
            for d in result.documents
        ],
        "tokens": result.tokens,
        "estimator": extra,
        "versions": _versions(),
    }


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for dist in ("topics", "numpy", "scikit-learn", "scipy", "bertopic", "tomotopy"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


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
