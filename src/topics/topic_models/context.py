"""A paragraph read in its article's context: the article of each unit, and topic shares mixed
with the article's.

A paragraph of two sentences holds too few words to say what it is about; it is a part of an
article, not a stranger. The BERTopic default mixes a paragraph's embedding with its article's
mean (:func:`topics.topic_models.clustering.with_article_context`); NMF and LDA mix topic shares
(:func:`in_article_context`), at fit time and when new paragraphs come with their article ids
(:class:`topics.topic_models.assigner.TopicAssigner`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["article_index", "article_means", "context_option", "in_article_context"]


def article_index(ids: Sequence[str]) -> np.ndarray | None:
    """Each unit's article as 0, 1, ... in order of first appearance (``ids``: each unit's article,
    as :func:`topics.topic_models.common.article_ids` gives them), or None when every unit is a
    whole article: there is no article context to read."""
    index: dict[str, int] = {}
    article_of = np.array([index.setdefault(str(a), len(index)) for a in ids], dtype=np.intp)
    return None if len(index) == len(article_of) else article_of


def article_means(own: np.ndarray, article_of: np.ndarray) -> np.ndarray:
    """Each article's topic distribution as the mean of its units' distributions (rows of
    ``own`` summing to 1; a unit without a word, a row of zeros, is left out of the mean); a row
    of zeros for an article without a word."""
    n_articles = int(article_of.max()) + 1 if len(article_of) else 0
    sums = np.zeros((n_articles, own.shape[1]))
    np.add.at(sums, article_of, own)
    placed = np.bincount(article_of, weights=own.any(axis=1), minlength=n_articles)
    return np.divide(sums, placed[:, None], out=np.zeros_like(sums), where=placed[:, None] > 0)


def in_article_context(own: np.ndarray, articles: np.ndarray, article_of: np.ndarray,
                       weight: float) -> np.ndarray:
    """Each unit's own topic distribution x ``weight`` + its article's x (1 - ``weight``), rows
    summing to 1 (``articles``: one row per article, ``article_of``: each unit's row); a unit
    without a word in an article without one stays a row of zeros."""
    mixed = weight * own + (1.0 - weight) * articles[article_of]
    total = mixed.sum(axis=1, keepdims=True)
    return np.divide(mixed, total, out=np.zeros_like(mixed), where=total > 0)


def context_option(article_of: np.ndarray | None, weight: float | None) -> dict[str, float]:
    """The estimator option that makes new paragraphs given with ``article_ids`` read their
    article as the fit read its units (none when the fit read no article context)."""
    return {} if article_of is None or weight is None else {"context_weight": float(weight)}
