"""Checks of article records as they are read: what makes a record unusable, and what only warns.

A record is refused (:class:`~topics.errors.CorpusError` naming where it is) when its id is empty
or repeated, its text is empty or an HTML page, or a label is unknown or listed twice. A usable
record whose clean text will model badly is kept with a warning: only page boilerplate, no
letters, or not German. That second look needs the clean text, which costs more than the rest
together, so it is its own function (:func:`content_problem`): a reader that cleans the text anyway
(the streamed analysis, in its workers) asks it there and reports the answer with
:meth:`RecordChecker.report`, instead of cleaning every text twice; a corpus in memory keeps the
clean articles its check made (:func:`check_articles`).

A file read with wrong options usually still parses, into nonsense. :class:`OptionsLook` looks at
what the records of one file hold and warns once, naming the option to check: texts of a word or
two beside labels that look like texts (the text and label columns swapped), and UTF-8 read as a
one-byte encoding ('Ã¤' for 'ä'); :func:`looks_like_article` judges a CSV header's cells.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from topics.errors import CorpusError, a_or_an, short
from topics.labels import label_problem
from topics.text.cleaning import CleanArticle, clean_article, looks_like_markup
from topics.text.language import GERMAN_BELOW, looks_german

__all__ = ["LOOK_AT", "OptionsLook", "RecordChecker", "check_articles", "content_problem",
           "looks_like_article"]

_NAMED = 5  # articles of one kind (no letters, not German) named in warnings before one summary line
LOOK_AT = 200  # records a streamed read judges its options on (load_corpus: the whole file)
_MANY_LABELS = 20  # more distinct labels than this, and than half the records: one per article


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
        if not isinstance(article.text, str):  # None was "the text is empty"
            raise CorpusError(f"{where}: the text is {_described(article.text)}, not a string; "
                              "give the article's text as a str")
        if not article.text.strip():
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
        if not isinstance(article_id, str):  # an int was "the id is empty"
            raise CorpusError(f"{where}: the id is {_described(article_id)}, not a string; give "
                              "every article a unique string id (e.g. str(17))")
        if not article_id.strip():
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
            if not isinstance(label, str):
                raise CorpusError(f"{where}: the label {_described(label)} is not a string; give "
                                  "labels as strings")
        problem = label_problem(dict.fromkeys(article.labels, 1))
        if problem is not None and problem.kind == "empty":  # '' entered label_set as a label
            raise CorpusError(f"{where}: article {article.id!r} has {problem.describe()}; an "
                              "article about none of the labels has no label (an empty list [] or "
                              "an empty cell)")
        for label in article.labels:
            if self._allowed is not None and label not in self._allowed:
                raise CorpusError(
                    f"{where}: unknown label {label!r}; allowed labels are "
                    f"{', '.join(self.label_set or ()) or '(none declared)'}; fix the label or "
                    "the label set"
                )
        if len(set(article.labels)) != len(article.labels):
            raise CorpusError(f"{where}: a label is listed twice in {list(article.labels)}")


def _described(value: Any) -> str:
    """``None``, or the value with its type: ``5 (an int)``."""
    if value is None:
        return "None"
    return f"{short(value, 40)} ({a_or_an(type(value).__name__)})"


def check_articles(
    articles: Sequence[Any], label_set: Sequence[str] | None, origins: Sequence[str],
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


def looks_like_article(cell: str) -> bool:
    """Whether a CSV cell is long like an article's text, not like a column name or a label."""
    return len(cell) > 100 or len(cell.split(maxsplit=16)) > 15


class OptionsLook:
    """Warns, once per file, when its records say it was read with the wrong options.

    Parameters
    ----------
    path : str or Path
        The file (or folder) read, for the message.
    labels_column : bool
        A CSV file read with a label column: the texts and labels are compared.
    encoding : str or None
        The encoding the file was read with; UTF-8 read as a one-byte encoding is looked for
        unless it is a UTF (or ``None``: no encoding, e.g. Parquet).
    limit : int or None
        Judge after this many records (a streamed read); ``None``: when the file ends.
    """

    def __init__(self, path: Any, *, labels_column: bool, encoding: str | None,
                 limit: int | None = LOOK_AT) -> None:
        self.path, self.labels_column, self.limit = path, labels_column, limit
        unicode = encoding is None or encoding.lower().replace("_", "-").startswith("utf")
        self.encoding = None if unicode else encoding
        self.records = self.short = self.long_labels = self.non_ascii = self.mojibake = 0
        self.labels: set[str] = set()
        self.example = ""
        self.done = False

    def see(self, article: Any) -> None:
        """Count what one record holds; judge once ``limit`` records are seen."""
        if self.done:
            return
        self.records += 1
        if self.labels_column:
            self.short += len(article.text.split(maxsplit=2)) < 3  # a word or two
            self.long_labels += any(looks_like_article(label) for label in article.labels)
            self.labels.update(article.labels)
        if self.encoding is not None and not article.text.isascii():
            self.non_ascii += 1
            self._look_for_mojibake(article.text)
        if self.limit is not None and self.records >= self.limit:
            self.judge()

    def _look_for_mojibake(self, text: str) -> None:
        # UTF-8 bytes read as a one-byte encoding give them back, and those decode as UTF-8; a
        # real Latin-1 text almost never does ('ä' then a plain letter is not UTF-8)
        try:
            fixed = text.encode(self.encoding).decode("utf-8")  # type: ignore[arg-type]
        except UnicodeError:
            return
        self.mojibake += 1
        if not self.example:
            char = next((c for c in fixed if c in "äöüßÄÖÜ"), None) or next(
                c for c in fixed if not c.isascii())
            self.example = f"{char.encode('utf-8').decode(self.encoding)!r} for {char!r}"

    def judge(self) -> None:
        """Warn about what the records seen so far say (at most once)."""
        if self.done:
            return
        self.done = True
        n, seen = self.records, ("" if self.limit is None or self.records < self.limit
                                 else f" (the first {self.records} records)")
        many = len(self.labels) > n / 2 and len(self.labels) > _MANY_LABELS
        if n and self.short > n / 2 and (self.long_labels > n / 2 or many):
            why = ("most labels are long like texts" if self.long_labels > n / 2
                   else f"{len(self.labels)} distinct labels for {n} articles")
            warnings.warn(
                f"{self.path}: {self.short} of {n} texts{seen} are a word or two and labels look "
                f"like texts ({why}): check text_column / label_column (--text-column, "
                "--label-column)", stacklevel=3)
        if self.mojibake and self.mojibake >= self.non_ascii / 2:
            warnings.warn(
                f"{self.path}: {self.mojibake} of {n} texts{seen} look like UTF-8 read as "
                f"{self.encoding} ({self.example}): pass encoding='utf-8' (--encoding utf-8)",
                stacklevel=3)
