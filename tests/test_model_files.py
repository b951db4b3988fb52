"""Stored topic models are data, never code: crafted folders are refused before anything runs.

Every crafted folder carries a payload that would create ``MARKER`` in ``tmp_path`` if any code in
it ran (a pickle whose unpickling writes the file). Each must raise ModelFileError that names the
file and says what to do, and the marker must not exist afterwards. The manifest is rewritten with
correct checksums where the attack is elsewhere: an attacker can recompute SHA-256 sums, so the
checks behind the manifest must hold on their own.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import topics
from topics.errors import ModelFileError
from topics.topic_models.assigner import TopicAssigner

MARKER = "ran.txt"
# what to do: every refusal points to saving again, trust=True, or upgrading
HINT = r"(save it again|fit and save|trust=True|upgrade topics|refused)"


class _Payload:
    """Unpickling this writes ``path``: proof that code from the folder ran."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):  # noqa: ANN204 - the pickle protocol
        return (exec, (f"open({self.path!r}, 'w').write('ran')",))


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """A small real BERTopic result (200 paragraphs), saved once."""
    units = topics.load_corpus().units("paragraph")[:200]
    result = topics.fit_topic_model(units, "bertopic", "paragraph", seed=0)
    return result.save(tmp_path_factory.mktemp("saved") / "model")


@pytest.fixture
def folder(saved: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(saved, tmp_path / "model"))


def _put(folder: Path, name: str, data: bytes, *, listed: bool = True) -> None:
    """Write ``name`` and record it in the manifest with a correct checksum (as an attacker can)."""
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if listed:
        manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _card(folder: Path) -> dict:
    return json.loads((folder / "result.json").read_text(encoding="utf-8"))


def _put_card(folder: Path, card: dict) -> None:
    _put(folder, "result.json", json.dumps(card).encode("utf-8"))


def _payload(tmp_path: Path) -> bytes:
    return pickle.dumps(_Payload(tmp_path / MARKER))


def _refused(folder: Path, tmp_path: Path, match: str) -> ModelFileError:
    with pytest.raises(ModelFileError, match=match) as info:
        topics.load_topic_model(folder)
    message = str(info.value)
    assert str(folder) in message, message
    assert re.search(HINT, message), f"no advice in: {message}"
    assert not (tmp_path / MARKER).exists(), "code from the folder ran"
    return info.value


def test_the_payload_would_be_noticed(tmp_path: Path) -> None:
    """The marker really appears when the payload is unpickled: the checks below can fail."""
    pickle.loads(_payload(tmp_path))
    assert (tmp_path / MARKER).read_text() == "ran"


def test_a_clean_folder_loads_and_assigns(folder: Path, tmp_path: Path) -> None:
    loaded = topics.load_topic_model(folder)
    assert isinstance(loaded.estimator, TopicAssigner)
    assert len(loaded.assign(["Die Grenze zu Kambodscha wurde für den Handel geöffnet."])) == 1


@pytest.mark.parametrize("key", ["bertopic", "pickle", "joblib"])
def test_a_pickled_estimator_named_in_the_card_is_refused(folder, tmp_path, key) -> None:
    name = {"bertopic": "bertopic", "pickle": "model.pkl", "joblib": "model.joblib"}[key]
    (folder / name).write_bytes(_payload(tmp_path))
    card = _card(folder)
    card["estimator"] = {key: name}
    _put_card(folder, card)
    _refused(folder, tmp_path, f"stored as {key}")


@pytest.mark.parametrize("name", ["bertopic", "model.pkl", "estimator.joblib"])
def test_a_pickle_listed_in_the_manifest_is_refused(folder, tmp_path, name) -> None:
    _put(folder, name, _payload(tmp_path))
    _refused(folder, tmp_path, "refuses")


def test_a_pickle_disguised_as_the_estimator_file_is_refused(folder, tmp_path) -> None:
    card = _card(folder)
    card["estimator"] = {"kind": "centroids", "arrays": "model.pkl",
                         "structure": card["estimator"]["structure"]}
    (folder / "model.pkl").write_bytes(_payload(tmp_path))
    _put_card(folder, card)
    _refused(folder, tmp_path, "model.pkl")


def test_a_pickled_object_array_in_an_npy_is_refused(folder, tmp_path) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Payload(tmp_path / MARKER)], dtype=object), allow_pickle=True)
    _put(folder, "embeddings.npy", buffer.getvalue())
    _refused(folder, tmp_path, "embeddings.npy")


@pytest.mark.parametrize("where", ["card", "manifest"])
@pytest.mark.parametrize("kind", ["absolute", "parent"])
def test_paths_outside_the_folder_are_refused(folder, tmp_path, where, kind) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(folder / "estimator.safetensors", outside / "estimator.safetensors")
    name = str(outside / "estimator.safetensors") if kind == "absolute" \
        else "../outside/estimator.safetensors"
    if where == "card":
        card = _card(folder)
        card["estimator"]["arrays"] = name
        _put_card(folder, card)
    else:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"][name] = manifest["files"]["estimator.safetensors"]
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    error = _refused(folder, tmp_path, "refuses the file name")
    assert "estimator.safetensors" in str(error)


def test_a_link_out_of_the_folder_is_refused(folder, tmp_path) -> None:
    target = tmp_path / "elsewhere.npy"
    shutil.move(folder / "embeddings.npy", target)
    (folder / "embeddings.npy").symlink_to(target)
    _refused(folder, tmp_path, "embeddings.npy.*leads out of the folder")


@pytest.mark.parametrize("name", ["embeddings.npy", "estimator.safetensors", "result.json"])
def test_a_flipped_byte_fails_the_checksum(folder, tmp_path, name) -> None:
    data = bytearray((folder / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / name).write_bytes(bytes(data))
    _refused(folder, tmp_path, f"{name} does not match its checksum")


def test_a_file_missing_from_the_folder(folder, tmp_path) -> None:
    (folder / "distributions.npy").unlink(missing_ok=True)
    (folder / "embeddings.npy").unlink()
    _refused(folder, tmp_path, "embeddings.npy is missing")


@pytest.mark.parametrize(("field", "value", "wanted"), [
    ("versions", ["numpy", "2.0"], "versions must be an object of strings"),
    ("format_version", "2", "format_version must be an integer"),
    ("estimator", "model.pkl", "estimator must be an object of file names"),
    ("assignments", [0, "1"], "assignments must be a list of integers"),
    ("topics", {"0": [["wort", "schwer"]]}, "topics must be an object"),
])
def test_malformed_card_fields_are_named(folder, tmp_path, field, value, wanted) -> None:
    card = _card(folder)
    card[field] = value
    _put_card(folder, card)
    error = _refused(folder, tmp_path, wanted)
    assert "result.json" in str(error)


def test_a_newer_format_asks_for_an_upgrade(folder, tmp_path) -> None:
    card = _card(folder)
    card["format_version"] = 99
    _put_card(folder, card)
    _refused(folder, tmp_path, "upgrade topics")


@pytest.mark.parametrize("name", ["estimator.safetensors", "estimator.json"])
def test_truncated_estimator_files_are_refused(folder, tmp_path, name) -> None:
    data = (folder / name).read_bytes()
    _put(folder, name, data[: len(data) // 3])
    _refused(folder, tmp_path, name)


def test_a_folder_without_manifest_needs_trust(folder, tmp_path) -> None:
    (folder / "manifest.json").unlink()
    _refused(folder, tmp_path, "no manifest.json.*trust=True")
    assert topics.load_topic_model(folder, trust=True).topics == _saved_topics(folder)


def _saved_topics(folder: Path) -> dict:
    return {int(t): [(w, float(s)) for w, s in words] for t, words in _card(folder)["topics"].items()}


def test_trust_loads_a_legitimate_pickle(saved, folder, tmp_path) -> None:
    estimator = topics.load_topic_model(folder).estimator
    (folder / "model.pkl").write_bytes(pickle.dumps(estimator))
    card = _card(folder)
    card["estimator"] = {"pickle": "model.pkl"}
    _put_card(folder, card)
    with pytest.raises(ModelFileError, match="trust=True"):
        topics.load_topic_model(folder)
    trusted = topics.load_topic_model(folder, trust=True)
    assert isinstance(trusted.estimator, TopicAssigner)
    texts = ["Die Grenze zu Kambodscha wurde für den Handel geöffnet.",
             "Das Ministerium digitalisiert die Verwaltung der Provinzen."]
    assert trusted.assign(texts) == topics.load_topic_model(saved).assign(texts)


# ------------------------------------------------------------------ topics assign MODEL_DIR FILES


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_assign_cli_places_new_and_training_texts(saved, tmp_path, capsys) -> None:
    from topics.cli import main

    card = _card(saved)
    k = next(i for i, d in enumerate(card["documents"]) if len(d["text"].split()) > 30)
    known = tmp_path / "known.txt"
    known.write_text(card["documents"][k]["text"], encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text("Vietnam und Kambodscha öffnen einen neuen Grenzübergang für den Handel.\n\n"
                   "Das Ministerium digitalisiert die Verwaltung der Provinzen.", encoding="utf-8")
    assert main(["--quiet", "assign", str(saved), str(known), str(new)]) == 0
    records = _lines(capsys.readouterr().out)
    assert [(r["file"], r["paragraph"]) for r in records] == [
        (str(known), 0), (str(new), 0), (str(new), 1)]  # a paragraph model: one line per paragraph
    assert records[0]["training"] and records[0]["topic"] == card["assignments"][k]
    for record in records:
        assert record["name"] == card["topic_names"].get(str(record["topic"]), "outliers")
    assert not records[1]["training"] and str(records[1]["topic"]) in card["topics"]
    assert main(["--quiet", "assign", "--unit", "article", str(saved), str(new)]) == 0
    assert len(_lines(capsys.readouterr().out)) == 1


def test_assign_cli_refuses_bad_input_in_one_line(saved, folder, tmp_path, capsys,
                                                  monkeypatch) -> None:
    from topics.cli import main

    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    assert main(["assign", str(saved), str(empty)]) == 2
    assert "empty.txt is empty" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert main(["assign", str(saved), "-"]) == 2  # stdin named as topics classify names it
    assert "error: standard input is empty; there is nothing to assign" in capsys.readouterr().err
    text = tmp_path / "text.txt"
    text.write_text("Der Handel an der Grenze wächst.", encoding="utf-8")
    assert main(["assign", str(saved), str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    _put(folder, "bertopic", _payload(tmp_path))
    assert main(["assign", str(folder), str(text)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "topics assign: error:" in err and "'bertopic'" in err
    assert not (tmp_path / MARKER).exists()


def test_assign_cli_refuses_a_corpus_file_and_names_an_html_file(saved, tmp_path, capsys) -> None:
    """A .jsonl (and until stop 43 a .tsv) was one article of raw records (exit 0); an HTML
    page's error named no file."""
    from topics.cli import main

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    folder = tmp_path / "texts"
    folder.mkdir()
    tsv = tmp_path / "articles.tsv"
    tsv.write_text("id\ttext\na\tDie Grenze wurde geöffnet.\n", encoding="utf-8")
    for corpus, kind in ((seeds / "hneg_dev.jsonl", "a JSON Lines corpus file"),
                         (tsv, "a CSV corpus file"), (folder, "a folder")):
        assert main(["assign", str(saved), str(corpus)]) == 2
        err = capsys.readouterr().err
        assert f"error: {corpus} is {kind}; topics assign reads text files" in err
        assert err.count("\n") == 1
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><body><p>Text</p></body></html>", encoding="utf-8")
    assert main(["assign", str(saved), str(page)]) == 2
    assert f"error: {page}: an HTML page, not article text" in capsys.readouterr().err


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


@pytest.mark.parametrize(("edit", "expected"), [
    ("assignment", r"assignments name topic\(s\) \[99\] it does not have"),
    ("shape", r"distributions.npy: shape \(3, 3\), not one row per document \(200\)"),
    ("nan", r"distributions.npy: not finite numbers"),
])
def test_parts_that_disagree_are_refused_even_with_checksums(folder, edit, expected) -> None:
    """An edit re-hashed into the manifest passes the checksums: the parts must still agree
    (assignments name the card's topics, arrays have a row per document, finite)."""
    if edit == "assignment":
        card = _card(folder)
        card["assignments"][0] = 99
        _put_card(folder, card)
    else:
        rows = np.full((3, 3), 0.5) if edit == "shape" else np.full((200, 3), np.nan)
        _put(folder, "distributions.npy", _npy(rows))
    with pytest.raises(ModelFileError, match=expected):
        topics.load_topic_model(folder)


def test_save_replaces_an_earlier_save_but_no_other_files(saved, tmp_path) -> None:
    # was: a folder of the user's own (its result.json) silently written over
    result = topics.load_topic_model(saved)
    theirs = tmp_path / "proj"
    theirs.mkdir()
    (theirs / "result.json").write_text("mine", encoding="utf-8")
    with pytest.raises(topics.ConfigError, match=r"proj: the folder holds files that are not a "
                       r"saved topic model \('result.json'; .*give a new or empty folder"):
        result.save(theirs)
    assert [p.name for p in theirs.iterdir()] == ["result.json"]
    assert (theirs / "result.json").read_text(encoding="utf-8") == "mine"
    (tmp_path / "a file").write_text("mine", encoding="utf-8")
    with pytest.raises(topics.ConfigError, match="a file: is a file, not a folder"):
        result.save(tmp_path / "a file")
    again = result.save(result.save(tmp_path / "ours"))  # an earlier save is replaced
    assert topics.load_topic_model(again).topics == result.topics


def _estimator(folder: Path) -> dict:
    return json.loads((folder / "estimator.json").read_text(encoding="utf-8"))


def _put_estimator(folder: Path, structure: dict) -> None:
    _put(folder, "estimator.json", json.dumps(structure).encode("utf-8"))


def test_an_estimator_naming_an_embedding_model_needs_trust(folder, tmp_path) -> None:
    """estimator.json's options.embedding_model was handed to SentenceTransformer(name) when a
    text was placed: a path anywhere, whose loading can run code. Now a name there is refused
    unless trust=True, as pickles are."""
    structure = _estimator(folder)
    structure["options"]["embedding_model"] = str(tmp_path / "elsewhere")
    _put_estimator(folder, structure)
    error = _refused(folder, tmp_path, "names the sentence-transformers model")
    assert "estimator.json" in str(error) and str(tmp_path / "elsewhere") in str(error)
    loaded = topics.load_topic_model(folder, trust=True)  # the user's own model: as before
    assert loaded.estimator.options["embedding_model"] == str(tmp_path / "elsewhere")


@pytest.mark.parametrize(("edit", "expected"), [
    ("ids_elsewhere", r"estimator.json has topic ids \[7, 8, .*result.json the topics \[0, 1,"),
    ("ids_twice", "a topic id is listed twice"),
    ("id_huge", r"topic ids must be integers from 0 to 2\^63 - 1"),
    ("word_twice", "a vocabulary names a word twice"),
    ("ngrams", r"ngram_range must be two integers 1 <= low <= high"),
    ("int8", "array 'centroids' of estimator.safetensors is int8, not floats"),
    ("bool_idf", "array 'idf_0' of estimator.safetensors is bool, not floats"),
    ("context", "context_weight must be null or a number from 0 to 1"),
])
def test_an_estimator_that_disagrees_with_the_result_is_refused(folder, tmp_path, edit,
                                                                expected) -> None:
    """Re-hashed edits of the estimator: ids [7, 8, ...] for topics 0, 1, ... placed texts in
    topic 9 "outliers", a huge id overflowed at assign, repeated ids or words and integer arrays
    loaded."""
    from safetensors.numpy import load, save

    structure = _estimator(folder)
    ids = structure["topic_ids"]
    if edit == "ids_elsewhere":
        structure["topic_ids"] = [t + 7 for t in ids]
    elif edit == "ids_twice":
        structure["topic_ids"] = [ids[0], *ids[:-1]]
    elif edit == "id_huge":
        structure["topic_ids"] = [10**30, *ids[1:]]
    elif edit == "word_twice":
        words = structure["views"][0]["vocabulary"]
        words[1] = words[0]
    elif edit == "ngrams":
        structure["views"][0]["ngram_range"] = [-3, 0]
    elif edit == "context":  # was read by float() only when a text was placed
        structure["options"]["context_weight"] = "0.3; import os"
    else:
        tensors = load((folder / "estimator.safetensors").read_bytes())
        name = "centroids" if edit == "int8" else "idf_0"
        tensors[name] = tensors[name].astype(np.int8 if edit == "int8" else bool)
        _put(folder, "estimator.safetensors", save(tensors))
    _put_estimator(folder, structure)
    error = _refused(folder, tmp_path, expected)
    assert "estimator" in str(error)


def test_oversized_integers_in_the_card_are_refused(folder, tmp_path) -> None:
    """assignments[0] = 10**30 (an integer JSON allows) overflowed numpy's int64: OverflowError."""
    card = _card(folder)
    card["assignments"][0] = 10**30
    _put_card(folder, card)
    _refused(folder, tmp_path, r"result.json: malformed model card: assignments must be a list "
                               r"of integers \(64-bit\)")


@pytest.mark.parametrize("name", ["result.json", "estimator.json", "manifest.json"])
@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, '{"a": ' + "9" * 5000 + "}"])
def test_json_nested_too_deeply_or_with_a_huge_number_is_refused(folder, tmp_path, name,
                                                                 content) -> None:
    """JSON nested 100,000 deep gave a bare RecursionError; a 5,000-digit number a ValueError
    of the interpreter's limit. Each is now a ModelFileError naming the file."""
    if name == "manifest.json":
        (folder / name).write_text(content, encoding="utf-8")
    else:
        _put(folder, name, content.encode("utf-8"))
    error = _refused(folder, tmp_path, name)
    assert "JSON" in str(error)


def test_an_npy_header_claiming_more_than_the_file_holds_is_refused(folder, tmp_path) -> None:
    """A 128-byte npy whose header claims shape (1e9, 4): numpy allocated 32 GB first
    (MemoryError). The header is now held to the bytes after it before anything is read."""
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 4), }"
    header = header.ljust(128 - 10 - 1) + "\n"
    data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin-1")
    assert len(data) == 128
    _put(folder, "distributions.npy", data)
    error = _refused(folder, tmp_path, r"distributions.npy: not a plain numpy array \(its header "
                                       r"gives shape \(1000000000, 4\) of float64")
    assert "0 bytes follow it" in str(error)
