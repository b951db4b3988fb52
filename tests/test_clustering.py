"""Spherical (cosine) k-means from Ward's start, the BERTopic default's clustering, and the
exclusivity its topic words are ranked by (hypothesis).

Its defining properties on any data: every unit sits in the topic whose centre it points most
nearly to (a fixed point of Lloyd's iterations), centres are unit length, topics are numbered by
size with none empty, and a unit's length plays no part. Checked on random points, including
duplicates and ties.
"""

from __future__ import annotations

import numpy as np
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
