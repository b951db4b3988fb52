"""Text as the analyser reads it: the surface forms of a web page that are no words of their own.

:func:`topics.analyse` accepts raw text too (not only the output of
:func:`~topics.text.cleaning.clean_text`), so the character-level repairs that make a word one
token happen here, before tokenising, each only when its characters occur:

* HTML character references left in copied or scraped text are decoded: ``&nbsp;``,
  ``&amp;``, ``&quot;``, ``&#8222;``, ``&#x201C;`` (also when encoded twice, ``&amp;nbsp;``).
  Undecoded, "Grenze&nbsp;zwischen" was one word and ``&quot;`` a word "quot". Only references
  closed by ``;``: "AT&T" or "F&E" stay as written.
* soft hyphens, zero-width characters and every other Unicode format character (category Cf:
  direction marks such as U+200E, bidi embeddings and isolates, the BOM) are removed
  ("Zusammen\\u00adarbeit" was "zusammen" + "arbeit", lemmatised to "abarbeiten"; a
  left-to-right mark copied from a web page split "Verteidigungs\\u200ezusammenarbeit" in two),
  and the text is composed to NFC (a decomposed "Nguyễn" fell apart at its combining marks into
  "nguye", "ng").
* gendered forms are read as the base word: "Bürger*innen", "Bürger:innen", "Bürger_innen",
  "Bürger/-innen", "Lehrer*in" and the Binnen-I "BürgerInnen" become "Bürger", "Lehrer". They
  name everyone, so they meet "Bürger"; split at the mark they gave a token "innen" of their
  own, and "BürgerInnen" the unlemmatised "bürgerinnen". The singular Binnen-I ("LehrerIn") is
  left alone: it looks like a brand ("LinkedIn").
* a word cut at a line end ("Zusam-" / "menarbeit") is put together: hyphen kept, line break
  out, unless the next line starts with a word after a suspended hyphen ("Ein-" / "und
  Ausreise"). The analyser then reads "Zusam-menarbeit" as "Zusammenarbeit"
  (:meth:`GermanAnalyzer` on hyphenated words); cleaning (:mod:`topics.text.wrapping`) drops
  such a hyphen itself where the line's end put it.

Clean text has none of these (cleaning normalises every line), so on a cleaned corpus this
changes no token.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["INVISIBLE", "INVISIBLE_RE", "is_latin1", "prepare", "strip_invisible",
           "unescape_entities", "visible_nfc"]

# The Unicode format characters (general category Cf) as ranges: those of Unicode 15.1 (Python
# 3.11 knows those of 14.0; tests/test_surface.py checks that every one the running Python knows
# is here). Written out: reading them from unicodedata would cost 0.14 s at import.
_FORMAT_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
#: Invisible characters removed before NFC, as :func:`topics.text.normalisation.normalise` does:
#: every format character (soft hyphen, zero-width space and joiners, direction marks, BOM …).
#: They are no letters, so the tokeniser split a word at one; and a soft hyphen between a letter
#: and its combining mark must not stop them composing.
INVISIBLE = tuple(chr(c) for low, high in _FORMAT_RANGES for c in range(low, high + 1))
#: One character of :data:`INVISIBLE`.
INVISIBLE_RE = re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _FORMAT_RANGES)
                          + "]")
# What is looked for first: the same ranges in the BMP, and one range spanning the astral ones. A
# class of many ranges above U+FFFF is matched range by range, 8x slower (a pass over 10kGNAD
# took 80 ms instead of 10; the six characters of the earlier list, looked for with `in`, 0.3 ms).
_MAYBE_INVISIBLE = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _FORMAT_RANGES if high <= 0xFFFF)
    + f"{chr(min(low for low, _ in _FORMAT_RANGES if low > 0xFFFF))}-"
    + f"{chr(max(high for _, high in _FORMAT_RANGES))}]"
)


# A named, decimal or hexadecimal character reference closed by ";" (html.unescape alone would also
# read legacy names without it: "&copy" in "&copyright", "&para" in a URL's "&parameter=").
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def _decoded(found: re.Match[str]) -> str:
    return html.unescape(found.group())


def unescape_entities(text: str) -> str:
    """``text`` with its HTML character references decoded (the same string when it has none).

    Decoded until none is left, so that a reference encoded twice (``&amp;nbsp;``) is decoded
    too and decoding the result again changes nothing. An unknown name (``&foo;``) stays.
    """
    while "&" in text:
        decoded = _ENTITY.sub(_decoded, text)
        if decoded == text:
            break
        text = decoded
    return text


def is_latin1(text: str) -> bool:
    """Whether every character of ``text`` is below U+0100 (Latin-1: most German text).

    Python stores such a string one byte a character, so encoding it is a copy (0.5 ms for
    10kGNAD's 721 articles, where searching them for invisible characters took 16 ms).
    """
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def strip_invisible(text: str) -> str:
    """``text`` without the characters of :data:`INVISIBLE` (the same string when it has none)."""
    if text.isprintable():  # no format character is printable; 2x faster than the search
        return text
    if is_latin1(text):  # the soft hyphen is the one format character below U+0100
        return text.replace("\xad", "")
    return INVISIBLE_RE.sub("", text) if _MAYBE_INVISIBLE.search(text) else text


def visible_nfc(text: str) -> str:
    """``text`` without the characters of :data:`INVISIBLE`, composed to NFC.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        The same string when it has no invisible character and is NFC.
    """
    if text.isascii():
        return text
    if is_latin1(text):
        # no combining mark is below U+0100, so such text is NFC (tests check every pair)
        return text.replace("\xad", "")
    text = strip_invisible(text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# A gender mark (star, colon, underscore, slash with an optional hyphen) and "in"/"innen" right
# after a lower-case letter, or the Binnen-I plural: the part removed to leave the base word.
# Written to open with one character class, looking back from there: the regex engine then skips
# to those characters (a pattern opening with a look-behind tries every position, 6x slower).
_GENDERED = re.compile(
    r"[*:_/I](?:(?<=[a-zäöüß][*:_/])-?[iI]n(?:nen)?|(?<=[a-zäöüß]I)nnen)(?![^\W_])"
)
_GENDER_MARKS = ("*", ":", "_", "/", "Innen")


# A hyphen at a line's end after a letter or digit, the next line not starting with a word of a
# suspended hyphen (the list of topics.text.wrapping, whose rule this is). The hyphen comes first
# and the letter before it is looked behind from there: a pattern that opens with a look-behind
# tries it at every character (0.04 CPU-s on 10kGNAD's 721 articles, 30x this).
_CUT_AT_LINE_END = re.compile(
    r"-(?<=[^\W_]-)[ \t]*\r?\n[ \t]*(?!(?:und|oder|bis|sowie|bzw\.|noch|als|wie)(?!\S))(?=\S)"
)


def prepare(text: str) -> str:
    """``text`` with the surface forms above repaired (the same string when there are none).

    Parameters
    ----------
    text : str
        Raw or clean text.

    Returns
    -------
    str
        The text the analyser tokenises.
    """
    if "&" in text:
        text = unescape_entities(text)
    text = visible_nfc(text)
    if any(mark in text for mark in _GENDER_MARKS):
        text = _GENDERED.sub("", text)
    if "-\n" in text or ("- " in text and "\n" in text) or "-\r" in text:
        text = _CUT_AT_LINE_END.sub("-", text)
    return text
