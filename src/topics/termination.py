"""SIGTERM and Ctrl-C as exceptions that unwind a command, and that library code cannot lose.

While a ``topics`` command runs (:func:`signals_handled`), SIGTERM raises :class:`Terminated` and
SIGINT ``KeyboardInterrupt`` in the main thread, so a run in progress records that it failed and
the command exits with status 143 or 130. Python runs a handler at the next bytecode, which can
be inside library code that turns the exception into another one (an extension module being
imported reports ``ImportError: initialization failed``) and then swallows it (``except
ImportError:`` around an optional import). The handler therefore also remembers the signal;
long steps call :func:`raise_if_requested` at their checkpoints (a run's steps, progress loops,
LDA's sweeps, batch chunks), and the command line reads :func:`requested` before it reports
success. The API alone (a notebook) installs no handler: nothing is requested there.

A task that runs where no signal reaches it (a sweep's point on a Dask worker) can be stopped the
same way from elsewhere: inside :func:`stop_when` the same checkpoints ask a check of its own, at
most once a second, and raise :class:`Terminated` once it says so.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = [
    "Terminated", "on_signal", "raise_if_requested", "requested", "signals_handled", "stop_when",
]

_state: dict[str, int | None] = {"signal": None}
_thread = threading.local()  # the stop check of this thread (stop_when)


class Terminated(BaseException):
    """SIGTERM arrived: a ``BaseException``, as ``KeyboardInterrupt``, so ``except Exception``
    handlers let it through."""


def _exception(signum: int) -> BaseException:
    if signum == signal.SIGINT:
        return KeyboardInterrupt()
    return Terminated("terminated by SIGTERM")


def on_signal(signum: int, frame: object) -> None:
    """The handler of SIGTERM and SIGINT: remember the signal, then raise its exception."""
    _state["signal"] = signum
    raise _exception(signum)


def requested() -> int | None:
    """The signal that arrived while :func:`signals_handled` was active (even if its exception
    was lost), or None."""
    return _state["signal"]


def raise_if_requested() -> None:
    """Raise the exception of a signal that arrived and whose exception was swallowed, or
    :class:`Terminated` when this thread's :func:`stop_when` check says stop."""
    if _state["signal"] is not None:
        raise _exception(_state["signal"])
    stop = getattr(_thread, "stop", None)
    if stop is not None:
        stop()


@contextmanager
def stop_when(check: Callable[[], bool], reason: str, every: float = 1.0) -> Iterator[None]:
    """In this thread, make :func:`raise_if_requested` raise ``Terminated(reason)`` once
    ``check()`` is true; ``check`` is asked at most every ``every`` seconds (it may cost a
    round trip to a Dask scheduler)."""
    asked = [time.monotonic()]

    def stop() -> None:
        now = time.monotonic()
        if now - asked[0] >= every:
            asked[0] = now
            if check():
                raise Terminated(reason)

    previous = getattr(_thread, "stop", None)
    _thread.stop = stop
    try:
        yield
    finally:
        _thread.stop = previous


@contextmanager
def signals_handled() -> Iterator[None]:
    """Install :func:`on_signal` for SIGTERM and SIGINT, forget earlier signals; restore after."""
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    _state["signal"] = None
    unraisable, sys.unraisablehook = sys.unraisablehook, _signal_in_a_callback(sys.unraisablehook)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sys.unraisablehook = unraisable
        _state["signal"] = None


def _signal_in_a_callback(hook: Callable[[Any], None]) -> Callable[[Any], None]:
    """``sys.unraisablehook`` that is silent about the signal's exception raised inside a
    finaliser or a weakref callback (the garbage collector's, at any bytecode): Python can only
    print it there, a page of traceback, while the signal is remembered and the next checkpoint
    raises it again (:func:`raise_if_requested`)."""

    def unraisable(info: Any) -> None:
        if not isinstance(info.exc_value, KeyboardInterrupt | Terminated):
            hook(info)

    return unraisable
