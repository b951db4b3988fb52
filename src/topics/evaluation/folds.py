"""Folds over articles: the one split used by cross-validation and by the classifier's inner CV."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from topics.errors import counted

__all__ = ["MIN_TRAINING_ARTICLES", "article_folds", "fold_size_problem", "group_count"]

#: The classifier fits its decision on out-of-fold scores over articles: it needs two at least.
MIN_TRAINING_ARTICLES = 2


def article_folds(
    key: Sequence[Any], n_splits: int, seed: int, groups: Sequence[int] | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled folds over articles, stratified by ``key`` when its counts allow it.

    Parameters
    ----------
    key : sequence
        One stratification value per article (e.g. its primary label, or "" for none).
    n_splits : int
        Number of folds (at most the number of articles, or of groups).
    seed : int
        Seed of the shuffle.
    groups : sequence of int, optional
        Per article, the index of the first article of its group (as
        :func:`topics.corpus.duplicates.near_duplicate_groups` gives it): a group's articles
        always share a fold, so a copy of a test article is never trained on. The first
        article's ``key`` places the group. Without groups, or when every article is its own
        group, the folds are exactly those without.

    Returns
    -------
    list of (train, test) index arrays
        Stratified (scikit-learn's ``StratifiedKFold``) when the largest class has at least
        ``n_splits`` members, else plain ``KFold``; a rare class with fewer members than folds
        does not stop stratification of the others.
    """
    if groups is not None:
        groups = np.asarray(groups, dtype=np.int64)
        if len(groups) != len(key):
            raise ValueError(f"article_folds: {len(groups)} groups for {len(key)} articles")
        firsts = np.flatnonzero(groups == np.arange(len(groups)))
        if len(firsts) < len(groups):
            return _expanded(article_folds([key[i] for i in firsts], n_splits, seed), firsts,
                             groups)
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


def group_count(groups: Sequence[int]) -> int:
    """How many groups ``groups`` (per article, the index of its group's first article) holds."""
    groups = np.asarray(groups, dtype=np.int64)
    return int(np.sum(groups == np.arange(len(groups))))


def _expanded(
    folds: list[tuple[np.ndarray, np.ndarray]], firsts: np.ndarray, groups: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds over the groups' first articles, as folds over every article of each group."""
    position = np.searchsorted(firsts, groups)  # each article's group, numbered 0 ... len(firsts)
    out = []
    for _, test in folds:
        in_test = np.zeros(len(firsts), dtype=bool)
        in_test[test] = True
        test_articles = in_test[position]
        out.append((np.flatnonzero(~test_articles), np.flatnonzero(test_articles)))
    return out


def fold_size_problem(n_articles: int, n_splits: int, n_groups: int | None = None) -> str | None:
    """Why ``n_splits`` folds over ``n_articles`` articles cannot cross-validate the classifier, or None.

    Each fold trains on the articles outside its test part (the largest test part holds
    ``ceil(n / k)``), and a fit needs :data:`MIN_TRAINING_ARTICLES` of them. With ``n_groups``
    (groups of near-duplicates, which share a fold) the folds need as many groups.
    """
    if n_groups is not None and n_groups < 2 <= n_articles:
        return (f"cross-validation needs two distinct articles at least, and the {n_articles} "
                "articles are near-duplicates of one another (one group: the copies of an article "
                "share its fold); label more distinct articles")
    if n_groups is not None and n_groups < min(int(n_splits), int(n_articles)):
        return (f"cross-validation over {n_splits} folds needs {n_splits} distinct articles, and "
                f"the {n_articles} articles are {n_groups} groups of near-duplicates (the copies "
                f"of an article share its fold): use at most {n_groups} folds, or label more "
                "distinct articles")
    k = min(int(n_splits), int(n_articles))
    smallest = n_articles - -(-n_articles // k) if k >= 2 else 0
    if smallest >= MIN_TRAINING_ARTICLES:
        return None
    if n_articles <= MIN_TRAINING_ARTICLES:
        return (f"cross-validation needs at least {MIN_TRAINING_ARTICLES + 1} articles (each fold "
                f"trains on {MIN_TRAINING_ARTICLES} or more); the corpus has {n_articles}")
    return (f"{n_splits} folds over {n_articles} articles leave {counted(smallest, 'article')} to train on "
            f"in a fold, and a fit needs {MIN_TRAINING_ARTICLES}: use {n_articles} folds")
