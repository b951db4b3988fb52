"""Invariants of config overrides (``--set key.path=value``), checked with hypothesis."""

from __future__ import annotations

import copy

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from topics.experiments.loading import load_config
from topics.experiments.overrides import apply_overrides, parse_override
from topics.experiments.yaml_io import dump_yaml, load_value, yaml_scalar

KEY = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
PATH = st.lists(KEY, min_size=1, max_size=4)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20),
)
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3), max_leaves=6)


def _yaml(value: object) -> str:
    """The value as the package writes an override (a sweep point): strings that YAML 1.2 reads
    as floats ("0E0") are quoted, which PyYAML's own dumper (YAML 1.1) does not do."""
    return yaml_scalar(value)


@given(PATH, VALUE)
def test_an_override_parses_back_to_its_path_and_value(path: list[str], value: object) -> None:
    assert parse_override(f"{'.'.join(path)}={_yaml(value)}") == (path, value)


@given(st.dictionaries(KEY, SCALAR, max_size=4), PATH, VALUE)
def test_an_override_sets_exactly_its_key_and_leaves_the_input_alone(
    data: dict, path: list[str], value: object
) -> None:
    if path[0] in ("corpus", "analysis", "topic_models", "classifier", "evaluation", "outputs"):
        return  # sections with defaults of their own: covered below
    original = copy.deepcopy(data)
    if any(isinstance(data.get(path[0]), v) for v in (bool, int, float, str)) and len(path) > 1:
        return  # overriding inside a scalar is an error (tested in test_config.py)
    out = apply_overrides(data, [f"{'.'.join(path)}={_yaml(value)}"])
    assert data == original
    node = out
    for key in path:
        node = node[key]
    assert node == value
    assert {k: v for k, v in out.items() if k != path[0]} == {
        k: v for k, v in data.items() if k != path[0]
    }


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
def test_the_last_override_of_a_key_wins(seeds: list[int]) -> None:
    out = apply_overrides({}, [f"seed={s}" for s in seeds])
    assert out == {"seed": seeds[-1]}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 40), st.booleans())
def test_overrides_equal_the_same_values_written_in_the_config(
    seed: int, n_components: int, split: bool
) -> None:
    base = {"name": "p", "topic_models": {"nmf": {"model": "nmf"}}}
    overridden = load_config(
        base,
        [f"seed={seed}", f"topic_models.nmf.n_components={n_components}",
         f"analysis.split_compounds={str(split).lower()}"],
    )
    written = load_config(
        {**base, "seed": seed, "analysis": {"split_compounds": split},
         "topic_models": {"nmf": {"model": "nmf", "n_components": n_components}}}
    )
    assert overridden.model_dump() == written.model_dump()


@given(VALUE)
def test_what_the_package_writes_as_yaml_reads_back_as_itself(value: object) -> None:
    """A resolved config or a sweep point's override written by the package reads back with the
    config loader unchanged, also a string such as "1e5" that YAML 1.2 reads as a number."""
    assert load_value(yaml_scalar(value)) == value
    assert load_value(dump_yaml({"key": value})) == {"key": value}


def test_a_string_that_looks_like_a_float_stays_a_string() -> None:
    """PyYAML's dumper writes the string "1e5" unquoted (a string in YAML 1.1); the config
    loader reads it as 100000.0 (YAML 1.2), so the package's writer quotes it."""
    assert yaml.safe_dump("1e5").startswith("1e5")
    assert load_value(yaml.safe_dump("1e5")) == 1e5
    for text in ("1e5", "0E0", "-2.5e-3", ".5E+1"):
        assert load_value(yaml_scalar(text)) == text
    assert load_value(yaml_scalar(1e5)) == 1e5
