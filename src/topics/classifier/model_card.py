"""The classifier's model card (``m.card.json`` beside ``m.safetensors``): its fields, reading it,
and the fields a caller of :func:`~topics.classifier.persistence.save_classifier` may add.

The card is plain JSON; loading checks every field it reads by type (:func:`read_card`). The
fields :func:`~topics.classifier.persistence.save_classifier` computes itself (:data:`RESERVED`)
cannot be given by the caller: a card whose ``sha256`` or ``labels`` a caller replaced described
another model, and the model then failed to load.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from topics.errors import InputError, ModelFileError, a_or_an, short
from topics.fileio import json_object_of

__all__ = ["CARD_SUFFIX", "FORMAT", "RESERVED", "SUFFIX", "card_path", "extra_fields",
           "is_our_card", "read_card"]

FORMAT = "topics.ArticleClassifier"
SUFFIX, CARD_SUFFIX = ".safetensors", ".card.json"
#: the card fields save_classifier computes from the model (a caller's ``card`` may not set them)
RESERVED = ("format", "format_version", "model_file", "sha256", "labels", "multilabel",
            "thresholds", "out_of_fold_f1", "params", "n_features", "versions")
_MAX_CARD = 16 * 1024 * 1024  # a card is a few kB; a larger file of that name is not one
# card fields this version reads, and their JSON types
_CARD_FIELDS: dict[str, tuple[type, ...]] = {
    "format": (str,),
    "format_version": (int,),
    "model_file": (str,),
    "sha256": (str,),
    "labels": (list,),
    "multilabel": (bool,),
    "thresholds": (dict,),
    "out_of_fold_f1": (dict,),
    "params": (dict,),
    "n_features": (int,),
    "versions": (dict,),
    "training_corpus": (dict,),
    "seed": (int,),
    "cv": (dict,),
}


def card_path(path: str | Path) -> Path:
    """The model card of a model file: ``m.v1.safetensors`` -> ``m.v1.card.json``."""
    path = Path(path)
    stem = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.name
    return path.with_name(stem + CARD_SUFFIX)


def _wrong_type(value: Any, types: tuple[type, ...]) -> bool:
    wrong = isinstance(value, bool) and bool not in types  # bool is an int in Python
    return wrong or not isinstance(value, types)


def read_card(card_file: Any, where: str) -> dict[str, Any]:
    """The model card as a dict, its fields checked by type (:class:`ModelFileError` if not)."""
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except OSError:
        raise ModelFileError(
            f"{where}: no model card {card_file.name} beside it; a model saved with "
            "topics.save_classifier always has one (save it again)"
        ) from None
    except (ValueError, RecursionError) as error:  # also 4300+ digits, nesting too deep
        raise ModelFileError(
            f"{where}: model card {card_file.name} is not JSON ({error})"
        ) from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelFileError(f"{where}: {card_file.name} is not a {FORMAT} model card")
    for field, types in _CARD_FIELDS.items():
        value = card.get(field)
        if field in card and _wrong_type(value, types):
            expected = " or ".join(t.__name__ for t in types)
            raise ModelFileError(
                f"{where}: model card field {field!r} is a {type(value).__name__}, not a "
                f"{expected}; the card is damaged (save or train the model again)"
            )
    versions = card.get("versions", {})
    if not all(isinstance(v, str) or v is None for v in versions.values()):
        raise ModelFileError(f"{where}: model card field 'versions' must map names to strings")
    return card


def is_our_card(path: Path) -> bool:
    """Whether ``path`` is a model card of ours: a JSON object of our ``format`` (a card damaged
    in its other fields is still ours to replace)."""
    card = json_object_of(path, _MAX_CARD)
    return card is not None and card.get("format") == FORMAT


def extra_fields(card: Any) -> dict[str, Any]:
    """The card fields a caller of save_classifier adds, each checked before anything is written.

    Raises
    ------
    InputError
        ``card`` is not a mapping, or a key is not a string, is one save_classifier writes itself
        (:data:`RESERVED`), has a value of the wrong type for a field loading checks
        (``seed``, ``training_corpus``, ``cv``), or a value that is not JSON.
    """
    if card is None:
        return {}
    if not isinstance(card, Mapping):
        raise InputError(f"save_classifier: card must be a dict of extra card fields, not a "
                         f"{type(card).__name__}")
    out = {}
    for key, value in card.items():
        if not isinstance(key, str):
            raise InputError(f"save_classifier: card key {short(key)} is "
                             f"{a_or_an(type(key).__name__)}; card keys must be strings")
        if key in RESERVED:
            raise InputError(
                f"save_classifier: card key {key!r} is written by save_classifier itself from "
                f"the model (reserved: {', '.join(RESERVED)}); leave it out or rename it")
        types = _CARD_FIELDS.get(key)
        if types and _wrong_type(value, types):  # loading would refuse the card
            raise InputError(f"save_classifier: card[{key!r}] must be "
                             f"{' or '.join(a_or_an(t.__name__) for t in types)}, not "
                             f"{a_or_an(type(value).__name__)} ({short(value)})")
        try:
            json.dumps(value)
        except (TypeError, ValueError) as error:
            raise InputError(
                f"save_classifier: card[{key!r}] is not a JSON value ({error}); give strings, "
                "numbers, booleans, None, and lists or dicts of them (an array: .tolist())"
            ) from None
        out[key] = value
    return out
