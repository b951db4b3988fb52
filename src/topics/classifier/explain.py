"""Why a text gets its labels: each label's linear score split over the words of the text."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.classifier.features import char_wb_ngrams
from topics.classifier.inputs import non_empty_clean

if TYPE_CHECKING:
    from topics.classifier.estimator import ArticleClassifier

__all__ = ["explain"]

_PUNCTUATION = ".,;:!?\"'()[]"


def explain(
    clf: ArticleClassifier, text: str, *, n_terms: int = 10, n_paragraphs: int = 3
) -> dict[str, Any]:
    """Say why a text gets its labels.

    The linear score of each label is split exactly over the words of the clean text: every
    feature's contribution (coefficient x tf-idf value) is shared among the words it occurs
    in (for character n-grams, evenly among its occurrences).

    Parameters
    ----------
    clf : ArticleClassifier
        A fitted classifier.
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
    clf._check_fitted()
    clean = non_empty_clean(text)
    proba = clf._proba_from_scores(clf._score_clean(clean)[None, :])[0]
    words = _word_contributions(clf, clean)
    paragraphs = clf.predict_paragraphs(text)
    per_label = {}
    for j, label in enumerate(clf.classes_):
        ranked = sorted(words.items(), key=lambda kv, j=j: -kv[1][j])
        ranked_paras = sorted(paragraphs, key=lambda p: -p["scores"][str(label)])
        per_label[str(label)] = {
            "score": float(proba[j]),
            "threshold": float(clf.thresholds_[j]),
            "predicted": bool(proba[j] >= clf.thresholds_[j]) if clf.multilabel_ else None,
            "terms": [(w, round(float(c[j]), 6)) for w, c in ranked[:n_terms] if c[j] > 0],
            "paragraphs": [
                (p["index"], p["scores"][str(label)], p["text"])
                for p in ranked_paras[:n_paragraphs]
            ],
        }
    return {"labels": clf._labels_from_proba(proba[None, :])[0], "per_label": per_label}


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
