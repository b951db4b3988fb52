"""The classifier benchmark's batch and fit parts run and report every figure (slow tier).

Nothing is timed against a limit here: only that the scripts the README's speed table comes from
still run on this checkout and report finite figures, the floors beside the targets included.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from .conftest import load_script

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _bench_classifier():
    return load_script("benchmarks/bench_classifier.py")


def test_the_batch_and_fit_parts_report_their_floors() -> None:
    bench = _bench_classifier()
    predict = bench.predict_figures(1, "topics.load_corpus()")
    fit = bench.fit_figures(1)
    for value in (predict["cleaning_cpu_s"], predict["tokenising_cpu_s"],
                  predict["reading_share_of_peer"], fit["gram_cpu_s"], fit["factor_cpu_s"]):
        assert math.isfinite(value) and value > 0
    assert fit["gram_cpu_s"] + fit["factor_cpu_s"] < fit["cpu_s"]  # timed inside the same fits
