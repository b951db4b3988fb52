"""The classifier benchmark's batch and fit parts run and print every figure (slow tier).

Nothing is timed against a limit here: only that the scripts the README's speed table comes from
still run on this checkout and report finite figures, the floors beside the targets included.
"""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _bench_classifier():
    sys.path.insert(0, str(REPO / "benchmarks"))
    spec = importlib.util.spec_from_file_location("bench_classifier",
                                                  REPO / "benchmarks" / "bench_classifier.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _figure(output: str, label: str) -> float:
    """The figure printed on the line that starts with ``label`` (``_line``: name, then value)."""
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return float(re.search(r"(-?\d+\.\d{3}) ", line[62:]).group(1))


def test_the_batch_and_fit_parts_report_their_floors(capsys) -> None:
    _bench_classifier().main(["--only", "predict", "fit", "--repeat", "1"])
    output = capsys.readouterr().out
    reading = _figure(output, "ours, reading the pages alone (prose paragraphs, then tokens)")
    share = _figure(output, "reading alone / the peer's whole prediction")
    gram = _figure(output, "of ours: the Gram matrix of the training rows")
    factor = _figure(output, "of ours: its Cholesky factor and inverse")
    fit = _figure(output, "fit, one training fold (")
    for value in (reading, share, gram, factor):
        assert math.isfinite(value) and value > 0
    assert gram + factor < fit  # parts of the same fits, timed inside them
