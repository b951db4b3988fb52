"""Topic metrics on tiny hand-made inputs, checked against values computed by hand."""

from __future__ import annotations

import math

import pytest

from topics.evaluation.seeds import summarise_seeds
from topics.evaluation.topic_metrics import (
    NONE_LABEL,
    coherence,
    evaluate_topics,
    label_alignment,
    primary_labels,
    topic_diversity,
    topic_label_table,
)

EPS = 1e-12  # gensim's EPSILON in the log-ratio measure


def npmi(p_ab: float, p_a: float, p_b: float) -> float:
    """NPMI as gensim defines it: log((P(a,b)+eps) / (P(a)P(b))) / -log(P(a,b)+eps)."""
    return math.log((p_ab + EPS) / (p_a * p_b)) / -math.log(p_ab + EPS)


def test_diversity_by_hand() -> None:
    topics = {0: ["a", "b", "c"], 1: ["a", "d", "e"], -1: ["a", "z", "y"]}
    # outlier topic ignored: unique {a, b, c, d, e} = 5 of 2 topics x 3 words
    assert topic_diversity(topics, topk=3) == pytest.approx(5 / 6)
    assert topic_diversity({0: [("a", 1.0), ("b", 0.5)]}, topk=10) == 1.0
    assert math.isnan(topic_diversity({-1: ["a"]}))


def test_npmi_three_short_documents_by_hand() -> None:
    # every document is shorter than the window (10), so gensim counts each as one window: N = 3
    texts = [["a", "b"], ["a", "b", "c"], ["c"]]
    # P(a)=P(b)=P(c)=2/3; P(a,b)=2/3 -> NPMI 1; P(a,c)=P(b,c)=1/3
    ac = npmi(1 / 3, 2 / 3, 2 / 3)
    assert ac == pytest.approx(math.log(0.75) / -math.log(1 / 3))  # = -0.2619
    assert coherence({0: ["a", "c"]}, texts) == pytest.approx(ac, abs=1e-6)
    # a three-word topic is the mean over its word pairs
    assert coherence({0: ["a", "b", "c"]}, texts) == pytest.approx((1 + ac + ac) / 3, abs=1e-6)
    # two topics: the mean of both; topic -1 is left out
    both = coherence({0: ["a", "b"], 1: ["a", "c"], -1: ["b", "c"]}, texts)
    assert both == pytest.approx((1 + ac) / 2, abs=1e-6)
    assert coherence({0: ["a", "c"], 1: ["a", "b"]}, texts, per_topic=True) == pytest.approx(
        [ac, 1.0], abs=1e-6
    )


def test_npmi_window_slides_inside_long_documents() -> None:
    # 11 tokens with a at the start and c at the end: windows of 10 are [a x1..x9] and [x1..x9 c],
    # so a and c never share a window; with the short document [a, c] there are N = 3 windows
    fill = [f"x{i}" for i in range(1, 10)]
    texts = [["a", *fill, "c"], ["a", "c"]]
    assert coherence({0: ["a", "c"]}, texts) == pytest.approx(npmi(1 / 3, 2 / 3, 2 / 3), abs=1e-6)


def test_coherence_skips_unknown_words_and_empty_topics() -> None:
    texts = [["a", "b"], ["a", "b", "c"], ["c"]]
    assert coherence({0: ["a", "b", "zzz"]}, texts) == pytest.approx(1.0, abs=1e-6)
    assert math.isnan(coherence({0: ["zzz", "a"]}, texts))


def test_nmi_two_by_two_by_hand() -> None:
    labels = ["A", "A", "B", "B"]
    assignments = [0, 0, 0, 1]
    h_y = math.log(2)
    h_c = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    mi = 0.5 * math.log(0.5 / (0.5 * 0.75)) + 0.25 * math.log(0.25 / (0.5 * 0.75)) + 0.25 * math.log(
        0.25 / (0.5 * 0.25)
    )
    expected = mi / ((h_y + h_c) / 2)  # sklearn's default: arithmetic normalisation
    scores = label_alignment(assignments, labels)
    assert scores["nmi"] == pytest.approx(expected)
    assert label_alignment([0, 0, 1, 1], labels)["nmi"] == pytest.approx(1.0)
    assert label_alignment([0, 0, 1, 1], labels)["ari"] == pytest.approx(1.0)


def test_outliers_are_one_cluster_and_placed_scores_drop_them() -> None:
    labels = ["A", "A", "B", "B"]
    scores = label_alignment([0, -1, 1, 1], labels)
    assert scores["nmi"] < 1.0
    assert scores["nmi_placed"] == pytest.approx(1.0)
    assert math.isnan(label_alignment([-1, -1, -1, -1], labels)["nmi_placed"])


def test_primary_labels_and_table() -> None:
    labels = primary_labels([("x", "y"), (), ("y",)])
    assert labels == ["x", NONE_LABEL, "y"]
    table = topic_label_table([0, -1, 0], labels)
    assert table.loc[0, "x"] == 1 and table.loc[0, "y"] == 1 and table.loc[-1, NONE_LABEL] == 1


def test_evaluate_topics_reports_outliers_separately() -> None:
    texts = [["a", "b"], ["a", "b", "c"], ["c"], ["d"]]
    topics = {-1: [("d", 1.0)], 0: [("a", 1.0), ("b", 0.5)]}
    m = evaluate_topics(topics, texts, [0, 0, -1, -1], [("L",), ("L",), ("M",), ()])
    assert m["outlier_share"] == 0.5
    assert m["n_topics"] == 1
    assert m["diversity"] == 1.0
    assert m["npmi"] == pytest.approx(npmi(2 / 4, 2 / 4, 2 / 4), abs=1e-6)
    assert {"c_v", "nmi", "ari", "nmi_placed"} <= set(m)


def test_summarise_seeds() -> None:
    out = summarise_seeds([{"npmi": 0.1}, {"npmi": 0.3}])
    assert out["npmi_mean"] == pytest.approx(0.2)
    assert out["npmi_sd"] == pytest.approx(math.sqrt(0.02))
    assert summarise_seeds([{"npmi": 0.1}])["npmi_sd"] == 0.0
    # a metric no run measured (a fit without topics: NPMI) has neither a mean nor a spread;
    # sd 0.0 beside a null mean read as "measured, no spread"
    nothing = summarise_seeds([{"npmi": math.nan}, {"npmi": math.nan}])
    assert math.isnan(nothing["npmi_mean"]) and math.isnan(nothing["npmi_sd"])
    one = summarise_seeds([{"npmi": math.nan}, {"npmi": 0.2}])
    assert (one["npmi_mean"], one["npmi_sd"]) == (0.2, 0.0)
