"""A corpus that the Dask workers read themselves: JSON Lines by ranges of lines, CSV by ranges of
records, folders by files; and a Parquet file's decoded rows whose articles they make.

On Dask the client otherwise reads, parses and checks every record and sends its text to a
worker; one client then keeps about seven workers busy (``benchmarks/bench_scale.py``, 8,000
articles on 2 workers: 0.70 CPU-s of client against 5.2 of workers; 0.34 when the workers read a
JSON Lines file, about sixteen workers per client; 0.66 -> 0.46 for a folder of ``.txt`` files,
0.71 -> 0.44 for a CSV file, 0.60 -> 0.41 for a Parquet file).
Here the client only cuts the corpus into parts and checks that the ids are
unique: a JSON Lines file into ranges of lines (a scan for line breaks, no parsing:
:func:`line_ranges`), a CSV file into ranges of records (:mod:`topics.corpus.csv_ranges`: its
records may span lines, so the client runs :mod:`csv`'s reader over it, but makes no articles), a
folder into groups of ``.txt`` files (their labels from the labels file, which the client reads)
followed by the ranges of its ``.jsonl`` files, small files' ranges grouped up to the part's size
(a folder of a file a day was a task per file: 2,000 files of 4 articles on 2 workers took 12.4 s
and 7.9 CPU-s of the client's, 1.6 s and 0.32 now, as one file takes; ``bench_scale.py``
on the shipped corpus's copies). Each task reads its part, parses and checks its records as
:func:`topics.iter_articles` does, and analyses them (:func:`analyse_part`). The output, the
warnings and the first error are those of the client's own reading. The workers must see the
files at the same path: the workers of a LocalCluster do; those of a cluster need shared storage.
A Parquet file cannot be cut by rows without decoding it, and pyarrow's row groups are often a
million rows: the client decodes it batch by batch (0.03 CPU-s for 8,000 articles, against 1.0 s
to make and check their articles) and hands each task a record batch (:class:`ParquetRows`), so
the workers need not see it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from topics.corpus.checks import RecordChecker
from topics.corpus.chunk_analysis import EncodedChunk, TokenRecord, checked_chunk, chunk_of
from topics.corpus.compression import article_file_bytes
from topics.corpus.csv_ranges import CsvRange, csv_range_records, csv_ranges
from topics.corpus.folders import FolderListing, list_folder, txt_article
from topics.corpus.formats import (
    CsvOptions,
    Located,
    decode_error,
    decode_text,
    jsonl_record,
    parquet_batches,
    parquet_records,
)
from topics.corpus.readers import no_articles
from topics.corpus.records import Unit
from topics.errors import CorpusError

__all__ = [
    "CsvRange", "LineRange", "LineRanges", "ParquetRows", "PartResult", "TextFiles",
    "analyse_part", "corpus_parts", "line_break_is_byte", "line_ranges", "parquet_rows",
    "UnreadFile", "gone_message", "read_on_workers", "read_part", "unread_message",
]

_BLOCK = 1 << 22  # bytes scanned for line breaks at a time


@dataclass(frozen=True)
class LineRange:
    """Lines ``first_line``, ``first_line + 1``, ... of the JSON Lines file ``path`` (absolute,
    as the workers open it; ``name`` as the user gave it, for messages): its bytes ``start`` to
    ``end``, ``lines`` lines (0: not counted)."""

    start: int
    end: int
    first_line: int
    path: str = ""
    name: str = ""
    lines: int = 0


@dataclass(frozen=True)
class LineRanges:
    """Line ranges of several JSON Lines files (each small) that one task reads, in order."""

    ranges: tuple[LineRange, ...]


@dataclass(frozen=True)
class TextFiles:
    """``.txt`` articles of a folder with their labels and places; ``error`` (the labels file
    gives no entry for the next file) is raised after them."""

    paths: tuple[str, ...]  # absolute, as the workers open them
    names: tuple[str, ...]  # as the user gave them
    labels: tuple[tuple[str, ...], ...]
    places: tuple[str, ...]
    error: str | None = None


@dataclass(frozen=True)
class ParquetRows:
    """Rows of a Parquet file that the client decoded as a record batch (pyarrow's decoding is
    fast; making and checking the articles is what costs) for a worker to make the articles of:
    rows ``before + 1``, ...; ``name`` as the user gave the file; ``error`` raised after them.
    The workers need not see the file."""

    batch: Any  # a pyarrow.RecordBatch, or None
    before: int
    name: str
    error: str | None = None


Part = LineRange | LineRanges | TextFiles | CsvRange | ParquetRows


def line_ranges(path: Path, lines: int, block: int = _BLOCK, name: str = "",
                max_bytes: int | None = None) -> Iterator[LineRange]:
    """Cut a file into ranges of ``lines`` lines (the last may hold fewer), lazily; with
    ``max_bytes``, a range also ends at its first line break at or past ``max_bytes`` bytes.
    Each range says how many lines it holds (a last line without a line break counts).

    A line ends after ``\\n``, as when the file is read line by line (:mod:`topics.corpus.formats`);
    only the line breaks are looked at, ``block`` bytes at a time.
    """
    start = offset = last_end = 0
    pending = 0  # lines of the current range in earlier blocks
    first = 1
    where = {"path": str(path.resolve()), "name": name or str(path)}
    with path.open("rb") as file:
        while data := file.read(block):
            ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + (offset + 1)
            i = 0  # the first line end of the current range in this block
            while i < len(ends):
                cut = i + lines - pending - 1
                if max_bytes is not None:
                    cut = min(cut, max(i, int(np.searchsorted(ends, start + max_bytes))))
                if cut >= len(ends):
                    break
                count = pending + cut - i + 1
                yield LineRange(start, int(ends[cut]), first, **where, lines=count)
                first += count
                start, pending, i = int(ends[cut]), 0, cut + 1
            pending += len(ends) - i
            offset += len(data)
            if len(ends):
                last_end = int(ends[-1])
    if offset > start:
        unended = int(offset > max(start, last_end))  # a last line without a line break
        yield LineRange(start, offset, first, **where, lines=pending + unended)


def line_break_is_byte(encoding: str) -> bool:
    """Whether text in ``encoding`` can be cut at the byte ``\\n`` (not UTF-16/32; ``False`` for
    an encoding Python does not know, whose reading says what is wrong)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return not name.startswith(("utf-16", "utf-32"))


def corpus_parts(source: str | Path, kind: str, encoding: str, size: int,
                 labels_file: str | Path | None = None,
                 csv_options: CsvOptions | None = None) -> Iterator[Part]:
    """The parts of a JSON Lines file (``kind="jsonl"``), a CSV file (``"csv"``, read with
    ``csv_options``), a Parquet file (``"parquet"``) or a folder, ``size`` articles (lines,
    records, rows or files) each, in the order the client's own reading takes them; a folder's
    ``.txt`` files and its ``.jsonl`` files are never in one part, and its small ``.jsonl`` files
    share parts (:class:`LineRanges`)."""
    path = Path(source)
    if kind == "jsonl":
        yield from line_ranges(path, size)
        return
    if kind == "csv":
        yield from csv_ranges(path, csv_options or CsvOptions(), encoding, size)
        return
    if kind == "parquet":
        yield from parquet_rows(path, size)
        return
    listing = list_folder(path, labels_file, encoding)
    listing.check_labelled_files()
    root = path.resolve()  # once: a path's own resolve() is a system call per part of it
    files = iter(listing.txt_files)
    while group := list(islice(files, size)):
        yield _text_files(group, listing, root)
    yield from _grouped((r for jsonl in listing.jsonl_files for r in line_ranges(jsonl, size)),
                        size)


def _grouped(ranges: Iterator[LineRange], size: int) -> Iterator[LineRange | LineRanges]:
    """Consecutive ranges in parts of at most ``size`` lines (a range of ``size`` lines alone)."""
    group: list[LineRange] = []
    lines = 0
    for line_range in ranges:
        if group and lines + line_range.lines > size:
            yield group[0] if len(group) == 1 else LineRanges(tuple(group))
            group, lines = [], 0
        group.append(line_range)
        lines += line_range.lines
    if group:
        yield group[0] if len(group) == 1 else LineRanges(tuple(group))


def parquet_rows(path: Path, rows: int, max_bytes: int | None = None) -> Iterator[ParquetRows]:
    """A Parquet file's rows, ``rows`` at a time (with ``max_bytes``, fewer where the texts of
    more would pass that size; at least one); a file pyarrow cannot read gives a last part with
    its error, after the rows before it."""
    before = 0
    try:
        for before, batch in parquet_batches(path, rows):
            for start, stop in _text_slices(batch, max_bytes):
                yield ParquetRows(batch.slice(start, stop - start), before + start, str(path))
            before += batch.num_rows
    except CorpusError as exc:
        yield ParquetRows(None, before, str(path), str(exc))


def _text_slices(batch: Any, max_bytes: int | None) -> Iterator[tuple[int, int]]:
    """Consecutive row slices of a batch whose ``text`` values hold at most ``max_bytes``."""
    names = batch.schema.names
    if max_bytes is None or "text" not in names or batch.num_rows == 0:
        yield 0, batch.num_rows
        return
    import pyarrow.compute as pc

    try:
        sizes = pc.binary_length(batch.column(names.index("text"))).to_pylist()
    except Exception:  # not text: the worker's record check says what is wrong
        yield 0, batch.num_rows
        return
    start, held = 0, 0
    for row, size in enumerate(sizes):
        if row > start and held + (size or 0) > max_bytes:
            yield start, row
            start, held = row, 0
        held += size or 0
    yield start, batch.num_rows


def _text_files(group: list[Path], listing: FolderListing, root: Path) -> TextFiles:
    labels: list[tuple[str, ...]] = []
    error = None
    for txt in group:
        try:
            labels.append(listing.labels_of(txt))
        except CorpusError as exc:  # raised after the files before it, as when read in order
            error = str(exc)
            break
    kept = group[:len(labels)]
    return TextFiles(tuple(str(root / txt.name) for txt in kept), tuple(str(txt) for txt in kept),
                     tuple(labels), tuple(listing.where(txt) for txt in kept), error)


class PartResult(NamedTuple):
    """What a task found in its part: the records (JSON Lines with ``encode``), the ids read and
    their places (up to the first bad record), what :func:`content_problem` found ``(index, kind,
    message)``, the first bad record's message (the part stops there), and the file it could not
    open, if that was it (path, name, reason: the client says why, :func:`unread_message`)."""

    records: list[TokenRecord] | EncodedChunk
    ids: list[str]
    places: list[str]
    problems: list[tuple[int, str | None, str]]
    error: str | None
    unread: tuple[str, str, str] | None = None


def analyse_part(
    part: Part,
    *,
    encoding: str,
    label_set: Sequence[str] | None,
    unit: Unit,
    analysis: Mapping[str, Any],
    drop_paragraphs: Sequence[str],
    encode: bool,
    label_separator: str | None = None,
) -> PartResult:
    """One task: read, check and analyse the articles of ``part`` (string labels split on
    ``label_separator``, as the client's reading splits them)."""
    checker = RecordChecker(label_set, content=False)  # duplicates within the part; the client
    articles, ids, places = [], [], []               # checks them across parts
    try:
        for article, where in read_part(part, encoding, label_separator):
            checker.check(article, where)
            articles.append(article)
            ids.append(article.id)
            places.append(where)
    except CorpusError as exc:
        unread = (exc.path, exc.name, exc.reason) if isinstance(exc, UnreadFile) else None
        return PartResult([], ids, places, [], str(exc), unread)
    records, problems = checked_chunk(chunk_of(articles), unit=unit, analysis=analysis,
                                      drop_paragraphs=drop_paragraphs, content=True, encode=encode)
    return PartResult(records, ids, places, problems, None)


def read_part(part: Part, encoding: str, label_separator: str | None = None) -> Iterator[Located]:
    """The records of a part, each with its place, as the client's reading gives them (a CSV
    range splits labels with its own options, JSON Lines and Parquet with ``label_separator``); a line
    that is not in ``encoding`` or not JSON (a row that is not CSV), or a file the worker cannot
    read, raises the client's :class:`CorpusError`."""
    if isinstance(part, CsvRange):
        yield from csv_range_records(part, _read_bytes(part.path, part.name, part.start,
                                                       part.end - part.start), encoding)
        return
    if isinstance(part, ParquetRows):
        if part.batch is not None:
            yield from parquet_records(Path(part.name), part.batch, part.before,
                                       label_separator)
        if part.error is not None:
            raise CorpusError(part.error)
        return
    if isinstance(part, LineRanges):
        for line_range in part.ranges:
            yield from read_part(line_range, encoding, label_separator)
        return
    if isinstance(part, LineRange):
        data = _read_bytes(part.path, part.name, part.start, part.end - part.start)
        for number, raw in enumerate(data.split(b"\n"), start=part.first_line):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise decode_error(part.name, number, encoding, exc) from None
            located = jsonl_record(line, number, part.name, label_separator)
            if located is not None:
                yield located
        return
    for path, name, labels, where in zip(part.paths, part.names, part.labels, part.places,
                                         strict=True):
        text = decode_text(article_file_bytes(_read_bytes(path, name), name), name, encoding)
        yield txt_article(Path(name), labels, text), where
    if part.error is not None:
        raise CorpusError(part.error)


def _read_bytes(path: str, name: str, start: int = 0, size: int = -1) -> bytes:
    """``size`` bytes (all: -1) from ``start`` of the file at ``path`` (``name``: the path the
    user gave), or an :class:`UnreadFile`."""
    try:
        with open(path, "rb") as file:
            file.seek(start)
            return file.read(size)
    except OSError as exc:
        raise UnreadFile(path, name, exc.strerror or str(exc)) from None


class UnreadFile(CorpusError):
    """A file a Dask worker could not open. Its message blames shared storage; the client,
    which alone can tell a file the workers do not see from one that is gone, says which it is
    (:func:`unread_message`)."""

    def __init__(self, path: str, name: str, reason: str) -> None:
        super().__init__(_not_shared(path, name, reason))
        self.path, self.name, self.reason = path, name, reason

    def __reduce__(self) -> tuple[type, tuple[str, str, str]]:
        return type(self), (self.path, self.name, self.reason)


def unread_message(path: str, name: str, reason: str) -> str:
    """On the client: why a Dask worker could not open the file at ``path`` (``name``: as the
    user gave it). A file this machine does not see either was deleted or moved; one it sees is
    one the workers cannot see."""
    return gone_message(path, name) or _not_shared(path, name, reason)


def gone_message(path: str, name: str) -> str | None:
    """On the client: that the file at ``path`` (``name``: as the user gave it) is missing, if
    it is; None if this machine sees it."""
    if Path(path).exists():
        return None
    return (f"{name}: missing, no file at {path} any more (deleted or moved while it was read); "
            "put it back, or leave it out of the input, and run again")


def _not_shared(path: str, name: str, reason: str) -> str:
    return (f"{name}: a Dask worker cannot read {path} ({reason}); the workers must see the "
            "corpus at the same path (shared storage), or pass workers_read=False")


def read_on_workers(
    source: str | Path,
    parts: Iterator[Part],
    label_set: Sequence[str] | None,
    encoding: str,
    map_parts: Any,
    label_separator: str | None = None,
) -> Iterator[list[TokenRecord] | EncodedChunk]:
    """The records of a corpus (:func:`corpus_parts`) in its order, each part read by a task.

    ``map_parts(task, parts, **options)`` runs the tasks (:func:`topics.distributed.map_chunks`
    with the scheduler bound) and gives their results in order. Every id is checked here, in the
    corpus' order, so the first bad record raises the error the client's own reading gives.
    """
    checker = RecordChecker(label_set, content=False)
    found = 0
    results = map_parts(analyse_part, parts, encoding=encoding, label_set=label_set,
                        label_separator=label_separator)
    try:
        for result in results:
            for article_id, where in zip(result.ids, result.places, strict=True):
                checker.check_id(article_id, where)
            if result.unread is not None:
                raise CorpusError(unread_message(*result.unread))
            if result.error is not None:
                raise CorpusError(result.error)
            for index, kind, message in result.problems:
                checker.report(result.places[index], kind, message)
            found += len(result.ids)
            yield result.records
    finally:  # the tasks still in flight are cancelled now, while their client is open
        results.close()
    if not found:
        raise no_articles(source)
