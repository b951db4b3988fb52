"""The resolved config: every default filled in (the estimators' own too), and its hash.

``config.resolved.yaml`` holds :func:`resolved_dict`; running it again gives the same experiment.
Defaults come from the estimators' schemas in :mod:`topics.registry`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from topics import registry
from topics.experiments.config import Config
from topics.schema import EMPTY

__all__ = [
    "analysis_defaults",
    "classifier_defaults",
    "config_hash",
    "estimator_kwargs",
    "jsonable",
    "plain",
    "resolved_dict",
    "topic_model_defaults",
]


def analysis_defaults() -> dict[str, Any]:
    """The German analysis defaults (``GermanAnalyzer``'s)."""
    return registry.analysis_schema().defaults()


def topic_model_defaults(family: str) -> dict[str, Any]:
    """``{setting: default}`` of a topic-model family; the analysis settings it also reads map
    to :data:`~topics.schema.EMPTY`: they inherit the config's ``analysis`` section."""
    spec = registry.get(family, "topic_model")
    analysis = registry.analysis_schema()
    return {
        s.name: EMPTY if spec.reads_tokens and s.name in analysis else s.default
        for s in spec.schema
    }


def classifier_defaults() -> dict[str, Any]:
    """``{parameter: default}`` of the classifier."""
    return registry.get(registry.CLASSIFIER).schema.defaults()


def jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def plain(value: Any) -> Any:
    """Tuples -> lists (what YAML gives back), so a default compares equal to its YAML form."""
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _with_defaults(given: dict[str, Any], defaults: Mapping[str, Any] | None) -> dict[str, Any]:
    """``given`` plus every JSON-able default not given (so the stored config is complete)."""
    if not defaults:
        return dict(given)
    out = {}
    for key, default in defaults.items():
        if key in given:
            out[key] = given[key]
        elif default is not EMPTY and jsonable(plain(default)):
            out[key] = plain(default)
    out.update({k: v for k, v in given.items() if k not in out})
    return out


def resolved_dict(config: Config) -> dict[str, Any]:
    """Return the config with every default filled in, including the estimators' own defaults.

    This is what ``config.resolved.yaml`` holds; running it again gives the same experiment.
    """
    data = config.model_dump(mode="json")
    data["analysis"] = _with_defaults(config.analysis.settings(), analysis_defaults())
    for name, spec in config.topic_models.items():
        family = spec.model or name
        entry = {"model": family, "unit": config.topic_model_unit(name)}
        entry.update(_with_defaults(spec.settings(), topic_model_defaults(family)))
        data["topic_models"][name] = entry
    classifier = data["classifier"]
    defaults = classifier_defaults()
    given = config.classifier.params()
    if defaults and "random_state" in defaults and "random_state" not in given:
        given["random_state"] = config.seed  # `seed` feeds the classifier (evaluation.seeds not)
    params = _with_defaults(given, defaults)
    for key in params:
        classifier.pop(key, None)
    data["classifier"] = {
        "enabled": classifier["enabled"],
        "fit": classifier["fit"],
        "evaluation": classifier["evaluation"],
        **params,
    }
    return data


def config_hash(config: Config | Mapping[str, Any]) -> str:
    """Return the first 8 hex digits of sha256 over the resolved config (canonical JSON)."""
    data = resolved_dict(config) if isinstance(config, Config) else config
    # where the work runs (the dask section) changes no number: runs on a cluster hash as local ones
    data = {key: value for key, value in data.items() if key != "dask"}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]


def estimator_kwargs(
    given: Mapping[str, Any], defaults: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The settings to pass to an estimator: only those that differ from its defaults.

    Defaults written back into ``config.resolved.yaml`` come back from YAML as lists where the
    estimator had tuples; passing only real changes keeps the estimator's own default objects.
    A list given where the default is a tuple becomes a tuple.
    """
    out = {}
    for key, value in given.items():
        default = (defaults or {}).get(key, EMPTY)
        if default is not EMPTY and plain(default) == value:
            continue
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        out[key] = value
    return out
