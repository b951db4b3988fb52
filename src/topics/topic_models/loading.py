"""Reading a saved topic-model result back (the format: :mod:`topics.topic_models.result`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from topics.corpus import TextUnit
from topics.errors import ModelFileError
from topics.topic_models.assigner import TopicAssigner, known_share
from topics.topic_models.families import family_of
from topics.topic_models.result import (
    FORMAT,
    FORMAT_VERSION,
    OUTLIER_NAME,
    RESULT_FILE,
    TopicModelResult,
    name_topics,
)
from topics.topic_models.storage import (
    MANIFEST_FILE,
    RESAVE,
    SUFFIXES,
    check_card,
    check_name,
    json_of,
    npy_array,
    read_file,
    read_folder,
)
from topics.topic_models.streaming_files import CARD_FILE as STREAMING_CARD
from topics.topic_models.streaming_files import load_streaming_topics, settle_output

__all__ = ["assign_files", "load_topic_model"]

_UNSAFE = ("pickle", "joblib", "bertopic")  # estimator entries that only trust=True loads
_MAX_CARD = 1 << 30


def load_topic_model(
    path: str | Path, *, load_estimator: bool = True, trust: bool = False
) -> TopicModelResult:
    """Load a result written by :meth:`TopicModelResult.save`; nothing in the folder runs.

    The folder's manifest must list every file with its SHA-256, file names must be plain names
    inside the folder, the card is checked field by field, and only JSON, npy (no pickle) and
    safetensors files are read (:mod:`topics.topic_models.storage`).

    Parameters
    ----------
    path : str or pathlib.Path
        The folder.
    load_estimator : bool
        Also rebuild the fitted state that places new texts (:meth:`TopicModelResult.assign`);
        the reported topics and assignments never depend on it.
    trust : bool
        **Dangerous.** Also load pickle and joblib files: a folder saved by topics before format 2
        (its BERTopic part went through ``BERTopic.load``, which falls back to joblib) or an
        estimator stored as ``pickle``/``joblib``; and an estimator that names a
        sentence-transformers model (``embedding_model``, from outside the folder) to embed new
        texts with. Unpickling runs whatever code the file holds:
        use ``trust=True`` only for a folder you made yourself and nobody could change since.

    Returns
    -------
    TopicModelResult

    Raises
    ------
    topics.errors.ModelFileError
        The folder holds no result, a file is missing, changed (checksum), named outside the
        folder, of a kind that could run code, or the card is malformed or from a newer format.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise ModelFileError(f"{directory}: not a folder; expected a folder written by "
                             "TopicModelResult.save()")
    if (directory / STREAMING_CARD).is_file() and not (directory / RESULT_FILE).is_file():
        raise ModelFileError(f"{directory}: a streamed NMF (topics stream-nmf); read it with "
                             "topics.load_streaming_topics(path), or topics assign places texts")
    has_manifest = (directory / MANIFEST_FILE).is_file()
    if not has_manifest and not (directory / RESULT_FILE).is_file():
        raise ModelFileError(f"{directory}: no {RESULT_FILE}; expected a folder written by "
                             "TopicModelResult.save()")
    if not has_manifest:
        if not trust:
            raise ModelFileError(
                f"{directory}: no {MANIFEST_FILE}: saved by topics before format 2 (or not by "
                "topics), without checksums and possibly with pickled parts; fit and save it "
                "again, or load_topic_model(path, trust=True) if you made it yourself (trust=True "
                "can run code from the folder)")
        # trusted: every data file present is read, without checksums to hold it to
        files = {RESULT_FILE: read_file(directory, RESULT_FILE, limit=_MAX_CARD)}
        files.update({p.name: read_file(directory, p.name) for p in sorted(directory.iterdir())
                      if p.suffix in SUFFIXES and p.name != RESULT_FILE
                      and not p.name.startswith(".") and p.is_file()})
    else:
        files = read_folder(directory)
        if RESULT_FILE not in files:
            raise ModelFileError(f"{directory}: {MANIFEST_FILE} does not list {RESULT_FILE}" + RESAVE)
    card = _card(files[RESULT_FILE], directory)
    result = _result(card, files, directory)
    _check_agrees(result, directory)
    estimator = card.get("estimator") or {}
    if load_estimator and estimator:
        result.estimator = _estimator(estimator, files, directory, trust,
                                      legacy=card["format_version"] < 2)
        _check_topic_ids(result, estimator.get("structure"), directory)
    return result


def assign_files(
    model_dir: str | Path, paths: str | Path | Sequence[str], *, unit: str | None = None,
    trust: bool = False
) -> list[dict[str, Any]]:
    """Topics of the saved model ``model_dir`` for text files (``"-"`` reads stdin).

    Each file is one article, read like a corpus article (cleaned; split into paragraphs when
    ``unit`` is ``"paragraph"``, the paragraphs of one file forming one article as at fit time),
    and placed by :meth:`TopicModelResult.assign`.

    Parameters
    ----------
    model_dir : str or pathlib.Path
        A folder written by :meth:`TopicModelResult.save`, or by
        :func:`~topics.topic_models.streaming_files.save_streaming_topics` (a streamed NMF: its
        topics placed by :meth:`~topics.StreamingTopics.transform`; ``training`` is false).
    paths : str, Path or a list of them
        Text files, one article each, or ``"-"`` (one path alone is one file).
    unit : {"article", "paragraph"}, optional
        What one assigned text is (default: the unit the model was fitted on).
    trust : bool
        Passed to :func:`load_topic_model` (dangerous; see there).

    Returns
    -------
    list of dict
        Per unit: ``file``, ``paragraph`` (its index; 0 for a whole article), ``topic``, ``name``,
        ``score``, ``coverage`` (the share of its tokens the model knows), ``training``.

    Raises
    ------
    topics.errors.TopicsError
        ModelFileError for the folder, FileAccessError/InputError for the files, CorpusError for
        a unit other than "article" or "paragraph".
    """
    from topics.topic_models.assign_inputs import read_assign_inputs

    paths = [str(paths)] if isinstance(paths, str | Path) else [str(p) for p in paths]
    corpus = read_assign_inputs(paths)  # text files only, HTML refused by file name
    if not (Path(model_dir) / STREAMING_CARD).is_file():  # (load_streaming_topics settles its own)
        # OUTPUT/model moved aside by a topics stream-nmf killed while putting a fit in place;
        # beside any other model, a staged fit is only warned about, nothing moved or deleted
        settle_output(model_dir)
    if (Path(model_dir) / STREAMING_CARD).is_file():  # a streamed NMF (topics stream-nmf)
        streamed = load_streaming_topics(model_dir)
        units = corpus.units(unit or streamed.settings["unit"])  # type: ignore[arg-type]
        ids = [u.article_id for u in units]
        records = _streamed_records(streamed, [u.text for u in units], ids)
    else:
        result = load_topic_model(model_dir, trust=trust)
        units = corpus.units(unit or result.unit)  # type: ignore[arg-type]
        records = result.assign([u.text for u in units], [u.article_id for u in units])
    return [{"file": paths[int(u.article_id)], "paragraph": u.index, **record}
            for u, record in zip(units, records, strict=True)]


def _streamed_records(model: Any, texts: list[str], article_ids: list[str]) -> list[dict[str, Any]]:
    """:meth:`TopicModelResult.assign`'s records for a streamed NMF: the topic of the largest
    share (-1 and score 0 for a text without any of its words; a paragraph read in its file's
    context as in the fit), never a training unit."""
    names, known = name_topics(model.topics), set(model.vocabulary)
    tokens = model.tokens_of(texts)  # analysed once: for the shares and the coverage
    records = []
    for row, words in zip(model.shares_of(tokens, article_ids), tokens, strict=True):
        topic = int(row.argmax()) if row.sum() > 0 else -1
        records.append({"topic": topic, "name": names.get(topic, OUTLIER_NAME),
                        "score": round(float(row.max()), 6) if topic >= 0 else 0.0,
                        "coverage": round(known_share(words, known), 6), "training": False})
    return records


def _card(data: bytes, directory: Path) -> dict[str, Any]:
    where = str(directory / RESULT_FILE)
    card = json_of(data, where)
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        found = card.get("format") if isinstance(card, dict) else type(card).__name__
        raise ModelFileError(f"{where}: not a topic-model result (format {found!r}); load_topic_model reads folders written by TopicModelResult.save()")
    version = card.get("format_version")
    if type(version) is int and version > FORMAT_VERSION:
        raise ModelFileError(f"{where}: format version {version} is newer than this package "
                             f"reads ({FORMAT_VERSION}); upgrade topics")
    check_card(card, where)
    try:
        family_of(card["model_name"])
    except ValueError as exc:
        raise ModelFileError(f"{where}: {exc}" + RESAVE) from None
    return card


def _result(card: dict[str, Any], files: dict[str, bytes], directory: Path) -> TopicModelResult:
    return TopicModelResult(
        model_name=card["model_name"],
        unit=card["unit"],
        seed=card["seed"],
        settings=card["settings"],
        documents=[TextUnit(d["id"], d["article_id"], d["text"], tuple(d["labels"]), d["index"])
                   for d in card["documents"]],
        assignments=np.asarray(card["assignments"], dtype=int),
        topics={int(t): [(w, float(s)) for w, s in words] for t, words in card["topics"].items()},
        metrics={k: (math.nan if v is None else float(v)) for k, v in card["metrics"].items()},
        distributions=_array(files, "distributions.npy", directory),
        embeddings=_array(files, "embeddings.npy", directory),
        tokens=[list(t) for t in card.get("tokens", [])],
        corpus_name=card.get("corpus_name", ""),
        corpus_fingerprint=card.get("corpus_fingerprint", ""),
        topic_names={int(t): n for t, n in (card.get("topic_names") or {}).items()},
    )


def _check_agrees(result: TopicModelResult, directory: Path) -> None:
    """The card's parts must agree with each other and with the arrays: an edit that kept the
    manifest's checksums (re-hashed) or predates them would otherwise load as a model whose
    assignments, sizes and document maps say different things."""
    n, topics = len(result.documents), set(result.topics) | {-1}
    problems = []
    if stray := sorted(set(result.assignments.tolist()) - topics):
        problems.append(f"{RESULT_FILE}: assignments name topic(s) {stray[:5]} it does not have")
    for name, array in (("distributions.npy", result.distributions),
                        ("embeddings.npy", result.embeddings)):
        if array is None:
            continue
        if array.ndim != 2 or array.shape[0] != n:
            problems.append(f"{name}: shape {array.shape}, not one row per document ({n})")
        elif array.dtype.kind != "f" or not np.isfinite(array).all():
            problems.append(f"{name}: not finite numbers")
    if problems:
        raise ModelFileError(f"{directory}: the saved parts disagree: " + "; ".join(problems)
                             + RESAVE)


def _check_topic_ids(result: TopicModelResult, structure: Any, directory: Path) -> None:
    """The estimator's rows must be the result's topics (the outlier topic -1 has none): ids
    [7, 8, 9, 10] for topics 0-3 placed texts in topics the result does not have, or in -1."""
    if not isinstance(result.estimator, TopicAssigner):
        return  # a trusted library estimator: its own topics
    ids, topics = sorted(result.estimator.topic_ids), sorted(set(result.topics) - {-1})
    if ids != topics:
        raise ModelFileError(
            f"{directory}: the saved parts disagree: {structure} has topic ids "
            f"{ids[:8]}, {RESULT_FILE} the topics {topics[:8]}" + RESAVE)


def _array(files: dict[str, bytes], name: str, directory: Path) -> np.ndarray | None:
    if name not in files:
        return None
    try:
        return npy_array(files[name])
    except (ValueError, OSError, EOFError) as exc:
        raise ModelFileError(f"{directory / name}: not a plain numpy array ({exc}); refused" + RESAVE) from None


def _estimator(
    info: dict[str, Any], files: dict[str, bytes], directory: Path, trust: bool, legacy: bool
) -> Any:
    unsafe = [key for key in _UNSAFE if info.get(key)]
    if unsafe:
        if not trust:
            raise ModelFileError(
                f"{directory}: the estimator is stored as {unsafe[0]} ({info[unsafe[0]]!r}), which "
                "can run code when loaded; refused. Load it with trust=True only if you made the "
                "folder yourself")
        return _trusted(info, unsafe[0], directory)
    if legacy:  # format 1 kept LDA/NMF matrices without what places new texts
        return None
    names = (info.get("arrays"), info.get("structure"))
    for name in names:
        check_name(directory, name)
        if name not in files:
            raise ModelFileError(f"{directory}: {name} is named by {RESULT_FILE} but not listed "
                                 f"with a checksum in {MANIFEST_FILE}" + RESAVE)
    return TopicAssigner.from_files(files[names[0]], files[names[1]], str(directory), trust=trust)


def _trusted(info: dict[str, Any], key: str, directory: Path) -> Any:
    """pickle/joblib/BERTopic.load, for ``trust=True`` only: this runs code from the folder."""
    path = check_name(directory, info[key], suffixes=("",))
    try:
        if key == "bertopic":
            from bertopic import BERTopic

            return BERTopic.load(str(path))
        import joblib

        return joblib.load(path)
    except Exception as exc:  # whatever the unpickler raises: the folder is damaged
        raise ModelFileError(f"{path}: cannot load the trusted estimator ({exc})") from None
