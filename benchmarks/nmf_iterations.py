"""NMF's iteration cap: topic quality and cost by ``max_iter`` (issue 12, the NMF default).

Run: ``uv run python benchmarks/nmf_iterations.py [--caps 500 200 150 100] [--sizes 5000 20000]``
(``TOPICS_10KGNAD`` names the 10kGNAD sample; ``--json FILE`` saves the figures).

Coordinate descent stops when its projected gradient falls below 1e-4 of the first iteration's;
how many iterations that takes varies unevenly with the data, and at scale it, not the cost of an
iteration, decides NMF's growth. This fits the default NMF (``fit_topic_model(..., "nmf")``, seed 0:
the exact NNDSVD start makes it seed-free) with each cap on the shipped paragraphs and articles,
the 721 10kGNAD articles and, with ``--sizes``, perturbed 10kGNAD articles (sentences shuffled,
10 % dropped) at k = 30, and prints the CPU seconds of the fit (``topics.topic_models.nmf.fit``:
TF-IDF, exact NNDSVD start, coordinate descent), the iterations used and the quality metrics
(``evaluate_topics``, untimed). One process, one BLAS thread (the fit is pinned); the German
analysis of each corpus is done (and cached) before its first fit and one untimed fit pays the
imports, so every cap pays the same.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_MISSING, write_json  # noqa: E402

METRICS = ("iterations", "npmi", "diversity", "nmi", "nmi_article", "largest_topic_share")


def corpora(sizes: list[int]):
    """(name, corpus or units, unit, k) to fit: the real corpora, then perturbed copies."""
    import topics
    from topics.corpus.synthetic import synthetic_units

    yield "shipped", topics.load_corpus(), "paragraph", "auto"
    yield "shipped", topics.load_corpus(), "article", "auto"
    if not GNAD.is_file():
        print(GNAD_MISSING)
        return
    gnad = topics.load_corpus(GNAD, text_column=1, label_column=0, delimiter=";",
                              quotechar="'", header=False)
    yield "10kgnad", gnad, "article", "auto"
    for n in sizes:
        yield f"perturbed 10kgnad {n}", synthetic_units(list(gnad), n, unit="article", seed=0), \
            "article", 30


def main(argv: list[str] | None = None) -> int:
    import topics
    from topics.evaluation.topic_metrics import evaluate_topics
    from topics.topic_models import nmf
    from topics.topic_models.common import article_ids

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--caps", type=int, nargs="+", default=[500, 200, 150, 100])
    parser.add_argument("--sizes", type=int, nargs="*", default=[],
                        help="perturbed 10kGNAD articles (e.g. 5000 20000; 20k at 500 takes ~3 CPU-min)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    rows = []
    nmf.fit(topics.load_corpus().units("article"), 0)  # untimed: pays the imports
    print(f"{'corpus':24} {'unit':9} {'max_iter':>8} {'fit CPU-s':>9} " +
          " ".join(f"{m:>10.10}" for m in METRICS))
    for name, data, unit, k in corpora(args.sizes):
        units = data.units(unit) if hasattr(data, "units") else data
        analyzer = topics.GermanAnalyzer()
        for text in (u.text for u in units):
            analyzer(text)  # cached: the fits below pay only NMF and its evaluation
        for cap in args.caps:
            start = time.process_time()
            fitted = nmf.fit(units, 0, max_iter=cap, n_components=k)
            cpu = time.process_time() - start
            metrics = evaluate_topics(fitted.topics, fitted.tokens, fitted.assignments,
                                      [u.labels for u in units], article_ids=article_ids(units),
                                      c_v=False)
            metrics.update(fitted.extra_metrics)
            row = {"corpus": name, "unit": unit, "max_iter": cap, "fit_cpu_s": round(cpu, 2),
                   **{m: metrics.get(m) for m in METRICS}}
            rows.append(row)
            print(f"{name:24} {unit:9} {cap:8d} {cpu:9.2f} " +
                  " ".join(f"{row[m]:10.4f}" for m in METRICS), flush=True)
    write_json(args.json, {"rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
