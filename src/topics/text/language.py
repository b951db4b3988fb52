"""Is a text German? A check for crawled archives, where a language switch brings English pages.

German prose is full of function words (der, die, und, ist, mit, ...): 23-42 % of the words of
each shipped article, 16-39 % of each 10kGNAD article. The same news in English, French, Dutch,
Spanish, Italian, Danish or Vietnamese has 0-5 % (Dutch, with "die" and "als", 5 %; the texts are
in ``tests/test_language.py``). A text of at least :data:`MIN_WORDS` words with fewer than
:data:`GERMAN_BELOW` of them is reported as not German; a shorter text is too short to say. No
model, no download: a word list and a count.
"""

from __future__ import annotations

import re

__all__ = ["GERMAN_BELOW", "MIN_WORDS", "german_share", "looks_german"]

#: The most frequent German function words: articles, pronouns, auxiliaries, prepositions and
#: conjunctions. Words that English uses as often ("in", "was", "so") are left out; the few that
#: another language also has ("die", "als" in Dutch, "des" in French) keep its texts at 0-5 %.
_WORDS = (
    "der die das den dem des und ist sind nicht mit von zu auf für sich im auch wird werden bei "
    "nach aus ein eine einen einem einer eines wurde wurden hat haben sowie über zum zur vom dass "
    "als noch wie oder aber um seine ihre"
)
GERMAN_FUNCTION_WORDS = frozenset(_WORDS.split())
MIN_WORDS = 30
GERMAN_BELOW = 0.08
_WORD = re.compile(r"[^\W\d_]+")


def german_share(text: str) -> tuple[float, int]:
    """The share of the text's words that are German function words, and its number of words."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0
    return sum(word in GERMAN_FUNCTION_WORDS for word in words) / len(words), len(words)


def looks_german(text: str) -> bool:
    """False for a text of at least 30 words of which fewer than 8 % are German function words.

    Parameters
    ----------
    text : str
        Clean text (page furniture is not prose in any language).

    Returns
    -------
    bool
        True for German text and for text too short to tell.
    """
    share, n_words = german_share(text)
    return n_words < MIN_WORDS or share >= GERMAN_BELOW
