"""The committed reference results cannot go stale.

The tables in README.md and experiments/results/README.md are what make_results.py writes from the
committed results; and (slow tier) every reference config whose corpus is present, rerun with
today's code, gives its committed metrics.json byte for byte, and the classifier's stress tests
(benchmarks/classifier_stress.py) give the committed stress.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import load_script

REPO = Path(__file__).resolve().parents[1]


def _make_results():
    return load_script("experiments/make_results.py")


make_results = _make_results()


def test_readme_headline_tables_are_the_committed_results() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert make_results.readme_with_headlines(text) == text, (
        "README.md's headline tables differ from experiments/results/vietnam; "
        "run `uv run python experiments/make_results.py --tables`"
    )


def test_results_readme_is_the_committed_results() -> None:
    stored = (REPO / "experiments" / "results" / "README.md").read_text(encoding="utf-8")
    assert stored == make_results.results_readme(), (
        "experiments/results/README.md is stale; run `uv run python experiments/make_results.py --tables`"
    )


def test_reference_results_come_from_a_clean_tree() -> None:
    import json

    for name in make_results.REFERENCE:
        env_file = make_results.result_path(name) / "environment.json"
        if env_file.is_file():
            git = json.loads(env_file.read_text()).get("git") or {}
            assert git.get("dirty") is False, f"{name}: made from a tree with uncommitted changes"


@pytest.mark.slow
@pytest.mark.parametrize("name", make_results.REFERENCE)
def test_reference_config_reproduces_its_committed_metrics(name: str, tmp_path: Path) -> None:
    from topics.experiments.runner import run_experiment

    committed = make_results.result_path(name)
    if not (committed / "metrics.json").is_file():
        pytest.skip(f"{name}: no committed result")
    if name in make_results.NEEDS_10KGNAD and not make_results.gnad_available():
        pytest.skip(f"{name}: the 10kGNAD sample is not available (set TOPICS_10KGNAD)")
    rerun = run_experiment(make_results.CONFIGS / f"{name}.yaml", runs_dir=tmp_path)
    assert (rerun.path / "metrics.json").read_text() == (committed / "metrics.json").read_text(), (
        f"{name}: the committed result is stale or not reproduced; `topics reproduce {committed}` "
        "says which metrics and environment fields differ"
    )


def _without_10kgnad_sections(markdown: str) -> str:
    """The ``## `` sections whose heading does not name 10kGNAD, wherever they stand."""
    sections = ("\n" + markdown).split("\n## ")[1:]
    kept = [s.rstrip() for s in sections if "10kGNAD" not in s.splitlines()[0]]
    return "".join(f"## {s}\n\n" for s in kept)


@pytest.mark.slow
def test_the_classifier_stress_tables_are_reproduced(tmp_path: Path) -> None:
    """experiments/results/classifier_selection/stress.md (the issue-11 stress tests) comes back from
    today's code; its sections on 10kGNAD only where the sample is present."""
    import subprocess
    import sys

    committed = (REPO / "experiments" / "results" / "classifier_selection" / "stress.md").read_text()
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "classifier_stress.py"), "--out",
                    str(tmp_path)], check=True, capture_output=True, timeout=1800, cwd=REPO)
    rerun = (tmp_path / "stress.md").read_text()
    if not make_results.gnad_available():
        committed, rerun = _without_10kgnad_sections(committed), _without_10kgnad_sections(rerun)
    assert rerun == committed, (
        "classifier_selection/stress.md is stale; rerun `uv run python benchmarks/classifier_stress.py` "
        "from a clean tree and commit it"
    )


@pytest.mark.slow
def test_the_paragraph_focus_screen_is_reproduced(tmp_path: Path) -> None:
    """experiments/results/classifier_selection/paragraph_focus.md (how a text of one paragraph is
    decided, 5 x 3 grouped CV) comes back from today's code; its first line names the commit."""
    import subprocess
    import sys

    name = "paragraph_focus.md"
    committed = (REPO / "experiments" / "results" / "classifier_selection" / name).read_text()
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "classifier_paragraph_focus.py"),
                    "--out", str(tmp_path)], check=True, capture_output=True, timeout=900, cwd=REPO)
    rerun = (tmp_path / name).read_text()
    assert rerun.split("\n", 1)[1] == committed.split("\n", 1)[1], (
        f"classifier_selection/{name} is stale; rerun "
        "`uv run python benchmarks/classifier_paragraph_focus.py` from a clean tree and commit it"
    )


SELECTION = REPO / "experiments" / "results" / "topic_model_selection"


def _rerun_selection_table(script: str, table: str, tmp_path: Path) -> str:
    """Rerun ``benchmarks/<script>``, assert that it writes the committed
    ``topic_model_selection/<table>`` again, and return the committed table (without the
    10kGNAD sample only the shipped corpus's rows are compared)."""
    import subprocess
    import sys

    committed = (SELECTION / table).read_text(encoding="utf-8")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / script), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=1800, cwd=REPO)
    rerun = (tmp_path / table).read_text(encoding="utf-8")
    if not make_results.gnad_available():
        committed, rerun = (
            "\n".join(line for line in text.splitlines() if "10kGNAD" not in line)
            for text in (committed, rerun)
        )
    assert rerun == committed, (
        f"topic_model_selection/{table} is stale; rerun `uv run python benchmarks/{script}` "
        "from a clean tree and commit it"
    )
    return committed


def _quoted_in_the_record(rows_of: str) -> bool:
    record = (SELECTION / "README.md").read_text(encoding="utf-8")
    rows = [line for line in rows_of.splitlines() if line.startswith("| ")]
    return bool(rows) and all(line in record for line in rows)


@pytest.mark.slow
def test_the_topic_clustering_table_is_reproduced(tmp_path: Path) -> None:
    """experiments/results/topic_model_selection/clustering.md (cosine against euclidean k-means of
    the BERTopic default) comes back from today's code, and the selection record quotes it as it
    is."""
    committed = _rerun_selection_table("topic_clustering.py", "clustering.md", tmp_path)
    assert _quoted_in_the_record(committed), (
        "topic_model_selection/README.md quotes another clustering table than clustering.md"
    )


@pytest.mark.slow
def test_the_word_exclusivity_table_is_reproduced(tmp_path: Path) -> None:
    """experiments/results/topic_model_selection/exclusivity.md (the default's topic words ranked
    by weight x exclusivity with six exponents, on nine corpora at three k) comes back from today's
    code, and the selection record quotes it as it is."""
    committed = _rerun_selection_table("topic_word_exclusivity.py", "exclusivity.md", tmp_path)
    assert _quoted_in_the_record(committed), (
        "topic_model_selection/README.md quotes another exclusivity table than exclusivity.md"
    )


@pytest.mark.slow
def test_the_word_cooccurrence_table_is_reproduced(tmp_path: Path) -> None:
    """experiments/results/topic_model_selection/cooccurrence.md (the default's topic words chosen
    for sharing sentences with five weights and three pool sizes, over each corpus and on a
    held-out half) comes back from today's code, and the selection record quotes it as it is."""
    committed = _rerun_selection_table("topic_word_cooccurrence.py", "cooccurrence.md", tmp_path)
    assert _quoted_in_the_record(committed), (
        "topic_model_selection/README.md quotes another co-occurrence table than cooccurrence.md"
    )


@pytest.mark.slow
@pytest.mark.parametrize("family", ["lda", "nmf"])
def test_the_paragraph_context_tables_are_reproduced(tmp_path: Path, family: str) -> None:
    """experiments/results/topic_model_selection/lda_context.md and nmf_context.md (LDA and NMF on
    paragraphs, each by its own words or in its article's context, seeds 0-4) come back from
    today's code, and the selection record quotes them as they are."""
    table = f"{family}_context.md"
    committed = _rerun_selection_table("topic_paragraph_context.py", table, tmp_path)
    assert _quoted_in_the_record(committed), (
        f"topic_model_selection/README.md quotes another table than {table}"
    )


@pytest.mark.slow
def test_the_number_of_topics_table_is_reproduced(tmp_path: Path) -> None:
    """experiments/results/topic_model_selection/n_topics.md (the default's k against k from 4 to
    28 and label-free criteria; character n-grams in the embedding) comes back from today's code,
    and the selection record quotes its choice table as it is."""
    committed = _rerun_selection_table("topic_n_topics.py", "n_topics.md", tmp_path)
    choices = committed.split("## What each choice of k gives")[1].split("##")[0]
    assert _quoted_in_the_record(choices), (
        "topic_model_selection/README.md quotes another choice table than n_topics.md"
    )
