"""Reproducing a run: rerun its resolved config and compare the metrics byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from topics.evaluation.tables import format_value
from topics.experiments.runner import run_experiment
from topics.experiments.store import DEFAULT_RUNS_DIR, METRICS_FILE, Run, load_run

__all__ = ["Reproduction", "reproduce_run"]


@dataclass
class Reproduction:
    """The outcome of :func:`reproduce_run`.

    Attributes
    ----------
    original, rerun : Run
    differences : dict of str to (old, new)
        Every metric whose value differs, or that exists in only one run (``None`` there).
    """

    original: Run
    rerun: Run
    differences: dict[str, tuple[Any, Any]]

    @property
    def identical(self) -> bool:
        """Whether metrics.json is the same (byte for byte) in both runs."""
        return not self.differences and (
            (self.original.path / METRICS_FILE).read_bytes()
            == (self.rerun.path / METRICS_FILE).read_bytes()
        )

    def report(self) -> str:
        """A short text: identical, or the metrics that differ."""
        head = f"original {self.original.path}\nrerun    {self.rerun.path}"
        if self.identical:
            return f"{head}\nmetrics.json identical ({len(self.original.metrics)} metrics)"
        lines = [f"{head}\n{len(self.differences)} metric(s) differ:"]
        lines += [f"  {k}: {format_value(a)} -> {format_value(b)}" for k, (a, b) in self.differences.items()]
        return "\n".join(lines)


def reproduce_run(path: str | Path, *, runs_dir: str | Path = DEFAULT_RUNS_DIR) -> Reproduction:
    """Rerun a stored run from its ``config.resolved.yaml`` and diff the metrics.

    Parameters
    ----------
    path : str or Path
        A finished run directory.
    runs_dir : str or Path
        Where the rerun goes (never into a reference-results folder by default).

    Returns
    -------
    Reproduction
    """
    original = load_run(path)
    rerun = run_experiment(original.path / "config.resolved.yaml", runs_dir=runs_dir)
    keys = sorted(set(original.metrics) | set(rerun.metrics))
    differences = {
        k: (original.metrics.get(k), rerun.metrics.get(k))
        for k in keys
        if original.metrics.get(k) != rerun.metrics.get(k)
        or (k in original.metrics) != (k in rerun.metrics)
    }
    return Reproduction(original, rerun, differences)
