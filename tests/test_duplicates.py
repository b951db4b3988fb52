"""Near-duplicate articles: found, reported, dropped on request, and kept in one CV fold."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import topics
from topics import Article, Corpus
from topics.classifier import ArticleClassifier
from topics.corpus.duplicates import near_duplicate_groups
from topics.errors import ConfigError, InputError
from topics.evaluation.folds import article_folds

from .conftest import REPO


def _reprint(article: Article, new_id: str, rng: random.Random) -> Article:
    """The same story under another id: its lead kept, a later paragraph dropped, a tail added."""
    paragraphs = article.text.split("\n\n")
    kept = paragraphs[:1] + [p for p in paragraphs[1:] if rng.random() >= 0.15]
    return Article(new_id, "\n\n".join(kept) + "\n\nQuelle: VOV", article.labels)


def corpus_with_copies(shipped: Corpus) -> Corpus:
    """The shipped corpus with four reprints and one exact copy (article 3 has two copies)."""
    rng = random.Random(0)
    articles = list(shipped)
    copies = [_reprint(articles[i], f"copy-{i}", rng) for i in (3, 40, 41, 150)]
    copies.append(Article("copy-3b", articles[3].text, articles[3].labels))
    return Corpus(articles + copies, shipped.label_set, "with-copies")


@pytest.fixture(scope="module")
def with_copies(shipped_corpus: Corpus) -> Corpus:
    return corpus_with_copies(shipped_corpus)


def test_the_shipped_corpus_has_no_near_duplicates(shipped_corpus: Corpus) -> None:
    assert shipped_corpus.duplicates() == []
    groups = shipped_corpus.near_duplicate_groups()
    assert groups.tolist() == list(range(len(shipped_corpus)))
    assert shipped_corpus.summary().n_near_duplicates == 0
    assert "near-duplicates (word 5-gram Jaccard >= 0.5): none" in str(shipped_corpus.summary())


def test_reprints_are_found_and_nothing_else(shipped_corpus: Corpus, with_copies: Corpus) -> None:
    ids = shipped_corpus.ids
    assert with_copies.duplicates() == [
        [ids[3], "copy-3", "copy-3b"], [ids[40], "copy-40"], [ids[41], "copy-41"],
        [ids[150], "copy-150"],
    ]
    summary = with_copies.summary()
    assert summary.n_near_duplicates == 5 and summary.n_groups_labelled_differently == 0
    assert f"{ids[3]} = copy-3 = copy-3b" in str(summary)
    assert with_copies.drop_duplicates().ids == ids  # the first of each group stays
    kept = with_copies.drop_duplicates()
    assert kept.duplicates() == []  # and a fresh search agrees with what it says of itself
    assert near_duplicate_groups(kept.clean_texts()).tolist() == list(range(len(kept)))


def test_copies_labelled_differently_are_counted(shipped_corpus: Corpus) -> None:
    first = shipped_corpus[0]
    other = next(label for label in topics.LABELS if label not in first.labels)
    corpus = Corpus([*shipped_corpus[:5], Article("copy", first.text, (other,))])
    summary = corpus.summary()
    assert summary.n_groups_labelled_differently == 1
    assert "1 group labelled differently" in str(summary)


def test_two_reports_of_one_subject_are_not_duplicates(shipped_corpus: Corpus) -> None:
    # the same label, different words: the border articles are many, none a copy of another
    border = [a.text for a in shipped_corpus if "border_relations" in a.labels]
    assert len(border) > 40
    assert near_duplicate_groups(border).tolist() == list(range(len(border)))


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5, float("nan"), "0.5", True, None])
def test_a_bad_threshold_is_refused(shipped_corpus: Corpus, threshold) -> None:
    with pytest.raises(InputError, match="threshold"):
        shipped_corpus.near_duplicate_groups(threshold)


texts = st.lists(st.sampled_from(range(30)), min_size=0, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=texts, threshold=st.sampled_from([0.3, 0.5, 0.8, 1.0]))
def test_group_invariants(shipped_corpus: Corpus, picks: list[int], threshold: float) -> None:
    """Every repeat joins its first occurrence; a group is named by its first member."""
    pool = shipped_corpus.clean_texts()[:30]
    chosen = [pool[i] for i in picks]
    groups = near_duplicate_groups(chosen, threshold)
    assert len(groups) == len(chosen)
    assert all(groups[i] <= i and groups[groups[i]] == groups[i] for i in range(len(groups)))
    for i, pick in enumerate(picks):
        assert groups[i] == groups[picks.index(pick)]  # the same text: the same group
    distinct = {pick: groups[picks.index(pick)] for pick in picks}
    assert len(set(distinct.values())) == len(distinct)  # the 30 shipped texts are all distinct


def _reference_shingles(text: str) -> np.ndarray:
    """A text's shingle set written out plainly, one window at a time."""
    import hashlib
    import re

    from topics.corpus.duplicates import _POWERS, _mix

    words = re.findall(r"\w+", text.lower())
    codes = [int.from_bytes(hashlib.blake2b(w.encode("utf-8", "surrogatepass"), digest_size=8)
                            .digest(), "little") for w in words]
    k = min(5, len(codes))
    values = [sum(c * int(p) for c, p in zip(codes[i:i + k], _POWERS, strict=False)) % 2**64
              for i in range(len(codes) - k + 1)] if k else []
    return np.unique(_mix(np.array(values, dtype=np.uint64)))


@settings(max_examples=60, deadline=None)
@example(["w" * 70 + " b c d e f", "W" * 70, "", "x"])  # a word too long for the hash cache
@given(st.lists(st.text(alphabet=st.sampled_from("ab cÄß_1\n.İ\U0001d400"), max_size=30),
                max_size=8))
def test_shingle_sets_are_each_texts_windows(texts: list[str]) -> None:
    """All texts' windows are made at once; each text's set is what its own words give."""
    from topics.corpus.duplicates import shingle_sets

    sets = shingle_sets(texts)
    assert len(sets) == len(texts)
    for text, found in zip(texts, sets, strict=True):
        assert found.dtype == np.uint64
        assert found.tolist() == _reference_shingles(text).tolist()


def test_the_hashed_route_finds_the_exact_routes_groups(with_copies: Corpus, monkeypatch) -> None:
    """Up to 2,000 texts every pair is compared; above, MinHash candidates are checked. On the same
    texts (reprints, an exact copy, trimmed and merged variants) both give the same groups."""
    from topics.corpus import duplicates

    texts = with_copies.clean_texts()
    trimmed = [" ".join(t.split()[: max(5, len(t.split()) * 2 // 3)]) for t in texts[:40]]
    merged = [texts[i] + " " + texts[i + 1] for i in range(50, 60, 2)]
    everything = texts + trimmed + merged
    for threshold in (0.3, 0.5, 0.9):
        exact = near_duplicate_groups(everything, threshold)
        monkeypatch.setattr(duplicates, "_EXACT_MAX", 0)
        hashed = near_duplicate_groups(everything, threshold)
        monkeypatch.undo()
        assert hashed.tolist() == exact.tolist()
        assert len(set(exact.tolist())) < len(everything)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 1.0])
def test_a_shingle_index_finds_what_near_duplicate_groups_joins(with_copies: Corpus,
                                                                threshold: float) -> None:
    """Texts added one at a time (as suggest-labels keeps them): each one's near-duplicates among
    those before are the texts whose exact Jaccard reaches the threshold, and joining them gives
    the groups of near_duplicate_groups."""
    from topics.corpus.duplicates import ShingleIndex, shingle_sets

    texts = with_copies.clean_texts()
    trimmed = [" ".join(t.split()[: max(5, len(t.split()) * 2 // 3)]) for t in texts[:40]]
    everything = texts + trimmed + ["", "Quelle: VOV"]
    sets = shingle_sets(everything)
    plain = [set(s.tolist()) for s in sets]
    index, parent = ShingleIndex(threshold), list(range(len(sets)))
    for j, shingles in enumerate(sets):
        found = index.near(shingles)
        assert found == {i for i in range(j) if plain[j]
                         and len(plain[i] & plain[j]) / len(plain[i] | plain[j]) >= threshold}
        for i in found:  # union-find: each group under its smallest index
            a, b = sorted((_root(parent, i), _root(parent, j)))
            parent[b] = a
        index.add(j, shingles)
    groups = [_root(parent, i) for i in range(len(sets))]
    assert groups == near_duplicate_groups(everything, threshold).tolist()
    assert len(set(groups)) < len(groups) and len(index) == len(sets)


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        i = parent[i]
    return i


def test_a_shingle_index_forgets_and_replaces(shipped_corpus: Corpus) -> None:
    from topics.corpus.duplicates import ShingleIndex, shingle_sets

    first, second = shingle_sets(shipped_corpus.clean_texts()[:2])
    index = ShingleIndex()
    index.add("a", first)
    index.add("b", first)
    assert index.near(first) == {"a", "b"} and not index.near(second)
    index.add("a", second)  # in place of what "a" held
    assert index.near(first) == {"b"} and index.near(second) == {"a"}
    index.discard("a")
    index.discard("missing")
    assert index.near(second) == set() and "a" not in index and "b" in index
    index.discard("b")
    assert len(index) == 0 and not index._holders  # nothing is left of the forgotten sets
    with pytest.raises(InputError, match="threshold"):
        ShingleIndex(1.5)


def test_groups_are_the_same_in_every_process(with_copies: Corpus) -> None:
    code = ("import topics\nfrom tests.test_duplicates import corpus_with_copies\n"
            "print(corpus_with_copies(topics.load_corpus()).near_duplicate_groups().tolist())")
    for hash_seed in ("0", "123"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=REPO, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert out.stdout.strip() == str(with_copies.near_duplicate_groups().tolist())


def test_folds_keep_copies_with_their_original(with_copies: Corpus) -> None:
    key = [labels[0] if labels else "" for labels in with_copies.labels]
    groups = with_copies.near_duplicate_groups()
    for seed in range(3):
        for train, test in article_folds(key, 5, seed, groups):
            tested = set(groups[test].tolist())
            assert not tested & set(groups[train].tolist())  # no group on both sides
    distinct = np.arange(len(key))
    plain, same = article_folds(key, 5, 0), article_folds(key, 5, 0, distinct)
    assert all((a[1] == b[1]).all() for a, b in zip(plain, same, strict=True))


def test_cross_validation_reports_and_groups_the_copies(with_copies: Corpus) -> None:
    report = topics.evaluate_classifiers(with_copies, n_splits=3, seeds=0, peers=False,
                                         verbose=False)
    assert report.settings["n_near_duplicates"] == 5
    free = topics.evaluate_classifiers(with_copies, n_splits=3, seeds=0, peers=False,
                                       duplicate_threshold=None, verbose=False)
    assert free.settings["n_near_duplicates"] == 0


def test_a_corpus_of_copies_cannot_be_cross_validated(shipped_corpus: Corpus) -> None:
    article = next(a for a in shipped_corpus if a.labels)
    copies = Corpus([Article(f"c{i}", article.text, article.labels) for i in range(6)])
    with pytest.raises(ConfigError, match="the 6 articles are near-duplicates of one another"):
        topics.evaluate_classifiers(copies, n_splits=3, seeds=0, peers=False, verbose=False)


def test_fewer_groups_than_folds_are_refused_with_the_count(shipped_corpus: Corpus) -> None:
    first, second = [a for a in shipped_corpus if a.labels][:2]
    copies = [Article(f"{a.id}-{i}", a.text, a.labels) for a in (first, second) for i in range(3)]
    with pytest.raises(ConfigError, match="are 2 groups of near-duplicates.*use at most 2 folds"):
        topics.evaluate_classifiers(Corpus(copies), n_splits=3, seeds=0, peers=False,
                                    verbose=False)


def test_the_classifier_fit_leaves_a_copy_out_with_its_twin(shipped_corpus: Corpus) -> None:
    """Trained on every article twice, the fit's out-of-article scores would score each copy from
    a model that saw its twin: inner out-of-fold F1 1.0 for every label, and a focus model that
    trusts the scores accordingly. Left out together (the default), they stay honest."""
    articles = list(shipped_corpus)[::3]
    texts, labels = [a.text for a in articles], [list(a.labels) for a in articles]
    alone = ArticleClassifier(labels=shipped_corpus.label_set).fit(texts, labels)
    grouped = ArticleClassifier(labels=shipped_corpus.label_set).fit(texts * 2, labels * 2)
    distinct = ArticleClassifier(labels=shipped_corpus.label_set, duplicate_threshold=None).fit(
        texts * 2, labels * 2)
    assert set(distinct.oof_scores_.values()) == {1.0}
    for label, f1 in alone.oof_scores_.items():
        assert f1 < 0.97 and abs(grouped.oof_scores_[label] - f1) <= 0.1
    # without copies the grouping changes nothing: the model is the same, bit for bit
    plain = ArticleClassifier(labels=shipped_corpus.label_set, duplicate_threshold=None).fit(
        texts, labels)
    assert np.array_equal(plain.coef_, alone.coef_) and np.array_equal(plain.focus_, alone.focus_)


def test_a_classifier_cannot_be_fitted_on_copies_of_one_article(shipped_corpus: Corpus) -> None:
    article = next(a for a in shipped_corpus if a.labels)
    with pytest.raises(InputError, match="near-duplicates of one another.*duplicate_threshold=None"):
        ArticleClassifier().fit([article.text] * 4, [list(article.labels)] * 4)
