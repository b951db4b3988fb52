"""matplotlib figures as free functions; each returns a ``matplotlib.figure.Figure``.

Figures are built on the Agg canvas directly (``Figure`` + ``FigureCanvasAgg``), never through
``pyplot``: no global state, no GUI backend, safe in scripts, tests and servers. Such a figure is
unknown to Jupyter's inline backend, so every figure made here is a :class:`NotebookFigure`, a
``matplotlib.figure.Figure`` with ``_repr_png_``: the last expression of a cell (or ``display(fig)``)
shows the picture, not ``<Figure size ... with 8 Axes>``. matplotlib is imported only here, so
``import topics`` stays light. Topic colours, markers and names come from
:mod:`topics.evaluation.palette` (20 distinct colours, then other marker shapes).

Topic-model figures take a :class:`topics.TopicModelResult` (or, for the sweep, a DataFrame).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from topics.errors import ConfigError
from topics.evaluation.palette import topic_colour, topic_marker, topic_names

__all__ = [
    "NotebookFigure",
    "new_figure",
    "save_figure",
    "top_words",
    "topic_sizes",
    "topic_label_heatmap",
    "document_map",
    "coherence_by_n_topics",
    "topic_model_figures",
    "reliability_diagram",
]


class NotebookFigure(Figure):
    """A matplotlib figure that Jupyter/IPython displays as a PNG (``_repr_png_``)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def new_figure(width: float = 8.0, height: float = 5.0) -> Figure:
    """An empty figure on the Agg canvas.

    Parameters
    ----------
    width, height : float
        Size in inches.

    Returns
    -------
    NotebookFigure
        A ``matplotlib.figure.Figure`` that shows inline in notebooks.
    """
    figure = NotebookFigure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


# what makes two saves of one figure differ: the time (SVG, PDF) and SVG's random id salt
_NO_DATE = {".svg": {"Date": None}, ".pdf": {"CreationDate": None}}


def save_figure(figure: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write ``figure`` to ``path`` (format from the suffix, e.g. .png, .svg, .pdf), creating its
    parents.

    The same figure gives the same bytes every time, in every format (no date in SVG and PDF
    files, SVG element ids from a fixed salt).
    """
    from matplotlib import rc_context

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with rc_context({"svg.hashsalt": "topics"}):
        figure.savefig(path, dpi=dpi, metadata=_NO_DATE.get(path.suffix.lower()))
    return path


def _colour(topic: int) -> Any:
    """A colour per topic: grey for outliers, else the palette's 20 colours chosen to stay apart
    (tab20's light/dark pairs were hard to tell apart on the document map)."""
    return topic_colour(topic)


def _topic_ids(result: Any, max_topics: int | None = None) -> list[int]:
    ids = [t for t in sorted(result.topics) if t != -1]
    return ids[:max_topics] if max_topics else ids


def top_words(result: Any, *, n_words: int = 8, max_topics: int = 16, columns: int = 4) -> Figure:
    """Bar grid: the best words of every topic with their weights."""
    for name, value in (("n_words", n_words), ("max_topics", max_topics), ("columns", columns)):
        if not isinstance(value, int) or value < 1:
            raise ConfigError(f"top_words: {name}={value!r}; give an int of at least 1")
    ids = _topic_ids(result, max_topics)
    rows = max(1, math.ceil(len(ids) / columns))
    figure = new_figure(3.2 * columns, 2.4 * rows)
    axes = figure.subplots(rows, columns, squeeze=False)
    sizes = result.sizes
    for ax, topic in zip(axes.flat, ids, strict=False):
        words = result.topics[topic][:n_words][::-1]
        ax.barh([w for w, _ in words], [s for _, s in words], color=_colour(topic))
        ax.set_title(f"topic {topic} ({sizes.get(topic, 0)} {result.unit}s)", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(ids):]:
        ax.set_visible(False)
    figure.suptitle(f"{result.model_name}: top words per topic ({result.unit}s)")
    return figure


def topic_sizes(result: Any) -> Figure:
    """Bar chart of units per topic, the outlier topic -1 in grey."""
    sizes = result.sizes
    ids = sorted(sizes)
    figure = new_figure(max(6.0, 0.4 * len(ids) + 2), 4)
    ax = figure.add_subplot()
    ax.bar([str(t) for t in ids], [sizes[t] for t in ids],
           color=[_colour(t) for t in ids])
    ax.set_xlabel("topic")
    ax.set_ylabel(f"{result.unit}s")
    ax.set_title(f"{result.model_name}: topic sizes (outliers {result.outlier_share:.0%})")
    return figure


def topic_label_heatmap(result: Any, *, normalise: bool = True) -> Figure:
    """Topic × primary-label heatmap; rows normalised to shares when ``normalise``."""
    table = result.topic_label_table()
    values = table.to_numpy(dtype=float)
    if normalise:
        values = values / np.maximum(values.sum(axis=1, keepdims=True), 1)
    figure = new_figure(1.2 * table.shape[1] + 5, 0.35 * table.shape[0] + 2)
    ax = figure.add_subplot()
    image = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0)
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns], rotation=30, ha="right",
                  fontsize=8)
    names = topic_names(result.topics, n_words=3)  # rows read "3: grenze · china · provinz"
    ax.set_yticks(range(table.shape[0]), [names.get(int(i), str(i)) for i in table.index],
                  fontsize=8)
    for (i, j), count in np.ndenumerate(table.to_numpy()):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                    color="white" if values[i, j] > 0.6 * values.max() else "black")
    ax.set_xlabel("primary label")
    ax.set_ylabel("topic")
    figure.colorbar(image, ax=ax, label="share of topic" if normalise else "units")
    ax.set_title(f"{result.model_name}: topics × labels")
    return figure


def _two_dimensions(result: Any, method: str, seed: int) -> tuple[np.ndarray, list[str]]:
    """2-D coordinates of the documents from the embeddings, else the doc-topic matrix, and the
    names of the two axes."""
    if method not in ("pca", "umap"):
        raise ConfigError(f"document_map: method={method!r}; use 'pca' or 'umap'")
    data = result.embeddings if result.embeddings is not None else result.distributions
    if data is None:
        raise ValueError(f"{result.model_name}: no embeddings or document-topic matrix to map")
    data = np.asarray(data, dtype=float)
    if data.shape[1] == 1:  # one topic's shares: a second, empty column for the second axis
        data = np.hstack([data, np.zeros_like(data)])
    if method == "umap":
        from umap import UMAP

        xy = UMAP(n_components=2, random_state=seed, metric="cosine",
                  n_neighbors=min(15, len(data) - 1)).fit_transform(data)
        return xy, ["UMAP 1", "UMAP 2"]
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, random_state=seed)
    xy = pca.fit_transform(data)
    shares = pca.explained_variance_ratio_
    names = [f"PC {i + 1} ({share:.0%} of the variance)" for i, share in enumerate(shares)]
    if shares[1] < 1e-9:  # e.g. two topics' shares, which sum to 1: the points lie on a line
        xy[:, 1] = 0.0  # and the second axis would show rounding noise as if it were spread
        names[1] = "PC 2 (no variance: the points lie on a line)"
    return xy, names


def document_map(result: Any, *, method: str = "pca", seed: int = 0) -> Figure:
    """Documents in 2-D, coloured by topic (left) and by primary label (right).

    ``method="pca"`` (fast) or ``"umap"`` reduces the model's document embeddings (BERTopic) or
    its document-topic matrix (LDA, NMF) to two dimensions.
    """
    from topics.evaluation.topic_metrics import primary_labels

    xy, axis_names = _two_dimensions(result, method, seed)
    labels = primary_labels(d.labels for d in result.documents)
    figure = new_figure(13, 5.5)
    by_topic, by_label = figure.subplots(1, 2)
    for topic in sorted(set(result.assignments.tolist())):
        mask = result.assignments == topic
        by_topic.scatter(xy[mask, 0], xy[mask, 1], s=8, alpha=0.7,
                         color=_colour(topic), marker=topic_marker(topic, matplotlib=True),
                         label="outlier" if topic == -1 else str(topic))
    for i, label in enumerate(sorted(set(labels))):
        mask = np.array([lab == label for lab in labels])
        by_label.scatter(xy[mask, 0], xy[mask, 1], s=8, alpha=0.7, color=f"C{i % 10}", label=label)
    by_topic.set_title("by topic")
    by_label.set_title("by primary label")
    for ax in (by_topic, by_label):
        ax.set_xlabel(axis_names[0], fontsize=8)
        ax.set_ylabel(axis_names[1], fontsize=8)
    by_topic.legend(fontsize=6, ncols=2, markerscale=2, loc="best")
    by_label.legend(fontsize=7, markerscale=2, loc="best")
    figure.suptitle(f"{result.model_name}: documents ({method.upper()} of "
                    f"{'embeddings' if result.embeddings is not None else 'topic distributions'})")
    return figure


def coherence_by_n_topics(sweeps: Any | Sequence[Any], *, metrics: Iterable[str] = ("npmi",
                          "diversity")) -> Figure:
    """Coherence (and other metrics) against the number of topics, one line per model.

    Parameters
    ----------
    sweeps : pandas.DataFrame or sequence of DataFrames
        Output of :func:`topics.topic_models.sweep_n_topics` (columns ``model``, ``n_topics``
        and the metrics).
    metrics : iterable of str
        One panel per metric (a column of the table); one name alone is one panel.

    Raises
    ------
    topics.errors.ConfigError
        If no metric is given, or the table lacks ``model``, ``n_topics`` or a metric's column
        (the message lists the columns it has).
    """
    import pandas as pd

    frame = sweeps if isinstance(sweeps, pd.DataFrame) else pd.concat(list(sweeps))
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    if not metrics:
        raise ConfigError("coherence_by_n_topics: metrics is empty; name at least one column, "
                          "e.g. metrics=('npmi',)")
    missing = [c for c in ("model", "n_topics", *metrics) if c not in frame.columns]
    if missing:
        raise ConfigError(f"coherence_by_n_topics: no column {', '.join(map(repr, missing))} in "
                          f"the table; it has {', '.join(map(str, frame.columns))} (give the "
                          "output of topics.topic_models.sweep_n_topics)")
    figure = new_figure(5 * len(metrics), 4)
    axes = figure.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        for model, group in frame.groupby("model", sort=False):
            group = group.sort_values("n_topics")
            ax.plot(group["n_topics"], group[metric], marker="o", label=str(model))
        ax.set_xlabel("number of topics")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    figure.suptitle("metrics against the number of topics")
    return figure


def topic_model_figures(result: Any, directory: str | Path, *, suffix: str = ".png") -> list[Path]:
    """Write the standard figures of one result (top words, sizes, heatmap, map) to ``directory``."""
    directory = Path(directory)
    makers = {"top_words": top_words, "topic_sizes": topic_sizes,
              "topic_label_heatmap": topic_label_heatmap, "document_map": document_map}
    return [save_figure(make(result), directory / f"{result.model_name}_{name}{suffix}")
            for name, make in makers.items()]


def reliability_diagram(
    curves: dict[str, tuple[np.ndarray, np.ndarray]], title: str, *, n_bins: int = 10
) -> Figure:
    """Observed frequency against predicted probability, one line per estimator.

    Parameters
    ----------
    curves : dict of str to (truth, probability) arrays
        Per estimator: 0/1 outcomes and the probabilities it gave them.
    title : str
    n_bins : int
        Equal-width probability bins.
    """
    from sklearn.calibration import calibration_curve

    figure = new_figure(5, 5)
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1, label="perfectly calibrated")
    for name, (truth, proba) in curves.items():
        frac, mean = calibration_curve(truth, proba, n_bins=n_bins, strategy="uniform")
        ax.plot(mean, frac, marker="o", label=name)
    ax.set(xlabel="predicted probability", ylabel="observed frequency", title=title)
    ax.legend(loc="upper left", fontsize=8)
    return figure
