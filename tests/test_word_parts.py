"""Topic words without the compound parts that only repeat their compound (hypothesis).

On any weights, unit counts and compounds: the words listed are the heaviest in their order, less
only parts that repeat compounds ranked among them; no listed word repeats one; a list is short
only when the weighted words run out; and without the rule it is exactly the heaviest words.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.topic_models.common import top_words
from topics.topic_models.word_parts import CompoundParts, listed_words

VOCABULARY = ["x" * n for n in range(1, 13)]  # a compound's parts are shorter than it


@st.composite
def _topic(draw):
    weights = np.array(draw(st.lists(st.integers(0, 6), min_size=12, max_size=12)), dtype=float)
    df = dict(zip(VOCABULARY, draw(st.lists(st.integers(1, 9), min_size=12, max_size=12)),
                  strict=True))
    # a few compounds, each with parts among the other words
    compounds = {}
    for word in draw(st.lists(st.sampled_from(VOCABULARY), max_size=4, unique=True)):
        others = [w for w in VOCABULARY if len(w) < len(word)]
        if not others:
            continue
        compounds[word] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3,
                                        unique=True))
    return weights, df, compounds, draw(st.integers(1, 8))


def _analyzer(compounds):
    def analyse(text: str) -> list[str]:
        word = text.lower()
        return [word, *compounds.get(word, [])]
    return analyse


@settings(max_examples=300, deadline=None)
@given(topic=_topic())
def test_only_parts_of_compounds_ranked_with_them_are_left_out(topic) -> None:
    weights, df, compounds, topn = topic
    parts = CompoundParts(_analyzer(compounds), df)
    listed = listed_words(weights, VOCABULARY, topn, parts)
    ranked = top_words(weights, VOCABULARY, len(VOCABULARY))
    names = [w for w, _ in listed]
    assert len(listed) <= topn and len(set(names)) == len(names)
    assert listed == [(w, x) for w, x in ranked if w in names], "heaviest first, weights kept"
    assert not any(parts.repeats(w, names) for w in names)
    # every word passed over (up to the last listed one; all of them when the list is short)
    # repeats compounds ranked up to there: listed, or passed over as parts of longer ones
    seen = ranked if len(listed) < topn else ranked[: ranked.index(listed[-1]) + 1]
    seen_names = [w for w, _ in seen]
    for word in seen_names:
        if word not in names:
            assert parts.repeats(word, seen_names), (word, names)
            assert any(word in compounds.get(c, ()) for c in seen_names if c in names
                       or parts.repeats(c, seen_names)), (word, names)
    assert listed_words(weights, VOCABULARY, topn, None) == top_words(weights, VOCABULARY, topn)


def test_a_part_that_stands_alone_stays_and_one_that_does_not_goes() -> None:
    analyzer = topics.GermanAnalyzer()
    assert analyzer("Microsoft")[1:] == ["micro", "soft"]
    weights = np.array([5.0, 4.9, 4.8, 4.0, 1.0])
    words = ["soft", "micro", "microsoft", "windows", "update"]
    # "micro" is in 10 units, 9 of them with "microsoft": it repeats it; "soft" stands alone in 30
    parts = CompoundParts(analyzer, {"soft": 40, "micro": 10, "microsoft": 9, "windows": 5,
                                     "update": 3})
    assert [w for w, _ in listed_words(weights, words, 4, parts)] == \
        ["soft", "microsoft", "windows", "update"]
