"""One way to summarise metrics over seeds: ``<metric>_mean``, ``<metric>_sd`` and ``n_seeds``.

Runs (topic models and the classifier's cross-validation), the classifier report and
:func:`topics.compare_topic_models` all report repeated measurements through this function, so a
key means the same wherever it appears.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["summarise_seeds"]


def summarise_seeds(runs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Mean and sample standard deviation of every metric over runs with different seeds.

    Parameters
    ----------
    runs : sequence of mappings
        The metrics of one run per seed.

    Returns
    -------
    dict of str to float
        ``<metric>_mean`` and ``<metric>_sd`` (ddof=1; 0 for a single run, whose spread is not
        measured: ``n_seeds`` says so) for every metric that is numeric in every run, NaN values
        left out of both (both NaN when no run has a value); plus ``n_seeds``.

    Raises
    ------
    ValueError
        With no run.
    """
    if not runs:
        raise ValueError("summarise_seeds needs at least one run")
    keys = [k for k in runs[0] if all(k in r for r in runs)]
    out: dict[str, float] = {"n_seeds": float(len(runs))}
    for key in keys:
        values = np.array([_number(r[key]) for r in runs], dtype=float)
        finite = values[~np.isnan(values)]
        out[f"{key}_mean"] = float(finite.mean()) if len(finite) else math.nan
        # one value: spread not measured (n_seeds says so); none: nothing to spread either
        out[f"{key}_sd"] = (float(finite.std(ddof=1)) if len(finite) > 1
                            else 0.0 if len(finite) else math.nan)
    return out


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
