"""A JSON Lines corpus that the Dask workers read themselves, one range of lines per task.

On Dask the client otherwise reads, parses and checks every record and sends its text to a
worker; one client then keeps about seven workers busy (``benchmarks/bench_scale.py``: 0.96 CPU-s
of client against 6.9 of workers for 8,000 articles; 0.54 when the workers read, about thirteen
workers per client). Here the client only cuts the file into ranges of lines (a scan for line
breaks, no parsing: :func:`line_ranges`) and checks that the ids are unique; each task reads its
range from the same path, parses and checks its records as :func:`topics.iter_articles` does,
and analyses them (:func:`analyse_range`). The output, the warnings and the first error are those
of the client's own reading. The workers must see the file at the same path: the workers of a
LocalCluster do; those of a cluster need shared storage.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from topics.corpus.checks import RecordChecker
from topics.corpus.chunk_analysis import EncodedChunk, TokenRecord, checked_chunk, chunk_of
from topics.corpus.formats import decode_error, jsonl_record
from topics.corpus.readers import no_articles
from topics.corpus.records import Unit
from topics.errors import CorpusError

__all__ = ["LineRange", "RangeResult", "analyse_range", "line_ranges", "read_on_workers"]

_BLOCK = 1 << 22  # bytes scanned for line breaks at a time


@dataclass(frozen=True)
class LineRange:
    """Lines ``first_line``, ``first_line + 1``, ... of a file: its bytes ``start`` to ``end``."""

    start: int
    end: int
    first_line: int


def line_ranges(path: Path, lines: int, block: int = _BLOCK) -> Iterator[LineRange]:
    """Cut a file into ranges of ``lines`` lines (the last may hold fewer), lazily.

    A line ends after ``\\n``, as when the file is read line by line (:mod:`topics.corpus.formats`);
    only the line breaks are looked at, ``block`` bytes at a time.
    """
    start = offset = pending = 0
    first = 1
    with path.open("rb") as file:
        while data := file.read(block):
            ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + (offset + 1)
            for end in ends[lines - pending - 1::lines].tolist():
                yield LineRange(start, end, first)
                start, first = end, first + lines
            pending = (pending + len(ends)) % lines
            offset += len(data)
    if offset > start:
        yield LineRange(start, offset, first)


class RangeResult(NamedTuple):
    """What a task found in its range: the records (JSON Lines with ``encode``), the ids read
    and their line numbers (up to the first bad record), what :func:`content_problem` found
    ``(index, kind, message)``, and the first bad record's message (the range stops there)."""

    records: list[TokenRecord] | EncodedChunk
    ids: list[str]
    lines: list[int]
    problems: list[tuple[int, str | None, str]]
    error: str | None


def analyse_range(
    part: LineRange,
    *,
    path: str,
    name: str,
    encoding: str,
    label_set: Sequence[str] | None,
    unit: Unit,
    analysis: Mapping[str, Any],
    drop_paragraphs: Sequence[str],
    encode: bool,
) -> RangeResult:
    """One task: read, check and analyse the lines of ``part`` of the file at ``path`` (messages
    name the file ``name``, as the user gave it)."""
    try:
        with open(path, "rb") as file:
            file.seek(part.start)
            data = file.read(part.end - part.start)
    except OSError as exc:
        return RangeResult([], [], [], [], (
            f"{name}: a Dask worker cannot read {path} ({exc.strerror or exc}); the workers must "
            "see the corpus at the same path (shared storage), or pass workers_read=False"))
    checker = RecordChecker(label_set, content=False)  # duplicates within the range; the client
    articles, ids, lines = [], [], []                 # checks them across ranges
    error = None
    for number, raw in enumerate(data.split(b"\n"), start=part.first_line):
        try:
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise decode_error(name, number, encoding, exc) from None
            located = jsonl_record(line, number, name)
            if located is None:
                continue
            checker.check(*located)
        except CorpusError as exc:
            error = str(exc)
            break
        articles.append(located[0])
        ids.append(located[0].id)
        lines.append(number)
    if error is not None:
        return RangeResult([], ids, lines, [], error)
    records, problems = checked_chunk(chunk_of(articles), unit=unit, analysis=analysis,
                                      drop_paragraphs=drop_paragraphs, content=True, encode=encode)
    return RangeResult(records, ids, lines, problems, None)


def read_on_workers(
    source: str | Path,
    label_set: Sequence[str] | None,
    encoding: str,
    lines: int,
    map_ranges: Any,
) -> Iterator[list[TokenRecord] | EncodedChunk]:
    """The records of a JSON Lines file in file order, each range read by a task.

    ``map_ranges(task, ranges, **options)`` runs the tasks (:func:`topics.distributed.map_chunks`
    with the scheduler bound) and gives their results in order. Every id is checked here, in file
    order, so the first bad record raises the error the client's own reading gives.
    """
    path = Path(source)
    checker = RecordChecker(label_set, content=False)
    found = 0
    results = map_ranges(analyse_range, line_ranges(path, lines), path=str(path.resolve()),
                         name=str(source), encoding=encoding, label_set=label_set)
    try:
        for result in results:
            for article_id, number in zip(result.ids, result.lines, strict=True):
                checker.check_id(article_id, f"{source}: line {number}")
            if result.error is not None:
                raise CorpusError(result.error)
            for index, kind, message in result.problems:
                checker.report(f"{source}: line {result.lines[index]}", kind, message)
            found += len(result.ids)
            yield result.records
    finally:  # the tasks still in flight are cancelled now, while their client is open
        results.close()
    if not found:
        raise no_articles(source)
