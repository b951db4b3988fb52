"""Text as the analyser reads it: the surface forms of a web page that are no words of their own.

:func:`topics.analyse` accepts raw text too (not only the output of
:func:`~topics.text.cleaning.clean_text`), so the character-level repairs that make a word one
token happen here, before tokenising, each only when its characters occur:

* soft hyphens and zero-width characters inside a word are removed ("Zusammen\\u00adarbeit" was
  "zusammen" + "arbeit", lemmatised to "abarbeiten"), and the text is composed to NFC (a
  decomposed "Nguyễn" fell apart at its combining marks into "nguye", "ng").
* gendered forms are read as the base word: "Bürger*innen", "Bürger:innen", "Bürger_innen",
  "Bürger/-innen", "Lehrer*in" and the Binnen-I "BürgerInnen" become "Bürger", "Lehrer". They
  name everyone, so they meet "Bürger"; split at the mark they gave a token "innen" of their
  own, and "BürgerInnen" the unlemmatised "bürgerinnen". The singular Binnen-I ("LehrerIn") is
  left alone: it looks like a brand ("LinkedIn").
* a word cut at a line end ("Zusam-" / "menarbeit") is put together as cleaning does
  (:mod:`topics.text.wrapping`): hyphen kept, line break out, unless the next line starts with
  a word after a suspended hyphen ("Ein-" / "und Ausreise"). The analyser then reads
  "Zusam-menarbeit" as "Zusammenarbeit" (:meth:`GermanAnalyzer` on hyphenated words).

Clean text has none of these (cleaning normalises every line), so on a cleaned corpus this
changes no token.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["INVISIBLE", "prepare"]

#: Invisible characters removed before NFC, as :func:`topics.text.normalisation.normalise` does:
#: a soft hyphen between a letter and its combining mark must not stop them composing.
INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


# A gender mark (star, colon, underscore, slash with an optional hyphen) and "in"/"innen" right
# after a lower-case letter, or the Binnen-I plural: the part removed to leave the base word.
_GENDERED = re.compile(r"(?<=[a-zäöüß])(?:[*:_/]-?[iI]n(?:nen)?|Innen)(?![^\W_])")
_GENDER_MARKS = ("*", ":", "_", "/", "Innen")


# A hyphen at a line's end after a letter or digit, the next line not starting with a word of a
# suspended hyphen (the list of topics.text.wrapping, whose rule this is)
_CUT_AT_LINE_END = re.compile(
    r"(?<=[^\W_])-[ \t]*\r?\n[ \t]*(?!(?:und|oder|bis|sowie|bzw\.|noch|als|wie)(?!\S))(?=\S)"
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
    if not text.isascii():
        for char in INVISIBLE:
            if char in text:
                text = text.replace(char, "")
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    if any(mark in text for mark in _GENDER_MARKS):
        text = _GENDERED.sub("", text)
    if "-\n" in text or ("- " in text and "\n" in text) or "-\r" in text:
        text = _CUT_AT_LINE_END.sub("-", text)
    return text
