"""Saving and loading classifiers: round trip, model card, refusals that execute nothing."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

import topics
from topics.classifier import ArticleClassifier, load_classifier, save_classifier
from topics.classifier.shipped import classify_files
from topics.errors import ModelFileError, TopicsError


@pytest.fixture(scope="module")
def small_model(shipped_corpus) -> ArticleClassifier:
    sub = shipped_corpus.subset(range(0, len(shipped_corpus), 3))
    return ArticleClassifier(labels=sub.label_set, cv=3).fit(sub.texts, sub.labels)


@pytest.fixture()
def saved(small_model, tmp_path):
    return save_classifier(small_model, tmp_path / "model", card={"seed": 0})


def test_round_trip_identical_predictions(small_model, saved, shipped_corpus):
    assert saved.name == "model.safetensors"
    loaded = load_classifier(saved)
    texts = shipped_corpus.texts[1::3]
    np.testing.assert_array_equal(loaded.predict_proba(texts), small_model.predict_proba(texts))
    assert loaded.predict(texts) == small_model.predict(texts)
    assert _plain(loaded.get_params()) == _plain(small_model.get_params())
    assert loaded.explain(texts[0])["labels"] == small_model.explain(texts[0])["labels"]


def _plain(params: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def test_card_records_what_matters(small_model, saved):
    card = json.loads((saved.parent / "model.card.json").read_text())
    assert card["labels"] == list(topics.LABELS)
    assert card["thresholds"] == dict(
        zip(topics.LABELS, small_model.thresholds_.tolist(), strict=True)
    )
    assert card["seed"] == 0 and len(card["sha256"]) == 64
    assert {"topics", "scikit-learn", "numpy", "simplemma"} <= set(card["versions"])


def test_tampered_file_is_refused(saved):
    data = bytearray(saved.read_bytes())
    data[-3] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="SHA-256 does not match"):
        load_classifier(saved)


def test_incompatible_version_is_refused(saved):
    card_path = saved.parent / "model.card.json"
    card = json.loads(card_path.read_text())
    card["versions"]["topics"] = "0.0.1"
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match="saved by topics 0.0.1.*retrain"):
        load_classifier(saved)


def test_missing_card_and_non_model_files(tmp_path, saved):
    (saved.parent / "model.card.json").unlink()
    with pytest.raises(ModelFileError, match="no model card"):
        load_classifier(saved)
    with pytest.raises(ModelFileError, match="cannot read model file"):
        load_classifier(tmp_path / "missing.safetensors")
    text = tmp_path / "notes.safetensors"
    text.write_text("just some text, not a model")
    (tmp_path / "notes.card.json").write_text("[1, 2]")
    with pytest.raises(ModelFileError, match="not a topics.ArticleClassifier model card"):
        load_classifier(text)


class _Payload:
    """Unpickling this would write a marker file: proof that code from the file ran."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _forge_card(model_path, data: bytes) -> None:
    """An attacker can write a card with the right checksum; loading must still refuse."""
    import hashlib

    card = {
        "format": "topics.ArticleClassifier",
        "format_version": 1,
        "sha256": hashlib.sha256(data).hexdigest(),
        "versions": {"topics": topics.__version__},
    }
    model_path.with_name(model_path.name.split(".")[0] + ".card.json").write_text(json.dumps(card))


@pytest.mark.parametrize("wrapper", ["pickle", "skops-zip", "safetensors-header"])
def test_malicious_file_executes_nothing(tmp_path, wrapper):
    marker = tmp_path / "pwned.txt"
    payload = pickle.dumps(_Payload(str(marker)))
    if wrapper == "pickle":
        data = payload
    elif wrapper == "skops-zip":  # a skops-like archive carrying a pickle
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("schema.json", json.dumps({"__class__": "_Payload"}))
            archive.writestr("payload.pkl", payload)
        data = buffer.getvalue()
    else:  # a valid-looking safetensors header whose metadata smuggles a pickle
        header = json.dumps({"__metadata__": {"topics_model": payload.hex()}}).encode()
        data = len(header).to_bytes(8, "little") + header
    path = tmp_path / "evil.safetensors"
    path.write_bytes(data)
    _forge_card(path, data)
    with pytest.raises(ModelFileError, match="not a topics.ArticleClassifier model file"):
        load_classifier(path)
    assert not marker.exists()


def test_shipped_model_loads_from_anywhere(tmp_path, monkeypatch, seed_texts):
    monkeypatch.chdir(tmp_path)
    clf = load_classifier()
    assert list(clf.classes_) == list(topics.LABELS)
    predicted = clf.predict(list(seed_texts.values()))
    assert predicted[1][0] == "defence_cooperation" and predicted[4] == ["digital_government"]


def test_classify_files(tmp_path, monkeypatch, seed_texts):
    path = tmp_path / "a.txt"
    path.write_text(seed_texts["004_efacae29e14d37a0"], encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(seed_texts["001_92dd99e734424ef3"]))
    results = classify_files([str(path), "-"])
    assert [r["file"] for r in results] == [str(path), "-"]
    assert results[0]["labels"] == ["digital_government"]
    assert results[1]["labels"][0] == "defence_cooperation"
    assert set(results[0]["scores"]) == set(topics.LABELS)
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(TopicsError, match="empty.txt is empty"):
        classify_files([str(tmp_path / "empty.txt")])
    with pytest.raises(TopicsError, match="cannot read"):
        classify_files([str(tmp_path / "missing.txt")])


@pytest.mark.slow
def test_retraining_with_same_seed_gives_identical_predictions(tmp_path, shipped_corpus):
    from topics.classifier.shipped import train_shipped_classifier

    first = load_classifier(train_shipped_classifier(tmp_path / "a", seed=0, evaluate=False))
    second = load_classifier(train_shipped_classifier(tmp_path / "b", seed=0, evaluate=False))
    texts = [u.text for u in shipped_corpus.units("paragraph")[::7]]
    np.testing.assert_array_equal(first.predict_proba(texts), second.predict_proba(texts))
    assert (tmp_path / "a.safetensors").read_bytes() == (tmp_path / "b.safetensors").read_bytes()
