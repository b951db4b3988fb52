"""Topic words chosen for sharing sentences (the BERTopic default's ``word_cooccurrence``).

NPMI over sentences on crafted sentences with known values; the choice on crafted candidates;
invariants on any candidates and co-occurrences (hypothesis); and through ``fit`` on the shipped
paragraphs: 0 gives the ranked words, the default lists only ranked candidates.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.topic_models import bertopic
from topics.topic_models.cooccurring_words import (
    CANDIDATES_PER_WORD,
    cooccurring_words,
    sentence_npmi,
    sentence_tokens,
)


def _words_analyzer(text: str) -> list[str]:
    return [w.strip(".!?").lower() for w in text.split()]


def test_sentence_npmi_has_the_textbook_values() -> None:
    sentences = [["a", "b"], ["a", "b"], ["c"], ["d"], ["a", "c"]]
    npmi = sentence_npmi(sentences, ["a", "b", "c", "e"])
    # p(a) 3/5, p(b) 2/5, p(a, b) 2/5: log((2/5) / (6/25)) / -log(2/5)
    assert npmi[0, 1] == pytest.approx(math.log((2 / 5) / (6 / 25)) / -math.log(2 / 5))
    assert npmi[1, 2] == -1.0  # never in one sentence
    assert npmi[0, 3] == -1.0  # "e" occurs nowhere
    assert np.allclose(npmi, npmi.T)
    assert sentence_npmi([["a", "b"]] * 3, ["a", "b"])[0, 1] == 1.0  # in every sentence
    assert (sentence_npmi([], ["a", "b"]) == -1).all()  # no sentence: nothing meets


def test_sentences_are_cut_at_lines_and_sentence_ends() -> None:
    texts = ["Hanoi baut. Laos hilft!\nGrenze offen", "Eins"]
    assert list(sentence_tokens(texts, _words_analyzer)) == [
        ["hanoi", "baut"], ["laos", "hilft"], ["grenze", "offen"], ["eins"]]


def test_a_word_that_shares_sentences_is_chosen_over_a_better_ranked_one() -> None:
    texts = ["grenze kambodscha vertrag. grenze kambodscha markierung. hafen schiff.",
             "grenze vertrag markierung. hafen container."]
    candidates = {0: [("grenze", 1.0), ("hafen", 0.9), ("kambodscha", 0.5), ("vertrag", 0.4)]}
    ranked = cooccurring_words(candidates, texts, _words_analyzer, cooccurrence=0, top_n=2)
    chosen = cooccurring_words(candidates, texts, _words_analyzer, cooccurrence=0.5, top_n=2)
    assert ranked[0] == [("grenze", 1.0), ("hafen", 0.9)]
    assert chosen[0] == [("grenze", 1.0), ("kambodscha", 0.5)]  # hafen: no sentence with grenze


WORDS = [f"w{i}" for i in range(8)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=5), min_size=1, max_size=12),
       st.lists(st.sampled_from(WORDS), min_size=1, max_size=8, unique=True),
       st.floats(0, 1), st.integers(1, 10))
def test_the_choice_lists_only_candidates_best_ranked_first(sentences, pool, c, top_n) -> None:
    """Any sentences, candidates and c: the list starts with the best-ranked candidate, holds
    distinct candidates with their own weights, heaviest first, and is as long as it can be."""
    texts = [" ".join(s) + "." for s in sentences]
    candidates = {3: [(w, 1.0 / (i + 1)) for i, w in enumerate(pool)]}
    listed = cooccurring_words(candidates, texts, _words_analyzer, cooccurrence=c, top_n=top_n)[3]
    assert listed[0] == candidates[3][0]
    assert len(listed) == min(top_n, len(pool))
    assert len({w for w, _ in listed}) == len(listed)
    assert set(listed) <= set(candidates[3])
    assert [w for _, w in listed] == sorted((w for _, w in listed), reverse=True)


@pytest.fixture(scope="module")
def paragraphs():
    return topics.load_corpus().drop_repeated_paragraphs().units("paragraph")


def test_fit_without_cooccurrence_lists_the_ranked_words(paragraphs) -> None:
    """``word_cooccurrence=0`` is the ranking alone (runs stored before the setting existed)."""
    from topics.topic_models.common import make_analyzer
    from topics.topic_models.nmf import words_from_partition

    fitted = bertopic.fit(paragraphs, 0, word_cooccurrence=0)
    s = fitted.settings
    ranked = words_from_partition(fitted.tokens, fitted.assignments, min_df=s["min_df"],
                                  max_df=s["max_df"], iterations=s["nmf_iterations"],
                                  top_n_words=10, exclusivity=s["word_exclusivity"],
                                  analyzer=make_analyzer(s))
    assert fitted.topics == ranked


def test_the_default_chooses_among_the_ranked_candidates(paragraphs) -> None:
    """The default's lists: the same partition, each topic's words among its ranked candidates,
    its best-ranked word first; and the lists do move (the setting is on)."""
    from topics.topic_models.common import make_analyzer
    from topics.topic_models.nmf import words_from_partition

    fitted = bertopic.fit(paragraphs, 0)
    ranked_only = bertopic.fit(paragraphs, 0, word_cooccurrence=0)
    assert np.array_equal(fitted.assignments, ranked_only.assignments)
    s = fitted.settings
    pool = words_from_partition(fitted.tokens, fitted.assignments, min_df=s["min_df"],
                                max_df=s["max_df"], iterations=s["nmf_iterations"],
                                top_n_words=10 * CANDIDATES_PER_WORD,
                                exclusivity=s["word_exclusivity"], analyzer=make_analyzer(s))
    for topic, words in fitted.topics.items():
        assert len(words) == 10
        assert words[0] == pool[topic][0]
        assert set(words) <= set(pool[topic])
    assert fitted.topics != ranked_only.topics
