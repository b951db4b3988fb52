"""Topic-model metrics: coherence (gensim), diversity (OCTIS), label alignment (scikit-learn).

Conventions, the same for every model family:

* Coherence reads the **tokens the topic words come from** (the German tokens view of the same units for
  our models; a peer's own vectorizer tokens for a peer), through gensim's :class:`CoherenceModel`. We
  never count co-occurrences ourselves.
* NPMI is the primary score: ``coherence="c_npmi"``, boolean sliding window of 10 tokens, top 10 words.
  gensim slides the window inside each unit; a unit shorter than the window counts as one window.
  C_v uses gensim's own default window (110), as Röder et al. define it.
* Topic diversity is OCTIS's: unique words among the top 10 of every topic / (10 × number of topics).
* The outlier topic ``-1`` is left out of coherence and diversity; its share is reported on its own as
  ``outlier_share``.
* Label alignment compares assignments with **primary labels** (the first label of the unit's article).
  A unit with no label gets the class ``"(none)"``: in the shipped corpus "about none of the four" is
  itself an annotation, not a missing value. Outliers stay in as one cluster of their own in ``nmi`` /
  ``ari`` (the honest reading: an outlier is a document the model failed to place); ``nmi_placed`` is
  the same score over the non-outlier units only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "NONE_LABEL",
    "coherence",
    "topic_diversity",
    "label_alignment",
    "topic_label_table",
    "primary_labels",
    "evaluate_topics",
]

NONE_LABEL = "(none)"
"""Class name used for units without a label in label alignment."""

TopicWords = Mapping[int, Sequence[tuple[str, float]]] | Mapping[int, Sequence[str]]


def _word_lists(topics: TopicWords, topn: int) -> list[list[str]]:
    """Top ``topn`` words of every non-outlier topic, in topic-id order."""
    lists = []
    for topic_id in sorted(topics):
        if topic_id == -1:
            continue
        words = [w if isinstance(w, str) else w[0] for w in topics[topic_id]]
        lists.append([w for w in words if w][:topn])
    return lists


def coherence(
    topics: TopicWords,
    texts: Sequence[Sequence[str]],
    *,
    measure: str = "c_npmi",
    topn: int = 10,
    window_size: int | None = 10,
    per_topic: bool = False,
) -> float | list[float]:
    """Topic coherence with gensim's ``CoherenceModel`` over tokenised texts.

    Parameters
    ----------
    topics : mapping of topic id to words or (word, weight) pairs
        Topic ``-1`` (outliers) is ignored.
    texts : sequence of token lists
        The reference corpus: the same tokens the topic words were taken from.
    measure : str
        A gensim coherence name: ``"c_npmi"`` (default), ``"c_v"``, ``"c_uci"``, ``"u_mass"``.
    topn : int
        Number of top words per topic.
    window_size : int or None
        Boolean sliding window; None uses gensim's default for the measure (110 for ``c_v``).
    per_topic : bool
        Return one value per topic (topic-id order) instead of the mean.

    Returns
    -------
    float or list of float
        The mean coherence (``nan`` when no topic has two words in the reference vocabulary).

    Notes
    -----
    Words missing from the reference vocabulary are dropped from their topic (gensim would refuse
    them); a topic left with fewer than two words scores ``nan`` and is left out of the mean.
    """
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    word_lists = _word_lists(topics, topn)
    dictionary = Dictionary(texts)
    known = [[w for w in words if w in dictionary.token2id] for words in word_lists]
    scorable = [i for i, words in enumerate(known) if len(words) >= 2]
    values = [math.nan] * len(known)
    if scorable:
        model = CoherenceModel(
            topics=[known[i] for i in scorable],
            texts=[list(t) for t in texts],
            dictionary=dictionary,
            coherence=measure,
            topn=topn,
            window_size=window_size,
            processes=1,
        )
        for i, value in zip(scorable, model.get_coherence_per_topic(), strict=True):
            values[i] = float(value)
    if per_topic:
        return values
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan


def topic_diversity(topics: TopicWords, topk: int = 10) -> float:
    """OCTIS topic diversity: unique words among the top ``topk`` / (``topk`` × number of topics).

    Topic ``-1`` is ignored. A topic with fewer than ``topk`` words counts the words it has, and the
    denominator counts them too. Returns ``nan`` when there is no topic.
    """
    word_lists = _word_lists(topics, topk)
    total = sum(len(words) for words in word_lists)
    if total == 0:
        return math.nan
    unique = {w for words in word_lists for w in words}
    return len(unique) / total


def primary_labels(labels: Iterable[Sequence[str]]) -> list[str]:
    """First label of every unit, ``NONE_LABEL`` for a unit without labels."""
    return [tuple(ls)[0] if len(ls) else NONE_LABEL for ls in labels]


def label_alignment(assignments: Sequence[int], labels: Sequence[str]) -> dict[str, float]:
    """NMI and ARI between topic assignments and (primary) labels, with scikit-learn.

    Parameters
    ----------
    assignments : sequence of int
        Topic per unit, ``-1`` for outliers.
    labels : sequence of str
        Primary label per unit (use :func:`primary_labels`; ``NONE_LABEL`` for unlabelled units).

    Returns
    -------
    dict
        ``nmi`` and ``ari`` over all units (outliers form one cluster), ``nmi_placed`` and
        ``ari_placed`` over non-outlier units only (``nan`` when every unit is an outlier).
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    a = np.asarray(assignments)
    y = np.asarray(labels, dtype=object)
    if len(a) != len(y):
        raise ValueError(f"{len(a)} assignments but {len(y)} labels")
    out = {
        "nmi": float(normalized_mutual_info_score(y, a)),
        "ari": float(adjusted_rand_score(y, a)),
    }
    placed = a != -1
    if placed.any():
        out["nmi_placed"] = float(normalized_mutual_info_score(y[placed], a[placed]))
        out["ari_placed"] = float(adjusted_rand_score(y[placed], a[placed]))
    else:
        out["nmi_placed"] = out["ari_placed"] = math.nan
    return out


def topic_label_table(assignments: Sequence[int], labels: Sequence[str]) -> Any:
    """Topic × label counts (a ``pandas.crosstab``; rows are topics incl. ``-1``, columns labels)."""
    import pandas as pd

    return pd.crosstab(
        pd.Series(np.asarray(assignments), name="topic"),
        pd.Series(list(labels), name="label"),
    )


def evaluate_topics(
    topics: TopicWords,
    texts: Sequence[Sequence[str]],
    assignments: Sequence[int],
    labels: Sequence[Sequence[str]] | None = None,
    *,
    topn: int = 10,
) -> dict[str, float]:
    """All topic metrics as one flat dict.

    Parameters
    ----------
    topics : mapping of topic id to (word, weight) pairs
    texts : sequence of token lists
        Tokens of the modelled units (the view the topic words come from).
    assignments : sequence of int
        Topic per unit, ``-1`` for outliers.
    labels : sequence of label tuples, optional
        Labels per unit; label alignment is skipped when None or when no unit has a label.
    topn : int
        Top words per topic for coherence and diversity.

    Returns
    -------
    dict
        ``npmi``, ``c_v``, ``diversity``, ``n_topics`` (without -1), ``outlier_share`` and, with labels,
        ``nmi``, ``ari``, ``nmi_placed``, ``ari_placed``.
    """
    a = np.asarray(assignments)
    metrics: dict[str, float] = {
        "npmi": coherence(topics, texts, measure="c_npmi", topn=topn, window_size=10),
        "c_v": coherence(topics, texts, measure="c_v", topn=topn, window_size=None),
        "diversity": topic_diversity(topics, topn),
        "n_topics": float(sum(1 for t in topics if t != -1)),
        "outlier_share": float(np.mean(a == -1)) if len(a) else math.nan,
    }
    if labels is not None and any(len(ls) for ls in labels):
        metrics.update(label_alignment(a, primary_labels(labels)))
    return metrics
