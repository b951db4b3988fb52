"""Fixed costs of a fresh process: imports, with the bytecode as installed and without any.

Run: ``uv run python benchmarks/bench_startup.py [--runs N] [--quick] [--json FILE]``

Each figure is the CPU seconds of a fresh Python process (median of ``--runs``, after one untimed
process of each setting, so that both read warm files), in two settings:

* **bytecode as installed**: the environment as ``make sync`` leaves it (``UV_COMPILE_BYTECODE=1``:
  every library's ``.pyc`` written once at install), run with ``PYTHONDONTWRITEBYTECODE=1``;
* **no bytecode** (the peer: what every process paid before, ``.venv`` without ``.pyc`` files and
  ``PYTHONDONTWRITEBYTECODE=1``): the same process with the bytecode of everything outside the
  standard library ignored (a prelude makes the import system skip it, so each library and the
  package's own modules compile from source; the standard library keeps its bytecode, as it had).
  Before 2026-12-06 only site-packages was skipped: the package's own modules (``src/``, an
  editable install) kept whatever bytecode they had in both settings.

Each process also counts the modules it compiled from source (the import system found no valid
``.pyc``): the target, no compile cost in a fresh process, is met when the first setting compiles
none; the count says which packages paid (``src/topics`` gets no bytecode at install, and none is
written under ``PYTHONDONTWRITEBYTECODE=1``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, positive_int, python_child, write_json  # noqa: E402

# Ignore the bytecode of everything but the standard library (site-packages, the package's own
# source): SourceLoader.get_code compiles from source when path_stats fails.
NO_BYTECODE = r"""
import importlib.machinery as _m, sysconfig as _s
_paths = _s.get_paths()
_site = tuple({_paths["purelib"], _paths["platlib"]})
_stdlib = tuple({_paths["stdlib"], _paths["platstdlib"]})
_stats = _m.SourceFileLoader.path_stats
def _no_bytecode(self, path):
    if path.startswith(_site) or not path.startswith(_stdlib):
        raise OSError("bytecode ignored")
    return _stats(self, path)
_m.SourceFileLoader.path_stats = _no_bytecode
"""

# Count the modules compiled from source: get_code calls source_to_code only without valid bytecode.
COUNT_COMPILED = r"""
import importlib.machinery as _m
_compiled = []
_to_code = _m.SourceFileLoader.source_to_code
def _counted(self, data, path, *args, **kwargs):
    _compiled.append(path)
    return _to_code(self, data, path, *args, **kwargs)
_m.SourceFileLoader.source_to_code = _counted
"""

# The last line of every child: how many modules it compiled, per top-level package.
REPORT_COMPILED = r"""
import json as _json, sys as _sys
def _package(path):
    for entry in sorted((p for p in _sys.path if p), key=len, reverse=True):
        if path.startswith(entry.rstrip("/") + "/"):
            return path[len(entry.rstrip("/")) + 1:].split("/")[0].removesuffix(".py")
    return path
_packages = {}
for _path in _compiled:
    _packages[_package(_path)] = _packages.get(_package(_path), 0) + 1
print(_json.dumps({"compiled": len(_compiled), "packages": _packages}))
"""


def child_code(code: str, bytecode: bool) -> str:
    """The code of one fresh process: ``code`` with the compile counter (and without any
    bytecode outside the standard library unless ``bytecode``); it prints the count last."""
    return COUNT_COMPILED + ("" if bytecode else NO_BYTECODE) + code + "\n" + REPORT_COMPILED


def compiled_summary(reports: list[dict]) -> tuple[int, dict[str, int]]:
    """The most modules any of the processes compiled, and per package in that process."""
    worst = max(reports, key=lambda r: r["compiled"])
    return worst["compiled"], dict(sorted(worst["packages"].items(), key=lambda kv: -kv[1]))


CASES = {
    "import topics": "import topics",
    "import topics + first analyse()": "import topics; topics.analyse('Die Verteidigungszusammenarbeit')",
    "import topics + load_classifier()": "import topics; topics.load_classifier()",
    "import the topic-model stack": (
        "import topics.topic_models.bertopic, topics.topic_models.lda, topics.topic_models.nmf, "
        "bertopic, umap, hdbscan"
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=positive_int, default=None, help="processes per figure (median; 3)")
    parser.add_argument("--quick", action="store_true", help="2 processes per figure")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 3)
    figures: dict = {"runs": runs, "cases": {}}
    print(f"fresh-process CPU seconds, median of {runs}: bytecode as installed | no bytecode | "
          "ratio | modules compiled from source")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing written by these processes
    for name, code in CASES.items():
        ours, peer = child_code(code, bytecode=True), child_code(code, bytecode=False)
        python_child(ours, env=env), python_child(peer, env=env)  # untimed: files read once
        with_pyc, without = [], []
        for _ in range(runs):  # interleaved: both see the same load
            with_pyc.append(python_child(ours, env=env))
            without.append(python_child(peer, env=env))
        row = {"cpu_s": median([cpu for cpu, _ in with_pyc]),
               "no_bytecode_cpu_s": median([cpu for cpu, _ in without])}
        row["ratio_to_no_bytecode"] = row["cpu_s"] / row["no_bytecode_cpu_s"]
        row["compiled_modules"], row["compiled_packages"] = compiled_summary(
            [report for _, report in with_pyc])
        row["no_bytecode_compiled_modules"] = compiled_summary([r for _, r in without])[0]
        figures["cases"][name] = row
        print(f"{name:<36} {row['cpu_s']:6.2f} | {row['no_bytecode_cpu_s']:6.2f} | "
              f"{row['ratio_to_no_bytecode']:.2f} | compiled {row['compiled_modules']} of "
              f"{row['no_bytecode_compiled_modules']} {row['compiled_packages'] or ''}", flush=True)
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
