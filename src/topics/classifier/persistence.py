"""Saving and loading the classifier: safetensors (arrays) + JSON (structure, model card).

Loading executes nothing from the files: the safetensors header is parsed as JSON by hand, the
arrays are read by safetensors, and the model card's SHA-256 must match the model file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from topics.classifier.estimator import ArticleClassifier
from topics.classifier.features import FittedView
from topics.errors import ModelFileError

__all__ = ["FORMAT", "FORMAT_VERSION", "SHIPPED_MODEL", "load_classifier", "save_classifier"]

FORMAT = "topics.ArticleClassifier"
FORMAT_VERSION = 1
SHIPPED_MODEL = "article_classifier.safetensors"
_MAX_HEADER = 256 * 1024 * 1024


def _card_path(path: Path) -> Path:
    return path.with_name(f"{path.name.split('.')[0]}.card.json")


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for dist in ("topics", "scikit-learn", "numpy", "safetensors", "simplemma", "skops"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


def _major_minor(version: str | None) -> tuple[str, ...] | None:
    return tuple(version.split(".")[:2]) if version else None


def _serialise(clf: ArticleClassifier) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    tensors = {
        "coef": np.ascontiguousarray(clf.coef_, dtype=np.float64),
        "intercept": np.ascontiguousarray(clf.intercept_, dtype=np.float64),
        "calibration": np.ascontiguousarray(clf.calibration_, dtype=np.float64),
        "thresholds": np.ascontiguousarray(clf.thresholds_, dtype=np.float64),
    }
    views = []
    for k, view in enumerate(clf.views_):
        tensors[f"idf_{k}"] = np.ascontiguousarray(view.idf, dtype=np.float64)
        views.append(
            {"view": view.view, "ngram_range": list(view.ngram_range), "terms": view.terms}
        )
    params = clf.get_params()
    params["labels"] = list(params["labels"]) if params["labels"] is not None else None
    structure = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "classes": [str(c) for c in clf.classes_],
        "multilabel": bool(clf.multilabel_),
        "oof_scores": clf.oof_scores_,
        "n_training_rows": int(clf.n_training_rows_),
        "views": views,
    }
    return tensors, structure


def save_classifier(clf: ArticleClassifier, path: str | Path, *, card: dict | None = None) -> Path:
    """Save a fitted classifier: ``<name>.safetensors`` plus a model card ``<name>.card.json``.

    The model file holds only numeric arrays (safetensors) and a JSON header with the vocabulary
    and parameters, so loading it executes nothing. The card records labels, thresholds, package
    versions, the file's SHA-256 and whatever ``card`` adds (training-corpus fingerprint, CV
    scores, seed).

    Parameters
    ----------
    clf : ArticleClassifier
        A fitted classifier.
    path : str or Path
        The model file; a missing ``.safetensors`` suffix is added.
    card : dict, optional
        Extra card fields.

    Returns
    -------
    Path
        The model file written.
    """
    import hashlib
    import json

    from safetensors.numpy import save

    clf._check_fitted()
    path = Path(path)
    if path.suffix != ".safetensors":
        path = path.with_name(path.name + ".safetensors")
    tensors, structure = _serialise(clf)
    data = save(tensors, metadata={"topics_model": json.dumps(structure, ensure_ascii=False)})
    full_card = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_file": path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "labels": structure["classes"],
        "multilabel": structure["multilabel"],
        "thresholds": dict(zip(structure["classes"], clf.thresholds_.tolist(), strict=True)),
        "out_of_fold_f1": clf.oof_scores_,
        "params": structure["params"],
        "n_features": int(clf.coef_.shape[0]),
        "versions": _versions(),
        **(card or {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, data)
    _write_atomic(_card_path(path), json.dumps(full_card, indent=2, ensure_ascii=False).encode())
    return path


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _shipped_files() -> tuple[Any, Any]:
    from importlib.resources import files

    models = files("topics").joinpath("models")
    return models.joinpath(SHIPPED_MODEL), models.joinpath(_card_path(Path(SHIPPED_MODEL)).name)


def load_classifier(path: str | Path | None = None) -> ArticleClassifier:
    """Load a classifier saved by :func:`save_classifier`; ``None`` = the shipped model.

    The card beside the file is checked first (format, topics version, SHA-256 of the model
    file); then the safetensors header is parsed as JSON and the arrays are read. No code from
    either file is executed (no pickle).

    Parameters
    ----------
    path : str or Path, optional
        The ``.safetensors`` model file. ``None`` loads the model shipped inside the package.

    Returns
    -------
    ArticleClassifier
        Fitted, ready to predict.

    Raises
    ------
    topics.errors.ModelFileError
        If the file or its card is missing, is not a topics model, was changed after saving, or
        comes from an incompatible topics version.
    """
    if path is None:
        model_file, card_file = _shipped_files()
        where = f"the shipped model {SHIPPED_MODEL}"
    else:
        model_file, card_file = Path(path), _card_path(Path(path))
        where = str(path)
    try:
        data = model_file.read_bytes()
    except OSError as error:
        raise ModelFileError(f"cannot read model file {where}: {error.strerror or error}") from None
    card = _read_card(card_file, where)
    _check_card(card, data, where)
    return _from_bytes(data, where)


def _read_card(card_file: Any, where: str) -> dict[str, Any]:
    import json

    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except OSError:
        raise ModelFileError(
            f"{where}: no model card {card_file.name} beside it; a model saved with "
            "topics.save_classifier always has one (save it again)"
        ) from None
    except ValueError as error:
        raise ModelFileError(
            f"{where}: model card {card_file.name} is not JSON ({error})"
        ) from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelFileError(f"{where}: {card_file.name} is not a {FORMAT} model card")
    return card


def _check_card(card: dict[str, Any], data: bytes, where: str) -> None:
    import hashlib

    from topics import __version__

    if card.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"{where}: model format version {card.get('format_version')!r}, this topics reads "
            f"version {FORMAT_VERSION}; retrain it with `topics train-classifier`"
        )
    saved = (card.get("versions") or {}).get("topics")
    if _major_minor(saved) != _major_minor(__version__):
        raise ModelFileError(
            f"{where}: saved by topics {saved}, incompatible with topics {__version__} "
            "(major.minor differ); retrain it with `topics train-classifier`"
        )
    if hashlib.sha256(data).hexdigest() != card.get("sha256"):
        raise ModelFileError(
            f"{where}: the file's SHA-256 does not match its model card; it was changed after "
            "saving (tampered or corrupted). Refusing to load it; save or train it again"
        )


def _from_bytes(data: bytes, where: str) -> ArticleClassifier:
    structure = _header(data, where)
    try:
        from safetensors.numpy import load

        tensors = load(data)
        clf = ArticleClassifier(**_params(structure["params"]))
        views = [
            FittedView(v["view"], tuple(v["ngram_range"]), list(v["terms"]), tensors[f"idf_{k}"])
            for k, v in enumerate(structure["views"])
        ]
        state = {
            "classes_": np.array(structure["classes"], dtype=object),
            "multilabel_": bool(structure["multilabel"]),
            "views_": views,
            "coef_": tensors["coef"],
            "intercept_": tensors["intercept"],
            "calibration_": tensors["calibration"],
            "thresholds_": tensors["thresholds"],
            "oof_scores_": dict(structure.get("oof_scores") or {}),
            "n_training_rows_": int(structure.get("n_training_rows", 0)),
        }
        _check_shapes(state)
    except Exception as error:  # any failure to rebuild the model means: not a valid model
        if isinstance(error, ModelFileError):
            raise
        raise ModelFileError(f"{where}: not a valid {FORMAT} model ({error})") from None
    for name, value in state.items():
        setattr(clf, name, value)
    return clf


def _header(data: bytes, where: str) -> dict[str, Any]:
    """Parse the safetensors JSON header ourselves: plain JSON, nothing executed."""
    import json

    not_model = (
        f"{where}: not a {FORMAT} model file (expected safetensors written by save_classifier)"
    )
    if len(data) < 8:
        raise ModelFileError(not_model)
    size = int.from_bytes(data[:8], "little")
    if size <= 0 or size > min(len(data) - 8, _MAX_HEADER):
        raise ModelFileError(not_model)
    try:
        header = json.loads(data[8 : 8 + size].decode("utf-8"))
        structure = json.loads(header["__metadata__"]["topics_model"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ModelFileError(not_model) from None
    if not isinstance(structure, dict) or structure.get("format") != FORMAT:
        raise ModelFileError(not_model)
    return structure


def _params(params: dict[str, Any]) -> dict[str, Any]:
    valid = set(ArticleClassifier._get_param_names())
    unknown = set(params) - valid
    if unknown:
        raise ModelFileError(f"unknown parameters in model file: {', '.join(sorted(unknown))}")
    out = dict(params)
    for key in ("ngram_range", "threshold_bounds"):
        if key in out:
            out[key] = tuple(out[key])
    return out


def _check_shapes(state: dict[str, Any]) -> None:
    n_features = sum(len(v.terms) for v in state["views_"])
    n_out = len(state["classes_"])
    if state["coef_"].shape != (n_features, n_out) or state["intercept_"].shape != (n_out,):
        raise ValueError("array shapes do not match the vocabulary and labels")
    if any(len(v.idf) != len(v.terms) for v in state["views_"]):
        raise ValueError("idf weights do not match the vocabulary")
    if state["thresholds_"].shape != (n_out,) or state["calibration_"].shape != (n_out, 2):
        raise ValueError("thresholds or calibration do not match the labels")
