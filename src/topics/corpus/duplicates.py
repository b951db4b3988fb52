"""Near-duplicate articles: the same story twice in an archive (another URL, a reprint, a light edit).

Two texts are near-duplicates when the Jaccard similarity of their sets of word 5-grams
("shingles", Broder 1997) is at least a threshold (0.5 by default: half of the two texts' distinct
5-word sequences are shared; a reprint with a new lead or a dropped paragraph stays above it, two
reports on the same event in different words fall far below). Groups are the connected components
of that relation. :class:`ShingleIndex` finds the near-duplicates of one text at a time among texts
held as they come and go (a stream that keeps a few of its texts).

Up to 2,000 texts every pair is compared exactly, by one sparse product of the texts' shingle
incidence matrix (faster there than hashing: 0.02 CPU-s for 200 articles). Above, candidates come
from MinHash signatures with locality-sensitive hashing (63 bands of 3 of 189 hash functions: a
pair at Jaccard 0.5 becomes a candidate with probability 0.9998, at 0.1 with 0.06), so the cost
grows with the number of texts, not with its square; every candidate is then checked on its exact
shingle sets. The hashing is integer arithmetic with fixed constants and blake2b word hashes: the
same groups on every machine, in every process.

Written here rather than taken from a MinHash library: the signatures are a few numpy products
over all texts at once, where datasketch (the usual one) hashes each shingle in a Python loop, and
the exact check after the candidates, which decides, is not part of such a library.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np

from topics.errors import InputError

__all__ = [
    "DEFAULT_THRESHOLD", "SHINGLE_WORDS", "ShingleIndex", "near_duplicate_groups", "shingle_sets",
]

DEFAULT_THRESHOLD = 0.5
SHINGLE_WORDS = 5
_BANDS, _ROWS = 63, 3
_TEXTS_AT_ONCE = 2_000  # texts whose shingles are made together (bounded memory)
_CHUNK = 8_192  # shingles hashed at a time: the 189 hashes of a chunk stay in the cache
_EXACT_MAX = 2_000  # up to this many texts every pair is compared exactly (one sparse product)
_ALL_PAIRS = 32  # a band's bucket up to this size gives all its pairs, a larger one a star
_PAIRS_AT_ONCE = 8_192  # candidate pairs compared at a time (two 8 MB slices of the signatures)
_U64 = np.uint64
_MIX = _U64(0xBF58476D1CE4E5B9)
_WORD = re.compile(r"\w+")
# fixed odd multipliers and offsets of the 189 hash functions (PCG64 seed 20261203)
_RNG = np.random.default_rng(20261203)
_A = _RNG.integers(1, 2**63, size=_BANDS * _ROWS, dtype=np.uint64) * _U64(2) + _U64(1)
_B = _RNG.integers(0, 2**63, size=_BANDS * _ROWS, dtype=np.uint64)
_POWERS = np.array([0x9E3779B97F4A7C15 ** j % 2**64 for j in range(SHINGLE_WORDS)],
                   dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """One xor-shift-multiply round: every output bit depends on every input bit."""
    x = x ^ (x >> _U64(31))
    x = x * _MIX
    return x ^ (x >> _U64(29))


def shingle_sets(texts: Sequence[str]) -> list[np.ndarray]:
    """The sorted distinct 64-bit hashes of each text's word 5-grams (lower-cased ``\\w+`` words).

    A text of fewer than five words has one shingle, its words; a text without a word has none.
    """
    out: list[np.ndarray] = []
    for start in range(0, len(texts), _TEXTS_AT_ONCE):
        flat, sizes = _batch_shingles(texts[start:start + _TEXTS_AT_ONCE])
        out.extend(np.split(flat, np.cumsum(sizes)[:-1]) if len(sizes) else [])
    return out


def _batch_shingles(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The shingle sets of some texts, one after another in one array, and each text's size.

    The shingle of the words ``w_0 ... w_{k-1}`` (k = 5, or fewer in a shorter text) is
    ``mix(sum_j hash(w_j) * P**j)`` modulo 2**64; all windows of all the texts at once.
    """
    words = [_WORD.findall(text.lower()) for text in texts]
    n_words = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    h = _word_codes(list(chain.from_iterable(words)))
    n_shingles = np.where(n_words >= SHINGLE_WORDS, n_words - SHINGLE_WORDS + 1, n_words > 0)
    width = np.repeat(np.minimum(n_words, SHINGLE_WORDS), n_shingles)
    first = np.repeat(np.cumsum(n_words) - n_words - np.cumsum(n_shingles) + n_shingles,
                      n_shingles) + np.arange(len(width))  # each window's first word
    padded = np.concatenate([h, np.zeros(SHINGLE_WORDS, dtype=np.uint64)])
    with np.errstate(over="ignore"):
        value = padded[first] * _POWERS[0]
        for j in range(1, SHINGLE_WORDS):
            term = padded[first + j] * _POWERS[j]
            term[width <= j] = 0  # a short text's only window stops at its last word
            value += term
        value = _mix(value)
    # sorted and distinct within each text: a sort of each text's slice, then drop repeats
    ends = np.cumsum(n_shingles).tolist()
    for stop, size in zip(ends, n_shingles.tolist(), strict=True):
        if size > 1:
            value[stop - size:stop].sort()
    repeat = np.zeros(len(value), dtype=bool)
    np.equal(value[1:], value[:-1], out=repeat[1:])
    text_starts = np.cumsum(n_shingles) - n_shingles
    repeat[text_starts[n_shingles > 0]] = False  # equal to the last of the text before: kept
    kept = np.concatenate([[0], np.cumsum(~repeat)])
    return value[~repeat], kept[text_starts + n_shingles] - kept[text_starts]


def _word_codes(words: list[str]) -> np.ndarray:
    """The 64-bit blake2b hash of each word (each distinct word hashed once)."""
    distinct = list(dict.fromkeys(words))
    codes = [_cached_code(w) if len(w) <= _CACHED_CHARS else _word_code(w) for w in distinct]
    code = dict(zip(distinct, codes, strict=True))
    return np.fromiter(map(code.__getitem__, words), dtype=np.uint64, count=len(words))


def _word_code(word: str) -> int:
    digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


# A pure function of the word, so a cache changes no result; bounded: 65,536 words of at most
# 64 characters (~8 MB). Cross-validation and repeated fits hash the same vocabulary again.
_cached_code = lru_cache(maxsize=1 << 16)(_word_code)
_CACHED_CHARS = 64


def _signatures(sets: list[np.ndarray]) -> np.ndarray:
    """MinHash signature of every non-empty set: texts x 189 minima of ``a * x + b`` mod 2**64.

    The hashes are made for about :data:`_CHUNK` shingles at a time, several texts together or
    one long text in slices, so the memory they take does not depend on the texts.
    """
    signatures = np.full((len(sets), len(_A)), np.iinfo(np.uint64).max, dtype=np.uint64)
    chunk: list[int] = []
    size = 0
    with np.errstate(over="ignore"):
        for i, values in enumerate(sets):
            if len(values) > _CHUNK:  # one long text: its minima a slice at a time
                for start in range(0, len(values), _CHUNK):
                    part = values[start:start + _CHUNK, None] * _A + _B
                    np.minimum(signatures[i], part.min(axis=0), out=signatures[i])
            elif len(values):
                chunk.append(i)
                size += len(values)
            if chunk and (size >= _CHUNK or i == len(sets) - 1):
                flat = np.concatenate([sets[j] for j in chunk])
                starts = np.cumsum([0] + [len(sets[j]) for j in chunk[:-1]])
                signatures[chunk] = np.minimum.reduceat(flat[:, None] * _A + _B, starts, axis=0)
                chunk, size = [], 0
    return signatures


def _candidate_pairs(signatures: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Pairs (i < j) that share all three values of a band, as an (n, 2) array.

    A bucket of up to 32 texts gives all its pairs; a larger one (a heap of copies, which would
    give quadratically many) links its members to its first.
    """
    rows = np.flatnonzero(usable)
    n = np.int64(len(signatures))
    codes = []
    with np.errstate(over="ignore"):
        for band in range(_BANDS):
            values = signatures[rows, band * _ROWS:(band + 1) * _ROWS]
            key = _mix(values[:, 0] ^ _mix(values[:, 1] ^ _mix(values[:, 2])))
            order = np.argsort(key, kind="stable")
            key, members = key[order], rows[order]
            starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
            sizes = np.diff(np.r_[starts, len(key)])
            for size in np.unique(sizes[sizes > 1]).tolist():
                buckets = members[starts[sizes == size][:, None] + np.arange(size)]
                if size <= _ALL_PAIRS:
                    i, j = np.triu_indices(size, 1)
                    low, high = buckets[:, i].ravel(), buckets[:, j].ravel()
                else:
                    low, high = np.repeat(buckets[:, 0], size - 1), buckets[:, 1:].ravel()
                codes.append(np.minimum(low, high) * n + np.maximum(low, high))
    code = np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
    return np.column_stack([code // n, code % n])


def near_duplicate_groups(
    texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD
) -> np.ndarray:
    """The near-duplicate group of each text: the index of the first text of its group.

    Parameters
    ----------
    texts : sequence of str
        The texts (clean article bodies give the fairest comparison: no page furniture).
    threshold : float
        Smallest Jaccard similarity of two texts' word 5-gram sets that makes them
        near-duplicates, in (0, 1]; 1 finds texts with the same word sequences only.

    Returns
    -------
    numpy.ndarray of int
        ``groups[i] == i`` for a text that is the first (or only) of its group; for a later copy,
        the index of the first. A text without a word is in no group but its own.
    """
    _check_threshold(threshold)
    sets = shingle_sets(texts)
    n = len(sets)
    groups = np.arange(n, dtype=np.int64)
    usable = np.array([len(s) > 0 for s in sets], dtype=bool)
    if usable.sum() < 2:
        return groups
    if n <= _EXACT_MAX:
        return _components(n, _exact_pairs(sets, threshold), sets, threshold)
    signatures = _signatures(sets)
    pairs = _candidate_pairs(signatures, usable)
    if not len(pairs):
        return groups
    # the signatures estimate the similarity (sd <= 0.037): only plausible pairs get the exact check
    estimate = np.concatenate([
        (signatures[part[:, 0]] == signatures[part[:, 1]]).mean(axis=1)
        for part in np.array_split(pairs, -(-len(pairs) // _PAIRS_AT_ONCE))
    ])
    plausible = estimate >= threshold - 0.25
    # likeliest first, so that a heap of copies is joined by its first links and the pairs
    # inside a joined group need no check
    order = np.lexsort((pairs[plausible, 1], pairs[plausible, 0], -estimate[plausible]))
    return _components(n, pairs[plausible][order], sets, threshold)


def _check_threshold(threshold: float) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not (
        0 < threshold <= 1
    ):
        raise InputError(f"near-duplicates: threshold={threshold!r} must be a number in (0, 1], "
                         "e.g. 0.5 (half of the word 5-grams shared)")


def _exact_pairs(sets: list[np.ndarray], threshold: float) -> np.ndarray:
    """Every pair (i < j) whose Jaccard reaches ``threshold``, from one sparse product of the
    texts' shingle incidence matrix (exact, for up to :data:`_EXACT_MAX` texts)."""
    from scipy.sparse import csr_matrix, triu

    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    _, columns = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(len(sets)), sizes)
    incidence = csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns.ravel())),
                           shape=(len(sets), int(columns.max()) + 1))
    shared = triu(incidence @ incidence.T, k=1).tocoo()
    i, j = shared.row.astype(np.int64), shared.col.astype(np.int64)
    keep = shared.data / (sizes[i] + sizes[j] - shared.data) >= threshold  # as _jaccard divides
    order = np.lexsort((j[keep], i[keep]))
    return np.column_stack([i[keep][order], j[keep][order]])


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def _components(n: int, pairs: np.ndarray, sets: list[np.ndarray], threshold: float
                ) -> np.ndarray:
    """Union-find over the pairs whose exact Jaccard reaches ``threshold``, checked only when the
    two are not joined yet; each text's group is the smallest index in its component."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for start in range(0, len(pairs), _PAIRS_AT_ONCE):  # as Python ints, a slice at a time
        for i, j in pairs[start:start + _PAIRS_AT_ONCE].tolist():
            a, b = root(i), root(j)
            if a != b and _jaccard(sets[i], sets[j]) >= threshold:
                parent[max(a, b)] = min(a, b)
    return np.array([root(i) for i in range(n)], dtype=np.int64)


class ShingleIndex:
    """Shingle sets held under keys, added and removed one at a time, and the near-duplicates of
    a text among them: for a stream, where :func:`near_duplicate_groups` needs every text at once.

    Each shingle maps to the keys that hold it, so a text is compared only with the held texts
    that share one of its shingles; memory grows with the texts held, not with those seen.

    Parameters
    ----------
    threshold : float
        As :func:`near_duplicate_groups` takes it.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        _check_threshold(threshold)
        self.threshold = threshold
        self._sets: dict[Hashable, list[int]] = {}  # a key -> its shingles
        self._holders: dict[int, set[Hashable]] = {}  # a shingle -> the keys that hold it

    def __len__(self) -> int:
        return len(self._sets)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._sets

    def near(self, shingles: np.ndarray) -> set[Hashable]:
        """The keys whose set is a near-duplicate of ``shingles``.

        Parameters
        ----------
        shingles : numpy.ndarray of uint64
            One text's shingle set, as :func:`shingle_sets` gives it (distinct hashes).

        Returns
        -------
        set
            The keys of the held sets whose Jaccard similarity with ``shingles`` reaches the
            threshold (none for a text without a word).
        """
        values = shingles.tolist()
        shared = Counter(key for s in values for key in self._holders.get(s, ()))
        return {key for key, common in shared.items()  # divided as near_duplicate_groups does
                if common / (len(values) + len(self._sets[key]) - common) >= self.threshold}

    def add(self, key: Hashable, shingles: np.ndarray) -> None:
        """Hold ``shingles`` (a set as :func:`shingle_sets` gives it) under ``key``, in place of
        what the key held."""
        self.discard(key)
        values = self._sets[key] = shingles.tolist()
        for s in values:
            self._holders.setdefault(s, set()).add(key)

    def discard(self, key: Hashable) -> None:
        """Forget the set held under ``key`` (nothing if there is none)."""
        for s in self._sets.pop(key, ()):
            holders = self._holders[s]
            holders.discard(key)
            if not holders:
                del self._holders[s]
