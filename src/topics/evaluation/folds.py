"""Folds over articles: the one split used by cross-validation and by the classifier's inner CV."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["MIN_TRAINING_ARTICLES", "article_folds", "fold_size_problem"]

#: The classifier fits its decision on out-of-fold scores over articles: it needs two at least.
MIN_TRAINING_ARTICLES = 2


def article_folds(
    key: Sequence[Any], n_splits: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled folds over articles, stratified by ``key`` when its counts allow it.

    Parameters
    ----------
    key : sequence
        One stratification value per article (e.g. its primary label, or "" for none).
    n_splits : int
        Number of folds (at most the number of articles).
    seed : int
        Seed of the shuffle.

    Returns
    -------
    list of (train, test) index arrays
        Stratified (scikit-learn's ``StratifiedKFold``) when the largest class has at least
        ``n_splits`` members, else plain ``KFold``; a rare class with fewer members than folds
        does not stop stratification of the others.
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    key = np.asarray([str(k) for k in key])
    n_splits = min(int(n_splits), len(key))
    _, counts = np.unique(key, return_counts=True)
    if counts.max() >= n_splits:
        splitter: Any = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    else:
        splitter = KFold(n_splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # a rare label combination has fewer members than folds
        warnings.simplefilter("ignore", UserWarning)
        return list(splitter.split(np.zeros(len(key)), key))


def fold_size_problem(n_articles: int, n_splits: int) -> str | None:
    """Why ``n_splits`` folds over ``n_articles`` articles cannot cross-validate the classifier, or None.

    Each fold trains on the articles outside its test part (the largest test part holds
    ``ceil(n / k)``), and a fit needs :data:`MIN_TRAINING_ARTICLES` of them.
    """
    k = min(int(n_splits), int(n_articles))
    smallest = n_articles - -(-n_articles // k) if k >= 2 else 0
    if smallest >= MIN_TRAINING_ARTICLES:
        return None
    if n_articles <= MIN_TRAINING_ARTICLES:
        return (f"cross-validation needs at least {MIN_TRAINING_ARTICLES + 1} articles (each fold "
                f"trains on {MIN_TRAINING_ARTICLES} or more); the corpus has {n_articles}")
    return (f"{n_splits} folds over {n_articles} articles leave {smallest} article(s) to train on "
            f"in a fold, and a fit needs {MIN_TRAINING_ARTICLES}: use {n_articles} folds")
