"""Tokens, words and character n-grams of a batch of texts as 64-bit hashes, in numpy.

A batch of paragraphs is lower-cased, joined and encoded once as an array of code points
(:func:`scan`). Whitespace and word characters come from lookup tables built from Python's own
``str.isspace`` / ``str.isalnum``, so tokens are exactly ``text.lower().split()`` and words exactly
scikit-learn's ``\\b\\w\\w+\\b``. Prefix hashes give every token's and word's polynomial hash
without a Python loop; the character n-grams are computed for the *distinct* tokens of the batch
only. :class:`HashIndex` finds hashes among a vocabulary's (open addressing, vectorised).

The hash of a string ``s`` of length ``n`` is ``mix(sum_i s[i] * B**(n-1-i) + n * L)`` (mod
2**64): :func:`string_hashes` computes it for given strings, and every other function here gives
the same value for the same n-gram or word.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

__all__ = [
    "HashIndex",
    "Scan",
    "char_grams",
    "ragged_range",
    "scan",
    "string_hashes",
    "unique_inverse",
    "words",
]

_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_LENGTH = 0xD6E8FEB86659FD93
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_S30, _S31 = np.uint64(30), np.uint64(31)
_U64 = np.uint64


def _finish(hashes: np.ndarray, lengths: np.ndarray | int) -> np.ndarray:
    """Mix in the length, then one xor-shift-multiply round: top bits depend on every bit."""
    if isinstance(lengths, int):  # Python arithmetic: numpy warns on scalar wrap-around
        x = hashes + _U64(lengths * _LENGTH % (1 << 64))
    else:
        x = hashes + lengths.astype(np.uint64) * _U64(_LENGTH)
    x ^= x >> _S31
    x *= _M1
    x ^= x >> _S30
    return x


def _codes(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates included) as uint64."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )


_POWERS: dict[int, np.ndarray] = {}
_MAX_CACHED = 1 << 22


def _powers(base: int, n: int) -> np.ndarray:
    """``base**0 ... base**(n-1)`` modulo 2**64 (a cached table, grown on demand)."""
    table = _POWERS.get(base)
    if table is None or len(table) < n:
        size = max(n, 1 << 16) if n <= _MAX_CACHED else n
        out = np.full(size, _U64(base), dtype=np.uint64)
        out[0] = 1
        table = np.cumprod(out, dtype=np.uint64)
        if size <= _MAX_CACHED:
            _POWERS[base] = table
    return table[:n]


def string_hashes(strings: Sequence[str]) -> np.ndarray:
    """The hash of each non-empty string."""
    if not strings:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    codes = _codes("".join(strings))
    ends = np.cumsum(lengths)
    exponent = np.repeat(ends, lengths) - 1 - np.arange(len(codes))
    terms = codes * _powers(_BASE, int(lengths.max()))[exponent]
    return _finish(np.add.reduceat(terms, ends - lengths), lengths)


@lru_cache(maxsize=1)
def _space_table() -> np.ndarray:
    # every Unicode White_Space character is below U+3001; U+3001 (no space) stands for the rest
    return np.array([chr(c).isspace() for c in range(0x3002)], dtype=bool)


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    # re's \w for str patterns: str.isalnum() or "_" (astral characters are looked up one by one)
    return np.array([chr(c).isalnum() or c == 0x5F for c in range(0x10000)], dtype=bool)


class Scan(NamedTuple):
    """A batch of paragraphs, lower-cased and tokenised.

    ``text`` is the paragraphs joined by newlines; token ``i`` is ``text[start[i]:start[i] +
    length[i]]`` in paragraph ``row[i]`` and is distinct token ``token[i]``; distinct token ``t``
    first occurs as token ``first[t]``.
    """

    text: str
    codes: np.ndarray
    row_start: np.ndarray
    start: np.ndarray
    length: np.ndarray
    row: np.ndarray
    token: np.ndarray
    first: np.ndarray
    prefix: np.ndarray  # prefix hashes: prefix[i] = sum_{k <= i} codes[k] * B**(i - k)
    powers: np.ndarray


def scan(paragraphs: Sequence[str]) -> Scan:
    """Tokenise a batch of paragraphs (``paragraph.lower().split()``) and hash every token."""
    lowered = [p.lower() for p in paragraphs]
    text = "\n".join(lowered)
    narrow = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = narrow.astype(np.uint64)
    lengths = np.fromiter(map(len, lowered), dtype=np.int64, count=len(lowered))
    row_start = np.cumsum(lengths + 1) - lengths - 1
    n = len(codes)
    space = _space_table()[np.minimum(narrow, 0x3001)]
    edges = np.diff(np.concatenate([[True], space, [True]]).astype(np.int8))
    start, end = _alternating(np.flatnonzero(edges))
    length = end - start
    powers = _powers(_BASE, n + 1)
    prefix = powers[:n] * np.cumsum(codes * _powers(_BASE_INVERSE, n), dtype=np.uint64)
    hashes = _substring_hashes(prefix, powers, start, length)
    token_hash = _finish(hashes, length)
    _, token = unique_inverse(token_hash)
    first = np.full(int(token.max(initial=-1)) + 1, len(token), dtype=np.int64)
    np.minimum.at(first, token, np.arange(len(token), dtype=np.int64))
    row = np.searchsorted(row_start, start, side="right") - 1
    return Scan(text, codes, row_start, start, length, row, token, first, prefix, powers)


def _alternating(changes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the runs of a mask from where it changes (padded so that the changes
    alternate, a start first): one search for both instead of one per kind of change."""
    return changes[0::2], changes[1::2]


def unique_inverse(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(hashes, return_inverse=True)``, the inverse by a :class:`HashIndex` lookup.

    Sorting the values and looking them up costs about 60% of the argsort that ``np.unique``
    does for the inverse.
    """
    ordered = np.sort(hashes)
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    unique = ordered[new]
    return unique, HashIndex(unique).lookup(hashes)


def _substring_hashes(prefix, powers, start, length) -> np.ndarray:
    """Polynomial hash of ``codes[start:start+length]`` from the prefix hashes."""
    end = start + length - 1
    before = np.where(start > 0, prefix[np.maximum(start - 1, 0)], _U64(0))
    return prefix.take(end) - before * powers.take(length)


def char_grams(
    batch: Scan, ngram_range: Sequence[int], *, spans: bool = False
) -> tuple[np.ndarray, ...]:
    """Hashes of the char_wb n-grams of the batch's distinct tokens.

    Each token is padded with a space on each side; for each n in the range every n-gram inside
    the padded token, and a padded token shorter than the smallest n once, whole (scikit-learn's
    ``char_wb``). Returns the hashes and the distinct token of each, in runs sorted by token; with
    ``spans=True`` also the padded tokens as one string and each n-gram's offset and length in it.
    """
    min_n, max_n = int(ngram_range[0]), int(ngram_range[1])
    empty = np.zeros(0, dtype=np.int64)
    n_tokens = len(batch.first)
    if not n_tokens:
        out = (np.zeros(0, dtype=np.uint64), empty)
        return (*out, "", empty, empty) if spans else out
    src_start, src_len = batch.start[batch.first], batch.length[batch.first]
    sizes = src_len + 2
    starts = np.cumsum(sizes) - sizes
    total = int(sizes.sum())
    codes = np.full(total, _U64(0x20), dtype=np.uint64)  # padding spaces
    codes[ragged_range(starts + 1, src_len)] = batch.codes[ragged_range(src_start, src_len)]
    owner_at = np.repeat(np.arange(n_tokens, dtype=np.int64), sizes)
    room = np.repeat(starts + sizes, sizes) - np.arange(total)
    hashes, owners, offsets, lengths = [], [], [], []
    rolling = codes  # replaced, never changed in place, below
    for n in range(1, max_n + 1):
        if n > 1:
            rolling = rolling[:-1] * _U64(_BASE)  # a new array: added to in place
            rolling += codes[n - 1 :]
        where = starts[sizes == n] if n < min_n else np.flatnonzero(room[: len(rolling)] >= n)
        if len(where):
            hashes.append(_finish(rolling.take(where), n))
            owners.append(owner_at.take(where))
            if spans:
                offsets.append(where)
                lengths.append(np.full(len(where), n, dtype=np.int64))
    out = (np.concatenate(hashes), np.concatenate(owners))
    if not spans:
        return out
    padded = codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    return (*out, padded, np.concatenate(offsets), np.concatenate(lengths))


def ragged_range(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])``, vectorised."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(total, dtype=np.int64)


def words(batch: Scan) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every word (``\\b\\w\\w+\\b`` of the lower-cased text): hashes, rows, starts and lengths."""
    codes = batch.codes
    small = codes < 0x10000
    if small.all():  # the usual case: one gather, no masks
        word = _word_table().take(codes.view(np.int64))
    else:  # astral characters: ask Python about each distinct one
        word = np.zeros(len(codes), dtype=bool)
        word[small] = _word_table()[codes[small].astype(np.int64)]
        astral = np.flatnonzero(~small)
        values = np.unique(codes[astral])
        good = {int(c) for c in values if chr(int(c)).isalnum()}
        word[astral] = [int(c) in good for c in codes[astral]]
    edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
    start, end = _alternating(np.flatnonzero(edges))
    length = end - start
    keep = length >= 2
    start, length = start[keep], length[keep]
    hashes = _finish(_substring_hashes(batch.prefix, batch.powers, start, length), length)
    row = np.searchsorted(batch.row_start, start, side="right") - 1
    return hashes, row, start, length


_MAX_PROBES = 64  # uniform hashes place in a few rounds; more means a crafted array


class HashIndex:
    """Vectorised lookup of 64-bit hashes among a vocabulary's: open addressing, linear probing.

    Built at load from the model's sorted hash array (a hit's column is its position there); the
    table has two to four times as many slots as hashes, so a lookup reads one or two slots. An
    empty slot holds a key whose top bits point at the *next* slot, which no query probing it
    can equal, and the value -1: a hit is one comparison, and probing stops at a -1.
    """

    def __init__(self, hashes: np.ndarray):
        self.hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
        n = len(self.hashes)
        bits = max(4, int(np.ceil(np.log2(max(n, 1)))) + (2 if n <= 1 << 18 else 1))
        size = 1 << bits
        self.shift = _U64(64 - bits)
        self.mask = size - 1
        slots = np.arange(size, dtype=np.uint64)
        self.keys = ((slots + _U64(1)) & _U64(self.mask)) << self.shift  # empty: "next slot"
        self.values = np.full(size, -1, dtype=np.int32)
        pending = np.arange(n, dtype=np.int64)
        slot = (self.hashes >> self.shift).astype(np.int64)
        self.sorted_only = False
        for _ in range(_MAX_PROBES):
            if not len(pending):
                break
            free = self.values[slot] < 0
            claim, taker = np.unique(slot[free], return_index=True)
            won = pending[free][taker]
            self.keys[claim], self.values[claim] = self.hashes[won], won
            placed = np.zeros(len(pending), dtype=bool)
            placed[np.flatnonzero(free)[taker]] = True
            pending, slot = pending[~placed], (slot[~placed] + 1) & self.mask
        else:  # hashes that are not uniform (a crafted file): binary search instead
            self.sorted_only = bool(len(pending))

    def lookup(self, queries: np.ndarray) -> np.ndarray:
        """The position of each query among the hashes, or -1 where it is absent."""
        if not len(self.hashes) or not len(queries) or self.sorted_only:
            return self._search(queries)
        # first probe for every query: gathers and a select, no boolean indexing (~3x faster)
        slot = (queries >> self.shift).view(np.int64)  # < 2**63: the same numbers, no copy
        value = self.values.take(slot)  # take: ~25% faster than indexing (numpy 2.4)
        hit = self.keys.take(slot) == queries
        out = np.where(hit, value, -1).astype(np.int64, copy=False)
        # not found yet: go on where the slot is occupied (an empty one holds -1)
        pending = np.flatnonzero(~hit & (value >= 0))
        slot = (slot[pending] + 1) & self.mask
        while len(pending):
            value = self.values[slot]
            hit = self.keys[slot] == queries[pending]
            out[pending[hit]] = value[hit]
            more = ~hit & (value >= 0)
            pending, slot = pending[more], (slot[more] + 1) & self.mask
        return out

    def _search(self, queries: np.ndarray) -> np.ndarray:
        """``lookup`` by binary search in the sorted hashes (crafted hashes, or nothing to do)."""
        out = np.full(len(queries), -1, dtype=np.int64)
        if len(self.hashes) and len(queries):
            position = np.minimum(np.searchsorted(self.hashes, queries), len(self.hashes) - 1)
            found = self.hashes[position] == queries
            out[found] = position[found]
        return out
