"""Paragraphs a site repeats on its pages, found by counting the articles that hold them.

Cleaning (:mod:`topics.text.cleaning`) removes the boilerplate it knows by its look: captions,
source lines, related-news lists, the comment counter. A crawled archive also repeats paragraphs
that look like prose: a cookie or newsletter note, a disclaimer, "follow us on ...". On one page
they cannot be told from the article; across the archive they can, because they recur word for
word (case and spacing aside) in articles that have nothing else in common, and a topic model
would make a topic of them. A paragraph held by ``min_articles`` or more *distinct* articles is
such boilerplate; near-duplicate articles (one story under several URLs) count once, so a
reprinted story keeps its paragraphs. A page whose line breaks were lost (10kGNAD's, a page copied
as one line) holds such a note inside a paragraph: so a sentence of eight words or more, counted
the same way, is boilerplate too, and is cut out of its paragraph (shorter sentences repeat in
news by chance: "Das teilte die Polizei mit."). In a short paragraph (at most 12 words: a dateline, an
"updated" stamp, a counter) every run of digits counts as one, so "Aktualisiert: 03.12.2026, 10:15
Uhr" on every page is found although no two pages show the same time; a longer paragraph keeps
its numbers: two reports that differ only in their figures stay two paragraphs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import warnings
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from topics.errors import CorpusError, counted
from topics.text.cleaning import SENTENCE_END

__all__ = ["DEFAULT_MIN_ARTICLES", "RepeatedParagraph", "check_min_articles", "find_repeated",
           "paragraph_key", "strip_repeated", "without_repeated"]

DEFAULT_MIN_ARTICLES = 5
MIN_SENTENCE_WORDS = 8  # a sentence this long, repeated word for word in distinct articles
_SHORT_WORDS = 12  # a paragraph this short is a stamp or a counter when only its digits differ
_DIGITS = re.compile(r"\d+")
_NAMED = 5  # emptied articles named in the warning


@dataclasses.dataclass(frozen=True)
class RepeatedParagraph:
    """A paragraph as first seen, and the number of distinct articles holding it."""

    text: str
    articles: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the text cut to 200 characters."""
        text = self.text if len(self.text) <= 200 else self.text[:197] + "..."
        return {"text": text, "articles": self.articles}


def paragraph_key(paragraph: str) -> bytes:
    """What makes two paragraphs the same: their words, case folded, and in a short paragraph
    each run of digits as ``0`` (a 16-byte digest)."""
    words = paragraph.casefold().split()
    if len(words) <= _SHORT_WORDS:
        words = [_DIGITS.sub("0", word) for word in words]
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).digest()


def check_min_articles(min_articles: Any) -> int:
    """``min_articles`` as an int >= 2, or a CorpusError saying what it must be."""
    if isinstance(min_articles, bool) or not isinstance(min_articles, int) or min_articles < 2:
        raise CorpusError(f"min_articles={min_articles!r}: give a whole number of articles, 2 or "
                          "more (a paragraph in that many distinct articles is boilerplate)")
    return min_articles


def find_repeated(
    paragraphs: Sequence[Sequence[str]], groups: Sequence[int], min_articles: int
) -> list[RepeatedParagraph]:
    """The paragraphs held by ``min_articles`` or more distinct articles, most widespread first.

    Parameters
    ----------
    paragraphs : sequence of sequences of str
        Each article's clean paragraphs.
    groups : sequence of int
        Each article's near-duplicate group (its copies share one); a group counts once.
    min_articles : int
        The threshold, 2 or more.
    """
    check_min_articles(min_articles)
    counts: dict[bytes, int] = {}
    for _, members in groupby(sorted(range(len(paragraphs)), key=groups.__getitem__),
                              key=groups.__getitem__):
        for key in {paragraph_key(u) for i in members for p in paragraphs[i] for u in _units(p)}:
            counts[key] = counts.get(key, 0) + 1
    if max(counts.values(), default=0) < min_articles:  # the usual case: no second pass
        return []
    found: dict[bytes, RepeatedParagraph] = {}
    for paragraph in (p for article in paragraphs for p in article):
        whole, *sentences = _units(paragraph)
        # a sentence of a repeated paragraph goes with it: only one found elsewhere is said
        for unit in [whole] if counts[paragraph_key(whole)] >= min_articles else sentences:
            key = paragraph_key(unit)
            if counts[key] >= min_articles and key not in found:
                found[key] = RepeatedParagraph(unit, counts[key])
    return sorted(found.values(), key=lambda r: -r.articles)


def _units(paragraph: str) -> list[str]:
    """What is counted of a paragraph: itself and, if it has several, its long sentences."""
    return [paragraph, *_long_sentences(SENTENCE_END.split(paragraph.strip()))]


def _long_sentences(sentences: list[str]) -> list[str]:
    """The sentences counted on their own: those of 8+ words, in a paragraph of two or more."""
    if len(sentences) < 2:
        return []
    return [s for s in sentences if len(s.split()) >= MIN_SENTENCE_WORDS]


def strip_repeated(paragraphs: Sequence[str], keys: set[bytes]) -> list[str]:
    """``paragraphs`` without those whose :func:`paragraph_key` is in ``keys``, and without the
    sentences in ``keys`` of the others (a paragraph left without a sentence goes too); the
    paragraphs that hold neither come back as they are."""
    kept = []
    for paragraph in paragraphs:
        if paragraph_key(paragraph) in keys:
            continue
        sentences = SENTENCE_END.split(paragraph.strip())  # split once, looked at twice
        if any(paragraph_key(s) in keys for s in _long_sentences(sentences)):
            paragraph = " ".join(s for s in sentences if paragraph_key(s) not in keys)
        if paragraph:
            kept.append(paragraph)
    return kept


def without_repeated(
    articles: Sequence[Any], cleaned: Sequence[Any], repeated: Sequence[RepeatedParagraph],
    name: str,
) -> Iterator[Any]:
    """The articles with the ``repeated`` paragraphs taken out of their clean text.

    An article that loses nothing is yielded as it is; one that loses some gets its clean text
    without them as text (cleaning it again changes nothing) and keeps its id, labels, source and
    metadata; one that loses every paragraph held nothing else and is left out, with a warning
    naming it.
    """
    keys = {paragraph_key(r.text) for r in repeated}
    emptied = []
    for article, clean in zip(articles, cleaned, strict=True):
        kept = strip_repeated(clean.paragraphs, keys)
        if kept == list(clean.paragraphs):
            yield article
        elif kept:
            yield dataclasses.replace(article, text="\n\n".join(kept),
                                      source_url=article.source_url or clean.source_url)
        else:
            emptied.append(article.id)
    if emptied:
        shown = ", ".join(repr(i) for i in emptied[:_NAMED])
        more = f" and {len(emptied) - _NAMED} more" if len(emptied) > _NAMED else ""
        verb = "is" if len(emptied) == 1 else "are"
        warnings.warn(f"{name}: {counted(len(emptied), 'article')} held only repeated paragraphs "
                      f"(site boilerplate) and {verb} left out: {shown}{more}", UserWarning,
                      stacklevel=3)
