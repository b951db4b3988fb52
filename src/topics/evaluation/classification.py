"""Scores of label predictions, from scikit-learn: per run, per label, confusion counts.

The inputs are gold and predicted label lists (multi-label) or classes (single-label), with the
probabilities in label-set order where the estimator gives them. A unit without any label is the
"none" answer of the multi-label task.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from topics.evaluation.seeds import summarise_seeds
from topics.labels import to_indicator

__all__ = ["MULTI_METRICS", "SINGLE_METRICS", "confusion_rows", "onehot", "per_label_rows", "score"]

MULTI_METRICS = (
    "macro_f1",
    "micro_f1",
    "subset_accuracy",
    "none_some_accuracy",
    "macro_precision",
    "macro_recall",
    "brier",
)
SINGLE_METRICS = ("macro_f1", "accuracy", "brier")


def onehot(truth: list, labels: list[str], multilabel: bool) -> np.ndarray:
    return to_indicator(truth if multilabel else [[t] for t in truth], labels)


def score(
    name: str,
    unit: str,
    seed: int,
    truth: list,
    pred: list,
    proba: np.ndarray | None,
    labels: list[str],
    multilabel: bool,
) -> dict[str, Any]:
    """All metrics of one (estimator, unit, seed), from scikit-learn."""
    from sklearn.metrics import (
        accuracy_score,
        brier_score_loss,
        confusion_matrix,
        f1_score,
        multilabel_confusion_matrix,
        precision_recall_fscore_support,
        precision_score,
        recall_score,
    )

    y_true, y_pred = onehot(truth, labels, multilabel), onehot(pred, labels, multilabel)
    # scikit-learn reads a one-column indicator matrix (one label, or none) as a binary target
    # and would score "label absent" as a second class: give it the column and the positive class
    yt, yp, positive = (
        (y_true[:, 0], y_pred[:, 0], {"labels": [1]})
        if multilabel and len(labels) == 1
        else (y_true, y_pred, {})
    )
    p, r, f, _ = precision_recall_fscore_support(yt, yp, average=None, zero_division=0.0,
                                                 **positive)
    brier = (
        [brier_score_loss(y_true[:, j], proba[:, j]) for j in range(len(labels))]
        if proba is not None
        else [np.nan] * len(labels)
    )
    rec: dict[str, Any] = {
        "estimator": name,
        "unit": unit,
        "seed": seed,
        "n": len(truth),
        "macro_f1": f1_score(yt, yp, average="macro", zero_division=0.0, **positive),
        "brier": float(np.mean(brier)),  # mean over labels of the Brier score
        "_per_label": {"precision": p, "recall": r, "f1": f, "brier": np.array(brier)},
    }
    if multilabel:
        rec.update(
            micro_f1=f1_score(yt, yp, average="micro", zero_division=0.0, **positive),
            subset_accuracy=accuracy_score(y_true, y_pred),
            none_some_accuracy=accuracy_score(y_true.any(axis=1), y_pred.any(axis=1)),
            macro_precision=precision_score(yt, yp, average="macro", zero_division=0.0,
                                            **positive),
            macro_recall=recall_score(yt, yp, average="macro", zero_division=0.0, **positive),
            _confusion=multilabel_confusion_matrix(yt, yp, **positive),
        )
    else:
        rec.update(
            accuracy=accuracy_score(truth, pred),
            _confusion=confusion_matrix(truth, pred, labels=labels),
        )
    return rec


def per_label_rows(name: str, unit: str, recs: list[dict], labels: list[str]) -> list[dict]:
    per = {
        k: np.vstack([r["_per_label"][k] for r in recs])
        for k in ("precision", "recall", "f1", "brier")
    }
    out = []
    for j, label in enumerate(labels):
        per_seed = [{k: values[i, j] for k, values in per.items()} for i in range(len(recs))]
        summary = summarise_seeds(per_seed)
        summary.pop("n_seeds")
        out.append({"estimator": name, "unit": unit, "label": label, **summary})
    return out


def confusion_rows(
    name: str, unit: str, recs: list[dict], labels: list[str], multilabel: bool
) -> list[dict]:
    """Confusion counts summed over seeds: per label (multi-label) or true x predicted class."""
    total = sum(r["_confusion"] for r in recs)
    if multilabel:
        return [
            {
                "estimator": name,
                "unit": unit,
                "label": label,
                "tn": int(m[0, 0]),
                "fp": int(m[0, 1]),
                "fn": int(m[1, 0]),
                "tp": int(m[1, 1]),
            }
            for label, m in zip(labels, total, strict=True)
        ]
    return [
        {
            "estimator": name,
            "unit": unit,
            "true": t,
            **{p: int(total[i, j]) for j, p in enumerate(labels)},
        }
        for i, t in enumerate(labels)
    ]
