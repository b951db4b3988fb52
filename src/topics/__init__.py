"""topics: topic models and a labelled classifier for German-language news.

The public API is imported lazily, so ``import topics`` stays fast and pulls in no heavy
dependency (no BERTopic, numba, matplotlib or MLflow) until a name that needs it is used::

    import topics
    corpus = topics.load_corpus()                     # the 137 shipped labelled articles
    topics.analyse("Die Verteidigungszusammenarbeit") # German tokens view
    clf = topics.load_classifier()                    # the shipped four-label classifier
    result = topics.fit_topic_model(corpus, model="bertopic", unit="paragraph")
    run = topics.run_experiment("experiments/configs/vietnam.yaml")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "TopicsError": "topics.errors",
    "CorpusError": "topics.errors",
    "ConfigError": "topics.errors",
    "ModelFileError": "topics.errors",
    "LABELS": "topics.labels",
    "Article": "topics.corpus",
    "Corpus": "topics.corpus",
    "TextUnit": "topics.corpus",
    "load_corpus": "topics.corpus",
    "clean_article": "topics.cleaning",
    "clean_text": "topics.cleaning",
    "split_paragraphs": "topics.cleaning",
    "analyse": "topics.german",
    "GermanAnalyzer": "topics.german",
    "GermanTokens": "topics.german",
    "ArticleClassifier": "topics.classifier",
    "load_classifier": "topics.classifier",
    "evaluate_classifiers": "topics.classifier_eval",
    "fit_topic_model": "topics.topic_models",
    "load_topic_model": "topics.topic_models",
    "TopicModelResult": "topics.topic_models",
    "compare_topic_models": "topics.topic_models",
    "run_experiment": "topics.experiment",
    "load_run": "topics.experiment",
    "compare_runs": "topics.experiment",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'topics' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # cache: the next access skips __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # static type checkers and IDEs see the real names
    from topics.classifier import ArticleClassifier, load_classifier
    from topics.classifier_eval import evaluate_classifiers
    from topics.cleaning import clean_article, clean_text, split_paragraphs
    from topics.corpus import Article, Corpus, TextUnit, load_corpus
    from topics.errors import ConfigError, CorpusError, ModelFileError, TopicsError
    from topics.experiment import compare_runs, load_run, run_experiment
    from topics.german import GermanAnalyzer, GermanTokens, analyse
    from topics.labels import LABELS
    from topics.topic_models import (
        TopicModelResult,
        compare_topic_models,
        fit_topic_model,
        load_topic_model,
    )
