"""Fitting the classifier: TF-IDF views, logistic models, inner-CV calibration and thresholds.

scikit-learn and scipy are imported here only, so prediction never loads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.classifier.features import FEATURES, FittedView, view_analyzer
from topics.classifier.inputs import label_lists
from topics.errors import ConfigError, InputError
from topics.evaluation.folds import article_folds
from topics.text.cleaning import clean_article, join_headings

if TYPE_CHECKING:
    from topics.classifier.estimator import ArticleClassifier

__all__ = ["fit_state"]

_CONSTANT_LOGIT = 8.0  # intercept of a label seen always/never in training: a sure 0 or 1


def _encode_targets(
    y: Any, labels: Sequence[str] | None, n_texts: int
) -> tuple[bool, list[str], np.ndarray]:
    """Return (multilabel, classes, targets); targets = indicator matrix or class codes."""
    y = label_lists(y, labels)
    if len(y) != n_texts:
        raise InputError(
            f"fit: {n_texts} texts but {len(y)} labels; give one label entry per text"
        )
    is_str = [isinstance(v, str) for v in y]
    if all(is_str):
        multilabel = False
    elif not any(is_str) and all(isinstance(v, (list, tuple, np.ndarray)) for v in y):
        multilabel = True
    else:
        raise InputError(
            "fit: labels must be all strings (single-label) or all lists of strings (multi-label, "
            "[] = none); got a mix"
        )
    seen = sorted({str(v) for v in y} if not multilabel else {str(v) for row in y for v in row})
    classes = [str(c) for c in labels] if labels is not None else seen
    allowed = set(classes)
    for i, row in enumerate(y):
        for value in [row] if not multilabel else row:
            if str(value) not in allowed:
                raise ConfigError(
                    f"fit: label {str(value)!r} of text {i} is not in labels={classes!r}; "
                    "add it to `labels` or fix the data"
                )
    index = {c: j for j, c in enumerate(classes)}
    if multilabel:
        targets = np.zeros((n_texts, len(classes)), dtype=int)
        for i, row in enumerate(y):
            targets[i, [index[str(v)] for v in row]] = 1
        if not classes:
            raise InputError("fit: no labels at all; multi-label fitting needs at least one label")
    else:
        targets = np.array([index[str(v)] for v in y])
        if len(set(targets.tolist())) < 2:
            raise InputError("fit: single-label fitting needs at least two different classes")
    return multilabel, classes, targets


def _training_rows(
    texts: Sequence[str], augment: str, paragraph_weight: float
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Rows to train on: each clean article, then (if augmenting) its paragraphs.

    Returns rows, the article index of each row, the sample weights and the row index of each
    article's whole-text row.
    """
    rows: list[str] = []
    owner: list[int] = []
    weight: list[float] = []
    article_row: list[int] = []
    for i, raw in enumerate(texts):
        clean = clean_article(raw)
        article_row.append(len(rows))
        rows.append(clean.text)
        owner.append(i)
        weight.append(1.0)
        paragraphs = join_headings(clean.paragraphs) if augment == "paragraphs" else []
        if len(paragraphs) > 1:
            rows.extend(paragraphs)
            owner.extend([i] * len(paragraphs))
            weight.extend([paragraph_weight] * len(paragraphs))
    if not any(r.strip() for r in rows):
        raise InputError("fit: every text is empty after cleaning; there is nothing to learn from")
    return rows, np.array(owner), np.array(weight), np.array(article_row)


def _count_views(clf: ArticleClassifier, rows: list[str]) -> list[tuple[str, Any, list[str]]]:
    """Raw term counts of every row for every view: (view, csr matrix, terms)."""
    from sklearn.feature_extraction.text import CountVectorizer

    result = []
    for view in FEATURES[clf.features]:
        vectorizer = CountVectorizer(
            analyzer=view_analyzer(view, clf.ngram_range), dtype=np.float64
        )
        counts = vectorizer.fit_transform(rows).tocsr()
        result.append((view, counts, list(vectorizer.get_feature_names_out())))
    return result


class _Core:
    """A linear model fitted on some training rows: kept columns and idf per view, weights."""

    def __init__(
        self, keep: list[np.ndarray], idf: list[np.ndarray], coef: np.ndarray, intercept: np.ndarray
    ):
        self.keep, self.idf, self.coef, self.intercept = keep, idf, coef, intercept


def _tfidf(counts: Any, keep: np.ndarray, idf: np.ndarray) -> Any:
    """Sublinear tf x idf, l2-normalised rows: what ``FittedView.vectorise`` computes."""
    from sklearn.preprocessing import normalize

    x = counts[:, keep].tocsr(copy=True)
    x.data = (np.log(x.data) + 1.0) * idf[x.indices]
    return normalize(x, norm="l2", copy=False)


def _design(views: list, rows: np.ndarray, core: _Core) -> Any:
    from scipy.sparse import hstack

    blocks = [
        _tfidf(counts[rows], k, f)
        for (_, counts, _), k, f in zip(views, core.keep, core.idf, strict=True)
    ]
    return hstack(blocks, format="csr")


def _fit_core(
    clf: ArticleClassifier,
    views: list,
    rows: np.ndarray,
    targets: np.ndarray,
    weight: np.ndarray,
    multilabel: bool,
) -> _Core:
    """Fit idf weights and the logistic model(s) on the given training rows."""
    from sklearn.linear_model import LogisticRegression

    keep, idf = [], []
    n = len(rows)
    for _, counts, _ in views:
        df = np.bincount(counts[rows].indices, minlength=counts.shape[1])
        mask = np.flatnonzero(df >= max(1, int(clf.min_df)))
        keep.append(mask)
        idf.append(np.log((1.0 + n) / (1.0 + df[mask])) + 1.0)  # smooth idf, as scikit-learn
    core = _Core(keep, idf, np.zeros(0), np.zeros(0))
    x = _design(views, rows, core)

    if not multilabel:  # one-vs-rest over the classes
        targets = np.eye(int(targets.max()) + 1, dtype=int)[targets]
    core.coef = np.zeros((x.shape[1], targets.shape[1]))
    core.intercept = np.zeros(targets.shape[1])
    for j in range(targets.shape[1]):
        column = targets[:, j]
        if column.min() == column.max():  # never (or always) seen: a constant answer
            core.intercept[j] = _CONSTANT_LOGIT if column[0] else -_CONSTANT_LOGIT
            continue
        # liblinear's dual solver: fast when features far outnumber texts (5-20x lbfgs here),
        # deterministic for a fixed random_state.
        fitted = LogisticRegression(
            C=float(clf.C),
            class_weight=clf.class_weight,
            solver="liblinear",
            dual=True,
            max_iter=5000,
            random_state=int(clf.random_state),
        ).fit(x, column, sample_weight=weight)
        core.coef[:, j], core.intercept[j] = fitted.coef_[0], fitted.intercept_[0]
    return core


def _inner_folds(
    targets: np.ndarray, n_splits: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Article folds, stratified by the first label in label-set order (or none)."""
    key = np.where(targets.any(axis=1), targets.argmax(axis=1), -1)
    return article_folds(key, n_splits, seed)


def _oof_scores(
    clf: ArticleClassifier,
    views: list,
    owner: np.ndarray,
    article_row: np.ndarray,
    targets: np.ndarray,
    weight: np.ndarray,
) -> np.ndarray:
    """Out-of-fold decision values of every article; its paragraphs never train its own fold."""
    scores = np.zeros(targets.shape, dtype=float)
    for train_articles, test_articles in _inner_folds(targets, int(clf.cv), int(clf.random_state)):
        train_rows = np.flatnonzero(np.isin(owner, train_articles))
        core = _fit_core(
            clf, views, train_rows, targets[owner[train_rows]], weight[train_rows], True
        )
        x = _design(views, article_row[test_articles], core)
        scores[test_articles] = x @ core.coef + core.intercept
    return scores


def _calibrate(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Platt scaling: a sigmoid of the decision value fitted on out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression

    if truth.min() == truth.max():
        return 1.0, 0.0
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(scores[:, None], truth)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def _best_threshold(
    proba: np.ndarray, truth: np.ndarray, bounds: tuple[float, float]
) -> tuple[float, float]:
    """The probability threshold that maximises out-of-fold F1, placed between two scores."""
    from sklearn.metrics import f1_score

    if truth.min() == truth.max():
        return 0.5, float("nan")
    candidates = np.unique(proba)
    f1 = np.array([f1_score(truth, proba >= c, zero_division=0.0) for c in candidates])
    best = int(
        np.flatnonzero(f1 == f1.max())[-1]
    )  # ties: the highest threshold (fewer false alarms)
    below = candidates[best - 1] if best > 0 else 0.0
    threshold = (candidates[best] + below) / 2.0  # margin on both sides, not on a training score
    return float(np.clip(threshold, *bounds)), float(f1[best])


def fit_state(clf: ArticleClassifier, texts: list[str], y: Any) -> dict[str, Any]:
    """Fit everything and return the learned attributes (names ending in ``_``)."""
    multilabel, classes, targets = _encode_targets(y, clf.labels, len(texts))
    rows, owner, weight, article_row = _training_rows(
        texts, clf.augment, float(clf.paragraph_weight)
    )
    views = _count_views(clf, rows)
    n_out = len(classes)
    calibration = np.tile([1.0, 0.0], (n_out, 1))
    thresholds = np.full(n_out, 0.5)
    oof = {}
    if multilabel:
        scores = _oof_scores(clf, views, owner, article_row, targets, weight)
        for j, label in enumerate(classes):
            calibration[j] = _calibrate(scores[:, j], targets[:, j])
            proba = 1.0 / (1.0 + np.exp(-(scores[:, j] * calibration[j, 0] + calibration[j, 1])))
            thresholds[j], oof[label] = _best_threshold(
                proba, targets[:, j], tuple(clf.threshold_bounds)
            )
    row_targets = targets[owner]
    core = _fit_core(clf, views, np.arange(len(rows)), row_targets, weight, multilabel)
    fitted_views = [
        FittedView(view, tuple(clf.ngram_range), [terms[i] for i in keep], idf)
        for (view, _, terms), keep, idf in zip(views, core.keep, core.idf, strict=True)
    ]
    return {
        "classes_": np.array(classes, dtype=object),
        "multilabel_": multilabel,
        "views_": fitted_views,
        "coef_": core.coef,
        "intercept_": core.intercept,
        "calibration_": calibration,
        "thresholds_": thresholds,
        "oof_scores_": oof,
        "n_training_rows_": len(rows),
    }

