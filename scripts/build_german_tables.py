"""Build the compact German tables shipped in ``src/topics/data/german/``.

    uv run python scripts/build_german_tables.py            # writes lemmas.bin and ngrams.bin
    uv run python scripts/build_german_tables.py --check    # rebuilds in memory, compares bytes

Sources: simplemma's German dictionary (``de.plzma``) and split-words' n-gram table
(``ngram_probs.json``), read through the libraries themselves, so the tables hold exactly their
data. ``topics.text.tables`` reads the files (memory-mapped); ``tests/test_lexicon.py`` checks that
its answers equal the libraries' on a large word sample.

``lemmas.bin`` — simplemma's German dictionary, 1.1 M word forms -> lemma
    One blob of records ``\\n key \\t hint edit``, sorted by key (UTF-8 byte order is code
    point order). ``edit`` is empty when the lemma equals the key; otherwise one byte
    ``32 + trim`` followed by the UTF-8 tail: ``lemma = key[:len(key) - trim] + tail`` (trim
    counts characters). ``hint`` is CharSplit's decision for the key, precomputed for keys of
    8-64 letters without a hyphen (the words the analyser may split): one byte ``32 + n``, where
    ``n`` is the length of the first part of the best split when its score reaches the analyser's
    threshold 0.5, and 0 when it does not; ``~`` elsewhere.
    ``slots`` — a hash index of the records: ``2 ** slot_bits`` uint32 slots, open addressing with
    linear probing from slot ``h % 2 ** slot_bits`` (``h``: CRC-32 of the UTF-8 key; keys
    inserted in sorted order). A slot holds ``tag << 25 | offset``: ``offset`` the record's
    position in the blob (its ``\\n``), ``tag`` the top 7 bits of ``h``; 0xFFFFFFFF is empty. A
    look-up walks the probe run, compares the key only where the tag matches, and stops at an
    empty slot: a hit reads about 1.6 slots and one record, a miss about 2.8 slots and (one slot
    in 128 has its tag) rarely a record. 8 MB; it replaced a bisect over block heads and a search
    of the block, which cost a hit 4 µs while analysing (two thirds of the look-ups miss: mostly
    the lemmatiser's suffix search on unknown words).

``ngrams.bin`` — split-words' three n-gram tables (prefix, infix, suffix), 1.87 M n-grams
    One trie over the union of the three key sets (1.85 M nodes), stored as a double array:
    ``child = base[node] + code(char)`` is a child iff ``label[child] == code(char)``; every
    inner node has its own base, so the label check is exact. Per node three uint16 indices
    into one float64 table of the distinct probabilities (0xFFFF: none):

    * ``suffix`` — split-words' "suffix" probability of the node's string (looked up with the
      word's first part), ``prefix`` likewise (the second part);
    * ``infix_min`` — the minimum infix probability over the infix n-grams that are prefixes
      of the node's string (inherited by nodes that are no infix n-gram). The infix set is
      closed under prefixes (checked here), so the minimum over every infix n-gram that starts
      a string is the ``infix_min`` of the deepest node its walk reaches: what CharSplit's
      ``min(...)`` over ``rest[:k]`` computes, read once at the end of one walk.

Both files start with ``TOPICSDE`` + a uint32 header length + a JSON header naming the arrays'
offsets, types and lengths, and the source library versions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
import zlib
from array import array
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "topics" / "data" / "german"
MAGIC = b"TOPICSDE"
SLOT_BITS = 21  # the hash index: 2 ** 21 slots for 1.1 M keys (53 % full)
OFFSET_BITS = 25  # a record's offset in a slot's low bits (the blob is below 32 MB)
EMPTY = 0xFFFFFFFF
ALPHABET = "abcdefghijklmnopqrstuvwxyzßäöü"  # every letter of split-words' n-grams; code 1..30
NONE16 = 0xFFFF
# The analyser's compound rule: for dictionary words of these lengths the CharSplit decision at
# its threshold is precomputed (read from topics.text.lexicon, so the two cannot drift apart).
from topics.text.lexicon import _MIN_SPLIT_LEN as SPLIT_MIN_LEN  # noqa: E402
from topics.text.lexicon import COMPOUND_THRESHOLD as SPLIT_THRESHOLD  # noqa: E402
from topics.text.lexicon import MAX_WORD_LEN as SPLIT_MAX_LEN  # noqa: E402


def _pack(header: dict, arrays: list[tuple[str, bytes]]) -> bytes:
    """Header + arrays, each 8-byte aligned; the header lists name -> [offset, nbytes]."""
    layout = {}
    # two passes: the header length decides the offsets
    for _ in range(2):
        head = json.dumps({**header, "arrays": layout}, sort_keys=True).encode()
        pos = len(MAGIC) + 4 + len(head)
        pos += -pos % 8
        new_layout = {}
        for name, data in arrays:
            new_layout[name] = [pos, len(data)]
            pos += len(data) + (-len(data) % 8)
        if new_layout == layout:
            break
        layout = new_layout
    head = json.dumps({**header, "arrays": layout}, sort_keys=True).encode()
    out = bytearray(MAGIC + struct.pack("<I", len(head)) + head)
    for name, data in arrays:
        out += b"\0" * (layout[name][0] - len(out))
        out += data
    out += b"\0" * (-len(out) % 8)
    return bytes(out)


def _u32(values) -> bytes:
    a = array("I", values)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def _u16(values) -> bytes:
    a = array("H", values)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def _f64(values) -> bytes:
    a = array("d", values)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


# ------------------------------------------------------------------------------------------
# simplemma


def build_lemmas() -> bytes:
    """The lemma table; needs ngrams.bin written first (split hints use topics.text.splitter)."""
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    from topics.text import splitter, tables

    tables.ngrams.cache_clear()
    raw = _load_dictionary_from_disk("de")  # bytes -> bytes, NFC
    records = bytearray()
    slots = array("I", [EMPTY]) * (1 << SLOT_BITS)
    mask = (1 << SLOT_BITS) - 1
    for kb in sorted(raw):
        h = zlib.crc32(kb)
        i = h & mask
        while slots[i] != EMPTY:
            i = (i + 1) & mask
        assert len(records) < (1 << OFFSET_BITS) - 1
        slots[i] = (h >> OFFSET_BITS) << OFFSET_BITS | len(records)
        key, lemma = kb.decode(), raw[kb].decode()
        assert "\n" not in key and "\t" not in key and "\n" not in lemma, key
        if lemma == key:
            edit = b""
        else:
            common = 0
            for a, b in zip(key, lemma, strict=False):
                if a != b:
                    break
                common += 1
            trim = len(key) - common
            assert trim < 90
            edit = bytes([32 + trim]) + lemma[common:].encode()
        if SPLIT_MIN_LEN <= len(key) <= SPLIT_MAX_LEN and "-" not in key:
            score, n = splitter._best_split_n(key.lower())
            assert n < 90
            hint = bytes([32 + (n if score >= SPLIT_THRESHOLD else 0)])
        else:
            hint = b"~"  # not precomputed
        assert "\x1f" not in key
        records += b"\n" + kb + b"\t" + hint + edit
    records += b"\n"
    header = {
        "kind": "lemmas",
        "source": f"simplemma {metadata.version('simplemma')} (de)",
        "entries": len(raw),
        "split_threshold": SPLIT_THRESHOLD,
        "split_min_len": SPLIT_MIN_LEN,
        "split_max_len": SPLIT_MAX_LEN,
        "slot_bits": SLOT_BITS,
        "offset_bits": OFFSET_BITS,
    }
    return _pack(header, [("records", bytes(records)), ("slots", _u32(slots))])


# ------------------------------------------------------------------------------------------
# split-words


def _check_infix_closed(infix: dict[str, float]) -> None:
    for key in infix:
        if len(key) > 3:
            assert key[:-1] in infix and key[1:] in infix, key
    assert all(v <= 1 for v in infix.values())


def build_ngrams() -> bytes:
    from split_words.splitter import get_ngram_probs

    probs = get_ngram_probs()
    prefix, infix, suffix = probs["prefix"], probs["infix"], probs["suffix"]
    _check_infix_closed(infix)
    code = {ch: i + 1 for i, ch in enumerate(ALPHABET)}
    for table in (prefix, infix, suffix):
        assert all(ch in code for key in table for ch in key)
        assert max(map(len, table)) <= 20

    values = sorted({*prefix.values(), *infix.values(), *suffix.values()})
    assert len(values) < NONE16
    vindex = {v: i for i, v in enumerate(values)}

    # the trie: node 0 is the root; children as dicts code -> node
    children: list[dict[int, int]] = [{}]
    depth = [0]
    strings = [""]

    def node_of(key: str) -> int:
        node = 0
        for ch in key:
            c = code[ch]
            nxt = children[node].get(c)
            if nxt is None:
                nxt = len(children)
                children[node][c] = nxt
                children.append({})
                depth.append(depth[node] + 1)
                strings.append(strings[node] + ch)
            node = nxt
        return node

    for key in sorted({*prefix, *infix, *suffix}):
        node_of(key)
    n_nodes = len(children)
    print(f"n-gram trie: {n_nodes:,} nodes", file=sys.stderr)

    # double array, breadth first: every inner node gets a unique base
    size = int(n_nodes * 1.6) + 64
    label = bytearray(size)
    base = [0] * size
    slot = [0] * n_nodes  # node -> slot
    used = bytearray(size)  # slot taken
    used[0] = 1
    used_bases: set[int] = set()
    first_free = 1
    search_from = 1
    order = [0]
    head = 0
    while head < len(order):
        node = order[head]
        head += 1
        kids = children[node]
        if not kids:
            continue
        codes = sorted(kids)
        c0 = codes[0]
        while used[first_free]:
            first_free += 1
        # Searching from the first free slot every time is quadratic once the front is dense:
        # a search that needed many probes moves the common starting point forward.
        b = max(max(first_free, search_from) - c0, 1)
        probes = 0
        while True:
            if used[b + c0] == 0 and b not in used_bases and all(not used[b + c] for c in codes):
                break
            probes += 1
            nxt = used.find(0, b + c0 + 1)
            b = nxt - c0
        if probes > 32:
            search_from = b + c0 - 64
        used_bases.add(b)
        base[slot[node]] = b
        for c in codes:
            child = kids[c]
            s = b + c
            used[s] = 1
            label[s] = c
            slot[child] = s
            order.append(child)
    last = max(slot) + 1
    pad = last  # leaves point here; the 32 slots after it carry label 0 and match nothing
    n_slots = last + 33
    base = base[:n_slots] + [0] * max(0, n_slots - len(base))
    label = label[:n_slots] + bytearray(max(0, n_slots - len(label)))
    for node in range(n_nodes):
        if not children[node]:
            base[slot[node]] = pad
    print(f"double array: {n_slots:,} slots ({n_nodes / n_slots:.1%} used)", file=sys.stderr)

    pre_v = [NONE16] * n_slots
    suf_v = [NONE16] * n_slots
    inf_v = [NONE16] * n_slots
    inf_min: list[float | None] = [None] * n_nodes
    for node in order:  # breadth first: parents before children
        s, key = slot[node], strings[node]
        if key in prefix:
            pre_v[s] = vindex[prefix[key]]
        if key in suffix:
            suf_v[s] = vindex[suffix[key]]
        parent_min = inf_min[node_of(key[:-1])] if key else None
        if key in infix:
            m = infix[key] if parent_min is None else min(parent_min, infix[key])
        else:
            m = parent_min  # inherited: the minimum over the infix n-grams that start the string
        inf_min[node] = m
        if m is not None:
            inf_v[s] = vindex[m]
    header = {
        "kind": "ngrams",
        "source": f"split-words {metadata.version('split-words')}",
        "alphabet": ALPHABET,
        "nodes": n_nodes,
        "slots": n_slots,
        "counts": {"prefix": len(prefix), "infix": len(infix), "suffix": len(suffix)},
    }
    return _pack(
        header,
        [
            ("base", _u32(base)),
            ("label", bytes(label)),
            ("prefix", _u16(pre_v)),
            ("suffix", _u16(suf_v)),
            ("infix_min", _u16(inf_v)),
            ("values", _f64(values)),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    status = 0
    for name, build in (("ngrams.bin", build_ngrams), ("lemmas.bin", build_lemmas)):
        data = build()
        path = args.out / name
        digest = hashlib.sha256(data).hexdigest()[:16]
        if args.check:
            same = path.exists() and path.read_bytes() == data
            print(f"{name}: {'identical' if same else 'DIFFERS'} ({len(data):,} bytes, {digest})")
            status |= not same
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"{path}: {len(data):,} bytes, sha256 {digest}")
    return status


if __name__ == "__main__":
    sys.exit(main())
