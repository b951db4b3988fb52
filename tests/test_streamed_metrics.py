"""Topic metrics added up chunk by chunk equal those of the whole corpus at once."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from topics.evaluation.streamed_metrics import StreamedTopicMetrics, nmi_ari_from_table
from topics.evaluation.topic_metrics import evaluate_topics

WORDS = ["hanoi", "besuch", "grenze", "armee", "digital", "verwaltung", "freundschaft", "x", "y"]
LABELS = ["border_relations", "defence_cooperation", "digital_government"]

units = st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS), max_size=25),  # tokens
              st.integers(-1, 3),  # topic (-1: outlier)
              st.lists(st.sampled_from(LABELS), max_size=2, unique=True)),  # labels
    min_size=1, max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(units=units, cut=st.integers(0, 40))
def test_chunked_scores_equal_evaluate_topics_on_all_units(units, cut) -> None:
    topics = {0: [("hanoi", 0.5), ("besuch", 0.4), ("freundschaft", 0.1)],
              1: [("grenze", 0.9), ("armee", 0.2)], 2: [("digital", 1.0), ("verwaltung", 0.3)],
              3: [("x", 1.0), ("hanoi", 0.2)]}
    tokens, assigned, labels = (list(column) for column in zip(*units, strict=True))
    scores = StreamedTopicMetrics(topics)
    cut = min(cut, len(units))
    for part in (slice(0, cut), slice(cut, None)):  # two chunks, the first maybe empty
        scores.add(tokens[part], assigned[part], labels[part])
    got = scores.metrics()
    whole = evaluate_topics(topics, tokens, assigned, labels, c_v=False)
    names = ["diversity", "n_topics", "outlier_share", "largest_topic_share", "empty_topics",
             "wordless_topics", "nan_topics"]
    if any(labels):
        names += ["nmi", "ari"]
    assert {n: got[n] for n in names} == {n: whole[n] for n in names}
    assert got["n_units"] == len(units)
    np.testing.assert_equal(got["npmi"], whole["npmi"])  # bit for bit, nan included


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(["a", "b", "c", "(none)"]), st.integers(-1, 6)),
                      min_size=1, max_size=80))
def test_nmi_and_ari_from_the_table_are_scikit_learns(pairs) -> None:
    labels, assigned = zip(*pairs, strict=True)
    got = nmi_ari_from_table(Counter(pairs))
    assert got["nmi"] == normalized_mutual_info_score(labels, assigned)
    assert got["ari"] == adjusted_rand_score(labels, assigned)


def test_a_chunk_with_mismatched_lengths_is_refused() -> None:
    with pytest.raises(ValueError, match="a chunk of 1 units needs as many assignments"):
        StreamedTopicMetrics({0: ["hanoi", "besuch"]}).add([["hanoi"]], [0, 0])
