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
from pathlib import Path
from typing import Any

from topics.arguments import (
    add_corpus_options,
    add_dask_options,
    corpus_options,
    positive_int,
    seed_number,
)
from topics.classifier.sources import DEFAULT_MAX_BYTES
from topics.errors import counted

__all__ = ["add_commands"]

EXIT_OK, EXIT_PARTIAL, EXIT_USER_ERROR = 0, 1, 2


def _cmd_classify(args: argparse.Namespace) -> int:
    from topics.classifier.batch import classify_inputs, parse_thresholds

    _check_output_is_a_classification(args.output, args.inputs)
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
        n, verb = summary.not_german, "does" if summary.not_german == 1 else "do"
        print(f"topics classify: {n} of {counted(summary.classified, 'text')} {verb} not look "
              f"German ({MIN_WORDS}+ words, under {GERMAN_BELOW:.0%} German function words; "
              f"column 'german' false): {shown}{more}; their labels mean little", file=sys.stderr)
    if args.output and summary.classified:
        print(f"wrote {counted(summary.classified, 'row')} to {args.output}", file=sys.stderr)
    return status


#: the first columns of every `topics classify` output; then p_<label> columns, or `scores`
_CLASSIFY_COLUMNS = ["id", "source", "labels", "german"]


def _a_classification(columns: list[str]) -> bool:
    rest = columns[len(_CLASSIFY_COLUMNS):]
    return columns[: len(_CLASSIFY_COLUMNS)] == _CLASSIFY_COLUMNS and (
        rest == ["scores"] or bool(rest) and all(name.startswith("p_") for name in rest))


def _check_output_is_a_classification(output: str | None, inputs: list[str]) -> None:
    """Refuse an existing ``--output`` that is not an earlier ``topics classify`` output (a
    labelled corpus, a suggest-labels file being filled in, anything else): writing would
    replace it. An earlier output, or an empty file, is written over."""
    from topics.classifier.outputs import output_kind
    from topics.fileio import check_not_an_input, check_replaceable

    if output is None:
        return
    path = Path(output)
    output_kind(path)  # a folder, no suffix, another format: suffix_error's words
    check_not_an_input(path, inputs)  # the more precise message, when it is one
    check_replaceable(path, _a_classification, "an output of topics classify (columns "
                      f"{', '.join(_CLASSIFY_COLUMNS)}, p_<label>...)", "--output")


def _problem_printer(command: str, args: argparse.Namespace):
    """Print a skipped input at once, unless it is the only input (then it is the error)."""
    if len(args.inputs) == 1:
        return None
    return lambda problem: print(f"topics {command}: skipped {problem}", file=sys.stderr)


def _cmd_suggest_labels(args: argparse.Namespace) -> int:
    from topics.classifier.batch import parse_thresholds
    from topics.classifier.suggestions import suggest_labels

    summary = suggest_labels(  # which checks its --output first
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
        f"wrote the {summary.written} of {counted(summary.classified, 'article')} the model is least sure "
        f"of to {args.output}{_fewer(summary, args.n)}{_carried(summary)}; fill in their labels, then: topics "
        f"train-classifier --corpus {args.output}{csv_options} --output MODEL.safetensors",
        file=sys.stderr,
    )
    return status


def _fewer(summary, n: int) -> str:
    """Why fewer than ``-n`` suggestions were written ('' when there are ``n``)."""
    if summary.written >= n or summary.written >= summary.classified:
        return ""  # n of them, or every article there is (the count says so)
    return (f" (not -n {n}: the other articles are near-duplicates, reprints, of these, and each "
            "story is listed once)")


def _carried(summary) -> str:
    """How many suggestions came with their corpus's labels ('' for none)."""
    if not summary.labelled:
        return ""
    return f" ({summary.labelled} of them with the labels they came with: review those)"


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
    print(f"topics {command}: {counted(summary.classified, 'text')} classified; "
          f"{counted(len(summary.problems), 'problem')}, said above: what they name was not "
          "classified", file=sys.stderr)
    return EXIT_USER_ERROR if not summary.classified else EXIT_PARTIAL


def _check_card_is_ours(output: str | None) -> None:
    """Refuse to write a model whose card would replace a file that is not a model card of
    ours (``bar.card.json`` beside a ``bar.safetensors`` still to be written)."""
    from topics.classifier.model_card import is_our_card
    from topics.classifier.persistence import FORMAT, card_path
    from topics.classifier.shipped import model_target
    from topics.fileio import refuse_to_replace

    card = card_path(model_target(output))
    refuse_to_replace(card, is_our_card, f"the model card of a classifier ({FORMAT}), which "
                      f"--output {output} would write there", "")


def _cmd_train_classifier(args: argparse.Namespace) -> int:
    from topics.classifier.persistence import card_path
    from topics.classifier.shipped import train_classifier

    _check_card_is_ours(args.output)
    path = train_classifier(  # which checks its --output first
        args.corpus,
        args.output,
        seed=args.seed,
        evaluate=not args.no_evaluate,
        corpus_options=corpus_options(args) if args.corpus else None,
    )
    print(f"wrote {path} and its card {card_path(path).name}")
    return EXIT_OK


def _read_options(args: argparse.Namespace):
    from topics.classifier.batch import ReadOptions

    # the inputs are decoded with --encoding as bytes, corpus files too
    return ReadOptions(args.encoding, args.max_size, corpus_options(args, encoding=False))


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
    add_corpus_options(classify, labels=None)
    add_dask_options(classify, "default: here, one process", workers_read=True)
    classify.set_defaults(func=_cmd_classify)

    suggest = sub.add_parser(
        "suggest-labels", help="write the articles the model is least sure of, to label next"
    )
    suggest.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    suggest.add_argument("--output", required=True, metavar="PATH", help=".csv or .jsonl to fill in")
    suggest.add_argument("-n", type=positive_int, default=50, help="how many (%(default)s)")
    _add_model_options(suggest, DEFAULT_MAX_BYTES)
    add_corpus_options(suggest, labels=None)
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
    train.add_argument("--seed", type=seed_number, default=0,
                       help="the classifier's random_state and the card's cross-validation "
                       "seed (%(default)s)")
    train.add_argument(
        "--no-evaluate", action="store_true", help="skip the cross-validation for the card"
    )
    add_corpus_options(train)
    train.set_defaults(func=_cmd_train_classifier)


def _add_model_options(parser: argparse.ArgumentParser, max_bytes: int) -> None:
    parser.add_argument("--model", type=_model_file, default=None, metavar="PATH",
                        help="a saved model (.safetensors; default: the shipped one)")
    parser.add_argument(
        "--threshold", action="append", default=[], metavar="LABEL=VALUE",
        help="a label's probability threshold, e.g. border_relations=0.7 (repeatable)",
    )
    parser.add_argument(
        "--max-size", type=_size, default=max_bytes, metavar="SIZE",
        help=f"refuse a single text larger than this ({max_bytes // 10**6} MB); corpus files "
        "are streamed, whatever their size",
    )


def _model_file(text: str) -> str:
    """An argparse type: a saved model. A file of another kind (a corpus, a text) is named as
    such here; the loader checks the model and its card."""
    path = Path(text)
    if path.is_file() and path.suffix not in ("", ".safetensors") and not text.endswith(
            ".card.json"):  # the card: the loader says to pass the model beside it
        raise argparse.ArgumentTypeError(
            f"{text} is not a saved model; pass the .safetensors file of one (with its .card.json "
            "beside it), e.g. what train-classifier --output wrote")
    return text
