"""Running experiments: run directories, reproducibility, interrupted runs, comparison, sweeps,
MLflow. Tiny configs (a few shipped articles, NMF only) keep every run to a few seconds."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from topics import compare_runs, load_corpus, load_run, run_experiment
from topics.errors import ConfigError, RunError, TopicsError
from topics.experiments.compare import format_comparison, plot_comparison
from topics.experiments.reproduce import reproduce_run
from topics.experiments.sweep import run_sweep

TINY = {
    "name": "tiny",
    "corpus": {"limit": 24, "unit": "article"},
    "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
    "classifier": {"enabled": False},
    "outputs": {"figures": True},
}


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="module")
def tiny_run(runs_dir: Path):
    return run_experiment(TINY, runs_dir=runs_dir)


def test_run_directory_layout(tiny_run) -> None:
    path = tiny_run.path
    assert path.name.endswith(f"_tiny_{tiny_run.config_hash}")
    assert not path.name.endswith(".partial")
    for name in [
        "run.json",
        "config.yaml",
        "config.resolved.yaml",
        "environment.json",
        "corpus.json",
        "metrics.json",
        "timings.json",
        "summary.txt",
        "run.log",
        "documents/topics_nmf.csv",
        "tables/topics_nmf.csv",
        "models/topics_nmf/result.json",
    ]:
        assert (path / name).is_file(), name
    assert len(list((path / "figures" / "topics_nmf").glob("*.png"))) >= 3
    env = json.loads((path / "environment.json").read_text())
    assert {"topics_version", "python", "platform", "git", "command", "packages"} <= set(env)
    assert "numpy" in env["packages"] and "commit" in env["git"] and "dirty" in env["git"]
    corpus = json.loads((path / "corpus.json").read_text())
    assert len(corpus["fingerprint"]) == 64 and corpus["units"]["article"]["n"] == 24
    assert "[2/2] topic model nmf" in (path / "run.log").read_text()


def test_metrics_are_flat_sorted_numbers_without_timings(tiny_run) -> None:
    text = (tiny_run.path / "metrics.json").read_text()
    metrics = json.loads(text)
    assert list(metrics) == sorted(metrics)
    assert all(isinstance(v, (int, float)) or v is None for v in metrics.values())
    assert "topics.nmf.npmi_mean" in metrics and metrics["corpus.n_articles"] == 24
    assert not any("seconds" in key or "time" in key for key in metrics)
    timings = json.loads((tiny_run.path / "timings.json").read_text())
    assert "total" in timings and "fit_seconds" in json.dumps(timings)


def test_load_run_round_trip_and_summary(tiny_run) -> None:
    run = load_run(tiny_run.path)
    assert run.metrics == tiny_run.metrics
    assert run.config.topic_models["nmf"].settings()["n_components"] == 3
    assert run.table("tables/topics_nmf.csv").shape[0] >= 3
    summary = run.summary()
    assert str(run.path) in summary and "npmi" in summary and "nmf" in summary


def test_same_config_twice_gives_identical_metrics(tiny_run, runs_dir: Path) -> None:
    again = run_experiment(TINY, runs_dir=runs_dir)
    assert again.path != tiny_run.path  # never overwritten: a new directory
    first = (tiny_run.path / "metrics.json").read_bytes()
    assert (again.path / "metrics.json").read_bytes() == first


@pytest.mark.slow
def test_reproduce_reports_identical(tiny_run, tmp_path: Path) -> None:
    outcome = reproduce_run(tiny_run.path, runs_dir=tmp_path)
    assert outcome.identical, outcome.report()
    assert "identical" in outcome.report()
    # a stored number that differs is reported
    stored = json.loads((tiny_run.path / "metrics.json").read_text())
    fake = outcome.rerun.path.parent / "fake"
    fake.mkdir()
    for name in ("run.json", "config.resolved.yaml"):
        (fake / name).write_bytes((tiny_run.path / name).read_bytes())
    (fake / "metrics.json").write_text(json.dumps({**stored, "topics.nmf.npmi_mean": 9.0}))
    changed = reproduce_run(fake, runs_dir=tmp_path)
    assert not changed.identical and "topics.nmf.npmi_mean" in changed.differences


def test_interrupted_run_leaves_a_failed_partial_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import topics.experiments.runner as runner

    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash in the middle of a run")

    monkeypatch.setattr(runner, "run_topic_model", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_experiment(TINY, runs_dir=tmp_path)
    entries = list(tmp_path.iterdir())
    assert len(entries) == 1 and entries[0].name.endswith(".partial")
    info = json.loads((entries[0] / "run.json").read_text())
    assert info["status"] == "failed" and "simulated crash" in info["error"]
    assert (entries[0] / "config.resolved.yaml").exists()  # the partial run tells what it was
    with pytest.raises(RunError, match="not a finished run.*failed"):
        load_run(entries[0])
    with pytest.raises(RunError, match="no finished runs"):
        compare_runs([entries[0]], skip_unfinished=True)


def test_keyboard_interrupt_marks_failed_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import topics.experiments.runner as runner

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_topic_model", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(TINY, runs_dir=tmp_path)
    (partial,) = tmp_path.iterdir()
    assert json.loads((partial / "run.json").read_text())["status"] == "failed"


def test_invalid_config_fails_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="did you mean 'n_components'"):
        run_experiment({**TINY, "topic_models": {"nmf": {"n_componets": 3}}}, runs_dir=tmp_path)
    assert not any(tmp_path.iterdir())


def test_load_run_refuses_non_runs(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="no such run"):
        load_run(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RunError, match="not a run directory"):
        load_run(tmp_path / "empty")
    (tmp_path / "x.partial").mkdir()
    with pytest.raises(RunError, match="not a finished run"):
        load_run(tmp_path / "x.partial")


@pytest.mark.slow
def test_compare_three_runs(tiny_run, runs_dir: Path, tmp_path: Path) -> None:
    seeds = [run_experiment(TINY, overrides=[f"seed={s}"], runs_dir=runs_dir) for s in (1, 2)]
    frame = compare_runs([tiny_run.path, *(r.path for r in seeds)], metrics=["topics.*.npmi_mean"])
    assert len(frame) == 3
    assert "config.seed" in frame.columns and list(frame["config.seed"]) == [0, 1, 2]
    assert "topics.nmf.npmi_mean" in frame.columns
    assert frame.attrs["metrics"] == ["topics.nmf.npmi_mean"]
    markdown = format_comparison(frame, "markdown")
    assert markdown.startswith("| run |") and markdown.count("\n") == 4
    assert format_comparison(frame, "csv").splitlines()[0].startswith("run,")
    assert "topics.nmf.npmi_mean" in format_comparison(frame, "table")
    whole = compare_runs([runs_dir], metrics=["topics.*.npmi_mean"])  # a folder of runs
    assert len(whole) >= 3
    figure = tmp_path / "compare.png"
    plot_comparison(frame, figure)
    assert figure.stat().st_size > 1000


def test_a_headline_pattern_that_matches_nothing_is_warned_about(tmp_path: Path) -> None:
    from .conftest import user_warnings

    config = {**TINY, "outputs": {"figures": False, "save_models": False, "report": False},
              "evaluation": {"metrics": ["topic.*.nmi_mean", "topics.*.npmi_mean"]}}
    runs: list = []
    warned = user_warnings(lambda: runs.append(run_experiment(config, runs_dir=tmp_path)))
    expected = ("evaluation.metrics pattern 'topic.*.nmi_mean' matches no metric; did you mean "
                "'topics.*.nmi_mean'?")
    assert warned == [expected]
    assert user_warnings(lambda: compare_runs(runs[0].path)) == [expected]
    # the default headline patterns cover every kind of run: no classifier here, no warning
    default = {**config, "evaluation": {}}
    assert user_warnings(lambda: run_experiment(default, runs_dir=tmp_path)) == []


def test_compare_names_a_corpus_of_other_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One config, run before and after its corpus file changed: the runs' configs agree, their
    corpora do not, and the comparison says so instead of "the configs are the same"."""
    from topics.cli import main

    from .conftest import write_jsonl_corpus

    monkeypatch.chdir(tmp_path)
    config = {**TINY, "corpus": {"path": "news.jsonl", "unit": "article"},
              "outputs": {"figures": False, "save_models": False, "report": False}}
    runs = []
    for n in (30, 28):
        write_jsonl_corpus(tmp_path / "news.jsonl", n)
        runs.append(run_experiment(config, runs_dir=tmp_path / "runs").path)
    frame = compare_runs(runs, metrics=["corpus.n_articles"])
    prints = [json.loads((run / "corpus.json").read_text())["fingerprint"][:12] for run in runs]
    assert list(frame["config.corpus.fingerprint"]) == prints
    assert main(["compare", *map(str, runs), "--metrics", "corpus.n_articles"]) == 0
    out = capsys.readouterr().out
    assert "corpus.fingerprint" in out and "are the same" not in out
    shutil.copytree(runs[1], tmp_path / "copy")
    same = compare_runs([runs[1], tmp_path / "copy"], metrics=["corpus.n_articles"])
    assert "config.corpus.fingerprint" not in same.columns  # one corpus: nothing to say


@pytest.mark.slow
def test_sweep_with_a_failing_point(tmp_path: Path) -> None:
    grid = {
        **TINY,
        "name": "grid",
        # 500 topics for 24 articles is impossible: that point fails, the others run
        "grid": {"topic_models.nmf.n_components": [2, 500, 3]},
    }
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(grid))
    result = run_sweep(path, n_jobs=1, runs_dir=tmp_path / "runs")
    statuses = [p["status"] for p in result.points]
    assert statuses == ["finished", "failed", "finished"]
    assert "ConfigError" in result.failed[0]["error"] and "500" in result.failed[0]["error"]
    # caught before the run starts (issue 10): no half-made run directory for that point
    assert "partial" not in result.failed[0]
    assert not list((tmp_path / "runs").glob("*.partial"))
    summary = json.loads(result.summary_path.read_text())
    assert [p["status"] for p in summary["points"]] == statuses
    assert result.summary_path.with_suffix(".csv").is_file()
    for run_path in result.runs:
        assert load_run(run_path).resolved["topic_models"]["nmf"]["n_components"] in (2, 3)
    assert "1 of 3" not in result.report() and "2 of 3 points finished" in result.report()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # SQLAlchemy inside MLflow's store
def test_mlflow_tracking(tmp_path: Path) -> None:
    pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    run = run_experiment({**TINY, "tracking": "mlflow"}, runs_dir=tmp_path)
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("tiny")
    (logged,) = client.search_runs([experiment.experiment_id])
    assert logged.data.params["topic_models.nmf.n_components"] == "3"
    assert logged.data.metrics["topics.nmf.npmi_mean"] == pytest.approx(run.metrics["topics.nmf.npmi_mean"])
    artifacts = {a.path for a in client.list_artifacts(logged.info.run_id)}
    assert "metrics.json" in artifacts
    assert (tmp_path / "mlartifacts").is_dir()


def test_mlflow_missing_gives_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow -> ImportError
    with pytest.raises(TopicsError, match=r"uv sync --extra mlflow.*topics\[mlflow\]"):
        run_experiment({**TINY, "tracking": "mlflow"}, runs_dir=tmp_path)
    assert not any(tmp_path.iterdir())  # checked before any work


@pytest.mark.slow
def test_classifier_evaluation_and_fit(tmp_path: Path) -> None:
    config = {
        "name": "clf",
        "corpus": {"limit": 40},
        "topic_models": {},
        "classifier": {"cv": 2, "evaluation": {"n_splits": 2, "seeds": [0], "peers": True}},
    }
    run = run_experiment(config, runs_dir=tmp_path)
    metrics = run.metrics
    for name in ("article_classifier", "tfidf_linear_svc", "tfidf_log_reg"):
        assert f"classifier.{name}.macro_f1_mean" in metrics
    assert run.resolved["classifier"]["random_state"] == 0  # the run's seed, written back
    predictions = run.table("documents/classifier_predictions.csv")
    assert len(predictions) == 40 and "score_border_relations" in predictions.columns
    assert (run.path / "tables/classifier_cv.csv").is_file()
    assert (run.path / "models/classifier.safetensors").is_file()
    assert "article_classifier" in run.summary()


def test_copy_run_makes_a_loadable_reference(tiny_run, tmp_path: Path) -> None:
    from topics.experiments.store import copy_run

    reference = copy_run(tiny_run.path, tmp_path / "results" / "tiny")
    assert not (reference / "models").exists()
    assert load_run(reference).metrics == tiny_run.metrics
    with pytest.raises(RunError, match="exists"):
        copy_run(tiny_run.path, reference)
    copy_run(tiny_run.path, reference, replace=True)
    other = tmp_path / "results" / "tables"
    other.mkdir()
    with pytest.raises(RunError, match="not a run directory"):
        copy_run(tiny_run.path, other, replace=True)
    frame = compare_runs([reference, tiny_run.path], metrics=["topics.*.npmi_mean"])
    assert frame["topics.nmf.npmi_mean"].nunique() == 1


def test_classifier_on_an_unlabelled_corpus_is_a_clear_error(tmp_path: Path) -> None:
    corpus = tmp_path / "plain.jsonl"
    lines = [
        json.dumps({"id": f"a{i}", "labels": [], "text": f"Text Nummer {i}."}) for i in range(4)
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = {"corpus": {"path": str(corpus)}, "topic_models": {}}
    with pytest.raises(ConfigError, match="has no labels"):
        run_experiment(config, runs_dir=tmp_path / "runs")


def test_the_step_log_survives_a_logging_config_that_disables_loggers(tmp_path: Path) -> None:
    """Libraries call logging.config.dictConfig (dask, import-linter), which disables every logger
    that exists: the run's run.log must still get its step log."""
    import logging.config

    logging.getLogger("topics.experiments.runner").info("exists before the config")
    logging.config.dictConfig({"version": 1})  # disable_existing_loggers defaults to True
    assert logging.getLogger("topics.experiments.runner").disabled
    run = run_experiment(TINY, runs_dir=tmp_path)
    assert "[2/2] topic model nmf" in (run.path / "run.log").read_text(encoding="utf-8")


def test_a_run_can_drop_near_duplicates_first(tmp_path: Path) -> None:
    shipped = load_corpus()
    records = [{"id": a.id, "text": a.text, "labels": list(a.labels)} for a in shipped[:24]]
    records += [{**r, "id": r["id"] + "-reprint", "text": r["text"] + "\n\nQuelle: VOV"}
                for r in records[:6]]
    corpus = tmp_path / "archive.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                      encoding="utf-8")
    config = {**TINY, "corpus": {"path": str(corpus), "unit": "article", "drop_duplicates": True}}
    run = run_experiment(config, runs_dir=tmp_path / "runs")
    summary = json.loads((run.path / "corpus.json").read_text())["summary"]
    assert summary["n_articles"] == 24 and summary["n_near_duplicates"] == 0
    kept = run_experiment({**config, "corpus": {**config["corpus"], "drop_duplicates": False}},
                          runs_dir=tmp_path / "runs")
    summary = json.loads((kept.path / "corpus.json").read_text())["summary"]
    assert summary["n_articles"] == 30 and summary["n_near_duplicates"] == 6
