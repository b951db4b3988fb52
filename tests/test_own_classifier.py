"""A researcher's own labelled corpus and classifier: labels that would train a model on
mislabelled articles are refused with one message, bad ``fit`` inputs are named, and an own
single-label model's explanation reads right."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import numpy as np
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


def test_train_classifier_refuses_labels_joined_by_another_sign_than_the_separator(tmp_path,
                                                                                 capsys):
    """With --label-separator ';', a cell 'sport|economy' was trained as a class of its own (a
    warning said it was rare): the joined-labels check ran only without a separator. It is the
    check fit makes too, so what the corpus passes, fit takes."""
    cells = [";".join(labels) for labels in MULTI]
    cells[5] = "sport|economy"
    status, err = _train(capsys, _csv(tmp_path / "c.csv", cells), tmp_path / "m", "--id-column",
                         "id", "--label-separator", ";")
    assert status == 2 and not (tmp_path / "m.safetensors").exists()
    assert ("c.csv: article 'a5': the label 'sport|economy' looks like several labels read as "
            "one, joined by '|' although the label separator is ';'; join the labels with ';'"
            ) in err


def test_a_text_read_as_a_label_is_shortened_in_the_refusal(tmp_path, capsys):
    """With the text and label columns swapped (10kGNAD read with --text-column 0), the refusal
    of a label holding '|' quoted the whole article: one error line of 4.5 kB."""
    long = " | ".join(TEXTS)  # an article that lists programmes: "a | b | c. ..."
    labels = [[long], *MULTI[1:]]
    status, err = _train(capsys, _jsonl(tmp_path / "c.jsonl", labels), tmp_path / "m")
    assert status == 2 and "article 'a0': the label 'Die Mannschaft gewann das" in err
    assert "... looks like several labels read as one" in err and len(err) < 400
    with pytest.raises(TopicsError) as error:
        ArticleClassifier(cv=2, min_df=1).fit(TEXTS, labels)
    assert "... looks like several labels" in str(error.value) and len(str(error.value)) < 300


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


def test_fit_warns_of_labels_every_text_has():
    # was silent: an indicator matrix of ones trained a model giving every label to any text
    labels = ["sport", "economy"]
    said = user_warnings(lambda: ArticleClassifier(labels=labels, cv=2, min_df=1).fit(
        TEXTS, np.ones((8, 2), int)))
    assert [m for m in said if "on every one of the 8 texts" in m] == [
        "fit: label(s) 'sport', 'economy' on every one of the 8 texts: the model cannot learn "
        "what tells them apart and predicts them for any text; check the labels (an indicator "
        "matrix of ones?), label some articles without them, or leave them out of `labels`"]
    said = user_warnings(lambda: ArticleClassifier(cv=2, min_df=1).fit(
        TEXTS, [[*row, "sport"] if "sport" not in row else row for row in MULTI]))
    assert any("label(s) 'sport' on every one of the 8 texts" in m for m in said)
    assert not [m for m in user_warnings(lambda: ArticleClassifier(cv=2, min_df=1).fit(
        TEXTS, MULTI)) if "every one" in m]


@pytest.mark.parametrize(("labels", "said"), [
    ([["sport|economy"] if row == ["sport", "economy"] else row for row in MULTI],
     "fit: text 2 (y[2]): the label 'sport|economy' looks like several labels read as one; give "
     "the labels as a list, e.g. ['sport', 'economy']"),
    ([["sport; economy"] if row == ["sport", "economy"] else row for row in MULTI],
     "text 2 (y[2]): the label 'sport; economy' looks like several labels read as one"),
    ([["sport,economy"] if row == ["sport", "economy"] else row for row in MULTI],
     "text 2 (y[2]): the label 'sport,economy' looks like several labels read as one"),
    ([["Sport"], *MULTI[1:]], "fit: text 0 (y[0]): the labels 'Sport' (1 text), 'sport' (2 "
     "texts) differ only in case or spaces and would be learnt as different labels"),
    ([[" sport "], *MULTI[1:]], "text 0 (y[0]): the labels ' sport ' (1 text), 'sport' (2 texts) "
     "differ only in case or spaces"),
    ([["sport", ""], *MULTI[1:]], "fit: text 0 (y[0]): an empty label ''; a text about none of "
     "the labels has an empty label list []"),
    (["sport|economy"] + ["sport"] * 3 + ["economy"] * 4,
     "text 0 (y[0]): the label 'sport|economy' looks like several labels read as one; give the "
     "labels as a list, e.g. ['sport', 'economy'], one label list per text"),
    (["Sport"] + ["sport"] * 3 + ["economy"] * 4, "the labels 'Sport' (1 text), 'sport' (3 texts) "
     "differ only in case"),
    ([""] + ["sport"] * 3 + ["economy"] * 4, "text 0 (y[0]): an empty label ''; give every text "
     "its class name"),
], ids=["pipe", "semicolon", "comma", "case", "spaces", "empty", "single-pipe", "single-case",
        "single-empty"])
def test_fit_refuses_labels_that_train_a_wrong_model(labels, said):
    """What train-classifier refuses in a corpus (label_problem), fit given the labels in Python
    trained without a word: a class 'sport|economy' (its text a negative of sport and economy),
    'Sport' beside 'sport', a class ''. Now the same check refuses them, naming y and the text."""
    with pytest.raises(TopicsError, match=re.escape(said)):
        ArticleClassifier(cv=2, min_df=1).fit(TEXTS, labels)


def test_fit_names_a_joined_label_rather_than_its_absence_from_labels():
    """With labels=, a label 'sport|economy' was 'not in labels' (add it to `labels`?); it is
    two labels read as one, and said so."""
    labels = [["sport|economy"] if row == ["sport", "economy"] else row for row in MULTI]
    with pytest.raises(TopicsError, match=re.escape("(y[2]): the label 'sport|economy' looks like")):
        ArticleClassifier(labels=["sport", "economy"]).fit(TEXTS, labels)


@pytest.mark.parametrize(("declared", "said"), [
    (["sport", "sport", "economy"], "labels=['sport', 'sport', 'economy'] lists 'sport' twice; "
     "give each label once"),
    (["sport", "economy", ""], "labels=['sport', 'economy', '']: an empty label ''; leave it out"),
    (["sport", "Sport", "economy"], "labels=['sport', 'Sport', 'economy']: the labels 'Sport', "
     "'sport' differ only in case or spaces"),
    (["sport", "economy", "sport|economy"], "the label 'sport|economy' looks like several labels "
     "read as one; list each label on its own"),
])
def test_fit_refuses_a_labels_parameter_that_makes_a_wrong_model(declared, said):
    """A label listed twice in labels= made two columns of one name (one never learnt); '' or a
    second spelling a column no text can have: trained, with only a warning that they are on
    no text."""
    with pytest.raises(TopicsError, match=re.escape(said)):
        ArticleClassifier(cv=2, min_df=1, labels=declared).fit(TEXTS, MULTI)


def test_fit_says_to_give_labels_as_a_list():
    """labels=df.label.unique() (an array) or a Series was refused with its repr ('labels=0
    sport\\n1 economy\\ndtype: ...: must be list of str | null', over lines); a set's order is
    the columns' order."""
    import pandas as pd

    for declared, kind in [(np.array(["sport", "economy"]), "ndarray"),
                           (pd.Series(["sport", "economy"]), "Series"),
                           ({"sport", "economy"}, "set (a set has no order)")]:
        with pytest.raises(TopicsError) as error:
            ArticleClassifier(cv=2, min_df=1, labels=declared).fit(TEXTS, MULTI)
        assert str(error.value) == (f"ArticleClassifier: labels= is a {kind}; give a list of "
                                    "str, in the order of the columns of predict_proba (e.g. "
                                    "labels=sorted(df.label.unique()))")


@pytest.mark.parametrize(("labels", "said"), [
    ([["1"] if row else [] for row in MULTI[:-1]] + [[1]],
     "the labels of text 7 (y[7]) hold an int (1); a label is a str"),
    ([[None], *MULTI[1:]], "the labels of text 0 (y[0]) hold None, a missing value"),
    ([[math.nan], *MULTI[1:]], "the labels of text 0 (y[0]) hold nan, a missing value"),
    ([0] * 4 + [1] * 4, "the label of text 0 (y[0]) is an int (0); give class names as str "
     "(e.g. [str(v) for v in y])"),
], ids=["int-in-list", "none-in-list", "nan-in-list", "int-classes"])
def test_fit_refuses_labels_that_are_not_names(labels, said):
    """An int or a missing value in a label list was turned into a class '1', 'None' or 'nan'
    (while int classes were refused, as 'a int')."""
    with pytest.raises(TopicsError, match=re.escape(said)):
        ArticleClassifier(cv=2, min_df=1).fit(TEXTS, labels)


def test_fit_refuses_targets_that_are_not_one_entry_per_text():
    """A DataFrame gave its column names as labels ('8 texts but 1 label'), a dict its keys, a
    2-D array of names was read as an indicator matrix (every text labelled '0'), and -1 or NaN
    in an indicator matrix as 'has the label'."""
    import pandas as pd

    single = ["sport"] * 4 + ["economy"] * 4
    cases = [
        (pd.DataFrame({"labels": single}), "fit: y is a DataFrame; pass its label column"),
        (dict(enumerate(single)), "fit: y is a dict; pass a list with one label entry per text"),
        (np.array(single).reshape(-1, 1), "fit: y is a 2-D array (8 x 1) of str; pass one class "
         "name or label list per text (a column of names: y.ravel())"),
        (np.zeros((8, 2, 2)), "fit: y is a 3-D array (8 x 2 x 2) of float64"),
        (np.array([[1, 0]] * 4 + [[0, -1]] * 4), "the indicator matrix y holds -1 (row 4, column "
         "1); it holds 1 where a text has the label, else 0"),
        (np.array([[1.0, 0.0]] * 7 + [[np.nan, 1.0]]), "the indicator matrix y holds nan (row 7"),
    ]
    for labels, said in cases:
        with pytest.raises(TopicsError, match=re.escape(said)):
            ArticleClassifier(cv=2, min_df=1, labels=["sport", "economy"]).fit(TEXTS, labels)


def test_fit_takes_sets_of_labels_and_a_sparse_indicator_matrix():
    """Sets of labels were refused ('a set ... give a list'); a sparse indicator matrix (what
    MultiLabelBinarizer(sparse_output=True) gives) raised a bare ValueError of scipy."""
    from scipy.sparse import csr_matrix

    by_lists = ArticleClassifier(cv=2, min_df=1, labels=["sport", "economy"]).fit(TEXTS, MULTI)
    by_sets = ArticleClassifier(cv=2, min_df=1, labels=["sport", "economy"]).fit(
        TEXTS, [set(row) for row in MULTI])
    indicator = csr_matrix([[int("sport" in row), int("economy" in row)] for row in MULTI])
    by_matrix = ArticleClassifier(cv=2, min_df=1, labels=["sport", "economy"]).fit(TEXTS, indicator)
    for other in (by_sets, by_matrix):
        np.testing.assert_array_equal(other.predict_proba(TEXTS), by_lists.predict_proba(TEXTS))


def test_fit_and_predict_say_what_to_do_with_a_text_that_is_not_a_str():
    """'text 0 is a NoneType, not a str' (a missing cell), 'is a float' (NaN), 'is a bytes':
    now what it is and what to do; a dict of texts gave its keys ('text 0 is a int')."""
    import pandas as pd

    single = ["sport"] * 4 + ["economy"] * 4
    for value, said in [
        (None, "fit: text 3 (X[3]) is None, a missing value (an empty cell?), not a str; leave "
         "out the texts that are missing"),
        (math.nan, "text 3 (X[3]) is nan, a missing value"),
        (pd.NA, "text 3 (X[3]) is <NA>, a missing value"),
        (b"Ein Text", "text 3 (X[3]) is bytes (b'Ein Text'), not a str; decode it first"),
    ]:
        with pytest.raises(TopicsError, match=re.escape(said)):
            ArticleClassifier(cv=2, min_df=1).fit([*TEXTS[:3], value, *TEXTS[4:]], single)
    with pytest.raises(TopicsError, match=re.escape("fit: X is a dict; pass a list of texts")):
        ArticleClassifier(cv=2, min_df=1).fit(dict(enumerate(TEXTS)), single)
    clf = ArticleClassifier(cv=2, min_df=1).fit(TEXTS, single)
    with pytest.raises(TopicsError, match=re.escape("predict: text 0 (X[0]) is None, a missing")):
        clf.predict([None])
    with pytest.raises(TopicsError, match=re.escape("the text is None, a missing value")):
        clf.explain(None)


def test_score_names_labels_it_cannot_compare():
    """score() raised scikit-learn's errors (inconsistent numbers of samples, 'legacy
    multi-label data representation'), or scored class names against a multi-label model as
    0.0 without a word."""
    multi = ArticleClassifier(cv=2, min_df=1).fit(TEXTS, MULTI)
    single = ArticleClassifier(cv=2, min_df=1).fit(TEXTS, ["sport"] * 4 + ["economy"] * 4)
    with pytest.raises(TopicsError, match=re.escape("score: 8 texts but 3 labels; give one")):
        multi.score(TEXTS, MULTI[:3])
    with pytest.raises(TopicsError, match=re.escape("score: y gives label lists, but the model "
                                                    "is single-label")):
        single.score(TEXTS, MULTI)
    with pytest.raises(TopicsError, match=re.escape("score: y gives class names, but the model "
                                                    "is multi-label")):
        multi.score(TEXTS, ["sport"] * 8)


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
