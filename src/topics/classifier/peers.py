"""The peers the classifier is compared with: scikit-learn defaults on clean text."""

from __future__ import annotations

from typing import Any

__all__ = ["peer_estimators"]


def peer_estimators(multilabel: bool = True) -> dict[str, Any]:
    """The two reference models with scikit-learn defaults, fitted on clean text.

    Parameters
    ----------
    multilabel : bool
        Wrap the linear models in ``OneVsRestClassifier`` (multi-label indicator targets). In
        single-label mode the estimators are used as they are (both are one-vs-rest by default
        for several classes).

    Returns
    -------
    dict of str to estimator
        ``"TF-IDF+LinearSVC"`` and ``"TF-IDF+LogReg"`` pipelines.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    def wrap(model: Any) -> Any:
        return OneVsRestClassifier(model) if multilabel else model

    return {
        "TF-IDF+LinearSVC": make_pipeline(TfidfVectorizer(), wrap(LinearSVC())),
        "TF-IDF+LogReg": make_pipeline(TfidfVectorizer(), wrap(LogisticRegression())),
    }
