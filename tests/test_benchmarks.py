"""The README's speed table is what benchmarks/speed_table.py makes of the committed results.

No benchmark runs here and nothing is timed: the figures come only from benchmarks/results/.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _bench_module(name: str):
    sys.path.insert(0, str(REPO / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


speed_table = _bench_module("speed_table")


def test_readme_speed_table_is_the_committed_results() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert speed_table.readme_with_table(text, speed_table.load_results()) == text, (
        "README.md's speed table differs from benchmarks/results; "
        "run `uv run python benchmarks/speed_table.py`"
    )


def test_committed_results_describe_the_machine_and_the_moment() -> None:
    for run in speed_table.load_results():
        machine = run["machine"]
        for key in ("date", "cpu", "cores", "load_average", "python", "packages"):
            assert machine.get(key), f"{run['file']}: no {key}"
        assert "topics" in machine["packages"]


def _run(date: str, sections: dict, quick: bool = False) -> dict:
    machine = {"date": date, "cpu": "CPU", "cores": 2, "load_average": [1.0, 1.0, 1.0],
               "python": "3.11", "packages": {"topics": "0"}, "platform": "x",
               "git": {"commit": "abc"}}
    return {"machine": machine, "quick": quick, "sections": sections}


def test_each_row_comes_from_the_newest_full_run_that_has_it(tmp_path: Path) -> None:
    old = _run("2026-01-01T00:00Z", {"startup": {"cases": {"import topics": {
        "cpu_s": 0.5, "no_bytecode_cpu_s": 1.0, "ratio_to_no_bytecode": 0.5}}}})
    new = _run("2026-02-01T00:00Z", {"startup": {"cases": {"import topics": {
        "cpu_s": 0.2, "no_bytecode_cpu_s": 1.0, "ratio_to_no_bytecode": 0.2}}}})
    quick = _run("2026-03-01T00:00Z", {"startup": {"cases": {"import topics": {
        "cpu_s": 9.0, "no_bytecode_cpu_s": 1.0, "ratio_to_no_bytecode": 9.0}}}}, quick=True)
    for name, run in (("a", old), ("b", new), ("c", quick)):
        (tmp_path / f"{name}.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path))
    assert "0.20 CPU-s" in table and "0.50 CPU-s" not in table and "9.00" not in table
    assert "| classifier | not measured yet" in table
    assert "b.json" in table


def test_targets_say_met_or_by_how_much_they_miss() -> None:
    assert speed_table._at_least(150_000, 300_000).startswith("**missed**: 50% of the target")
    assert speed_table._at_least(450_000, 300_000).startswith("**met**")
    assert speed_table._at_most(1.2, 1.5, "x").startswith("**met**")
    assert "2.0x the limit" in speed_table._at_most(3.0, 1.5, "x")


def _classifier_section() -> dict:
    """The "classifier" section as benchmarks/bench_classifier.py writes it."""
    return {
        "corpus": "10kGNAD",
        "predict": {"articles": 721, "articles_per_cpu_s": 1200.0, "peer_articles_per_cpu_s": 2400.0,
                    "ratio_to_peer": 0.5},
        "fit": {"articles": 110, "cpu_s": 0.4, "peer_cpu_s": 0.1, "ratio_to_peer": 4.0},
        "load": {"cpu_s": 0.5},
        "main_job_cv": {"cpu_s": 6.0},
        "large": {"articles": 10000, "solver": "primal", "cpu_s": 30.0, "peak_mb": 900.0},
    }


def test_classifier_rows_give_the_peer_of_the_same_run_and_the_targets(tmp_path: Path) -> None:
    run = _run("2026-02-01T00:00Z", {"classifier": _classifier_section()})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path))
    predict = next(line for line in table.splitlines() if "batch prediction" in line)
    assert "1,200 articles/CPU-s" in predict and "2,400 articles/CPU-s (0.50x)" in predict
    assert "**met** (1.20x the target)" in predict and ">= the peer: **missed** (0.50x)" in predict
    fit = next(line for line in table.splitlines() if "one training fold" in line)
    assert "(4.0x)" in fit and "**met**" in fit
    load = next(line for line in table.splitlines() if "load_classifier()" in line)
    assert "<= 0.3 CPU-s" in load and "**missed**" in load
    assert "6.0 CPU-s" in table and "10,000 synthetic" in table


def test_topic_model_rows_show_each_size_with_the_peer(tmp_path: Path) -> None:
    def row(model: str, corpus: str, units: int, cpu: float, **peer: object) -> dict:
        return {"model": model, "corpus": corpus, "unit": "article", "units": units,
                "first_fit_cpu_s": cpu + 5, "warm_fit_cpu_s": cpu, "peak_mb": 500.0,
                "topics": 12, **peer}

    rows = [row("bertopic", "synthetic2000", 2000, 20.0, peer="bertopic_default",
                peer_warm_fit_cpu_s=10.0, warm_fit_ratio_to_peer=2.0),
            row("nmf", "synthetic2000", 2000, 3.0),
            row("bertopic_default", "synthetic2000", 2000, 10.0)]
    run = _run("2026-02-01T00:00Z", {"topic_models": {"rows": rows}})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    ours = [line for line in table if line.startswith("| topic model")]
    assert len(ours) == 2  # the peer is a column, not a row
    assert "2,000 synthetic 10kGNAD-derived articles" in ours[0]
    assert "20.0 CPU-s (first fit 25.0)" in ours[0]
    assert "bertopic_default 10.0 CPU-s (2.00x)" in ours[0] and "no peer" in ours[1]


def test_classifier_bench_writes_no_results_file_of_some_parts(tmp_path: Path, capsys) -> None:
    target = tmp_path / "classifier.json"
    with pytest.raises(SystemExit):  # refused before anything is measured
        _bench_module("bench_classifier").main(["--only", "fit", "--json", str(target)])
    assert "needs every part" in capsys.readouterr().err and not target.exists()
