"""ArticleClassifier: fitting in both modes, abstention, short texts, the estimator contract, errors."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

import topics
from topics.classifier import ArticleClassifier
from topics.classifier.features import char_wb_ngrams, word_ngrams
from topics.errors import ConfigError, TopicsError

SPORT = (
    "Der FC Bayern München hat am Samstag in der Bundesliga mit 3:1 gegen Borussia Dortmund "
    "gewonnen. Die Tore schossen Kane und Musiala vor 75.000 Zuschauern in der Allianz Arena."
)
SEED_IDS = (
    "000_4d7639e505ab9caa",
    "001_92dd99e734424ef3",
    "002_7f5c6a97fbcab90d",
    "003_d2fae954ffa1f558",
    "004_efacae29e14d37a0",
)

# A tiny single-label data set (no corpus needed), two classes with distinct vocabulary.
SMALL_TEXTS = [
    "Die Mannschaft gewann das Fußballspiel im Stadion mit zwei Toren.",
    "Der Trainer lobte die Spieler nach dem Sieg in der Liga.",
    "Im Finale schoss der Stürmer das entscheidende Tor für den Verein.",
    "Die Fans feierten den Aufstieg des Vereins in die erste Liga.",
    "Der Torwart hielt einen Elfmeter, die Mannschaft blieb ungeschlagen.",
    "Die Zentralbank erhöhte den Leitzins wegen der hohen Inflation.",
    "Die Aktienkurse an der Börse fielen nach den Quartalszahlen.",
    "Das Unternehmen meldete einen höheren Umsatz und mehr Gewinn.",
    "Die Inflation stieg im Mai, die Preise für Energie zogen an.",
    "Der Konzern kündigte Investitionen und einen Börsengang an.",
]
SMALL_LABELS = ["Sport"] * 5 + ["Wirtschaft"] * 5


@pytest.fixture(scope="module")
def split(shipped_corpus):
    """Train on every article but the five seeds; the seeds are held out."""
    train = [i for i, a in enumerate(shipped_corpus) if a.id not in SEED_IDS]
    test = [i for i, a in enumerate(shipped_corpus) if a.id in SEED_IDS]
    return shipped_corpus.subset(train), shipped_corpus.subset(test)


@pytest.fixture(scope="module")
def fitted(split) -> ArticleClassifier:
    train, _ = split
    clf = ArticleClassifier(labels=train.label_set, cv=3)
    return clf.fit(train.texts, train.labels)


def test_multilabel_fit_predict(fitted, split):
    _, test = split
    assert list(fitted.classes_) == list(topics.LABELS)
    assert fitted.multilabel_
    proba = fitted.predict_proba(test.texts)
    assert proba.shape == (5, 4) and np.all((proba >= 0) & (proba <= 1))
    predicted = fitted.predict(test.texts)
    assert all(isinstance(p, list) for p in predicted)
    for row, labels in zip(proba, predicted, strict=True):  # ordered by probability
        assert [row[list(fitted.classes_).index(x)] for x in labels] == sorted(
            (row[list(fitted.classes_).index(x)] for x in labels), reverse=True
        )
    # every held-out seed gets its primary label as (one of) its predicted labels
    for labels, gold in zip(predicted, test.labels, strict=True):
        assert gold[0] in labels


def test_thresholds_from_inner_cv_within_bounds(fitted):
    low, high = fitted.threshold_bounds
    assert fitted.thresholds_.shape == (4,)
    assert np.all((fitted.thresholds_ >= low) & (fitted.thresholds_ <= high))
    assert set(fitted.oof_scores_) == set(topics.LABELS)
    assert all(0.5 < f1 <= 1.0 for f1 in fitted.oof_scores_.values())


def test_abstains_on_unrelated_text(fitted):
    assert fitted.predict([SPORT]) == [[]]
    assert fitted.predict_proba([SPORT]).max() < 0.5


def test_thresholds_decide_and_primary_is_most_probable(fitted, split):
    _, test = split
    clf = _copy(fitted)
    clf.thresholds_ = np.ones(4) * 1.01
    assert clf.predict(test.texts) == [[]] * 5
    clf.thresholds_ = np.zeros(4)
    proba = clf.predict_proba(test.texts)
    for row, labels in zip(proba, clf.predict(test.texts), strict=True):
        assert len(labels) == 4 and labels[0] == clf.classes_[row.argmax()]


def test_short_texts_lead_and_paragraph(fitted, split):
    _, test = split
    leads = [
        (" ".join(topics.clean_text(t).split()[:30]), gold)
        for t, gold in zip(test.texts, test.labels, strict=True)
    ]
    hits = [gold[0] in fitted.predict([lead])[0] for lead, gold in leads]
    assert sum(hits) >= 4, hits
    paragraphs = fitted.predict_paragraphs(test.texts[0])
    assert paragraphs and {"index", "text", "labels", "scores"} <= set(paragraphs[0])
    assert any(test.labels[0][0] in p["labels"] for p in paragraphs)


def test_explain_names_terms_and_paragraphs(fitted, split):
    _, test = split
    text = test.texts[list(test.ids).index("001_92dd99e734424ef3")]
    explanation = fitted.explain(text)
    assert explanation["labels"][0] == "defence_cooperation"
    defence = explanation["per_label"]["defence_cooperation"]
    assert defence["predicted"] and defence["score"] >= defence["threshold"]
    terms = [t for t, _ in defence["terms"]]
    assert any(t.startswith(("verteidigung", "armee", "militär")) for t in terms), terms
    assert defence["paragraphs"] and defence["paragraphs"][0][1] >= defence["paragraphs"][-1][1]


def test_single_label_mode():
    clf = ArticleClassifier(cv=2, min_df=1).fit(SMALL_TEXTS, SMALL_LABELS)
    assert list(clf.classes_) == ["Sport", "Wirtschaft"] and not clf.multilabel_
    new = ["Der Verein verlor das Spiel im Stadion.", "Die Börse reagierte auf den Leitzins."]
    assert clf.predict(new) == ["Sport", "Wirtschaft"]
    proba = clf.predict_proba(new)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(new, ["Sport", "Wirtschaft"]) == 1.0


@pytest.mark.slow
def test_single_label_10kgnad_subset(gnad_corpus):
    rng = np.random.default_rng(0)
    order = rng.permutation(len(gnad_corpus))
    train, test = gnad_corpus.subset(order[:200]), gnad_corpus.subset(order[200:300])
    clf = ArticleClassifier().fit(train.texts, train.primary_labels)
    assert len(clf.classes_) == 9
    assert clf.score(test.texts, test.primary_labels) > 0.6


def test_same_seed_same_model(split):
    train, _ = split
    sub = train.subset(range(0, len(train), 4))
    a = ArticleClassifier(labels=sub.label_set, cv=2).fit(sub.texts, sub.labels)
    b = ArticleClassifier(labels=sub.label_set, cv=2).fit(sub.texts, sub.labels)
    np.testing.assert_array_equal(
        a.predict_proba(train.texts[:20]), b.predict_proba(train.texts[:20])
    )
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)


def test_prediction_features_equal_scikit_learn_tfidf(fitted, split):
    from sklearn.feature_extraction.text import TfidfVectorizer

    train, test = split
    assert char_wb_ngrams("Ein Wort.") == TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5)
    ).build_analyzer()("Ein Wort.")
    from topics.classifier.training import _training_rows

    rows = _training_rows(train.texts, "paragraphs", 0.5)[0]
    reference = TfidfVectorizer(
        analyzer=partial(char_wb_ngrams, ngram_range=(2, 5)), sublinear_tf=True, min_df=2
    ).fit(rows)
    view = fitted.views_[0]
    assert sorted(reference.vocabulary_) == sorted(view.terms)
    clean = topics.clean_text(test.texts[0])
    index, values = view.vectorise(clean)
    ours = dict(zip((view.terms[i] for i in index), values, strict=True))
    row = reference.transform([clean]).tocoo()
    names = reference.get_feature_names_out()
    theirs = {names[j]: v for j, v in zip(row.col, row.data, strict=True)}
    assert ours.keys() == theirs.keys()
    assert max(abs(ours[k] - theirs[k]) for k in ours) < 1e-12


def test_word_view_equals_scikit_learn_analyzer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = "Die Grenz-Zusammenarbeit 2024: Übung, Ärzte und ß."
    assert word_ngrams(text) == TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()(text)


# ---- the scikit-learn estimator contract ------------------------------------------------------
def test_clone_and_params():
    from sklearn.base import clone, is_classifier

    clf = ArticleClassifier(C=3.0, labels=["a", "b"])
    assert is_classifier(clf)
    copy = clone(clf)
    assert copy is not clf and copy.get_params() == clf.get_params()
    assert copy.set_params(C=5.0) is copy and copy.C == 5.0 and clf.C == 3.0
    with pytest.raises(ValueError, match="invalid parameter 'Cc'"):
        clf.set_params(Cc=1)
    assert "C=3.0" in repr(clf)
    assert not hasattr(ArticleClassifier(), "classes_")  # __init__ stores parameters only


def test_clone_of_fitted_is_unfitted():
    from sklearn.base import clone

    fitted = ArticleClassifier(cv=2, min_df=1).fit(SMALL_TEXTS, SMALL_LABELS)
    assert not hasattr(clone(fitted), "coef_")


def test_not_fitted_error():
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    clf = ArticleClassifier()
    for call in (clf.predict, clf.predict_proba):
        with pytest.raises(NotFittedError, match="not fitted"):
            call(["Text"])
    with pytest.raises(NotFittedError):
        clf.explain("Text")
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


def test_pipeline_cross_validate_grid_search():
    from sklearn.model_selection import GridSearchCV, KFold, cross_validate
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([("clf", ArticleClassifier(cv=2, min_df=1))])
    assert pipe.fit(SMALL_TEXTS, SMALL_LABELS).predict(["Tor im Stadion"]) == ["Sport"]
    scores = cross_validate(ArticleClassifier(cv=2, min_df=1), SMALL_TEXTS, SMALL_LABELS, cv=2)
    assert len(scores["test_score"]) == 2
    grid = GridSearchCV(
        ArticleClassifier(cv=2, min_df=1),
        {"C": [1.0, 10.0]},
        cv=KFold(2, shuffle=True, random_state=0),
    ).fit(SMALL_TEXTS, SMALL_LABELS)
    assert grid.best_params_["C"] in (1.0, 10.0)
    multi = [[label] if i % 3 else [] for i, label in enumerate(SMALL_LABELS)]
    scores = cross_validate(
        ArticleClassifier(cv=2, min_df=1),
        SMALL_TEXTS,
        multi,
        cv=KFold(2, shuffle=True, random_state=0),
    )
    assert np.all(np.isfinite(scores["test_score"]))
    indicator = np.array(
        [[int(bool(m) and m[0] == c) for c in ("Sport", "Wirtschaft")] for m in multi]
    )
    clf = ArticleClassifier(cv=2, min_df=1, labels=["Sport", "Wirtschaft"])
    scores = cross_validate(clf, SMALL_TEXTS, indicator, cv=2)  # scikit-learn picks the splitter
    assert np.all(np.isfinite(scores["test_score"]))


# ---- errors --------------------------------------------------------------------------------
def test_unknown_label_is_named():
    with pytest.raises(ConfigError, match="'Kultur'.*not in labels"):
        ArticleClassifier(labels=["Sport", "Wirtschaft"]).fit(
            SMALL_TEXTS, SMALL_LABELS[:-1] + ["Kultur"]
        )


def test_empty_and_malformed_input():
    with pytest.raises(TopicsError, match="no texts"):
        ArticleClassifier().fit([], [])
    with pytest.raises(TopicsError, match="empty after cleaning"):
        ArticleClassifier().fit(["", "  "], ["a", "b"])
    with pytest.raises(TopicsError, match="2 texts but 1 labels"):
        ArticleClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(TopicsError, match="got a mix"):
        ArticleClassifier().fit(["a", "b"], ["x", ["y"]])
    with pytest.raises(ConfigError, match="features='bigrams'"):
        ArticleClassifier(features="bigrams").fit(SMALL_TEXTS, SMALL_LABELS)
    clf = ArticleClassifier(cv=2, min_df=1).fit(SMALL_TEXTS, SMALL_LABELS)
    with pytest.raises(TopicsError, match="no texts"):
        clf.predict([])
    with pytest.raises(TopicsError, match="text 1 is empty"):
        clf.predict(["Tor", ""])
    with pytest.raises(TopicsError, match="not a bare string"):
        clf.predict("Tor im Stadion")
    with pytest.raises(TopicsError, match="empty"):
        clf.predict_paragraphs("")


def _copy(clf: ArticleClassifier) -> ArticleClassifier:
    import copy

    return copy.deepcopy(clf)


def test_pruned_ngram_lookup_is_exact(fitted, split):
    """Stopping at the first unknown n-gram finds every known n-gram (prefix-closed vocabulary)."""
    from topics.classifier.features import _known_grams, _word_grams

    vocabulary = fitted.views_[0].vocabulary
    _, test = split
    words = {w for t in test.clean_texts() for w in t.lower().split()} | {
        "a",
        "zz",
        "grenzübergängen",
    }
    for word in words:
        expected = sorted(i for i in map(vocabulary.get, _word_grams(word, 2, 5)) if i is not None)
        assert sorted(_known_grams(word, 2, 5, vocabulary)) == expected, word
