"""Classifying many texts in bounded memory.

:func:`classify_inputs` classifies what :func:`~topics.classifier.sources.iter_inputs` reads
(files, stdin, folders, corpus files) chunk by chunk and writes each chunk as it comes
(:mod:`.outputs`); an input that cannot be classified is reported and the batch goes on. Each
text is cleaned once: reading leaves the look at the clean text (a file of only boilerplate, a
record that is not German...) to the chunk, which cleans for the model anyway. The same
reading and classification of a chunk serve :mod:`.suggestions` (which articles to label next).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from topics.classifier.outputs import (
    OUTPUT_SUFFIXES,
    EncodedRow,
    RowWriter,
    encode_rows,
    nested_row,
    output_kind,
    prepare_output,
)
from topics.classifier.sources import (
    DEFAULT_MAX_BYTES,
    Item,
    Problem,
    ReadOptions,
    after_cleaning,
    chunks,
    input_paths,
    iter_inputs,
)
from topics.classifier.worker_inputs import (
    ClassifiedRange,
    CorpusRange,
    RangeJoiner,
    TextFileGroup,
    corpus_ranges,
    read_range,
    read_text_files,
    said_here,
    text_file_groups,
    workers_should_read,
)
from topics.corpus.checks import RecordChecker
from topics.corpus.compression import is_compressed
from topics.distributed import check_scheduler, map_chunks, workers_read_paths
from topics.errors import ConfigError
from topics.text.language import looks_german

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "DEFAULT_MAX_BYTES",
    "OUTPUT_SUFFIXES",
    "Item",
    "Problem",
    "ReadOptions",
    "Summary",
    "WorkersRead",
    "classify_inputs",
    "iter_classified",
    "iter_inputs",
    "load_model",
    "parse_thresholds",
    "workers_reading",
]

NAMED_NOT_GERMAN = 5  # texts named in the note about texts that do not look German
_LABEL_COLUMNS = ["labels"]  # the output's column of label lists


@dataclass
class Summary:
    """What a batch did: texts classified (or suggested), problems met, the output written."""

    classified: int = 0
    problems: list[Problem] = field(default_factory=list)
    output: Path | None = None
    written: int = 0
    labelled: int = 0  # suggestions written with the labels their article came with
    not_german: int = 0  # classified texts that do not look German (column ``german`` false)
    not_german_ids: list[str] = field(default_factory=list)  # the first few of them

    def count_language(self, rows: list[dict[str, Any]] | list[EncodedRow]) -> None:
        """Count the rows whose text does not look German, keep the first ids."""
        for row in rows:
            german, row_id = (row.german, row.id) if isinstance(row, EncodedRow) else (
                row["german"], row["id"])
            if not german:
                self.not_german += 1
                if len(self.not_german_ids) < NAMED_NOT_GERMAN:
                    self.not_german_ids.append(str(row_id))


# ------------------------------------------------------------------------------------------------
# the model and its thresholds


def parse_thresholds(values: Sequence[str]) -> dict[str, float]:
    """``["label=0.7", ...]`` -> ``{"label": 0.7}`` (checked against a model later)."""
    out = {}
    for value in values:
        label, sep, number = value.partition("=")
        try:
            threshold = float(number)
        except ValueError:
            threshold = float("nan")
        if not sep or not label.strip() or not 0.0 <= threshold <= 1.0:
            raise ConfigError(
                f"--threshold {value!r}: expected LABEL=VALUE with a value from 0 to 1, "
                "e.g. --threshold border_relations=0.7"
            )
        if label.strip() in out:
            raise ConfigError(f"--threshold: {label.strip()!r} is given twice "
                              f"({out[label.strip()]} and {threshold}); give it once")
        out[label.strip()] = threshold
    return out


def load_model(model: str | Path | None, thresholds: Mapping[str, float] | None = None):
    """The classifier to use (``None`` = the shipped one) with the given per-label thresholds."""
    import numpy as np

    from topics.classifier.persistence import load_classifier

    clf = load_classifier(model)
    if thresholds:
        classes = [str(c) for c in clf.classes_]
        if not clf.multilabel_:
            raise ConfigError("--threshold: this is a single-label model; it has no thresholds")
        limits = np.array(clf.thresholds_, dtype=np.float64)
        for label, value in thresholds.items():
            if label not in classes:
                raise ConfigError(
                    f"--threshold: unknown label {label!r}; the model's labels are "
                    f"{', '.join(classes)}"
                )
            limits[classes.index(label)] = value
        clf.thresholds_ = limits
    return clf


# ------------------------------------------------------------------------------------------------
# the two batch jobs


Warned = tuple[str, str, str | None, str]  # a record's warning: (source, where, kind, message)


class _Read(NamedTuple):
    """A chunk after its one cleaning: the items classified, their probabilities and labels,
    and in input order what is to be said about the rest (an input that could not be read or
    holds only boilerplate, a :class:`Problem`; a record's warning, :data:`Warned`)."""

    items: list[Item]
    german: list[bool]
    proba: np.ndarray
    labels: list
    notes: list[Problem | Warned]
    item_at: list[int]  # the index in the chunk of each item
    note_at: list[int]  # and of each note


def read_chunk(clf, chunk: list[Item | Problem]) -> _Read:
    """Classify a chunk read with ``content=False``: each text is cleaned once, for the model and
    for the look at its clean text that reading left out (:func:`~.sources.after_cleaning`)."""
    import numpy as np

    from topics.classifier.inputs import document_of_clean
    from topics.text.cleaning import clean_article

    items, german, documents, notes, item_at, note_at = [], [], [], [], [], []
    for at, item in enumerate(chunk):
        if isinstance(item, Problem):
            notes.append(item)
            note_at.append(at)
            continue
        clean = clean_article(item.text)
        is_german = looks_german(clean.text)
        verdict = after_cleaning(item, clean.text, is_german)
        if verdict is not None:
            notes.append(verdict if isinstance(verdict, Problem) else (item.source, *verdict))
            note_at.append(at)
        if isinstance(verdict, Problem):
            continue
        items.append(item)
        item_at.append(at)
        german.append(is_german)
        documents.append(document_of_clean(clean))
    if not items:
        return _Read(items, german, np.zeros((0, len(clf.classes_))), [], notes, [], note_at)
    proba = clf._proba_of_documents(documents)
    return _Read(items, german, proba, clf._labels_from_proba(proba), notes, item_at, note_at)


class Reporter:
    """Reports what the chunks found, in input order: an input that was not classified as a
    problem, a record's warning as reading would have given it (the first few of a kind by
    name, per corpus file)."""

    def __init__(self, problem: Callable[[Problem], None]):
        self.problem = problem
        self._checkers: dict[str, RecordChecker] = {}

    def __call__(self, notes: list[Problem | Warned]) -> None:
        for note in notes:
            if isinstance(note, Problem):
                self.problem(said_here(note))  # a worker's problem, as this machine sees it
                continue
            source, where, kind, message = note
            checker = self._checkers.setdefault(source, RecordChecker(None, content=False))
            checker.report(where, kind, message)


def classify_inputs(
    paths: str | Path | Sequence[str],
    *,
    model: str | Path | None = None,
    thresholds: Mapping[str, float] | None = None,
    output: str | Path | None = None,
    options: ReadOptions | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    scheduler: Any = None,
    n_workers: int | None = None,
    workers_read: bool | None = None,
) -> Summary:
    """Classify every text ``paths`` name, chunk by chunk, writing each chunk as it comes.

    Rows are ``id``, ``source``, ``labels`` (predicted, most probable first), ``german``
    (False for a clean text of 30+ words with under 8 % German function words, see
    :func:`topics.text.language.looks_german`: its labels mean little) and one probability per
    label (``p_<label>`` columns in CSV/Parquet, a ``scores`` object in JSON Lines). Memory holds
    one chunk (at most 512 texts or 2 million characters) at a time; a Parquet output also holds
    up to 10,000 output rows, its row group.

    Parameters
    ----------
    paths : str, Path or a sequence of them
        Text files, folders, corpus files, ``-`` for standard input (one path alone is one
        input).
    model : path, optional
        A model saved by :func:`~topics.classifier.save_classifier`; default: the shipped one.
    thresholds : mapping of str to float, optional
        Per-label probability thresholds replacing the model's.
    output : path, optional
        ``.jsonl``, ``.csv`` or ``.parquet``; default: JSON Lines on standard output. Written
        atomically: an interrupted batch leaves no partial file, and one that classified
        nothing leaves no file.
    options : ReadOptions, optional
        Encoding, size limit of one article, corpus options.
    on_problem : callable, optional
        Called with each input that could not be classified (the batch goes on).
    scheduler : None, "local", str or dask.distributed.Client, optional
        Classify the chunks as Dask tasks (:func:`topics.distributed.map_chunks`): ``"local"``
        starts a LocalCluster of ``n_workers`` processes, an address uses a running scheduler
        whose workers read ``model`` at the same path. Reading and writing stay here, in input
        order: the output is the same file as without Dask.
    n_workers : int, optional
        LocalCluster worker processes (default: one per core).
    workers_read : bool, optional
        On Dask, a JSON Lines or CSV corpus input and text files (a folder's, or named one
        after another) are read by the workers, each task its own range of lines or group of files
        (:mod:`~topics.classifier.worker_inputs`), instead of here; the output and the messages
        are the same. The workers must see the inputs at the same path. Default (``None``): on
        a LocalCluster (``scheduler="local"``), not on an address or a Client. A Parquet input
        is decoded here and its rows checked by the workers on any scheduler, unless False.

    Returns
    -------
    Summary
    """
    options = options or ReadOptions()
    check_scheduler(scheduler)
    delegate = workers_reading(scheduler, workers_read, options)
    paths = input_paths(paths)
    prepare_output(output, paths)
    clf = load_model(model, thresholds)
    labels = [str(c) for c in clf.classes_]
    summary = Summary(output=None if output is None else Path(output))

    def problem(p: Problem) -> None:
        summary.problems.append(p)
        if on_problem is not None:
            on_problem(p)

    columns = ["id", "source", "labels", "german", *(f"p_{label}" for label in labels)]
    if scheduler is None:
        stream = chunks(iter_inputs(paths, options, content=False))
        results = (_rows(clf, chunk) for chunk in stream)
    else:  # the workers load the model themselves (once each): only its path travels
        stream = chunks(iter_inputs(paths, options, content=False, delegate=delegate))
        kind = "jsonl" if output is None else output_kind(Path(output))
        results = map_chunks(_classify_chunk, stream, scheduler=scheduler, n_workers=n_workers,
                             model=None if model is None else str(Path(model).resolve()),
                             thresholds=dict(thresholds or {}), options=options,
                             encoding=None if kind == "parquet" else (kind, columns))
    report = Reporter(problem)
    joiner = RangeJoiner()
    with RowWriter(output, columns, _LABEL_COLUMNS) as out:
        for result in results:
            rows, notes = joiner.join(result) if isinstance(result, ClassifiedRange) else result
            report(notes)
            out.write(rows)
            summary.classified += len(rows)
            summary.count_language(rows)
    summary.written = summary.classified
    return summary


def iter_classified(
    paths: str | Path | Sequence[str],
    *,
    model: str | Path | None = None,
    options: ReadOptions | None = None,
    on_problem: Callable[[Problem], None],
) -> Iterator[dict[str, Any]]:
    """Each input's row as JSON Lines holds it (``scores`` one object), read and classified
    chunk by chunk: memory holds one chunk of texts, however many ``paths`` name.

    Parameters
    ----------
    paths : str, Path or a sequence of them
        As :func:`classify_inputs` takes them.
    model : path, optional
        A saved model; default: the shipped one.
    options : ReadOptions, optional
        Encoding, size limit of one article, corpus options.
    on_problem : callable
        Called with each input that could not be classified, before the rows of its chunk.

    Yields
    ------
    dict
        ``id``, ``source``, ``labels`` (a list, most probable first; ``[]`` = none), ``german``,
        ``scores`` (label -> probability).
    """
    clf = load_model(model)
    report = Reporter(on_problem)
    inputs = iter_inputs(input_paths(paths), options or ReadOptions(), content=False)
    for chunk in chunks(inputs):
        rows, notes = _rows(clf, chunk)
        report(notes)
        yield from (nested_row(row) for row in rows)


def _rows(clf, chunk: list[Item | Problem]):
    """The output rows of one chunk (id, source, predicted labels, whether the text looks German,
    one probability per label) and what is to be said about the rest, in input order."""
    rows, read = _rows_read(clf, chunk)
    return rows, read.notes


def _rows_read(clf, chunk: list[Item | Problem]) -> tuple[list[dict[str, Any]], _Read]:
    labels = [str(c) for c in clf.classes_]
    read = read_chunk(clf, chunk)
    rows = []
    for item, german, row, chosen in zip(read.items, read.german, read.proba, read.labels,
                                         strict=True):
        chosen = chosen if isinstance(chosen, list) else [chosen]
        rows.append({"id": item.id, "source": item.source, "labels": chosen, "german": german,
                     **probability_columns(labels, row)})
    return rows, read


def probability_columns(labels: list[str], row: np.ndarray) -> dict[str, float]:
    """One text's probabilities as the output's ``p_<label>`` columns, to 6 decimals."""
    return {f"p_{c}": round(float(p), 6) for c, p in zip(labels, row, strict=True)}


def workers_reading(scheduler: Any, workers_read: bool | None,
                    options: ReadOptions) -> WorkersRead | None:
    """What the Dask workers read of a batch's inputs (``workers_read`` as
    :func:`classify_inputs` takes it): JSON Lines and CSV inputs and text files by default on a
    LocalCluster, a Parquet input's rows on any scheduler; ``None`` when ``workers_read`` is
    False."""
    paths = workers_read_paths(scheduler, workers_read)
    return None if workers_read is False else WorkersRead(options, paths)


class WorkersRead:
    """The :class:`~.sources.Delegate` that leaves a Parquet input's decoded rows to the Dask
    workers and, with ``paths`` (the workers see the inputs), JSON Lines and CSV inputs and text
    files."""

    def __init__(self, options: ReadOptions, paths: bool) -> None:
        self.options, self.paths = options, paths
        self._readings = itertools.count()

    def corpus(self, path: Path, kind: str) -> Iterator[CorpusRange] | None:
        if kind != "parquet" and not (self.paths and workers_should_read(path, kind, self.options)):
            return None
        if is_compressed(path):  # a compressed Parquet file: the client's reading refuses it
            return None
        return corpus_ranges(path, next(self._readings), kind=kind, options=self.options)

    def text_files(self, files: list[Path]) -> Iterator[TextFileGroup] | None:
        return text_file_groups(files, self.options) if self.paths else None


@lru_cache(maxsize=2)
def worker_model(model: str | None, thresholds: tuple[tuple[str, float], ...]):
    return load_model(model, dict(thresholds) or None)


def _classify_chunk(chunk: list[Item | Problem] | CorpusRange | TextFileGroup, *, model: str | None,
                    thresholds: dict[str, float], options: ReadOptions,
                    encoding: tuple[str, list[str]] | None):
    """One Dask task: a chunk's rows and notes (the model loaded once per worker process); or
    text files or a range of a corpus input that the task reads itself (a range's result is
    joined by the client). With ``encoding`` (the output's kind and columns, JSON Lines or CSV)
    the rows come as their output lines, so that the client only copies them out."""
    clf = worker_model(model, tuple(sorted(thresholds.items())))
    if isinstance(chunk, CorpusRange):
        read = read_range(chunk, options)
        rows, classified = _rows_read(clf, read.entries)
        return ClassifiedRange(chunk, _encoded(rows, encoding), classified.item_at,
                               classified.notes, classified.note_at, read._replace(entries=[]))
    if isinstance(chunk, TextFileGroup):
        chunk = read_text_files(chunk, options)
    rows, notes = _rows(clf, chunk)
    return _encoded(rows, encoding), notes


def _encoded(rows: list[dict[str, Any]],
             encoding: tuple[str, list[str]] | None) -> list[dict[str, Any]] | list[EncodedRow]:
    return rows if encoding is None else encode_rows(rows, *encoding, _LABEL_COLUMNS)
