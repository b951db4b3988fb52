"""SIGTERM as an exception that unwinds like Ctrl-C, and that library code cannot lose.

``topics`` commands install :func:`on_sigterm`: the signal raises :class:`Terminated` in the main
thread, so a run in progress records that it failed and the command exits with status 143. Python
runs the handler at the next bytecode, which can be inside library code that turns the exception
into another one (an extension module being imported reports ``ImportError: initialization
failed``) and then swallows it (``except ImportError:`` around an optional import). The handler
therefore also sets a flag that outlives the exception; long steps call
:func:`raise_if_requested` at their checkpoints (a run's steps, progress bars, LDA's sweeps), and
the command line reads :func:`requested` before it reports success.
"""

from __future__ import annotations

__all__ = ["Terminated", "on_sigterm", "raise_if_requested", "requested", "reset"]

_MESSAGE = "terminated by SIGTERM"
_state = {"requested": False}


class Terminated(BaseException):
    """SIGTERM arrived: a ``BaseException``, as ``KeyboardInterrupt``, so ``except Exception``
    handlers let it through."""


def on_sigterm(signum: int, frame: object) -> None:
    """The SIGTERM handler: remember the request, then raise :class:`Terminated`."""
    _state["requested"] = True
    raise Terminated(_MESSAGE)


def requested() -> bool:
    """Whether a SIGTERM arrived since the last :func:`reset`, even if its exception was lost."""
    return _state["requested"]


def raise_if_requested() -> None:
    """Raise :class:`Terminated` again if a SIGTERM arrived and its exception was swallowed."""
    if _state["requested"]:
        raise Terminated(_MESSAGE)


def reset() -> None:
    """Forget an earlier SIGTERM (a command starting in a process that outlived one)."""
    _state["requested"] = False
