"""Fixed costs of a fresh process: imports, with the bytecode written at install and without.

Run: ``uv run python benchmarks/bench_startup.py [--runs N] [--quick] [--json FILE]``

Each figure is the CPU seconds of a fresh Python process (median of ``--runs``), in two settings:

* **bytecode at install**: the environment as ``make sync`` leaves it (``UV_COMPILE_BYTECODE=1``:
  every library's ``.pyc`` written once at install);
* **no bytecode** (the peer: what every process paid before): ``PYTHONDONTWRITEBYTECODE=1`` and an
  empty ``PYTHONPYCACHEPREFIX``, so no ``.pyc`` is found and every import compiles from source.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median, python_child, write_json  # noqa: E402

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
    with tempfile.TemporaryDirectory() as empty:
        compiled = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
        source = {**compiled, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": empty}
        for name, code in CASES.items():
            code = f"{code}\nprint('{{}}')"
            with_pyc, without = [], []
            for _ in range(runs):  # interleaved: both see the same load
                with_pyc.append(python_child(code, env=compiled)[0])
                without.append(python_child(code, env=source)[0])
            row = {"cpu_s": median(with_pyc), "no_bytecode_cpu_s": median(without)}
            row["ratio_to_no_bytecode"] = row["cpu_s"] / row["no_bytecode_cpu_s"]
            figures["cases"][name] = row
            print(f"{name:<36} {row['cpu_s']:6.2f} | {row['no_bytecode_cpu_s']:6.2f} | "
                  f"{row['ratio_to_no_bytecode']:.2f}", flush=True)
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
