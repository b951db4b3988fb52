"""Readable renderings of a run comparison (the table of :func:`topics.compare_runs`).

What it relies on from :func:`topics.compare_runs`: one row per run, the columns ``config.<key>``
(the config keys that differ, swept keys first) then the metrics, and in ``frame.attrs``:
``config_keys``, ``swept_keys``, ``hidden_keys``, ``metrics``, ``paths``, ``spread`` (metric -> sd
per run, ``None`` where unknown) and ``n_seeds`` (metric -> seeds per run). A frame without these
attrs (e.g. built by hand) still renders, with less detail.

* The terminal table (``format_comparison(frame)``) fits 100 columns: a legend of runs ``[1]``,
  ``[2]`` …, then "config keys that differ" (swept keys marked ``*``) and "metrics" as key rows ×
  run columns; run columns wrap into further blocks, long keys and cells are shortened in the
  middle. Bookkeeping keys that differ are named below it.
* A metric's spread shows as ``0.123 ± 0.004`` only when it was measured over several seeds; over
  one seed the table says ``n = 1 seed`` instead of a spread of zero.
* Figures label their bars by the runs' differing config values (``n_components=6,
  split_compounds=true``), not by timestamp and hash; the suffix picks PNG, SVG or PDF.

Every table goes through :mod:`topics.evaluation.tables` (Markdown, aligned text, LaTeX).
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from topics.errors import FileAccessError, RunError
from topics.evaluation.tables import format_value, latex_table, markdown_table, text_table
from topics.fileio import check_writable, guarded, refuse_to_replace

__all__ = [
    "FORMATS",
    "WIDTH",
    "check_figure_path",
    "format_comparison",
    "plot_comparison",
    "run_labels",
    "short_keys",
]

WIDTH = 100
FORMATS = ("table", "markdown", "csv", "latex")
_FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
_KEY_WIDTH, _CELL_WIDTH = 44, 16


# ------------------------------------------------------------------------------------------------
# cells and labels


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _config_value(value: Any) -> str:
    """A config value as in the YAML: ``null``, ``true``/``false``, whole numbers without
    decimals (pandas turns a column of ints with a gap into floats)."""
    if _missing(value):
        return "null"
    if type(value).__name__ in ("bool", "bool_"):  # Python's and numpy's (1.x: bool_, 2: bool)
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return format_value(value)


def _n_seeds(frame: Any, metric: str, row: int) -> int | None:
    counts = frame.attrs.get("n_seeds", {}).get(metric)
    if not counts or row >= len(counts) or counts[row] is None:
        return None
    return int(counts[row])


def _spread(frame: Any, metric: str, row: int) -> float | None:
    """The sd over seeds of a metric of one run, only where it was measured (n > 1 seeds)."""
    spread = frame.attrs.get("spread", {}).get(metric)
    if not spread or row >= len(spread) or (_n_seeds(frame, metric, row) or 1) < 2:
        return None
    value = spread[row]
    return None if _missing(value) else float(value)


def _present(frame: Any, metric: str, row: int) -> bool:
    return not _missing(frame[metric].iloc[row])


def _metric_cell(frame: Any, metric: str, row: int, sep: str = " ± ") -> str:
    text = format_value(frame[metric].iloc[row], metric)
    sd = _spread(frame, metric, row)
    return text + f"{sep}{sd:.3f}" if sd is not None and text != "-" else text


def _config_keys(frame: Any) -> list[str]:
    keys = frame.attrs.get("config_keys")
    if keys is None:
        keys = [c for c in frame.columns if str(c).startswith("config.")]
    return [k for k in keys if k in frame.columns]


def _metrics(frame: Any) -> list[str]:
    keys = set(_config_keys(frame))
    chosen = frame.attrs.get("metrics") or [c for c in frame.columns if c not in keys]
    return [m for m in chosen if m in frame.columns and m not in keys]


def _seed_counts(frame: Any, metrics: Sequence[str]) -> set[int]:
    """The numbers of seeds behind the shown metrics (1 where a run does not say)."""
    return {
        _n_seeds(frame, m, i) or 1 for m in metrics for i in range(len(frame)) if _present(frame, m, i)
    } or {1}


def short_keys(keys: Sequence[str]) -> dict[str, str]:
    """The shortest unambiguous tail of each dotted key.

    Parameters
    ----------
    keys : sequence of str
        Dotted keys, with or without the ``config.`` prefix.

    Returns
    -------
    dict of str to str
        ``config.topic_models.nmf.n_components`` -> ``n_components``; two ``seed`` keys keep one
        more part each (``seed``, ``classifier.seed``).
    """
    plain = [k.removeprefix("config.") for k in keys]
    depth = dict.fromkeys(plain, 1)
    for _ in range(8):
        tails = {k: ".".join(k.split(".")[-depth[k]:]) for k in plain}
        clash = Counter(tails.values())
        changed = False
        for k in plain:
            if clash[tails[k]] > 1 and depth[k] < len(k.split(".")):
                depth[k] += 1
                changed = True
        if not changed:
            break
    return {key: ".".join(k.split(".")[-depth[k]:]) for key, k in zip(keys, plain, strict=True)}


def run_labels(frame: Any, max_length: int = 60) -> list[str]:
    """A label per run from its differing config values.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`topics.compare_runs`.
    max_length : int
        Longer labels are shortened in the middle.

    Returns
    -------
    list of str
        ``n_components=6, seed=1`` per run; the run name where no config key differs; ``[i]``
        appended where two labels would be the same.
    """
    keys = _config_keys(frame)
    short = short_keys(keys)
    labels = []
    for i in range(len(frame)):
        if keys:
            text = ", ".join(f"{short[k]}={_config_value(frame[k].iloc[i])}" for k in keys)
        else:
            text = str(frame.index[i])
        labels.append(_cut(text, max_length))
    counts = Counter(labels)
    return [f"{label} [{i}]" if counts[label] > 1 else label for i, label in enumerate(labels, 1)]


def _cut(text: str, width: int) -> str:
    """``text`` shortened in the middle to at most ``width`` characters."""
    if len(text) <= width:
        return text
    keep = max(width - 1, 2)
    return text[: keep - keep // 2] + "…" + text[len(text) - keep // 2:]


# ------------------------------------------------------------------------------------------------
# terminal


def _blocks(title: str, rows: list[tuple[str, list[str]]], n_runs: int, width: int) -> list[str]:
    """Rows of (key, one cell per run) as aligned blocks of run columns, each within ``width``."""
    if not rows:
        return []
    key_width = min(max(len(title), *(len(k) for k, _ in rows)), _KEY_WIDTH)
    cell_width = [max(len(f"[{j + 1}]"), *(len(cells[j]) for _, cells in rows)) for j in range(n_runs)]
    chunks: list[list[int]] = [[]]
    used = key_width
    for j in range(n_runs):
        if chunks[-1] and used + 2 + cell_width[j] > width:
            chunks.append([])
            used = key_width
        chunks[-1].append(j)
        used += 2 + cell_width[j]
    out = []
    for chunk in chunks:
        head = [_cut(title, key_width), *(f"[{j + 1}]" for j in chunk)]
        body = [[_cut(key, key_width), *(cells[j] for j in chunk)] for key, cells in rows]
        out += [*text_table(head, body).splitlines(), ""]
    return out


def _legend(frame: Any, width: int) -> list[str]:
    paths = [Path(p) for p in frame.attrs.get("paths", [str(i) for i in frame.index])]
    parents = {str(p.parent) for p in paths}
    if len(parents) == 1:
        lines = [_cut(f"{len(paths)} run(s) in {parents.pop()}/", width)]
        names = [p.name for p in paths]
    else:
        lines = [f"{len(paths)} run(s)"]
        names = [str(p) for p in paths]
    return lines + [_cut(f"  [{i}] {name}", width) for i, name in enumerate(names, start=1)]


def _terminal(frame: Any, width: int = WIDTH) -> str:
    if not len(frame):
        return "(no runs)"
    n = len(frame)
    keys, metrics = _config_keys(frame), _metrics(frame)
    swept = set(frame.attrs.get("swept_keys", []))
    lines = [*_legend(frame, width), ""]
    if keys:
        rows = [
            (("* " if k in swept else "  ") + k.removeprefix("config."),
             [_cut(_config_value(frame[k].iloc[i]), _CELL_WIDTH) for i in range(n)])
            for k in keys
        ]
        title = "config keys that differ" + (" (* swept)" if swept & set(keys) else "")
        lines += _blocks(title, rows, n, width)
    elif n > 1:
        lines += ["the runs' configs and corpora are the same (bookkeeping keys aside)", ""]
    if metrics:
        seeds = _seed_counts(frame, metrics)
        if seeds == {1}:
            title = "metrics (n = 1 seed)"
        elif len(seeds) == 1:
            title = f"metrics (mean ± sd, n = {seeds.pop()} seeds)"
        else:
            title = "metrics (mean ± sd where n > 1 seed)"
        rows = [(m, [_cut(_metric_cell(frame, m, i, "±"), _CELL_WIDTH) for i in range(n)])
                for m in metrics]
        if len(seeds) > 1:
            per_run = [max([_n_seeds(frame, m, i) or 1 for m in metrics if _present(frame, m, i)]
                           or [1]) for i in range(n)]
            rows.append(("seeds", [f"n = {s}" for s in per_run]))
        lines += _blocks(title, rows, n, width)
    hidden = frame.attrs.get("hidden_keys") or []
    if hidden:
        shown = ", ".join(hidden[:6]) + (" …" if len(hidden) > 6 else "")
        lines += textwrap.wrap(f"(bookkeeping keys that differ, not shown: {shown})", width)
    return "\n".join(lines).rstrip("\n")


# ------------------------------------------------------------------------------------------------
# Markdown, LaTeX


def _rows(frame: Any, keys: Sequence[str], metrics: Sequence[str], first: Sequence[str]) -> list:
    return [
        [first[i], *(_config_value(frame[k].iloc[i]) for k in keys),
         *(_metric_cell(frame, m, i) for m in metrics)]
        for i in range(len(frame))
    ]


def _markdown(frame: Any) -> str:
    keys, metrics = _config_keys(frame), _metrics(frame)
    header = ["run", *(k.removeprefix("config.") for k in keys), *metrics]
    return markdown_table(header, _rows(frame, keys, metrics, [str(i) for i in frame.index]))


def _latex(frame: Any) -> str:
    keys, metrics = _config_keys(frame), _metrics(frame)
    short = short_keys(keys)
    n = len(frame)
    note = "n = 1 seed" if _seed_counts(frame, metrics) == {1} else "mean ± sd over seeds where n > 1"
    paths = frame.attrs.get("paths", list(frame.index))
    comments = [f"topics compare: {n} run(s); {note}; needs \\usepackage{{booktabs}}",
                *(f"[{i}] {p}" for i, p in enumerate(paths, 1))]
    header = ["run", *(short[k] for k in keys), *metrics]
    rows = _rows(frame, keys, metrics, [f"[{i + 1}]" for i in range(n)])
    return latex_table(header, rows, align="l" * (1 + len(keys)) + "r" * len(metrics),
                       comments=comments)


def format_comparison(frame: Any, format: str = "table", *, width: int = WIDTH) -> str:
    """Render a :func:`topics.compare_runs` table.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`topics.compare_runs`.
    format : {"table", "markdown", "csv", "latex"}
        ``table``: for the terminal, at most ``width`` columns (run columns wrap into blocks);
        ``markdown``: one pipe table; ``csv``: the raw frame; ``latex``: a booktabs ``tabular``.
    width : int
        Terminal width for ``table``.

    Returns
    -------
    str

    Raises
    ------
    topics.errors.RunError
        For an unknown format.
    """
    if format == "csv":
        return frame.to_csv().rstrip("\n")
    if format == "markdown":
        return _markdown(frame)
    if format == "latex":
        return _latex(frame)
    if format == "table":
        return _terminal(frame, width)
    raise RunError(f"format {format!r} is unknown; use {', '.join(FORMATS)}")


# ------------------------------------------------------------------------------------------------
# figure


def plot_comparison(frame: Any, path: str | Path | None = None, *, max_metrics: int = 12) -> Any:
    """Draw a :func:`topics.compare_runs` table: one panel per metric, one bar per run.

    Bars are labelled by the runs' differing config values; error bars show the sd over seeds
    where a run has several, and a panel over one seed says ``(n = 1 seed)``.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`topics.compare_runs`.
    path : str or Path, optional
        Also save the figure there; the suffix picks the format (``.png``, ``.svg``, ``.pdf``).
    max_metrics : int
        Draw at most this many metrics (the first ones).

    Returns
    -------
    matplotlib.figure.Figure
        Shown inline in notebooks.

    Raises
    ------
    topics.errors.RunError
        For an unknown suffix (:func:`check_figure_path`), a table without runs, or when the
        runs share no metric.
    topics.errors.FileAccessError
        When the figure cannot be written there.
    """
    import numpy as np

    from topics.evaluation.palette import TOPIC_COLOURS
    from topics.evaluation.plots import new_figure, save_figure

    if path is not None:
        check_figure_path(path)
    metrics = _metrics(frame)[:max_metrics]
    if not len(frame):
        raise RunError("nothing to draw: the table has no runs")
    if not metrics:
        raise RunError("nothing to draw: the runs share no metric")
    labels = run_labels(frame, max_length=48)
    n = len(frame)
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    label_inches = min(3.6, 0.055 * max(len(label) for label in labels) + 0.3)
    fig = new_figure(label_inches + 3.4 * ncols, 0.7 + (0.3 * n + 1.0) * nrows)
    axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False))
    positions = np.arange(n)
    colours = [TOPIC_COLOURS[i % len(TOPIC_COLOURS)] for i in range(n)]
    for ax, metric in zip(axes.flat, metrics, strict=False):
        values = np.array([np.nan if _missing(v) else float(v) for v in frame[metric]])
        spread = [_spread(frame, metric, i) for i in range(n)]
        errors = np.array([np.nan if s is None else s for s in spread], dtype=float)
        ax.barh(positions, np.nan_to_num(values), color=colours,
                xerr=None if np.isnan(errors).all() else np.nan_to_num(errors), capsize=2)
        ax.set_yticks(positions, labels if ax in axes[:, 0] else [""] * n, fontsize=7)
        ax.invert_yaxis()
        one_seed = {_n_seeds(frame, metric, i) or 1 for i in range(n)} == {1}
        ax.set_title(metric + (" (n = 1 seed)" if one_seed else ""), fontsize=9)
        for y, v, s in zip(positions, values, spread, strict=True):
            if not np.isnan(v):
                ax.text(v, y, f" {v:.3f}" + (f" ± {s:.3f}" if s is not None else ""),
                        va="center", fontsize=7)
        ax.margins(x=0.25)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    if _config_keys(frame):
        fig.suptitle("runs labelled by the config keys that differ", fontsize=9)
    if path is not None:
        guarded(lambda: save_figure(fig, path, dpi=110), path, "write the figure")
    return fig


def check_figure_path(path: str | Path) -> Path:
    """Check that a figure can be written at ``path`` before any work: a known suffix, a folder
    that can be written (created if missing), no folder of that name.

    Raises
    ------
    RunError
        For a suffix other than ``.png``, ``.svg``, ``.pdf``.
    ConfigError
        When ``path`` is an existing file that is not a figure matplotlib wrote.
    FileAccessError
        When the folder cannot be written (read-only, a file in the way) or ``path`` is a folder.
    """
    path = Path(path)
    if path.suffix.lower() not in _FIGURE_SUFFIXES:
        raise RunError(f"{path}: unknown figure format {path.suffix or '(no suffix)'!r}; "
                       f"use {', '.join(_FIGURE_SUFFIXES)}")
    if path.is_dir():
        raise FileAccessError(f"{path}: cannot write the figure: it is a folder, not a file")
    refuse_to_replace(path, _a_figure, "a figure of topics (matplotlib)")
    check_writable(path.parent, "write the figure there")
    return path


def _a_figure(path: Path) -> bool:
    """An earlier matplotlib figure: matplotlib names itself at the start of a PNG or SVG and at
    the end of a PDF."""
    with path.open("rb") as file:
        head = file.read(4096)
        file.seek(max(0, path.stat().st_size - 4096))
        tail = file.read()
    return b"matplotlib" in (head + tail).lower()
