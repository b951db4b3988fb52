"""ArticleClassifier (defaults) against the two scikit-learn default peers, grouped CV, both corpora.

    uv run python benchmarks/classifier_peers.py                      # both corpora, seeds 0 1 2
    uv run python benchmarks/classifier_peers.py --corpus 10kgnad --seeds 0

Writes experiments/results/classifier_peers/<corpus>/ (table.md/csv, metrics.json, per_label.csv,
confusion.csv, runs.csv, reliability_*.png). Peers: scikit-learn defaults ``TfidfVectorizer()`` +
one-vs-rest ``LinearSVC()`` / ``LogisticRegression()`` on clean text, fitted on the same folds.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import topics
from topics.classifier import ArticleClassifier
from topics.classifier.evaluate import evaluate_classifiers

ROOT = Path(__file__).resolve().parents[1]
GNAD = Path(os.environ.get("TOPICS_10KGNAD", ROOT.parent / "shared/data/10kgnad/articles.csv"))
OUT = ROOT / "experiments/results/classifier_peers"


def run(name: str, seeds: list[int]) -> None:
    if name == "shipped":
        corpus, units = topics.load_corpus(), ("article", "lead", "paragraph")
        model = ArticleClassifier(labels=corpus.label_set)
    else:
        corpus = topics.load_corpus(
            GNAD, text_column=1, label_column=0, delimiter=";", quotechar="'", header=False
        )
        units, model = ("article",), ArticleClassifier()
    start = time.perf_counter()
    report = evaluate_classifiers(corpus, {"ArticleClassifier": model}, unit=units, seeds=seeds)
    report.write(OUT / name)
    print(report.to_markdown())
    print(f"[{name}: {time.perf_counter() - start:.0f} s]\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["shipped", "10kgnad", "both"], default="both")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    for name in ["shipped", "10kgnad"] if args.corpus == "both" else [args.corpus]:
        run(name, args.seeds)


if __name__ == "__main__":
    main()
