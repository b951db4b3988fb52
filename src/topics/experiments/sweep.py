"""Sweeps: every point of a grid of config values run as its own run, in parallel.

The points run in local processes (joblib, ``n_jobs`` of them), or on Dask, one task per point,
when a scheduler is given (``dask.scheduler`` in the config or ``--scheduler``: ``local`` for a
LocalCluster, or a scheduler address; see :mod:`topics.distributed`). Each point's ``metrics.json``
is the same wherever it ran.

The sweep's summary (``<timestamp>_<name>.sweep.json`` and a CSV) is written when the sweep starts
and when it ends. A sweep stopped by SIGTERM or Ctrl-C stops its workers, marks the runs they left
half-done failed (each point's ``run.json`` names its sweep) and says in the summary which points
finished, which were stopped and which never ran.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from topics.distributed import check_scheduler, map_chunks
from topics.errors import ConfigError, RunError
from topics.experiments.loading import load_grid, validate_config
from topics.experiments.overrides import apply_overrides
from topics.experiments.runner import run_experiment
from topics.experiments.store import (
    DEFAULT_RUNS_DIR,
    PARTIAL_SUFFIX,
    RUN_FILE,
    read_json,
    utc_now,
    write_json,
)
from topics.fileio import atomic_write, check_writable, describe_os_error
from topics.progress import track

__all__ = ["SweepResult", "run_sweep"]

log = logging.getLogger("topics.experiments")


@dataclass
class SweepResult:
    """The outcome of :func:`run_sweep`.

    Attributes
    ----------
    points : list of dict
        Per grid point: ``index``, ``overrides``, ``status`` (finished | failed), ``run`` (path or
        None), ``error`` (message or None); a failed point's ``partial`` run directory.
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
        lines = [
            f"sweep: {len(self.points) - len(self.failed)} of {len(self.points)} points finished;"
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
                f"{k}={yaml.safe_dump(v, default_flow_style=True, width=10_000).strip().removesuffix('...').strip()}"
                for k, v in zip(keys, values, strict=True)
            ]
        )
    return points


def _sweep_point(
    base: dict[str, Any], overrides: list[str], source: str, runs_dir: str, index: int,
    sweep_id: str,
) -> dict[str, Any]:
    """One grid point (in a worker process): never raises, returns its status."""
    point: dict[str, Any] = {"index": index, "overrides": overrides, "run": None, "error": None}
    try:
        config = validate_config(
            apply_overrides(base, overrides), source=source, overrides=overrides
        )
        config._given_text = yaml.safe_dump(apply_overrides(base, overrides), sort_keys=False)
        run = run_experiment(config, runs_dir=runs_dir, verbose=False,  # the sweep has one bar
                             sweep={"id": sweep_id, "point": index})
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
    """One grid point as a Dask task (:func:`topics.distributed.map_chunks`)."""
    index, overrides = point
    return _sweep_point(base, overrides, source, runs_dir, index, sweep_id)


def _check_points(base: dict[str, Any], points: list[list[str]], source: str) -> None:
    """Validate every point's config before any point runs: a grid over an unknown key or a value
    that no config takes is a mistake in the grid file, not a sweep of failed runs."""
    for index, overrides in enumerate(points):
        try:
            validate_config(apply_overrides(base, overrides), source=source, overrides=overrides)
        except ConfigError as exc:
            raise ConfigError(f"grid point {index + 1} of {len(points)}: {exc}; nothing was run, "
                              "fix the grid") from None


def run_sweep(
    grid_file: str | Path,
    *,
    n_jobs: int | None = None,
    runs_dir: str | Path = DEFAULT_RUNS_DIR,
    scheduler: str | None = None,
    n_workers: int | None = None,
    verbose: bool | None = None,
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

    Returns
    -------
    SweepResult
        A failing point is recorded as failed (with its error); the others still run.

    Raises
    ------
    ConfigError
        If the grid file itself is malformed.
    Terminated, KeyboardInterrupt
        On SIGTERM or Ctrl-C (under the ``topics`` command), after the workers were stopped, the
        runs they left marked failed and the summary written with status ``stopped``: per point
        ``finished``, ``failed``, ``stopped`` (its ``partial`` run) or ``not run``. Points already
        running on a remote Dask cluster cannot be stopped from here and may still finish.
    """
    from joblib import Parallel, delayed

    base, grid = load_grid(grid_file)
    points = _grid_points(grid)
    shared = validate_config(base, source=str(grid_file))  # what every point starts from
    _check_points(base, points, str(grid_file))
    name = shared.name  # validated: letters, digits, _ . - (never a path)
    if n_jobs is None:
        n_jobs = shared.n_jobs
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ConfigError(f"n_jobs={n_jobs!r}: the number of parallel points must be 1 or more")
    log.info("sweep %s: %d points, %d in parallel", name, len(points), n_jobs)
    check_writable(runs_dir, "write the sweep's runs here")
    scheduler = check_scheduler(scheduler or shared.dask.scheduler)
    summary_path = _summary_path(Path(runs_dir), f"{utc_now().strftime('%Y%m%dT%H%M%SZ')}_{name}")
    sweep_id = summary_path.name.removesuffix(".sweep.json")
    record = {"grid_file": str(grid_file), "grid": grid, "id": sweep_id}
    waiting = [{"index": i, "overrides": o, "status": "not run", "run": None, "error": None}
               for i, o in enumerate(points)]
    _write_summary(summary_path, {**record, "status": "running"}, waiting)
    if scheduler is None:
        parallel = Parallel(
            n_jobs=min(n_jobs, len(points)), backend="loky", return_as="generator_unordered"
        )
        finished = parallel(
            delayed(_sweep_point)(base, overrides, str(grid_file), str(runs_dir), index, sweep_id)
            for index, overrides in enumerate(points)
        )
    else:
        log.info("sweep %s: on Dask (%s)", name, scheduler)
        finished = map_chunks(
            _sweep_task,
            list(enumerate(points)),
            scheduler=scheduler,
            n_workers=min(n_workers or shared.dask.n_workers or n_jobs, len(points)),
            threads_per_worker=shared.dask.threads_per_worker,
            ordered=False,
            base=base,
            source=str(grid_file),
            runs_dir=str(runs_dir),
            sweep_id=sweep_id,
        )
    results: dict[int, dict[str, Any]] = {}
    # log each point as it finishes: a sweep can take a while
    bar = track(finished, total=len(points), desc=f"sweep {name}", unit="run", verbose=verbose)
    try:
        for done, point in enumerate(bar, start=1):
            results[point["index"]] = point
            where = point["run"] or point["error"]
            log.info(
                "[%d/%d] point %d %s: %s", done, len(points), point["index"], point["status"],
                where,
            )
    except BaseException as exc:  # SIGTERM, Ctrl-C: no worker goes on, no run says "running"
        finished.close()  # joblib kills its workers, a LocalCluster closes
        results.update(_stopped_points(Path(runs_dir), sweep_id, waiting, results, exc))
        _write_summary(summary_path, {**record, "status": "stopped"},
                       [results.get(p["index"], p) for p in waiting])
        exc.add_note(f"sweep summary kept as {summary_path}: {len(results)} of {len(points)} "
                     "points finished, failed or stopped")
        raise
    ordered = [results[p["index"]] for p in waiting]
    _write_summary(summary_path, {**record, "status": "finished"}, ordered)
    return SweepResult(ordered, summary_path)


def _stopped_points(
    runs_dir: Path, sweep_id: str, waiting: list[dict[str, Any]],
    results: Mapping[int, dict[str, Any]], error: BaseException,
) -> dict[int, dict[str, Any]]:
    """The points whose runs were under way when the sweep stopped, by index: their ``.partial``
    runs that still say "running" (their worker was killed) are marked failed with ``error``."""
    reason = f"{type(error).__name__}: the sweep was stopped ({str(error) or 'Ctrl-C'})"
    stopped = {}
    for info_file in sorted(runs_dir.glob(f"*{PARTIAL_SUFFIX}/{RUN_FILE}")):
        try:
            info = read_json(info_file)
        except RunError:  # a run of another sweep, half-written: not ours to judge
            continue
        sweep = info.get("sweep")
        if not isinstance(sweep, dict) or sweep.get("id") != sweep_id:
            continue
        index = sweep.get("point")
        if index in results or not isinstance(index, int) or not 0 <= index < len(waiting):
            continue
        if info.get("status") == "running":
            failed_at = utc_now().isoformat(timespec="seconds")
            write_json(info_file, {**info, "status": "failed", "failed_at": failed_at,
                                   "error": f"{reason} while this point ran"})
        stopped[index] = {**waiting[index], "status": "stopped", "error": reason,
                          "partial": str(info_file.parent)}
    return stopped


def _write_summary(path: Path, record: dict[str, Any], points: list[dict[str, Any]]) -> None:
    """The sweep summary, JSON and CSV, replaced whole (the CSV: one row per point)."""
    write_json(path, {**record, "points": points})
    import pandas as pd

    frame = pd.DataFrame([{**p, "overrides": " ".join(p["overrides"])} for p in points])
    atomic_write(path.with_suffix(".csv"), frame.to_csv(index=False))


def _summary_path(runs_dir: Path, base: str) -> Path:
    """A new ``<base>.sweep.json`` (``-2``, ``-3``, … when sweeps of one name end in one second);
    the name is claimed with an exclusive create, so two sweeps never share a summary."""
    for attempt in range(1, 1000):
        path = runs_dir / f"{base if attempt == 1 else f'{base}-{attempt}'}.sweep.json"
        try:
            path.open("x").close()
        except FileExistsError:
            continue
        except OSError as error:
            raise describe_os_error(error, path, "write the sweep summary") from None
        return path
    raise ConfigError(f"{runs_dir}: no free sweep summary name for {base}")  # pragma: no cover
