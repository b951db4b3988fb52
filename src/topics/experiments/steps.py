"""The steps of a run: load the corpus, fit each topic model, evaluate and fit the classifier.

Each step reads the validated config, writes its tables, figures and models into the run directory
and returns its metrics (quality only; timings go to ``timings.json``).
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from topics import registry
from topics.classifier import ArticleClassifier, save_classifier
from topics.classifier.evaluate import evaluate_classifiers
from topics.corpus import load_corpus
from topics.distributed import map_chunks
from topics.errors import ConfigError, TopicsError
from topics.evaluation.plots import topic_model_figures
from topics.evaluation.seeds import summarise_seeds
from topics.evaluation.stability import stability
from topics.experiments.config import Config
from topics.experiments.preflight import preflight
from topics.experiments.resolve import (
    analysis_defaults,
    classifier_defaults,
    estimator_kwargs,
    topic_model_defaults,
)
from topics.experiments.store import RunDirectory
from topics.numerics import STABLE_FLOAT_FORMAT, stable_metrics
from topics.progress import track, verbosity
from topics.topic_models import fit_topic_model

__all__ = [
    "preflight",
    "corpus_record",
    "evaluate_classifier",
    "fit_classifier",
    "load_configured_corpus",
    "run_topic_model",
    "split_timings",
    "stability_metrics",
]

log = logging.getLogger("topics.experiments")

# metric names that measure time, not quality: they go to timings.json, never to metrics.json
_TIMING_PATTERNS = ("*seconds*", "*_time", "*time_*", "*duration*")


def load_configured_corpus(config: Config) -> Any:
    """The corpus of ``config``: read, boilerplate and near-duplicates dropped, limited.

    Raises
    ------
    ConfigError
        If ``corpus.path`` does not exist: naming the config file, the key and the working
        directory a relative path is resolved against.
    """
    c = config.corpus
    if c.path is not None and not Path(c.path).exists():
        raise ConfigError(_missing_corpus(config))
    try:
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
    except TopicsError as exc:  # the reader's words, with the config file and its key
        raise _in_config(exc, config) from exc
    # boilerplate first: shared by every page, it makes short pages look like copies of each other
    if c.drop_repeated_paragraphs is not None:
        corpus = corpus.drop_repeated_paragraphs(c.drop_repeated_paragraphs)
        if corpus.removed_paragraphs:
            log.info("corpus %s: %d paragraph(s) repeated in %d or more articles taken out (site "
                     "boilerplate; corpus.json lists them)", corpus.name,
                     len(corpus.removed_paragraphs), c.drop_repeated_paragraphs)
    if c.drop_duplicates:
        kept = corpus.drop_duplicates()
        if len(kept) < len(corpus):
            log.info("corpus %s: %d near-duplicate article(s) dropped, %d kept", corpus.name,
                     len(corpus) - len(kept), len(kept))
        corpus = kept
    if c.limit is not None and c.limit < len(corpus):
        # evenly spaced, so a small trial still sees every label of a corpus sorted by label
        picks = np.unique(np.linspace(0, len(corpus) - 1, c.limit).round().astype(int))
        corpus = corpus.subset(picks.tolist())
    return corpus


#: the corpus keys that a reader's message may name ("labels file" too for labels_file)
_READER_KEYS = ("format", "text_column", "label_column", "id_column", "label_separator",
                "delimiter", "quotechar", "header", "encoding", "label_set", "labels_file")


def _in_config(exc: TopicsError, config: Config) -> TopicsError:
    """A corpus reader's error as ``config FILE: corpus.<key> = value: ...``: the key its
    message names first (``corpus.path`` when it names none), and where a relative
    ``labels_file`` was looked for."""
    message = str(exc)
    found = sorted((match.start(), key) for key in _READER_KEYS
                   if (match := re.search(rf"\b{key.replace('_', '[_ ]')}\b", message)))
    key = found[0][1] if found else "path"
    where = f"config {config.source}: " if config.source else ""
    text = f"{where}corpus.{key} = {getattr(config.corpus, key)!r}: {message}"
    if key == "labels_file" and config.corpus.labels_file is not None:
        looked = Path(config.corpus.labels_file).expanduser().resolve()
        text += (f" (looked for {looked}; a relative labels_file is resolved against the working "
                 f"directory {Path.cwd()}, not the corpus folder)")
    try:
        return type(exc)(text)
    except TypeError:  # an error type with other arguments: the message is what matters
        return ConfigError(text)


def _missing_corpus(config: Config) -> str:
    path = str(config.corpus.path)
    where = f"config {config.source}: " if config.source else ""
    if Path(path).is_absolute():
        message = f"{where}corpus.path = {path!r}: no such file or folder; check the path"
    else:  # what a relative path means depends on where the command runs
        message = (f"{where}corpus.path = {path!r}: no such file or folder in the working "
                   f"directory {Path.cwd()}, which relative paths are resolved against; run from "
                   "the folder it is relative to, or give an absolute path")
    if "10kgnad" in path.lower() or "TOPICS_10KGNAD" in config.given_text:
        message += ("; the 10kGNAD configs read TOPICS_10KGNAD: set it to your articles.csv "
                    "(README, Corpora)")
    return message


def _units_fingerprint(units: Sequence[Any]) -> str:
    digest = hashlib.sha256()
    for unit in units:
        digest.update(f"{unit.id}\0{unit.text}\0{'|'.join(unit.labels)}\n".encode())
    return digest.hexdigest()


def corpus_record(config: Config, corpus: Any) -> dict[str, Any]:
    units = sorted({config.topic_model_unit(name) for name in config.topic_models})
    record: dict[str, Any] = {
        "name": corpus.name,
        "path": str(Path(config.corpus.path).resolve()) if config.corpus.path else None,
        "n_articles": len(corpus),
        "fingerprint": corpus.fingerprint,
        "units": {},
        "summary": corpus.summary().to_dict(),
        "repeated_paragraphs_removed": [r.to_dict() for r in corpus.removed_paragraphs],
    }
    for unit in units:
        modelled = corpus.units(unit)
        record["units"][unit] = {"n": len(modelled), "fingerprint": _units_fingerprint(modelled)}
    return record


def _is_timing(key: str) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in _TIMING_PATTERNS)


def split_timings(metrics: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
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
    defaults = topic_model_defaults(family)
    given = config.topic_models[name].settings()
    if registry.get(family).reads_tokens:
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
                "name": result.topic_names.get(topic_id, ""),
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
    return topic_model_figures(result, figures / f"topics_{name}")


def _fit_seed(
    seed: int, *, corpus: Any, name: str, family: str, unit: str, settings: dict[str, Any],
    quiet: bool,
) -> Any:
    """One seed's fit of a topic model (module level: a Dask worker runs it by name; ``quiet``:
    without the fit's own bar, which a worker would print beside the client's)."""
    log.info("  %s (%s, %s units, seed %d)", name, family, unit, seed)
    with verbosity(False if quiet else None):
        try:
            return fit_topic_model(corpus, model=family, unit=unit, seed=seed, **settings)
        except ConfigError as exc:  # the config key to change, as the checks before a run name it
            raise ConfigError(f"topic_models.{name} (seed {seed}): {exc}") from exc


def run_topic_model(
    config: Config, name: str, corpus: Any, run: RunDirectory, timings: dict[str, Any],
    scheduler: Any = None,
) -> dict[str, float]:
    family, unit = config.topic_model_family(name), config.topic_model_unit(name)
    settings = _topic_settings(config, name)
    per_seed, results = [], []
    seeds = list(config.topic_model_seeds())
    fits = map_chunks(_fit_seed, seeds, scheduler=scheduler, corpus=corpus, name=name,
                      family=family, unit=unit, settings=settings, quiet=scheduler is not None)
    if len(seeds) > 1:  # a bar over the seeds (each fit's own bar nests below it)
        fits = track(fits, total=len(seeds), desc=f"{name} seeds", unit="seed")
    for result in fits:
        quality, timing = split_timings(_numeric(result.metrics))
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
    summary = stable_metrics(summarise_seeds(per_seed))
    if len(results) > 1:  # how much the seed moves the model: ARI and matched top words
        summary.update(stability_metrics(results))
    return {f"topics.{name}.{key}": value for key, value in summary.items()}


def stability_metrics(results: Sequence[Any]) -> dict[str, float]:
    """``stability_ari``, ``stability_ari_min``, ``stability_words``, ``n_topics_range`` of fits
    of one model with different seeds (:func:`topics.evaluation.stability.stability`), rounded to
    10 significant digits like every stored metric."""
    scores = stability([r.assignments for r in results], [r.topics for r in results])
    return stable_metrics(scores)


# -- classifier ----------------------------------------------------------------------------------


def _classifier_labels(corpus: Any) -> list[Any]:
    if getattr(corpus, "is_single_label", False):
        return list(corpus.primary_labels)
    return [list(labels) for labels in corpus.labels]


def _make_classifier(config: Config, corpus: Any) -> Any:
    defaults = classifier_defaults()
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


def evaluate_classifier(
    config: Config, corpus: Any, run: RunDirectory, scheduler: Any = None
) -> dict[str, float]:
    evaluation = config.classifier.evaluation
    report = evaluate_classifiers(
        corpus,
        {"ArticleClassifier": _make_classifier(config, corpus)},
        unit=evaluation.unit if isinstance(evaluation.unit, str) else tuple(evaluation.unit),
        n_splits=evaluation.n_splits,
        seeds=tuple(evaluation.seeds),
        peers=evaluation.peers,
        scheduler=scheduler,
    )
    quality, _ = split_timings(report.metrics)
    run.write_text("tables/classifier_cv.md", report.to_markdown())
    run.write_text("tables/classifier_cv.csv", report.table.to_csv())
    # 10 significant digits, as metrics.json: a peer's last bits move with the CPU's kernels
    for name, table in (("per_label", report.per_label), ("confusion", report.confusion),
                        ("runs", report.runs)):
        run.write_text(f"tables/classifier_{name}.csv",
                       table.to_csv(index=False, float_format=STABLE_FLOAT_FORMAT))
    if config.outputs.figures:
        report.figures(run.file("figures/.keep").parent)
    return {**_classifier_metrics(quality), "classifier.n_seeds": len(evaluation.seeds)}


def fit_classifier(config: Config, corpus: Any, run: RunDirectory, digest: str) -> None:
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
