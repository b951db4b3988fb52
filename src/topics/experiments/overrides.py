"""``--set key.path=value`` overrides and ``${VAR}`` expansion in config values."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from pydantic import BaseModel

from topics.errors import ConfigError, short
from topics.experiments.config import Config
from topics.experiments.yaml_io import ConfigYamlLoader, load_value

__all__ = ["ConfigYamlLoader", "apply_overrides", "expand_env", "load_value", "parse_override"]


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``"a.b.c=value"`` into ``(["a", "b", "c"], value)``; the value is parsed as YAML.

    Raises
    ------
    ConfigError
        If there is no ``=`` or the key is empty.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ConfigError(
            f"override {text!r}: expected KEY.PATH=VALUE, e.g. --set topic_models.nmf.n_components=8"
        )
    try:
        value = load_value(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        raise ConfigError(f"override {text!r}: the value is not valid YAML ({exc})") from None
    return key.split("."), value


def apply_overrides(data: Mapping[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Return a copy of the config mapping ``data`` with ``key.path=value`` overrides applied.

    A top-level section that the mapping leaves out starts from its default (so
    ``--set topic_models.lda.n_components=5`` tunes the default LDA and keeps the other default
    models).

    Parameters
    ----------
    data : mapping
        The config as read from YAML.
    overrides : iterable of str
        ``"a.b.c=value"`` strings; values are parsed as YAML (``8`` is an int, ``[1, 2]`` a list).

    Returns
    -------
    dict
    """
    out = copy.deepcopy(dict(data))
    for text in overrides:
        keys, value = parse_override(text)
        if keys[0] not in out and keys[0] in Config.model_fields and len(keys) > 1:
            default = Config.model_fields[keys[0]].get_default(call_default_factory=True)
            if isinstance(default, BaseModel):
                out[keys[0]] = default.model_dump(mode="json", exclude_unset=True)
            elif isinstance(default, dict):
                out[keys[0]] = {
                    k: (
                        v.model_dump(mode="json", exclude_unset=True)
                        if isinstance(v, BaseModel)
                        else v
                    )
                    for k, v in default.items()
                }
        node = out
        for depth, key in enumerate(keys[:-1]):
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            if not isinstance(child, dict):
                raise ConfigError(
                    f"override {text!r}: {'.'.join(keys[: depth + 1])} is {short(child)}, "
                    "not a section, so it has no key "
                    f"{keys[depth + 1]!r}"
                )
            node = child
        node[keys[-1]] = value
    return out


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(text: str) -> str:
    """Expand ``${VAR}`` and ``${VAR:-default}`` in ``text`` (unset without default -> error)."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = os.environ.get(name)
        if value:
            return value
        if default is not None:
            return default
        raise ConfigError(f"{text!r}: environment variable {name} is not set and has no default")

    return _ENV.sub(replace, text)
