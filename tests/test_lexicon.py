"""The compact German tables give the libraries' answers: lemmas, known words, compound splits.

``topics.text.lemmatizer`` and ``topics.text.splitter`` re-implement simplemma's German path and CharSplit's best split on tables
built by ``scripts/build_german_tables.py``. Compared here with simplemma and split-words
themselves on every word type of the shipped corpus, the seeds and (where present) the 10kGNAD
sample, in several casings, plus dictionary entries and their variants.
"""

from __future__ import annotations

import contextlib
import random
import re

import pytest

import topics
from topics.text import lemmatizer, tables
from topics.text import splitter as charsplit

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _types(texts: list[str]) -> set[str]:
    return {w for text in texts for w in _WORD.findall(text)}


@pytest.fixture(scope="module")
def word_sample(shipped_corpus, seed_texts, request) -> list[str]:
    texts = list(shipped_corpus.texts) + list(seed_texts.values())
    with contextlib.suppress(pytest.skip.Exception):  # the 10kGNAD sample where present
        texts += list(request.getfixturevalue("gnad_corpus").texts)
    words = _types(texts)
    variants = set()
    for w in words:
        variants.update((w, w.lower(), w.capitalize(), w.title(), w.upper()))
        if "-" in w:
            variants.update(w.split("-"))
    # dictionary entries and near misses: inflected, truncated, prefixed, with an apostrophe
    from simplemma.strategies.dictionaries.dictionary_factory import (
        _load_dictionary_from_disk,
    )

    keys = sorted(k.decode() for k in _load_dictionary_from_disk("de"))
    rng = random.Random(10)
    for key in rng.sample(keys, 20_000):
        variants.update((key, key + "en", key + "s", key[:-1] or key, "ver" + key.lower()))
        variants.update((key.swapcase(), key + "’s", "Ab-" + key))
    variants.update(("\udcff", "Gru\udcffn", "1990", "²", "Ⅻ", "İstanbul", "ǅemal"))
    return sorted(v for v in variants if v)


@pytest.mark.slow
def test_lemmas_and_known_words_match_simplemma(word_sample: list[str]) -> None:
    import simplemma

    def reference(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UnicodeEncodeError:  # simplemma fails on lone surrogates; the tables don't
            return None

    checked = 0
    for word in word_sample:
        plain = reference(simplemma.lemmatize, word, lang="de")
        greedy = reference(simplemma.lemmatize, word, lang="de", greedy=True)
        known = reference(simplemma.is_known, word, lang="de")
        if plain is None:
            assert lemmatizer.lemmatize(word) == word and not lemmatizer.is_known(word)
            continue
        assert lemmatizer.lemmatize(word) == plain, word
        assert lemmatizer.lemmatize(word, greedy=True) == greedy, word
        assert lemmatizer.is_known(word) == known, word
        checked += 1
    assert checked > 100_000


@pytest.mark.slow
def test_best_split_matches_split_words(word_sample: list[str]) -> None:
    from split_words import Splitter

    splitter = Splitter()
    words = {w.lower() for w in word_sample if "-" not in w and len(w) >= 3}
    words = sorted(w for w in words if "\udcff" not in w)
    for word in words:
        assert charsplit.best_split(word) == tuple(splitter.split_compound(word)[0]), word
    assert len(words) > 50_000


@pytest.mark.slow
def test_precomputed_split_decisions_match_the_splitter(word_sample: list[str]) -> None:
    from topics.text.lexicon import COMPOUND_THRESHOLD

    decided = 0
    for word in word_sample:
        n = tables.split_decision(word, COMPOUND_THRESHOLD)
        if n is None:
            continue
        score, first = charsplit._best_split_n(word.lower())  # = split-words (test above)
        assert n == (first if score >= COMPOUND_THRESHOLD else 0), word
        decided += 1
    assert decided > 10_000
    assert tables.split_decision("Regierung", 0.25) is None  # another threshold: no table


@pytest.mark.slow
def test_split_point_is_the_best_split_above_its_floor(word_sample: list[str]) -> None:
    words = {w for w in word_sample if "-" not in w and 6 <= len(w) <= 64 and "\udcff" not in w}
    for word in sorted(words):
        score, first = charsplit._best_split_n(word.lower())
        for floor in (0.5, 0.0, -0.5):
            assert charsplit.split_point(word, floor) == (first if score >= floor else 0), word


def test_split_point_skips_only_splits_below_its_floor() -> None:
    for word in ("Verteidigungszusammenarbeit", "Regierung", "Chansamone", "Grenzübergänge",
                 "Kooperationsmechanismen", "Katastrophenhilfemaßnahmen", "abc"):
        score, first = charsplit._best_split_n(word.lower())
        for floor in (0.5, 0.0, -0.5, -3.0):
            assert charsplit.split_point(word, floor) == (first if score >= floor else 0), word


def test_the_hash_index_holds_every_record_once() -> None:
    """Every record of the lemma table has one slot of the index, and a sample of keys is found
    through it (all of them are looked up in the slow test against simplemma)."""
    import numpy as np

    table = tables.lemmas()
    blob = np.frombuffer(table.buf, np.uint8, table.end - table.start, table.start)
    starts = np.flatnonzero(blob == ord("\n"))[:-1]  # a record's \n; the last closes the blob
    slots = np.frombuffer(table.buf, np.uint32, table.mask + 1, table.table.span("slots")[0])
    filled = slots[slots != 0xFFFFFFFF]
    assert len(starts) == len(filled) == table.table.header["entries"]
    assert np.array_equal(np.sort(filled & table.offset_mask), starts)
    records = bytes(blob).split(b"\n")[1:-1]
    keys = [record.split(b"\t", 1)[0].decode() for record in records[::50]]
    assert all(table._record(key) >= 0 for key in keys)
    misses = ["Chansamone", "Verteidigungszusam", "qqqqx", "Kooperationsmech", "\udcff"]
    assert all(table.get(word) is None for word in misses)


def test_unknown_inputs() -> None:
    assert lemmatizer.lemmatize("\udcff") == "\udcff"
    assert not lemmatizer.is_known("Gru\udcffn")
    assert charsplit.best_split("Gru\udcffnlandschaft")[0] < 1
    assert lemmatizer.is_known("Haus") and lemmatizer.is_known("haus")
    assert lemmatizer.lemmatize("Häuser") == "Haus"
    with pytest.raises(ValueError):
        lemmatizer.lemmatize("")
    with pytest.raises(TypeError):
        lemmatizer.is_known(None)  # type: ignore[arg-type]


def test_tables_are_package_data() -> None:
    from importlib import resources

    folder = resources.files("topics").joinpath("data", "german")
    for name in ("lemmas.bin", "ngrams.bin"):
        assert len(folder.joinpath(name).read_bytes()) > 1_000_000
    assert topics.analyse("Grenzübergänge") == ["grenzübergang", "grenze", "übergang"]
