"""topics: topic models and a labelled classifier for German-language news.

The public API is imported lazily, so ``import topics`` stays fast and pulls in no heavy
dependency (no BERTopic, numba, matplotlib or MLflow) until a name that needs it is used::

    import topics
    corpus = topics.load_corpus()                     # the 217 shipped labelled articles
    topics.analyse("Die Verteidigungszusammenarbeit") # German tokens view
    clf = topics.load_classifier()                    # the shipped four-label classifier
    result = topics.fit_topic_model(corpus, model="bertopic", unit="paragraph")
    run = topics.run_experiment("experiments/configs/vietnam.yaml")
    topics.write_report(run.path)                     # report.html (run_experiment writes it too)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from topics._version import __version__
from topics.numerics import pin_environment as _pin_environment

# numpy's SIMD kernels, chosen when numpy loads, hence here (numba's and tomotopy's targets are
# pinned when a fit starts): the same config gives the same numbers on any x86-64 machine.
_pin_environment(("numpy",))

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "TopicsError": "topics.errors",
    "CorpusError": "topics.errors",
    "ConfigError": "topics.errors",
    "InputError": "topics.errors",
    "ModelFileError": "topics.errors",
    "RunError": "topics.errors",
    "LABELS": "topics.labels",
    "Article": "topics.corpus",
    "Corpus": "topics.corpus",
    "TextUnit": "topics.corpus",
    "load_corpus": "topics.corpus",
    "iter_articles": "topics.corpus",
    "analyse_corpus": "topics.corpus.stream",
    "clean_article": "topics.text.cleaning",
    "clean_text": "topics.text.cleaning",
    "split_paragraphs": "topics.text.cleaning",
    "analyse": "topics.text.german",
    "GermanAnalyzer": "topics.text.german",
    "GermanTokens": "topics.text.tokens",
    "ArticleClassifier": "topics.classifier",
    "load_classifier": "topics.classifier",
    "save_classifier": "topics.classifier",
    "evaluate_classifiers": "topics.classifier.evaluate",
    "train_classifier": "topics.classifier.shipped",
    "classify_inputs": "topics.classifier.batch",
    "suggest_labels": "topics.classifier.suggestions",
    "fit_topic_model": "topics.topic_models",
    "load_topic_model": "topics.topic_models",
    "TopicModelResult": "topics.topic_models",
    "compare_topic_models": "topics.topic_models",
    "fit_streaming_nmf": "topics.topic_models.streaming",
    "StreamingTopics": "topics.topic_models.streaming",
    "save_streaming_topics": "topics.topic_models.streaming_files",
    "load_streaming_topics": "topics.topic_models.streaming_files",
    "run_experiment": "topics.experiments.runner",
    "load_run": "topics.experiments.store",
    "compare_runs": "topics.experiments.compare",
    "write_report": "topics.experiments.report",
}
# submodules reachable as attributes: ``topics.plots.top_words(result)``, ``topics.registry``
_MODULES: dict[str, str] = {
    "plots": "topics.evaluation.plots",
    "registry": "topics.registry",
}

__all__ = ["__version__", *_EXPORTS, *_MODULES]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = import_module(_MODULES[name])
        globals()[name] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'topics' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # cache: the next access skips __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # static type checkers and IDEs see the real names
    from topics import registry
    from topics.classifier import ArticleClassifier, load_classifier, save_classifier
    from topics.classifier.batch import classify_inputs
    from topics.classifier.evaluate import evaluate_classifiers
    from topics.classifier.shipped import train_classifier
    from topics.classifier.suggestions import suggest_labels
    from topics.corpus import Article, Corpus, TextUnit, iter_articles, load_corpus
    from topics.corpus.stream import analyse_corpus
    from topics.errors import (
        ConfigError,
        CorpusError,
        InputError,
        ModelFileError,
        RunError,
        TopicsError,
    )
    from topics.evaluation import plots
    from topics.experiments.compare import compare_runs
    from topics.experiments.report import write_report
    from topics.experiments.runner import run_experiment
    from topics.experiments.store import load_run
    from topics.labels import LABELS
    from topics.text.cleaning import clean_article, clean_text, split_paragraphs
    from topics.text.german import GermanAnalyzer, analyse
    from topics.text.tokens import GermanTokens
    from topics.topic_models import (
        TopicModelResult,
        compare_topic_models,
        fit_topic_model,
        load_topic_model,
    )
    from topics.topic_models.streaming import StreamingTopics, fit_streaming_nmf
    from topics.topic_models.streaming_files import load_streaming_topics, save_streaming_topics
