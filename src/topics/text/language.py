"""Is a text German? A check for crawled archives, where a language switch brings English pages.

German prose is full of function words (der, die, und, ist, mit, ...): 23-42 % of the words of
each shipped article, 16-39 % of each 10kGNAD article. The same news in English, French, Dutch,
Spanish, Italian, Danish or Vietnamese has 0-5 % (Dutch, with "die" and "als", 5 %; the texts are
in ``tests/test_language.py``). A text of at least :data:`MIN_WORDS` words with fewer than
:data:`GERMAN_BELOW` of them is reported as not German; a shorter text is too short to say. No
model, no download: a word list and a count.

A German article may hold a paragraph in another language: a quote in English, a name list or a
caption in Vietnamese. :func:`foreign_paragraphs` finds them by positive evidence of the other
language, not by a lack of German (a sports line-up or a table has no German function words
either): at least a fifth of the words English function words, or a third of them spelt with
letters only Vietnamese writes (ơ, ư, đ, and its tone marks: "Bộ trưởng"), with fewer than
:data:`GERMAN_BELOW` German function words. Only where another paragraph is German: a page
wholly in another language is :func:`looks_german`'s to report.
"""

from __future__ import annotations

import re

__all__ = ["GERMAN_BELOW", "MIN_WORDS", "foreign_paragraphs", "german_share", "looks_german"]

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
# English words that German does not write ("in", "so", "was" are German too)
_ENGLISH_WORDS = (
    "the a an and or but of to into about is are was were for with that this on by from at it its "
    "be been has have had not which will would there their they he she we our you"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_ENGLISH_FROM = 0.2
# an English paragraph holds one of these: an article without any, nor a Vietnamese letter, is
# not read word by word (a search per paragraph with word boundaries made cleaning a third slower)
_ENGLISH_SIGNS = (" the ", " and ", " of ", " to ")
# letters of Vietnamese's own (a breve, horn or bar, or a tone mark German never writes); both
# cases spelt out: a case-blind search is three times slower
_VIETNAMESE_LOWER = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịĩọỏốồổỗộớờởỡợụủũứừửữựỳỵỷỹ"
_VIETNAMESE = re.compile(f"[{_VIETNAMESE_LOWER}{_VIETNAMESE_LOWER.upper()}]")
_VIETNAMESE_FROM = 0.3
_FOREIGN_MIN_WORDS = 5


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


def _signs_of_another_language(text: str) -> bool:
    return any(sign in text for sign in _ENGLISH_SIGNS) or _VIETNAMESE.search(text) is not None


def _language(paragraph: str) -> str:
    """``"German"``, ``"English"``, ``"Vietnamese"`` by the evidence above, or ``""`` (too short,
    or no language's signs: a line-up, a table)."""
    words = _WORD.findall(paragraph)
    if len(words) < _FOREIGN_MIN_WORDS:
        return ""
    lower = [word.lower() for word in words]
    if sum(word in GERMAN_FUNCTION_WORDS for word in lower) >= GERMAN_BELOW * len(words):
        return "German"
    if sum(word in _ENGLISH for word in lower) >= _ENGLISH_FROM * len(words):
        return "English"
    if sum(bool(_VIETNAMESE.search(word)) for word in words) >= _VIETNAMESE_FROM * len(words):
        return "Vietnamese"
    return ""


def foreign_paragraphs(paragraphs: list[str]) -> list[int]:
    """The indices of the paragraphs in English or Vietnamese, where another one is German.

    Parameters
    ----------
    paragraphs : list of str
        An article's paragraphs.

    Returns
    -------
    list of int
        Ascending; empty when no paragraph is German (see the module docstring).
    """
    if len(paragraphs) < 2 or not _signs_of_another_language("\n".join(paragraphs)):
        return []
    foreign = [
        i for i, paragraph in enumerate(paragraphs)
        if _signs_of_another_language(paragraph)
        and _language(paragraph) in ("English", "Vietnamese")
    ]
    if not foreign or not any(
        _language(paragraph) == "German"
        for i, paragraph in enumerate(paragraphs) if i not in foreign
    ):
        return []
    return foreign
