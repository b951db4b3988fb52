"""The public API as a notebook uses it: documented signatures, one clear error per bad input,
and the classifier's predictions on any list of texts (hypothesis)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import topics
from topics.classifier.inputs import classified_document

REPO = Path(__file__).resolve().parents[1]


def _documented_parameters(doc: str) -> list[str] | None:
    """The names in a numpydoc ``Parameters`` section (None: no such section)."""
    lines = inspect.cleandoc(doc).replace("\\\n", "").splitlines()
    if "Parameters" not in [line.strip() for line in lines]:
        return None
    start = [line.strip() for line in lines].index("Parameters") + 2
    names = []
    for line in lines[start:]:
        if re.fullmatch(r"-{3,}", line.strip()):
            names.pop()  # the heading of the next section
            break
        if line and not line.startswith(" "):
            names += [n.strip().lstrip("*") for n in line.split(":")[0].split(",")]
    return names


def _public_functions() -> list[tuple[str, object]]:
    found = []
    for name in topics.__all__:
        value = getattr(topics, name)
        if inspect.isfunction(value):
            found.append((name, value))
        elif inspect.isclass(value):
            found += [(f"{name}.{m}", f) for m, f in vars(value).items()
                      if not m.startswith("_") and inspect.isfunction(f)]
    return found


@pytest.mark.parametrize(("name", "function"), _public_functions(), ids=lambda v: str(v))
def test_every_public_function_documents_its_parameters(name: str, function) -> None:
    signature = [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]
    documented = _documented_parameters(inspect.getdoc(function) or "")
    if documented is None:
        # a method may say it all in a sentence; a function of the API may not
        assert "." in name or not signature, f"{name}: no Parameters section for {signature}"
        return
    assert sorted(documented) == sorted(signature), f"{name}: {documented} != {signature}"


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_one_text_is_named_as_too_few_units_not_as_a_setting(model: str) -> None:
    # was: "n_components=1 topics is impossible for 1 units; allowed: 2 to 1" (never set)
    with pytest.raises(topics.ConfigError, match="needs at least 2 units") as error:
        topics.fit_topic_model(["Vietnam und Laos stärken die Grenze."], model=model)
    assert "allowed: 2 to 1" not in str(error.value)


# five texts that differ (identical ones are told so before any limit is discussed)
_FIVE_TEXTS = [f"Vietnam und Laos stärken die Grenze. Die Delegation besucht {city}."
               for city in ("Hanoi", "Vientiane", "Hue", "Danang", "Haiphong")]


@pytest.mark.parametrize(("model", "expected"), [
    ("lda_default", "the corpus is too small for the default n_components=10 topics (5 units"),
    ("nmf", "the corpus is too small for min_df=2 (default), max_df=0.2 (default)"),
    ("lda", "give at least 10 units (more texts or unit='paragraph'), or set min_df=1"),
    ("bertopic_default", "got 5 (from 5 articles); use unit='paragraph'"),
])
def test_a_default_too_large_for_a_small_corpus_is_named_as_a_default(model, expected) -> None:
    # was "n_components=10 topics is impossible for 5 units" and "min_df=2, max_df=0.2 leave no
    # words": settings the user never gave, named as if chosen, without what to change
    with pytest.raises(topics.ConfigError) as error:
        topics.fit_topic_model(_FIVE_TEXTS, model=model, unit="article")
    assert expected in str(error.value)
    assert "impossible" not in str(error.value) and "leave no words" not in str(error.value)


def test_a_value_the_user_gave_is_still_named_as_given() -> None:
    with pytest.raises(topics.ConfigError, match=r"n_components=10 topics is impossible for 5"):
        topics.fit_topic_model(_FIVE_TEXTS, model="lda_default", unit="article", n_components=10)
    with pytest.raises(topics.ConfigError, match=r"min_df=2, max_df=0.2 leave no words"):
        topics.fit_topic_model(_FIVE_TEXTS, model="nmf", unit="article", min_df=2, max_df=0.2)
    # a config is checked before its run: the peer's default is too many topics there as well
    assert "too small for the default n_components=10" in topics.registry.get(
        "lda_default").check({}, 5)[0]


def test_a_share_min_df_too_large_for_the_corpus_reads_as_one_sentence() -> None:
    # was "...; give set min_df=1 or max_df=1.0"
    with pytest.raises(topics.ConfigError) as error:
        topics.fit_topic_model(_FIVE_TEXTS * 2, model="nmf", unit="article", min_df=0.5)
    assert str(error.value).endswith("of its 10 units; set min_df=1 or max_df=1.0")


def test_the_itakura_saito_loss_is_refused_as_a_setting() -> None:
    # TF-IDF always has zeros: was scikit-learn's bare ValueError after the analysis
    with pytest.raises(topics.ConfigError, match=r"model 'nmf': beta_loss='itakura-saito': must "
                       r"be 'frobenius' \| 'kullback-leibler'$"):
        topics.fit_topic_model(_FIVE_TEXTS, model="nmf", beta_loss="itakura-saito")


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_a_classifier_error_names_the_method_called(method: str) -> None:
    # was "predict: ..." for all three
    with pytest.raises(topics.InputError, match=f"^{method}: got one string; pass a list"):
        getattr(topics.load_classifier(), method)("Vietnam und Laos.")


def test_assign_refuses_article_ids_given_as_one_string() -> None:
    # was: "ab" taken as the ids 'a' and 'b'
    result = topics.fit_topic_model(_FIVE_TEXTS, "nmf", "article", min_df=1, max_df=1.0,
                                    n_components=2)
    text = _FIVE_TEXTS[0]
    with pytest.raises(topics.InputError, match="article_ids must be a list of ids, one per "
                       "text, not one string"):
        result.assign([text, text], article_ids="ab")
    with pytest.raises(topics.InputError, match="article_ids must be .* not an int"):
        result.transform([text], article_ids=5)
    assert len(result.assign([text, text], article_ids=["a", "a"])) == 2


def test_ready_made_units_are_checked_against_the_unit_and_each_other() -> None:
    from topics.corpus.records import TextUnit

    corpus = topics.Corpus([topics.Article(f"a{i}", t) for i, t in enumerate(_FIVE_TEXTS * 2)])
    paragraphs, articles = corpus.units("paragraph"), corpus.units("article")
    for units, said in [
        # was recorded unit='article' for paragraphs
        (paragraphs, "unit='article' but the units are paragraphs (item 0: id 'a0#p0'); pass "
                     "unit='paragraph'"),
        # was iterated by character
        ([TextUnit(u.id, u.article_id, u.text, "sport") for u in articles],  # type: ignore[arg-type]
         "item 0 (id 'a0'): labels='sport' is not a tuple of label strings"),
        ([articles[0], *articles], "item 1 (id 'a0'): the id is also item 0's"),  # was accepted
        ({u.id: u for u in articles}, "got dict; pass its values"),  # was iterated as its keys
        ([*articles[:2], *paragraphs[2:]], "the units mix whole articles (item 0) and paragraphs"),
    ]:
        with pytest.raises(topics.InputError, match=re.escape(said)):
            topics.fit_topic_model(units, "nmf", "article", min_df=1, max_df=1.0)
    fitted = topics.fit_topic_model(articles, "nmf", "article", min_df=1, max_df=1.0)
    assert fitted.unit == "article"
    # unit left out: ready-made units are taken as what they are, a corpus as paragraphs
    assert topics.fit_topic_model(articles, "nmf", min_df=1, max_df=1.0).unit == "article"
    assert topics.fit_topic_model(paragraphs, "nmf", min_df=1, max_df=1.0).unit == "paragraph"
    assert topics.fit_topic_model(corpus, "nmf", min_df=1, max_df=1.0).unit == "paragraph"


def test_the_bertopic_peer_on_too_few_words_is_a_config_error() -> None:
    pytest.importorskip("bertopic")
    # was scikit-learn's bare ValueError "n_components(11) must be <= n_features(3)"
    with pytest.raises(topics.ConfigError, match="only 3 distinct words"):
        topics.fit_topic_model(["Vietnam Grenze Laos."] * 12, model="bertopic_default")


@pytest.mark.parametrize(("models", "seeds", "what"), [([], (0,), "models"), ("nmf", [], "seeds")])
def test_compare_topic_models_needs_a_model_and_a_seed(shipped_corpus, models, seeds, what):
    # was an empty table (no models) and a bare ValueError from summarise_seeds (no seeds)
    with pytest.raises(topics.InputError, match=f"no {what} given"):
        topics.compare_topic_models(shipped_corpus.subset(range(20)), models=models, seeds=seeds)


def test_compare_topic_models_refuses_settings_of_a_model_it_does_not_fit(shipped_corpus):
    # was: the "lda" settings silently ignored, a table of nmf alone
    with pytest.raises(topics.InputError, match=r"settings are given for 'lda', which is not in "
                                                r"models \('nmf'\)"):
        topics.compare_topic_models(shipped_corpus.subset(range(20)), models=["nmf"],
                                    settings={"lda": {"k": 3}})


@pytest.mark.parametrize("bad", [{"n_terms": -1}, {"n_terms": "a"}, {"n_paragraphs": 2.5},
                                 {"n_paragraphs": True}])
def test_explain_counts_are_checked(bad: dict) -> None:
    # n_terms=-1 listed all terms but the last, "a" failed inside numpy
    with pytest.raises(topics.InputError, match=f"{next(iter(bad))}="):
        topics.load_classifier().explain("Die Grenze zu Laos wurde geöffnet.", **bad)


def test_explain_markdown_refuses_an_unknown_style() -> None:
    clf = topics.load_classifier()
    with pytest.raises(topics.InputError, match="'markdown' or 'text'"):
        clf.explain_markdown("Die Grenze zu Laos wurde geöffnet.", style="html")
    assert clf.explain_markdown("Die Grenze.", style="text").startswith("Labels:")


def test_the_classifier_notebook_reads_every_word_of_its_example() -> None:
    # its example was wrapped over three lines: the first two read as headlines and were left
    # out, so the defence minister's visit scored as border_relations only
    notebook = nbformat.read(REPO / "notebooks" / "03_classifier.ipynb", as_version=4)
    cell = next(c.source for c in notebook.cells if re.search(r"^text = ", c.source, re.M))
    scope: dict = {}
    exec(cell.split("print(")[0], scope)  # the assignment only
    text = scope["text"]
    clean, _ = classified_document(text)
    assert text.startswith("Hanoi (VOV) - ")  # the agency's dateline is not the article's text
    assert clean.split() == text.removeprefix("Hanoi (VOV) - ").split()


_PIECES = st.sampled_from([
    "Der Verteidigungsminister empfing eine Delegation aus Laos.",
    "Die digitale Verwaltung bietet Dienste online an.",
    "Grenzübergang", "Hanoi", "\n", "\n\n", " ", ".", "(VOVWORLD) - ", "Quelle: https://x.vn/a",
    "Kommentar (0)", "![](https://x.vn/a.jpg) |", "Das Wetter war sonnig.",
])
_TEXT = st.one_of(st.text(max_size=80),
                  st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, min_size=1, max_size=6))
def test_predictions_fit_any_list_of_texts(texts: list[str]) -> None:
    """One row of probabilities per text, labels = those at their threshold by probability,
    a text scored as in any batch; or one InputError (an empty text, markup)."""
    clf = _classifier()
    try:
        proba = clf.predict_proba(texts)
    except topics.InputError:
        return
    classes = [str(c) for c in clf.classes_]
    assert proba.shape == (len(texts), len(classes))
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    for row, labels in zip(proba, clf.predict(texts), strict=True):
        cleared = {c for c, p, t in zip(classes, row, clf.thresholds_, strict=True) if p >= t}
        assert set(labels) == cleared and len(labels) == len(cleared)
        chances = [row[classes.index(label)] for label in labels]
        assert chances == sorted(chances, reverse=True)  # the primary label first
    single = np.vstack([clf.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(proba, single, rtol=0, atol=1e-12)


_LOADED: list = []


def _classifier():
    if not _LOADED:  # hypothesis forbids function-scoped fixtures; load once
        _LOADED.append(topics.load_classifier())
    return _LOADED[0]
