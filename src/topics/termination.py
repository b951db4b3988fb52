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
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Terminated", "on_signal", "raise_if_requested", "requested", "signals_handled"]

_state: dict[str, int | None] = {"signal": None}


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
    """Raise the exception of a signal that arrived and whose exception was swallowed."""
    if _state["signal"] is not None:
        raise _exception(_state["signal"])


@contextmanager
def signals_handled() -> Iterator[None]:
    """Install :func:`on_signal` for SIGTERM and SIGINT, forget earlier signals; restore after."""
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    _state["signal"] = None
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _state["signal"] = None
