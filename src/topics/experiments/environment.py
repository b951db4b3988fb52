"""Where a run ran: versions, platform, git state, command line (``environment.json``)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["NUMERIC_ENV", "cpu", "environment", "git_state", "installed_packages", "numerics"]

#: Environment variables that can change numbers: threads, instruction sets, hashing.
NUMERIC_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "NUMBA_CPU_NAME",
    "NUMBA_CPU_FEATURES",
    "OPENBLAS_CORETYPE",
    "TOMOTOPY_ISA",
    "PYTHONHASHSEED",
)
# instruction-set extensions that decide which kernels numerical libraries pick
_ISA_FLAGS = ("sse2", "sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw",
              "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "neon", "asimd", "sve")


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


def numerics() -> dict[str, Any]:
    """What decides floating-point results besides the code: BLAS build and kernel, threads,
    tomotopy's instruction set, the CPU numba compiles for."""
    import numpy  # noqa: F401 - loads the BLAS whose kernel is reported below

    out: dict[str, Any] = {}
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
    out["numba_cpu_name"] = os.environ.get("NUMBA_CPU_NAME") or "host"
    return out


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state() -> dict[str, Any]:
    """Git commit and dirty flag of the checkout that holds the ``topics`` source (or cwd)."""
    import topics

    for candidate in (Path(topics.__file__).resolve().parents[2], Path.cwd()):
        commit = _git(candidate, "rev-parse", "HEAD")
        if commit:
            status = _git(candidate, "status", "--porcelain", "--untracked-files=no")
            return {
                "commit": commit,
                "dirty": bool(status),
                "root": _git(candidate, "rev-parse", "--show-toplevel"),
            }
    return {"commit": None, "dirty": None, "root": None}


def installed_packages() -> dict[str, str]:
    """Name -> version of every installed distribution, sorted by name."""
    packages: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            packages[name.lower()] = dist.version
    return dict(sorted(packages.items()))


def environment(command: list[str] | None = None) -> dict[str, Any]:
    """Describe where a run ran: versions, platform, git state, command line.

    Parameters
    ----------
    command : list of str, optional
        The command line; default ``sys.argv``.

    Returns
    -------
    dict
        JSON-ready.
    """
    import topics

    return {
        "topics_version": topics.__version__,
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu": cpu(),
        "numerics": numerics(),
        "thread_env": {key: os.environ[key] for key in NUMERIC_ENV if key in os.environ},
        "git": git_state(),
        "command": list(sys.argv if command is None else command),
        "cwd": str(Path.cwd()),
        "packages": installed_packages(),
    }
