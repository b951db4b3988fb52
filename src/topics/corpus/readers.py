"""Reading corpora: folders of ``.txt`` files with a labels file, JSON Lines, CSV and Parquet.

:func:`load_corpus` reads a whole corpus into a :class:`~topics.corpus.Corpus`; with no argument it
returns the labelled articles shipped with the package. :func:`iter_articles` reads the same
formats lazily, one article at a time. Every bad input raises one
:class:`~topics.errors.CorpusError` that names the file, the line or record, and what to do;
nothing partial is returned.
"""

from __future__ import annotations

import codecs
import dataclasses
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from topics.corpus.checks import LOOK_AT, OptionsLook, RecordChecker
from topics.corpus.compression import (
    COMPRESSION_SUFFIXES,
    format_by_name,
    is_compressed,
    plain_stem,
    plain_suffix,
)
from topics.corpus.folders import read_folder
from topics.corpus.formats import CsvOptions, read_csv, read_jsonl, read_parquet
from topics.corpus.records import Article, Corpus
from topics.errors import CorpusError, InputError

__all__ = [
    "csv_options", "guess_format", "iter_articles", "load_corpus", "no_articles", "read_checked",
    "sample_articles",
    "shipped_corpus_path",
]


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
    format: Literal["folder", "jsonl", "csv", "parquet"] | None = None,
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
        What to read; ``None`` reads the labelled articles shipped with the package.
        A folder holds ``*.txt`` articles (id = file name without ``.txt``) with their labels in
        ``labels.json`` (``{"label_set": [...], "articles": {id: [labels]}}``), and may hold
        ``*.jsonl`` files too.
    format : {"folder", "jsonl", "csv", "parquet"}, optional
        Default: guessed from the path (folder, ``.jsonl``/``.ndjson``, ``.csv``/``.tsv``,
        ``.parquet``). Parquet needs pyarrow and ``id``/``text`` columns like JSON Lines. A
        JSON Lines or CSV file compressed with gzip, bz2 or xz (told by its first bytes) is
        decompressed as it is read; its format is the suffix before ``.gz``/``.bz2``/``.xz``
        (``articles.jsonl.gz``) unless given.
    label_set : sequence of str, optional
        The allowed labels; any other label is an error. Default: the folder's ``labels.json``
        ``label_set``, else the labels found.
    labels_file : str or Path, optional
        For a folder: the labels file, if not ``<folder>/labels.json``.
    text_column, label_column, id_column : int or str
        CSV only: columns by 0-based index (>= 0) or by header name. ``label_column=None`` reads no
        labels, nor does the default ``"labels"`` when the header has no such column; without
        ``id_column`` the header's column named exactly ``id`` holds the ids (as a JSON Lines
        record's ``id`` does), and a file without one (or without a header) has ids
        ``<file stem>-<row number>``.
    label_separator : str, optional
        Split a label cell on this string for multi-label data (e.g. ``"|"``): a CSV label cell,
        or in JSON Lines and Parquet a ``labels`` given as one string (a list is kept as it
        is). Either way an empty cell or string means no label.
    delimiter, quotechar : str
        CSV only: one character each, as in :func:`csv.reader` (a ``.tsv`` file is read with a
        tab unless another delimiter than ``","`` is given). A row with more fields than the
        header (an unquoted delimiter in a text) is an error, not a silent shift of columns.
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
        On an unknown label, a duplicate id, an empty text, an HTML page instead of text, an
        unreadable or wrongly encoded file, an unknown encoding, a missing column, a malformed
        record, a damaged or truncated compressed file, or no article at all; the message names
        the file and the line or record. An article whose text is only page boilerplate is
        kept, with a warning naming it.

    Warns
    -----
    UserWarning
        Once per file, naming the option to check, when the file parses but looks read with
        the wrong options: texts of a word or two beside labels that look like texts (swapped
        ``text_column`` / ``label_column``), a CSV header row whose text or label cell is long
        like an article (pass ``header=False``), UTF-8 read as a one-byte encoding ('Ã¤' for
        'ä'; pass ``encoding='utf-8'``).

    Examples
    --------
    >>> corpus = load_corpus()
    >>> corpus.name
    'shipped'
    """
    label_set, located = _records(
        path, format, label_set, labels_file, encoding,
        CsvOptions(text_column, label_column, id_column, label_separator, delimiter, quotechar,
                   header), look_at=None,
    )
    corpus_name = name or ("shipped" if path is None else plain_stem(path))
    records = list(located)
    if not records:
        raise no_articles(path)
    articles = [article for article, _ in records]
    return Corpus(articles, label_set, corpus_name, origins=[where for _, where in records])


def iter_articles(
    path: str | Path,
    *,
    format: Literal["folder", "jsonl", "csv", "parquet"] | None = None,
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
    on_error: Callable[[CorpusError], None] | None = None,
) -> Iterator[Article]:
    """Read a corpus lazily, one checked article at a time (for corpora that do not fit in memory).

    Takes the options of :func:`load_corpus`. Each article is checked as it is read (non-empty
    unique id, text, no HTML page, labels in ``label_set`` when one is given); memory holds one
    record at a time plus the set of ids seen. With ``on_error``, a record that fails these
    checks is handed to it and skipped, and reading goes on (a file that cannot be parsed any
    further still raises).

    Parameters
    ----------
    path, format, label_set, labels_file, text_column, label_column, id_column, \
label_separator, delimiter, quotechar, header, encoding
        As :func:`load_corpus` (``path`` is required here: no shipped corpus to stream).
    on_error : callable taking a CorpusError, optional
        Called with each record that fails the checks; the record is skipped. None: the first
        such record raises.

    Yields
    ------
    Article

    Warns
    -----
    UserWarning
        As :func:`load_corpus` about the options, judged on the first 200 records (the whole
        file when it is shorter), so a long read warns early.

    Raises
    ------
    CorpusError
        As :func:`load_corpus`, at the record where the problem is.
    """
    _, records = read_checked(
        path, format=format, label_set=label_set, labels_file=labels_file, encoding=encoding,
        on_error=on_error, text_column=text_column, label_column=label_column,
        id_column=id_column, label_separator=label_separator, delimiter=delimiter,
        quotechar=quotechar, header=header,
    )
    for article, _ in records:
        yield article


def read_checked(
    path: str | Path,
    *,
    content: bool = True,
    on_error: Callable[[CorpusError], None] | None = None,
    format: Literal["folder", "jsonl", "csv", "parquet"] | None = None,
    label_set: Sequence[str] | None = None,
    labels_file: str | Path | None = None,
    encoding: str = "utf-8",
    **csv_options: Any,
) -> tuple[RecordChecker, Iterator[tuple[Article, str]]]:
    """The checker and the checked records ``(article, where)`` of a corpus, read lazily.

    :func:`iter_articles` with each record's place (``file:line``) and the
    :class:`~topics.corpus.checks.RecordChecker` that checks them. ``content=False`` leaves out
    the warnings that need the clean text, for a caller that cleans the texts anyway and reports
    them itself (the streamed analysis). The path, format and options are checked at once.
    """
    declared, located = _records(path, format, label_set, labels_file, encoding,
                                 _csv_options(csv_options, f"{path}: reading"))
    checker = RecordChecker(declared, content=content)
    return checker, _checked(located, checker, on_error, path)


def csv_options(reading: Mapping[str, Any]) -> CsvOptions:
    """The CSV options among a corpus' reading options (:func:`read_checked`'s keywords)."""
    others = ("format", "label_set", "labels_file", "encoding")
    return _csv_options({k: v for k, v in reading.items() if k not in others}, "reading")


def _csv_options(options: dict[str, Any], caller: str) -> CsvOptions:
    """The CSV reading options, or an InputError naming the unknown ones."""
    unknown = sorted(set(options) - {f.name for f in dataclasses.fields(CsvOptions)})
    if unknown:
        raise InputError(f"{caller}: unknown option(s) {', '.join(unknown)}; it takes the "
                         "options of topics.load_corpus")
    return CsvOptions(**options)


def _checked(
    located: Iterator[tuple[Article, str]],
    checker: RecordChecker,
    on_error: Callable[[CorpusError], None] | None,
    path: str | Path,
) -> Iterator[tuple[Article, str]]:
    count = 0
    for article, where in located:
        try:
            checker.check(article, where)
        except CorpusError as error:
            if on_error is None:
                raise
            on_error(error)
            count += 1
            continue
        count += 1
        yield article, where
    if not count:
        raise no_articles(path)


def no_articles(path: str | Path) -> CorpusError:
    """The error for a corpus file without a single article."""
    return CorpusError(f"{path}: no articles in it; check the file (an empty file or only blank lines)")


def sample_articles(
    path: str | Path,
    n: int,
    *,
    seed: int = 0,
    format: Literal["folder", "jsonl", "csv", "parquet"] | None = None,
    label_set: Sequence[str] | None = None,
    labels_file: str | Path | None = None,
    encoding: str = "utf-8",
    **csv_options: Any,
) -> list[Article]:
    """``n`` articles drawn uniformly from the whole corpus file, in file order (all if fewer).

    A look at an archive of any size: early and late pages alike (a site's layout changes over
    the years). One pass over the records with reservoir sampling (Vitter's algorithm R,
    ``random.Random(seed)``: the same sample on every machine); only the sampled records are
    checked and cleaned, so the pass costs about a JSON parse per record (0.9 CPU-s for 100,000
    articles of JSON Lines). A sampled record that fails :func:`iter_articles`' checks is left
    out silently (the full read reports it). Takes the options of :func:`load_corpus`; the CSV
    ones (``text_column``, ``label_column``, ``id_column``, ``label_separator``, ``delimiter``,
    ``quotechar``, ``header``) as keywords.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"n={n!r}: give the number of articles to sample, 1 or more")
    declared, located = _records(path, format, label_set, labels_file, encoding,
                                 _csv_options(csv_options, "sample_articles"))
    rng = random.Random(seed)
    reservoir: list[tuple[int, tuple[Article, str]]] = []
    for position, record in enumerate(located):
        if position < n:
            reservoir.append((position, record))
        elif (slot := rng.randrange(position + 1)) < n:
            reservoir[slot] = (position, record)
    checker = RecordChecker(declared)
    sample = []
    for _, (article, where) in sorted(reservoir, key=lambda item: item[0]):
        try:
            checker.check(article, where)
        except CorpusError:
            continue
        sample.append(article)
    return sample


def _records(
    path: str | Path | None,
    format: str | None,
    label_set: Sequence[str] | None,
    labels_file: str | Path | None,
    encoding: str,
    csv_options: CsvOptions,
    look_at: int | None = LOOK_AT,
) -> tuple[Sequence[str] | None, Iterator[tuple[Article, str]]]:
    """The label set to check against and the records of ``path``, lazily; what they hold is
    judged against the options (:class:`~topics.corpus.checks.OptionsLook`) after ``look_at``
    records, or at the end of the file with ``None``."""
    _check_encoding(encoding)
    csv_options.check_label_separator()
    separator = csv_options.label_separator  # splits a label given as one string, any format
    if path is None:
        declared, located = read_folder(shipped_corpus_path(), labels_file, encoding, separator)
        return (label_set if label_set is not None else declared), located
    if not isinstance(path, str | PathLike):
        raise InputError(f"path={path!r}: expected a file or folder path (str or Path), got "
                          f"{type(path).__name__}; pass e.g. 'articles.jsonl'")
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder; check the path")
    kind = format or guess_format(path)
    if kind == "folder":
        if not path.is_dir():
            raise CorpusError(f"{path}: format='folder' but this is a file")
        declared, located = read_folder(path, labels_file, encoding, separator)
        look = OptionsLook(path, labels_column=False, encoding=encoding, limit=look_at)
        return (label_set if label_set is not None else declared), _looked_at(located, look)
    if path.is_dir():
        raise CorpusError(
            f"{path}: cannot read a folder as format={kind!r}; give a file, or format='folder'"
        )
    if kind == "jsonl":
        look = OptionsLook(path, labels_column=False, encoding=encoding, limit=look_at)
        return label_set, _looked_at(read_jsonl(path, encoding, separator), look)
    if kind == "csv":
        csv_options.check()
        look = OptionsLook(path, labels_column=csv_options.label_column is not None,
                           encoding=encoding, limit=look_at)
        return label_set, _looked_at(read_csv(path, csv_options, encoding), look)
    if kind == "parquet":
        if is_compressed(path):
            raise CorpusError(f"{path}: a compressed Parquet file is not read (Parquet compresses "
                              "its pages itself); decompress it")
        return label_set, read_parquet(path, label_separator=separator)
    raise CorpusError(f"{path}: format={kind!r} is unknown; use 'folder', 'jsonl', 'csv' or 'parquet'")


def _looked_at(located: Iterator[tuple[Article, str]],
               look: OptionsLook) -> Iterator[tuple[Article, str]]:
    """The records, each seen by ``look`` on the way (it warns once about the options)."""
    for record in located:
        look.see(record[0])
        yield record
    look.judge()


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise CorpusError(
            f"encoding={encoding!r} is not a known text encoding; use e.g. 'utf-8' or 'latin-1' "
            "(--encoding latin-1)"
        ) from None


def guess_format(path: Path) -> str:
    """A corpus' format from its path: a folder, or a file's suffix (before a compression
    suffix: ``a.jsonl.gz`` is JSON Lines)."""
    if path.is_dir():
        return "folder"
    kind = format_by_name(path)
    if kind:
        return kind
    suffix = plain_suffix(path)
    if path.suffix.lower() in COMPRESSION_SUFFIXES:  # the format is the suffix before it
        before = f"the suffix {suffix!r}" if suffix else "no suffix"
        raise CorpusError(
            f"{path}: cannot tell the format from the name ({before} before {path.suffix!r}); "
            f"name it e.g. articles.jsonl{path.suffix}, or pass format='jsonl' or 'csv'"
        )
    raise CorpusError(
        f"{path}: cannot tell the format from the suffix {suffix!r}; "
        "pass format='folder', 'jsonl', 'csv' or 'parquet'"
    )
