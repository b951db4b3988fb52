"""Reading corpora: folders of ``.txt`` files with a labels file, JSON Lines and CSV.

:func:`load_corpus` with no argument returns the labelled articles shipped with the package. Every
bad input raises one :class:`~topics.errors.CorpusError` that names the file, the line or record,
and what to do. Nothing partial is returned.
"""

from __future__ import annotations

import csv
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from topics.corpus.records import Article, Corpus
from topics.errors import CorpusError

__all__ = ["load_corpus", "shipped_corpus_path"]

LABELS_FILE = "labels.json"


def shipped_corpus_path() -> Path:
    """Return the folder of the shipped labelled corpus (``seeds/`` in the repository).

    Inside an installed wheel the corpus is package data (``topics/_seeds``); in a source
    checkout it is the repository's ``seeds/`` folder.
    """
    packaged = Path(str(resources.files("topics"))) / "_seeds"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "seeds"
    if checkout.is_dir():
        return checkout
    raise CorpusError(
        "the shipped corpus is missing from this installation (looked in "
        f"{packaged} and {checkout}); reinstall the package"
    )


def load_corpus(
    path: str | Path | None = None,
    *,
    format: Literal["folder", "jsonl", "csv"] | None = None,
    label_set: Sequence[str] | None = None,
    labels_file: str | Path | None = None,
    text_column: int | str = "text",
    label_column: int | str | None = "labels",
    id_column: int | str | None = None,
    label_separator: str | None = None,
    delimiter: str = ",",
    quotechar: str = '"',
    header: bool = True,
    encoding: str = "utf-8",
    name: str | None = None,
) -> Corpus:
    """Read a corpus from a folder, a JSON Lines file or a CSV file.

    Parameters
    ----------
    path : str or Path, optional
        What to read; ``None`` reads the 137 labelled articles shipped with the package.
        A folder holds ``*.txt`` articles (id = file name without ``.txt``) with their labels in
        ``labels.json`` (``{"label_set": [...], "articles": {id: [labels]}}``), and may hold
        ``*.jsonl`` files too.
    format : {"folder", "jsonl", "csv"}, optional
        Default: guessed from the path (folder, ``.jsonl``/``.ndjson``, ``.csv``/``.tsv``).
    label_set : sequence of str, optional
        The allowed labels; any other label is an error. Default: the folder's ``labels.json``
        ``label_set``, else the labels found.
    labels_file : str or Path, optional
        For a folder: the labels file, if not ``<folder>/labels.json``.
    text_column, label_column, id_column : int or str
        CSV only: columns by 0-based index or by header name. ``label_column=None`` reads no
        labels; without ``id_column`` ids are ``<file stem>-<row number>``.
    label_separator : str, optional
        CSV only: split the label cell on this string for multi-label data (e.g. ``"|"``).
    delimiter, quotechar : str
        CSV only: as in :func:`csv.reader`.
    header : bool
        CSV only: whether the first row names the columns.
    encoding : str
        Text encoding of every file read.
    name : str, optional
        The corpus name; default: the file or folder name (``"shipped"`` for the default corpus).

    Returns
    -------
    Corpus

    Raises
    ------
    CorpusError
        On an unknown label, a duplicate id, an empty text, an unreadable or non-UTF-8 file, a
        missing column or a malformed record; the message names the file and the line or record.

    Examples
    --------
    >>> corpus = load_corpus()
    >>> len(corpus)
    137
    """
    if path is None:
        folder = shipped_corpus_path()
        return _load_folder(folder, labels_file, label_set, encoding, name or "shipped")
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder; check the path")
    kind = format or _guess_format(path)
    corpus_name = name or path.stem
    if kind == "folder":
        return _load_folder(path, labels_file, label_set, encoding, corpus_name)
    if kind == "jsonl":
        return _make_corpus(_read_jsonl(path, encoding), label_set, corpus_name)
    if kind == "csv":
        options = _CsvOptions(
            text_column, label_column, id_column, label_separator, delimiter, quotechar, header
        )
        return _make_corpus(_read_csv(path, options, encoding), label_set, corpus_name)
    raise CorpusError(f"{path}: format={kind!r} is unknown; use 'folder', 'jsonl' or 'csv'")


def _make_corpus(
    located: list[tuple[Article, str]], label_set: Sequence[str] | None, name: str
) -> Corpus:
    articles = [article for article, _ in located]
    return Corpus(articles, label_set, name, origins=[where for _, where in located])


def _guess_format(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix in {".csv", ".tsv"}:
        return "csv"
    raise CorpusError(
        f"{path}: cannot tell the format from the suffix {suffix!r}; "
        "pass format='folder', 'jsonl' or 'csv'"
    )


def _read_text(path: Path, encoding: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusError(
            f"{path}: cannot read the file ({error.strerror}); check its permissions"
        ) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorpusError(
            f"{path}: line {line}: not valid {encoding} (byte {error.start}); "
            f"re-save the file as {encoding} or pass encoding=..."
        ) from None


def _load_folder(
    folder: Path,
    labels_file: str | Path | None,
    label_set: Sequence[str] | None,
    encoding: str,
    name: str,
) -> Corpus:
    txt_files = sorted(folder.glob("*.txt"))
    jsonl_files = sorted(folder.glob("*.jsonl"))
    if not txt_files and not jsonl_files:
        raise CorpusError(f"{folder}: no .txt or .jsonl articles in this folder; check the path")
    declared, labels_by_id, labels_path = _read_labels_file(folder, labels_file, encoding)
    located = _folder_articles(txt_files, labels_by_id, labels_path, encoding)
    for jsonl in jsonl_files:
        located.extend(_read_jsonl(jsonl, encoding))
    return _make_corpus(located, label_set if label_set is not None else declared, name)


def _read_labels_file(
    folder: Path, labels_file: str | Path | None, encoding: str
) -> tuple[list[str] | None, dict[str, list[str]] | None, Path]:
    path = Path(labels_file) if labels_file is not None else folder / LABELS_FILE
    if not path.exists():
        if labels_file is not None:
            raise CorpusError(f"{path}: labels file not found; check the path")
        return None, None, path
    try:
        data = json.loads(_read_text(path, encoding))
    except json.JSONDecodeError as error:
        raise CorpusError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a JSON object {{id: [labels]}}")
    declared = data.get("label_set")
    mapping = data.get("articles", data if declared is None else None)
    if not isinstance(mapping, dict):
        raise CorpusError(f"{path}: expected an 'articles' object mapping ids to label lists")
    for article_id, labels in mapping.items():
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise CorpusError(f"{path}: article {article_id!r}: labels must be a list of strings")
    return declared, mapping, path


def _folder_articles(
    txt_files: list[Path],
    labels_by_id: dict[str, list[str]] | None,
    labels_path: Path,
    encoding: str,
) -> list[tuple[Article, str]]:
    if txt_files and labels_by_id is None:
        warnings.warn(
            f"{labels_path} not found: the .txt articles are read without labels", stacklevel=3
        )
    articles = []
    for txt in txt_files:
        labels: list[str] = []
        if labels_by_id is not None:
            if txt.stem not in labels_by_id:
                raise CorpusError(
                    f'{labels_path}: no entry for {txt.name}; add "{txt.stem}": [...] '
                    "(an empty list for an article with no label)"
                )
            labels = labels_by_id[txt.stem]
        article = Article(
            txt.stem, _read_text(txt, encoding), tuple(labels), meta={"file": txt.name}
        )
        articles.append((article, f"{txt} (labels in {labels_path.name})"))
    if labels_by_id is not None:
        missing = sorted(set(labels_by_id) - {txt.stem for txt in txt_files})
        if missing:
            raise CorpusError(
                f"{labels_path}: labels given for {', '.join(missing)} but no such .txt file; "
                "add the article or remove the entry"
            )
    return articles


def _read_jsonl(path: Path, encoding: str) -> list[tuple[Article, str]]:
    articles = []
    for number, line in enumerate(_read_text(path, encoding).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}: line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(
                f"{where}: not valid JSON ({error.msg}); fix or remove the line"
            ) from None
        articles.append((_article_from_record(record, where), where))
    return articles


def _article_from_record(record: Any, where: str) -> Article:
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: expected a JSON object with 'id' and 'text'")
    for key in ("id", "text"):
        if key not in record:
            raise CorpusError(
                f"{where}: the field {key!r} is missing; every record needs 'id' and 'text'"
            )
    labels = record.get("labels", [])
    if isinstance(labels, str):
        labels = [labels]
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise CorpusError(f"{where}: 'labels' must be a list of strings, got {labels!r}")
    if not isinstance(record["text"], str):
        raise CorpusError(f"{where}: 'text' must be a string")
    meta = {k: v for k, v in record.items() if k not in {"id", "text", "labels", "source_url"}}
    return Article(str(record["id"]), record["text"], tuple(labels), record.get("source_url"), meta)


@dataclass(frozen=True)
class _CsvOptions:
    text_column: int | str
    label_column: int | str | None
    id_column: int | str | None
    label_separator: str | None
    delimiter: str
    quotechar: str
    header: bool


def _read_csv(path: Path, options: _CsvOptions, encoding: str) -> list[tuple[Article, str]]:
    text = _read_text(path, encoding)
    try:
        rows = list(
            csv.reader(text.splitlines(), delimiter=options.delimiter, quotechar=options.quotechar)
        )
    except csv.Error as error:
        raise CorpusError(
            f"{path}: not readable as CSV ({error}); check delimiter and quotechar"
        ) from None
    header = rows.pop(0) if options.header and rows else None
    columns = {
        role: _column_index(path, header, column, role)
        for role, column in (
            ("text_column", options.text_column),
            ("label_column", options.label_column),
            ("id_column", options.id_column),
        )
        if column is not None
    }
    first_line = 2 if header is not None else 1
    articles = []
    for number, row in enumerate(rows, start=first_line):
        if not any(cell.strip() for cell in row):
            continue
        article = _article_from_row(path, number, row, columns, options.label_separator)
        articles.append((article, f"{path}: line {number}"))
    return articles


def _column_index(path: Path, header: list[str] | None, column: int | str, role: str) -> int:
    if isinstance(column, int):
        return column
    if header is None:
        raise CorpusError(
            f"{path}: {role}={column!r} names a column but the file has no header; "
            "pass the column index or header=True"
        )
    if column not in header:
        raise CorpusError(f"{path}: {role}={column!r} is not a column; columns are {header}")
    return header.index(column)


def _article_from_row(
    path: Path, number: int, row: list[str], columns: dict[str, int], separator: str | None
) -> Article:
    needed = max(columns.values()) + 1
    if len(row) < needed:
        raise CorpusError(
            f"{path}: line {number}: {len(row)} columns, needs {needed} "
            f"({', '.join(f'{k}={v}' for k, v in columns.items())}); check the delimiter and quoting"
        )
    raw_labels = row[columns["label_column"]].strip() if "label_column" in columns else ""
    if separator:
        labels = tuple(x.strip() for x in raw_labels.split(separator) if x.strip())
    else:
        labels = (raw_labels,) if raw_labels else ()
    article_id = (
        row[columns["id_column"]].strip() if "id_column" in columns else f"{path.stem}-{number:04d}"
    )
    return Article(article_id, row[columns["text_column"]], labels, meta={"line": number})
