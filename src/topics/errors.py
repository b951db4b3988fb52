"""Exceptions for user errors.

Every error a user can cause (bad input file, bad config, bad model file) is a :class:`TopicsError`.
Its message names the file, the record or key, the value, and what to do; the command line prints it
on one line and exits with status 2 (tracebacks only with ``--debug``).
"""

from __future__ import annotations


class TopicsError(Exception):
    """Base class of all user errors raised by ``topics``."""


class CorpusError(TopicsError, ValueError):
    """A corpus file or record cannot be read as given."""


class ConfigError(TopicsError, ValueError):
    """An experiment config or a model setting is invalid."""


class ModelFileError(TopicsError, ValueError):
    """A model file is not a model, was tampered with, or comes from an incompatible version."""
