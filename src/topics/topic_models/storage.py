"""The on-disk folder of a topic model: JSON, npy and safetensors files under a checksum manifest.

Writing (:func:`write_folder`): every file is written atomically, then ``manifest.json`` lists each
file's name, size and SHA-256. Reading (:func:`read_folder`) trusts nothing in the folder:

* only names listed in the manifest are read; a name must be a plain file name (no folder part, no
  ``..``, not absolute, no leading dot) with a suffix from :data:`SUFFIXES`, and must resolve to a
  regular file inside the folder (a symbolic link out of it is refused);
* every listed file must have its recorded size and SHA-256 (a flipped or truncated byte is
  refused), and is read once, so what is checked is what is parsed;
* the card (``result.json``) is checked field by field (:func:`check_card`) before it is used;
* npy files are read with ``allow_pickle=False``, safetensors by the safetensors parser, JSON by
  ``json``: no file can run code. Pickle and joblib files are read only by
  ``load_topic_model(..., trust=True)``.

Every failure is a :class:`~topics.errors.ModelFileError` naming the folder and the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from topics.errors import ConfigError, ModelFileError
from topics.fileio import atomic_write, json_object_of

__all__ = [
    "MANIFEST_FILE",
    "RESAVE",
    "SUFFIXES",
    "check_card",
    "check_name",
    "check_replaceable_folder",
    "json_of",
    "npy_array",
    "read_file",
    "read_folder",
    "write_folder",
]

MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = "topics.topic_model.manifest"
#: The only kinds of file a topic-model folder holds (loading none of them runs code).
SUFFIXES = (".json", ".npy", ".safetensors")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_MAX_MANIFEST = 1 << 20
#: What to do about a folder that is not as it was saved (ends every such message).
RESAVE = ("; the folder is not as TopicModelResult.save() wrote it: restore it, or fit and save "
          "the model again")


def check_name(directory: Path, name: Any, *, suffixes: tuple[str, ...] = SUFFIXES) -> Path:
    """The path of file ``name`` inside ``directory``; ModelFileError for anything else.

    Raises
    ------
    ModelFileError
        ``name`` is not a string, has a folder part, ``..``, an absolute path, a leading dot, a
        suffix outside ``suffixes``, or resolves (through a link) to a place outside the folder.
    """
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise ModelFileError(f"{directory}: refuses the file name {name!r}: a stored model names "
                             "plain files inside its own folder only" + RESAVE)
    if not name.endswith(suffixes):
        raise ModelFileError(f"{directory}: refuses {name!r}: only {', '.join(suffixes)} files are "
                             "read (pickle or joblib only with load_topic_model(..., trust=True))")
    path = directory / name
    root = directory.resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise ModelFileError(f"{directory}: cannot resolve {name!r} ({exc})" + RESAVE) from None
    if resolved.parent != root:
        raise ModelFileError(f"{directory}: {name!r} leads out of the folder; refused" + RESAVE)
    return path


def read_file(directory: Path, name: Any, *, suffixes: tuple[str, ...] = SUFFIXES,
              limit: int | None = None) -> bytes:
    """The bytes of file ``name`` of ``directory`` (checked by :func:`check_name`)."""
    path = check_name(directory, name, suffixes=suffixes)
    if not path.is_file():
        raise ModelFileError(f"{directory}: {name} is missing or not a regular file" + RESAVE)
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise ModelFileError(f"{directory}: {name} is {size} bytes, more than {limit}" + RESAVE)
        return path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{directory}: cannot read {name} ({exc.strerror or exc}); check its permissions") from None


def write_folder(directory: str | Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (name -> bytes) into ``directory``, then the manifest of all of them.

    Raises
    ------
    ConfigError
        ``directory`` is a file, or a folder that holds files and is not an earlier save
        (:func:`check_replaceable_folder`); nothing is written then.
    """
    directory = Path(directory)
    check_replaceable_folder(directory)
    entries = {}
    for name, data in sorted(files.items()):
        check_name(directory, name)
        atomic_write(directory / name, data)
        entries[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest = {"format": MANIFEST_FORMAT, "format_version": 1, "files": entries}
    atomic_write(directory / MANIFEST_FILE,
                 json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
    return directory


def check_replaceable_folder(directory: Path) -> None:
    """Refuse to save into ``directory`` unless it is new, empty, or an earlier save (its
    manifest is ours): the files of a folder the user keeps other things in (a ``result.json``
    of their own) were replaced without a word.

    Raises
    ------
    ConfigError
        Naming the folder, some of its files, and what to do.
    """
    if not directory.exists():
        return
    if not directory.is_dir():
        raise ConfigError(f"{directory}: is a file, not a folder; give a folder to save the "
                          "model in (new or empty)")
    try:
        names = sorted(p.name for p in directory.iterdir())
        if not names or _our_manifest(directory / MANIFEST_FILE):
            return
    except OSError:  # cannot be listed or read: the write names that problem
        return
    listed = ", ".join(map(repr, names[:3])) + (f" and {len(names) - 3} more" if len(names) > 3
                                                else "")
    raise ConfigError(f"{directory}: the folder holds files that are not a saved topic model "
                      f"({listed}; no {MANIFEST_FILE} of topics); saving would replace or mix "
                      "with them: give a new or empty folder, or move them away")


def _our_manifest(path: Path) -> bool:
    """Whether ``path`` is the manifest of a folder :func:`write_folder` wrote."""
    manifest = json_object_of(path, _MAX_MANIFEST)
    return manifest is not None and manifest.get("format") == MANIFEST_FORMAT


def json_of(raw: bytes, where: str) -> Any:
    """The JSON document of a folder's file (UTF-8), or a ModelFileError naming ``where``."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:  # also an integer of over 4300 digits
        raise ModelFileError(f"{where} is not JSON ({exc})" + RESAVE) from None
    except RecursionError:  # arrays or objects nested deeper than the parser recurses
        raise ModelFileError(f"{where} is JSON nested too deeply to be read" + RESAVE) from None


def npy_array(raw: bytes) -> np.ndarray:
    """The array of an npy file's bytes, never unpickled.

    Raises
    ------
    ValueError
        Not an npy file of format 1 or 2, an array of objects, or a header whose shape and
        item size do not account for exactly the bytes after it: numpy would allocate what the
        header claims (terabytes, from a file of a few bytes) before reading.
    """
    buffer = io.BytesIO(raw)
    version = np.lib.format.read_magic(buffer)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(buffer)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(buffer)
    else:
        raise ValueError(f"npy format version {version[0]}.{version[1]} is not read")
    if dtype.hasobject:
        raise ValueError("an array of Python objects (pickle)")
    size, left = math.prod(shape) * dtype.itemsize, len(raw) - buffer.tell()
    if size != left:
        raise ValueError(f"its header gives shape {shape} of {dtype} ({size} bytes), but "
                         f"{left} bytes follow it")
    return np.load(io.BytesIO(raw), allow_pickle=False)


def read_folder(directory: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file the manifest lists (except names in ``skip``), each checked against it.

    Raises
    ------
    ModelFileError
        No manifest, a malformed one, a refused name, a missing file, a wrong size or checksum.
    """
    raw = read_file(directory, MANIFEST_FILE, limit=_MAX_MANIFEST)
    manifest = json_of(raw, f"{directory}: {MANIFEST_FILE}")
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ModelFileError(f"{directory}: {MANIFEST_FILE} is not a topic-model manifest" + RESAVE)
    entries = manifest.get("files")
    if not isinstance(entries, dict) or not all(
        isinstance(e, dict) and type(e.get("bytes")) is int and isinstance(e.get("sha256"), str)
        for e in entries.values()
    ):
        raise ModelFileError(f"{directory}: {MANIFEST_FILE}: 'files' must map names to "
                             "{bytes: int, sha256: str}" + RESAVE)
    out = {}
    for name, entry in entries.items():
        if name in skip:
            check_name(directory, name)
            continue
        data = read_file(directory, name, limit=entry["bytes"])
        if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ModelFileError(
                f"{directory}: {name} does not match its checksum in {MANIFEST_FILE}; it was "
                "changed after saving (damaged or tampered). Refusing to load it; save it again")
        out[name] = data
    return out


# ------------------------------------------------------------------------------------------------
# the card

def _is_int(v: Any) -> bool:
    return type(v) is int and -(2 ** 63) <= v < 2 ** 63  # what numpy's int64 holds


def _is_number(v: Any) -> bool:
    return type(v) in (int, float)


def _strings(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _word_list(v: Any) -> bool:
    return isinstance(v, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and _is_number(p[1])
        for p in v)


def _topic_key(k: Any) -> bool:
    return isinstance(k, str) and re.fullmatch(r"-?\d{1,9}", k) is not None


def _document(d: Any) -> bool:
    return (isinstance(d, dict) and isinstance(d.get("id"), str)
            and isinstance(d.get("article_id"), str) and isinstance(d.get("text"), str)
            and _strings(d.get("labels")) and _is_int(d.get("index")))


_FIELDS: dict[str, tuple[str, Any]] = {
    "format": ("a string", lambda v: isinstance(v, str)),
    "format_version": ("an integer (64-bit)", _is_int),
    "model_name": ("a string", lambda v: isinstance(v, str)),
    "unit": ("'paragraph' or 'article'", lambda v: v in ("paragraph", "article")),
    "seed": ("an integer (64-bit)", _is_int),
    "settings": ("an object", lambda v: isinstance(v, dict)),
    "corpus_name": ("a string", lambda v: isinstance(v, str)),
    "corpus_fingerprint": ("a string", lambda v: isinstance(v, str)),
    "metrics": ("an object of numbers or null",
                lambda v: isinstance(v, dict) and all(x is None or _is_number(x) for x in v.values())),
    "topics": ("an object of topic id -> [[word, weight], ...]",
               lambda v: isinstance(v, dict) and all(_topic_key(k) and _word_list(w)
                                                     for k, w in v.items())),
    "topic_names": ("an object of topic id -> name",
                    lambda v: isinstance(v, dict) and all(_topic_key(k) and isinstance(n, str)
                                                          for k, n in v.items())),
    "assignments": ("a list of integers (64-bit)", lambda v: isinstance(v, list) and all(map(_is_int, v))),
    "documents": ("a list of units {id, article_id, text, labels, index}",
                  lambda v: isinstance(v, list) and all(map(_document, v))),
    "tokens": ("a list of lists of strings",
               lambda v: isinstance(v, list) and all(map(_strings, v))),
    "estimator": ("an object of file names", lambda v: isinstance(v, dict) and all(
        isinstance(k, str) and (x is None or isinstance(x, str)) for k, x in v.items())),
    "versions": ("an object of strings", lambda v: isinstance(v, dict) and all(
        x is None or isinstance(x, str) for x in v.values())),
}
_OPTIONAL = ("topic_names", "versions", "corpus_name", "corpus_fingerprint", "tokens", "estimator")


def check_card(card: Any, where: str) -> dict[str, Any]:
    """``card`` if every field has its type; else ModelFileError naming each wrong field."""
    if not isinstance(card, dict):
        raise ModelFileError(f"{where}: the card is not a JSON object" + RESAVE)
    problems = []
    for name, (wanted, ok) in _FIELDS.items():
        if name not in card:
            if name not in _OPTIONAL:
                problems.append(f"{name} is missing")
        elif not ok(card[name]):
            problems.append(f"{name} must be {wanted}")
    if not problems:
        n = len(card["assignments"])
        if len(card["documents"]) != n or ("tokens" in card and len(card["tokens"]) not in (0, n)):
            problems.append(f"documents/tokens do not match the {n} assignments")
    if problems:
        raise ModelFileError(f"{where}: malformed model card: " + "; ".join(problems) + RESAVE)
    return card
