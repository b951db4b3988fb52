"""Suggesting which articles to label next: the ones the model is least sure of.

:func:`suggest_labels` reads its inputs as :func:`~topics.classifier.batch.classify_inputs` does,
chunk by chunk (here or as Dask tasks, which may read their own ranges of a corpus file and
groups of text files), and keeps only the ``3 n`` least sure texts of each chunk and of the whole
batch, so memory holds ``3 n`` texts whatever the size of the input. A text that is a
near-duplicate of a kept one (a reprint) is not kept beside it: the less sure of the two stays, so
the ``n`` written are ``n`` stories when the input has them, however often each was reprinted.

A range read by a worker is joined here as ``classify`` joins it
(:class:`~.worker_inputs.RangeJoiner`): a record whose id repeats an earlier range's is skipped,
as the client's reading skips it. If one of the range's candidates was such a record and the
range held more texts than it kept, the next least sure text of the range is missing: the client
then reads that range again itself (rare: a repeated id is an error in the data), so the file is
always the one-process file.
"""

from __future__ import annotations

import csv
import heapq
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from topics.classifier.batch import (
    Reporter,
    Summary,
    load_model,
    probability_columns,
    read_chunk,
    worker_model,
    workers_reading,
)
from topics.classifier.outputs import RowWriter, prepare_output
from topics.classifier.sources import Item, Problem, ReadOptions, chunks, input_paths, iter_inputs
from topics.classifier.worker_inputs import (
    ClassifiedRange,
    CorpusRange,
    RangeEntries,
    RangeJoiner,
    TextFileGroup,
    read_range,
    read_text_files,
)
from topics.corpus.duplicates import ShingleIndex, shingle_sets
from topics.distributed import check_scheduler, map_chunks
from topics.errors import ConfigError, counted
from topics.text.cleaning import clean_text

if TYPE_CHECKING:
    import numpy as np

__all__ = ["suggest_labels"]

_SUGGEST_POOL = 3  # 3 n candidates are kept: slack for near-duplicate chains (A~B, B~C, A!~C)


def _margin(clf, proba: np.ndarray) -> np.ndarray:
    """How far each text is from a different decision: small = the model is unsure."""
    import numpy as np

    if clf.multilabel_:
        return np.abs(proba - clf._thresholds()).min(axis=1)
    top = np.sort(proba, axis=1)
    return top[:, -1] - top[:, -2] if proba.shape[1] > 1 else top[:, -1]


#: what a suggestions file can be: a table to fill in (CSV, JSON Lines), not Parquet
_SUFFIXES = (".csv", ".jsonl", ".ndjson")


def check_suggestions_output(output: Path) -> None:
    """Refuse an output that cannot be a suggestions file, in :func:`topics.fileio.suffix_error`'s
    words: a folder, a name without a suffix, or another format than CSV or JSON Lines."""
    from topics.fileio import suffix_error

    if output.suffix.lower() not in _SUFFIXES or output.is_dir():
        error = suffix_error(output, (".csv", ".jsonl"), "to_label.csv", f"--output {output}")
        raise ConfigError(f"{error} (suggestions are for filling in)")


#: the first columns of every suggestions file; then p_<label> columns (CSV), or `scores`
_SUGGESTION_COLUMNS = ["id", "labels", "text", "source", "predicted", "margin"]


def _a_suggestions_file(columns: list[str]) -> bool:
    """Columns (or a JSON line's keys) as :func:`suggest_labels` writes them: a corpus whose
    ``labels`` are all empty is a researcher's file too, not one of ours."""
    rest = columns[len(_SUGGESTION_COLUMNS):]
    return columns[: len(_SUGGESTION_COLUMNS)] == _SUGGESTION_COLUMNS and (
        rest == ["scores"] or bool(rest) and all(name.startswith("p_") for name in rest))


def check_no_labels_lost(output: Path) -> None:
    """Refuse to write suggestions over a file that is not an earlier suggestions file (by its
    columns), or one whose ``labels`` a researcher has filled in: that work would be lost."""
    from topics.fileio import check_replaceable

    check_replaceable(output, _a_suggestions_file, "a suggestions file of topics suggest-labels "
                      f"(columns {', '.join(_SUGGESTION_COLUMNS)}, p_<label>...)", "--output")
    rows = _label_cells(output)
    if None in rows:
        raise ConfigError(f"--output {output} has a row without a labels column, so it is not "
                          "a suggestions file; writing would replace it: move it away or give "
                          "another --output")
    if labelled := sum(bool(labels) for labels in rows):
        raise ConfigError(f"--output {output} holds {counted(labelled, 'labelled article')}; suggestions "
                          "written over it would lose them: train on it (topics train-classifier "
                          "--corpus ...), move it away, or give another --output")


def _label_cells(output: Path) -> list:
    """The ``labels`` of each row of an existing output (None where a row has none, or for a
    file that cannot be read as a table); [] when there is no such file."""
    if not output.is_file():
        return []
    try:
        with output.open(encoding="utf-8", newline="") as file:
            if output.suffix.lower() == ".csv":
                return [row.get("labels") for row in csv.DictReader(file)]
            return [json.loads(line).get("labels") for line in file if line.strip()]
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, csv.Error, RecursionError):
        return [None]


def suggest_labels(
    paths: str | Path | Sequence[str],
    output: str | Path,
    *,
    n: int = 50,
    model: str | Path | None = None,
    thresholds: Mapping[str, float] | None = None,
    options: ReadOptions | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    scheduler: Any = None,
    n_workers: int | None = None,
    workers_read: bool | None = None,
) -> Summary:
    """Write the ``n`` texts the model is least sure of, for a researcher to label next.

    Sureness is the distance of the closest label's probability from its threshold (two-class
    margin for single-label models). The file (``.csv`` or ``.jsonl``) has a ``labels`` column
    to fill in (an article that came with labels, from a labelled corpus, has them there to
    review: ``written`` and ``labelled`` count them), ``id``, ``text``, ``source``, the current
    ``predicted`` labels, the
    ``margin`` and one probability per label, least sure first; it reads back with
    :func:`topics.load_corpus` (CSV: ``id_column="id", label_separator="|"``). Only ``n`` texts
    are held in memory, whatever the size of the input (``3 n``); a near-duplicate of a less sure
    text, a reprint of the same story, is left out as it comes, so no story has to be labelled
    twice and ``n`` stories are written when the input has them (fewer: ``written`` says so).

    Parameters
    ----------
    paths : str, Path or a sequence of them
        Text files, folders, corpus files, ``-`` for standard input.
    output : path
        ``.csv`` or ``.jsonl``; written atomically.
    n : int, default=50
        How many texts to suggest.
    model, thresholds, options, on_problem
        As :func:`~topics.classifier.batch.classify_inputs` takes them.
    scheduler : None, "local", str or dask.distributed.Client, optional
        Classify the chunks as Dask tasks; each returns only its own ``3 n`` least sure texts,
        and the file is the same as without Dask.
    n_workers : int, optional
        LocalCluster worker processes (default: one per core).
    workers_read : bool, optional
        On Dask, the workers read a JSON Lines or CSV corpus input and text files themselves, as
        :func:`~topics.classifier.batch.classify_inputs` has them do (default: on a
        LocalCluster; a Parquet input's rows on any scheduler, unless False).

    Returns
    -------
    Summary
        ``classified`` texts, ``written`` suggestions, the problems met.
    """
    options = options or ReadOptions()
    if n < 1:
        raise ConfigError(f"-n {n}: suggest at least one article")
    check_suggestions_output(Path(output))
    check_scheduler(scheduler)
    delegate = workers_reading(scheduler, workers_read, options)
    paths = input_paths(paths)
    prepare_output(output, paths)
    check_no_labels_lost(Path(output))
    clf = load_model(model, thresholds)
    labels = [str(c) for c in clf.classes_]
    summary = Summary(output=Path(output))

    def problem(p: Problem) -> None:
        summary.problems.append(p)
        if on_problem is not None:
            on_problem(p)

    pool = _SUGGEST_POOL * n
    if scheduler is None:
        stream = chunks(iter_inputs(paths, options, content=False))
        results = (_least_sure(clf, chunk, pool) for chunk in stream)
    else:
        stream = chunks(iter_inputs(paths, options, content=False, delegate=delegate))
        results = map_chunks(_suggest_chunk, stream, scheduler=scheduler, n_workers=n_workers,
                             model=None if model is None else str(Path(model).resolve()),
                             thresholds=dict(thresholds or {}), options=options, pool=pool)
    report = Reporter(problem)
    joiner = RangeJoiner()
    kept = _Pool(pool)
    for result in results:  # in input order
        if isinstance(result, _SuggestedRange):
            result = _joined(clf, result, joiner, options, pool)
        candidates, notes, classified = result
        report(notes)
        for margin, index, record in candidates:
            kept.offer((-margin, -(summary.classified + index), record))
        summary.classified += classified
    rows = [record for _, _, record in sorted(kept.heap, key=lambda e: (-e[0], -e[1]))][:n]
    columns = ["id", "labels", "text", "source", "predicted", "margin",
               *(f"p_{label}" for label in labels)]
    with RowWriter(output, columns, ["labels", "predicted"]) as out:
        out.write(rows)
    summary.written = len(rows)
    summary.labelled = sum(bool(row["labels"]) for row in rows)
    return summary


def _least_sure(clf, chunk: list[Item | Problem], pool: int):
    """A chunk's ``pool`` least sure texts ``(margin, index in the chunk's texts, record)``, its
    notes, and how many texts it classified."""
    candidates, read = _candidates(clf, chunk, pool)
    return candidates, read.notes, len(read.items)


def _candidates(clf, chunk: list[Item | Problem], pool: int):
    """A chunk's ``pool`` least sure texts (as :func:`_least_sure` gives them) and its
    classification (:func:`~.batch.read_chunk`)."""
    labels = [str(c) for c in clf.classes_]
    read = read_chunk(clf, chunk)
    kept = _Pool(pool)
    for index, (item, row, chosen, margin) in enumerate(zip(
            read.items, read.proba, read.labels, _margin(clf, read.proba), strict=True)):
        record = {
            "id": item.id, "labels": list(item.labels), "text": item.text, "source": item.source,
            "predicted": chosen if isinstance(chosen, list) else [chosen],
            "margin": round(float(margin), 6),
            **probability_columns(labels, row),
        }
        kept.offer((-float(margin), -index, record))
    candidates = [(-negative, -index, record) for negative, index, record in kept.heap]
    return candidates, read


class _Pool:
    """The ``size`` largest entries ``(-margin, -index, record)`` offered (the smallest margins,
    the first seen among equals), no two of them near-duplicates: of two copies of a story the
    larger entry stays. The kept texts' word 5-grams are in a
    :class:`~topics.corpus.duplicates.ShingleIndex` under their entry's index, so memory holds
    ``size`` texts."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.heap: list[tuple[float, int, dict[str, Any]]] = []
        self._index = ShingleIndex()

    def offer(self, entry: tuple[float, int, dict[str, Any]]) -> None:
        """Keep ``entry`` if it is among the ``size`` largest and no kept copy of it is larger."""
        if len(self.heap) >= self.size and entry[:2] <= self.heap[0][:2]:
            return  # checked before the 5-grams are made: most texts stop here
        shingles = shingle_sets([clean_text(entry[2]["text"])])[0]
        if copies := self._index.near(shingles):
            if any(kept[:2] > entry[:2] for kept in self.heap if kept[1] in copies):
                return  # a less sure copy of the story is kept already
            self.heap = [kept for kept in self.heap if kept[1] not in copies]
            heapq.heapify(self.heap)
            for index in copies:
                self._index.discard(index)
        if len(self.heap) >= self.size:
            self._index.discard(heapq.heapreplace(self.heap, entry)[1])
        else:
            heapq.heappush(self.heap, entry)
        self._index.add(entry[1], shingles)


class _SuggestedRange(NamedTuple):
    """A range of a corpus input that a worker read: its least sure texts with the index of
    their entry, its notes with theirs, the entries it classified, and what the reading found
    (without the texts)."""

    task: CorpusRange
    candidates: list[tuple[float, int, dict[str, Any]]]
    notes: list
    note_at: list[int]
    item_at: list[int]
    read: RangeEntries


def _suggest_chunk(chunk: list[Item | Problem] | CorpusRange | TextFileGroup, *,
                   model: str | None, thresholds: dict[str, float], options: ReadOptions,
                   pool: int):
    """One Dask task of :func:`suggest_labels`: a chunk's least sure texts (the model loaded once
    per worker process), or those of text files or a range of a corpus input that the task reads
    itself."""
    clf = worker_model(model, tuple(sorted(thresholds.items())))
    if isinstance(chunk, CorpusRange):
        read = read_range(chunk, options)
        candidates, classified = _candidates(clf, read.entries, pool)
        at = classified.item_at
        return _SuggestedRange(chunk, [(m, at[i], record) for m, i, record in candidates],
                               classified.notes, classified.note_at, at,
                               read._replace(entries=[]))
    if isinstance(chunk, TextFileGroup):
        chunk = read_text_files(chunk, options)
    return _least_sure(clf, chunk, pool)


def _joined(clf, done: _SuggestedRange, joiner: RangeJoiner, options: ReadOptions, pool: int):
    """A worker's range as :func:`_least_sure` gives a chunk: its texts whose id repeats an
    earlier range's are out, as the client's reading skips them."""
    joined = joiner.joined(ClassifiedRange(done.task, done.candidates,
                                           [at for _, at, _ in done.candidates],
                                           done.notes, done.note_at, done.read))
    if joined.skipped:
        return [], [], 0
    kept = [at for at in done.item_at if at not in joined.dropped]
    if len(joined.rows) < len(done.candidates) and len(done.item_at) > pool:
        # a candidate was left out and the range has more texts: its next least sure is not
        # here, so the range is read again, without the left out entries
        entries = read_range(done.task, options).entries
        candidates, _ = _candidates(
            clf, [e for i, e in enumerate(entries) if i not in joined.dropped], pool)
        return candidates, joined.notes, len(kept)
    rank = {at: index for index, at in enumerate(kept)}  # the index among the texts kept
    return [(m, rank[at], record) for m, at, record in joined.rows], joined.notes, len(kept)
