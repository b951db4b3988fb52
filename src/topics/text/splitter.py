"""split-words 0.1.3's CharSplit best split, on the compact n-gram trie.

:func:`best_split` gives exactly ``split_words.Splitter().split_compound(word)[0]`` for a word
without a hyphen (``tests/test_lexicon.py`` compares them), with at most one trie walk per split
position instead of the library's repeated dictionary lookups.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import repeat
from typing import Any

from topics.text.tables import ngrams as _ngrams

__all__ = ["MAX_SPLIT_LEN", "best_split", "split_point"]

#: Longest word :func:`best_split` scores (each split position walks at most 20 letters).
MAX_SPLIT_LEN = 1000

_FUGEN_ENDINGS = ("ts", "gs", "ks", "hls", "ns")


def best_split(word: str) -> tuple[float, str, str]:
    """``split_words.Splitter().split_compound(word)[0]`` for a word without a hyphen.

    For each split position CharSplit adds the probability that the second part starts a word
    (``prefix``), subtracts the lowest probability that an n-gram starting there lies inside a
    word (``infix``) and adds the probability that the first part ends a word (``suffix``); a
    Fugen-s is cut from either part first. One trie walk per position reads all three.
    On equal scores the longer first part wins, as in the library's sort.
    """
    word = word.lower()
    score, n = _best_split_n(word)
    if n == 0:
        return (score, word.title(), word.title())
    return (score, word[:n].title(), word[n:].title())


def split_point(word: str, floor: float) -> int:
    """Length of the first part of ``best_split(word)`` if its score reaches ``floor``, else 0.

    Positions that cannot reach ``floor`` are not walked (a third of the walks on 10kGNAD's
    unknown words at the analyser's 0.5), so this is cheaper than :func:`best_split`.

    Parameters
    ----------
    word : str
        One word without a hyphen, any case.
    floor : float
        The lowest score taken.

    Returns
    -------
    int
        0 when no split scores at least ``floor``.
    """
    score, n = _best_split_n(word.lower(), floor)
    return n if score is not None and score >= floor else 0


def _best_split_n(word: str, floor: float = -math.inf) -> tuple[Any, int]:
    """Score and first-part length of the best split of a lower-case word (0: none).

    Positions whose bound is below ``floor`` are skipped: when no split reaches ``floor`` the
    result is some split below it (or None), otherwise it is the best split.
    """
    ng = _ngrams()
    n_chars = len(word)
    if n_chars < 6:
        return (0.0, 0)
    if n_chars > MAX_SPLIT_LEN:
        raise ValueError(f"best_split: word longer than {MAX_SPLIT_LEN} characters")
    codes = list(map(ng.codes.get, word, repeat(ng.other, n_chars)))
    base, label, values = ng.base, ng.label, ng.values
    pre_v, suf_v, inf_v = ng.prefix, ng.suffix, ng.infix_min
    none = 0xFFFF

    # suffix probabilities of the word's beginnings word[:d], d <= len - 3: one walk
    last = n_chars - 3
    ends: list[Any] = [-1] * (last + 1)
    node = depth = 0
    for c in codes[:last]:
        child = base[node] + c
        if label[child] != c:
            break
        node = child
        depth += 1  # noqa: SIM113 - counts steps until the walk breaks
        v = suf_v[node]
        if v != none:
            ends[depth] = values[v]

    # For each split position one walk along the rest word[n:] (at most 20 letters deep):
    # its end gives the prefix probability of the rest (of rest[:-1] after a Fugen-s) and the
    # minimum infix probability of the n-grams that start the rest. start - inner is at most
    # _max_gain(), so a position scores at most that + ends[pre_len] (rounding is monotone):
    # positions are walked best bound first, and the walks stop once no bound reaches the best
    # score (about half the walks on 10kGNAD).
    cut = word.endswith(_FUGEN_ENDINGS)
    final = codes[-1]
    gain = _max_gain()
    bounds = []
    for n in range(3, last + 1):
        pre_len = n - 1 if word.endswith(_FUGEN_ENDINGS, 0, n) and n - 1 > 2 else n
        bound = gain + ends[pre_len]
        if not bound < floor:  # two thirds are, at the analyser's floor (a NaN bound is kept)
            bounds.append((bound, n, pre_len))
    bounds.sort(reverse=True)
    best_score: Any = None
    best_n = 0
    for bound, n, pre_len in bounds:
        if best_score is not None and bound < best_score:
            break
        start: Any = -1
        node = 0
        if cut and n_chars - n - 1 > 2:
            for c in codes[n:-1]:
                child = base[node] + c
                if label[child] != c:
                    break
                node = child
            else:
                v = pre_v[node]
                if v != none:
                    start = values[v]
                child = base[node] + final
                if label[child] == final:
                    node = child
        else:
            for c in codes[n:]:
                child = base[node] + c
                if label[child] != c:
                    break
                node = child
            else:
                v = pre_v[node]
                if v != none:
                    start = values[v]
        v = inf_v[node]
        inner: Any = values[v] if v != none else 1
        score = start - inner + ends[pre_len]
        # the library's order: the best score, on equal scores the longer first part
        if best_score is None or score > best_score or (score == best_score and n > best_n):
            best_score, best_n = score, n
    return (best_score, best_n)


@lru_cache(maxsize=1)
def _max_gain() -> float:
    """The largest ``start - inner`` of a split position: start is a probability or -1, inner
    a probability or 1 (infinite if the table holds a NaN: then nothing is skipped)."""
    values = _ngrams().values
    if any(v != v for v in values):
        return math.inf
    return max([*values, -1]) - min([*values, 1])
