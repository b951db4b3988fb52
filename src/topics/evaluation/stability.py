"""How much a topic model depends on its seed, and whether every topic is a real topic.

A model fitted once per seed gives one assignment vector and one set of topic words per seed.
:func:`stability` says how much they differ:

* ``stability_ari``: mean adjusted Rand index of the assignments over all pairs of seeds
  (scikit-learn's ARI; outliers ``-1`` count as one cluster, as in the label scores); 1 = the same
  partition for every seed, whatever the topic ids. ``stability_ari_min`` is the worst pair.
* ``stability_words``: for every pair of seeds the topics are matched one to one by the Hungarian
  method (scipy) to maximise shared top words; the score is the shared top words of the matched
  pairs over ``topn`` x the larger number of topics (a topic left unmatched scores 0), averaged over
  the pairs; 1 = the same top-word sets, whatever their order or ids.
* ``n_topics_range``: the largest minus the smallest number of topics over the seeds.

:func:`topic_health` counts broken topics (no unit assigned, fewer than two words, a NaN or
infinite weight), so that a model that produced them says so instead of having them counted as
topics.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["stability", "topic_health", "word_overlap"]


def _words(topic: Sequence[Any], topn: int) -> list[str]:
    return [w if isinstance(w, str) else w[0] for w in topic][:topn]


def word_overlap(
    first: Mapping[int, Sequence[Any]], second: Mapping[int, Sequence[Any]], topn: int = 10
) -> float:
    """Shared top words of the best one-to-one matching of two topic sets (outliers left out).

    Parameters
    ----------
    first, second : mapping of topic id to words or (word, weight) pairs
    topn : int
        Top words compared per topic.

    Returns
    -------
    float
        Matched shared words / (``topn`` x the larger number of topics); ``nan`` when either set
        has no topic.
    """
    from scipy.optimize import linear_sum_assignment

    a = [set(_words(first[t], topn)) for t in sorted(first) if t != -1]
    b = [set(_words(second[t], topn)) for t in sorted(second) if t != -1]
    if not a or not b:
        return math.nan
    shared = np.array([[len(x & y) for y in b] for x in a], dtype=float)
    rows, cols = linear_sum_assignment(shared, maximize=True)
    return float(shared[rows, cols].sum() / (topn * max(len(a), len(b))))


def stability(
    assignments: Sequence[Sequence[int]],
    topics: Sequence[Mapping[int, Sequence[Any]]] | None = None,
    topn: int = 10,
) -> dict[str, float]:
    """Seed-to-seed stability of one model: pairwise ARI and matched top-word overlap.

    Parameters
    ----------
    assignments : sequence of int sequences
        One assignment vector per seed (the same units in the same order).
    topics : sequence of mappings, optional
        One topic-words mapping per seed.
    topn : int
        Top words compared per topic.

    Returns
    -------
    dict of str to float
        ``stability_ari``, ``stability_ari_min`` and, with topics, ``stability_words`` and
        ``n_topics_range``; ``nan`` for fewer than two seeds.

    Raises
    ------
    ValueError
        If the assignment vectors have different lengths.
    """
    from sklearn.metrics import adjusted_rand_score

    runs = [np.asarray(a) for a in assignments]
    if len({len(a) for a in runs}) > 1:
        raise ValueError("stability: the assignment vectors have different lengths")
    pairs = list(itertools.combinations(range(len(runs)), 2))
    aris = [float(adjusted_rand_score(runs[i], runs[j])) for i, j in pairs]
    out = {
        "stability_ari": float(np.mean(aris)) if aris else math.nan,
        "stability_ari_min": float(np.min(aris)) if aris else math.nan,
    }
    if topics is not None:
        overlaps = [word_overlap(topics[i], topics[j], topn) for i, j in pairs]
        counts = [sum(1 for t in ts if t != -1) for ts in topics]
        out["stability_words"] = float(np.mean(overlaps)) if overlaps else math.nan
        out["n_topics_range"] = float(max(counts) - min(counts)) if len(counts) > 1 else math.nan
    return out


def topic_health(
    topics: Mapping[int, Sequence[Any]], assignments: Sequence[int], topn: int = 10
) -> dict[str, float]:
    """Counts of broken topics; all 0 for a healthy model.

    Returns
    -------
    dict of str to float
        ``empty_topics`` (no unit assigned), ``wordless_topics`` (fewer than two words among the
        top ``topn``) and ``nan_topics`` (a NaN or infinite word weight).
    """
    used = {int(t) for t in np.asarray(assignments).tolist()}
    ids = [t for t in topics if t != -1]
    wordless = sum(1 for t in ids if len([w for w in _words(topics[t], topn) if w]) < 2)
    nan = 0
    for t in ids:
        weights = [w[1] for w in topics[t] if not isinstance(w, str)]
        if any(not math.isfinite(float(x)) for x in weights):
            nan += 1
    return {
        "empty_topics": float(sum(1 for t in ids if t not in used)),
        "wordless_topics": float(wordless),
        "nan_topics": float(nan),
    }
