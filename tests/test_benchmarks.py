"""The README's speed table is what benchmarks/speed_table.py makes of the committed results.

No benchmark runs here and nothing is timed: the figures come only from benchmarks/results/.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from .conftest import load_script

REPO = Path(__file__).resolve().parents[1]


def _bench_module(name: str):
    return load_script(f"benchmarks/{name}.py")


speed_table = _bench_module("speed_table")


topic_scale = _bench_module("bench_topic_scale")


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
    assert "read alone" not in table  # a run from before the reading was measured: no row


def test_the_reading_row_sets_the_pages_reading_against_the_peers_whole_prediction(
    tmp_path: Path,
) -> None:
    section = _classifier_section()
    section["predict"] |= {"cleaning_cpu_s": 0.06, "tokenising_cpu_s": 0.04, "peer_cpu_s": 0.125,
                           "reading_share_of_peer": 0.8}
    (tmp_path / "a.json").write_text(json.dumps(_run("2026-02-01T00:00Z",
                                                     {"classifier": section})))
    table = speed_table.render_table(speed_table.load_results(tmp_path))
    row = next(line for line in table.splitlines() if "read alone" in line)
    assert "7,210 articles/CPU-s (0.060 + 0.040 CPU-s)" in row
    assert "0.125 CPU-s (reading alone 0.80x of it)" in row and "floor" in row


def test_the_algebra_row_sets_the_fits_exact_scores_against_the_peers_whole_fit(
    tmp_path: Path,
) -> None:
    section = _classifier_section()
    section["fit"] |= {"gram_cpu_s": 0.1, "factor_cpu_s": 0.04, "algebra_ratio_to_peer": 1.4}
    (tmp_path / "a.json").write_text(json.dumps(_run("2026-02-01T00:00Z",
                                                     {"classifier": section})))
    lines = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    at = next(i for i, line in enumerate(lines) if "one training fold" in line)
    assert "exact out-of-article scores" in lines[at + 1]  # right under the fit it is part of
    assert "0.100 + 0.040 CPU-s" in lines[at + 1]
    assert "(those two alone 1.4x of it)" in lines[at + 1]


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


def test_the_near_duplicate_row_gives_the_exact_peer_and_the_agreement(tmp_path: Path) -> None:
    sizes = [{"n": 1000, "cpu_s": 0.3, "added_mb": 47, "groups": 807, "peer_cpu_s": 0.2,
              "peer_added_mb": 47, "peer_groups": 807, "same_groups": 1.0},
             {"n": 100000, "cpu_s": 38.0, "added_mb": 370, "groups": 3183}]
    run = _run("2026-02-01T00:00Z", {"duplicates": {"corpus": "10kGNAD", "sizes": sizes}})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path))
    row = next(line for line in table.splitlines() if line.startswith("| near-duplicate"))
    assert "perturbed 10kGNAD copies (1k / 100k texts)" in row
    assert "100k: 38.0 CPU-s, +370 MB, 3,183 groups" in row
    assert "exact all pairs 0.20 CPU-s, +47 MB (1.50x); the same group for 100.0% of the texts" in row
    assert row.endswith("| CPU grows as n^1.05 from 1k to 100k texts |")  # was a constant "measured"


def test_classifier_bench_writes_no_results_file_of_some_parts(tmp_path: Path, capsys) -> None:
    target = tmp_path / "classifier.json"
    with pytest.raises(SystemExit):  # refused before anything is measured
        _bench_module("bench_classifier").main(["--only", "fit", "--json", str(target)])
    assert "needs every part" in capsys.readouterr().err and not target.exists()


def test_growth_exponent_against_n_log_n() -> None:
    assert topic_scale.growth_exponent(1000, 2.0, 4000, 32.0) == pytest.approx(2.0)
    assert topic_scale.growth_exponent(1000, 5.0, 10000, 50.0) == pytest.approx(1.0)
    nlogn = topic_scale.nlogn_exponent(10000, 20000)
    assert 1.0 < nlogn < 1.2  # n log n is a little steeper than n
    sizes = [5000, 10000, 20000]
    assert topic_scale.slope(sizes, [n ** 1.5 / 100 for n in sizes]) == pytest.approx(1.5)
    projected = topic_scale.projected_cpu(10000, 100.0, 20000)
    assert projected == pytest.approx(200 * math.log(20000) / math.log(10000))


def test_a_size_projected_past_the_budget_is_skipped_with_the_reason() -> None:
    done = [{"units": 10000, "fit_cpu_s": 100.0}]
    assert topic_scale.skip_reason(done, 20000, 1000) is None
    assert "projected 215 CPU-s" in topic_scale.skip_reason(done, 20000, 200)
    assert "did not finish" in topic_scale.skip_reason([{"units": 10000, "error": "x"}], 20000, 1e9)
    rows = [{"model": "lda", "unit": "article", "units": 100000, "skipped": "projected"},
            {"model": "lda_default", "unit": "paragraph", "units": 100000, "skipped": "projected"}]
    assert topic_scale.streamed_sizes(rows, "article", [100000]) == [100000]
    assert topic_scale.streamed_sizes(rows, "paragraph", [100000]) == []


def _scale_row(model: str, unit: str, units: int, cpu: float, **extra: object) -> dict:
    return {"model": model, "unit": unit, "units": units, "route": "in memory",
            "fit_cpu_s": cpu, "evaluate_cpu_s": 10.0, "peak_mb": 900.0, "topics": 25,
            "npmi": 0.08, "diversity": 0.95, "nmi": 0.41, "largest_topic_share": 0.1,
            "outlier_share": 0.0, **extra}


def test_topic_scale_rows_give_each_size_the_targets_and_the_streamed_fit(tmp_path: Path) -> None:
    rows = [_scale_row("bertopic", "paragraph", 10000, 50.0, peer="bertopic_default",
                       peer_fit_cpu_s=25.0, peer_peak_mb=600.0, peer_topics=3, peer_nmi=0.05,
                       ratio_to_peer=2.0),
            _scale_row("bertopic", "paragraph", 20000, 110.0),
            {"model": "lda", "unit": "article", "units": 100000, "route": "in memory",
             "skipped": "skipped: projected 5,000 CPU-s"},
            _scale_row("lda", "article", 20000, 400.0),
            {**_scale_row("nmf", "article", 100000, 300.0), "route": "streamed", "k": 30,
             "sample_units": 2000.0}]
    growth = [{"model": "bertopic", "unit": "paragraph", "sizes": [10000, 20000],
               "exponent": 1.14, "nlogn_exponent": 1.07}]
    run = _run("2026-02-01T00:00Z", {"topic_scale": {"rows": rows, "growth": growth}})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    bertopic = next(line for line in table if "bertopic at scale" in line)
    assert "10k: 50.0 CPU-s, 900 MB, 25 topics, NPMI 0.080" in bertopic
    assert "bertopic_default 25.0 CPU-s" in bertopic and "(2.00x)" in bertopic
    assert "20k paragraphs < 5 min and < 4 GiB" in bertopic
    assert "fit + evaluation (C_v left out) 120 CPU-s: **met** (2.00 min <= 5 min)" in bertopic
    assert "growth **missed**: n^1.14 over 10k-20k, n log n gives n^1.07" in bertopic
    lda = next(line for line in table if "lda at scale" in line)
    assert "100k: skipped: projected 5,000 CPU-s" in lda and "growth: fewer than 2" in lda
    streamed = next(line for line in table if "streamed" in line)
    assert "100,000 perturbed 10kGNAD articles" in streamed and "sample of 2,000" in streamed


def test_a_rerun_of_one_topic_model_family_replaces_only_its_rows(tmp_path: Path) -> None:
    old_rows = [_scale_row("bertopic", "article", 1000, 9.0),
                _scale_row("bertopic", "article", 5000, 60.0),
                _scale_row("nmf", "article", 1000, 6.0), _scale_row("nmf", "article", 5000, 32.0)]
    old_growth = [{"model": m, "unit": "article", "sizes": [1000, 5000], "exponent": e,
                   "nlogn_exponent": 1.1} for m, e in (("bertopic", 1.0), ("nmf", 1.4))]
    new_rows = [_scale_row("nmf", "article", 1000, 5.0), _scale_row("nmf", "article", 5000, 20.0)]
    new_growth = [{"model": "nmf", "unit": "article", "sizes": [1000, 5000], "exponent": 0.9,
                   "nlogn_exponent": 1.1}]
    runs = {
        "a": _run("2026-01-01T00:00Z", {"topic_scale": {"rows": old_rows, "growth": old_growth}}),
        "b": _run("2026-02-01T00:00Z", {"topic_scale": {"rows": new_rows, "growth": new_growth}}),
    }
    for name, run in runs.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    bertopic = next(line for line in table if "bertopic at scale" in line)
    nmf = next(line for line in table if "nmf at scale" in line)
    assert "`a.json`" in bertopic and "5k: 60.0 CPU-s" in bertopic and "n^1.00" in bertopic
    assert "`b.json`" in nmf and "5k: 20.0 CPU-s" in nmf and "5k: 32.0" not in nmf
    assert "growth **met**: n^0.90" in nmf and "n^1.40" not in nmf
    assert sum("From [`benchmarks/results/" in line for line in table) == 2


def test_a_rerun_of_one_unit_kind_replaces_only_its_rows(tmp_path: Path) -> None:
    """``run.py --only topic_scale --models lda --kinds paragraph``: LDA's paragraph rows and
    growth from the new run, its article rows still from the old one."""
    growth = [{"model": "lda", "unit": unit, "sizes": [1000, 5000], "exponent": e,
               "nlogn_exponent": 1.1} for unit, e in (("article", 1.01), ("paragraph", 1.3))]
    old = {"rows": [_scale_row("lda", unit, 5000, cpu)
                    for unit, cpu in (("article", 70.0), ("paragraph", 9.0))], "growth": growth}
    new = {"rows": [_scale_row("lda", "paragraph", 5000, 8.0)],
           "growth": [{**growth[1], "exponent": 1.05}]}
    for name, date, figures in (("a", "2026-01-01T00:00Z", old), ("b", "2026-02-01T00:00Z", new)):
        (tmp_path / f"{name}.json").write_text(json.dumps(_run(date, {"topic_scale": figures})))
    table = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    paragraphs = next(line for line in table if "lda at scale" in line and "paragraphs" in line)
    articles = next(line for line in table if "lda at scale" in line and "articles" in line)
    assert "5k: 8.0 CPU-s" in paragraphs and "n^1.05" in paragraphs and "n^1.30" not in paragraphs
    assert "5k: 70.0 CPU-s" in articles and "n^1.01" in articles


def test_a_failed_fit_is_one_short_line() -> None:
    import subprocess

    assert topic_scale.error_text(subprocess.TimeoutExpired(["x"], 900)) == "timed out after 900 s wall"
    failed = RuntimeError("['python', '-c', 'long code'] failed:\nTraceback\nMemoryError: boom\n")
    assert topic_scale.error_text(failed) == "MemoryError: boom"
    assert "killed" in topic_scale.error_text(RuntimeError("['python', '-c', 'code'] failed:\n"))


# --------------------------------------------------------------------------------------------
# the benchmarks' own logic: what they count, compare and render (no figure is timed here)

common = _bench_module("common")


def test_startup_peer_compiles_every_module_outside_the_standard_library(tmp_path: Path) -> None:
    """The peer "no bytecode" skips the bytecode of the package's own source too (an editable
    install: not under site-packages), and each process says how many modules it compiled."""
    import os
    import py_compile

    startup = _bench_module("bench_startup")
    module = tmp_path / "benchprobe_module.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    py_compile.compile(str(module), doraise=True)  # its bytecode, as an install would write it
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    code = "import benchprobe_module"
    _, ours = common.python_child(startup.child_code(code, bytecode=True), env=env)
    _, peer = common.python_child(startup.child_code(code, bytecode=False), env=env)
    assert "benchprobe_module" not in ours["packages"]
    assert peer["packages"].get("benchprobe_module") == 1
    (module.parent / "__pycache__").rename(tmp_path / "elsewhere")  # no bytecode: compiled
    _, ours = common.python_child(startup.child_code(code, bytecode=True), env=env)
    assert ours["packages"].get("benchprobe_module") == 1
    assert startup.compiled_summary([{"compiled": 1, "packages": {"a": 1}},
                                     {"compiled": 3, "packages": {"a": 1, "b": 2}}]) == (
        3, {"b": 2, "a": 1})


def test_startup_status_is_the_count_of_modules_compiled(tmp_path: Path) -> None:
    case = {"cpu_s": 0.3, "no_bytecode_cpu_s": 0.5, "ratio_to_no_bytecode": 0.6,
            "no_bytecode_compiled_modules": 105}
    met = {**case, "compiled_modules": 0, "compiled_packages": {}}
    missed = {**case, "compiled_modules": 21, "compiled_packages": {"topics": 21}}
    legacy = {"cpu_s": 0.05, "no_bytecode_cpu_s": 0.06, "ratio_to_no_bytecode": 0.92}
    assert speed_table._compile_status(met).startswith("**met**: no module compiled")
    assert speed_table._compile_status(missed) == (
        "**missed**: 21 of 105 modules compiled from source (topics 21)")
    assert speed_table._compile_status(legacy).startswith("not checked")  # not a silent "—"
    run = _run("2026-02-01T00:00Z", {"startup": {"cases": {"import topics": missed}}})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path))
    assert "| import topics, fresh process | 0.30 CPU-s |" in table and "**missed**: 21" in table


def test_reset_peak_leaves_an_earlier_transient_peak_out(tmp_path: Path) -> None:
    """What a step adds is measured from a restarted high-water mark: a bigger peak before the
    step (building its inputs) no longer hides the step's own memory."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("no /proc/self/clear_refs here")
    code = common.PEAK_MB + common.RESET_PEAK + (
        "import json\n"
        "x = b'x' * (300 << 20); del x\n"  # a transient 300 MB peak
        "before = reset_peak()\n"
        "y = b'y' * (60 << 20)\n"  # the step: 60 MB
        "print(json.dumps({'added': peak_mb() - before}))\n")
    _, out = common.python_child(code)
    assert 40 < out["added"] < 150


def test_positive_counts_of_runs_are_required() -> None:
    analysis = _bench_module("bench_analysis")
    with pytest.raises(SystemExit) as refused:  # before: median of no run, a StatisticsError
        analysis.main(["--runs", "-1"])
    assert refused.value.code == 2
    assert common.positive_int("3") == 3


def test_the_machine_names_the_topics_code_it_measures() -> None:
    info = common.machine()
    assert info["topics_source"] == str(Path(__import__("topics").__file__).resolve().parent)
    assert common.measures_this_checkout(str(REPO / "src" / "topics"))
    assert not common.measures_this_checkout("/elsewhere/src/topics")
    assert not common.measures_this_checkout("")


def test_small_fits_and_failed_families_are_shown(tmp_path: Path) -> None:
    """A fit of 0.046 CPU-s reads 0.05, not 0.0; a family that failed is a row that says so."""
    topic_models = _bench_module("bench_topic_models")
    rows = [{"model": "nmf", "corpus": "shipped", "unit": "paragraph", "units": 1057,
             "first_fit_cpu_s": 1.21, "warm_fit_cpu_s": 0.046, "peak_mb": 272.0, "topics": 7},
            {"model": "lda", "corpus": "shipped", "unit": "paragraph", "units": 1057,
             "first_fit_cpu_s": 1.9, "warm_fit_cpu_s": 0.8, "peak_mb": 286.0, "topics": 7},
            {"model": "lda_default", "corpus": "shipped", "error": "MemoryError"},
            {"model": "bertopic", "corpus": "shipped", "error": "ValueError: boom"}]
    topic_models.add_peer_ratios(rows)
    assert rows[1]["peer_error"] == "lda_default: MemoryError" and "peer" not in rows[1]
    run = _run("2026-02-01T00:00Z", {"topic_models": {"rows": rows}})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    nmf = next(line for line in table if "nmf fit" in line)
    assert "0.05 CPU-s (first fit 1.2 in" not in nmf and "0.05 CPU-s (first fit 1.2" in nmf
    lda = next(line for line in table if "lda fit" in line)
    assert "**failed**: lda_default: MemoryError" in lda
    bertopic = next(line for line in table if "bertopic fit" in line)
    assert "**failed**: ValueError: boom" in bertopic


def test_a_peer_figure_of_zero_does_not_break_the_table(tmp_path: Path) -> None:
    sizes = [{"n": 1000, "cpu_s": 0.3, "added_mb": 47, "groups": 807, "peer_cpu_s": 0.0,
              "peer_added_mb": 1705, "peer_groups": 807, "same_groups": 1.0}]
    run = _run("2026-02-01T00:00Z", {"duplicates": {"corpus": "10kGNAD", "sizes": sizes}})
    (tmp_path / "a.json").write_text(json.dumps(run))
    row = next(line for line in speed_table.render_table(speed_table.load_results(tmp_path))
               .splitlines() if line.startswith("| near-duplicate"))
    assert "exact all pairs 0.00 CPU-s, +1,705 MB (—)" in row
    assert speed_table._at_least(0.0, 1000).startswith("**missed**: 0% of the target")


def test_the_flatness_target_says_how_far_it_was_measured(tmp_path: Path) -> None:
    def stream(sizes: list[int]) -> dict:
        return {"marks": {str(n): {"chunk_tok_per_cpu_s": 5e5, "peak_rss_mb": 150.0}
                          for n in sizes}, "last_to_early_chunks": 0.95}

    run = _run("2026-02-01T00:00Z", {"scale": {"stream": stream([1000, 10000, 100000]),
                                               "vocabulary": stream([1000, 10000, 50000])}})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    copies = next(line for line in table if "(perturbed copies): chunk" in line)
    vocabulary = next(line for line in table if "(growing vocabulary): chunk" in line)
    assert "| flat from 1k to 100k: met at >= 0.9x |" in copies
    assert "| flat from 1k to 100k (measured to 50k): met at >= 0.9x |" in vocabulary


def test_a_second_run_in_the_same_minute_does_not_overwrite_the_first(tmp_path: Path) -> None:
    run = _bench_module("run")
    first = run.result_base(tmp_path, "2026-12-06T0100Z", quick=False)
    assert first == tmp_path / "2026-12-06T0100Z"
    first.with_suffix(".json").write_text("{}")
    assert run.result_base(tmp_path, "2026-12-06T0100Z", quick=False).name == "2026-12-06T0100Z-2"
    assert run.result_base(tmp_path, "2026-12-06T0100Z", quick=True).name == "2026-12-06T0100Z-quick"
    same_minute = {"startup": {"cases": {"import topics": {
        "cpu_s": 0.5, "no_bytecode_cpu_s": 1.0, "ratio_to_no_bytecode": 0.5}}}}
    (tmp_path / "2026-12-06T0100Z.json").write_text(json.dumps(_run("2026-12-06T01:00Z", same_minute)))
    second = json.loads(json.dumps(same_minute))
    second["startup"]["cases"]["import topics"]["cpu_s"] = 0.25
    (tmp_path / "2026-12-06T0100Z-2.json").write_text(json.dumps(_run("2026-12-06T01:00Z", second)))
    table = speed_table.render_table(speed_table.load_results(tmp_path))
    assert "0.25 CPU-s" in table and "0.50 CPU-s" not in table  # the later of the two


def test_targets_measured_without_10kgnad_say_they_are_not_comparable(tmp_path: Path) -> None:
    """The benchmarks print "not comparable with the targets" on the shipped corpus; the table
    says so too instead of a bare met or missed."""
    classifier = {**_classifier_section(), "corpus": "shipped corpus"}
    analysis = {"corpus": "shipped", "articles": 217,
                "throughput": {"clean+cold_tok_per_cpu_s": 2e5, "simplemma_tok_per_cpu_s": 3.5e5,
                               "warm types_tok_per_cpu_s": 1e6, "clean_tok_per_cpu_s": 1.5e6},
                "process": {"cold_process_cpu_s": 0.35, "cold_process_rss_mb": 71,
                            "simplemma_process_cpu_s": 1.3, "simplemma_process_rss_mb": 124,
                            "cold_process_ratio": 0.27}}
    run = _run("2026-02-01T00:00Z", {"classifier": classifier, "analysis": analysis})
    (tmp_path / "a.json").write_text(json.dumps(run))
    table = speed_table.render_table(speed_table.load_results(tmp_path)).splitlines()
    for what in ("batch prediction", "unseen text", "cold whole process"):
        line = next(line for line in table if what in line)
        assert "| not comparable (the shipped corpus" in line, line
    gnad = _run("2026-02-01T00:00Z", {"analysis": {**analysis, "corpus": "10kGNAD"}})
    (tmp_path / "a.json").write_text(json.dumps(gnad))
    table = speed_table.render_table(speed_table.load_results(tmp_path))
    assert "not comparable" not in table


def test_children_started_elsewhere_import_the_same_topics(tmp_path: Path) -> None:
    """PYTHONPATH=src (relative) reaches the benchmarks' children as an absolute path: the
    classifier's children run in the temp folder, where "src" named nothing."""
    import os
    import subprocess

    code = ("import sys; sys.path.insert(0, 'benchmarks'); import common, json, subprocess;"
            "out = subprocess.run([sys.executable, '-c', 'import topics; print(topics.__file__)'],"
            f" cwd={str(tmp_path)!r}, capture_output=True, text=True).stdout.strip();"
            "print(json.dumps({'child': out}))")
    env = {**os.environ, "PYTHONPATH": "src"}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                          text=True, check=True)
    child = json.loads(done.stdout.strip().splitlines()[-1])["child"]
    assert Path(child).resolve() == (REPO / "src" / "topics" / "__init__.py").resolve()
