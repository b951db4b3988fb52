"""Writing a batch's rows as they come: JSON Lines, CSV or Parquet (chosen by the suffix).

:class:`RowWriter` writes atomically (an interrupted batch leaves no partial file) or to standard
output; :func:`prepare_output` checks the output before any work, so a wrong name costs nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from topics.errors import ConfigError

__all__ = [
    "OUTPUT_SUFFIXES",
    "EncodedRow",
    "RowWriter",
    "encode_rows",
    "nested_row",
    "output_kind",
    "prepare_output",
]

OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
#: Rows per row group of a Parquet output: fixed, so that the file does not depend on how the
#: rows arrived (in chunks here, or in ranges that Dask workers read), and large enough to read
#: well (about 1 MB per group of the classifier's columns)
PARQUET_GROUP_ROWS = 10_000


class EncodedRow(NamedTuple):
    """A row already written as its JSON Lines or CSV line (by a Dask worker, so that the client
    only copies it out), with the two fields the client still reads."""

    id: str
    german: bool
    line: str


def encode_rows(rows: list[dict[str, Any]], kind: str, columns: list[str],
                label_columns: list[str]) -> list[EncodedRow]:
    """``rows`` as the lines :class:`RowWriter` writes for ``kind`` (``"jsonl"`` or ``"csv"``)."""
    return [EncodedRow(row["id"], row["german"], line)
            for row, line in zip(rows, _lines(rows, kind, columns, label_columns), strict=True)]


def _arrow_schema(columns: list[str], label_columns: list[str]) -> Any:
    import pyarrow as pa

    return pa.schema([pa.field(c, pa.list_(pa.string()) if c in label_columns else
                               pa.float64() if c.startswith("p_") or c == "margin" else
                               pa.bool_() if c == "german" else pa.string())
                      for c in columns])


def _lines(rows: list[dict[str, Any]], kind: str, columns: list[str],
           label_columns: list[str]) -> list[str]:
    if kind == "jsonl":
        return [json.dumps(nested_row(row), ensure_ascii=False) + "\n" for row in rows]
    import csv
    from types import SimpleNamespace

    lines: list[str] = []
    writer = csv.writer(SimpleNamespace(write=lines.append))  # one write per row
    for row in rows:
        writer.writerow("|".join(row[c]) if c in label_columns else row[c] for c in columns)
    return lines


class RowWriter:
    """Rows written as they come to JSON Lines, CSV or Parquet (by suffix), or stdout (None).

    A file is installed at the end, whole (:func:`topics.fileio.atomic_stream`), and only if it
    holds a row: a batch that classified nothing leaves no file (nor changes one of that name).
    Rows are dicts, or for JSON Lines and CSV :class:`EncodedRow` lines made by
    :func:`encode_rows` with the same columns. Parquet rows are written in row groups of
    :data:`PARQUET_GROUP_ROWS`, whatever batches they came in.
    """

    def __init__(self, path: str | Path | None, columns: list[str], label_columns: list[str]):
        self.path = None if path is None else Path(path)
        self.columns, self.label_columns = columns, label_columns
        self.kind = "jsonl" if self.path is None else output_kind(self.path)
        self._writer: Any = None
        self.rows = 0

    def __enter__(self) -> RowWriter:
        import io

        from topics.fileio import atomic_stream

        if self.path is None:
            self._file = sys.stdout
            return self
        self._target = atomic_stream(self.path)
        binary = self._target.__enter__()
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            schema = _arrow_schema(self.columns, self.label_columns)
            self._writer = pq.ParquetWriter(_Unclosed(binary), schema)
            self._pending: list[Any] = []  # tables of rows not written yet, fewer than a group
        else:
            self._file = io.TextIOWrapper(_Unclosed(binary), encoding="utf-8", newline="")
            if self.kind == "csv":
                import csv

                csv.writer(self._file).writerow(self.columns)
        return self

    def write(self, rows: list[dict[str, Any]] | list[EncodedRow]) -> None:
        self.rows += len(rows)
        if self.kind == "parquet":
            if rows:
                import pyarrow as pa

                self._pending.append(pa.table({c: [r[c] for r in rows] for c in self.columns},
                                              schema=self._writer.schema))
                self._write_groups(PARQUET_GROUP_ROWS)
            return
        if rows and isinstance(rows[0], EncodedRow):
            self._file.writelines(row.line for row in rows)
        else:
            self._file.writelines(_lines(rows, self.kind, self.columns, self.label_columns))
        if self.path is None:
            self._file.flush()

    def __exit__(self, *exc: Any) -> None:
        if self.path is None:
            return
        if exc[0] is None:
            try:
                self._finish()
            except BaseException as error:
                # a full disk at the last flush: the atomic writer removes the temporary file
                # and says why (FileAccessError), instead of installing a cut-off output
                self._target.__exit__(type(error), error, error.__traceback__)
                raise
            if not self.rows:  # nothing classified: the temporary file goes, nothing is installed
                self._target.__exit__(_NoRows, _NoRows(), None)
                return
        self._target.__exit__(*exc)

    def _write_groups(self, least: int) -> None:
        """Write the pending rows in groups of :data:`PARQUET_GROUP_ROWS` while they hold at least
        ``least`` rows (1: all of them), each group one contiguous table (the pages of a column
        do not depend on the chunks its rows came in)."""
        import pyarrow as pa

        held = sum(t.num_rows for t in self._pending)
        if held < least:
            return
        table = pa.concat_tables(self._pending).combine_chunks()
        start = 0
        while held - start >= least:
            self._writer.write_table(table.slice(start, PARQUET_GROUP_ROWS))
            start += PARQUET_GROUP_ROWS
        self._pending = [table.slice(start)] if start < held else []

    def _finish(self) -> None:
        if self.kind == "parquet":
            self._write_groups(1)
            self._writer.close()
        else:
            self._file.flush()


class _NoRows(Exception):
    """Thrown into the atomic writer to drop an output without rows."""


class _Unclosed:
    """A binary file whose ``close`` only flushes: the atomic writer closes the real one."""

    def __init__(self, file: Any):
        self._file = file
        self.closed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._file.flush()
        self.closed = True


def nested_row(row: dict[str, Any]) -> dict[str, Any]:
    """A JSON row: the p_<label> columns as one ``scores`` object."""
    out = {k: v for k, v in row.items() if not k.startswith("p_")}
    out["scores"] = {k[2:]: v for k, v in row.items() if k.startswith("p_")}
    return out


def output_kind(path: Path) -> str:
    """The output format of a path, by suffix; Parquet needs pyarrow (checked here, before work)."""
    from topics.fileio import suffix_error

    kind = OUTPUT_SUFFIXES.get(path.suffix.lower())
    if kind is None or path.is_dir():
        raise suffix_error(path, (".jsonl", ".csv", ".parquet"), "labels.jsonl", f"--output {path}")
    if kind == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ConfigError(
                "writing Parquet needs pyarrow, which is not installed: `uv sync --extra parquet` "
                "(or `pip install 'topics[parquet]'`), or write .csv / .jsonl"
            ) from None
    return kind


def prepare_output(output: str | Path | None, paths: Sequence[str]) -> None:
    from topics.fileio import check_not_an_input, check_writable

    if output is not None:
        path = Path(output)
        output_kind(path)  # also refuses a folder
        check_not_an_input(path, paths)
        check_writable(path.parent if str(path.parent) else ".", "write the output here")
