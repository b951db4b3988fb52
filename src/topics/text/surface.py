"""Text as the analyser reads it: the surface forms of a web page that are no words of their own.

:func:`topics.analyse` accepts raw text too (not only the output of
:func:`~topics.text.cleaning.clean_text`), so the character-level repairs that make a word one
token happen here, before tokenising, each only when its characters occur:

* soft hyphens and zero-width characters inside a word are removed ("Zusammen\\u00adarbeit" was
  "zusammen" + "arbeit", lemmatised to "abarbeiten"), and the text is composed to NFC (a
  decomposed "Nguyễn" fell apart at its combining marks into "nguye", "ng").

Clean text has none of these (cleaning normalises every line), so on a cleaned corpus this
changes no token.
"""

from __future__ import annotations

import unicodedata

__all__ = ["INVISIBLE", "prepare"]

#: Invisible characters removed before NFC, as :func:`topics.text.normalisation.normalise` does:
#: a soft hyphen between a letter and its combining mark must not stop them composing.
INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


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
    return text
