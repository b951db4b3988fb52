"""The experiment config: validation errors, overrides, defaults file, reference configs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from topics.errors import ConfigError, TopicsError
from topics.experiments.config import Config
from topics.experiments.loading import load_config, load_grid
from topics.experiments.overrides import apply_overrides, parse_override
from topics.experiments.render import render_defaults, write_starting_config
from topics.experiments.resolve import config_hash, resolved_dict

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "experiments" / "configs"


def write(tmp_path: Path, data: object, name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def error_of(source: object, overrides: tuple[str, ...] = ()) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(source, overrides)  # type: ignore[arg-type]
    assert isinstance(info.value, TopicsError)
    return str(info.value)


# -- validation errors ------------------------------------------------------------------------------


def test_unknown_top_level_key_names_file_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "x", "seeed": 3})
    message = error_of(path)
    assert str(path) in message
    assert "seeed" in message and "unknown key" in message
    assert "did you mean 'seed'" in message
    assert "allowed:" in message


def test_unknown_nested_key_suggests_closest(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, {"corpus": {"unti": "article"}}))
    assert "corpus.unti" in message and "did you mean 'unit'" in message


def test_unknown_topic_model_setting_checked_against_the_model(tmp_path: Path) -> None:
    path = write(tmp_path, {"topic_models": {"nmf": {"n_componets": 5}}})
    message = error_of(path)
    assert "topic_models.nmf.n_componets" in message
    assert "did you mean 'n_components'" in message
    assert str(path) in message


def test_unknown_topic_model_family(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, {"topic_models": {"mine": {"model": "nfm"}}}))
    assert "topic_models.mine.model = 'nfm'" in message and "did you mean 'nmf'" in message


def test_messages_say_what_a_key_takes_not_how_pydantic_tried_it(tmp_path: Path) -> None:
    """A value of a key that takes one of several types (a word or a list of words) is one
    message in the config's words; an empty section says it must be a mapping; an unknown
    model's message has its separators."""
    message = error_of({"classifier": {"evaluation": {"unit": ["article", "sentence"]}}})
    assert message.endswith(": classifier.evaluation.unit = ['article', 'sentence']: allowed: "
                            "'article', 'paragraph', 'lead' or a list of them")
    message = error_of({"classifier": {"evaluation": {"unit": ["article", "paragrph"]}}})
    assert message.endswith("or a list of them; did you mean 'paragraph'?")
    assert "corpus.text_column = [1]: allowed: a whole number or a string" in error_of(
        {"corpus": {"text_column": [1]}})
    message = error_of(write(tmp_path, "name: x\nclassifier:\n"))
    assert message.endswith(": classifier is empty (null): the section must be a mapping of keys, "
                            "e.g. `classifier: {enabled: false}`; leave it out for the defaults")
    assert "corpus = 'abc': the section must be a mapping of keys" in error_of({"corpus": "abc"})
    for text in (error_of({"classifier": {"evaluation": {"unit": "x"}}, "corpus": None}),
                 message):
        assert "literal[" not in text and "instance of" not in text and "Input should" not in text
    message = error_of({"topic_models": {"mine": {"model": "top2vec"}}})
    assert message.endswith("topic_models.mine.model = 'top2vec': unknown model; allowed: "
                            "bertopic, bertopic_default, lda, lda_default, nmf")
    with pytest.raises(ConfigError, match=r"unknown topic model 'nfm'; did you mean 'nmf'\? "
                                          "allowed: "):
        from topics import registry

        registry.get("nfm", "topic_model")


def test_peer_models_take_no_analysis_settings() -> None:
    message = error_of({"topic_models": {"p": {"model": "lda_default", "lowercase": False}}})
    assert "topic_models.p.lowercase" in message


def test_wrong_type_names_key_value_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, {"seed": "abc"})
    message = error_of(path)
    assert "seed = 'abc'" in message and "whole number" in message and str(path) in message


def test_impossible_values() -> None:
    assert "classifier.evaluation.n_splits = 1" in error_of(
        {"classifier": {"evaluation": {"n_splits": 1}}}
    )
    assert "seed = -1: -1 is not a seed; give a whole number from 0" in error_of({"seed": -1})
    message = error_of({"corpus": {"unit": "artcle"}})
    assert "corpus.unit = 'artcle'" in message and "did you mean 'article'" in message
    assert "name = 'a b'" in error_of({"name": "a b"})


def test_seeds_are_32_bit_and_distinct_and_frequencies_are_shares() -> None:
    """Values every fit would refuse after the run folder exists are refused up front: seeds
    outside 0..2**32-1, a seed given twice (its fits would report zero spread and perfect
    stability), a document-frequency share above 1, an l1_ratio above 1."""
    assert ("seed = 4294967296: 4294967296 is not a seed; give a whole number from 0 to "
            "4294967295") in error_of(
        {"seed": 2**32})
    assert "evaluation.seeds.0 = -1" in error_of({"evaluation": {"seeds": [-1]}})
    # the classifier's random_state is a seed too: 2**32 passed the check, then failed the run
    assert ("classifier.random_state=4294967296: 4294967296 is not a seed; give a whole number "
            "from 0 to 4294967295") in error_of({"classifier": {"random_state": 2**32}})
    assert "evaluation.seeds = [0, 0, 3, 3]: seed(s) [0, 3] given more than once" in error_of(
        {"evaluation": {"seeds": [0, 0, 3, 3]}})
    assert "classifier.evaluation.seeds = [1, 1]" in error_of(
        {"classifier": {"evaluation": {"seeds": [1, 1]}}})
    nmf = {"topic_models": {"nmf": {"model": "nmf", "max_df": 1.5, "l1_ratio": 5.0}}}
    message = error_of(nmf)
    assert "max_df=1.5: must be int >= 1 | float > 0 and <= 1" in message
    assert "l1_ratio=5.0: must be float >= 0 and <= 1" in message
    assert load_config({"seed": 2**32 - 1, "evaluation": {"seeds": [0, 2**32 - 1]},
                        "topic_models": {"nmf": {"model": "nmf", "max_df": 1.0}}})


def test_all_errors_reported_at_once() -> None:
    message = error_of({"seed": "x", "n_jobs": 0, "outputs": {"figure": True}})
    assert "seed" in message and "n_jobs" in message and "did you mean 'figures'" in message


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, "name: [unclosed\n")
    message = error_of(path)
    assert str(path) in message and "line" in message
    assert "not found" in error_of(tmp_path / "nope.yaml")
    assert "mapping" in error_of(write(tmp_path, "- a\n- b\n", "list.yaml"))
    # nested deeper than the parser recurses: a bare RecursionError before
    deep = write(tmp_path, "name: " + "[" * 10_000 + "]" * 10_000 + "\n", "deep.yaml")
    assert error_of(deep) == f"config file {deep}: nested too deeply to be a config"

# -- overrides ------------------------------------------------------------------------------------


def test_overrides_are_yaml_values_applied_before_validation(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "x", "topic_models": {"nmf": {"n_components": 4}}})
    config = load_config(
        path,
        [
            "seed=7",
            "topic_models.nmf.n_components=8",
            "corpus.label_set=[a, b]",
            "evaluation.seeds=[1, 2]",
        ],
    )
    assert config.seed == 7
    assert config.topic_models["nmf"].settings() == {"n_components": 8}
    assert config.corpus.label_set == ["a", "b"]
    assert config.evaluation.seeds == [1, 2]
    assert config.overrides[0] == "seed=7"
    assert '# "seed=7"' in config.given_text  # one JSON string a line under the header


def test_override_of_an_omitted_section_keeps_its_defaults() -> None:
    config = load_config({"name": "x"}, ["topic_models.lda.k=5"])
    assert set(config.topic_models) == {"bertopic", "lda", "nmf"}
    assert config.topic_models["lda"].settings() == {"k": 5}


def test_bad_overrides() -> None:
    with pytest.raises(ConfigError, match="KEY.PATH=VALUE"):
        parse_override("seed")
    with pytest.raises(ConfigError, match="not a section"):
        apply_overrides({"seed": 1}, ["seed.x=2"])
    message = error_of({"name": "x"}, ("classifier.evaluation.n_split=3",))
    assert "did you mean 'n_splits'" in message and "--set" in message


def test_config_takes_every_corpus_format_load_corpus_reads() -> None:
    """A Parquet corpus was readable by path but ``corpus.format: parquet`` was refused."""
    from typing import get_args, get_type_hints

    from topics.corpus import load_corpus

    literal = get_args(get_type_hints(load_corpus)["format"])[0]
    for kind in get_args(literal):
        config = load_config({"name": "x", "corpus": {"format": kind}})
        assert config.corpus.format == kind


# -- defaults, hashing, resolution --------------------------------------------------------------------


def test_defaults_file_matches_schema() -> None:
    """experiments/configs/defaults.yaml is generated from the schema; regenerate with
    `topics init-config experiments/configs/defaults.yaml --force` when this fails."""
    stored = (CONFIGS / "defaults.yaml").read_text(encoding="utf-8")
    assert stored == render_defaults(), (
        "experiments/configs/defaults.yaml is stale (a schema or estimator default changed); "
        "regenerate: uv run topics init-config experiments/configs/defaults.yaml --force"
    )


def test_defaults_file_loads_to_the_default_config() -> None:
    assert load_config(CONFIGS / "defaults.yaml").model_dump() == Config().model_dump()


def test_starting_config_is_valid_and_never_overwritten(tmp_path: Path) -> None:
    path = write_starting_config(tmp_path / "mine.yaml")
    assert load_config(path).model_dump() == Config().model_dump()
    with pytest.raises(ConfigError, match="exists"):
        write_starting_config(path)
    with pytest.raises(ConfigError, match=r"mine.json: a config is YAML; give a .yaml file name"):
        write_starting_config(tmp_path / "mine.json")
    assert not (tmp_path / "mine.json").exists()


def test_resolved_config_has_estimator_defaults_and_reloads_identically() -> None:
    config = load_config({"name": "x", "topic_models": {"nmf": {"n_components": 5}}})
    resolved = resolved_dict(config)
    nmf = resolved["topic_models"]["nmf"]
    assert nmf["n_components"] == 5 and nmf["model"] == "nmf" and "max_iter" in nmf
    assert resolved["analysis"]["lowercase"] in (True, False)
    again = load_config(yaml.safe_load(yaml.safe_dump(resolved)))
    assert config_hash(again) == config_hash(config)


def test_hash_changes_with_content() -> None:
    base = load_config({"name": "x"})
    assert config_hash(base) == config_hash(load_config({"name": "x"}))
    assert config_hash(base) != config_hash(load_config({"name": "x", "seed": 1}))
    assert len(config_hash(base)) == 8


def test_env_vars_in_corpus_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOPICS_TEST_DIR", "/data")
    config = load_config({"corpus": {"path": "${TOPICS_TEST_DIR}/a.csv"}})
    assert config.corpus.path == "/data/a.csv"
    monkeypatch.delenv("TOPICS_TEST_DIR")
    config = load_config({"corpus": {"path": "${TOPICS_TEST_DIR:-fallback}/a.csv"}})
    assert config.corpus.path == "fallback/a.csv"


def test_a_missing_corpus_names_the_config_the_key_and_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from topics.experiments.runner import plan_experiment

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TOPICS_10KGNAD", raising=False)
    path = write(tmp_path, {"corpus": {"path": "data/news.jsonl"}})
    with pytest.raises(ConfigError) as info:
        plan_experiment(path)
    message = str(info.value)
    assert str(path) in message and "corpus.path = 'data/news.jsonl'" in message
    assert f"working directory {tmp_path}" in message
    # the shipped 10kGNAD configs read ../shared/... unless TOPICS_10KGNAD says where
    with pytest.raises(ConfigError, match="10kgnad.yaml: corpus.path = .*TOPICS_10KGNAD"):
        plan_experiment(CONFIGS / "10kgnad.yaml")


def test_home_in_corpus_path_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load_config({"corpus": {"path": "~/a.csv"}}).corpus.path == str(tmp_path / "a.csv")


def test_grid_file(tmp_path: Path) -> None:
    path = write(tmp_path, {"name": "g", "grid": {"topic_models.nmf.n_components": [3, 4]}})
    base, grid = load_grid(path)
    assert "grid" not in base and grid == {"topic_models.nmf.n_components": [3, 4]}
    with pytest.raises(ConfigError, match="non-empty list"):
        load_grid(write(tmp_path, {"grid": {"seed": 3}}, "bad.yaml"))
    with pytest.raises(ConfigError, match="grid"):
        load_grid(write(tmp_path, {"name": "g"}, "none.yaml"))
    # a value listed twice ran the same config twice, as two runs
    with pytest.raises(ConfigError, match=r"grid.topic_models.nmf.n_components lists 6 twice"):
        load_grid(write(tmp_path, {"grid": {"topic_models.nmf.n_components": [6, 8, 6]}},
                        "twice.yaml"))
    _, grid = load_grid(write(tmp_path, {"grid": {"seed": [1, True, "1", 1.0]}}, "kinds.yaml"))
    # run, not sweep: it said "grid: unknown key (value {...}); allowed: analysis, ..."
    with pytest.raises(ConfigError, match=r"exp.yaml: is a sweep file \(it has grid:\); run it with "
                                          r"`topics sweep .*exp.yaml`"):
        load_config(path)
    assert grid == {"seed": [1, True, "1", 1.0]}  # four different overrides
    with pytest.raises(ConfigError, match=r"grid.grid: a grid sweeps config keys"):
        load_grid(write(tmp_path, {"grid": {"grid": [1, 2]}}, "nested.yaml"))


@pytest.mark.parametrize(
    "path",
    sorted(p for p in CONFIGS.glob("*.yaml") if p.name != "defaults.yaml"),
    ids=lambda p: p.name,
)
def test_reference_configs_are_valid(path: Path) -> None:
    if path.name.endswith("_grid.yaml"):
        base, grid = load_grid(path)
        for key, values in grid.items():
            load_config(base, [f"{key}={json.dumps(values[0])}"])  # JSON is YAML
    else:
        load_config(path)


def test_classifier_test_units() -> None:
    config = load_config({"classifier": {"evaluation": {"unit": ["article", "lead"]}}})
    assert config.classifier.evaluation.unit == ["article", "lead"]
    assert "classifier.evaluation.unit" in error_of(
        {"classifier": {"evaluation": {"unit": "leed"}}}
    )


def test_a_key_given_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("seed: 1\ncorpus:\n  limit: 3\nseed: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c.yaml: line 4, column 1 .*'seed' is given twice"):
        load_config(path)
    path.write_text("corpus:\n  limit: 3\n  limit: 4\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'limit' is given twice"):
        load_config(path)
    grid = tmp_path / "g.yaml"
    grid.write_text("grid:\n  seed: [0, 1]\n  seed: [2]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'seed' is given twice"):
        load_grid(grid)


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("description: &d x\nname: merged\ncorpus: {<<: {limit: 3}, limit: 4}\n",
                    encoding="utf-8")
    assert load_config(path).corpus.limit == 4


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"seed": True}, "seed = True: True is not a seed; give a whole number"),
        ({"n_jobs": True}, "n_jobs = True"),
        ({"outputs": {"figures": 1}}, "outputs.figures = 1: Input should be a valid boolean"),
        ({"corpus": {"header": "yes"}}, "corpus.header = 'yes'"),
        ({"classifier": {"enabled": "no"}}, "classifier.enabled = 'no'"),
        ({"classifier": {"evaluation": {"n_splits": True}}}, "classifier.evaluation.n_splits"),
    ],
)
def test_booleans_and_numbers_are_not_converted_into_each_other(
    tmp_path: Path, data: dict, expected: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_config(path)


def test_the_readmes_seed_examples_change_the_topic_model_seeds() -> None:
    """`evaluation.seeds` overrides `seed` for the topic models: a README example that sets a
    seed on a config must change the seeds its topic models are fitted with."""
    import shlex

    examples = [line.split("topics run ", 1)[1]
                for name in ("README.md", "experiments/README.md")
                for line in (REPO / name).read_text(encoding="utf-8").splitlines()
                if line.startswith(".venv/bin/topics run ") and "seed" in line]
    assert examples
    for example in examples:
        config, *words = shlex.split(example.split("  #")[0])
        sets = [words[i + 1] for i, word in enumerate(words) if word == "--set"]
        for item in (s for s in sets if s.split("=")[0] in ("seed", "evaluation.seeds")):
            before = load_config(REPO / config).topic_model_seeds()
            assert load_config(REPO / config, [item]).topic_model_seeds() != before, example


def test_yaml_12_floats_are_floats_in_files_overrides_and_grids(tmp_path: Path) -> None:
    """YAML 1.1 reads 1e-3 as a string: `alpha_W: 1e-3` was refused as "must be float"."""
    path = write(tmp_path, "topic_models:\n  nmf: {model: nmf, alpha_W: 1e-3, alpha_H: 2E-2}\n")
    config = load_config(path, ["classifier.C=1.5e2"])
    assert config.topic_models["nmf"].settings() == {"alpha_W": 0.001, "alpha_H": 0.02}
    assert config.classifier.params()["C"] == 150.0
    assert parse_override("seed=5")[1] == 5 and parse_override("name=1e")[1] == "1e"
    grid = write(tmp_path, "topic_models: {nmf: {model: nmf}}\n"
                 "grid: {topic_models.nmf.alpha_W: [1e-3, 1e-2]}\n", "g.yaml")
    base, values = load_grid(grid)
    assert values == {"topic_models.nmf.alpha_W": [0.001, 0.01]}
    key = "topic_models.nmf.alpha_W"
    text = yaml.safe_dump(values[key][0]).removesuffix("...\n").strip()  # as a point gives it
    point = load_config(base, [f"{key}={text}"])
    assert point.topic_models["nmf"].settings()["alpha_W"] == 0.001


def test_classifier_test_units_are_given_once_and_at_least_one() -> None:
    assert "classifier.evaluation.unit = []: give at least one" in error_of(
        {"classifier": {"evaluation": {"unit": []}}})
    assert "name each unit once (lead repeated)" in error_of(
        {"classifier": {"evaluation": {"unit": ["lead", "article", "lead"]}}})


def test_a_topic_model_name_has_no_dot() -> None:
    """`nmf.v2` could not be reached by --set topic_models.nmf.v2.k nor by grid keys, and the
    metric pattern topics.nmf.* matched it too."""
    message = error_of({"topic_models": {"nmf.v2": {"model": "nmf"}}})
    assert "topic_models" in message and "'nmf.v2' must be letters, digits, _ and - (no '.'" in message
    assert load_config({"topic_models": {"nmf_v2": {"model": "nmf"}}}).topic_models
