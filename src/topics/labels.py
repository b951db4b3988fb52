"""The label set of the shipped corpus and conversions between label lists and indicator matrices.

The codebook (definitions, multi-label and "none" rules) is ``seeds/LABELS.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

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
