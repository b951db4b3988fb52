"""The German tokens view: topics.analyse, GermanAnalyzer, GermanTokens."""

from __future__ import annotations

import inspect
import pickle
import re

import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import Pipeline

import topics
from topics.errors import ConfigError, TopicsError
from topics.text import german, lexicon

# A real sentence of seed 001 and the photo caption of seed 000.
SEED_SENTENCE = (
    "Am Nachmittag des 2. November leitete General Phan Van Giang, Mitglied des Politbüros, "
    "die Gespräche mit Chansamone Chanyalath in Ho-Chi-Minh-Stadt."
)
SEED_CAPTION = (
    "Parteisekretär und amtierender Außenminister Le Hoai Trung überreicht am 2. September, "
    "dem 80. Jahrestag des vietnamesischen Nationalfeiertags, Anerkennungsurkunden."
)


def test_umlauts_and_sharp_s_survive() -> None:
    tokens = topics.analyse("Die Größe der Straßen und Übergänge in Österreich überrascht.")
    assert {"größe", "straße", "übergang", "österreich", "überraschen"} <= set(tokens)


@pytest.mark.parametrize(
    ("word", "compound", "parts"),
    [
        (
            "Verteidigungszusammenarbeit",
            "verteidigungszusammenarbeit",
            ["verteidigung", "zusammenarbeit"],
        ),
        ("Grenzübergang", "grenzübergang", ["grenze", "übergang"]),
        ("Grenzübergänge", "grenzübergang", ["grenze", "übergang"]),
    ],
)
def test_compounds_split_with_and_without_the_compound(
    word: str, compound: str, parts: list[str]
) -> None:
    assert topics.analyse(word) == [compound, *parts]
    assert topics.analyse(word, keep_compounds=False) == parts
    assert topics.analyse(word, split_compounds=False) == [compound]


def test_compound_and_its_head_meet() -> None:
    a = topics.analyse("Die Verteidigungszusammenarbeit wächst.")
    b = topics.analyse("Die Zusammenarbeit wächst.")
    assert "zusammenarbeit" in set(a) & set(b)


def test_non_compounds_and_place_names_are_not_split() -> None:
    for word in ("Regierung", "Verantwortung", "Zusammenarbeit", "Salzburg", "Chansamone"):
        assert lexicon.split_compound(word) == (), word


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Kooperationsmechanismen", ["kooperationsmechanismus", "kooperation", "mechanismus"]),
        ("Verteidigungsbeamte", ["verteidigungsbeamter", "verteidigung", "beamter"]),
        ("Hilfspaket", ["hilfspaket", "hilfe", "paket"]),  # Fugen "-s" for a lost "-e"
        ("Gesamtsumme", ["gesamtsumme", "gesamt", "summe"]),
        ("Lernplattform", ["lernplattform", "lernen", "plattform"]),  # no "platt" + "form"
        ("Prozesse", ["prozess"]),  # not simplemma's old spelling "Prozeß"
        ("laotischen", ["laotisch"]),
    ],
)
def test_lemmas_of_words_unknown_to_the_dictionary(word: str, expected: list[str]) -> None:
    assert topics.analyse(word) == expected


@pytest.mark.slow
def test_splitter_matches_split_words() -> None:
    from split_words import Splitter

    from topics.text import splitter as charsplit

    splitter = Splitter()
    for word in (
        "Verteidigungsministeriums",
        "Katastrophenhilfemaßnahmen",
        "Regierung",
        "Grenzübergänge",
        "Öffentlichkeitsarbeit",
        "Wirtschaftsbeziehungen",
    ):
        assert charsplit.best_split(word) == tuple(splitter.split_compound(word)[0])


def test_lemmas_follow_the_case_policy() -> None:
    assert topics.analyse("Verträge") == ["vertrag"]
    assert topics.analyse("Verträge", lowercase=False) == ["Vertrag"]
    assert topics.analyse("Die Minister unterzeichneten zwei Verträge.") == [
        "minister",
        "unterzeichnen",
        "vertrag",
    ]
    assert topics.analyse("Verträge", lemmatise=False) == ["verträge"]


def test_stop_words_removed_and_extra_stop_words_honoured() -> None:
    tokens = topics.analyse("Der Minister sagte, dass die Beziehungen in diesem Jahr wachsen.")
    assert tokens == ["minister", "beziehung", "wachsen"]
    assert "sagen" in lexicon.stop_words() and "und" in lexicon.stop_words()
    # compared with the surface form and with the lemma, case-insensitively
    assert topics.analyse("Beziehungen wachsen", extra_stop_words=["Beziehung"]) == ["wachsen"]
    assert topics.analyse("Beziehungen wachsen", extra_stop_words=("wachsen",)) == ["beziehung"]


def test_names_stay_whole_on_seed_sentences() -> None:
    tokens = topics.analyse(SEED_SENTENCE)
    assert "phan_van_giang" in tokens
    assert "chansamone_chanyalath" in tokens
    assert "ho-chi-minh-stadt" in tokens
    assert not {"phan", "van", "giang", "chansamone", "ho", "chi", "minh"} & set(tokens)
    assert "le_hoai_trung" in topics.analyse(SEED_CAPTION)
    assert "phan_van_giang" not in topics.analyse(
        SEED_SENTENCE, extra_stop_words=["Phan_Van_Giang"]
    )
    plain = topics.analyse(SEED_SENTENCE, join_names=False)
    assert "phan_van_giang" not in plain and "giang" in plain


def test_names_in_the_seed_corpus(seed_texts: dict[str, str]) -> None:
    tokens = [t for text in seed_texts.values() for t in topics.analyse(topics.clean_text(text))]
    assert {"phan_van_giang", "chansamone_chanyalath", "pete_hegseth", "kon_tum"} <= set(tokens)
    assert "giang" not in tokens


def test_sentence_initial_german_word_is_not_part_of_a_name() -> None:
    assert topics.analyse("Laut Phan Van Giang wächst der Handel.")[:1] == ["phan_van_giang"]
    assert topics.analyse("Der Handel wächst. Laut Phan Van Giang auch.") == [
        "handel",
        "wachsen",
        "phan_van_giang",
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Die Provinz Lang Son grenzt an China.", "lang_son"),  # two German stop words
        ("Der Grenzübergang liegt in Cao Bang.", "cao_bang"),  # two known short words
        ("Er reiste nach Da Nang.", "da_nang"),
        ("Son La, An Giang und Dak Lak", "an_giang"),  # a stop word after a comma
        ("Quang Ninh und Dien Bien", "dien_bien"),
        ("Ha Long liegt am Meer.", "ha_long"),  # a syllable, no stop word, at a sentence start
        ("Nach Lang Son reiste er.", "lang_son"),  # the German word before it stays out
        ("Nguyễn Phú Trọng und Đà Nẵng", "đà_nẵng"),  # spelled with diacritics
    ],
)
def test_vietnamese_place_names_of_german_syllables_are_joined(text: str, name: str) -> None:
    tokens = topics.analyse(text)
    assert name in tokens
    pieces = set(name.split("_"))
    assert not pieces & set(tokens), tokens


@pytest.mark.parametrize(
    "text",
    [
        "Sie kommen Ende Juni oder Anfang Mai.",  # "Ende", "Juni": no Vietnamese syllables
        "Das Treffen (In Hanoi) war kurz.",  # a stop word after a bracket opens no name
        "Sie sagte: Am Ende kam Tag und Nacht.",
    ],
)
def test_german_word_pairs_are_not_joined(text: str) -> None:
    assert not any("_" in token for token in topics.analyse(text))


@pytest.mark.parametrize(
    ("word", "syllable"),
    [("Lang", True), ("Nguyen", True), ("Giang", True), ("Nghe", True), ("Truong", True),
     ("Đà", True), ("Ende", False), ("Juni", False), ("Laut", False), ("Sie", False),
     ("Tag", False), ("Laos", False)],
)
def test_vietnamese_syllable_spelling(word: str, syllable: bool) -> None:
    from topics.text.names import is_vietnamese_syllable

    assert is_vietnamese_syllable(word) is syllable


def test_numbers_and_urls() -> None:
    text = "Im Jahr 2025 stieg der Handel um 12 Prozent (https://vietnam.vn/de/x, info@vov.vn)."
    assert topics.analyse(text) == ["steigen", "handel", "prozent"]
    assert topics.analyse(text, keep_numbers=True) == ["2025", "steigen", "handel", "12", "prozent"]
    assert "covid-19" in topics.analyse("COVID-19")


def test_min_token_length() -> None:
    assert topics.analyse("EU und USA", min_token_length=3) == ["usa"]
    assert topics.analyse("EU und USA") == ["eu", "usa"]
    # a joined name is a token like the others (was kept whatever its length)
    text = "Verteidigungsminister Phan Van Giang besuchte Laos"
    assert topics.analyse(text, min_token_length=100) == []
    assert topics.analyse(text, min_token_length=14) == ["verteidigungsminister", "phan_van_giang"]
    assert topics.analyse(text, min_token_length=15) == ["verteidigungsminister"]


@pytest.mark.parametrize(
    ("settings", "name"),
    [
        ({"min_token_length": 0}, "min_token_length"),
        ({"min_token_length": "2"}, "min_token_length"),
        ({"lowercase": "yes"}, "lowercase"),
        ({"join_names": None}, "join_names"),
        ({"extra_stop_words": "und"}, "extra_stop_words"),
        ({"extra_stop_words": [1, 2]}, "extra_stop_words"),
        ({"stemming": True}, "stemming"),
    ],
)
def test_bad_settings_raise_a_clear_error(settings: dict, name: str) -> None:
    with pytest.raises(ConfigError, match=name) as info:
        topics.analyse("Text", **settings)
    assert isinstance(info.value, TopicsError) and isinstance(info.value, ValueError)
    with pytest.raises(ConfigError, match=name):
        topics.GermanAnalyzer(**settings)
    if name != "stemming":  # GermanTokens keeps scikit-learn's TypeError for unknown parameters
        with pytest.raises(ConfigError, match=name):
            topics.GermanTokens(**settings).fit(["Text"])


def test_an_unknown_analyzer_setting_is_the_config_error_of_analyse() -> None:
    # was Python's "GermanAnalyzer.__init__() got an unexpected keyword argument 'foo'"
    with pytest.raises(ConfigError) as from_function:
        topics.analyse("x", foo=1)
    with pytest.raises(ConfigError) as from_class:
        topics.GermanAnalyzer(foo=1)
    assert str(from_class.value) == str(from_function.value)
    assert "unknown setting 'foo'" in str(from_class.value)
    assert "foo" not in topics.GermanTokens().get_params()  # the signature lists settings only
    assert "unknown" not in inspect.signature(topics.GermanTokens).parameters


def test_analyzer_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="str"):
        topics.GermanAnalyzer()(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "said"), [
    (None, "analyse: text is None, not a str; pass the text as a str"),
    (b"Ein Text", "analyse: text is a bytes (b'Ein Text'), not a str; decode it first"),
    (5, "analyse: text is an int (5), not a str; pass one text as a str"),
    (["Ein Text"], "analyse: text is a list (['Ein Text']), not a str"),
])
def test_analyse_names_a_text_that_is_not_a_str(text: object, said: str) -> None:
    # was a bare TypeError from GermanAnalyzer; still a TypeError for code that catches one
    from topics.errors import NotTextError

    with pytest.raises(topics.InputError, match=re.escape(said)) as error:
        topics.analyse(text)  # type: ignore[arg-type]
    assert isinstance(error.value, NotTextError) and isinstance(error.value, TypeError)
    with pytest.raises(topics.InputError, match=r"GermanAnalyzer.stream: text is"):
        list(topics.GermanAnalyzer().stream(["Ein Text", text]))


def test_cache_returns_equal_independent_results() -> None:
    analyzer = topics.GermanAnalyzer()
    first = analyzer(SEED_SENTENCE)
    first.append("changed by the caller")
    second = analyzer(SEED_SENTENCE)
    assert second == topics.analyse(SEED_SENTENCE)
    assert "changed by the caller" not in second
    assert analyzer(SEED_SENTENCE) == german.GermanAnalyzer()(SEED_SENTENCE)


def test_analyzer_pickles_small_and_compares_by_settings() -> None:
    analyzer = topics.GermanAnalyzer(extra_stop_words=["Vietnam"], keep_numbers=True)
    data = pickle.dumps(analyzer)
    assert len(data) < 1000  # settings only: the caches stay in the module
    again = pickle.loads(data)
    assert again == analyzer and hash(again) == hash(analyzer)
    assert again("Vietnam 2025") == ["2025"]
    assert analyzer.settings["extra_stop_words"] == ("vietnam",)


def test_works_as_count_vectorizer_analyzer() -> None:
    docs = ["Die Verteidigungszusammenarbeit wächst.", "Grenzübergänge für Phan Van Giang."]
    vectorizer = CountVectorizer(analyzer=topics.GermanAnalyzer())
    matrix = vectorizer.fit_transform(docs)
    vocabulary = set(vectorizer.get_feature_names_out())
    assert {"zusammenarbeit", "grenze", "phan_van_giang"} <= vocabulary
    assert matrix.shape == (2, len(vocabulary))
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert (restored.transform(docs) != matrix).nnz == 0


def test_transformer_in_a_pipeline_and_clone() -> None:
    tokens = topics.GermanTokens(keep_compounds=False)
    assert tokens.get_params()["keep_compounds"] is False
    copy = clone(tokens)
    assert copy.get_params() == tokens.get_params()
    assert tokens.fit(["x"]) is tokens
    assert tokens.transform(["Grenzübergänge"]) == [["grenze", "übergang"]]
    assert topics.GermanTokens().transform(["Verträge"]) == [["vertrag"]]  # no fit needed
    pipe = Pipeline([("tokens", topics.GermanTokens()), ("counts", CountVectorizer(analyzer=list))])
    matrix = pipe.fit_transform(["Verträge und Grenzübergänge", "Ein Vertrag"])
    vocab = list(pipe.named_steps["counts"].get_feature_names_out())
    assert matrix[1, vocab.index("vertrag")] == 1
    pipe.set_params(tokens__lemmatise=False)
    assert "verträge" in pipe.fit(["Verträge"]).named_steps["counts"].vocabulary_
    assert pickle.loads(pickle.dumps(pipe)).transform(["Verträge"]).sum() == 1


@pytest.mark.slow
def test_10kgnad_tokens_are_clean_words(gnad_corpus: topics.Corpus) -> None:
    texts = [topics.clean_text(t) for t in gnad_corpus.texts[:150]]
    docs = topics.GermanTokens().transform(texts)
    tokens = [t for doc in docs for t in doc]
    assert all(docs) and len(tokens) > 20_000
    assert all(t == t.lower() and t.strip() == t and " " not in t for t in tokens)
    assert not set(tokens) & lexicon.stop_words()
    assert any("ä" in t or "ö" in t or "ü" in t or "ß" in t for t in tokens)
    assert sum("_" in t for t in tokens) > 50  # names joined


def test_analyzer_round_trips_through_skops(tmp_path) -> None:
    import skops.io

    vectorizer = CountVectorizer(analyzer=topics.GermanAnalyzer(keep_compounds=False))
    vectorizer.fit(["Grenzübergänge und Verträge"])
    path = tmp_path / "vectorizer.skops"
    skops.io.dump(vectorizer, path)
    untrusted = skops.io.get_untrusted_types(file=path)
    assert untrusted == ["topics.text.german.GermanAnalyzer"]
    restored = skops.io.load(path, trusted=untrusted)
    assert restored.analyzer == vectorizer.analyzer
    assert sorted(restored.vocabulary_) == ["grenze", "vertrag", "übergang"]
