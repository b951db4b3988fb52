"""The fitted state of every topic-model family as plain arrays + JSON, and topics for new texts.

A :class:`TopicAssigner` is what a family keeps of its fit to place a new text: how a text becomes
a vector (:class:`TextView`: vocabulary, idf, sublinear term frequency) and the model's arrays. It
runs on numpy alone (no scikit-learn, BERTopic, tomotopy or numba), is stored as one safetensors
file and one JSON file (:meth:`TopicAssigner.to_files`), and loads without running code.

=============  ==========================================  =============================================
kind           families                                    a new text's topic
=============  ==========================================  =============================================
``centroids``  ``bertopic``, ``bertopic_default``          its embedding (the stored TF-IDF views -> SVD
                                                           components -> unit length) goes to the
                                                           nearest topic centroid (euclidean, as
                                                           k-means assigns)
``nmf``        ``nmf``                                     non-negative least squares of its TF-IDF row
                                                           on the topic x word matrix; the largest
                                                           share
``lda``        ``lda``, ``lda_default``                    its topic mixture by EM with the topic x word
                                                           distributions and alpha held fixed (fold-in);
                                                           the largest share
=============  ==========================================  =============================================

A text with no word of the vocabulary gets ``-1``. The centroids of the default BERTopic route are
its k-means centres, so an article of the training corpus lands in the topic the fit gave it; with
the UMAP or HDBSCAN options the centroid is the topic's mean embedding (the UMAP layout and HDBSCAN's
tree are not stored: they cannot be stored without pickle), an approximation of what BERTopic's own
``transform`` would do. :meth:`topics.TopicModelResult.transform` adds the rule that a training unit
gets its training topic back.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from topics.errors import ModelFileError, counted
from topics.topic_models.context import (
    article_index,
    article_means,
    context_weight_problem,
    in_article_context,
)
from topics.topic_models.storage import RESAVE, json_of

__all__ = ["ARRAYS_FILE", "STRUCTURE_FILE", "TextView", "TopicAssigner", "embed_texts",
           "known_share"]

ARRAYS_FILE = "estimator.safetensors"
STRUCTURE_FILE = "estimator.json"
KINDS = ("centroids", "nmf", "lda")
VIEW_KINDS = ("tokens", "words", "chars")
_WORDS = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_SPACES = re.compile(r"\s\s+")
_MAX_NGRAM = 32  # n-gram lengths a stored view may give (the fits use up to 5 or so)

Row = tuple[np.ndarray, np.ndarray]  # column indices, values


def _char_wb(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of a lower-cased text (the same list, in order)."""
    ngrams = []
    for word in _SPACES.sub(" ", text.lower()).split():
        w = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            ngrams.append(w[offset:offset + n])
            while offset + n < len(w):
                offset += 1
                ngrams.append(w[offset:offset + n])
            if offset == 0:
                break
    return ngrams


def known_share(tokens: Sequence[str], vocabulary: Container[str]) -> float:
    """The share of ``tokens`` in ``vocabulary`` (0 for no token): how much of a text a
    model's placement read."""
    return sum(t in vocabulary for t in tokens) / len(tokens) if tokens else 0.0


@dataclass
class TextView:
    """How a text becomes a row of the document x term matrix, as at fit time.

    Attributes
    ----------
    kind : {"tokens", "words", "chars"}
        The German tokens view (with ``analysis`` settings), scikit-learn's default word tokens
        (lower-cased, ``\\b\\w\\w+\\b``: the peers), or ``char_wb`` n-grams of ``ngram_range``.
    vocabulary : list of str
        The columns.
    idf : numpy.ndarray or None
        Inverse document frequencies (TF-IDF); None keeps counts.
    sublinear : bool
        ``1 + log(count)`` instead of the count.
    normalise : bool
        Rows scaled to unit length.
    """

    kind: str
    vocabulary: list[str]
    idf: np.ndarray | None = None
    sublinear: bool = False
    normalise: bool = False
    analysis: dict[str, Any] = field(default_factory=dict)
    ngram_range: tuple[int, int] = (1, 1)
    _index: dict[str, int] | None = field(default=None, repr=False)

    def analyzer(self) -> Callable[[str], list[str]]:
        """Text -> tokens, as the fit read it."""
        if self.kind == "tokens":
            from topics.text.german import GermanAnalyzer

            analyzer = GermanAnalyzer(**self.analysis)
            return lambda text: list(analyzer(text))
        if self.kind == "words":
            return lambda text: _WORDS.findall(text.lower())
        low, high = self.ngram_range
        return lambda text: _char_wb(text, low, high)

    def rows(self, texts: Sequence[str]) -> list[Row]:
        """One sparse row (indices, values) per text."""
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self.vocabulary)}
        analyse, index = self.analyzer(), self._index
        out = []
        for text in texts:
            counts = Counter(index[t] for t in analyse(text) if t in index)
            columns = np.array(sorted(counts), dtype=np.int64)
            values = np.array([counts[c] for c in columns], dtype=np.float64)
            if self.sublinear and len(values):
                values = 1.0 + np.log(values)
            if self.idf is not None:
                values = values * self.idf[columns]
            if self.normalise and len(values):
                norm = math.sqrt(float(values @ values))
                values = values / norm if norm > 0 else values
            out.append((columns, values))
        return out

    def coverage(self, texts: Sequence[str]) -> list[float]:
        """The share of each text's tokens that are in the vocabulary (0 for a text of none):
        how much of the text a placement could read."""
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self.vocabulary)}
        analyse = self.analyzer()
        return [known_share(analyse(text), self._index) for text in texts]

    def structure(self) -> dict[str, Any]:
        return {"kind": self.kind, "vocabulary": self.vocabulary, "sublinear": self.sublinear,
                "normalise": self.normalise, "analysis": self.analysis,
                "ngram_range": list(self.ngram_range), "idf": self.idf is not None}


@dataclass
class TopicAssigner:
    """A fitted topic model's state: views, arrays, topic ids; places new texts in topics.

    Attributes
    ----------
    kind : {"centroids", "nmf", "lda"}
    topic_ids : list of int
        The topic id of each row of the model's arrays (outlier topic ``-1`` excluded).
    views : list of TextView
        Empty for a sentence-transformers embedding (``options["embedding_model"]``).
    arrays : dict of str to numpy.ndarray
        ``centroids``: ``centroids`` (topics x dimensions) and ``components`` (dimensions x terms
        of all views, the SVD); ``nmf``: ``components`` (topics x terms); ``lda``: ``components``
        (topics x terms, rows sum to 1) and ``alpha`` (topics).
    options : dict
        ``context_weight`` (a paragraph given with its article id is read in its article's
        context, as at fit time; :mod:`~topics.topic_models.context`), ``embedding_model``
        (centroids), ``beta_loss`` (nmf).
    bertopic : object or None
        After a fit through the BERTopic library, the live ``BERTopic`` model (for its own
        figures); never stored.
    """

    kind: str
    topic_ids: list[int]
    views: list[TextView]
    arrays: dict[str, np.ndarray]
    options: dict[str, Any] = field(default_factory=dict)
    bertopic: Any = field(default=None, repr=False, compare=False)

    # -- placing texts ---------------------------------------------------------------------------

    def scores(self, texts: Sequence[str], article_ids: Sequence[str] | None = None) -> np.ndarray:
        """Texts x topics: similarity to each centroid (centroids) or topic shares (nmf, lda).

        A row of zeros means the text has no word of the vocabulary.
        """
        texts = list(texts)
        _check_article_ids(texts, article_ids)
        if self.kind == "centroids":
            return self._centroid_scores(texts, article_ids)[1]
        rows = self.views[0].rows(texts)
        if not rows:
            return np.zeros((0, len(self.arrays["components"])))
        own = np.vstack([self._shares(row) for row in rows])
        weight = self.options.get("context_weight")
        article_of = None if article_ids is None or weight is None else article_index(article_ids)
        if article_of is None:
            return own
        if self.kind == "nmf":  # as the fit: the mean of the article's paragraphs' shares
            articles = article_means(own, article_of)
        else:  # as the fit: the article's words pooled
            members = np.split(np.argsort(article_of, kind="stable"),
                               np.cumsum(np.bincount(article_of))[:-1])
            articles = np.vstack([self._shares(_pooled([rows[i] for i in m])) for m in members])
        return in_article_context(own, articles, article_of, float(weight))

    def _shares(self, row: Row) -> np.ndarray:
        """Topic shares of one text's row (nmf, lda)."""
        h = self.arrays["components"]
        if self.kind == "nmf":
            return _nmf_share(h, row, self.options.get("beta_loss", "frobenius"))
        return _fold_in(h, self.arrays["alpha"], row)

    def transform(
        self, texts: Sequence[str], article_ids: Sequence[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Topic id per text (``-1`` without a known word) and the texts x topics scores."""
        texts = list(texts)
        if self.kind == "centroids":
            distances, scores = self._centroid_scores(texts, article_ids)
        else:
            scores = self.scores(texts, article_ids)
            distances = -scores  # the largest share is the nearest topic
        if not len(texts) or not self.topic_ids:  # a fit that found no topic places nothing
            return np.full(len(texts), -1, dtype=int), scores
        ids = np.asarray(self.topic_ids, dtype=int)[distances.argmin(axis=1)]
        known = np.abs(scores).sum(axis=1) > 0
        return np.where(known, ids, -1).astype(int), scores

    def _embed(self, texts: list[str]) -> np.ndarray:
        name = self.options.get("embedding_model")
        if name:
            from topics.topic_models.sentence_models import sentence_transformer

            model = sentence_transformer(name)
            return np.asarray(model.encode(texts, show_progress_bar=False,
                                           normalize_embeddings=True), dtype=np.float64)
        return embed_texts(self.views, self.arrays["components"], texts,
                           normalise=bool(self.options.get("normalise_embedding", True)))

    def _centroid_scores(
        self, texts: list[str], article_ids: Sequence[str] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        from topics.topic_models.clustering import with_article_context

        centroids = self.arrays["centroids"]
        embeddings = self._embed(texts)
        weight = self.options.get("context_weight")
        if article_ids is not None and len(texts) and weight is not None and weight < 1:
            embeddings = with_article_context(embeddings, article_ids, float(weight))
        squared = (centroids ** 2).sum(axis=1)
        products = embeddings @ centroids.T
        distances = squared[None, :] - 2 * products  # + |e|^2, the same for every topic
        lengths = np.linalg.norm(embeddings, axis=1, keepdims=True) * np.sqrt(squared)[None, :]
        similarity = np.divide(products, lengths, out=np.zeros_like(products), where=lengths > 0)
        return distances, similarity

    # -- storage ---------------------------------------------------------------------------------

    def to_files(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        """``(info for result.json, {file name: bytes})``: arrays in safetensors, the rest JSON."""
        from safetensors.numpy import save

        tensors = {name: np.ascontiguousarray(value, dtype=np.float64)
                   for name, value in self.arrays.items()}
        for k, view in enumerate(self.views):
            if view.idf is not None:
                tensors[f"idf_{k}"] = np.ascontiguousarray(view.idf, dtype=np.float64)
        structure = {"kind": self.kind, "topic_ids": [int(t) for t in self.topic_ids],
                     "views": [v.structure() for v in self.views], "options": self.options,
                     "arrays": sorted(self.arrays)}
        files = {ARRAYS_FILE: save(tensors),
                 STRUCTURE_FILE: json.dumps(structure, ensure_ascii=False).encode("utf-8")}
        return {"kind": self.kind, "arrays": ARRAYS_FILE, "structure": STRUCTURE_FILE}, files

    @classmethod
    def from_files(cls, arrays: bytes, structure: bytes, where: str, *,
                   trust: bool = False) -> TopicAssigner:
        """Rebuild from the two files :meth:`to_files` wrote; ModelFileError if they do not fit,
        or if they name a sentence-transformers model to load (a name or a path out of the
        folder, whose loading can run code) and ``trust`` is false."""
        from safetensors.numpy import load

        try:
            tensors = load(arrays)
        except Exception as exc:  # safetensors raises its own errors on damaged bytes
            raise ModelFileError(f"{where}: {ARRAYS_FILE} is not a safetensors file ({exc})" + RESAVE) from None
        data = json_of(structure, f"{where}: {STRUCTURE_FILE}")
        try:
            assigner = cls._from_structure(data, tensors)
            assigner._check()
        except ModelFileError:
            raise
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ModelFileError(f"{where}: {STRUCTURE_FILE} does not describe a stored topic "
                                 f"model ({type(exc).__name__}: {exc})" + RESAVE) from None
        embedding_model = assigner.options.get("embedding_model")
        if embedding_model is not None and not trust:
            raise ModelFileError(
                f"{where}: {STRUCTURE_FILE} names the sentence-transformers model "
                f"{embedding_model!r} to embed new texts with: a model outside the folder, whose "
                "loading can run code; refused. Load it with trust=True (--trust) only if you "
                "made the folder yourself and trust that model")
        return assigner

    @classmethod
    def _from_structure(cls, data: Mapping[str, Any], tensors: Mapping[str, np.ndarray]) -> Any:
        _expect(isinstance(data, dict), "the structure is not a JSON object")
        kind = data["kind"]
        _expect(kind in KINDS, f"unknown kind {kind!r}")
        views = []
        for k, v in enumerate(data["views"]):
            _expect(isinstance(v, dict) and v.get("kind") in VIEW_KINDS, "unknown view")
            _expect(_strings(v["vocabulary"]), "a vocabulary is not a list of strings")
            _expect(len(set(v["vocabulary"])) == len(v["vocabulary"]),
                    "a vocabulary names a word twice")
            _expect(isinstance(v["analysis"], dict), "analysis settings are not an object")
            low, high = v["ngram_range"]
            _expect(type(low) is int and type(high) is int and 1 <= low <= high <= _MAX_NGRAM,
                    f"ngram_range must be two integers 1 <= low <= high <= {_MAX_NGRAM}")
            views.append(TextView(v["kind"], list(v["vocabulary"]),
                                  tensors[f"idf_{k}"] if v["idf"] else None,
                                  bool(v["sublinear"]), bool(v["normalise"]), dict(v["analysis"]),
                                  (low, high)))
        _expect(_strings(data["arrays"]), "array names are not strings")
        arrays = {name: tensors[name] for name in data["arrays"]}
        ids = data["topic_ids"]
        _expect(isinstance(ids, list) and all(type(t) is int and 0 <= t < 2 ** 63 for t in ids),
                "topic ids must be integers from 0 to 2^63 - 1")
        _expect(len(set(ids)) == len(ids), "a topic id is listed twice")
        options = data["options"]
        _expect(isinstance(options, dict), "options are not an object")
        model = options.get("embedding_model")
        _expect(model is None or (isinstance(model, str) and model != ""),
                "embedding_model must be null or a model name")
        _expect(context_weight_problem(options.get("context_weight")) is None,
                "context_weight must be null or a number from 0 to 1")
        return cls(kind, ids, views, arrays, dict(options))

    def _check(self) -> None:
        """Shapes agree: every array fits the topics and the vocabularies."""
        terms = sum(len(v.vocabulary) for v in self.views)
        for view in self.views:
            _expect(view.idf is None or view.idf.shape == (len(view.vocabulary),),
                    "idf does not match the vocabulary")
        n = len(self.topic_ids)
        if self.kind == "centroids":
            centroids = self.arrays["centroids"]
            _expect(centroids.ndim == 2 and len(centroids) == n, "centroids do not match topics")
            if not self.options.get("embedding_model"):
                components = self.arrays["components"]
                _expect(components.shape == (centroids.shape[1], terms),
                        "SVD components do not match the centroids and the vocabulary")
        else:
            _expect(len(self.views) == 1, "one text view expected")
            _expect(self.arrays["components"].shape == (n, terms),
                    "topic x word matrix does not match topics and vocabulary")
            if self.kind == "lda":
                _expect(self.arrays["alpha"].shape == (n,), "alpha does not match the topics")
        idf = {f"idf_{k}": v.idf for k, v in enumerate(self.views) if v.idf is not None}
        for name, value in {**self.arrays, **idf}.items():
            # to_files stores float64 only: integers or booleans are not a saved model's
            _expect(value.dtype.kind == "f",
                    f"array {name!r} of {ARRAYS_FILE} is {value.dtype}, not floats")
            _expect(bool(np.isfinite(value).all()), f"array {name!r} holds NaN or infinity")


def embed_texts(
    views: Sequence[TextView], components: np.ndarray, texts: Sequence[str], normalise: bool = True
) -> np.ndarray:
    """Texts -> SVD embedding: the views' rows side by side, times the components (transposed),
    scaled to unit length (``normalise``), as the fitted scikit-learn pipeline would."""
    out = np.zeros((len(texts), components.shape[0]))
    offset = 0
    for view in views:
        for i, (columns, values) in enumerate(view.rows(texts)):
            if len(columns):
                out[i] += components[:, offset + columns] @ values
        offset += len(view.vocabulary)
    if not normalise:
        return out
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def _expect(condition: bool, problem: str) -> None:
    if not condition:
        raise ValueError(problem)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _check_article_ids(texts: Sequence[str], article_ids: Sequence[str] | None) -> None:
    if article_ids is not None and len(article_ids) != len(texts):
        raise ValueError(f"{counted(len(texts), 'text')} but "
                         f"{counted(len(article_ids), 'article id')}")


def _pooled(rows: Sequence[Row]) -> Row:
    """One row of several texts' rows: their columns and values one after another (a column
    found twice counts twice, as in one text holding both)."""
    return (np.concatenate([c for c, _ in rows]), np.concatenate([v for _, v in rows]))


def _nmf_share(h: np.ndarray, row: Row, beta_loss: str) -> np.ndarray:
    """Topic shares of one TF-IDF row with the topic x word matrix ``h`` held fixed."""
    columns, values = row
    if not len(columns):
        return np.zeros(len(h))
    if beta_loss == "frobenius":
        from topics.topic_models.shares import nnls_weights

        x = np.zeros((1, h.shape[1]))
        x[0, columns] = values
        w = nnls_weights(h, x)[0]
    else:  # multiplicative updates of the beta divergence (1: Kullback-Leibler, 0: Itakura-Saito)
        beta = 1.0 if beta_loss == "kullback-leibler" else 0.0
        x = np.full(h.shape[1], 1e-9)
        x[columns] = values
        w = np.full(len(h), float(values.mean()))
        for _ in range(500):
            wh = np.maximum(w @ h, 1e-12)
            w = w * (h @ (x * wh ** (beta - 2))) / np.maximum(h @ (wh ** (beta - 1)), 1e-12)
    total = float(w.sum())
    return w / total if total > 0 else np.zeros(len(h))


def _fold_in(phi: np.ndarray, alpha: np.ndarray, row: Row, iterations: int = 500) -> np.ndarray:
    """Topic mixture of one document of word counts, by EM with ``phi`` and ``alpha`` fixed.

    ``theta_k = (alpha_k + sum_w n_w r_kw) / (N + sum alpha)`` with responsibilities
    ``r_kw ~ theta_k phi_kw``: the estimate tomotopy reports for training documents
    (counts + alpha), reached deterministically instead of by sampling.
    """
    columns, counts = row
    if not len(columns):
        return np.zeros(len(phi))
    p = phi[:, columns]
    theta = np.full(len(phi), 1.0 / len(phi))
    total = float(counts.sum()) + float(alpha.sum())
    for _ in range(iterations):
        mix = np.maximum(theta @ p, 1e-300)
        updated = (alpha + theta * (p @ (counts / mix))) / total
        if np.abs(updated - theta).max() < 1e-12:
            return updated
        theta = updated
    return theta
