"""evaluate_classifiers: grouped folds, metrics from scikit-learn, report files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.classifier import ArticleClassifier
from topics.classifier.evaluate import evaluate_classifiers
from topics.errors import ConfigError, InputError
from topics.evaluation.cross_validation import _Data
from topics.evaluation.folds import MIN_TRAINING_ARTICLES, fold_size_problem
from topics.evaluation.folds import article_folds as _folds


@pytest.fixture(scope="module")
def small_corpus(shipped_corpus):
    return shipped_corpus.subset(range(0, len(shipped_corpus), 3))  # 46 articles, some with none


@pytest.fixture(scope="module")
def report(small_corpus):
    # a cheap configuration: this tests the harness, not the model
    model = ArticleClassifier(labels=small_corpus.label_set, features="words", augment="none", cv=2)
    return evaluate_classifiers(
        small_corpus, {"AC": model}, unit=("article", "paragraph"), n_splits=2, seeds=(0, 1)
    )


def test_folds_split_articles_so_paragraphs_never_leak(small_corpus):
    data = _Data(small_corpus, list(small_corpus.label_set), True,
                 small_corpus.near_duplicate_groups())
    for train, test in _folds(data.key, 3, seed=0):
        assert not set(train) & set(test)
        train_paragraphs = {p for i in train for p in data.units["paragraph"][i]}
        test_paragraphs = {p for i in test for p in data.units["paragraph"][i]}
        assert not train_paragraphs & test_paragraphs
    n_paragraphs = len(small_corpus.units("paragraph"))
    assert sum(len(p) for p in data.units["paragraph"]) == n_paragraphs


@given(st.integers(1, 40), st.integers(2, 10), st.integers(0, 3))
@settings(max_examples=150, deadline=None)
def test_the_fold_rule_says_no_exactly_when_a_fold_would_train_on_too_few(n, k, seed):
    """fold_size_problem agrees with the folds article_folds actually makes (any key counts)."""
    key = [str(i % 3) for i in range(n)]
    smallest = min(len(train) for train, _ in _folds(key, k, seed)) if n >= 2 else 0
    assert (fold_size_problem(n, k) is None) == (smallest >= MIN_TRAINING_ARTICLES)


def test_too_few_articles_for_the_folds_are_refused_by_name(small_corpus):
    three = small_corpus.subset(range(3))
    with pytest.raises(ConfigError, match="2 folds over 3 articles leave 1"):
        evaluate_classifiers(three, n_splits=2, seeds=(0,), peers=False)
    with pytest.raises(InputError, match="at least 2 labelled articles"):
        ArticleClassifier().fit(three.texts[:1], [["defence_cooperation"]])


def test_report_metrics_and_tables(report, small_corpus):
    assert report.settings["mode"] == "multi-label" and report.settings["seeds"] == [0, 1]
    for name in ("AC", "TF-IDF+LinearSVC", "TF-IDF+LogReg"):
        for metric in ("macro_f1", "micro_f1", "subset_accuracy", "none_some_accuracy"):
            assert 0.0 <= report.metrics[f"{name}/article/{metric}_mean"] <= 1.0
    assert np.isnan(report.metrics["TF-IDF+LinearSVC/article/brier_mean"])  # no probabilities
    assert report.metrics["AC/article/brier_mean"] < 0.25
    assert (
        report.metrics["AC/article/macro_f1_mean"]
        > report.metrics["TF-IDF+LogReg/article/macro_f1_mean"]
    )
    runs = report.runs
    assert set(runs.seed) == {0, 1}
    paragraphs = runs[(runs.unit == "paragraph") & (runs.estimator == "AC")]
    assert set(paragraphs.n) == {len(small_corpus.units("paragraph"))}
    assert set(report.per_label.label) == set(topics.LABELS)
    confusion = report.confusion[
        (report.confusion.estimator == "AC") & (report.confusion.unit == "article")
    ]
    assert (confusion[["tn", "fp", "fn", "tp"]].sum(axis=1) == 2 * len(small_corpus)).all()
    assert "± " in report.table.loc[("AC", "article"), "macro_f1"]


def test_report_writes_files(report, tmp_path):
    paths = report.write(tmp_path)
    names = {p.name for p in paths}
    assert {"table.md", "table.csv", "metrics.json", "per_label.csv", "confusion.csv"} <= names
    assert {"reliability_article.png", "reliability_paragraph.png"} <= names
    assert json.loads((tmp_path / "metrics.json").read_text())["settings"]["n_splits"] == 2
    assert "| AC | article |" in (tmp_path / "table.md").read_text()


def test_single_unit_keys_and_errors(small_corpus):
    with pytest.raises(ConfigError, match="unit='sentence'"):
        evaluate_classifiers(small_corpus, unit="sentence")
    with pytest.raises(ConfigError, match="n_splits >= 2"):
        evaluate_classifiers(small_corpus, n_splits=1)


@pytest.mark.slow
def test_single_label_mode(gnad_corpus):
    sub = gnad_corpus.subset(range(0, len(gnad_corpus), 8))
    model = ArticleClassifier(features="words")
    report = evaluate_classifiers(sub, {"ArticleClassifier": model}, n_splits=2, seeds=(0,))
    assert report.settings["mode"] == "single-label"
    assert {"ArticleClassifier/macro_f1_mean", "ArticleClassifier/accuracy_mean"} <= set(
        report.metrics
    )
    assert report.metrics["ArticleClassifier/accuracy_mean"] > 0.4


def test_a_corpus_of_one_label_or_none_is_scored_on_that_label(shipped_corpus, tmp_path):
    """One label and none: the indicator matrix has one column, which scikit-learn would read as
    a binary target with "absent" as a second class; the scores are the label's own."""
    rows = [{"id": a, "text": t, "labels": list(labels)}
            for a, t, labels in zip(shipped_corpus.ids, shipped_corpus.texts,
                                    shipped_corpus.labels, strict=True)
            if list(labels) in ([], ["border_relations"])]
    path = tmp_path / "border.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = topics.load_corpus(path)
    assert corpus.label_set == ("border_relations",) and not corpus.is_single_label
    report = evaluate_classifiers(corpus, n_splits=3, seeds=(0,))
    label_f1 = report.per_label.set_index(["estimator", "label"])["f1_mean"]
    for name in ("ArticleClassifier", "TF-IDF+LinearSVC"):
        f1 = report.metrics[f"{name}/macro_f1_mean"]
        assert f1 == pytest.approx(label_f1[(name, "border_relations")])
        assert f1 == pytest.approx(report.metrics[f"{name}/micro_f1_mean"])
    confusion = report.confusion[report.confusion.estimator == "ArticleClassifier"]
    assert list(confusion.label) == ["border_relations"]
    assert int(confusion[["tn", "fp", "fn", "tp"]].sum(axis=1).iloc[0]) == len(corpus)
