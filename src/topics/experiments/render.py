"""The documented defaults file: every config key with its default and help, as commented YAML.

``experiments/configs/defaults.yaml`` is :func:`render_defaults`; ``topics init-config`` writes it
as a starting config. Estimator settings and their help come from the registry's schemas.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from topics import registry
from topics.errors import ConfigError
from topics.experiments.config import ClassifierConfig, Config
from topics.experiments.resolve import classifier_defaults, jsonable, plain, topic_model_defaults
from topics.experiments.yaml_io import yaml_scalar
from topics.fileio import atomic_write
from topics.schema import EMPTY, Schema

__all__ = ["render_defaults", "write_starting_config"]


def _commented(entry: str, comment: str, pad: str, width: int = 100) -> list[str]:
    """``entry  # comment`` if it fits in ``width``, else the comment wrapped on lines above."""
    if not comment:
        return [entry]
    line = f"{entry:<32}# {comment}"
    if len(line) <= width:
        return [line]
    wrapped = textwrap.wrap(comment, width - len(pad) - 2)
    return [f"{pad}# {part}" for part in wrapped] + [entry]


def _render_section(model: type[BaseModel], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for name, field in model.model_fields.items():
        description = field.description or ""
        annotation = field.annotation
        default = field.get_default(call_default_factory=True)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and name != "analysis":
            lines += _commented(f"{pad}{name}:", _first_paragraph(annotation), pad)
            lines += _render_section(annotation, indent + 2)
            continue
        if name == "topic_models":
            lines += _commented(f"{pad}{name}:", description, pad)
            lines += _render_topic_models(indent + 2)
            continue
        if name == "analysis":
            lines += _commented(f"{pad}{name}:", _first_paragraph(annotation), pad)
            lines += _render_settings(registry.analysis_schema(), indent + 2, unset=True)
            continue
        value = default.model_dump(mode="json") if isinstance(default, BaseModel) else default
        entry = f"{pad}{name}: {yaml_scalar(value)}"
        lines += _commented(entry, description, pad)
    if model is ClassifierConfig:
        lines += _render_estimator_params(classifier_defaults(), indent, "ArticleClassifier")
    return lines


# where the run fills in a parameter the estimator leaves open
_FILLED_BY_RUN = {
    "random_state": "the run's seed",
    "labels": "null = the corpus label set",
}


def _render_estimator_params(params: Mapping[str, Any], indent: int, owner: str) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}# {owner} parameters (their defaults; set any of them here):"]
    inherited = [key for key, default in params.items() if default is EMPTY]
    for key, default in params.items():
        if default is EMPTY:
            continue
        shown = yaml_scalar(plain(default)) if jsonable(plain(default)) else "<object>"
        note = f"  ({_FILLED_BY_RUN[key]})" if key in _FILLED_BY_RUN else ""
        lines.append(f"{pad}# {key}: {shown}{note}")
    if inherited:
        lines.append(
            f"{pad}# + the {len(inherited)} analysis settings (default: the analysis section)"
        )
    return lines


def _render_topic_models(indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for name in ("bertopic", "lda", "nmf"):
        lines.append(f"{pad}{name}:")
        lines.append(f"{pad}  model: {name}")
    lines.append(f"{pad}# every entry: model (family; default: the entry's name), unit (article |")
    lines.append(f"{pad}# paragraph; default: corpus.unit), and that family's own settings:")
    for family in sorted(registry.names("topic_model")):
        lines += _render_estimator_params(
            topic_model_defaults(family), indent, f"model: {family} —"
        )
    return lines


def _render_settings(schema: Schema, indent: int, *, unset: bool = False) -> list[str]:
    """``name: default  # help`` for every setting of ``schema``; with ``unset``, ``name: null``
    and the default in the comment (null = the estimator's own default)."""
    pad = " " * indent
    lines: list[str] = []
    for setting in schema:
        default = yaml_scalar(plain(setting.default))
        entry = f"{pad}{setting.name}: {'null' if unset else default}"
        comment = f"(default {default}) {setting.help}" if unset else setting.help
        lines += _commented(entry, comment, pad)
    return lines


def _first_paragraph(model: type) -> str:
    return " ".join((model.__doc__ or "").split("\n\n")[0].split())


def render_defaults() -> str:
    """Return the commented YAML of every config key with its default (``defaults.yaml``)."""
    header = [
        "# topics experiment config: every key with its default value.",
        "# Generated from the schemas (src/topics/experiments/config.py and the estimators' own",
        "# signatures, see `topics models`) by `topics init-config`; a test checks",
        "# that experiments/configs/defaults.yaml matches it. Keys that you leave out take these",
        "# values. Estimator settings are the estimators' own parameter names.",
        "",
    ]
    return "\n".join(header + _render_section(Config, 0)) + "\n"


def write_starting_config(path: str | Path = "experiment.yaml", *, force: bool = False) -> Path:
    """Write a commented starting config (every key at its default) to ``path``.

    Raises
    ------
    ConfigError
        If ``path`` exists and ``force`` is false, is a folder, or is not a ``.yaml`` name.
    FileAccessError
        If it cannot be written (read-only folder, disk full); nothing half-written is left.
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give a file name such as {path}/experiment.yaml")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ConfigError(f"{path}: a config is YAML; give a .yaml file name, such as "
                          f"{path.with_suffix('.yaml')}")
    if path.exists() and not force:
        raise ConfigError(f"{path} exists; choose another path or pass --force to overwrite it")
    return atomic_write(path, render_defaults())
