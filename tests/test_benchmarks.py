"""The README's speed table is what benchmarks/speed_table.py makes of the committed results.

No benchmark runs here and nothing is timed: the figures come only from benchmarks/results/.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _speed_table():
    sys.path.insert(0, str(REPO / "benchmarks"))
    spec = importlib.util.spec_from_file_location("speed_table", REPO / "benchmarks" / "speed_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


speed_table = _speed_table()


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
