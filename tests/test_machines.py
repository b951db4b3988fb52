"""The same config gives the same numbers on any machine (machines simulated in subprocesses).

Each "machine" is a fresh interpreter whose environment changes what the numerical libraries do:
OpenBLAS kernels for another CPU (``OPENBLAS_CORETYPE``), numpy without its AVX2/FMA code paths
(``NPY_DISABLE_CPU_FEATURES``), glibc's libm without FMA variants (``GLIBC_TUNABLES``), numba
compiling for another CPU, tomotopy asked for another instruction set (``TOMOTOPY_ISA``), more
BLAS/OpenMP threads, another hash seed. The BERTopic default's topics, assignments, metrics (fit
time aside) and the topics of new texts must be byte-identical; so must a reduced reference config
run end to end by ``topics run`` (all three topic-model families, the classifier and its peers):
its ``metrics.json``, every per-document table, the classifier's tables and the trained classifier's
file, byte for byte; the fitted topic models' arrays to 1e-10 (BLAS kernels of another CPU move
their last bits).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

_CHILD = """
import json, sys, topics
articles = int(sys.argv[1]) if len(sys.argv) > 1 else None  # the first n articles only
corpus = topics.load_corpus()
if articles:
    corpus = topics.Corpus(list(corpus)[:articles], name="first")
units = corpus.units("paragraph")
result = topics.fit_topic_model(units, "bertopic", "paragraph", seed=0)
new = ["Vietnam und Kambodscha öffnen einen neuen Grenzübergang für den Handel.",
       "Das Ministerium digitalisiert die Verwaltung der Provinzen.",
       "Die Marine beider Länder übt gemeinsam im Südchinesischen Meer."]
payload = {
    "assignments": result.assignments.tolist(),
    "topics": {str(k): [[w, repr(s)] for w, s in v] for k, v in result.topics.items()},
    "metrics": {k: repr(v) for k, v in sorted(result.metrics.items()) if "seconds" not in k},
    "new": result.assign(new),
}
print("RESULT " + json.dumps(payload, sort_keys=True, ensure_ascii=False))
"""

_VARIABLES = ("OPENBLAS_", "NPY_", "OMP_", "MKL_", "TOMOTOPY_", "NUMBA_", "GLIBC_", "PYTHONHASHSEED",
              "TOPICS_PIN")
MACHINES: dict[str, dict[str, str]] = {
    "host": {"PYTHONHASHSEED": "0"},
    # numpy's baseline kernels: X86_V3 alone leaves the AVX-512 groups on (numpy warns, quietly, of
    # groups the CPU lacks)
    "older-cpu": {"OPENBLAS_CORETYPE": "Nehalem",
                  "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
                  "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX", "NUMBA_CPU_NAME": "nehalem",
                  "TOMOTOPY_ISA": "avx2", "PYTHONHASHSEED": "1"},
    "more-threads": {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2",
                     "NUMBA_NUM_THREADS": "2", "OPENBLAS_CORETYPE": "Sandybridge",
                     "TOMOTOPY_ISA": "avx512", "PYTHONHASHSEED": "7"},
}


def _machine(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without the variables a machine sets, then that machine's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_VARIABLES)}
    env.update(extra)
    return env


def _fit(extra: dict[str, str], *args: str) -> dict:
    env = _machine(extra)
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], env=env, capture_output=True,
                          text=True, timeout=900)
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


def _same_on_every_machine(*args: str) -> dict:
    """The default's fit (``_CHILD`` with ``args``) on every simulated machine: partition, words,
    metrics and new texts' topics identical to the host's, which is returned."""
    results = {name: _fit(extra, *args) for name, extra in MACHINES.items()}
    host = results.pop("host")
    for name, result in results.items():
        for part in ("assignments", "topics", "metrics", "new"):
            assert result[part] == host[part], f"{name}: {part} differ from the host's"
    return host


def test_bertopic_default_is_identical_on_simulated_machines() -> None:
    host = _same_on_every_machine()
    assert len(set(host["assignments"])) > 1  # a real partition, not one topic


def test_a_cut_topic_is_cut_the_same_on_simulated_machines() -> None:
    """The first 25 shipped articles as paragraphs: the rule's four topics leave one with 57 % of
    the units, which the default cuts (``max_topic_share``); the cuts and their k-means give the
    same partition, words and metrics on every simulated machine."""
    host = _same_on_every_machine("25")
    assert len(set(host["assignments"])) > 4  # cut: more topics than the rule's four


_POOLS = """
import json
from threadpoolctl import threadpool_info
from topics.numerics import fixed_threads
with fixed_threads(1):  # numpy, scipy's BLAS and scikit-learn's OpenMP not loaded before
    import scipy.linalg, sklearn.decomposition
    inside = [(pool["filepath"], pool["num_threads"]) for pool in threadpool_info()]
print("RESULT " + json.dumps(inside))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every pool has one thread anyway")
def test_the_thread_limit_reaches_libraries_first_loaded_inside_a_fit() -> None:
    """A fresh process's first fit runs on one thread too (threadpoolctl limits only loaded pools)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_VARIABLES)}
    done = subprocess.run([sys.executable, "-c", _POOLS], capture_output=True, text=True, env=env,
                          check=True, timeout=300)
    inside = json.loads(done.stdout.split("RESULT ", 1)[1])
    assert len(inside) >= 3  # numpy's and scipy's OpenBLAS, scikit-learn's OpenMP
    assert all(threads == 1 for _, threads in inside), inside


REPO = Path(__file__).resolve().parents[1]
# The main job's config, one seed and three folds: every family, the classifier and its peers.
_REDUCED = ["--set", "evaluation.seeds=[0]", "--set", "classifier.evaluation.n_splits=3"]
# The fitted topic models' arrays (SVD embedding, NMF factors) come from BLAS kernels that sum in
# another order on another CPU: they agree to ~1e-13, not bit for bit. What they decide (topics,
# assignments, words, metrics) is compared exactly.
_ARRAY_TOLERANCE = 1e-10


def _run_reference(extra: dict[str, str], runs: Path) -> tuple[dict[str, str], dict]:
    """sha256 of the run's metrics.json, per-document and classifier tables, classifier file; the
    topic models' arrays."""
    from safetensors.numpy import load_file

    done = subprocess.run(
        [sys.executable, "-m", "topics.cli", "-q", "run",
         str(REPO / "experiments/configs/vietnam.yaml"), *_REDUCED, "--no-report",
         "--runs-dir", str(runs)],
        env=_machine(extra), capture_output=True, text=True, timeout=900, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (run,) = runs.iterdir()
    exact = [run / "metrics.json", run / "models" / "classifier.safetensors",
             *sorted((run / "documents").glob("*.csv")),
             *sorted((run / "tables").glob("classifier_*.csv"))]
    hashes = {str(f.relative_to(run)): hashlib.sha256(f.read_bytes()).hexdigest() for f in exact}
    arrays = {}
    for path in sorted((run / "models").glob("topics_*/*")):
        name = str(path.relative_to(run))
        if path.suffix == ".npy":
            arrays[name] = np.load(path)
        elif path.suffix == ".safetensors":
            arrays.update({f"{name}:{k}": v for k, v in load_file(path).items()})
    return hashes, arrays


def test_a_reduced_reference_config_is_identical_on_simulated_machines(tmp_path: Path) -> None:
    results = {name: _run_reference(extra, tmp_path / name) for name, extra in MACHINES.items()}
    host_hashes, host_arrays = results.pop("host")
    assert {"metrics.json", "documents/topics_lda.csv", "documents/topics_nmf.csv",
            "documents/topics_bertopic.csv"} <= set(host_hashes)
    assert any("topics_lda" in name for name in host_arrays)
    for name, (hashes, arrays) in results.items():
        differ = sorted(path for path in host_hashes if hashes.get(path) != host_hashes[path])
        assert not differ, f"{name}: {differ} differ from the host's"
        assert arrays.keys() == host_arrays.keys()
        for key, array in arrays.items():
            assert array.shape == host_arrays[key].shape, key
            assert np.allclose(array, host_arrays[key], rtol=0, atol=_ARRAY_TOLERANCE), (
                f"{name}: {key} differs from the host's by more than {_ARRAY_TOLERANCE}")
