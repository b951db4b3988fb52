"""The registry of estimators: every topic-model family and the classifier, by name.

Each entry is an :class:`~topics.schema.EstimatorSpec`: its name, one settings schema read from its
signature (defaults, types, allowed values, help), and a ``fit``. Config validation, resolved
configs, ``defaults.yaml`` and ``topics models`` read the settings from here, as spaCy's registry
feeds its config system::

    from topics import registry
    registry.names("topic_model")            # ('bertopic', 'lda', 'nmf', 'bertopic_default', ...)
    registry.get("nmf").schema.defaults()    # {'n_components': 'auto', 'init': 'nndsvd', ...}

A new estimator joins with :func:`register` (its module must keep heavy imports inside ``fit``).
"""

from __future__ import annotations

from topics.classifier.estimator import schema as classifier_schema
from topics.errors import ConfigError, closest
from topics.schema import EstimatorSpec, Schema
from topics.text.german import ANALYSIS_SCHEMA
from topics.topic_models.families import FAMILIES, MODEL_NAMES

__all__ = ["CLASSIFIER", "analysis_schema", "get", "names", "register"]

CLASSIFIER = "article_classifier"


def _fit_classifier(texts: list[str], labels: list, **params: object) -> object:
    from topics.classifier.estimator import ArticleClassifier

    return ArticleClassifier(**params).fit(texts, labels)


_SPECS: dict[str, EstimatorSpec] = {
    **{name: FAMILIES[name] for name in MODEL_NAMES},
    CLASSIFIER: EstimatorSpec(
        name=CLASSIFIER,
        kind="classifier",
        summary="ArticleClassifier: several labels or none per article (char + word TF-IDF, "
        "ridge scorer + focus model on whole text, best paragraph and lead)",
        schema=classifier_schema(),
        fit=_fit_classifier,
        earlier={"duplicate_threshold": None},  # the fit grouped no reprints before stop 24
    ),
}


def register(spec: EstimatorSpec) -> EstimatorSpec:
    """Add an estimator (a topic-model family or a classifier); its name must be new.

    Topic-model families are also added to :data:`topics.topic_models.families.FAMILIES`, so that
    ``fit_topic_model`` and configs can use them.
    """
    if spec.name in _SPECS:
        raise ConfigError(f"an estimator named {spec.name!r} is registered already")
    _SPECS[spec.name] = spec
    if spec.kind == "topic_model":
        FAMILIES[spec.name] = spec
    return spec


def get(name: str, kind: str | None = None) -> EstimatorSpec:
    """The estimator named ``name`` (of ``kind``, if given).

    Raises
    ------
    ConfigError
        Unknown name; the message gives the closest one and every allowed name.
    """
    spec = _SPECS.get(name)
    if spec is None or (kind is not None and spec.kind != kind):
        allowed = names(kind)
        hint = closest(name, allowed)
        did_you_mean = f"did you mean {hint!r}? " if hint else ""
        what = kind.replace("_", " ") if kind else "estimator"
        raise ConfigError(f"unknown {what} {name!r}; {did_you_mean}allowed: {', '.join(allowed)}")
    return spec


def names(kind: str | None = None) -> tuple[str, ...]:
    """The registered names, of one ``kind`` (``"topic_model"``, ``"classifier"``) or all."""
    return tuple(n for n, spec in _SPECS.items() if kind is None or spec.kind == kind)


def analysis_schema() -> Schema:
    """The German analysis settings (the ``analysis`` config section)."""
    return ANALYSIS_SCHEMA
