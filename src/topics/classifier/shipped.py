"""The shipped model: retrain it on the shipped corpus, and classify files with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from topics.classifier.estimator import ArticleClassifier
from topics.classifier.evaluate import evaluate_classifiers
from topics.classifier.persistence import SHIPPED_MODEL, load_classifier, save_classifier
from topics.corpus import load_corpus
from topics.fileio import read_text_inputs

__all__ = ["classify_files", "train_shipped_classifier"]


def train_shipped_classifier(
    output: str | Path | None = None, seed: int = 0, *, evaluate: bool = True
) -> Path:
    """Retrain the shipped model on the shipped corpus and write it with its card.

    The card records the corpus fingerprint, the seed, package versions and the grouped 5-fold
    cross-validation scores of the same configuration on the same corpus (seed ``seed``).
    Retraining with the same corpus and seed gives identical predictions.

    Parameters
    ----------
    output : str or Path, optional
        The model file; ``None`` = ``src/topics/models/article_classifier.safetensors`` inside
        the package (the shipped model).
    seed : int
        ``random_state`` of the classifier and seed of the cross-validation split.
    evaluate : bool
        Run the cross-validation for the card (about a minute); ``False`` records no CV scores.

    Returns
    -------
    Path
        The model file written.
    """
    corpus = load_corpus()
    clf = ArticleClassifier(labels=corpus.label_set, random_state=seed)
    scores = {}
    if evaluate:
        report = evaluate_classifiers(
            corpus, {"ArticleClassifier": clf}, unit=("article", "lead"), seeds=(seed,), peers=False
        )
        scores = {
            k.split("/", 1)[1]: round(v, 4)
            for k, v in report.metrics.items()
            if k.endswith("_mean")
        }
    clf.fit(corpus.texts, corpus.labels)
    target = (
        Path(output) if output is not None else Path(__file__).parents[1] / "models" / SHIPPED_MODEL
    )
    card = {
        "training_corpus": {
            "name": corpus.name,
            "fingerprint": corpus.fingerprint,
            "n": len(corpus),
        },
        "seed": seed,
        "cv": {
            "method": "5-fold stratified by primary label, grouped by article; scored on whole "
            "articles and on leads (first paragraph)",
            "scores": scores,
        },
    }
    return save_classifier(clf, target, card=card)


def classify_files(paths: list[str]) -> list[dict[str, Any]]:
    """Classify files with the shipped model (``"-"`` reads stdin); one dict per input.

    Parameters
    ----------
    paths : list of str
        Text files, each one raw article; ``"-"`` for standard input.

    Returns
    -------
    list of dict
        ``{"file": path, "labels": [...], "scores": {label: probability}}`` per input, labels
        ordered by probability (the first is the primary label; ``[]`` = none).

    Raises
    ------
    topics.errors.TopicsError
        If a file cannot be read or is empty.
    """
    texts = read_text_inputs(paths, "classify")
    clf = load_classifier()
    proba = clf.predict_proba(texts)
    labels = clf._labels_from_proba(proba)
    return [
        {
            "file": name,
            "labels": labels[i],
            "scores": {k: round(v, 4) for k, v in clf._score_dict(proba[i]).items()},
        }
        for i, name in enumerate(paths)
    ]
