"""The labelled classifier: which of the labels an article (or a paragraph) is about, or none.

:class:`ArticleClassifier` is a scikit-learn estimator over RAW article texts. It cleans every text
with :func:`topics.cleaning.clean_text`, turns it into TF-IDF features of one or both text views
(character n-grams of the clean text; lemmas and compound parts of :mod:`topics.german`) and fits a
regularised logistic model:

* multi-label (``fit(texts, [["a", "b"], [], ...])``): one binary model per label. Out-of-fold
  decision values from an inner cross-validation grouped by article give a Platt (sigmoid)
  calibration per label and a per-label threshold that maximises F1 on those out-of-fold
  probabilities. A label is predicted when its calibrated probability clears its threshold; no
  label clearing its threshold means "none"; labels come ordered by probability, so the first one
  is the primary label.
* single-label (``fit(texts, ["Sport", "Web", ...])``): one multinomial model; ``predict`` gives the
  most probable class.

Why the fitted state is plain arrays and not scikit-learn objects
-----------------------------------------------------------------
``load_classifier()`` plus a first prediction must take under a second in a fresh process. On the
reference machine ``import sklearn`` alone takes 1.0-1.6 s (it imports scipy.stats and pandas) and
``import skops.io`` 2.1 s. So the fitted model keeps only what prediction needs — the vocabulary
and idf weights of each view, the coefficient matrix, the calibration and the thresholds — and
predicts with numpy alone; scikit-learn is imported only to *fit*. The same reason makes this class
a duck-typed estimator (``get_params``/``set_params``/``__sklearn_tags__``/``score``, tested with
``clone``, ``Pipeline``, ``cross_validate`` and ``GridSearchCV``) instead of a subclass of
``sklearn.base.BaseEstimator``, whose import would cost the whole budget. Persistence (see
:func:`save_classifier`) writes the arrays as safetensors plus JSON, a format whose loading runs no
code from the file, so no pickle and no skops is needed.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from topics.cleaning import clean_article, clean_text, join_headings
from topics.errors import ConfigError, ModelFileError, TopicsError

__all__ = [
    "ArticleClassifier",
    "char_wb_ngrams",
    "classify_files",
    "load_classifier",
    "save_classifier",
    "train_shipped_classifier",
]

_FEATURES = {
    "char": ("char",),
    "tokens": ("tokens",),
    "words": ("words",),
    "char+tokens": ("char", "tokens"),
    "char+words": ("char", "words"),
}
_WORD_NGRAMS = (1, 2)  # the words view: unigrams and bigrams of surface words
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_AUGMENT = ("none", "paragraphs")
_WORD_CACHE_SIZE = 1 << 18
_PUNCTUATION = ".,;:!?\"'()[]"


# --------------------------------------------------------------------------------------------
# text views
# --------------------------------------------------------------------------------------------
def char_wb_ngrams(text: str, ngram_range: tuple[int, int] = (2, 5)) -> list[str]:
    """Character n-grams inside word boundaries, exactly as scikit-learn's ``analyzer="char_wb"``.

    Each lower-cased word is padded with one space on each side; n-grams never cross words.
    A module-level function (not a lambda), so vectorizers using it pickle and clone.

    Parameters
    ----------
    text : str
        Clean text.
    ngram_range : tuple of int
        Smallest and largest n.

    Returns
    -------
    list of str
        The n-grams, in text order, with repetitions.
    """
    min_n, max_n = ngram_range
    grams: list[str] = []
    for word in text.lower().split():
        grams.extend(_word_grams(word, min_n, max_n))
    return grams


def _known_grams(word: str, min_n: int, max_n: int, vocabulary: dict[str, int]) -> list[int]:
    """Vocabulary ids of the char_wb n-grams of one word (the multiset ``_word_grams`` gives).

    Enumerates the n-grams by start position and stops growing one at its first unknown
    n-gram: a vocabulary pruned by document frequency is closed under prefixes (every text
    containing "grenzü" contains "grenz"), so no longer n-gram from that position can be known.
    Unseen words, the bulk of the work on new texts, so cost a fraction of the lookups.
    """
    padded = f" {word} "
    length = len(padded)
    if length <= min_n:
        known = vocabulary.get(padded)
        return [] if known is None else [known]
    get = vocabulary.get
    ids: list[int] = []
    for start in range(length - min_n + 1):
        for end in range(start + min_n, min(start + max_n, length) + 1):
            known = get(padded[start:end])
            if known is None:
                break
            ids.append(known)
    return ids


@lru_cache(maxsize=1 << 17)
def _word_grams(word: str, min_n: int, max_n: int) -> tuple[str, ...]:
    # Cached per word: texts share most of their words, so this is most of the speed of
    # prediction and of the repeated fits of a cross-validation.
    padded = f" {word} "
    length = len(padded)
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        if length <= n:  # a short word counts once, as a whole
            grams.append(padded)
            break
        grams.extend(padded[start : start + n] for start in range(length - n + 1))
    return tuple(grams)


def word_ngrams(text: str, ngram_range: tuple[int, int] = _WORD_NGRAMS) -> list[str]:
    """Lower-cased word n-grams, exactly as scikit-learn's default ``analyzer="word"``.

    Parameters
    ----------
    text : str
        Clean text.
    ngram_range : tuple of int
        Smallest and largest n.

    Returns
    -------
    list of str
        The n-grams (words joined by a space), with repetitions.
    """
    words = _TOKEN.findall(text.lower())
    min_n, max_n = ngram_range
    grams = list(words) if min_n == 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


def _tokens_analyzer() -> Callable[[str], list[str]]:
    # Imported lazily: the German analyser loads simplemma's dictionary and split-words' 40 MB
    # n-gram table (about 3 s), which only models using the tokens view should pay for.
    from topics.german import GermanAnalyzer

    return GermanAnalyzer()


def _view_analyzer(view: str, ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
    if view == "char":
        return partial(char_wb_ngrams, ngram_range=tuple(ngram_range))
    if view == "words":
        return partial(word_ngrams, ngram_range=_WORD_NGRAMS)
    return _tokens_analyzer()


class _FittedView:
    """The TF-IDF transform of one text view, as plain data: vocabulary and idf weights.

    Equivalent to a fitted ``TfidfVectorizer(analyzer=..., sublinear_tf=True, norm="l2")``
    (tested), but needs only numpy to transform.
    """

    def __init__(self, view: str, ngram_range: tuple[int, int], terms: list[str], idf: np.ndarray):
        self.view = view
        self.ngram_range = tuple(ngram_range)
        self.terms = terms
        self.idf = np.asarray(idf, dtype=np.float64)
        self.vocabulary = {term: i for i, term in enumerate(terms)}
        self._analyzer: Callable[[str], list[str]] | None = None
        self._word_ids: dict[str, list[int]] = {}

    def analyzer(self) -> Callable[[str], list[str]]:
        if self._analyzer is None:
            self._analyzer = _view_analyzer(self.view, self.ngram_range)
        return self._analyzer

    def vectorise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (column indices, l2-normalised sublinear tf-idf values) of one clean text."""
        ids = np.fromiter(self._feature_ids(text), dtype=np.int64)
        if not len(ids):
            return ids, np.zeros(0)
        index, tf = np.unique(ids, return_counts=True)
        values = (np.log(tf) + 1.0) * self.idf[index]
        return index, values / np.sqrt(values @ values)

    def _feature_ids(self, text: str) -> list[int]:
        """Vocabulary ids of every known term occurrence in a clean text."""
        vocabulary = self.vocabulary
        if self.view != "char":
            return [vocabulary[t] for t in self.analyzer()(text) if t in vocabulary]
        # Per word, cache the ids of its n-grams: words repeat across texts, so most words cost
        # one dict lookup instead of ~30 n-gram slices and lookups (3x the batch throughput).
        cache = self._word_ids
        min_n, max_n = self.ngram_range
        ids: list[int] = []
        for word in text.lower().split():
            known = cache.get(word)
            if known is None:
                known = _known_grams(word, min_n, max_n, vocabulary)
                if len(cache) < _WORD_CACHE_SIZE:
                    cache[word] = known
            ids.extend(known)
        return ids


# --------------------------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------------------------
class ArticleClassifier:
    """Classify German news articles (or paragraphs) into labels, several or none.

    A scikit-learn estimator over raw article texts (see the module docstring for why it is
    duck-typed). ``fit`` accepts label lists (multi-label, ``[]`` = none of the labels) or single
    strings (single-label, e.g. the nine classes of 10kGNAD).

    The defaults were chosen by cross-validation grouped by article on both the shipped corpus
    (multi-label, 3 seeds, scored on articles, leads and paragraphs) and 10kGNAD (single-label),
    one setting at a time around a standard configuration; see
    ``experiments/results/classifier_selection/README.md``. In short: a second view, weaker
    regularisation and balanced class weights gain ~0.05 macro-F1 on 10kGNAD and are even on
    the shipped corpus; the words view is as good as the tokens view there and, unlike it, needs
    no German dictionaries (~3 s to load) at prediction time; paragraph augmentation helps
    leads (+0.01 macro-F1) and paragraphs (+0.04).

    Parameters
    ----------
    features : {"char", "tokens", "words", "char+tokens", "char+words"}, default="char+words"
        Text views: ``"char"`` = character n-grams inside word boundaries of the clean text;
        ``"tokens"`` = lemmas and compound parts from :class:`topics.german.GermanAnalyzer`;
        ``"words"`` = lower-cased word unigrams and bigrams of the clean text. Several views are
        concatenated, each row-normalised.
    ngram_range : tuple of int, default=(2, 5)
        Character n-gram lengths of the ``"char"`` view.
    min_df : int, default=2
        Ignore terms found in fewer training rows (articles and paragraphs).
    C : float, default=100.0
        Inverse L2 regularisation strength of the logistic models.
    class_weight : {None, "balanced"}, default="balanced"
        Weight texts inversely to their label's frequency in each binary model (scikit-learn's
        ``class_weight``).
    augment : {"paragraphs", "none"}, default="paragraphs"
        ``"paragraphs"`` also trains on every paragraph of every training article (with the
        article's labels and ``paragraph_weight``), so short texts such as a lead or a single
        paragraph are in the training distribution. Has no effect on one-paragraph texts.
    paragraph_weight : float, default=0.5
        Sample weight of an augmented paragraph (an article has weight 1).
    cv : int, default=5
        Folds of the inner cross-validation (grouped by article) that gives the out-of-fold
        probabilities for calibration and thresholds (multi-label only).
    threshold_bounds : tuple of float, default=(0.1, 0.9)
        Per-label thresholds are clipped to this range, so one unlucky fold cannot make a label
        fire always or never.
    labels : sequence of str or None, default=None
        The allowed labels, in ``classes_`` order. ``None`` = the sorted set of labels in ``y``.
        With an explicit list, a label in ``y`` outside it is an error.
    random_state : int, default=0
        Seed of the inner cross-validation split.

    Attributes
    ----------
    classes_ : numpy.ndarray of str
        The labels (multi-label) or classes (single-label), the columns of ``predict_proba``.
    multilabel_ : bool
        Whether ``fit`` saw label lists.
    thresholds_ : numpy.ndarray of float
        Per-label probability thresholds (multi-label; 0.5 in single-label mode, unused).
    calibration_ : numpy.ndarray, shape (n_labels, 2)
        Slope and offset of the sigmoid that maps a decision value to a probability.
    coef_, intercept_ : numpy.ndarray
        The linear model over the concatenated views.
    views_ : list
        The fitted TF-IDF views (vocabulary and idf weights).
    oof_scores_ : dict of str to float
        Out-of-fold F1 per label from the inner cross-validation (multi-label).
    """

    _estimator_type = "classifier"  # read by older scikit-learn versions

    def __init__(
        self,
        *,
        features: str = "char+words",
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
        C: float = 100.0,  # noqa: N803 - scikit-learn's name for the regularisation parameter
        class_weight: str | None = "balanced",
        augment: str = "paragraphs",
        paragraph_weight: float = 0.5,
        cv: int = 5,
        threshold_bounds: tuple[float, float] = (0.1, 0.9),
        labels: Sequence[str] | None = None,
        random_state: int = 0,
    ) -> None:
        self.features = features
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.augment = augment
        self.paragraph_weight = paragraph_weight
        self.cv = cv
        self.threshold_bounds = threshold_bounds
        self.labels = labels
        self.random_state = random_state

    # ---- scikit-learn estimator protocol ---------------------------------------------------
    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values() if p.name != "self")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor parameters (scikit-learn protocol)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> ArticleClassifier:
        """Set constructor parameters (scikit-learn protocol); unknown names are an error."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"invalid parameter {name!r} for ArticleClassifier; valid: {', '.join(valid)}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
        }
        changed = [
            f"{k}={v!r}" for k, v in self.get_params().items() if _differs(v, defaults.get(k))
        ]
        return f"ArticleClassifier({', '.join(changed)})"

    def __sklearn_tags__(self) -> Any:
        # Imported here: whoever asks for tags is scikit-learn itself, so it is loaded already.
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_label=True),
            input_tags=InputTags(two_d_array=False, string=True),
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "coef_")

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_view_cache", None)
        return state

    # ---- fitting ---------------------------------------------------------------------------
    def fit(self, X: Sequence[str], y: Sequence[Any]) -> ArticleClassifier:  # noqa: N803
        """Fit the classifier.

        Parameters
        ----------
        X : sequence of str
            Raw article texts (cleaned internally).
        y : sequence of (list of str) or sequence of str
            Label lists (multi-label; ``[]`` = none of the labels) or one class per text.

        Returns
        -------
        ArticleClassifier
            ``self``, fitted.
        """
        texts = _check_texts(X, "fit")
        self._check_params()
        state = _fit_state(self, texts, y)
        for name, value in state.items():
            setattr(self, name, value)
        return self

    def _check_params(self) -> None:
        if self.features not in _FEATURES:
            raise ConfigError(
                f"features={self.features!r} is not a text view; use one of {', '.join(_FEATURES)}"
            )
        if self.augment not in _AUGMENT:
            raise ConfigError(f"augment={self.augment!r}; use one of {', '.join(_AUGMENT)}")
        low, high = self.threshold_bounds
        if not 0.0 <= low <= high <= 1.0:
            raise ConfigError(
                f"threshold_bounds={self.threshold_bounds!r}; need 0 <= low <= high <= 1"
            )
        if self.class_weight not in (None, "balanced"):
            raise ConfigError(f"class_weight={self.class_weight!r}; use None or 'balanced'")
        if int(self.cv) < 2:
            raise ConfigError(f"cv={self.cv!r}; the inner cross-validation needs at least 2 folds")

    # ---- prediction ------------------------------------------------------------------------
    def decision_function(self, X: Sequence[str]) -> np.ndarray:  # noqa: N803
        """Return the linear scores, shape (n_texts, n_outputs), before calibration."""
        self._check_fitted()
        texts = _check_texts(X, "predict")
        return np.vstack([self._score_clean(clean_text(t)) for t in texts])

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:  # noqa: N803
        """Return probabilities, shape (n_texts, n_classes), columns in ``classes_`` order.

        Multi-label: an independent calibrated probability per label (rows need not sum to 1).
        Single-label: a distribution over the classes.
        """
        return self._proba_from_scores(self.decision_function(X))

    def predict(self, X: Sequence[str]) -> list:  # noqa: N803
        """Predict labels.

        Returns
        -------
        list
            Multi-label: one list of labels per text, ordered by probability (the first is the
            primary label); ``[]`` when no label clears its threshold. Single-label: one class
            (str) per text.
        """
        return self._labels_from_proba(self.predict_proba(X))

    def score(self, X: Sequence[str], y: Sequence[Any]) -> float:  # noqa: N803
        """Accuracy; in multi-label mode subset accuracy (every label of a text right)."""
        from sklearn.metrics import accuracy_score

        from topics.labels import to_indicator

        predicted = self.predict(X)
        if self.multilabel_:
            # labels the model never saw (e.g. absent from a CV training fold) count as misses
            truth = [list(row) for row in _label_lists(y, self.classes_)]
            names = list(
                dict.fromkeys([*map(str, self.classes_), *(str(v) for r in truth for v in r)])
            )
            return float(accuracy_score(to_indicator(truth, names), to_indicator(predicted, names)))
        return float(accuracy_score(list(y), predicted))

    def predict_paragraphs(self, text: str) -> list[dict[str, Any]]:
        """Classify each paragraph of one raw article on its own.

        Parameters
        ----------
        text : str
            One raw article.

        Returns
        -------
        list of dict
            One dict per paragraph of the clean article: ``index``, ``text``, ``labels`` (as
            :meth:`predict` gives them) and ``scores`` (label -> probability).
        """
        self._check_fitted()
        paragraphs = _paragraphs(text)
        proba = self._proba_from_scores(np.vstack([self._score_clean(p) for p in paragraphs]))
        labels = self._labels_from_proba(proba)
        return [
            {"index": i, "text": p, "labels": labels[i], "scores": self._score_dict(proba[i])}
            for i, p in enumerate(paragraphs)
        ]

    def explain(self, text: str, *, n_terms: int = 10, n_paragraphs: int = 3) -> dict[str, Any]:
        """Say why a text gets its labels.

        The linear score of each label is split exactly over the words of the clean text: every
        feature's contribution (coefficient x tf-idf value) is shared among the words it occurs
        in (for character n-grams, evenly among its occurrences).

        Parameters
        ----------
        text : str
            One raw article (or paragraph).
        n_terms, n_paragraphs : int
            How many top words and paragraphs to list per label.

        Returns
        -------
        dict
            ``labels`` (the prediction) and ``per_label``: for every label (class) its ``score``
            (probability), ``threshold``, ``predicted`` flag, ``terms`` (top ``(word,
            contribution)`` pairs, contributions on the logit scale) and ``paragraphs`` (the
            paragraphs with the highest probability for that label, as ``(index, probability,
            text)``).
        """
        self._check_fitted()
        clean = _non_empty_clean(text)
        proba = self._proba_from_scores(self._score_clean(clean)[None, :])[0]
        words = _word_contributions(self, clean)
        paragraphs = self.predict_paragraphs(text)
        per_label = {}
        for j, label in enumerate(self.classes_):
            ranked = sorted(words.items(), key=lambda kv, j=j: -kv[1][j])
            ranked_paras = sorted(paragraphs, key=lambda p: -p["scores"][str(label)])
            per_label[str(label)] = {
                "score": float(proba[j]),
                "threshold": float(self.thresholds_[j]),
                "predicted": bool(proba[j] >= self.thresholds_[j]) if self.multilabel_ else None,
                "terms": [(w, round(float(c[j]), 6)) for w, c in ranked[:n_terms] if c[j] > 0],
                "paragraphs": [
                    (p["index"], p["scores"][str(label)], p["text"])
                    for p in ranked_paras[:n_paragraphs]
                ],
            }
        return {"labels": self._labels_from_proba(proba[None, :])[0], "per_label": per_label}

    # ---- internals -------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            # scikit-learn's own error, so `except NotFittedError` works; imported only on error
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                "This ArticleClassifier is not fitted yet; call fit(texts, labels) first "
                "or use topics.load_classifier()."
            )

    def _score_clean(self, clean: str) -> np.ndarray:
        """Linear scores of one clean text (a row of the decision function)."""
        score = self.intercept_.copy()
        offset = 0
        for view in self.views_:
            index, values = view.vectorise(clean)
            if len(index):
                score += values @ self.coef_[offset + index]
            offset += len(view.terms)
        return score

    def _proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        if self.multilabel_:
            slope, offset = self.calibration_[:, 0], self.calibration_[:, 1]
            return 1.0 / (1.0 + np.exp(-(scores * slope + offset)))
        # one-vs-rest logistic models: normalised sigmoids, as scikit-learn's OneVsRestClassifier
        proba = 1.0 / (1.0 + np.exp(-scores))
        total = proba.sum(axis=1, keepdims=True)
        return np.divide(
            proba, total, out=np.full_like(proba, 1.0 / proba.shape[1]), where=total > 0
        )

    def _labels_from_proba(self, proba: np.ndarray) -> list:
        classes = [str(c) for c in self.classes_]
        if not self.multilabel_:
            return [classes[j] for j in proba.argmax(axis=1)]
        result = []
        for row in proba:
            chosen = np.flatnonzero(row >= self.thresholds_)
            result.append([classes[j] for j in chosen[np.argsort(-row[chosen], kind="stable")]])
        return result

    def _score_dict(self, row: np.ndarray) -> dict[str, float]:
        return {str(c): float(p) for c, p in zip(self.classes_, row, strict=True)}


def _differs(value: Any, default: Any) -> bool:
    try:
        return bool(value != default)
    except Exception:  # arrays and other values without a plain truth value
        return True


def _check_texts(X: Any, action: str) -> list[str]:  # noqa: N803
    if isinstance(X, str):
        raise TopicsError(
            f"{action}: got one string; pass a list of texts (e.g. [text]), not a bare string"
        )
    texts = list(X)
    if not texts:
        raise TopicsError(f"{action}: no texts given (an empty list); pass at least one text")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TopicsError(f"{action}: text {i} is a {type(text).__name__}, not a str")
        if action == "predict" and not text.strip():
            raise TopicsError(f"{action}: text {i} is empty; there is nothing to classify")
    return texts


def _non_empty_clean(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TopicsError("the text is empty (or not a str); there is nothing to classify")
    return clean_text(text)


def _paragraphs(text: str) -> list[str]:
    _non_empty_clean(text)
    paragraphs = join_headings(clean_article(text).paragraphs)  # as in training and corpus units
    return paragraphs or [clean_text(text)]


def _word_contributions(clf: ArticleClassifier, clean: str) -> dict[str, np.ndarray]:
    """Split each output's linear score (without intercept) over the words of a clean text."""
    n_out = clf.coef_.shape[1]
    words: dict[str, np.ndarray] = {}
    offset = 0
    for view in clf.views_:
        index, values = view.vectorise(clean)
        value_of = {view.terms[i]: v for i, v in zip(index, values, strict=True)}
        coef_of = {view.terms[i]: clf.coef_[offset + i] for i in index}
        offset += len(view.terms)
        if view.view == "char":
            units = [(w, char_wb_ngrams(w, view.ngram_range)) for w in clean.split()]
        else:
            analyzer = view.analyzer()
            units = [(t, [t]) for t in analyzer(clean)]
        counts = Counter(g for _, grams in units for g in grams)
        for word, grams in units:
            # display key only: the n-grams above still include the punctuation they saw
            key = word.lower().strip(_PUNCTUATION) or word.lower()
            total = words.setdefault(key, np.zeros(n_out))
            for g in grams:
                if g in value_of:
                    total += coef_of[g] * (value_of[g] / counts[g])
    return words


# --------------------------------------------------------------------------------------------
# fitting (scikit-learn and scipy are imported here only)
# --------------------------------------------------------------------------------------------
_CONSTANT_LOGIT = 8.0  # intercept of a label seen always/never in training: a sure 0 or 1


def _label_lists(y: Any, labels: Sequence[str] | None) -> list:
    """Targets as a list; a 2-D 0/1 indicator matrix becomes label lists.

    The matrix form lets scikit-learn's own splitters see multi-label targets (``cross_validate(
    clf, texts, indicator, cv=5)``); its columns are ``labels`` (or "0", "1", ... without them).
    """
    if isinstance(y, np.ndarray) and y.ndim == 2:
        names = (
            [str(c) for c in labels] if labels is not None else [str(j) for j in range(y.shape[1])]
        )
        if len(names) != y.shape[1]:
            raise TopicsError(
                f"fit: indicator matrix has {y.shape[1]} columns but {len(names)} labels"
            )
        return [[names[j] for j in np.flatnonzero(row)] for row in y]
    return list(y)


def _encode_targets(
    y: Any, labels: Sequence[str] | None, n_texts: int
) -> tuple[bool, list[str], np.ndarray]:
    """Return (multilabel, classes, targets); targets = indicator matrix or class codes."""
    y = _label_lists(y, labels)
    if len(y) != n_texts:
        raise TopicsError(
            f"fit: {n_texts} texts but {len(y)} labels; give one label entry per text"
        )
    is_str = [isinstance(v, str) for v in y]
    if all(is_str):
        multilabel = False
    elif not any(is_str) and all(isinstance(v, (list, tuple, np.ndarray)) for v in y):
        multilabel = True
    else:
        raise TopicsError(
            "fit: labels must be all strings (single-label) or all lists of strings (multi-label, "
            "[] = none); got a mix"
        )
    seen = sorted({str(v) for v in y} if not multilabel else {str(v) for row in y for v in row})
    classes = [str(c) for c in labels] if labels is not None else seen
    allowed = set(classes)
    for i, row in enumerate(y):
        for value in [row] if not multilabel else row:
            if str(value) not in allowed:
                raise ConfigError(
                    f"fit: label {str(value)!r} of text {i} is not in labels={classes!r}; "
                    "add it to `labels` or fix the data"
                )
    index = {c: j for j, c in enumerate(classes)}
    if multilabel:
        targets = np.zeros((n_texts, len(classes)), dtype=int)
        for i, row in enumerate(y):
            targets[i, [index[str(v)] for v in row]] = 1
        if not classes:
            raise TopicsError("fit: no labels at all; multi-label fitting needs at least one label")
    else:
        targets = np.array([index[str(v)] for v in y])
        if len(set(targets.tolist())) < 2:
            raise TopicsError("fit: single-label fitting needs at least two different classes")
    return multilabel, classes, targets


def _training_rows(
    texts: Sequence[str], augment: str, paragraph_weight: float
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Rows to train on: each clean article, then (if augmenting) its paragraphs.

    Returns rows, the article index of each row, the sample weights and the row index of each
    article's whole-text row.
    """
    rows: list[str] = []
    owner: list[int] = []
    weight: list[float] = []
    article_row: list[int] = []
    for i, raw in enumerate(texts):
        clean = clean_article(raw)
        article_row.append(len(rows))
        rows.append(clean.text)
        owner.append(i)
        weight.append(1.0)
        paragraphs = join_headings(clean.paragraphs) if augment == "paragraphs" else []
        if len(paragraphs) > 1:
            rows.extend(paragraphs)
            owner.extend([i] * len(paragraphs))
            weight.extend([paragraph_weight] * len(paragraphs))
    if not any(r.strip() for r in rows):
        raise TopicsError("fit: every text is empty after cleaning; there is nothing to learn from")
    return rows, np.array(owner), np.array(weight), np.array(article_row)


def _count_views(clf: ArticleClassifier, rows: list[str]) -> list[tuple[str, Any, list[str]]]:
    """Raw term counts of every row for every view: (view, csr matrix, terms)."""
    from sklearn.feature_extraction.text import CountVectorizer

    result = []
    for view in _FEATURES[clf.features]:
        vectorizer = CountVectorizer(
            analyzer=_view_analyzer(view, clf.ngram_range), dtype=np.float64
        )
        counts = vectorizer.fit_transform(rows).tocsr()
        result.append((view, counts, list(vectorizer.get_feature_names_out())))
    return result


class _Core:
    """A linear model fitted on some training rows: kept columns and idf per view, weights."""

    def __init__(
        self, keep: list[np.ndarray], idf: list[np.ndarray], coef: np.ndarray, intercept: np.ndarray
    ):
        self.keep, self.idf, self.coef, self.intercept = keep, idf, coef, intercept


def _tfidf(counts: Any, keep: np.ndarray, idf: np.ndarray) -> Any:
    """Sublinear tf x idf, l2-normalised rows: what ``_FittedView.vectorise`` computes."""
    from sklearn.preprocessing import normalize

    x = counts[:, keep].tocsr(copy=True)
    x.data = (np.log(x.data) + 1.0) * idf[x.indices]
    return normalize(x, norm="l2", copy=False)


def _design(views: list, rows: np.ndarray, core: _Core) -> Any:
    from scipy.sparse import hstack

    blocks = [
        _tfidf(counts[rows], k, f)
        for (_, counts, _), k, f in zip(views, core.keep, core.idf, strict=True)
    ]
    return hstack(blocks, format="csr")


def _fit_core(
    clf: ArticleClassifier,
    views: list,
    rows: np.ndarray,
    targets: np.ndarray,
    weight: np.ndarray,
    multilabel: bool,
) -> _Core:
    """Fit idf weights and the logistic model(s) on the given training rows."""
    from sklearn.linear_model import LogisticRegression

    keep, idf = [], []
    n = len(rows)
    for _, counts, _ in views:
        df = np.bincount(counts[rows].indices, minlength=counts.shape[1])
        mask = np.flatnonzero(df >= max(1, int(clf.min_df)))
        keep.append(mask)
        idf.append(np.log((1.0 + n) / (1.0 + df[mask])) + 1.0)  # smooth idf, as scikit-learn
    core = _Core(keep, idf, np.zeros(0), np.zeros(0))
    x = _design(views, rows, core)

    if not multilabel:  # one-vs-rest over the classes
        targets = np.eye(int(targets.max()) + 1, dtype=int)[targets]
    core.coef = np.zeros((x.shape[1], targets.shape[1]))
    core.intercept = np.zeros(targets.shape[1])
    for j in range(targets.shape[1]):
        column = targets[:, j]
        if column.min() == column.max():  # never (or always) seen: a constant answer
            core.intercept[j] = _CONSTANT_LOGIT if column[0] else -_CONSTANT_LOGIT
            continue
        # liblinear's dual solver: fast when features far outnumber texts (5-20x lbfgs here),
        # deterministic for a fixed random_state.
        fitted = LogisticRegression(
            C=float(clf.C),
            class_weight=clf.class_weight,
            solver="liblinear",
            dual=True,
            max_iter=5000,
            random_state=int(clf.random_state),
        ).fit(x, column, sample_weight=weight)
        core.coef[:, j], core.intercept[j] = fitted.coef_[0], fitted.intercept_[0]
    return core


def _inner_folds(
    targets: np.ndarray, n_splits: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Article folds, stratified by primary label (or none) when the counts allow it."""
    import warnings

    from sklearn.model_selection import KFold, StratifiedKFold

    key = np.where(targets.any(axis=1), targets.argmax(axis=1), -1)
    n_splits = min(n_splits, len(key))
    if np.bincount(key + 1).max() >= n_splits:
        splitter: Any = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    else:
        splitter = KFold(n_splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # a rare label combination has fewer members than folds
        warnings.simplefilter("ignore", UserWarning)
        return list(splitter.split(np.zeros(len(key)), key))


def _oof_scores(
    clf: ArticleClassifier,
    views: list,
    owner: np.ndarray,
    article_row: np.ndarray,
    targets: np.ndarray,
    weight: np.ndarray,
) -> np.ndarray:
    """Out-of-fold decision values of every article; its paragraphs never train its own fold."""
    scores = np.zeros(targets.shape, dtype=float)
    for train_articles, test_articles in _inner_folds(targets, int(clf.cv), int(clf.random_state)):
        train_rows = np.flatnonzero(np.isin(owner, train_articles))
        core = _fit_core(
            clf, views, train_rows, targets[owner[train_rows]], weight[train_rows], True
        )
        x = _design(views, article_row[test_articles], core)
        scores[test_articles] = x @ core.coef + core.intercept
    return scores


def _calibrate(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Platt scaling: a sigmoid of the decision value fitted on out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression

    if truth.min() == truth.max():
        return 1.0, 0.0
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(scores[:, None], truth)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def _best_threshold(
    proba: np.ndarray, truth: np.ndarray, bounds: tuple[float, float]
) -> tuple[float, float]:
    """The probability threshold that maximises out-of-fold F1, placed between two scores."""
    from sklearn.metrics import f1_score

    if truth.min() == truth.max():
        return 0.5, float("nan")
    candidates = np.unique(proba)
    f1 = np.array([f1_score(truth, proba >= c, zero_division=0.0) for c in candidates])
    best = int(
        np.flatnonzero(f1 == f1.max())[-1]
    )  # ties: the highest threshold (fewer false alarms)
    below = candidates[best - 1] if best > 0 else 0.0
    threshold = (candidates[best] + below) / 2.0  # margin on both sides, not on a training score
    return float(np.clip(threshold, *bounds)), float(f1[best])


def _fit_state(clf: ArticleClassifier, texts: list[str], y: Any) -> dict[str, Any]:
    """Fit everything and return the learned attributes (names ending in ``_``)."""
    multilabel, classes, targets = _encode_targets(y, clf.labels, len(texts))
    rows, owner, weight, article_row = _training_rows(
        texts, clf.augment, float(clf.paragraph_weight)
    )
    views = _count_views(clf, rows)
    n_out = len(classes)
    calibration = np.tile([1.0, 0.0], (n_out, 1))
    thresholds = np.full(n_out, 0.5)
    oof = {}
    if multilabel:
        scores = _oof_scores(clf, views, owner, article_row, targets, weight)
        for j, label in enumerate(classes):
            calibration[j] = _calibrate(scores[:, j], targets[:, j])
            proba = 1.0 / (1.0 + np.exp(-(scores[:, j] * calibration[j, 0] + calibration[j, 1])))
            thresholds[j], oof[label] = _best_threshold(
                proba, targets[:, j], tuple(clf.threshold_bounds)
            )
    row_targets = targets[owner]
    core = _fit_core(clf, views, np.arange(len(rows)), row_targets, weight, multilabel)
    fitted_views = [
        _FittedView(view, tuple(clf.ngram_range), [terms[i] for i in keep], idf)
        for (view, _, terms), keep, idf in zip(views, core.keep, core.idf, strict=True)
    ]
    return {
        "classes_": np.array(classes, dtype=object),
        "multilabel_": multilabel,
        "views_": fitted_views,
        "coef_": core.coef,
        "intercept_": core.intercept,
        "calibration_": calibration,
        "thresholds_": thresholds,
        "oof_scores_": oof,
        "n_training_rows_": len(rows),
    }


# --------------------------------------------------------------------------------------------
# persistence: safetensors (arrays) + JSON (structure, card); loading executes nothing
# --------------------------------------------------------------------------------------------
FORMAT = "topics.ArticleClassifier"
FORMAT_VERSION = 1
SHIPPED_MODEL = "article_classifier.safetensors"
_MAX_HEADER = 256 * 1024 * 1024


def _card_path(path: Path) -> Path:
    return path.with_name(f"{path.name.split('.')[0]}.card.json")


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for dist in ("topics", "scikit-learn", "numpy", "safetensors", "simplemma", "skops"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


def _major_minor(version: str | None) -> tuple[str, ...] | None:
    return tuple(version.split(".")[:2]) if version else None


def _serialise(clf: ArticleClassifier) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    tensors = {
        "coef": np.ascontiguousarray(clf.coef_, dtype=np.float64),
        "intercept": np.ascontiguousarray(clf.intercept_, dtype=np.float64),
        "calibration": np.ascontiguousarray(clf.calibration_, dtype=np.float64),
        "thresholds": np.ascontiguousarray(clf.thresholds_, dtype=np.float64),
    }
    views = []
    for k, view in enumerate(clf.views_):
        tensors[f"idf_{k}"] = np.ascontiguousarray(view.idf, dtype=np.float64)
        views.append(
            {"view": view.view, "ngram_range": list(view.ngram_range), "terms": view.terms}
        )
    params = clf.get_params()
    params["labels"] = list(params["labels"]) if params["labels"] is not None else None
    structure = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "classes": [str(c) for c in clf.classes_],
        "multilabel": bool(clf.multilabel_),
        "oof_scores": clf.oof_scores_,
        "n_training_rows": int(clf.n_training_rows_),
        "views": views,
    }
    return tensors, structure


def save_classifier(clf: ArticleClassifier, path: str | Path, *, card: dict | None = None) -> Path:
    """Save a fitted classifier: ``<name>.safetensors`` plus a model card ``<name>.card.json``.

    The model file holds only numeric arrays (safetensors) and a JSON header with the vocabulary
    and parameters, so loading it executes nothing. The card records labels, thresholds, package
    versions, the file's SHA-256 and whatever ``card`` adds (training-corpus fingerprint, CV
    scores, seed).

    Parameters
    ----------
    clf : ArticleClassifier
        A fitted classifier.
    path : str or Path
        The model file; a missing ``.safetensors`` suffix is added.
    card : dict, optional
        Extra card fields.

    Returns
    -------
    Path
        The model file written.
    """
    import hashlib
    import json

    from safetensors.numpy import save

    clf._check_fitted()
    path = Path(path)
    if path.suffix != ".safetensors":
        path = path.with_name(path.name + ".safetensors")
    tensors, structure = _serialise(clf)
    data = save(tensors, metadata={"topics_model": json.dumps(structure, ensure_ascii=False)})
    full_card = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_file": path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "labels": structure["classes"],
        "multilabel": structure["multilabel"],
        "thresholds": dict(zip(structure["classes"], clf.thresholds_.tolist(), strict=True)),
        "out_of_fold_f1": clf.oof_scores_,
        "params": structure["params"],
        "n_features": int(clf.coef_.shape[0]),
        "versions": _versions(),
        **(card or {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, data)
    _write_atomic(_card_path(path), json.dumps(full_card, indent=2, ensure_ascii=False).encode())
    return path


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _shipped_files() -> tuple[Any, Any]:
    from importlib.resources import files

    models = files("topics").joinpath("models")
    return models.joinpath(SHIPPED_MODEL), models.joinpath(_card_path(Path(SHIPPED_MODEL)).name)


def load_classifier(path: str | Path | None = None) -> ArticleClassifier:
    """Load a classifier saved by :func:`save_classifier`; ``None`` = the shipped model.

    The card beside the file is checked first (format, topics version, SHA-256 of the model
    file); then the safetensors header is parsed as JSON and the arrays are read. No code from
    either file is executed (no pickle).

    Parameters
    ----------
    path : str or Path, optional
        The ``.safetensors`` model file. ``None`` loads the model shipped inside the package.

    Returns
    -------
    ArticleClassifier
        Fitted, ready to predict.

    Raises
    ------
    topics.errors.ModelFileError
        If the file or its card is missing, is not a topics model, was changed after saving, or
        comes from an incompatible topics version.
    """
    if path is None:
        model_file, card_file = _shipped_files()
        where = f"the shipped model {SHIPPED_MODEL}"
    else:
        model_file, card_file = Path(path), _card_path(Path(path))
        where = str(path)
    try:
        data = model_file.read_bytes()
    except OSError as error:
        raise ModelFileError(f"cannot read model file {where}: {error.strerror or error}") from None
    card = _read_card(card_file, where)
    _check_card(card, data, where)
    return _from_bytes(data, where)


def _read_card(card_file: Any, where: str) -> dict[str, Any]:
    import json

    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except OSError:
        raise ModelFileError(
            f"{where}: no model card {card_file.name} beside it; a model saved with "
            "topics.save_classifier always has one (save it again)"
        ) from None
    except ValueError as error:
        raise ModelFileError(
            f"{where}: model card {card_file.name} is not JSON ({error})"
        ) from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelFileError(f"{where}: {card_file.name} is not a {FORMAT} model card")
    return card


def _check_card(card: dict[str, Any], data: bytes, where: str) -> None:
    import hashlib

    from topics import __version__

    if card.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"{where}: model format version {card.get('format_version')!r}, this topics reads "
            f"version {FORMAT_VERSION}; retrain it with `topics train-classifier`"
        )
    saved = (card.get("versions") or {}).get("topics")
    if _major_minor(saved) != _major_minor(__version__):
        raise ModelFileError(
            f"{where}: saved by topics {saved}, incompatible with topics {__version__} "
            "(major.minor differ); retrain it with `topics train-classifier`"
        )
    if hashlib.sha256(data).hexdigest() != card.get("sha256"):
        raise ModelFileError(
            f"{where}: the file's SHA-256 does not match its model card; it was changed after "
            "saving (tampered or corrupted). Refusing to load it; save or train it again"
        )


def _from_bytes(data: bytes, where: str) -> ArticleClassifier:
    structure = _header(data, where)
    try:
        from safetensors.numpy import load

        tensors = load(data)
        clf = ArticleClassifier(**_params(structure["params"]))
        views = [
            _FittedView(v["view"], tuple(v["ngram_range"]), list(v["terms"]), tensors[f"idf_{k}"])
            for k, v in enumerate(structure["views"])
        ]
        state = {
            "classes_": np.array(structure["classes"], dtype=object),
            "multilabel_": bool(structure["multilabel"]),
            "views_": views,
            "coef_": tensors["coef"],
            "intercept_": tensors["intercept"],
            "calibration_": tensors["calibration"],
            "thresholds_": tensors["thresholds"],
            "oof_scores_": dict(structure.get("oof_scores") or {}),
            "n_training_rows_": int(structure.get("n_training_rows", 0)),
        }
        _check_shapes(state)
    except Exception as error:  # any failure to rebuild the model means: not a valid model
        if isinstance(error, ModelFileError):
            raise
        raise ModelFileError(f"{where}: not a valid {FORMAT} model ({error})") from None
    for name, value in state.items():
        setattr(clf, name, value)
    return clf


def _header(data: bytes, where: str) -> dict[str, Any]:
    """Parse the safetensors JSON header ourselves: plain JSON, nothing executed."""
    import json

    not_model = (
        f"{where}: not a {FORMAT} model file (expected safetensors written by save_classifier)"
    )
    if len(data) < 8:
        raise ModelFileError(not_model)
    size = int.from_bytes(data[:8], "little")
    if size <= 0 or size > min(len(data) - 8, _MAX_HEADER):
        raise ModelFileError(not_model)
    try:
        header = json.loads(data[8 : 8 + size].decode("utf-8"))
        structure = json.loads(header["__metadata__"]["topics_model"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ModelFileError(not_model) from None
    if not isinstance(structure, dict) or structure.get("format") != FORMAT:
        raise ModelFileError(not_model)
    return structure


def _params(params: dict[str, Any]) -> dict[str, Any]:
    valid = set(ArticleClassifier._get_param_names())
    unknown = set(params) - valid
    if unknown:
        raise ModelFileError(f"unknown parameters in model file: {', '.join(sorted(unknown))}")
    out = dict(params)
    for key in ("ngram_range", "threshold_bounds"):
        if key in out:
            out[key] = tuple(out[key])
    return out


def _check_shapes(state: dict[str, Any]) -> None:
    n_features = sum(len(v.terms) for v in state["views_"])
    n_out = len(state["classes_"])
    if state["coef_"].shape != (n_features, n_out) or state["intercept_"].shape != (n_out,):
        raise ValueError("array shapes do not match the vocabulary and labels")
    if any(len(v.idf) != len(v.terms) for v in state["views_"]):
        raise ValueError("idf weights do not match the vocabulary")
    if state["thresholds_"].shape != (n_out,) or state["calibration_"].shape != (n_out, 2):
        raise ValueError("thresholds or calibration do not match the labels")


# --------------------------------------------------------------------------------------------
# entry points for the command line
# --------------------------------------------------------------------------------------------
def train_shipped_classifier(
    output: str | Path | None = None, seed: int = 0, *, evaluate: bool = True
) -> Path:
    """Retrain the shipped model on the shipped corpus and write it with its card.

    The card records the corpus fingerprint, the seed, package versions and the grouped 5-fold
    cross-validation scores of the same configuration on the same corpus (seed ``seed``).
    Retraining with the same corpus and seed gives identical predictions.

    Parameters
    ----------
    output : str or Path, optional
        The model file; ``None`` = ``src/topics/models/article_classifier.safetensors`` inside
        the package (the shipped model).
    seed : int
        ``random_state`` of the classifier and seed of the cross-validation split.
    evaluate : bool
        Run the cross-validation for the card (about a minute); ``False`` records no CV scores.

    Returns
    -------
    Path
        The model file written.
    """
    from topics.classifier_eval import evaluate_classifiers
    from topics.corpus import load_corpus

    corpus = load_corpus()
    clf = ArticleClassifier(labels=corpus.label_set, random_state=seed)
    scores = {}
    if evaluate:
        report = evaluate_classifiers(
            corpus, {"ArticleClassifier": clf}, unit=("article", "lead"), seeds=(seed,), peers=False
        )
        scores = {
            k.split("/", 1)[1]: round(v, 4)
            for k, v in report.metrics.items()
            if k.endswith("_mean")
        }
    clf.fit(corpus.texts, corpus.labels)
    target = (
        Path(output) if output is not None else Path(__file__).parent / "models" / SHIPPED_MODEL
    )
    card = {
        "training_corpus": {
            "name": corpus.name,
            "fingerprint": corpus.fingerprint,
            "n": len(corpus),
        },
        "seed": seed,
        "cv": {
            "method": "5-fold stratified by primary label, grouped by article; scored on whole "
            "articles and on leads (first paragraph)",
            "scores": scores,
        },
    }
    return save_classifier(clf, target, card=card)


def classify_files(paths: list[str]) -> list[dict[str, Any]]:
    """Classify files with the shipped model (``"-"`` reads stdin); one dict per input.

    Parameters
    ----------
    paths : list of str
        Text files, each one raw article; ``"-"`` for standard input.

    Returns
    -------
    list of dict
        ``{"file": path, "labels": [...], "scores": {label: probability}}`` per input, labels
        ordered by probability (the first is the primary label; ``[]`` = none).

    Raises
    ------
    topics.errors.TopicsError
        If a file cannot be read or is empty.
    """
    import sys

    texts = []
    for name in paths:
        if name == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise TopicsError(f"cannot read {name}: {error}") from None
        if not text.strip():
            raise TopicsError(f"{name} is empty; there is nothing to classify")
        texts.append(text)
    if not texts:
        raise TopicsError("no files given; pass one or more text files, or - for stdin")
    clf = load_classifier()
    proba = clf.predict_proba(texts)
    labels = clf._labels_from_proba(proba)
    return [
        {
            "file": name,
            "labels": labels[i],
            "scores": {k: round(v, 4) for k, v in clf._score_dict(proba[i]).items()},
        }
        for i, name in enumerate(paths)
    ]
