"""Run experiments from config files: each run stored as a directory with everything to redo it.

::

    run = topics.run_experiment("experiments/configs/vietnam.yaml",
                                overrides=["evaluation.seeds=[7, 8, 9]"])  # topic-model seeds
    print(run.summary())

A run goes: load the corpus -> fit each topic model (metrics, tables, figures) -> evaluate the
classifier by grouped cross-validation against its peers and fit it -> write outputs -> write
``report.html`` (:mod:`topics.experiments.report`). Every step is logged (logger
``topics.experiments``; the CLI prints it) and timed, and a progress bar (:mod:`topics.progress`)
runs over the steps, with the fits and folds of a step nested below it; the run directory layout is
described in :mod:`topics.experiments.store`.
"""

from __future__ import annotations

import logging
import random
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from topics.distributed import check_where, connected
from topics.errors import counted
from topics.experiments.config import Config
from topics.experiments.environment import environment
from topics.experiments.headlines import warn_unmatched
from topics.experiments.loading import load_config
from topics.experiments.resolve import config_hash, resolved_dict
from topics.experiments.steps import (
    corpus_record,
    evaluate_classifier,
    fit_classifier,
    load_configured_corpus,
    preflight,
    run_topic_model,
)
from topics.experiments.store import (
    DEFAULT_RUNS_DIR,
    Run,
    RunDirectory,
    dump_metrics,
    load_run,
    utc_now,
)
from topics.experiments.yaml_io import dump_yaml
from topics.fileio import check_could_write
from topics.progress import enable_step_log, progress, verbosity
from topics.termination import raise_if_requested

__all__ = ["check_where", "plan_experiment", "run_experiment"]

log = logging.getLogger("topics.experiments")


@contextmanager
def _step(label: str, timings: dict[str, Any], bar: Any) -> Iterator[None]:
    """Log ``[i/n] label ...`` and its duration; store seconds under ``steps.<label>``; advance
    the run's progress ``bar``. A signal whose exception a library swallowed stops the run
    here, at the latest."""
    raise_if_requested()
    log.info("%s ...", label)
    bar.set_postfix_str(label.split("] ", 1)[-1], refresh=False)
    start = time.perf_counter()
    yield
    raise_if_requested()
    seconds = time.perf_counter() - start
    timings.setdefault("steps", {})[label.split("] ", 1)[-1]] = round(seconds, 3)
    log.info("%s done in %.1f s", label, seconds)
    bar.update()


@contextmanager
def _global_seeds(seed: int) -> Iterator[None]:
    """Seed Python's and NumPy's global generators for the run, then restore them.

    A safety net for library code that falls back on the global generators when not given a
    seed; restoring keeps run_experiment free of side effects on its caller.
    """
    python_state, numpy_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


@contextmanager
def _run_log(path: Path) -> Iterator[None]:
    """Copy the ``topics`` loggers' INFO messages into the run's ``run.log`` while it runs."""
    previous = logging.getLogger("topics").level
    logger = enable_step_log()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(previous)


def _prepare(config: Config) -> tuple[dict[str, Any], str]:
    if config.tracking == "mlflow":
        from topics.experiments.tracking import check_tracking_uri, require_mlflow

        require_mlflow()  # fail before any work, not after a long run
        check_tracking_uri(config.tracking_uri,
                           f"config {config.source}: " if config.source else "")
    resolved = resolved_dict(config)
    return resolved, config_hash(resolved)


def plan_experiment(
    config: Config | str | Path | Mapping[str, Any], *, overrides: Iterable[str] = ()
) -> str:
    """Validate a config (with overrides) and describe the run without doing it.

    Returns
    -------
    str
        The config hash, the steps, and the resolved config as YAML.

    Raises
    ------
    ConfigError
        If the config is invalid.
    """
    config = load_config(config, overrides)
    resolved, digest = _prepare(config)
    corpus = load_configured_corpus(config)
    preflight(config, corpus)
    head = [
        f"# config valid: {config.name}, hash {digest}",
        f"# corpus {corpus.name}: {counted(len(corpus), 'article')}, fingerprint {corpus.fingerprint[:12]}",
        "# steps: " + ", ".join(_steps(config)),
    ]
    body = dump_yaml(resolved, sort_keys=False, allow_unicode=True)
    return "\n".join(head) + "\n" + body


def run_experiment(
    config: Config | str | Path | Mapping[str, Any],
    *,
    overrides: Iterable[str] = (),
    runs_dir: str | Path = DEFAULT_RUNS_DIR,
    report: bool | None = None,
    verbose: bool | None = None,
    sweep: Mapping[str, Any] | None = None,
    scheduler: Any = None,
    n_workers: int | None = None,
) -> Run:
    """Run one experiment from a config and store it as a run directory.

    Parameters
    ----------
    config : Config, str, Path or mapping
        A YAML config file, a mapping of the same shape, or a :class:`~topics.experiments.config.Config`.
    overrides : iterable of str
        ``"key.path=value"`` overrides (YAML values), applied before validation.
    runs_dir : str or Path
        Where the run directory is created.
    report : bool, optional
        Write ``report.html`` into the finished run (:func:`topics.experiments.report.write_report`);
        ``None`` follows the config's ``outputs.report`` (default true). A report that cannot be
        written is logged as an error; the run stays finished.
    verbose : bool, optional
        Progress bars with ETA on stderr (the steps; nested: topic-model fits, CV folds);
        ``None`` follows :func:`topics.progress.enabled` (on, except under ``TOPICS_PROGRESS=0``,
        ``topics --quiet`` and pytest). The step log goes to the ``topics`` logger (and
        ``run.log``) either way.
    sweep : mapping, optional
        Recorded in ``run.json`` as ``sweep`` from the start (a sweep's id and the point's index,
        as :func:`~topics.experiments.sweep.run_sweep` gives them): a stopped sweep finds the
        runs of its points.
    scheduler : None, "local", str or dask.distributed.Client
        Where the run's independent fits run, one task each: every seed of every topic model
        and every fold of the classifier's cross-validation. Here (``None``), on a Dask
        LocalCluster of ``n_workers`` processes (``"local"``, started once for the run) or on a
        running cluster (see :mod:`topics.distributed`). The metrics are the same wherever they
        ran; ``run.json`` records where (``fits_on``).
    n_workers : int, optional
        The LocalCluster's processes (default: one per core).

    Returns
    -------
    Run
        The finished run (``run.path``, ``run.metrics``, ``run.summary()``).

    Raises
    ------
    ConfigError
        If the config is invalid (before any work).
    TopicsError
        From the steps (corpus, models); the run then stays as ``<dir>.partial`` marked failed.
    """
    config = load_config(config, overrides)
    scheduler = check_where(scheduler, n_workers)
    if scheduler is None and sweep is None and config.dask.scheduler is not None:
        # the key is a sweep's: one run fitting here while the config names a cluster says so
        warnings.warn(f"dask.scheduler {config.dask.scheduler!r} is where `topics sweep` runs "
                      "its points; this run fits here: pass --scheduler (scheduler=) to fit on "
                      "Dask", stacklevel=2)
    resolved, digest = _prepare(config)
    steps = _steps(config)
    log.info("[1/%d] %s ...", len(steps), steps[0])
    start = time.perf_counter()
    corpus = load_configured_corpus(config)
    loaded = time.perf_counter() - start
    preflight(config, corpus)  # everything checkable fails here, before a run directory exists
    record: dict[str, Any] = {"sweep": dict(sweep)} if sweep else {}
    if scheduler is not None:
        record["fits_on"] = scheduler if isinstance(scheduler, str) else "dask client"
    check_could_write(runs_dir, "create a run directory in this folder")  # before a cluster
    # connected once for the run, before its directory is claimed
    with connected(scheduler, n_workers=n_workers) as where:
        run_dir = RunDirectory(runs_dir, config.name, digest, record)
        info: dict[str, Any] = {
            **record,
            "name": config.name,
            "config_hash": digest,
            "started": run_dir.started.isoformat(timespec="seconds"),
        }
        path = _run_in(run_dir, info, config, corpus, resolved, (start, loaded), where, verbose)
    run = load_run(path)
    warn_unmatched(config.evaluation.metrics, run.metrics, "evaluation.metrics pattern",
                   headline=True)  # the summary's tables would leave it out silently
    if config.outputs.report if report is None else report:
        _write_report(run)
    if config.tracking == "mlflow":
        from topics.experiments.tracking import log_run

        log_run(run, tracking_uri=config.tracking_uri, runs_dir=Path(runs_dir))
    return run


def _run_in(
    run_dir: RunDirectory, info: dict[str, Any], config: Config, corpus: Any,
    resolved: dict[str, Any], clock: tuple[float, float], where: Any, verbose: bool | None,
) -> Path:
    """Run the steps in the just claimed ``run_dir`` (fits on ``where``) and finish it; its final
    path. ``clock``: when the run started, and the seconds the corpus took to load."""
    start, loaded = clock
    timings: dict[str, Any] = {"steps": {_steps(config)[0]: round(loaded, 3)}}
    # The whole run, from its directory on, is inside the try: a SIGTERM that lands while the log
    # is being opened still marks the .partial directory failed.
    try:
        with _run_log(run_dir.path / "run.log"), _global_seeds(config.seed), verbosity(verbose):
            try:
                log.info("run %s -> %s", config.name, run_dir.final_path)
                metrics = _run_steps(config, corpus, resolved, run_dir, info, timings, loaded,
                                     where)
                return _finish(run_dir, info, resolved, timings, metrics, start)
            except BaseException as exc:  # into run.log, while it is open
                log.error("run failed: %s (kept as %s)", str(exc) or type(exc).__name__,
                          run_dir.path)  # Ctrl-C's KeyboardInterrupt has no message
                raise
    except BaseException as exc:  # KeyboardInterrupt too: the .partial dir says "failed"
        run_dir.fail(info, exc)
        exc.add_note(f"partial run kept as {run_dir.path}")
        raise


def _finish(
    run_dir: RunDirectory,
    info: dict[str, Any],
    resolved: dict[str, Any],
    timings: dict[str, Any],
    metrics: dict[str, Any],
    start: float,
) -> Path:
    """Write timings and summary, rename the directory; its final path."""
    seconds = time.perf_counter() - start
    timings.update(
        {
            "total": round(seconds, 3),
            "started": info["started"],
            "finished": utc_now().isoformat(timespec="seconds"),
        }
    )
    run_dir.write_json("timings.json", timings)
    info.update(seconds=round(seconds, 1), finished=timings["finished"])
    run_dir.write_text("summary.txt", _preview(run_dir, info, resolved, metrics))
    raise_if_requested()  # never a finished run after a signal, even a swallowed one
    return run_dir.finish(info)


def _write_report(run: Run) -> None:
    """``report.html`` into the finished run; a failure is logged, the run stays as it is."""
    from topics.experiments.report import write_report

    try:
        write_report(run.path)
    except Exception as exc:  # the run is finished and valid; the report can be rebuilt
        log.error("report.html not written (%s: %s); `topics report %s` retries",
                  type(exc).__name__, exc, run.path)


def _preview(
    run_dir: RunDirectory, info: dict[str, Any], resolved: dict[str, Any], metrics: dict[str, Any]
) -> str:
    stored = yaml.safe_load(dump_metrics(metrics))
    preview = Run(run_dir.final_path, {**info, "status": "finished"}, resolved, stored)
    return preview.summary() + "\n"


def _steps(config: Config) -> list[str]:
    steps = ["load corpus", *[f"topic model {n}" for n in config.topic_models]]
    if config.classifier.enabled and config.classifier.evaluation.enabled:
        steps.append("classifier evaluation")
    if config.classifier.enabled and config.classifier.fit:
        steps.append("classifier fit")
    return steps


def _run_steps(
    config: Config,
    corpus: Any,
    resolved: dict[str, Any],
    run_dir: RunDirectory,
    info: dict[str, Any],
    timings: dict[str, Any],
    loaded: float,
    where: Any,
) -> dict[str, Any]:
    run_dir.write_text("config.yaml", config.given_text)
    run_dir.write_yaml("config.resolved.yaml", resolved)
    run_dir.write_json("environment.json", environment())
    steps = _steps(config)
    label = iter(f"[{i}/{len(steps)}] {s}" for i, s in enumerate(steps, start=1))
    log.info("%s done in %.1f s", next(label), loaded)
    with progress(total=len(steps), initial=1, desc=f"run {config.name}", unit="step") as bar:
        metrics = _run_step_list(config, corpus, run_dir, info, timings, label, bar, where)
    run_dir.write_metrics(metrics)
    return metrics


def _run_step_list(
    config: Config,
    corpus: Any,
    run_dir: RunDirectory,
    info: dict[str, Any],
    timings: dict[str, Any],
    label: Iterator[str],
    bar: Any,
    where: Any,
) -> dict[str, Any]:
    """The steps after loading the corpus, advancing ``bar`` after each; their metrics.
    ``where`` (None or a Dask client) is where the topic models' seeds and the classifier's
    cross-validation folds are fitted."""
    record = corpus_record(config, corpus)
    run_dir.write_json("corpus.json", record)
    units = ", ".join(f"{u['n']} {unit}s" for unit, u in record["units"].items() if unit != "article")
    info["corpus"] = f"{corpus.name}: {counted(len(corpus), 'article')}" + (f" ({units})" if units else "")
    metrics: dict[str, Any] = {"corpus.n_articles": record["n_articles"]}
    for unit, unit_record in record["units"].items():
        metrics[f"corpus.n_{unit}s"] = unit_record["n"]
    for name in config.topic_models:
        with _step(next(label), timings, bar):
            metrics.update(run_topic_model(config, name, corpus, run_dir, timings, where))
    if config.classifier.enabled and config.classifier.evaluation.enabled:
        with _step(next(label), timings, bar):
            metrics.update(evaluate_classifier(config, corpus, run_dir, where))
    if config.classifier.enabled and config.classifier.fit:
        with _step(next(label), timings, bar):
            fit_classifier(config, corpus, run_dir, info["config_hash"])
    return metrics
