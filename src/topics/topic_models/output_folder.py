"""The output folder of ``topics stream-nmf``: one fit's files put in place so that a kill at any
moment leaves a complete fit that is found again.

A fit writes its files (:data:`OUTPUT_FILES`) into a hidden folder inside the output folder
(``.stream-nmf-*``, :func:`staged_output`), which the live command holds locked. When all are
written, a marker file (:data:`READY`) written atomically makes them *the* fit: from then on the
staged folder holds a complete fit whatever happens. Then the earlier fit's files are moved aside
into ``.earlier`` inside it, the new ones renamed into the output folder (renames within one
folder: nothing is copied or half written, and the output folder never holds two fits' files),
and the staged folder is removed, the earlier fit first and the marker last.

A kill (SIGKILL, the out-of-memory killer, a batch system's time limit) between these renames
left the output folder with files missing and the staged folder behind. :func:`finish_interrupted`
finds such a folder (the marker, or ``.earlier``, which older versions made before their renames)
and finishes its renames: ``topics stream-nmf`` at its start (:func:`staged_output`), and the
loader of a streamed model (``topics assign OUTPUT/model``) before it reads, each with a warning.
A staged folder without either is what a fit killed before it was complete left: it holds no
earlier fit, and the next ``topics stream-nmf`` removes it, unless a live command holds it or it
is under a minute old. Where the renames cannot be finished (a read-only folder), the error names
the folder that holds the complete fit and what to do; nothing that is the only copy of a fit is
ever deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from topics.errors import FileAccessError
from topics.fileio import atomic_write, check_writable, describe_os_error

__all__ = ["OUTPUT_FILES", "PREFIX", "READY", "finish_interrupted", "staged_output",
           "unfinished"]

#: what `topics stream-nmf` writes into its output folder
OUTPUT_FILES = ("assignments.jsonl", "topics.csv", "metrics.json", "model")
PREFIX = ".stream-nmf-"  # the staged folders inside an output folder
READY = ".ready.json"  # in a staged folder: its files are a complete fit, being put in place
EARLIER = ".earlier"  # in a staged folder: the earlier fit's files, moved aside
YOUNG = 60.0  # seconds: a staged folder younger than this may be a fit just starting


def _replace(source: Path, target: Path) -> None:
    """One rename (a step that a test stops the process at)."""
    os.replace(source, target)


def _locked(staging: Path, wait: float = 0.0) -> int | None:
    """An open descriptor of ``staging`` holding its lock, or ``None`` if a live command holds
    it (after ``wait`` seconds). Where locks are not available, every folder counts as free."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock to ask
        return os.open(staging, os.O_RDONLY)
    handle = os.open(staging, os.O_RDONLY)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except OSError:
            if time.monotonic() >= deadline:
                os.close(handle)
                return None
            time.sleep(0.05)


def _committed(staging: Path) -> bool:
    """Whether a staged folder holds a complete fit: its marker, or the ``.earlier`` folder an
    older version made just before its renames."""
    return (staging / READY).is_file() or (staging / EARLIER).is_dir()


def unfinished(folder: Path) -> list[Path]:
    """The staged folders in ``folder`` whose complete fit was being put in place when its
    command stopped (or is being put in place now)."""
    try:
        return sorted(p for p in folder.glob(f"{PREFIX}*") if p.is_dir() and _committed(p))
    except OSError:
        return []


def finish_interrupted(folder: Path, *, wait: float = 0.0, clean: bool = True,
                       check: Callable[[Path], None] | None = None) -> list[str]:
    """Put in place the complete fit of each staged folder in ``folder`` whose command stopped
    in the middle of its renames, and (with ``clean``) remove what fits killed before they were
    complete left; what was done, in words.

    Parameters
    ----------
    folder : pathlib.Path
        An output folder of ``topics stream-nmf``.
    wait : float
        Seconds to wait for a live command that holds a complete fit's staged folder (it is
        putting its fit in place: a matter of milliseconds).
    clean : bool
        Also remove staged folders without a complete fit (the next fit's start does).
    check : callable, optional
        Raises (ConfigError) for a folder holding a file that the fit did not write: called on
        ``folder`` and on the staged folder before anything is moved, so that nothing else is
        ever moved aside and deleted.

    Returns
    -------
    list of str
        One note per staged folder finished or removed.

    Raises
    ------
    topics.errors.FileAccessError
        A rename cannot be done here: the message names the folder that holds the complete fit.
    topics.errors.ConfigError
        From ``check``: nothing was moved.
    """
    done = []
    for staging in sorted(folder.glob(f"{PREFIX}*")) if folder.is_dir() else []:
        try:
            committed = staging.is_dir() and _committed(staging)
            if not committed and (not clean or not staging.is_dir()
                                  or time.time() - staging.stat().st_mtime < YOUNG):
                continue  # a file, or perhaps a fit just starting
            handle = _locked(staging, wait if committed else 0.0)
        except FileNotFoundError:  # finished by another command meanwhile
            continue
        if handle is None:  # a live command's: its own to finish
            continue
        try:
            if _committed(staging):
                _put_in_place(folder, staging, check)
                done.append(f"the fit that an earlier topics stream-nmf was putting in place when "
                            f"it stopped is now in place (its files were in {staging.name})")
            elif staging.is_dir():
                shutil.rmtree(staging)
                done.append(f"removed {staging.name}, the unfinished files of a fit that stopped "
                            "before it was complete")
        except OSError as error:
            raise _cannot_finish(folder, staging, error) from None
        finally:
            os.close(handle)
    return done


def _cannot_finish(folder: Path, staging: Path, error: OSError) -> FileAccessError:
    doing = "put the fit in place"
    why = str(describe_os_error(error, folder, doing)).split(f"cannot {doing}: ", 1)[-1]
    return FileAccessError(
        f"{folder}: topics stream-nmf stopped while putting a fit in place, and the renames "
        f"cannot be finished here ({why}): the complete fit is in {staging} (its model: "
        f"{staging / 'model'}; what it replaces, in {staging / EARLIER}); run topics stream-nmf "
        f"(or topics assign {folder / 'model'} ...) again where {folder} is writable, or use the "
        f"fit in {staging} as it is; delete nothing there by hand"
    )


def _put_in_place(folder: Path, staging: Path,
                  check: Callable[[Path], None] | None = None) -> None:
    """The renames of a committed staged folder, from wherever they stopped, then its removal:
    the earlier fit's files aside (all first: the folder never holds two fits' files), the new
    ones in, then the earlier fit deleted, the marker last. ``check`` first, on both folders:
    what is moved aside is deleted, so it must be an earlier fit's, not a file of the user's
    under the same name (a staged folder's marker says nothing about the folder around it)."""
    if check is not None:
        check(folder)
        check(staging)
    earlier = staging / EARLIER
    earlier.mkdir(exist_ok=True)
    new = [name for name in OUTPUT_FILES if (staging / name).exists()]
    for name in new:  # not yet in place: what is in the folder under its name is the earlier fit's
        if (folder / name).exists() or (folder / name).is_symlink():
            _replace(folder / name, earlier / name)
    for name in new:
        _replace(staging / name, folder / name)
    _remove(staging)


def _remove(staging: Path) -> None:
    """Delete a staged folder whose fit is in place: the marker goes last, so a kill in the
    middle leaves a folder that is finished (and removed) again, never one taken for a partial
    fit while it holds an earlier fit's files."""
    shutil.rmtree(staging / EARLIER, ignore_errors=True)
    for entry in staging.iterdir():
        if entry.name == READY:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (staging / READY).unlink(missing_ok=True)
    staging.rmdir()


@contextlib.contextmanager
def staged_output(folder: Path, check: Callable[[Path], None]) -> Iterator[Path]:
    """A hidden folder inside the output ``folder`` to write one fit's files into; when the
    ``with`` block ends without error (and ``check(folder)`` passes) they replace the earlier
    fit's in ``folder``, else they are removed and ``folder`` is left as it was. First, what an
    earlier command killed in ``folder`` left is finished or removed (:func:`finish_interrupted`,
    each said in a warning).

    Written straight into ``folder``, the assignments were complete at the end of the third read
    and the other files after it: a fit stopped in between left its assignments beside an earlier
    fit's topics. Now the files appear together, and a kill while they are put in place leaves a
    complete fit that :func:`finish_interrupted` puts in place."""
    check_writable(folder, "write the topics here")
    for note in finish_interrupted(folder, check=check):
        warnings.warn(f"{folder}: {note}", UserWarning, stacklevel=3)
    try:
        staging = Path(tempfile.mkdtemp(prefix=PREFIX, dir=folder))
    except OSError as error:
        raise describe_os_error(error, folder, "write the topics here") from None
    committed, handle = False, None
    try:
        handle = _locked(staging)  # held while the fit lives: no other command takes it
        yield staging
        check(folder)  # still nothing in the way that this did not write
        new = [name for name in OUTPUT_FILES if (staging / name).exists()]
        atomic_write(staging / READY, json.dumps({"files": new}) + "\n")
        committed = True  # from here on, the staged folder is the fit
        try:
            _put_in_place(folder, staging)
        except OSError as error:
            raise _cannot_finish(folder, staging, error) from None
    finally:
        if not committed:
            shutil.rmtree(staging, ignore_errors=True)
        if handle is not None:
            os.close(handle)
