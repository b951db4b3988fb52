"""Run experiments from config files, read stored runs back, compare them, sweep and reproduce.

::

    run = topics.run_experiment("experiments/configs/vietnam.yaml", overrides=["seed=7"])
    print(run.summary())
    table = topics.compare_runs(["experiments/runs/a", "experiments/runs/b"])

A run goes: load the corpus -> fit each topic model (metrics, tables, figures) -> evaluate the
classifier by grouped cross-validation against its peers and fit it -> write outputs. Every step is
logged (logger ``topics.experiment``; the CLI prints it) and timed; the run directory layout is
described in :mod:`topics.runs`.
"""

from __future__ import annotations

import fnmatch
import itertools
import logging
import math
import random
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from topics.config import (
    Config,
    analysis_defaults,
    apply_overrides,
    classifier_parameters,
    config_hash,
    estimator_kwargs,
    load_config,
    load_grid,
    resolved_dict,
    topic_model_families,
    validate_config,
)
from topics.errors import ConfigError
from topics.runs import (
    METRICS_FILE,
    RUN_FILE,
    RunDirectory,
    RunError,
    check_run_dir,
    dump_metrics,
    environment,
    read_json,
    utc_now,
    write_json,
)

__all__ = [
    "Run",
    "run_experiment",
    "plan_experiment",
    "load_run",
    "compare_runs",
    "plot_comparison",
    "format_comparison",
    "reproduce_run",
    "Reproduction",
    "run_sweep",
    "SweepResult",
    "select_metrics",
    "DEFAULT_RUNS_DIR",
]

DEFAULT_RUNS_DIR = "experiments/runs"
log = logging.getLogger("topics.experiment")

# metric names that measure time, not quality: they go to timings.json, never to metrics.json
_TIMING_PATTERNS = ("*seconds*", "*_time", "*time_*", "*duration*")


# ------------------------------------------------------------------------------------------------
# the Run


@dataclass
class Run:
    """A finished run directory, read back.

    Attributes
    ----------
    path : Path
        The run directory.
    info : dict
        ``run.json``: name, config hash, status, start and end times.
    resolved : dict
        ``config.resolved.yaml``.
    metrics : dict of str to float
        ``metrics.json``.
    """

    path: Path
    info: dict[str, Any]
    resolved: dict[str, Any]
    metrics: dict[str, float | None]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The run directory's name (``<timestamp>_<name>_<hash>``)."""
        return self.path.name

    @property
    def config_hash(self) -> str:
        """8 hex digits of the resolved config."""
        return str(self.info.get("config_hash", ""))

    @property
    def config(self) -> Config:
        """The resolved config, validated (raises ConfigError if the estimators changed since)."""
        if "config" not in self._cache:
            self._cache["config"] = load_config(self.path / "config.resolved.yaml")
        return self._cache["config"]

    @property
    def environment(self) -> dict[str, Any]:
        """``environment.json``."""
        return read_json(self.path / "environment.json")

    @property
    def timings(self) -> dict[str, Any]:
        """``timings.json``: seconds per step, start and end."""
        return read_json(self.path / "timings.json")

    @property
    def corpus_info(self) -> dict[str, Any]:
        """``corpus.json``: corpus name, path, fingerprints and summary."""
        return read_json(self.path / "corpus.json")

    def table(self, relative: str) -> Any:
        """Read a CSV output (e.g. ``"tables/topics_nmf.csv"``) as a pandas DataFrame."""
        import pandas as pd

        target = self.path / relative
        if not target.is_file():
            available = sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*.csv"))
            raise RunError(
                f"{target}: no such output; available: {', '.join(available) or '(none)'}"
            )
        return pd.read_csv(target, keep_default_na=False)

    def headline(self, patterns: Sequence[str] | None = None) -> dict[str, float | None]:
        """The headline metrics (the config's ``evaluation.metrics`` patterns by default)."""
        if patterns is None:
            patterns = self.resolved.get("evaluation", {}).get("metrics") or ["*"]
        return select_metrics(self.metrics, patterns)

    def headline_markdown(self, patterns: Sequence[str] | None = None) -> str:
        """The headline metrics as Markdown tables (one per group: topics, classifier)."""
        return _headline_tables(
            self.headline(patterns), markdown=True, everything=self.metrics, order=self._order()
        )

    def _order(self) -> list[str]:
        """Topic models in config order (the tables follow it, not the alphabet)."""
        return list(self.resolved.get("topic_models") or {})

    def summary(self, patterns: Sequence[str] | None = None) -> str:
        """A short text table: where the run is, how long it took, its headline numbers."""
        seconds = self.info.get("seconds")
        took = f" in {seconds:.0f} s" if isinstance(seconds, (int, float)) else ""
        lines = [f"run {self.info.get('status', '?')}{took}: {self.path}"]
        corpus = self.info.get("corpus")
        if corpus:
            lines.append(f"corpus {corpus}")
        lines.append(
            _headline_tables(self.headline(patterns), everything=self.metrics, order=self._order())
        )
        return "\n".join(line for line in lines if line)


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


def _fmt(value: Any, column: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if (
        column.rsplit(".", 1)[-1].startswith("n_")
        and isinstance(value, float)
        and value.is_integer()
    ):
        return str(int(value))  # counts (n_topics) stored as floats by the models
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def _sd_key(key: str) -> str:
    return key[: -len("_mean")] + "_sd" if key.endswith("_mean") else key + "_sd"


def _cell(key: str, value: Any, everything: Mapping[str, Any]) -> str:
    """``0.123`` or, when the run has its spread over seeds, ``0.123 ± 0.004``."""
    column = key.rsplit(".", 1)[-1]
    text = _fmt(value, column)
    sd = everything.get(_sd_key(key))
    if isinstance(sd, (int, float)) and not math.isnan(sd) and sd > 0:
        text += f" ± {sd:.3f}"
    return text


def _headline_tables(
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
        if markdown:
            lines = [head, ["---"] * len(head), *body]
            blocks.append("\n".join("| " + " | ".join(map(str, r)) + " |" for r in lines))
            continue
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(head, *body, strict=True)
        ]
        render = [
            "  ".join(
                str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in [head, *body]
        ]
        blocks.append("\n".join(render))
    return "\n\n".join(blocks)


def load_run(path: str | Path) -> Run:
    """Read a finished run directory (or a committed reference result in ``experiments/results``).

    Parameters
    ----------
    path : str or Path
        The run directory.

    Returns
    -------
    Run

    Raises
    ------
    RunError
        If the directory is missing, unfinished (``.partial``) or failed, or a file is missing.
    """
    path = check_run_dir(path)
    info = read_json(path / RUN_FILE)
    try:
        resolved = yaml.safe_load((path / "config.resolved.yaml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{path}: config.resolved.yaml missing; not a complete run") from None
    metrics = read_json(path / METRICS_FILE)
    return Run(path=path, info=info, resolved=resolved or {}, metrics=metrics)


# ------------------------------------------------------------------------------------------------
# running


@contextmanager
def _step(label: str, timings: dict[str, Any]) -> Iterator[None]:
    """Log ``[i/n] label ...`` and its duration; store seconds under ``steps.<label>``."""
    log.info("%s ...", label)
    start = time.perf_counter()
    yield
    seconds = time.perf_counter() - start
    timings.setdefault("steps", {})[label.split("] ", 1)[-1]] = round(seconds, 3)
    log.info("%s done in %.1f s", label, seconds)


@contextmanager
def _global_seeds(seed: int) -> Iterator[None]:
    """Seed Python's and NumPy's global generators for the run, then restore them.

    A safety net for library code that falls back on the global generators when not given a
    seed; restoring keeps run_experiment free of side effects on its caller.
    """
    python_state, numpy_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


@contextmanager
def _run_log(path: Path) -> Iterator[None]:
    """Copy the ``topics`` loggers' INFO messages into the run's ``run.log`` while it runs."""
    logger = logging.getLogger("topics")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    previous = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
        logger.setLevel(previous)


def _load_corpus(config: Config) -> Any:
    from topics.corpus import load_corpus

    c = config.corpus
    corpus = load_corpus(
        c.path,
        format=c.format,
        label_set=c.label_set,
        labels_file=c.labels_file,
        text_column=c.text_column,
        label_column=c.label_column,
        id_column=c.id_column,
        label_separator=c.label_separator,
        delimiter=c.delimiter,
        quotechar=c.quotechar,
        header=c.header,
        encoding=c.encoding,
        name=c.name,
    )
    if c.limit is not None and c.limit < len(corpus):
        # evenly spaced, so a small trial still sees every label of a corpus sorted by label
        picks = np.unique(np.linspace(0, len(corpus) - 1, c.limit).round().astype(int))
        corpus = corpus.subset(picks.tolist())
    return corpus


def _units_fingerprint(units: Sequence[Any]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for unit in units:
        digest.update(f"{unit.id}\0{unit.text}\0{'|'.join(unit.labels)}\n".encode())
    return digest.hexdigest()


def _corpus_record(config: Config, corpus: Any) -> dict[str, Any]:
    units = sorted({config.topic_model_unit(name) for name in config.topic_models})
    record: dict[str, Any] = {
        "name": corpus.name,
        "path": str(Path(config.corpus.path).resolve()) if config.corpus.path else None,
        "n_articles": len(corpus),
        "fingerprint": corpus.fingerprint,
        "units": {},
        "summary": corpus.summary().to_dict(),
    }
    for unit in units:
        modelled = corpus.units(unit)
        record["units"][unit] = {"n": len(modelled), "fingerprint": _units_fingerprint(modelled)}
    return record


def _is_timing(key: str) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in _TIMING_PATTERNS)


def _split_timings(metrics: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    quality = {k: v for k, v in metrics.items() if not _is_timing(k)}
    timing = {k: v for k, v in metrics.items() if _is_timing(k)}
    return quality, timing


def _numeric(metrics: Mapping[str, Any]) -> dict[str, float]:
    out = {}
    for key, value in metrics.items():
        if isinstance(value, (bool, int, float, np.integer, np.floating)):
            out[key] = (
                float(value) if not isinstance(value, (bool, int, np.integer)) else int(value)
            )
    return out


def _aggregate(per_seed: list[dict[str, float]]) -> dict[str, float]:
    """One seed: as is. Several: the mean under the metric's own key (so runs with one and with
    several seeds compare), the sample standard deviation as ``<key>_sd``."""
    if len(per_seed) == 1:
        return dict(per_seed[0])
    out: dict[str, float] = {}
    for key in sorted(set().union(*per_seed)):
        values = np.array([m.get(key, np.nan) for m in per_seed], dtype=float)
        values = values[~np.isnan(values)]
        out[key] = float(values.mean()) if len(values) else math.nan
        out[f"{key}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else math.nan
    out["n_seeds"] = len(per_seed)
    return out


def _with_seed(
    params: dict[str, Any], defaults: Mapping[str, Any] | None, seed: int
) -> dict[str, Any]:
    """Feed the run's seed to an estimator's ``random_state`` unless the config sets it."""
    out = dict(params)
    for key in ("random_state", "seed"):
        if defaults and key in defaults and key not in out:
            out[key] = seed
    return out


# -- topic models ---------------------------------------------------------------------------------


def _topic_settings(config: Config, name: str) -> dict[str, Any]:
    family = config.topic_model_family(name)
    defaults = (topic_model_families() or {}).get(family)
    given = config.topic_models[name].settings()
    if defaults is None or "lowercase" in defaults:  # the family reads the German tokens view
        analysis = estimator_kwargs(config.analysis.settings(), analysis_defaults())
        given = {**analysis, **given}
    return estimator_kwargs(given, defaults)


def _topics_table(result: Any) -> Any:
    import pandas as pd

    sizes = result.sizes
    total = max(len(result.assignments), 1)
    rows = []
    for topic_id in sorted(set(sizes) | set(result.topics)):
        words = result.topics.get(topic_id, [])
        rows.append(
            {
                "topic": topic_id,
                "size": sizes.get(topic_id, 0),
                "share": round(sizes.get(topic_id, 0) / total, 4),
                "words": " ".join(w for w, _ in words[:10]),
                "weights": " ".join(f"{float(w):.4f}" for _, w in words[:10]),
            }
        )
    return pd.DataFrame(rows)


def _documents_table(result: Any) -> Any:
    import pandas as pd

    docs = result.documents
    frame = pd.DataFrame(
        {
            "unit_id": [d.id for d in docs],
            "article_id": [d.article_id for d in docs],
            "index": [d.index for d in docs],
            "labels": ["|".join(d.labels) for d in docs],
            "topic": np.asarray(result.assignments, dtype=int),
        }
    )
    distributions = getattr(result, "distributions", None)
    if distributions is not None and len(distributions) == len(docs):
        matrix = np.asarray(distributions, dtype=float)
        frame["topic_probability"] = np.round(matrix.max(axis=1), 6) if matrix.size else np.nan
    return frame


def _topic_figures(result: Any, name: str, figures: Path) -> list[Path]:
    """The standard figures of one topic model, in ``figures/topics_<name>/``."""
    from topics.plots import topic_model_figures

    return topic_model_figures(result, figures / f"topics_{name}")


def _run_topic_model(
    config: Config, name: str, corpus: Any, run: RunDirectory, timings: dict[str, Any]
) -> dict[str, float]:
    from topics.topic_models import fit_topic_model

    family, unit = config.topic_model_family(name), config.topic_model_unit(name)
    settings = _topic_settings(config, name)
    per_seed, results = [], []
    for seed in config.topic_model_seeds():
        log.info("  %s (%s, %s units, seed %d)", name, family, unit, seed)
        result = fit_topic_model(corpus, model=family, unit=unit, seed=seed, **settings)
        quality, timing = _split_timings(_numeric(result.metrics))
        quality.setdefault("n_topics", result.n_topics)
        quality.setdefault("outlier_share", result.outlier_share)
        per_seed.append(quality)
        timings.setdefault("topic_models", {}).setdefault(name, []).append(timing)
        results.append(result)
    main = results[0]
    outputs = config.outputs
    run.write_text(f"tables/topics_{name}.csv", _topics_table(main).to_csv(index=False))
    try:
        table = main.topic_label_table()
        run.write_text(f"tables/topic_labels_{name}.csv", table.to_csv())
    except Exception as exc:  # a corpus without labels has no topic x label table
        log.info("  no topic x label table for %s (%s)", name, exc)
    if outputs.documents:
        run.write_text(f"documents/topics_{name}.csv", _documents_table(main).to_csv(index=False))
    if outputs.figures:
        _topic_figures(main, name, run.path / "figures")
    if outputs.save_models:
        main.save(run.file(f"models/topics_{name}/.keep").parent)
    return {f"topics.{name}.{key}": value for key, value in _aggregate(per_seed).items()}


# -- classifier ----------------------------------------------------------------------------------


def _classifier_labels(corpus: Any) -> list[Any]:
    if getattr(corpus, "is_single_label", False):
        return list(corpus.primary_labels)
    return [list(labels) for labels in corpus.labels]


def _make_classifier(config: Config, corpus: Any) -> Any:
    from topics.classifier import ArticleClassifier

    defaults = classifier_parameters()
    params = _with_seed(config.classifier.params(), defaults, config.seed)
    if defaults and "labels" in defaults and params.get("labels") is None:
        params["labels"] = list(corpus.label_set)  # all labels, even one a small sample lacks
    return ArticleClassifier(**estimator_kwargs(params, defaults))


def _metric_name(name: str) -> str:
    """``"TF-IDF+LinearSVC"`` -> ``"tfidf_linear_svc"``: metric keys that MLflow accepts too."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.replace("-", ""))
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")


def _classifier_metrics(report_metrics: Mapping[str, Any]) -> dict[str, float]:
    """``"<estimator>/<metric>_mean"`` -> ``"classifier.<estimator>.<metric>_mean"``."""
    out = {}
    for key, value in _numeric(report_metrics).items():
        parts = key.split("/")
        head, rest = _metric_name(parts[0]), ".".join(parts[1:]) or "value"
        out[f"classifier.{head}.{rest}"] = value
    return out


def _evaluate_classifier(config: Config, corpus: Any, run: RunDirectory) -> dict[str, float]:
    from topics.classifier_eval import evaluate_classifiers

    evaluation = config.classifier.evaluation
    report = evaluate_classifiers(
        corpus,
        {"ArticleClassifier": _make_classifier(config, corpus)},
        unit=evaluation.unit if isinstance(evaluation.unit, str) else tuple(evaluation.unit),
        n_splits=evaluation.n_splits,
        seeds=tuple(evaluation.seeds),
        peers=evaluation.peers,
    )
    quality, _ = _split_timings(report.metrics)
    run.write_text("tables/classifier_cv.md", report.to_markdown())
    run.write_text("tables/classifier_cv.csv", report.table.to_csv())
    run.write_text("tables/classifier_per_label.csv", report.per_label.to_csv(index=False))
    run.write_text("tables/classifier_confusion.csv", report.confusion.to_csv(index=False))
    run.write_text("tables/classifier_runs.csv", report.runs.to_csv(index=False))
    if config.outputs.figures:
        report.figures(run.file("figures/.keep").parent)
    return _classifier_metrics(quality)


def _fit_classifier(config: Config, corpus: Any, run: RunDirectory, digest: str) -> None:
    import pandas as pd

    clf = _make_classifier(config, corpus)
    texts = list(corpus.texts)
    clf.fit(texts, _classifier_labels(corpus))
    if config.outputs.documents:
        predictions = clf.predict(texts)
        scores = np.asarray(clf.predict_proba(texts), dtype=float)
        frame = pd.DataFrame({"article_id": list(corpus.ids)})
        frame["labels"] = ["|".join(labels) for labels in corpus.labels]
        frame["predicted"] = [p if isinstance(p, str) else "|".join(p) for p in predictions]
        for j, label in enumerate(clf.classes_):
            frame[f"score_{label}"] = np.round(scores[:, j], 6)
        # in-sample: the fitted model's view of its own training data (CV numbers are in metrics)
        run.write_text("documents/classifier_predictions.csv", frame.to_csv(index=False))
    if config.outputs.save_models:
        from topics.classifier import save_classifier

        card = {
            "training_corpus": {
                "name": corpus.name,
                "fingerprint": corpus.fingerprint,
                "n": len(corpus),
            },
            "experiment": {"name": config.name, "config_hash": digest},
        }
        save_classifier(clf, run.file("models/classifier.safetensors"), card=card)


# -- the run ---------------------------------------------------------------------------------------


def _prepare(config: Config) -> tuple[dict[str, Any], str]:
    if config.tracking == "mlflow":
        from topics.tracking import require_mlflow

        require_mlflow()  # fail before any work, not after a long run
    resolved = resolved_dict(config)
    return resolved, config_hash(resolved)


def plan_experiment(
    config: Config | str | Path | Mapping[str, Any], *, overrides: Iterable[str] = ()
) -> str:
    """Validate a config (with overrides) and describe the run without doing it.

    Returns
    -------
    str
        The config hash, the steps, and the resolved config as YAML.

    Raises
    ------
    ConfigError
        If the config is invalid.
    """
    config = load_config(config, overrides)
    resolved, digest = _prepare(config)
    steps = ["load corpus", *[f"topic model {name}" for name in config.topic_models]]
    if config.classifier.enabled and config.classifier.evaluation.enabled:
        steps.append("classifier evaluation")
    if config.classifier.enabled and config.classifier.fit:
        steps.append("classifier fit")
    head = [f"# config valid: {config.name}, hash {digest}", "# steps: " + ", ".join(steps)]
    body = yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True)
    return "\n".join(head) + "\n" + body


def run_experiment(
    config: Config | str | Path | Mapping[str, Any],
    *,
    overrides: Iterable[str] = (),
    runs_dir: str | Path = DEFAULT_RUNS_DIR,
) -> Run:
    """Run one experiment from a config and store it as a run directory.

    Parameters
    ----------
    config : Config, str, Path or mapping
        A YAML config file, a mapping of the same shape, or a :class:`~topics.config.Config`.
    overrides : iterable of str
        ``"key.path=value"`` overrides (YAML values), applied before validation.
    runs_dir : str or Path
        Where the run directory is created.

    Returns
    -------
    Run
        The finished run (``run.path``, ``run.metrics``, ``run.summary()``).

    Raises
    ------
    ConfigError
        If the config is invalid (before any work).
    TopicsError
        From the steps (corpus, models); the run then stays as ``<dir>.partial`` marked failed.
    """
    config = load_config(config, overrides)
    resolved, digest = _prepare(config)
    run_dir = RunDirectory(runs_dir, config.name, digest)
    info: dict[str, Any] = {
        "name": config.name,
        "config_hash": digest,
        "started": run_dir.started.isoformat(timespec="seconds"),
    }
    timings: dict[str, Any] = {}
    start = time.perf_counter()
    with _run_log(run_dir.path / "run.log"), _global_seeds(config.seed):
        log.info("run %s -> %s", config.name, run_dir.final_path)
        try:
            metrics = _run_steps(config, resolved, run_dir, info, timings)
            seconds = time.perf_counter() - start
            timings.update(
                {
                    "total": round(seconds, 3),
                    "started": info["started"],
                    "finished": utc_now().isoformat(timespec="seconds"),
                }
            )
            run_dir.write_json("timings.json", timings)
            info.update(seconds=round(seconds, 1), finished=timings["finished"])
            run_dir.write_text("summary.txt", _preview(run_dir, info, resolved, metrics))
            path = run_dir.finish(info)
        except BaseException as exc:  # KeyboardInterrupt too: the .partial dir says "failed"
            run_dir.fail(info, exc)
            log.error("run failed: %s (kept as %s)", exc, run_dir.path)
            exc.add_note(f"partial run kept as {run_dir.path}")
            raise
    run = load_run(path)
    if config.tracking == "mlflow":
        from topics.tracking import log_run

        log_run(run, tracking_uri=config.tracking_uri, runs_dir=Path(runs_dir))
    return run


def _preview(
    run_dir: RunDirectory, info: dict[str, Any], resolved: dict[str, Any], metrics: dict[str, Any]
) -> str:
    stored = yaml.safe_load(dump_metrics(metrics))
    preview = Run(run_dir.final_path, {**info, "status": "finished"}, resolved, stored)
    return preview.summary() + "\n"


def _run_steps(
    config: Config,
    resolved: dict[str, Any],
    run_dir: RunDirectory,
    info: dict[str, Any],
    timings: dict[str, Any],
) -> dict[str, Any]:
    run_dir.write_text("config.yaml", config.given_text)
    run_dir.write_yaml("config.resolved.yaml", resolved)
    run_dir.write_json("environment.json", environment())
    steps = ["load corpus", *[f"topic model {n}" for n in config.topic_models]]
    if config.classifier.enabled and config.classifier.evaluation.enabled:
        steps.append("classifier evaluation")
    if config.classifier.enabled and config.classifier.fit:
        steps.append("classifier fit")
    count = len(steps)
    label = iter(f"[{i}/{count}] {s}" for i, s in enumerate(steps, start=1))
    metrics: dict[str, Any] = {}
    with _step(next(label), timings):
        corpus = _load_corpus(config)
        record = _corpus_record(config, corpus)
        run_dir.write_json("corpus.json", record)
        units = ", ".join(
            f"{u['n']} {unit}s" for unit, u in record["units"].items() if unit != "article"
        )
        info["corpus"] = f"{corpus.name}: {len(corpus)} articles" + (f" ({units})" if units else "")
        if config.classifier.enabled and not any(corpus.labels):
            raise ConfigError(
                f"classifier.enabled = true, but corpus {corpus.name!r} has no labels; "
                "set classifier.enabled: false or give corpus.label_column"
            )
        metrics["corpus.n_articles"] = record["n_articles"]
        for unit, unit_record in record["units"].items():
            metrics[f"corpus.n_{unit}s"] = unit_record["n"]
    for name in config.topic_models:
        with _step(next(label), timings):
            metrics.update(_run_topic_model(config, name, corpus, run_dir, timings))
    if config.classifier.enabled and config.classifier.evaluation.enabled:
        with _step(next(label), timings):
            metrics.update(_evaluate_classifier(config, corpus, run_dir))
    if config.classifier.enabled and config.classifier.fit:
        with _step(next(label), timings):
            _fit_classifier(config, corpus, run_dir, info["config_hash"])
    run_dir.write_metrics(metrics)
    return metrics


# ------------------------------------------------------------------------------------------------
# comparing


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
    head = ["run", *map(str, frame.columns)]
    rows = [
        [str(index), *(_fmt(v) for v in row)]
        for index, row in zip(frame.index, frame.values, strict=True)
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


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
    table = table.apply(lambda column: column.map(lambda v: _fmt(v, str(column.name))[:width]))
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

    from topics.plots import new_figure, save_figure

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


# ------------------------------------------------------------------------------------------------
# reproducing


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
        lines += [f"  {k}: {_fmt(a)} -> {_fmt(b)}" for k, (a, b) in self.differences.items()]
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


# ------------------------------------------------------------------------------------------------
# sweeps


@dataclass
class SweepResult:
    """The outcome of :func:`run_sweep`.

    Attributes
    ----------
    points : list of dict
        Per grid point: ``index``, ``overrides``, ``status`` (finished | failed), ``run`` (path or
        None), ``error`` (message or None).
    summary_path : Path
        The sweep summary (JSON; a CSV next to it).
    """

    points: list[dict[str, Any]]
    summary_path: Path

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The points that failed."""
        return [p for p in self.points if p["status"] != "finished"]

    @property
    def runs(self) -> list[Path]:
        """The finished run directories."""
        return [Path(p["run"]) for p in self.points if p["status"] == "finished"]

    def report(self) -> str:
        """A text table of the points."""
        lines = [
            f"sweep: {len(self.points) - len(self.failed)} of {len(self.points)} points finished;"
            f" summary {self.summary_path}"
        ]
        for p in self.points:
            where = p["run"] if p["status"] == "finished" else p["error"]
            lines.append(f"  [{p['index']}] {p['status']:<8} {' '.join(p['overrides'])}  {where}")
        return "\n".join(lines)


def _grid_points(grid: Mapping[str, list[Any]]) -> list[list[str]]:
    keys = list(grid)
    points = []
    for values in itertools.product(*(grid[k] for k in keys)):
        points.append(
            [
                f"{k}={yaml.safe_dump(v, default_flow_style=True, width=10_000).strip().removesuffix('...').strip()}"
                for k, v in zip(keys, values, strict=True)
            ]
        )
    return points


def _sweep_point(
    base: dict[str, Any], overrides: list[str], source: str, runs_dir: str, index: int
) -> dict[str, Any]:
    """One grid point (in a worker process): never raises, returns its status."""
    point: dict[str, Any] = {"index": index, "overrides": overrides, "run": None, "error": None}
    try:
        config = validate_config(
            apply_overrides(base, overrides), source=source, overrides=overrides
        )
        config._given_text = yaml.safe_dump(apply_overrides(base, overrides), sort_keys=False)
        run = run_experiment(config, runs_dir=runs_dir)
        point.update(status="finished", run=str(run.path))
    except Exception as exc:  # recorded, so that the other points carry on
        notes = [n for n in getattr(exc, "__notes__", []) if n.startswith("partial run kept as")]
        point.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        if notes:
            point["partial"] = notes[-1].removeprefix("partial run kept as ")
    return point


def run_sweep(
    grid_file: str | Path,
    *,
    n_jobs: int | None = None,
    runs_dir: str | Path = DEFAULT_RUNS_DIR,
) -> SweepResult:
    """Run every point of a grid, each as its own run, in parallel with joblib.

    Parameters
    ----------
    grid_file : str or Path
        A base config plus ``grid: {key.path: [values, ...]}``; the points are the product.
    n_jobs : int, optional
        Parallel points; default the base config's ``n_jobs``.
    runs_dir : str or Path
        Where the runs and the sweep summary (``<timestamp>_<name>.sweep.json``) go.

    Returns
    -------
    SweepResult
        A failing point is recorded as failed (with its error); the others still run.

    Raises
    ------
    ConfigError
        If the grid file itself is malformed.
    """
    from joblib import Parallel, delayed

    base, grid = load_grid(grid_file)
    points = _grid_points(grid)
    name = str(base.get("name", "sweep"))
    if n_jobs is None:
        jobs = base.get("n_jobs", 1)
        n_jobs = jobs if isinstance(jobs, int) and jobs >= 1 else 1
    log.info("sweep %s: %d points, %d in parallel", name, len(points), n_jobs)
    Path(runs_dir).mkdir(parents=True, exist_ok=True)
    started = utc_now()
    parallel = Parallel(
        n_jobs=min(n_jobs, len(points)), backend="loky", return_as="generator_unordered"
    )
    results = []
    # log each point as it finishes: a sweep can take a while
    for done, point in enumerate(
        parallel(
            delayed(_sweep_point)(base, overrides, str(grid_file), str(runs_dir), index)
            for index, overrides in enumerate(points)
        ),
        start=1,
    ):
        results.append(point)
        where = point["run"] or point["error"]
        log.info(
            "[%d/%d] point %d %s: %s", done, len(points), point["index"], point["status"], where
        )
    results.sort(key=lambda point: point["index"])
    summary_path = Path(runs_dir) / f"{started.strftime('%Y%m%dT%H%M%SZ')}_{name}.sweep.json"
    write_json(summary_path, {"grid_file": str(grid_file), "grid": grid, "points": results})
    import pandas as pd

    pd.DataFrame([{**p, "overrides": " ".join(p["overrides"])} for p in results]).to_csv(
        summary_path.with_suffix(".csv"), index=False
    )
    return SweepResult(results, summary_path)
