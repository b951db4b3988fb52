"""Stage 2 of the fit: the focus models, from the ridge scorer's out-of-group scores.

The focus model decides a label from three scores of an article (whole text, best paragraph,
lead paragraph), fitted on scores the scorer gave each training article while it was left out.
A text of one paragraph (a headline, a teaser, a sentence) has one score, not three: the
three-score model would add its weights up, and that is steeper than a paragraph alone deserves.
The paragraph focus model decides it instead, fitted on the training articles' lead paragraphs
against their articles' labels (chosen by grouped cross-validation: "A text of one paragraph" in
``experiments/results/classifier_selection/README.md``). Prediction applies both with numpy
alone (:func:`topics.classifier.scoring.focus_logits`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from topics.classifier import ridge

__all__ = ["focus_scores", "out_of_fold_f1", "paragraph_focus_fit"]


def focus_scores(
    scores: np.ndarray, is_article: np.ndarray, owner: np.ndarray, n_docs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each article's out-of-group scores that the focus model reads: whole text, best paragraph,
    lead (first) paragraph; an article of one paragraph has its whole-text score for all three.

    ``scores`` has one row per design row (articles and paragraphs); ``is_article`` and ``owner``
    say which rows are whole articles and whose rows they are (paragraphs in text order).
    """
    article = np.zeros((n_docs, scores.shape[1]))
    article[owner[is_article]] = scores[is_article]
    best, lead = article.copy(), article.copy()
    paragraph = ~is_article
    if paragraph.any():
        owners = owner[paragraph]
        top = np.full_like(article, -np.inf)
        np.maximum.at(top, owners, scores[paragraph])
        has, first = np.unique(owners, return_index=True)
        best[has] = top[has]
        lead[has] = scores[paragraph][first]
    return article, best, lead


def paragraph_focus_fit(lead: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per label, the weight and bias that decide a text of one paragraph (and each paragraph read
    alone): a logistic regression of the articles' labels on their lead paragraphs' out-of-group
    scores, shape (n_labels, 2)."""
    return np.array([ridge.focus_fit(lead[:, j], truth=targets[:, j]) for j in range(len(lead.T))])


def out_of_fold_f1(
    scores: Sequence[np.ndarray],
    targets: np.ndarray,
    folds: Iterable[tuple[np.ndarray, np.ndarray]],
    threshold: float,
    classes: Sequence[str],
) -> dict[str, float]:
    """Out-of-fold F1 per label of the whole model: the focus model fitted on each fold's
    training articles' out-of-group ``scores`` (whole text, best, lead), tested on the rest."""
    proba = np.zeros(targets.shape)
    for train, test in folds:
        for j in range(targets.shape[1]):
            w = ridge.focus_fit(*(s[train, j] for s in scores), truth=targets[train, j])
            logit = sum(s[test, j] * w[i] for i, s in enumerate(scores)) + w[-1]
            proba[test, j] = 1.0 / (1.0 + np.exp(-logit))
    predicted = proba >= threshold
    tp = (predicted & (targets == 1)).sum(axis=0)
    denominator = predicted.sum(axis=0) + targets.sum(axis=0)
    f1 = np.divide(2.0 * tp, denominator, out=np.zeros(len(classes)), where=denominator > 0)
    return {label: round(float(f1[j]), 6) for j, label in enumerate(classes)}
