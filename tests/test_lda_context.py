"""LDA reads a paragraph in its article's context: fitted on the articles, each paragraph's topics
mixed from its own words and its article's (``context_weight``), on small real corpora."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.topic_models import lda

FAST = {"iterations": 200, "k": 4}  # the behaviour, not the default's quality


@pytest.fixture(scope="module")
def shipped() -> topics.Corpus:
    return topics.load_corpus()[:30]


def _same(a, b) -> None:
    assert a.topics == b.topics
    np.testing.assert_array_equal(a.assignments, b.assignments)
    np.testing.assert_array_equal(a.distributions, b.distributions)


def test_articles_as_units_are_fitted_as_before(shipped) -> None:
    units = shipped.units("article")
    _same(lda.fit(units, 0, context_weight=0.3, **FAST), lda.fit(units, 0, context_weight=None,
                                                                  **FAST))


def test_a_paragraph_mixes_its_own_topics_with_its_articles(shipped) -> None:
    """One article-level model (the same seed) at weights 1, 0 and 0.3: the 0.3 distribution is
    the mix of the other two; at 0 every paragraph of an article has the article's topic."""
    units = shipped.units("paragraph")
    own, article, mixed = (lda.fit(units, 1, context_weight=w, **FAST) for w in (1.0, 0.0, 0.3))
    assert own.topics == article.topics == mixed.topics
    np.testing.assert_allclose(mixed.distributions,
                               0.3 * own.distributions + 0.7 * article.distributions, atol=1e-12)
    np.testing.assert_allclose(mixed.distributions.sum(axis=1), 1.0)
    by_article: dict[str, set[int]] = {}
    for unit, topic in zip(units, article.assignments.tolist(), strict=True):
        by_article.setdefault(unit.article_id, set()).add(topic)
    assert all(len(found) == 1 for found in by_article.values())
    assert len(set(own.assignments.tolist())) > 1


def test_a_paragraph_without_a_word_of_the_vocabulary_takes_its_articles_topic(shipped) -> None:
    """A paragraph of stop words alone: no topic of its own (as before), its article's topic when
    it is read in context."""
    first = shipped[0]
    lead, rest = first.text.split("\n", 1)
    padded = topics.Article(first.id, f"{lead}\nUnd dann, aber doch nicht.\n{rest}", first.labels)
    units = topics.Corpus([padded, *shipped[1:]], name="padded").units("paragraph")
    empty = next(i for i, u in enumerate(units) if u.text == "Und dann, aber doch nicht.")
    alone = lda.fit(units, 0, context_weight=None, **FAST)
    in_context = lda.fit(units, 0, context_weight=0.3, **FAST)
    assert alone.assignments[empty] == -1
    assert in_context.assignments[empty] == int(np.argmax(lda.fit(
        units, 0, context_weight=0.0, **FAST).distributions[empty]))
    assert in_context.assignments[empty] != -1


@pytest.mark.slow
def test_on_the_shipped_paragraphs_context_lifts_nmi_and_agreement_between_seeds() -> None:
    """The reason for the default (benchmarks/topic_paragraph_context.py has the table): on the shipped
    paragraphs, seeds 0 and 1, NMI against the labels and the ARI between the two seeds rise."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    corpus = topics.load_corpus().drop_repeated_paragraphs()
    units = corpus.units("paragraph")
    primary = [u.labels[0] if u.labels else "" for u in units]
    fits = {w: [lda.fit(units, seed, context_weight=w) for seed in (0, 1)] for w in (None, 0.3)}
    nmi = {w: np.mean([normalized_mutual_info_score(primary, f.assignments) for f in fitted])
           for w, fitted in fits.items()}
    ari = {w: adjusted_rand_score(*(f.assignments for f in fitted)) for w, fitted in fits.items()}
    assert nmi[0.3] > nmi[None] + 0.1
    assert ari[0.3] > ari[None]


@given(st.lists(st.lists(st.sampled_from("abcdef"), max_size=6), min_size=1, max_size=8),
       st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_a_units_own_topics_depend_on_its_words_alone(units, seed) -> None:
    """The fold-in estimate: rows sum to 1 (0 for a unit without a word), and a unit's row is the
    same computed alone, among any other units, or with its words in another order."""
    from topics.topic_models.lda import _own_distributions

    rng = np.random.default_rng(seed)
    words = list("abcdef")
    components = rng.dirichlet(np.ones(len(words)), size=3)
    alpha = rng.uniform(0.05, 1.0, size=3)
    together = _own_distributions(units, words, components, alpha)
    for row, unit in zip(together, units, strict=True):
        np.testing.assert_allclose(row.sum(), 1.0 if unit else 0.0, atol=1e-12)
        alone = _own_distributions([unit[::-1]], words, components, alpha)[0]
        np.testing.assert_allclose(alone, row, rtol=1e-12, atol=1e-15)
