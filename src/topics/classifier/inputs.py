"""What the classifier accepts (lists of texts, label lists) and what it reads of each text."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from topics.errors import InputError, counted
from topics.text.cleaning import (
    CleanArticle,
    clean_article,
    join_headings,
    looks_like_markup,
    prose_paragraphs,
    sentence_pieces,
)

__all__ = [
    "check_targets",
    "check_texts",
    "classified_document",
    "document_of_clean",
    "documents_of",
    "label_kind",
    "label_lists",
]


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # zero-width: no text


def _empty(text: str) -> bool:
    """Blank, or only zero-width characters (looked for in short texts only: an article is
    not made of them, and prediction reads every text)."""
    core = text.strip()
    return not core or (len(core) < 256 and not core.translate(_INVISIBLE).strip())


def check_texts(X: Any, action: str) -> list[str]:  # noqa: N803
    if isinstance(X, str):
        raise InputError(
            f"{action}: got one string; pass a list of texts (e.g. [text]), not a bare string"
        )
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
            raise InputError(f"{action}: text {i} is a {type(text).__name__}, not a str")
        if _empty(text):  # load_corpus refuses an empty record too
            raise InputError(f"{action}: text {i} is empty; there is nothing to "
                             f"{'learn from' if action == 'fit' else 'classify'}")
        _refuse_markup(text, f"{action}: text {i}")
    return texts


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
            raise InputError(f"{what} is a {type(text).__name__}, not a str; pass one text")
        if what and not text.strip():
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


def label_lists(y: Any, labels: Sequence[str] | None) -> list:
    """Targets as a list; a 2-D 0/1 indicator matrix becomes label lists.

    The matrix form lets scikit-learn's own splitters see multi-label targets (``cross_validate(
    clf, texts, indicator, cv=5)``); its columns are ``labels`` (or "0", "1", ... without them).
    """
    if isinstance(y, np.ndarray) and y.ndim == 2:
        names = (
            [str(c) for c in labels] if labels is not None else [str(j) for j in range(y.shape[1])]
        )
        if len(names) != y.shape[1]:
            raise InputError(
                f"fit: indicator matrix has {counted(y.shape[1], 'column')} but "
                f"{counted(len(names), 'label')}"
            )
        return [[names[j] for j in np.flatnonzero(row)] for row in y]
    if isinstance(y, (str, bytes)) or not hasattr(y, "__iter__"):
        raise InputError(
            f"fit: labels must be a list with one entry per text (a label list, [] for none, or "
            f"a class name), got {type(y).__name__}"
        )
    return list(y)


def _missing(value: Any) -> bool:
    """None or NaN: what pandas gives for an empty label cell."""
    return value is None or isinstance(value, float) and value != value


def label_kind(y: list) -> bool:
    """Whether ``y`` is multi-label (label lists) rather than one class name per text.

    Every entry must be of one kind: a str (a class), or a list, tuple or array of str (labels,
    ``[]`` for none). The first entry that is missing (None, NaN: an empty cell read by pandas)
    or of the other kind is named, with what to give instead.
    """
    lists = (list, tuple, np.ndarray)
    for i, value in enumerate(y):
        if _missing(value):
            raise InputError(
                f"fit: the label of text {i} is {value!r}, a missing value (an empty cell?); give "
                "every text a class name, or label lists with [] for none of the labels "
                "(e.g. df.labels.fillna('').str.split('|').map(lambda x: [v for v in x if v]))"
            )
        if not isinstance(value, (str, *lists)):
            raise InputError(f"fit: the label of text {i} is a {type(value).__name__} "
                             f"({value!r}); give a class name (str) or a list of labels")
    multilabel = not isinstance(y[0], str) if y else True
    for i, value in enumerate(y):
        if isinstance(value, str) == multilabel:
            raise InputError(
                f"fit: text 0 has the label {y[0]!r} but text {i} has {value!r}; give either a "
                "class name (str) per text, or a list of labels per text ([] = none), not both"
            )
    return multilabel


def check_targets(targets: np.ndarray, classes: Sequence[str], multilabel: bool) -> None:
    """Refuse targets with no label at all; warn of a class that no text has (it is never
    predicted: nothing teaches it)."""
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
