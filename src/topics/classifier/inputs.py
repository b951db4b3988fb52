"""What the classifier accepts (lists of texts, label lists) and what it reads of each text."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from topics.errors import ConfigError, InputError, counted, short
from topics.labels import LabelProblem, label_problem
from topics.text.cleaning import (
    CleanArticle,
    clean_article,
    join_headings,
    looks_like_markup,
    prose_paragraphs,
    sentence_pieces,
)
from topics.text.surface import strip_invisible

__all__ = [
    "check_targets",
    "check_texts",
    "check_thresholds",
    "classified_document",
    "document_of_clean",
    "documents_of",
    "label_kind",
    "label_lists",
    "label_names",
]


def _empty(text: str) -> bool:
    """Blank, or only invisible characters (:data:`topics.text.surface.INVISIBLE`, what
    normalisation removes: zero-width, soft hyphens, direction marks, ...); looked for in short
    texts only: an article is not made of them, and prediction reads every text."""
    core = text.strip()
    return not core or (len(core) < 256 and not strip_invisible(core).strip())


def check_texts(X: Any, action: str) -> list[str]:  # noqa: N803
    if isinstance(X, str):
        raise InputError(
            f"{action}: got one string; pass a list of texts (e.g. [text]), not a bare string"
        )
    if isinstance(X, Mapping) or hasattr(X, "columns") and hasattr(X, "iloc"):
        # iterating gives its keys or column names
        raise InputError(f"{action}: X is a {type(X).__name__}; pass a list of texts (e.g. "
                         "df['text'])")
    if isinstance(X, (bytes, bytearray)):
        raise InputError(
            f"{action}: got bytes; decode them first (e.g. data.decode('utf-8')) and pass [text]"
        )
    try:
        texts = list(X)
    except TypeError:
        raise InputError(
            f"{action}: expected a list of texts, got {type(X).__name__}; pass e.g. [text]"
        ) from None
    if not texts:
        raise InputError(f"{action}: no texts given (an empty list); pass at least one text")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"{action}: text {i} (X[{i}]) is {_described(text)}, not a str; "
                             f"{_text_advice(text)}")
        if _empty(text):  # load_corpus refuses an empty record too
            raise InputError(f"{action}: text {i} is empty; there is nothing to "
                             f"{'learn from' if action == 'fit' else 'classify'}")
        _refuse_markup(text, f"{action}: text {i}")
    return texts


def _text_advice(value: Any) -> str:
    """What to do about a text that is not a str."""
    if isinstance(value, (bytes, bytearray)):
        return "decode it first (e.g. data.decode('utf-8'))"
    if _missing(value):
        return "leave out the texts that are missing (e.g. df.dropna(subset=['text']))"
    return "pass every text as a str"


def _refuse_markup(text: str, where: str) -> None:
    # Tags and scripts would be read as words: an HTML page gets confident, meaningless labels
    # (load_corpus and `topics classify` refuse it in the same words).
    if looks_like_markup(text):
        raise InputError(
            f"{where} is an HTML page, not article text; extract the text first "
            "(e.g. with trafilatura)"
        )


def documents_of(texts: list[str], what: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """Each raw text as :func:`classified_document` gives it: what is scored.

    A text that is only page boilerplate scores as an empty text (its intercepts), as it did in
    training.
    """
    documents = []
    for text in texts:
        if what and not isinstance(text, str):
            raise InputError(f"{what} is {_described(text)}, not a str; pass one text as a str")
        if what and _empty(text):
            raise InputError(f"{what} is empty; there is nothing to classify")
        if what:
            _refuse_markup(text, what)
        documents.append(classified_document(text))
    return documents


# Paragraphs of the shipped corpus have a median of 2 sentences and at most 6 in 99 %: one
# "paragraph" of more is a page whose line breaks were lost, read in pieces of paragraph size.
_LONGEST_PARAGRAPH = 6
_PIECE_SENTENCES = 2


def classified_document(raw: str, pieces: bool = True) -> tuple[str, tuple[str, ...]]:
    """(text, paragraphs) of one raw article as the classifier reads it, in training and after.

    The clean article's prose paragraphs (:func:`~topics.text.cleaning.prose_paragraphs`: no
    headlines, menu lines or teasers of other articles), headings joined; the text is those
    paragraphs. Boilerplate only gives an empty text. With ``pieces``, a text that comes as one
    paragraph of more than six sentences (a page copied without its line breaks) is read in
    pieces of two sentences (:func:`~topics.text.cleaning.sentence_pieces`): the focus model's
    best and lead paragraphs need paragraphs. The whole text's words are the same either way, so
    a single-label model, which reads only the whole text, trains without pieces (on a corpus of
    one-line articles such as 10kGNAD they would multiply its training rows for nothing).
    """
    return document_of_clean(clean_article(raw), pieces)


def document_of_clean(article: CleanArticle, pieces: bool = True) -> tuple[str, tuple[str, ...]]:
    """:func:`classified_document` of an article already cleaned (by :func:`clean_article`)."""
    prose = prose_paragraphs(article.paragraphs)
    text = "\n\n".join(prose)  # the clean text when every paragraph is prose
    paragraphs = tuple(join_headings(prose)) or (text,)
    if pieces and len(paragraphs) == 1:
        cut = sentence_pieces(paragraphs[0], _PIECE_SENTENCES)
        if len(cut) > _LONGEST_PARAGRAPH // _PIECE_SENTENCES:  # more than 3 pieces: > 6 sentences
            paragraphs = tuple(cut)
    return text, paragraphs


def label_lists(y: Any, labels: Sequence[str] | None, action: str = "fit") -> list:
    """Targets as a list; a 2-D 0/1 indicator matrix (dense or sparse) becomes label lists.

    The matrix form lets scikit-learn's own splitters see multi-label targets (``cross_validate(
    clf, texts, indicator, cv=5)``); its columns are ``labels`` (or "0", "1", ... without them).
    A table (a DataFrame, a 2-D array of names), a mapping or a matrix of other values than 0
    and 1 is refused: read as it comes, it would be a list of column names or of ids, or give
    labels to the wrong texts.
    """
    if hasattr(y, "toarray") and getattr(y, "ndim", 0) == 2:  # a scipy sparse indicator matrix
        y = y.toarray()
    if hasattr(y, "columns") and hasattr(y, "iloc"):  # pandas: iterating gives column names
        raise InputError(f"{action}: y is a DataFrame; pass its label column (e.g. "
                         "df['labels']), or a 0/1 indicator matrix as df[labels].to_numpy() with "
                         "labels=labels")
    if isinstance(y, Mapping):  # iterating gives its keys
        raise InputError(f"{action}: y is a {type(y).__name__}; pass a list with one label entry "
                         "per text, in the order of the texts")
    if isinstance(y, np.ndarray) and y.ndim >= 2:
        return _indicator_lists(y, labels, action)
    if isinstance(y, (str, bytes)) or not hasattr(y, "__iter__"):
        raise InputError(
            f"{action}: y, the labels, must be a list with one entry per text (a label list, [] "
            f"for none, or a class name), got {type(y).__name__}"
        )
    return list(y)


def _indicator_lists(y: np.ndarray, labels: Sequence[str] | None, action: str) -> list:
    """The label lists of a 0/1 indicator matrix (one row per text, one column per label)."""
    if y.ndim > 2 or y.dtype.kind not in "biuf":
        shape = " x ".join(map(str, y.shape))
        kind = {"U": "str", "S": "bytes", "O": "objects"}.get(y.dtype.kind, str(y.dtype))
        raise InputError(
            f"{action}: y is a {y.ndim}-D array ({shape}) of {kind}; pass one class name or label "
            "list per text (a column of names: y.ravel()), or a 0/1 indicator matrix (rows: "
            "texts, columns: labels=)")
    names = [str(c) for c in labels] if labels is not None else [str(j) for j in range(y.shape[1])]
    if len(names) != y.shape[1]:
        raise InputError(
            f"{action}: indicator matrix has {counted(y.shape[1], 'column')} but "
            f"{counted(len(names), 'label')}"
        )
    wrong = np.argwhere(~np.isin(y, (0, 1)))
    if len(wrong):  # -1 or NaN would be read as "has the label"
        row, column = wrong[0]
        raise InputError(f"{action}: the indicator matrix y holds {y[row, column].item()!r} (row {row}, "
                         f"column {column}); it holds 1 where a text has the label, else 0")
    return [[names[j] for j in np.flatnonzero(row)] for row in y]


def _missing(value: Any) -> bool:
    """None, NaN or pandas' NA: what pandas gives for an empty cell."""
    return (value is None or isinstance(value, float) and value != value
            or type(value).__name__ == "NAType")


def _described(value: Any) -> str:
    """A value that is not the str it should be, as a message names it."""
    if _missing(value):
        return f"{value!r}, a missing value (an empty cell?)"
    name = type(value).__name__
    article = "" if isinstance(value, (bytes, bytearray)) else "an " if name[:1] in "aeiou" else "a "
    return f"{article}{name} ({short(value)})"


_LISTS = (list, tuple, set, frozenset, np.ndarray)  # what a text's label list may be


def label_kind(y: list, action: str = "fit") -> bool:
    """Whether ``y`` is multi-label (label lists) rather than one class name per text.

    Every entry must be of one kind: a str (a class), or a list, tuple, set or array of str
    (labels, ``[]`` for none). The first entry (or label) that is missing (None, NaN: an empty
    cell read by pandas), not a str, or of the other kind is named, with what to give instead.
    """
    for i, value in enumerate(y):
        if _missing(value):
            raise InputError(
                f"{action}: the label of text {i} is {value!r}, a missing value (an empty cell?); "
                "give every text a class name, or label lists with [] for none of the labels "
                "(e.g. df.labels.fillna('').str.split('|').map(lambda x: [v for v in x if v]))"
            )
        if not isinstance(value, (str, *_LISTS)):
            raise InputError(f"{action}: the label of text {i} (y[{i}]) is {_described(value)}; "
                             "give class names as str (e.g. [str(v) for v in y]), or a list of "
                             "labels per text")
        for label in [] if isinstance(value, str) else value:
            if not isinstance(label, str):  # str() would train a class 'None', 'nan' or '1'
                raise InputError(
                    f"{action}: the labels of text {i} (y[{i}]) hold {_described(label)}; a "
                    "label is a str: give labels by name ([] for none of them), or a 0/1 "
                    "indicator matrix as a 2-D numpy array with labels=")
    multilabel = not isinstance(y[0], str) if y else True
    for i, value in enumerate(y):
        if isinstance(value, str) == multilabel:
            raise InputError(
                f"{action}: text 0 has the label {y[0]!r} but text {i} has {value!r}; give either "
                "a class name (str) per text, or a list of labels per text ([] = none), not both"
            )
    return multilabel


def label_names(y: list, multilabel: bool, labels: Sequence[str] | None) -> list[str]:
    """The classes of a fit (``labels``, or the sorted labels of ``y``), once no label would
    train a wrong model.

    :func:`topics.labels.label_problem` looks at the labels of ``labels=`` and of ``y`` (the
    check that training on a corpus makes): a label ``"a|b"`` of two known labels, one spelled
    two ways, an empty one. Then every label of ``y`` must be in ``labels`` (when given).
    """
    rows = [[value] if not multilabel else value for value in y]
    counts = Counter(str(label) for row in rows for label in row)
    if labels is not None:
        declared = [str(c) for c in labels]
        if twice := next((c for c, n in Counter(declared).items() if n > 1), None):
            raise ConfigError(f"labels={short(declared)} lists {twice!r} twice; give each "
                              "label once (each is a column of predict_proba)")
        if problem := label_problem(dict.fromkeys(declared, 0)):
            raise ConfigError(f"labels={short(declared)}: {problem.describe()}"
                              + _remedy(problem, multilabel, declared=True))
        counts.update(dict.fromkeys(declared, 0))
    if problem := label_problem(counts):
        # the text to name: the first with the label (of spellings, the rarest in y)
        named = {problem.label} if counts[problem.label] else set(problem.spellings)
        i = next((i for i, row in enumerate(rows) if named & set(map(str, row))), None)
        if i is None:  # a label of labels= only, made wrong by the labels of y (a;b, with a, b)
            raise ConfigError(f"labels={short(labels)}: {problem.describe()}"
                              + _remedy(problem, multilabel, declared=True))
        raise InputError(f"fit: text {i} (y[{i}]): {problem.describe(counts, 'text')}"
                         + _remedy(problem, multilabel))
    classes = [str(c) for c in labels] if labels is not None else sorted(counts)
    allowed = set(classes)
    for i, row in enumerate(rows):
        for value in row:
            if str(value) not in allowed:
                raise ConfigError(
                    f"fit: label {str(value)!r} of text {i} is not in labels={classes!r}; "
                    "add it to `labels` or fix the data"
                )
    return classes


def _remedy(problem: LabelProblem, multilabel: bool, declared: bool = False) -> str:
    """What a Python caller does about a label :func:`topics.labels.label_problem` refuses, in
    ``y`` or (``declared``) in ``labels=``."""
    if problem.kind == "empty" and declared:
        return "; leave it out (a text about none of the labels has an empty label list [])"
    if problem.kind == "empty":
        return ("; a text about none of the labels has an empty label list []" if multilabel
                else "; give every text its class name, or label lists ([] for none of the labels)")
    if problem.kind == "joined":
        parts = [part.strip() for part in problem.label.split(problem.sign)]
        if declared:
            return f"; list each label on its own, e.g. {short(parts, 80)}"
        return f"; give the labels as a list, e.g. {short(parts, 80)}" + (
            "" if multilabel else ", one label list per text ([] for none of the labels)")
    return ""  # "spelled" says what to do


def check_targets(targets: np.ndarray, classes: Sequence[str], multilabel: bool) -> None:
    """Refuse targets with no label at all; warn of a class that no text has (it is never
    predicted: nothing teaches it) or, multi-label, that every text has (it is predicted for any
    text). Only a warning: cross-validation folds meet such labels and must still fit."""
    onehot = targets if multilabel else np.eye(len(classes), dtype=int)[targets]
    if not onehot.any():
        raise InputError(
            f"fit: none of the {len(onehot)} texts has a label (every label list is empty), so "
            "there is nothing to learn; label the articles about a label"
        )
    unused = [str(c) for j, c in enumerate(classes) if not onehot[:, j].any()]
    if unused:
        warnings.warn(
            f"fit: label(s) {', '.join(map(repr, unused))} on none of the {len(onehot)} texts: "
            "the model cannot learn them and never predicts them; label some articles with them, "
            "or leave them out of `labels`", UserWarning, stacklevel=5)
    everywhere = [str(c) for j, c in enumerate(classes) if multilabel and onehot[:, j].all()]
    if everywhere:  # e.g. an indicator matrix of ones: a model that gives every label to any text
        warnings.warn(
            f"fit: label(s) {', '.join(map(repr, everywhere))} on every one of the "
            f"{len(onehot)} texts: the model cannot learn what tells them apart and predicts "
            "them for any text; check the labels (an indicator matrix of ones?), label some "
            "articles without them, or leave them out of `labels`", UserWarning, stacklevel=5)


def check_thresholds(value: Any, classes: Sequence[Any]) -> np.ndarray:
    """``thresholds_`` as a float array: one finite probability from 0 to 1 per class.

    The attribute is the user's to set (README: a label's decision moves with it), and it was
    never checked: a wrong length failed in numpy's broadcasting, NaN predicted no label at all,
    a plain list broke saving.

    Raises
    ------
    InputError
        Naming ``thresholds_``, what is wrong with it and the labels it must follow.
    """
    names = [str(c) for c in classes]
    advice = (f"give one threshold from 0 to 1 per label, in classes_ order ({', '.join(names)}), "
              "e.g. clf.thresholds_[j] = 0.3")
    try:
        limits = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"thresholds_ is {short(value)}, not numbers; {advice}") from None
    if limits.shape != (len(names),):
        size = f"{limits.size} value(s)" if limits.ndim == 1 else f"shape {limits.shape}"
        raise InputError(f"thresholds_ has {size} for {counted(len(names), 'label')}; {advice}")
    bad = np.flatnonzero(~(np.isfinite(limits) & (limits >= 0) & (limits <= 1)))
    if bad.size:
        j = int(bad[0])
        raise InputError(f"thresholds_[{j}] (label {names[j]!r}) is {float(limits[j])!r}; {advice}")
    return limits
