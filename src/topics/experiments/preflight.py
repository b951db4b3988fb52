"""What a run's corpus decides about its config, checked before a run directory is claimed.

:func:`preflight` lists every problem a fit would meet later with words that name neither the
config file nor the key: a classifier on a corpus without labels or with labels the config does
not list, classifier parameters its fit would refuse, folds the corpus cannot fill, topic models
with too few units, numbers of topics or word-frequency limits the corpus cannot hold.
"""

from __future__ import annotations

from typing import Any

from topics import registry
from topics.errors import ConfigError, counted
from topics.evaluation.folds import fold_size_problem, group_count
from topics.experiments.config import Config
from topics.experiments.resolve import classifier_defaults, estimator_kwargs, topic_model_defaults
from topics.schema import EMPTY
from topics.topic_models.common import units_of

__all__ = ["preflight"]


def preflight(config: Config, corpus: Any) -> None:
    """Everything the corpus decides, checked before a run directory exists.

    Raises
    ------
    ConfigError
        ``config FILE does not fit corpus NAME: key ...``, listing every problem.
    """
    problems = [*_classifier_problems(config, corpus), *_topic_model_problems(config, corpus)]
    if problems:
        where = f" {config.source}" if config.source else ""
        raise ConfigError(f"config{where} does not fit corpus {corpus.name!r}: " + "; ".join(problems))


def _classifier_problems(config: Config, corpus: Any) -> list[str]:
    if not config.classifier.enabled:
        return []
    if not any(corpus.labels):
        return [f"classifier.enabled = true, but corpus {corpus.name!r} has no labels; "
                "set classifier.enabled: false or give corpus.label_column"]
    problems = _parameter_problems(config, corpus)
    evaluation = config.classifier.evaluation
    if evaluation.enabled:
        problems += _fold_problems(evaluation.n_splits, corpus)
    return problems


def _parameter_problems(config: Config, corpus: Any) -> list[str]:
    """The classifier's parameters as its fit checks them (without fitting), and ``labels``
    that leave out a label of the corpus (the fit refuses an article with such a label)."""
    from topics.classifier import ArticleClassifier

    params = config.classifier.params()
    problems = []
    labels = params.get("labels")
    if isinstance(labels, list):
        missing = sorted(set(corpus.label_set) - set(labels))
        unknown = sorted(set(labels) - set(corpus.label_set))
        if missing:
            also = f" (and {', '.join(map(repr, unknown))} is not one of them)" if unknown else ""
            problems.append(f"classifier.labels = {labels} leaves out labels of the corpus: "
                            f"{', '.join(map(repr, missing))}{also}; list every label of the "
                            "corpus, or leave classifier.labels out (all of them)")
    try:
        clf = ArticleClassifier(**estimator_kwargs(params, classifier_defaults()))
        clf._check_params()  # the fit's own checks, with its words
    except (ConfigError, TypeError, ValueError) as exc:  # "ngram_range=(5, 2); ...": the key
        text = str(exc)
        named = text.split("=", 1)[0] in _param_names()
        problems.append(f"classifier.{text}" if named else f"classifier: {text}")
    return problems


def _param_names() -> set[str]:
    """The classifier's parameter names."""
    return set(classifier_defaults())


def _fold_problems(n_splits: int, corpus: Any) -> list[str]:
    n = len(corpus)
    if n_splits > n:
        if problem := fold_size_problem(n, n):  # no number of folds fits: say what would
            return [f"classifier.evaluation: {problem}; give more labelled articles or set "
                    "classifier.evaluation.enabled: false"]
        return [f"classifier.evaluation.n_splits = {n_splits}, but corpus {corpus.name!r} has "
                f"{counted(n, 'article')}; use at most {counted(n, 'fold')}"]
    if problem := fold_size_problem(n, n_splits, group_count(corpus.near_duplicate_groups())):
        return [f"classifier.evaluation.n_splits = {n_splits}: {problem}"]
    return []


def _topic_model_problems(config: Config, corpus: Any) -> list[str]:
    problems: list[str] = []
    units: dict[str, int] = {}
    for name in config.topic_models:
        family = config.topic_model_family(name)
        spec = registry.get(family)
        unit = config.topic_model_unit(name)
        if unit not in units:
            units[unit] = len(corpus.units(unit))
        settings = config.topic_models[name].settings()
        if units[unit] < 2:  # no topics in one unit, whatever the family
            problems.append(f"topic_models.{name}: needs at least 2 units ({unit}s) to find "
                            f"topics, the corpus gives {units[unit]}; give more texts"
                            f"{', or unit: paragraph' if unit == 'article' else ''}")
            continue
        found = [f"topic_models.{name}: {p}" for p in
                 _frequency_problems(settings, topic_model_defaults(family), units[unit])]
        if spec.check is not None:
            found += [f"topic_models.{name}: {p}" for p in spec.check(settings, units[unit])]
        problems += found
    return problems


def _frequency_problems(given: dict[str, Any], defaults: dict[str, Any], n_units: int) -> list[str]:
    """``min_df`` and ``max_df`` that no vocabulary of ``n_units`` units can meet, in
    scikit-learn's arithmetic: a float is a share of the units, an int a count of them."""
    def value(key: str) -> Any:
        found = given.get(key, defaults.get(key, EMPTY))
        return None if found is EMPTY or isinstance(found, bool) else found

    def named(key: str) -> str:
        return f"{key}={value(key)!r}" + ("" if key in given else " (default)")

    min_df, max_df = value("min_df"), value("max_df")
    if not isinstance(min_df, int | float):
        return []
    least = units_of(min_df, n_units)
    if least > n_units:
        return [f"{named('min_df')} keeps only words in more units than the "
                f"{counted(n_units, 'unit')} of the corpus; lower min_df"]
    if isinstance(max_df, int | float):
        most = units_of(max_df, n_units)
        if most < least:
            hint = " (an int counts units: max_df=1 is one unit; 1.0 is all of them)" if (
                max_df == 1 and isinstance(max_df, int)) else ""
            return [f"{named('min_df')}, {named('max_df')}: a word would have to be in at least "
                    f"{least:g} and at most {most:g} of the {counted(n_units, 'unit')}{hint}; "
                    "raise max_df or lower min_df"]
    return []
