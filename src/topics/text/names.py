"""Names of people and places in German news: which words are name pieces, and joining a run.

With ``join_names=True`` (the analysis default) a run of at least two adjacent capitalised words
with no punctuation between them is joined into one token ("Phan Van Giang" -> ``phan_van_giang``)
when every word of the run is a name piece and

* at least one of them is clearly not German (a *strong* piece), or
* every one of them is spelled as a Vietnamese syllable ("Lang Son", "Cao Bang", "Ha Long").

Pieces:

* *strong*: unknown to simplemma's German dictionary, not changed by lemmatisation, not a
  compound split-words can split, not a stop word, at most 12 letters (long unknown capitalised
  words are German compounds, not names);
* *weak*: a known word of at most 4 letters that is not one of a few nouns that stand before
  names ("Dorf", "Amt"). Vietnamese syllables such as "Van", "Le", "Ho", "Nam", "Long", "Son" are
  in the German dictionary (as names or loan words), so "known" alone cannot separate them; short
  length can. A stop word is a weak piece only when it is spelled as a Vietnamese syllable:
  capitalised inside a sentence a German function word is no function word, and "Lang Son", "Da
  Nang", "An Giang", "Long An" are border provinces and cities whose syllables are German stop
  words. Such a piece opens a name only after a word or a comma ("Provinz Lang Son", "in Da
  Nang", "Son La, An Giang"), not after a bracket or a dash ("(In Hanoi").

Vietnamese spelling tells the two-weak-piece names from German word pairs: a syllable is one
onset, one vowel group and at most one of eight final consonants (c, ch, m, n, ng, nh, p, t),
so "Ende Juni", "Anfang Mai" or "Uhr Tag" are never joined while "Dien Bien" is. A weak piece at a
sentence start is not taken unless it is a Vietnamese syllable and no stop word: in "Laut Phan
Van Giang" "Laut" stays a German word and the name is ``phan_van_giang``, while "Ha Long liegt"
is ``ha_long``; in "Nach Lang Son" the stop word is left out, and so is "Lang" in "Lang Son
liegt" at a sentence start (``son``: a German sentence can open with either). Runs of known
longer words ("Angela Merkel") are not joined; each word stays one readable token. Acronyms (USA,
ASEAN) are never name pieces.
"""

from __future__ import annotations

import re
import unicodedata

from topics.text import lexicon

__all__ = ["STOP", "STRONG", "SYLLABLE", "WEAK", "is_vietnamese_syllable", "join_runs",
           "piece_kind"]

# A name piece's kind, bit flags (0: not a name piece)
WEAK, STRONG, SYLLABLE, STOP = 1, 2, 4, 8

_MAX_NAME_PIECE = 12
_MAX_WEAK_PIECE = 4
# Short German nouns that stand before names ("Dorf Lo Lo Chai", "Land Laos"): never name pieces.
_NAME_TITLES = frozenset({"dorf", "amt", "land", "see", "berg", "tal", "gott", "kap"})
# Abbreviated titles before a name: their period is no sentence end.
_TITLES = frozenset({"Dr", "Prof", "Gen", "Mag", "Ing", "Dipl", "med", "Hr", "Fr", "Abg", "St"})
_SENTENCE_END = frozenset('.!?:;\n"»«“”„')

# Vietnamese syllables as German texts write them (tone marks and vowel hooks left out): an
# onset, then an open vowel group, or a vowel group with one of the eight final consonants.
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_OPEN = r"(?:ai|ao|au|ay|eo|eu|ia|iu|ieu|oai|oay|oeo|oi|uay|ui|uu|uoi|uya|uyu|yeu|ua|oa|oe|ue|uy|[aeiouy])"
_CLOSED = r"(?:uye|ie|uo|ye|oa|oe|ua|ue|uy|oo|[aeiouy])(?:ng|nh|ch|[cmnpt])"
_SYLLABLE_RE = re.compile(f"{_ONSET}(?:{_CLOSED}|{_OPEN})")


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` is spelled as one Vietnamese syllable (diacritics ignored).

    Parameters
    ----------
    word : str
        One word, any case ("Son", "Nguyễn", "Đà").

    Returns
    -------
    bool
        True for "Lang", "Son", "Nguyen", "Giang", "Da"; False for "Ende", "Juni", "Laut", "Sie".
    """
    plain = word.lower()
    if not plain.isascii():  # (ASCII has no marks to strip: most words, 15 % of piece_kind)
        plain = unicodedata.normalize("NFD", plain.replace("đ", "d"))
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _SYLLABLE_RE.fullmatch(plain) is not None


def piece_kind(token: str, stops: frozenset[str], known: bool | None = None) -> int:
    """The kind of ``token`` as a name piece: 0, or ``WEAK``/``STRONG``, with ``SYLLABLE`` added
    when it is spelled as a Vietnamese syllable and ``STOP`` when it is a stop word. ``known``:
    ``lexicon.is_known(token)`` when the caller has it (None: asked here)."""
    if not token[0].isupper() or (len(token) > 1 and token.isupper()):
        return 0  # lower-case words and acronyms (USA, EU, ASEAN) are not name pieces
    low = token.lower()
    if not token.isalpha() or low in _NAME_TITLES or len(token) > _MAX_NAME_PIECE:
        return 0
    # the spelling is read only for words that may be pieces (a third of them)
    if low in stops:
        short = len(token) <= _MAX_WEAK_PIECE
        return WEAK | SYLLABLE | STOP if short and is_vietnamese_syllable(token) else 0
    if known is None:
        known = lexicon.is_known(token)
    if known or (not _same_keys(token, low) and lexicon.is_known(low)):
        return WEAK | _syllable(token) if len(token) <= _MAX_WEAK_PIECE else 0
    # the split first: with the default settings it is cached for every capitalised word, and
    # the lemma of a word that splits is not (its compound lemma is made from its head's)
    if lexicon.split_compound(token) or lexicon.lemma(token) != token:
        return 0  # a compound or inflected German word ("Kriegsdrama"), not a name
    return STRONG | _syllable(token)


def _same_keys(token: str, low: str) -> bool:
    """Whether the dictionary is asked the same two keys for ``low`` as for ``token`` (each as
    written, then in the other case: "Laos" and "laos"), so one answer does for both."""
    return token.isascii() and low.capitalize() == token


def _syllable(token: str) -> int:
    return SYLLABLE if is_vietnamese_syllable(token) else 0


def _starts_sentence(raw: list[str], at: int) -> bool:
    """Whether the word at ``raw[at]`` starts a sentence (the period of "Dr." ends none)."""
    if at == 0:
        return True
    before = raw[at - 1]
    return before in _SENTENCE_END and not (before == "." and at > 1 and raw[at - 2] in _TITLES)


def join_runs(raw: list[str], outs: list[tuple[str, ...]], pieces: list[int],
              kinds: dict[str, int], drop: frozenset[str], lowercase: bool,
              min_length: int) -> None:
    """Replace, in place, the outputs of each run of adjacent name pieces by the joined name.

    Parameters
    ----------
    raw : list of str
        The text's surface tokens (words and separators).
    outs : list of tuple of str
        The output tokens of each surface token; a joined run's first token gets the name, the
        others nothing.
    pieces : list of int
        Positions in ``raw`` of the name pieces, in order.
    kinds : dict of str to int
        Each piece's kind (:func:`piece_kind`).
    drop : frozenset of str
        Stop words: a joined name among them is dropped (``extra_stop_words`` may name a person).
    lowercase : bool
        Lower-case the joined name.
    min_length : int
        A joined name shorter than this is dropped, as other tokens are.
    """
    n_pieces = len(pieces)
    i = 0
    while i < n_pieces:
        first = last = pieces[i]
        i += 1
        while i < n_pieces and pieces[i] == last + 1:
            last = pieces[i]
            i += 1
        if last == first:
            continue  # one piece is no name (most runs: checked before the rules below)
        kind = kinds[raw[first]]
        if _starts_sentence(raw, first) and kind & WEAK and (kind & STOP or not kind & SYLLABLE):
            first += 1  # "Laut Phan Van Giang", "Nach Da Nang": its output stays its own word
        elif kind & STOP and raw[first - 1] != "," and not raw[first - 1][0].isalnum():
            first += 1  # "(In Hanoi", "- Am Hof": a stop word opens a name after a word or comma
        run = [kinds[raw[k]] for k in range(first, last + 1)]
        if len(run) < 2 or not (any(k & STRONG for k in run) or all(k & SYLLABLE for k in run)):
            continue
        name = "_".join(raw[first : last + 1])
        low = name.lower()
        if low in drop or len(name) < min_length:
            outs[first] = ()
        else:
            outs[first] = (low if lowercase else name,)
        for k in range(first + 1, last + 1):
            outs[k] = ()
