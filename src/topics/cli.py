"""The ``topics`` command line.

Each subcommand parses its arguments and calls one library function::

    topics run CONFIG [--set key.path=value ...] [--scheduler local|ADDR]
                                                      topics.run_experiment
    topics sweep GRID [--n-jobs N] [--resume SUMMARY] topics.experiments.sweep.run_sweep
    topics compare RUN ... [--metrics ...] [--format table|markdown|csv|latex] [--figure PATH]
    topics report RUN [--output PATH]                 topics.experiments.report.write_report
    topics reproduce RUN                              topics.experiments.reproduce.reproduce_run
    topics init-config [PATH]                         topics.experiments.render.write_starting_config
    topics classify INPUT ... [--output F.jsonl|.csv|.parquet] [--model M] [--scheduler local|ADDR]
                                                      topics.classifier.batch.classify_inputs
    topics suggest-labels INPUT ... --output F.csv|.jsonl [-n N] [--scheduler local|ADDR]
                                                      topics.classifier.suggestions.suggest_labels
    topics train-classifier [--corpus PATH --output PATH] [--seed N]
                                                      topics.classifier.shipped.train_classifier
    topics assign MODEL_DIR FILE ... | -              topics.topic_models.assign_files
    topics models [NAME]                              topics.registry (settings and help)
    topics summary [CORPUS]                           Corpus.summary()
    topics analyse CORPUS --output F.jsonl|.parquet [--scheduler local|ADDRESS]
                                                      topics.corpus.stream.analyse_corpus
    topics stream-nmf CORPUS -k K --output DIR [--scheduler local|ADDRESS]
                                                      topics.topic_models.streaming.fit_streaming_nmf

A user error (:class:`topics.errors.TopicsError`) prints one line on stderr and exits with status 2;
``--debug`` shows the traceback. The step log (``topics`` logger) and progress bars go to stderr;
``--quiet`` silences both. ``reproduce`` exits 1 when the numbers or the corpus differ, ``sweep``
when a point failed, ``classify``/``suggest-labels`` when some inputs were skipped (2 when all
were).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from topics import __version__, termination
from topics.arguments import (
    add_corpus_options,
    add_dask_options,
    add_streaming_options,
    add_vocabulary_options,
    corpus_options,
    dask_checked,
    positive_int,
    seed_number,
    topic_count,
)
from topics.errors import ConfigError, TopicsError, counted

EXIT_OK, EXIT_DIFFERENT, EXIT_USER_ERROR = 0, 1, 2
DEFAULT_RUNS_DIR = "experiments/runs"


def _cmd_run(args: argparse.Namespace) -> int:
    from topics.experiments.runner import plan_experiment, run_experiment

    if args.dry_run:  # what the run would refuse too, but nothing made
        from topics.fileio import check_could_write

        check_could_write(args.runs_dir, "create a run directory in this folder")
        print(plan_experiment(args.config, overrides=args.set), end="")
        return EXIT_OK

    from topics.experiments.report import REPORT_FILE

    report = False if args.no_report else None  # None: the config's outputs.report
    run = run_experiment(args.config, overrides=args.set, runs_dir=args.runs_dir, report=report,
                         scheduler=args.scheduler, n_workers=args.n_workers)
    print(run.summary())
    if (run.path / REPORT_FILE).is_file():
        print(f"report: {run.path / REPORT_FILE}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from topics.experiments.report import write_report

    print(write_report(args.run, args.output, max_points=args.max_points))
    return EXIT_OK


def _cmd_sweep(args: argparse.Namespace) -> int:
    from topics.experiments.sweep import run_sweep

    result = run_sweep(
        args.grid,
        n_jobs=args.n_jobs,
        runs_dir=args.runs_dir,
        scheduler=args.scheduler,
        n_workers=args.n_workers,
        resume=args.resume,
    )
    print(result.report())
    return EXIT_DIFFERENT if result.failed else EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from topics.experiments.compare import compare_runs, format_comparison, plot_comparison
    from topics.experiments.compare_render import check_figure_path

    if args.figure:  # before the table: a figure that cannot be written fails the command
        check_figure_path(args.figure)
    frame = compare_runs(args.runs, metrics=args.metrics, skip_unfinished=True)
    print(format_comparison(frame, args.format))
    if args.figure:
        plot_comparison(frame, args.figure)
        print(f"figure: {args.figure}", file=sys.stderr)
    return EXIT_OK


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from topics.experiments.reproduce import reproduce_run

    outcome = reproduce_run(args.run, runs_dir=args.runs_dir, tolerance=args.tolerance)
    print(outcome.report())
    return EXIT_OK if outcome.reproduced else EXIT_DIFFERENT  # other data: not reproduced


def _cmd_init_config(args: argparse.Namespace) -> int:
    from topics.experiments.render import write_starting_config

    path = write_starting_config(args.path, force=args.force)
    print(f"wrote {path}; edit it, then: topics run {path}")
    return EXIT_OK


def _cmd_assign(args: argparse.Namespace) -> int:
    from topics.topic_models import assign_files

    for record in assign_files(args.model_dir, list(args.files), unit=args.unit,
                               trust=args.trust):
        print(json.dumps(record, ensure_ascii=False))
    return EXIT_OK


def _cmd_models(args: argparse.Namespace) -> int:
    import textwrap

    from topics import registry
    from topics.experiments.resolve import jsonable, plain

    if args.name is None:
        for name in registry.names():
            spec = registry.get(name)
            kind = f"{spec.kind.replace('_', ' ')}{' (peer)' if spec.peer else ''}"
            print(f"{name:<19}{kind:<20}{spec.summary}")
        print("\nsettings of one: topics models NAME")
        return EXIT_OK
    if Path(args.name).is_file() or args.name.endswith(".safetensors"):  # a saved model
        raise ConfigError(f"{args.name} is a model file; topics models NAME describes an estimator "
                          f"({', '.join(registry.names())}); a saved classifier's labels, "
                          "thresholds and training corpus are in the .card.json beside it")
    spec = registry.get(args.name)
    print(f"{spec.name}: {spec.summary}")
    for setting in spec.schema:
        default = plain(setting.default)
        shown = json.dumps(default, ensure_ascii=False) if jsonable(default) else "(none)"
        print(f"\n  {setting.name} = {shown}    [{setting.type_text}]")
        for line in textwrap.wrap(setting.help, 92):
            print(f"      {line}")
    return EXIT_OK


def _cmd_summary(args: argparse.Namespace) -> int:
    from topics.corpus import load_corpus

    print(load_corpus(args.corpus, **corpus_options(args)).summary())
    return EXIT_OK


def _cmd_analyse(args: argparse.Namespace) -> int:
    import yaml

    from topics.corpus.stream import analyse_corpus, check_output

    analysis = {}
    for item in args.analysis:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--analysis {item!r}: expected KEY=VALUE, e.g. lowercase=false")
        analysis[key.strip()] = yaml.safe_load(value)
    options = corpus_options(args)
    check_output(Path(args.output), args.corpus)  # before the sample is read
    summary = analyse_corpus(
        args.corpus, args.output, unit=args.unit, analysis=analysis, chunk_size=args.chunk_size,
        scheduler=args.scheduler, n_workers=args.n_workers, workers_read=args.workers_read,
        drop_paragraphs=_site_boilerplate(args, options), **options,
    )
    print(summary)
    return EXIT_OK


def _site_boilerplate(args: argparse.Namespace, options: dict[str, object]) -> list[str]:
    """The paragraphs ``--drop-repeated-paragraphs N`` takes out (found on a sample), said on
    stderr; none with 0."""
    from topics.corpus.stream import SAMPLE_ARTICLES, repeated_in_sample

    n = args.drop_repeated_paragraphs
    if n == 1 or n < 0:
        raise ConfigError(f"--drop-repeated-paragraphs {n}: give the distinct articles, 2 or "
                          "more, that make a paragraph boilerplate, or 0 to keep every paragraph")
    if not n:
        return []
    drop = repeated_in_sample(args.corpus, n, **options)
    if not args.quiet:  # a step's note, as the step log
        print(f"topics {args.command}: {counted(len(drop), 'paragraph')} repeated in {n}+ of up to "
              f"{SAMPLE_ARTICLES} articles sampled across the corpus (site boilerplate) taken out",
              file=sys.stderr)
    return drop


def _cmd_stream_nmf(args: argparse.Namespace) -> int:
    from topics.fileio import folder_for
    from topics.topic_models.streaming import fit_streaming_nmf
    from topics.topic_models.streaming_files import (
        check_output_folder,
        staged_output,
        write_outputs,
    )

    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--output {folder}: a file; give a folder for the topics, metrics and "
                          "assignments")
    check_output_folder(folder, None if args.no_assignments else args.corpus)
    # a failed fit leaves no empty folder; the fit's files appear together when all are written
    with folder_for(folder, "write the topics here"), staged_output(folder) as staging:
        options = corpus_options(args)
        drop = _site_boilerplate(args, options)
        result = fit_streaming_nmf(
            args.corpus, args.k, unit=args.unit, chunk_size=args.chunk_size, seed=args.seed,
            assignments=None if args.no_assignments else staging / "assignments.jsonl",
            drop_paragraphs=drop, scheduler=args.scheduler, n_workers=args.n_workers,
            workers_read=args.workers_read, min_df=args.min_df, max_df=args.max_df,
            context_weight=args.context_weight, keep_tokens=not args.reread_source, **options,
        )
        write_outputs(result, staging)
    if args.no_assignments and (folder / "assignments.jsonl").exists():
        print(f"topics stream-nmf: {folder}/assignments.jsonl is from an earlier fit", file=sys.stderr)
    for topic, words in sorted(result.topics.items()):
        print(f"topic {topic}: {' '.join(w for w, _ in words)}")
    shown = ", ".join(f"{key} {result.metrics[key]:.3f}" for key in ("npmi", "diversity", "nmi")
                      if key in result.metrics)
    print(f"{int(result.metrics['n_units']):,} {args.unit}s, {result.n_topics} topics: {shown} -> "
          f"{folder}/ (topics.csv, metrics.json, model/"
          f"{'' if args.no_assignments else ', assignments.jsonl'})")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``topics`` (one subparser per command)."""
    parser = argparse.ArgumentParser(
        prog="topics",
        description="Topic models and a labelled classifier for German news about Vietnam.",
    )
    parser.add_argument("--version", action="version", version=f"topics {__version__}")
    _add_common_options(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one experiment from a YAML config")
    run.add_argument("config", help="YAML experiment config (see `topics init-config`)")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config key, e.g. --set topic_models.nmf.n_components=8 (repeatable)",
    )
    run.add_argument("--runs-dir", default=DEFAULT_RUNS_DIR, metavar="DIR",
                     help="where runs go (%(default)s)")
    run.add_argument(
        "--dry-run", action="store_true", help="validate and print the resolved config, run nothing"
    )
    run.add_argument(
        "--no-report", action="store_true", help="do not write report.html into the run"
    )
    add_dask_options(run, "the run's fits: topic-model seeds, cross-validation folds; default: here")
    run.set_defaults(func=_cmd_run)

    sweep = sub.add_parser("sweep", help="run a grid of configs, in parallel")
    sweep.add_argument("grid", help="YAML: a base config plus grid: {key.path: [values]}")
    sweep.add_argument("--n-jobs", type=positive_int, default=None, metavar="N",
                       help="parallel points (default: the grid file's n_jobs)")
    sweep.add_argument("--runs-dir", default=DEFAULT_RUNS_DIR, metavar="DIR",
                       help="where runs go (%(default)s)")
    sweep.add_argument(
        "--resume", metavar="SUMMARY", default=None,
        help="the .sweep.json of a stopped sweep of this grid, in --runs-dir: keep its "
        "finished points, run the rest",
    )
    add_dask_options(sweep, "default: the config's dask.scheduler", config_scheduler=True)
    sweep.set_defaults(func=_cmd_sweep)

    compare = sub.add_parser("compare", help="compare runs: metrics and differing config keys")
    compare.add_argument("runs", nargs="+", metavar="RUN",
                         help="run directories, a folder of runs, or a sweep's .sweep.json (its "
                         "finished points); unfinished runs are skipped")
    compare.add_argument(
        "--metrics", nargs="+", default=None, metavar="KEY",
        help="metric keys or patterns, e.g. 'topics.*.npmi_mean' (keys: the runs' metrics.json); "
        "after the runs, or end the list with --"
    )
    compare.add_argument(
        "--format",
        choices=("table", "markdown", "csv", "latex"),
        default="table",
        help="table (terminal, 100 columns), markdown, csv or latex (%(default)s)",
    )
    compare.add_argument(
        "--figure",
        default=None,
        metavar="PATH",
        help="also draw a figure; the suffix picks the format (.png, .svg, .pdf)",
    )
    compare.set_defaults(func=_cmd_compare)

    report = sub.add_parser("report", help="(re)build report.html, the topic browser of a run")
    report.add_argument("run", help="a finished run directory")
    report.add_argument(
        "--output", default=None, metavar="PATH",
        help="an .html file or a folder to write to (default: RUN/report.html)"
    )
    report.add_argument(
        "--max-points", type=positive_int, default=5000, metavar="N",
        help="units per document map (%(default)s)"
    )
    report.set_defaults(func=_cmd_report)

    reproduce = sub.add_parser("reproduce", help="rerun a stored run and diff its metrics")
    reproduce.add_argument("run", help="a finished run directory")
    reproduce.add_argument("--runs-dir", default=DEFAULT_RUNS_DIR, metavar="DIR",
                           help="where the rerun goes (%(default)s)")
    reproduce.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        metavar="X",
        help="accept metrics that differ by at most X (default 0: every value equal)",
    )
    reproduce.set_defaults(func=_cmd_reproduce)

    init = sub.add_parser("init-config", help="write a commented starting config")
    init.add_argument("path", nargs="?", default="experiment.yaml",
                      help="the config file to write (%(default)s); an existing one only with "
                      "--force")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(func=_cmd_init_config)

    from topics.classifier.commands import add_commands  # classify, suggest-labels, train

    add_commands(sub)

    assign = sub.add_parser("assign", help="assign topics of a saved topic model to new texts")
    assign.add_argument("model_dir", help="a folder written by TopicModelResult.save (a run's "
                        "models/topics_NAME)")
    assign.add_argument("files", nargs="+", metavar="FILE", help="text files, or - for stdin")
    assign.add_argument("--unit", choices=("article", "paragraph"), default=None,
                        help="one line per article or per paragraph (default: the model's unit)")
    assign.add_argument("--trust", action="store_true",
                        help="also load pickled parts (runs code from the folder; only your own)")
    assign.set_defaults(func=_cmd_assign)

    models = sub.add_parser(
        "models", help="list the topic models and the classifier, or one's settings"
    )
    models.add_argument("name", nargs="?", default=None, help="an estimator name, e.g. nmf")
    models.set_defaults(func=_cmd_models)

    summary = sub.add_parser("summary", help="print a corpus summary")
    summary.add_argument("corpus", nargs="?", default=None, help="corpus path (default: shipped)")
    add_corpus_options(summary)
    summary.set_defaults(func=_cmd_summary)

    analyse = sub.add_parser(
        "analyse", help="German tokens of a corpus of any size, chunk by chunk, to a file"
    )
    analyse.add_argument("corpus", help="corpus file or folder (JSON Lines, CSV, Parquet, folder)")
    analyse.add_argument(
        "--output", "-o", required=True, metavar="PATH",
        help="tokens per article or paragraph: .jsonl, .ndjson or .parquet")
    analyse.add_argument("--unit", choices=("article", "paragraph"), default="article",
                         help="one tokens record per article or per paragraph (%(default)s)")
    analyse.add_argument("--chunk-size", type=positive_int, default=1000, metavar="N",
                         help="articles per chunk (%(default)s)")
    analyse.add_argument(
        "--analysis",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an analysis setting, e.g. --analysis lowercase=false (repeatable; see topics models)",
    )
    _add_drop_option(analyse)
    add_dask_options(analyse, "default: here, one process", workers_read=True)
    add_corpus_options(analyse)
    analyse.set_defaults(func=_cmd_analyse)

    stream = sub.add_parser(
        "stream-nmf", help="NMF topics of a corpus of any size, read as a stream (bounded memory)"
    )
    stream.add_argument("corpus", help="corpus file or folder (JSON Lines, CSV, Parquet, folder)")
    stream.add_argument("-k", type=topic_count, required=True, help="number of topics (2 or more)")
    stream.add_argument("--output", "-o", required=True, metavar="DIR",
                        help="folder for topics.csv, metrics.json, assignments.jsonl and the "
                             "model (model/, for topics assign)")
    stream.add_argument("--unit", choices=("article", "paragraph"), default="article",
                        help="fit the topics of articles or of paragraphs (%(default)s)")
    add_streaming_options(stream)
    stream.add_argument("--chunk-size", type=positive_int, default=2000, metavar="N",
                        help="units per chunk: what memory holds (%(default)s)")
    stream.add_argument("--seed", type=seed_number, default=0, help="the NMF's seed (%(default)s)")
    stream.add_argument("--no-assignments", action="store_true",
                        help="score on a sample in two reads; no assignments.jsonl")
    add_vocabulary_options(stream)
    _add_drop_option(stream)
    add_dask_options(stream, "default: here, one process; the topics are fitted here", True)
    add_corpus_options(stream)
    stream.set_defaults(func=_cmd_stream_nmf)
    for command in sub.choices.values():  # `topics run C.yaml -q` as `topics -q run C.yaml`
        _add_common_options(command.add_argument_group("options of every command"))
    return parser


def _add_common_options(parser: Any, default: Any = argparse.SUPPRESS) -> None:
    """``--debug`` and ``--quiet``, before the command or after it (there SUPPRESS: not given,
    they leave the value given before it)."""
    parser.add_argument("--debug", action="store_true", default=default,
                        help="show tracebacks on errors")
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="no step log and no progress bars on stderr")


def _add_drop_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--drop-repeated-paragraphs", type=int, default=5, metavar="N",
        help="take out paragraphs found in N or more distinct articles of 2000 sampled across "
             "the corpus (site boilerplate: cookie and newsletter notes); 0 keeps every "
             "paragraph (%(default)s)",
    )


def _report_signal(command: str, signum: int | None, error: BaseException | None = None) -> int:
    """Say how the command ended: interrupted (Ctrl-C, 130) or terminated (SIGTERM, 143), and
    what it kept (the notes of ``error``: a partial run, a sweep's summary)."""
    ended = "interrupted" if signum == signal.SIGINT else "terminated (SIGTERM)"
    kept = "".join(f"; {note}" for note in getattr(error, "__notes__", ()))
    print(f"topics {command}: {ended}{kept}", file=sys.stderr)
    return 130 if signum == signal.SIGINT else 143


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``topics`` command line; return the exit status."""
    args = build_parser().parse_args(argv)
    with termination.signals_handled():
        return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    """``args.func(args)``, with its errors and signals turned into one line and an exit status."""
    from topics.progress import step_log_on_stderr, verbosity, warnings_as_lines

    try:
        # --quiet: no step log and no progress bars either
        with (step_log_on_stderr(args.quiet), verbosity(False if args.quiet else None),
              warnings_as_lines(f"topics {args.command}")):
            status = int(dask_checked(args).func(args))  # --n-workers needs --scheduler local
        if termination.requested():  # its exception was swallowed on the way: not a success
            return _report_signal(args.command, termination.requested())
        return status
    except BrokenPipeError:  # `topics compare ... | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return EXIT_OK
    except KeyboardInterrupt as exc:
        return _report_signal(args.command, signal.SIGINT, exc)
    except termination.Terminated as exc:
        return _report_signal(args.command, signal.SIGTERM, exc)
    except Exception as exc:
        if termination.requested() and not args.debug:  # the signal, turned into another error
            return _report_signal(args.command, termination.requested(), exc)
        if not isinstance(exc, TopicsError) or args.debug:
            raise
        message = " ".join(str(exc).split())  # one line, whatever the message holds
        print(f"topics {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
