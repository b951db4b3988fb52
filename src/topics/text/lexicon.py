"""The German word data the analyser reads: stop words, lemmas, compound splits.

Process-wide and independent of the analysis settings, so it is cached per word: simplemma's
German dictionary for lemmas and known words (:mod:`topics.text.lemmatizer`), split-words'
CharSplit n-gram table for compounds (:mod:`topics.text.splitter`), both on compact tables
(:mod:`topics.text.tables`), and spaCy's German stop-word list (``data/stopwords_de.txt``, MIT)
plus a news domain list. The rules are described in :mod:`topics.text.german`. Words longer than
:data:`MAX_WORD_LEN` are kept as written: not lemmatised, split or taken as name pieces, so one
long run of letters cannot make analysis super-linear.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from topics.text import lemmatizer, splitter, tables
from topics.text.wordcache import word_cache

__all__ = [
    "COMPOUND_THRESHOLD",
    "MAX_WORD_LEN",
    "clear_caches",
    "compound_lemma",
    "is_known",
    "lemma",
    "lemma_known",
    "split_compound",
    "stop_words",
]

#: Minimum CharSplit score for a split (see notes/dependencies.md: 0 false splits on the sample).
COMPOUND_THRESHOLD = 0.5
# Shorter words are rarely compounds the splitter gets right (its parts need >= 3 letters each).
_MIN_SPLIT_LEN = 8
_MIN_PART_LEN = 3
_MIN_RECURSE_LEN = 10
# Heads that almost only occur in place names (Salzburg, Frankreich, Vorarlberg); such words are
# not split. "-land" is split (Nachbarland, Partnerland), so "Deutschland" gives "deutsch" + "land".
_TOPONYM_HEADS = frozenset({"burg", "burger", "reich", "berg"})
_UMLAUT_FOLD = str.maketrans("äöü", "aou")
#: Longer words are kept as written: not lemmatised, split or taken as name pieces. Real German
#: words stay far below (the longest in 10kGNAD: 47 letters); without a cap one long run of
#: letters (a 1 MB "word") makes compound splitting and the lemmatiser's rules super-linear.
MAX_WORD_LEN = 64

# --------------------------------------------------------------------------------------------
# data: stop words, lemmas, compounds (process-wide, settings-independent caches)


def _read_word_list(name: str) -> frozenset[str]:
    text = resources.files("topics").joinpath("data", name).read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Return the built-in German stop words (lower case).

    Returns
    -------
    frozenset of str
        spaCy's German list (``data/stopwords_de.txt``, MIT) plus the news domain list
        (``data/stopwords_domain_de.txt``).
    """
    return _read_word_list("stopwords_de.txt") | _read_word_list("stopwords_domain_de.txt")


@lru_cache(maxsize=1)
def _base_stops() -> frozenset[str]:
    return _read_word_list("stopwords_de.txt")


def _modern_spelling(word: str, lemma: str) -> str:
    # simplemma's dictionary holds pre-1996 spellings: "Prozesse" -> "Prozeß". Keep the "ss"
    # the text uses, so "Prozess" and "Prozesse" meet.
    if "ß" in lemma and "ß" not in word and "ss" in word.lower():
        return lemma.replace("ß", "ss")
    return lemma


@word_cache
def _lemma(word: str) -> str:
    # The plain (non-greedy) lemma has no cache of its own: it is asked for on its own only for
    # known words (compound parts), whose lemma it is. One cache fewer to miss per new word.
    if len(word) > MAX_WORD_LEN:
        return word
    lemma = _modern_spelling(word, lemmatizer.lemmatize(word))
    if lemma == word and not _known(word):
        # Unknown words are mostly compounds and derived adjectives the dictionary lacks
        # ("Kooperationsmechanismen", "laotischen"); simplemma's greedy mode lemmatises them by
        # their known ending (-> "Kooperationsmechanismus", "laotisch"). Only for unknown words:
        # on known ones greedy mode can over-reduce.
        lemma = _modern_spelling(word, lemmatizer.lemmatize(word, greedy=True))
    return lemma


@word_cache
def _known(word: str) -> bool:
    # lemmatizer.is_known(word) without checking its argument (here always a word): a call less
    return len(word) <= MAX_WORD_LEN and (
        lemmatizer.lookup(unicodedata.normalize("NFC", word)) is not None
    )


@word_cache
def _part_lemma(part: str) -> str | None:
    """Lemma of a compound part, Fugen removed; None when no form of it is a German word.

    Modifiers carry a Fugen-s or -es ("Verteidigungs", "Tages") or lose an -e ("Hilfs" ->
    "Hilfe"); heads carry inflection ("Übergänge"). The non-greedy lemma is used: simplemma's
    greedy mode turns short parts into odd words ("Gesamt" -> "samen"). Cached: parts recur
    across compounds (10kGNAD: 17,000 parts, 5,700 different ones).
    """
    candidates = [part]
    if part.endswith("s"):
        candidates += [part[:-1] + "e", part[:-1]]  # "Hilfs" -> "Hilfe" before "Hilf"
    if part.endswith("es"):
        candidates.append(part[:-2])
    for candidate in candidates:
        if len(candidate) >= _MIN_PART_LEN and _known(candidate):
            lemma = _lemma(candidate)  # the plain lemma: no greedy mode for a known word
            # A noun part keeps its first letters (umlauts aside: "Völker" -> "Volk"); a lemma
            # that does not is a participle reading ("Gesamt" -> "samen"): keep the part.
            start, part_start = lemma[:3].lower(), candidate[:3].lower()
            same_start = start == part_start or (
                start.translate(_UMLAUT_FOLD) == part_start.translate(_UMLAUT_FOLD)
            )
            return lemma if same_start else candidate
    return None


class _Split(NamedTuple):
    modifier: str  # surface, Fugen included: "Verteidigungs"
    head: str  # surface: "Zusammenarbeit"
    modifier_lemma: str
    head_lemma: str


@word_cache
def _split(word: str) -> _Split | None:
    """The top split of ``word`` if it passes every check, else None."""
    if len(word) < _MIN_SPLIT_LEN or len(word) > MAX_WORD_LEN or "-" in word:
        return None
    # dictionary words carry CharSplit's decision in the table; others are scored here
    n = tables.split_decision(word, COMPOUND_THRESHOLD)
    if n is None:
        n = splitter.split_point(word, COMPOUND_THRESHOLD)
    if n == 0:
        return None  # below the threshold (at the default 0, "Regierung" -> "Regie" + "Rung")
    low = word.lower()
    modifier, head = low[:n].title(), low[n:].title()
    mod_lemma, head_lemma = _part_lemma(modifier), _part_lemma(head)
    if mod_lemma is None or head_lemma is None:
        return None  # guards against splitting names ("Chansamone") and fragments ("Res")
    if min(len(mod_lemma), len(head_lemma)) < _MIN_PART_LEN:
        return None
    if mod_lemma.lower() in _base_stops() or head_lemma.lower() in _base_stops():
        return None  # particle derivations ("Zusammen|arbeit", "Über|gang") are not compounds
    if head_lemma.lower() in _TOPONYM_HEADS:
        return None  # place names: "Salzburg" must not become "salz" + "burg"
    return _Split(modifier, head, mod_lemma, head_lemma)


@word_cache
def split_compound(word: str) -> tuple[str, ...]:
    """Split a German compound into lemmatised parts, recursively.

    Parameters
    ----------
    word : str
        One word, e.g. ``"Verteidigungszusammenarbeit"``.

    Returns
    -------
    tuple of str
        The lemmatised parts (``("Verteidigung", "Zusammenarbeit")``), or ``()`` when the word
        is not split: best CharSplit score below :data:`COMPOUND_THRESHOLD`, a part that is no
        German word, a particle or place-name part, or fewer than 8 letters. Parts of at least
        10 letters are split again, each after its own lemma (``Katastrophenhilfemaßnahmen`` ->
        Katastrophenhilfe, Katastrophe, Hilfe, Maßnahme); shorter parts are mostly lexicalised
        ("Plattform" is not "Platt" + "Form").
    """
    top = _split(word)
    if top is None:
        return ()
    parts: list[str] = []
    for lemma in (top.modifier_lemma, top.head_lemma):
        parts.append(lemma)
        if len(lemma) >= _MIN_RECURSE_LEN:
            parts.extend(split_compound(lemma))
    return tuple(parts)


def compound_lemma(word: str) -> str:
    """Lemma of a word; compounds unknown to simplemma are lemmatised by their head.

    German inflects only the head of a compound, so "Verteidigungsbeamte" ->
    "Verteidigungsbeamter" (modifier as written + lemma of "Beamte"), where simplemma alone
    would guess "Verteidigungsbeamt".

    Parameters
    ----------
    word : str
        One word.

    Returns
    -------
    str
        The lemma.
    """
    return lemma_known(word, compound=True)[0]


def lemma_known(word: str, compound: bool = False) -> tuple[str, bool]:
    """The lemma of a word and whether simplemma knows it, read together.

    The analyser asks both of every new word type. A known word's lemma is its dictionary entry,
    read here from the look-up that tells it is known, where :func:`lemma` lemmatises it again
    through two caches of its own (28,000 of 10kGNAD's 41,000 types are known).

    Parameters
    ----------
    word : str
        One word.
    compound : bool, default False
        Lemmatise an unknown compound by its head (:func:`compound_lemma`).

    Returns
    -------
    tuple of (str, bool)
        ``(compound_lemma(word) if compound else lemma(word), is_known(word))``.
    """
    token = unicodedata.normalize("NFC", word)  # what the lemmatiser reads
    # (not through _known: a cache fewer to miss for each new word; _known(word) is this test)
    entry = lemmatizer.lookup(token) if len(word) <= MAX_WORD_LEN else None
    if entry is None:
        return _unknown_lemma(word) if compound else _lemma(word), False
    if not entry or token.isnumeric():  # (an empty entry or a number: the lemmatiser's rules)
        return _lemma(word), True
    return (_modern_spelling(word, entry) if "ß" in entry else entry), True  # = _lemma(word)


def _unknown_lemma(word: str) -> str:
    """compound_lemma of a word simplemma does not know: by the head of its split, if it has one."""
    top = _split(word)
    if top is None:
        return _lemma(word)
    head = compound_lemma(top.head)
    return top.modifier + head.lower()


# public names for the analyser (the cached functions themselves)
lemma = _lemma
is_known = _known


def clear_caches() -> None:
    """Forget every cached lemma and compound split (the tables stay mapped)."""
    for cached in (_lemma, _known, _part_lemma, _split, split_compound):
        cached.cache_clear()
    lemmatizer.clear_caches()
