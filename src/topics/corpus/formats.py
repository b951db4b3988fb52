"""The file formats a corpus comes in, read as streams of ``(Article, where)`` records (a folder
of ``.txt`` files: :mod:`topics.corpus.folders`).

Each reader yields one record at a time, so a corpus of any size can be read lazily (see
:func:`topics.corpus.iter_articles`); ``where`` names the file and line for error messages. Files
are decoded line by line with the given encoding; only ``\\n``, ``\\r`` and ``\\r\\n`` end a line
(U+2028 or U+0085 inside a record are text, not line breaks).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from topics.corpus.checks import looks_like_article
from topics.corpus.compression import (
    article_file_bytes,
    damage_first,
    open_decompressed,
    plain_stem,
    plain_suffix,
)
from topics.corpus.csv_end import RecordLines, complete_rows
from topics.corpus.records import Article
from topics.errors import CorpusError, counted, short

__all__ = [
    "CsvOptions", "article_from_row", "check_width", "csv_error", "csv_header", "csv_reader",
    "decode_error", "decode_text", "is_blank", "jsonl_record", "label_cell", "open_binary",
    "parquet_batches", "parquet_records", "read_csv", "read_jsonl", "read_parquet", "read_text",
]

Located = tuple[Article, str]


def text_lines(path: Path, encoding: str, file: BinaryIO) -> Iterator[str]:
    """The lines of the text file ``path``, read from ``file`` (opened by
    :func:`~topics.corpus.compression.open_decompressed`: decompressed as it is read), each
    decoded on its own, so an encoding error names its line.

    A line ends at ``\\n`` (a ``\\r`` before it is kept); other Unicode line separators are text.
    Encodings that are not ASCII-compatible (UTF-16, UTF-32) are decoded as a whole first.
    """
    if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
        yield from io.StringIO(decode_text(file.read(), path, encoding), newline="")
        return
    for number, raw in enumerate(file, start=1):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise decode_error(path, number, encoding, error) from None


def open_binary(path: Path) -> BinaryIO:
    """The file opened for reading bytes, or the error that says why it cannot be."""
    try:
        return path.open("rb")
    except OSError as error:
        raise CorpusError(
            f"{path}: cannot read the file ({error.strerror}); check its permissions"
        ) from None


def decode_error(path: Path | str, line: int, encoding: str, error: UnicodeDecodeError) -> CorpusError:
    """The error for a line that is not valid ``encoding``: it names the encoding to pass, as
    Python and the command line spell it (UTF-16 for its byte-order mark, UTF-8 for bytes that
    are UTF-8, else Latin-1)."""
    data = error.object  # the line's bytes (a whole file's, decoded at once)
    if line == 1 and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        other = "utf-16"
    elif codecs.lookup(encoding).name != "utf-8" and _is_utf8(data):
        other = "utf-8"
    else:
        other = "latin-1"
    return CorpusError(
        f"{path}: line {line}: not valid {encoding} ({error.reason}); pass the file's encoding, "
        f"e.g. encoding='{other}' (--encoding {other}), or re-save it as {encoding}"
    )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_text(path: Path, encoding: str) -> str:
    """The whole file as text (one article of a folder, decompressed if it is compressed, as the
    Dask workers read a folder's files; a labels file)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusError(
            f"{path}: cannot read the file ({error.strerror}); check its permissions"
        ) from None
    return decode_text(article_file_bytes(data, str(path)), path, encoding)


def decode_text(data: bytes, path: Path | str, encoding: str) -> str:
    """A whole file's bytes as text, or the error naming the line that is not ``encoding``."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise decode_error(path, line, encoding, error) from None


# ------------------------------------------------------------------------------------------------
# JSON Lines


def read_jsonl(path: Path, encoding: str, label_separator: str | None = None) -> Iterator[Located]:
    """One article per line: ``{"id", "text", "labels"?, "source_url"?, ...metadata}``; labels
    given as one string are split on ``label_separator`` (:func:`label_cell`)."""
    with open_decompressed(path) as file, damage_first(file):
        for number, line in enumerate(text_lines(path, encoding, file), start=1):
            located = jsonl_record(line, number, path, label_separator)
            if located is not None:
                yield located


def jsonl_record(line: str, number: int, path: Path | str,
                 label_separator: str | None = None) -> Located | None:
    """The article of line ``number`` of a JSON Lines file, or ``None`` for a blank line."""
    if number == 1:
        line = line.removeprefix("\ufeff")  # a byte-order mark is not JSON
    if not line.strip():
        return None
    where = f"{path}: line {number}"
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as error:  # also a 4300+ digit number, deep nesting
        why = ("nested too deeply" if isinstance(error, RecursionError)
               else getattr(error, "msg", str(error)))
        raise CorpusError(f"{where}: not valid JSON ({why}); fix or remove the line") from None
    return article_from_record(record, where, label_separator), where


def article_from_record(record: Any, where: str, label_separator: str | None = None) -> Article:
    """An :class:`Article` from one JSON object (or Parquet row) with ``id`` and ``text``; its
    ``labels`` a list of strings, or one string read as a CSV label cell (:func:`label_cell`)."""
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: expected a JSON object with 'id' and 'text'")
    for key in ("id", "text"):
        if key not in record:
            raise CorpusError(
                f"{where}: the field {key!r} is missing; every record needs 'id' and 'text'"
            )
    article_id = record["id"]
    if isinstance(article_id, bool) or not isinstance(article_id, (str, int)):
        # null was read as the id 'None' (twice: "duplicate id 'None'"), [1] as '[1]', NaN as 'nan'
        raise CorpusError(f"{where}: the field 'id' is {short(article_id)}, not a string or an "
                          "integer; give every record a unique id, e.g. \"a17\" or 17")
    labels = record.get("labels", [])
    if labels is None:
        labels = []
    if isinstance(labels, str):  # as a CSV cell: "" is no label, "a|b" two with separator "|"
        labels = label_cell(labels, label_separator)
    if not isinstance(labels, (list, tuple)) or not all(isinstance(x, str) for x in labels):
        raise CorpusError(f"{where}: 'labels' must be a list of strings, got {labels!r}")
    if not isinstance(record["text"], str):
        raise CorpusError(f"{where}: 'text' must be a string")
    source = record.get("source_url")
    if source is not None and not isinstance(source, str):
        raise CorpusError(f"{where}: 'source_url' must be a string, got {source!r}")
    meta = {k: v for k, v in record.items() if k not in {"id", "text", "labels", "source_url"}}
    return Article(str(article_id), record["text"], tuple(labels), source, meta)


# ------------------------------------------------------------------------------------------------
# CSV


DEFAULT_LABEL_COLUMN = "labels"
DEFAULT_ID_COLUMN = "id"  # used when the header has it and no id column is given


@dataclass(frozen=True)
class CsvOptions:
    """How to read a CSV file (see :func:`topics.load_corpus`)."""

    text_column: int | str = "text"
    label_column: int | str | None = DEFAULT_LABEL_COLUMN  # if the header has it
    id_column: int | str | None = None  # None: the header's `id` column, if it has one
    label_separator: str | None = None
    delimiter: str = ","
    quotechar: str = '"'
    header: bool = True

    def for_file(self, path: Path | str) -> CsvOptions:
        """The options for ``path``: a ``.tsv`` file (``.tsv.gz``, ...) is tab-separated unless another delimiter
        than the default comma was given."""
        if self.delimiter == "," and plain_suffix(path) == ".tsv":
            return replace(self, delimiter="\t")
        return self

    def check(self) -> None:
        """Refuse options :mod:`csv` cannot use, before the file is opened."""
        for name in ("delimiter", "quotechar"):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) != 1:
                raise CorpusError(
                    f"{name}={value!r}: must be exactly one character (e.g. ',' or ';')"
                )
        if self.delimiter == self.quotechar or self.delimiter in "\r\n":
            raise CorpusError(
                f"delimiter={self.delimiter!r} and quotechar={self.quotechar!r}: the delimiter "
                "must be one character other than the quote character and a line break"
            )
        for name in ("text_column", "label_column", "id_column"):
            value = getattr(self, name)
            if isinstance(value, bool) or (isinstance(value, int) and value < 0):
                raise CorpusError(
                    f"{name}={value!r}: a column is a 0-based index (>= 0) or a header name"
                )
        self.check_label_separator()

    def check_label_separator(self) -> None:
        """Refuse an empty ``label_separator`` (it splits the labels of every format)."""
        if self.label_separator == "":
            raise CorpusError("label_separator='': give a separator such as '|', or None")


# Python's csv module refuses fields over 128 kB by default, yet a long article is bigger; raise the
# (process-wide) limit to this, never lower it: past it, a quote is surely unclosed.
CSV_FIELD_LIMIT = 64 * 1024 * 1024


def read_csv(path: Path, options: CsvOptions, encoding: str) -> Iterator[Located]:
    """One article per row; the columns as ``options`` say."""
    options = options.for_file(path)
    options.check()
    with open_decompressed(path) as file, damage_first(file):
        lines = RecordLines(text_lines(path, encoding, file))  # is the last record complete?
        reader = csv_reader(lines, options)
        ended = [0]  # the line the last record read ends on: a record csv cannot read starts after
        try:
            yield from _csv_rows(path, reader, options, lines, ended)
        except csv.Error as error:
            raise csv_error(path, reader.line_num, error, ended[0] + 1) from None


def csv_reader(lines: Iterator[str], options: CsvOptions) -> Any:
    """A :func:`csv.reader` of ``lines`` with the options' delimiter and quote character."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    return csv.reader(lines, delimiter=options.delimiter, quotechar=options.quotechar)


def csv_error(path: Path | str, line: int, error: csv.Error, first: int | None = None) -> CorpusError:
    """The error for a row :mod:`csv` cannot read at ``line``; ``first`` is the first line of its
    record. A record that runs over several lines has most likely swallowed them with a quote
    that is never closed (a field of 64 MB, or a character csv refuses, lines later): the error
    names the line where the record, and so the quote, starts."""
    if first is not None and first < line:
        return CorpusError(
            f"{path}: line {first}: the record starting here runs to line {line} and is not "
            f"readable as CSV there ({error}); a quote opened in it may be unclosed: close it "
            "(or check delimiter and quotechar)"
        )
    return CorpusError(f"{path}: line {line}: not readable as CSV ({error}); check delimiter and "
                       "quotechar")


def _csv_rows(path: Path, reader: Any, options: CsvOptions, lines: RecordLines,
              ended: list[int]) -> Iterator[Located]:
    """The records of ``reader``; ``ended[0]`` the line the record read last ends on."""
    columns, width, number = csv_header(path, reader, options)
    ended[0] = reader.line_num
    for row, line in complete_rows(reader, lines, str(path)):
        number += 1
        first, ended[0] = ended[0] + 1, line
        if is_blank(row):
            continue
        width = check_width(path, row, width, options, line, first)
        where = f"{path}: line {line}"
        yield article_from_row(path, number, row, columns, options.label_separator, where), where


def csv_header(path: Path, reader: Any, options: CsvOptions) -> tuple[dict[str, int], int | None,
                                                                       int]:
    """Read the header (if ``options.header``): the column of each role, the width of a row
    (``None``: the first row's) and the number of the record read last."""
    header = next(reader, None) if options.header else None
    if options.header and header is None:
        raise CorpusError(f"{path}: the file is empty; there is no header and no article")
    if header:
        header[0] = header[0].removeprefix("\ufeff")
        _warn_article_header(path, header, options)
    label_column = options.label_column
    if header and label_column == DEFAULT_LABEL_COLUMN and label_column not in header:
        label_column = None  # an unlabelled file, as a JSON Lines record without labels
    id_column = options.id_column
    if header and id_column is None and DEFAULT_ID_COLUMN in header:
        id_column = DEFAULT_ID_COLUMN  # the ids, as a JSON Lines record's `id`
    columns = {
        role: _column_index(path, header, column, role)
        for role, column in (
            ("text_column", options.text_column),
            ("label_column", label_column),
            ("id_column", id_column),
        )
        if column is not None
    }
    return columns, None if header is None else len(header), 0 if header is None else 1


def _warn_article_header(path: Path, header: list[str], options: CsvOptions) -> None:
    """Warn when the header row's text (or label) cell is long like an article: a file without
    a header read with ``header=True`` loses its first article to the header."""
    for role in ("text_column", "label_column"):
        column = getattr(options, role)
        if isinstance(column, int) and column < len(header) and looks_like_article(header[column]):
            warnings.warn(f"{path}: the first row, read as the header, looks like an article "
                          f"({role}={column}: {short(header[column], 50)}): pass header=False "
                          "(--no-header)", stacklevel=4)
            return


def is_blank(row: list[str]) -> bool:
    """A row of empty cells (a blank line), which is skipped."""
    return not any(cell.strip() for cell in row)


def check_width(path: Path, row: list[str], width: int | None, options: CsvOptions,
                line: int, first: int | None = None) -> int:
    """The width of a row that ends on ``line`` and starts on ``first`` (the first row's width if
    ``width`` is ``None``), or the error for a row with more fields than that: a delimiter in a
    text that is not quoted, or, in a row of several lines, a quote that is not closed."""
    if width is None:
        return len(row)
    has = "the header has" if options.header else "the first row has"
    if len(row) > width and first is not None and first < line:
        # the quote opened on `first` took the lines up to the next quote (which closed it) into
        # one field, and the rest of that line made extra fields: `line` is only where it shows
        raise CorpusError(
            f"{path}: line {first}: the record starting here runs to line {line} with "
            f"{len(row)} fields where {has} {width}; a quote opened in it is probably not "
            f"closed: close it (or quote a {options.delimiter!r} inside a text with "
            f"{options.quotechar!r})"
        )
    if len(row) > width:
        raise CorpusError(
            f"{path}: line {line}: {len(row)} fields where {has} {width}; "
            f"a {options.delimiter!r} inside a text that is not quoted? Quote the field "
            f"with {options.quotechar!r} (or pass the right delimiter)"
        )
    return width


def _column_index(path: Path, header: list[str] | None, column: int | str, role: str) -> int:
    if isinstance(column, int):
        return column
    if header is None:
        raise CorpusError(
            f"{path}: {role}={column!r} names a column but the file has no header; "
            "pass the column index or header=True"
        )
    if column not in header:
        json_lines = bool(header) and header[0].lstrip().startswith("{")
        most = 3 if json_lines else 12  # a long header is a wrong format or delimiter: a glimpse
        shown = ", ".join(short(h, 40) for h in header[:most]) + (", ..." if len(header) > most else "")
        hint = "; it looks like JSON Lines: read it with format='jsonl'" if json_lines else ""
        other = [d for d in (";", "\t", "|") if len(header) == 1 and d in header[0]]
        if other:  # e.g. a spreadsheet's ';'-separated export
            hint = f"; it looks {other[0]!r}-separated: pass delimiter={other[0]!r} (--delimiter)"
        raise CorpusError(f"{path}: {role}={column!r} is not a column; the header has "
                          f"{len(header)} column(s): {shown}{hint}")
    return header.index(column)


def label_cell(cell: str, separator: str | None) -> tuple[str, ...]:
    """The labels of one label cell: a CSV cell, or a JSON Lines / Parquet label given as one
    string. Spaces around a label are not part of it; an empty (or blank) cell is no label;
    with ``separator``, the cell is split on it and empty parts are dropped."""
    if separator:
        return tuple(part.strip() for part in cell.split(separator) if part.strip())
    return (cell.strip(),) if cell.strip() else ()


def article_from_row(path: Path, number: int, row: list[str], columns: dict[str, int],
                     separator: str | None, where: str) -> Article:
    needed = max(columns.values()) + 1
    if len(row) < needed:
        raise CorpusError(
            f"{where}: {counted(len(row), 'column')}, needs {needed} "
            f"({', '.join(f'{k}={v}' for k, v in columns.items())}); check the delimiter and quoting"
        )
    labels = label_cell(row[columns["label_column"]], separator) if "label_column" in columns else ()
    article_id = (
        row[columns["id_column"]].strip() if "id_column" in columns else f"{plain_stem(path)}-{number:04d}"
    )
    return Article(article_id, row[columns["text_column"]], labels, meta={"line": number})


# ------------------------------------------------------------------------------------------------
# Parquet


def read_parquet(path: Path, batch_size: int = 1024,
                 label_separator: str | None = None) -> Iterator[Located]:
    """One article per row of a Parquet file with ``id`` and ``text`` columns (pyarrow); string
    labels are split on ``label_separator`` (:func:`label_cell`)."""
    for before, batch in parquet_batches(path, batch_size):
        yield from parquet_records(path, batch, before, label_separator)


def parquet_batches(path: Path, batch_size: int = 1024) -> Iterator[tuple[int, Any]]:
    """The record batches of a Parquet file (pyarrow), each with the number of rows before it;
    a file that pyarrow cannot read (or a page it cannot decode) raises a :class:`CorpusError`."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CorpusError(
            f"{path}: reading Parquet needs pyarrow, which is not installed; "
            "`uv sync --extra parquet` (or `pip install pyarrow`)"
        ) from None
    try:
        file = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid & co. on a file that is not Parquet
        raise CorpusError(f"{path}: not a readable Parquet file ({error})") from None
    batches = file.iter_batches(batch_size=batch_size)
    before = 0
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except Exception as error:  # a damaged page
            raise CorpusError(f"{path}: the rows from row {before + 1} on are not readable as "
                              f"Parquet ({str(error).strip()}); the file is damaged") from None
        yield before, batch
        before += batch.num_rows


def parquet_records(path: Path, batch: Any, before: int,
                    label_separator: str | None = None) -> Iterator[Located]:
    """The articles of a Parquet record batch whose first row is row ``before + 1``."""
    for row, record in enumerate(batch.to_pylist(), start=before + 1):
        where = f"{path}: row {row}"
        yield article_from_record(record, where, label_separator), where
