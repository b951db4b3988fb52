"""Writing files so that a fault loses nothing: atomic replacement, writability checked first.

Every file the package writes (run directories, models, sweep summaries, configs, figures) goes
through :func:`atomic_write`: the bytes go to a temporary file beside the target, which replaces
the target only when complete, so a full disk or a kill never leaves a truncated file that looks
complete, and the temporary file is removed on failure. :func:`check_writable` creates and removes
a probe file before long work, so a read-only folder fails at once, not after the work.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from topics.errors import ConfigError, FileAccessError, InputError

__all__ = [
    "atomic_stream",
    "atomic_write",
    "check_could_write",
    "check_not_an_input",
    "check_replaceable",
    "check_table_output",
    "check_writable",
    "describe_os_error",
    "folder_files",
    "folder_for",
    "json_object_of",
    "read_text_inputs",
    "refuse_to_replace",
    "suffix_error",
]


def folder_files(folder: Path, pattern: str) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The entries of ``folder`` matching ``pattern``, sorted: the regular files (or links to
    one), and the others with what they are. Opening a named pipe waits for a writer forever
    (``topics classify FOLDER`` hung on a FIFO named ``z.txt``): a folder's reader never opens
    one, nor a device, a socket or a folder."""
    files, others = [], []
    for path in sorted(folder.glob(pattern)):
        try:
            mode = path.stat().st_mode
        except OSError:  # a dangling link, gone meanwhile: reading names the problem
            files.append(path)
            continue
        if stat.S_ISREG(mode):
            files.append(path)
        else:
            others.append((path, "a named pipe" if stat.S_ISFIFO(mode) else "a folder"
                           if stat.S_ISDIR(mode) else "a socket" if stat.S_ISSOCK(mode)
                           else "a device"))
    return files, others


def json_object_of(path: Path, max_bytes: int) -> dict[str, Any] | None:
    """The JSON object that the regular file ``path`` holds, or None: missing, a folder, larger
    than ``max_bytes``, not UTF-8 JSON (nested too deeply too) or not an object. For telling a
    file the package wrote from a user's (a manifest, a model card), so never an error."""
    import json

    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return None
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def describe_os_error(error: OSError, path: Path | str, doing: str) -> FileAccessError:
    """One clear :class:`FileAccessError` for an ``OSError`` while ``doing`` something at ``path``."""
    if error.errno == errno.ENOSPC:
        why = "the disk is full; free some space and try again"
    elif error.errno == errno.EDQUOT:
        why = "the disk quota is exceeded; free some space and try again"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "no permission to write there (read-only?); choose another place"
    elif error.errno in (errno.ENOTDIR, errno.EEXIST):
        why = "a part of the path is a file, not a folder"
    elif error.errno == errno.EISDIR:
        why = "it is a folder, not a file"
    else:
        why = error.strerror or str(error)
    return FileAccessError(f"{path}: cannot {doing}: {why}")


def _usual_mode(handle: int) -> None:
    """Give a temporary file the mode a new file gets (mkstemp makes it private, 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    with contextlib.suppress(OSError):
        os.fchmod(handle, 0o666 & ~mask)


def read_text_inputs(paths: list[str], what: str) -> list[str]:
    """The text of each file in ``paths`` (``"-"`` reads standard input), UTF-8.

    Parameters
    ----------
    paths : list of str
        Text files, or ``"-"``.
    what : str
        What the texts are for, for the messages (e.g. ``"classify"``).

    Raises
    ------
    topics.errors.FileAccessError
        A file cannot be read or is not UTF-8.
    topics.errors.InputError
        No file is given, or one is empty.
    """
    import sys

    texts = []
    for name in paths:
        shown = "standard input" if name == "-" else name  # as topics classify names it
        try:  # bytes, decoded here: stdin is read like a file, whatever the locale
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as error:
            raise describe_os_error(error, name, "read it") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileAccessError(
                f"{shown}: not UTF-8 text (byte {error.start}); convert it to UTF-8 first (e.g. "
                "iconv -f latin1 -t utf-8)"
            ) from None
        if not text.strip():
            raise InputError(f"{shown} is empty; there is nothing to {what}")
        texts.append(text)
    if not texts:
        raise InputError("no files given; pass one or more text files, or - for stdin")
    return texts


def atomic_write(path: str | Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder, then replace ``path``.

    Parameters
    ----------
    path : str or Path
        The target; its folder is created if needed.
    data : bytes or str
        The content (text is encoded with ``encoding``).

    Returns
    -------
    Path

    Raises
    ------
    FileAccessError
        The folder or file cannot be written (disk full, read-only, ...); no partial file and no
        temporary file is left.
    """
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_stream(path) as file:
        file.write(payload)
    return path


@contextlib.contextmanager
def atomic_stream(path: str | Path) -> Iterator[BinaryIO]:
    """:func:`atomic_write` for output written piece by piece (bounded memory).

    Yields a binary file on a temporary file beside ``path``; on a normal exit it replaces
    ``path``, on any exception it is removed and ``path`` is left as it was.

    Raises
    ------
    FileAccessError
        The folder or file cannot be written; no partial file and no temporary file is left.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise describe_os_error(error, path.parent, "create a file in this folder") from None
    _usual_mode(handle)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise describe_os_error(error, path, "write the file") from None
    except BaseException:
        _remove(temporary)
        raise


def suffix_error(path: Path, suffixes: Sequence[str], example: str,
                 given: str = "") -> ConfigError:
    """The error for an output ``path`` whose suffix is none of ``suffixes`` (the format is read
    from it): an existing folder (a folder is not a file: the example name inside it), a name
    without a suffix, or an unknown suffix; ``given`` names it as the user gave it (with its
    option), ``example`` is a file name to suggest (``tokens.jsonl``)."""
    given = given or str(path)
    accepted = ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
    if path.is_dir():
        return ConfigError(f"{given} is a folder, not a file; give a file name ending in "
                           f"{accepted}, e.g. {path / example}")
    if not path.suffix:
        return ConfigError(f"{given} has no suffix, which says the format; give a file name "
                           f"ending in {accepted}, e.g. {path.with_name(path.name + suffixes[0])}")
    return ConfigError(f"{given}: unknown output suffix {path.suffix!r}; give a file name ending "
                       f"in {accepted}")


def check_writable(folder: str | Path, what: str = "write here") -> Path:
    """Make sure files can be created in ``folder`` (created if missing) before long work.

    Raises
    ------
    FileAccessError
        Naming the folder and why (read-only, a file in the way, disk full).
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".write-probe-")
        os.close(handle)
        os.remove(probe)
    except OSError as error:
        raise describe_os_error(error, folder, what) from None
    return folder


def check_could_write(folder: str | Path, what: str = "write here") -> None:
    """:func:`check_writable` without making anything (a dry run): the nearest folder on the way
    that exists must be a folder this user may write in.

    Raises
    ------
    FileAccessError
        In the words of :func:`describe_os_error`.
    """
    folder = Path(folder)
    existing = next(p for p in (folder, *folder.parents) if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        raise describe_os_error(OSError(errno.ENOTDIR, "not a folder"), folder, what)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise describe_os_error(OSError(errno.EACCES, "read-only"), folder, what)


def guarded(action: Callable[[], object], path: str | Path, doing: str) -> object:
    """Run ``action``; an ``OSError`` becomes one clear :class:`FileAccessError`."""
    try:
        return action()
    except OSError as error:
        raise describe_os_error(error, path, doing) from None


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


#: the files of a folder that its reading as a corpus takes for articles
FOLDER_ARTICLE_SUFFIXES = (".txt", ".jsonl")


def check_not_an_input(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output file that is one of the inputs (replacing it would lose what is read), or
    a ``.txt``/``.jsonl`` file straight in an input folder (its next reading would take the
    output for articles, or refuse the folder).

    Raises
    ------
    ConfigError
        Naming the output and the input it would replace.
    """
    for source in inputs:
        if str(source) == "-":
            continue
        if Path(output).suffix.lower() in FOLDER_ARTICLE_SUFFIXES and _same(Path(output).parent,
                                                                            source):
            raise ConfigError(f"{output}: the output file is in the corpus folder {source}, whose "
                              f"every {Path(output).suffix} file is read as articles; choose an "
                              "output outside it")
        if _same(output, source):
            raise ConfigError(f"{output}: the output file is the input {source}; writing it would "
                              "replace what is being read; choose another output file")


def _same(path: str | Path, other: str | Path) -> bool:
    try:
        return os.path.samefile(path or ".", other)
    except (OSError, ValueError):  # one of them does not exist (yet), or a bad name
        return False


def refuse_to_replace(output: str | Path, ours: Callable[[Path], bool], what: str,
                      option: str = "") -> None:
    """Refuse to write over an existing file that this kind of output did not write: ``ours``
    recognises one from the file (an earlier output is replaced), ``what`` names the kind ("an
    output of topics classify"), ``option`` the command-line option that gave the file
    (``--output``). A missing or empty file passes, and so does one that cannot be read (the write
    names that problem).

    Raises
    ------
    ConfigError
        Naming the file: writing would replace what it holds.
    """
    path = Path(output)
    try:
        if not path.is_file() or path.stat().st_size == 0 or ours(path):
            return
    except OSError:
        return
    given, other = ((f"{option} {output}", f"give another {option}") if option
                    else (str(output), "choose another file"))
    raise ConfigError(f"{given} exists and is not {what}; writing would replace what it holds: "
                      f"move it away or {other}")


def check_replaceable(output: str | Path, ours: Callable[[list[str]], bool], what: str,
                      option: str = "") -> None:
    """:func:`refuse_to_replace` for a table: ``ours`` judges its column names
    (:func:`_first_columns`); a suffix of no table format passes.

    Raises
    ------
    ConfigError
        Naming the file: writing would replace what it holds.
    """
    def a_table_of_ours(path: Path) -> bool:
        columns = _first_columns(path)
        return columns is None or ours(columns)

    refuse_to_replace(output, a_table_of_ours, what, option)


def check_table_output(output: str | Path, source: Any, columns: list[str], doing: str,
                       what: str = "") -> None:
    """Before the work: an output table that is not the input ``source`` (a path; articles
    pass) nor in its folder, replaces only a table of these ``columns`` (or an empty file; named
    ``what`` in the refusal, by default by its columns), and goes to a folder this user may
    write in.

    Raises
    ------
    ConfigError, FileAccessError
        Naming the file and what to do.
    """
    if isinstance(source, str | Path):
        check_not_an_input(output, [source])
    check_replaceable(output, lambda names: names == columns,
                      what or f"a file of {', '.join(columns)}")
    check_writable(Path(output).parent, doing)


def _first_columns(path: Path) -> list[str] | None:
    """The column names of a table file: a CSV header, the keys of the first JSON line, a Parquet
    schema ([] when unreadable as such); None for another suffix."""
    import csv
    import json

    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            try:
                import pyarrow.parquet as pq
            except ImportError:  # the writer says how to add pyarrow
                return None
            return list(pq.read_schema(path).names)
        if suffix not in (".csv", ".jsonl", ".ndjson"):
            return None
        with path.open(encoding="utf-8", newline="") as file:
            if suffix == ".csv":
                return next(csv.reader(file), [])
            row = json.loads(next((line for line in file if line.strip()), "{}"))
            return list(row) if isinstance(row, dict) else []
    except (OSError, ValueError, csv.Error, RecursionError):  # not a table we wrote
        return []


@contextlib.contextmanager
def folder_for(folder: Path, what: str = "write here") -> Iterator[Path]:
    """:func:`check_writable` for the work in the ``with`` block; if the work (or the check)
    fails, take out the folders this made that are still empty: a failed command leaves no
    empty output folder behind."""
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        yield check_writable(folder, what)
    except BaseException:
        for path in made:  # deepest first
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        raise
