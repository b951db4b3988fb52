"""Training a model for users: the shipped one, or one on a researcher's own labelled corpus.

:func:`train_classifier` writes the model and its card; the card records the training corpus
(name, fingerprint, size, where it was read), the seed, and grouped cross-validation scores. The
output folder is checked writable *before* the corpus is read and the model trained, so a
read-only target fails at once. Retraining the shipped model gives a byte-identical file on any
machine (stored parameters are rounded far above floating-point noise, see
:data:`topics.classifier.training.GRID_BITS`; one BLAS thread during the fit).
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from topics.classifier.estimator import ArticleClassifier
from topics.classifier.evaluate import evaluate_classifiers
from topics.classifier.persistence import SHIPPED_MODEL, SUFFIX, card_path, save_classifier
from topics.errors import CorpusError, InputError, cut
from topics.evaluation.folds import fold_size_problem, group_count
from topics.labels import label_problem as find_label_problem

__all__ = ["SHIPPED_PATH", "classify_files", "train_classifier", "train_shipped_classifier"]

CARD_FOLDS = 5  # the card's cross-validation
MIN_LABEL_ARTICLES = 3  # a label on fewer articles is said to be too rare to learn

SHIPPED_PATH = Path(__file__).parents[1] / "models" / SHIPPED_MODEL


def model_target(output: str | Path | None) -> Path:
    """Where a model goes: a ``.safetensors`` file; a folder gets ``article_classifier``."""
    if output is None:
        return SHIPPED_PATH
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", "\\")):
        return path / SHIPPED_MODEL
    return path if path.name.endswith(SUFFIX) else path.with_name(path.name + SUFFIX)


def fit_labels(corpus: Any) -> list:
    """What ``fit`` takes for a corpus: one class per article when every article has exactly one
    label (single-label, e.g. 10kGNAD), else label lists (several or none per article)."""
    if corpus.is_single_label:
        return list(corpus.primary_labels)
    return [list(labels) for labels in corpus.labels]


def label_problem(corpus: Any, options: Mapping[str, Any], source: str | None = None) -> str | None:
    """What makes a training corpus's labels wrong for training, or ``None``.

    :func:`topics.labels.label_problem` finds the label (``a|b`` read as one label, a label
    spelled two ways, an empty label; ``ArticleClassifier.fit`` refuses the same); the message
    names the first article that has it and what to pass or fix.

    Parameters
    ----------
    corpus : topics.Corpus
        The labelled corpus.
    options : mapping
        The options it was read with (``label_separator`` is looked at).
    source : str, optional
        Where it was read (a path), named in the message; default: the corpus's name.

    Returns
    -------
    str or None
        The message, or ``None`` when the labels can be trained on.
    """
    counts = Counter(label for labels in corpus.labels for label in labels)
    separator = options.get("label_separator")
    problem = find_label_problem(counts, separator)
    if problem is None:
        return None
    first = next(article.id for article in corpus if problem.label in article.labels)
    at = f"{source or 'corpus ' + repr(corpus.name)}: article {first!r}: "
    said = at + problem.describe(counts)
    if problem.kind == "empty":
        return (f"{said}; an article about none of the labels has no label (an empty list [] or "
                "an empty cell)")
    if problem.kind == "separator":  # cut: a label may be a whole text (columns swapped)
        return (f"{said}: --label-separator (label_separator) splits a label cell or string, not "
                "the items of a label list; write each label as an item, e.g. "
                f"{cut(json.dumps(problem.label.split(problem.sign)), 80)}")
    if problem.kind == "joined" and separator is not None:  # joined by another sign than given
        return (f"{said}, joined by {problem.sign!r} although the label separator is "
                f"{separator!r}; join the labels with {separator!r}, or give them as a list")
    if problem.kind == "joined":
        return (f"{said}; pass the separator of the label column (--label-separator "
                f"'{problem.sign}', or label_separator='{problem.sign}'), or give the labels as "
                "a list")
    return said


def label_warnings(corpus: Any, options: Mapping[str, Any]) -> list[str]:
    """What to say about a training corpus's labels before a model is fitted on them: labels on
    too few articles to be learnt (often a typo), several labels read as one because the label
    column's separator was not given, and that a corpus of one label per article makes a
    single-label model (one class per text, never none)."""
    counts = Counter(label for labels in corpus.labels for label in labels)
    messages = []
    rare = sorted(label for label, n in counts.items() if n < MIN_LABEL_ARTICLES)
    if rare:
        shown = ", ".join(f"{label!r} ({counts[label]})" for label in rare)
        messages.append(f"corpus {corpus.name!r}: label(s) on fewer than {MIN_LABEL_ARTICLES} "
                        f"articles: {shown}; a model cannot learn a label from so few (a typo in "
                        "a label?): label more articles, or correct or drop the label")
    if options.get("label_separator") is None:
        joined = sorted(label for label in counts if any(c in label for c in ";,"))
        if joined:  # '|' is refused (label_problem), as are ';' and ',' between known labels
            sign = next(c for c in ";," if c in joined[0])
            messages.append(f"corpus {corpus.name!r}: label(s) {', '.join(map(repr, joined[:3]))}"
                            " hold ';' or ','; if a column gives several labels, pass its "
                            f"separator (--label-separator '{sign}', or label_separator='{sign}')")
    if corpus.is_single_label:
        messages.append(f"corpus {corpus.name!r}: every article has exactly one label, so the "
                        "model is single-label: one class per text, never none, no thresholds; "
                        "label some articles with none or two labels for a multi-label model")
    return messages


def train_classifier(
    corpus: str | Path | None = None,
    output: str | Path | None = None,
    *,
    seed: int = 0,
    evaluate: bool = True,
    corpus_options: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Path:
    """Train the classifier on a labelled corpus and write it with its model card.

    Parameters
    ----------
    corpus : str or Path, optional
        A labelled corpus (anything :func:`topics.load_corpus` reads); ``None`` = the shipped
        corpus.
    output : str or Path, optional
        The model file (``.safetensors`` added if missing) or a folder for
        ``article_classifier.safetensors``; ``None`` = the shipped model inside the package
        (allowed only with the shipped corpus).
    seed : int
        ``random_state`` of the classifier and seed of the cross-validation split.
    evaluate : bool
        Run a 5-fold cross-validation grouped by article for the card (articles and leads).
    corpus_options : mapping, optional
        Options of :func:`topics.load_corpus` (columns, delimiter, encoding, ...).
    params : mapping, optional
        :class:`ArticleClassifier` parameters other than the defaults.

    Returns
    -------
    Path
        The model file written.

    Raises
    ------
    topics.errors.FileAccessError
        The output folder cannot be written (checked before anything is trained).
    topics.errors.CorpusError
        The corpus cannot be read, or has no labels.
    topics.errors.InputError
        Too few articles for the card's cross-validation (``evaluate``) or for a fit.
    """
    from topics.corpus import load_corpus
    from topics.fileio import check_writable, refuse_to_replace

    if corpus is not None and output is None:
        raise InputError(
            "--output is needed with --corpus: say where to write the model (the shipped model "
            "is rebuilt only from the shipped corpus)"
        )
    target = model_target(output)
    # a model has its card beside it; any other file there is someone's, kept
    refuse_to_replace(target, lambda path: card_path(path).is_file(),
                      f"a model saved by topics (no card {card_path(target).name} beside it)",
                      "--output")
    check_writable(target.parent, "write the model here")
    data = load_corpus(corpus, **dict(corpus_options or {}))
    if not any(data.labels):
        raise InputError(
            f"corpus {data.name!r} has no labels; training needs labelled articles (a labels "
            "column or field; an empty label list means none of the labels)"
        )
    if problem := label_problem(data, dict(corpus_options or {}),
                                None if corpus is None else str(corpus)):
        raise CorpusError(problem)
    for message in label_warnings(data, dict(corpus_options or {})):
        warnings.warn(message, UserWarning, stacklevel=2)
    labels = fit_labels(data)
    clf = ArticleClassifier(**{"labels": data.label_set, "random_state": seed, **dict(params or {})})
    scores = {}
    if evaluate and (problem := fold_size_problem(
        len(data), CARD_FOLDS, group_count(data.near_duplicate_groups())
    )):
        raise InputError(
            f"corpus {data.name!r}: the card's {problem}; label more articles, or train without "
            "it (--no-evaluate, or evaluate=False)"
        )
    if evaluate:
        units = ("article", "lead") if not data.is_single_label else ("article",)
        report = evaluate_classifiers(
            data, {"ArticleClassifier": clf}, unit=units, n_splits=CARD_FOLDS, seeds=(seed,),
            peers=False,
        )
        scores = {
            k.split("/", 1)[1]: round(v, 4) for k, v in report.metrics.items() if k.endswith("_mean")
        }
    clf.fit(data.texts, labels)
    card = {
        "training_corpus": {
            "name": data.name,
            "fingerprint": data.fingerprint,
            "n": len(data),
            "source": "shipped corpus" if corpus is None else str(corpus),
        },
        "seed": seed,
        "cv": {
            "method": "5-fold, stratified by primary label, grouped by article; scored on whole "
            "articles (and leads, the first paragraph, for multi-label corpora)",
            "scores": scores,
        },
    }
    return save_classifier(clf, target, card=card)


def train_shipped_classifier(
    output: str | Path | None = None, seed: int = 0, *, evaluate: bool = True
) -> Path:
    """Retrain the shipped model on the shipped corpus (see :func:`train_classifier`)."""
    return train_classifier(None, output, seed=seed, evaluate=evaluate)


def classify_files(
    paths: Sequence[str], *, model: str | Path | None = None, encoding: str = "utf-8"
) -> list[dict[str, Any]]:
    """Classify text files (``"-"`` reads stdin); one dict per input.

    Parameters
    ----------
    paths : list of str
        Text files, each one raw article; ``"-"`` for standard input; folders and corpus files
        as :func:`topics.classifier.batch.iter_inputs` reads them.
    model : path, optional
        A saved model; default: the shipped one.

    Returns
    -------
    list of dict
        ``{"id", "source", "labels": [...], "german": bool, "scores": {label: probability}}``
        per text, labels ordered by probability (the first is the primary label; ``[]`` = none);
        ``german`` is False for a text of 30+ words with under 8 % German function words
        (:func:`topics.text.language.looks_german`), whose labels mean little. The texts are
        read and classified chunk by chunk (:func:`topics.classifier.batch.iter_classified`):
        memory holds these rows and one chunk of texts, not every input.

    Raises
    ------
    topics.errors.InputError
        If an input cannot be classified (unreadable, empty, not text, an HTML page).
    """
    from topics.classifier.batch import ReadOptions, iter_classified

    def refuse(problem: object) -> None:
        raise InputError(str(problem))

    return list(iter_classified(paths, model=model, options=ReadOptions(encoding=encoding),
                                on_problem=refuse))
