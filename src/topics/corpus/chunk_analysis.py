"""The work of one chunk of articles: clean, look at the clean text, analyse, encode.

A chunk is a list of ``(id, raw text, labels)``. :func:`analyse_chunk` turns it into the token
records of its units (the clean article, or its paragraphs, as :meth:`topics.Corpus.units`
gives them); the streamed analysis (:mod:`topics.corpus.stream`) runs these functions here or as
Dask tasks (module level, so workers import them by name), and so does a worker that reads its
own part of a corpus (:mod:`topics.corpus.worker_reading`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from topics.corpus.boilerplate import paragraph_key, strip_repeated
from topics.corpus.checks import content_problem
from topics.corpus.records import Article, Unit
from topics.errors import InputError, a_or_an
from topics.text.cleaning import clean_article, join_headings
from topics.text.german import GermanAnalyzer

__all__ = [
    "BOILERPLATE_ONLY", "Chunk", "EncodedChunk", "TokenRecord", "analyse_chunk", "article_of",
    "articles_of", "check_source", "checked_chunk", "chunk_of", "encode_jsonl",
]

#: The kind of problem of an article that held only the paragraphs taken out (named a few times,
#: then counted, as :class:`topics.corpus.checks.RecordChecker` reports kinds).
BOILERPLATE_ONLY = "articles of site boilerplate only"


class TokenRecord(NamedTuple):
    """The tokens of one unit: an article, or one of its paragraphs."""

    id: str
    article_id: str
    labels: tuple[str, ...]
    tokens: list[str]


Chunk = list[tuple[str, str, tuple[str, ...]]]  # (id, raw text, labels) per article


def check_source(source: Any, what: str) -> None:
    """Refuse a source that is neither a path nor a collection of articles or texts (None, a
    number, bytes, a dict, whose iteration gives its keys), before any work.

    Raises
    ------
    InputError
        Naming ``what`` reads it and what it takes.
    """
    if isinstance(source, (str, Path)):
        return
    if isinstance(source, (bytes, bytearray, Mapping)) or not isinstance(source, Iterable):
        given = "None" if source is None else a_or_an(type(source).__name__)
        raise InputError(f"{what}: source is {given}; give a corpus file or "
                         "folder (a path), a topics.Corpus, or a list of articles (topics.Article) "
                         "or of texts (str)")


def article_of(index: int, item: Any) -> Article:
    """Item ``index`` of an in-memory source as an article: an Article (or an object with its
    ``id``, ``text`` and ``labels``) as it is, a plain text as article ``text<index>`` without
    labels, as :func:`topics.fit_topic_model` takes texts (was an AttributeError on ``.id``)."""
    if isinstance(item, str):
        return Article(f"text{index}", item)
    if all(hasattr(item, name) for name in ("id", "text", "labels")):
        return item
    raise InputError(f"item {index} of the source is {a_or_an(type(item).__name__)}; give articles "
                     "(topics.Article) or texts (str), or a corpus file or folder")


def articles_of(items: Iterable[Any]) -> Iterator[Article]:
    """The articles of an in-memory source, lazily (:func:`article_of`); all texts or all
    articles (a generated id ``text<i>`` could repeat an article's own)."""
    first: bool | None = None
    for index, item in enumerate(items):
        article = article_of(index, item)
        if first is None:
            first = isinstance(item, str)
        elif first != isinstance(item, str):
            raise InputError(f"the source mixes texts (str) and articles (item {index} is "
                             f"{a_or_an(type(item).__name__)}); give all texts or all articles")
        yield article


def chunk_of(articles: Sequence[Any]) -> Chunk:
    """The chunk of :class:`~topics.corpus.records.Article` objects."""
    return [(article.id, article.text, tuple(article.labels)) for article in articles]


def analyse_chunk(
    chunk: Chunk,
    *,
    unit: Unit = "article",
    analysis: Mapping[str, Any] | None = None,
    drop_paragraphs: Sequence[str] = (),
) -> list[TokenRecord]:
    """Clean and analyse one chunk of articles: the token records of its units, in order.

    Parameters
    ----------
    chunk : list of (id, text, labels)
        Raw articles.
    unit : {"article", "paragraph"}
        One record per article, or per paragraph (as :meth:`topics.Corpus.units`).
    analysis : mapping, optional
        :class:`~topics.text.german.GermanAnalyzer` settings.
    drop_paragraphs : sequence of str
        Paragraphs to take out wherever they occur (case and spacing aside): a site's
        boilerplate, as :meth:`topics.Corpus.repeated_paragraphs` finds it (on a sample of a
        stream). An article left with nothing gives no record.
    """
    cleaned = [clean_article(raw) for _, raw, _ in chunk]
    return _records_of(chunk, cleaned, unit, analysis, drop_paragraphs)[0]


class EncodedChunk(NamedTuple):
    """A chunk's token records as JSON Lines (UTF-8 bytes), and what the summary counts."""

    data: bytes
    units: int
    articles: int
    tokens: int

    @classmethod
    def of(cls, records: Sequence[TokenRecord], data: bytes = b"") -> EncodedChunk:
        """``data`` with the counts of ``records``."""
        return cls(data, len(records), len({r.article_id for r in records}),
                   sum(len(r.tokens) for r in records))


def encode_jsonl(records: Sequence[TokenRecord]) -> EncodedChunk:
    """The records as :func:`analyse_corpus` writes them to JSON Lines, one object per line."""
    lines = [
        json.dumps({"id": r.id, "article_id": r.article_id, "labels": list(r.labels),
                    "tokens": r.tokens}, ensure_ascii=False)
        for r in records
    ]
    return EncodedChunk.of(records, ("\n".join(lines) + "\n").encode("utf-8") if lines else b"")


def checked_chunk(
    chunk: Chunk,
    *,
    unit: Unit,
    analysis: Mapping[str, Any],
    drop_paragraphs: Sequence[str],
    content: bool,
    encode: bool = False,
) -> tuple[list[TokenRecord] | EncodedChunk, list[tuple[int, str | None, str]]]:
    """:func:`analyse_chunk`, and with ``content`` what :func:`~topics.corpus.checks.content_problem`
    finds in each article (its index in the chunk first): the reader leaves that look to the task,
    which cleans the texts anyway (no text is cleaned twice, nor in a Dask client). With ``encode``
    the records come as JSON Lines (:func:`encode_jsonl`): a Dask client only writes bytes. An
    article that held only ``drop_paragraphs`` is always among the problems: it gives no record."""
    cleaned = [clean_article(raw) for _, raw, _ in chunk]
    problems = []
    for index, ((article_id, raw, _), clean) in enumerate(zip(chunk, cleaned, strict=True)):
        problem = content_problem(article_id, raw, clean.text) if content else None
        if problem is not None:
            problems.append((index, *problem))
    records, emptied = _records_of(chunk, cleaned, unit, analysis, drop_paragraphs)
    for index in emptied:
        problems.append((index, BOILERPLATE_ONLY, (
            f"article {chunk[index][0]!r} held only repeated paragraphs (site boilerplate, "
            "drop_paragraphs) and gives no record")))
    return (encode_jsonl(records) if encode else records), sorted(problems, key=lambda p: p[0])


def _records_of(
    chunk: Chunk,
    cleaned: Sequence[Any],
    unit: Unit,
    analysis: Mapping[str, Any] | None,
    drop_paragraphs: Sequence[str],
) -> tuple[list[TokenRecord], list[int]]:
    """The chunk's token records, and the indices of the articles that held only
    ``drop_paragraphs`` (they give none)."""
    analyzer = GermanAnalyzer(**(analysis or {}))
    emptied = []
    units: list[tuple[str, str, tuple[str, ...]]] = []  # (unit id, article id, labels)
    texts: list[str] = []
    dropped = {paragraph_key(p) for p in drop_paragraphs}
    for index, ((article_id, _, labels), clean) in enumerate(zip(chunk, cleaned, strict=True)):
        paragraphs = strip_repeated(clean.paragraphs, dropped) if dropped else clean.paragraphs
        if not paragraphs and clean.paragraphs:
            emptied.append(index)
            continue
        if unit == "article":
            units.append((article_id, article_id, labels))
            lost = list(paragraphs) != list(clean.paragraphs)
            texts.append("\n\n".join(paragraphs) if lost else clean.text)
        else:
            for index, text in enumerate(join_headings(paragraphs)):
                units.append((f"{article_id}#p{index}", article_id, labels))
                texts.append(text)
    records = [
        TokenRecord(uid, aid, labels, tokens)
        for (uid, aid, labels), tokens in zip(units, analyzer.stream(texts), strict=True)
    ]
    return records, emptied
