"""The topic-model families: name -> :class:`~topics.schema.EstimatorSpec` (settings, fit, load).

The project's defaults are ``bertopic``, ``lda`` and ``nmf``; ``bertopic_default`` and
``lda_default`` are peers with their libraries' own defaults. The family modules import their
heavy libraries (BERTopic, numba, tomotopy, scikit-learn) only inside ``fit``, so this table is
cheap to read.
"""

from __future__ import annotations

from topics.errors import ConfigError
from topics.schema import EstimatorSpec
from topics.topic_models import bertopic, lda, nmf

__all__ = ["DEFAULT_MODELS", "FAMILIES", "MODEL_NAMES", "PEER_MODELS", "family_of"]

FAMILIES: dict[str, EstimatorSpec] = {
    spec.name: spec for module in (bertopic, lda, nmf) for spec in module.SPECS
}
MODEL_NAMES: tuple[str, ...] = ("bertopic", "lda", "nmf", "bertopic_default", "lda_default")
DEFAULT_MODELS: tuple[str, ...] = tuple(n for n in MODEL_NAMES if not FAMILIES[n].peer)
PEER_MODELS: tuple[str, ...] = tuple(n for n in MODEL_NAMES if FAMILIES[n].peer)


def family_of(model: str) -> EstimatorSpec:
    """The spec of ``model``; a ConfigError names the allowed model names."""
    spec = FAMILIES.get(model)
    if spec is None:
        raise ConfigError(f"unknown topic model {model!r}; choose one of {', '.join(MODEL_NAMES)}")
    return spec
