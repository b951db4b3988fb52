"""Classifying many texts in bounded memory, and suggesting which to label next.

:func:`classify_inputs` classifies what :func:`~topics.classifier.sources.iter_inputs` reads
(files, stdin, folders, corpus files) chunk by chunk and writes each chunk as it comes (JSON Lines,
CSV or Parquet, chosen by the output's suffix); an input that cannot be classified is reported and
the batch goes on. :func:`suggest_labels` keeps only the ``n`` articles the model is least sure
of, for a researcher to label next, in a file :func:`topics.load_corpus` reads back.
"""

from __future__ import annotations

import heapq
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.classifier.sources import (
    DEFAULT_MAX_BYTES,
    Item,
    Problem,
    ReadOptions,
    chunks,
    input_paths,
    iter_inputs,
)
from topics.corpus.duplicates import near_duplicate_groups
from topics.distributed import check_scheduler, map_chunks
from topics.errors import ConfigError
from topics.text.cleaning import clean_text
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
    "classify_inputs",
    "iter_classified",
    "iter_inputs",
    "load_model",
    "parse_thresholds",
    "suggest_labels",
]

OUTPUT_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
NAMED_NOT_GERMAN = 5  # texts named in the note about texts that do not look German
_SUGGEST_POOL = 3  # suggest_labels keeps 3 n candidates, so that n remain once reprints are out


@dataclass
class Summary:
    """What a batch did: texts classified (or suggested), problems met, the output written."""

    classified: int = 0
    problems: list[Problem] = field(default_factory=list)
    output: Path | None = None
    written: int = 0
    not_german: int = 0  # classified texts that do not look German (column ``german`` false)
    not_german_ids: list[str] = field(default_factory=list)  # the first few of them

    def count_language(self, rows: list[dict[str, Any]]) -> None:
        """Count the rows whose text does not look German, keep the first ids."""
        for row in rows:
            if not row["german"]:
                self.not_german += 1
                if len(self.not_german_ids) < NAMED_NOT_GERMAN:
                    self.not_german_ids.append(str(row["id"]))


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
# writing


class _Output:
    """Rows written as they come to JSON Lines, CSV or Parquet (by suffix), or stdout (None)."""

    def __init__(self, path: str | Path | None, columns: list[str], label_columns: list[str]):
        self.path = None if path is None else Path(path)
        self.columns, self.label_columns = columns, label_columns
        self.kind = "jsonl" if self.path is None else output_kind(self.path)
        self._writer: Any = None

    def __enter__(self) -> _Output:
        import io

        from topics.fileio import atomic_stream

        if self.path is None:
            self._file = sys.stdout
            return self
        self._target = atomic_stream(self.path)
        binary = self._target.__enter__()
        if self.kind == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            fields = [pa.field(c, pa.list_(pa.string()) if c in self.label_columns else
                               pa.float64() if c.startswith("p_") or c == "margin" else
                               pa.bool_() if c == "german" else pa.string())
                      for c in self.columns]
            self._schema = pa.schema(fields)
            self._writer = pq.ParquetWriter(_Unclosed(binary), self._schema)
        else:
            self._file = io.TextIOWrapper(_Unclosed(binary), encoding="utf-8", newline="")
            if self.kind == "csv":
                import csv

                self._writer = csv.writer(self._file)
                self._writer.writerow(self.columns)
        return self

    def write(self, rows: list[dict[str, Any]]) -> None:
        if self.kind == "parquet":
            import pyarrow as pa

            table = {c: [r[c] for r in rows] for c in self.columns}
            self._writer.write_table(pa.table(table, schema=self._schema))
        elif self.kind == "csv":
            for row in rows:
                self._writer.writerow(
                    "|".join(row[c]) if c in self.label_columns else row[c] for c in self.columns
                )
        else:
            for row in rows:
                self._file.write(json.dumps(_nested(row), ensure_ascii=False) + "\n")
            if self.path is None:
                self._file.flush()

    def __exit__(self, *exc: Any) -> None:
        if self.path is None:
            return
        if exc[0] is None:
            try:
                self._finish()
            except BaseException as error:
                # a full disk at the last flush: the atomic writer removes the temporary file
                # and says why (FileAccessError), instead of installing a cut-off output
                self._target.__exit__(type(error), error, error.__traceback__)
                raise
        self._target.__exit__(*exc)

    def _finish(self) -> None:
        if self.kind == "parquet":
            self._writer.close()
        else:
            self._file.flush()


class _Unclosed:
    """A binary file whose ``close`` only flushes: the atomic writer closes the real one."""

    def __init__(self, file: Any):
        self._file = file
        self.closed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._file.flush()
        self.closed = True


def _nested(row: dict[str, Any]) -> dict[str, Any]:
    """A JSON row: the p_<label> columns as one ``scores`` object."""
    out = {k: v for k, v in row.items() if not k.startswith("p_")}
    out["scores"] = {k[2:]: v for k, v in row.items() if k.startswith("p_")}
    return out


def output_kind(path: Path) -> str:
    """The output format of a path, by suffix; Parquet needs pyarrow (checked here, before work)."""
    kind = OUTPUT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ConfigError(
            f"--output {path}: unknown format {path.suffix!r}; use .jsonl, .csv or .parquet"
        )
    if kind == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ConfigError(
                "writing Parquet needs pyarrow, which is not installed: `uv sync --extra parquet` "
                "(or `pip install 'topics[parquet]'`), or write .csv / .jsonl"
            ) from None
    return kind


def _prepare_output(output: str | Path | None, paths: Sequence[str]) -> None:
    from topics.fileio import check_not_an_input, check_writable

    if output is not None:
        path = Path(output)
        output_kind(path)
        if path.is_dir():
            raise ConfigError(f"--output {path} is a folder; give a file name (.jsonl, .csv, .parquet)")
        check_not_an_input(path, paths)
        check_writable(path.parent if str(path.parent) else ".", "write the output here")


# ------------------------------------------------------------------------------------------------
# the two batch jobs


def _scores(clf, items: list[Item]) -> tuple[np.ndarray, list]:
    proba = clf.predict_proba([item.text for item in items])
    return proba, clf._labels_from_proba(proba)


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
) -> Summary:
    """Classify every text ``paths`` name, chunk by chunk, writing each chunk as it comes.

    Rows are ``id``, ``source``, ``labels`` (predicted, most probable first), ``german``
    (False for a text of 30+ words with under 8 % German function words, see
    :func:`topics.text.language.looks_german`: its labels mean little) and one probability per
    label (``p_<label>`` columns in CSV/Parquet, a ``scores`` object in JSON Lines). Memory holds
    one chunk (at most 512 texts or 2 million characters) at a time.

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
        atomically: an interrupted batch leaves no partial file.
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

    Returns
    -------
    Summary
    """
    options = options or ReadOptions()
    check_scheduler(scheduler)
    paths = input_paths(paths)
    _prepare_output(output, paths)
    clf = load_model(model, thresholds)
    labels = [str(c) for c in clf.classes_]
    summary = Summary(output=None if output is None else Path(output))

    def problem(p: Problem) -> None:
        summary.problems.append(p)
        if on_problem is not None:
            on_problem(p)

    columns = ["id", "source", "labels", "german", *(f"p_{label}" for label in labels)]
    stream = chunks(iter_inputs(paths, options), problem)
    if scheduler is None:
        results = (_rows(clf, chunk) for chunk in stream)
    else:  # the workers load the model themselves (once each): only its path travels
        results = map_chunks(_classify_chunk, stream, scheduler=scheduler, n_workers=n_workers,
                             model=None if model is None else str(Path(model).resolve()),
                             thresholds=dict(thresholds or {}))
    with _Output(output, columns, ["labels"]) as out:
        for rows in results:
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
    for chunk in chunks(iter_inputs(input_paths(paths), options or ReadOptions()), on_problem):
        yield from (_nested(row) for row in _rows(clf, chunk))


def _rows(clf, chunk: list[Item]) -> list[dict[str, Any]]:
    """The output rows of one chunk: id, source, predicted labels, whether the text looks German,
    one probability per label."""
    labels = [str(c) for c in clf.classes_]
    proba, predicted = _scores(clf, chunk)
    rows = []
    for item, row, chosen in zip(chunk, proba, predicted, strict=True):
        chosen = chosen if isinstance(chosen, list) else [chosen]
        rows.append({"id": item.id, "source": item.source, "labels": chosen,
                     "german": looks_german(item.text),
                     **{f"p_{c}": round(float(p), 6) for c, p in zip(labels, row, strict=True)}})
    return rows


@lru_cache(maxsize=2)
def _worker_model(model: str | None, thresholds: tuple[tuple[str, float], ...]):
    return load_model(model, dict(thresholds) or None)


def _classify_chunk(chunk: list[Item], *, model: str | None,
                    thresholds: dict[str, float]) -> list[dict[str, Any]]:
    """One Dask task: a chunk's rows, the model loaded once per worker process."""
    return _rows(_worker_model(model, tuple(sorted(thresholds.items()))), chunk)


def _margin(clf, proba: np.ndarray) -> np.ndarray:
    """How far each text is from a different decision: small = the model is unsure."""
    import numpy as np

    if clf.multilabel_:
        return np.abs(proba - clf.thresholds_).min(axis=1)
    top = np.sort(proba, axis=1)
    return top[:, -1] - top[:, -2] if proba.shape[1] > 1 else top[:, -1]


def suggest_labels(
    paths: str | Path | Sequence[str],
    output: str | Path,
    *,
    n: int = 50,
    model: str | Path | None = None,
    thresholds: Mapping[str, float] | None = None,
    options: ReadOptions | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> Summary:
    """Write the ``n`` texts the model is least sure of, for a researcher to label next.

    Sureness is the distance of the closest label's probability from its threshold (two-class
    margin for single-label models). The file (``.csv`` or ``.jsonl``) has an empty ``labels``
    column to fill in, ``id``, ``text``, ``source``, the current ``predicted`` labels, the
    ``margin`` and one probability per label, least sure first; it reads back with
    :func:`topics.load_corpus` (CSV: ``id_column="id", label_separator="|"``). Only ``n`` texts
    are held in memory, whatever the size of the input (``3 n``: a near-duplicate of a less sure
    text, a reprint of the same story, is left out, so no story has to be labelled twice).
    """
    options = options or ReadOptions()
    if n < 1:
        raise ConfigError(f"-n {n}: suggest at least one article")
    if output_kind(Path(output)) == "parquet":
        raise ConfigError("--output: suggestions are for filling in; write .csv or .jsonl")
    paths = input_paths(paths)
    _prepare_output(output, paths)
    clf = load_model(model, thresholds)
    labels = [str(c) for c in clf.classes_]
    summary = Summary(output=Path(output))
    heap: list[tuple[float, int, dict[str, Any]]] = []
    seen = 0

    def problem(p: Problem) -> None:
        summary.problems.append(p)
        if on_problem is not None:
            on_problem(p)

    for chunk in chunks(iter_inputs(paths, options), problem):
        proba, predicted = _scores(clf, chunk)
        for item, row, chosen, margin in zip(chunk, proba, predicted, _margin(clf, proba),
                                             strict=True):
            record = {
                "id": item.id, "labels": [], "text": item.text, "source": item.source,
                "predicted": chosen if isinstance(chosen, list) else [chosen],
                "margin": round(float(margin), 6),
                **{f"p_{c}": round(float(p), 6) for c, p in zip(labels, row, strict=True)},
            }
            entry = (-float(margin), -seen, record)  # keep the smallest margins (first seen)
            if len(heap) < _SUGGEST_POOL * n:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)
            seen += 1
        summary.classified += len(chunk)
    pool = [record for _, _, record in sorted(heap, key=lambda e: (-e[0], -e[1]))]
    groups = near_duplicate_groups([clean_text(record["text"]) for record in pool])
    rows = [record for i, record in enumerate(pool) if groups[i] == i][:n]
    columns = ["id", "labels", "text", "source", "predicted", "margin",
               *(f"p_{label}" for label in labels)]
    with _Output(output, columns, ["labels", "predicted"]) as out:
        out.write(rows)
    summary.written = len(rows)
    return summary

