"""Fit time and peak memory per topic-model family, on the shipped corpus and on 10kGNAD.

    uv run python benchmarks/bench_topic_models.py                  # ours and the peers; both corpora
    uv run python benchmarks/bench_topic_models.py --quick --json F # shipped corpus, one warm fit
    uv run python benchmarks/bench_topic_models.py --repeat 4       # corpus repeated 4x (scale)
    uv run python benchmarks/bench_topic_models.py --models lda nmf --corpus shipped

Each family runs in a fresh subprocess, so its numbers include the import and (for BERTopic) the
numba JIT of the first fit — reported separately as ``first fit`` and ``warm fit`` (a second fit in the
same process). Peak memory is the subprocess's max RSS (``resource.getrusage``). ``--repeat N``
models every unit N times (ids made unique), a crude but honest scale test.

CPU seconds (``time.process_time``: every thread of the process) are the figures that survive a
loaded machine; the peers ``bertopic_default`` and ``lda_default`` run in the same run, so the
ratio ours/peer is the comparable figure. The warm fit is the median of ``--warm`` fits.
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
t0, c0 = time.perf_counter(), time.process_time()
import topics
from dataclasses import replace
model, corpus_name, unit, repeat, gnad = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
n_warm = int(sys.argv[6])
if corpus_name == "shipped":
    corpus = topics.load_corpus()
else:
    corpus = topics.load_corpus(gnad, text_column=1, label_column=0, delimiter=";", quotechar="'",
                                header=False)
units = [replace(u, id=f"{u.id}~{r}") for r in range(repeat) for u in corpus.units(unit)]
t1, c1 = time.perf_counter(), time.process_time()
first = topics.fit_topic_model(units, model, unit, seed=0)
t2, c2 = time.perf_counter(), time.process_time()
warm_cpu = []
for _ in range(n_warm):
    c = time.process_time()
    warm = topics.fit_topic_model(units, model, unit, seed=0)
    warm_cpu.append(time.process_time() - c)
t3 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import statistics
print(json.dumps({"model": model, "corpus": corpus_name, "unit": unit, "units": len(units),
                  "import_load_s": t1 - t0, "first_fit_s": t2 - t1, "warm_fit_s": (t3 - t2) / n_warm,
                  "import_load_cpu_s": c1 - c0, "first_fit_cpu_s": c2 - c1,
                  "warm_fit_cpu_s": statistics.median(warm_cpu),
                  "fit_only_s": warm.metrics["fit_seconds"], "peak_mb": peak,
                  "topics": warm.n_topics}))
"""


def gnad_path() -> Path:
    default = REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv"
    return Path(os.environ.get("TOPICS_10KGNAD", default))


def run(model: str, corpus: str, unit: str, repeat: int, warm: int = 2) -> dict:
    """One family on one corpus in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, model, corpus, unit, str(repeat), str(gnad_path()),
         str(warm)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    if proc.returncode:
        return {"model": model, "corpus": corpus, "error": proc.stderr.strip().splitlines()[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", default=["bertopic", "lda", "nmf", "bertopic_default", "lda_default"]
    )
    parser.add_argument("--corpus", nargs="+", default=None, choices=["shipped", "10kgnad"])
    parser.add_argument("--repeat", type=int, default=1, help="repeat every unit N times")
    parser.add_argument("--warm", type=int, default=None, help="warm fits per process (median; 2)")
    parser.add_argument("--quick", action="store_true", help="shipped corpus only, one warm fit")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    args.corpus = args.corpus or (["shipped"] if args.quick else ["shipped", "10kgnad"])
    args.warm = args.warm or (1 if args.quick else 2)
    rows: list[dict] = []
    plan = {"shipped": "paragraph", "10kgnad": "article"}
    print("seconds wall clock; CPU-s = CPU seconds of the process (all threads)")
    print(f"{'model':18} {'corpus':8} {'units':>6} {'import':>7} {'1st fit':>8} {'warm fit':>8} "
          f"{'fit only':>8} {'1st CPU-s':>9} {'warm CPU-s':>10} {'peak MB':>8} {'topics':>6}")
    for corpus in args.corpus:
        if corpus == "10kgnad" and not gnad_path().is_file():
            print(f"10kgnad skipped: {gnad_path()} not found (set TOPICS_10KGNAD)")
            continue
        for model in args.models:
            start = time.perf_counter()
            row = run(model, corpus, plan[corpus], args.repeat, args.warm)
            rows.append(row)
            if "error" in row:
                print(f"{model:18} {corpus:8} error: {row['error']}")
                continue
            print(f"{row['model']:18} {row['corpus']:8} {row['units']:6d} {row['import_load_s']:7.1f} "
                  f"{row['first_fit_s']:8.1f} {row['warm_fit_s']:8.1f} {row['fit_only_s']:8.1f} "
                  f"{row['first_fit_cpu_s']:9.1f} {row['warm_fit_cpu_s']:10.1f} {row['peak_mb']:8.0f} {row['topics']:6d}   ({time.perf_counter() - start:.0f} s)",
                  flush=True)
    peers = {"bertopic": "bertopic_default", "lda": "lda_default"}
    for row in rows:
        peer = next((r for r in rows if r.get("model") == peers.get(row.get("model"))
                     and r.get("corpus") == row.get("corpus") and "error" not in r), None)
        if peer and "error" not in row:
            row["peer"] = peer["model"]
            row["warm_fit_ratio_to_peer"] = row["warm_fit_cpu_s"] / peer["warm_fit_cpu_s"]
            print(f"{row['model']:18} {row['corpus']:8} warm fit {row['warm_fit_cpu_s']:.1f} CPU-s,"
                  f" {peer['model']} {peer['warm_fit_cpu_s']:.1f}: ratio "
                  f"{row['warm_fit_ratio_to_peer']:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"warm_fits": args.warm, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
