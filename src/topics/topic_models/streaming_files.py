"""A streamed NMF on disk, to place new texts in its topics later, in a folder that runs nothing.

:func:`save_streaming_topics` writes what :meth:`~topics.StreamingTopics.transform` needs, and what
was reported: the topics, vocabulary, settings and metrics as JSON (``streaming_nmf.json``), the
topic × word matrix and the IDF as npy files, under the checksum manifest of every topic-model
folder (:mod:`topics.topic_models.storage`). :func:`load_streaming_topics` reads it back without
trusting it: only listed files, each checked against its size and SHA-256, npy without pickle, the
card checked field by field and the arrays against it (shapes, finite, non-negative). A text's
topic shares are solved from the saved matrix alone, so a loaded model gives the saved model's
shares bit for bit; scikit-learn's NMF is rebuilt from its saved parameters. :func:`topics_table`
is the ``topics.csv`` that ``topics stream-nmf`` writes beside the model. :func:`staged_output`
makes the files of one fit appear in the output folder together (:mod:`.output_folder`: a kill
while they are put in place leaves a complete fit, put in place by the next command that reads
or writes the folder: :func:`settle_output`).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from topics import __version__
from topics.errors import ConfigError, ModelFileError
from topics.fileio import atomic_write, check_not_an_input, check_replaceable
from topics.text.german import GermanAnalyzer
from topics.topic_models import output_folder
from topics.topic_models.context import context_weight_problem
from topics.topic_models.output_folder import OUTPUT_FILES, finish_interrupted, unfinished
from topics.topic_models.storage import (
    MANIFEST_FILE,
    RESAVE,
    json_of,
    npy_array,
    read_folder,
    write_folder,
)
from topics.topic_models.streaming import StreamingTopics

__all__ = ["OUTPUT_FILES", "check_output_folder", "load_streaming_topics",
           "save_streaming_topics", "settle_output", "staged_output", "topics_table",
           "write_outputs"]

CARD_FILE = "streaming_nmf.json"
FORMAT, FORMAT_VERSION = "topics.streaming_nmf", 1
_ARRAYS = ("components.npy", "idf.npy")
_SETTINGS = ("analysis", "drop_paragraphs", "sublinear_tf", "top_n_words", "unit")


def topics_table(model: StreamingTopics) -> str:
    """The topics as CSV text: ``topic``, its ``words`` and their ``weights``, space-separated."""
    import csv

    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(["topic", "words", "weights"])
    for topic, words in sorted(model.topics.items()):
        writer.writerow([topic, " ".join(w for w, _ in words),
                         " ".join(f"{weight:.6g}" for _, weight in words)])
    return table.getvalue()


def check_output_folder(folder: Path, source: Any = None) -> None:
    """Refuse an output folder of ``topics stream-nmf`` that holds a ``topics.csv``,
    ``assignments.jsonl``, ``metrics.json`` or ``model`` it did not write (an earlier fit's are
    replaced), or whose assignments would be in the corpus folder ``source`` (given when they
    are written): checked before the corpus is read, and again before the files are replaced."""
    if source is not None:
        check_not_an_input(folder / "assignments.jsonl", [source])
    for name, (ours, what) in _TABLES.items():
        check_replaceable(folder / name, ours, what)
    if foreign := _foreign(folder):
        raise ConfigError(f"--output {folder}: its {foreign.name} is not {_WHAT}; writing would "
                          "replace it: move it away or give another --output")


_WHAT = "an output of topics stream-nmf"
_TABLES = {"topics.csv": (lambda c: c == ["topic", "words", "weights"],
                          f"{_WHAT} (columns topic, words, weights)"),
           "assignments.jsonl": (lambda c: c[:2] == ["id", "article_id"],
                                 f"{_WHAT} (fields id, article_id, labels, topic, share)")}


def _foreign(folder: Path, tables: bool = False) -> Path | None:
    """The first of the fit's files in ``folder`` that ``topics stream-nmf`` did not write (the
    tables' columns too with ``tables``), or None: what a fit replaces is deleted."""
    if tables:
        for name, (ours, what) in _TABLES.items():
            try:
                check_replaceable(folder / name, ours, what)
            except ConfigError:
                return folder / name
    metrics, model = folder / "metrics.json", folder / "model"
    try:
        ours = not metrics.exists() or all(
            isinstance(v, int | float) for v in json.loads(metrics.read_bytes()).values())
    except (OSError, ValueError, AttributeError, RecursionError):
        ours = False
    kept = [(metrics, ours), (model, not model.exists() or _a_streamed_model(model))]
    kept += [(folder / name, not (folder / name).exists() or (folder / name).is_file())
             for name in _TABLES]  # a folder under a table's name is not a table of ours
    return next((path for path, ok in kept if not ok), None)


def _check_settle(folder: Path) -> None:
    """:func:`check_output_folder` for a loader finishing a killed fit's renames (a warning)."""
    if foreign := _foreign(folder, tables=True):
        raise ConfigError(f"{foreign} is not {_WHAT}")


def _a_streamed_model(model: Path) -> bool:
    """Whether the folder ``model`` holds what :func:`save_streaming_topics` writes and nothing
    else (a hidden temporary aside): replacing it then loses nothing of the user's."""
    saved = {MANIFEST_FILE, CARD_FILE, *_ARRAYS}
    try:
        return (model / CARD_FILE).is_file() and all(
            p.name in saved or p.name.startswith(".") for p in model.iterdir())
    except OSError:
        return False


def write_outputs(model: StreamingTopics, folder: Path) -> None:
    """Write the ``topics.csv``, ``metrics.json`` and ``model/`` of a fit into ``folder``."""
    atomic_write(folder / "topics.csv", topics_table(model))
    atomic_write(folder / "metrics.json", json.dumps(model.metrics, indent=2, sort_keys=True) + "\n")
    save_streaming_topics(model, folder / "model")  # for `topics assign OUTPUT/model FILE`


@contextlib.contextmanager
def staged_output(folder: Path) -> Iterator[Path]:
    """A hidden folder inside the output ``folder`` to write one fit's files into; when the
    ``with`` block ends without error they replace the earlier fit's in ``folder`` (if it still
    holds nothing that this did not write), else they are removed and ``folder`` is left as it
    was (:func:`topics.topic_models.output_folder.staged_output`)."""
    with output_folder.staged_output(folder, check_output_folder) as staging:
        yield staging


def settle_output(model: str | Path) -> None:
    """Before a streamed model ``OUTPUT/model`` is read: a fit that ``topics stream-nmf`` was
    putting in place in ``OUTPUT`` when it stopped is put in place, with a warning.

    Raises
    ------
    topics.errors.FileAccessError
        It cannot be put in place here (a read-only folder): the message names the folder that
        holds the complete fit and what to do.
    topics.errors.ModelFileError
        A live ``topics stream-nmf`` is putting a fit in place there and did not finish within
        ten seconds.
    """
    path = Path(model)
    folder = path.parent
    staged = unfinished(folder)
    if path.name != "model" or not staged:  # the usual case: a glob, no more
        return
    # the renames move the folder's files of these names aside and delete them: only where the
    # model read is a streamed NMF (or was moved aside) and every such file is a fit's output
    try:
        if path.exists() and not (path / CARD_FILE).is_file():
            raise ConfigError(f"{path} is not a streamed NMF's model (no {CARD_FILE})")
        for note in finish_interrupted(folder, wait=10.0, clean=False, check=_check_settle):
            warnings.warn(f"{folder}: {note}", UserWarning, stacklevel=3)
    except ConfigError as why:
        warnings.warn(f"{folder}: {staged[0].name} holds a fit that a topics stream-nmf was "
                      f"putting in place when it stopped; it is left there and nothing in "
                      f"{folder} is moved or deleted, as {why}. To finish it, move your files "
                      f"out of {folder} and run this again; or use {staged[0] / 'model'} as it "
                      "is", UserWarning, stacklevel=3)
        return
    left = unfinished(folder)
    if left:
        raise ModelFileError(f"{folder}: a topics stream-nmf is putting the fit in {left[0]} in "
                             "place right now; try again when it has finished")


def save_streaming_topics(model: StreamingTopics, path: str | Path) -> Path:
    """Write ``model`` into the folder ``path`` (made if needed); the folder.

    Parameters
    ----------
    model : StreamingTopics
        What :func:`topics.fit_streaming_nmf` returned.
    path : str or pathlib.Path
        The folder; files of an earlier save there are replaced.

    Returns
    -------
    pathlib.Path
        The folder, for :func:`load_streaming_topics`.

    Raises
    ------
    topics.errors.ModelFileError
        ``path`` is a file.
    topics.errors.ConfigError
        ``path`` holds files that are not an earlier save (nothing of it is replaced).
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ModelFileError(f"{folder}: a file; give a folder to save the streamed model in")
    folder.mkdir(parents=True, exist_ok=True)
    card = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "topics_version": __version__,
        "vocabulary": list(model.vocabulary),
        "topics": {str(t): [[w, float(x)] for w, x in words] for t, words in model.topics.items()},
        "metrics": {k: float(v) for k, v in model.metrics.items()},
        "settings": json.loads(json.dumps(model.settings, default=list)),
        "estimator": model.estimator.get_params(),
    }
    files = {CARD_FILE: json.dumps(card, ensure_ascii=False, indent=1).encode("utf-8")}
    for name, array in zip(_ARRAYS, (model.components, model.idf), strict=True):
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array, dtype=np.float64), allow_pickle=False)
        files[name] = buffer.getvalue()
    return write_folder(folder, files)


def load_streaming_topics(path: str | Path) -> StreamingTopics:
    """Read a folder written by :func:`save_streaming_topics`; nothing in it runs.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder (``topics stream-nmf`` saves one in ``OUTPUT/model``).

    Returns
    -------
    StreamingTopics
        The model as it was saved, ready for ``transform`` and ``assign``.

    Raises
    ------
    topics.errors.ModelFileError
        Not such a folder, a file missing or changed since saving (checksum), a malformed card,
        arrays that do not fit the card, or a format newer than this version of topics reads.
    """
    folder = Path(path)
    settle_output(folder)  # a fit put in place when its command was killed: finished first
    if not (folder / CARD_FILE).is_file():
        raise ModelFileError(f"{folder}: no {CARD_FILE}; expected a folder written by "
                             "topics.save_streaming_topics() (topics stream-nmf saves one in OUTPUT/model)")
    files = read_folder(folder)
    for name in (CARD_FILE, *_ARRAYS):
        if name not in files:
            raise ModelFileError(f"{folder}: {name} is not in the manifest" + RESAVE)
    card = _card(files[CARD_FILE], folder)
    components, idf = (_array(files[name], name, folder) for name in _ARRAYS)
    k, size = len(card["topics"]), len(card["vocabulary"])
    if components.shape != (k, size) or idf.shape != (size,):
        raise ModelFileError(f"{folder}: arrays of shapes {components.shape} and {idf.shape} for "
                             f"{k} topics over {size} words" + RESAVE)
    if (components < 0).any() or (idf <= 0).any():
        raise ModelFileError(f"{folder}: negative topic weights or IDF" + RESAVE)
    try:  # settings the texts are analysed with, as at fit time
        GermanAnalyzer(**card["settings"]["analysis"])
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{folder}: {CARD_FILE}: bad analysis settings ({exc})"
                             + RESAVE) from None
    topics = {int(t): [(w, float(x)) for w, x in words] for t, words in card["topics"].items()}
    return StreamingTopics(topics, card["vocabulary"], idf, components, card["metrics"],
                           card["settings"], _estimator(card["estimator"], components, folder))


def _card(raw: bytes, folder: Path) -> dict[str, Any]:
    """The card, checked field by field."""
    card = json_of(raw, f"{folder}: {CARD_FILE}")
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelFileError(f"{folder}: {CARD_FILE} is not a streamed NMF's card" + RESAVE)
    version = card.get("format_version")
    if type(version) is not int or version < 1:
        raise ModelFileError(f"{folder}: {CARD_FILE}: malformed format_version {version!r}"
                             + RESAVE)
    if version > FORMAT_VERSION:
        raise ModelFileError(f"{folder}: format version {version}; this version of topics "
                             f"({__version__}) reads up to {FORMAT_VERSION}: upgrade topics")
    vocabulary, topics, settings = card.get("vocabulary"), card.get("topics"), card.get("settings")
    problems = [
        not isinstance(vocabulary, list) or not all(isinstance(w, str) for w in vocabulary)
        or len(set(vocabulary)) != len(vocabulary),
        not isinstance(topics, dict) or len(topics) < 2
        or sorted(topics) != sorted(str(t) for t in range(len(topics)))
        or not all(isinstance(words, list) and all(_word(p) for p in words)
                   for words in topics.values()),
        not isinstance(card.get("metrics"), dict)
        or not all(isinstance(v, float) for v in card["metrics"].values()),
        not isinstance(settings, dict) or any(key not in settings for key in _SETTINGS)
        or not isinstance(settings["analysis"], dict)
        or settings["unit"] not in ("article", "paragraph")
        or not isinstance(settings["drop_paragraphs"], list)
        or not all(isinstance(p, str) for p in settings["drop_paragraphs"])
        or context_weight_problem(settings.get("context_weight")) is not None,  # none: earlier
        not isinstance(card.get("estimator"), dict),
    ]
    names = ("vocabulary", "topics", "metrics", "settings", "estimator")
    wrong = [name for name, bad in zip(names, problems, strict=True) if bad]
    if wrong:
        raise ModelFileError(f"{folder}: {CARD_FILE}: malformed {', '.join(wrong)}" + RESAVE)
    return card


def _word(pair: Any) -> bool:
    return (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
            and isinstance(pair[1], float) and math.isfinite(pair[1]))


def _array(raw: bytes, name: str, folder: Path) -> np.ndarray:
    try:
        array = npy_array(raw)
    except (ValueError, OSError, EOFError) as exc:
        raise ModelFileError(f"{folder}: {name} is not an npy array ({exc})" + RESAVE) from None
    if array.dtype != np.float64 or not np.isfinite(array).all():
        raise ModelFileError(f"{folder}: {name} must hold finite float64 numbers" + RESAVE)
    return array


def _estimator(params: dict[str, Any], components: np.ndarray, folder: Path) -> Any:
    """scikit-learn's MiniBatchNMF with the saved parameters and topic × word matrix, as
    :attr:`~topics.StreamingTopics.estimator` was before saving (a text's shares are solved from
    the matrix alone: :mod:`topics.topic_models.shares`)."""
    import scipy.sparse as sp
    from sklearn.decomposition import MiniBatchNMF

    try:
        model = MiniBatchNMF(**params)
        model.set_params(n_components=components.shape[0])
        model._validate_params()  # scikit-learn's own checks of every parameter's type and range
        model._check_params(sp.csr_matrix((1, components.shape[1])))  # the derived settings
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{folder}: {CARD_FILE}: bad estimator parameters ({exc})"
                             + RESAVE) from None
    model.components_ = components
    model.n_components_ = components.shape[0]
    model.n_features_in_ = components.shape[1]
    return model
