"""A CSV file that ends inside a quoted text: cut short (a download or a copy that stopped).

Python's csv reader, when not strict, takes the rest of such a file as the last field, so the
last article would be read cut off and nothing said. :func:`complete_rows` passes the rows on one
behind the reader and reads the last record's lines again with a strict reader: "unexpected end
of data" there means a quote opened in it is never closed, and the file is refused at that line.
A range of records that the Dask workers read ends at a record's end, so only the file's last
range can end inside quotes: the workers' reading gives the same message at the same line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from topics.corpus.csv_quotes import QuoteCheck
from topics.errors import CorpusError

__all__ = ["RecordLines", "complete_rows"]


class RecordLines:
    """The lines a csv reader takes, kept for the record being read (memory: one record)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._taken: list[str] = []

    def __iter__(self) -> RecordLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._taken.append(line)
        return line

    def record(self) -> list[str]:
        """The lines taken since the last call (the record read last)."""
        taken, self._taken = self._taken, []
        return taken


def complete_rows(reader: Any, lines: RecordLines, name: str, first_line: int = 1,
                  quotes: bool = True) -> Iterator[tuple[list[str], int]]:
    """The rows of ``reader`` (over ``lines``, its header already read) with the line each ends
    on, counted from ``first_line``; the last row only if its record is complete.

    With ``quotes``, each row is judged first for a quote left open that swallowed the records
    after it (:class:`~topics.corpus.csv_quotes.QuoteCheck`); the Dask workers' ranges leave it
    to the client, which judged the whole file in order when it cut them.

    Raises
    ------
    CorpusError
        The last record opens a quote that the file never closes, naming the record's first line;
        or a record swallowed the following ones (:class:`~topics.corpus.csv_quotes.QuoteCheck`).
    """
    check = QuoteCheck(name, reader.dialect) if quotes else None
    offset = first_line - 1
    lines.record()  # the header's lines
    held: tuple[list[str], int, int, list[str]] | None = None  # row, last and first line, lines
    start = offset + reader.line_num + 1  # the first line of the next row's record
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except BaseException:  # a row csv cannot read, a line not in the encoding: after the last
            if held is not None:
                yield _judged(held, check)
            raise
        if held is not None:
            yield _judged(held, check)
        held = (row, offset + reader.line_num, start, lines.record())
        start = held[1] + 1
    if held is None:
        return
    judged = _judged(held, check)  # a swallowing record is named as such, also at the end
    if _ends_inside_quotes(held[3], reader.dialect):
        raise CorpusError(
            f"{name}: line {held[2]}: a quoted field opened in this record is not closed before "
            "the end of the file: the file is cut short, or a quote is missing; check its end "
            "(this record was not read)"
        )
    yield judged


def _judged(held: tuple[list[str], int, int, list[str]],
            check: QuoteCheck | None) -> tuple[list[str], int]:
    row, last, first, taken = held
    if check is not None:
        check.see(row, taken, first)
    return row, last


def _ends_inside_quotes(lines: list[str], dialect: Any) -> bool:
    try:
        for _ in csv.reader(lines, dialect=dialect, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False
