"""The labelled classifier: which of the labels an article (or a paragraph) is about, or none.

:class:`ArticleClassifier` is a scikit-learn estimator over raw article texts (``estimator``);
its text views live in ``features``, fitting in ``training`` (the only place scikit-learn is
imported), explanations in ``explain``, files in ``persistence``, the shipped model in ``shipped``
and the cross-validated comparison with its peers in ``evaluate`` / ``peers``. Prediction needs
numpy alone.
"""

from topics.classifier.estimator import ArticleClassifier
from topics.classifier.persistence import load_classifier, save_classifier

__all__ = ["ArticleClassifier", "load_classifier", "save_classifier"]
