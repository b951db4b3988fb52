"""Topic metrics of a corpus read in chunks: exact over every unit, in bounded memory.

A topic model fitted from a stream (:func:`topics.fit_streaming_nmf`) cannot hold its corpus to
score it, and a sample does not do for coherence: NPMI counts co-occurrences of the topic words, so
on 2,000 short paragraphs most pairs never meet and the score sinks (the same topics of 10,000
perturbed 10kGNAD paragraphs scored 0.046 on a 2,000-unit sample and 0.171 on all units).
:class:`StreamedTopicMetrics` adds up, chunk by chunk, what the metrics are functions of:

* gensim's sliding-window counts of the topic words (:func:`topics.evaluation.npmi.window_counts`:
  integer sums over texts), so NPMI is the number :func:`~topics.evaluation.topic_metrics.coherence`
  gives on all units at once, bit for bit;
* the topic sizes and the topic x primary-label table, from which the shares, NMI and ARI are what
  scikit-learn computes from the full assignment and label arrays.

Memory: the counts of at most ``topn`` x topics words (a square of them) and one cell per (topic,
label) pair, whatever the number of units.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from topics.evaluation.npmi import npmi_scores, window_counts
from topics.evaluation.stability import topic_health
from topics.evaluation.topic_metrics import (
    NONE_LABEL,
    NPMI_WINDOW,
    TopicWords,
    _word_lists,
    mean_of_finite,
    primary_labels,
    topic_diversity,
)

__all__ = ["StreamedTopicMetrics", "nmi_ari_from_table"]

class StreamedTopicMetrics:
    """Topic metrics accumulated over chunks of units.

    Parameters
    ----------
    topics : mapping of topic id to words or (word, weight) pairs
        The model's topics (``-1`` ignored).
    topn : int
        Top words per topic for coherence and diversity.

    Examples
    --------
    >>> scores = StreamedTopicMetrics({0: ["hanoi", "besuch"], 1: ["grenze", "armee"]})
    >>> scores.add([["hanoi", "besuch", "heute"], ["grenze", "armee"]], [0, 1])
    >>> scores.metrics()["largest_topic_share"]
    0.5
    """

    def __init__(self, topics: TopicWords, topn: int = 10) -> None:
        self.topics = topics
        self.topn = topn
        self._word_lists = _word_lists(topics, topn)
        words = sorted({w for ws in self._word_lists for w in ws})
        self._index = {w: i for i, w in enumerate(words)}
        self._occurrences = np.zeros(len(words), dtype=np.int64)
        self._co = np.zeros((len(words), len(words)), dtype=np.int64)
        self._windows = 0
        self._table: Counter[tuple[str, int]] = Counter()
        self._labelled = False

    def add(self, tokens: Sequence[Sequence[str]], assignments: Sequence[int],
            labels: Sequence[Sequence[str]] | None = None) -> None:
        """Count one chunk: its units' tokens, topics (``-1`` = outlier) and labels (optional)."""
        if len(tokens) != len(assignments) or (labels is not None and len(labels) != len(tokens)):
            raise ValueError(f"a chunk of {len(tokens)} units needs as many assignments and labels")
        occurrences, co, windows = window_counts(tokens, self._index, NPMI_WINDOW)
        self._occurrences += occurrences
        self._co += co
        self._windows += windows
        if labels is not None and any(len(ls) for ls in labels):
            self._labelled = True
        classes = primary_labels(labels) if labels is not None else [NONE_LABEL] * len(tokens)
        self._table.update(zip(classes, (int(a) for a in assignments), strict=True))

    def metrics(self) -> dict[str, float]:
        """The metrics of every unit added so far, as :func:`topics.evaluate_topics` names them.

        ``npmi``, ``diversity``, ``n_topics``, ``outlier_share``, ``largest_topic_share``,
        ``empty_topics``, ``wordless_topics``, ``nan_topics``, ``n_units`` and, once a unit had a
        label, ``nmi`` and ``ari`` against the primary labels (outliers as one cluster).
        """
        sizes: Counter[int] = Counter()
        for (_, topic), n in self._table.items():
            sizes[topic] += n
        n_units = sum(sizes.values())
        placed = [n for topic, n in sizes.items() if topic != -1]
        out = {
            "npmi": mean_of_finite(npmi_scores(self._word_lists, self._index, self._occurrences,
                                               self._co, self._windows)),
            "diversity": topic_diversity(self.topics, self.topn),
            "n_topics": float(sum(1 for t in self.topics if t != -1)),
            "outlier_share": sizes[-1] / n_units if n_units else math.nan,
            "largest_topic_share": max(placed) / n_units if placed else 0.0,
            "n_units": float(n_units),
        }
        out.update(topic_health(self.topics, list(sizes), self.topn))
        if self._labelled:
            out.update(nmi_ari_from_table(self._table))
        return out


def nmi_ari_from_table(table: Counter[tuple[str, int]]) -> dict[str, float]:
    """NMI (arithmetic mean) and ARI from (label, topic) counts, as scikit-learn from the arrays.

    scikit-learn's own formulas applied to the contingency table it would build (labels and
    topics in sorted order, NMI through its sparse table; ARI from its pair counts in integers).
    """
    classes = sorted({label for label, _ in table})
    clusters = sorted({topic for _, topic in table})
    counts = np.zeros((len(classes), len(clusters)), dtype=np.int64)
    row = {c: i for i, c in enumerate(classes)}
    col = {t: j for j, t in enumerate(clusters)}
    for (label, topic), n in table.items():
        counts[row[label], col[topic]] = n
    return {"nmi": _nmi(counts), "ari": _ari(counts)}


def _entropy(marginal: np.ndarray) -> float:
    """scikit-learn's ``entropy`` of a labelling, from its class counts."""
    pi = marginal[marginal > 0].astype(np.float64)
    total = np.sum(pi)
    return float(-np.sum((pi / total) * (np.log(pi) - math.log(total))))


def _nmi(counts: np.ndarray) -> float:
    """scikit-learn's ``normalized_mutual_info_score`` from its (sparse, float) contingency table."""
    from scipy.sparse import csr_matrix
    from sklearn.metrics import mutual_info_score

    if counts.shape[0] == counts.shape[1] == 1:
        return 1.0  # one class and one cluster: scikit-learn's convention
    mi = mutual_info_score(None, None, contingency=csr_matrix(counts.astype(np.float64)))
    if mi == 0:
        return 0.0
    normaliser = np.mean([_entropy(counts.sum(axis=1)), _entropy(counts.sum(axis=0))])
    return float(mi / normaliser)


def _ari(counts: np.ndarray) -> float:
    """scikit-learn's ``adjusted_rand_score`` from its pair-confusion counts (integers)."""
    n = int(counts.sum())
    n_c, n_k = counts.sum(axis=1), counts.sum(axis=0)
    squares = int((counts.astype(object) ** 2).sum())
    tp = squares - n
    fp = int((counts @ n_k).sum()) - squares
    fn = int((counts.T @ n_c).sum()) - squares
    tn = n * n - fp - fn - squares
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
