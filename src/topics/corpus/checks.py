"""Checks of article records as they are read: what makes a record unusable, and what only warns.

A record is refused (:class:`~topics.errors.CorpusError` naming where it is) when its id is empty
or repeated, its text is empty or an HTML page, or a label is unknown or listed twice. A usable
record whose clean text will model badly is kept with a warning: only page boilerplate, no
letters, or not German. That second look needs the clean text, which costs more than the rest
together, so it is its own function (:func:`content_problem`): a reader that cleans the text anyway
(the streamed analysis, in its workers) asks it there and reports the answer with
:meth:`RecordChecker.report`, instead of cleaning every text twice; a corpus in memory keeps the
clean articles its check made (:func:`check_articles`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from topics.errors import CorpusError, short
from topics.text.cleaning import CleanArticle, clean_article, looks_like_markup
from topics.text.language import GERMAN_BELOW, looks_german

__all__ = ["RecordChecker", "check_articles", "content_problem"]

_NAMED = 5  # articles of one kind (no letters, not German) named in warnings before one summary line


def content_problem(
    article_id: str, text: str, clean: str, german: bool | None = None
) -> tuple[str | None, str] | None:
    """Why a usable record will model badly, as ``(kind, message)``, or ``None``.

    ``clean`` is ``clean_text(text)``, ``german`` ``looks_german(clean)`` when the caller has it
    already. ``kind`` is ``None`` for a page of boilerplate only (always reported), else the kind
    whose first few articles are named one by one.
    """
    if not clean:
        return None, (f"article {article_id!r} is only page boilerplate (captions, markers, a "
                      "source line); it is kept but has no words to model")
    if not any(c.isalpha() for c in text):
        return "articles without letters", (
            f"article {article_id!r} has no letters (text {short(text, 40)}); it is kept but has "
            "no words to model; is the text column the right one?")
    if not (looks_german(clean) if german is None else german):
        return "articles that are not German", (
            f"article {article_id!r} does not look German (under {GERMAN_BELOW:.0%} German "
            f"function words: {short(clean, 40)}); it is kept, but the analysis and the "
            "classifier are for German text")
    return None


class RecordChecker:
    """Checks article records one at a time, as they are read: ids, texts, labels.

    Parameters
    ----------
    label_set : sequence of str, optional
        The allowed labels; None accepts any.
    content : bool
        Also clean each text and warn about what :func:`content_problem` finds; ``False`` leaves
        that to a caller that cleans the texts itself and calls :meth:`report`.
    """

    def __init__(self, label_set: Sequence[str] | None, content: bool = True) -> None:
        self.label_set = tuple(label_set) if label_set is not None else None
        self.content = content
        self._allowed = set(label_set) if label_set is not None else None
        self._seen: dict[str, str] = {}
        self._warned: dict[str, int] = {}

    def check(self, article: Any, where: str) -> CleanArticle | None:
        """Raise a :class:`CorpusError` naming ``where`` if the record is not usable; warn when
        its text is only page boilerplate, has no letters or is not German (kept either way).
        With ``content``, the clean article made for that look is returned (for a caller to
        keep); ``None`` without."""
        self.check_id(article.id, where)
        return self.check_record(article, where)

    def check_record(self, article: Any, where: str) -> CleanArticle | None:
        """:meth:`check` without the id: text, markup, labels and, with ``content``, the look at
        the clean text."""
        if not isinstance(article.text, str) or not article.text.strip():
            raise CorpusError(f"{where}: the text is empty; remove the article or add its text")
        if looks_like_markup(article.text):
            raise CorpusError(
                f"{where}: article {article.id!r} is an HTML page, not article text; extract "
                "the text first (e.g. with trafilatura), then load it"
            )
        self._check_labels(article, where)
        if not self.content:
            return None
        clean = clean_article(article.text)
        problem = content_problem(article.id, article.text, clean.text)
        if problem is not None:
            self.report(where, *problem)
        return clean

    def check_id(self, article_id: Any, where: str) -> None:
        """Raise a :class:`CorpusError` naming ``where`` if the id is empty or was seen before;
        remember it."""
        if not isinstance(article_id, str) or not article_id.strip():
            raise CorpusError(
                f"{where}: the id is empty; give every article a unique, non-empty id"
            )
        if article_id in self._seen:
            raise CorpusError(
                f"{where}: duplicate id {article_id!r} (first at {self._seen[article_id]}); "
                "ids must be unique"
            )
        self._seen[article_id] = where

    def report(self, where: str, kind: str | None, message: str) -> None:
        """Warn about a problem :func:`content_problem` found in the record at ``where``: the
        first few articles of a kind by name, then once that more follow."""
        if kind is None:
            warnings.warn(f"{where}: {message}", stacklevel=4)
            return
        self._warned[kind] = count = self._warned.get(kind, 0) + 1
        if count <= _NAMED:
            warnings.warn(f"{where}: {message}", stacklevel=4)
        elif count == _NAMED + 1:
            warnings.warn(f"{where}: more {kind} follow; not listed one by one", stacklevel=4)

    def _check_labels(self, article: Any, where: str) -> None:
        for label in article.labels:
            if self._allowed is not None and label not in self._allowed:
                raise CorpusError(
                    f"{where}: unknown label {label!r}; allowed labels are "
                    f"{', '.join(self.label_set or ()) or '(none declared)'}; fix the label or "
                    "the label set"
                )
        if len(set(article.labels)) != len(article.labels):
            raise CorpusError(f"{where}: a label is listed twice in {list(article.labels)}")


def check_articles(
    articles: Sequence[Any], label_set: Sequence[str], origins: Sequence[str],
    content: bool = True,
) -> list[CleanArticle] | None:
    """Check a whole corpus' records (:class:`RecordChecker`), each named by its origin.

    With ``content`` each text is cleaned for the look at it, and the clean articles
    (:func:`~topics.text.cleaning.clean_article`) are returned for the corpus to keep.
    """
    checker = RecordChecker(label_set, content=content)
    cleaned = [checker.check(article, where)
               for article, where in zip(articles, origins, strict=True)]
    return cleaned if content else None
