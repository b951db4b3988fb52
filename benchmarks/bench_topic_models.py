"""Fit CPU seconds and peak memory per topic-model family, next to the peers, at growing sizes.

    uv run python benchmarks/bench_topic_models.py                  # every corpus, ours and peers
    uv run python benchmarks/bench_topic_models.py --quick --json F # shipped corpus, 1 warm fit
    uv run python benchmarks/bench_topic_models.py --corpus shipped synthetic --sizes 2000 5000
    uv run python benchmarks/bench_topic_models.py --models lda nmf --corpus shipped

Corpora: the shipped corpus (its paragraphs), the 10kGNAD sample (721 articles) and synthetic
articles derived from 10kGNAD (``topics.corpus.synthetic``: perturbed copies, sentences shuffled
and some dropped; ``--sizes``, 2,000 and 5,000 by default). ``--quick`` fits the shipped corpus
only: at 2,000 articles a family takes a minute or more of CPU. Without 10kGNAD the 10kGNAD and
synthetic rows are skipped, with a note. Every corpus is taken as a run takes it: without the paragraphs
repeated word for word in 5 or more articles (``drop_repeated_paragraphs``; 10kGNAD's legal
disclaimer in 10 articles, which made a topic of its own; since 2026-12-06).

Each family runs in one fresh subprocess that fits every corpus in turn, smallest first, so the
imports and (for BERTopic) numba's JIT are paid once, by the first fit on the first corpus; the
figure is the **warm fit**: the median of ``--warm`` further fits on the same units (1 at the
synthetic sizes, 2 elsewhere; 1 with ``--quick``). Warm means imports and JIT paid, not the units'
analysis cached: every fit (the first too) starts with the German analysis caches emptied
(``topics.text.german.clear_caches``), so ours analyses its units as for a corpus it has not seen,
as the peers tokenize theirs in every fit (before 2026-12-06 our warm fits read the tokens from
the cache of the fit before, which left the analysis, most of a small fit's cost, out of ours
only). Fit CPU seconds (``time.process_time``: every thread of the process) exclude the evaluation
that ``fit_topic_model`` runs after the fit (reported separately). Peak memory is the subprocess's
VmHWM so far: with the sizes in increasing order, that of the largest corpus fitted. The peers ``bertopic_default`` (BERTopic's own
lightweight default, the peer of ``bertopic``) and ``lda_default`` (scikit-learn LDA, the peer of
``lda``) run in the same run on the same units, so the ratio ours/peer survives the machine's load.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    GNAD,
    GNAD_OPTIONS,
    PEAK_MB,
    TIMED_EVALUATE,
    positive_int,
    write_json,
)

REPO = Path(__file__).resolve().parents[1]
MODELS = ["bertopic", "lda", "nmf", "bertopic_default", "lda_default"]
PEERS = {"bertopic": "bertopic_default", "lda": "lda_default"}

_CHILD = PEAK_MB + r"""
import json, logging, statistics, sys, time, warnings
warnings.filterwarnings("ignore"); logging.getLogger("BERTopic").setLevel(logging.ERROR)
c0 = time.process_time()
import topics
""" + TIMED_EVALUATE + f"GNAD_OPTIONS = {GNAD_OPTIONS!r}\n" + r"""
model, gnad, plan = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
tm.evaluate_topics = timed(tm.evaluate_topics)
def load(name):
    if name == "shipped":
        return topics.load_corpus().drop_repeated_paragraphs()
    corpus = topics.load_corpus(gnad, **GNAD_OPTIONS).drop_repeated_paragraphs()
    if name.startswith("synthetic"):
        from topics.corpus.synthetic import synthetic_articles
        corpus = topics.Corpus(synthetic_articles(list(corpus), int(name[9:]), seed=0))
    return corpus
from topics.text import german
def fit(units, unit):
    german.clear_caches()  # the units' analysis is part of every fit, as the peers' tokenizing
    c = time.process_time()
    result = topics.fit_topic_model(units, model, unit, seed=0, verbose=False)
    return result, time.process_time() - c - evaluation[-1]
for i, (name, unit, n_warm) in enumerate(plan):
    c1 = time.process_time()
    units = load(name).units(unit)
    c2 = time.process_time()
    first, first_cpu = fit(units, unit)
    warm = [fit(units, unit) for _ in range(n_warm)]
    print(json.dumps({"model": model, "corpus": name, "unit": unit, "units": len(units),
                      "fresh_process": i == 0, "import_cpu_s": c1 - c0 if i == 0 else 0.0,
                      "load_cpu_s": c2 - c1, "first_fit_cpu_s": first_cpu,
                      "warm_fit_cpu_s": statistics.median(cpu for _, cpu in warm),
                      "evaluate_cpu_s": statistics.median(evaluation[-n_warm:]),
                      "warm_fit_wall_s": statistics.median(r.metrics["fit_seconds"] for r, _ in warm),
                      "warm_fits": n_warm, "peak_mb": peak_mb(), "topics": warm[-1][0].n_topics}),
          flush=True)
"""


def run(model: str, plan: list[tuple]) -> list[dict]:
    """One family on every corpus of ``plan``, in one fresh interpreter: a row per corpus.

    A failure gives an error row for each corpus it did not reach.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, model, str(GNAD), json.dumps(plan)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode:
        error = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        rows += [{"model": model, "corpus": name, "error": error} for name, _, _ in plan[len(rows):]]
    return rows


def plan(corpora: list[str], sizes: list[int], warm: int | None, quick: bool) -> list[tuple]:
    """(corpus name, unit, warm fits) to run, smallest first; 10kGNAD-based ones only if present."""
    out: list[tuple] = []
    for corpus in corpora:
        if corpus != "shipped" and not GNAD.is_file():
            print(f"{corpus} skipped: {GNAD} not found (set TOPICS_10KGNAD)")
            continue
        if corpus == "shipped":
            out.append(("shipped", "paragraph", warm or (1 if quick else 2)))
        elif corpus == "10kgnad":
            out.append(("10kgnad", "article", warm or (1 if quick else 2)))
        else:
            out.extend((f"synthetic{n}", "article", warm or 1) for n in sorted(sizes))
    return out


def print_row(rows: list[dict], seconds: float) -> None:
    """The lines of one family (one process), as they come."""
    for row in rows:
        if "error" in row:
            print(f"{row['model']:18} {row['corpus']:14} error: {row['error']}", flush=True)
            continue
        print(f"{row['model']:18} {row['corpus']:14} {row['units']:6d} {row['import_cpu_s']:7.1f} "
              f"{row['load_cpu_s']:6.1f} {row['first_fit_cpu_s']:8.1f} {row['warm_fit_cpu_s']:9.1f} "
              f"{row['evaluate_cpu_s']:8.1f} {row['warm_fit_wall_s']:7.1f} {row['peak_mb']:8.0f} "
              f"{row['topics']:6d}", flush=True)
    print(f"  ({seconds:.0f} s wall for the process)", flush=True)


def add_peer_ratios(rows: list[dict]) -> None:
    """Give each of our rows its peer (same corpus, same run) and the warm-fit ratio ours/peer."""
    for row in rows:
        peer = next((r for r in rows if r.get("model") == PEERS.get(row.get("model"))
                     and r.get("corpus") == row.get("corpus")), None)
        if peer and "error" in peer and "error" not in row:
            row["peer_error"] = f"{peer['model']}: {peer['error']}"
        elif peer and "error" not in row:
            row["peer"] = peer["model"]
            row["peer_warm_fit_cpu_s"] = peer["warm_fit_cpu_s"]
            row["warm_fit_ratio_to_peer"] = row["warm_fit_cpu_s"] / peer["warm_fit_cpu_s"]
            print(f"{row['model']:18} {row['corpus']:14} warm fit {row['warm_fit_cpu_s']:.1f} "
                  f"CPU-s, {peer['model']} {peer['warm_fit_cpu_s']:.1f}: ratio "
                  f"{row['warm_fit_ratio_to_peer']:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--corpus", nargs="+", default=None,
                        choices=["shipped", "10kgnad", "synthetic"])
    parser.add_argument("--sizes", nargs="+", type=int, default=None,
                        help="synthetic articles (2000 5000)")
    parser.add_argument("--warm", type=positive_int, default=None,
                        help="warm fits per process (median)")
    parser.add_argument("--quick", action="store_true", help="shipped corpus only, 1 warm fit")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    corpora = args.corpus or (["shipped"] if args.quick
                              else ["shipped", "10kgnad", "synthetic"])
    sizes = args.sizes or [2000, 5000]
    print("CPU seconds of the process (all threads); fit excludes the evaluation; wall s of the fit")
    print(f"{'model':18} {'corpus':14} {'units':>6} {'import':>7} {'load':>6} {'1st fit':>8} "
          f"{'warm fit':>9} {'evaluate':>8} {'wall s':>7} {'peak MB':>8} {'topics':>6}")
    rows: list[dict] = []
    todo = plan(corpora, sizes, args.warm, args.quick)
    for model in args.models:
        start = time.perf_counter()
        rows.extend(run(model, todo))
        print_row(rows[-len(todo):], time.perf_counter() - start)
    add_peer_ratios(rows)
    write_json(args.json, {"rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
