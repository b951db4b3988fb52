"""What ``topics classify`` reads: files, stdin, folders and corpus files, one text at a time.

:func:`iter_inputs` turns what a user names into texts: a text file is one article; ``-`` is
standard input, read as bytes and decoded like a file; a folder is its ``.txt`` files (and
``.jsonl`` corpora); a ``.csv``/``.tsv``/``.jsonl``/``.ndjson``/``.parquet`` file is a corpus,
streamed with :func:`topics.corpus.iter_articles` (the options of :func:`topics.load_corpus`); each
of them compressed with gzip, bz2 or xz (``articles.jsonl.gz``, ``page.txt.xz``) is decompressed
as it is read (:mod:`topics.corpus.compression`). An
input that cannot be classified — unreadable, not text in the given encoding (Latin-1, UTF-16,
binary), empty, an HTML page, larger than the size limit — becomes a :class:`Problem` that says
why, and reading goes on.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from topics.corpus.compression import (
    compression_of,
    decompressed_bytes,
    format_by_name,
    open_decompressed,
)
from topics.corpus.folders import article_files
from topics.errors import ConfigError, CorpusError, InputError, counted
from topics.termination import raise_if_requested

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Delegate",
    "Item",
    "Problem",
    "ReadOptions",
    "after_cleaning",
    "chunks",
    "input_paths",
    "iter_inputs",
    "too_big",
]

DEFAULT_MAX_BYTES = 5_000_000  # one article: a news article is 5-50 kB
_CHUNK_TEXTS, _CHUNK_CHARS = 512, 2_000_000
STDIN_LOOK = 1 << 20  # bytes of standard input read to tell piped JSON Lines from an article
_CONTROL = set(range(0, 32)) - {9, 10, 11, 12, 13}


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read: text encoding, the size limit of one article, corpus options."""

    encoding: str = "utf-8"
    max_bytes: int = DEFAULT_MAX_BYTES
    corpus: Mapping[str, Any] = field(default_factory=dict)  # iter_articles options


@dataclass(frozen=True)
class Item:
    """One text to classify: its id (file name or record id), where it came from, the text, for
    a corpus record its place (``file:line``), which its warnings name, and the labels it came
    with (which ``suggest-labels`` carries into its file for review)."""

    id: str
    source: str
    text: str
    where: str = ""
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """An input (or record) that could not be classified, and why."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


# ------------------------------------------------------------------------------------------------
# reading


def decode(data: bytes, source: str, encoding: str) -> str | Problem:
    """Bytes -> text, or a :class:`Problem` that says what the bytes look like instead."""
    hint = f"pass --encoding (e.g. --encoding latin-1) if {source} is text in another encoding"
    wide = encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32"))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and not wide:
        return Problem(source, "is UTF-16 text (byte-order mark); pass --encoding utf-16")
    sample = data[:4096]
    if b"\x00" in sample and not wide:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = max(len(sample) // 2, 1)
        if max(even, odd) > 0.3 * half and min(even, odd) < 0.02 * half:
            return Problem(source, "looks like UTF-16 text (every other byte is zero); "
                           "pass --encoding utf-16")
        return Problem(source, "is binary data (NUL bytes), not text")
    if data.startswith(b"\xef\xbb\xbf") and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        data = data[3:]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        return Problem(
            source,
            f"is not valid {encoding} (byte 0x{data[error.start]:02x} at offset {error.start}); "
            f"{hint}",
        )
    except LookupError:
        raise ConfigError(f"--encoding {encoding!r} is not a known text encoding") from None
    sample = text[:8192]
    if sample and sum(ord(c) in _CONTROL for c in sample) * 100 > len(sample):
        return Problem(source, "is binary data (control characters), not text")
    return text


def check_text(text: str, source: str, content: bool = True) -> str | Problem:
    """The text if it can be classified; else why not (empty, HTML, and with ``content`` only
    boilerplate: see :func:`after_cleaning`)."""
    from topics.text.cleaning import clean_text, looks_like_markup

    if not text.strip():
        return Problem(source, "is empty; there is nothing to classify")
    if looks_like_markup(text):
        return Problem(source, "is an HTML page, not article text; extract the text first "
                       "(e.g. with trafilatura)")
    if content:
        problem = after_cleaning(Item(source, source, text), clean_text(text))
        if isinstance(problem, Problem):
            return problem
    return text


def after_cleaning(
    item: Item, clean: str, german: bool | None = None
) -> Problem | tuple[str, str | None, str] | None:
    """The look at an item's clean text that :func:`iter_inputs` leaves out with
    ``content=False``, for a caller that cleans the texts anyway.

    A file of only page boilerplate cannot be classified (a :class:`Problem`). A corpus record is
    classified either way; what :func:`~topics.corpus.checks.content_problem` finds in it is a
    warning, returned as ``(where, kind, message)`` for
    :meth:`~topics.corpus.checks.RecordChecker.report`. ``german`` is
    ``looks_german(clean)`` when the caller has it.
    """
    from topics.corpus.checks import content_problem

    if not item.where:
        if clean:
            return None
        return Problem(item.source,
                       "holds only page boilerplate (captions, markers); no article text")
    problem = content_problem(item.id, item.text, clean, german)
    return None if problem is None else (item.where, *problem)


def too_big(size: int, source: str, limit: int, record: bool = False) -> Problem:
    """The problem of a text larger than the size limit of one article; a corpus ``record``'s
    (``source`` then names its line) is already in a streamed file, so only the limit is said."""
    advice = ("If" if record else "A corpus belongs in a CSV or JSON Lines file, which is "
              "streamed; if")
    return Problem(
        source,
        f"is {_size(size)}, over the {_size(limit)} limit for one article (news "
        f"articles are 5-50 kB; one huge text takes gigabytes to classify). {advice} this "
        "really is one text, raise the limit with --max-size",
    )


def stdin_entries(options: ReadOptions, content: bool = True) -> Iterator[Item | Problem]:
    """Standard input: a corpus when ``--format`` names one or when its first line is a JSON
    object with a ``text`` (piped JSON Lines), else one article (:func:`read_stdin`). Input
    compressed with gzip, bz2 or xz (``topics classify - < a.jsonl.gz``) is read as the
    compressed file would be, its first line looked at decompressed.

    A corpus is copied to a temporary file (it can be of any size) and read as that format
    would be; its records and messages name ``standard input``.
    """
    head = _read_stdin(STDIN_LOOK, options.encoding)
    compressed = compression_of(head) is not None  # told once decompressed, below
    kind = options.corpus.get("format") or (
        "jsonl" if not compressed and _json_lines(head) else None)
    if kind is None and not compressed:
        yield read_stdin(options, content, head)
        return
    if kind == "folder":
        yield Problem("standard input", "cannot be a folder; --format folder needs a folder")
        return
    with tempfile.TemporaryDirectory(prefix="topics-stdin-") as folder:
        spooled = _spool(head, Path(folder) / f"stdin.{kind or 'txt'}", options)
        if kind is None:
            kind = "jsonl" if _decompressed_json_lines(spooled) else None
        if kind is None:  # one compressed article
            entry = read_file(spooled, options, str(spooled), content)
            yield replace(entry, id="-", source="-") if isinstance(entry, Item) else _named_stdin(
                entry, str(spooled))
            return
        for entry in _read_corpus(spooled, kind, options, content):
            yield _named_stdin(entry, str(spooled))


def _spool(head: bytes, spooled: Path, options: ReadOptions) -> Path:
    """``spooled``, holding ``head`` and the rest of standard input."""
    with spooled.open("wb") as file:
        file.write(head)
        while block := _read_stdin(1 << 20, options.encoding):
            file.write(block)
    return spooled


def _decompressed_json_lines(spooled: Path) -> bool:
    """Whether compressed standard input's first line decompressed is a JSON object with a
    ``text`` (a damaged stream is read as one article, whose reading says so)."""
    try:
        with open_decompressed(spooled) as file:
            return _json_lines(file.read(STDIN_LOOK))
    except CorpusError:
        return False


def _read_stdin(size: int, encoding: str) -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return stream.read(size)
    # a text stream without a buffer (tests, embedding): already decoded
    return sys.stdin.read(size).encode(encoding, "surrogateescape")


def _json_lines(head: bytes) -> bool:
    """Whether the first line of ``head`` is a JSON object with a ``text``: JSON Lines."""
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    if not first.startswith(b"{"):  # no article starts with a brace
        return False
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to be an article
        return False
    return isinstance(record, dict) and "text" in record


def _named_stdin(entry: Item | Problem, spooled: str) -> Item | Problem:
    if isinstance(entry, Problem):
        # a damaged file's message offers a command that tests the file: none tests stdin
        message = re.sub(rf" \(`\w+ -t {re.escape(spooled)}` tests it\)", "", entry.message)
        return Problem("standard input", message.replace(spooled, "standard input"))
    return replace(entry, source="-", where=entry.where.replace(spooled, "standard input"))


def _size(n: int) -> str:
    """A byte count as people read it: ``5.0 MB``, ``10 kB``, ``512 bytes``."""
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} MB"
    return f"{n / 1e3:.0f} kB" if n >= 1000 else counted(n, "byte")


def read_stdin(options: ReadOptions, content: bool = True, head: bytes = b"") -> Item | Problem:
    """Standard input as one article: read as bytes (after ``head``, already read), decoded
    like a file."""
    data = head + _read_stdin(max(options.max_bytes + 1 - len(head), 0), options.encoding)
    if len(data) > options.max_bytes:
        return too_big(len(data), "standard input", options.max_bytes)
    text = decode(data, "standard input", options.encoding)
    if isinstance(text, Problem):
        return text
    checked = check_text(text, "standard input", content)
    return checked if isinstance(checked, Problem) else Item("-", "-", checked)


def read_file(
    path: Path, options: ReadOptions, source: str | None = None, content: bool = True
) -> Item | Problem:
    """One text file as one article (decompressed if it is compressed)."""
    source = source or str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            return too_big(size, source, options.max_bytes)
        data = _decompressed(path.read_bytes(), source, options)
    except OSError as error:
        return Problem(source, f"cannot be read ({error.strerror or error})")
    if isinstance(data, Problem):
        return data
    text = decode(data, source, options.encoding)
    if isinstance(text, Problem):
        return text
    checked = check_text(text, source, content)
    return checked if isinstance(checked, Problem) else Item(source, source, checked)


def _decompressed(data: bytes, source: str, options: ReadOptions) -> bytes | Problem:
    """A text file's bytes, decompressed if they are compressed (the file is read once); or why
    not (damaged, or past the size limit of one article once decompressed: decompressed no
    further than that)."""
    try:
        plain = decompressed_bytes(data, source, options.max_bytes)
    except CorpusError as error:
        return Problem(source, str(error).removeprefix(f"{source}: "))
    if plain is not data and len(plain) > options.max_bytes:  # a plain file's size was checked
        return Problem(source, f"is over the {_size(options.max_bytes)} limit for one article "
                       "once decompressed; if this really is one text, raise the limit with "
                       "--max-size")
    return plain


def _read_corpus(
    path: Path, kind: str, options: ReadOptions, content: bool
) -> Iterator[Item | Problem]:
    from topics.corpus.readers import read_checked

    skipped: list[Problem] = []

    def on_error(error: CorpusError) -> None:
        skipped.append(Problem(str(path), str(error).removeprefix(f"{path}: ")))

    corpus_options = {k: v for k, v in options.corpus.items() if k != "format"}
    try:
        _, records = read_checked(path, format=kind, encoding=options.encoding, content=content,
                                  on_error=on_error, **corpus_options)
        for article, where in records:
            yield from skipped
            skipped.clear()
            size = len(article.text.encode("utf-8", "surrogatepass"))
            if size > options.max_bytes:
                yield too_big(size, f"{where}: record {article.id!r}", options.max_bytes, True)
                continue
            yield Item(article.id, str(path), article.text, where, article.labels)
        yield from skipped
    except CorpusError as error:
        yield from skipped
        yield Problem(str(path), f"reading stopped: {str(error).removeprefix(f'{path}: ')}")


def _corpus_entries(
    path: Path, kind: str, options: ReadOptions, content: bool, delegate: Delegate | None
) -> Iterator[Item | Problem | Any]:
    parts = delegate.corpus(path, kind) if delegate is not None else None
    yield from parts if parts is not None else _read_corpus(path, kind, options, content)


def input_paths(paths: Any) -> list[str]:
    """``paths`` as a list of names: one path (str or Path) is one input, not its letters."""
    if isinstance(paths, str | Path):
        return [str(paths)]
    if paths is None or isinstance(paths, bytes) or not isinstance(paths, Iterable):
        raise InputError(
            f"expected input paths (a list of files, folders, corpus files or '-'), got "
            f"{type(paths).__name__}"
        )
    return [str(p) for p in paths]


class Delegate(Protocol):
    """Takes inputs off :func:`iter_inputs`' reading: what a method returns (parts that others
    read, such as :class:`~topics.classifier.worker_inputs.CorpusRange`) comes in their place;
    ``None`` leaves them to this reading."""

    def corpus(self, path: Path, kind: str) -> Iterator[Any] | None:
        """A corpus file (``kind``: ``"jsonl"``, ``"csv"`` or ``"parquet"``)."""

    def text_files(self, files: list[Path]) -> Iterator[Any] | None:
        """Text files, in order: a folder's ``.txt`` files, or files named one after another."""


def iter_inputs(
    paths: Sequence[str], options: ReadOptions, *, content: bool = True,
    delegate: Delegate | None = None,
) -> Iterator[Item | Problem | Any]:
    """Every text named by ``paths`` (files, ``-``, folders, corpus files), one at a time.

    ``content=False`` leaves the look at each clean text (:func:`after_cleaning`) to a caller
    that cleans the texts anyway, so that no text is cleaned twice. A ``delegate`` may take
    corpus files and folders' text files off this reading (:class:`Delegate`).
    """
    paths = input_paths(paths)
    if not paths:
        raise InputError("no inputs given; pass text files, a folder, a corpus file, or - for stdin")
    forced = options.corpus.get("format")
    runs = itertools.groupby(paths, key=lambda name: _is_text_file(name, forced))
    for is_text_file, names in runs:
        if is_text_file:  # text files named one after the other: read as a folder's are
            yield from _text_file_entries([Path(name) for name in names], options, content,
                                          delegate)
            continue
        for name in names:
            path = Path(name)
            if name == "-":
                yield from stdin_entries(options, content)
            elif path.is_dir():
                (files, odd), (corpora, odd_corpora) = (article_files(path, "*.txt"),
                                                        article_files(path, "*.jsonl"))
                if not files and not corpora:
                    yield Problem(name, "is a folder without .txt or .jsonl files")
                for other, kind in odd + odd_corpora:  # a named pipe: waited on forever
                    yield Problem(str(other), f"is {kind}, not a text file")
                yield from _text_file_entries(files, options, content, delegate)
                for corpus in corpora:
                    yield from _corpus_entries(corpus, "jsonl", options, content, delegate)
            elif not path.exists():
                yield Problem(name, "no such file or folder")
            elif forced or format_by_name(path):
                kind = forced or format_by_name(path)
                yield from _corpus_entries(path, kind, options, content, delegate)
            else:  # a text file (one that appeared after the look above)
                yield read_file(path, options, content=content)


def _is_text_file(name: str, forced: str | None) -> bool:
    """Whether an input is read as one text: a file that is not a corpus file."""
    if name == "-" or forced:
        return False
    path = Path(name)
    return format_by_name(path) is None and path.exists() and not path.is_dir()


def _text_file_entries(files: list[Path], options: ReadOptions, content: bool,
                       delegate: Delegate | None) -> Iterator[Item | Problem | Any]:
    parts = delegate.text_files(files) if delegate is not None and files else None
    if parts is not None:
        yield from parts
    else:
        for file in files:
            yield read_file(file, options, content=content)


def chunks(items: Iterator[Item | Problem | Any]) -> Iterator[list[Item | Problem] | Any]:
    """Lists of bounded size of the items and problems, in input order: a chunk's problems are
    reported with the rest of what its classification finds, so every message comes in input
    order. A part that another process reads (a ``delegate``'s, :func:`iter_inputs`) ends the
    chunk before it and comes alone. Each entry is a checkpoint for a signal (SIGTERM, Ctrl-C)
    whose exception library code swallowed (:mod:`topics.termination`)."""
    chunk: list[Item | Problem] = []
    chars = 0
    for item in items:
        raise_if_requested()
        if not isinstance(item, Item | Problem):
            if chunk:
                yield chunk
                chunk, chars = [], 0
            yield item
            continue
        chunk.append(item)
        chars += len(item.text) if isinstance(item, Item) else 0
        if len(chunk) >= _CHUNK_TEXTS or chars >= _CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk
