"""The streamed NMF reads a paragraph in its article's context, as the in-memory NMF does:
chunks cut where an article ends, the same topics whatever the chunk size, a stored setting
checked at load."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import topics
from topics.corpus.records import Article
from topics.errors import ConfigError
from topics.topic_models.context import mixed_by_article, whole_articles
from topics.topic_models.streaming import StreamingTopics, fit_streaming_nmf

K = 4


@pytest.fixture(scope="module")
def shipped() -> list[Article]:
    return list(topics.load_corpus())


@pytest.fixture(scope="module")
def streamed(shipped: list[Article]) -> StreamingTopics:
    return fit_streaming_nmf(shipped, K, unit="paragraph", chunk_size=37, seed=0, score_all=False)


def _topics(path: Path) -> tuple[list[str], list[int]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [r["article_id"] for r in rows], [r["topic"] for r in rows]


def _own_shares(result: StreamingTopics, shipped: list[Article]) -> tuple[list[str], np.ndarray]:
    """Each paragraph's own topic shares, all at once, and its article."""
    units = topics.Corpus(shipped).units("paragraph")
    return [u.article_id for u in units], result.transform([u.text for u in units])


def test_a_paragraphs_topic_mixes_its_own_shares_with_its_articles(streamed, shipped, tmp_path):
    """Chunks of 37 paragraphs cut articles; the topics written are those of every paragraph
    mixed with its whole article at once, and not those of the paragraph alone."""
    ids, own = _own_shares(streamed, shipped)
    assert streamed.write_assignments(shipped, tmp_path / "a.jsonl") == len(ids)
    written_ids, written = _topics(tmp_path / "a.jsonl")
    assert written_ids == ids
    mixed = mixed_by_article(own, ids, 0.3)
    assert written == mixed.argmax(axis=1).tolist()
    assert written != own.argmax(axis=1).tolist()  # the context changed some paragraphs' topic


@pytest.mark.parametrize("chunk_size", [1, 5, 400])
def test_the_chunk_size_of_the_placing_read_changes_no_topic(streamed, shipped, tmp_path,
                                                             chunk_size):
    expected = _topics(_written(streamed, shipped, tmp_path / "a.jsonl"))
    settings = {**streamed.settings, "chunk_size": chunk_size}
    other = StreamingTopics(streamed.topics, streamed.vocabulary, streamed.idf,
                            streamed.components, {}, settings, streamed.estimator)
    assert _topics(_written(other, shipped, tmp_path / "b.jsonl")) == expected


def _written(result: StreamingTopics, source, path: Path) -> Path:
    result.write_assignments(source, path)
    return path


def test_without_context_each_paragraph_keeps_its_own_topic(shipped, tmp_path):
    alone = fit_streaming_nmf(shipped, K, unit="paragraph", chunk_size=37, seed=0,
                              score_all=False, context_weight=None)
    ids, own = _own_shares(alone, shipped)
    assert _topics(_written(alone, shipped, tmp_path / "a.jsonl")) == (ids, own.argmax(1).tolist())


def test_the_context_changes_no_topic_word(streamed, shipped):
    alone = fit_streaming_nmf(shipped, K, unit="paragraph", chunk_size=37, seed=0,
                              score_all=False, context_weight=None)
    assert alone.topics == streamed.topics
    assert np.array_equal(alone.components, streamed.components)


def test_the_evaluation_sample_takes_whole_articles(shipped):
    """Every step-th article with all its paragraphs (sample_size 300 of 1,057 paragraphs: step
    4), so that its paragraphs are scored in context."""
    result = fit_streaming_nmf(shipped, K, unit="paragraph", chunk_size=37, seed=0,
                               score_all=False, sample_size=300)
    sizes = [len(a) for a in (topics.Corpus([s]).units("paragraph") for s in shipped)]
    step = math.ceil(sum(sizes) / 300)
    assert result.metrics["sample_units"] == sum(sizes[::step])


def test_new_paragraphs_given_with_their_article_are_read_in_its_context(streamed, shipped):
    """transform/assign with article ids: the fit's reading, whatever comes beside an article;
    without them each text alone; one id per text or a clear error."""
    ids, own = _own_shares(streamed, shipped)
    units = topics.Corpus(shipped).units("paragraph")
    texts = [u.text for u in units]
    assert np.array_equal(streamed.transform(texts, ids), mixed_by_article(own, ids, 0.3))
    first = sum(1 for i in ids if i == ids[0])  # one article alone: the same rows
    assert np.array_equal(streamed.transform(texts[:first], ids[:first]),
                          streamed.transform(texts, ids)[:first])
    assert np.array_equal(streamed.assign(texts, ids), mixed_by_article(own, ids, 0.3).argmax(1))
    assert np.array_equal(streamed.transform(texts), own)
    with pytest.raises(topics.errors.InputError, match="2 article ids for 3 texts; give one per"):
        streamed.transform(texts[:3], ids[:2])


@given(st.lists(st.integers(1, 6), min_size=1, max_size=30), st.integers(1, 8))
def test_whole_articles_keeps_every_unit_and_never_splits_an_article(lengths, chunk_size):
    class Unit:
        def __init__(self, article_id: str) -> None:
            self.article_id = article_id

    units = [Unit(f"a{i}") for i, n in enumerate(lengths) for _ in range(n)]
    chunks = [units[i:i + chunk_size] for i in range(0, len(units), chunk_size)]
    cut = list(whole_articles(chunks))
    assert [u for chunk in cut for u in chunk] == units
    owner = {u.article_id: i for i, chunk in enumerate(cut) for u in chunk}
    assert all(owner[u.article_id] == i for i, chunk in enumerate(cut) for u in chunk)
    assert all(len(chunk) <= chunk_size + max(lengths) for chunk in cut)


@pytest.mark.parametrize("weight", [1.5, -0.1, "0.3", True, math.nan])
def test_a_bad_context_weight_is_refused_before_reading(shipped, weight):
    with pytest.raises(ConfigError, match="context_weight=.* must be null .* from 0 to 1"):
        fit_streaming_nmf(shipped, K, unit="paragraph", context_weight=weight)


def test_a_stored_context_weight_is_checked_and_an_earlier_model_reads_without_it(
        streamed, shipped, tmp_path):
    """A crafted weight is refused at load; a model saved before the setting places each
    paragraph by its own shares, as it did."""
    from topics.topic_models.streaming_files import CARD_FILE

    folder = topics.save_streaming_topics(streamed, tmp_path / "model")
    card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    assert card["settings"]["context_weight"] == 0.3
    with pytest.raises(topics.ModelFileError, match="malformed settings"):
        topics.load_streaming_topics(_with_setting(folder, tmp_path / "bad", "0.3; import os"))
    for name, stored in (("null", None), ("earlier", ...)):
        loaded = topics.load_streaming_topics(_with_setting(folder, tmp_path / name, stored))
        ids, own = _own_shares(loaded, shipped)
        assert _topics(_written(loaded, shipped, tmp_path / f"{name}.jsonl")) == (
            ids, own.argmax(1).tolist())


def _with_setting(folder: Path, copy: Path, value) -> Path:
    """A copy of a saved model whose stored context_weight is ``value`` (``...``: none stored),
    the checksums rewritten to match."""
    import hashlib
    import shutil

    from topics.topic_models.streaming_files import CARD_FILE

    shutil.copytree(folder, copy)
    card = json.loads((copy / CARD_FILE).read_text(encoding="utf-8"))
    if value is ...:
        del card["settings"]["context_weight"]
    else:
        card["settings"]["context_weight"] = value
    data = json.dumps(card).encode("utf-8")
    (copy / CARD_FILE).write_bytes(data)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][CARD_FILE] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return copy


def test_the_command_takes_the_weight_or_none(tmp_path, capsys):
    from topics.cli import main
    from topics.corpus.readers import shipped_corpus_path

    corpus = shipped_corpus_path()
    assert main(["--quiet", "stream-nmf", str(corpus), "-k", str(K), "--unit", "paragraph",
                 "--context-weight", "none", "--output", str(tmp_path / "out")]) == 0
    result = fit_streaming_nmf(corpus, K, unit="paragraph", context_weight=None)
    assert json.loads((tmp_path / "out" / "metrics.json").read_text()) == result.metrics
    with pytest.raises(SystemExit):
        main(["stream-nmf", str(corpus), "-k", "4", "--context-weight", "2", "-o", str(tmp_path)])
    assert "'2': give a number from 0 to 1, or none" in capsys.readouterr().err
