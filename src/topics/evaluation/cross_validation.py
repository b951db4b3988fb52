"""Honest evaluation of text classifiers: cross-validation grouped by article, repeated over seeds.

:func:`cross_validate` splits the *articles* of a corpus into folds (stratified by primary
label, or "none"), fits every estimator on the training articles and scores it on the test
articles — as whole articles, as their paragraphs or as their leads (first paragraphs). A
paragraph therefore never sits on the training side while its article is tested, nor does a
near-duplicate of the article (a reprint under another id: the copies share a fold, see
:mod:`topics.corpus.duplicates`). All estimators
see the same folds in the same run; the split is repeated for every seed and the metrics are
reported as mean and standard deviation over seeds. Every metric is scikit-learn's.

Estimators
----------
Estimators that read raw text (their class sets ``reads_raw_text = True``, as
:class:`~topics.classifier.ArticleClassifier` does) get the raw article texts and label lists (or
class strings). Any other scikit-learn estimator gets the *clean* texts and, in multi-label
mode, an indicator matrix with the columns in ``corpus.label_set`` order; its ``predict`` must
return the same form. :func:`topics.classifier.evaluate_classifiers` adds the default classifier and its peers.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from topics.corpus.duplicates import DEFAULT_THRESHOLD
from topics.distributed import map_chunks
from topics.errors import ConfigError
from topics.evaluation.classification import (
    MULTI_METRICS,
    SINGLE_METRICS,
    confusion_rows,
    onehot,
    per_label_rows,
    score,
)
from topics.evaluation.folds import article_folds, fold_size_problem, group_count
from topics.evaluation.seeds import summarise_seeds
from topics.evaluation.tables import markdown_table
from topics.labels import from_indicator, to_indicator
from topics.numerics import check_seeds
from topics.progress import progress, verbosity

__all__ = ["UNITS", "ClassifierReport", "cross_validate"]

log = logging.getLogger("topics.evaluation")

UNITS = ("article", "paragraph", "lead")


@dataclass
class ClassifierReport:
    """The result of :func:`evaluate_classifiers`.

    Attributes
    ----------
    metrics : dict of str to float
        Flat: ``"<estimator>/<metric>_mean"`` and ``"..._sd"`` (with several units:
        ``"<estimator>/<unit>/<metric>_mean"``).
    table : pandas.DataFrame
        One row per estimator (and unit), one ``mean ± sd`` column per metric.
    per_label : pandas.DataFrame
        Precision, recall, F1 and Brier score per estimator, unit and label (mean and sd).
    confusion : pandas.DataFrame
        Per estimator, unit and label: tn, fp, fn, tp summed over the seeds (multi-label), or
        the class confusion matrix summed over seeds in long form (single-label).
    runs : pandas.DataFrame
        The metrics of every (estimator, unit, seed).
    settings : dict
        What was run: corpus name and fingerprint, unit(s), folds, seeds, mode.
    """

    metrics: dict[str, float]
    table: Any
    per_label: Any
    confusion: Any
    runs: Any
    settings: dict[str, Any]
    _curves: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False
    )

    def to_markdown(self) -> str:
        """The main table as Markdown, with the settings in a header line."""
        s = self.settings
        head = (
            f"Corpus {s['corpus']} ({s['n_articles']} articles, fingerprint "
            f"{s['fingerprint'][:12]}), {s['mode']}, unit(s) {', '.join(s['units'])}, "
            f"{s['n_splits']}-fold CV grouped by article, seeds {list(s['seeds'])}; "
            + ("mean ± sd over seeds." if len(s["seeds"]) > 1 else "n = 1 seed (no spread).")
        )
        frame = self.table.reset_index()
        body = markdown_table(list(frame.columns), frame.itertuples(index=False))
        return head + "\n\n" + body + "\n"

    def figures(self, directory: str | Path) -> list[Path]:
        """Write one reliability plot (PNG) per unit; return the paths."""
        from topics.evaluation.plots import reliability_diagram, save_figure

        directory = Path(directory)
        paths = []
        for unit in self.settings["units"]:
            curves = {name: c for (name, u), c in self._curves.items() if u == unit}
            figure = reliability_diagram(curves, f"Reliability ({self.settings['corpus']}, {unit})")
            paths.append(save_figure(figure, directory / f"reliability_{unit}.png", dpi=100))
        return paths

    def write(self, directory: str | Path) -> list[Path]:
        """Write tables (Markdown, CSV, JSON) and figures into ``directory``; return the paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = {
            "table.md": self.to_markdown(),
            "table.csv": self.table.to_csv(),
            "per_label.csv": self.per_label.to_csv(index=False),
            "confusion.csv": self.confusion.to_csv(index=False),
            "runs.csv": self.runs.to_csv(index=False),
            "metrics.json": json.dumps(
                {"settings": self.settings, "metrics": self.metrics}, indent=2, default=str
            ),
        }
        paths = []
        for name, text in written.items():
            (directory / name).write_text(text, encoding="utf-8")
            paths.append(directory / name)
        return paths + self.figures(directory)


def cross_validate(
    corpus: Any,
    estimators: Mapping[str, Any],
    *,
    unit: str | Sequence[str] = "article",
    n_splits: int = 5,
    seeds: int | Sequence[int] = (0, 1, 2),
    duplicate_threshold: float | None = DEFAULT_THRESHOLD,
    verbose: bool | None = None,
    scheduler: Any = None,
    n_workers: int | None = None,
) -> ClassifierReport:
    """Cross-validate classifiers on a labelled corpus, grouped by article, over several seeds.

    Parameters
    ----------
    corpus : topics.Corpus
        Labelled articles; multi-label (label lists) or single-label (one class each).
    estimators : mapping of str to estimator
        Named, unfitted estimators (cloned for every fold).
    unit : {"article", "paragraph", "lead"} or sequence of them
        What the test side scores: whole articles, every paragraph, or the first paragraph of
        each test article (gold labels are the article's). Training always uses whole articles.
    n_splits : int
        Number of folds.
    seeds : int or sequence of int
        One shuffled split per seed.
    duplicate_threshold : float or None
        Near-duplicate articles (word 5-gram Jaccard at least this) share a fold; ``None``:
        every article is distinct.
    verbose : bool, optional
        A progress bar over the fits (seeds x folds x estimators) on stderr; ``None`` follows
        :func:`topics.progress.enabled`. Logged under ``topics.evaluation`` either way.
    scheduler : None, "local", str or dask.distributed.Client
        Where the fits run (:func:`topics.distributed.map_chunks`, one task per estimator, fold
        and seed): ``None`` here, one after the other; ``"local"`` a Dask LocalCluster of
        ``n_workers`` processes; an address or a Client: that cluster. The report is the same
        wherever the fits ran (each fit is deterministic and pinned to one BLAS thread).
    n_workers : int, optional
        The LocalCluster's processes (default: one per core).

    Returns
    -------
    ClassifierReport

    Raises
    ------
    ConfigError
        An unknown unit, fewer than two folds, no seed, or folds that leave fewer than two
        articles to train on.
    """
    units = (unit,) if isinstance(unit, str) else tuple(unit)
    seeds = tuple(check_seeds(seeds, "cross-validation"))  # one seed, or several distinct
    for u in units:
        if u not in UNITS:
            raise ConfigError(f"unit={u!r} is not a test unit; use one of {', '.join(UNITS)}")
    if n_splits < 2 or not seeds:
        raise ConfigError(f"need n_splits >= 2 and at least one seed; got {n_splits}, {seeds!r}")
    groups = (np.arange(len(corpus)) if duplicate_threshold is None
              else corpus.near_duplicate_groups(duplicate_threshold))
    n_groups = group_count(groups)
    problem = fold_size_problem(len(corpus), n_splits, n_groups)
    if problem:
        raise ConfigError(f"corpus {corpus.name!r}: {problem}")
    labels = list(corpus.label_set)
    multilabel = not getattr(corpus, "is_single_label", False)
    models = dict(estimators)
    data = _Data(corpus, labels, multilabel, groups)
    records, curves = [], {}
    log.info("cross-validating %s on %d articles: %d folds x %d seed(s)%s",
             ", ".join(models), len(corpus), n_splits, len(seeds),
             "" if scheduler is None else f" on Dask ({scheduler})")
    tasks = [
        _FoldTask(int(seed), name, train, test)
        for seed in seeds
        for train, test in article_folds(data.key, n_splits, int(seed), data.groups)
        for name in models
    ]
    per_seed: dict[int, dict] = {int(seed): {} for seed in seeds}
    with verbosity(verbose), progress(total=len(tasks), desc="cross-validation",
                                      unit="fit") as bar:
        done = map_chunks(_fold_predictions, tasks, scheduler=scheduler, n_workers=n_workers,
                          models=models, data=data, units=units, quiet=scheduler is not None)
        for task, fold in zip(tasks, done, strict=True):
            for u, (truth, pred, proba) in fold.items():
                parts = per_seed[task.seed].setdefault((task.name, u), [[], [], []])
                parts[0].extend(truth)
                parts[1].extend(pred)
                parts[2].append(proba)
            bar.set_postfix_str(f"seed {task.seed}, {task.name}", refresh=False)
            bar.update()
    for seed, found in per_seed.items():
        for (name, u), (truth, pred, proba) in _joined(found).items():
            records.append(score(name, u, int(seed), truth, pred, proba, labels, multilabel))
            if proba is not None:
                old = curves.get((name, u), (np.zeros(0), np.zeros(0)))
                curves[(name, u)] = (
                    np.concatenate([old[0], onehot(truth, labels, multilabel).ravel()]),
                    np.concatenate([old[1], proba.ravel()]),
                )
    settings = {
        "corpus": corpus.name,
        "fingerprint": corpus.fingerprint,
        "n_articles": len(corpus),
        "n_near_duplicates": len(corpus) - n_groups,  # copies kept in their original's fold
        "mode": "multi-label" if multilabel else "single-label",
        "label_set": labels,
        "units": list(units),
        "n_splits": n_splits,
        "seeds": list(seeds),
        "estimators": {name: repr(model) for name, model in models.items()},
    }
    return _report(records, curves, settings, multilabel, len(units) > 1)


# --------------------------------------------------------------------------------------------
class _Data:
    """The corpus as arrays: raw and clean texts, targets and the test units of each article."""

    def __init__(self, corpus: Any, labels: list[str], multilabel: bool, groups: np.ndarray):
        self.labels, self.multilabel, self.groups = labels, multilabel, groups
        self.raw = list(corpus.texts)
        self.clean = corpus.clean_texts()
        self.y = [list(v) for v in corpus.labels] if multilabel else list(corpus.primary_labels)
        self.key = [(v[0] if v else "") for v in corpus.labels]  # stratify by primary label
        self.units: dict[str, list[list[str]]] = {
            "article": [[t] for t in self.clean],
            "paragraph": [[] for _ in self.clean],
        }
        index = {article_id: i for i, article_id in enumerate(corpus.ids)}
        for u in corpus.units("paragraph"):
            self.units["paragraph"][index[u.article_id]].append(u.text)
        self.units["lead"] = [
            p[:1] or [c] for p, c in zip(self.units["paragraph"], self.clean, strict=True)
        ]


class _FoldTask(NamedTuple):
    """One fit of the cross-validation: a seed's split, an estimator, its train/test articles."""

    seed: int
    name: str
    train: np.ndarray
    test: np.ndarray


def _fold_predictions(
    task: _FoldTask, *, models: dict, data: _Data, units: tuple[str, ...], quiet: bool
) -> dict[str, tuple[list, list, np.ndarray | None]]:
    """Fit a clone of the task's estimator on its training articles; per unit, the test side's
    (truth, predicted, proba). Module level: a Dask worker runs it by name (``quiet``: without
    the fit's own bars, which the worker would print beside the client's)."""
    from sklearn.base import clone

    with verbosity(False if quiet else None):
        fitted = _fit(clone(models[task.name]), data, task.train)
    out = {}
    for u in units:
        texts = [t for i in task.test for t in data.units[u][i]]
        truth = [data.y[i] for i in task.test for _ in data.units[u][i]]
        pred, proba = _predict(fitted, texts, data)
        out[u] = (truth, pred, proba)
    return out


def _joined(found: dict) -> dict:
    """A seed's fold predictions joined per (estimator, unit), probabilities stacked."""
    return {
        k: (t, p, None if any(x is None for x in q) else np.vstack(q))
        for k, (t, p, q) in found.items()
    }


def _fit(model: Any, data: _Data, train: np.ndarray) -> Any:
    if _reads_raw_text(model):
        return model.fit([data.raw[i] for i in train], [data.y[i] for i in train])
    y = [data.y[i] for i in train]
    if data.multilabel:
        y = to_indicator(y, data.labels)
    with warnings.catch_warnings():  # default LinearSVC/LogReg may warn about convergence
        warnings.simplefilter("ignore")
        return model.fit([data.clean[i] for i in train], y)


def _reads_raw_text(model: Any) -> bool:
    return bool(getattr(model, "reads_raw_text", False))


def _predict(model: Any, texts: list[str], data: _Data) -> tuple[list, np.ndarray | None]:
    """Predictions as label lists / classes, probabilities in ``data.labels`` order."""
    if _reads_raw_text(model):
        order = [list(model.classes_).index(c) for c in data.labels]
        return model.predict(texts), model.predict_proba(texts)[:, order]
    pred = model.predict(texts)
    pred = from_indicator(pred, data.labels) if data.multilabel else [str(p) for p in pred]
    if not hasattr(model, "predict_proba"):
        return pred, None
    proba = model.predict_proba(texts)
    if not data.multilabel:
        order = [list(map(str, model.classes_)).index(c) for c in data.labels]
        proba = proba[:, order]
    return pred, proba


def _report(
    records: list[dict], curves: dict, settings: dict, multilabel: bool, several_units: bool
) -> ClassifierReport:
    import pandas as pd

    names = list(dict.fromkeys(r["estimator"] for r in records))
    units = settings["units"]
    metric_names = MULTI_METRICS if multilabel else SINGLE_METRICS
    runs = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")} for r in records])
    metrics: dict[str, float] = {}
    rows, label_rows, confusion_rows_ = [], [], []
    for name in names:
        for unit in units:
            group = runs[(runs.estimator == name) & (runs.unit == unit)]
            prefix = f"{name}/{unit}" if several_units else name
            row: dict[str, Any] = {"estimator": name, "unit": unit}
            summary = summarise_seeds(group[list(metric_names)].to_dict("records"))
            for m in metric_names:
                mean, sd = summary[f"{m}_mean"], summary[f"{m}_sd"]
                metrics[f"{prefix}/{m}_mean"], metrics[f"{prefix}/{m}_sd"] = mean, sd
                spread = f" ± {sd:.3f}" if summary["n_seeds"] > 1 else ""
                row[m] = "n/a" if np.isnan(mean) else f"{mean:.3f}{spread}"
            rows.append(row)
            recs = [r for r in records if r["estimator"] == name and r["unit"] == unit]
            label_rows += per_label_rows(name, unit, recs, settings["label_set"])
            confusion_rows_ += confusion_rows(name, unit, recs, settings["label_set"], multilabel)
    table = pd.DataFrame(rows).set_index(["estimator", "unit"] if several_units else ["estimator"])
    if not several_units:
        table = table.drop(columns="unit")
    return ClassifierReport(
        metrics=metrics,
        table=table,
        per_label=pd.DataFrame(label_rows),
        confusion=pd.DataFrame(confusion_rows_),
        runs=runs,
        settings=settings,
        _curves=curves,
    )


