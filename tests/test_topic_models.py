"""Topic models through the public API on the shipped corpus.

The first BERTopic fit in a process pays numba's JIT (~10 s), so the fitted models are module-scoped.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import warnings
from collections import Counter

import numpy as np
import pytest

import topics
from topics.errors import ConfigError, ModelFileError, TopicsError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus() -> topics.Corpus:
    return topics.load_corpus()


@pytest.fixture(scope="module")
def bertopic_pair(corpus):
    """Two separate fits with the same settings and seed."""
    first = topics.fit_topic_model(corpus, "bertopic", "paragraph", seed=0)
    second = topics.fit_topic_model(corpus, "bertopic", "paragraph", seed=0)
    return first, second


@pytest.fixture(scope="module")
def nmf(corpus):
    return topics.fit_topic_model(corpus, "nmf", "paragraph", seed=0)


@pytest.fixture(scope="module")
def lda(corpus):
    return topics.fit_topic_model(corpus, "lda", "paragraph", seed=0)


def test_result_contract(bertopic_pair, corpus) -> None:
    result = bertopic_pair[0]
    units = corpus.units("paragraph")
    assert [d.id for d in result.documents] == [u.id for u in units]
    assert all(d.article_id and d.text for d in result.documents)
    assert result.assignments.shape == (len(units),)
    assert set(result.assignments.tolist()) <= set(result.topics) | {-1}
    for words in result.topics.values():
        weights = [w for _, w in words]
        assert weights == sorted(weights, reverse=True)
    assert sum(result.sizes.values()) == len(units)
    assert result.outlier_share == result.metrics["outlier_share"]
    assert "outlier_share_before_reduction" in result.metrics
    for key in ("npmi", "c_v", "diversity", "nmi", "ari", "n_topics", "fit_seconds"):
        assert np.isfinite(result.metrics[key]), key
    assert result.settings["min_topic_size"] >= 5  # "auto" resolved
    table = result.topic_label_table()
    assert table.to_numpy().sum() == len(units)


def test_bertopic_is_deterministic(bertopic_pair) -> None:
    first, second = bertopic_pair
    assert first.topics == second.topics
    np.testing.assert_array_equal(first.assignments, second.assignments)


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_bag_of_words_models_are_deterministic(corpus, model, request) -> None:
    again = topics.fit_topic_model(corpus, model, "paragraph", seed=0)
    fitted = request.getfixturevalue(model)
    assert again.topics == fitted.topics
    np.testing.assert_array_equal(again.assignments, fitted.assignments)


@pytest.mark.parametrize("name", ["bertopic", "nmf", "lda"])
def test_umlauts_survive_in_topic_words(name, bertopic_pair, nmf, lda) -> None:
    result = {"bertopic": bertopic_pair[0], "nmf": nmf, "lda": lda}[name]
    words = {w for ws in result.topics.values() for w, _ in ws}
    assert any(re.search("[äöüß]", w) for w in words), sorted(words)[:50]
    tokens = {t for doc in result.tokens for t in doc}
    assert words <= tokens  # the topic words are the tokens view's words


def test_save_load_round_trip(bertopic_pair, nmf, lda, tmp_path) -> None:
    for result in (bertopic_pair[0], nmf, lda):
        path = result.save(tmp_path / result.model_name)
        assert not list(path.rglob("*.pkl")) and not list(path.rglob("*.pickle"))
        loaded = topics.load_topic_model(path)
        assert loaded.topics == result.topics
        np.testing.assert_array_equal(loaded.assignments, result.assignments)
        assert [d.id for d in loaded.documents] == [d.id for d in result.documents]
        assert loaded.metrics == {k: v for k, v in result.metrics.items() if k != "fit_seconds"}
        assert loaded.settings["top_n_words"] == result.settings["top_n_words"]
    reloaded = topics.load_topic_model(tmp_path / "bertopic")
    assert (tmp_path / "bertopic" / "estimator.safetensors").is_file()
    # the reloaded BERTopic embeds new text with the saved arrays (no BERTopic.save, no pickle)
    predicted, _ = reloaded.estimator.transform(["Der Verteidigungsminister traf seinen Amtskollegen."])
    assert predicted[0] in reloaded.topics


def test_the_same_fit_saves_the_same_bytes(corpus, tmp_path) -> None:
    """The fit's time is the run's (timings.json), not the model's: two saves of the same fit
    are the same files, byte for byte."""
    saved = []
    for name in ("a", "b"):
        folder = topics.fit_topic_model(corpus, "nmf", "article").save(tmp_path / name)
        saved.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert saved[0] == saved[1]


def test_load_rejects_foreign_directories(tmp_path) -> None:
    with pytest.raises(ModelFileError, match="result.json"):
        topics.load_topic_model(tmp_path)
    (tmp_path / "result.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ModelFileError, match="no manifest.json"):  # no checksums: not read at all
        topics.load_topic_model(tmp_path)
    with pytest.raises(ModelFileError, match="not a topic-model result"):
        topics.load_topic_model(tmp_path, trust=True)


@pytest.mark.parametrize(
    ("model", "settings", "match"),
    [
        ("lda", {"k": 5000}, "k=5000 topics is impossible for 1057 units"),
        ("nmf", {"n_components": 1058}, "n_components=1058"),
        ("bertopic", {"nr_topics": 2000}, "nr_topics=2000"),
        ("bertopic", {"min_topic_size": 5000}, "min_topic_size=5000 is larger than the corpus"),
        ("bertopic", {"reduce_outliers": "magic"}, "reduce_outliers='magic'"),
        ("nmf", {"n_topics": 5}, "unknown setting.*'n_topics'.*allowed:.*n_components"),
        ("lda_default", {"n_components": 0}, "n_components=0"),
    ],
)
def test_impossible_settings_fail_clearly(corpus, model, settings, match) -> None:
    with pytest.raises(ConfigError, match=match):
        topics.fit_topic_model(corpus, model, "paragraph", **settings)


def test_seeds_are_whole_32_bit_numbers_given_once(corpus) -> None:
    with pytest.raises(ConfigError, match="model 'nmf': -1 is not a seed; give a whole number"):
        topics.fit_topic_model(corpus, "nmf", seed=-1)
    with pytest.raises(ConfigError,
                       match=r"seed\(s\) \[0\] given more than once; give each seed once"):
        topics.compare_topic_models(corpus, "nmf", seeds=[0, 0])
    assert topics.fit_topic_model(corpus, "nmf", seed=np.int64(2)).seed == 2


def test_a_fit_with_empty_or_dominant_topics_says_so(corpus) -> None:
    """Topics nobody is placed in are still counted in n_topics: the fit warns, naming them."""
    from .conftest import user_warnings

    fits = []
    said = user_warnings(lambda: fits.append(topics.fit_topic_model(
        corpus.subset(range(12)), "lda", "article", k=10)))
    empty = int(fits[0].metrics["empty_topics"])
    assert empty > 0 and any(f"lda: {empty} of 10 topics are empty" in m for m in said)
    assert not [m for m in user_warnings(lambda: topics.fit_topic_model(corpus, "nmf"))
                if m.startswith("nmf:")]


def test_assign_says_how_much_of_a_text_the_model_read(nmf, corpus) -> None:
    """A placement read from one known word is not a confident one: ``coverage`` says how much
    of the text the vocabulary covers; a text with no known word is an outlier, score 0."""
    english, german = nmf.assign(["The quick brown fox jumps over the lazy dog.", corpus.texts[0]])
    assert english == {"topic": -1, "name": "outliers", "score": 0.0, "coverage": 0.0,
                       "training": False}
    assert 0.5 < german["coverage"] <= 1.0
    mixed = nmf.assign(["The delegation visited the Grenze and the Freundschaft of the people "
                        "in the Provinz, said the minister of the Verteidigung today."])[0]
    assert mixed["topic"] >= 0 and mixed["coverage"] < 0.5 < german["coverage"]


def test_unknown_model_and_unit(corpus) -> None:
    with pytest.raises(ConfigError, match="unknown topic model 'lsa'.*bertopic, lda, nmf"):
        topics.fit_topic_model(corpus, "lsa")
    with pytest.raises(TopicsError, match="unit='sentence'"):
        topics.fit_topic_model(corpus, "nmf", unit="sentence")
    with pytest.raises(ValueError, match="n_components='eight'"):  # as scikit-learn users expect
        topics.fit_topic_model(corpus, "nmf", n_components="eight")


def test_plain_texts_are_modelled_as_a_corpus_of_them_would_be(corpus) -> None:
    """A notebook passes a list of strings: each is one article, cleaned and cut as in a corpus."""
    texts = list(corpus.texts[:40])
    plain = topics.fit_topic_model(texts, "nmf", "paragraph", seed=0)
    articles = [topics.Article(f"text{i}", t) for i, t in enumerate(texts)]
    as_corpus = topics.fit_topic_model(topics.Corpus(articles, name="texts"), "nmf", seed=0)
    assert plain.topics == as_corpus.topics
    assert np.array_equal(plain.assignments, as_corpus.assignments)
    assert len(plain.assignments) == len(corpus.subset(range(40)).units("paragraph"))
    with pytest.raises(TopicsError, match="got str; pass \\[text, ...\\]"):
        topics.fit_topic_model(texts[0], "nmf")


@pytest.mark.skipif(importlib.util.find_spec("sentence_transformers") is not None,
                    reason="sentence-transformers is installed; the missing-package message is moot")
def test_sentence_transformers_missing_message(corpus) -> None:
    with pytest.raises(ConfigError, match=r"sentence-transformers.*uv sync --extra embeddings"):
        topics.fit_topic_model(corpus, "bertopic", "article",
                               embedding_model="paraphrase-multilingual-MiniLM-L12-v2")


@pytest.mark.parametrize("guided", ["seed_words", "zeroshot"])
def test_guided_topics_run_on_articles(corpus, guided, bertopic_pair) -> None:
    result = topics.fit_topic_model(corpus, "bertopic", "article", seed=0, guided=guided)
    assert result.n_topics >= 2
    assert len(result.assignments) == len(corpus)


def test_compare_topic_models_table(corpus) -> None:
    table = topics.compare_topic_models(corpus, models=("nmf", "lda_default"), unit="article",
                                        seeds=(0, 1))
    assert list(table["model"]) == ["nmf", "lda_default"]
    assert (table["n_seeds"] == 2).all()
    for column in ("npmi_mean", "npmi_sd", "diversity_mean", "nmi_mean", "outlier_share_mean",
                   "fit_seconds_mean"):
        assert column in table.columns
    assert table["npmi_mean"].notna().all()


def test_outlier_reduction_is_explicit(corpus, bertopic_pair) -> None:
    kept = topics.fit_topic_model(corpus, "bertopic", "article", seed=0, reduce_outliers=None)
    assert kept.outlier_share == kept.metrics["outlier_share_before_reduction"]
    reduced = topics.fit_topic_model(corpus, "bertopic", "article", seed=0)
    assert reduced.outlier_share <= kept.outlier_share
    assert reduced.settings["reduce_outliers"] == "embeddings"


def test_an_iteration_cap_is_reported_not_warned(corpus, nmf) -> None:
    from sklearn.exceptions import ConvergenceWarning

    assert nmf.metrics["iterations"] < 150  # the shipped paragraphs stop at the tolerance
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        capped = topics.fit_topic_model(corpus, "nmf", "paragraph", seed=0, max_iter=5)
        words = topics.fit_topic_model(corpus, "bertopic", "article", seed=0, nmf_iterations=5)
    assert capped.metrics["iterations"] == 5
    assert capped.metrics["reconstruction_err"] > nmf.metrics["reconstruction_err"]  # stopped early
    assert words.n_topics >= 2


def test_no_generic_topic_gathers_the_paragraphs(corpus, bertopic_pair) -> None:
    """Cosine k-means (the default) against plain k-means on the same embedding: the latter's short
    centre of a generic topic draws the units that fit nowhere (measured 28.5 % of the paragraphs)."""
    default = bertopic_pair[0]
    assert default.settings["kmeans_metric"] == "cosine"
    assert default.metrics["largest_topic_share"] <= 0.35
    plain = topics.fit_topic_model(corpus, "bertopic", "paragraph", kmeans_metric="euclidean")
    assert plain.metrics["largest_topic_share"] > default.metrics["largest_topic_share"]
    assert plain.n_topics == default.n_topics


def test_words_many_topics_share_give_way_to_each_topics_own(corpus, bertopic_pair) -> None:
    """The default ranks a topic's NMF words by weight x exclusivity: the same partition, fewer
    words repeated across topics, and ranked alone (``word_cooccurrence=0``, as
    ``exclusivity.md`` measures it) a coherence as high (measured 0.891 -> 0.982 diversity, 0.105
    -> 0.129 NPMI); with the sentence choice on top, still fewer words repeated (0.891 ->
    0.945)."""
    default = bertopic_pair[0]
    fit = functools.partial(topics.fit_topic_model, corpus, "bertopic", "paragraph")
    by_weight, ranked = fit(word_exclusivity=0.0, word_cooccurrence=0.0), fit(word_cooccurrence=0.0)
    chosen_by_weight = fit(word_exclusivity=0.0)
    assert np.array_equal(by_weight.assignments, default.assignments)
    assert ranked.metrics["diversity"] > by_weight.metrics["diversity"]
    assert ranked.metrics["npmi"] >= by_weight.metrics["npmi"]
    assert default.metrics["diversity"] > chosen_by_weight.metrics["diversity"]


def test_a_topic_does_not_list_the_parts_that_only_repeat_its_compounds(corpus, bertopic_pair) -> None:
    """With the default, no topic lists a compound part whose units mostly hold a compound it
    lists ("plattform platt form" on the shipped paragraphs before); parts that also stand alone
    stay, and ``hide_compound_parts=False`` lists the words as before, on the same partition."""
    from topics.topic_models.word_parts import CompoundParts

    default = bertopic_pair[0]
    # the rule's effect on the ranked words themselves (the sentence choice then picks among them)
    ranked = topics.fit_topic_model(corpus, "bertopic", "paragraph", word_cooccurrence=0.0)
    listed = topics.fit_topic_model(corpus, "bertopic", "paragraph", hide_compound_parts=False,
                                    word_cooccurrence=0.0)
    assert np.array_equal(listed.assignments, default.assignments)
    analyzer = topics.GermanAnalyzer()
    tokens = [analyzer(d.text) for d in default.documents]
    df = Counter(w for doc in tokens for w in set(doc))
    parts = CompoundParts(analyzer, df)
    hidden = 0
    for topic, words in default.topics.items():
        names = [w for w, _ in words]
        assert len(names) == 10
        assert not any(parts.repeats(w, names) for w in names), (topic, names)
        assert "platt" not in names and "form" not in names
        kept = [w for w, _ in ranked.topics[topic]]
        assert not any(parts.repeats(w, kept) for w in kept), (topic, kept)
        old = [w for w, _ in listed.topics[topic]]
        hidden += sum(parts.repeats(w, old) for w in old)
    assert hidden >= 4  # parts the rule leaves out are listed without it (the partition decides
    # which: "plattform platt form" made the rule; since stop 41's names it is elsewhere)
    assert any("minister" in words and "verteidigungsminister" in words  # both stand alone
               for words in ([w for w, _ in ws] for ws in ranked.topics.values()))


def test_the_stored_centres_place_the_training_paragraphs_where_the_fit_did(bertopic_pair) -> None:
    """Cosine k-means ends where every unit sits with its most similar centre, and the stored
    estimator (no training-unit shortcut) reproduces that from the texts alone."""
    result = bertopic_pair[0]
    texts = [d.text for d in result.documents]
    placed, _ = result.estimator.transform(texts, [d.article_id for d in result.documents])
    assert np.array_equal(placed, result.assignments)


def test_a_fit_without_topics_places_every_text_as_an_outlier(corpus) -> None:
    # BERTopic's default (HDBSCAN) finds no cluster among one article's paragraphs: an honest
    # result of the peer, which assign and transform must report, not fail on
    result = topics.fit_topic_model(corpus.subset(range(1)), "bertopic_default", "paragraph")
    assert result.n_topics == 0 and result.outlier_share == 1.0
    assert [a["topic"] for a in result.assign(["Die Grenze zu Laos.", ""])] == [-1, -1]
    assert result.transform(["Hanoi"]).tolist() == [-1]


def test_an_empty_vocabulary_says_why(corpus) -> None:
    with pytest.raises(ConfigError, match="the 20 units have no words left after analysis") as info:
        topics.fit_topic_model(["123 456", "https://example.vn/a 2024"] * 10, "nmf", "article")
    assert "max_df" not in str(info.value)
    with pytest.raises(ConfigError, match=r"min_df=50, max_df=1.0 leave no words in the "
                       r"vocabulary of 20 units \(of \d+ distinct words\); lower min_df$"):
        topics.fit_topic_model(corpus.subset(range(20)), "nmf", "article", min_df=50, max_df=1.0)
    with pytest.raises(ConfigError, match="lower min_df or raise max_df"):
        topics.fit_topic_model(corpus.subset(range(20)), "nmf", "article", min_df=5, max_df=2)


def test_too_few_units_for_bertopic_suggests_what_gives_more(corpus) -> None:
    with pytest.raises(ConfigError, match=r"got 8 \(from 2 articles\); give more texts$"):
        topics.fit_topic_model(corpus.subset([3, 5]), "bertopic", "paragraph")
    with pytest.raises(ConfigError, match=r"got 5 \(from 5 articles\); use unit='paragraph'"):
        topics.fit_topic_model(corpus.subset(range(5)), "bertopic", "article")


@pytest.mark.parametrize(("model", "key"), [("nmf", "n_components"), ("lda", "k"),
                                            ("bertopic", "nr_topics")])
def test_a_numpy_integer_is_a_number_of_topics(corpus, model, key, tmp_path) -> None:
    result = topics.fit_topic_model(corpus.subset(range(40)), model, "article",
                                    **{key: np.int64(5)})
    assert result.n_topics == 5 and type(result.settings[key]) is int
    result.save(tmp_path / model)  # the settings stay JSON
    with pytest.raises(ConfigError, match=f"{key}=np.True_: must be int"):
        topics.fit_topic_model(corpus.subset(range(40)), model, "article", **{key: np.bool_(True)})


def test_min_topic_size_on_the_kmeans_route_is_said_to_have_no_effect(corpus) -> None:
    from topics import registry

    assert registry.get("bertopic").schema["min_topic_size"].help.startswith(
        'clustering="hdbscan" only')
    few = corpus.subset(range(40))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        given = topics.fit_topic_model(few, "bertopic", "article", min_topic_size=10)
        default = topics.fit_topic_model(few, "bertopic", "article")
    (said,) = [w for w in caught if "min_topic_size" in str(w.message)]
    assert str(said.message) == (
        "model 'bertopic': min_topic_size=10 has no effect with clustering='kmeans' (it is "
        "HDBSCAN's min_cluster_size); k-means makes nr_topics topics. Leave it out, or use "
        "clustering='hdbscan'")
    assert said.filename == __file__  # names the caller's line
    assert np.array_equal(given.assignments, default.assignments)
