"""How a text of one paragraph is decided: the paragraph focus model's screen (issue 11).

    uv run python benchmarks/classifier_paragraph_focus.py [--out DIR]   # ~1 min

A headline, a teaser or a sentence reaches the classifier as one paragraph, so its whole-text,
best-paragraph and lead scores are one number. The three-score focus model (fitted on articles of
several paragraphs) then adds its weights up. Each row below decides such a text by another
logistic regression of one score, fitted in each training fold on out-of-group scores of:

* **focus weights summed** (before format 5): no second model, the focus model given one score
  three times;
* **lead paragraphs** (the default): each training article's first paragraph, against the
  article's labels;
* **every paragraph**: every paragraph of every training article, against its article's labels;
* **leads and whole articles**: both sets of rows;
* **whole articles**: the articles' whole-text scores.

Tested in the shipped corpus's 5-fold grouped CV x seeds 0, 1, 2 (the folds of
``classifier_stress.py``) on each test article's first sentence alone, its first paragraph alone,
and the whole article (its decision does not use this model: the control), scored against the
article's labels. The rows share one fit per fold; the out-of-group scores are read by wrapping
``topics.classifier.training.focus_scores``. Writes
``experiments/results/classifier_selection/paragraph_focus.md``, stamped with the commit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import topics
from topics.classifier import ArticleClassifier, ridge, training
from topics.classifier.focus import focus_scores
from topics.classifier.scoring import summed_focus
from topics.evaluation.folds import article_folds
from topics.labels import to_indicator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classifier_stress as stress  # noqa: E402
from common import git_state  # noqa: E402

OUT = stress.OUT / "paragraph_focus.md"
PAGES = {
    "first sentence": stress.first_sentence,
    "first paragraph": lambda raw: stress.leads(raw)["paragraph"],
    "whole article": lambda raw: raw,
}
ROWS = ("focus weights summed", "lead paragraphs", "every paragraph", "leads and whole articles",
        "whole articles")
METRICS = ("macro_f1", "none_some", "hneg_none", "two_label_recall", "subset")


class _Spy:
    """Keeps the last fit's out-of-group scores, as ``training.focus_scores`` receives them."""

    def __init__(self) -> None:
        self.original = training.focus_scores
        self.seen: tuple = ()

    def __call__(self, scores, is_article, owner, n_docs):
        self.seen = (scores, is_article, owner)
        return self.original(scores, is_article, owner, n_docs)


def paragraph_models(spy: _Spy, clf: ArticleClassifier, targets: np.ndarray) -> dict:
    """Each row's (n_labels, 2) weight and bias: the default as fitted, the others from the last
    fit's out-of-group scores (every training article's, and every paragraph's)."""
    scores, is_article, owner = spy.seen
    article, _, lead = focus_scores(scores, is_article, owner, len(targets))
    rows = {
        "every paragraph": (scores[~is_article], targets[owner[~is_article]]),
        "leads and whole articles": (np.vstack([lead, article]), np.vstack([targets, targets])),
        "whole articles": (article, targets),
    }
    models = {
        name: np.array([ridge.focus_fit(s[:, j], truth=t[:, j]) for j in range(t.shape[1])])
        for name, (s, t) in rows.items()
    }
    models["lead paragraphs"] = clf.paragraph_focus_
    models["focus weights summed"] = summed_focus(clf.focus_)
    return models


def screen(corpus) -> dict:
    """Per (row, page): the metrics of each seed."""
    spy = _Spy()
    training.focus_scores = spy
    labels = list(corpus.label_set)
    truth = to_indicator([list(v) for v in corpus.labels], labels)
    key = [v[0] if v else "" for v in corpus.labels]
    raw = list(corpus.texts)
    results: dict = {(row, page): [] for row in ROWS for page in PAGES}
    for seed in stress.SEEDS:
        chosen = {k: [None] * len(raw) for k in results}
        for train, test in article_folds(key, 5, seed):
            clf = ArticleClassifier(labels=labels)
            clf.fit([raw[i] for i in train], [list(corpus.labels[i]) for i in train])
            models = paragraph_models(spy, clf, truth[train])
            for page, make in PAGES.items():
                texts = [make(raw[i]) for i in test]
                for row in ROWS:
                    clf.paragraph_focus_ = models[row]
                    for i, predicted in zip(test, clf.predict(texts), strict=True):
                        chosen[(row, page)][i] = predicted
        for k, predicted in chosen.items():
            results[k].append(stress.multilabel_scores(corpus, predicted))
    training.focus_scores = spy.original
    return {k: stress.summarise(v) for k, v in results.items()}


def markdown(results: dict) -> str:
    state = git_state()
    lines = [
        f"Made by `benchmarks/classifier_paragraph_focus.py` at commit {state['commit']}"
        f"{' (uncommitted changes!)' if state['dirty'] else ' (clean tree)'}.",
        "",
        "## A text of one paragraph: how it is decided (5 x 3 grouped CV, shipped corpus)",
    ]
    for page in PAGES:
        lines += ["", f"### Each test article's {page}, scored against the article's labels", "",
                  "| decided by | macro-F1 | none/some | hard negatives 'none' (40) | "
                  "two-label recall | subset acc |", "|---|---|---|---|---|---|"]
        for row in ROWS:
            cells = results[(row, page)]
            lines.append(f"| {row} | " + " | ".join(
                f"{cells[m]['mean']:.3f} ± {cells[m]['sd']:.3f}" for m in METRICS) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT.parent, help="where paragraph_focus.md goes")
    args = parser.parse_args()
    text = markdown(screen(topics.load_corpus()))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / OUT.name).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
