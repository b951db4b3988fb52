"""simplemma 2.0's German lemmatiser, re-implemented on the compact lemma table.

:func:`lemmatize` and :func:`is_known` give exactly what ``simplemma.lemmatize(word, lang="de",
greedy=...)`` and ``simplemma.is_known(word, lang="de")`` give (``tests/test_lexicon.py`` compares
them on every word type of the corpora), without importing simplemma or loading its dictionary
into memory. Only the German branches of simplemma's strategy chain are kept (apostrophe-boundary,
clitic and morpheme strategies, and affix decomposition in non-greedy mode, do nothing for
German). One deliberate difference: a string that cannot be encoded (a lone surrogate such as
``"\\udcff"``) is simply unknown, where simplemma raises ``UnicodeEncodeError``.
"""

from __future__ import annotations

import re
import unicodedata

from topics.text.tables import lemmas as _lemmas
from topics.text.wordcache import word_cache

__all__ = ["clear_caches", "is_known", "lemmatize", "lookup"]


# defaultprefixes.py, MIT licence), copied so that the package need not import simplemma.

_NOUN_ENDINGS_DE = re.compile(
    r"(?:erei|heit|keit|ion|schaft|tät|[^jlz]ung)(en)?$|"
    r"(?:euse|icen|logie)(n)?$|"
    r"(?:bold|[^hkl]ling|ment)(e?[ns]?)?$|"
    r"(?:ikus)(sen?)?$|"
    r"(?:erl|iker|[^e]iter)([ns])?$|"
    r"(?:gramm|[^ä]nom)(e?s|en)?$|"
    r"(?:eur)(en?|s)?$|"
    r"(?:ar|lein|stan|um)(s)?$",
    re.I,
)
_ADJ_ENDINGS_DE = re.compile(
    r"^(.{4,})"
    r"(artig|esk|oid|op|phil|phob|selig|schig)"
    r"(?:er|e?st)?(?:e|em|en|er|es)?$"
)
_PLUR_ORTH_DE = re.compile(r"(?:Innen|\*innen|\*Innen|-innen|_innen)$")
_MAX_ENDING = 8  # the longest match of _NOUN_ENDINGS_DE ("schaften") and _PLUR_ORTH_DE
_PP_DE = re.compile(r"^(.{2,}ge.+?[^aes]t)(?:e|em|er|es)$")
_PP_VERB_STOPS_DE = frozenset(
    {"abgespeckt", "mitgeliefert", "angewandt", "herausgebracht", "angekratzt"}
)
_ERINNEN_STOPS_DE = frozenset({"Bardierinnen", "Gerinnen"})
_PART_END_DE = re.compile(r"^(.{2,}end)(?:em|es|er)$")
_PART_END_NOUN_STOPS_DE = ("anwend", "vorsitzend")
_ENDING_CHARS_DE = {"e", "m", "n", "r", "s"}
_NOUN_STOPS_DE = frozenset(
    {
        "Reutlingen",
        "Solingen",
        "Flözlingen",
        "Überlingen",
        "Tuttlingen",
        "Kaufbeuren",
        "Ländereien",
        "Départements",
    }
)
_PREFIXES_DE = [
    *("ab", "an", "auf", "aus", "be", "da", "durch", "ein", "ent", "er", "gegen", "heim"),
    *("her", "hin", "hinzu", "innen", "los", "miss", "mit", "nach", "neben", "nieder", "ran"),
    *("raus", "rein", "rum", "runter", "über", "um", "unter", "ver", "vor", "weg", "weiter"),
    *("wieder", "zer"),
]
_PREFIX_RE = re.compile(
    r"^(" + "|".join(sorted(_PREFIXES_DE, key=len, reverse=True)) + r")" + r"(?!zu)"
)
_HYPHEN_SPLIT = re.compile(r"([-_])")
_GREEDY_MIN_LEN = 8  # simplemma's greedy_min_length("de")
_AFFIX_MAX_LEN = 2  # AFFIXLEN (de is not in AFFIX_LANGS)
_MIN_COMPLEMENT = 4  # MINCOMPLEN
_AFFIX_MAX_TOKEN = 100  # MAXLEN
_GREEDY_DISTANCE = 5
_APOSTROPHES = ("’", "ʼ")


@word_cache
def _apply_de(token: str) -> str | None:
    """simplemma's ``apply_de``: rules for German word forms unknown to the dictionary. Cached:
    the analyser lemmatises an unknown word plainly, then greedily, and half the calls repeat."""
    if len(token) < 7:
        return None
    if token[0].isupper():
        if token in _NOUN_STOPS_DE:
            return None
        # both patterns end in $ and match at most 8 characters: search the end only
        if match := _NOUN_ENDINGS_DE.search(token, len(token) - _MAX_ENDING):
            ending = next((g for g in match.groups() if g), None)
            return token[: -len(ending)] if ending else token
        if _PLUR_ORTH_DE.search(token, len(token) - _MAX_ENDING):
            return _PLUR_ORTH_DE.sub(":innen", token)
        if token.endswith("erinnen") and token not in _ERINNEN_STOPS_DE:
            return token[:-3]
    elif token[-1] in _ENDING_CHARS_DE:
        if adj_match := _ADJ_ENDINGS_DE.match(token):
            return (adj_match[1] + adj_match[2]).lower()
        if pp_match := _PP_DE.match(token):
            stem = pp_match[1].lower()
            if stem not in _PP_VERB_STOPS_DE:
                return stem
        part_match = _PART_END_DE.match(token)
        if part_match and not part_match[1].lower().endswith(_PART_END_NOUN_STOPS_DE):
            return part_match[1]
    return None


def _apostrophe_variants(token: str) -> tuple[str, ...]:
    straight = token
    for glyph in _APOSTROPHES:
        straight = straight.replace(glyph, "'")
    if "'" not in straight:
        return (token,)
    folded = (straight.replace("'", g) for g in _APOSTROPHES)
    return tuple(dict.fromkeys((token, straight, *folded)))


def _get(key: str) -> str | None:
    """The table's entry for ``key``. Not cached: most keys miss, which the table's hash index
    answers for less than a cache miss costs (a cache paid for a word and its other case,
    ``_lookup("Laos")`` and ``_lookup("laos")``: an eighth of the look-ups on 10kGNAD)."""
    return _lemmas().get(key)


@word_cache
def _lookup(token: str) -> str | None:
    """simplemma's ``DictionaryLookupStrategy.get_lemma``: as written, then in reverse case.

    Cached: the analyser asks for a word's lemma and whether it is known, and greedy
    decomposition asks for the same word starts and ends across words.
    """
    get = _lemmas().get  # (not through _get: a call less on each of 80,000 look-ups)
    if (result := get(token)) is not None:
        return result
    cased = token.lower() if token[:1].isupper() else token.capitalize()
    if (result := get(cased)) is not None:
        return result
    if "'" not in token and "’" not in token and "ʼ" not in token:
        return None
    for variant in _apostrophe_variants(token)[1:]:
        if (result := get(variant)) is not None:
            return result
        cased = variant.lower() if variant[:1].isupper() else variant.capitalize()
        if (result := get(cased)) is not None:
            return result
    return None


#: The dictionary's lemma of an NFC ``token`` (as written, then in reverse case), None when it
#: is unknown: what :func:`is_known` and the first step of :func:`lemmatize` read (cached).
lookup = _lookup


def _hyphen(token: str) -> str | None:
    if "-" not in token and "_" not in token:
        return None
    parts = _HYPHEN_SPLIT.split(token)
    if not parts[-1]:
        return None
    candidate = "".join([t for t in parts if t not in ("-", "_")]).lower()
    if token[0].isupper():
        candidate = candidate.capitalize()
    lemma = _lookup(candidate)
    if lemma is not None:
        return lemma
    last = _lookup(parts[-1])
    if last is not None:
        return "".join(parts[:-1] + [last])
    return None


def _prefix(token: str) -> str | None:
    match = _PREFIX_RE.match(token)
    if not match or match[1] == token:
        return None
    prefix = match[1]
    subword = _lookup(token[len(prefix) :])
    if not subword:
        return None
    return prefix + subword.lower()


def _affix(token: str) -> str | None:
    """simplemma's affix then suffix decomposition (greedy mode only, for German)."""
    if len(token) <= _GREEDY_MIN_LEN or len(token) > _AFFIX_MAX_TOKEN:
        return None
    for count in range(1, _AFFIX_MAX_LEN + 1):
        lempart1 = _lookup(token[:-count])
        if lempart1 is not None:
            # a falsy result ends the affix search like simplemma's `or` chain
            return lempart1 or _suffix(token)
    upper = token[0].isupper()
    for count in range(_AFFIX_MAX_LEN + 1, len(token) - _MIN_COMPLEMENT + 1):
        # simplemma looks up the start (part1) first; the end is looked up first here, as both
        # must be found and the end's lemma must be short enough. Same answer, a fifth fewer
        # table probes on 10kGNAD: a word's ends are shared with other words (cached) and with
        # the suffix search below, its starts are mostly its own.
        part2 = token[-count:]
        if upper:
            part2 = part2.capitalize()
        lempart2 = _lookup(part2)
        if lempart2 is None or len(lempart2) >= len(part2) + _AFFIX_MAX_LEN:
            continue
        part1 = token[:-count]
        if _lookup(part1) is not None:
            return part1 + lempart2.lower()
    return _suffix(token)


def _suffix(token: str) -> str | None:
    """simplemma's suffix decomposition: the longest known end (capitalised) whose lemma is no
    longer than it, the rest kept as written."""
    for count in range(len(token) - _MIN_COMPLEMENT, _MIN_COMPLEMENT - 1, -1):
        suffix = _lookup(token[-count:].capitalize())
        if suffix is not None and len(suffix) <= count:
            return token[:-count] + suffix.lower()
    return None


def _levenshtein(str1: str, str2: str) -> int:
    """simplemma's ``levenshtein_dist``."""
    if str1 == str2:
        return 0
    if len(str1) > len(str2):
        str1, str2 = str2, str1
    r1 = list(range(len(str2) + 1))
    r2 = [0] * len(r1)
    for i, c1 in enumerate(str1):
        r2[0] = i + 1
        for j, c2 in enumerate(str2):
            if c1 == c2:
                r2[j + 1] = r1[j]
            else:
                r2[j + 1] = 1 + min(r2[j], r1[j], r1[j + 1])
        r1, r2 = r2, r1
    return r1[-1]


def _greedy_round(token: str) -> str:
    if len(token) <= _GREEDY_MIN_LEN:
        return token
    candidate = _get(token)
    if (
        not candidate
        or len(candidate) > len(token)
        or _levenshtein(candidate, token) > _GREEDY_DISTANCE
    ):
        return token
    return candidate


def lemmatize(token: str, greedy: bool = False) -> str:
    """``simplemma.lemmatize(token, lang="de", greedy=greedy)``, on the compact table.

    Raises
    ------
    TypeError, ValueError
        ``token`` is not a string, or empty (as simplemma).
    """
    if not isinstance(token, str):
        raise TypeError(f"Wrong input type, expected string, got {type(token)}")
    if token == "":
        raise ValueError("Wrong input value: empty string")
    token = unicodedata.normalize("NFC", token)
    if token.isnumeric():
        return token
    candidate = (
        _lookup(token)
        or _hyphen(token)
        or _apply_de(token)
        or _prefix(token)
        or (_affix(token) if greedy else None)
    )
    if candidate is None:
        return token
    return _greedy_round(candidate) if greedy else candidate


def is_known(token: str) -> bool:
    """``simplemma.is_known(token, lang="de")``, on the compact table."""
    if not isinstance(token, str):
        raise TypeError(f"Wrong input type, expected string, got {type(token)}")
    if token == "":
        raise ValueError("Wrong input value: empty string")
    return _lookup(unicodedata.normalize("NFC", token)) is not None


def clear_caches() -> None:
    """Forget cached dictionary lookups (the table stays open)."""
    _lookup.cache_clear()
    _apply_de.cache_clear()
