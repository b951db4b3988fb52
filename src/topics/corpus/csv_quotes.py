"""A CSV quote left open in the middle of a file: the articles after it read as one text.

A text field that opens a quote and is not closed where it should be takes the following lines
into itself, up to the next quote character, which closes it. When the fields then come out one
too many, the row is refused (:func:`topics.corpus.formats.check_width`); when their number comes
out right, the archive read on, one article holding the next ones, and nothing said.

:class:`QuoteCheck` looks at each record that spans lines. Its lines after the first are read
again, each on its own: one that gives the record's number of fields, its other fields like those
of this file's records (a label or value seen in that column, an id of the shape of the ids
seen), is a record of this file, swallowed. Two signs together refuse the file at the line where
the quote opens: such lines, and a quote closing mid-field (read strictly, the record is not
valid CSV: a quote followed by text, not by a delimiter or a line end, which a CSV writer never
writes). A clean multi-line text that holds lines reading as records only warns (the text is
kept as read; at most :data:`WARNED` per file). The client's reading and its cut into ranges for
the Dask workers (:mod:`topics.corpus.csv_ranges`) both judge every record with it, in order.

Cost: a record on one line is remembered (its short fields in a set per column); a multi-line
one costs a count of delimiters per line, and a split or csv read of the lines that have enough.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections import deque
from typing import Any

from topics.errors import CorpusError, counted, short

__all__ = ["QuoteCheck"]

SHORT = 64  # longer fields are texts, not ids or labels: never kept as a column's values
KEPT = 256  # distinct values kept per column (a file's labels; its first ids)
RECENT = 16  # the last records, whose ids also count (ids change form over an archive)
SHOWN = 3  # swallowed lines named in a message
WARNED = 3  # clean texts warned about per file (an archive of 100,000 articles may hold a few)

_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s")
_WORD = re.compile(r"[^\W_]")  # a letter or a digit


def _id_forms(value: str) -> tuple[str, tuple[int, frozenset[str]]]:
    """The two forms by which an id is like another: its shape, each run of letters as ``a``
    and of digits as ``0`` (``"a-17"`` -> ``"a-0"``), and its length with the kinds of
    characters in it (a hash or a UUID, whose runs of letters and digits vary)."""
    shape = _DIGITS.sub("0", _LETTERS.sub("a", value))
    return shape, (len(value), frozenset(shape))


def _id_like(value: str) -> bool:
    """One word with a letter or digit and more than letters in it: a word of prose, or
    punctuation, is never taken for an id."""
    return not value.isalpha() and _WORD.search(value) is not None and not _SPACE.search(value)


class _Column:
    """What a column of the file held: its short values (the first :data:`KEPT`), their id
    forms, and whether it holds prose (a text or a title: any text fits it)."""

    __slots__ = ("forms", "prose", "values")

    def __init__(self) -> None:
        self.values: set[str] = set()
        self.forms: set[Any] = set()
        self.prose = False

    def add(self, value: str) -> None:
        """Keep a value not seen yet, while there is room (each kept value looked at once)."""
        if len(value) > SHORT:
            self.prose = True
        elif len(self.values) < KEPT:
            self.values.add(value)
            if value.count(" ") >= 2:
                self.prose = True
            elif _id_like(value):
                self.forms.update(_id_forms(value))


class QuoteCheck:
    """Judges the records of one CSV file in order, as they are read.

    Parameters
    ----------
    name : str
        The file as the user named it (for the messages).
    dialect : csv.Dialect
        The dialect the file is read with (its delimiter and quote character).
    """

    def __init__(self, name: str, dialect: Any) -> None:
        self.name, self.dialect = name, dialect
        self._columns: list[_Column] = []
        self._recent: deque[list[str]] = deque(maxlen=RECENT)
        self._warned = 0

    def see(self, row: list[str], lines: list[str], first: int) -> None:
        """Remember a record and judge it: ``row`` as read, ``lines`` the lines it was read
        from, starting on line ``first``.

        Raises
        ------
        CorpusError
            A field of the record opens a quote that swallowed following records: the message
            names the line where it opens, how many records it took and what to do.

        Warns
        -----
        UserWarning
            A multi-line field holds lines that read as records of this file while its quote
            closes cleanly: a legitimate text, or a quote closed by chance; the text is kept.
        """
        self._recent.append(row)  # its fields outside the swallowing one are real records'
        columns = self._columns
        while len(columns) < len(row):
            columns.append(_Column())
        for column, value in zip(columns, row, strict=False):
            if value not in column.values:  # a label seen before costs only this look-up
                column.add(value)
        if len(lines) > 1:
            self._judge(row, lines, first)

    def _judge(self, row: list[str], lines: list[str], first: int) -> None:
        field = next((i for i, value in enumerate(row) if "\n" in value or "\r" in value), None)
        if field is None or len(row) < 2:
            return
        swallowed = []
        delimiter, least = self.dialect.delimiter, len(row) - 1
        for offset, line in enumerate(lines[1:], start=1):
            if line.count(delimiter) < least:  # too few delimiters for a record (a blank line)
                continue
            alone = self._alone(line, len(row))
            if alone is not None and self._is_record(alone, field):
                swallowed.append(first + offset)
        if not swallowed:
            return
        error = self._strict_error(lines)
        if error is not None and "unexpected end of data" in error:
            return  # the file ends inside it: refused as cut short (csv_end)
        opens = first + sum(value.count("\n") for value in row[:field])
        ends = first + len(lines) - 1
        one = len(swallowed) == 1
        shown = ", ".join(str(n) for n in swallowed[:SHOWN]) + (
            ", ..." if len(swallowed) > SHOWN else "")
        example = short(lines[swallowed[0] - first].rstrip("\r\n"), 60)
        held = (f"{counted(len(swallowed), 'line')} that read{'s' if one else ''} as "
                f"{'a record' if one else 'records'} of this file on {'its' if one else 'their'} "
                f"own (line{'' if one else 's'} {shown}: {example}{'' if one else ', ...'})")
        if error is not None and "expected after" in error:
            raise CorpusError(
                f"{self.name}: line {opens}: a quote opened here is not closed where it should "
                f"be: its field runs on to line {ends}, where a later field's quote closes it, "
                f"and takes in {held}: {counted(len(swallowed), 'article')} would be read as "
                f"part of this one's text and lost. Close the quote on line {opens} (a "
                f"{self.dialect.quotechar!r} inside a quoted text is written twice), or check "
                "delimiter and quotechar"
            )
        self._warned += 1
        if self._warned > WARNED:
            return
        more = (f"; further such texts in {self.name} are not reported"
                if self._warned == WARNED else "")
        warnings.warn(f"{self.name}: line {opens}: the quoted text that starts here runs to line "
                      f"{ends} and holds {held}; if its quote was meant to close on line {opens}, "
                      "those articles are read as part of this text: check the file there (the "
                      f"text is kept as read){more}", UserWarning, stacklevel=2)

    def _alone(self, line: str, width: int) -> list[str] | None:
        """The fields of ``line`` read on its own, if it has ``width`` of them."""
        body = line.rstrip("\r\n")
        if self.dialect.quotechar not in line and "\r" not in body and "\n" not in body:
            # without a quote csv splits it at each delimiter: no reader to make
            count = body.count(self.dialect.delimiter)
            return body.split(self.dialect.delimiter) if count == width - 1 else None
        try:
            alone = next(csv.reader([line], dialect=self.dialect), [])
        except csv.Error:  # a lone "\r" in it, say: not a record on its own
            return None
        return alone if len(alone) == width else None

    def _is_record(self, fields: list[str], field: int) -> bool:
        """Each field but the multi-line one fits its column, and one of them as an id or a
        label does (not by being empty, or prose)."""
        keyed = False
        for i, value in enumerate(fields):
            if i == field:
                continue
            fit = self._fit(self._columns[i], i, value)
            if not fit:
                return False
            keyed = keyed or fit == 2
        return keyed

    def _fit(self, column: _Column, i: int, value: str) -> int:
        """2: ``value`` is one seen in the column (with a letter or a digit) or an id like
        those; 1: it is empty as some were, or the column holds prose; 0: it does not fit."""
        if value in column.values:
            return 2 if _WORD.search(value) else 1
        if _id_like(value):  # an id like its neighbours' ("a17" beside "a16", a hash beside one)
            forms = set(_id_forms(value))
            if not column.forms.isdisjoint(forms):
                return 2
            if any(not forms.isdisjoint(_id_forms(row[i])) for row in self._recent
                   if i < len(row) and _id_like(row[i])):
                return 2
        return 1 if column.prose else 0

    def _strict_error(self, lines: list[str]) -> str | None:
        """What a strict csv reader says of the record's lines (``None``: nothing)."""
        try:
            for _ in csv.reader(lines, dialect=self.dialect, strict=True):
                pass
        except csv.Error as error:
            return str(error)
        return None
