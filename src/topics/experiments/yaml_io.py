"""YAML as configs read and write it: YAML 1.2's floats, in both directions.

PyYAML follows YAML 1.1, whose floats need a dot and a signed exponent, so ``alpha_W: 1e-3`` or
``C: 1.0e5`` were strings (and refused as "must be float"). :class:`ConfigYamlLoader` reads them as
floats; :class:`ConfigYamlDumper` quotes the strings it would read so (``"1e5"``, ``"0E0"``), so
that a value the package writes (a resolved config, a sweep point's override) reads back as
itself.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["ConfigYamlDumper", "ConfigYamlLoader", "dump_yaml", "load_value", "yaml_scalar"]

# what YAML 1.1's int and float resolvers miss: an exponent without a dot or without a sign
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")


class ConfigYamlLoader(yaml.SafeLoader):
    """``yaml.safe_load`` that also reads YAML 1.2's floats (``1e-3``, ``1.0e5``)."""


class ConfigYamlDumper(yaml.SafeDumper):
    """``yaml.safe_dump`` that quotes the strings :class:`ConfigYamlLoader` reads as floats."""


for _cls in (ConfigYamlLoader, ConfigYamlDumper):
    _cls.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789."))


def load_value(text: str) -> Any:
    """A YAML value as a config reads it (:class:`ConfigYamlLoader`)."""
    return yaml.load(text, Loader=ConfigYamlLoader)  # noqa: S506 (a SafeLoader)


def dump_yaml(data: Any, **options: Any) -> str:
    """``yaml.safe_dump(data, **options)`` as :class:`ConfigYamlLoader` reads it back."""
    return yaml.dump(data, Dumper=ConfigYamlDumper, **options)


def yaml_scalar(value: Any) -> str:
    """``value`` as one line of YAML (flow style), as an override or a config line writes it."""
    return dump_yaml(value, default_flow_style=True, width=10_000).removesuffix("...\n").strip()
