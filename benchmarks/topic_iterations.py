"""Iterations of NMF and LDA: topic quality and cost by the iteration budget (issues 9, 12).

Run: ``uv run python benchmarks/topic_iterations.py --model nmf [--values 500 200 150 100]
[--sizes 5000 20000]`` or ``--model lda [--values 1000 500 300 200] [--seeds 0 1 2 3 4]``
(``TOPICS_10KGNAD`` names the 10kGNAD sample; ``--json FILE`` saves the figures).

NMF (``max_iter``): coordinate descent stops when its projected gradient falls below 1e-4 of the
first iteration's, or at the cap; how many iterations the tolerance takes varies unevenly with the
data, and at scale it, not the cost of an iteration, decides NMF's growth. LDA (``iterations``):
tomotopy's Gibbs sampler runs exactly that many sweeps, so its cost is linear in them. This fits
each family's default (seed-free NMF: seed 0; LDA: every ``--seeds``) with each value on the
shipped paragraphs and articles, the 721 10kGNAD articles and, with ``--sizes``, perturbed 10kGNAD
articles (sentences shuffled, 10 % dropped) at k = 30, and prints the CPU seconds of the fit
(``topics.topic_models.<family>.fit``), the quality metrics (``evaluate_topics``, untimed; means
over the seeds) and, with several seeds, the mean pairwise ARI of their assignments. One process,
one BLAS thread (the fits are pinned); the German analysis of each corpus is done (and cached)
before its first fit and one untimed fit pays the imports, so every value pays the same.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_MISSING, GNAD_OPTIONS, write_json  # noqa: E402

METRICS = ("npmi", "diversity", "nmi", "nmi_article", "largest_topic_share")
# family -> (its iteration parameter, its parameter for the number of topics, values, seeds)
FAMILIES = {
    "nmf": ("max_iter", "n_components", [500, 200, 150, 100], [0]),
    "lda": ("iterations", "k", [1000, 500, 300, 200], [0, 1, 2, 3, 4]),
}


def corpora(sizes: list[int]):
    """(name, corpus or units, unit, k) to fit: the real corpora, then perturbed copies."""
    import topics
    from topics.corpus.synthetic import synthetic_units

    shipped = topics.load_corpus().drop_repeated_paragraphs()  # as a run takes a corpus
    yield "shipped", shipped, "paragraph", "auto"
    yield "shipped", shipped, "article", "auto"
    if not GNAD.is_file():
        print(GNAD_MISSING)
        return
    gnad = topics.load_corpus(GNAD, **GNAD_OPTIONS).drop_repeated_paragraphs()
    yield "10kgnad", gnad, "article", "auto"
    for n in sizes:
        yield f"perturbed 10kgnad {n}", synthetic_units(list(gnad), n, unit="article", seed=0), \
            "article", 30


def measure(family, units, value: int, seeds: list[int], k) -> dict:
    """Fit at every seed with this iteration budget: CPU (median), metrics (mean), ARI."""
    from topics.evaluation.stability import stability
    from topics.evaluation.topic_metrics import evaluate_topics
    from topics.topic_models.common import article_ids

    parameter, k_name = FAMILIES[family.NAME][:2]
    cpus, runs, assignments = [], [], []
    for seed in seeds:
        start = time.process_time()
        fitted = family.fit(units, seed, **{parameter: value, k_name: k})
        cpus.append(time.process_time() - start)
        metrics = evaluate_topics(fitted.topics, fitted.tokens, fitted.assignments,
                                  [u.labels for u in units], article_ids=article_ids(units),
                                  c_v=False)
        metrics.update(fitted.extra_metrics)
        runs.append(metrics)
        assignments.append(fitted.assignments)
    row = {parameter: value, "fit_cpu_s": round(statistics.median(cpus), 2),
           **{m: statistics.fmean(r[m] for r in runs) for m in METRICS}}
    if family.NAME == "nmf":
        row["iterations_used"] = runs[0]["iterations"]
    if len(seeds) > 1:
        row["npmi_sd"] = statistics.stdev(r["npmi"] for r in runs)
        row["stability_ari"] = stability(assignments)["stability_ari"]
    return row


def main(argv: list[str] | None = None) -> int:
    import importlib

    import topics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(FAMILIES), default="nmf")
    parser.add_argument("--values", type=int, nargs="+",
                        help="iteration budgets (nmf: 500 200 150 100; lda: 1000 500 300 200)")
    parser.add_argument("--seeds", type=int, nargs="+", help="(nmf: 0; lda: 0 1 2 3 4)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[],
                        help="perturbed 10kGNAD articles (e.g. 5000 20000; NMF at 20k and 500 "
                             "iterations takes ~2 CPU-min)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    family = importlib.import_module(f"topics.topic_models.{args.model}")
    parameter, _, values, seeds = FAMILIES[args.model]
    values, seeds = args.values or values, args.seeds or seeds
    family.fit(topics.load_corpus().units("article"), 0)  # untimed: pays the imports
    columns = [*METRICS, *(["iterations_used"] if args.model == "nmf" else []),
               *(["npmi_sd", "stability_ari"] if len(seeds) > 1 else [])]
    print(f"# {args.model}, seeds {seeds}; fit CPU-s: median over the seeds, metrics: means")
    print(f"{'corpus':24} {'unit':9} {parameter:>10} {'fit CPU-s':>9} " +
          " ".join(f"{m:>10.10}" for m in columns))
    rows = []
    for name, data, unit, k in corpora(args.sizes):
        units = data.units(unit) if hasattr(data, "units") else data
        analyzer = topics.GermanAnalyzer()
        for text in (u.text for u in units):
            analyzer(text)  # cached: the fits below pay only the model and its evaluation
        for value in values:
            row = {"corpus": name, "unit": unit, **measure(family, units, value, seeds, k)}
            rows.append(row)
            print(f"{name:24} {unit:9} {value:10d} {row['fit_cpu_s']:9.2f} " +
                  " ".join(f"{row[m]:10.4f}" for m in columns), flush=True)
    write_json(args.json, {"model": args.model, "seeds": seeds, "rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
