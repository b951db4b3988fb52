"""Saving and loading the classifier: safetensors (arrays) + JSON (structure), and a model card.

``m.safetensors`` holds only numeric arrays and a JSON header (parameters, classes, views); its
card ``m.card.json`` (the file name up to ``.safetensors``, so ``m.v1`` and ``m.v2`` have their own
cards) records labels, thresholds, versions, the training corpus and the file's SHA-256.

Loading executes nothing from the files: the card is plain JSON whose fields are checked by type;
the model file's SHA-256 must match the card; the safetensors header is parsed as JSON by hand and
every array is read with ``numpy.frombuffer`` after its dtype, shape and byte range are checked.
Anything else is a :class:`~topics.errors.ModelFileError`. Writing is atomic
(:func:`topics.fileio.atomic_write`): a full disk leaves no partial model and no temporary file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from topics.classifier.estimator import ArticleClassifier
from topics.classifier.features import FittedView
from topics.classifier.model_card import (
    CARD_SUFFIX,
    FORMAT,
    SUFFIX,
    card_path,
    extra_fields,
    is_our_card,
    read_card,
)
from topics.classifier.scoring import summed_focus
from topics.errors import InputError, ModelFileError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "SHIPPED_MODEL",
    "SUFFIX",
    "card_path",
    "load_classifier",
    "read_card",
    "save_classifier",
]

#: 5: a focus model of its own for a text of one paragraph; 4: each view records its smallest
#: training norm; 3: the focus model reads the lead too; 2: hashed views, ridge + focus model
FORMAT_VERSION = 5
#: Format versions this topics loads: older models predict as they did (no paragraph focus model,
#: before 4 no smallest norm, and format 2 no lead weight).
READABLE_FORMATS = (2, 3, 4, 5)
SHIPPED_MODEL = "article_classifier.safetensors"
_MAX_HEADER = 256 * 1024 * 1024
_MAX_NGRAM = 32  # n-gram lengths a stored view may give (the defaults: 2-5 characters, 1 word)
_DTYPES = {"F64": np.float64, "F32": np.float32, "U64": np.uint64, "I64": np.int64, "U8": np.uint8}
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for dist in ("topics", "numpy", "scipy", "scikit-learn"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


def _major_minor(version: Any) -> tuple[str, ...] | None:
    return tuple(version.split(".")[:2]) if isinstance(version, str) else None


# ------------------------------------------------------------------------------------------------
# writing


def _serialise(clf: ArticleClassifier) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    tensors = {
        "coef": np.ascontiguousarray(clf.coef_, dtype=np.float32),
        "intercept": np.ascontiguousarray(clf.intercept_, dtype=np.float64),
        "focus": np.ascontiguousarray(clf.focus_, dtype=np.float64),
        "paragraph_focus": np.ascontiguousarray(clf.paragraph_focus_, dtype=np.float64),
        "thresholds": np.ascontiguousarray(clf._thresholds()),  # a list or NaN refused
    }
    views = []
    for k, view in enumerate(clf.views_):
        tensors[f"idf_{k}"] = np.ascontiguousarray(view.idf, dtype=np.float64)
        if view.hashes is not None:
            tensors[f"hashes_{k}"] = np.ascontiguousarray(view.hashes, dtype=np.uint64)
        # the terms as UTF-8, one per line (no term holds a newline: tokens are split on it);
        # an array, not JSON, so loading does not parse them (prediction does not need them)
        joined = "\n".join(view.terms).encode("utf-8", "surrogatepass")
        tensors[f"terms_{k}"] = np.frombuffer(joined, dtype=np.uint8)
        views.append(
            {
                "view": view.view,
                "ngram_range": list(view.ngram_range),
                "word_ngram_range": list(view.word_ngram_range),
                "min_norm": view.min_norm,
            }
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
        "solver": str(getattr(clf, "solver_", "dual")),
        "views": views,
    }
    return tensors, structure


def to_safetensors(tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    """The safetensors encoding (readable by the ``safetensors`` library), byte for byte stable:
    tensors in name order, a JSON header with sorted keys, padded to 8 bytes."""
    header: dict[str, Any] = {"__metadata__": metadata}
    offset, blobs = 0, []
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {
            "dtype": _CODES[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    raw = text.encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    return len(raw).to_bytes(8, "little") + raw + b"".join(blobs)


def save_classifier(clf: ArticleClassifier, path: str | Path, *, card: dict | None = None) -> Path:
    """Save a fitted classifier: ``<name>.safetensors`` plus its model card ``<name>.card.json``.

    The model file holds only numeric arrays and a JSON header with the vocabulary and
    parameters, so loading it executes nothing; it is byte-identical for an identical model. The
    card records labels, thresholds, package versions, the file's SHA-256 and whatever ``card``
    adds (training-corpus fingerprint, CV scores, seed). Both are written atomically.

    Parameters
    ----------
    clf : ArticleClassifier
        A fitted classifier.
    path : str or Path
        The model file (a missing ``.safetensors`` suffix is added), or an existing folder, which
        gets ``article_classifier.safetensors`` as train_classifier gives it.
    card : dict, optional
        Extra card fields, JSON values (``training_corpus``, ``seed``, ``cv``, anything of your
        own); the fields save_classifier computes from the model (``sha256``, ``labels``,
        ``thresholds``, ...: ``topics.classifier.model_card.RESERVED``) cannot be given.

    Returns
    -------
    Path
        The model file written.

    Raises
    ------
    topics.errors.FileAccessError
        The folder cannot be written (read-only, disk full); nothing partial is left.
    topics.errors.InputError
        ``clf`` is not a fitted ArticleClassifier, or ``card`` sets a field save_classifier
        writes itself (``sha256``, ``labels``, ...), a field of the wrong type, or a value that
        is not JSON, or ``clf.thresholds_`` is not one number from 0 to 1 per label; nothing is
        written.
    topics.errors.ConfigError
        The model file or its card exists and is not one saved by topics: it is kept.
    """
    import hashlib

    from topics.fileio import atomic_write, refuse_to_replace

    if not isinstance(clf, ArticleClassifier):
        raise InputError(f"save_classifier: expected a fitted ArticleClassifier, got "
                         f"{type(clf).__name__}")
    clf._check_fitted()
    extra = extra_fields(card)
    path = Path(path)
    if path.is_dir():  # as train_classifier writes into a folder
        path = path / SHIPPED_MODEL
    if not path.name.endswith(SUFFIX):
        path = path.with_name(path.name + SUFFIX)
    # an earlier model is replaced (with its card); a file of the user's of that name is kept
    refuse_to_replace(path, lambda p: _is_our_model(p) or is_our_card(card_path(p)),
                      "a model saved by topics (save_classifier)")
    refuse_to_replace(card_path(path), is_our_card, "a model card of topics")
    tensors, structure = _serialise(clf)
    data = to_safetensors(tensors, {"topics_model": json.dumps(structure, ensure_ascii=False)})
    full_card = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_file": path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "labels": structure["classes"],
        "multilabel": structure["multilabel"],
        "thresholds": dict(zip(structure["classes"], tensors["thresholds"].tolist(),
                               strict=True)),
        "out_of_fold_f1": clf.oof_scores_,
        "params": structure["params"],
        "n_features": int(clf.coef_.shape[0]),
        "versions": _versions(),
        **extra,
    }
    # the whole card as text before either file is written: nothing is left half saved
    card_text = json.dumps(full_card, indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, data)
    atomic_write(card_path(path), card_text)
    return path


def _is_our_model(path: Path) -> bool:
    """Whether ``path`` starts as a model file of ours: a safetensors header naming our format
    (read alone, not the arrays)."""
    with path.open("rb") as file:
        size = int.from_bytes(file.read(8), "little")
        if not 0 < size <= min(path.stat().st_size - 8, _MAX_HEADER):
            return False
        try:
            header = json.loads(file.read(size).decode("utf-8"))
            structure = json.loads(header["__metadata__"]["topics_model"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
            return False
    return isinstance(structure, dict) and structure.get("format") == FORMAT


# ------------------------------------------------------------------------------------------------
# reading


def _shipped_files() -> tuple[Any, Any]:
    from importlib.resources import files

    models = files("topics").joinpath("models")
    return models.joinpath(SHIPPED_MODEL), models.joinpath(card_path(SHIPPED_MODEL).name)


def load_classifier(path: str | Path | None = None) -> ArticleClassifier:
    """Load a classifier saved by :func:`save_classifier`; ``None`` = the shipped model.

    The card beside the file is checked first (its fields' types, format, topics version,
    SHA-256 of the model file); then the safetensors header is parsed as JSON and the arrays are
    read. No code from either file is executed (no pickle).

    Parameters
    ----------
    path : str or Path, optional
        The ``.safetensors`` model file, or a folder holding ``article_classifier.safetensors``
        (as :func:`topics.train_classifier` writes into a folder); a name without its
        ``.safetensors`` that is not a file itself means the file with it (as ``--output`` of
        ``topics train-classifier`` takes it). ``None`` loads the model shipped inside the
        package.

    Returns
    -------
    ArticleClassifier
        Fitted, ready to predict.

    Raises
    ------
    topics.errors.ModelFileError
        If the file or its card is missing, is not a topics model, was changed after saving, is
        truncated, or comes from an incompatible topics version; also when given the card.
    """
    if path is None:
        model_file, card_file = _shipped_files()
        where = f"the shipped model {SHIPPED_MODEL}"
    else:
        if Path(path).is_dir():  # a folder train_classifier wrote into
            path = Path(path) / SHIPPED_MODEL
        elif not Path(path).exists() and Path(f"{path}{SUFFIX}").is_file():
            path = Path(f"{path}{SUFFIX}")  # the name given to train-classifier's --output
        model_file, card_file, where = Path(path), card_path(path), str(path)
        if model_file.name.endswith(CARD_SUFFIX):
            model = model_file.name[: -len(CARD_SUFFIX)] + SUFFIX
            raise ModelFileError(
                f"{where} is the model card; pass the model file next to it ({model})"
            )
    try:
        data = model_file.read_bytes()
    except OSError as error:
        raise ModelFileError(f"cannot read model file {where}: {error.strerror or error}") from None
    card = read_card(card_file, where)
    _check_card(card, data, where)
    clf = _from_bytes(data, where)
    _check_card_agrees(card, clf, where)
    return clf


def _check_card_agrees(card: dict[str, Any], clf: ArticleClassifier, where: str) -> None:
    """The card's labels and thresholds are a copy of the model's: an edited card would mislead
    its reader (and editing it changes no decision), so it is refused."""
    labels = [str(c) for c in clf.classes_]
    if "labels" in card and card["labels"] != labels:
        raise ModelFileError(f"{where}: the model card lists labels {card['labels']}, the model "
                             f"has {labels}; the card was edited or belongs to another model")
    thresholds = dict(zip(labels, (float(t) for t in clf.thresholds_), strict=True))
    stated = card.get("thresholds", thresholds)
    if set(stated) != set(thresholds) or any(  # "not <=": a NaN (JSON's NaN) never agrees
        not isinstance(stated[k], int | float) or not abs(stated[k] - v) <= 1e-9
        for k, v in thresholds.items()
    ):
        raise ModelFileError(
            f"{where}: the model card's thresholds {stated} differ from the model's {thresholds}; "
            "the card only records them: set thresholds with --threshold LABEL=VALUE or "
            "clf.thresholds_, then save the model again")


def _check_card(card: dict[str, Any], data: bytes, where: str) -> None:
    import hashlib

    from topics import __version__

    if card.get("format_version") not in READABLE_FORMATS:
        raise ModelFileError(
            f"{where}: model format version {card.get('format_version')!r}, this topics reads "
            f"versions {', '.join(map(str, READABLE_FORMATS))}; retrain it with "
            "`topics train-classifier`"
        )
    saved = card.get("versions", {}).get("topics")
    if _major_minor(saved) != _major_minor(__version__):
        raise ModelFileError(
            f"{where}: saved by topics {saved}, incompatible with topics {__version__} "
            "(major.minor differ); retrain it with `topics train-classifier`"
        )
    if hashlib.sha256(data).hexdigest() != card.get("sha256"):
        raise ModelFileError(
            f"{where}: the file's SHA-256 does not match its model card; it was changed after "
            "saving (tampered, truncated or corrupted). Refusing to load it; save or train it again"
        )


def _from_bytes(data: bytes, where: str) -> ArticleClassifier:
    structure, tensors = _parse(data, where)
    try:
        clf = ArticleClassifier(**_params(structure["params"]))  # recorded; checked by fit()
        views = [
            FittedView(
                str(v["view"]),
                _ngram_range(v, "ngram_range"),
                tensors[f"terms_{k}"],
                tensors[f"idf_{k}"],
                _ngram_range(v, "word_ngram_range"),
                tensors.get(f"hashes_{k}"),
                _min_norm(v, structure.get("format_version")),
            )
            for k, v in enumerate(structure["views"])
        ]
        state = {
            "classes_": np.array([str(c) for c in structure["classes"]], dtype=object),
            "multilabel_": bool(structure["multilabel"]),
            "views_": views,
            "coef_": tensors["coef"],
            "intercept_": tensors["intercept"],
            "focus_": tensors["focus"],
            "paragraph_focus_": _paragraph_focus(tensors, structure.get("format_version")),
            "thresholds_": tensors["thresholds"].copy(),
            "oof_scores_": {str(k): float(v) for k, v in dict(structure["oof_scores"]).items()},
            "n_training_rows_": int(structure["n_training_rows"]),
            "solver_": str(structure.get("solver", "dual")),
        }
        _check_shapes(state)
    except ModelFileError:
        raise
    except Exception as error:  # any failure to rebuild the model means: not a valid model
        raise ModelFileError(f"{where}: not a valid {FORMAT} model ({error})") from None
    for name, value in state.items():
        setattr(clf, name, value)
    return clf


def _parse(data: bytes, where: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The safetensors header (as plain JSON) and its arrays, every range and dtype checked."""
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
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise ModelFileError(not_model) from None  # RecursionError: JSON nested too deeply
    if not isinstance(structure, dict) or structure.get("format") != FORMAT:
        raise ModelFileError(not_model)
    body = memoryview(data)[8 + size :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
            shape = tuple(int(n) for n in info["shape"])
            begin, end = (int(n) for n in info["data_offsets"])
            count = int(np.prod(shape, dtype=np.int64))
            if not 0 <= begin <= end <= len(body) or end - begin != count * dtype.itemsize:
                raise ValueError("byte range")
            tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(shape)
        except (KeyError, TypeError, ValueError):
            raise ModelFileError(f"{where}: array {name!r} is damaged or truncated") from None
    return structure, tensors


def _ngram_range(view: dict[str, Any], key: str) -> tuple[int, int]:
    """A view's n-gram lengths, 1 <= low <= high <= 32 (else prediction failed on them)."""
    value = view[key]
    if not (isinstance(value, list) and len(value) == 2 and all(type(n) is int for n in value)
            and 1 <= value[0] <= value[1] <= _MAX_NGRAM):
        raise ValueError(f"a view's {key} must be two integers 1 <= low <= high <= {_MAX_NGRAM}, "
                         f"not {value!r}")
    return value[0], value[1]


def _min_norm(view: dict[str, Any], format_version: Any) -> float:
    """A view's smallest training norm: a finite number >= 0 from format 4 on, else 0 (none)."""
    if format_version in (2, 3):
        return 0.0
    value = view.get("min_norm")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        np.isfinite(value) and value >= 0
    ):
        raise ValueError(f"a view's min_norm must be a finite number >= 0, not {value!r}")
    return float(value)


def _paragraph_focus(tensors: dict[str, np.ndarray], format_version: Any) -> np.ndarray:
    """The paragraph focus model: stored from format 5 on; before, what the model did with a text
    of one paragraph (its three scores are one: the focus weights summed, and the bias)."""
    if format_version in (2, 3, 4):
        return summed_focus(tensors["focus"])
    if "paragraph_focus" not in tensors:
        raise ValueError(f"array 'paragraph_focus' is missing (format {FORMAT_VERSION} has one)")
    return tensors["paragraph_focus"]


def _params(params: Any) -> dict[str, Any]:
    if not isinstance(params, dict):
        raise ModelFileError("the model's parameters are not a JSON object")
    valid = set(ArticleClassifier._get_param_names())
    unknown = set(params) - valid
    if unknown:
        raise ModelFileError(f"unknown parameters in model file: {', '.join(sorted(unknown))}")
    out = dict(params)
    for key, value in out.items():  # plain JSON values (pydantic would cost 0.4 s to load)
        items = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, (str, int, float)) for v in items):
            raise ModelFileError(f"parameter {key!r} in the model file is not a plain value")
    for key in ("ngram_range", "word_ngram_range"):
        if key in out:
            out[key] = tuple(out[key])
    return out


def _check_shapes(state: dict[str, Any]) -> None:
    n_features = sum(len(v) for v in state["views_"])
    n_out = len(state["classes_"])
    classes = list(state["classes_"])
    if "" in classes or len(set(classes)) != n_out:  # one score column per name
        raise ValueError(f"class names must be unique and non-empty, not {classes}")
    for name in ("coef_", "intercept_", "focus_", "paragraph_focus_", "thresholds_"):  # as JSON
        value = state[name]
        if value.dtype.kind != "f" or not np.isfinite(value).all():
            raise ValueError(f"array {name.rstrip('_')!r} must hold finite floats")
    if ((state["thresholds_"] < 0) | (state["thresholds_"] > 1)).any():
        raise ValueError("thresholds must lie between 0 and 1 (they are probabilities)")
    if state["coef_"].shape != (n_features, n_out) or state["intercept_"].shape != (n_out,):
        raise ValueError("array shapes do not match the vocabulary and labels")
    for view in state["views_"]:
        if view.view not in ("char", "words", "tokens"):
            raise ValueError(f"unknown text view {view.view!r}")
        if not np.isfinite(view.idf).all():
            raise ValueError(f"the {view.view} view's idf weights must be finite")
        if not view.token_local and len(view.terms) != len(view.idf):
            raise ValueError("terms do not match the idf weights")
        if view.token_local and (view.hashes is None or len(view.hashes) != len(view.idf)):
            raise ValueError("term hashes do not match the vocabulary")
        if view.hashes is not None and np.any(view.hashes[1:] <= view.hashes[:-1]):
            raise ValueError("term hashes are not sorted")
    focus_shapes = ((n_out, 3), (n_out, 4))  # format 2 has no lead weight
    if state["thresholds_"].shape != (n_out,) or state["focus_"].shape not in focus_shapes:
        raise ValueError("thresholds or focus model do not match the labels")
    if state["paragraph_focus_"].shape != (n_out, 2):
        raise ValueError("the paragraph focus model does not match the labels")
