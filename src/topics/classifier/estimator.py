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
from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Any, Literal

import numpy as np
from annotated_types import Ge, Gt, Le

from topics.classifier.inputs import check_texts, label_lists, paragraphs_of
from topics.errors import ConfigError
from topics.labels import to_indicator
from topics.progress import progress
from topics.schema import Schema, schema_of
from topics.text.cleaning import clean_text

__all__ = ["ArticleClassifier", "schema"]


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
    reads_raw_text = True  # cross-validation gives it raw article texts, not clean ones

    def __init__(
        self,
        *,
        features: Literal["char", "tokens", "words", "char+tokens", "char+words"] = "char+words",
        ngram_range: tuple[Annotated[int, Ge(1)], Annotated[int, Ge(1)]] = (2, 5),
        min_df: Annotated[int, Ge(1)] = 2,
        C: Annotated[float, Gt(0)] = 100.0,  # noqa: N803 - scikit-learn's name for the regularisation parameter
        class_weight: Literal["balanced"] | None = "balanced",
        augment: Literal["paragraphs", "none"] = "paragraphs",
        paragraph_weight: Annotated[float, Ge(0)] = 0.5,
        cv: Annotated[int, Ge(2)] = 5,
        threshold_bounds: tuple[Annotated[float, Ge(0)], Annotated[float, Le(1)]] = (0.1, 0.9),
        labels: Sequence[str] | None = None,
        random_state: Annotated[int, Ge(0)] = 0,
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
        from topics.classifier.training import fit_state  # scikit-learn: imported to fit only

        texts = check_texts(X, "fit")
        self._check_params()
        with progress(total=1, desc="classifier fit", unit="fit") as bar:  # elapsed time
            state = fit_state(self, texts, y)
            bar.update()
        for name, value in state.items():
            setattr(self, name, value)
        return self

    def _check_params(self) -> None:
        schema().validate(self.get_params(), "ArticleClassifier")
        low, high = self.threshold_bounds
        if not low <= high:
            raise ConfigError(
                f"threshold_bounds={self.threshold_bounds!r}; need 0 <= low <= high <= 1"
            )

    # ---- prediction ------------------------------------------------------------------------
    def decision_function(self, X: Sequence[str]) -> np.ndarray:  # noqa: N803
        """Return the linear scores, shape (n_texts, n_outputs), before calibration."""
        self._check_fitted()
        texts = check_texts(X, "predict")
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

        predicted = self.predict(X)
        if self.multilabel_:
            # labels the model never saw (e.g. absent from a CV training fold) count as misses
            truth = [list(row) for row in label_lists(y, self.classes_)]
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
        paragraphs = paragraphs_of(text)
        proba = self._proba_from_scores(np.vstack([self._score_clean(p) for p in paragraphs]))
        labels = self._labels_from_proba(proba)
        return [
            {"index": i, "text": p, "labels": labels[i], "scores": self._score_dict(proba[i])}
            for i, p in enumerate(paragraphs)
        ]

    def explain(self, text: str, *, n_terms: int = 10, n_paragraphs: int = 3) -> dict[str, Any]:
        """Say why a text gets its labels (see :func:`topics.classifier.explain.explain`).

        Parameters
        ----------
        text : str
            One raw article (or paragraph).
        n_terms, n_paragraphs : int
            How many top words and paragraphs to list per label.

        Returns
        -------
        dict
            ``labels`` (the prediction) and ``per_label``: per label its ``score``,
            ``threshold``, ``predicted`` flag, top ``terms`` and deciding ``paragraphs``.
        """
        from topics.classifier.explain import explain

        return explain(self, text, n_terms=n_terms, n_paragraphs=n_paragraphs)

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


@lru_cache(maxsize=1)
def schema() -> Schema:
    """The ArticleClassifier parameters: names, defaults, types and help, read from the class."""
    return schema_of(ArticleClassifier, "ArticleClassifier")
