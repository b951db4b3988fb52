"""The BERTopic default's number of topics, and two routes around it, on corpora of several kinds
(issue 9: "choose the route by measurement ... topic-number selection").

Run: ``uv run python benchmarks/topic_n_topics.py [--sizes 1000 2000] [--out DIR]`` (``TOPICS_10KGNAD``
names the 10kGNAD sample). It writes ``DIR/n_topics.md`` (default:
``experiments/results/topic_model_selection``; a slow test reruns it and compares). The route has no
random step: one fit per cell.

The default's k is label-free, ~sqrt(n)/2 of the geometric mean of units and articles
(:func:`topics.topic_models.bertopic.n_clusters`). Three tables test it:

1. **k from 4 to 28** on the shipped paragraphs and articles, the 721 10kGNAD articles and perturbed
   10kGNAD paragraphs and articles (sentences shuffled, 10 % dropped) at ``--sizes``: NPMI,
   diversity, NMI per unit and per article against the labels, the largest topic, and three
   label-free criteria of the partition on the clustered (context-mixed, unit-length) embedding
   that a data-driven choice of k could maximise: the cosine silhouette, Calinski-Harabasz
   (higher = better) and Davies-Bouldin (lower = better).
2. **What each choice of k would give**: per corpus, the default's k and the k each criterion
   picks, with the NMI and NPMI there, and the best NMI over the k tried (which needs labels).
3. **Character n-grams in the embedding** (``char_ngrams``: a ``char_wb`` TF-IDF stacked beside
   the tokens view before the SVD, robust to compounds and inflection) at the default k.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from topic_clustering import _evaluated, corpora  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "experiments" / "results" / "topic_model_selection"

KS = (4, 6, 8, 10, 12, 14, 16, 20, 24, 28)
CHAR_NGRAMS = (None, (2, 4), (3, 5), (4, 6))
#: criterion -> (row key, whether larger is better)
CRITERIA = {"silhouette": ("silhouette", True), "Calinski-Harabasz": ("ch", True),
            "Davies-Bouldin": ("db", False)}


def fit_row(units, k: int | None = None, char_ngrams=None) -> dict:
    """One fit of the default (``k`` topics, or its own rule) and its figures."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    from topics.topic_models import bertopic

    settings = {} if k is None else {"nr_topics": k}
    # the rule's k as it is: no large topic cut (max_topic_share), so that every row compares k
    fitted = bertopic.fit(units, 0, char_ngrams=char_ngrams, max_topic_share=None, **settings)
    metrics = _evaluated(fitted, units)
    x, labels = fitted.embeddings, fitted.assignments
    return {"k": len(fitted.topics),
            **{m: float(metrics[m]) for m in ("npmi", "diversity", "nmi", "nmi_article",
                                              "largest_topic_share")},
            "silhouette": float(silhouette_score(x, labels, metric="cosine")),
            "ch": float(calinski_harabasz_score(x, labels)),
            "db": float(davies_bouldin_score(x, labels))}


def _k_line(name: str, row: dict, default: int) -> str:
    mark = " (default)" if row["k"] == default else ""
    return (f"| {name} | {row['k']}{mark} | {row['npmi']:.3f} | {row['diversity']:.3f} | "
            f"{row['nmi']:.3f} | {row['nmi_article']:.3f} | {row['largest_topic_share']:.1%} | "
            f"{row['silhouette']:.3f} | {row['ch']:.1f} | {row['db']:.2f} |")


def _choice_line(name: str, rows: list[dict], default: int) -> str:
    by_k = {r["k"]: r for r in rows}
    cells = [f"{default}: {by_k[default]['nmi']:.3f} / {by_k[default]['npmi']:.3f}"]
    for key, larger in CRITERIA.values():
        best = max(rows, key=lambda r, key=key, larger=larger: r[key] if larger else -r[key])
        cells.append(f"{best['k']}: {best['nmi']:.3f} / {best['npmi']:.3f}")
    top = max(rows, key=lambda r: r["nmi"])
    cells.append(f"{top['k']}: {top['nmi']:.3f} / {top['npmi']:.3f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    from topics.topic_models.bertopic import n_clusters
    from topics.topic_models.common import article_ids

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000],
                        help="perturbed 10kGNAD units (paragraphs and articles)")
    parser.add_argument("--out", type=Path, default=OUT, help="write n_topics.md here")
    args = parser.parse_args(argv)
    k_lines = ["| corpus | k | NPMI | diversity | NMI | NMI article | largest topic | silhouette "
               "| Calinski-Harabasz | Davies-Bouldin |", "|---|---|---|---|---|---|---|---|---|---|"]
    choice_lines = ["| corpus | default k | k of the best silhouette | of the best "
                    "Calinski-Harabasz | of the best Davies-Bouldin | of the best NMI (labels) |",
                    "|---|---|---|---|---|---|"]
    char_lines = ["| corpus | embedding | k | NPMI | diversity | NMI | NMI article | "
                  "largest topic |", "|---|---|---|---|---|---|---|---|"]
    for name, units in corpora(args.sizes):
        default = n_clusters("auto", len(units), len(set(article_ids(units))))
        ks = [k for k in sorted({*KS, default}) if k < len(units)]
        rows = [fit_row(units, k) for k in ks]
        for row in rows:
            k_lines.append(_k_line(name, row, default))
            print(k_lines[-1], flush=True)
        choice_lines.append(_choice_line(name, rows, default))
        for ngrams in CHAR_NGRAMS:  # tokens only: the sweep already fitted the default k
            row = (rows[ks.index(default)] if ngrams is None and default in ks
                   else fit_row(units, None, ngrams))
            label = "tokens" if ngrams is None else f"tokens + char {ngrams[0]}-{ngrams[1]}"
            char_lines.append(f"| {name} | {label} | {row['k']} | {row['npmi']:.3f} | "
                              f"{row['diversity']:.3f} | {row['nmi']:.3f} | "
                              f"{row['nmi_article']:.3f} | {row['largest_topic_share']:.1%} |")
            print(char_lines[-1], flush=True)
    text = (
        "# The BERTopic default's number of topics, and character n-grams in its embedding\n\n"
        f"`uv run python benchmarks/topic_n_topics.py --sizes {' '.join(map(str, args.sizes))}`; "
        "one fit per cell (the route has no random step). Read with "
        "`topic_model_selection/README.md`, section \"Number of topics\".\n\n"
        "## k from 4 to 28\n\n" + "\n".join(k_lines) + "\n\n"
        "## What each choice of k gives (k: NMI / NPMI)\n\n" + "\n".join(choice_lines) + "\n\n"
        "## Character n-grams in the embedding, at the default k\n\n" + "\n".join(char_lines)
        + "\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "n_topics.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
