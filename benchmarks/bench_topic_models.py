"""Fit time and peak memory per topic-model family, on the shipped corpus and on 10kGNAD.

    uv run python benchmarks/bench_topic_models.py                  # bertopic, lda, nmf; both corpora
    uv run python benchmarks/bench_topic_models.py --repeat 4       # corpus repeated 4x (scale)
    uv run python benchmarks/bench_topic_models.py --models lda nmf --corpus shipped

Each family runs in a fresh subprocess, so its numbers include the import and (for BERTopic) the
numba JIT of the first fit — reported separately as ``first fit`` and ``warm fit`` (a second fit in the
same process). Peak memory is the subprocess's max RSS (``resource.getrusage``). ``--repeat N``
models every unit N times (ids made unique), a crude but honest scale test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, logging, resource, sys, time, warnings
warnings.filterwarnings("ignore"); logging.getLogger("BERTopic").setLevel(logging.ERROR)
t0 = time.perf_counter()
import topics
from dataclasses import replace
model, corpus_name, unit, repeat, gnad = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
if corpus_name == "shipped":
    corpus = topics.load_corpus()
else:
    corpus = topics.load_corpus(gnad, text_column=1, label_column=0, delimiter=";", quotechar="'",
                                header=False)
units = [replace(u, id=f"{u.id}~{r}") for r in range(repeat) for u in corpus.units(unit)]
t1 = time.perf_counter()
first = topics.fit_topic_model(units, model, unit, seed=0)
t2 = time.perf_counter()
warm = topics.fit_topic_model(units, model, unit, seed=0)
t3 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"model": model, "corpus": corpus_name, "unit": unit, "units": len(units),
                  "import_load_s": t1 - t0, "first_fit_s": t2 - t1, "warm_fit_s": t3 - t2,
                  "fit_only_s": warm.metrics["fit_seconds"], "peak_mb": peak,
                  "topics": warm.n_topics}))
"""


def gnad_path() -> Path:
    default = REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv"
    return Path(os.environ.get("TOPICS_10KGNAD", default))


def run(model: str, corpus: str, unit: str, repeat: int) -> dict:
    """One family on one corpus in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, model, corpus, unit, str(repeat), str(gnad_path())],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    if proc.returncode:
        return {"model": model, "corpus": corpus, "error": proc.stderr.strip().splitlines()[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["bertopic", "lda", "nmf"])
    parser.add_argument("--corpus", nargs="+", default=["shipped", "10kgnad"],
                        choices=["shipped", "10kgnad"])
    parser.add_argument("--repeat", type=int, default=1, help="repeat every unit N times")
    args = parser.parse_args(argv)
    plan = {"shipped": "paragraph", "10kgnad": "article"}
    print(f"{'model':18} {'corpus':8} {'units':>6} {'import':>7} {'1st fit':>8} {'warm fit':>8} "
          f"{'fit only':>8} {'peak MB':>8} {'topics':>6}")
    for corpus in args.corpus:
        if corpus == "10kgnad" and not gnad_path().is_file():
            print(f"10kgnad skipped: {gnad_path()} not found (set TOPICS_10KGNAD)")
            continue
        for model in args.models:
            start = time.perf_counter()
            row = run(model, corpus, plan[corpus], args.repeat)
            if "error" in row:
                print(f"{model:18} {corpus:8} error: {row['error']}")
                continue
            print(f"{row['model']:18} {row['corpus']:8} {row['units']:6d} {row['import_load_s']:7.1f} "
                  f"{row['first_fit_s']:8.1f} {row['warm_fit_s']:8.1f} {row['fit_only_s']:8.1f} "
                  f"{row['peak_mb']:8.0f} {row['topics']:6d}   ({time.perf_counter() - start:.0f} s)",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
