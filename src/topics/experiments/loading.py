"""Reading and validating experiment configs: YAML files, mappings, overrides, sweep grids.

Everything is checked before any work; :class:`~topics.errors.ConfigError` names the file, every
bad key path, its value, what is allowed and the closest valid key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from topics import registry
from topics.errors import ConfigError, closest, short, unknown_key
from topics.experiments.config import ClassifierConfig, Config
from topics.experiments.overrides import (
    ConfigYamlLoader,
    apply_overrides,
    expand_env,
    parse_override,
)
from topics.experiments.yaml_io import yaml_scalar
from topics.numerics import seed_problem
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


# what a section looks like, for the message of a section given as a value (or left empty)
_SECTION_EXAMPLES = {
    "analysis": "analysis: {split_compounds: false}",
    "classifier": "classifier: {enabled: false}",
    "classifier.evaluation": "evaluation: {n_splits: 5}",
    "corpus": "corpus: {unit: article}",
    "evaluation": "evaluation: {seeds: [0, 1, 2]}",
    "outputs": "outputs: {figures: false}",
    "dask": "dask: {scheduler: local}",
    "topic_models": "topic_models: {nmf: {model: nmf}}",
}
# pydantic's names of the types a value of a union was tried as, in the config's words
_MEMBER_WORDS = {"int": "a whole number", "str": "a string", "float": "a number",
                 "bool": "true or false"}


def _key_length(loc: Sequence[Any]) -> int:
    """How many parts of a pydantic error location are config keys; what follows is the union
    member the value was tried as (``literal[...]``, ``list[...]``, ``int``) or a list index."""
    model: Any = Config
    for i, part in enumerate(loc):
        if isinstance(model, tuple):  # the names of a mapping (topic_models), then their model
            model = model[1]
            continue
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return i + (isinstance(part, str))  # a key of its own (extra or unknown)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        elif get_origin(annotation) is dict:
            model = ("names", get_args(annotation)[1])
        else:
            return i + 1
    return len(loc)


def _problems(errors: Sequence[Mapping[str, Any]]) -> list[str]:
    """One message per bad key: the errors of a union's members (a value tried as each type it
    may have) become one message saying what the key takes."""
    unions: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
    order: list[Any] = []
    for error in errors:
        loc = tuple(error["loc"])
        n = _key_length(loc)
        if n < len(loc) and isinstance(loc[n], str):
            if loc[:n] not in unions:
                order.append(loc[:n])
            unions.setdefault(loc[:n], []).append(error)
        else:
            order.append(error)
    return [_describe_union(item, unions[item]) if isinstance(item, tuple) else _describe(item)
            for item in order]


def _describe_union(loc: tuple[Any, ...], errors: Sequence[Mapping[str, Any]]) -> str:
    """``classifier.evaluation.unit = ['article', 'sentence']: allowed: 'article', 'paragraph',
    'lead' or a list of them``, with the closest allowed word for a misspelt one."""
    whole = next((e["input"] for e in errors if len(e["loc"]) == len(loc) + 1),
                 errors[0].get("input"))
    members, options = [], []
    for tag in dict.fromkeys(str(e["loc"][len(loc)]) for e in errors):
        words = re.findall(r"'([^']*)'", tag)
        if tag.startswith("literal["):
            options += words
            members.append(", ".join(repr(w) for w in words))
        elif tag.startswith("list[literal[") and options:
            members.append("a list of them")
        else:
            members.append(_MEMBER_WORDS.get(tag, tag))
    allowed = " or ".join([", ".join(members[:-1]), members[-1]] if len(members) > 1 else members)
    typed = [e["input"] for e in errors if e["type"] == "literal_error"
             and isinstance(e.get("input"), str)]
    hint = next((h for h in (closest(t, options) for t in typed) if h), None)
    return (f"{_dotted(loc)} = {short(whole)}: allowed: {allowed}"
            + (f"; did you mean {hint!r}?" if hint else ""))


def _describe(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    path = _dotted(loc) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return unknown_key(path, str(loc[-1]), _section_keys(loc[:-1]), error.get("input"))
    value = short(error.get("input"))
    message = error["msg"]
    if kind in ("model_type", "dict_type") and _key_length(loc) == len(loc):
        example = _SECTION_EXAMPLES.get(path) or (
            f"{loc[-1]}: {{model: nmf}}" if loc[0] == "topic_models" else f"{loc[-1]}: {{...}}")
        if error.get("input") is None:
            defaults = "`{}` for its defaults" if loc[0] == "topic_models" and len(loc) == 2 \
                else "leave it out for the defaults"
            return (f"{path} is empty (null): the section must be a mapping of keys, e.g. "
                    f"`{example}`; {defaults}")
        return f"{path} = {value}: the section must be a mapping of keys, e.g. `{example}`"
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


class _UniqueKeyLoader(ConfigYamlLoader):
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
    except RecursionError:  # the parser recurses once per level of nesting
        raise ConfigError(f"config file {path}: nested too deeply to be a config") from None
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
                f"topic_models.{name}.model = {family!r}: unknown model; "
                + (f"did you mean {hint!r}? " if hint else "")
                + f"allowed: {', '.join(sorted(registry.names('topic_model')))}"
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
    seed = known.get("random_state")
    if seed is not None and (problem := seed_problem(seed)):  # a seed: one wording for all
        del known["random_state"]  # (its type said only ">= 0"; 2**32 failed in the run)
        problems.append(f"{path}.random_state={short(seed)}: {problem}")
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
    if "grid" in data:  # a sweep file given to `topics run`: say so, not "unknown key"
        raise ConfigError(f"{where}: is a sweep file (it has grid:); run it with `topics sweep "
                          f"{where}`, or take grid: out to run its base config as one run")
    corpus = data.get("corpus")
    if isinstance(corpus, dict) and isinstance(corpus.get("path"), str):
        corpus = dict(corpus)
        corpus["path"] = os.path.expanduser(expand_env(corpus["path"]))  # ~ as a shell does
        data["corpus"] = corpus
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        _raise(_problems(exc.errors()), where, overrides)
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
        If ``grid`` is missing, empty, or a value list is not a non-empty list of distinct
        values.
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
        if str(key).split(".")[0] == "grid":
            raise ConfigError(f"sweep file {path}: grid.{key}: a grid sweeps config keys, and "
                              "grid is none; name a config key such as seed")
        seen: set[str] = set()
        for value in values:  # as the point's override reads it: 1 and true stay apart
            text = yaml_scalar(value)
            if text in seen:
                raise ConfigError(
                    f"sweep file {path}: grid.{key} lists {text} twice; give each value once "
                    "(the same config gives the same numbers: a repeated point only costs time)"
                )
            seen.add(text)
    return data, grid
