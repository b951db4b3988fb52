"""Runs and sweeps under bad configs and faults: one clear message, exit 2, nothing half-made.

Through the CLI, as a user meets them: ``--dry-run`` catches everything a run would fail on,
SIGTERM is handled like Ctrl-C, a full disk or an unwritable folder is said in words and leaves
no file that looks complete, sweeps never share a summary or write outside their folder.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import topics
from topics import termination
from topics.cli import main
from topics.errors import FileAccessError
from topics.fileio import atomic_write

TINY = {
    "name": "tiny",
    "corpus": {"limit": 24, "unit": "article"},
    "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
    "classifier": {"enabled": False},
    "outputs": {"figures": False, "save_models": False},
}


def config_file(tmp_path: Path, data: dict, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert err and "Traceback" not in "\n".join(err)
    return err[-1]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"classifier": {"enabled": True, "C": "high"}}, "classifier.C='high': must be float > 0"),
        ({"classifier": {"enabled": True, "evaluation": {"n_splits": 30}}},
         "n_splits = 30, but corpus 'shipped' has 24 articles"),
        ({"corpus": {"limit": 24, "unit": "article", "encoding": "utf-99"}},
         "encoding='utf-99' is not a known text encoding"),
        ({"corpus": {"path": "no/such/corpus.jsonl"}},
         "corpus.path = 'no/such/corpus.jsonl': no such file or folder in the working directory"),
        ({"topic_models": {"b": {"model": "bertopic", "min_topic_size": -5}}},
         "topic_models.b.min_topic_size=-5: must be int >= 2 | 'auto'"),
        ({"topic_models": {"nmf": {"model": "nmf", "n_components": "eight"}}},
         "topic_models.nmf.n_components='eight'"),
        ({"topic_models": {"nmf": {"model": "nmf", "n_components": 300}}},
         "n_components=300 topics is impossible for 24 units"),
        ({"topic_models": {"lda": {"model": "lda", "n_components": 5}}}, "did you mean 'k'?"),
        # values that passed validation and then failed in the fit, naming no key
        ({"classifier": {"enabled": True, "evaluation": {"unit": []}}},
         "classifier.evaluation.unit = []: give at least one of article, paragraph, lead"),
        ({"topic_models": {"nmf": {"model": "nmf", "alpha_W": float("inf")}}},
         "topic_models.nmf.alpha_W=inf: must be float >= 0 and < inf"),
        ({"topic_models": {"b": {"model": "bertopic", "char_ngrams": [5, 2]}}},
         "topic_models.b: char_ngrams=[5, 2]: give [shortest, longest]"),
        ({"topic_models": {"b": {"model": "bertopic", "reduction": "umap", "metric": "nonsense"}}},
         "topic_models.b: metric='nonsense' is not one of UMAP's metrics"),
        ({"topic_models": {"nmf.v2": {"model": "nmf"}}},
         "topic model name 'nmf.v2' must be letters, digits, _ and - (no '.'"),
        # what the corpus decides: found before the first fit, with the key
        ({"topic_models": {"nmf": {"model": "nmf", "max_df": 1}}},
         "topic_models.nmf: min_df=2 (default), max_df=1: a word would have to be in at least 2 "
         "and at most 1 of the 24 units (an int counts units"),
        ({"classifier": {"enabled": True, "ngram_range": [5, 2]}},
         "classifier.ngram_range=(5, 2); need low <= high"),
        ({"classifier": {"enabled": True, "labels": ["foo"]}},
         "classifier.labels = ['foo'] leaves out labels of the corpus: 'border_relations'"),
        ({"corpus": {"limit": 24, "unit": "article", "encoding": "klingon"}},
         "c.yaml: corpus.encoding = 'klingon': encoding='klingon' is not a known"),
        ({"tracking": "mlflow", "tracking_uri": "/no/such/mlruns"},  # was: after the whole run
         "c.yaml: tracking_uri = '/no/such/mlruns': MLflow cannot log there (The filesystem"),
        ({"tracking": "mlflow", "tracking_uri": "sqlite:////no/such/mlflow.db"},
         "tracking_uri = 'sqlite:////no/such/mlflow.db': the folder /no/such of the database"),
        ({"corpus": {"limit": 24, "unit": "article", "label_separator": ""}},
         "c.yaml: corpus.label_separator = '': label_separator=''"),
    ],
)
def test_dry_run_catches_what_the_run_would_fail_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict, expected: str
) -> None:
    path = config_file(tmp_path, {**TINY, **change})
    runs = tmp_path / "runs"
    assert main(["run", str(path), "--dry-run"]) == 2
    assert expected in error_line(capsys)
    assert main(["run", str(path), "--runs-dir", str(runs)]) == 2  # the run fails the same way
    assert expected in error_line(capsys)
    assert not runs.exists() or not any(runs.iterdir())  # before any run directory


def test_a_missing_labels_file_says_where_it_was_looked_for(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Ein Text über Hanoi und Berlin.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    path = config_file(tmp_path, {**TINY, "corpus": {"path": "texts", "labels_file": "nope.json"}})
    assert main(["run", str(path), "--dry-run"]) == 2
    line = error_line(capsys)
    assert f"config {path}: corpus.labels_file = 'nope.json': nope.json: labels file not found" in line
    assert f"looked for {tmp_path / 'nope.json'}" in line


def test_a_one_article_corpus_is_refused_in_words_that_hold(tmp_path: Path, capsys) -> None:
    """It said "use at most 1 fold" (n_splits >= 2 is required) and failed in the first fit."""
    corpus = tmp_path / "one.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "Ein Text über Hanoi.", "labels": ["x"]})
                      + "\n", encoding="utf-8")
    config = {**TINY, "corpus": {"path": str(corpus), "unit": "article"},
              "classifier": {"enabled": True}}
    runs = tmp_path / "runs"
    assert main(["run", str(config_file(tmp_path, config)), "--runs-dir", str(runs)]) == 2
    line = error_line(capsys)
    assert "at most 1 fold" not in line
    assert "classifier.evaluation: cross-validation needs at least 3 articles" in line
    assert "topic_models.nmf: needs at least 2 units (articles) to find topics" in line
    assert not runs.exists() or not any(runs.iterdir())


def test_an_unreachable_scheduler_or_stray_n_workers_leave_no_run_folder(
    tmp_path: Path, capsys
) -> None:
    """`--scheduler tcp://127.0.0.1:1` left a .partial run; `--n-workers 3` alone was ignored."""
    path = config_file(tmp_path, TINY)
    runs = tmp_path / "runs"
    assert main(["run", str(path), "--runs-dir", str(runs), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "scheduler tcp://127.0.0.1:1: cannot connect" in error_line(capsys)
    for dry in ([], ["--dry-run"]):
        assert main(["run", str(path), "--runs-dir", str(runs), "--n-workers", "3", *dry]) == 2
        assert "n_workers=3 (--n-workers) sets the processes of a Dask LocalCluster" in (
            error_line(capsys))
    assert not runs.exists() or not any(runs.iterdir())


def test_a_folder_given_as_config_says_so(tmp_path: Path, capsys) -> None:
    assert main(["run", str(tmp_path), "--dry-run"]) == 2
    assert "is a folder; give a YAML config file" in error_line(capsys)
    assert main(["init-config", str(tmp_path)]) == 2
    assert "is a folder" in error_line(capsys)


def sigterm_once_logging(args: list[str], runs: Path, n_runs: int) -> str:
    """Start ``topics ARGS``, send SIGTERM 2 s after ``n_runs`` runs log, check exit 143; stderr."""
    process = subprocess.Popen([sys.executable, "-m", "topics.cli", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(runs.glob("*.partial/run.log"))) < n_runs:
        time.sleep(0.5)
    time.sleep(2)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    return err


@pytest.mark.slow
def test_sigterm_marks_the_run_failed_and_exits_143(tmp_path: Path) -> None:
    slow = {**TINY, "corpus": {"unit": "paragraph"},
            "topic_models": {"lda": {"model": "lda", "iterations": 100000}}}
    path = config_file(tmp_path, slow)
    runs = tmp_path / "runs"
    err = sigterm_once_logging(["run", str(path), "--runs-dir", str(runs)], runs, 1)
    assert "terminated (SIGTERM); partial run kept as" in err
    (partial,) = runs.glob("*.partial")
    info = json.loads((partial / "run.json").read_text())
    assert info["status"] == "failed" and "Terminated" in info["error"]


def _sigterm_swallowed() -> None:
    """What an extension module's import does with a SIGTERM: an ImportError, which an optional
    import's ``except ImportError`` then swallows."""
    try:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises at the next bytecode
        except termination.Terminated:
            raise ImportError("initialization failed") from None
    except ImportError:
        pass


def test_a_sigterm_turned_into_another_error_still_exits_143(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A SIGTERM landing in an extension module's import reaches ``main`` as ImportError."""
    import topics.cli as cli

    def command(args: object) -> int:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except termination.Terminated:
            raise ImportError("initialization failed") from None
        return 0

    monkeypatch.setattr(cli, "_cmd_reproduce", command)
    assert main(["reproduce", "runs/x"]) == 143
    assert "terminated (SIGTERM)" in capsys.readouterr().err
    monkeypatch.setattr(cli, "_cmd_reproduce", lambda args: 1 // 0)  # no SIGTERM: a real bug
    with pytest.raises(ZeroDivisionError):
        main(["reproduce", "runs/x"])



def test_a_swallowed_ctrl_c_exits_130_not_0(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Ctrl-C lost in an optional import: the command does not report success."""
    import topics.cli as cli

    def command(args: object) -> int:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            pass
        return 0

    monkeypatch.setattr(cli, "_cmd_reproduce", command)
    assert main(["reproduce", "runs/x"]) == 130
    assert "interrupted" in capsys.readouterr().err

def test_a_swallowed_sigterm_still_fails_the_run_and_exits_143(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """The SIGTERM lands while environment.json imports tomotopy, whose ImportError is caught:
    the run stops at its next step, is marked failed, never renamed finished; exit 143."""
    import topics.experiments.runner as runner

    real = runner.environment

    def environment() -> dict:
        _sigterm_swallowed()
        return real()

    monkeypatch.setattr(runner, "environment", environment)
    runs = tmp_path / "runs"
    assert main(["run", str(config_file(tmp_path, TINY)), "--runs-dir", str(runs)]) == 143
    assert "terminated (SIGTERM)" in capsys.readouterr().err
    (partial,) = runs.iterdir()
    assert partial.name.endswith(".partial")
    info = json.loads((partial / "run.json").read_text())
    assert info["status"] == "failed" and "Terminated" in info["error"]
    assert "run failed: terminated by SIGTERM" in (partial / "run.log").read_text()
    monkeypatch.setattr(runner, "environment", real)
    assert main(["run", str(config_file(tmp_path, TINY)), "--runs-dir", str(runs)]) == 0


def test_a_swallowed_sigterm_stops_an_lda_fit_within_its_sweeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """LDA checks every few sweeps: 100,000 sweeps do not run to the end after a lost SIGTERM."""
    from topics.topic_models import fit_topic_model

    corpus = topics.load_corpus().subset(range(12))
    with termination.signals_handled():
        _sigterm_swallowed()
        start = time.monotonic()
        with pytest.raises(termination.Terminated):
            fit_topic_model(corpus, "lda", iterations=100_000)
        assert time.monotonic() - start < 30


def test_a_full_disk_is_said_and_leaves_no_file_that_looks_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import topics.fileio as fileio

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, *args, **kwargs) -> None:
            self.file = real_fdopen(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            if len(data) > 200:  # small files fit, metrics.json and the like do not
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.file.write(data)

        def flush(self) -> None:
            self.file.flush()

        def fileno(self) -> int:
            return self.file.fileno()

    monkeypatch.setattr(fileio.os, "fdopen", FullDisk)
    with pytest.raises(FileAccessError, match="the disk is full"):
        atomic_write(tmp_path / "big.json", "x" * 1000)
    assert list(tmp_path.iterdir()) == []  # no target, no temporary file
    runs = tmp_path / "runs"
    assert main(["run", str(config_file(tmp_path, TINY)), "--runs-dir", str(runs)]) == 2
    assert "the disk is full" in error_line(capsys)
    (partial,) = runs.glob("*.partial")
    assert not (partial / "metrics.json").exists()
    assert not [p for p in partial.rglob("*") if p.name.endswith(".tmp")]
    for path in partial.rglob("*.json"):
        json.loads(path.read_text())  # every file there is whole


def test_an_unwritable_runs_folder_fails_before_the_work(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["run", str(config_file(tmp_path, TINY)), "--runs-dir", str(blocker / "runs")])
    assert code == 2
    assert "a part of the path is a file" in error_line(capsys)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_a_read_only_runs_folder_fails_before_the_work(tmp_path: Path, capsys) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    runs.chmod(0o500)
    try:
        code = main(["run", str(config_file(tmp_path, TINY)), "--runs-dir", str(runs)])
    finally:
        runs.chmod(0o700)
    assert code == 2 and "no permission" in error_line(capsys)


def test_sweep_options_and_names_are_checked(tmp_path: Path, capsys) -> None:
    grid = config_file(tmp_path, {**TINY, "grid": {"seed": [0, 1]}}, "g.yaml")
    with pytest.raises(SystemExit) as stop:
        main(["sweep", str(grid), "--n-jobs", "0"])
    assert stop.value.code == 2 and "must be 1 or more" in capsys.readouterr().err
    escape = config_file(tmp_path, {**TINY, "name": "../../..", "grid": {"seed": [0]}}, "e.yaml")
    assert main(["sweep", str(escape), "--runs-dir", str(tmp_path / "runs")]) == 2
    assert "name" in error_line(capsys)
    assert not (tmp_path.parent.parent / ".sweep.json").exists()


def test_two_sweeps_of_one_name_in_one_second_keep_both_summaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    import topics.experiments.sweep as sweep

    monkeypatch.setattr(sweep, "utc_now", lambda: datetime(2026, 1, 1, tzinfo=UTC))
    grid = config_file(tmp_path, {**TINY, "grid": {"topic_models.nmf.n_components": [2]}}, "g.yaml")
    first = sweep.run_sweep(grid, n_jobs=1, runs_dir=tmp_path / "runs")
    second = sweep.run_sweep(grid, n_jobs=1, runs_dir=tmp_path / "runs")
    assert first.summary_path != second.summary_path
    assert json.loads(first.summary_path.read_text())["points"]
    assert json.loads(second.summary_path.read_text())["points"]


def test_a_grid_point_with_an_invalid_config_stops_the_sweep_before_any_run(
    tmp_path: Path, capsys
) -> None:
    grid = config_file(tmp_path, {**TINY, "grid": {"sed": [0, 1]}}, "g.yaml")
    runs = tmp_path / "runs"
    assert main(["sweep", str(grid), "--runs-dir", str(runs)]) == 2
    line = error_line(capsys)
    assert "grid point 1 of 2" in line and "sed: unknown key" in line and "did you mean 'seed'" in line
    assert not runs.exists() or not any(runs.iterdir())  # no runs, no summary
    bad_value = config_file(tmp_path, {**TINY, "grid": {"topic_models.nmf.n_components": [3, "x"]}},
                            "v.yaml")
    assert main(["sweep", str(bad_value), "--runs-dir", str(runs)]) == 2
    assert "grid point 2 of 2" in error_line(capsys)
    assert not runs.exists() or not any(runs.iterdir())


def summary_written(capsys: pytest.CaptureFixture[str], says: str = "") -> Path:
    """The summary that ``topics sweep`` reported on stdout (after checking that it ``says``)."""
    out = capsys.readouterr().out
    assert says in out
    return Path(re.search(r"; summary (\S+\.sweep\.json)", out).group(1))


def test_a_stopped_sweep_says_which_points_ran_and_leaves_no_run_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Ctrl-C during point 1 of 3: point 0 finished, point 1 stopped (its worker, as if killed
    before it could record anything, left run.json "running": the sweep marks it failed), point 2
    never ran; a run of another sweep that is still running is left alone."""
    import topics.experiments.runner as runner
    import topics.experiments.store as store
    import topics.experiments.sweep as sweep

    runs = tmp_path / "runs"
    other = runs / "20260101T000000Z_other_00000000.partial"
    other.mkdir(parents=True)
    (other / "run.json").write_text(json.dumps(
        {"status": "running", "sweep": {"id": "20260101T000000Z_other", "point": 1}}))
    real_steps, real_fail = runner._run_steps, store.RunDirectory.fail

    def steps(config, *args, **kwargs):
        if config.seed == 1:
            raise KeyboardInterrupt
        return real_steps(config, *args, **kwargs)

    monkeypatch.setattr(runner, "_run_steps", steps)
    monkeypatch.setattr(store.RunDirectory, "fail", lambda *_: None)  # killed: nothing recorded
    grid = config_file(tmp_path, {**TINY, "grid": {"seed": [0, 1, 2]}}, "g.yaml")
    with pytest.raises(KeyboardInterrupt) as stop:
        sweep.run_sweep(grid, n_jobs=1, runs_dir=runs)
    (summary_path,) = runs.glob("*.sweep.json")
    assert any(f"sweep summary kept as {summary_path}" in n for n in stop.value.__notes__)
    summary = json.loads(summary_path.read_text())
    assert summary["status"] == "stopped"
    assert [p["status"] for p in summary["points"]] == ["finished", "stopped", "not run"]
    finished = json.loads((Path(summary["points"][0]["run"]) / "run.json").read_text())
    assert finished["sweep"] == {"id": summary["id"], "point": 0}
    stopped = json.loads((Path(summary["points"][1]["partial"]) / "run.json").read_text())
    assert stopped["status"] == "failed" and stopped["sweep"] == {"id": summary["id"], "point": 1}
    assert "KeyboardInterrupt: the sweep was stopped (Ctrl-C)" in stopped["error"]
    assert json.loads((other / "run.json").read_text())["status"] == "running"
    monkeypatch.setattr(store.RunDirectory, "fail", real_fail)
    monkeypatch.setattr(runner, "_run_steps", real_steps)
    assert main(["sweep", str(grid), "--runs-dir", str(runs), "--resume", str(summary_path)]) == 0
    resumed = json.loads(summary_written(capsys).read_text())
    assert resumed["status"] == "finished" and resumed["resumed_from"] == summary["id"]
    assert [p["status"] for p in resumed["points"]] == ["finished"] * 3
    assert resumed["points"][0]["run"] == summary["points"][0]["run"]  # kept, not run again
    assert resumed["points"][0]["kept_from"] == summary["id"]
    finished_runs = [p for p in runs.iterdir() if p.is_dir() and not p.name.endswith(".partial")]
    assert len(finished_runs) == 3
    # compared as a sweep: its summary stands for its finished runs, each once beside a glob
    assert len(topics.compare_runs(summary_path)) == 1
    everything = topics.compare_runs(sorted(runs.iterdir()), skip_unfinished=True)
    assert sorted(everything.index) == sorted(p.name for p in finished_runs)


def test_a_point_that_finished_as_the_sweep_stopped_is_recorded_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A point whose run finished (renamed from .partial) before its result reached the sweep
    was recorded "not run": only .partial runs were looked at."""
    import topics.experiments.sweep as sweep

    real_point = sweep._sweep_point

    def point(*args, **kwargs):
        done = real_point(*args, **kwargs)
        if done["index"] == 1:  # stopped between the run's end and its result's arrival
            raise KeyboardInterrupt
        return done

    monkeypatch.setattr(sweep, "_sweep_point", point)
    runs = tmp_path / "runs"
    grid = config_file(tmp_path, {**TINY, "grid": {"seed": [0, 1, 2]}}, "g.yaml")
    with pytest.raises(KeyboardInterrupt):
        sweep.run_sweep(grid, n_jobs=1, runs_dir=runs)
    (summary_path,) = runs.glob("*.sweep.json")
    points = json.loads(summary_path.read_text())["points"]
    assert [p["status"] for p in points] == ["finished", "finished", "not run"]
    run = json.loads((Path(points[1]["run"]) / "run.json").read_text())
    assert run["status"] == "finished" and run["sweep"]["point"] == 1
    assert points[1]["error"] is None and "partial" not in points[1]


def _worker_id(dask_worker) -> str:
    """Runs on a Dask worker: its id, as a sweep point records it in run.json."""
    return dask_worker.id


def _attempt(runs: Path, name: str, status: str, sweep: dict) -> Path:
    """A point's ``.partial`` attempt as its worker left it when it was killed."""
    folder = runs / f"{name}.partial"
    folder.mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps({"status": status, "sweep": sweep}))
    (folder / "run.log").write_text("INFO topics.experiments: [2/2] topic model nmf ...\n")
    return folder


def test_a_point_dask_reruns_after_losing_its_worker_cleans_up_its_attempts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed while it ran point 1 left that attempt's .partial "running" beside the
    rerun's finished run; a worker lost with point 0's result had the point run twice. Now the
    rerun removes the killed attempt and takes the finished run over, and touches nothing else."""
    from datetime import UTC, datetime

    import topics.experiments.sweep as sweep
    from topics.distributed import dask_client

    monkeypatch.setattr(sweep, "utc_now", lambda: datetime(2026, 1, 1, tzinfo=UTC))
    ours, runs = "20260101T000000Z_tiny", tmp_path / "runs"
    grid = config_file(tmp_path, {**TINY, "grid": {"seed": [0, 1]}}, "g.yaml")
    point_0 = topics.run_experiment(config_file(tmp_path, {**TINY, "seed": 0}), runs_dir=runs,
                                    sweep={"id": ours, "point": 0}, report=False)
    killed = _attempt(runs, "20260101T000001Z_tiny_8bf48881", "running",
                      {"id": ours, "point": 1, "worker": "Worker-killed"})
    with dask_client("local", n_workers=1) as cluster:
        (alive,) = cluster.run(_worker_id).values()
        kept = [_attempt(runs, name, status, sweep) for name, status, sweep in [
            ("20251231T000000Z_tiny_8bf48881", "running",  # another sweep's
             {"id": "20251231T000000Z_tiny", "point": 1, "worker": "Worker-killed"}),
            ("20260101T000002Z_tiny_8bf48881", "running", {"id": ours, "point": 1,
                                                           "worker": alive}),
            ("20260101T000003Z_tiny_8bf48881", "failed", {"id": ours, "point": 1,
                                                          "worker": "Worker-killed"}),
            ("20260101T000004Z_tiny_8bf48881", "running", {"id": ours, "point": 1})]]
        before = {folder: (folder / "run.json").read_text() for folder in kept}
        result = sweep.run_sweep(grid, runs_dir=runs, scheduler=cluster.scheduler.address)
    assert not killed.exists()
    assert {folder: (folder / "run.json").read_text() for folder in kept} == before
    summary = json.loads(result.summary_path.read_text())
    assert summary["id"] == ours and summary["status"] == "finished"
    assert [p["status"] for p in summary["points"]] == ["finished", "finished"]
    assert summary["points"][0]["run"] == str(point_0.path)  # taken over, not run again
    assert summary["points"][1]["retried"] == [str(killed)]
    finished = sorted(
        (info["sweep"]["point"], folder) for folder in runs.iterdir()
        if folder.is_dir() and not folder.name.endswith(".partial")
        for info in [json.loads((folder / "run.json").read_text())])
    assert finished == [(0, point_0.path), (1, Path(summary["points"][1]["run"]))]
    assert topics.load_run(finished[1][1]).info["sweep"] == {"id": ours, "point": 1,
                                                             "worker": alive}


def test_a_resumed_sweep_keeps_only_what_still_holds(tmp_path: Path, capsys) -> None:
    """A finished point whose base config changed since, or whose run was deleted, runs again;
    a summary of another grid, or a file that is no summary, is refused in one line."""
    import shutil

    runs = tmp_path / "runs"
    grid = config_file(tmp_path, {**TINY, "grid": {"seed": [0, 1]}}, "g.yaml")
    assert main(["sweep", str(grid), "--runs-dir", str(runs)]) == 0
    first = summary_written(capsys)
    points = json.loads(first.read_text())["points"]
    shutil.rmtree(points[1]["run"])
    assert main(["sweep", str(grid), "--runs-dir", str(runs), "--resume", str(first)]) == 0
    second = summary_written(capsys, "2 of 2 points finished (1 kept")
    resumed = json.loads(second.read_text())
    assert [bool(p.get("kept_from")) for p in resumed["points"]] == [True, False]
    before = sorted(runs.iterdir())
    assert main(["sweep", str(grid), "--runs-dir", str(runs), "--resume", str(second)]) == 0
    summary_written(capsys, "2 of 2 points finished (2 kept")  # nothing left to run
    assert [p for p in sorted(runs.iterdir()) if p not in before and p.is_dir()] == []
    changed = config_file(tmp_path, {**TINY, "topic_models": {"nmf": {"model": "nmf",
                          "n_components": 2}}, "grid": {"seed": [0, 1]}}, "g.yaml")
    assert main(["sweep", str(changed), "--runs-dir", str(runs), "--resume", str(first)]) == 0
    latest = json.loads(summary_written(capsys).read_text())
    assert not any(p.get("kept_from") for p in latest["points"])
    other = config_file(tmp_path, {**TINY, "grid": {"seed": [0, 1, 2]}}, "o.yaml")
    assert main(["sweep", str(other), "--runs-dir", str(runs), "--resume", str(first)]) == 2
    assert "that sweep ran another grid" in error_line(capsys)
    for bad in (grid, points[0]["run"] + "/run.json", tmp_path / "none.sweep.json"):
        assert main(["sweep", str(grid), "--runs-dir", str(runs), "--resume", str(bad)]) == 2
        assert error_line(capsys).startswith("topics sweep: error: --resume ")


def test_a_sweep_is_resumed_in_its_own_runs_folder(tmp_path: Path, capsys) -> None:
    """Resumed into another --runs-dir, the new summary listed kept runs that live beside the old
    one: `topics compare NEW.sweep.json` then found none of them."""
    runs, elsewhere = tmp_path / "runs", tmp_path / "elsewhere"
    grid = config_file(tmp_path, {**TINY, "grid": {"seed": [0, 1]}}, "g.yaml")
    assert main(["sweep", str(grid), "--runs-dir", str(runs)]) == 0
    first = summary_written(capsys)
    assert main(["sweep", str(grid), "--runs-dir", str(elsewhere), "--resume", str(first)]) == 2
    line = error_line(capsys)
    assert f"--resume {first}: that sweep's runs are in {runs}" in line
    assert f"(--runs-dir {runs}); nothing was run" in line
    assert not elsewhere.exists()
    assert main(["sweep", str(grid), "--runs-dir", str(runs), "--resume", str(first)]) == 0
    assert len(topics.compare_runs(summary_written(capsys, "(2 kept"))) == 2


@pytest.mark.slow
def test_sigterm_stops_a_parallel_sweep_and_marks_its_workers_runs_failed(tmp_path: Path) -> None:
    """The workers are killed with the sweep; the runs they left say so, the summary too."""
    slow = {**TINY, "corpus": {"unit": "paragraph"}, "grid": {"seed": [0, 1, 2]},
            "topic_models": {"lda": {"model": "lda", "iterations": 100000}}}
    path = config_file(tmp_path, slow, "g.yaml")
    runs = tmp_path / "runs"
    err = sigterm_once_logging(["sweep", str(path), "--runs-dir", str(runs), "--n-jobs", "2"],
                               runs, 2)
    assert "terminated (SIGTERM); sweep summary kept as" in err
    assert "leaked semaphore" not in err  # the killed workers held none (topics.progress)
    partials = sorted(runs.glob("*.partial"))
    assert len(partials) == 2
    for partial in partials:
        info = json.loads((partial / "run.json").read_text())
        assert info["status"] == "failed" and "Terminated" in info["error"], info
    time.sleep(3)  # no worker lives on to finish a point after the sweep said it stopped
    assert sorted(runs.glob("*.partial")) == partials
    assert not [p for p in runs.iterdir() if p.is_dir() and not p.name.endswith(".partial")]
    (summary_path,) = runs.glob("*.sweep.json")
    summary = json.loads(summary_path.read_text())
    assert summary["status"] == "stopped"
    assert sorted(p["status"] for p in summary["points"]) == ["not run", "stopped", "stopped"]


def test_progress_loops_stop_after_a_swallowed_ctrl_c() -> None:
    """Seeds, sweeps and other tracked loops are checkpoints too."""
    from topics.progress import track

    with termination.signals_handled():
        with contextlib.suppress(KeyboardInterrupt):  # a Ctrl-C, swallowed
            termination.on_signal(signal.SIGINT, None)
        with pytest.raises(KeyboardInterrupt):
            list(track(range(3), verbose=False))
    assert list(track(range(3), verbose=False)) == [0, 1, 2]  # forgotten after the command


def test_a_batch_stops_after_a_swallowed_sigterm_and_writes_no_output(tmp_path: Path) -> None:
    """Every chunk is a checkpoint: the atomic output never appears as if the batch had finished."""
    from topics.classifier.batch import classify_inputs

    (tmp_path / "a.txt").write_text("Vietnam und Laos öffnen einen neuen Grenzübergang.",
                                    encoding="utf-8")
    output = tmp_path / "out.jsonl"
    with termination.signals_handled():
        with contextlib.suppress(termination.Terminated):
            termination.on_signal(signal.SIGTERM, None)
        with pytest.raises(termination.Terminated):
            classify_inputs([str(tmp_path / "a.txt")], output=output)
    assert not output.exists() and not list(tmp_path.glob("*.tmp*"))


def _executing(dask_worker) -> int:
    """Runs on a Dask worker: the tasks it is executing now."""
    return len(dask_worker.state.executing)


@pytest.mark.slow
def test_a_stopped_sweep_stops_its_points_on_a_cluster_that_outlives_it(tmp_path: Path) -> None:
    """A remote cluster is not closed with the sweep: its point under way stops at its next
    checkpoint (asked through a Dask event) and marks its run failed, instead of running on."""
    from topics.distributed import dask_client

    slow = {**TINY, "corpus": {"unit": "paragraph"}, "grid": {"seed": [0, 1]},
            "topic_models": {"lda": {"model": "lda", "iterations": 100000}}}
    path = config_file(tmp_path, slow, "g.yaml")
    runs = tmp_path / "runs"
    with dask_client("local", n_workers=1) as cluster:  # "remote": the sweep only connects
        address = cluster.scheduler.address
        err = sigterm_once_logging(["sweep", str(path), "--runs-dir", str(runs), "--scheduler",
                                    address], runs, 1)
        assert "terminated (SIGTERM); sweep summary kept as" in err
        deadline = time.monotonic() + 60
        while sum(cluster.run(_executing).values()) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert sum(cluster.run(_executing).values()) == 0, "the point ran on after the sweep"
    (partial,) = runs.glob("*.partial")
    info = json.loads((partial / "run.json").read_text())
    assert info["status"] == "failed" and "Terminated" in info["error"], info
    summary = json.loads(next(runs.glob("*.sweep.json")).read_text())
    assert sorted(p["status"] for p in summary["points"]) == ["not run", "stopped"]


def test_stop_when_stops_only_its_own_thread_and_only_inside() -> None:
    """A task on a worker thread is stopped by its own check; other threads and the code after
    the block are not; the check is asked at most every ``every`` seconds."""
    import threading

    asked: list[bool] = []

    def check() -> bool:
        asked.append(True)
        return True

    other: list[BaseException | None] = []

    def elsewhere() -> None:
        try:
            termination.raise_if_requested()
            other.append(None)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            other.append(exc)

    with termination.stop_when(check, "asked to stop", every=3600):
        termination.raise_if_requested()  # not asked yet: the first hour has not passed
        assert asked == []
    with termination.stop_when(check, "asked to stop", every=0.0):
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
        with pytest.raises(termination.Terminated, match="asked to stop"):
            termination.raise_if_requested()
    assert other == [None] and asked == [True]
    termination.raise_if_requested()  # after the block: nothing


class _RaisesWhenCollected:
    """An object whose finaliser raises: where a signal's exception lands when the handler runs
    inside the garbage collector's callbacks."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __del__(self) -> None:
        raise self.error


def test_a_signal_inside_a_finaliser_prints_no_traceback(monkeypatch) -> None:
    """Python can only print an exception raised in a finaliser ("Exception ignored in ...",
    through ``sys.unraisablehook``); a signal's is remembered and raised again at the next
    checkpoint, so it is not printed. Any other exception there still is."""
    reached: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: reached.append(repr(info.exc_value)))
    with termination.signals_handled():
        _RaisesWhenCollected(KeyboardInterrupt())
        _RaisesWhenCollected(termination.Terminated("x"))
        _RaisesWhenCollected(ValueError("a real bug"))
    _RaisesWhenCollected(KeyboardInterrupt())  # outside a command: Python's own behaviour
    assert reached == ["ValueError('a real bug')", "KeyboardInterrupt()"]


def test_ctrl_c_in_a_run_is_named_in_its_record(tmp_path: Path, monkeypatch) -> None:
    """KeyboardInterrupt has no message: run.json and the log say Ctrl-C, not nothing."""
    import topics.experiments.runner as runner

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_run_steps", interrupted)
    runs = tmp_path / "runs"
    with pytest.raises(KeyboardInterrupt):
        topics.run_experiment(config_file(tmp_path, TINY), runs_dir=runs)
    (partial,) = runs.glob("*.partial")
    assert json.loads((partial / "run.json").read_text())["error"] == "KeyboardInterrupt (Ctrl-C)"
    assert "run failed: KeyboardInterrupt (kept as" in (partial / "run.log").read_text()
