"""Fixed costs of a fresh process: imports, with the bytecode written at install and without.

Run: ``uv run python benchmarks/bench_startup.py [--runs N] [--quick] [--json FILE]``

Each figure is the CPU seconds of a fresh Python process (median of ``--runs``), in two settings:

* **bytecode at install**: the environment as ``make sync`` leaves it (``UV_COMPILE_BYTECODE=1``:
  every library's ``.pyc`` written once at install);
* **no bytecode** (the peer: what every process paid before, ``.venv`` without ``.pyc`` files and
  ``PYTHONDONTWRITEBYTECODE=1``): the same process with the libraries' ``.pyc`` files ignored (a
  prelude makes the import system skip the bytecode of everything under site-packages, so each
  library compiles from source as before; the standard library keeps its bytecode, as it had).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, python_child, write_json  # noqa: E402

# Ignore the bytecode of site-packages: SourceLoader.get_code skips a .pyc when path_stats fails.
NO_SITE_BYTECODE = r"""
import importlib.machinery as _m, sysconfig as _s
_site = tuple({_s.get_paths()["purelib"], _s.get_paths()["platlib"]})
_stats = _m.SourceFileLoader.path_stats
def _no_bytecode(self, path):
    if path.startswith(_site):
        raise OSError("bytecode ignored")
    return _stats(self, path)
_m.SourceFileLoader.path_stats = _no_bytecode
"""

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
    parser.add_argument("--runs", type=int, default=None, help="processes per figure (median; 3)")
    parser.add_argument("--quick", action="store_true", help="2 processes per figure")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 3)
    figures: dict = {"runs": runs, "cases": {}}
    print(f"fresh-process CPU seconds, median of {runs}: bytecode at install | no bytecode | ratio")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing written by these processes
    for name, code in CASES.items():
        code = f"{code}\nprint('{{}}')"
        with_pyc, without = [], []
        for _ in range(runs):  # interleaved: both see the same load
            with_pyc.append(python_child(code, env=env)[0])
            without.append(python_child(NO_SITE_BYTECODE + code, env=env)[0])
        row = {"cpu_s": median(with_pyc), "no_bytecode_cpu_s": median(without)}
        row["ratio_to_no_bytecode"] = row["cpu_s"] / row["no_bytecode_cpu_s"]
        figures["cases"][name] = row
        print(f"{name:<36} {row['cpu_s']:6.2f} | {row['no_bytecode_cpu_s']:6.2f} | "
              f"{row['ratio_to_no_bytecode']:.2f}", flush=True)
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
