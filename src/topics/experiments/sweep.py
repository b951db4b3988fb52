"""Sweeps: every point of a grid of config values run as its own run, in parallel.

The points run in local processes (joblib, ``n_jobs`` of them), or on Dask, one task per point,
when a scheduler is given (``dask.scheduler`` in the config or ``--scheduler``: ``local`` for a
LocalCluster, or a scheduler address; see :mod:`topics.distributed`). Each point's ``metrics.json``
is the same wherever it ran.

The sweep's summary (``<timestamp>_<name>.sweep.json`` and a CSV; :mod:`topics.experiments.sweep_record`)
is written when the sweep starts and when it ends. A sweep stopped by SIGTERM or Ctrl-C stops its
workers, marks the runs they left half-done failed (each point's ``run.json`` names its sweep) and
says in the summary which points finished, which were stopped and which never ran; ``resume=`` that
summary (``topics sweep GRID --resume SUMMARY``) runs the rest. On a Dask cluster that outlives
the sweep (a scheduler address), the points under way are asked to stop through a Dask ``Event``
that each watches at its run's checkpoints (:func:`topics.termination.stop_when`): between steps
and seeds, and in LDA's sweeps.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from topics.distributed import check_scheduler, connected, map_chunks
from topics.errors import ConfigError, counted
from topics.experiments.config import Config
from topics.experiments.loading import load_grid, validate_config
from topics.experiments.overrides import apply_overrides
from topics.experiments.runner import run_experiment
from topics.experiments.store import DEFAULT_RUNS_DIR, utc_now
from topics.experiments.sweep_record import (
    SUMMARY_SUFFIX,
    claim_summary,
    kept_points,
    stopped_points,
    take_over,
    write_summary,
)
from topics.experiments.yaml_io import dump_yaml, yaml_scalar
from topics.fileio import check_writable
from topics.progress import track
from topics.termination import Terminated, stop_when

__all__ = ["SweepResult", "run_sweep"]

log = logging.getLogger("topics.experiments")


@dataclass
class SweepResult:
    """The outcome of :func:`run_sweep`.

    Attributes
    ----------
    points : list of dict
        Per grid point: ``index``, ``overrides``, ``status`` (finished | failed), ``run`` (path or
        None), ``error`` (message or None); a failed point's ``partial`` run directory; a point
        kept from the sweep this one resumed, that sweep's id as ``kept_from``; a point that
        Dask ran again after losing its worker, the abandoned attempts it removed as ``retried``.
    summary_path : Path
        The sweep summary (JSON; a CSV next to it).
    """

    points: list[dict[str, Any]]
    summary_path: Path

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The points that failed."""
        return [p for p in self.points if p["status"] != "finished"]

    @property
    def runs(self) -> list[Path]:
        """The finished run directories."""
        return [Path(p["run"]) for p in self.points if p["status"] == "finished"]

    def report(self) -> str:
        """A text table of the points."""
        kept = sum(1 for p in self.points if p.get("kept_from"))
        lines = [
            f"sweep: {len(self.points) - len(self.failed)} of {counted(len(self.points), 'point')} finished"
            f"{f' ({kept} kept from the sweep it resumed)' if kept else ''};"
            f" summary {self.summary_path}"
        ]
        for p in self.points:
            where = p["run"] if p["status"] == "finished" else p["error"]
            lines.append(f"  [{p['index']}] {p['status']:<8} {' '.join(p['overrides'])}  {where}")
        return "\n".join(lines)


def _grid_points(grid: Mapping[str, list[Any]]) -> list[list[str]]:
    keys = list(grid)
    points = []
    for values in itertools.product(*(grid[k] for k in keys)):
        points.append(
            [
                f"{k}={yaml_scalar(v)}"
                for k, v in zip(keys, values, strict=True)
            ]
        )
    return points


def _sweep_point(
    base: dict[str, Any], overrides: list[str], source: str, runs_dir: str, index: int,
    sweep_id: str, worker: str | None = None,
) -> dict[str, Any]:
    """One grid point (in a worker process): never raises, returns its status. ``worker``: the
    Dask worker's id, in run.json, so that a rerun can tell this attempt was abandoned."""
    point: dict[str, Any] = {"index": index, "overrides": overrides, "run": None, "error": None}
    record = {"id": sweep_id, "point": index} | ({"worker": worker} if worker else {})
    try:
        config = validate_config(
            apply_overrides(base, overrides), source=source, overrides=overrides
        )
        config._given_text = dump_yaml(apply_overrides(base, overrides), sort_keys=False)
        run = run_experiment(config, runs_dir=runs_dir, verbose=False,  # the sweep has one bar
                             sweep=record)
        point.update(status="finished", run=str(run.path))
    except Exception as exc:  # recorded, so that the other points carry on
        notes = [n for n in getattr(exc, "__notes__", []) if n.startswith("partial run kept as")]
        point.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        if notes:
            point["partial"] = notes[-1].removeprefix("partial run kept as ")
    return point


def _sweep_task(
    point: tuple[int, list[str]], *, base: dict[str, Any], source: str, runs_dir: str,
    sweep_id: str,
) -> dict[str, Any]:
    """One grid point as a Dask task (:func:`topics.distributed.map_chunks`); it stops at its
    run's next checkpoint once the sweep's client sets the sweep's stop event. Dask reruns the
    task when a worker is lost: the point's earlier attempts are taken over or cleaned up
    (:func:`~topics.experiments.sweep_record.take_over`)."""
    from dask.distributed import Event, get_worker

    index, overrides = point
    worker = get_worker().id
    finished, removed = take_over(Path(runs_dir), sweep_id, index, _live_workers)
    retried = {"retried": [str(path) for path in removed]} if removed else {}
    if finished is not None:  # its worker was lost with the result, not before the run ended
        return {"index": index, "overrides": overrides, "run": str(finished), "error": None,
                "status": "finished", **retried}
    stop = Event(_stop_event(sweep_id))
    try:
        with stop_when(stop.is_set, "the sweep was stopped by its client"):
            done = _sweep_point(base, overrides, source, runs_dir, index, sweep_id, worker)
    except Terminated as exc:  # the run is marked failed already; the client is gone
        done = {"index": index, "overrides": overrides, "run": None, "status": "stopped",
                "error": f"Terminated: {exc}"}
    return {**done, **retried}


def _live_workers() -> list[str] | None:
    """Runs in a Dask task: the ids of the workers in the cluster now; None if the scheduler
    cannot say (then no attempt is taken for abandoned)."""
    from dask.distributed import get_client

    try:
        return get_client().run_on_scheduler(_worker_ids)
    except Exception as exc:  # the point runs on; only the cleanup is skipped
        log.warning("sweep: cannot ask the scheduler which workers are alive (%s: %s); no "
                    "abandoned attempt is removed", type(exc).__name__, exc)
        return None


def _worker_ids(dask_scheduler: Any) -> list[str]:
    """Runs on the Dask scheduler: the ids of its workers."""
    return [state.server_id for state in dask_scheduler.workers.values()]


def _stop_event(sweep_id: str) -> str:
    """The name of the Dask event that asks a sweep's points to stop."""
    return f"topics-sweep-stop-{sweep_id}"


def _ask_points_to_stop(client: Any, sweep_id: str) -> None:
    """Set the sweep's stop event, so that points under way on a cluster that outlives the sweep
    stop too; a scheduler that cannot be reached any more is only logged."""
    from dask.distributed import Event

    try:
        Event(_stop_event(sweep_id), client=client).set()
    except Exception as exc:  # the sweep is stopping anyway: say it, do not hide its reason
        log.warning("sweep: could not ask the points under way to stop (%s: %s); they may still "
                    "finish on the cluster", type(exc).__name__, exc)


def _check_points(base: dict[str, Any], points: list[list[str]], source: str) -> list[Config]:
    """Every point's config, validated before any point runs: a grid over an unknown key or a
    value that no config takes is a mistake in the grid file, not a sweep of failed runs."""
    configs = []
    for index, overrides in enumerate(points):
        try:
            configs.append(validate_config(apply_overrides(base, overrides), source=source,
                                           overrides=overrides))
        except ConfigError as exc:
            raise ConfigError(f"grid point {index + 1} of {len(points)}: {exc}; nothing was run, "
                              "fix the grid") from None
    return configs


def run_sweep(
    grid_file: str | Path,
    *,
    n_jobs: int | None = None,
    runs_dir: str | Path = DEFAULT_RUNS_DIR,
    scheduler: str | None = None,
    n_workers: int | None = None,
    verbose: bool | None = None,
    resume: str | Path | None = None,
) -> SweepResult:
    """Run every point of a grid, each as its own run, in parallel processes or on Dask.

    Parameters
    ----------
    grid_file : str or Path
        A base config plus ``grid: {key.path: [values, ...]}``; the points are the product.
    n_jobs : int, optional
        Parallel points; default the base config's ``n_jobs``.
    scheduler : str, optional
        Run the points on Dask: ``"local"`` (a LocalCluster) or a scheduler address; default the
        base config's ``dask.scheduler`` (null: ``n_jobs`` local processes, no Dask).
    n_workers : int, optional
        LocalCluster workers; default ``dask.n_workers``, else ``n_jobs``.
    runs_dir : str or Path
        Where the runs and the sweep summary (``<timestamp>_<name>.sweep.json``) go.
    verbose : bool, optional
        A progress bar over the points (the points' own bars are off); ``None`` follows
        :func:`topics.progress.enabled`.
    resume : str or Path, optional
        The ``.sweep.json`` of an earlier sweep of this grid (one that was stopped or had failed
        points), in ``runs_dir``: its finished points are kept when their runs are still there
        with the config hash their config has now, and only the others run. The new summary lists
        them all.

    Returns
    -------
    SweepResult
        A failing point is recorded as failed (with its error); the others still run.

    Raises
    ------
    ConfigError
        If the grid file itself is malformed, or ``resume`` is not a summary of this grid in
        ``runs_dir``.
    Terminated, KeyboardInterrupt
        On SIGTERM or Ctrl-C (under the ``topics`` command), after the workers were stopped, the
        runs they left marked failed and the summary written with status ``stopped``: per point
        ``finished``, ``failed``, ``stopped`` (its ``partial`` run) or ``not run``. Points under
        way on a Dask cluster that outlives the sweep are asked to stop and do so at their
        run's next checkpoint (between steps and seeds, in LDA's sweeps).
    """
    base, grid = load_grid(grid_file)
    points = _grid_points(grid)
    shared = validate_config(base, source=str(grid_file))  # what every point starts from
    configs = _check_points(base, points, str(grid_file))
    name = shared.name  # validated: letters, digits, _ . - (never a path)
    if n_jobs is None:
        n_jobs = shared.n_jobs
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ConfigError(f"n_jobs={n_jobs!r}: the number of parallel points must be 1 or more")
    resumed_from, kept = kept_points(resume, grid, configs) if resume else (None, {})
    if resume and Path(resume).parent.resolve() != Path(runs_dir).resolve():
        # the new summary finds its runs beside it: kept runs elsewhere would be lost to compare
        raise ConfigError(f"--resume {resume}: that sweep's runs are in {Path(resume).parent}, "
                          f"not in the runs folder {runs_dir}; resume it there (--runs-dir "
                          f"{Path(resume).parent}); nothing was run")
    todo = [(i, o) for i, o in enumerate(points) if i not in kept]
    log.info("sweep %s: %d points, %d in parallel%s", name, len(points), n_jobs,
             f"; {len(kept)} kept from {resume}" if resume else "")
    check_writable(runs_dir, "write the sweep's runs here")
    scheduler = check_scheduler(scheduler or shared.dask.scheduler)
    workers = min(n_workers or shared.dask.n_workers or n_jobs, len(todo) or 1)
    with ExitStack() as cluster:
        # connected before the summary is claimed: a scheduler that cannot be reached leaves none
        client = cluster.enter_context(connected(
            scheduler if todo else None, n_workers=workers,
            threads_per_worker=shared.dask.threads_per_worker))
        summary_path = claim_summary(Path(runs_dir),
                                     f"{utc_now().strftime('%Y%m%dT%H%M%SZ')}_{name}")
        sweep_id = summary_path.name.removesuffix(SUMMARY_SUFFIX)
        record = {"grid_file": str(grid_file), "grid": grid, "id": sweep_id}
        if resumed_from:
            record["resumed_from"] = resumed_from
        initial = [kept.get(i, {"index": i, "overrides": o, "status": "not run", "run": None,
                                "error": None}) for i, o in enumerate(points)]
        write_summary(summary_path, {**record, "status": "running"}, initial)
        finished = _launch(todo, base, str(grid_file), str(runs_dir), sweep_id, n_jobs, client)
        # log each point as it finishes: a sweep can take a while
        bar = track(finished, total=len(todo), desc=f"sweep {name}", unit="run", verbose=verbose)
        results: dict[int, dict[str, Any]] = dict(kept)
        try:
            for done, point in enumerate(bar, start=1):
                results[point["index"]] = point
                log.info("[%d/%d] point %d %s: %s", done, len(todo), point["index"],
                         point["status"], point["run"] or point["error"])
        except BaseException as exc:  # SIGTERM, Ctrl-C: no worker goes on, no run says "running"
            if client is not None:
                _ask_points_to_stop(client, sweep_id)
            finished.close()  # joblib kills its workers; Dask cancels the points not started
            cluster.close()  # a LocalCluster's workers end here, before their runs are judged
            results.update(stopped_points(Path(runs_dir), sweep_id, initial, results, exc))
            write_summary(summary_path, {**record, "status": "stopped"},
                          [results.get(p["index"], p) for p in initial])
            exc.add_note(f"sweep summary kept as {summary_path}: {len(results)} of "
                         f"{counted(len(points), 'point')} finished, failed or stopped (--resume "
                         f"{summary_path} runs the rest)")
            raise
    ordered = [results[p["index"]] for p in initial]
    write_summary(summary_path, {**record, "status": "finished"}, ordered)
    return SweepResult(ordered, summary_path)


def _launch(
    todo: list[tuple[int, list[str]]],
    base: dict[str, Any],
    source: str,
    runs_dir: str,
    sweep_id: str,
    n_jobs: int,
    client: Any,
) -> Iterator[dict[str, Any]]:
    """The points of ``todo`` as they finish: ``n_jobs`` local processes (joblib), or on the
    Dask ``client``."""
    if not todo:  # every point kept: nothing to run (a generator, so that it can be closed)
        return (point for point in ())
    if client is None:
        from joblib import Parallel, delayed

        parallel = Parallel(
            n_jobs=min(n_jobs, len(todo)), backend="loky", return_as="generator_unordered"
        )
        return parallel(
            delayed(_sweep_point)(base, overrides, source, runs_dir, index, sweep_id)
            for index, overrides in todo
        )
    log.info("sweep: on Dask (%s)", client)
    return map_chunks(
        _sweep_task,
        todo,
        scheduler=client,
        ordered=False,
        base=base,
        source=source,
        runs_dir=runs_dir,
        sweep_id=sweep_id,
    )
