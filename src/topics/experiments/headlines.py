"""Headline metrics of a run: choosing them by pattern and laying them out as small tables."""

from __future__ import annotations

import fnmatch
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from topics.errors import closest
from topics.evaluation.tables import format_value, markdown_table, text_table
from topics.experiments.config import DEFAULT_HEADLINE_METRICS

__all__ = [
    "headline_tables",
    "n_seeds",
    "sd_key",
    "select_metrics",
    "unmatched_patterns",
    "warn_unmatched",
]

# sections a config can switch off (classifier.enabled: false, topic_models: {}): a headline
# pattern of theirs that matches nothing in such a run is no typo
_SECTIONS = ("topics", "classifier")


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


def unmatched_patterns(
    patterns: Sequence[str], keys: Iterable[str], *, skip_absent_sections: bool = False
) -> dict[str, str | None]:
    """The patterns that match none of ``keys``, each with the closest pattern that would.

    Parameters
    ----------
    patterns : sequence of str
        Metric keys or fnmatch patterns (``"topics.*.npmi_mean"``).
    keys : iterable of str
        The metric keys there are (of one run, or of several).
    skip_absent_sections : bool
        Leave out a pattern of a section with no metric at all (``classifier.*`` in a run with
        the classifier off) and a stability pattern of runs with one seed: headline patterns
        written for every kind of run.

    Returns
    -------
    dict of str to str or None
        Pattern -> a close pattern that matches (``"topics.*.npmi"`` ->
        ``"topics.*.npmi_mean"``), or None when none is close.
    """
    keys = sorted(set(keys))
    out: dict[str, str | None] = {}
    for pattern in patterns:
        if any(fnmatch.fnmatchcase(key, pattern) for key in keys):
            continue
        section = pattern.split(".", 1)[0]
        if skip_absent_sections and section in _SECTIONS and (
            not any(key.startswith(section + ".") for key in keys)
            or ("stability" in pattern and not any("stability" in key for key in keys))
        ):
            continue
        like = {_like(pattern, key) for key in keys}
        if pattern + "_mean" in like:  # the usual slip: keys over seeds end in _mean (and _sd)
            out[pattern] = pattern + "_mean"
            continue
        hint = closest(pattern, [k for k in like if not k.endswith("_sd")])
        hint = hint or closest(pattern, like)
        # a shared 'topics.*.' prefix is no likeness: the metric names must be close too
        last = pattern.rsplit(".", 1)[-1]
        out[pattern] = hint if hint and closest(last, [hint.rsplit(".", 1)[-1]]) else None
    return out


def warn_unmatched(patterns: Sequence[str], keys: Iterable[str], what: str, *,
                   headline: bool = False) -> None:
    """A UserWarning per pattern that matches no key: ``<what> 'x' matches no metric; did you
    mean 'y'?``. ``headline``: the patterns are a config's ``evaluation.metrics``, where the
    defaults (written for every kind of run) and the patterns of sections left out are no typo."""
    if headline:
        patterns = [p for p in patterns if p not in DEFAULT_HEADLINE_METRICS]
    for pattern, hint in unmatched_patterns(patterns, keys, skip_absent_sections=headline).items():
        advice = f"did you mean {hint!r}?" if hint else "see metrics.json for the keys"
        warnings.warn(f"{what} {pattern!r} matches no metric; {advice}", UserWarning,
                      stacklevel=3)


def _like(pattern: str, key: str) -> str:
    """``key`` written as ``pattern`` is: the parts where the pattern has a wildcard stay one, so
    ``topics.*.npmi`` is matched with ``topics.*.npmi_mean``, not with one model's key."""
    parts, own = pattern.split("."), key.split(".")
    if len(parts) != len(own):
        return key
    return ".".join(p if any(c in p for c in "*?[") else k for p, k in zip(parts, own, strict=True))


def sd_key(key: str) -> str:
    """The key of a metric's spread over seeds: ``x_mean`` -> ``x_sd``, ``x`` -> ``x_sd``."""
    return key[: -len("_mean")] + "_sd" if key.endswith("_mean") else key + "_sd"


def n_seeds(key: str, everything: Mapping[str, Any]) -> int | None:
    """How many seeds the metric ``key`` summarises (``<group>.<row>.n_seeds`` or
    ``<group>.n_seeds``), or None when the run does not say."""
    parts = key.split(".")
    for depth in range(len(parts) - 1, 0, -1):
        value = everything.get(".".join([*parts[:depth], "n_seeds"]))
        if isinstance(value, (int, float)) and not math.isnan(value):
            return int(value)
    return None


def _cell(key: str, value: Any, everything: Mapping[str, Any]) -> str:
    """``0.123 ± 0.004`` over several seeds; ``0.123`` for one seed (the table says n = 1)."""
    column = key.rsplit(".", 1)[-1].removesuffix("_mean")
    text = format_value(value, column)
    sd = everything.get(sd_key(key))
    if (n_seeds(key, everything) or 0) > 1 and isinstance(sd, (int, float)) and not math.isnan(sd):
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
    seeds: dict[str, set[int | None]] = {}
    for key, value in metrics.items():
        parts = key.split(".")
        if len(parts) < 3:
            group, row, column = "", parts[0], ".".join(parts[1:]) or "value"
        else:  # classifier.<estimator>[.<unit>].<metric>: a row per estimator (and unit)
            group, row, column = parts[0], " ".join(parts[1:-1]), parts[-1]
        column = column.removesuffix("_mean")
        groups.setdefault(group, {}).setdefault(row, {})[column] = _cell(key, value, everything)
        seeds.setdefault(group, set()).add(n_seeds(key, everything))
    blocks = []
    rank = {name: i for i, name in enumerate(order)}
    for group, unordered in groups.items():
        rows = dict(
            sorted(unordered.items(), key=lambda item: rank.get(item[0].split()[0], len(rank)))
        )
        columns = list(dict.fromkeys(c for row in rows.values() for c in row))
        head = [group or "metric", *columns]
        body = [[row, *(values.get(c, "-") for c in columns)] for row, values in rows.items()]
        table = markdown_table(head, body) if markdown else text_table(head, body)
        blocks.append(table + _seeds_note(seeds.get(group, set()), markdown))
    return "\n\n".join(blocks)


def _seeds_note(counts: set[int | None], markdown: bool) -> str:
    """``n = 1 seed`` (no spread measured) or ``mean ± sd over n seeds`` under a table."""
    counts.discard(None)
    if not counts:
        return ""
    if counts == {1}:
        note = "n = 1 seed (no spread measured)"
    else:
        note = f"mean ± sd over {' / '.join(map(str, sorted(counts)))} seeds"
    return ("\n\n" if markdown else "\n") + note
