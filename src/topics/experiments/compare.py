"""Comparing runs: chosen metrics side by side with the config keys that differ.

::

    frame = topics.compare_runs(paths)              # a DataFrame, one row per run
    print(format_comparison(frame))                 # terminal: fits 100 columns
    format_comparison(frame, "markdown" | "csv" | "latex")
    plot_comparison(frame, "compare.svg")           # .png, .svg or .pdf by suffix

The config keys come first: the keys swept by ``--set`` or a sweep grid (always shown), then the
other keys that differ, with ``corpus.fingerprint`` (from ``corpus.json``) among them when the runs
read different data; bookkeeping keys (``name``, ``n_jobs``, ``tracking``, ``tracking_uri``,
``outputs.*``) are left out. The renderings are in :mod:`topics.experiments.compare_render`.
"""

from __future__ import annotations

import fnmatch
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from topics.errors import ConfigError
from topics.experiments.compare_render import format_comparison, plot_comparison
from topics.experiments.config import OVERRIDES_HEADER
from topics.experiments.headlines import n_seeds, sd_key, select_metrics, warn_unmatched
from topics.experiments.store import RUN_FILE, Run, RunError, load_run
from topics.experiments.sweep_record import SUMMARY_SUFFIX, sweep_runs

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
# bookkeeping: compare_runs leaves these out of the table unless they were swept (fnmatch patterns)
_BOOKKEEPING = ("name", "n_jobs", "tracking", "tracking_uri", "outputs.*")


def _swept_keys(run: Run) -> list[str]:
    """The keys a run was given with ``--set`` (or as a sweep point): the overrides header that
    ``config.yaml`` starts with (:data:`~topics.experiments.config.OVERRIDES_HEADER` and one JSON
    string a line; before it, one ``# overrides: --set k=v --set ...`` line)."""
    try:
        with open(run.path / "config.yaml", encoding="utf-8") as handle:
            first = handle.readline().rstrip("\n")
            if first == OVERRIDES_HEADER:
                items = []
                for line in handle:
                    if not line.startswith('# "'):
                        break
                    try:
                        items.append(json.loads(line[2:]))
                    except ValueError:
                        break  # not ours: the overrides end here
    except OSError:
        return []
    if first != OVERRIDES_HEADER:
        if not first.startswith("# overrides:"):
            return []
        items = first.removeprefix("# overrides:").split("--set ")
    return [item.split("=", 1)[0].strip() for item in items if isinstance(item, str) and "=" in item]


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


def _corpus_fingerprint(run: Run) -> str | None:
    """The first 12 hex digits of the fingerprint of the corpus a run read (its ``corpus.json``),
    or None for a run copied without it."""
    try:
        fingerprint = run.corpus_info.get("fingerprint")
    except RunError:
        return None
    return str(fingerprint)[:12] if fingerprint else None


def _expand_run_dirs(paths: Any) -> list[str | Path | Run]:
    """A folder of runs (``experiments/runs``, ``experiments/results/topic_peers``) stands for the
    finished runs inside it (one level down), so globs and parent folders both work; a sweep's
    summary (``.sweep.json``) for the runs of its finished points."""
    if isinstance(paths, str | Path | Run):  # one run, or one folder of runs
        paths = [paths]
    if not isinstance(paths, Iterable):
        raise RunError(f"expected run directories (a list of paths), got {type(paths).__name__}")
    out: list[str | Path | Run] = []
    for item in paths:
        path = Path(item) if not isinstance(item, Run) else None
        if path is not None and path.name.endswith(SUMMARY_SUFFIX) and path.is_file():
            try:
                out.extend(sweep_runs(path))
            except ConfigError as error:
                raise RunError(str(error)) from None
            continue
        if path is None or (path / RUN_FILE).exists() or not path.is_dir():
            out.append(item)
            continue
        inside = sorted(
            p.parent for p in path.glob(f"*/{RUN_FILE}") if p.parent.suffix != ".partial"
        )
        out.extend(inside or [item])
    # a glob such as runs/* holds a sweep's summary and its runs: each run once
    seen: set[Path] = set()
    unique: list[str | Path | Run] = []
    for item in out:
        if not isinstance(item, Run):
            key = Path(item).resolve()
            if key in seen:
                continue
            seen.add(key)
        unique.append(item)
    return unique


def compare_runs(
    paths: str | Path | Run | Sequence[str | Path | Run],
    metrics: Sequence[str] | None = None,
    *,
    skip_unfinished: bool = False,
) -> Any:
    """Compare runs: chosen metrics side by side, with the config keys that differ.

    Parameters
    ----------
    paths : str, Path, Run or a sequence of them
        Run directories (or loaded runs); a folder that holds runs stands for the finished runs
        one level down in it, a sweep's ``.sweep.json`` for the runs of its finished points. One
        path alone is one run (or one folder of runs, or one sweep).
    metrics : str or sequence of str, optional
        Metric keys or fnmatch patterns (``"topics.*.npmi_mean"``, ``"classifier.*"``; one string
        is one pattern); default:
        the runs' headline metrics (``evaluation.metrics`` of each config). A pattern that
        matches no metric of any run is warned about, with the closest one that would.
    skip_unfinished : bool
        Skip paths that are not finished runs (``.partial`` dirs, files) instead of raising;
        handy with shell globs like ``experiments/runs/*``.

    Returns
    -------
    pandas.DataFrame
        One row per run (index: run directory name); first the config keys that differ
        (``config.<key.path>``: the keys swept with ``--set`` or by a sweep grid first, always
        shown; ``config.corpus.fingerprint`` when the runs read corpora of different content;
        bookkeeping keys such as ``name``, ``n_jobs``, ``tracking_uri``, ``outputs.*`` left
        out), then the metrics. ``frame.attrs`` holds ``metrics``, ``config_keys``,
        ``swept_keys``, ``hidden_keys``, ``paths``, ``spread`` (metric -> its ``_sd`` per run)
        and ``n_seeds`` (metric -> seeds per run, ``None`` where the run does not say).

    Raises
    ------
    RunError
        If a path is not a finished run (unless ``skip_unfinished``) or no run is left.
    """
    import pandas as pd

    runs: list[Run] = []
    skipped: list[str] = []
    files: list[str] = []  # left out quietly, unless nothing else is left
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
                files.append(str(item))
                continue
            skipped.append(str(exc))
    if not runs:
        skipped += [f"{f}: a file, not a run directory" for f in files]
        why = f" (skipped: {'; '.join(skipped[:3])})" if skipped else ""
        raise RunError(
            f"no finished runs to compare{why}; give run directories (experiments/runs/...)"
        )
    for reason in skipped:
        log.warning("skipped %s", reason)
    given = metrics is not None
    if isinstance(metrics, str):  # one pattern, not one per character
        metrics = [metrics]
    if metrics is None:
        metrics = list(
            dict.fromkeys(
                p for r in runs for p in r.resolved.get("evaluation", {}).get("metrics", ["*"])
            )
        )
    keys = {k for r in runs for k in r.metrics}
    warn_unmatched(metrics, keys, "metrics pattern" if given else "evaluation.metrics pattern",
                   headline=not given)
    chosen = list(dict.fromkeys(k for r in runs for k in select_metrics(r.metrics, metrics)))
    flat = _comparable_configs([r.resolved for r in runs])
    fingerprints = [_corpus_fingerprint(r) for r in runs]
    if any(fingerprints):  # the same config on other data is another experiment
        for entry, fingerprint in zip(flat, fingerprints, strict=True):
            entry["corpus.fingerprint"] = fingerprint
    keys = sorted(set().union(*flat))
    swept = list(dict.fromkeys(k for r in runs for k in _swept_keys(r) if k in keys))
    all_differing = [k for k in keys if len({repr(f.get(k)) for f in flat}) > 1]
    hidden = [
        k
        for k in all_differing
        if k not in swept and any(fnmatch.fnmatchcase(k, p) for p in _BOOKKEEPING)
    ]
    # swept keys first (always shown, even where their values happen to agree), then the rest
    differing = [k for k in swept if k in all_differing or len(runs) > 1]
    differing += [k for k in all_differing if k not in differing and k not in hidden]
    rows = []
    for run, config in zip(runs, flat, strict=True):
        row = {f"config.{k}": config.get(k) for k in differing}
        row.update({k: run.metrics.get(k) for k in chosen})
        rows.append(row)
    frame = pd.DataFrame(rows, index=pd.Index([r.name for r in runs], name="run"))
    frame.attrs.update(
        metrics=chosen,
        config_keys=[f"config.{k}" for k in differing],
        swept_keys=[f"config.{k}" for k in swept if k in differing],
        hidden_keys=hidden,
        paths=[str(r.path) for r in runs],
        spread={k: [r.metrics.get(sd_key(k)) for r in runs] for k in chosen},
        n_seeds={
            k: [n_seeds(k, r.metrics) if r.metrics.get(k) is not None else None for r in runs]
            for k in chosen
        },
    )
    return frame
