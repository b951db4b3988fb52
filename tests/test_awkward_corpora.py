"""Topic models on awkward but legitimate corpora: the same article again and again, one
paragraph per article, texts without German words. Each test is a defect once found through the
public API or the command line."""

from __future__ import annotations

import json

import pytest

import topics
from topics.cli import main
from topics.corpus.records import Article
from topics.experiments.reproduce import reproduce_run


@pytest.fixture(scope="module")
def first_text() -> str:
    """The first shipped article (32 paragraphs)."""
    return topics.load_corpus()[0].text


def _jsonl(path, texts: list[str]) -> str:
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    return str(path)


def test_a_streamed_fit_with_empty_topics_says_so(first_text: str, tmp_path) -> None:
    """The same article four times, k=50 paragraph topics: most topics stayed empty and one held
    nearly every paragraph, and stream-nmf said nothing (fit_topic_model warns)."""
    articles = [Article(f"a{i}", first_text) for i in range(4)]
    with pytest.warns(UserWarning, match=r"streaming NMF: \d+ of 50 topics are empty"):
        topics.fit_streaming_nmf(articles, 50, unit="paragraph")
    corpus = _jsonl(tmp_path / "same.jsonl", [first_text] * 4)
    with pytest.warns(UserWarning, match="of 50 topics are empty"):  # a line on stderr
        assert main(["-q", "stream-nmf", corpus, "-k", "50", "--unit", "paragraph", "-o",
                     str(tmp_path / "out")]) == 0


@pytest.mark.slow  # imports UMAP and HDBSCAN
def test_hdbscan_with_a_single_topic_is_a_config_error() -> None:
    """30 one-paragraph articles through UMAP + HDBSCAN: one cluster, and BERTopic's automatic
    merging died with hdbscan's bare "k must be less than or equal to the number of training
    points"."""
    texts = [" ".join(text.split()) for text in topics.load_corpus().texts[:30]]
    with pytest.raises(topics.ConfigError, match=r"HDBSCAN found only 1 topic among 30 units, "
                       r"too few for BERTopic's automatic merging \(nr_topics='auto'\); lower "
                       "min_topic_size / min_samples, use more units, or clustering='kmeans'"):
        topics.fit_topic_model(texts, "bertopic", reduction="umap", clustering="hdbscan")


@pytest.mark.parametrize("model", ["bertopic", "bertopic_default"])
def test_too_few_paragraphs_do_not_ask_for_paragraphs(model: str) -> None:
    """Three one-paragraph texts as paragraphs: the error said "use unit='paragraph'", the unit
    already given."""
    texts = ["Der Minister besuchte die Grenze.", "Die Regierung baut digitale Dienste aus.",
             "Eine Delegation aus Laos kam nach Hanoi."]
    with pytest.raises(topics.ConfigError, match="needs at least 10 units") as error:
        topics.fit_topic_model(texts, model, "paragraph")
    assert "unit='paragraph'" not in str(error.value) and "give more texts" in str(error.value)
    with pytest.raises(topics.ConfigError, match="use unit='paragraph'"):  # articles: it helps
        topics.fit_topic_model(texts, model, "article")


@pytest.fixture(scope="module")
def three_texts() -> list[str]:
    return list(topics.load_corpus().texts[:3])


def test_a_small_streamed_corpus_is_told_what_it_can_change(three_texts, tmp_path) -> None:
    """Three articles: stream-nmf said "lower min_df or raise max_df", with no such option on the
    command line and without saying the limits were the defaults."""
    with pytest.raises(topics.ConfigError, match=r"streaming NMF: the corpus is too small for "
                       r"min_df=2 \(default\), max_df=0.2 \(default\)"):
        topics.fit_streaming_nmf(three_texts, 2)
    corpus = _jsonl(tmp_path / "three.jsonl", three_texts)
    out = tmp_path / "out"
    assert main(["-q", "stream-nmf", corpus, "-k", "2", "-o", str(out), "--min-df", "1",
                 "--max-df", "1.0"]) == 0
    card = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert card["n_units"] == 3 and card["n_topics"] == 2


@pytest.mark.parametrize("limits", [{"min_df": "a"}, {"max_df": 5.0}, {"min_df": -1}])
def test_streamed_vocabulary_limits_are_checked(three_texts, limits) -> None:
    """min_df='a' was a bare TypeError; max_df=5.0 and min_df=-1 were taken as they were."""
    (name, value), = limits.items()
    with pytest.raises(topics.ConfigError, match=f"streaming NMF: {name}={value!r}: must be"):
        topics.fit_streaming_nmf(three_texts, 2, **limits)


def test_min_df_1_is_not_suggested_when_it_is_given(three_texts) -> None:
    """Three articles, min_df=1: the error said "set min_df=1 or max_df=1.0"."""
    with pytest.raises(topics.ConfigError, match="too small for min_df=1, max_df=0.2") as error:
        topics.fit_topic_model(three_texts, "nmf", "article", min_df=1)
    assert str(error.value).endswith(", or set max_df=1.0")


def test_bertopic_says_when_it_makes_fewer_topics_than_asked(first_text: str) -> None:
    """The same article three times, nr_topics=40: 32 topics (one per distinct paragraph),
    returned without a word."""
    with pytest.warns(UserWarning, match=r"k-means made 32 topics, not the nr_topics=40 asked: "
                      "its 96 units have only 32 distinct embeddings") as caught:
        result = topics.fit_topic_model([first_text] * 3, "bertopic", nr_topics=40)
    assert result.n_topics == 32 and caught[0].filename == __file__  # names the caller's line


def test_assign_names_the_file_of_a_text_without_words(tmp_path, capsys) -> None:
    """A file of numbers only among the inputs of topics assign: the warning named
    "assign: article 2 (id '1')", not the file."""
    model = tmp_path / "nmf"
    topics.fit_topic_model(list(topics.load_corpus().texts[:40]), "nmf", "article").save(model)
    german, numbers = tmp_path / "de.txt", tmp_path / "numbers.txt"
    german.write_text("Vietnam und Laos vereinbaren Patrouillen an der Grenze.", encoding="utf-8")
    numbers.write_text("123 456 789", encoding="utf-8")
    with pytest.warns(UserWarning, match=f"^{numbers}: article '1' has no letters"):
        assert main(["-q", "assign", str(model), str(german), str(numbers)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["file"], x["topic"]) for x in lines][1] == (str(numbers), -1)


def test_a_stream_whose_first_chunk_has_no_words_is_fitted(tmp_path) -> None:
    """Ten pages of numbers, then 40 articles, chunks of 10: scikit-learn's bare "Array passed
    to NMF (input H) is full of zeros" from the start on the first chunk."""
    numbers = [f"123 456 789 {i}" for i in range(10)]
    texts = numbers + list(topics.load_corpus().texts[:40])
    corpus = _jsonl(tmp_path / "numbers_first.jsonl", texts)
    with pytest.warns(UserWarning, match="has no letters"):
        model = topics.fit_streaming_nmf(corpus, 4, chunk_size=10)
    later = topics.fit_streaming_nmf(texts[10:] + numbers, 4, chunk_size=10)  # words first
    assert model.n_topics == 4 and model.metrics["outlier_share"] == 0.2
    assert model.topics == later.topics  # empty chunks teach nothing, wherever they are


def test_a_sweep_refuses_an_impossible_number_of_topics_before_fitting(three_texts,
                                                                       monkeypatch) -> None:
    """sweep_n_topics over [2, 5, 70] on 62 paragraphs fitted 2 and 5, then failed on 70: the
    fits done were lost with the error."""
    import topics.topic_models as topic_models

    fitted = []
    real = topic_models.fit_topic_model
    monkeypatch.setattr(topic_models, "fit_topic_model",
                        lambda *a, **k: fitted.append(k) or real(*a, **k))
    with pytest.raises(topics.ConfigError, match="n_components=70 topics is impossible for 62 "
                       "units; allowed: 2 to 62"):
        topic_models.sweep_n_topics(three_texts, "nmf", [2, 5, 70])
    assert fitted == []


def test_a_run_names_the_topic_model_whose_fit_failed(first_text: str, tmp_path) -> None:
    """Ten copies of one article as articles pass the checks before the run, then the fit finds
    no word in at most 20 % of them: the run's error did not say which topic model of the config
    to change."""
    config = {"name": "copies", "corpus": {"path": _jsonl(tmp_path / "copies.jsonl",
                                                          [first_text] * 10), "unit": "article"},
              "topic_models": {"mine": {"model": "nmf"}}, "classifier": {"enabled": False},
              "evaluation": {"seeds": [0]}}
    with pytest.raises(topics.ConfigError, match=r"^topic_models.mine \(seed 0\): model 'nmf': "
                       "all 10 units hold the same words"):
        topics.run_experiment(config, runs_dir=tmp_path / "runs", verbose=False)


@pytest.mark.parametrize("stream", [False, True])
def test_identical_texts_are_told_so_not_given_limits_to_change(first_text: str,
                                                                 stream: bool) -> None:
    """Ten copies of one article: the error advised lowering min_df or raising max_df, which
    cannot help when no word tells one text from another."""
    copies = [Article(f"a{i}", first_text) for i in range(10)]
    with pytest.raises(topics.ConfigError, match=r"all 10 units hold the same words \(every "
                       r"word is in every unit: the same text repeated\?\); .* drop the "
                       r"repeats \(corpus.drop_duplicates\(\)\)") as error:
        if stream:
            topics.fit_streaming_nmf(copies, 5)
        else:
            topics.fit_topic_model(copies, "nmf", "article")
    assert "min_df" not in str(error.value)


def test_reproduce_says_the_corpus_changed_when_the_rerun_fails(tmp_path) -> None:
    """The run's corpus file later held three pages of numbers: reproduce failed with "config
    ... does not fit corpus" and no word that the data was not the run's."""
    corpus = tmp_path / "news.jsonl"
    _jsonl(corpus, list(topics.load_corpus().texts[:40]))
    config = {"name": "small", "corpus": {"path": str(corpus), "unit": "article"},
              "topic_models": {"nmf": {"model": "nmf"}}, "classifier": {"enabled": False},
              "evaluation": {"seeds": [0]}, "outputs": {"figures": False, "report": False}}
    run = topics.run_experiment(config, runs_dir=tmp_path / "runs", verbose=False)
    _jsonl(corpus, ["123 456", "789 012", "345 678"])
    with pytest.raises(topics.ConfigError, match=f"^the corpus differs: {corpus} now has "
                       r"fingerprint \w+, the run read \w+ \(restore the corpus the run read to "
                       r"reproduce it\); the rerun failed: config .* does not fit corpus"):
        reproduce_run(run.path, runs_dir=tmp_path / "runs")


def test_the_default_places_no_text_without_words() -> None:
    """Number-only articles among news: the BERTopic default put them into whichever topic came
    first, while NMF, LDA and assign() give a text without a vocabulary word -1."""
    news = [" ".join(text.split()) for text in topics.load_corpus().texts[:30]]
    numbers = ["2024 12 31", "1.000.000", "+84 24 3825 7500"]
    result = topics.fit_topic_model(news[:15] + numbers + news[15:], "bertopic", "article")
    assert result.assignments[15:18].tolist() == [-1, -1, -1]
    assert (result.assignments[:15] >= 0).all() and (result.assignments[18:] >= 0).all()
    assert result.outlier_share == pytest.approx(3 / 33)
    placed, _ = result.estimator.transform([d.text for d in result.documents])
    assert placed.tolist() == result.assignments.tolist()  # the stored centres agree


def test_the_default_needs_two_texts_with_words() -> None:
    with pytest.raises(topics.ConfigError, match=r"1 unit of 12 has a word of the embedding's "
                       r"vocabulary"):
        topics.fit_topic_model(["Hanoi und Laos an der Grenze"] + ["2024 12"] * 11, "bertopic",
                               "article", min_df=1)
