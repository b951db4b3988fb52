"""The labelled classifier: which of the labels an article (or a paragraph) is about, or none.

:class:`ArticleClassifier` is a scikit-learn estimator over raw article texts (``estimator``).
Text views live in ``features`` (hashed by ``hashing``), batch counting and scoring in ``scoring``,
fitting in ``training`` with its solvers in ``ridge`` (with ``evaluate``/``peers``, the only
modules that import scipy and scikit-learn), explanations in ``explain``, files in
``persistence``, classifying and suggesting labels for many inputs in ``batch``, training for
users in ``shipped``. Prediction needs numpy alone.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["ArticleClassifier", "load_classifier", "save_classifier"]

# imported on first use: `topics.classifier.commands` (the command line) must not load numpy
_EXPORTS = {
    "ArticleClassifier": "topics.classifier.estimator",
    "load_classifier": "topics.classifier.persistence",
    "save_classifier": "topics.classifier.persistence",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'topics.classifier' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from topics.classifier.estimator import ArticleClassifier
    from topics.classifier.persistence import load_classifier, save_classifier
