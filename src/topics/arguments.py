"""The arguments several ``topics`` commands share, defined once: types and option groups.

Argument types (whole numbers, seeds, CSV columns and delimiters), the options that read a corpus
file (``--format``, ``--text-column``, ``--delimiter``, ``--encoding``, ...) and the Dask options
(``--scheduler``, ``--n-workers``, ``--workers-read``), with one wording and one default each, for
:mod:`topics.cli` and :mod:`topics.classifier.commands`. It imports nothing heavy: building the
parser loads no numpy.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from topics.numerics import seed_problem

__all__ = [
    "add_corpus_options",
    "add_dask_options",
    "add_vocabulary_options",
    "column",
    "corpus_options",
    "dask_checked",
    "delimiter",
    "document_frequency",
    "positive_int",
    "seed_number",
    "topic_count",
]


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def topic_count(text: str) -> int:
    """An argparse type: a number of topics, 2 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 2:  # 0 too: not "must be 1 or more", which 1 then fails
        raise argparse.ArgumentTypeError(f"{value}: a topic model needs 2 or more topics")
    return value


def seed_number(text: str) -> int:
    """An argparse type: a seed, in the words of every seed check
    (:func:`topics.numerics.seed_problem`)."""
    try:
        value: Any = int(text)
    except ValueError:
        value = text
    if problem := seed_problem(value):
        raise argparse.ArgumentTypeError(problem)
    return value


def delimiter(text: str) -> str:
    """An argparse type: a CSV delimiter, one character; ``\\t`` (as typed in a shell) or ``tab``
    is a tab."""
    value = {"\\t": "\t", "tab": "\t"}.get(text, text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} must be exactly one character (e.g. ',' or ';'; \\t or tab for a tab)")
    return value


def column(value: str) -> int | str:
    """A CSV column by 0-based index ("1") or by name ("text")."""
    return int(value) if value.isdigit() else value


def document_frequency(text: str) -> int | float:
    """An argparse type: a ``min_df``/``max_df``, a number of units ("2") or a share of them
    ("0.5"); its range is checked where the setting is used."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a number: give a number of units (2) or a share of them (0.5)")


def context_weight(text: str) -> float | None:
    """An argparse type: a paragraph's own share of its topic shares, 0 to 1, or ``none``."""
    if text.lower() in ("none", "null"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number from 0 to 1, or none")
    return value


def add_streaming_options(parser: argparse.ArgumentParser) -> None:
    """``--context-weight`` and ``--reread-source`` of ``topics stream-nmf``."""
    parser.add_argument("--context-weight", type=context_weight, default=0.3, metavar="W",
                        help="a paragraph's own share of its topic shares, the rest its "
                             "article's (%(default)s; none: its own alone)")
    parser.add_argument("--reread-source", action="store_true",
                        help="read and analyse the corpus three times instead of keeping the "
                             "first read's tokens in a temporary file (~7 bytes a token, TMPDIR)")


def add_vocabulary_options(parser: argparse.ArgumentParser) -> None:
    """``--min-df`` and ``--max-df``, the vocabulary limits of a topic model's words (a small
    corpus cannot meet the defaults, and the error says to change them)."""
    for name, bound in (("min", "at least"), ("max", "at most")):
        parser.add_argument(f"--{name}-df", type=document_frequency, default=None, metavar="N",
                            help=f"keep the words in {bound} N units (a whole number) or that "
                                 "share of them (0 to 1); default: the in-memory NMF's")


def add_corpus_options(parser: argparse.ArgumentParser, labels: str | None = "labels",
                       ids: bool = True) -> None:
    """The options of :func:`topics.load_corpus` that read a corpus file, as one argument group.

    ``labels`` is the default ``--label-column`` (None: no labels read unless named); ``ids``
    adds ``--id-column`` and ``--label-separator``. :func:`corpus_options` turns them back into
    ``load_corpus``'s keyword arguments.
    """
    group = parser.add_argument_group("reading corpus files (options of topics.load_corpus)")
    group.add_argument("--format", choices=("folder", "jsonl", "csv", "parquet"), default=None,
                       help="the corpus's format (default: from the suffix; a folder for a "
                       "directory)")
    group.add_argument("--text-column", default="text", metavar="COLUMN",
                       help="CSV: index or name (%(default)s)")
    group.add_argument("--label-column", default=labels, metavar="COLUMN",
                       help=f"CSV: index or name ({labels or 'none'})")
    if ids:
        group.add_argument("--id-column", default=None, metavar="COLUMN",
                           help="CSV: index or name of the ids")
        group.add_argument("--label-separator", default=None, metavar="CHAR",
                           help="e.g. '|' for several labels in a CSV cell or a JSONL/Parquet string")
    group.add_argument("--delimiter", type=delimiter, default=",", metavar="CHAR",
                       help="CSV delimiter, one character (default ','; \\t or tab for a tab)")
    group.add_argument("--quotechar", default='"', metavar="CHAR",
                       help="CSV quote character (%(default)s)")
    group.add_argument("--no-header", action="store_true", help="CSV without a header row")
    group.add_argument("--encoding", default="utf-8",
                       help="text encoding of every input (%(default)s)")


def dask_checked(args: argparse.Namespace) -> argparse.Namespace:
    """``args``, after :func:`~topics.distributed.check_where` refused ``--n-workers`` without
    ``--scheduler local`` (it sizes a LocalCluster only, and was ignored without a word)."""
    if not getattr(args, "n_workers_alone", True):
        from topics.distributed import check_where

        check_where(args.scheduler, args.n_workers)
    return args


def corpus_options(args: argparse.Namespace, encoding: bool = True) -> dict[str, Any]:
    """The options of :func:`add_corpus_options`, as :func:`topics.load_corpus` takes them
    (without ``encoding`` when the command decodes its inputs itself)."""
    options: dict[str, Any] = {
        "format": args.format,
        "text_column": column(args.text_column),
        "label_column": column(args.label_column) if args.label_column else None,
        "delimiter": args.delimiter,
        "quotechar": args.quotechar,
        "header": not args.no_header,
    }
    for key in ("id_column", "label_separator"):
        if getattr(args, key, None) is not None:
            value = getattr(args, key)
            options[key] = column(value) if key == "id_column" else value
    if encoding:
        options["encoding"] = args.encoding
    return options


def add_dask_options(command: argparse.ArgumentParser, default: str,
                     workers_read: bool = False, config_scheduler: bool = False) -> None:
    """``--scheduler`` and ``--n-workers`` (the commands that fan out over Dask); ``default`` says
    where the work runs without them. ``workers_read`` adds ``--workers-read`` (a corpus file
    read by the workers themselves). ``--n-workers`` without ``--scheduler local`` is refused
    (:func:`dask_checked`), unless ``config_scheduler``: the scheduler may come from a config."""
    command.set_defaults(n_workers_alone=config_scheduler)
    command.add_argument(
        "--scheduler",
        default=None,
        metavar="local|ADDRESS",
        help=f"run on Dask: local = a LocalCluster here, or tcp://host:8786 ({default})",
    )
    command.add_argument(
        "--n-workers", type=positive_int, default=None, metavar="N",
        help="LocalCluster worker processes",
    )
    if workers_read:
        command.add_argument(
            "--workers-read", action=argparse.BooleanOptionalAction, default=None,
            help="the Dask workers read a JSON Lines or CSV corpus, a folder and (classify, "
            "suggest-labels) text files themselves, from the same path (shared storage); "
            "default: on a LocalCluster only. A Parquet corpus is decoded here and its rows "
            "checked by the workers on any scheduler, unless --no-workers-read",
        )
