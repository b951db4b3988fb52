"""Readable comparisons: differing keys first (swept ones marked, bookkeeping hidden), 100 columns,
no fake spread for one seed, figures labelled by config values, Markdown / CSV / LaTeX, SVG / PDF."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from topics import compare_runs, run_experiment
from topics.cli import main
from topics.errors import RunError
from topics.experiments.compare import format_comparison, plot_comparison
from topics.experiments.compare_render import run_labels, short_keys

TINY = {
    "name": "cmp",
    "corpus": {"limit": 16, "unit": "article"},
    "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
    "classifier": {"enabled": False},
    "outputs": {"figures": False, "save_models": False},
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    where = tmp_path_factory.mktemp("cmp_runs")
    out = []
    for k, seeds in ((2, None), (3, None), (4, [0, 1])):
        overrides = [f"topic_models.nmf.n_components={k}"]
        config = {**TINY, "n_jobs": k, "name": f"cmp{k}"}  # bookkeeping that differs
        if seeds:
            config["evaluation"] = {"seeds": seeds}
        out.append(run_experiment(config, overrides=overrides, runs_dir=where).path)
    return out


def test_swept_keys_first_bookkeeping_hidden(runs: list[Path]) -> None:
    frame = compare_runs(runs, metrics=["topics.*.npmi_mean", "topics.*.n_topics_mean"])
    keys = frame.attrs["config_keys"]
    assert keys[0] == "config.topic_models.nmf.n_components"
    assert frame.attrs["swept_keys"] == ["config.topic_models.nmf.n_components"]
    assert "config.n_jobs" not in frame and "config.name" not in frame
    assert {"n_jobs", "name"} <= set(frame.attrs["hidden_keys"])
    table = format_comparison(frame)
    assert "* topic_models.nmf.n_components" in table
    assert "bookkeeping keys that differ, not shown: n_jobs, name" in table
    assert table.index("config keys that differ") < table.index("topics.nmf.npmi_mean")
    assert max(len(line) for line in table.splitlines()) <= 100


def test_one_seed_says_so_several_show_spread(runs: list[Path]) -> None:
    frame = compare_runs(runs, metrics=["topics.*.npmi_mean"])
    table = format_comparison(frame)
    (row,) = [line.split() for line in table.splitlines() if line.startswith("topics.nmf.npmi_mean")]
    one, other, two = row[1:]
    assert "±" not in one and "±" not in other  # one seed: no spread (not "± 0.000")
    sd = frame.attrs["spread"]["topics.nmf.npmi_mean"][2]
    assert two.endswith(f"±{sd:.3f}")  # two seeds: mean ± sd
    assert "seeds" in table and "n = 1" in table and "n = 2" in table
    one = compare_runs(runs[:2], metrics=["topics.*.npmi_mean"])
    assert "metrics (n = 1 seed)" in format_comparison(one)


def _wide_frame(n_runs: int, n_keys: int) -> pd.DataFrame:
    keys = [f"config.topic_models.model_{j}.some_long_setting_name_{j}" for j in range(n_keys)]
    rows = [{**{k: f"value-{i}-{j}" for j, k in enumerate(keys)}, "topics.nmf.npmi": 0.1 * i,
             "classifier.article_classifier.article.none_some_accuracy_mean": 0.5}
            for i in range(n_runs)]
    frame = pd.DataFrame(rows, index=[f"2026_run_{i}_" + "x" * 60 for i in range(n_runs)])
    frame.attrs.update(config_keys=keys, metrics=list(frame.columns[n_keys:]),
                       paths=[f"/a/very/long/path/{'y' * 80}/run{i}" for i in range(n_runs)])
    return frame


def test_terminal_table_fits_100_columns_however_many_runs() -> None:
    for n_runs in (1, 2, 7, 25):
        table = format_comparison(_wide_frame(n_runs, 12))
        assert max(len(line) for line in table.splitlines()) <= 100, n_runs
        assert f"[{n_runs}]" in table
        assert "more config keys" not in table  # every differing key is shown


def test_labels_from_differing_values() -> None:
    frame = pd.DataFrame({"config.topic_models.nmf.n_components": [6, 10, 6],
                          "config.analysis.split_compounds": [True, False, True],
                          "topics.nmf.npmi": [0.1, 0.2, 0.3]}, index=["a", "b", "c"])
    frame.attrs.update(config_keys=list(frame.columns[:2]), metrics=["topics.nmf.npmi"])
    assert run_labels(frame) == ["n_components=6, split_compounds=true [1]",
                                 "n_components=10, split_compounds=false",
                                 "n_components=6, split_compounds=true [3]"]
    assert short_keys(["config.seed", "config.classifier.seed", "config.a.b"]) == {
        "config.seed": "seed", "config.classifier.seed": "classifier.seed", "config.a.b": "b"}


def test_formats(runs: list[Path]) -> None:
    frame = compare_runs(runs, metrics=["topics.*.npmi_mean"])
    latex = format_comparison(frame, "latex")
    assert "\\begin{tabular}" in latex and "\\toprule" in latex and "n\\_components" in latex
    assert "$\\pm$" in latex  # the two-seed run
    markdown = format_comparison(frame, "markdown")
    assert markdown.startswith("| run | topic_models.nmf.n_components |")
    assert format_comparison(frame, "csv").startswith("run,config.topic_models.nmf.n_components")
    with pytest.raises(RunError, match="latex"):
        format_comparison(frame, "html")


@pytest.mark.parametrize(
    "suffix", [".png", pytest.param(".svg", marks=pytest.mark.slow),
               pytest.param(".pdf", marks=pytest.mark.slow)]
)
def test_figure_formats_and_labels(runs: list[Path], tmp_path: Path, suffix: str) -> None:
    frame = compare_runs(runs, metrics=["topics.*.npmi_mean", "topics.*.n_topics_mean"])
    figure = plot_comparison(frame, tmp_path / f"cmp{suffix}")
    assert (tmp_path / f"cmp{suffix}").stat().st_size > 1000
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert ticks == ["n_components=2, seeds=null", "n_components=3, seeds=null",
                     "n_components=4, seeds=[0, 1]"]
    if suffix == ".svg":
        assert (tmp_path / "cmp.svg").read_text().lstrip().startswith("<?xml")
    if suffix == ".pdf":
        assert (tmp_path / "cmp.pdf").read_bytes().startswith(b"%PDF")


def test_unknown_figure_suffix(runs: list[Path], tmp_path: Path) -> None:
    frame = compare_runs(runs, metrics=["topics.*.npmi_mean"])
    with pytest.raises(RunError, match=r"\.png, \.svg, \.pdf"):
        plot_comparison(frame, tmp_path / "cmp.gif")


def test_one_metric_pattern_as_a_string(runs: list[Path]) -> None:
    """metrics="topics.*.npmi_mean" was read letter by letter: a warning per letter, and '*'
    chose every metric."""
    from tests.conftest import user_warnings

    assert user_warnings(lambda: compare_runs(runs, metrics="topics.*.npmi_mean")) == []
    frame = compare_runs(runs, metrics="topics.*.npmi_mean")
    assert frame.attrs["metrics"] == ["topics.nmf.npmi_mean"]
    with pytest.raises(RunError, match="nothing to draw: the table has no runs"):
        plot_comparison(frame.iloc[:0])


def test_cli_latex_and_svg(runs: list[Path], tmp_path: Path, capsys) -> None:
    figure = tmp_path / "cmp.svg"
    assert main(["-q", "compare", *map(str, runs), "--format", "latex", "--figure",
                 str(figure)]) == 0
    assert "\\begin{tabular}" in capsys.readouterr().out
    assert figure.is_file()
