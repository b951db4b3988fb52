"""Model name -> family module (fit, save_estimator, load_estimator); imported lazily."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from topics.errors import ConfigError

# name -> (module, fit function); save/load live in the module
_REGISTRY: dict[str, tuple[str, str]] = {
    "bertopic": ("topics.topic_models.bertopic", "fit"),
    "lda": ("topics.topic_models.lda", "fit"),
    "nmf": ("topics.topic_models.nmf", "fit"),
    "bertopic_default": ("topics.topic_models.bertopic", "fit_default"),
    "lda_default": ("topics.topic_models.lda", "fit_default"),
}
MODEL_NAMES: tuple[str, ...] = tuple(_REGISTRY)
DEFAULT_MODELS: tuple[str, ...] = ("bertopic", "lda", "nmf")
PEER_MODELS: tuple[str, ...] = ("bertopic_default", "lda_default")


@dataclass(frozen=True)
class Family:
    """The functions of one model name."""

    fit: Callable[..., dict[str, Any]]
    save_estimator: Callable[..., dict[str, Any]]
    load_estimator: Callable[..., Any]
    defaults: dict[str, Any]


def family_of(model: str) -> Family:
    """The family of ``model``; a ConfigError names the allowed model names."""
    if model not in _REGISTRY:
        raise ConfigError(f"unknown topic model {model!r}; choose one of {', '.join(MODEL_NAMES)}")
    module_name, fit_name = _REGISTRY[model]
    module = import_module(module_name)
    defaults = module.PEER_DEFAULTS if fit_name == "fit_default" else module.DEFAULTS
    return Family(getattr(module, fit_name), module.save_estimator, module.load_estimator,
                  dict(defaults))
