"""Comparing runs: chosen metrics side by side with the config keys that differ; table and figure."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from topics.evaluation.tables import format_value, markdown_table
from topics.experiments.headlines import select_metrics
from topics.experiments.store import RUN_FILE, Run, RunError, load_run

__all__ = ["compare_runs", "format_comparison", "plot_comparison"]

log = logging.getLogger("topics.experiments")


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, Mapping):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out if out or not prefix else {prefix[:-1]: "{}"}
    if isinstance(data, list):
        return {prefix[:-1]: yaml.safe_dump(data, default_flow_style=True).strip()}
    return {prefix[:-1]: data}


# keys that differ between runs without making them different experiments
_NOT_COMPARED = ("description", "evaluation.metrics")


def _comparable_configs(resolved: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Flattened configs; a topic model only some runs have shows as one ``topic_models`` key
    (the list of names) instead of a column per setting."""
    names = [set(r.get("topic_models", {}) or {}) for r in resolved]
    shared = set.intersection(*names) if names else set()
    flat = []
    for config, own in zip(resolved, names, strict=True):
        entry = _flatten({k: v for k, v in config.items() if k != "topic_models"})
        for name in sorted(shared):
            entry.update(_flatten(config["topic_models"][name], f"topic_models.{name}."))
        entry["topic_models"] = ", ".join(sorted(own)) or "(none)"
        flat.append({k: v for k, v in entry.items() if k not in _NOT_COMPARED})
    return flat


def _expand_run_dirs(paths: Sequence[str | Path | Run]) -> list[str | Path | Run]:
    """A folder of runs (``experiments/runs``, ``experiments/results/topic_peers``) stands for the
    finished runs inside it (one level down), so globs and parent folders both work."""
    out: list[str | Path | Run] = []
    for item in paths:
        path = Path(item) if not isinstance(item, Run) else None
        if path is None or (path / RUN_FILE).exists() or not path.is_dir():
            out.append(item)
            continue
        inside = sorted(
            p.parent for p in path.glob(f"*/{RUN_FILE}") if p.parent.suffix != ".partial"
        )
        out.extend(inside or [item])
    return out


def compare_runs(
    paths: Sequence[str | Path | Run],
    metrics: Sequence[str] | None = None,
    *,
    skip_unfinished: bool = False,
) -> Any:
    """Compare runs: chosen metrics side by side, with the config keys that differ.

    Parameters
    ----------
    paths : sequence of str, Path or Run
        Run directories (or loaded runs); a folder that holds runs stands for the finished runs
        one level down in it.
    metrics : sequence of str, optional
        Metric keys or fnmatch patterns (``"topics.*.npmi"``); default: the runs' headline
        metrics (``evaluation.metrics`` of each config).
    skip_unfinished : bool
        Skip paths that are not finished runs (``.partial`` dirs, files) instead of raising;
        handy with shell globs like ``experiments/runs/*``.

    Returns
    -------
    pandas.DataFrame
        One row per run (index: run directory name); first the config keys that differ
        (``config.<key.path>``), then the metrics. ``frame.attrs`` holds ``metrics``,
        ``config_keys`` and ``paths``.

    Raises
    ------
    RunError
        If a path is not a finished run (unless ``skip_unfinished``) or no run is left.
    """
    import pandas as pd

    runs: list[Run] = []
    skipped: list[str] = []
    for item in _expand_run_dirs(paths):
        if isinstance(item, Run):
            runs.append(item)
            continue
        try:
            runs.append(load_run(item))
        except RunError as exc:
            if not skip_unfinished:
                raise
            if Path(item).is_file():  # a shell glob also matches sweep summaries, mlflow.db
                continue
            skipped.append(str(exc))
    if not runs:
        why = f" (skipped: {'; '.join(skipped[:3])})" if skipped else ""
        raise RunError(
            f"no finished runs to compare{why}; give run directories (experiments/runs/...)"
        )
    for reason in skipped:
        log.warning("skipped %s", reason)
    if metrics is None:
        metrics = list(
            dict.fromkeys(
                p for r in runs for p in r.resolved.get("evaluation", {}).get("metrics", ["*"])
            )
        )
    chosen = list(dict.fromkeys(k for r in runs for k in select_metrics(r.metrics, metrics)))
    flat = _comparable_configs([r.resolved for r in runs])
    keys = sorted(set().union(*flat))
    differing = [k for k in keys if len({repr(f.get(k)) for f in flat}) > 1]
    rows = []
    for run, config in zip(runs, flat, strict=True):
        row = {f"config.{k}": config.get(k) for k in differing}
        row.update({k: run.metrics.get(k) for k in chosen})
        rows.append(row)
    frame = pd.DataFrame(rows, index=pd.Index([r.name for r in runs], name="run"))
    frame.attrs.update(
        metrics=chosen,
        config_keys=[f"config.{k}" for k in differing],
        paths=[str(r.path) for r in runs],
    )
    return frame


def _markdown(frame: Any) -> str:
    header = ["run", *map(str, frame.columns)]
    rows = [
        [str(index), *(format_value(v) for v in row)]
        for index, row in zip(frame.index, frame.values, strict=True)
    ]
    return markdown_table(header, rows)


def _terminal_table(frame: Any, max_config_keys: int = 8, width: int = 28) -> str:
    """Runs as numbered columns (few runs) or rows (many), long cells cut, a legend of runs."""
    if not len(frame):
        return "(no runs)"
    config_keys = frame.attrs.get("config_keys", [])
    metrics = [c for c in frame.columns if c not in config_keys]
    shown_keys = config_keys[:max_config_keys]
    table = frame[shown_keys + metrics].copy()
    table.columns = [c.removeprefix("config.") for c in table.columns]
    table.index = [f"[{i}]" for i in range(1, len(frame) + 1)]
    table = table.apply(lambda column: column.map(lambda v: format_value(v, str(column.name))[:width]))
    body = (table.T if len(frame) <= 6 else table).to_string()
    legend = [f"[{i}] {path}" for i, path in enumerate(frame.attrs.get("paths", frame.index), 1)]
    note = []
    if len(config_keys) > len(shown_keys):
        note = [f"({len(config_keys) - len(shown_keys)} more config keys differ: --format csv)"]
    return "\n".join([*legend, "", body, *note])


def format_comparison(frame: Any, format: str = "table") -> str:
    """Render a :func:`compare_runs` table as ``"table"`` (terminal), ``"markdown"`` or ``"csv"``."""
    if format == "csv":
        return frame.to_csv().rstrip("\n")
    if format == "markdown":
        return _markdown(frame)
    if format == "table":
        return _terminal_table(frame)
    raise RunError(f"format {format!r} is unknown; use table, markdown or csv")


def plot_comparison(frame: Any, path: str | Path | None = None, *, max_metrics: int = 12) -> Any:
    """Draw a :func:`compare_runs` table: one panel per metric, one bar per run.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`compare_runs`.
    path : str or Path, optional
        Save the figure there (PNG) as well.
    max_metrics : int
        Draw at most this many metrics (the first ones).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib import colormaps

    from topics.evaluation.plots import new_figure, save_figure

    metrics = [m for m in frame.attrs.get("metrics", list(frame.columns)) if m in frame][
        :max_metrics
    ]
    if not metrics:
        raise RunError("nothing to draw: the runs share no metric")
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    fig = new_figure(4.2 * ncols, 0.5 + (0.35 * len(frame) + 1.2) * nrows)
    axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False))
    labels = [str(i)[-40:] for i in frame.index]
    positions = np.arange(len(frame))
    for ax, metric in zip(axes.flat, metrics, strict=False):
        values = np.array([np.nan if v is None else float(v) for v in frame[metric]], dtype=float)
        ax.barh(positions, np.nan_to_num(values), color=colormaps["tab10"](positions % 10))
        ax.set_yticks(positions, labels if ax in axes[:, 0] else [""] * len(labels), fontsize=7)
        ax.invert_yaxis()
        ax.set_title(metric, fontsize=9)
        for y, v in zip(positions, values, strict=True):
            if not np.isnan(v):
                ax.text(v, y, f" {v:.3f}", va="center", fontsize=7)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    if path is not None:
        save_figure(fig, path, dpi=110)
    return fig
