"""Progress bars (tqdm, with ETA) for the slow steps, and the switch that silences them.

Every slow loop in the package goes through one context manager, :func:`progress`::

    from topics.progress import progress

    with progress(total=len(folds), desc="cross-validation", unit="fold") as bar:
        for fold in folds:
            ...
            bar.update()

or, for a plain loop, its iterator form :func:`track` (``for seed in track(seeds, desc=...)``).

Whether bars show is decided, first match wins, by

1. :func:`verbosity` (a context manager; the API functions' ``verbose=`` argument uses it; ``None``
   defers to the next rule),
2. :func:`set_verbose` (process-wide),
3. the environment variable ``TOPICS_PROGRESS`` (``0``/``false``/``no``/``off`` or ``1``/``true``),
4. off under pytest (``PYTEST_CURRENT_TEST`` is set), on everywhere else.

Bars go to ``sys.stderr``. Nested bars (a fold inside a step) are indented below their parent and
removed when done; more than :data:`MAX_DEPTH` levels are not drawn. Outside a terminal or a notebook
(CI logs, files) a bar is drawn as whole lines, at most one every 15 s, so that logs stay short
and readable. Log records written by the
CLI go through :func:`write`, which keeps bars and log lines apart (:func:`step_log_on_stderr`).

A module of the base layer (``[tool.importlinter]`` in ``pyproject.toml``): it imports only the
standard library and, when a bar starts, tqdm, so every layer may use it and ``import topics.progress``
costs nothing.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from topics.termination import raise_if_requested

__all__ = [
    "MAX_DEPTH", "enable_step_log", "enabled", "progress", "set_verbose", "step_log_on_stderr",
    "track", "verbosity", "warnings_as_lines", "write",
]

T = TypeVar("T")

MAX_DEPTH = 2
"""Bars nested deeper than this (counting from 1) are not drawn."""

_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}
_process_default: bool | None = None
_local: ContextVar[bool | None] = ContextVar("topics_progress_verbose", default=None)
_depth: ContextVar[int] = ContextVar("topics_progress_depth", default=0)


def set_verbose(value: bool | None) -> None:
    """Show (``True``) or hide (``False``) progress bars in this process; ``None`` = automatic."""
    global _process_default
    _process_default = value


@contextmanager
def verbosity(verbose: bool | None) -> Iterator[None]:
    """Show or hide bars inside the block (``None``: leave the current setting alone)."""
    if verbose is None:
        yield
        return
    token = _local.set(bool(verbose))
    try:
        yield
    finally:
        _local.reset(token)


def enabled() -> bool:
    """Whether a bar started now would be drawn (depth aside)."""
    for value in (_local.get(), _process_default):
        if value is not None:
            return value
    env = os.environ.get("TOPICS_PROGRESS", "").strip().lower()
    if env in _FALSE:
        return False
    if env in _TRUE:
        return True
    return "PYTEST_CURRENT_TEST" not in os.environ


def _interactive(stream: Any) -> bool:
    if type(stream).__module__.startswith("ipykernel"):  # a notebook's stderr renders \r updates
        return True
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


_CURSOR = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class _Lines:
    """For logs and files: every redraw of a bar becomes one plain line (no ``\r``, no cursor
    moves), blank clears are dropped."""

    def __init__(self, stream: Any):
        self.stream = stream

    def write(self, text: str) -> None:
        line = _CURSOR.sub("", text).replace("\r", "").rstrip()
        if line:
            self.stream.write(line + "\n")

    def flush(self) -> None:
        self.stream.flush()


def _columns(stream: Any) -> int:
    """The terminal's width, 0 where unknown (tqdm would then draw an empty bar)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


@contextmanager
def progress(
    iterable: Iterable[Any] | None = None,
    *,
    total: float | None = None,
    desc: str = "",
    unit: str = "it",
    verbose: bool | None = None,
    file: Any = None,
    **options: Any,
) -> Iterator[Any]:
    """A tqdm bar (elapsed, rate, ETA) for a slow step; a silent stand-in when bars are off.

    Parameters
    ----------
    iterable : iterable, optional
        Iterate over the yielded bar to advance it; otherwise call ``bar.update(n)``.
    total : number, optional
        Expected number of updates (``len(iterable)`` when it has one); gives the ETA.
    desc, unit : str
        Shown before the bar and after the counts.
    verbose : bool, optional
        Overrides :func:`enabled` for this bar only.
    file : file object, optional
        Where to draw (default: the current ``sys.stderr``).
    **options
        Passed on to ``tqdm`` (e.g. ``mininterval``).

    Yields
    ------
    tqdm.tqdm
        With ``update``, ``set_postfix_str``, ``set_description`` and iteration; all no-ops when off.
    """
    from tqdm.std import tqdm

    _worker_lock(tqdm)
    depth = _depth.get() + 1
    show = (enabled() if verbose is None else bool(verbose)) and depth <= MAX_DEPTH
    stream = file if file is not None else sys.stderr
    interactive = _interactive(stream)
    settings: dict[str, Any] = {
        "total": total,
        "desc": desc,
        "unit": unit,
        "file": stream if interactive else _Lines(stream),
        "disable": not show,
        "leave": depth == 1,
        "dynamic_ncols": interactive and _columns(stream) > 0,
        "mininterval": 0.2 if interactive else 15.0,
        "smoothing": 0.1,
    }
    if interactive and not settings["dynamic_ncols"]:  # a terminal of unknown width (a pty)
        settings["ncols"] = 100
    if depth > 1 and interactive:
        settings["position"] = depth - 1
    settings.update(options)
    token = _depth.set(depth)
    bar = tqdm(iterable, **settings)
    try:
        yield bar
    finally:
        bar.close()
        _depth.reset(token)


def track(
    iterable: Iterable[T],
    *,
    total: float | None = None,
    desc: str = "",
    unit: str = "it",
    verbose: bool | None = None,
    **options: Any,
) -> Iterator[T]:
    """Iterate with a :func:`progress` bar: ``for seed in track(seeds, desc="nmf", unit="seed")``."""
    with progress(iterable, total=total, desc=desc, unit=unit, verbose=verbose, **options) as bar:
        for item in bar:
            raise_if_requested()  # a signal whose exception a library swallowed stops here
            yield item


def _worker_lock(tqdm: Any) -> None:
    """In a worker process (a sweep's point, a Dask task), a thread lock for tqdm, not its default.

    tqdm's default lock holds a multiprocessing semaphore. A spawned worker makes its own, which
    coordinates nothing across processes; a worker killed when a sweep is stopped cannot release
    it, and Python's resource tracker then warns of "leaked semaphore objects" as the command
    ends. A lock a forked worker inherited, or one set before, is kept.
    """
    if multiprocessing.parent_process() is not None and not hasattr(tqdm, "_lock"):
        tqdm.set_lock(threading.RLock())


def write(message: str, file: Any = None) -> None:
    """Print a line without tearing an active bar (tqdm clears the bars, prints, redraws; outside
    a terminal, where bars are whole lines, it simply prints)."""
    from tqdm.std import tqdm

    _worker_lock(tqdm)
    stream = file if file is not None else sys.stderr
    if _interactive(stream):
        tqdm.write(message, file=stream)
    else:
        stream.write(message + "\n")
        stream.flush()


def enable_step_log() -> logging.Logger:
    """The ``topics`` logger, switched back on with its children, at INFO at least.

    ``logging.config.dictConfig``/``fileConfig`` called by other code in the process (import-linter
    and dask's logging setup do) disable every logger that exists at that moment: the step log
    would then vanish from stderr and from a run's ``run.log`` without a word.
    """
    logger = logging.getLogger("topics")
    for name, other in list(logging.root.manager.loggerDict.items()):
        if name.startswith("topics.") and isinstance(other, logging.Logger):
            other.disabled = False
    logger.disabled = False
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    return logger


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (it may be replaced, e.g. under pytest), around
    any progress bar on screen (:func:`write`)."""

    @property  # type: ignore[override]
    def stream(self):  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # the base class assigns it; ignore
        pass

    def emit(self, record: logging.LogRecord) -> None:  # noqa: D102
        try:
            write(self.format(record), file=sys.stderr)
        except Exception:  # as logging does: never let a log line break the program
            self.handleError(record)


@contextmanager
def step_log_on_stderr(quiet: bool) -> Iterator[None]:
    """Show the step log of ``topics`` (not the chatter of gensim & co.) on stderr while a command
    runs, or not; the logger is left as it was found (main() may run many times in one process:
    tests, notebooks)."""
    logger = logging.getLogger("topics")
    level = logger.level
    enable_step_log()
    handler = None
    if not quiet:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    try:
        yield
    finally:
        if handler is not None:
            logger.removeHandler(handler)
        logger.setLevel(level)


@contextmanager
def warnings_as_lines(prefix: str) -> Iterator[None]:
    """Show a warning as one line, ``<prefix>: warning: ...`` (a command's name), not as Python's
    file, line number and source line of the library code that issued it."""
    import warnings

    original = warnings.formatwarning
    warnings.formatwarning = lambda message, *_, **__: f"{prefix}: warning: {message}\n"
    try:
        yield
    finally:
        warnings.formatwarning = original
