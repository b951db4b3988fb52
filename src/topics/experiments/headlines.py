"""Headline metrics of a run: choosing them by pattern and laying them out as small tables."""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping, Sequence
from typing import Any

from topics.evaluation.tables import format_value, markdown_table, text_table

__all__ = ["headline_tables", "select_metrics"]


def select_metrics(
    metrics: Mapping[str, float | None], patterns: Sequence[str]
) -> dict[str, float | None]:
    """Metrics whose key matches any fnmatch pattern, in pattern order then key order."""
    chosen: dict[str, float | None] = {}
    for pattern in patterns:
        for key in sorted(metrics):
            if key not in chosen and fnmatch.fnmatchcase(key, pattern):
                chosen[key] = metrics[key]
    return chosen


def _sd_key(key: str) -> str:
    return key[: -len("_mean")] + "_sd" if key.endswith("_mean") else key + "_sd"


def _cell(key: str, value: Any, everything: Mapping[str, Any]) -> str:
    """``0.123`` or, when the run has its spread over seeds, ``0.123 ± 0.004``."""
    column = key.rsplit(".", 1)[-1]
    text = format_value(value, column)
    sd = everything.get(_sd_key(key))
    if isinstance(sd, (int, float)) and not math.isnan(sd) and sd > 0:
        text += f" ± {sd:.3f}"
    return text


def headline_tables(
    metrics: Mapping[str, float | None],
    markdown: bool = False,
    everything: Mapping[str, Any] | None = None,
    order: Sequence[str] = (),
) -> str:
    """``group.row.column`` keys as one small table per group (rows = models / estimators),
    aligned text or Markdown; ``everything`` (all metrics) supplies the ``_sd`` spreads."""
    everything = everything if everything is not None else metrics
    groups: dict[str, dict[str, dict[str, str]]] = {}
    for key, value in metrics.items():
        parts = key.split(".")
        if len(parts) < 3:
            group, row, column = "", parts[0], ".".join(parts[1:]) or "value"
        else:  # classifier.<estimator>[.<unit>].<metric>: a row per estimator (and unit)
            group, row, column = parts[0], " ".join(parts[1:-1]), parts[-1]
        groups.setdefault(group, {}).setdefault(row, {})[column] = _cell(key, value, everything)
    blocks = []
    rank = {name: i for i, name in enumerate(order)}
    for group, unordered in groups.items():
        rows = dict(
            sorted(unordered.items(), key=lambda item: rank.get(item[0].split()[0], len(rank)))
        )
        columns = list(dict.fromkeys(c for row in rows.values() for c in row))
        head = [group or "metric", *columns]
        body = [[row, *(values.get(c, "-") for c in columns)] for row, values in rows.items()]
        blocks.append(markdown_table(head, body) if markdown else text_table(head, body))
    return "\n\n".join(blocks)
