"""The public API as a notebook uses it: documented signatures, one clear error per bad input,
and the classifier's predictions on any list of texts (hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest

import topics

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_one_text_is_named_as_too_few_units_not_as_a_setting(model: str) -> None:
    # was: "n_components=1 topics is impossible for 1 units; allowed: 2 to 1" (never set)
    with pytest.raises(topics.ConfigError, match="needs at least 2 units") as error:
        topics.fit_topic_model(["Vietnam und Laos stärken die Grenze."], model=model)
    assert "allowed: 2 to 1" not in str(error.value)


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


