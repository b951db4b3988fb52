"""A topic browser for a stored run: one self-contained ``report.html``.

::

    from topics.experiments.report import write_report
    write_report("experiments/runs/<run>")          # -> experiments/runs/<run>/report.html

or ``topics report RUN``; :func:`topics.run_experiment` (and so ``topics run``) writes it at the
end of every run unless ``outputs.report: false`` or ``report=False`` / ``--no-report``. The file
needs no network and no server: plotly.js is inlined (about 4.6 MB, from the plotly package), every
figure is JSON drawn by plotly in the browser, the rest is plain HTML and CSS
(:mod:`topics.experiments.report_html`).

For every topic model of the run (config order) it shows

* the topics: id, a name (the top four words joined), size and share, the top ten words;
* an interactive document map: the units in two dimensions (PCA of the stored unit embeddings for
  BERTopic, of the document × topic matrix for LDA/NMF), coloured by topic (or, from a menu, by
  primary label); hovering shows the unit id, its labels, its topic and its first words;
* the topic × primary-label heatmap (rows = topic names, cell text = counts, colour = share);
* the top documents of each topic (highest topic probability, else closest to the topic's centroid)
  with unit id, article id, labels and their first words;

and then the classifier's cross-validated results (``tables/classifier_cv.csv``, per label) and its
errors (``documents/classifier_predictions.csv``: articles whose predicted labels differ from the
gold labels; the final model's in-sample predictions).

It reads only files of the run directory: ``models/topics_<name>/`` without rebuilding the
estimator (fast), falling back to ``tables/topics_<name>.csv`` and ``documents/topics_<name>.csv``
where the models were not saved or cannot be read (then without map and top documents; a note says
why, and names the tables that are missing too). No pandas: a report of the main job's run takes a
few seconds of CPU.
"""

from __future__ import annotations

import csv
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from topics.errors import ModelFileError, RunError
from topics.experiments.report_html import LabelCounts, ModelView, render_page
from topics.experiments.store import Run, load_run
from topics.fileio import atomic_write, refuse_to_replace

__all__ = ["REPORT_FILE", "document_coordinates", "render_report", "write_report"]

REPORT_FILE = "report.html"
log = logging.getLogger("topics.experiments")
T = TypeVar("T")


def document_coordinates(result: Any) -> np.ndarray | None:
    """2-D coordinates of a topic model's units, the same every time.

    Parameters
    ----------
    result : topics.TopicModelResult
        Or anything with ``documents``, ``embeddings`` and ``distributions``.

    Returns
    -------
    numpy.ndarray or None
        Shape (units, 2): PCA (numpy SVD, component signs fixed by their largest loading) of the
        unit embeddings, else of the document × topic matrix; ``None`` when it has neither.
    """
    data = result.embeddings if result.embeddings is not None else result.distributions
    if data is None:
        return None
    x = np.asarray(data, dtype=float)
    if x.ndim != 2 or len(x) != len(result.documents) or len(x) < 2:
        return None
    x = x - x.mean(axis=0)
    if x.shape[1] == 1:
        return np.column_stack([x[:, 0], np.zeros(len(x))])
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    coords = u[:, :2] * s[:2]
    for j in range(coords.shape[1]):  # the sign of a component is arbitrary: fix it
        if vt[j, np.argmax(np.abs(vt[j]))] < 0:
            coords[:, j] *= -1
    if coords.shape[1] == 1:
        coords = np.column_stack([coords[:, 0], np.zeros(len(coords))])
    return coords


# ------------------------------------------------------------------------------------------------
# reading a run


def _from_result(model: ModelView, result: Any) -> None:
    from topics.evaluation.topic_metrics import primary_labels

    model.unit = result.unit
    model.topics = {int(t): list(words) for t, words in result.topics.items()}
    model.sizes = dict(result.sizes)
    assignments = np.asarray(result.assignments, dtype=int)
    model.documents = [
        {"id": d.id, "article_id": d.article_id, "labels": list(d.labels), "text": d.text,
         "topic": int(t)}
        for d, t in zip(result.documents, assignments, strict=True)
    ]
    model.coords = document_coordinates(result)
    model.coords_source = (
        "unit embeddings" if result.embeddings is not None else "document × topic matrix"
    )
    model.top_documents = _top_documents(result, assignments)
    if any(d.labels for d in result.documents):
        model.label_table = LabelCounts.of([int(t) for t in assignments],
                                           primary_labels(d.labels for d in result.documents))


def _top_documents(result: Any, assignments: np.ndarray, n: int = 5) -> dict[int, list[int]]:
    """Per topic, the indices of its most typical units: highest probability of the topic in the
    document × topic matrix, else highest cosine similarity to the topic's mean embedding, else
    the first ones."""
    columns = [t for t in sorted(result.topics) if t != -1]
    distributions = result.distributions
    if distributions is not None:
        distributions = np.asarray(distributions, dtype=float)
        if distributions.ndim != 2 or distributions.shape != (len(assignments), len(columns)):
            distributions = None
    embeddings = None if result.embeddings is None else np.asarray(result.embeddings, dtype=float)
    out: dict[int, list[int]] = {}
    for topic in sorted({int(t) for t in assignments}):
        members = np.flatnonzero(assignments == topic)
        if topic != -1 and distributions is not None:
            score = distributions[members, columns.index(topic)]
        elif embeddings is not None and len(embeddings) == len(assignments):
            vectors = embeddings[members]
            centre = vectors.mean(axis=0)
            norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(centre)), 1e-12)
            score = vectors @ centre / np.maximum(norms, 1e-12)
        else:
            score = np.zeros(len(members))
        order = np.argsort(-score, kind="stable")[:n]
        out[topic] = [int(members[i]) for i in order]
    return out


_DAMAGED = "; the run's tables were changed or damaged: restore them, or rerun its config"


def _read_csv(path: Path, *, header: bool = True) -> Any:
    """A CSV output of the run: a list of dicts (``header``) or of lists; ``None`` if missing.

    Raises
    ------
    topics.errors.RunError
        Naming the file (and the row): not UTF-8 or not CSV, a row shorter than the header.
    """
    if not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle)) if header else list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RunError(f"{path}: cannot be read as a CSV table ({exc})" + _DAMAGED) from None
    for number, row in enumerate(rows, start=1):
        if header and None in row.values():  # DictReader fills a short row with None
            raise RunError(f"{path}: row {number}: fewer fields than the header" + _DAMAGED)
    return rows


def _parsed(path: Path, rows: list[Any] | None, parse: Callable[[Any], T]) -> list[T]:
    """``parse`` of every row of the table ``path``; a RunError naming the file and the row
    (counted after the header) that does not hold what the run wrote (a column missing, a
    topic or a count that is not a number)."""
    out = []
    for number, row in enumerate(rows or [], start=1):
        try:
            out.append(parse(row))
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            problem = f"no column {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
            raise RunError(f"{path}: row {number}: {problem}" + _DAMAGED) from None
    return out


def _topic_row(row: dict[str, str]) -> tuple[int, list[tuple[str, float]], int]:
    weights = [float(w) for w in row.get("weights", "").split()]
    words = [(w, weights[i] if i < len(weights) else math.nan)
             for i, w in enumerate(row["words"].split())]
    return int(row["topic"]), words, int(row["size"])


def _document_row(row: dict[str, str]) -> dict[str, Any]:
    return {"id": row["unit_id"], "article_id": row["article_id"],
            "labels": [x for x in row["labels"].split("|") if x], "text": "",
            "topic": int(row["topic"])}


def _from_tables(model: ModelView, run: Run, why: str) -> None:
    """Topics, sizes and the topic × label table from the run's tables, where the fitted model
    cannot be read (``why``, the first words of the note); a missing table is named in the note
    instead of showing as a model with no topics or a corpus with no labels."""
    files = {part: run.path / f"{part}/topics_{model.name}.csv" for part in ("tables",
                                                                               "documents")}
    files["labels"] = run.path / f"tables/topic_labels_{model.name}.csv"
    for topic, words, size in _parsed(files["tables"], _read_csv(files["tables"]), _topic_row):
        model.topics[topic], model.sizes[topic] = words, size
    model.documents = _parsed(files["documents"], _read_csv(files["documents"]), _document_row)
    if not model.unit and model.documents:
        same = all(d["id"] == d["article_id"] for d in model.documents)
        model.unit = "article" if same else "paragraph"
    rows = _read_csv(files["labels"], header=False)
    if rows and len(rows[0]) > 1:
        def counts(row: list[str]) -> list[int]:
            if len(row) != len(rows[0]):
                raise ValueError(f"{len(row)} fields where the header has {len(rows[0])}")
            return [int(v) for v in row]
        body = _parsed(files["labels"], rows[1:], counts)
        model.label_table = LabelCounts([r[0] for r in body], rows[0][1:],
                                        np.array([r[1:] for r in body], dtype=int))
    missing = [str(f.relative_to(run.path)) for f in files.values() if not f.is_file()]
    model.map_note = "No document map: it needs the fitted model (see the note above)."
    if not files["labels"].is_file():
        model.label_note = f"No topic × label table: {files['labels'].name} is missing."
    model.note = (f"{why}, so the document map and the top documents are missing; "
                  + (f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing too, "
                     "so what they hold is not shown."
                     if missing else "topics and the heatmap come from the run's tables."))


def _models(run: Run) -> list[ModelView]:
    from topics.topic_models.loading import load_topic_model

    models = []
    for name, settings in (run.resolved.get("topic_models") or {}).items():
        model = ModelView(name, str((settings or {}).get("model", name)))
        prefix = f"topics.{name}."
        model.metrics = {  # the mean over seeds, under the plain metric name
            k[len(prefix):].removesuffix("_mean"): v for k, v in run.metrics.items()
            if k.startswith(prefix) and not k.endswith("_sd")
        }
        folder = run.path / "models" / f"topics_{name}"
        try:
            result = load_topic_model(folder, load_estimator=False)
        except ModelFileError as error:
            saved = (run.resolved.get("outputs") or {}).get("save_models", True)
            if saved is False:
                why = "The fitted model was not saved with this run (outputs.save_models: false)"
            elif not folder.parent.exists():
                why = ("This copy of the run holds no fitted models (no models/ folder: a "
                       "reference result is copied without them; rerun its config for them)")
            else:
                why = (f"The fitted model in {folder.relative_to(run.path)} could not be read "
                       f"({'the folder is missing' if not folder.exists() else error})")
            _from_tables(model, run, why)
        else:
            _from_result(model, result)
        models.append(model)
    return models


def _classifier(run: Run) -> dict[str, Any]:
    head = run.path / "tables/classifier_cv.md"
    predictions = run.path / "documents/classifier_predictions.csv"
    rows = _read_csv(predictions)

    def prediction(row: dict[str, str]) -> list[float]:  # what the report reads of each row
        _ = row["article_id"], row["labels"], row["predicted"]
        return [float(v) for k, v in row.items() if k.startswith("score_")]

    _parsed(predictions, rows, prediction)
    try:
        caption = head.read_text(encoding="utf-8").split("\n\n", 1)[0] if head.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"{head}: cannot be read ({exc})" + _DAMAGED) from None
    return {
        "cv": _read_csv(run.path / "tables/classifier_cv.csv", header=False),
        "cv_header": caption,
        "per_label": _read_csv(run.path / "tables/classifier_per_label.csv"),
        "predictions": rows,
    }


def render_report(run: Run, *, max_points: int = 5000) -> str:
    """The report of a loaded run as one HTML string.

    Parameters
    ----------
    run : topics.experiments.store.Run
        From :func:`topics.load_run`.
    max_points : int
        At most this many units per document map.

    Returns
    -------
    str
    """
    info = run.info
    seconds = info.get("seconds")
    facts = [("run", run.name), ("status", info.get("status", "?")),
             ("corpus", info.get("corpus", "")), ("config hash", run.config_hash),
             ("started", info.get("started", "")),
             ("took", f"{seconds:.0f} s" if isinstance(seconds, (int, float)) else "")]
    return render_page(str(info.get("name", run.name)), facts, _models(run), _classifier(run),
                       max_points=max_points)


def write_report(run_dir: str | Path, path: str | Path | None = None, *,
                 max_points: int = 5000) -> Path:
    """Write the topic browser of a stored run.

    Parameters
    ----------
    run_dir : str or Path
        A finished run directory (``experiments/runs/<run>``, or a reference result).
    path : str or Path, optional
        Where to write: an ``.html`` (or ``.htm``) file, or a folder (existing, or given with a
        trailing ``/``) for ``report.html`` in it; default ``<run_dir>/report.html``.
    max_points : int
        At most this many units per document map (a random, seeded sample beyond it).

    Returns
    -------
    Path
        The HTML file.

    Raises
    ------
    topics.errors.RunError
        If ``run_dir`` is not a finished run, or ``path`` names a file that is not ``.html``
        (a config or a table given by mistake is not overwritten).
    topics.errors.ConfigError
        If ``path`` names an existing file that is not a report (it is not replaced).
    """
    start = time.perf_counter()
    target = Path(path) if path is not None else None
    if target is not None and (target.is_dir() or str(path).endswith(("/", "\\"))):
        target = target / REPORT_FILE  # a folder: the report goes into it
    if target is not None and target.suffix.lower() not in (".html", ".htm"):
        raise RunError(f"{target}: the report is HTML; give an .html file name, such as "
                       f"{target.with_suffix('.html')}, or a folder (nothing was written)")
    run = load_run(run_dir)
    target = target if target is not None else run.path / REPORT_FILE
    refuse_to_replace(target, _a_report, "a report of topics")  # before the work
    text = render_report(run, max_points=max_points)
    atomic_write(target, text)
    log.info("report %s (%.1f MB) written in %.1f s", target, len(text.encode()) / 1e6,
             time.perf_counter() - start)
    return target


def _a_report(path: Path) -> bool:
    """An earlier report: its ``<title>`` ends in "topics report"."""
    with path.open("rb") as file:
        return b"topics report</title>" in file.read(4096)
