"""A sweep's record: its summary file, the runs of a stopped sweep, the points a resumed one keeps.

The summary ``<runs_dir>/<UTC timestamp>_<name>.sweep.json`` (and a CSV with one row per point)
is claimed with an exclusive create when the sweep starts and replaced whole as it goes::

    id           the summary's name without .sweep.json; every point's run.json names it
    grid_file    the grid file as given
    grid         key path -> values
    status       running | finished | stopped
    resumed_from the summary of the sweep this one resumed (only then)
    points       per point: index, overrides, status (finished | failed | stopped | not run),
                 run, error; a failed or stopped point's partial run; a kept point's kept_from;
                 a point that Dask ran again after losing its worker: retried, the abandoned
                 attempts it removed
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from topics.errors import ConfigError, RunError
from topics.experiments.config import Config
from topics.experiments.resolve import config_hash, resolved_dict
from topics.experiments.store import (
    PARTIAL_SUFFIX,
    RUN_FILE,
    load_run,
    read_json,
    utc_now,
    write_json,
)
from topics.fileio import atomic_write, describe_os_error

__all__ = [
    "SUMMARY_SUFFIX",
    "claim_summary",
    "kept_points",
    "read_summary",
    "stopped_points",
    "sweep_runs",
    "take_over",
    "write_summary",
]

log = logging.getLogger("topics.experiments")

SUMMARY_SUFFIX = ".sweep.json"


def claim_summary(runs_dir: Path, base: str) -> Path:
    """A new ``<base>.sweep.json`` (``-2``, ``-3``, … when sweeps of one name start in one second);
    the name is claimed with an exclusive create, so two sweeps never share a summary."""
    for attempt in range(1, 1000):
        path = runs_dir / f"{base if attempt == 1 else f'{base}-{attempt}'}{SUMMARY_SUFFIX}"
        try:
            path.open("x").close()
        except FileExistsError:
            continue
        except OSError as error:
            raise describe_os_error(error, path, "write the sweep summary") from None
        return path
    raise ConfigError(f"{runs_dir}: no free sweep summary name for {base}")  # pragma: no cover


def write_summary(path: Path, record: Mapping[str, Any], points: Sequence[dict[str, Any]]) -> None:
    """The sweep summary, JSON and CSV, each replaced whole (the CSV: one row per point)."""
    write_json(path, {**record, "points": list(points)})
    import pandas as pd

    frame = pd.DataFrame([{**p, "overrides": " ".join(p["overrides"])} for p in points])
    atomic_write(path.with_suffix(".csv"), frame.to_csv(index=False))


def stopped_points(
    runs_dir: Path,
    sweep_id: str,
    initial: Sequence[dict[str, Any]],
    results: Mapping[int, dict[str, Any]],
    error: BaseException,
) -> dict[int, dict[str, Any]]:
    """The points whose runs were under way when the sweep stopped, by index: their ``.partial``
    runs that still say "running" (their worker was killed) are marked failed with ``error``; a
    point whose run finished before its result reached the sweep is finished, with its run."""
    reason = f"{type(error).__name__}: the sweep was stopped ({str(error) or 'Ctrl-C'})"
    stopped = {}
    for info_file in sorted(runs_dir.glob(f"*/{RUN_FILE}")):
        index, info = _point_of(info_file, sweep_id, len(initial))
        if index is None or index in results:
            continue
        if not info_file.parent.name.endswith(PARTIAL_SUFFIX):  # a finished run is renamed
            if info.get("status") == "finished":
                stopped[index] = {**initial[index], "status": "finished",
                                  "run": str(info_file.parent), "error": None}
            continue
        if info.get("status") == "running":
            failed_at = utc_now().isoformat(timespec="seconds")
            write_json(info_file, {**info, "status": "failed", "failed_at": failed_at,
                                   "error": f"{reason} while this point ran"})
        stopped.setdefault(index, {**initial[index], "status": "stopped", "error": reason,
                                   "partial": str(info_file.parent)})
    return stopped


def take_over(
    runs_dir: Path, sweep_id: str, index: int,
    live_workers: Callable[[], Collection[str] | None],
) -> tuple[Path | None, list[Path]]:
    """What a Dask task of point ``index`` finds of the point's earlier attempts, and cleans up.

    Dask runs a task again when the worker that ran it, or held its result, is lost. An attempt
    whose run finished (its result was lost with its worker) is taken over: its run is returned,
    not run twice. A ``.partial`` attempt that still says "running" while the Dask worker it
    records (``sweep.worker``) is no longer in the cluster was killed: it is removed. Nothing
    else is touched: other sweeps' and points' runs, failed attempts, attempts of workers alive
    (``live_workers()``, asked only when there is one to judge; None: unknown, so all) or
    that record none.

    Returns
    -------
    (Path or None, list of Path)
        The finished run taken over, and the abandoned attempts removed.
    """
    finished, abandoned = None, []
    for info_file in sorted(runs_dir.glob(f"*/{RUN_FILE}")):
        run = info_file.parent
        point, info = _point_of(info_file, sweep_id, index + 1)
        if point != index or run.is_symlink():
            continue
        if not run.name.endswith(PARTIAL_SUFFIX):
            if info.get("status") == "finished" and finished is None:
                finished = run
        elif info.get("status") == "running" and isinstance(info["sweep"].get("worker"), str):
            abandoned.append((run, info["sweep"]["worker"]))
    if not abandoned:
        return finished, []
    alive = live_workers()
    if alive is None:
        return finished, []
    return finished, [run for run, worker in abandoned
                      if worker not in alive and _removed(run, worker)]


def _removed(run: Path, worker: str) -> bool:
    """Remove the attempt ``run`` that lost Dask ``worker`` left; False (logged) if it stays."""
    try:
        shutil.rmtree(run)
    except OSError as error:  # the rerun goes on; the attempt stays for the user to judge
        log.warning("%s: the attempt of lost Dask worker %s was not removed (%s)", run, worker,
                    error.strerror or error)
        return False
    log.warning("%s: removed, the attempt of lost Dask worker %s; its point runs again", run,
                worker)
    return True


def _point_of(info_file: Path, sweep_id: str, n_points: int) -> tuple[int | None, dict[str, Any]]:
    """The point of sweep ``sweep_id`` whose run ``info_file`` records, and the record; None
    for a run of another sweep (or none), or one half-written."""
    try:
        info = read_json(info_file)
    except RunError:  # a run of another sweep, half-written: not ours to judge
        return None, {}
    sweep = info.get("sweep")
    if not isinstance(sweep, dict) or sweep.get("id") != sweep_id:
        return None, info
    index = sweep.get("point")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < n_points:
        return None, info
    return index, info


def read_summary(summary_file: str | Path) -> dict[str, Any]:
    """A sweep summary's content, checked: a ConfigError names the file and what it needs."""
    summary_file = Path(summary_file)
    if not summary_file.name.endswith(SUMMARY_SUFFIX):
        raise ConfigError(f"{summary_file}: give the sweep's summary, the "
                          f"<time>_<name>{SUMMARY_SUFFIX} file in its runs folder")
    if not summary_file.is_file():
        raise ConfigError(f"{summary_file}: no such file; give the summary of a sweep")
    try:
        summary = read_json(summary_file)
    except RunError as error:
        raise ConfigError(f"{error}; give the summary of a sweep") from None
    points = summary.get("points")
    if not isinstance(points, list) or not isinstance(summary.get("id"), str):
        raise ConfigError(f"{summary_file}: not a sweep summary (no id or points)")
    return summary


def sweep_runs(summary_file: str | Path) -> list[Path]:
    """The run directories of a sweep's finished points, in point order (found beside the
    summary, in its runs folder)."""
    summary = read_summary(summary_file)
    return [_run_dir(Path(summary_file), p) for p in summary["points"]
            if isinstance(p, dict) and p.get("status") == "finished" and p.get("run")]


def _run_dir(summary_file: Path, point: Mapping[str, Any]) -> Path:
    """A point's run, looked for in the summary's folder (the summary may have been written
    from another working directory)."""
    return summary_file.parent / Path(str(point.get("run"))).name


def kept_points(
    summary_file: str | Path, grid: Mapping[str, list[Any]], configs: Sequence[Config]
) -> tuple[str, dict[int, dict[str, Any]]]:
    """The id of the sweep ``summary_file`` records, and its points that a resumed sweep keeps.

    A point is kept when it finished there and its run is still in the summary's folder,
    finished, with the config hash the point's config (``configs[index]``) has now; any other
    point runs again (a changed base config or a deleted run is logged).

    Raises
    ------
    ConfigError
        If the file is not a sweep summary, or its grid is not ``grid``.
    """
    summary_file = Path(summary_file)
    try:
        summary = read_summary(summary_file)
    except ConfigError as error:
        raise ConfigError(f"--resume {error}") from None
    if summary.get("grid") != grid:
        raise ConfigError(f"--resume {summary_file}: that sweep ran another grid "
                          f"({summary.get('grid')!r}); resume it with its own grid file")
    kept = {}
    for point in summary["points"]:
        if not isinstance(point, dict) or point.get("status") != "finished":
            continue
        index = point.get("index")
        if not isinstance(index, int) or not 0 <= index < len(configs):
            continue
        run_dir = _run_dir(summary_file, point)
        try:
            run = load_run(run_dir)
        except RunError as error:
            log.warning("point %d runs again: %s", index, error)
            continue
        now = config_hash(resolved_dict(configs[index]))
        if run.config_hash != now:
            log.warning("point %d runs again: its run %s has config hash %s, its config now %s "
                        "(the base config changed)", index, run_dir, run.config_hash, now)
            continue
        kept[index] = {**point, "run": str(run_dir), "kept_from": summary["id"]}
    return summary["id"], kept
