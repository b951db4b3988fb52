"""ArticleClassifier: fitting in both modes, abstention, short texts, the estimator contract, errors,
the hashed features against strings and scikit-learn, the dual and the primal solver."""

from __future__ import annotations

import re
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


def test_thresholds_and_out_of_fold_scores(fitted):
    assert fitted.thresholds_.tolist() == [fitted.threshold] * 4
    assert fitted.solver_ == "dual" and fitted.focus_.shape == (4, 4)
    assert np.all(fitted.focus_[:, :2] > 0)  # whole text and best paragraph both count
    assert set(fitted.oof_scores_) == set(topics.LABELS)
    assert all(0.5 < f1 <= 1.0 for f1 in fitted.oof_scores_.values())


def test_abstains_on_unrelated_text(fitted):
    assert fitted.predict([SPORT]) == [[]]
    assert fitted.predict_proba([SPORT]).max() < 0.5


def test_thresholds_decide_and_primary_is_most_probable(fitted, split):
    _, test = split
    clf = _copy(fitted)
    clf.thresholds_ = np.ones(4)  # the highest threshold allowed
    assert clf.predict(test.texts) == [[]] * 5
    clf.thresholds_ = np.zeros(4)
    proba = clf.predict_proba(test.texts)
    for row, labels in zip(proba, clf.predict(test.texts), strict=True):
        assert len(labels) == 4 and labels[0] == clf.classes_[row.argmax()]


@pytest.mark.parametrize(("thresholds", "said"), [
    (np.full(3, 0.5), r"thresholds_ has 3 value\(s\) for 4 labels"),
    (np.array([0.5, 0.5, np.nan, 0.5]), r"thresholds_\[2\] \(label '\w+'\) is nan"),
    (np.array([0.5, 0.5, 0.5, 1.5]), r"thresholds_\[3\] \(label '\w+'\) is 1.5"),
    (["high"] * 4, r"thresholds_ is \['high', .*not numbers"),
])
def test_thresholds_a_user_set_wrong_are_named(fitted, split, thresholds, said, tmp_path):
    # were: a bare broadcast ValueError (predict), an IndexError (explain), no label at all (NaN)
    _, test = split
    clf = _copy(fitted)
    clf.thresholds_ = thresholds
    for call in (lambda: clf.predict(test.texts), lambda: clf.explain(test.texts[0]),
                 lambda: topics.save_classifier(clf, tmp_path / "m")):
        with pytest.raises(topics.InputError, match=said + ".*one threshold from 0 to 1 per label"):
            call()
    assert list(tmp_path.iterdir()) == []
    clf.thresholds_ = fitted.thresholds_.tolist()  # a list of valid numbers is taken as it is
    assert clf.predict(test.texts) == fitted.predict(test.texts)
    assert topics.load_classifier(topics.save_classifier(clf, tmp_path / "m")).predict(
        test.texts) == fitted.predict(test.texts)


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


def test_a_page_without_line_breaks_is_read_in_paragraph_size_pieces(fitted, split):
    # a copied page loses its line breaks: the best and lead paragraphs must still exist
    _, test = split
    article = next(t for t in test.texts if len(re.findall(r"[.!?]\s", t)) > 8)
    flat = " ".join(article.split())
    pieces = fitted.predict_paragraphs(flat)
    assert len(pieces) > 2
    assert all(len(re.findall(r"[.!?](?=\s|$)", p["text"])) <= 2 for p in pieces)
    assert " ".join(p["text"] for p in pieces).split() == topics.clean_text(flat).split()
    short = "Die Delegation traf in Hanoi ein. Sie sprach mit dem Minister. Beide lobten die Arbeit."
    assert [p["text"] for p in fitted.predict_paragraphs(short)] == [short]  # a real paragraph


def test_a_text_of_one_paragraph_is_decided_as_a_paragraph_read_alone(fitted, split):
    """A headline or a sentence is not an article whose one paragraph is its best and its lead
    paragraph too: the paragraph focus model decides it, as it decides every paragraph in
    predict_paragraphs, so a paragraph gets the same probabilities alone and inside its article."""
    _, test = split
    paragraphs = fitted.predict_paragraphs(test.texts[0])
    alone = fitted.predict_proba([p["text"] for p in paragraphs])
    inside = np.array([[p["scores"][str(c)] for c in fitted.classes_] for p in paragraphs])
    np.testing.assert_allclose(alone, inside, rtol=1e-12)
    score = fitted.decision_function([paragraphs[0]["text"]])[0]
    ridge = fitted._ridge_scores([(paragraphs[0]["text"], (paragraphs[0]["text"],))]).article[0]
    weight, bias = fitted.paragraph_focus_.T
    np.testing.assert_allclose(score, ridge * weight + bias, rtol=1e-12)
    assert np.all(weight > 0)  # a higher score, a likelier label
    explained = fitted.explain(paragraphs[0]["text"])["per_label"]
    assert all(info["one_paragraph"] and info["weights"]["best_paragraph"] == 0.0
               and info["weights"]["lead"] == 0.0 for info in explained.values())
    assert "one paragraph" in fitted.explain_markdown(paragraphs[0]["text"])
    assert not fitted.explain(test.texts[0])["per_label"][str(fitted.classes_[0])]["one_paragraph"]


def test_explain_names_terms_and_paragraphs(fitted, split):
    from topics.classifier.explain import render_explanation
    from topics.text.lexicon import stop_words

    _, test = split
    text = test.texts[list(test.ids).index("001_92dd99e734424ef3")]
    explanation = fitted.explain(text)
    assert explanation["labels"][0] == "defence_cooperation"
    defence = explanation["per_label"]["defence_cooperation"]
    assert defence["predicted"] and defence["probability"] >= defence["threshold"]
    up = [t["term"].lower() for t in defence["up"]]
    assert any(t.startswith(("verteidigung", "armee", "militär")) for t in up), up
    assert all(t["weight"] > 0 for t in defence["up"]) and all(t["weight"] < 0 for t in defence["down"])
    for label in explanation["per_label"].values():  # no stop words, numbers or fragments
        for term in label["up"] + label["down"]:
            word = term["term"].lower()
            assert word not in stop_words() and sum(c.isalpha() for c in word) >= 3, term
    # surface forms are merged under their lemma
    assert any(len(t["forms"]) > 1 for label in explanation["per_label"].values() for t in label["up"])
    paragraphs = defence["paragraphs"]
    assert paragraphs[0]["deciding"] and paragraphs[0]["score"] == defence["best_paragraph_score"]
    assert [p["score"] for p in paragraphs] == sorted((p["score"] for p in paragraphs), reverse=True)
    logit = defence["weights"]["article"] * defence["article_score"]
    logit += defence["weights"]["best_paragraph"] * defence["best_paragraph_score"]
    logit += defence["weights"]["lead"] * defence["lead_score"]
    assert logit + defence["weights"]["bias"] == pytest.approx(defence["logit"])
    markdown = render_explanation(explanation)
    assert markdown.startswith("**Labels:** defence_cooperation") and "### defence_cooperation" in markdown
    assert "deciding paragraph" in markdown and "pushed down" in markdown
    assert "###" not in render_explanation(explanation, style="text")
    assert fitted.explain_markdown(text) == markdown
    assert fitted.explain_markdown(text, style="text") == render_explanation(explanation, "text")


def test_explained_terms_are_no_stop_word_in_any_of_their_forms():
    """The stop list holds surface forms: "anderen" is on it, its lemma "anderer" is not."""
    from topics.text.lexicon import stop_words

    corpus = topics.load_corpus()
    text = corpus.texts[list(corpus.ids).index("hneg-d-001")]
    explanation = topics.load_classifier().explain(text)
    for label in explanation["per_label"].values():
        for term in label["up"] + label["down"] + label["deciding_terms"]:
            assert stop_words().isdisjoint(f.lower() for f in term["forms"]), term


def test_a_single_label_explanation_names_no_deciding_paragraph():
    """A single-label model reads the whole text only (its paragraph weights are 0)."""
    sport = ["Die Mannschaft gewann das Spiel im Stadion.", "Der Trainer lobte die Spieler.",
             "Der Verein stieg in die erste Liga auf."]
    money = ["Die Zentralbank erhöhte den Leitzins.", "Die Aktienkurse an der Börse fielen.",
             "Der Konzern meldete mehr Umsatz und Gewinn."]
    clf = ArticleClassifier(cv=2, min_df=1).fit(sport + money, ["Sport"] * 3 + ["Wirtschaft"] * 3)
    text = "Der Verein verlor das Spiel.\n\nDie Börse fiel am Montag."
    explanation = clf.explain(text)
    for info in explanation["per_label"].values():
        assert info["weights"]["best_paragraph"] == 0.0
        assert not any(p["deciding"] for p in info["paragraphs"])
    assert "deciding paragraph" not in clf.explain_markdown(text)


def test_explained_terms_add_up_to_the_score(fitted, split):
    """The split over words is exact: the terms' weights sum to the score minus the intercept."""
    from topics.classifier.explain import _token_contributions
    from topics.classifier.inputs import documents_of

    _, test = split
    [(clean, paragraphs)] = documents_of([test.texts[2]])
    parts = _token_contributions(fitted, clean, paragraphs)
    total = np.sum(list(parts.values()), axis=0)
    article = fitted._ridge_scores([(clean, paragraphs)]).article
    np.testing.assert_allclose(total + fitted.intercept_, article[0], atol=1e-10)


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


def _training_rows(texts):
    """The training rows as the classifier sees them: articles, then their paragraphs."""
    from topics.classifier.training import clean_document

    docs = [clean_document(t) for t in texts]
    return [text for text, _ in docs] + [p for _, ps in docs if len(ps) > 1 for p in ps]


def _logits(clf: ArticleClassifier, texts: list[str]) -> np.ndarray:
    proba = np.clip(clf.predict_proba(texts), 1e-15, 1 - 1e-15)
    return np.log(proba / (1 - proba))


def test_a_word_is_not_scored_as_confidently_as_an_article(fitted, split):
    """Each view records the smallest norm of its training rows; a text with less evidence (a
    word, a heading) is divided by that norm, not its own: its logits lie nearer those of an
    empty text (summed over the labels) than a plain l2 norm would put them, and a text none of
    whose paragraphs is shorter than the shortest training row (every training text) scores
    exactly as before."""
    import copy

    train, _ = split
    for view in fitted.views_:
        norms = []
        for row in _training_rows(train.texts):
            index, values = view.reference_vectorise(row)
            if len(index):
                counts = np.unique([view.vocabulary[t] for t in view.analyzer()(row)
                                    if t in view.vocabulary], return_counts=True)[1]
                norms.append(np.linalg.norm(
                    topics.classifier.features.sublinear_tf(counts) * view.idf[index]))
        assert 0 < min(norms) - view.min_norm <= 2 * 2.0**-20
    plain = copy.deepcopy(fitted)
    plain.__dict__.pop("_arrays", None)
    for view in plain.views_:
        view.min_norm = 0.0
    np.testing.assert_array_equal(fitted.predict_proba(train.texts[::3]),
                                  plain.predict_proba(train.texts[::3]))
    words = ["Grenze", "Armee", "Freundschaft", "Digitalisierung", "Hallo Welt", "Grenzübergang"]
    empty = _logits(fitted, ["xyzzy"])  # no known term: the intercepts alone
    near, far = abs(_logits(fitted, words) - empty), abs(_logits(plain, words) - empty)
    assert (near.sum(axis=1) < far.sum(axis=1)).all() and near.sum() < 0.6 * far.sum()


@pytest.mark.parametrize("view_index", [0, 1])
def test_features_equal_scikit_learn_tfidf(fitted, split, view_index):
    """Vocabulary (min_df over articles and paragraphs) and tf-idf as scikit-learn's, for the
    char view and the words view; idf and log-tf are rounded to 2**-32 (reproducibility)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    train, test = split
    assert char_wb_ngrams("Ein Wort.") == TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5)
    ).build_analyzer()("Ein Wort.")
    analyzer = (
        partial(char_wb_ngrams, ngram_range=(2, 5)) if view_index == 0 else partial(word_ngrams)
    )
    reference = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=2)
    reference.fit(_training_rows(train.texts))
    view = fitted.views_[view_index]
    assert sorted(reference.vocabulary_) == sorted(view.terms)
    clean = topics.clean_text(test.texts[0])
    index, values = view.reference_vectorise(clean)
    ours = dict(zip((view.terms[i] for i in index), values, strict=True))
    row = reference.transform([clean]).tocoo()
    names = reference.get_feature_names_out()
    theirs = {names[j]: v for j, v in zip(row.col, row.data, strict=True)}
    assert ours.keys() == theirs.keys()
    assert max(abs(ours[k] - theirs[k]) for k in ours) < 1e-9


def test_word_view_equals_scikit_learn_analyzer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = "Die Grenz-Zusammenarbeit 2024: Übung, Ärzte und ß."
    assert word_ngrams(text) == TfidfVectorizer().build_analyzer()(text)
    bigrams = TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()(text)
    assert word_ngrams(text, (1, 2)) == bigrams


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


@pytest.mark.parametrize("seed", [2**32, -1, True, 1.5])
def test_a_random_state_that_is_no_seed_is_refused_before_the_fit(seed):
    """The same words as every seed check (2**32 was taken and failed deep in the fit)."""
    with pytest.raises(ConfigError, match=rf"random_state: {seed!r} is not a seed; give a whole "
                                          r"number from 0 to 4294967295"):
        ArticleClassifier(random_state=seed, min_df=1).fit(SMALL_TEXTS, SMALL_LABELS)


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
    with pytest.raises(TopicsError, match="text 0 is empty; there is nothing to learn from"):
        ArticleClassifier().fit(["", "  "], ["a", "b"])
    with pytest.raises(TopicsError, match="empty after cleaning"):  # boilerplate only
        ArticleClassifier().fit(["Foto: VNA", "Quelle: VOV"], ["a", "b"])
    with pytest.raises(TopicsError, match="2 texts but 1 label;"):
        ArticleClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(TopicsError, match="text 0 has the label .x. but text 1 has"):
        ArticleClassifier().fit(["a", "b"], ["x", ["y"]])
    with pytest.raises(ConfigError, match="features"):
        ArticleClassifier(features="bigrams").fit(SMALL_TEXTS, SMALL_LABELS)
    clf = ArticleClassifier(cv=2, min_df=1).fit(SMALL_TEXTS, SMALL_LABELS)
    with pytest.raises(TopicsError, match="no texts"):
        clf.predict([])
    with pytest.raises(TopicsError, match="text 1 is empty"):
        clf.predict(["Tor", ""])
    with pytest.raises(TopicsError, match="text 0 is empty"):  # zero-width characters only
        clf.predict(["\u200b\ufeff "])
    with pytest.raises(TopicsError, match="not a bare string"):
        clf.predict("Tor im Stadion")
    with pytest.raises(TopicsError, match="empty"):
        clf.predict_paragraphs("")


def test_a_text_of_only_invisible_characters_is_empty_as_normalisation_reads_it():
    # the classifier's check used its own five zero-width characters; a word joiner was empty
    # but an invisible separator, a soft hyphen or direction marks were classified (as [])
    from topics.text.surface import strip_invisible

    clf = topics.load_classifier()
    for text in ("\u2060", "\ufeff", "\u2063", "\u00ad", "\u200e\u200f ", "\U000e0020"):
        assert not strip_invisible(text).strip() and not topics.analyse(text)
        with pytest.raises(TopicsError, match="predict: text 1 is empty; there is nothing to"):
            clf.predict(["Tor im Stadion", text])
        with pytest.raises(TopicsError, match="the text is empty"):  # as predict_paragraphs("")
            clf.predict_paragraphs(text)
        with pytest.raises(TopicsError, match="the text is empty"):
            clf.explain(text)
    with pytest.raises(TopicsError, match="text 0 is empty; there is nothing to learn from"):
        ArticleClassifier().fit(["\u2063\u00ad", "Tor"], ["a", "b"])
    assert clf.predict(["\u202aDer Verteidigungsminister empfing eine Delegation aus Laos."
                        "\u202c"]) == [["defence_cooperation"]]


def test_an_html_page_is_refused_with_what_to_do():
    # as load_corpus and `topics classify` refuse it: tags read as words give confident nonsense
    page = "<!DOCTYPE html><html><body><p>Vietnam und Laos an der Grenze.</p></body></html>"
    with pytest.raises(TopicsError, match=r"fit: text 2 is an HTML page.*extract the text first"):
        ArticleClassifier().fit([*SMALL_TEXTS[:2], page], SMALL_LABELS[:3])
    clf = ArticleClassifier(cv=2, min_df=1).fit(SMALL_TEXTS, SMALL_LABELS)
    with pytest.raises(TopicsError, match=r"predict: text 1 is an HTML page"):
        clf.predict(["Tor im Stadion", page])
    for call in (clf.predict_paragraphs, clf.explain):
        with pytest.raises(TopicsError, match="the text is an HTML page"):
            call(page)
    assert len(clf.predict(["Ein Satz mit <b>fett</b> und a < b bleibt Text."])) == 1  # not a page


def _copy(clf: ArticleClassifier) -> ArticleClassifier:
    import copy

    return copy.deepcopy(clf)


def _reference_scores(clf, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Whole-text and best-paragraph ridge scores the obvious way: each view's strings looked up
    in its term dictionary, one text at a time (what the hashed batch path must reproduce)."""
    from topics.classifier.inputs import documents_of

    [(clean, paragraphs)] = documents_of([text])

    def score(piece: str) -> np.ndarray:
        out = clf.intercept_.astype(np.float64).copy()
        offset = 0
        for view in clf.views_:
            index, values = view.reference_vectorise(piece)
            out += values @ np.asarray(clf.coef_, dtype=np.float64)[offset + index]
            offset += len(view)
        return out

    return score(clean), np.max([score(p) for p in paragraphs], axis=0)


def _hashed_equals_strings(clf, texts, tolerance=1e-12) -> None:
    article, best, _, _ = clf._ridge_scores(
        __import__("topics.classifier.inputs", fromlist=["x"]).documents_of(texts)
    )
    for i, text in enumerate(texts):
        ref_article, ref_best = _reference_scores(clf, text)
        np.testing.assert_allclose(article[i], ref_article, rtol=0, atol=tolerance)
        np.testing.assert_allclose(best[i], ref_best, rtol=0, atol=tolerance)


def test_speed_work_changes_no_prediction_on_the_shipped_corpus(shipped_corpus):
    """The shipped model's hashed, batched scores equal the string-by-string ones (1e-12)."""
    clf = topics.load_classifier()
    _hashed_equals_strings(clf, shipped_corpus.texts)
    batch = clf.predict_proba(shipped_corpus.texts)  # and a batch scores as texts one by one
    single = np.vstack([clf.predict_proba([t]) for t in shipped_corpus.texts[:40]])
    np.testing.assert_allclose(batch[:40], single, rtol=0, atol=1e-12)


@pytest.mark.slow
def test_speed_work_changes_no_prediction_on_10kgnad(gnad_corpus):
    clf = topics.load_classifier()
    _hashed_equals_strings(clf, gnad_corpus.texts[::3])


def test_hashed_tokens_words_and_ngrams_are_the_strings():
    """Whitespace, word characters and n-grams exactly as Python and scikit-learn see them."""
    from topics.classifier.hashing import HashIndex, char_grams, scan, string_hashes, words

    paragraphs = [
        "Die GRENZE\u00a0zu Laos, İstanbul (VOV)!",
        "",
        "x\udcffy  a  e-government_x 𝔘𝔫𝔦 a1 Ünïcode\u2003ö\u2028z",
        "die die die",
    ]
    batch = scan(paragraphs)
    tokens = [t for p in paragraphs for t in p.lower().split()]
    assert [batch.text[s : s + n] for s, n in zip(batch.start, batch.length, strict=True)] == tokens
    distinct = [tokens[i] for i in batch.first]
    assert sorted(set(distinct)) == sorted(set(tokens)) and len(distinct) == len(set(tokens))
    for ngram_range in [(2, 5), (1, 3), (4, 6)]:
        hashes, owner = char_grams(batch, ngram_range)
        expected = sorted(
            (h, t)
            for t, token in enumerate(distinct)
            for h in string_hashes(char_wb_ngrams(token, ngram_range)).tolist()
        )
        assert sorted(zip(hashes.tolist(), owner.tolist(), strict=True)) == expected
    found, rows, starts, lengths = words(batch)
    expected_words = [w for p in paragraphs for w in word_ngrams(p)]
    assert [batch.text[s : s + n] for s, n in zip(starts, lengths, strict=True)] == expected_words
    assert found.tolist() == string_hashes(expected_words).tolist()
    index = HashIndex(np.unique(found))
    assert (index.hashes[index.lookup(found)] == found).all()
    assert index.lookup(np.array([1, 2], dtype=np.uint64)).tolist() == [-1, -1]


def test_the_gram_matrix_is_the_product_and_its_sparse_kernel_scipys(monkeypatch):
    """``ridge.gram`` is ``x @ x.T`` (dense and sparse columns split once), symmetric bit for bit;
    its sparse products through scipy's kernel equal scipy's public product exactly."""
    import builtins

    from scipy.sparse import csr_matrix, hstack
    from scipy.sparse import random as sparse_random

    from topics.classifier import ridge

    rng = np.random.default_rng(0)
    frequent = csr_matrix(rng.random((300, 40)))  # columns in every row: the dense part
    x = hstack([sparse_random(300, 4000, density=0.01, random_state=rng), frequent], "csr")
    k = ridge.gram(x)
    np.testing.assert_allclose(k, (x @ x.T).toarray(), rtol=1e-13, atol=1e-13)
    np.testing.assert_array_equal(k, k.T)
    a, b = x[:120], x[:200].T.tocsr()
    fast = ridge._sparse_product(a, b)
    np.testing.assert_array_equal(fast, (a @ b).toarray())
    imported = builtins.__import__

    def without_kernel(name, *args, **kwargs):
        if name == "scipy.sparse._sparsetools":
            raise ImportError(name)
        return imported(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_kernel)
    np.testing.assert_array_equal(ridge._sparse_product(a, b), fast)
    np.testing.assert_array_equal(ridge.gram(x), k)


@pytest.mark.slow
def test_primal_solver_agrees_with_the_dual(split):
    """Above max_dual_rows the scorer is solved by conjugate gradients: the same ridge solution
    (to the solver's tolerance), out-of-fold scores from grouped folds instead of exact LOO."""
    train, test = split
    sub = train.subset(range(0, len(train), 2))
    dual = ArticleClassifier(labels=sub.label_set).fit(sub.texts, sub.labels)
    primal = ArticleClassifier(labels=sub.label_set, max_dual_rows=100).fit(sub.texts, sub.labels)
    assert dual.solver_ == "dual" and primal.solver_ == "primal"
    np.testing.assert_allclose(primal.coef_, dual.coef_, atol=2e-4)
    np.testing.assert_allclose(primal.intercept_, dual.intercept_, atol=2e-4)
    assert np.all(primal.focus_[:, :2] > 0)
    proba_dual, proba_primal = dual.predict_proba(test.texts), primal.predict_proba(test.texts)
    # the focus models differ (K-fold instead of leave-one-out scores): close, not equal
    assert np.abs(proba_dual - proba_primal).mean() < 0.05
    for labels, gold in zip(primal.predict(test.texts), test.labels, strict=True):
        assert gold[0] in labels
    single = ArticleClassifier(solver="primal", cv=2, min_df=1).fit(SMALL_TEXTS, SMALL_LABELS)
    assert single.predict(["Der Verein verlor das Spiel im Stadion."]) == ["Sport"]


@pytest.mark.parametrize("solver", ["dual", "primal"])
def test_a_fit_counted_in_many_chunks_is_the_fit_counted_in_one(split, monkeypatch, solver):
    """Training texts are counted a chunk at a time and written into one matrix (and a chunk
    kept from the first pass or counted again): however they are cut, the same model up to the
    order of its rows (the last bits), and a rows x columns mismatch would show here."""
    from topics.classifier import training

    train, test = split
    sub = train.subset(range(0, len(train), 2))
    options = dict(labels=sub.label_set, solver=solver, cv=3)
    whole = ArticleClassifier(**options).fit(sub.texts, sub.labels)
    monkeypatch.setattr(training, "CHUNK_CHARS", 20_000)
    assert len(training._chunks([(t, None) for t in sub.texts])) > 5
    cut = ArticleClassifier(**options).fit(sub.texts, sub.labels)
    monkeypatch.setattr(training, "_KEEP_NNZ", 0)  # every chunk counted again
    recounted = ArticleClassifier(**options).fit(sub.texts, sub.labels)
    expected = whole.predict_proba(test.texts)
    for model in (cut, recounted):
        assert model.n_training_rows_ == whole.n_training_rows_
        np.testing.assert_allclose(model.coef_, whole.coef_, atol=1e-5)
        np.testing.assert_allclose(model.predict_proba(test.texts), expected, atol=1e-6)


def test_headlines_of_other_articles_on_the_page_label_nothing(shipped_corpus):
    """A page's related-news list, tags and footer are not its subject (issue 11: real pages).

    Unlabelled articles with headlines of labelled ones after them, with a marker and without:
    the shipped model predicts what it predicts for the article alone (before the page's tail
    was cleaned away, 22 and 9 of these 70 pages got a label).
    """
    import random

    pairs = list(zip(shipped_corpus.texts, shipped_corpus.labels, strict=True))
    none = [text for text, labels in pairs if not labels]
    firsts = [text.split("\n", 1)[0].strip() for text, labels in pairs if labels]
    headlines = [h for h in firsts if len(h.split()) <= 20 and not h.endswith(tuple(".!?:;\"')“”"))]
    assert len(none) == 70 and len(headlines) >= 30
    rng = random.Random(0)
    marked = [f"{t}\nVerwandte Nachrichten\n" + "\n".join(rng.sample(headlines, 4)) for t in none]
    bare = [t + "\n" + "\n".join(rng.sample(headlines, 2)) + "\n© 2025 VOV" for t in none]
    clf = topics.load_classifier()
    alone = clf.predict(none)
    assert clf.predict(marked) == alone and clf.predict(bare) == alone
    assert not any(alone)
