"""A paragraph read in its article's context: the article of each unit, and topic shares mixed
with the article's.

A paragraph of two sentences holds too few words to say what it is about; it is a part of an
article, not a stranger. The BERTopic default mixes a paragraph's embedding with its article's
mean (:func:`topics.topic_models.clustering.with_article_context`); NMF and LDA mix topic shares
(:func:`in_article_context`), at fit time and when new paragraphs come with their article ids
(:class:`topics.topic_models.assigner.TopicAssigner`); the streamed NMF mixes them chunk by chunk,
each chunk cut at an article's end (:func:`whole_articles`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

import numpy as np

__all__ = [
    "article_index",
    "article_means",
    "context_option",
    "context_weight_problem",
    "in_article_context",
    "mixed_by_article",
    "whole_articles",
]


class _Unit(Protocol):
    article_id: str


U = TypeVar("U", bound=_Unit)


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


def mixed_by_article(own: np.ndarray, ids: Sequence[str], weight: float) -> np.ndarray:
    """:func:`in_article_context` of units whose articles are ``ids`` (each article's units all
    among them); ``own`` itself when every unit is a whole article."""
    article_of = article_index(ids)
    if article_of is None:
        return own
    return in_article_context(own, article_means(own, article_of), article_of, weight)


def whole_articles(chunks: Iterable[list[U]]) -> Iterator[list[U]]:
    """The same units in the same order, in chunks that end where an article ends.

    A stream gives an article's paragraphs one after another; the units of the article a chunk
    ends in wait for the next chunk, so each chunk holds its articles whole and a unit's article
    context is known within its chunk. A chunk is longer than the one read only by the units of
    one article (memory: a chunk plus the longest article).
    """
    held: list[U] = []
    for chunk in chunks:
        chunk = held + chunk
        cut = len(chunk)
        while cut and chunk[cut - 1].article_id == chunk[-1].article_id:
            cut -= 1
        held = chunk[cut:]
        if cut:
            yield chunk[:cut]
    if held:
        yield held


def context_option(article_of: np.ndarray | None, weight: float | None) -> dict[str, float]:
    """The estimator option that makes new paragraphs given with ``article_ids`` read their
    article as the fit read its units (none when the fit read no article context)."""
    return {} if article_of is None or weight is None else {"context_weight": float(weight)}


def context_weight_problem(weight: object) -> str | None:
    """What is wrong with a ``context_weight`` given or stored (None, or a number from 0 to 1),
    or None when nothing is."""
    if weight is None or (isinstance(weight, (int, float)) and not isinstance(weight, bool)
                          and 0 <= weight <= 1):
        return None
    return f"context_weight={weight!r} must be null (None) or a number from 0 to 1"
