"""The compact German tables: simplemma's German dictionary and split-words' n-gram table.

Built by ``scripts/build_german_tables.py`` from the libraries' own data (see there for the
formats), shipped as package data and memory-mapped on first use: opening them costs
milliseconds, and only the pages a run touches become resident (loaded the libraries' way they
cost ~5.6 CPU-s and ~600 MB per process). :mod:`topics.text.lemmatizer` and
:mod:`topics.text.splitter` answer exactly as the libraries do from these tables;
``tests/test_lexicon.py`` compares them with the libraries.
"""

from __future__ import annotations

import json
import mmap
import struct
import sys
from functools import lru_cache
from importlib import resources
from typing import Any
from zlib import crc32

__all__ = ["lemmas", "load", "ngrams", "split_decision"]

_MAGIC = b"TOPICSDE"
_EMPTY = 0xFFFFFFFF  # an empty slot of the lemma index


class _Table:
    """One table file: the JSON header and zero-copy views of its arrays."""

    def __init__(self, name: str) -> None:
        ref = resources.files("topics").joinpath("data", "german", name)
        try:
            with resources.as_file(ref) as path, open(path, "rb") as fh:
                self.buf: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # not a plain file (zip import) or mmap unavailable
            self.buf = ref.read_bytes()
        if self.buf[: len(_MAGIC)] != _MAGIC:
            raise RuntimeError(f"topics/data/german/{name} is not a topics German table")
        (n,) = struct.unpack_from("<I", self.buf, len(_MAGIC))
        start = len(_MAGIC) + 4
        self.header: dict[str, Any] = json.loads(bytes(self.buf[start : start + n]))
        self.view = memoryview(self.buf)

    def span(self, name: str) -> tuple[int, int]:
        offset, nbytes = self.header["arrays"][name]
        return offset, offset + nbytes

    def array(self, name: str, fmt: str) -> memoryview:
        start, end = self.span(name)
        view = self.view[start:end]
        if fmt == "B":
            return view
        if sys.byteorder != "little":  # pragma: no cover - the files are little-endian
            from array import array

            arr = array(fmt, bytes(view))
            arr.byteswap()
            return memoryview(arr)
        return view.cast(fmt)


class Lemmas:
    """simplemma's German dictionary: records in one blob, found through a hash index of their
    offsets (see the build script); a miss mostly reads only the index."""

    def __init__(self) -> None:
        table = _Table("lemmas.bin")
        self.table = table
        self.start, self.end = table.span("records")
        self.slots = table.array("slots", "I")
        self.mask = (1 << table.header["slot_bits"]) - 1
        self.shift = table.header["offset_bits"]
        self.offset_mask = (1 << self.shift) - 1
        buf = table.buf
        self.find = buf.find
        self.buf = buf

    def _record(self, key: str) -> int:
        """Position of ``key``'s split hint in the blob (its record's value), or -1."""
        try:
            raw = key.encode()
        except UnicodeEncodeError:  # lone surrogates: no dictionary key
            return -1
        h = crc32(raw)
        slots, mask, shift = self.slots, self.mask, self.shift
        tag = h >> shift
        i = h & mask
        while (slot := slots[i]) != _EMPTY:
            if slot >> shift == tag:
                pos = self.start + (slot & self.offset_mask)
                pattern = b"\n" + raw + b"\t"
                end = pos + len(pattern)
                if self.buf[pos:end] == pattern:
                    return end
            i = (i + 1) & mask
        return -1

    def get(self, key: str) -> str | None:
        """The lemma of ``key`` exactly as stored, or None (simplemma's ``dictionary.get``)."""
        pos = self._record(key)
        if pos < 0:
            return None
        pos += 1  # the split hint
        buf = self.buf
        end = self.find(b"\n", pos)
        if end == pos:
            return key
        trim = buf[pos] - 32
        tail = buf[pos + 1 : end].decode()
        return key[: len(key) - trim] + tail if trim else key + tail

    def split_hint(self, key: str) -> int | None:
        """The precomputed CharSplit decision for ``key`` (see the build script), or None."""
        pos = self._record(key)
        if pos < 0:
            return None
        hint = self.buf[pos] - 32
        return None if hint == ord("~") - 32 else hint


class Ngrams:
    """split-words' n-gram probabilities in one double-array trie (see the build script)."""

    def __init__(self) -> None:
        table = _Table("ngrams.bin")
        self.table = table
        self.base = table.array("base", "I")
        self.label = table.array("label", "B")
        self.prefix = table.array("prefix", "H")
        self.suffix = table.array("suffix", "H")
        self.infix_min = table.array("infix_min", "H")
        self.values = table.array("values", "d").tolist()
        alphabet = table.header["alphabet"]
        self.codes = {ch: i + 1 for i, ch in enumerate(alphabet)}
        self.other = len(alphabet) + 1  # no node carries this label


@lru_cache(maxsize=1)
def lemmas() -> Lemmas:
    """The lemma table (opened once per process)."""
    return Lemmas()


@lru_cache(maxsize=1)
def ngrams() -> Ngrams:
    """The n-gram trie (opened once per process)."""
    return Ngrams()


def load() -> None:
    """Open both tables now (they are otherwise opened on first use)."""
    lemmas()
    ngrams()


# Not cached: its only caller, lexicon._split, is (a cache here had no hits, only memory).
def split_decision(word: str, threshold: float) -> int | None:
    """Where CharSplit splits ``word`` if its best score reaches ``threshold``, from the table.

    Returns the length of the first part, 0 when the best score is below ``threshold``, or
    None when the table holds no decision for ``word`` (not a dictionary word of 8-64 letters
    without a hyphen, or another threshold): then compute :func:`best_split`.
    """
    table = lemmas()
    if threshold != table.table.header.get("split_threshold"):
        return None
    return table.split_hint(word)
