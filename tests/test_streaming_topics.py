"""The streaming NMF (topics.topic_models.streaming): deterministic, two reads, bounded memory."""

from __future__ import annotations

import hashlib
import json
import tracemalloc
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.corpus.records import Article
from topics.corpus.synthetic import synthetic_articles, write_jsonl
from topics.errors import ConfigError, CorpusError, InputError
from topics.topic_models.stream_vocabulary import tfidf_rows
from topics.topic_models.streaming import StreamingTopics, fit_streaming_nmf
from topics.topic_models.token_file import TokenFile

K = 4


class Counted:
    """Articles that can be iterated again and again; counts how often they are read."""

    def __init__(self, articles: list[Article] | None = None, *, synthetic: int = 0) -> None:
        self.articles, self.synthetic, self.reads = articles or [], synthetic, 0

    def __iter__(self) -> Iterator[Article]:
        self.reads += 1
        if self.synthetic:  # generated lazily on every read: the test itself holds no corpus
            return iter(synthetic_articles(_short_articles(), self.synthetic))
        return iter(self.articles)


@lru_cache(maxsize=1)
def _short_articles() -> tuple[Article, ...]:
    """The shipped articles cut to their first 300 characters (fast to analyse), loaded once: a
    memory measurement of the streamed fit must not count loading the shipped corpus."""
    return tuple(Article(a.id, a.text[:300], a.labels) for a in topics.load_corpus())


@pytest.fixture(scope="module")
def shipped() -> list[Article]:
    return list(topics.load_corpus())


@pytest.fixture(scope="module")
def fitted(shipped: list[Article]) -> StreamingTopics:
    return fit_streaming_nmf(shipped, K, chunk_size=40, seed=0)


def test_k_topics_with_words_and_metrics(fitted: StreamingTopics) -> None:
    assert fitted.n_topics == K and sorted(fitted.topics) == list(range(K))
    assert all(len(words) == 10 for words in fitted.topics.values())
    assert all(w in fitted.vocabulary for words in fitted.topics.values() for w, _ in words)
    m = fitted.metrics
    assert m["n_units"] == 217 and m["n_chunks"] == 6 and m["sample_units"] == 217
    assert -1 <= m["npmi"] <= 1 and 0 < m["diversity"] <= 1 and 0 <= m["nmi"] <= 1


def test_streamed_topics_leave_out_the_parts_that_repeat_a_listed_compound(
        shipped: list[Article], fitted: StreamingTopics) -> None:
    """As the in-memory families: no listed part repeats a listed compound, and the rule off lists
    the parts again (same model, same weights)."""
    from collections import Counter

    from topics.topic_models.word_parts import CompoundParts

    analyzer = topics.GermanAnalyzer()
    df = Counter(w for a in shipped for w in set(analyzer(topics.clean_text(a.text))))
    parts = CompoundParts(analyzer, df)
    for words in fitted.topics.values():
        names = [w for w, _ in words]
        assert not any(parts.repeats(w, names) for w in names), names
    listed = fit_streaming_nmf(shipped, K, chunk_size=40, seed=0, hide_compound_parts=False)
    assert np.array_equal(listed.components, fitted.components)
    assert any(parts.repeats(w, [v for v, _ in words]) for words in listed.topics.values()
               for w, _ in words)


def test_same_result_twice(shipped: list[Article], fitted: StreamingTopics) -> None:
    again = fit_streaming_nmf(shipped, K, chunk_size=40, seed=0)
    assert again.topics == fitted.topics
    np.testing.assert_array_equal(again.components, fitted.components)
    assert again.metrics == fitted.metrics


def test_tfidf_rows_match_the_in_memory_vectoriser(shipped: list[Article],
                                                   fitted: StreamingTopics) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from topics.topic_models.common import count_matrix, make_analyzer, tokenize

    units = topics.load_corpus().units("article")
    tokens = tokenize((u.text for u in units), make_analyzer({}))
    limits = {n: topics.topic_models.default_settings("nmf")[n] for n in ("min_df", "max_df")}
    assert {n: fitted.settings[n] for n in limits} == limits
    _, vocabulary = count_matrix(tokens, **limits, model="nmf")
    assert fitted.vocabulary == vocabulary  # the in-memory NMF's vocabulary, from the stream
    expected = TfidfVectorizer(analyzer=lambda t: t, vocabulary=vocabulary,
                               sublinear_tf=True).fit_transform(tokens)
    index = {w: j for j, w in enumerate(vocabulary)}
    got = tfidf_rows(tokens[:40], index, fitted.idf)
    np.testing.assert_allclose(got.toarray(), expected[:40].toarray(), rtol=1e-12, atol=1e-12)


def test_reads_the_source_three_times_and_writes_assignments_in_the_third(
        shipped: list[Article], tmp_path) -> None:
    source = Counted(shipped)
    result = fit_streaming_nmf(source, K, chunk_size=50, keep_tokens=False)
    assert source.reads == 3  # vocabulary, topics, scores
    out = tmp_path / "assignments.jsonl"
    source.reads = 0
    again = fit_streaming_nmf(source, K, chunk_size=50, assignments=out, keep_tokens=False)
    assert source.reads == 3 and again.metrics == result.metrics
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == [a.id for a in shipped]
    assert {r["topic"] for r in lines} <= set(range(K)) | {-1}
    assert [r["topic"] for r in lines[:20]] == list(result.assign(a.text for a in shipped[:20]))
    source.reads = 0
    fit_streaming_nmf(source, K, chunk_size=50, score_all=False, keep_tokens=False)
    assert source.reads == 2


def test_kept_tokens_read_the_source_once_for_the_same_fit(shipped: list[Article], tmp_path,
                                                           monkeypatch) -> None:
    """The first read's tokens replayed from a temporary file: the same topics, metrics and
    assignments as three reads; the file's folder gone after the fit and after a failed one; a
    one-shot iterator is then a source too."""
    import tempfile

    made = []  # every folder a fit made for its tokens

    def mkdtemp(**options):
        made.append(Path(real(**options)))
        return str(made[-1])

    real = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    source = Counted(shipped)
    kept = fit_streaming_nmf(source, K, chunk_size=50, unit="paragraph",
                             assignments=tmp_path / "kept.jsonl")
    assert source.reads == 1
    reread = fit_streaming_nmf(source, K, chunk_size=50, unit="paragraph", keep_tokens=False,
                               assignments=tmp_path / "reread.jsonl")
    assert kept.topics == reread.topics and kept.metrics == reread.metrics
    assert np.array_equal(kept.components, reread.components)
    assert (tmp_path / "kept.jsonl").read_bytes() == (tmp_path / "reread.jsonl").read_bytes()
    once = fit_streaming_nmf((a for a in shipped), K, chunk_size=50, unit="paragraph")
    assert once.metrics == kept.metrics
    with pytest.raises(ConfigError, match="impossible for 217 units"):
        fit_streaming_nmf(shipped, 500)
    assert len(made) == 3 and not any(folder.exists() for folder in made)


def test_scores_equal_the_in_memory_metrics_of_every_unit(fitted: StreamingTopics,
                                                          shipped: list[Article]) -> None:
    """The streamed scores are those of evaluate_topics on all units at once, not a sample's."""
    from topics.corpus.stream import iter_tokens
    from topics.evaluation.topic_metrics import evaluate_topics

    records = list(iter_tokens(shipped, unit="article"))
    tokens = [r.tokens for r in records]
    whole = evaluate_topics(fitted.topics, tokens, fitted.assign(a.text for a in shipped),
                            [r.labels for r in records], c_v=False)
    for name in ("npmi", "diversity", "nmi", "ari", "largest_topic_share", "outlier_share",
                 "n_topics", "empty_topics"):
        assert fitted.metrics[name] == whole[name], name
    sampled = fit_streaming_nmf(shipped, K, chunk_size=40, seed=0, sample_size=50,
                                score_all=False).metrics
    assert sampled["sample_units"] < 217 and sampled["npmi"] != whole["npmi"]


def test_reads_a_file(shipped: list[Article], fitted: StreamingTopics, tmp_path) -> None:
    path = write_jsonl(shipped, tmp_path / "corpus.jsonl")
    assert fit_streaming_nmf(path, K, chunk_size=40).topics == fitted.topics


def test_the_fit_on_dask_is_the_fit_here(shipped: list[Article], fitted: StreamingTopics,
                                         tmp_path) -> None:
    """Every read's analysis on a LocalCluster (started once), the workers reading the file."""
    path = write_jsonl(shipped, tmp_path / "corpus.jsonl")
    here = tmp_path / "here.jsonl"
    fit_streaming_nmf(path, K, chunk_size=40, assignments=here)
    there = fit_streaming_nmf(path, K, chunk_size=40, scheduler="local", n_workers=2,
                              assignments=tmp_path / "there.jsonl")
    assert there.topics == fitted.topics and there.metrics == fitted.metrics
    assert np.array_equal(there.components, fitted.components)
    assert (tmp_path / "there.jsonl").read_bytes() == here.read_bytes()
    assert "scheduler" not in there.settings  # where it ran is not a setting of the model


def test_transform_gives_topic_shares(fitted: StreamingTopics, shipped: list[Article]) -> None:
    shares = fitted.transform([a.text for a in shipped[:5]] + ["xyz qqq"])
    assert shares.shape == (6, K)
    np.testing.assert_allclose(shares[:5].sum(axis=1), 1.0)
    assert fitted.assign(["xyz qqq"]).tolist() == [-1]  # no vocabulary word: no topic


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(1, 30), min_size=1, max_size=8))
def test_a_texts_shares_do_not_depend_on_the_texts_beside_it(fitted: StreamingTopics,
                                                             first_shares, cuts) -> None:
    """Any split of the same texts into batches gives the same shares, bit for bit."""
    texts, whole = first_shares
    batches, start = [], 0
    for size in cuts:
        batches.append(texts[start:start + size])
        start += size
    batches.append(texts[start:])
    split = np.vstack([fitted.transform(b) for b in batches if b])
    assert np.array_equal(split, whole)


@pytest.fixture(scope="module")
def first_shares(fitted: StreamingTopics, shipped: list[Article]) -> tuple[list[str], np.ndarray]:
    texts = [a.text for a in shipped[:30]]
    return texts, fitted.transform(texts)


def test_the_weights_are_the_least_squares_optimum_even_for_repeated_topics() -> None:
    """Karush-Kuhn-Tucker: no weight can fall below 0 or move to lower the residual, also when
    two topics are the same and one is all zeros (G = H H^T singular)."""
    from topics.topic_models.shares import nnls_weights

    rng = np.random.default_rng(0)
    h = rng.random((5, 40)) * (rng.random((5, 40)) < 0.3)
    h = np.vstack([h, h[1], np.zeros(40)])  # 7 topics, rank 5
    x = rng.random((50, 40)) * (rng.random((50, 40)) < 0.2)
    w = nnls_weights(h, x)
    gradient = (w @ h - x) @ h.T  # of half the squared residual
    assert (w >= 0).all() and (gradient > -1e-9).all()
    assert np.abs(gradient[w > 1e-12]).max() < 1e-9
    assert (w[:, 6] == 0).all()


@pytest.mark.parametrize(
    ("settings", "error", "words"),
    [
        ({"k": 1}, ConfigError, "k=1"),
        ({"k": 500}, ConfigError, "impossible for 217 units"),
        ({"chunk_size": 0}, ConfigError, "chunk_size=0"),
        ({"unit": "sentence"}, ConfigError, "unit='sentence'"),
        ({"min_df": 300}, ConfigError, r"too small for min_df=300, max_df=0.2 \(default\)"),
        ({"chunk_size": 3}, ConfigError, "chunk_size=3 is below k="),
        ({"k": 200, "min_df": 150, "max_df": 1.0}, ConfigError, "topics over a .*-word vocabulary"),
        ({"hide_compound_parts": "yes"}, ConfigError, "hide_compound_parts='yes' must be True"),
    ],
)
def test_bad_settings_fail_clearly(shipped: list[Article], settings: dict, error: type,
                                   words: str) -> None:
    arguments = {"k": K, **settings}
    with pytest.raises(error, match=words):
        fit_streaming_nmf(shipped, **arguments)


def test_bad_sources_fail_clearly(shipped: list[Article], tmp_path) -> None:
    with pytest.raises(CorpusError, match="no articles"):
        fit_streaming_nmf([], K)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="no articles"):
        fit_streaming_nmf(empty, K)
    with pytest.raises(InputError, match="keep_tokens=False reads the source three times: .*"
                       "one-shot iterator \\(generator\\), or keep_tokens=True"):
        fit_streaming_nmf((a for a in shipped), K, keep_tokens=False)


def test_plain_texts_are_streamed_as_articles_of_their_own(shipped: list[Article],
                                                            tmp_path) -> None:
    # were an AttributeError ('str' object has no attribute 'id'); as fit_topic_model takes them
    texts = [a.text for a in shipped[:60]]
    articles = [Article(f"text{i}", text) for i, text in enumerate(texts)]
    assert (fit_streaming_nmf(texts, K, chunk_size=40).topics
            == fit_streaming_nmf(articles, K, chunk_size=40).topics)
    topics.analyse_corpus(texts, tmp_path / "texts.jsonl")
    topics.analyse_corpus(articles, tmp_path / "articles.jsonl")
    assert (tmp_path / "texts.jsonl").read_bytes() == (tmp_path / "articles.jsonl").read_bytes()
    with pytest.raises(InputError, match="mixes texts \\(str\\) and articles \\(item 1 is an "
                       "Article\\)"):
        fit_streaming_nmf([texts[0], articles[1]], K)


@pytest.mark.parametrize(("source", "given"), [(None, "None"), ({"a": "Ein Text"}, "a dict"),
                                               (5, "an int")])
def test_a_source_of_another_type_is_named(source, given, tmp_path) -> None:
    # None was "not a one-shot iterator (NoneType)"; a dict was read as its keys
    with pytest.raises(InputError, match=f"streaming NMF: source is {given}; give a corpus file"):
        fit_streaming_nmf(source, K)
    with pytest.raises(InputError, match=f"analyse_corpus: source is {given}; give a corpus"):
        topics.analyse_corpus(source, tmp_path / "tokens.jsonl")
    assert not (tmp_path / "tokens.jsonl").exists()


def test_a_source_that_changes_between_reads_is_refused(shipped: list[Article]) -> None:
    class Shrinking(Counted):
        def __iter__(self) -> Iterator[Article]:
            self.reads += 1
            return iter(self.articles if self.reads == 1 else self.articles[:-1])

    with pytest.raises(InputError, match="changed between the reads"):
        fit_streaming_nmf(Shrinking(shipped), K, keep_tokens=False)


@pytest.mark.slow
def test_memory_follows_the_chunk_not_the_stream() -> None:
    # 1,000 short synthetic articles read in chunks of 50 or all at once: the peak (tracemalloc,
    # after a first fit has loaded the analyser's dictionaries and filled its bounded caches)
    # is what one chunk, the vocabulary and the matrices take, so the small chunks need less.
    def peak(chunk_size: int) -> int:
        tracemalloc.start()
        fit_streaming_nmf(Counted(synthetic=1000), K, chunk_size=chunk_size, sample_size=50,
                          chunk_passes=1)
        peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak_bytes

    fit_streaming_nmf(Counted(synthetic=1000), K, chunk_size=1000, sample_size=50, chunk_passes=1)
    chunked, whole = peak(50), peak(1000)
    assert chunked < 10 * 2**20
    assert chunked < 0.7 * whole


def test_an_unwritable_assignments_path_fails_before_reading(shipped: list[Article],
                                                              tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    source = Counted(shipped)
    with pytest.raises(topics.errors.FileAccessError):
        fit_streaming_nmf(source, K, assignments=blocker / "assignments.jsonl")
    assert source.reads == 0


def test_assignments_never_replace_the_corpus_or_a_file_of_another_kind(shipped: list[Article],
                                                                       fitted: StreamingTopics,
                                                                       tmp_path) -> None:
    """The assignments were written over any file: ``assignments=`` the corpus file itself
    replaced the corpus with its topics after the fit, and one in a corpus folder became an
    article file of that folder. Now each is refused before the source is read."""
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(shipped[:30], corpus)
    before = corpus.read_bytes()
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"mine": 1}\n', encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text(shipped[0].text, encoding="utf-8")
    for source, output, message in [(corpus, corpus, "is the input"),
                                    (corpus, notes, "is not a file of id"),
                                    (folder, folder / "topics.jsonl", "in the corpus folder")]:
        with pytest.raises(ConfigError, match=message):
            fit_streaming_nmf(source, K, chunk_size=40, assignments=output)
        with pytest.raises(ConfigError, match=message):
            fitted.write_assignments(source, output)
    assert corpus.read_bytes() == before
    assert notes.read_text(encoding="utf-8") == '{"mine": 1}\n'
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]
    mine = tmp_path / "assignments.jsonl"  # an earlier assignments file is replaced
    assert fitted.write_assignments(corpus, mine) == fitted.write_assignments(corpus, mine) == 30


# ---- the command line: topics stream-nmf ---------------------------------------------------


@pytest.mark.parametrize("dask", [[], ["--scheduler", "local", "--n-workers", "2"]])
def test_the_command_writes_the_apis_topics_metrics_and_assignments(tmp_path, capsys,
                                                                    dask) -> None:
    """`topics stream-nmf` is fit_streaming_nmf on a corpus path: the same topics and metrics,
    and one assignment line per unit; on Dask too."""
    from topics.cli import main
    from topics.corpus.readers import shipped_corpus_path

    out = tmp_path / "stream"
    assert main(["--quiet", "stream-nmf", str(shipped_corpus_path()), "-k", str(K), "--unit",
                 "paragraph", "--chunk-size", "400", "--output", str(out), *dask]) == 0
    result = fit_streaming_nmf(shipped_corpus_path(), K, unit="paragraph", chunk_size=400)
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8")) == result.metrics
    rows = (out / "topics.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "topic,words,weights" and len(rows) == K + 1
    assert [row.split(",")[1] for row in rows[1:]] == [
        " ".join(w for w, _ in result.topics[t]) for t in range(K)]
    lines = (out / "assignments.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.metrics["n_units"] == len(topics.load_corpus().units("paragraph"))
    assert f"{K} topics: npmi {result.metrics['npmi']:.3f}" in capsys.readouterr().out
    assert topics.load_streaming_topics(out / "model").topics == result.topics


@pytest.mark.parametrize("argv, message", [
    (["-k", "500"], "k=500 topics is impossible for 217 units"),
    (["-k", "4", "--drop-repeated-paragraphs", "1"], "--drop-repeated-paragraphs 1: give"),
    (["-k", "4", "--output-is-a-file"], "a file; give a folder"),
])
def test_the_command_says_what_is_wrong_in_one_line(tmp_path, capsys, argv, message) -> None:
    from topics.cli import main
    from topics.corpus.readers import shipped_corpus_path

    output = tmp_path / "new" / "out"
    if "--output-is-a-file" in argv:
        output.parent.mkdir()
        argv = [a for a in argv if a != "--output-is-a-file"]
        output.write_text("keep me", encoding="utf-8")
    status = main(["--quiet", "stream-nmf", str(shipped_corpus_path()), *argv,
                   "--output", str(output)])
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert status == 2 and len(errors) == 1 and message in errors[0]
    assert not output.is_file() or output.read_text(encoding="utf-8") == "keep me"
    assert output.is_file() or not output.parent.exists()  # no empty folders left behind


@pytest.mark.parametrize("name, content, message", [
    ("topics.csv", "topic,meine Notiz\n", "topics.csv exists and is not an output of topics "
     "stream-nmf"),
    ("assignments.jsonl", '{"note": 1}\n', "assignments.jsonl exists and is not an output"),
    ("metrics.json", '{"note": "mine"}\n', "its metrics.json is not an output of topics"),
    ("model/notes.txt", "mine\n", "its model is not an output of topics stream-nmf"),
])
def test_a_folder_holding_files_it_did_not_write_is_refused(tmp_path, capsys, name, content,
                                                            message) -> None:
    from topics.cli import main

    output = tmp_path / "out"
    (output / name).parent.mkdir(parents=True)
    (output / name).write_text(content, encoding="utf-8")
    (output / "other.txt").write_text("kept\n", encoding="utf-8")
    assert main(["stream-nmf", "missing.jsonl", "-k", "3", "--output", str(output)]) == 2
    assert message in capsys.readouterr().err  # before the corpus is read
    assert (output / name).read_text(encoding="utf-8") == content


def test_a_fit_stopped_after_its_assignments_leaves_the_earlier_fit_whole(tmp_path, capsys,
                                                                          monkeypatch) -> None:
    """assignments.jsonl was renamed into place at the end of the third read, before topics.csv,
    metrics.json and model/ were written: a fit stopped in between left new assignments beside
    the earlier fit's topics. Now a fit's files are written into a hidden folder and replace the
    earlier fit's together at the end: a stopped fit leaves the folder as it was."""
    import topics.topic_models.streaming_files as files
    from topics.cli import main
    from topics.corpus.readers import shipped_corpus_path

    out = tmp_path / "out"
    out.mkdir()
    (out / "other.txt").write_text("kept\n", encoding="utf-8")
    argv = ["--quiet", "stream-nmf", str(shipped_corpus_path()), "--chunk-size", "400", "-o",
            str(out)]
    assert main([*argv, "-k", "3"]) == 0
    names = ["assignments.jsonl", "metrics.json", "model", "other.txt", "topics.csv"]
    assert sorted(p.name for p in out.iterdir()) == names
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def stopped(model):
        raise KeyboardInterrupt  # as Ctrl-C between the third read and the other files

    monkeypatch.setattr(files, "topics_table", stopped)
    assert main([*argv, "-k", "4"]) == 130  # stopped by Ctrl-C
    assert sorted(p.name for p in out.iterdir()) == names  # no staging folder left either
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert topics.load_streaming_topics(out / "model").n_topics == 3

    monkeypatch.undo()
    assert main([*argv, "-k", "4"]) == 0
    assert sorted(p.name for p in out.iterdir()) == names
    assert topics.load_streaming_topics(out / "model").n_topics == 4
    assert len((out / "topics.csv").read_text(encoding="utf-8").splitlines()) == 5
    assert (out / "other.txt").read_text(encoding="utf-8") == "kept\n"


def test_a_seed_out_of_range_is_refused_before_anything_is_read(tmp_path, capsys) -> None:
    from topics.cli import main

    for k in ("1", "0"):  # as the help says: 2 or more (0 said "must be 1 or more")
        with pytest.raises(SystemExit) as info:
            main(["stream-nmf", "missing.jsonl", "-k", k, "-o", str(tmp_path / "o")])
        assert info.value.code == 2 and f"argument -k: {k}: a topic model needs 2 or more topics" in (
            capsys.readouterr().err)

    with pytest.raises(SystemExit) as info:
        main(["stream-nmf", "missing.jsonl", "-k", "3", "--seed", "-1", "-o", str(tmp_path / "o")])
    assert info.value.code == 2 and (
        "--seed: -1 is not a seed; give a whole number from 0 to 4294967295"
        in capsys.readouterr().err)
    with pytest.raises(ConfigError,
                       match="2.5 is not a seed; give a whole number from 0 to 4294967295"):
        fit_streaming_nmf(topics.load_corpus(), 3, seed=2.5)


# ---- a streamed model on disk: saved, loaded, crafted ------------------------------------------


@pytest.fixture(scope="module")
def streamed_folder(tmp_path_factory, shipped) -> tuple[StreamingTopics, object]:
    result = fit_streaming_nmf(shipped, K, unit="paragraph", chunk_size=400, score_all=False)
    return result, topics.save_streaming_topics(result, tmp_path_factory.mktemp("s") / "model")


def test_a_saved_streamed_model_loads_and_places_texts_bit_for_bit(streamed_folder, shipped):
    result, folder = streamed_folder
    loaded = topics.load_streaming_topics(folder)
    texts = [a.text for a in shipped[:40]]
    assert np.array_equal(loaded.transform(texts), result.transform(texts))
    assert loaded.topics == result.topics and loaded.metrics == result.metrics
    assert loaded.vocabulary == result.vocabulary and np.array_equal(loaded.idf, result.idf)


def test_topics_assign_places_files_with_a_streamed_model(streamed_folder, shipped, tmp_path,
                                                           capsys):
    from topics.cli import main

    result, folder = streamed_folder
    page = tmp_path / "page.txt"
    page.write_text(shipped[3].text, encoding="utf-8")
    assert main(["--quiet", "assign", str(folder), str(page)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    paragraphs = topics.Corpus([shipped[3]]).units("paragraph")
    shares = result.transform([u.text for u in paragraphs], [u.article_id for u in paragraphs])
    assert [r["topic"] for r in rows] == shares.argmax(axis=1).tolist()
    assert [r["score"] for r in rows] == [round(float(s), 6) for s in shares.max(axis=1)]
    assert not any(r["training"] for r in rows)
    with pytest.raises(topics.ModelFileError, match="streamed NMF.*load_streaming_topics"):
        topics.load_topic_model(folder)


def _crafted(folder, tmp_path, change) -> object:
    """A copy of the saved folder with ``change(card, arrays)`` applied and the manifest
    rewritten to match (as anyone who edits the folder can)."""
    import hashlib
    import io
    import shutil

    copy = shutil.copytree(folder, tmp_path / "crafted")
    card = json.loads((copy / "streaming_nmf.json").read_text(encoding="utf-8"))
    arrays = {name: np.load(copy / name) for name in ("components.npy", "idf.npy")}
    change(card, arrays)
    files = {"streaming_nmf.json": json.dumps(card).encode("utf-8")}
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        files[name] = buffer.getvalue()
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    for name, data in files.items():
        (copy / name).write_bytes(data)
        manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return copy


@pytest.mark.parametrize("change, message", [
    (lambda c, a: a.update({"components.npy": a["components.npy"][:, :-1]}), "arrays of shapes"),
    (lambda c, a: a["idf.npy"].__setitem__(0, np.nan), "finite float64"),
    (lambda c, a: a["components.npy"].__setitem__((0, 0), -1.0), "negative"),
    (lambda c, a: c.update(format_version=99), "upgrade topics"),
    (lambda c, a: c.update(format_version="1"), "malformed format_version"),
    (lambda c, a: c["settings"].update(unit="sentence"), "malformed settings"),
    (lambda c, a: c["settings"]["analysis"].update(nosuch=1), "bad analysis settings"),
    (lambda c, a: c["estimator"].update(tol="fast"), "bad estimator parameters"),
    (lambda c, a: c["estimator"].update(nosuch=1), "bad estimator parameters"),
    (lambda c, a: c.update(vocabulary=c["vocabulary"][:1] * len(c["vocabulary"])), "vocabulary"),
])
def test_a_crafted_streamed_model_is_refused_in_one_line(streamed_folder, tmp_path, change,
                                                          message):
    _, folder = streamed_folder
    with pytest.raises(topics.ModelFileError, match=message):
        topics.load_streaming_topics(_crafted(folder, tmp_path, change))


def test_a_changed_byte_is_refused(streamed_folder, tmp_path):
    import shutil

    _, folder = streamed_folder
    copy = shutil.copytree(folder, tmp_path / "changed")
    data = bytearray((copy / "idf.npy").read_bytes())
    data[-1] ^= 1
    (copy / "idf.npy").write_bytes(bytes(data))
    with pytest.raises(topics.ModelFileError, match="checksum"):
        topics.load_streaming_topics(copy)


@pytest.mark.parametrize("name, data, message", [
    ("streaming_nmf.json", b"[" * 100_000 + b"]" * 100_000, "streaming_nmf.json is JSON nested "
     "too deeply"),
    ("components.npy", b"\x93NUMPY\x01\x00\x76\x00" + b"{'descr': '<f8', 'fortran_order': False, "
     b"'shape': (1000000000, 4), }".ljust(117) + b"\n", r"components.npy is not an npy array "
     r"\(its header gives shape \(1000000000, 4\)"),
])
def test_a_file_that_would_exhaust_the_reader_is_refused(streamed_folder, tmp_path, name, data,
                                                         message):
    """JSON nested 100,000 deep (RecursionError), an npy header claiming 32 GB in a 128-byte
    file (MemoryError): a ModelFileError naming the file, as any other crafted file."""
    copy = _crafted(streamed_folder[1], tmp_path, lambda card, arrays: None)
    (copy / name).write_bytes(data)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(topics.ModelFileError, match=message) as error:
        topics.load_streaming_topics(copy)
    assert str(copy) in str(error.value)


def test_more_topics_than_one_unit_is_said_without_contradiction(tmp_path, capsys) -> None:
    """One unit, -k 3: it said "allowed: 2 to 1"."""
    from topics.cli import main

    corpus = tmp_path / "one.jsonl"
    corpus.write_text('{"id": "a", "text": "Ein Text über den Handel an der Grenze."}\n',
                      encoding="utf-8")
    assert main(["-q", "stream-nmf", str(corpus), "-k", "3", "-o", str(tmp_path / "o"),
                 "--drop-repeated-paragraphs", "0"]) == 2
    err = capsys.readouterr().err
    assert "k=3 topics is impossible for 1 unit: a topic model needs at least 2 units" in err
    assert "allowed: 2 to 1" not in err and not (tmp_path / "o").exists()


def test_the_command_rereads_the_source_when_asked(tmp_path, monkeypatch) -> None:
    """--reread-source: no token file, the same topics, metrics and assignments."""
    from topics.cli import main
    from topics.corpus.readers import shipped_corpus_path
    from topics.topic_models import streaming

    made = []
    monkeypatch.setattr(streaming, "TokenFile", lambda: made.append(1) or TokenFile())
    for name, extra in (("kept", []), ("reread", ["--reread-source"])):
        assert main(["--quiet", "stream-nmf", str(shipped_corpus_path()), "-k", str(K), "-o",
                     str(tmp_path / name), "--drop-repeated-paragraphs", "0", *extra]) == 0
    assert made == [1]
    for name in ("metrics.json", "topics.csv", "assignments.jsonl"):
        assert (tmp_path / "kept" / name).read_bytes() == (tmp_path / "reread" / name).read_bytes()


def test_no_room_for_the_token_file_is_said_with_the_way_out(shipped: list[Article], tmp_path,
                                                             monkeypatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))  # TMPDIR gone
    with pytest.raises(topics.errors.FileAccessError,
                       match="cannot keep the tokens .* set TMPDIR .* --reread-source"):
        fit_streaming_nmf(shipped, K)
    assert fit_streaming_nmf(shipped, K, keep_tokens=False).n_topics == K
    monkeypatch.undo()
    from topics.topic_models import token_file

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(token_file.pickle, "dump", full)
    with pytest.raises(topics.errors.FileAccessError, match="No space left on device"):
        fit_streaming_nmf(shipped, K)
