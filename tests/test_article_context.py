"""NMF reads a paragraph in its article's context (``context_weight``), and every family places new
paragraphs given with their article ids as its fit placed its own, on small real corpora."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.topic_models import nmf
from topics.topic_models.context import article_means, in_article_context


@pytest.fixture(scope="module")
def paragraphs() -> list:
    return topics.load_corpus()[:40].units("paragraph")


@pytest.fixture(scope="module")
def fits(paragraphs) -> dict:
    return {w: nmf.fit(paragraphs, 0, n_components=4, context_weight=w) for w in (None, 0.3)}


def test_nmf_context_changes_the_assignments_not_the_factorisation(paragraphs, fits) -> None:
    """The same topics and words; each paragraph's shares are 0.3 x its own + 0.7 x the mean of
    its article's paragraphs' shares, and at weight 0 an article's paragraphs share one topic."""
    alone, mixed = fits[None], fits[0.3]
    assert alone.topics == mixed.topics
    own = alone.distributions
    article_of = np.unique([u.article_id for u in paragraphs], return_inverse=True)[1]
    means = np.vstack([own[(article_of == a) & own.any(axis=1)].mean(axis=0)
                       for a in range(article_of.max() + 1)])
    expected = 0.3 * own + 0.7 * means[article_of]
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(mixed.distributions, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(mixed.assignments, mixed.distributions.argmax(axis=1))
    whole = nmf.fit(paragraphs, 0, n_components=4, context_weight=0.0).assignments
    assert all(len(set(whole[article_of == a].tolist())) == 1 for a in range(article_of.max() + 1))
    assert (alone.assignments != mixed.assignments).any()


def test_nmf_on_articles_is_fitted_as_before() -> None:
    units = topics.load_corpus()[:40].units("article")
    a, b = (nmf.fit(units, 0, n_components=4, context_weight=w) for w in (0.3, None))
    assert a.topics == b.topics
    np.testing.assert_array_equal(a.assignments, b.assignments)
    np.testing.assert_array_equal(a.distributions, b.distributions)
    assert "context_weight" not in a.estimator.options


@pytest.mark.parametrize("family", ["nmf", "lda"])
def test_new_paragraphs_with_their_article_ids_are_placed_as_the_fit_placed_them(
        paragraphs, family, tmp_path) -> None:
    """A saved model, loaded: the training paragraphs' texts as new texts (through the
    estimator) land in the fit's topics when they come with their article ids; a paragraph alone
    is read by its own words; the result is the same in any batch of whole articles."""
    extra = {"k": 4, "iterations": 200} if family == "lda" else {"n_components": 4}
    fitted = topics.fit_topic_model(list(paragraphs), family, seed=0, verbose=False, **extra)
    loaded = topics.load_topic_model(fitted.save(tmp_path / family)).estimator
    texts = [u.text for u in paragraphs]
    ids = [u.article_id for u in paragraphs]
    placed, scores = loaded.transform(texts, ids)
    assert np.mean(placed == fitted.assignments) >= 0.95
    alone, _ = loaded.transform(texts)
    assert (alone != placed).any()
    half = ids.index(ids[len(ids) // 2])  # the first paragraph of an article in the middle
    first, _ = loaded.transform(texts[:half], ids[:half])
    second, _ = loaded.transform(texts[half:], ids[half:])
    np.testing.assert_array_equal(np.concatenate([first, second]), placed)
    with pytest.raises(ValueError, match="2 texts but 1 article id"):
        loaded.transform(texts[:2], ids[:1])


@given(st.lists(st.integers(0, 3), min_size=1, max_size=12), st.integers(0, 2**32 - 1),
       st.floats(0, 1))
@settings(max_examples=80, deadline=None)
def test_mixed_shares_sum_to_one_and_an_empty_paragraph_takes_its_articles(
        articles, seed, weight) -> None:
    """Random shares, some paragraphs without a word: rows sum to 1 where anything is known, and a
    paragraph without a word of its own gets its article's mean shares (below weight 1)."""
    rng = np.random.default_rng(seed)
    article_of = np.unique(articles, return_inverse=True)[1]
    own = rng.dirichlet(np.ones(3), size=len(article_of))
    own[rng.random(len(own)) < 0.3] = 0.0  # paragraphs without a word of the vocabulary
    mixed = in_article_context(own, article_means(own, article_of), article_of, weight)
    has_words = np.bincount(article_of, weights=own.any(axis=1))[article_of] > 0
    placed = own.any(axis=1) | (has_words & (weight < 1))  # at weight 1: its own words alone
    np.testing.assert_allclose(mixed.sum(axis=1), np.where(placed, 1.0, 0.0), atol=1e-12)
    empty = ~own.any(axis=1) & placed
    means = article_means(own, article_of)[article_of]
    np.testing.assert_allclose(mixed[empty], means[empty], atol=1e-12)
