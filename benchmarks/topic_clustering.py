"""Cosine against euclidean k-means in the BERTopic default, on corpora of several kinds (issue 9).

Run: ``uv run python benchmarks/topic_clustering.py [--sizes 1000 2000 5000] [--out DIR]
[--json FILE]`` (``TOPICS_10KGNAD`` names the 10kGNAD sample). It writes the table to
``DIR/clustering.md`` (default: ``experiments/results/topic_model_selection``; a slow test reruns it
and compares); the fit CPU seconds go to ``--json`` only, so the table is the same on every run.

The default clusters unit-length embeddings with k-means started from Ward's clustering. Plain
(euclidean) k-means puts a unit at the centre of smallest ``1 - 2 x.c + |c|^2``, so a short centre
(the mean of units that point in many directions) wins the units that fit nowhere well: a generic
topic. Spherical (cosine) k-means compares directions only. This fits the default with both
``kmeans_metric`` values on the shipped paragraphs and articles, the 721 10kGNAD articles and
perturbed 10kGNAD paragraphs and articles (sentences shuffled, 10 % dropped) at ``--sizes``, and
prints a Markdown table: NPMI, diversity, NMI per unit and per article against the labels, the
largest topic's share, and the length of its centre against the median of the others (for the
cosine route every centre has length 1). The route has no random step: one fit per cell.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_MISSING, GNAD_OPTIONS, write_json  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "experiments" / "results" / "topic_model_selection"

METRICS = ("npmi", "diversity", "nmi", "nmi_article", "largest_topic_share")
METRIC_VALUES = ("euclidean", "cosine")


def corpora(sizes: list[int]):
    """(name, units) to fit: the real corpora, then perturbed copies of 10kGNAD."""
    import topics
    from topics.corpus.synthetic import synthetic_units

    shipped = topics.load_corpus()
    yield "shipped paragraphs", shipped.units("paragraph")
    yield "shipped articles", shipped.units("article")
    if not GNAD.is_file():
        print(GNAD_MISSING)
        return
    gnad = list(topics.load_corpus(GNAD, **GNAD_OPTIONS))
    yield "10kGNAD articles", topics.Corpus(gnad, name="10kgnad").units("article")
    for unit in ("paragraph", "article"):
        for n in sizes:
            yield f"perturbed 10kGNAD, {n} {unit}s", synthetic_units(gnad, n, unit=unit, seed=0)


def measure(units, metric: str) -> dict:
    """One fit of the default with this k-means metric: its metrics and its centres' lengths."""
    from topics.evaluation.topic_metrics import evaluate_topics
    from topics.topic_models import bertopic
    from topics.topic_models.common import article_ids

    start = time.process_time()
    fitted = bertopic.fit(units, 0, kmeans_metric=metric)
    cpu = time.process_time() - start
    metrics = evaluate_topics(fitted.topics, fitted.tokens, fitted.assignments,
                              [u.labels for u in units], article_ids=article_ids(units), c_v=False)
    lengths = np.linalg.norm(fitted.estimator.arrays["centroids"], axis=1)  # topic 0 = largest
    return {"kmeans_metric": metric, "fit_cpu_s": round(cpu, 2), "n_topics": len(fitted.topics),
            **{m: float(metrics[m]) for m in METRICS},
            "largest_centre_length": float(lengths[0]),
            "other_centres_median_length": float(statistics.median(lengths[1:]))}


def _header(sizes: list[int]) -> str:
    return ("# Cosine against euclidean k-means in the BERTopic default\n\n"
            f"`uv run python benchmarks/topic_clustering.py --sizes {' '.join(map(str, sizes))}`; "
            "one fit per cell (the route has no random step). Read with "
            "`topic_model_selection/README.md`, section \"Cosine k-means\".\n\n")


def main(argv: list[str] | None = None) -> int:
    import topics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000, 5000],
                        help="perturbed 10kGNAD units (paragraphs and articles)")
    parser.add_argument("--out", type=Path, default=OUT, help="write clustering.md here")
    parser.add_argument("--json", type=Path, help="write the figures (with fit CPU-s) here")
    args = parser.parse_args(argv)
    lines = ["| corpus | k-means | topics | NPMI | diversity | NMI | NMI article | largest topic "
             "| its centre's length (others' median) |", "|---|---|---|---|---|---|---|---|---|"]
    print("\n".join(lines))
    rows = []
    for name, units in corpora(args.sizes):
        analyzer = topics.GermanAnalyzer()
        for text in (u.text for u in units):
            analyzer(text)  # cached: both fits pay only the model
        for metric in METRIC_VALUES:
            row = {"corpus": name, "units": len(units), **measure(units, metric)}
            rows.append(row)
            lines.append(f"| {name} | {metric} | {row['n_topics']} | {row['npmi']:.3f} | "
                         f"{row['diversity']:.3f} | {row['nmi']:.3f} | {row['nmi_article']:.3f} | "
                         f"{row['largest_topic_share']:.1%} | {row['largest_centre_length']:.2f} "
                         f"({row['other_centres_median_length']:.2f}) |")
            print(lines[-1], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "clustering.md").write_text(_header(args.sizes) + "\n".join(lines) + "\n",
                                            encoding="utf-8")
    write_json(args.json, {"rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
