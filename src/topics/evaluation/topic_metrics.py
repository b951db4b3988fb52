"""Topic-model metrics: coherence (gensim), diversity (OCTIS), label alignment (scikit-learn).

Conventions, the same for every model family:

* Coherence reads the **tokens the topic words come from** (the German tokens view of the same units for
  our models; a peer's own vectorizer tokens for a peer). NPMI is gensim's ``c_npmi``, computed
  directly (:mod:`topics.evaluation.npmi`: bit-identical to gensim's :class:`CoherenceModel`,
  tested, 5-30x faster); other measures go through gensim.
* NPMI is the primary score: ``coherence="c_npmi"``, boolean sliding window of 10 tokens, top 10 words.
  The window slides inside each unit; a unit shorter than the window counts as one window.
  C_v uses gensim's own default window (110), as Röder et al. define it; it is the slowest metric and
  optional (``evaluate_topics(c_v=False)``).
* Topic diversity is OCTIS's: unique words among the top 10 of every topic / (10 × number of topics).
* The outlier topic ``-1`` is left out of coherence and diversity; its share is reported on its own as
  ``outlier_share``.
* Label alignment compares assignments with **primary labels** (the first label of the unit's article).
  A unit with no label gets the class ``"(none)"``: in the shipped corpus "about none of the four" is
  itself an annotation, not a missing value. Outliers stay in as one cluster of their own in ``nmi`` /
  ``ari`` (the honest reading: an outlier is a document the model failed to place); ``nmi_placed`` is
  the same score over the non-outlier units only.
* NMI per article (``nmi_article``): each article takes the majority topic of its units (ties: the
  smaller id; ``-1`` only when all its units are outliers) and is compared with its primary label.
  With article units it equals ``nmi``.
* Broken topics (empty, without words, NaN weights) are counted, not hidden
  (:func:`topics.evaluation.stability.topic_health`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "NONE_LABEL",
    "NPMI_WINDOW",
    "mean_of_finite",
    "coherence",
    "topic_diversity",
    "label_alignment",
    "topic_label_table",
    "primary_labels",
    "evaluate_topics",
    "article_majority",
]

NPMI_WINDOW = 10
"""Tokens per sliding window of NPMI, the primary score."""

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
    engine: str = "auto",
) -> float | list[float]:
    """Topic coherence over tokenised texts (gensim's measures).

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
    engine : {"auto", "gensim", "direct"}
        ``"auto"`` computes ``c_npmi`` with a window directly (:mod:`topics.evaluation.npmi`: the
        same numbers as gensim) and every other measure with gensim's ``CoherenceModel``.

    Returns
    -------
    float or list of float
        The mean coherence (``nan`` when no topic has two words in the reference vocabulary).

    Notes
    -----
    Words missing from the reference vocabulary are dropped from their topic (gensim would refuse
    them); a topic left with fewer than two words scores ``nan`` and is left out of the mean.
    """
    if engine not in ("auto", "gensim", "direct"):
        raise ValueError(f"engine={engine!r}: choose 'auto', 'gensim' or 'direct'")
    word_lists = _word_lists(topics, topn)
    direct = engine == "direct" or (engine == "auto" and measure == "c_npmi" and window_size)
    if direct:
        if measure != "c_npmi":
            raise ValueError(f"engine='direct' computes c_npmi only, not {measure!r}")
        from topics.evaluation.npmi import npmi_scores, window_counts

        index = {w: i for i, w in enumerate(sorted({w for words in word_lists for w in words}))}
        counts = window_counts(texts, index, int(window_size or NPMI_WINDOW))
        values = npmi_scores(word_lists, index, *counts)
    else:
        values = _gensim_coherence(word_lists, texts, measure, topn, window_size)
    return values if per_topic else mean_of_finite(values)


def mean_of_finite(values: Sequence[float]) -> float:
    """Mean of the values that are not ``nan`` (``nan`` when none is): a topic model's coherence."""
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan


def _gensim_coherence(word_lists: list[list[str]], texts: Sequence[Sequence[str]], measure: str,
                      topn: int, window_size: int | None) -> list[float]:
    """Per-topic coherence from gensim's ``CoherenceModel`` (``nan`` for unscorable topics)."""
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

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
    return values


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
    article_ids: Sequence[str] | None = None,
    c_v: bool = True,
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
    article_ids : sequence of str, optional
        The article of every unit: adds ``nmi_article`` and ``ari_article`` (see
        :func:`article_majority`).
    c_v : bool
        Also compute C_v (gensim, window 110; by far the slowest metric).

    Returns
    -------
    dict
        ``npmi``, ``c_v`` (if asked), ``diversity``, ``n_topics`` (without -1), ``outlier_share``,
        ``largest_topic_share`` (of all units), ``empty_topics``, ``wordless_topics``,
        ``nan_topics`` and, with labels, ``nmi``, ``ari``, ``nmi_placed``, ``ari_placed`` (+
        ``nmi_article``, ``ari_article`` with article ids).
    """
    from topics.evaluation.stability import topic_health

    a = np.asarray(assignments)
    placed = a[a != -1]
    metrics: dict[str, float] = {
        "npmi": coherence(topics, texts, measure="c_npmi", topn=topn, window_size=NPMI_WINDOW),
        "diversity": topic_diversity(topics, topn),
        "n_topics": float(sum(1 for t in topics if t != -1)),
        "outlier_share": float(np.mean(a == -1)) if len(a) else math.nan,
        "largest_topic_share": (float(np.unique(placed, return_counts=True)[1].max() / len(a))
                                if len(placed) else 0.0),
    }
    if c_v:
        metrics["c_v"] = coherence(topics, texts, measure="c_v", topn=topn, window_size=None)
    metrics.update(topic_health(topics, a, topn))
    if labels is not None and any(len(ls) for ls in labels):
        primary = primary_labels(labels)
        metrics.update(label_alignment(a, primary))
        if article_ids is not None:
            _, chosen, article_labels = article_majority(a, primary, article_ids)
            scores = label_alignment(chosen, article_labels)
            metrics["nmi_article"] = scores["nmi"]
            metrics["ari_article"] = scores["ari"]
    return metrics


def article_majority(
    assignments: Sequence[int], labels: Sequence[str], article_ids: Sequence[str]
) -> tuple[list[str], list[int], list[str]]:
    """One topic per article: the most frequent topic among its units.

    Ties go to the smaller topic id; ``-1`` is chosen only when every unit of the article is an
    outlier.

    Returns
    -------
    articles : list of str
        In first-seen order.
    topics : list of int
        The topic of each article.
    labels : list of str
        The label of each article (that of its first unit).
    """
    from collections import Counter

    counts: dict[str, Counter[int]] = {}
    label_of: dict[str, str] = {}
    for topic, label, article in zip(assignments, labels, article_ids, strict=True):
        counts.setdefault(article, Counter())[int(topic)] += 1
        label_of.setdefault(article, label)
    chosen = []
    for c in counts.values():
        placed = {t: n for t, n in c.items() if t != -1} or dict(c)
        chosen.append(min(placed, key=lambda t: (-placed[t], t)))
    return list(counts), chosen, [label_of[x] for x in counts]
