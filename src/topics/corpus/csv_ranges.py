"""A CSV corpus cut into ranges of records that the Dask workers read themselves.

A record may span lines (a quoted text with line breaks), so a CSV file cannot be cut at any line
break as a JSON Lines file is. The client runs :mod:`csv`'s reader over the file (a fast pass:
0.07 CPU-s for 8,000 synthetic 10kGNAD articles, against 1.1 s for :func:`topics.iter_articles`
to read them) and notes where each
run of ``records`` records ends, in bytes and lines; it also makes the checks whose failure stops
the file (the header, a row :mod:`csv` cannot read, a row wider than the header, a line not in
the encoding, a quote left open that swallowed the records after it), so a range that ends at
such a row carries its message, raised after the range's records, as the client's own reading
raises it there. A worker reads its bytes and makes the
articles (:func:`csv_range_records`) with the places and numbers the client's reading gives them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from topics.corpus.csv_end import RecordLines, complete_rows
from topics.corpus.csv_quotes import QuoteCheck
from topics.corpus.formats import (
    CsvOptions,
    Located,
    article_from_row,
    check_width,
    csv_error,
    csv_header,
    csv_reader,
    decode_error,
    is_blank,
    open_binary,
)
from topics.errors import CorpusError

__all__ = ["CsvRange", "csv_range_records", "csv_ranges"]


@dataclass(frozen=True)
class CsvRange:
    """Records ``first_record``, ... of the CSV file ``path`` (absolute, as the workers open it;
    ``name`` as the user gave it): its bytes ``start`` to ``end``, from line ``first_line``;
    ``columns`` the header's (role, index) pairs; ``error`` is raised after the records."""

    start: int
    end: int
    first_line: int
    first_record: int
    columns: tuple[tuple[str, int], ...]
    options: CsvOptions
    path: str
    name: str
    error: str | None = None


def csv_ranges(path: Path, options: CsvOptions, encoding: str, records: int,
               max_bytes: int | None = None, name: str = "") -> Iterator[CsvRange]:
    """Cut a CSV file into ranges of ``records`` records (with ``max_bytes``, a range also ends
    at its first record end at or past that many bytes), lazily; the last range carries the
    error that stops the file, if any (a range without records when the header is wrong)."""
    name, options = name or str(path), options.for_file(path)
    user_path, resolved = Path(name), str(path.resolve())  # resolved once: a system call per part
    ends = [0]  # bytes of the lines the reader has taken

    def lines() -> Iterator[str]:
        with open_binary(path) as file:
            for number, raw in enumerate(file, start=1):
                try:
                    text = raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    raise decode_error(name, number, encoding, exc) from None
                ends[0] += len(raw)
                yield text

    columns: dict[str, int] = {}

    def cut(error: str | None = None) -> CsvRange:
        return CsvRange(start, done, first_line, first_record, tuple(columns.items()), options,
                        resolved, name, error)

    start = done = count = 0  # done: the end of the last record read
    ended = 0  # the line the last record read ends on (the header's, then a record's)
    first_line = first_record = 1
    emitted = False
    try:
        options.check()
        taken = RecordLines(lines())  # the lines of each record, for its quotes
        reader = csv_reader(taken, options)
        quotes = QuoteCheck(name, reader.dialect)  # judged here, in order, as the client reads
        try:
            columns, width, number = csv_header(user_path, reader, options)
            taken.record()
            start = done = ends[0]
            first_line, first_record = reader.line_num + 1, number + 1
            ended = reader.line_num
            for row in reader:  # the reader takes no line past its record's last
                number += 1
                quotes.see(row, taken.record(), ended + 1)
                if not is_blank(row):
                    width = check_width(user_path, row, width, options, reader.line_num,
                                        ended + 1)
                ended = reader.line_num
                done, count = ends[0], count + 1
                if count >= records or (max_bytes is not None and done - start >= max_bytes):
                    yield cut()
                    emitted = True
                    start, count = done, 0
                    first_line, first_record = reader.line_num + 1, number + 1
        except csv.Error as exc:
            raise csv_error(user_path, reader.line_num, exc, ended + 1) from None
    except CorpusError as exc:  # the client's reading stops here: after the range's records
        yield cut(str(exc))
        return
    if count or not emitted:
        yield cut()


def csv_range_records(part: CsvRange, data: bytes, encoding: str) -> Iterator[Located]:
    """The articles of a range (``data``, its bytes) with their places, as the client's reading
    gives them; then the range's error, if it has one."""
    lines = RecordLines(_decoded_lines(data, part.first_line, part.name, encoding))
    reader = csv_reader(lines, part.options)
    columns = dict(part.columns)
    path = Path(part.name)
    number = part.first_record - 1
    try:  # only the file's last range can end inside quotes: refused as the client's reading does
        for row, line in complete_rows(reader, lines, part.name, part.first_line, quotes=False):
            number += 1
            if is_blank(row):
                continue
            where = f"{part.name}: line {line}"
            yield article_from_row(path, number, row, columns, part.options.label_separator,
                                   where), where
    except csv.Error as exc:  # the file changed since the client read it
        raise csv_error(part.name, part.first_line - 1 + reader.line_num, exc) from None
    if part.error is not None:
        raise CorpusError(part.error)


def _decoded_lines(data: bytes, first_line: int, name: str, encoding: str) -> Iterator[str]:
    """The lines of ``data``, each ending after ``\\n`` and decoded on its own (as
    :func:`topics.corpus.formats.text_lines` reads a file)."""
    for number, raw in enumerate(io.BytesIO(data), start=first_line):  # lines end at b"\n" only
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise decode_error(name, number, encoding, exc) from None
