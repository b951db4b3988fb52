"""The inputs of ``topics classify`` that the Dask workers read themselves.

With ``workers_read`` the client does not read a folder's ``.txt`` files: it hands them to tasks
in groups (:class:`TextFileGroup`, each read as the client reads a file, :func:`read_text_files`).
Nor does it read a JSON Lines or CSV corpus input (one of :data:`SMALL_INPUT_BYTES` at least: a
task would cost the client more than a smaller one): it cuts it into ranges of lines
(:func:`topics.corpus.worker_reading.line_ranges`, a scan for line breaks) or of records
(:func:`topics.corpus.csv_ranges.csv_ranges`, a pass of :mod:`csv`'s reader) and hands each range
to a task, which reads, checks and classifies its records (:func:`read_range`, then the batch's
classification). A Parquet input it decodes, a record batch per range
(:func:`topics.corpus.worker_reading.parquet_rows`), for a task to check and classify. The client
then checks the ids across ranges and stops the file where its own reading would have stopped
(:class:`RangeJoiner`), so the output and every message are those of the client's reading
(:func:`~.sources.iter_inputs`): a record
that cannot be classified is a :class:`~.sources.Problem` and reading goes on; a line that is not
JSON (a row that is not CSV) or not in the encoding stops the file.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from topics.classifier.sources import Item, Problem, ReadOptions, read_file, too_big
from topics.corpus.checks import RecordChecker
from topics.corpus.compression import is_compressed
from topics.corpus.csv_ranges import csv_ranges
from topics.corpus.readers import csv_options, no_articles
from topics.corpus.worker_reading import (
    LineRange,
    Part,
    UnreadFile,
    gone_message,
    line_break_is_byte,
    line_ranges,
    parquet_rows,
    read_part,
    unread_message,
)
from topics.errors import CorpusError

__all__ = [
    "ClassifiedRange", "CorpusRange", "Joined", "RangeEntries", "RangeJoiner", "TextFileGroup",
    "UnseenFile", "corpus_ranges", "read_range", "read_text_files", "said_here",
    "text_file_groups", "workers_should_read",
]

# a task's lines and bytes, as a chunk of the client's reading ends at 512 texts or 2 million
# characters: a worker's memory holds one range of a file of any record sizes
_RANGE_LINES, _RANGE_BYTES = 512, 2_000_000
#: A smaller corpus input is read by the client: a task costs the client more than reading it
#: (8,000 articles as 2,000 .jsonl files on 2 workers: 14.8 s wall and 7.2 CPU-s of the client's
#: with a task per file, 4.3 s and 0.63 now; ``bench_classifier.py --only cluster_file``)
SMALL_INPUT_BYTES = 1 << 18


@dataclass(frozen=True)
class CorpusRange:
    """Lines of a JSON Lines input, records of a CSV input or decoded rows of a Parquet input,
    for a worker; ``last``: the file's last range; ``reading``: which reading of the file (an
    input named twice is read twice)."""

    part: Part
    source: str  # the file as the client's reading names it
    last: bool
    reading: int = 0


class RangeEntries(NamedTuple):
    """What a task read in its range: the entries in order (items and problems), the ids the
    reading took ``(entry index, id, where)`` for the client to check across ranges, the records
    read (for "no articles"), and the message that stopped the file, if any."""

    entries: list[Item | Problem]
    taken: list[tuple[int, str, str]]
    records: int
    stop: str | None
    unread: tuple[str, str, str] | None = None  # the file the task could not open, if that
    # stopped it (path, name, reason): the client says why (unread_message)


@dataclass(frozen=True)
class TextFileGroup:
    """Text files (a folder's, or files named one after another), read by a worker: the paths
    it opens (absolute) and the names the client's reading gives them."""

    paths: tuple[str, ...]
    sources: tuple[str, ...]


def text_file_groups(files: list[Path], options: ReadOptions) -> Iterator[TextFileGroup] | None:
    """The groups of :func:`_text_file_groups`; ``None`` (the client reads the files, and says
    what is wrong) when the encoding is not one Python knows."""
    try:
        codecs.lookup(options.encoding)
    except LookupError:
        return None
    return _text_file_groups(files)


def _text_file_groups(files: list[Path]) -> Iterator[TextFileGroup]:
    """Text files in groups of 512 files and about 2 MB (their sizes as listed)."""
    group: list[Path] = []
    size = 0
    for file in files:
        group.append(file)
        with suppress(OSError):  # the worker's reading says what is wrong with it
            size += file.stat().st_size
        if len(group) >= _RANGE_LINES or size >= _RANGE_BYTES:
            yield _text_files(group)
            group, size = [], 0
    if group:
        yield _text_files(group)


def _text_files(group: list[Path]) -> TextFileGroup:
    roots: dict[Path, Path] = {}  # each folder resolved once: a system call per part of a path
    paths = []
    for file in group:
        root = roots.get(file.parent)
        if root is None:
            root = roots[file.parent] = file.parent.resolve()
        paths.append(str(root / file.name))
    return TextFileGroup(tuple(paths), tuple(str(f) for f in group))


def read_text_files(task: TextFileGroup, options: ReadOptions) -> list[Item | Problem]:
    """One task's files, each as the client's reading gives it (an item or a problem); a file
    this worker cannot see says so."""
    entries: list[Item | Problem] = []
    for path, source in zip(task.paths, task.sources, strict=True):
        if not Path(path).exists():
            entries.append(UnseenFile(source, f"cannot be read by a Dask worker at {path}; the "
                                              "workers must see the inputs at the same path "
                                              "(shared storage), or pass workers_read=False "
                                              "(--no-workers-read)", path))
            continue
        entries.append(read_file(Path(path), options, source=source, content=False))
    return entries


@dataclass(frozen=True)
class UnseenFile(Problem):
    """A text file a Dask worker did not find at ``path``: it says so as a shared-storage
    problem; the client, which alone can tell, says whether it is gone (:func:`said_here`)."""

    path: str = ""


def said_here(problem: Problem) -> Problem:
    """A worker's problem as the client says it: a text file the worker did not find and this
    machine does not see either is missing, not a matter of shared storage."""
    if not isinstance(problem, UnseenFile):
        return problem
    gone = gone_message(problem.path, problem.source)
    message = problem.message if gone is None else gone.removeprefix(f"{problem.source}: ")
    return Problem(problem.source, message)


def workers_should_read(path: Path, kind: str, options: ReadOptions) -> bool:
    """Whether the workers should read this corpus input: JSON Lines or CSV in a known encoding
    whose line break is the byte ``\\n``, not compressed (not cut into byte ranges: the client
    reads it, and the workers classify its chunks), in a file this process can open (else the
    client's own reading says what is wrong) of at least :data:`SMALL_INPUT_BYTES`."""
    if kind not in ("jsonl", "csv") or not line_break_is_byte(options.encoding):
        return False
    if is_compressed(path):
        return False
    try:
        with path.open("rb") as file:
            return file.seek(0, io.SEEK_END) >= SMALL_INPUT_BYTES
    except OSError:
        return False


def corpus_ranges(path: Path, reading: int, lines: int | None = None, kind: str = "jsonl",
                  options: ReadOptions | None = None) -> Iterator[CorpusRange]:
    """The ranges of a JSON Lines, CSV or Parquet input (``lines`` lines, records or rows each,
    default 512, and ending at the first line or record end past 2 MB, or where a Parquet row's
    text would pass it), the last one marked; one empty range for an empty file (its reading
    says "no articles")."""
    size = lines or _RANGE_LINES
    options = options or ReadOptions()
    if kind == "csv":
        parts: Iterator[Part] = csv_ranges(path, csv_options(options.corpus), options.encoding,
                                           size, max_bytes=_RANGE_BYTES)
    elif kind == "parquet":
        parts = parquet_rows(path, size, max_bytes=_RANGE_BYTES)
    else:
        parts = line_ranges(path, size, max_bytes=_RANGE_BYTES)
    previous = None
    for part in parts:
        if previous is not None:
            yield CorpusRange(previous, str(path), False, reading)
        previous = part
    empty = LineRange(0, 0, 1, str(path.resolve()), str(path))
    yield CorpusRange(previous or empty, str(path), True, reading)


def read_range(task: CorpusRange, options: ReadOptions) -> RangeEntries:
    """One task's reading: the entries of its lines as the client's reading gives them."""
    checker = RecordChecker(None, content=False)  # the record checks; the client checks the ids
    entries: list[Item | Problem] = []
    taken: list[tuple[int, str, str]] = []
    records = 0
    try:
        for article, where in read_part(task.part, options.encoding):
            records += 1
            entries.append(_entry(article, where, task.source, checker, taken, len(entries),
                                  options))
    except CorpusError as exc:  # a line not JSON or not in the encoding: the file stops there
        unread = (exc.path, exc.name, exc.reason) if isinstance(exc, UnreadFile) else None
        return RangeEntries(entries, taken, records, _unprefixed(exc, task.source), unread)
    return RangeEntries(entries, taken, records, None)


def _entry(article, where: str, source: str, checker: RecordChecker,
           taken: list[tuple[int, str, str]], index: int, options: ReadOptions) -> Item | Problem:
    """A record as the client's reading gives it: checked (the id first, then taken, as
    :meth:`RecordChecker.check` takes it; whether it repeats an earlier one only the client can
    say, since a repeated id is not taken), its size limited."""
    try:
        RecordChecker(None, content=False).check_id(article.id, where)  # empty or not a string
        taken.append((index, article.id, where))
        checker.check_record(article, where)
    except CorpusError as exc:
        return Problem(source, _unprefixed(exc, source))
    size = len(article.text.encode("utf-8", "surrogatepass"))
    if size > options.max_bytes:
        return too_big(size, f"{where}: record {article.id!r}", options.max_bytes, True)
    return Item(article.id, source, article.text, where, article.labels)


def _unprefixed(error: CorpusError, source: str) -> str:
    return str(error).removeprefix(f"{source}: ")


class ClassifiedRange(NamedTuple):
    """A range's entries classified: the output rows and the notes (problems, a record's
    warnings), each with the index of its entry, and what the reading found
    (:class:`RangeEntries`, without the entries: their texts stay on the worker)."""

    task: CorpusRange
    rows: list  # dicts, their output lines (:class:`~.outputs.EncodedRow`), or suggestions
    row_at: list[int]
    notes: list
    note_at: list[int]
    read: RangeEntries


class Joined(NamedTuple):
    """A range as the client's reading gives it: its rows and notes in input order, the entries
    whose id repeats an earlier one (the client's reading skips them), and whether the range
    comes after the line that stopped its file (then nothing of it counts)."""

    rows: list
    notes: list
    dropped: frozenset[int]
    skipped: bool = False


class RangeJoiner:
    """The client's side: checks the ids of each reading across its ranges (a duplicate replaces
    its entry's row and notes by the problem the client's reading gives), stops a reading where
    the client's reading stops, and says "no articles" for an empty file."""

    def __init__(self) -> None:
        self._checkers: dict[int, RecordChecker] = {}
        self._records: dict[int, int] = {}
        self._stopped: set[int] = set()

    def join(self, done: ClassifiedRange) -> tuple[list[dict], list]:
        """The rows and the notes of one range, in input order."""
        joined = self.joined(done)
        return joined.rows, joined.notes

    def joined(self, done: ClassifiedRange) -> Joined:
        """One range joined to the ranges before it (:class:`Joined`)."""
        task, read = done.task, done.read
        if task.reading in self._stopped:  # after the line that stopped it: nothing
            return Joined([], [], frozenset(), skipped=True)
        checker = self._checkers.setdefault(task.reading, RecordChecker(None, content=False))
        dropped: dict[int, Problem] = {}
        for index, article_id, where in read.taken:
            try:
                checker.check_id(article_id, where)
            except CorpusError as exc:
                dropped[index] = Problem(task.source, _unprefixed(exc, task.source))
        rows = [row for row, at in zip(done.rows, done.row_at, strict=True) if at not in dropped]
        placed = [(at, note) for note, at in zip(done.notes, done.note_at, strict=True)
                  if at not in dropped]
        notes = [note for _, note in sorted([*placed, *dropped.items()], key=lambda p: p[0])]
        self._records[task.reading] = self._records.get(task.reading, 0) + read.records
        if read.stop is not None:
            self._stopped.add(task.reading)
            stop = read.stop if read.unread is None else (
                unread_message(*read.unread).removeprefix(f"{task.source}: "))
            notes.append(Problem(task.source, f"reading stopped: {stop}"))
        elif task.last and not self._records[task.reading]:
            empty = _unprefixed(no_articles(task.source), task.source)
            notes.append(Problem(task.source, f"reading stopped: {empty}"))
        return Joined(rows, notes, frozenset(dropped))
