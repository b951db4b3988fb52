"""Where a run ran: versions, platform, git state, command line (``environment.json``).

What decides the numbers (CPU and its instruction sets, BLAS kernels and threads, tomotopy's
instruction set, numba's target, the variables in ``NUMERIC_ENV``) is recorded by
:mod:`topics.numerics`, the module that also pins it for every fit.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from topics.numerics import NUMERIC_ENV, cpu, numerics

__all__ = ["NUMERIC_ENV", "cpu", "environment", "git_state", "installed_packages", "numerics"]


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
