"""`topics classify`, `suggest-labels` and `train-classifier --corpus` through the command line:
inputs of every kind, bad inputs reported while the batch goes on, outputs in three formats,
thresholds, a saved model, bounded memory, and the labelling loop end to end."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.cli import main
from topics.errors import ConfigError

from .conftest import user_warnings

HTML = "<!DOCTYPE html><html><body><div>Menü</div><p>Text</p></body></html>"


class _Stdin:
    """A stdin whose bytes are given (as a terminal or a pipe gives them)."""

    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


@pytest.fixture()
def seed(seed_texts) -> str:
    return seed_texts["001_92dd99e734424ef3"]  # defence_cooperation


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["--quiet", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def _corpus_csv(path: Path, articles, *, labels: bool = True) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "text", "labels"] if labels else ["id", "text"])
        for article in articles:
            row = [article.id, article.text]
            writer.writerow(row + ["|".join(article.labels)] if labels else row)
    return path


# ---- stdin: bytes decoded like files ---------------------------------------------------------


def test_stdin_in_utf8(monkeypatch, capsys, seed):
    monkeypatch.setattr("sys.stdin", _Stdin(seed.encode("utf-8")))
    status, out, _ = _run(capsys, "classify", "-")
    assert status == 0
    assert json.loads(out)["labels"][0] == "defence_cooperation"


@pytest.mark.parametrize(
    "encoding, data, message",
    [
        ("latin-1", None, r"is not valid utf-8 \(byte 0x[0-9a-f]{2} at offset \d+\); pass --encoding"),
        ("utf-16", None, "UTF-16 text .byte-order mark.; pass --encoding utf-16"),
        ("utf-16-le", None, "looks like UTF-16 text"),
        ("binary", bytes(range(256)) * 20, "is binary data"),
    ],
)
def test_stdin_that_is_not_utf8_is_one_clear_error(monkeypatch, capsys, seed, encoding, data, message):
    data = data if data is not None else seed.encode(encoding, "replace")
    monkeypatch.setattr("sys.stdin", _Stdin(data))
    status, out, err = _run(capsys, "classify", "-")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("topics classify: error: standard input")
    assert __import__("re").search(message, err), err


def test_stdin_in_latin1_with_its_encoding(monkeypatch, capsys, seed):
    monkeypatch.setattr("sys.stdin", _Stdin(seed.encode("latin-1", "replace")))
    status, out, _ = _run(capsys, "classify", "-", "--encoding", "latin-1")
    assert status == 0 and json.loads(out)["labels"][0] == "defence_cooperation"


def test_piped_json_lines_are_a_corpus_and_format_reads_stdin_as_one(
        monkeypatch, capsys, tmp_path, shipped_corpus):
    """A corpus piped in is classified record by record, as the same file would be: JSON Lines
    is recognised by its first line, another format is named with --format; a bad record names
    standard input and its line."""
    articles = list(shipped_corpus[:3])
    lines = "".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in articles)
    (tmp_path / "c.jsonl").write_text(lines, encoding="utf-8")
    _, from_file, _ = _run(capsys, "classify", str(tmp_path / "c.jsonl"))
    monkeypatch.setattr("sys.stdin", _Stdin(lines.encode("utf-8")))
    status, out, _ = _run(capsys, "classify", "-")
    assert status == 0 and [json.loads(r)["id"] for r in out.splitlines()] == [
        a.id for a in articles]
    assert out == from_file.replace(f'"source": "{tmp_path / "c.jsonl"}"', '"source": "-"')
    table = _corpus_csv(tmp_path / "c.csv", articles, labels=False).read_bytes()
    monkeypatch.setattr("sys.stdin", _Stdin(table))
    status, out, _ = _run(capsys, "classify", "-", "--format", "csv", "--id-column", "id")
    assert status == 0 and [json.loads(r)["id"] for r in out.splitlines()] == [
        a.id for a in articles]
    monkeypatch.setattr("sys.stdin", _Stdin((lines + '{"id": "x"}\n').encode("utf-8")))
    status, out, err = _run(capsys, "classify", "-")
    assert status == 1 and len(out.splitlines()) == 3
    assert "standard input: reading stopped: line 4: the field 'text' is missing" in err
    assert "topics-stdin-" not in err  # the temporary copy is not named


@pytest.mark.parametrize("compress", ["gzip", "bz2", "lzma"])
def test_compressed_stdin_is_read_as_the_compressed_file_would_be(
        monkeypatch, capsys, tmp_path, shipped_corpus, seed, compress):
    """`topics classify - < articles.jsonl.gz` was one article of binary data (exit 2)."""
    module = __import__(compress)
    articles = list(shipped_corpus[:3])
    lines = "".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in articles)
    (tmp_path / "c.jsonl").write_text(lines, encoding="utf-8")
    _, from_file, _ = _run(capsys, "classify", str(tmp_path / "c.jsonl"))
    monkeypatch.setattr("sys.stdin", _Stdin(module.compress(lines.encode("utf-8"))))
    status, out, _ = _run(capsys, "classify", "-")
    assert status == 0
    assert out == from_file.replace(f'"source": "{tmp_path / "c.jsonl"}"', '"source": "-"')
    monkeypatch.setattr("sys.stdin", _Stdin(module.compress(seed.encode("utf-8"))))  # one article
    status, out, _ = _run(capsys, "classify", "-")
    assert status == 0 and json.loads(out)["labels"][0] == "defence_cooperation"
    assert json.loads(out)["id"] == "-"
    monkeypatch.setattr("sys.stdin", _Stdin(module.compress(seed.encode("utf-8"))[:-20]))
    status, out, err = _run(capsys, "classify", "-")
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("topics classify: error: standard input") and "topics-stdin-" not in err


def test_a_tab_is_given_as_the_shell_types_it(tmp_path, capsys, shipped_corpus):
    """`--delimiter '\\t'` (what the hint for a tab-separated file says) and `tab` are a tab."""
    rows = "".join(f"{a.id}\t{a.text.replace(chr(10), ' ')}\n" for a in shipped_corpus[:3])
    (tmp_path / "c.csv").write_text("id\ttext\n" + rows, encoding="utf-8")
    for typed in ("\\t", "tab"):
        status, out, _ = _run(capsys, "classify", str(tmp_path / "c.csv"), "--delimiter", typed,
                              "--id-column", "id")
        assert status == 0 and [json.loads(r)["id"] for r in out.splitlines()] == [
            a.id for a in shipped_corpus[:3]]


# ---- files and folders: one bad input is reported, the batch goes on --------------------------


def test_a_bad_input_is_reported_and_the_batch_goes_on(tmp_path, capsys, seed):
    good = tmp_path / "good.txt"
    good.write_text(seed, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "page.txt").write_text(HTML, encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes(seed.encode("latin-1", "replace"))
    status, out, err = _run(capsys, "classify", str(tmp_path), str(tmp_path / "missing.txt"))
    assert status == 1  # some inputs skipped
    rows = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["id"]).name for r in rows] == ["good.txt"]
    assert "empty.txt: is empty" in err and "page.txt: is an HTML page" in err
    assert "latin.txt: is not valid utf-8" in err and "missing.txt: no such file" in err
    assert "1 text classified; 4 problems, said above" in err


def test_a_file_over_the_size_limit_is_refused_with_the_reason(tmp_path, capsys, seed):
    big = tmp_path / "big.txt"
    big.write_text(seed * 20, encoding="utf-8")
    status, _, err = _run(capsys, "classify", str(big), "--max-size", "50kB")
    assert status == 2
    assert "over the 50 kB limit" in err
    assert "--max-size" in err and "streamed" in err
    status, out, _ = _run(capsys, "classify", str(big), "--max-size", "1MB")
    assert status == 0 and json.loads(out)["labels"]


def test_a_corpus_record_over_the_size_limit_is_named_by_its_line(tmp_path, capsys, seed):
    """A record of a JSON Lines file over --max-size was named by its id alone, with the advice
    to put the corpus in a JSON Lines file (it was in one). Now its line is named, the advice
    is only the limit, and the workers' reading says the same."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"a{i}", "text": text}) + "\n"
                              for i, text in enumerate([seed, seed * 20, seed])), encoding="utf-8")
    status, out, err = _run(capsys, "classify", str(corpus), "--max-size", "50kB")
    assert status == 1 and [json.loads(line)["id"] for line in out.splitlines()] == ["a0", "a2"]
    assert "corpus.jsonl: line 2: record 'a1': is " in err and "over the 50 kB limit" in err
    assert "belongs in a CSV or JSON Lines file" not in err
    from topics.classifier.sources import Problem, ReadOptions
    from topics.classifier.worker_inputs import corpus_ranges, read_range

    options = ReadOptions(max_bytes=50_000)
    (task,) = corpus_ranges(corpus, 0, options=options)
    problems = [e for e in read_range(task, options).entries if isinstance(e, Problem)]
    assert [f"{p.source}: {p.message}" for p in problems] == [
        line.removeprefix("topics classify: skipped ") for line in err.splitlines()
        if "record 'a1'" in line]


# ---- corpus files, outputs, thresholds, a saved model -----------------------------------------


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory, shipped_corpus) -> Path:
    articles = [shipped_corpus[i] for i in range(0, len(shipped_corpus), 9)]
    path = _corpus_csv(tmp_path_factory.mktemp("corpus") / "small.csv", articles)
    with path.open("a", newline="", encoding="utf-8") as file:  # two bad records at the end
        csv.writer(file).writerows([["bad-empty", "", ""], ["bad-html", HTML, ""]])
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_csv_corpus_to_every_output_format(tmp_path, capsys, small_csv, suffix):
    output = tmp_path / f"labels{suffix}"
    status, _, err = _run(capsys, "classify", str(small_csv), "--id-column", "id", "--output", str(output))
    assert status == 1 and "bad-empty" not in err and "line" in err
    assert "25 texts classified; 2 problems" in err
    if suffix == ".csv":
        with output.open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        labels = [r["labels"].split("|") if r["labels"] else [] for r in rows]
    elif suffix == ".jsonl":
        rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
        assert set(rows[0]["scores"]) == set(topics.LABELS)
        labels = [r["labels"] for r in rows]
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(output).to_pylist()
        labels = [r["labels"] for r in rows]
    assert len(rows) == 25 and rows[0]["id"] == "000_4d7639e505ab9caa"
    if suffix != ".jsonl":
        assert {f"p_{label}" for label in topics.LABELS} <= set(rows[0])
    assert labels[0] == ["people_to_people_diplomacy"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_thresholds_change_the_decision_and_unknown_labels_are_named(tmp_path, capsys, seed):
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    status, out, _ = _run(capsys, "classify", str(path), "--threshold", "border_relations=0")
    assert status == 0 and "border_relations" in json.loads(out)["labels"]
    status, _, err = _run(capsys, "classify", str(path), "--threshold", "borders=0.3")
    assert status == 2 and "unknown label 'borders'" in err and "border_relations" in err
    status, _, err = _run(capsys, "classify", str(path), "--threshold", "border_relations")
    assert status == 2 and "LABEL=VALUE" in err
    status, _, err = _run(capsys, "classify", str(path), "--threshold", "border_relations=0.2",
                          "--threshold", "border_relations=0.9")
    assert status == 2 and "'border_relations' is given twice (0.2 and 0.9)" in err


def test_unknown_output_format_and_a_folder_as_output(tmp_path, capsys, seed):
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    status, _, err = _run(capsys, "classify", str(path), "--output", str(tmp_path / "x.xlsx"))
    assert status == 2 and "ending in .jsonl, .csv or .parquet" in err
    status, _, err = _run(capsys, "classify", str(path), "--output", str(tmp_path))
    assert status == 2 and "is a folder" in err


@pytest.mark.parametrize("command", ["analyse", "classify", "suggest-labels"])
def test_an_output_without_suffix_or_a_folder_says_what_names_are_taken(tmp_path, capsys, seed,
                                                                       command):
    """`topics analyse CORPUS -o d` said "unknown output suffix ''" (classify and suggest-labels
    "unknown format ''"), for a folder too: now a name without a suffix, or a folder, is said
    to be one, with the suffixes taken and a name to give."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": seed}) + "\n", encoding="utf-8")
    option = "-o" if command == "analyse" else "--output"
    given = "--output " if command != "analyse" else ""
    accepted = {"analyse": ".jsonl, .ndjson or .parquet", "classify": ".jsonl, .csv or .parquet",
                "suggest-labels": ".csv or .jsonl"}[command]
    status, _, err = _run(capsys, command, str(corpus), option, str(tmp_path / "d"))
    assert status == 2 and (f"{given}{tmp_path / 'd'} has no suffix, which says the format; give "
                            f"a file name ending in {accepted}, e.g. {tmp_path / 'd'}.") in err
    (tmp_path / "folder").mkdir()
    status, _, err = _run(capsys, command, str(corpus), option, str(tmp_path / "folder"))
    assert status == 2 and f"{given}{tmp_path / 'folder'} is a folder" in err
    assert "unknown" not in err and "e.g. " + str(tmp_path / "folder") + "/" in err


def test_an_output_that_classify_did_not_write_is_refused_and_kept(tmp_path, capsys, seed):
    """A labelling file being filled in (or any file classify did not write) is not replaced;
    an earlier output is."""
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    filled = tmp_path / "to_label.csv"
    filled.write_text("id,labels,text,source\nx1,border_relations,Ein Text.,a.txt\n",
                      encoding="utf-8")
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"id": "n1", "text": "meine Notizen"}\n', encoding="utf-8")
    for output in (filled, notes):
        before = output.read_bytes()
        status, out, err = _run(capsys, "classify", str(path), "--output", str(output))
        assert status == 2 and not out and f"--output {output} exists and is not an output" in err
        assert output.read_bytes() == before
    for suffix in (".csv", ".jsonl"):
        earlier = tmp_path / f"labels{suffix}"
        assert _run(capsys, "classify", str(path), "--output", str(earlier))[0] == 0
        assert _run(capsys, "classify", str(path), str(path), "--output", str(earlier))[0] == 0
        assert len(earlier.read_text(encoding="utf-8").splitlines()) == 2 + (suffix == ".csv")
    status, _, err = _run(capsys, "classify", str(path), "--output", str(tmp_path))
    assert status == 2 and f"--output {tmp_path} is a folder, not a file; give a file name" in err


@pytest.mark.parametrize("command", ["classify", "suggest-labels"])
def test_a_folder_as_output_is_refused_in_one_wording(tmp_path, capsys, seed, command):
    """classify wrote its own 'is a folder; give a file name (.jsonl, .csv, .parquet)' where
    suggest-labels (and analyse) said it in fileio.suffix_error's words; now both do."""
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    (tmp_path / "out").mkdir()
    accepted, example = {"classify": (".jsonl, .csv or .parquet", "labels.jsonl"),
                         "suggest-labels": (".csv or .jsonl", "to_label.csv")}[command]
    status, _, err = _run(capsys, command, str(path), "--output", str(tmp_path / "out"))
    assert status == 2 and (f"--output {tmp_path / 'out'} is a folder, not a file; give a file "
                            f"name ending in {accepted}, e.g. {tmp_path / 'out' / example}") in err


def test_suggest_labels_in_python_names_the_formats_it_writes(tmp_path, seed):
    """topics.suggest_labels(..., 's.txt') offered '.jsonl, .csv or .parquet' and then refused
    Parquet ('--output: suggestions are for filling in'): the command's check was its own."""
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    for name in ("s.txt", "s.parquet"):
        with pytest.raises(ConfigError) as error:
            topics.suggest_labels([str(path)], tmp_path / name)
        assert str(error.value) == (f"--output {tmp_path / name}: unknown output suffix "
                                    f"'{Path(name).suffix}'; give a file name ending in .csv or "
                                    ".jsonl (suggestions are for filling in)")


@pytest.mark.parametrize("command", ["classify", "suggest-labels", "train-classifier"])
def test_an_output_of_another_kind_is_kept_in_one_wording(tmp_path, capsys, seed, small_csv,
                                                          command):
    """Each command refused to replace a file it did not write in its own words ('give another
    --output'; 'training would replace it'); now all say it as fileio.refuse_to_replace does."""
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    theirs = tmp_path / ("m.safetensors" if command == "train-classifier" else "notes.csv")
    theirs.write_text("id,text\nn1,meine Notizen\n", encoding="utf-8")
    inputs = ["--corpus", str(small_csv), "--no-evaluate"] if command == "train-classifier" else [
        str(path)]
    status, _, err = _run(capsys, command, *inputs, "--output", str(theirs))
    assert status == 2 and f"--output {theirs} exists and is not " in err
    assert "; writing would replace what it holds: move it away or give another --output" in err
    assert theirs.read_text(encoding="utf-8") == "id,text\nn1,meine Notizen\n"


def test_train_classifier_in_python_keeps_a_file_that_is_not_a_model(tmp_path, small_csv):
    """topics.train_classifier wrote its model over any file (only the command looked first)."""
    mine = tmp_path / "m.safetensors"
    mine.write_bytes(b"not a model")
    with pytest.raises(ConfigError, match="exists and is not a model saved by topics"):
        topics.train_classifier(small_csv, mine, evaluate=False)
    assert mine.read_bytes() == b"not a model" and not (tmp_path / "m.card.json").exists()


def test_suggest_labels_names_the_formats_it_writes(tmp_path, capsys, seed):
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    for name in ("s.txt", "s.parquet"):  # not "use .jsonl, .csv or .parquet": no Parquet here
        status, _, err = _run(capsys, "suggest-labels", str(path), "--output",
                              str(tmp_path / name))
        assert status == 2 and "ending in .csv or .jsonl" in err and "or .parquet" not in err


def test_a_corpus_given_as_the_model_is_named_as_such(tmp_path, capsys, seed):
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": seed}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:  # not "no model card c.jsonl.card.json beside it"
        main(["classify", str(path), "--model", str(corpus)])
    err = capsys.readouterr().err
    assert info.value.code == 2 and f"--model: {corpus} is not a saved model; pass the " in err


def test_a_model_file_and_its_card_as_the_model(tmp_path, capsys, seed, shipped_corpus):
    from topics.classifier import ArticleClassifier, save_classifier

    sub = shipped_corpus.subset(range(0, len(shipped_corpus), 4))
    model = save_classifier(
        ArticleClassifier(labels=sub.label_set).fit(sub.texts, sub.labels), tmp_path / "m.v1"
    )
    path = tmp_path / "a.txt"
    path.write_text(seed, encoding="utf-8")
    status, out, _ = _run(capsys, "classify", str(path), "--model", str(model))
    assert status == 0 and json.loads(out)["labels"][0] == "defence_cooperation"
    status, _, err = _run(capsys, "classify", str(path), "--model", str(tmp_path / "m.v1.card.json"))
    assert status == 2 and "is the model card; pass the model file next to it" in err


def test_classification_runs_in_chunks(monkeypatch, tmp_path, shipped_corpus):
    """Bounded memory: texts are classified and written a chunk at a time, never all at once."""
    from topics.classifier import batch, sources
    from topics.classifier.estimator import ArticleClassifier

    monkeypatch.setattr(sources, "_CHUNK_TEXTS", 7)
    sizes = []
    original = ArticleClassifier._proba_of_documents

    def spy(self, documents):
        sizes.append(len(documents))
        return original(self, documents)

    monkeypatch.setattr(ArticleClassifier, "_proba_of_documents", spy)
    path = _corpus_csv(tmp_path / "c.csv", list(shipped_corpus)[:30])
    summary = batch.classify_inputs([str(path)], output=tmp_path / "out.jsonl",
                                    options=batch.ReadOptions(corpus={"id_column": "id"}))
    assert summary.classified == 30 and max(sizes) <= 7 and sum(sizes) == 30


def test_a_failing_batch_leaves_no_output(monkeypatch, tmp_path, shipped_corpus):
    from topics.classifier import batch, sources
    from topics.classifier.estimator import ArticleClassifier

    monkeypatch.setattr(sources, "_CHUNK_TEXTS", 5)
    calls = []

    original = ArticleClassifier._proba_of_documents

    def broken(self, documents):
        calls.append(1)
        if len(calls) > 1:
            raise MemoryError("simulated")
        return original(self, documents)

    monkeypatch.setattr(ArticleClassifier, "_proba_of_documents", broken)
    path = _corpus_csv(tmp_path / "c.csv", list(shipped_corpus)[:12])
    with pytest.raises(MemoryError):
        batch.classify_inputs([str(path)], output=tmp_path / "out.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_batch_that_classified_nothing_leaves_no_output(tmp_path, capsys, suffix):
    """Exit 2, nothing classified: no empty file (nor a header alone), and a file of that name
    from an earlier batch is left as it was."""
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "page.txt").write_text(HTML, encoding="utf-8")
    out = tmp_path / f"labels{suffix}"
    status, _, err = _run(capsys, "classify", str(tmp_path / "empty.txt"),
                          str(tmp_path / "page.txt"), "--output", str(out))
    assert status == 2 and "empty.txt" in err and "page.txt" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "page.txt"]
    out.write_bytes(b"an earlier batch's labels")
    assert _run(capsys, "classify", str(tmp_path / "empty.txt"), "--output", str(out))[0] == 2
    assert out.read_bytes() == b"an earlier batch's labels"


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_full_disk_at_the_last_flush_leaves_no_output(monkeypatch, tmp_path, capsys, seed, suffix):
    """The rows fit in the text buffer, so the disk fills up only when the output is closed."""
    import errno

    import topics.fileio as fileio

    real_fdopen = os.fdopen

    class FullDisk(io.RawIOBase):
        def __init__(self, *args, **kwargs) -> None:
            self.file = real_fdopen(*args, **kwargs)

        def write(self, data) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.file, name)

        def close(self) -> None:
            self.file.close()

    monkeypatch.setattr(fileio.os, "fdopen", FullDisk)
    (tmp_path / "a.txt").write_text(seed, encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    status, _, err = _run(capsys, "classify", str(tmp_path / "a.txt"), "--output", str(out))
    assert status == 2 and "Traceback" not in err
    assert f"out{suffix}: cannot write the file: the disk is full" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no output, no temporary


# ---- training on a corpus -----------------------------------------------------------------------


def test_train_classifier_does_not_replace_a_file_that_is_not_a_model(
        tmp_path, capsys, monkeypatch, small_csv):
    from topics.classifier.estimator import ArticleClassifier

    def never(*args, **kwargs):
        raise AssertionError("trained although the output is someone's file")

    monkeypatch.setattr(ArticleClassifier, "fit", never)
    mine = tmp_path / "m.safetensors"
    mine.write_bytes(b"not a model")
    for output in (mine, tmp_path / "m"):  # the suffix is added: the same file
        status, _, err = _run(capsys, "train-classifier", "--corpus", str(small_csv), "--output",
                              str(output))
        assert status == 2 and f"--output {mine} exists and is not a model saved by topics" in err
    assert mine.read_bytes() == b"not a model" and not (tmp_path / "m.card.json").exists()


def test_train_classifier_does_not_replace_a_card_that_is_not_ours(
        tmp_path, capsys, monkeypatch, small_csv):
    """bar.card.json beside a bar.safetensors still to be written was replaced silently."""
    from topics.classifier.estimator import ArticleClassifier

    def never(*args, **kwargs):
        raise AssertionError("trained although the card is someone's file")

    monkeypatch.setattr(ArticleClassifier, "fit", never)
    card = tmp_path / "bar.card.json"
    card.write_text('{"my": "notes"}', encoding="utf-8")
    for model in (False, True):  # the model file missing, then there (its card not ours)
        if model:
            (tmp_path / "bar.safetensors").write_bytes(b"")
        status, _, err = _run(capsys, "train-classifier", "--corpus", str(small_csv), "--output",
                              str(tmp_path / "bar.safetensors"))
        assert status == 2 and "Traceback" not in err
        assert f"{card} exists and is not the model card of a classifier" in err
    assert card.read_text(encoding="utf-8") == '{"my": "notes"}'


def test_train_classifier_checks_the_output_before_training(tmp_path, capsys, monkeypatch, small_csv):
    from topics.classifier.estimator import ArticleClassifier

    def never(*args, **kwargs):
        raise AssertionError("trained although the output cannot be written")

    monkeypatch.setattr(ArticleClassifier, "fit", never)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root writes into read-only folders: try sysfs instead
        locked.chmod(0o700)
        locked = Path("/sys/kernel")
        try:
            (locked / "probe.safetensors").write_bytes(b"")
        except OSError:
            pass
        else:
            pytest.skip("no folder this user cannot write to")
    try:
        status, _, err = _run(
            capsys, "train-classifier", "--corpus", str(small_csv), "--output", str(locked / "m")
        )
    finally:
        if locked.is_relative_to(tmp_path):
            locked.chmod(0o700)
    assert status == 2 and "no permission to write there" in err


def test_train_classifier_output_checked_first_even_as_root(tmp_path, capsys, monkeypatch, small_csv):
    from topics.classifier.estimator import ArticleClassifier

    monkeypatch.setattr(ArticleClassifier, "fit", lambda *a, **k: pytest.fail("trained"))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    status, _, err = _run(
        capsys, "train-classifier", "--corpus", str(small_csv), "--output", str(blocker / "m")
    )
    assert status == 2 and "a part of the path is a file" in err
    status, _, err = _run(capsys, "train-classifier", "--corpus", str(small_csv))
    assert status == 2 and "--output is needed with --corpus" in err


def _train_saying(capsys, corpus: Path, output: Path, *options: str) -> tuple[int, str]:
    """`topics train-classifier` on ``corpus`` without the card: its status and its warnings."""
    status = []
    said = user_warnings(lambda: status.append(_run(
        capsys, "train-classifier", "--corpus", str(corpus), "--output", str(output),
        "--no-evaluate", *options)[0]))
    return status[0], "\n".join(said)


def test_train_classifier_says_what_is_odd_about_the_labels(tmp_path, capsys, shipped_corpus):
    """Several labels read as one (no separator given) are refused (they would train mislabelled
    articles; tests/test_own_classifier.py); a label on one article (a typo) and a corpus of one
    label per article (a single-label model) are said, the model still written."""
    joined = _corpus_csv(tmp_path / "joined.csv", [a for a in shipped_corpus if a.labels][:30])
    status, _, err = _run(capsys, "train-classifier", "--corpus", str(joined), "--output",
                          str(tmp_path / "joined"), "--no-evaluate")
    assert status == 2 and not (tmp_path / "joined.safetensors").exists()
    assert "pass the separator of the label column (--label-separator '|'" in err
    single = [a for a in shipped_corpus if len(a.labels) == 1][:30]
    status, said = _train_saying(capsys, _corpus_csv(tmp_path / "single.csv", single),
                                 tmp_path / "single")
    assert status == 0 and (tmp_path / "single.safetensors").exists()
    assert "the model is single-label: one class per text, never none" in said
    status, said = _train_saying(capsys, joined, tmp_path / "split", "--label-separator", "|")
    assert status == 0 and "separator" not in said
    typo = [topics.Article(a.id, a.text, ("border_relation",) if i == 3 else a.labels)
            for i, a in enumerate(shipped_corpus[:60])]
    status, said = _train_saying(capsys, _corpus_csv(tmp_path / "typo.csv", typo),
                                 tmp_path / "typo", "--label-separator", "|")
    assert status == 0 and "fewer than 3 articles: 'border_relation' (1)" in said
    assert "single-label" not in said


# ---- the labelling loop -----------------------------------------------------------------------


def test_suggest_labels_leaves_out_reprints_of_a_suggested_story(tmp_path, capsys, shipped_corpus):
    articles = list(shipped_corpus[:40])
    reprints = [topics.Article(f"{a.id}-reprint", a.text + "\n\nQuelle: VOV", a.labels)
                for a in articles]
    pages = _corpus_csv(tmp_path / "archive.csv", articles + reprints, labels=False)
    status, _, _ = _run(capsys, "suggest-labels", str(pages), "--id-column", "id", "-n", "12",
                        "--output", str(tmp_path / "to_label.csv"))
    with (tmp_path / "to_label.csv").open(encoding="utf-8") as file:
        ids = [row["id"] for row in csv.DictReader(file)]
    assert status == 0 and len(ids) == 12
    stories = {i.removesuffix("-reprint") for i in ids}
    assert len(stories) == 12  # each story once, whichever copy was less sure


def test_suggest_labels_writes_n_stories_when_each_was_reprinted_often(tmp_path, capsys):
    """5 copies of each of 110 stories: the 3 n pool once held only 12 stories and 12 were
    written, silently; now n stories are, and fewer are written with the reason."""
    from .conftest import SEEDS

    records = [json.loads(line) for path in sorted(SEEDS.glob("*.jsonl"))
               for line in path.read_text(encoding="utf-8").splitlines()][:110]
    corpus = tmp_path / "reprinted.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"{r['id']}-copy{k}", "text": r["text"]}) + "\n"
                              for k in range(5) for r in records), encoding="utf-8")
    output = tmp_path / "to_label.csv"
    status, _, err = _run(capsys, "suggest-labels", str(corpus), "-n", "20", "--output", str(output))
    with output.open(encoding="utf-8") as file:
        ids = [row["id"] for row in csv.DictReader(file)]
    assert status == 0 and "wrote the 20 of 550 articles" in err and "near-duplicates" not in err
    stories = {i.rsplit("-copy", 1)[0] for i in ids[:3]}
    assert len({i.rsplit("-copy", 1)[0] for i in ids}) == len(ids) == 20
    few = tmp_path / "few.jsonl"  # 3 stories, 5 copies each: 3 written, and why
    few.write_text("".join(line for line in corpus.read_text(encoding="utf-8").splitlines(True)
                           if json.loads(line)["id"].rsplit("-copy", 1)[0] in stories),
                   encoding="utf-8")
    status, _, err = _run(capsys, "suggest-labels", str(few), "-n", "20", "--output", str(output))
    assert status == 0 and "wrote the 3 of 15 articles" in err
    assert "not -n 20: the other articles are near-duplicates, reprints, of these" in err


@pytest.mark.slow
def test_the_labelling_loop_end_to_end(tmp_path, capsys, shipped_corpus):
    """classify a CSV -> suggest labels -> fill them in -> load_corpus -> train -> classify with
    the new model: a researcher's day with their own data."""
    gold = {a.id: list(a.labels) for a in shipped_corpus}
    articles = [shipped_corpus[i] for i in range(0, len(shipped_corpus), 3)]
    unlabelled = _corpus_csv(tmp_path / "pages.csv", articles, labels=False)

    status, _, _ = _run(capsys, "classify", str(unlabelled), "--id-column", "id",
                        "--output", str(tmp_path / "first.csv"))
    assert status == 0

    suggestions = tmp_path / "to_label.csv"
    status, _, err = _run(capsys, "suggest-labels", str(unlabelled), "--id-column", "id",
                          "-n", "40", "--output", str(suggestions))
    assert status == 0 and "least sure" in err and "--label-separator '|'" in err
    with suggestions.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 40 and all(r["labels"] == "" for r in rows)
    margins = [float(r["margin"]) for r in rows]
    assert margins == sorted(margins)  # least sure first
    assert {"id", "text", "predicted", *(f"p_{label}" for label in topics.LABELS)} <= set(rows[0])

    for row in rows:  # the researcher fills in the labels
        row["labels"] = "|".join(gold[row["id"]])
    with suggestions.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    corpus = topics.load_corpus(suggestions, id_column="id", label_separator="|")
    assert len(corpus) == 40 and corpus.labels == [gold[i] for i in corpus.ids]
    labelled = suggestions.read_bytes()  # asking again for suggestions into it loses nothing
    status, _, err = _run(capsys, "suggest-labels", str(unlabelled), "--id-column", "id",
                          "-n", "5", "--output", str(suggestions))
    filled = sum(bool(gold[row["id"]]) for row in rows)  # "none" leaves the cell empty
    assert status == 2 and f"to_label.csv holds {filled} labelled articles" in err
    assert suggestions.read_bytes() == labelled

    model = tmp_path / "models" / "mine.safetensors"
    status, out, _ = _run(capsys, "train-classifier", "--corpus", str(suggestions), "--id-column",
                          "id", "--label-separator", "|", "--output", str(model), "--no-evaluate")
    assert status == 0 and "mine.card.json" in out
    card = json.loads((model.parent / "mine.card.json").read_text())
    assert card["training_corpus"]["fingerprint"] == corpus.fingerprint
    assert card["training_corpus"]["n"] == 40

    status, _, _ = _run(capsys, "classify", str(unlabelled), "--id-column", "id", "--model",
                        str(model), "--output", str(tmp_path / "second.jsonl"))
    assert status == 0
    second = [json.loads(line) for line in (tmp_path / "second.jsonl").read_text().splitlines()]
    assert len(second) == len(articles)
    hits = sum(set(r["labels"]) == set(gold[r["id"]]) for r in second)
    assert hits / len(second) > 0.6


@pytest.mark.parametrize("name", ["hneg_dev.jsonl", "hneg_dev.csv"])
def test_suggestions_do_not_replace_an_unlabelled_corpus(tmp_path, capsys, name):
    """An unlabelled corpus (every `labels` empty) was taken for a suggestions file and replaced
    by 3 suggestions; only a file with suggest-labels' columns is written over."""
    from .conftest import SEEDS

    records = [json.loads(line) for line in (SEEDS / "hneg_dev.jsonl").read_text().splitlines()]
    output = tmp_path / name
    if name.endswith(".jsonl"):
        output.write_bytes((SEEDS / "hneg_dev.jsonl").read_bytes())
    else:
        with output.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["id", "labels", "text"])
            writer.writerows([r["id"], "", r["text"]] for r in records)
    before = output.read_bytes()
    status, _, err = _run(capsys, "suggest-labels", str(SEEDS / "multi_dev.jsonl"), "-n", "3",
                          "--output", str(output))
    assert status == 2 and f"--output {output} exists and is not a suggestions file" in err
    assert "Traceback" not in err and output.read_bytes() == before
    fresh = tmp_path / f"next{output.suffix}"  # an earlier suggestions file is replaced
    for n in ("3", "2"):  # (from an unlabelled corpus: labels carried in are not replaced)
        status, _, err = _run(capsys, "suggest-labels", str(SEEDS / "hneg_dev.jsonl"), "-n", n,
                              "--output", str(fresh))
        assert status == 0, err
    assert len(topics.load_corpus(fresh, id_column="id", label_separator="|")) == 2


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_suggestions_keep_the_labels_an_article_came_with(tmp_path, capsys, suffix):
    """The README's command on a labelled corpus wrote its articles with `labels` blanked; now a
    researcher reviews the labels they came with, and the file is not replaced by a later run."""
    from .conftest import SEEDS

    corpus = SEEDS / "multi_dev.jsonl"
    given = {a.id: list(a.labels) for a in topics.load_corpus(corpus)}
    output = tmp_path / f"to_label{suffix}"
    status, _, err = _run(capsys, "suggest-labels", str(corpus), "-n", "20", "--output", str(output))
    assert status == 0 and "(20 of them with the labels they came with: review those)" in err
    back = topics.load_corpus(output, id_column="id", label_separator="|")
    assert len(back) == 20 and all(list(a.labels) == given[a.id] for a in back)
    before = output.read_bytes()
    status, _, err = _run(capsys, "suggest-labels", str(corpus), "-n", "5", "--output", str(output))
    assert status == 2 and "holds 20 labelled articles" in err and output.read_bytes() == before


@pytest.mark.parametrize("command", ["classify", "suggest-labels"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, capsys, small_csv, command):
    corpus = tmp_path / "c.csv"
    corpus.write_bytes(small_csv.read_bytes())
    link = tmp_path / "same.csv"
    link.symlink_to(corpus)
    for output in (corpus, link):
        status, _, err = _run(capsys, command, str(corpus), "--output", str(output))
        assert status == 2 and "the output file is the input" in err and "Traceback" not in err
    assert corpus.read_bytes() == small_csv.read_bytes()


# ---- each text cleaned once: reading leaves the look at the clean text to the chunk ----------

BOILERPLATE = "![]() |\nQuelle: https://example.vn/x\nKommentar (0)"


@pytest.mark.parametrize("scheduler", [None, "local"])
def test_a_corpus_file_warns_as_load_corpus_does_with_each_text_cleaned_once(
    monkeypatch, tmp_path, shipped_corpus, scheduler
):
    """The records' warnings (only boilerplate, no letters) are load_corpus's, word for word and
    in order, here and on Dask; every record is classified; each text is cleaned once."""
    from topics.classifier import batch
    from topics.text import cleaning

    records = [{"id": a.id, "text": a.text} for a in shipped_corpus[:4]]
    records[1:1] = [{"id": "board", "text": BOILERPLATE}, {"id": "digits", "text": "1111 2222"}]
    path = tmp_path / "crawl.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")

    loaded = user_warnings(lambda: topics.load_corpus(path))
    cleaned = []
    original = cleaning.clean_article
    monkeypatch.setattr(cleaning, "clean_article", lambda raw: cleaned.append(raw) or original(raw))
    output = tmp_path / "labels.jsonl"
    classified = user_warnings(lambda: batch.classify_inputs(str(path), output=output,
                                                      scheduler=scheduler, n_workers=2))
    assert classified == loaded and len(loaded) == 2
    assert "line 2: article 'board' is only page boilerplate" in loaded[0]
    assert "line 3: article 'digits' has no letters" in loaded[1]
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    if scheduler is None:  # the workers' cleaning is not seen from here
        assert sorted(cleaned) == sorted(r["text"] for r in records)


def test_a_text_file_of_only_boilerplate_is_skipped_the_others_classified(
    monkeypatch, tmp_path, capsys, seed
):
    from topics.text import cleaning

    board, good, empty = tmp_path / "board.txt", tmp_path / "good.txt", tmp_path / "empty.txt"
    board.write_text(BOILERPLATE, encoding="utf-8")
    good.write_text(seed, encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    cleaned = []
    original = cleaning.clean_article
    monkeypatch.setattr(cleaning, "clean_article", lambda raw: cleaned.append(raw) or original(raw))
    status, out, err = _run(capsys, "classify", str(board), str(good), str(empty))
    assert status == 1
    said = f"skipped {board}: holds only page boilerplate (captions, markers)"
    assert said in err
    assert err.index(said) < err.index(f"{empty}: is empty")  # in input order
    assert [json.loads(line)["id"] for line in out.splitlines()] == [str(good)]
    assert sorted(cleaned) == sorted([BOILERPLATE, seed])


def test_suggestions_skip_a_boilerplate_file_and_warn_about_a_foreign_record(
    tmp_path, capsys, shipped_corpus
):
    """suggest-labels reads as classify does: the same skipped file, the same record warning."""
    board = tmp_path / "board.txt"
    board.write_text(BOILERPLATE, encoding="utf-8")
    corpus = _corpus_csv(tmp_path / "c.csv", list(shipped_corpus)[:6], labels=False)
    with corpus.open("a", newline="", encoding="utf-8") as file:
        csv.writer(file).writerow(["en", "The minister met the delegation in Hanoi today to "
                                   "talk about trade, schools and the new airport. " * 3])
    output = tmp_path / "next.csv"
    with pytest.warns(UserWarning, match=r"c\.csv: line [0-9]+: article 'en' does not look German"):
        status, _, err = _run(capsys, "suggest-labels", str(board), str(corpus), "-n", "3",
                              "--id-column", "id", "--output", str(output))
    assert status == 1 and f"skipped {board}: holds only page boilerplate" in err
    assert len(list(csv.DictReader(output.open(encoding="utf-8")))) == 3


_KINDS = {  # texts that load and classify, each with its own warning or none
    "board": BOILERPLATE,
    "digits": "1111 2222 3333",
    "english": "The minister met the delegation in Hanoi to talk about trade, schools and the new "
               "airport, and both sides agreed to meet again next year in the capital. " * 2,
}


@settings(max_examples=15, deadline=None)
@given(kinds=st.lists(st.sampled_from(["german", *_KINDS]), min_size=1, max_size=12),
       chunk=st.integers(1, 5))
def test_classify_warns_and_classifies_as_load_corpus_reads(
    tmp_path_factory, shipped_corpus, kinds, chunk
):
    """Whatever mix of records and chunk size: every record classified, in order, and the
    warnings load_corpus gives for the same file, word for word."""
    from topics.classifier import sources

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "_CHUNK_TEXTS", chunk)
        _classify_a_mix(tmp_path_factory, shipped_corpus, kinds)


def _classify_a_mix(tmp_path_factory, shipped_corpus, kinds: list[str]) -> None:
    from topics.classifier import batch

    folder = tmp_path_factory.mktemp("mix")
    german = iter(shipped_corpus)
    records = [{"id": f"r{i}", "text": next(german).text if kind == "german" else _KINDS[kind]}
               for i, kind in enumerate(kinds)]
    path = folder / "mix.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    output = folder / "out.jsonl"
    loaded = user_warnings(lambda: topics.load_corpus(path))
    assert user_warnings(lambda: batch.classify_inputs(str(path), output=output)) == loaded
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    assert [row["german"] for row in rows] == [k != "english" for k in kinds]


_ROW_COLUMNS = ["id", "source", "labels", "german", "p_a", "p_b"]


@settings(max_examples=40, deadline=None)
@given(n_rows=st.integers(1, 40), cuts=st.lists(st.integers(0, 40), max_size=8),
       group=st.integers(1, 12))
def test_a_parquet_output_does_not_depend_on_how_its_rows_arrived(tmp_path_factory, n_rows,
                                                                  cuts, group):
    """Rows written in any batches (chunks here, ranges that Dask workers read) give the same
    Parquet bytes as one batch: row groups of a fixed number of rows."""
    from topics.classifier import outputs

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outputs, "PARQUET_GROUP_ROWS", group)
        _parquet_in_batches(tmp_path_factory.mktemp("parquet"), n_rows, cuts)


def _parquet_in_batches(folder: Path, n_rows: int, cuts: list[int]) -> None:
    from topics.classifier.outputs import RowWriter

    rows = [{"id": f"r{i}", "source": "c.jsonl", "labels": ["a"] if i % 3 else [],
             "german": i % 4 != 1, "p_a": round(i / 41, 6), "p_b": 0.5} for i in range(n_rows)]
    whole = folder / "whole.parquet"
    with RowWriter(whole, _ROW_COLUMNS, ["labels"]) as out:
        out.write(rows)
    bounds = sorted({0, n_rows, *(c for c in cuts if c < n_rows)})
    parts = folder / "parts.parquet"
    with RowWriter(parts, _ROW_COLUMNS, ["labels"]) as out:
        for start, stop in itertools.pairwise(bounds):
            out.write(rows[start:stop])
            out.write([])  # a batch whose rows were all skipped
    assert parts.read_bytes() == whole.read_bytes()


def test_a_named_pipe_in_an_input_folder_is_reported_not_waited_on(tmp_path, capsys, seed):
    """`topics classify FOLDER` hung forever on a FIFO named z.txt in the folder; now it is
    reported as an input that was not read, and the batch goes on."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(seed, encoding="utf-8")
    os.mkfifo(folder / "z.txt")
    os.mkfifo(folder / "zz.jsonl")
    status, out, err = _run(capsys, "classify", str(folder))
    assert status == 1 and [json.loads(line)["source"] for line in out.splitlines()] == [
        str(folder / "a.txt")]
    assert f"{folder / 'z.txt'}: is a named pipe, not a text file" in err
    assert f"{folder / 'zz.jsonl'}: is a named pipe, not a text file" in err
