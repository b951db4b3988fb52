"""Folds over articles: the one split used by cross-validation and by the classifier's inner CV."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["article_folds"]


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
