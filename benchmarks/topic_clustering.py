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

Both k-means metrics run on the rule's k alone here (``max_topic_share=None``: no topic is cut).
A second table (``--samples``, default 25 50 100 articles) fits the default (cosine) on small
samples of *real* articles, as paragraphs and as articles: three samples per size (numpy's PCG64,
seeds 0-2, machine-free), of the shipped corpus and of 10kGNAD (its one-line articles cut into
three-sentence paragraphs, as the perturbed copies are), and the shipped corpus's first 25, 50
and 100 articles in file order (84 %, 52 % and 26 % border relations: one label dominates the
first). It records how the default behaves on a
corpus of a few dozen articles: the largest topic and NMI, mean and range over the samples, with
the default's cut of topics above ``max_topic_share``, without it ("not cut"), and with the
number of topics the cut made asked for (``nr_topics``, which is never cut).
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
    """(name, units) to fit: the real corpora, then perturbed copies of 10kGNAD.

    Each as a run fits it: without the paragraphs repeated word for word in 5 or more articles
    (``drop_repeated_paragraphs``, on by default in a config). 10kGNAD has one, "Der Volltext
    dieses auf Agenturmeldungen basierenden Artikels steht aus rechtlichen Gründen nicht mehr zur
    Verfügung." in 10 articles: kept, it made a topic of its own whose words co-occur in every unit
    (NMF's NPMI on the 721 articles 0.167 with it, 0.121 without), and its copies spread it through
    the perturbed corpora. The shipped corpus has none.
    """
    import topics
    from topics.corpus.synthetic import synthetic_units

    shipped = topics.load_corpus().drop_repeated_paragraphs()
    yield "shipped paragraphs", shipped.units("paragraph")
    yield "shipped articles", shipped.units("article")
    if not GNAD.is_file():
        print(GNAD_MISSING)
        return
    gnad = list(topics.load_corpus(GNAD, **GNAD_OPTIONS).drop_repeated_paragraphs())
    yield "10kGNAD articles", topics.Corpus(gnad, name="10kgnad").units("article")
    for unit in ("paragraph", "article"):
        for n in sizes:
            yield f"perturbed 10kGNAD, {n} {unit}s", synthetic_units(gnad, n, unit=unit, seed=0)


def samples(sizes: list[int], seeds: tuple[int, ...] = (0, 1, 2)):
    """(corpus name, number of articles, seed, the articles) for small samples of the real corpora."""
    import topics
    from topics.corpus.synthetic import with_paragraphs

    sources = {"shipped": list(topics.load_corpus())}
    if GNAD.is_file():
        gnad = topics.load_corpus(GNAD, **GNAD_OPTIONS)
        sources["10kGNAD"] = [with_paragraphs(a, 3) for a in gnad]
    for name, source in sources.items():
        for n in sizes:
            for seed in seeds:
                chosen = np.sort(np.random.default_rng(seed).choice(len(source), n, replace=False))
                yield name, n, seed, [source[i] for i in chosen.tolist()]
    for n in sizes:  # where one label dominates: the shipped corpus's first articles
        yield "shipped, first in file", n, 0, sources["shipped"][:n]


def sample_table(sizes: list[int]) -> tuple[list[str], list[dict]]:
    """Markdown rows (mean and range over the samples of a size) and the per-sample figures."""
    import topics

    lines = ["| corpus | articles | unit | units (mean) | topics | largest topic, mean (range) "
             "| NMI | NMI article | not cut: topics | not cut: largest topic | not cut: NMI "
             "| as many topics asked: largest topic | as many asked: NMI "
             "| NMF default: largest topic | NMF: NMI |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    rows: list[dict] = []
    for name, n, seed, articles in samples(sizes):
        for unit in ("paragraph", "article"):
            units = topics.Corpus(articles, name=f"{name}-{n}-{seed}").units(unit)
            cut = measure(units, "cosine", bertopic_default("max_topic_share"))
            rows.append({"corpus": name, "articles": n, "seed": seed, "unit": unit,
                         "units": len(units), **cut, "not_cut": measure(units, "cosine"),
                         "asked": measure(units, "cosine", nr_topics=cut["n_topics"]),
                         "nmf": _nmf_figures(units)})
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["corpus"], row["articles"], row["unit"]), []).append(row)
    for (name, n, unit), group in groups.items():
        share = [g["largest_topic_share"] for g in group]
        lines.append(
            f"| {name} | {n} | {unit} | {statistics.mean(g['units'] for g in group):.0f} | "
            f"{'/'.join(str(g['n_topics']) for g in group)} | {statistics.mean(share):.1%} "
            f"({min(share):.1%}-{max(share):.1%}) | "
            f"{statistics.mean(g['nmi'] for g in group):.3f} | "
            f"{statistics.mean(g['nmi_article'] for g in group):.3f} | "
            f"{'/'.join(str(g['not_cut']['n_topics']) for g in group)} | "
            f"{statistics.mean(g['not_cut']['largest_topic_share'] for g in group):.1%} | "
            f"{statistics.mean(g['not_cut']['nmi'] for g in group):.3f} | "
            f"{statistics.mean(g['asked']['largest_topic_share'] for g in group):.1%} | "
            f"{statistics.mean(g['asked']['nmi'] for g in group):.3f} | "
            f"{statistics.mean(g['nmf']['largest_topic_share'] for g in group):.1%} | "
            f"{statistics.mean(g['nmf']['nmi'] for g in group):.3f} |")
        print(lines[-1], flush=True)
    return lines, rows


def bertopic_default(setting: str):
    """A setting's default in the BERTopic default, as a config reads it (the registry's schema):
    ``max_topic_share`` here (the sample table's "not cut" columns turn it off),
    ``word_exclusivity`` in ``topic_word_exclusivity.py``."""
    from topics import registry

    return registry.get("bertopic", "topic_model").schema.defaults()[setting]


def _evaluated(fitted, units) -> dict:
    """The metrics of a fit against the units' labels (no C_v)."""
    from topics.evaluation.topic_metrics import evaluate_topics
    from topics.topic_models.common import article_ids

    return evaluate_topics(fitted.topics, fitted.tokens, fitted.assignments,
                           [u.labels for u in units], article_ids=article_ids(units), c_v=False)


def _nmf_figures(units) -> dict:
    """The NMF default on the same units, as the peer of the sample table."""
    from topics.topic_models import nmf

    metrics = _evaluated(nmf.fit(units, 0), units)
    return {m: float(metrics[m]) for m in ("largest_topic_share", "nmi")}


def measure(units, metric: str, max_topic_share: float | None = None,
            nr_topics: int | str = "auto") -> dict:
    """One fit of the default with this k-means metric: its metrics and its centres' lengths.

    ``max_topic_share`` None (the first table) compares the two metrics on the rule's k alone;
    the sample table measures the default with and without its cut of large topics, and with as
    many topics as the cut made asked for (``nr_topics``: is the cut more than a larger k?)."""
    from topics.topic_models import bertopic

    start = time.process_time()
    fitted = bertopic.fit(units, 0, kmeans_metric=metric, max_topic_share=max_topic_share,
                          nr_topics=nr_topics)
    cpu = time.process_time() - start
    metrics = _evaluated(fitted, units)
    lengths = np.linalg.norm(fitted.estimator.arrays["centroids"], axis=1)  # topic 0 = largest
    return {"kmeans_metric": metric, "fit_cpu_s": round(cpu, 2), "n_topics": len(fitted.topics),
            **{m: float(metrics[m]) for m in METRICS},
            "largest_centre_length": float(lengths[0]),
            "other_centres_median_length": float(statistics.median(lengths[1:]))}


def _header(sizes: list[int], sample_sizes: list[int]) -> str:
    return ("# Cosine against euclidean k-means in the BERTopic default\n\n"
            f"`uv run python benchmarks/topic_clustering.py --sizes {' '.join(map(str, sizes))} "
            f"--samples {' '.join(map(str, sample_sizes))}`; "
            "one fit per cell (the route has no random step). Read with "
            "`topic_model_selection/README.md`, sections \"Cosine k-means\" and \"Small corpora\".\n\n")


def main(argv: list[str] | None = None) -> int:
    import topics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000, 5000],
                        help="perturbed 10kGNAD units (paragraphs and articles)")
    parser.add_argument("--samples", type=int, nargs="*", default=[25, 50, 100],
                        help="small samples of real articles (three per size), default route")
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
    small, sample_rows = sample_table(args.samples) if args.samples else ([], [])
    text = _header(args.sizes, args.samples) + "\n".join(lines) + "\n"
    if small:
        text += ("\n## The default (cosine) on small samples of real articles\n\n"
                 "Three samples per size (seeds 0-2); topics per sample, the rest mean over "
                 "the samples. \"Not cut\": the same fit with `max_topic_share=None`, the "
                 "rule's k alone (the default before 2026-12-07); \"as many topics asked\": "
                 "`nr_topics` = the cut's number of topics. \"Shipped, first in file\": one "
                 "sample, the corpus's first articles.\n\n" + "\n".join(small) + "\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "clustering.md").write_text(text, encoding="utf-8")
    write_json(args.json, {"rows": rows, "samples": sample_rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
