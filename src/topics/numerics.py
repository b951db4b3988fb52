"""The numerical environment: fixed for every fit, recorded for every run.

What leaks the machine into topic-model numbers, and what this module does about it (measured on
simulated machines: experiments/results/topic_model_selection/README.md, tests/test_machines.py):

* numba compiles UMAP's and pynndescent's code for the host CPU (AVX2, FMA, ``fastmath``): the same
  BERTopic fit gave 5 or 13 topics by CPU. :func:`pin_environment` sets ``NUMBA_CPU_NAME=generic``
  before numba is imported (code every x86-64 runs the same way). The default BERTopic route runs no
  numba code at all; the pin protects the UMAP/HDBSCAN options.
* tomotopy picks an instruction set when it is imported (``TOMOTOPY_ISA``: avx512/avx2/sse2/none),
  and its LDA numbers depend on it: pinned to ``sse2``, which every x86-64 CPU has.
* numpy picks SIMD kernels when it is imported (AVX2 or AVX-512 code paths of its ufuncs and
  sorts). UMAP + HDBSCAN (the peer ``bertopic_default``, the ``reduction="umap"`` option) gave
  other topics on an AVX-512 Intel Xeon than on an AVX2 AMD EPYC (10kGNAD, mean NMI 0.362 against
  0.359). On x86-64, :func:`pin_environment` switches numpy's AVX-512 groups off
  (``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"``) before numpy is imported: AVX2
  kernels on every AVX2 machine, at a cost within the noise (classifier fit and prediction within
  3 % of AVX-512's). Disabling, not ``NPY_ENABLE_CPU_FEATURES=X86_V3``: numpy ignores a disabled
  group the CPU lacks but refuses to import when asked to enable one. The group names are numpy
  2.4's, the locked version; :func:`numpy_simd` records what another numpy did. ``import topics``
  pins it, so it must come before ``import numpy`` for the pin to hold; child processes inherit
  it. An explicit ``NPY_DISABLE_CPU_FEATURES`` or ``NPY_ENABLE_CPU_FEATURES`` is kept (numpy
  refuses both at once). A CPU without AVX2 runs numpy's baseline kernels: the project's defaults
  give the same numbers there (simulated in tests/test_machines.py), the UMAP route may not.
* BLAS and OpenMP thread counts change the order of float sums (scikit-learn's k-means reduces
  per-thread partial sums; OpenBLAS splits products by thread): :func:`fixed_threads` runs a fit
  with one thread (threadpoolctl), whatever the machine has.
* Last-bit differences that remain (BLAS kernels chosen for the CPU, libm's FMA and non-FMA
  variants) must not reach a result through a discrete decision: topic-word weights are rounded
  before words are ranked (ties by word), similarities before neighbours are ranked (ties by
  index), and stored metrics are rounded to 10 significant digits (:func:`stable_float`).

:func:`numerics` and :func:`cpu` record what decides the numbers (``environment.json``), so that a
stored run can tell why it differs: CPU model and instruction-set flags, BLAS/OpenMP libraries with
their kernels and threads, tomotopy's instruction set, the CPU numba compiles for, and the
variables in :data:`NUMERIC_ENV`. ``TOPICS_PIN_NUMERICS=0`` switches the pin off (to see what the
machine does; never for results).
"""

from __future__ import annotations

import functools
import importlib
import math
import numbers
import os
import platform
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "FIT_THREADS",
    "MAX_SEED",
    "check_seeds",
    "repeated_seeds_problem",
    "seed_problem",
    "STABLE_DIGITS",
    "STABLE_FLOAT_FORMAT",
    "NUMERIC_ENV",
    "PINNED_ENV",
    "POOL_MODULES",
    "cpu",
    "fixed_threads",
    "numerics",
    "numpy_simd",
    "pin_environment",
    "pinned",
    "stable_float",
    "stable_metrics",
]

_X86_64 = platform.machine().lower() in ("x86_64", "amd64")
#: Set before the library that reads it is imported; every x86-64 CPU runs these identically
#: (numpy's: every x86-64 CPU with AVX2).
PINNED_ENV: dict[str, str] = {
    "NUMBA_CPU_NAME": "generic",
    "TOMOTOPY_ISA": "sse2",
    **({"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"} if _X86_64 else {}),
}
_READ_BY = {
    "NUMBA_CPU_NAME": "numba",
    "TOMOTOPY_ISA": "tomotopy",
    "NPY_DISABLE_CPU_FEATURES": "numpy",
}
# numpy's own choice, set by the user, is kept: numpy refuses the two variables together
_NUMPY_CHOICE = ("NPY_ENABLE_CPU_FEATURES", "NPY_DISABLE_CPU_FEATURES")

#: BLAS/OpenMP threads of every fit.
FIT_THREADS = 1
MAX_SEED = 2**32 - 1  # numpy's, scikit-learn's and tomotopy's seeds are 32-bit

#: Environment variables that can change numbers: threads, instruction sets, kernels, hashing.
NUMERIC_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "NUMBA_CPU_NAME",
    "NUMBA_CPU_FEATURES",
    "OPENBLAS_CORETYPE",
    "NPY_DISABLE_CPU_FEATURES",
    "NPY_ENABLE_CPU_FEATURES",
    "GLIBC_TUNABLES",
    "TOMOTOPY_ISA",
    "PYTHONHASHSEED",
    "TOPICS_PIN_NUMERICS",
)
# instruction-set extensions that decide which kernels numerical libraries pick
_ISA_FLAGS = ("sse2", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
              "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "neon", "asimd", "sve")

F = TypeVar("F", bound=Callable[..., Any])


def pin_environment(libraries: Collection[str] | None = None) -> dict[str, str]:
    """Pin numba's target CPU, tomotopy's instruction set and numpy's SIMD kernels for libraries
    not imported yet.

    Parameters
    ----------
    libraries : collection of str, optional
        Only these (``"numba"``, ``"tomotopy"``, ``"numpy"``); default all. ``import topics`` pins
        numpy alone, the one loaded before any fit; the others are pinned when a fit starts.

    Returns
    -------
    dict of str to str
        The values in force (a library imported before this call keeps what it chose;
        :func:`numerics` records what it chose).
    """
    if os.environ.get("TOPICS_PIN_NUMERICS", "1") != "0":
        for key, value in PINNED_ENV.items():
            if libraries is not None and _READ_BY[key] not in libraries:
                continue
            if _READ_BY[key] in sys.modules:  # imported before: it keeps its choice
                continue
            if _READ_BY[key] == "numpy" and any(os.environ.get(k) for k in _NUMPY_CHOICE):
                continue  # numpy's kernels chosen explicitly (or pinned already)
            os.environ[key] = value
            if key == "NUMBA_CPU_NAME":
                    os.environ.pop("NUMBA_CPU_FEATURES", None)  # "generic" means no extra features
    return {key: os.environ.get(key, "") for key in PINNED_ENV}


#: Modules that load the native thread pools fits use: numpy's and scipy's OpenBLAS (two libraries)
#: and scikit-learn's OpenMP runtime.
POOL_MODULES = ("numpy", "scipy.linalg", "sklearn.utils._openmp_helpers")


@contextmanager
def fixed_threads(n: int = FIT_THREADS, modules: Sequence[str] = POOL_MODULES) -> Iterator[None]:
    """BLAS and OpenMP limited to ``n`` threads for the duration (threadpoolctl).

    threadpoolctl limits only the libraries loaded when the block starts; one loaded inside keeps
    its default (every core). So ``modules`` are imported first: without it, the first fit of a
    fresh process ran scipy's BLAS and scikit-learn's OpenMP on every core (last-bit differences
    from the next fit, and threads spinning on a busy machine).
    """
    from threadpoolctl import threadpool_limits

    for name in modules:
        importlib.import_module(name)
    with threadpool_limits(limits=n):
        yield


def pinned(fit: F) -> F:
    """Run ``fit`` in the fixed environment: pinned libraries, one BLAS/OpenMP thread.

    The wrapper keeps the signature, annotations and docstring, so settings schemas read from it
    are those of ``fit``.
    """

    @functools.wraps(fit)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        pin_environment()
        with fixed_threads(FIT_THREADS):
            return fit(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: Significant digits of a stored float: last-bit noise of another machine stays below them.
STABLE_DIGITS = 10
#: ``printf`` format of a float in stored tables, the same rounding as :func:`stable_float`.
STABLE_FLOAT_FORMAT = f"%.{STABLE_DIGITS}g"


def seed_problem(seed: Any) -> str | None:
    """Why ``seed`` is not a seed, or None when it is one: a whole number from 0 to
    :data:`MAX_SEED`. The one wording of every seed check: ``--seed``, a config's seeds, the
    library's ``seed=`` and ``seeds=``."""
    whole = isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
    if whole and 0 <= seed <= MAX_SEED:
        return None
    return f"{seed!r} is not a seed; give a whole number from 0 to {MAX_SEED} (2**32 - 1)"


def repeated_seeds_problem(seeds: Sequence[int]) -> str | None:
    """The seeds given more than once, said the one way every check says it (None if none): a
    repeated seed repeats a fit, whose zero spread and perfect stability would be reported as the
    model's."""
    listed = list(seeds)
    repeated = sorted({seed for seed in listed if listed.count(seed) > 1})
    return f"seed(s) {repeated} given more than once; give each seed once" if repeated else None


def check_seeds(seeds: Any, where: str) -> list[int]:
    """``seeds`` (one seed or several) as a list of distinct whole numbers from 0 to
    :data:`MAX_SEED`, or a ConfigError naming ``where`` (:func:`seed_problem`,
    :func:`repeated_seeds_problem`)."""
    from topics.errors import ConfigError

    several = isinstance(seeds, Iterable) and not isinstance(seeds, str | bytes)
    listed = list(seeds) if several else [seeds]
    for seed in listed:
        if problem := seed_problem(seed):
            raise ConfigError(f"{where}: {problem}")
    listed = [int(seed) for seed in listed]  # numpy's integers too
    if problem := repeated_seeds_problem(listed):
        raise ConfigError(f"{where}: {problem}")
    return listed


def stable_float(value: Any, digits: int = STABLE_DIGITS) -> Any:
    """``value`` rounded to ``digits`` significant digits (other values unchanged).

    Last-bit noise of a float computed on another machine (libm variant, BLAS kernel) does not
    reach a stored metric.
    """
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    if not math.isfinite(value) or value == 0.0:
        return value
    return float(f"{value:.{digits}g}")


def stable_metrics(metrics: Mapping[str, Any], digits: int = STABLE_DIGITS) -> dict[str, Any]:
    """Every float of ``metrics`` through :func:`stable_float`."""
    return {key: stable_float(value, digits) for key, value in metrics.items()}


def cpu() -> dict[str, Any]:
    """The processor: model name and the instruction-set flags that numerical code dispatches on."""
    model, flags = platform.processor() or None, set()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key in ("model name", "Model") and model in (None, "", platform.machine()):
                model = value.strip()
            elif key in ("flags", "Features") and not flags:
                flags = set(value.split())
    except OSError:  # not Linux: the platform module's answer stands
        pass
    return {"model": model, "isa_flags": sorted(f for f in _ISA_FLAGS if f in flags)}


def numpy_simd() -> list[str] | None:
    """The SIMD kernel groups numpy dispatches to in this process (e.g. ``["X86_V3"]``)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # pragma: no cover - numpy < 2 names its core module differently
        return None
    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def numerics() -> dict[str, Any]:
    """What decides floating-point results besides the code: BLAS build and kernel, threads,
    tomotopy's instruction set, the CPU numba compiles for, and what the pin set.

    Pins first (:func:`pin_environment`), so that recording imports tomotopy with the instruction
    set the fits use.
    """
    pins = pin_environment()
    import numpy  # noqa: F401 - loads the BLAS whose kernel is reported below

    out: dict[str, Any] = {"pinned": pins, "fit_threads": FIT_THREADS,
                           "numpy_simd": numpy_simd()}
    try:
        from threadpoolctl import threadpool_info

        out["threadpools"] = [
            {k: pool.get(k) for k in ("user_api", "internal_api", "version", "architecture",
                                      "threading_layer", "num_threads")}
            for pool in threadpool_info()
        ]
    except ImportError:  # pragma: no cover - a dependency of scikit-learn
        out["threadpools"] = None
    try:
        import tomotopy

        out["tomotopy_isa"] = tomotopy.isa
    except ImportError:  # pragma: no cover
        out["tomotopy_isa"] = None
    try:
        import llvmlite.binding as llvm

        out["llvm_host_cpu"] = llvm.get_host_cpu_name()
    except ImportError:  # pragma: no cover
        out["llvm_host_cpu"] = None
    if "numba" in sys.modules:  # imported before the pin: its own choice
        import numba

        out["numba_cpu_name"] = numba.config.CPU_NAME or "host"
    else:
        out["numba_cpu_name"] = os.environ.get("NUMBA_CPU_NAME") or "host"
    return out
