"""Reading and validating experiment configs: YAML files, mappings, overrides, sweep grids.

Everything is checked before any work; :class:`~topics.errors.ConfigError` names the file, every
bad key path, its value, what is allowed and the closest valid key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from topics import registry
from topics.errors import ConfigError, closest, short, unknown_key
from topics.experiments.config import ClassifierConfig, Config
from topics.experiments.overrides import apply_overrides, expand_env, parse_override
from topics.schema import Schema

__all__ = ["load_config", "load_grid", "validate_config"]


def _section_keys(loc: Sequence[Any]) -> list[str]:
    """The valid keys of the section at ``loc`` (a pydantic error location without the key)."""
    model: type[BaseModel] = Config
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _dotted(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _describe(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    path = _dotted(loc) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return unknown_key(path, str(loc[-1]), _section_keys(loc[:-1]), error.get("input"))
    value = short(error.get("input"))
    message = error["msg"]
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        hint = closest(str(error.get("input")), options)
        message = f"allowed: {expected}" + (f"; did you mean {hint!r}?" if hint else "")
    elif kind == "missing":
        return f"{path}: required key is missing"
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")  # the schema's own words
    return f"{path} = {value}: {message}"


def _raise(problems: list[str], where: str, overrides: Sequence[str] = ()) -> None:
    origin = f" (with --set {' '.join(overrides)})" if overrides else ""
    raise ConfigError(f"invalid config {where}{origin}: " + "; ".join(problems))


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.safe_load`` that refuses a key given twice in one mapping (YAML keeps the last one
    silently, so a second ``seed:`` far down a config would quietly win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<: *defaults' merges keys that the mapping may then override
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the base class says what is wrong with it
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice; keep one of them",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> tuple[dict[str, Any], str]:
    """A config file's top-level mapping and its text; a ConfigError names the file and what is wrong."""
    if path.is_dir():
        raise ConfigError(
            f"config {path} is a folder; give a YAML config file (e.g. {path}/experiment.yaml)"
        )
    if not path.is_file():
        raise ConfigError(f"config file {path} not found; check the path (or `topics init-config`)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"config file {path}:{where} is not valid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"config file {path}: the top level must be a mapping of keys, got {type(data).__name__}"
        )
    return data, text


def _check_estimator_keys(config: Config) -> list[str]:
    """Check topic-model families and settings, analysis settings and classifier parameters
    against the estimators' schemas in the registry (names, types, allowed values)."""
    problems: list[str] = []
    for name, spec in config.topic_models.items():
        family = spec.model or name
        if family not in registry.names("topic_model"):
            hint = closest(family, registry.names("topic_model"))
            problems.append(
                f"topic_models.{name}.model = {family!r}: unknown model"
                + (f"; did you mean {hint!r}?" if hint else "")
                + f" allowed: {', '.join(sorted(registry.names('topic_model')))}"
            )
            continue
        problems += _setting_problems(
            registry.get(family).schema, spec.settings(), f"topic_models.{name}", ("model", "unit")
        )
    problems += registry.analysis_schema().problems(config.analysis.settings(), "analysis")
    if config.classifier.enabled:
        problems += _setting_problems(
            registry.get(registry.CLASSIFIER).schema,
            config.classifier.params(),
            "classifier",
            tuple(ClassifierConfig.model_fields),
        )
    return problems


def _setting_problems(
    schema: Schema, values: Mapping[str, Any], path: str, section_keys: Sequence[str]
) -> list[str]:
    """Unknown keys (the allowed list includes the section's own keys) and bad values."""
    problems = []
    for key, value in values.items():
        if key not in schema:
            problems.append(
                unknown_key(
                    f"{path}.{key}", key, [*schema.names, *section_keys], value, schema.hint(key)
                )
            )
    known = {k: v for k, v in values.items() if k in schema}
    return problems + schema.problems(known, path)


def validate_config(
    data: Mapping[str, Any], *, source: str | None = None, overrides: Sequence[str] = ()
) -> Config:
    """Validate a config mapping (overrides already applied) into a :class:`Config`.

    Raises
    ------
    ConfigError
        Naming ``source``, every bad key path, its value and what is allowed.
    """
    where = source or "(config dict)"
    data = dict(data)
    corpus = data.get("corpus")
    if isinstance(corpus, dict) and isinstance(corpus.get("path"), str):
        corpus = dict(corpus)
        corpus["path"] = os.path.expanduser(expand_env(corpus["path"]))  # ~ as a shell does
        data["corpus"] = corpus
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        _raise([_describe(error) for error in exc.errors()], where, overrides)
    problems = _check_estimator_keys(config)
    if problems:
        _raise(problems, where, overrides)
    config._source = source
    config._overrides = tuple(overrides)
    return config


def load_config(
    source: Config | str | Path | Mapping[str, Any], overrides: Iterable[str] = ()
) -> Config:
    """Read and validate an experiment config, with ``key.path=value`` overrides applied first.

    Parameters
    ----------
    source : Config, str, Path or mapping
        A YAML file, a mapping of the same shape, or a Config (overrides then apply to its dump).
    overrides : iterable of str
        ``"a.b.c=value"`` strings (the CLI's ``--set``); values are parsed as YAML.

    Returns
    -------
    Config

    Raises
    ------
    ConfigError
        If the file is missing or not YAML, or any key is unknown, mistyped or out of range; the
        message names the file, the key path, the value and what is allowed.
    """
    overrides = tuple(overrides)
    given_text = None
    if isinstance(source, Config):
        if not overrides:
            return source
        data = source.model_dump(mode="json")
        where = source.source
        given_text = source._given_text
    elif isinstance(source, (str, Path)):
        path = Path(source)
        data, given_text = read_yaml(path)
        where = str(path)
    elif isinstance(source, Mapping):
        data, where = dict(source), None
    else:
        raise ConfigError(
            f"config must be a file path, a mapping or a Config, got {type(source).__name__}"
        )
    config = validate_config(apply_overrides(data, overrides), source=where, overrides=overrides)
    config._given_text = given_text
    return config


def load_grid(path: str | Path) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Read a sweep file: a base config plus ``grid: {key.path: [values, ...]}``.

    Returns
    -------
    base : dict
        The config mapping without ``grid``.
    grid : dict
        Key path -> list of values (at least one each).

    Raises
    ------
    ConfigError
        If ``grid`` is missing, empty, or a value list is not a non-empty list.
    """
    data, _ = read_yaml(Path(path))
    grid = data.pop("grid", None)
    if not isinstance(grid, dict) or not grid:
        raise ConfigError(
            f"sweep file {path}: needs a non-empty 'grid' mapping, "
            "e.g. grid: {topic_models.nmf.n_components: [6, 8, 10]}"
        )
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigError(
                f"sweep file {path}: grid.{key} = {short(values)}: must be a non-empty list of values"
            )
        parse_override(f"{key}=0")  # the key must be a valid dotted path
    return data, grid
