"""Normalise one piece of text: HTML entities decoded, NFC, plain quotes and hyphens, tidy spaces.

Cleaning (:mod:`topics.text.cleaning`) runs it on every line of a page. Every step runs only when
its characters occur; ``tests/test_cleaning.py`` checks the result against the plain definition
(every rule on every text).
"""

from __future__ import annotations

import re

from topics.text.surface import unescape_entities, visible_nfc

__all__ = ["normalise"]

# Typographic characters replaced by their plain form (str.replace per character present: much
# faster than str.translate with a dict, which looks up every character of the text).
_REPLACEMENTS = (
    ("„", '"'),
    ("“", '"'),
    ("”", '"'),
    ("«", '"'),
    ("»", '"'),
    ("‟", '"'),
    ("‚", "'"),
    ("‘", "'"),
    ("’", "'"),
    ("‹", "'"),
    ("›", "'"),
    ("‛", "'"),
    ("–", "-"),
    ("—", "-"),
    ("‒", "-"),
    ("−", "-"),
    ("‐", "-"),
    ("‑", "-"),
)
# Space-like characters become a space before the quote and punctuation rules look for spaces.
_SPACE_LIKE = ("\u00a0", "\u202f", "\u2009", "\u2007", "\t")
# Invisible characters (every format character, Cf: surface.INVISIBLE) are removed before Unicode
# normalisation: a soft hyphen or zero-width space between a letter and a combining mark
# ("Gru\u00ad\u0308n") must not stop them composing. The analyser removes the same ones from raw
# text (one list).
_SPACES = re.compile(r" {2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?)])")
_OPENING_QUOTE_SPACE = re.compile(r"([„«(]) +")
_CLOSING_QUOTE_SPACE = re.compile(r" +([“»])")

# (character, the pair with a space that a rule removes), for _has_pair
_AFTER_OPENING = tuple((char, char + " ") for char in "„«(")
_BEFORE_CLOSING = tuple((char, " " + char) for char in "“»")
# A space before punctuation, in one pass: "," and "." are in nearly every line, so looking for
# each character first saves nothing (_has_pair took 1.8x as long on 10kGNAD's lines)
_SPACE_THEN_PUNCT = re.compile(r" [,.;:!?)]")


def _has_pair(text: str, pairs: tuple[tuple[str, str], ...]) -> bool:
    """Whether one of the pairs occurs in ``text``. Its character is looked for first: a search
    for a pair with a space stops at every space of the text, about ten times slower."""
    return any(char in text and pair in text for char, pair in pairs)


def normalise(text: str) -> str:
    """Normalise one piece of text: NFC, straight quotes, ASCII hyphens, tidy spaces.

    HTML character references (``&nbsp;``, ``&quot;``, ``&#8222;``) are decoded first, so that
    the characters they stand for go through the rules below. Soft hyphens, zero-width
    characters and the other format characters (direction marks …) are removed next, so that
    the result is NFC (and normalising it again changes nothing). Spaces
    just inside quotes and before punctuation ("friedliches , verantwortungsbewusstes") are
    removed while the opening and closing German quotes can still be told apart. Every step runs only when its characters occur.
    """
    if "&" in text:
        text = unescape_entities(text)
    text = visible_nfc(text)
    for char in _SPACE_LIKE:
        if char in text:
            text = text.replace(char, " ")
    if _has_pair(text, _AFTER_OPENING):
        text = _OPENING_QUOTE_SPACE.sub(r"\1", text)
    if _has_pair(text, _BEFORE_CLOSING):
        text = _CLOSING_QUOTE_SPACE.sub(r"\1", text)
    for char, plain in _REPLACEMENTS:
        if char in text:
            text = text.replace(char, plain)
    if " " in text:
        if _SPACE_THEN_PUNCT.search(text):
            text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
        while "  " in text:  # _SPACES.sub(" ", text), a few times faster: runs halve per pass
            text = text.replace("  ", " ")
    return text.strip()
