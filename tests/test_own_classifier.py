"""A researcher's own labelled corpus and classifier: labels that would train a model on
mislabelled articles are refused with one message, bad ``fit`` inputs are named, and an own
single-label model's explanation reads right."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

import topics
from topics import ArticleClassifier
from topics.cli import main
from topics.errors import TopicsError

from .conftest import user_warnings

SPORT = [
    "Die Mannschaft gewann das Fußballspiel im Stadion mit zwei Toren.",
    "Der Trainer lobte die Spieler nach dem Sieg in der Liga.",
    "Im Finale schoss der Stürmer das entscheidende Tor für den Verein.",
    "Die Fans feierten den Aufstieg des Vereins in die erste Liga.",
]
ECONOMY = [
    "Die Zentralbank erhöhte den Leitzins wegen der hohen Inflation.",
    "Die Aktienkurse an der Börse fielen nach den Quartalszahlen.",
    "Das Unternehmen meldete einen höheren Umsatz und mehr Gewinn.",
    "Die Inflation stieg im Mai, die Preise für Energie zogen an.",
]
TEXTS = SPORT + ECONOMY
MULTI = [["sport"], ["sport"], ["sport", "economy"], [], ["economy"], ["economy"], [], ["economy"]]


def _train(capsys, corpus: Path, output: Path, *options: str) -> tuple[int, str]:
    status = main(["--quiet", "train-classifier", "--corpus", str(corpus), "--output",
                   str(output), "--no-evaluate", *options])
    return status, capsys.readouterr().err


def _jsonl(path: Path, labels: list) -> Path:
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": text, "labels": label},
                                       ensure_ascii=False) + "\n"
                            for i, (text, label) in enumerate(zip(TEXTS, labels, strict=True))),
                    encoding="utf-8")
    return path


def _csv(path: Path, cells: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "text", "labels"])
        writer.writerows([f"a{i}", text, cell] for i, (text, cell) in
                         enumerate(zip(TEXTS, cells, strict=True)))
    return path


# ---- train-classifier: labels that would mislabel articles --------------------------------------


def test_train_classifier_refuses_labels_joined_without_separator(tmp_path, capsys):
    """A filled-in suggest-labels CSV trained without --label-separator: 'sport|economy' used to
    become a class of its own (and the article a negative of sport and of economy), with only a
    warning; now it is refused, the model not written, and the option named."""
    corpus = _csv(tmp_path / "to_label.csv", ["|".join(labels) for labels in MULTI])
    status, err = _train(capsys, corpus, tmp_path / "mine", "--id-column", "id")
    assert status == 2 and not (tmp_path / "mine.safetensors").exists()
    assert "to_label.csv: article 'a2': the label 'sport|economy' looks like several" in err
    assert "--label-separator '|'" in err and "Traceback" not in err
    status, err = _train(capsys, corpus, tmp_path / "mine", "--id-column", "id",
                         "--label-separator", "|")
    assert status == 0 and (tmp_path / "mine.safetensors").exists()
    assert topics.load_classifier(tmp_path / "mine.safetensors").classes_.tolist() == [
        "economy", "sport"]


def test_train_classifier_splits_json_label_strings_as_csv_cells(tmp_path, capsys):
    """--label-separator split CSV cells only: JSON Lines labels given as 'a|b' strings were
    refused although the separator was passed, and a label "" was read as a label ''. Now a
    label string is read as a CSV cell is: split on the separator, "" no label."""
    cells = ["|".join(labels) for labels in MULTI]  # "" for an article with no label
    corpus = _jsonl(tmp_path / "mine.jsonl", cells)
    assert topics.load_corpus(corpus, label_separator="|").labels == MULTI
    assert topics.load_corpus(_csv(tmp_path / "mine.csv", cells), id_column="id",
                              label_separator="|").labels == MULTI
    status, err = _train(capsys, corpus, tmp_path / "m", "--label-separator", "|")
    assert status == 0 and (tmp_path / "m.safetensors").exists(), err
    assert topics.load_classifier(tmp_path / "m.safetensors").classes_.tolist() == [
        "economy", "sport"]


def test_train_classifier_refuses_a_list_item_holding_the_separator(tmp_path, capsys):
    """A label list's item is one label as written: 'sport|economy' as an item, with the
    separator passed, would be trained as a class of its own; it is refused, naming the fix."""
    corpus = _jsonl(tmp_path / "mine.jsonl", [["|".join(labels)] if labels else []
                                              for labels in MULTI])
    status, err = _train(capsys, corpus, tmp_path / "m", "--label-separator", "|")
    assert status == 2 and not (tmp_path / "m.safetensors").exists()
    assert "mine.jsonl: article 'a2': the label 'sport|economy' holds the separator" in err
    assert 'not the items of a label list; write each label as an item, e.g. ["sport", ' in err


@pytest.mark.parametrize(("spelled", "said"), [
    ("Sport", "the labels 'Sport' (1 article), 'sport' (2 articles) differ only in case"),
    (" sport ", "the labels ' sport ' (1 article), 'sport' (2 articles) differ only in case"),
    ("", "an empty label ''; an article about none of the labels has no label"),
])
def test_train_classifier_refuses_a_label_spelled_two_ways(tmp_path, capsys, spelled, said):
    """A label in another case or with spaces around it (JSON Lines keeps them) was learnt as a
    label of its own, its articles negatives of the real one; an empty label as a class ''."""
    labels = [list(row) for row in MULTI]
    labels[0] = [spelled]
    status, err = _train(capsys, _jsonl(tmp_path / "c.jsonl", labels), tmp_path / "m")
    assert status == 2 and said in err and "article 'a0'" in err
    assert not (tmp_path / "m.safetensors").exists()


def test_labels_with_a_comma_not_between_labels_only_warn(tmp_path, capsys):
    """A label that holds ',' but is not two labels of the corpus is a name: trained, with the
    hint about the separator."""
    labels = [["Politik, Wirtschaft"] if labels == ["economy"] else labels for labels in MULTI]
    status = []
    said = user_warnings(lambda: status.append(
        _train(capsys, _jsonl(tmp_path / "c.jsonl", labels), tmp_path / "m")[0]))
    assert status == [0] and any("--label-separator ','" in message for message in said)


# ---- ArticleClassifier.fit with a user's data ---------------------------------------------------


@pytest.mark.parametrize("missing", [None, math.nan])
def test_fit_names_a_missing_label(missing):
    """pandas gives NaN for an empty label cell: the text and what to do are named (it said
    'got a mix')."""
    labels = ["Sport"] * 4 + ["Wirtschaft"] * 3 + [missing]
    with pytest.raises(TopicsError, match=r"the label of text 7 is (None|nan), a missing value"):
        ArticleClassifier().fit(TEXTS, labels)


def test_fit_refuses_texts_without_any_label_even_with_labels_given():
    """With ``labels=`` and every list empty, fit trained a model that never predicts anything."""
    with pytest.raises(TopicsError, match="none of the 8 texts has a label"):
        ArticleClassifier(labels=["sport", "economy"]).fit(TEXTS, [[]] * 8)


def test_fit_warns_of_a_label_no_text_has():
    said = user_warnings(lambda: ArticleClassifier(labels=["sport", "economy", "culture"]).fit(
        TEXTS, MULTI))
    assert any("label(s) 'culture' on none of the 8 texts" in message for message in said)


# ---- explaining an own single-label model ----------------------------------------------------


def test_single_label_explanation_does_not_show_a_focus_logit():
    """A single-label model's probability is a softmax over the classes: its explanation said
    'best paragraph x 0.00, lead x 0.00, bias +0.00 -> logit -3.12' beside a probability of
    0.66."""
    clf = ArticleClassifier(cv=2, min_df=1).fit(TEXTS, ["Sport"] * 4 + ["Wirtschaft"] * 4)
    text = clf.explain_markdown("Der Verein gewann das Spiel in der Liga.", style="text")
    assert "softmax over the 2 classes" in text and "best paragraph" not in text


def test_models_given_an_own_model_file_says_where_its_description_is(tmp_path, capsys):
    """`topics models mine.safetensors` said 'unknown estimator' only."""
    model = tmp_path / "mine.safetensors"
    model.write_bytes(b"\0")
    assert main(["models", str(model)]) == 2
    err = capsys.readouterr().err
    assert "is a model file; topics models NAME describes an estimator" in err
    assert "mine.safetensors" in err and ".card.json beside it" in err
