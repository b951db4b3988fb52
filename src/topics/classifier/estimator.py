"""The labelled classifier: which of the labels an article (or a paragraph) is about, or none.

:class:`ArticleClassifier` is a scikit-learn estimator over RAW article texts. It cleans every text
with :func:`topics.text.cleaning.clean_article` (paragraphs kept) and reads its prose
(:func:`topics.text.cleaning.prose_paragraphs`: headlines, menu lines and teasers of other
articles, lines without a sentence, are not what a page is about), turns the whole text and each
paragraph into TF-IDF features of one or two text views (:mod:`.features`), and decides in two
stages (:mod:`.training`, :mod:`.ridge`): a ridge scorer per label whose leave-one-article-out
scores come in closed form, and a focus model per label over the article's whole-text score,
its best paragraph's score and its lead paragraph's score (a text of one paragraph: its score).

Why the fitted state is plain arrays and not scikit-learn objects
-----------------------------------------------------------------
``load_classifier()`` plus a first prediction must take under 0.3 s in a fresh process, and
``import sklearn`` alone takes 1-1.6 s (it imports scipy.stats and pandas). So the fitted model
keeps only what prediction needs — the term hashes and idf weights of each view, the coefficient
matrix, the focus model and the thresholds — and predicts with numpy alone (:mod:`.scoring`);
scikit-learn and scipy are imported only to *fit*. The same reason makes this class a duck-typed
estimator (``get_params``/``set_params``/``__sklearn_tags__``/``score``, tested with ``clone``,
``Pipeline``, ``cross_validate`` and ``GridSearchCV``) instead of a subclass of
``sklearn.base.BaseEstimator``. Persistence (:mod:`.persistence`) writes the arrays as
safetensors plus JSON, a format whose loading runs no code from the file.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Any, Literal

import numpy as np
from annotated_types import Ge, Gt, Le

from topics.classifier.inputs import (
    check_texts,
    check_thresholds,
    documents_of,
    label_kind,
    label_lists,
)
from topics.classifier.scoring import (
    ModelArrays,
    RidgeScores,
    focus_logits,
    model_arrays,
    paragraph_logits,
    ridge_scores,
)
from topics.errors import ConfigError, InputError, counted
from topics.labels import to_indicator
from topics.numerics import MAX_SEED, seed_problem
from topics.progress import progress
from topics.schema import Schema, schema_of

__all__ = ["ArticleClassifier", "schema"]


class ArticleClassifier:
    """Classify German news articles (or paragraphs) into labels, several or none.

    A scikit-learn estimator over raw article texts (see the module docstring for why it is
    duck-typed). ``fit`` accepts label lists (multi-label, ``[]`` = none of the labels) or single
    strings (single-label, e.g. the nine classes of 10kGNAD).

    Two stages, chosen by grouped cross-validation on the shipped corpus and 10kGNAD (see
    ``experiments/results/classifier_selection/README.md``):

    1. **Ridge scorer.** One least-squares model per label over the TF-IDF of each article *and
       of each of its paragraphs* (paragraph rows carry the article's labels with
       ``paragraph_weight``). Up to ``max_dual_rows`` training rows it is solved in the dual,
       which gives every training article's exact leave-one-article-out scores (of its whole
       text and of each paragraph) in closed form; above, by conjugate gradients in the primal,
       with out-of-fold scores from a ``cv``-fold split grouped by article. A text with less
       evidence than the shortest training row (a word, a short sentence) is divided by that
       row's norm instead of its own (``FittedView.min_norm``): its scores stay nearer the
       intercept instead of being as sure as a whole article's.
    2. **Focus model** (multi-label). Per label a logistic regression over three scores of an
       article, its whole-text score, its best paragraph's score and its lead (first)
       paragraph's score, fitted on those out-of-article scores. The subject of the whole
       article decides, and so does a paragraph squarely about a label (a late or short on-topic
       part, a second label) and a lead that gives the news; a keyword in one sentence of an
       off-topic article does not. Its output is a calibrated probability; a label is predicted
       at ``threshold``, "none" when no label reaches it. A text of one paragraph (a headline, a
       teaser) and a paragraph read alone: a regression on the lead paragraphs' scores.

    Single-label: the classes' ridge scores, argmax; probabilities are a softmax whose
    temperature is fitted on the out-of-article scores.

    Parameters
    ----------
    features : {"char", "tokens", "words", "char+tokens", "char+words"}, default="char+words"
        Text views: ``"char"`` = character n-grams inside word boundaries of the clean text;
        ``"tokens"`` = lemmas and compound parts from :class:`topics.text.german.GermanAnalyzer`;
        ``"words"`` = lower-cased words (``word_ngram_range``). Several views are concatenated,
        each row-normalised.
    ngram_range : tuple of int, default=(2, 5)
        Character n-gram lengths of the ``"char"`` view.
    word_ngram_range : tuple of int, default=(1, 1)
        Word n-gram lengths of the ``"words"`` view (unigrams are hashed and fast; longer
        n-grams go through a dictionary).
    min_df : int, default=2
        Ignore terms found in fewer training rows (articles and paragraphs).
    C : float, default=1.0
        Inverse strength of the ridge penalty (the penalty is ``1 / C``).
    class_weight : {None, "balanced"}, default=None
        ``"balanced"`` weights rows inversely to the frequency of their label, per output.
    augment : {"paragraphs", "none"}, default="paragraphs"
        ``"paragraphs"`` also trains on every paragraph of every multi-paragraph article (with
        the article's labels and ``paragraph_weight``), and gives the focus model its
        best-paragraph score; ``"none"`` trains on whole articles and decides on them alone.
    paragraph_weight : float, default=0.5
        Sample weight of an augmented paragraph (an article has weight 1).
    threshold : float, default=0.5
        Multi-label: the probability at which a label is predicted (the focus model is
        calibrated, so 0.5 is the even-odds point).
    solver : {"auto", "dual", "primal"}, default="auto"
        How the ridge scorer is solved. ``"dual"``: exact leave-one-article-out scores, memory
        and time growing with the square and cube of the training rows; ``"primal"``: conjugate
        gradients, memory linear in the data, out-of-fold scores from ``cv`` folds; ``"auto"``:
        dual up to ``max_dual_rows`` training rows, primal above.
    max_dual_rows : int, default=4000
        The largest number of training rows (articles plus augmented paragraphs) ``"auto"``
        solves in the dual (4,000 rows: about 0.4 GB and a few seconds).
    cv : int, default=5
        Folds (grouped by article, stratified by primary label) of the inner cross-validation
        that reports the out-of-fold F1 per label (``oof_scores_``), and of the primal solver's
        out-of-fold scores.
    labels : sequence of str or None, default=None
        The allowed labels, in ``classes_`` order. ``None`` = the sorted set of labels in ``y``.
        With an explicit list, a label in ``y`` outside it is an error, and so is a label listed
        twice, an empty one or one spelled two ways.
    random_state : int, default=0
        Seed of the inner folds (the dual fit itself has no randomness).
    duplicate_threshold : float or None, default=0.5
        Training articles whose clean texts share at least this Jaccard similarity of word
        5-grams are near-duplicates (a reprint under another id, see
        :func:`topics.corpus.duplicates.near_duplicate_groups`) and are left out *together* when
        the focus model's out-of-article scores are made, and share a fold of the inner
        cross-validation: a copy left in would score its twin as if it had been seen, and the
        focus model would learn to trust scores more than new articles deserve. ``None`` skips
        the search (~0.02 CPU-s per 200 training articles) and treats every article as distinct.

    Attributes
    ----------
    classes_ : numpy.ndarray of str
        The labels (multi-label) or classes (single-label), the columns of ``predict_proba``.
    multilabel_ : bool
        Whether ``fit`` saw label lists.
    coef_, intercept_ : numpy.ndarray
        The ridge scorer over the concatenated views, shapes (n_features, n_out), (n_out,).
    focus_ : numpy.ndarray, shape (n_out, 4)
        Per output: the weights of the whole-text score, the best paragraph's score and the lead
        paragraph's score, and the bias (multi-label); single-label: the softmax temperature,
        then zeros. A model saved in format 2 has no lead weight (shape (n_out, 3)).
    paragraph_focus_ : numpy.ndarray, shape (n_out, 2)
        Per output: score weight and bias for a text of one paragraph and each paragraph in
        :meth:`predict_paragraphs` (single-label: the temperature, 0). Saved before format 5:
        the focus weights summed and the bias, as such a text was decided then.
    thresholds_ : numpy.ndarray of float
        Per-label probability thresholds (``threshold``; change one to move a label's decision).
        One number from 0 to 1 per label, in ``classes_`` order: predict, explain and saving
        refuse anything else (InputError).
    views_ : list of FittedView
        The fitted TF-IDF views (term hashes, terms and idf weights).
    oof_scores_ : dict of str to float
        Out-of-fold F1 per label of the whole model (multi-label).
    n_training_rows_ : int
        Articles plus augmented paragraphs the scorer was fitted on.
    solver_ : str
        ``"dual"`` or ``"primal"``: how the scorer was solved.
    """

    _estimator_type = "classifier"  # read by older scikit-learn versions
    reads_raw_text = True  # cross-validation gives it raw article texts, not clean ones

    def __init__(
        self,
        *,
        features: Literal["char", "tokens", "words", "char+tokens", "char+words"] = "char+words",
        ngram_range: tuple[Annotated[int, Ge(1)], Annotated[int, Ge(1)]] = (2, 5),
        word_ngram_range: tuple[Annotated[int, Ge(1)], Annotated[int, Ge(1)]] = (1, 1),
        min_df: Annotated[int, Ge(1)] = 2,
        C: Annotated[float, Gt(0)] = 1.0,  # noqa: N803 - scikit-learn's name for the regularisation parameter
        class_weight: Literal["balanced"] | None = None,
        augment: Literal["paragraphs", "none"] = "paragraphs",
        paragraph_weight: Annotated[float, Gt(0)] = 0.5,
        threshold: Annotated[float, Ge(0), Le(1)] = 0.5,
        solver: Literal["auto", "dual", "primal"] = "auto",
        max_dual_rows: Annotated[int, Ge(1)] = 4000,
        cv: Annotated[int, Ge(2)] = 5,
        labels: Sequence[str] | None = None,
        random_state: Annotated[int, Ge(0), Le(MAX_SEED)] = 0,
        duplicate_threshold: Annotated[float, Gt(0), Le(1)] | None = 0.5,
    ) -> None:
        self.features = features
        self.ngram_range = ngram_range
        self.word_ngram_range = word_ngram_range
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.augment = augment
        self.paragraph_weight = paragraph_weight
        self.threshold = threshold
        self.solver = solver
        self.max_dual_rows = max_dual_rows
        self.cv = cv
        self.labels = labels
        self.random_state = random_state
        self.duplicate_threshold = duplicate_threshold

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
        state.pop("_arrays", None)  # derived, rebuilt on first use
        return state

    # ---- fitting ---------------------------------------------------------------------------
    def fit(self, X: Sequence[str], y: Sequence[Any]) -> ArticleClassifier:  # noqa: N803
        """Fit the classifier.

        Parameters
        ----------
        X : sequence of str
            Raw article texts (cleaned internally).
        y : sequence of (list of str) or sequence of str, or array of shape (n_texts, n_labels)
            Label lists (multi-label; ``[]`` = none of the labels; tuples and sets too), one
            class per text, or a 0/1 indicator matrix (dense or sparse; columns: ``labels``).
            A label ``"a|b"`` (several labels in one string), one spelled two ways (``"Sport"``
            beside ``"sport"``), an empty one, or one that is not a str is refused, as
            ``topics train-classifier`` refuses it in a corpus.

        Returns
        -------
        ArticleClassifier
            ``self``, fitted.
        """
        from topics.classifier.training import fit_state  # scipy/scikit-learn: to fit only

        texts = check_texts(X, "fit")
        self._check_params()
        with progress(total=1, desc="classifier fit", unit="fit") as bar:  # elapsed time
            state = fit_state(self, texts, y)
            bar.update()
        self.__dict__.pop("_arrays", None)
        for name, value in state.items():
            setattr(self, name, value)
        return self

    def _check_params(self) -> None:
        if problem := seed_problem(self.random_state):  # the wording of every seed check
            raise ConfigError(f"ArticleClassifier: random_state: {problem}")
        if self.labels is not None and not isinstance(self.labels, (list, tuple)):
            # an array (df.label.unique()) or a Series was refused with its repr, over lines
            kind = type(self.labels).__name__
            order = " (a set has no order)" if isinstance(self.labels, (set, frozenset)) else ""
            raise ConfigError(f"ArticleClassifier: labels= is a {kind}{order}; give a list of str, "
                              "in the order of the columns of predict_proba (e.g. "
                              "labels=sorted(df.label.unique()))")
        schema().validate(self.get_params(), "ArticleClassifier")
        for name in ("ngram_range", "word_ngram_range"):
            low, high = getattr(self, name)
            if low > high:
                raise ConfigError(f"{name}={getattr(self, name)!r}; need low <= high")

    # ---- prediction ------------------------------------------------------------------------
    def decision_function(self, X: Sequence[str]) -> np.ndarray:  # noqa: N803
        """Return scores, shape (n_texts, n_outputs), monotone with ``predict_proba``.

        Multi-label: the focus model's logit per label; single-label: the scaled ridge scores.
        """
        return self._decision(X, "decision_function")

    def _decision(self, X: Sequence[str], method: str) -> np.ndarray:  # noqa: N803
        """:meth:`decision_function`, its errors naming the public ``method`` called."""
        self._check_fitted()
        return self._decision_of_documents(documents_of(check_texts(X, method)))

    def _proba_of_documents(self, documents: Sequence[tuple[str, Sequence[str]]]) -> np.ndarray:
        """:meth:`predict_proba` of texts already read as the classifier reads them
        (:func:`~topics.classifier.inputs.document_of_clean`), for the batch jobs, which clean
        each text once for their own checks too (:mod:`topics.classifier.batch`)."""
        self._check_fitted()
        return self._proba_from_scores(self._decision_of_documents(documents))

    def _decision_of_documents(self, documents: Sequence[tuple[str, Sequence[str]]]) -> np.ndarray:
        scores = self._ridge_scores(documents)
        one_paragraph = np.array([len(paragraphs) <= 1 for _, paragraphs in documents], bool)
        return self._logits(scores.article, scores.best, scores.lead, one_paragraph)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:  # noqa: N803
        """Return probabilities, shape (n_texts, n_classes), columns in ``classes_`` order.

        Multi-label: an independent calibrated probability per label (rows need not sum to 1).
        Single-label: a distribution over the classes.
        """
        return self._proba_from_scores(self._decision(X, "predict_proba"))

    def predict(self, X: Sequence[str]) -> list:  # noqa: N803
        """Predict labels.

        Returns
        -------
        list
            Multi-label: one list of labels per text, ordered by probability (the first is the
            primary label); ``[]`` when no label clears its threshold. Single-label: one class
            (str) per text.

        Raises
        ------
        topics.errors.InputError
            ``X`` is not a list of texts, or (multi-label) ``thresholds_`` is not one number
            from 0 to 1 per label.
        """
        return self._labels_from_proba(self._proba_from_scores(self._decision(X, "predict")))

    def score(self, X: Sequence[str], y: Sequence[Any]) -> float:  # noqa: N803
        """Accuracy; in multi-label mode subset accuracy (every label of a text right)."""
        from sklearn.metrics import accuracy_score

        self._check_fitted()
        truth = label_lists(y, self.classes_, "score")
        if truth and label_kind(truth, "score") != self.multilabel_:
            raise InputError(
                f"score: y gives {'class names' if self.multilabel_ else 'label lists'}, but the "
                f"model is {'multi' if self.multilabel_ else 'single'}-label; give y as it was "
                f"given to fit ({'label lists' if self.multilabel_ else 'one class per text'})")
        predicted = self.predict(X)
        if len(truth) != len(predicted):
            raise InputError(f"score: {counted(len(predicted), 'text')} but "
                             f"{counted(len(truth), 'label')}; give one label entry per text")
        if self.multilabel_:
            # labels the model never saw (e.g. absent from a CV training fold) count as misses
            truth = [list(row) for row in truth]
            names = list(
                dict.fromkeys([*map(str, self.classes_), *(str(v) for r in truth for v in r)])
            )
            return float(accuracy_score(to_indicator(truth, names), to_indicator(predicted, names)))
        return float(accuracy_score(truth, predicted))

    def predict_paragraphs(self, text: str) -> list[dict[str, Any]]:
        """Classify each paragraph of one raw article on its own.

        Parameters
        ----------
        text : str
            One raw article.

        Returns
        -------
        list of dict
            One dict per prose paragraph of the clean article (headings joined to it; see
            :func:`topics.text.cleaning.prose_paragraphs`; a text that comes as one paragraph of
            more than six sentences, in pieces of two sentences): ``index``, ``text``, ``labels``
            (as :meth:`predict` gives them) and ``scores`` (label -> probability).
        """
        self._check_fitted()
        _, paragraphs = documents_of([text], what="the text")[0]
        scores = self._ridge_scores([(p, (p,)) for p in paragraphs]).article
        proba = self._proba_from_scores(paragraph_logits(self.paragraph_focus_, scores))
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
            How many terms (each direction) and paragraphs to list per label.

        Returns
        -------
        dict
            ``labels`` (the prediction) and ``per_label``: per label its probability and
            threshold, the whole-text and best-paragraph scores with the focus weights, the terms
            that pushed it ``up`` and ``down`` (merged by lemma) and the deciding ``paragraphs``.
        """
        from topics.classifier.explain import explain

        return explain(self, text, n_terms=n_terms, n_paragraphs=n_paragraphs)

    def explain_markdown(self, text: str, *, style: str = "markdown", **kwargs: Any) -> str:
        """:meth:`explain` rendered as Markdown (predicted labels first); ``style="text"``: plain
        text (see :func:`topics.classifier.explain.render_explanation`)."""
        from topics.classifier.explain import explain, render_explanation

        return render_explanation(explain(self, text, **kwargs), style=style)

    # ---- internals -------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            # scikit-learn's own error, so `except NotFittedError` works; imported only on error
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                "This ArticleClassifier is not fitted yet; call fit(texts, labels) first "
                "or use topics.load_classifier()."
            )

    def _thresholds(self) -> np.ndarray:
        """``thresholds_`` checked: one float from 0 to 1 per class (else an InputError)."""
        return check_thresholds(self.thresholds_, self.classes_)

    def _model_arrays(self) -> ModelArrays:
        """The arrays scoring reads, built once."""
        arrays = self.__dict__.get("_arrays")
        if arrays is None:
            arrays = self.__dict__["_arrays"] = model_arrays(self.views_, self.coef_)
        return arrays

    def _ridge_scores(self, docs: Sequence[tuple[str, Sequence[str]]]) -> RidgeScores:
        return ridge_scores(self.views_, self._model_arrays(), self.intercept_, docs)

    def _logits(self, article: np.ndarray, best: np.ndarray, lead: np.ndarray,
                one_paragraph: np.ndarray | None = None) -> np.ndarray:
        return focus_logits(self.focus_, self.paragraph_focus_, self.multilabel_, article, best,
                            lead, one_paragraph)

    def _proba_from_scores(self, scores: np.ndarray) -> np.ndarray:
        if self.multilabel_:
            return 1.0 / (1.0 + np.exp(-scores))
        shifted = scores - scores.max(axis=1, keepdims=True)
        proba = np.exp(shifted)
        return proba / proba.sum(axis=1, keepdims=True)

    def _labels_from_proba(self, proba: np.ndarray, thresholds: np.ndarray | None = None) -> list:
        classes = [str(c) for c in self.classes_]
        if not self.multilabel_:
            return [classes[j] for j in proba.argmax(axis=1)]
        limits = self._thresholds() if thresholds is None else thresholds
        result = []
        for row in proba:
            chosen = np.flatnonzero(row >= limits)
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
