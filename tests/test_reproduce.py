"""Reproducing a run: exact by default, tolerant on request, and it says what differs around it."""

from __future__ import annotations

import json
import re
import shutil
from contextlib import nullcontext
from functools import partial
from pathlib import Path

import pytest
import yaml

from topics import run_experiment
from topics.errors import ConfigError
from topics.experiments.environment import environment
from topics.experiments.reproduce import environment_differences, reproduce_run
from topics.numerics import PINNED_ENV

from .conftest import REPO, write_jsonl_corpus

TINY = {
    "name": "tiny",
    "corpus": {"limit": 24, "unit": "article"},
    "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
    "classifier": {"enabled": False},
    "outputs": {"figures": False, "save_models": False},
}


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_experiment(TINY, runs_dir=tmp_path_factory.mktemp("runs")).path


def _moved(original: Path, tmp_path: Path, shift: float, cpu: str | None = None) -> Path:
    """A copy of the run whose npmi moved by ``shift`` and whose machine was ``cpu``."""
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    metrics = json.loads((copy / "metrics.json").read_text())
    metrics["topics.nmf.npmi_mean"] += shift
    (copy / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    if cpu is not None:
        env = json.loads((copy / "environment.json").read_text())
        env["cpu"]["model"] = cpu
        (copy / "environment.json").write_text(json.dumps(env))
    return copy


def test_environment_records_what_decides_the_numbers() -> None:
    env = environment()
    assert env["cpu"]["model"] and isinstance(env["cpu"]["isa_flags"], list)
    numerics = env["numerics"]
    assert numerics["tomotopy_isa"] and numerics["llvm_host_cpu"]
    assert any(pool["user_api"] == "blas" for pool in numerics["threadpools"])
    assert isinstance(numerics["numpy_simd"], list)


_SIMD = "import topics, numpy; from topics.numerics import numpy_simd; print(numpy_simd())"


def _simd_of_fresh_process(**extra: str) -> list[str]:
    import ast
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("NPY_")} | extra
    done = subprocess.run([sys.executable, "-c", _SIMD], env=env, capture_output=True, text=True,
                          check=True, timeout=120)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not PINNED_ENV.get("NPY_DISABLE_CPU_FEATURES"),
                    reason="numpy's kernels are pinned on x86-64 only")
def test_import_topics_pins_numpys_kernels_to_avx2_on_every_x86_64_machine() -> None:
    # AVX-512 kernels gave other UMAP + HDBSCAN topics than AVX2 ones (10kGNAD, Xeon vs EPYC)
    simd = _simd_of_fresh_process()
    assert simd in (["X86_V3"], []), simd  # [] on a CPU without AVX2: numpy's baseline
    assert _simd_of_fresh_process(NPY_DISABLE_CPU_FEATURES="X86_V3") != ["X86_V3"]  # kept


def test_exact_by_default_and_names_the_environment_fields_that_differ(original, tmp_path) -> None:
    outcome = reproduce_run(_moved(original, tmp_path, 1e-7, cpu="Other CPU"), runs_dir=tmp_path)
    assert not outcome.identical
    report = outcome.report()
    assert "topics.nmf.npmi_mean" in report and "cpu.model: 'Other CPU'" in report


def test_a_tolerance_accepts_small_differences_only(original, tmp_path) -> None:
    assert reproduce_run(_moved(original, tmp_path, 1e-7), runs_dir=tmp_path, tolerance=1e-6).identical
    far = reproduce_run(_moved(original, tmp_path / "b", 1e-3), runs_dir=tmp_path, tolerance=1e-6)
    assert not far.identical and "by more than 1e-06" in far.report()
    with pytest.raises(ConfigError, match="tolerance"):
        reproduce_run(original, tolerance=-1)


def test_where_a_run_was_started_is_not_a_difference_but_the_code_is() -> None:
    old = {"cwd": "/a", "command": ["x"], "git": {"commit": "1", "dirty": True}, "python": "3.11.7"}
    new = {"cwd": "/b", "command": ["y"], "git": {"commit": "2", "dirty": False}, "python": "3.11.9"}
    assert environment_differences(old, new) == {
        "git.commit": ("1", "2"),
        "python": ("3.11.7", "3.11.9"),
    }


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("config.resolved.yaml", b"{[ not: yaml", "damaged, not a readable YAML config"),
        ("config.resolved.yaml", b"- a\n- b\n", "damaged, holds a list instead of a config"),
        ("run.json", b"[]", "damaged, holds a JSON list instead of an object"),
        ("metrics.json", b"\xff\xfe\x00", "cannot be read as JSON"),
        # a bare RecursionError or ValueError before: nested 100,000 deep, 5,000 digits
        ("metrics.json", b"[" * 100_000 + b"]" * 100_000, r"cannot be read as JSON \(nested too "
         "deeply"),
        ("run.json", b'{"status": ' + b"9" * 5000 + b"}", "cannot be read as JSON"),
        ("config.resolved.yaml", b"[" * 100_000 + b"]" * 100_000, "damaged, not a readable YAML "
         r"config \(nested too deeply\)"),
        # compare: TypeError, report: AttributeError
        ("config.resolved.yaml", b"topic_models: [1]\n", "damaged, topic_models holds a list "
         "instead of a mapping"),
        ("config.resolved.yaml", b"topic_models: {nmf: 3}\n", "damaged, topic_models.nmf holds "
         "a number instead of a mapping"),
        ("config.resolved.yaml", b"evaluation: {metrics: 7}\n", "damaged, evaluation.metrics is "
         "7, not a list of metric patterns"),
        # shown by topics compare as if valid
        ("metrics.json", b'{"topics.nmf.npmi_mean": "high"}', r"metrics.json: damaged, metric "
         r"'topics.nmf.npmi_mean' is 'high', not a number or null"),
        ("metrics.json", b'{"topics.nmf.npmi_mean": [0.1]}', r"is \[0.1\], not a number or null"),
        ("metrics.json", b'{"topics.nmf.npmi_mean": {"a": 1}}', "not a number or null"),
    ],
)
def test_a_damaged_run_is_skipped_by_compare_and_refused_by_reproduce(
    original: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, content: bytes,
    expected: str,
) -> None:
    from topics import compare_runs, load_run
    from topics.errors import RunError

    bad = tmp_path / "bad"
    shutil.copytree(original, bad)
    (bad / name).write_bytes(content)
    with pytest.raises(RunError, match=expected):
        load_run(bad)
    frame = compare_runs([original, bad], skip_unfinished=True)
    assert list(frame.index) == [original.name]
    assert re.search(expected, caplog.text) and "bad" in caplog.text
    with pytest.raises(RunError, match=expected):
        reproduce_run(bad, runs_dir=tmp_path / "again")
    assert not (tmp_path / "again").exists() or not any((tmp_path / "again").iterdir())


def test_a_damaged_environment_record_is_a_run_error(original: Path, tmp_path: Path) -> None:
    """environment.json nested 100,000 deep: a bare RecursionError; reproduce reads it to say
    what differs (and takes a RunError as a record missing)."""
    from topics import load_run
    from topics.errors import RunError

    bad = shutil.copytree(original, tmp_path / "bad")
    (bad / "environment.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(RunError, match=r"environment.json: cannot be read as JSON \(nested"):
        _ = load_run(bad).environment


def _without(made: Path, setting: str) -> Path:
    """The run's resolved config with ``setting`` taken out: a config stored before it existed."""
    resolved = made / "config.resolved.yaml"
    lines = resolved.read_text().splitlines(keepends=True)
    resolved.write_text("".join(line for line in lines if f"{setting}:" not in line))
    return resolved


ARTICLES = {"unit": "article"}


@pytest.mark.parametrize(("model", "setting", "then", "moves", "corpus", "extra"), [
    # today: cosine k-means
    ("bertopic", "kmeans_metric", "euclidean", "nmi_mean", ARTICLES, {}),
    # today: words ranked by weight x exclusivity
    ("bertopic", "word_exclusivity", 0.0, "diversity_mean", ARTICLES, {}),
    # today: parts that repeat a compound left out
    ("bertopic", "hide_compound_parts", False, "npmi_mean", ARTICLES, {}),
    # today: each topic's words chosen among its candidates for sharing sentences
    ("bertopic", "word_cooccurrence", 0.0, "npmi_mean", ARTICLES, {}),
    # today: LDA fits paragraphs on their articles and reads each in its article's context
    ("lda", "context_weight", None, "nmi_mean", {"limit": 24, "unit": "paragraph"},
     {"k": 4, "iterations": 200}),
    # today: NMF reads a paragraph's shares in its article's context
    ("nmf", "context_weight", None, "nmi_mean", {"limit": 24, "unit": "paragraph"}, {}),
])
def test_a_run_made_before_a_setting_existed_is_rerun_as_it_was(tmp_path, model, setting, then,
                                                                 moves, corpus, extra) -> None:
    """A setting that came to a family later with a new default: a stored config without it is
    rerun with what the family did then and says so."""
    config = {
        "name": "before",
        "corpus": corpus,
        "topic_models": {model: {"model": model, **extra, setting: then}},
        "classifier": {"enabled": False},
        "outputs": {"figures": False, "save_models": False},
    }
    made = run_experiment(config, runs_dir=tmp_path / "runs").path
    today = run_experiment(_without(made, setting), runs_dir=tmp_path / "today")  # today's default
    assert today.metrics[f"topics.{model}.{moves}"] != json.loads(
        (made / "metrics.json").read_text())[f"topics.{model}.{moves}"]

    outcome = reproduce_run(made, runs_dir=tmp_path / "rerun")
    assert outcome.earlier == {f"topic_models.{model}.{setting}": then}
    assert outcome.identical
    assert "settings added since the run, rerun as before them: " \
        f"topic_models.{model}.{setting}={then}" in outcome.report()


def _unrelated_articles(path: Path) -> Path:
    """16 articles of six paragraphs, each article with words of its own (made-up syllable
    words): no two articles share a subject, so the rule's few topics pile them together."""
    import numpy as np

    rng = np.random.default_rng(0)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "po", "se", "vi", "du",
                 "ga", "he", "ji", "ko", "lu", "ma", "no", "pi", "re", "so"]
    rows = []
    for i in range(16):
        vocabulary = ["".join(rng.choice(syllables, 4)) for _ in range(25)]
        paragraphs = ("Die " + " und ".join(rng.choice(vocabulary, 8)) + " sind hier."
                      for _ in range(6))
        rows.append(json.dumps({"id": f"a{i}", "text": "\n\n".join(paragraphs)}) + "\n")
    path.write_text("".join(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("setting", "then", "corpus", "warns"), [
    # the first 25 shipped articles (21 about the border): the rule's four topics leave one
    # with 57 %; runs stored before max_topic_share cut nothing
    ("max_topic_share", None, partial(write_jsonl_corpus, n=25), "holds 57% of the units"),
    # 16 unrelated articles: at most k cuts, the last kept, leave one topic with half the units
    ("max_topic_cuts", "k", _unrelated_articles, None),
])
def test_a_run_made_before_large_topics_were_cut_so_is_rerun_as_then(tmp_path, setting, then,
                                                                    corpus, warns) -> None:
    """Large topics are cut only where one holds more than 35 % of the units, which the shipped
    corpus does not show: on corpora that do, a stored config without the setting is rerun as
    BERTopic was then, and reproduces; today's default leaves no topic above 35 %."""
    path = corpus(tmp_path / "corpus.jsonl")
    config = {**TINY, "corpus": {"path": str(path), "unit": "paragraph"},
              "topic_models": {"bertopic": {"model": "bertopic", setting: then}}}
    said = partial(pytest.warns, UserWarning, match=warns) if warns else nullcontext
    with said():
        made = run_experiment(config, runs_dir=tmp_path / "runs").path
    today = run_experiment(_without(made, setting), runs_dir=tmp_path / "today")
    before = json.loads((made / "metrics.json").read_text())
    assert today.metrics["topics.bertopic.largest_topic_share_mean"] <= 0.35 < before[
        "topics.bertopic.largest_topic_share_mean"]
    with said():
        outcome = reproduce_run(made, runs_dir=tmp_path / "rerun")
    assert outcome.earlier == {f"topic_models.bertopic.{setting}": then}
    assert outcome.identical


def test_settings_added_later_are_found_in_every_section(tmp_path) -> None:
    """A resolved config from before `corpus.drop_repeated_paragraphs` and the classifier's
    `duplicate_threshold` is rerun without them (null: what runs did then); today's has both."""
    from topics.experiments.reproduce import settings_predated

    today = yaml.safe_load((REPO / "experiments/results/vietnam/config.resolved.yaml").read_text())
    assert settings_predated(REPO / "experiments/results/vietnam/config.resolved.yaml") == {}
    del today["corpus"]["drop_repeated_paragraphs"], today["classifier"]["duplicate_threshold"]
    old = tmp_path / "config.resolved.yaml"
    old.write_text(yaml.safe_dump(today))
    assert settings_predated(old) == {"corpus.drop_repeated_paragraphs": None,
                                      "classifier.duplicate_threshold": None}


def test_exact_mode_compares_values_not_the_files_formatting(original, tmp_path, capsys) -> None:
    """A stored metrics.json re-indented (same values) reproduces: exit 0, and the report says
    its formatting differs instead of "0 metric(s) differ"."""
    from topics.cli import main

    copy = tmp_path / "reindented"
    shutil.copytree(original, copy)
    metrics = json.loads((copy / "metrics.json").read_text())
    (copy / "metrics.json").write_text(json.dumps(metrics, indent=4))
    assert main(["-q", "reproduce", str(copy), "--runs-dir", str(tmp_path / "again")]) == 0
    out = capsys.readouterr().out
    assert "identical" in out and "formatted differently (same values)" in out
    assert "differ:" not in out


def test_reproduce_reads_the_corpus_as_the_run_did_and_names_another_corpus_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from topics.cli import main
    from topics.errors import FileAccessError

    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    write_jsonl_corpus(project / "news.jsonl", 30)
    config = {**TINY, "corpus": {"path": "news.jsonl", "unit": "article"},
              "outputs": {"figures": False, "save_models": False, "report": False}}
    made = run_experiment(config, runs_dir=project / "runs").path
    recorded = json.loads((made / "corpus.json").read_text())

    write_jsonl_corpus(project / "news.jsonl", 28)  # the file changed since the run
    assert main(["-q", "reproduce", str(made), "--runs-dir", str(tmp_path / "again")]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("the corpus differs"))
    assert f"{project / 'news.jsonl'} now has fingerprint " in line
    assert f"the run read {recorded['fingerprint'][:12]}; metrics are not comparable" in line
    assert out.index("the corpus differs") < out.index("metric(s) differ")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # news.jsonl is relative to the project folder
    with pytest.raises(FileAccessError) as info:
        reproduce_run(made, runs_dir=tmp_path / "third")
    message = str(info.value)
    assert f"tried {elsewhere / 'news.jsonl'}" in message
    assert f"resolved against the working directory {elsewhere}" in message
    assert f"recorded it as {project / 'news.jsonl'} (corpus.json)" in message
    assert f"from {project}, where the run was made" in message
    assert not (tmp_path / "third").exists()
