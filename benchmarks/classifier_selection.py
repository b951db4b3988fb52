"""Choose the ArticleClassifier defaults by grouped cross-validation, and record the experiment.

Every candidate differs from the default in one setting (one-factor-at-a-time around a standard
configuration), so the table shows what each choice is worth; nothing is searched jointly.

    uv run python benchmarks/classifier_selection.py            # both corpora
    uv run python benchmarks/classifier_selection.py --corpus shipped --seeds 0 1 2

Writes experiments/results/classifier_selection/<corpus>/ (table.md/csv, metrics.json, ...).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import topics
from topics.classifier import ArticleClassifier
from topics.classifier.evaluate import evaluate_classifiers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_OPTIONS  # noqa: E402

OUT = ROOT / "experiments/results/classifier_selection"


def candidates(labels: list[str] | None) -> dict[str, ArticleClassifier]:
    """A standard baseline and one- or two-setting changes to it, all parameters explicit."""
    base = {"features": "char", "C": 10.0, "class_weight": None, "labels": labels}

    def variant(**changes: object) -> ArticleClassifier:
        return ArticleClassifier(**{**base, **changes})

    return {
        "baseline: char 2-5, +paragraphs, C=10": variant(),
        "tokens view": variant(features="tokens"),
        "char+tokens views": variant(features="char+tokens"),
        "char+words views": variant(features="char+words"),
        "no paragraph augmentation": variant(augment="none"),
        "C=1": variant(C=1.0),
        "C=100": variant(C=100.0),
        "class_weight=balanced": variant(class_weight="balanced"),
        "C=100, balanced": variant(C=100.0, class_weight="balanced"),
        "char+tokens, C=100, balanced": variant(
            features="char+tokens", C=100.0, class_weight="balanced"
        ),
        "char+words, C=100, balanced (= new default)": variant(
            features="char+words", C=100.0, class_weight="balanced"
        ),
    }


def run(name: str, seeds: list[int], only: list[str] | None = None) -> None:
    if name == "shipped":
        corpus, units = topics.load_corpus(), ("article", "lead", "paragraph")
        models = candidates(list(corpus.label_set))
    else:
        corpus = topics.load_corpus(GNAD, **GNAD_OPTIONS)
        units = ("article",)
        models = candidates(None)
        del models["no paragraph augmentation"]  # 10kGNAD texts have no paragraphs
    if only:
        models = {k: v for k, v in models.items() if k in only}
    start = time.perf_counter()
    report = evaluate_classifiers(corpus, models, unit=units, seeds=seeds, peers=False)
    report.write(OUT / (name if not only else f"{name}_extra"))
    print(report.to_markdown())
    print(f"[{name}: {time.perf_counter() - start:.0f} s]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["shipped", "10kgnad", "both"], default="both")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--only", nargs="+", help="run these candidates only (written to <corpus>_extra)"
    )
    args = parser.parse_args()
    for name in ["shipped", "10kgnad"] if args.corpus == "both" else [args.corpus]:
        run(name, args.seeds, args.only)


if __name__ == "__main__":
    main()
