"""Saving and loading classifiers: round trip, model card, refusals that execute nothing, and the
shipped model retrained byte for byte on simulated machines."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

import topics
from topics.classifier import ArticleClassifier, load_classifier, save_classifier
from topics.classifier.persistence import FORMAT_VERSION, card_path
from topics.classifier.shipped import classify_files
from topics.errors import FileAccessError, ModelFileError, TopicsError


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
    assert {"topics", "scikit-learn", "numpy", "scipy"} <= set(card["versions"])


def test_the_file_is_standard_safetensors(saved, small_model):
    from safetensors.numpy import load

    arrays = load(saved.read_bytes())
    np.testing.assert_array_equal(arrays["coef"], small_model.coef_)
    assert arrays["hashes_0"].dtype == np.uint64 and np.all(np.diff(arrays["hashes_0"]) > 0)


def test_versions_of_a_model_have_their_own_cards(small_model, tmp_path):
    first = save_classifier(small_model, tmp_path / "m.v1.safetensors", card={"seed": 1})
    second = save_classifier(small_model, tmp_path / "m.v2", card={"seed": 2})
    assert (first.name, second.name) == ("m.v1.safetensors", "m.v2.safetensors")
    assert card_path(first).name == "m.v1.card.json" and card_path(second).name == "m.v2.card.json"
    assert json.loads(card_path(first).read_text())["seed"] == 1
    assert load_classifier(first).predict(["Grenze"]) == load_classifier(second).predict(["Grenze"])
    named = load_classifier(tmp_path / "m.v2")  # the name it was saved under, as --model takes it
    assert named.predict(["Grenze"]) == load_classifier(second).predict(["Grenze"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "m.v1.card.json", "m.v1.safetensors", "m.v2.card.json", "m.v2.safetensors"
    ]


def test_the_card_given_as_the_model_says_so(saved):
    with pytest.raises(ModelFileError, match=r"is the model card; pass the model file next to it"):
        load_classifier(card_path(saved))


@pytest.mark.parametrize(
    "field, value",
    [("versions", ["topics", "0.1.0"]), ("format_version", "2"), ("sha256", 5),
     ("labels", "a,b"), ("multilabel", "yes"), ("training_corpus", "shipped"),
     ("seed", True), ("versions", {"topics": 1})],
)
def test_card_fields_of_the_wrong_type_are_refused(saved, field, value):
    card_file = card_path(saved)
    card = json.loads(card_file.read_text())
    card[field] = value
    card_file.write_text(json.dumps(card))
    with pytest.raises(ModelFileError):
        load_classifier(saved)


def test_truncated_files_are_refused(saved):
    data = saved.read_bytes()
    for size in (0, 5, 100, len(data) // 2, len(data) - 1):
        saved.write_bytes(data[:size])
        with pytest.raises(ModelFileError):
            load_classifier(saved)
    # even with a card forged to match the truncated bytes
    saved.write_bytes(data[: len(data) - 8])
    _forge_card(saved, data[: len(data) - 8])
    with pytest.raises(ModelFileError, match="damaged or truncated|not a valid"):
        load_classifier(saved)


def test_a_full_disk_leaves_no_partial_file(small_model, tmp_path, monkeypatch):
    monkeypatch.setattr("os.fdopen", lambda fd, mode: _Failing(fd))
    with pytest.raises(FileAccessError, match="disk is full"):
        save_classifier(small_model, tmp_path / "m.safetensors")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []  # no model, no card, no .tmp


class _Failing:
    """A file whose writes fail as on a full disk."""

    def __init__(self, fd):
        import os

        os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, data):
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")


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


@pytest.mark.parametrize(("card", "expected"), [
    ({"sha256": "0" * 64}, r"card key 'sha256' is written by save_classifier itself"),
    ({"labels": ["a"]}, r"card key 'labels' is written by save_classifier itself"),
    ({"seed": "1"}, r"card\['seed'\] must be an int, not a str"),
    ({"scores": np.arange(3)}, r"card\['scores'\] is not a JSON value .*\.tolist\(\)"),
    ({1: "x"}, r"card key 1 is an int; card keys must be strings"),
])
def test_a_card_that_would_break_the_model_is_refused_before_writing(small_model, tmp_path, card,
                                                                     expected):
    # was: a model that failed to load (reserved keys), or a bare TypeError after the
    # .safetensors was written without its card (an array)
    with pytest.raises(topics.InputError, match=expected):
        save_classifier(small_model, tmp_path / "m", card=card)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_our_model_is_not_written_over(small_model, saved, tmp_path):
    theirs = tmp_path / "theirs.safetensors"
    theirs.write_text("a model of another library", encoding="utf-8")
    with pytest.raises(topics.ConfigError, match="theirs.safetensors exists and is not a model "
                       "saved by topics.*move it away or choose another file"):
        save_classifier(small_model, theirs)
    (tmp_path / "notes.card.json").write_text("my notes", encoding="utf-8")
    with pytest.raises(topics.ConfigError, match="notes.card.json exists and is not a model card"):
        save_classifier(small_model, tmp_path / "notes")
    assert theirs.read_text(encoding="utf-8") == "a model of another library"
    assert not (tmp_path / "notes.safetensors").exists()
    again = save_classifier(small_model, saved, card={"seed": 5})  # an earlier save is replaced
    assert json.loads(card_path(again).read_text())["seed"] == 5 and load_classifier(again)


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
        "format_version": FORMAT_VERSION,
        "sha256": hashlib.sha256(data).hexdigest(),
        "versions": {"topics": topics.__version__},
    }
    card_path(model_path).write_text(json.dumps(card))


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
    assert [r["id"] for r in results] == [str(path), "-"]
    assert results[0]["labels"] == ["digital_government"]
    assert results[1]["labels"][0] == "defence_cooperation"
    assert set(results[0]["scores"]) == set(topics.LABELS)
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(TopicsError, match="empty.txt: is empty"):
        classify_files([str(tmp_path / "empty.txt")])
    with pytest.raises(TopicsError, match="no such file"):
        classify_files([str(tmp_path / "missing.txt")])



def test_classify_files_gives_label_lists_for_a_single_label_model(tmp_path):
    """A single-label model's rows hold a one-label list, as the multi-label ones do, and the rows
    are the ones ``topics classify`` writes as JSON Lines."""
    from topics.classifier.batch import classify_inputs

    sport = ["Die Mannschaft gewann das Spiel im Stadion.", "Der Trainer lobte die Spieler.",
             "Der Verein stieg in die erste Liga auf."]
    money = ["Die Zentralbank erhöhte den Leitzins.", "Die Aktienkurse an der Börse fielen.",
             "Der Konzern meldete mehr Umsatz und Gewinn."]
    clf = ArticleClassifier(cv=2, min_df=1).fit(sport + money, ["Sport"] * 3 + ["Wirtschaft"] * 3)
    model = save_classifier(clf, tmp_path / "small")
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Der Verein verlor das Spiel im Stadion.", encoding="utf-8")
    (folder / "b.txt").write_text("Die Börse reagierte auf den Leitzins.", encoding="utf-8")
    rows = classify_files([str(folder)], model=model)
    assert [row["labels"] for row in rows] == [["Sport"], ["Wirtschaft"]]
    classify_inputs([str(folder)], model=model, output=tmp_path / "out.jsonl")
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in written] == rows

# Simulated machines: other OpenBLAS kernels (no FMA, no AVX), numpy without AVX2/FMA, other
# thread counts and hash seeds. The fit differs by ~1e-14 between them; the file may not.
MACHINES = {
    "as configured": {},
    "Prescott kernels, 2 threads": {"OPENBLAS_CORETYPE": "Prescott", "OMP_NUM_THREADS": "2",
                                    "OPENBLAS_NUM_THREADS": "2", "PYTHONHASHSEED": "123"},
    # numpy 2 dispatches by groups: naming single features (AVX2, FMA3) disabled nothing
    "Sandybridge, numpy's baseline kernels": {
        "OPENBLAS_CORETYPE": "Sandybridge",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("machine", MACHINES)
def test_retraining_the_shipped_model_is_byte_identical(tmp_path, machine):
    """`topics train-classifier` gives the committed model file byte for byte, whatever the
    CPU kernels, SIMD features, threads and hash seed (issue 9)."""
    import hashlib
    import os
    import subprocess
    import sys

    from topics.classifier.persistence import read_card
    from topics.classifier.shipped import SHIPPED_PATH

    committed = hashlib.sha256(SHIPPED_PATH.read_bytes()).hexdigest()
    assert read_card(card_path(SHIPPED_PATH), "shipped")["sha256"] == committed
    target = tmp_path / "retrained.safetensors"
    code = (
        "import sys; from topics.classifier.shipped import train_classifier; "
        "train_classifier(None, sys.argv[1], evaluate=False)"
    )
    # the machine's numpy setting replaces this process's pin
    env = {k: v for k, v in os.environ.items() if not k.startswith("NPY_")} | MACHINES[machine]
    subprocess.run([sys.executable, "-c", code, str(target)], env=env, check=True, timeout=900)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == committed



@pytest.mark.slow
def test_the_shipped_card_is_what_retraining_writes(tmp_path):
    """The committed card (parameters, cross-validation scores, corpus fingerprint) is the one
    `topics train-classifier` writes today: a change to the estimator or its evaluation that moves
    a card number fails here until the model is retrained. Library versions may differ."""
    from topics.classifier.shipped import SHIPPED_PATH, train_classifier

    train_classifier(None, tmp_path / SHIPPED_PATH.name)
    committed = json.loads(card_path(SHIPPED_PATH).read_text())
    rebuilt = json.loads(card_path(tmp_path / SHIPPED_PATH.name).read_text())
    for card in (committed, rebuilt):
        card.pop("versions")
    assert rebuilt == committed, "the shipped model is stale: run `.venv/bin/topics train-classifier`"

@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"thresholds": {"border_relations": 7}}, "the model card's thresholds"),
        ({"thresholds": {}}, "the model card's thresholds"),
        ({"labels": ["sports", "weather"]}, "the model card lists labels"),
    ],
)
def test_a_card_that_disagrees_with_its_model_is_refused(saved, change, expected):
    card_file = card_path(saved)
    card = json.loads(card_file.read_text())
    if "thresholds" in change and change["thresholds"]:
        change = {"thresholds": {**card["thresholds"], **change["thresholds"]}}
    card_file.write_text(json.dumps({**card, **change}))
    with pytest.raises(ModelFileError, match=expected):
        load_classifier(saved)


def test_a_format_2_model_without_a_lead_weight_still_loads_and_predicts(small_model, tmp_path,
                                                                         monkeypatch, shipped_corpus):
    """Models saved before the focus model read the lead (format 2, focus of 3 columns) load and
    predict as a model whose lead weight is 0 and whose views record no smallest norm."""
    import copy

    from topics.classifier import persistence

    old = copy.deepcopy(small_model)
    old.focus_ = small_model.focus_[:, [0, 1, 3]]
    with monkeypatch.context() as patch:
        patch.setattr(persistence, "FORMAT_VERSION", 2)
        path = save_classifier(old, tmp_path / "v2")
    assert json.loads(card_path(path).read_text())["format_version"] == 2
    loaded = load_classifier(path)
    assert loaded.focus_.shape == (len(loaded.classes_), 3)
    no_lead = copy.deepcopy(small_model)
    no_lead.focus_ = small_model.focus_.copy()
    no_lead.focus_[:, 2] = 0.0
    no_lead.paragraph_focus_ = np.column_stack([no_lead.focus_[:, :3].sum(1), no_lead.focus_[:, 3]])
    no_lead.__dict__.pop("_arrays", None)
    for view in no_lead.views_:
        view.min_norm = 0.0
    texts = shipped_corpus.texts[:30] + ["Grenze", "Armee und Grenze"]
    np.testing.assert_array_equal(loaded.predict_proba(texts), no_lead.predict_proba(texts))
    assert loaded.explain(texts[0])["per_label"][loaded.classes_[0]]["weights"]["lead"] == 0.0


def test_a_format_4_model_decides_a_text_of_one_paragraph_as_it_did(small_model, tmp_path,
                                                                      monkeypatch, shipped_corpus):
    """Models saved before the paragraph focus model (format 4: no such array) load and give the
    predictions they gave: a text of one paragraph decided by the focus model's summed weights,
    an article of several paragraphs as the new model decides it."""
    import copy

    from topics.classifier import persistence

    with monkeypatch.context() as patch:
        patch.setattr(persistence, "FORMAT_VERSION", 4)
        patch.setattr(persistence, "_serialise", _without_paragraph_focus(persistence._serialise))
        path = save_classifier(small_model, tmp_path / "v4")
    assert json.loads(card_path(path).read_text())["format_version"] == 4
    loaded = load_classifier(path)
    focus = small_model.focus_
    old = copy.deepcopy(small_model)
    old.paragraph_focus_ = np.column_stack([focus[:, :-1].sum(axis=1), focus[:, -1]])
    short = ["Die Armee half an der Grenze.", "Ein Portal für Behördendienste ging online."]
    np.testing.assert_array_equal(loaded.predict_proba(short), old.predict_proba(short))
    assert not np.array_equal(loaded.predict_proba(short), small_model.predict_proba(short))
    articles = shipped_corpus.texts[:20]
    np.testing.assert_array_equal(loaded.predict_proba(articles), small_model.predict_proba(articles))


def _without_paragraph_focus(serialise):
    """``serialise`` writing no paragraph focus model, as topics did before format 5."""

    def old_serialise(clf):
        tensors, structure = serialise(clf)
        del tensors["paragraph_focus"]
        return tensors, structure

    return old_serialise


@pytest.mark.parametrize("value", [-1.0, "36.5", None, float("nan"), True])
def test_a_crafted_smallest_norm_is_refused(saved, value):
    """A format-4 view's smallest training norm is a finite number >= 0, whatever the file says,
    even re-signed: a negative one would flip short texts' scores, NaN would empty them."""
    import hashlib

    from topics.classifier.persistence import _parse, to_safetensors

    structure, tensors = _parse(saved.read_bytes(), "test")
    if value is None:
        del structure["views"][0]["min_norm"]
    else:
        structure["views"][0]["min_norm"] = value
    data = to_safetensors(tensors, {"topics_model": json.dumps(structure)})
    saved.write_bytes(data)
    card = json.loads(card_path(saved).read_text())
    card_path(saved).write_text(json.dumps({**card, "sha256": hashlib.sha256(data).hexdigest()}))
    with pytest.raises(ModelFileError, match="min_norm must be a finite number >= 0"):
        load_classifier(saved)


def test_a_round_trip_keeps_the_smallest_norms(small_model, saved):
    loaded = load_classifier(saved)
    assert [v.min_norm for v in loaded.views_] == [v.min_norm for v in small_model.views_]
    assert all(v.min_norm > 0 for v in loaded.views_)
    words = ["Grenze", "Armee", "Digitalisierung"]
    np.testing.assert_array_equal(loaded.predict_proba(words), small_model.predict_proba(words))


def _resign(saved, structure: dict, tensors: dict, card_change: dict | None = None) -> None:
    """Write the model with ``structure`` and ``tensors`` and a card whose checksum matches, as
    anyone who edits the files can."""
    import hashlib

    from topics.classifier.persistence import to_safetensors

    data = to_safetensors(tensors, {"topics_model": json.dumps(structure)})
    saved.write_bytes(data)
    card = json.loads(card_path(saved).read_text())
    card.update(card_change or {}, sha256=hashlib.sha256(data).hexdigest())
    card_path(saved).write_text(json.dumps(card))


@pytest.mark.parametrize(("edit", "expected"), [
    ("nan_coef", "array 'coef' must hold finite floats"),
    ("inf_intercept", "array 'intercept' must hold finite floats"),
    ("nan_focus", "array 'focus' must hold finite floats"),
    ("nan_paragraph_focus", "array 'paragraph_focus' must hold finite floats"),
    ("paragraph_focus_shape", "the paragraph focus model does not match the labels"),
    ("no_paragraph_focus", "array 'paragraph_focus' is missing"),
    ("nan_threshold", "array 'thresholds' must hold finite floats"),
    ("threshold_above_1", "thresholds must lie between 0 and 1"),
    ("nan_idf", "idf weights must be finite"),
    ("same_class_twice", "class names must be unique and non-empty"),
    ("empty_class", "class names must be unique and non-empty"),
    ("ngram_range", r"ngram_range must be two integers 1 <= low <= high <= 32, not \[-3, 0\]"),
    ("word_ngram_range", r"word_ngram_range must be two integers 1 <= low <= high <= 32, not "
                         r"\[1, 1000\]"),
])
def test_a_crafted_model_is_refused_before_it_predicts(saved, edit, expected):
    """Re-signed edits that loaded: NaN or infinite weights (then `topics classify` wrote NaN,
    not JSON), a threshold out of [0, 1], a label twice or empty (a score column vanished), a
    view's n-gram lengths [-3, 0] (a crash at predict). Each is a ModelFileError naming the file."""
    from topics.classifier.persistence import _parse

    structure, tensors = _parse(saved.read_bytes(), "test")
    tensors = {name: np.array(value) for name, value in tensors.items()}  # writable copies
    card: dict = {}
    if edit in ("nan_coef", "inf_intercept", "nan_focus", "nan_paragraph_focus", "nan_threshold",
                "nan_idf"):
        name = {"nan_coef": "coef", "inf_intercept": "intercept", "nan_focus": "focus",
                "nan_paragraph_focus": "paragraph_focus", "nan_threshold": "thresholds",
                "nan_idf": "idf_0"}[edit]
        tensors[name].flat[0] = np.inf if edit == "inf_intercept" else np.nan
    elif edit == "paragraph_focus_shape":
        tensors["paragraph_focus"] = tensors["paragraph_focus"][:, :1].copy()
    elif edit == "no_paragraph_focus":
        del tensors["paragraph_focus"]
    elif edit == "threshold_above_1":
        tensors["thresholds"][0] = 1.5
        limits = tensors["thresholds"].tolist()
        card = {"thresholds": dict(zip(structure["classes"], limits, strict=True))}
    elif edit in ("same_class_twice", "empty_class"):
        classes = structure["classes"]
        classes[1] = classes[0] if edit == "same_class_twice" else ""
        card = {"labels": classes}
    else:
        structure["views"][0][edit] = [-3, 0] if edit == "ngram_range" else [1, 1000]
    _resign(saved, structure, tensors, card)
    with pytest.raises(ModelFileError, match=expected) as error:
        load_classifier(saved)
    assert str(saved) in str(error.value)


def test_a_nan_threshold_on_the_card_is_refused(saved):
    """The card's copy of the thresholds was compared with `abs(a - b) > 1e-9`, False for NaN."""
    card = json.loads(card_path(saved).read_text())
    card["thresholds"] = {label: float("nan") for label in card["thresholds"]}
    card_path(saved).write_text(json.dumps(card))  # NaN: Python's JSON extension
    with pytest.raises(ModelFileError, match="the model card's thresholds"):
        load_classifier(saved)


@pytest.mark.parametrize("where", ["card", "header"])
@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, "9" * 5000])
def test_json_nested_too_deeply_or_with_a_huge_number_is_refused(saved, where, content):
    """A bare RecursionError (or the interpreter's 4300-digit ValueError) from the card or the
    safetensors header's metadata: now a ModelFileError naming the file."""
    import hashlib

    from topics.classifier.persistence import _parse, to_safetensors

    if where == "card":
        card_path(saved).write_text(content)
        expected = f"model card {card_path(saved).name} is not JSON"
    else:
        _, tensors = _parse(saved.read_bytes(), "test")
        data = to_safetensors(tensors, {"topics_model": content})
        saved.write_bytes(data)
        card = json.loads(card_path(saved).read_text())
        card_path(saved).write_text(json.dumps({**card,
                                                "sha256": hashlib.sha256(data).hexdigest()}))
        expected = "not a topics.ArticleClassifier model file"
    with pytest.raises(ModelFileError, match=expected) as error:
        load_classifier(saved)
    assert str(saved) in str(error.value)
