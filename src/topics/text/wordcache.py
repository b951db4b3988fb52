"""Per-word caches of the German analysis that cost little on a miss and stay bounded.

Analysing unseen text misses the word caches more often than it hits them (10kGNAD's 721 articles:
128,000 misses, 92,000 hits), and a bounded :func:`functools.lru_cache` pays for its LRU order on
every call (5 % of the analysis). :func:`word_cache` is an unbounded ``lru_cache`` (a plain dict,
hits answered in C) that counts its entries and is emptied when it holds :data:`WORD_CACHE_SIZE`
words, as the analyser's word-type cache is: the frequent words are learnt again cheaply.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

__all__ = ["WORD_CACHE_SIZE", "word_cache"]

#: Entries of each per-word cache of the analysis (lemmas, known words, compound splits, table
#: look-ups). Bounded, so that analysing an archive does not grow memory with its vocabulary:
#: ~1.5 KB per word over all caches, so at most ~100 MB; 10kGNAD's 721 articles have 41,000 types.
WORD_CACHE_SIZE = 1 << 16

_R = TypeVar("_R")


def word_cache(func: Callable[[str], _R]) -> Callable[[str], _R]:
    """Cache ``func`` of one word; emptied when it holds :data:`WORD_CACHE_SIZE` words.

    Parameters
    ----------
    func : callable
        A pure function of one string.

    Returns
    -------
    callable
        The cached function, with ``cache_clear`` and ``cache_info`` as ``lru_cache`` gives them.
    """
    size = 0

    def counted(word: str) -> Any:
        # runs once per miss: the entries are the runs since the cache was last emptied
        nonlocal size
        if size >= WORD_CACHE_SIZE:
            clear()
        size += 1
        return func(word)

    def clear() -> None:
        nonlocal size
        size = 0
        cached_clear()

    cached = lru_cache(maxsize=None)(counted)
    cached_clear = cached.cache_clear
    cached.cache_clear = clear  # type: ignore[method-assign]
    cached.__wrapped__ = func  # type: ignore[attr-defined]
    cached.__doc__, cached.__name__ = func.__doc__, func.__name__  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]
