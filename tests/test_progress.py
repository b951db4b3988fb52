"""Progress bars (tqdm, with ETA) and the ``topics`` logger: on for people, off in tests, off with
``--quiet`` / ``verbose=False``."""

from __future__ import annotations

import io
import logging

import pytest
import yaml

import topics
from topics import progress
from topics.cli import main


@pytest.fixture(scope="module")
def small_corpus():
    return topics.load_corpus().subset(list(range(0, 137, 7)))


def test_off_under_pytest_on_when_asked(monkeypatch) -> None:
    assert not progress.enabled()  # PYTEST_CURRENT_TEST is set
    with progress.verbosity(True):
        assert progress.enabled()
        with progress.verbosity(None):  # None leaves the setting alone
            assert progress.enabled()
        with progress.verbosity(False):
            assert not progress.enabled()
    monkeypatch.setenv("TOPICS_PROGRESS", "1")
    assert progress.enabled()
    progress.set_verbose(False)
    try:
        assert not progress.enabled()
    finally:
        progress.set_verbose(None)


def test_bar_shows_counts_rate_and_eta() -> None:
    out = io.StringIO()
    with progress.progress(total=3, desc="folds", unit="fold", verbose=True, file=out,
                           mininterval=0) as bar:
        for _ in range(3):
            bar.update()
    text = out.getvalue()
    assert "folds" in text and "3/3" in text and "fold/s" in text and "<" in text  # elapsed<eta
    assert "\r" not in text  # not a terminal: whole lines, for logs
    assert all(line.startswith("folds") for line in text.splitlines())


def test_off_means_silent() -> None:
    out = io.StringIO()
    assert list(progress.track(range(3), desc="x", file=out)) == [0, 1, 2]
    with progress.progress(total=2, desc="y", file=out) as bar:
        bar.update(2)
    assert out.getvalue() == ""


def test_nesting_is_bounded() -> None:
    out = io.StringIO()
    with progress.verbosity(True), progress.progress(total=1, desc="outer", file=out) as a, \
            progress.progress(total=1, desc="middle", file=out) as b, \
            progress.progress(total=1, desc="inner", file=out) as c:
        a.update(), b.update(), c.update()
    text = out.getvalue()
    assert "outer" in text and "middle" in text and "inner" not in text  # MAX_DEPTH = 2


def test_fit_topic_model_verbose(small_corpus, capsys, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="topics"):
        topics.fit_topic_model(small_corpus, "nmf", "article", seed=0, verbose=True,
                               n_components=3)
    err = capsys.readouterr().err
    assert "nmf seed 0" in err and "2/2" in err and "stage" in err
    messages = [r.getMessage() for r in caplog.records if r.name == "topics.topic_models"]
    assert any(m.startswith("fitting nmf on 20 articles") for m in messages)
    assert any("3 topics" in m for m in messages)
    topics.fit_topic_model(small_corpus, "nmf", "article", seed=0, verbose=False, n_components=3)
    assert capsys.readouterr().err == ""


def test_cross_validation_and_classifier_fit_bars(small_corpus, capsys) -> None:
    # the two scikit-learn peers alone: the same bar as with the classifier, in a fraction
    topics.evaluate_classifiers(small_corpus, {}, n_splits=2, seeds=(0,), verbose=True)
    err = capsys.readouterr().err
    assert "cross-validation" in err and "4/4" in err and "fit/s" in err
    with progress.verbosity(True):
        topics.ArticleClassifier(cv=2, features="words").fit(small_corpus.texts, small_corpus.labels)
    assert "classifier fit" in capsys.readouterr().err


def test_run_experiment_bar_and_quiet_cli(tmp_path, capsys, monkeypatch) -> None:
    config = {"name": "bars", "corpus": {"limit": 12, "unit": "article"},
              "topic_models": {"nmf": {"n_components": 2}}, "classifier": {"enabled": False},
              "outputs": {"figures": False, "save_models": False}}
    topics.run_experiment(config, runs_dir=tmp_path / "a", verbose=True)
    err = capsys.readouterr().err
    assert "run bars" in err and "2/2" in err and "step" in err
    path = tmp_path / "bars.yaml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setenv("TOPICS_PROGRESS", "1")  # as outside pytest
    assert main(["run", str(path), "--runs-dir", str(tmp_path / "b"), "--no-report"]) == 0
    err = capsys.readouterr().err
    assert "run bars" in err and "[1/2] load corpus" in err  # bar and step log
    assert main(["-q", "run", str(path), "--runs-dir", str(tmp_path / "c"), "--no-report"]) == 0
    assert capsys.readouterr().err == ""


def test_a_notebook_gets_redrawn_bars() -> None:
    """ipykernel's stderr is no terminal, but renders ``\\r`` updates: one bar, redrawn in place."""

    class OutStream(io.StringIO):
        pass

    OutStream.__module__ = "ipykernel.iostream"
    out = OutStream()
    with progress.progress(total=2, desc="nb", verbose=True, file=out, mininterval=0) as bar:
        bar.update(2)
    assert "\r" in out.getvalue() and "2/2" in out.getvalue()


def _lock_in_a_worker() -> str:
    """Run in a spawned process: draw a silent bar, report tqdm's lock type."""
    from tqdm.std import tqdm

    from topics import progress as worker_progress

    with worker_progress.progress(range(2), verbose=False) as bar:
        list(bar)
    return type(tqdm.get_lock()).__name__


def test_a_worker_process_holds_no_semaphore_for_its_bars() -> None:
    """A spawned worker's bars take a thread lock (a worker killed when a sweep stops leaks no
    semaphore); this, the main process, keeps tqdm's own lock."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from tqdm.std import tqdm

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_lock_in_a_worker).result(timeout=120) == "RLock"
    with progress.progress(range(2), verbose=False) as bar:
        list(bar)
    assert type(tqdm.get_lock()).__name__ == "TqdmDefaultWriteLock"
