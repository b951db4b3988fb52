"""Shared fixtures: the repository's seeds and the 10kGNAD sample beside the repository."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

import topics

# Depth of the property tests, chosen with HYPOTHESIS_PROFILE (default: hypothesis's own defaults).
# "deep" hunts for rare inputs: HYPOTHESIS_PROFILE=deep pytest tests/test_cleaning.py. Tests
# with their own @settings(max_examples=...) keep that number under every profile.
settings.register_profile("deep", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
GNAD_CSV = Path(
    os.environ.get("TOPICS_10KGNAD", REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv")
)
GNAD_OPTIONS = dict(text_column=1, label_column=0, delimiter=";", quotechar="'", header=False)


def load_script(relative: str) -> ModuleType:
    """A script of the repository (``benchmarks/...``, ``experiments/...``, ``scripts/...``) loaded
    as a module: its folder put on ``sys.path`` for its own imports, the module registered under its
    file's stem (dataclasses look their module up by name)."""
    path = REPO / relative
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None, f"no script at {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def user_warnings(call: Callable[[], object]) -> list[str]:
    """The messages of the UserWarnings ``call()`` gives, in order, every one (none filtered)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def write_jsonl_corpus(path: Path, n: int) -> Path:
    """The first ``n`` shipped articles as a JSON Lines corpus file at ``path``."""
    corpus = topics.load_corpus()
    rows = zip(corpus.ids[:n], corpus.texts[:n], corpus.labels[:n], strict=True)
    path.write_text("".join(json.dumps({"id": i, "text": t, "labels": list(labels)},
                                       ensure_ascii=False) + "\n" for i, t, labels in rows),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def shipped_corpus() -> topics.Corpus:
    """The 217 articles shipped with the package (70 without a label)."""
    return topics.load_corpus()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The five seed articles, raw, by id."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def gnad_corpus() -> topics.Corpus:
    """The 721-article 10kGNAD sample, read from ../shared (skipped where it is absent)."""
    if not GNAD_CSV.exists():
        pytest.skip(
            f"10kGNAD sample not found at {GNAD_CSV}; set TOPICS_10KGNAD to its articles.csv"
        )
    return topics.load_corpus(GNAD_CSV, **GNAD_OPTIONS)


REPORT_CONFIG = {
    "name": "report",
    "corpus": {"limit": 40, "unit": "paragraph"},
    "topic_models": {"nmf": {"model": "nmf", "n_components": 4}, "lda": {"model": "lda", "k": 4}},
    "classifier": {"evaluation": {"n_splits": 3, "seeds": [0], "peers": False}},
    "outputs": {"figures": False, "report": False},
}


@pytest.fixture(scope="session")
def report_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small finished run with two saved topic models and the classifier, for report tests."""
    run = topics.run_experiment(REPORT_CONFIG, runs_dir=tmp_path_factory.mktemp("report_runs"))
    return run.path


@pytest.fixture(scope="session")
def report_html(report_run_dir: Path) -> Path:
    """``report.html`` of :func:`report_run_dir`."""
    return topics.write_report(report_run_dir)
