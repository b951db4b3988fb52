"""Spherical (cosine) k-means from Ward's start, the BERTopic default's clustering, and the
exclusivity its topic words are ranked by (hypothesis).

Its defining properties on any data: every unit sits in the topic whose centre it points most
nearly to (a fixed point of Lloyd's iterations), centres are unit length, topics are numbered by
size with none empty, and a unit's length plays no part. Checked on random points, including
duplicates and ties.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from topics.topic_models.clustering import SIMILARITY_DECIMALS, WardKMeans
from topics.topic_models.nmf import exclusive_weights

_POINTS = st.integers(2, 6).flatmap(
    lambda d: arrays(np.float64, st.tuples(st.integers(4, 40), st.just(d)),
                     elements=st.integers(-4, 4).map(float))
).filter(lambda x: (np.abs(x).sum(axis=1) > 0).all())  # a zero row has no direction


@settings(max_examples=60, deadline=None)
@given(x=_POINTS, k=st.integers(1, 6))
def test_every_unit_sits_with_the_centre_it_points_to(x, k) -> None:
    fitted = WardKMeans(k, metric="cosine").fit(x)
    labels, centers = fitted.labels_, fitted.cluster_centers_
    assert np.allclose(np.linalg.norm(centers, axis=1), 1.0)
    sizes = np.bincount(labels)
    assert len(sizes) == len(centers) <= k and (sizes > 0).all()
    assert (np.diff(sizes) <= 0).all(), "topics are numbered by size, largest first"
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    best = np.round(unit @ centers.T, SIMILARITY_DECIMALS).argmax(axis=1)
    assert np.array_equal(best, labels)
    assert np.array_equal(fitted.predict(x), labels)


@settings(max_examples=40, deadline=None)
@given(x=_POINTS, k=st.integers(1, 5), powers=st.lists(st.integers(-8, 8), min_size=40, max_size=40))
def test_a_units_length_plays_no_part(x, k, powers) -> None:
    scaled = x * np.exp2(np.asarray(powers[: len(x)], dtype=float))[:, None]  # exact scalings
    first = WardKMeans(k, metric="cosine").fit(x).labels_
    assert np.array_equal(WardKMeans(k, metric="cosine").fit(scaled).labels_, first)


@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)),
              elements=st.floats(0, 1e6)),
       st.floats(0, 4))
def test_exclusivity_only_lowers_weights_and_keeps_a_topics_own_words(h: np.ndarray, g: float) -> None:
    """Topic-word weights times exclusivity: never above the weight, never negative, zero where
    the weight is, unchanged for a word only one topic carries, and all unchanged for g = 0."""
    out = exclusive_weights(h, g)
    assert out.shape == h.shape and np.all(out >= 0) and np.all(out <= h)
    assert np.all(out[h == 0] == 0)
    own = (h > 0).sum(axis=0) == 1
    assert np.allclose(out[:, own], h[:, own])
    if g == 0:
        assert np.array_equal(out, h)


def _units_in_large_topics(labels: np.ndarray, share: float) -> int:
    sizes = np.bincount(labels)
    return int(sizes[sizes > share * len(labels)].sum())


@settings(max_examples=40, deadline=None)
@given(x=_POINTS, k=st.integers(1, 5), share=st.sampled_from([0.2, 0.35, 0.5]),
       max_cuts=st.sampled_from([None, 0, 1, 3]), keep_every_cut=st.booleans())
def test_cutting_large_topics_keeps_k_means_settled(x, k, share, max_cuts, keep_every_cut) -> None:
    """With ``max_share`` every unit still sits with the centre it points to, the topics are at
    least as many as without it and at most ``max_cuts`` (2k) more, no more units sit in topics
    above the share than without it or with every cut kept (unless every cut is kept), and a
    share of 1 cuts nothing."""
    uncut = WardKMeans(k, metric="cosine").fit(x)
    cut = WardKMeans(k, metric="cosine", max_share=share, max_cuts=max_cuts,
                     keep_every_cut=keep_every_cut).fit(x)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    best = np.round(unit @ cut.cluster_centers_.T, SIMILARITY_DECIMALS).argmax(axis=1)
    assert np.array_equal(best, cut.labels_)
    most = 2 * k if max_cuts is None else max_cuts
    assert len(uncut.cluster_centers_) <= len(cut.cluster_centers_) <= len(
        uncut.cluster_centers_) + most
    if not keep_every_cut:
        last = WardKMeans(k, metric="cosine", max_share=share, max_cuts=max_cuts,
                          keep_every_cut=True).fit(x)
        assert _units_in_large_topics(cut.labels_, share) <= min(
            _units_in_large_topics(uncut.labels_, share),
            _units_in_large_topics(last.labels_, share))
    whole = WardKMeans(k, metric="cosine", max_share=1.0, max_cuts=max_cuts).fit(x)
    assert np.array_equal(whole.labels_, uncut.labels_)
    assert np.array_equal(whole.cluster_centers_, uncut.cluster_centers_)


def test_cuts_go_on_while_they_empty_the_large_topics() -> None:
    """Sixteen tight groups in random directions, k = 2: a cut mostly takes one group out of a
    large topic, as a cut of a few unrelated articles' paragraphs takes one article's. Two cuts
    (what runs stored before 2026-12-07 do: at most k, the last partition kept) leave a topic of
    37.5 %; the default (at most 2k, the best partition kept) leaves none above 35 % and tears
    no group apart."""
    rng = np.random.default_rng(0)
    directions = rng.standard_normal((16, 40))
    x = np.vstack([d + 0.05 * rng.standard_normal((10, 40)) for d in directions])
    limited = WardKMeans(2, metric="cosine", max_share=0.35, max_cuts=2,
                         keep_every_cut=True).fit(x)
    assert np.bincount(limited.labels_).max() == 60
    cut = WardKMeans(2, metric="cosine", max_share=0.35).fit(x)
    assert np.bincount(cut.labels_).max() <= 0.35 * len(x)
    assert len(limited.cluster_centers_) < len(cut.cluster_centers_) <= 2 + 4
    groups = np.repeat(np.arange(16), 10)
    assert all(len(set(cut.labels_[groups == g])) == 1 for g in range(16))


def test_a_topic_of_two_subjects_is_cut_in_two() -> None:
    """Three directions, k = 2: one topic holds two of them (two thirds of the units); a
    ``max_share`` of 0.35 cuts it, and each direction is a topic of its own."""
    rng = np.random.default_rng(0)
    directions = np.eye(3)
    x = np.vstack([d + 0.05 * rng.standard_normal((20, 3)) for d in directions])
    uncut = WardKMeans(2, metric="cosine").fit(x)
    assert np.bincount(uncut.labels_).max() == 40
    cut = WardKMeans(2, metric="cosine", max_share=0.35).fit(x)
    assert sorted(np.bincount(cut.labels_)) == [20, 20, 20]
    truth = np.repeat(np.arange(3), 20)
    assert len({(a, b) for a, b in zip(truth, cut.labels_, strict=True)}) == 3


def test_the_default_cuts_a_topic_that_holds_most_of_a_small_corpus() -> None:
    """30 shipped articles (22 about none of the labels) as paragraphs: the rule's 4 topics leave
    one with 60 % of the paragraphs; the default cuts it (largest <= 35 %), keeps a number of
    topics asked for as it is, and its stored centres place the paragraphs where the fit did."""
    import topics

    small = topics.Corpus(list(topics.load_corpus())[100:130], name="thirty")
    default = topics.fit_topic_model(small, "bertopic", "paragraph", verbose=False)
    with pytest.warns(UserWarning, match="topics holds 60% of the units"):
        uncut = topics.fit_topic_model(small, "bertopic", "paragraph", max_topic_share=None,
                                       verbose=False)
    assert uncut.metrics["largest_topic_share"] > 0.5
    assert default.metrics["largest_topic_share"] <= 0.35
    assert default.n_topics > uncut.n_topics
    with pytest.warns(UserWarning, match="topics holds 60% of the units"):
        asked = topics.fit_topic_model(small, "bertopic", "paragraph", nr_topics=uncut.n_topics,
                                       verbose=False)
    assert np.array_equal(asked.assignments, uncut.assignments)
    texts = [d.text for d in default.documents]
    placed, _ = default.estimator.transform(texts, [d.article_id for d in default.documents])
    assert np.array_equal(placed, default.assignments)
