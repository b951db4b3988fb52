"""The label set of the shipped corpus and conversions between label lists and indicator matrices.

The codebook (definitions, multi-label and "none" rules) is ``seeds/LABELS.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from topics.errors import counted, short

LABELS: tuple[str, ...] = (
    "people_to_people_diplomacy",
    "defence_cooperation",
    "border_relations",
    "digital_government",
)
"""The four labels of the shipped corpus, in codebook order."""


def to_indicator(labels: Iterable[Sequence[str]], label_set: Sequence[str] = LABELS) -> np.ndarray:
    """Turn label lists into an ``(n, len(label_set))`` 0/1 matrix.

    Parameters
    ----------
    labels : iterable of sequences of str
        One label list per document; an empty list means "none of the labels".
    label_set : sequence of str
        The columns, in order.

    Returns
    -------
    numpy.ndarray of int
        The indicator matrix.

    Raises
    ------
    ValueError
        If a label is not in ``label_set``.
    """
    index = {label: i for i, label in enumerate(label_set)}
    rows = list(labels)
    matrix = np.zeros((len(rows), len(index)), dtype=int)
    for row, doc_labels in enumerate(rows):
        for label in doc_labels:
            if label not in index:
                raise ValueError(
                    f"document {row}: unknown label {label!r}; allowed labels: {', '.join(label_set)}"
                )
            matrix[row, index[label]] = 1
    return matrix


def from_indicator(matrix: np.ndarray, label_set: Sequence[str] = LABELS) -> list[list[str]]:
    """Turn a 0/1 indicator matrix back into label lists (in ``label_set`` order)."""
    return [[label_set[j] for j in np.flatnonzero(row)] for row in np.asarray(matrix)]


#: what a label cell that lists several labels is most often separated with
SEPARATORS = ("|", ";", ",")


@dataclass(frozen=True)
class LabelProblem:
    """A label that would train a model on mislabelled texts (:func:`label_problem`).

    ``kind`` is ``"empty"`` (a label ``""``), ``"separator"`` (a label holding the separator the
    labels were split on), ``"joined"`` (several labels in one string, joined by ``sign``) or
    ``"spelled"`` (``spellings``, one label written in several cases or with spaces);
    ``label`` is the one to name (of spellings, the rarest).
    """

    kind: str
    label: str
    sign: str = ""
    spellings: tuple[str, ...] = ()

    def describe(self, counts: Mapping[str, int] | None = None, noun: str = "article") -> str:
        """What is wrong, in the words every caller uses; the caller says where and what to do
        (a ``"spelled"`` problem's remedy is the same everywhere and said here). ``counts``
        gives each spelling's number of ``noun``; ``None``: declared labels, no counts."""
        if self.kind == "empty":
            return f"an empty label {self.label!r}"
        if self.kind == "separator":
            return (f"the label {short(self.label)} holds the separator {self.sign!r} but was read "
                    "as one label")
        if self.kind == "joined":  # shortened: a text read as the label (columns swapped)
            return f"the label {short(self.label)} looks like several labels read as one"
        shown = ", ".join(short(label) if counts is None else
                          f"{short(label)} ({counted(counts.get(label, 0), noun)})"
                          for label in self.spellings)
        return (f"the labels {shown} differ only in case or spaces and would be learnt as "
                "different labels; write each label one way")


def label_problem(counts: Mapping[str, int], separator: str | None = None) -> LabelProblem | None:
    """The first label of ``counts`` that would train a model on mislabelled texts, or ``None``.

    A text labelled ``a|b`` would be a negative of ``a`` and of ``b`` and teach a class of its
    own ``"a|b"``; one labelled ``Border_Relations`` or ``" border_relations"`` a negative of
    ``border_relations``; one labelled ``""`` a class without a name. The corpus reader's
    training (:func:`topics.classifier.shipped.label_problem`) and ``ArticleClassifier.fit``
    refuse them with this one check, each in its own words.

    Parameters
    ----------
    counts : mapping of str to int
        Every label and on how many texts it is (0 for a declared label no text has).
    separator : str, optional
        The separator label cells were split on (``label_separator``); ``None``: labels given
        as lists, never split.

    Returns
    -------
    LabelProblem or None
        The problem, or ``None`` when the labels can be trained on.
    """
    for label in counts:
        if not label.strip():
            return LabelProblem("empty", label)
    for label in counts:
        # a label cell is split on the separator; an item of a list is one label as written, so
        # a separator left in one is a list item not split
        if separator is not None and separator in label:
            return LabelProblem("separator", label, separator)
        if sign := _joined(label, counts, separator):
            return LabelProblem("joined", label, sign)
    spellings: dict[str, list[str]] = {}
    for label in sorted(counts):
        spellings.setdefault(" ".join(label.split()).casefold(), []).append(label)
    for same in spellings.values():
        if len(same) > 1:
            rarest = min(same, key=lambda label: counts[label])
            return LabelProblem("spelled", rarest, spellings=tuple(same))
    return None


def _joined(label: str, counts: Mapping[str, int], separator: str | None) -> str:
    """The sign that joins several labels in ``label``, or ``""``: ``|`` (the separator the
    suggest-labels file is filled in with), or ``;`` or ``,`` between labels found alone; the
    ``separator`` labels were split on is looked at by the caller."""
    for sign in SEPARATORS:
        if sign == separator or sign not in label:
            continue
        if sign == "|" or all(part.strip() in counts for part in label.split(sign)):
            return sign
    return ""
