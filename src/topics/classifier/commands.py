"""The classifier's commands of the ``topics`` command line: classify, suggest-labels, train.

:func:`add_commands` adds them to the parser of :mod:`topics.cli`, which runs them and turns a
:class:`~topics.errors.TopicsError` into one line and exit status 2. Each command is a thin call
into the library (:mod:`.batch`, :mod:`.shipped`); this module imports nothing heavy, so building
the parser loads no numpy. ``classify`` and ``suggest-labels`` exit 1 when some inputs were
skipped (each is reported on stderr as it comes) and 2 when every input was.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from topics.classifier.sources import DEFAULT_MAX_BYTES
from topics.numerics import MAX_SEED

__all__ = ["add_commands", "add_dask_options", "column", "delimiter", "positive_int",
           "seed_number"]

EXIT_OK, EXIT_PARTIAL, EXIT_USER_ERROR = 0, 1, 2


def _cmd_classify(args: argparse.Namespace) -> int:
    from topics.classifier.batch import classify_inputs, parse_thresholds

    summary = classify_inputs(
        args.inputs,
        model=args.model,
        thresholds=parse_thresholds(args.threshold),
        output=args.output,
        options=_read_options(args),
        on_problem=_problem_printer("classify", args),
        scheduler=args.scheduler,
        n_workers=args.n_workers,
        workers_read=args.workers_read,
    )
    status = _batch_status("classify", summary, args)
    if summary.not_german:
        from topics.text.language import GERMAN_BELOW, MIN_WORDS

        shown = ", ".join(summary.not_german_ids)
        more = ", ..." if summary.not_german > len(summary.not_german_ids) else ""
        print(f"topics classify: {summary.not_german} of {summary.classified} texts do not look "
              f"German ({MIN_WORDS}+ words, under {GERMAN_BELOW:.0%} German function words; "
              f"column 'german' false): {shown}{more}; their labels mean little", file=sys.stderr)
    if args.output and summary.classified:
        print(f"wrote {summary.classified} rows to {args.output}", file=sys.stderr)
    return status


def _problem_printer(command: str, args: argparse.Namespace):
    """Print a skipped input at once, unless it is the only input (then it is the error)."""
    if len(args.inputs) == 1:
        return None
    return lambda problem: print(f"topics {command}: skipped {problem}", file=sys.stderr)


def _cmd_suggest_labels(args: argparse.Namespace) -> int:
    from topics.classifier.batch import parse_thresholds
    from topics.classifier.suggestions import suggest_labels

    summary = suggest_labels(
        args.inputs,
        args.output,
        n=args.n,
        model=args.model,
        thresholds=parse_thresholds(args.threshold),
        options=_read_options(args),
        on_problem=_problem_printer("suggest-labels", args),
        scheduler=args.scheduler,
        n_workers=args.n_workers,
        workers_read=args.workers_read,
    )
    status = _batch_status("suggest-labels", summary, args)
    csv_options = " --id-column id --label-separator '|'" if args.output.endswith(".csv") else ""
    print(
        f"wrote the {summary.written} of {summary.classified} articles the model is least sure "
        f"of to {args.output}; fill in their labels, then: topics train-classifier --corpus "
        f"{args.output}{csv_options} --output MODEL.safetensors",
        file=sys.stderr,
    )
    return status


def _batch_status(command: str, summary, args: argparse.Namespace) -> int:
    if not summary.problems:
        return EXIT_OK
    if len(summary.problems) == 1 and not summary.classified:  # the one input: one error line
        print(f"topics {command}: error: {summary.problems[0]}", file=sys.stderr)
        return EXIT_USER_ERROR
    if len(args.inputs) == 1:  # not printed as they came
        for problem in summary.problems:
            print(f"topics {command}: skipped {problem}", file=sys.stderr)
    # a problem is an input or a record left out, or a corpus file whose reading stopped (its
    # later records unread): counted as problems, not as a share of inputs
    print(f"topics {command}: {summary.classified} text(s) classified; {len(summary.problems)} "
          "problem(s), said above: what they name was not classified", file=sys.stderr)
    return EXIT_USER_ERROR if not summary.classified else EXIT_PARTIAL


def _cmd_train_classifier(args: argparse.Namespace) -> int:
    from topics.classifier.persistence import card_path
    from topics.classifier.shipped import train_classifier

    path = train_classifier(
        args.corpus,
        args.output,
        seed=args.seed,
        evaluate=not args.no_evaluate,
        corpus_options=_corpus_options(args) if args.corpus else None,
    )
    print(f"wrote {path} and its card {card_path(path).name}")
    return EXIT_OK


def _read_options(args: argparse.Namespace):
    from topics.classifier.batch import ReadOptions

    return ReadOptions(args.encoding, args.max_size, _corpus_options(args))


def _corpus_options(args: argparse.Namespace) -> dict:
    """The load_corpus options of a command (see _add_corpus_options)."""
    options = {
        "format": args.format,
        "text_column": column(args.text_column),
        "label_column": column(args.label_column) if args.label_column else None,
        "id_column": column(args.id_column) if args.id_column else None,
        "label_separator": args.label_separator,
        "delimiter": args.delimiter,
        "quotechar": args.quotechar,
        "header": not args.no_header,
    }
    if "encoding" in args and args.command == "train-classifier":
        options["encoding"] = args.encoding
    return {k: v for k, v in options.items() if v is not None or k == "label_column"}


def _add_corpus_options(parser: argparse.ArgumentParser, labels: str | None) -> None:
    group = parser.add_argument_group("reading corpus files (options of topics.load_corpus)")
    group.add_argument("--format", choices=("folder", "jsonl", "csv", "parquet"), default=None)
    group.add_argument("--text-column", default="text", help="CSV: index or name (%(default)s)")
    group.add_argument(
        "--label-column", default=labels, help=f"CSV: index or name ({labels or 'none'})"
    )
    group.add_argument("--id-column", default=None, help="CSV: index or name of the ids")
    group.add_argument("--label-separator", default=None, help="CSV: e.g. '|' for several labels")
    group.add_argument("--delimiter", type=delimiter, default=",",
                       help="CSV delimiter (%(default)s; \\t or tab for a tab)")
    group.add_argument("--quotechar", default='"', help="CSV quote character")
    group.add_argument("--no-header", action="store_true", help="CSV without a header row")
    group.add_argument("--encoding", default="utf-8", help="text encoding of every input (%(default)s)")


def _size(text: str) -> int:
    """An argparse type: a size in bytes, e.g. 5000000, 800kB, 60MB, 1GB."""
    units = {"gb": 10**9, "mb": 10**6, "kb": 10**3, "b": 1}
    lowered = text.strip().lower()
    for unit, factor in units.items():
        if lowered.endswith(unit):
            number, scale = lowered[: -len(unit)], factor
            break
    else:
        number, scale = lowered, 1
    try:
        value = int(float(number) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 5MB)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def add_dask_options(command: argparse.ArgumentParser, default: str,
                     workers_read: bool = False) -> None:
    """``--scheduler`` and ``--n-workers`` (the commands that fan out over Dask); ``default`` says
    where the work runs without them. ``workers_read`` adds ``--workers-read`` (a corpus file
    read by the workers themselves)."""
    command.add_argument(
        "--scheduler",
        default=None,
        metavar="local|ADDRESS",
        help=f"run on Dask: local = a LocalCluster here, or tcp://host:8786 ({default})",
    )
    command.add_argument(
        "--n-workers", type=positive_int, default=None, help="LocalCluster worker processes"
    )
    if workers_read:
        command.add_argument(
            "--workers-read", action=argparse.BooleanOptionalAction, default=None,
            help="the Dask workers read a JSON Lines or CSV corpus, a folder and (classify, "
            "suggest-labels) text files themselves, from the same path (shared storage); "
            "default: on a LocalCluster only. A Parquet corpus is decoded here and its rows "
            "checked by the workers on any scheduler, unless --no-workers-read",
        )


def add_commands(sub: Any) -> None:
    """Add ``classify``, ``suggest-labels`` and ``train-classifier`` to the ``topics`` parser."""
    inputs_help = (
        "text files (one article each), - for stdin, folders of .txt files, or corpus files "
        "(.csv, .tsv, .jsonl, .ndjson, .parquet: one article per row)"
    )
    classify = sub.add_parser("classify", help="label articles (files, stdin, folders, corpora)")
    classify.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    classify.add_argument(
        "--output", default=None, metavar="PATH",
        help="write rows with per-label probabilities to .jsonl, .csv or .parquet "
        "(default: JSON lines on stdout)",
    )
    _add_model_options(classify, DEFAULT_MAX_BYTES)
    _add_corpus_options(classify, None)
    add_dask_options(classify, "default: here, one process", workers_read=True)
    classify.set_defaults(func=_cmd_classify)

    suggest = sub.add_parser(
        "suggest-labels", help="write the articles the model is least sure of, to label next"
    )
    suggest.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    suggest.add_argument("--output", required=True, metavar="PATH", help=".csv or .jsonl to fill in")
    suggest.add_argument("-n", type=positive_int, default=50, help="how many (%(default)s)")
    _add_model_options(suggest, DEFAULT_MAX_BYTES)
    _add_corpus_options(suggest, None)
    add_dask_options(suggest, "default: here, one process", workers_read=True)
    suggest.set_defaults(func=_cmd_suggest_labels)

    train = sub.add_parser(
        "train-classifier", help="train the classifier (the shipped one, or on your corpus)"
    )
    train.add_argument(
        "--corpus", default=None, metavar="PATH", help="a labelled corpus (default: the shipped one)"
    )
    train.add_argument(
        "--output", default=None, metavar="PATH",
        help="model file or folder (needed with --corpus; default: the shipped model)",
    )
    train.add_argument("--seed", type=seed_number, default=0)
    train.add_argument(
        "--no-evaluate", action="store_true", help="skip the cross-validation for the card"
    )
    _add_corpus_options(train, "labels")
    train.set_defaults(func=_cmd_train_classifier)


def _add_model_options(parser: argparse.ArgumentParser, max_bytes: int) -> None:
    parser.add_argument("--model", default=None, metavar="PATH", help="a saved model (.safetensors)")
    parser.add_argument(
        "--threshold", action="append", default=[], metavar="LABEL=VALUE",
        help="a label's probability threshold, e.g. border_relations=0.7 (repeatable)",
    )
    parser.add_argument(
        "--max-size", type=_size, default=max_bytes, metavar="SIZE",
        help=f"refuse a single text larger than this ({max_bytes // 10**6} MB); corpus files "
        "are streamed, whatever their size",
    )


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def seed_number(text: str) -> int:
    """An argparse type: a seed, a whole number from 0 to 2**32 - 1 (what every fit takes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{value}: a seed is from 0 to {MAX_SEED}")
    return value


def delimiter(text: str) -> str:
    """An argparse type: a CSV delimiter, one character; ``\\t`` (as typed in a shell) is a tab."""
    return {"\\t": "\t", "tab": "\t"}.get(text, text)


def column(value: str) -> int | str:
    """A CSV column by 0-based index ("1") or by name ("text")."""
    return int(value) if value.isdigit() else value
