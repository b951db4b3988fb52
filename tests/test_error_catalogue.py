"""The error catalogue of issue 10 (scripts/error_catalogue.py) as tests.

The whole catalogue runs once (two cases at a time, several minutes: marked slow); every case is a
test that fails on a traceback, a silent acceptance, lost data, executed code, an unclear message
or a wrongly refused input. The judging itself is tested on made-up observations, quickly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "error_catalogue.py"


catalogue = load_script("scripts/error_catalogue.py")
CASES = catalogue.catalogue()


@pytest.fixture(scope="module")
def verdicts() -> dict[str, object]:
    """Every case run once, two at a time."""
    return {v.id: v for v in catalogue.run_catalogue(CASES, jobs=2)}


@pytest.mark.slow
@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_case(verdicts: dict[str, object], case_id: str) -> None:
    verdict = verdicts[case_id]
    assert verdict.outcome in catalogue.GOOD_OUTCOMES, (
        f"{case_id} ({verdict.what}): {verdict.outcome}: {verdict.message}\n{verdict.stderr_tail}"
    )


def test_the_catalogue_covers_enough_and_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 70
    assert sum(i.startswith("tm-") for i in ids) >= 10  # crafted topic-model folders
    assert all(c.names or c.expect in (catalogue.SUCCEED, catalogue.EITHER) for c in CASES)


def _seen(status: int | None, err: str = "", out: str = "") -> object:
    return catalogue.Observation(status, out, err, 0.1)


@pytest.mark.parametrize(
    ("expect", "status", "err", "outcome"),
    [
        ("refuse", 2, "topics run: error: c.yaml: bad", "clear error"),
        ("refuse", 2, "topics run: error: something is bad", "unclear error"),
        ("refuse", 0, "", "silent acceptance"),
        ("refuse", 1, "Traceback (most recent call last):\nValueError", "traceback"),
        ("refuse", 3, "error: c.yaml", "traceback"),
        ("refuse", None, "", "timeout"),
        ("refuse or warn", 0, "warning: c.yaml: record 3 is empty", "handled"),
        ("refuse or warn", 0, "", "silent acceptance"),
        ("succeed", 0, "", "handled"),
        ("succeed", 2, "error: c.yaml", "wrongly refused"),
    ],
)
def test_judging(tmp_path: Path, expect: str, status: int | None, err: str, outcome: str) -> None:
    case = catalogue.Case("x", "x", expect=expect, names=("c.yaml",))
    assert catalogue.judge(case, _seen(status, err), None, tmp_path) == outcome


def test_a_marker_file_or_lost_data_outweighs_the_exit_status(tmp_path: Path) -> None:
    case = catalogue.Case("x", "x", names=("c.yaml",))
    assert catalogue.judge(case, _seen(2, "error: c.yaml"), "c.yaml was changed", tmp_path) == (
        "data lost")
    (tmp_path / catalogue.MARKER).write_text("pwned")
    assert catalogue.judge(case, _seen(2, "error: c.yaml"), None, tmp_path) == "code executed"


def test_losses_see_changes_temporaries_and_leftovers(tmp_path: Path) -> None:
    case = catalogue.Case("x", "x")
    (tmp_path / "mine.txt").write_text("mine")
    before = catalogue.snapshot(tmp_path)
    assert catalogue.losses(case, before, catalogue.snapshot(tmp_path), tmp_path, True) is None
    (tmp_path / "out.jsonl.tmp").write_text("half")
    assert "temporary" in catalogue.losses(case, before, catalogue.snapshot(tmp_path), tmp_path,
                                           False)
    (tmp_path / "out.jsonl.tmp").unlink()
    (tmp_path / "run.json").write_text("{}")
    assert "left run.json" in catalogue.losses(case, before, catalogue.snapshot(tmp_path), tmp_path,
                                               True)
    (tmp_path / "mine.txt").write_text("overwritten")
    assert "mine.txt was changed" in catalogue.losses(case, before, catalogue.snapshot(tmp_path),
                                                      tmp_path, True)


def test_the_script_writes_markdown_json_and_totals(tmp_path: Path, capsys) -> None:
    md, js = tmp_path / "c.md", tmp_path / "c.json"
    status = catalogue.main(["--only", "config-list,jsonl-u2028", "--markdown", str(md),
                             "--json", str(js)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "config-list" in out and "silent acceptance  0" in out
    data = json.loads(js.read_text())
    assert data["totals"]["cases"] == 2 and data["totals"]["clear error"] == 1
    assert "| config-list |" in md.read_text() and "| handled | 1 |" in md.read_text()


def test_the_readme_counts_the_cases_the_catalogue_holds() -> None:
    readme = (SCRIPT.parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"{len(CASES)} cases through the real CLI and API" in readme
