"""The BERTopic default gives the same numbers on any machine (simulated in subprocesses).

Each "machine" is a fresh interpreter whose environment changes what the numerical libraries do:
OpenBLAS kernels for another CPU (``OPENBLAS_CORETYPE``), numpy without its AVX2/FMA code paths
(``NPY_DISABLE_CPU_FEATURES``), glibc's libm without FMA variants (``GLIBC_TUNABLES``), numba
compiling for another CPU, more BLAS/OpenMP threads, another hash seed. The fitted topics,
assignments, metrics (fit time aside) and the topics of new texts must be byte-identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

_CHILD = """
import json, topics
units = topics.load_corpus().units("paragraph")
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
    "older-cpu": {"OPENBLAS_CORETYPE": "Nehalem", "NPY_DISABLE_CPU_FEATURES": "X86_V3",
                  "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX", "NUMBA_CPU_NAME": "nehalem",
                  "PYTHONHASHSEED": "1"},
    "more-threads": {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2",
                     "NUMBA_NUM_THREADS": "2", "OPENBLAS_CORETYPE": "Sandybridge",
                     "PYTHONHASHSEED": "7"},
}


def _fit(extra: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_VARIABLES)}
    env.update(extra)
    done = subprocess.run([sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True,
                          timeout=900)
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[-1][len("RESULT "):])


def test_bertopic_default_is_identical_on_simulated_machines() -> None:
    results = {name: _fit(extra) for name, extra in MACHINES.items()}
    host = results.pop("host")
    assert len(set(host["assignments"])) > 1  # a real partition, not one topic
    for name, result in results.items():
        for part in ("assignments", "topics", "metrics", "new"):
            assert result[part] == host[part], f"{name}: {part} differ from the host's"


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
