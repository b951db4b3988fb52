"""Reading a saved topic-model result back (see :mod:`topics.topic_models.result` for the format)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from topics.corpus import TextUnit
from topics.errors import ModelFileError
from topics.topic_models.families import family_of
from topics.topic_models.result import FORMAT, FORMAT_VERSION, RESULT_FILE, TopicModelResult

__all__ = ["load_topic_model"]


def load_topic_model(path: str | Path, *, load_estimator: bool = True) -> TopicModelResult:
    """Load a result written by :meth:`TopicModelResult.save`.

    Parameters
    ----------
    path : str or pathlib.Path
        The directory.
    load_estimator : bool
        Also rebuild the underlying model (BERTopic from safetensors, NMF/LDA matrices) so that it
        can be inspected; the reported topics and assignments never depend on it.

    Returns
    -------
    TopicModelResult

    Raises
    ------
    topics.errors.ModelFileError
        If the directory holds no result, the file is not ours, or its format version is newer.
    """
    directory = Path(path)
    file = directory / RESULT_FILE
    if not file.is_file():
        raise ModelFileError(f"{directory}: no {RESULT_FILE}; expected a directory written by "
                             "TopicModelResult.save()")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{file}: not a readable JSON file ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFileError(f"{file}: not a topic-model result (format {data.get('format')!r})"
                             if isinstance(data, dict) else f"{file}: not a topic-model result")
    if data.get("format_version", 0) > FORMAT_VERSION:
        raise ModelFileError(f"{file}: format version {data['format_version']} is newer than this "
                             f"package reads ({FORMAT_VERSION}); upgrade topics")
    try:
        result = TopicModelResult(
            model_name=data["model_name"],
            unit=data["unit"],
            seed=int(data["seed"]),
            settings=data["settings"],
            documents=[TextUnit(d["id"], d["article_id"], d["text"], tuple(d["labels"]), d["index"])
                       for d in data["documents"]],
            assignments=np.asarray(data["assignments"], dtype=int),
            topics={int(t): [(w, float(s)) for w, s in words] for t, words in data["topics"].items()},
            metrics={k: (math.nan if v is None else float(v)) for k, v in data["metrics"].items()},
            distributions=_load_npy(directory / "distributions.npy"),
            embeddings=_load_npy(directory / "embeddings.npy"),
            tokens=[list(t) for t in data.get("tokens", [])],
            corpus_name=data.get("corpus_name", ""),
            corpus_fingerprint=data.get("corpus_fingerprint", ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{file}: missing or malformed field ({exc!r})") from exc
    if load_estimator and data.get("estimator"):
        family = family_of(result.model_name)
        result.estimator = family.load(directory, data["estimator"], result.settings)
    return result


def _load_npy(file: Path) -> np.ndarray | None:
    if not file.is_file():
        return None
    try:
        return np.load(file, allow_pickle=False)
    except ValueError as exc:
        raise ModelFileError(f"{file}: not a plain numpy array ({exc})") from exc
