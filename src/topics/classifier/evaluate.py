"""``evaluate_classifiers``: grouped cross-validation of the classifier against its peers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from topics.classifier.estimator import ArticleClassifier
from topics.classifier.peers import peer_estimators
from topics.corpus.duplicates import DEFAULT_THRESHOLD
from topics.errors import InputError
from topics.evaluation.cross_validation import ClassifierReport, cross_validate

__all__ = ["evaluate_classifiers"]


def evaluate_classifiers(
    corpus: Any,
    estimators: Mapping[str, Any] | None = None,
    *,
    unit: str | Sequence[str] = "article",
    n_splits: int = 5,
    seeds: int | Sequence[int] = (0, 1, 2),
    peers: bool = True,
    duplicate_threshold: float | None = DEFAULT_THRESHOLD,
    verbose: bool | None = None,
    scheduler: Any = None,
    n_workers: int | None = None,
) -> ClassifierReport:
    """Cross-validate classifiers on a labelled corpus, grouped by article, over several seeds.

    Folds split the articles (stratified by primary label, or "none"); near-duplicate articles
    (a reprint of the same story) always share a fold, so no test article is seen in training
    under another id; every estimator sees the same folds; the split is repeated per seed (see
    :mod:`topics.evaluation.cross_validation`).

    Parameters
    ----------
    corpus : topics.Corpus
        Labelled articles; multi-label (label lists) or single-label (one class each).
    estimators : mapping of str to estimator, optional
        Named, unfitted estimators (cloned for every fold). ``None`` = the default
        :class:`~topics.classifier.ArticleClassifier`.
    unit : {"article", "paragraph", "lead"} or sequence of them
        What the test side scores: whole articles, every paragraph, or the first paragraph of
        each test article (gold labels are the article's). Training always uses whole articles.
    n_splits : int
        Number of folds.
    seeds : int or sequence of int
        One shuffled split per seed.
    peers : bool
        Add the two scikit-learn default peers (:func:`~topics.classifier.peers.peer_estimators`).
    duplicate_threshold : float or None
        Articles whose word 5-gram sets overlap at least this much (Jaccard) are near-duplicates
        and share a fold (:meth:`topics.Corpus.near_duplicate_groups`); ``None`` treats every
        article as distinct.
    verbose : bool, optional
        A progress bar over the fits (seeds x folds x estimators) on stderr; ``None`` follows
        :func:`topics.progress.enabled`.
    scheduler : None, "local", str or dask.distributed.Client
        Where the fits run: here (``None``, one after the other), on a Dask LocalCluster of
        ``n_workers`` processes (``"local"``) or on a running Dask cluster (its address, or a
        Client); the report is the same wherever they ran (see
        :func:`topics.evaluation.cross_validation.cross_validate`).
    n_workers : int, optional
        The LocalCluster's processes (default: one per core).

    Returns
    -------
    topics.evaluation.cross_validation.ClassifierReport
    """
    if not hasattr(corpus, "label_set"):
        raise InputError(
            f"expected a labelled topics.Corpus (e.g. topics.load_corpus()), got "
            f"{type(corpus).__name__}"
        )
    labels = list(corpus.label_set)
    multilabel = not getattr(corpus, "is_single_label", False)
    models = (
        dict(estimators)
        if estimators is not None
        else {"ArticleClassifier": ArticleClassifier(labels=labels)}
    )
    if peers:
        models.update(peer_estimators(multilabel))
    return cross_validate(corpus, models, unit=unit, n_splits=n_splits, seeds=seeds,
                          duplicate_threshold=duplicate_threshold, verbose=verbose,
                          scheduler=scheduler, n_workers=n_workers)
