"""The catalogue of user errors, and the wording they share.

Every error a user can cause is a :class:`TopicsError`. Input errors are also ``ValueError`` (or
``OSError`` for files that cannot be read or written), as scikit-learn users expect. A message names
the file, the record or key, the value, and what to do; the command line prints it on one line and
exits with status 2 (tracebacks only with ``--debug``).

========================  ===================  =====================================================
class                     also a               raised when
========================  ===================  =====================================================
:class:`CorpusError`      ``ValueError``       a corpus file or record cannot be read as given
:class:`ConfigError`      ``ValueError``       a config key, an estimator setting or a value is wrong
:class:`InputError`       ``ValueError``       an argument of the API is wrong (texts, labels, units)
:class:`NotTextError`     ``ValueError``,      a text given to the analyser is not a str (None,
                          ``TypeError``        bytes, a number): an InputError that code catching
                                               Python's ``TypeError`` still catches
:class:`ModelFileError`   ``ValueError``       a model file is not ours, damaged, or from a newer
                                               format
:class:`RunError`         ``ValueError``       a run directory is missing, unfinished or would be
                                               overwritten
:class:`FileAccessError`  ``OSError``          a file or folder cannot be read or written
:class:`TrackingError`    ``RuntimeError``     MLflow is missing or its store cannot be used
========================  ===================  =====================================================

The helpers below give recurring messages one wording (closest valid key, shortened values).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

__all__ = [
    "ConfigError",
    "CorpusError",
    "FileAccessError",
    "InputError",
    "ModelFileError",
    "NotTextError",
    "RunError",
    "TopicsError",
    "TrackingError",
    "a_or_an",
    "closest",
    "cut",
    "not_text",
    "short",
    "unknown_key",
]


class TopicsError(Exception):
    """Base class of all user errors raised by ``topics``."""


class CorpusError(TopicsError, ValueError):
    """A corpus file or record cannot be read as given."""


class ConfigError(TopicsError, ValueError):
    """An experiment config or an estimator setting is invalid."""


class InputError(TopicsError, ValueError):
    """An argument given to the API is not usable (e.g. no texts, a bare string, a wrong type)."""


class NotTextError(InputError, TypeError):
    """A text for the analyser is not a str; also a ``TypeError``, which the analyser raised before
    (and scikit-learn's vectorisers raise for a document of the wrong type)."""


class ModelFileError(TopicsError, ValueError):
    """A model file is not a model, was tampered with, or comes from an incompatible version."""


class RunError(TopicsError, ValueError):
    """A run directory is missing, unfinished, failed, or would be overwritten."""


class FileAccessError(TopicsError, OSError):
    """A file or folder cannot be read or written (missing, no permission, disk full)."""


class TrackingError(TopicsError, RuntimeError):
    """MLflow is missing or the tracking store cannot be used."""


def a_or_an(noun: str) -> str:
    """``noun`` with its indefinite article, by its first letter: "an int", "a dict"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option most like ``word`` (difflib ratio >= 0.6), or None."""
    matches = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return matches[0] if matches else None


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` with ``noun`` in the number it takes: ``counted(1, "article")`` is ``"1 article"``,
    ``counted(2, "article")`` ``"2 articles"`` (``plural`` for a noun not made with ``s``)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters."""
    return cut(repr(value), limit)


def cut(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, ``...`` marking the cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unknown_key(
    path: str, key: str, allowed: Iterable[str], value: Any, hint: str | None = None
) -> str:
    """``"<path>: unknown key (value …); did you mean …? allowed: …"``."""
    allowed = sorted(allowed)
    hint = hint or closest(key, allowed)
    did_you_mean = f"did you mean {hint!r}? " if hint else ""
    return (
        f"{path}: unknown key (value {short(value)}); {did_you_mean}"
        f"allowed: {', '.join(allowed) if allowed else '(none)'}"
    )


def not_text(text: Any, who: str) -> NotTextError:
    """The error for a ``text`` that is not a str, naming ``who`` got it and what to pass."""
    if isinstance(text, (bytes, bytearray)):
        advice = "decode it first, e.g. data.decode('utf-8')"
    elif text is None:
        advice = "pass the text as a str (a missing value? give '' for no text)"
    else:
        advice = "pass one text as a str (for several texts, one call per text)"
    said = "None" if text is None else f"{a_or_an(type(text).__name__)} ({short(text, 40)})"
    return NotTextError(f"{who}: text is {said}, not a str; {advice}")
