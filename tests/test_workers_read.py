"""A JSON Lines corpus read by the Dask workers, a range of lines per task, a CSV corpus by ranges
of records and a folder by groups of files (topics.corpus.worker_reading), and the inputs of
``topics classify`` (topics.classifier.worker_inputs): the same tokens or rows, warnings and first
error as the client's reading."""

from __future__ import annotations

import csv
import json
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics.corpus.csv_ranges import csv_ranges
from topics.corpus.formats import CsvOptions
from topics.corpus.stream import analyse_corpus, iter_tokens
from topics.corpus.worker_reading import LineRanges, corpus_parts, line_ranges
from topics.distributed import dask_client
from topics.errors import ConfigError, CorpusError

from .conftest import user_warnings

BOILERPLATE = "![]() |\nQuelle: https://example.vn/x\nKommentar (0)"
ENGLISH = ("The minister said that the delegation would visit the border province next week and "
           "meet the local officials there to discuss the trade of the two countries. They "
           "also want to see the new road and the market that was built with the help of the "
           "people who live in the villages along the river.")


@pytest.fixture(scope="module")
def cluster():
    with dask_client("local", n_workers=2) as client:
        yield client


@pytest.fixture(autouse=True)
def workers_read_small_inputs(monkeypatch):
    """The inputs here are small; ``topics classify`` hands them to the workers all the same (it
    reads inputs under ``SMALL_INPUT_BYTES`` itself)."""
    from topics.classifier import worker_inputs

    monkeypatch.setattr(worker_inputs, "SMALL_INPUT_BYTES", 0)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.sampled_from([b"", b"a", b"{}", b"\r", b"x" * 50]), max_size=40),
       last_break=st.booleans(), per_range=st.integers(1, 9), block=st.integers(1, 64),
       max_bytes=st.none() | st.integers(1, 120))
def test_ranges_cut_a_file_at_line_breaks_and_cover_it(tmp_path_factory, lines, last_break,
                                                       per_range, block, max_bytes) -> None:
    data = b"\n".join(lines) + (b"\n" if last_break and lines else b"")
    path = tmp_path_factory.mktemp("ranges") / "f.jsonl"
    path.write_bytes(data)
    ranges = list(line_ranges(path, per_range, block=block, max_bytes=max_bytes))
    assert b"".join(data[r.start:r.end] for r in ranges) == data
    for r in ranges:
        part = data[r.start:r.end]
        assert r.first_line == data[:r.start].count(b"\n") + 1
        assert r.lines == part.count(b"\n") + (not part.endswith(b"\n"))
        assert part.count(b"\n") <= per_range
        if r is not ranges[-1]:  # it ends at a line break: the count, or the size reached
            assert part.endswith(b"\n")
            full = part.count(b"\n") == per_range
            big = max_bytes is not None and len(part) >= max_bytes
            assert full or big
            if max_bytes is not None:  # and no earlier line break would have done
                assert len(part[:-1].rpartition(b"\n")[0]) + 1 < max_bytes or \
                    part[:-1].count(b"\n") == 0


def _corpus(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Shipped articles with a boilerplate-only, an English and a letterless record among them,
    and a blank line."""
    records = [{"id": a.id, "text": a.text, "labels": list(a.labels)}
               for a in topics.load_corpus()[:60]]
    records[7] = {"id": "board", "text": BOILERPLATE}
    records[23] = {"id": "english", "text": ENGLISH}
    records[41] = {"id": "digits", "text": "12 345 678"}
    path = _corpus(tmp_path_factory.mktemp("mixed") / "mixed.jsonl", records)
    text = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(text[:30] + [""] + text[30:]), encoding="utf-8")
    return path


@pytest.mark.parametrize("unit", ["article", "paragraph"])
def test_the_workers_reading_gives_the_clients_output_and_warnings(cluster, mixed, unit,
                                                                   tmp_path) -> None:
    _, expected = _analysed_both_ways(cluster, mixed, tmp_path, unit, chunk_size=8)
    assert len(expected) == 3
    assert f"{mixed}: line 43: article 'digits' has no letters" in expected[2]  # after the blank


def _analysed_both_ways(cluster, source: Path, tmp_path: Path, unit: str,
                        chunk_size: int) -> tuple[Path, list[str]]:
    """The tokens file and the warnings of the client's reading, checked to be those of the
    workers' reading."""
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    expected = user_warnings(lambda: analyse_corpus(source, here, unit=unit,
                                                    chunk_size=chunk_size))
    got = user_warnings(lambda: analyse_corpus(source, there, unit=unit, chunk_size=chunk_size,
                                               scheduler=cluster, workers_read=True))
    assert there.read_bytes() == here.read_bytes()
    assert got == expected
    return here, expected


def _raises_as_the_client(cluster, source: Path, message: str, *, workers_read: bool | None = True,
                          **options) -> None:
    """Reading ``source`` on the cluster raises the error of the client's reading, word for word."""
    with pytest.raises(CorpusError, match=message) as local:
        list(iter_tokens(source, **options))
    with pytest.raises(CorpusError, match=message) as remote:
        list(iter_tokens(source, scheduler=cluster, workers_read=workers_read, **options))
    assert str(remote.value) == str(local.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rs: rs.__setitem__(25, {"id": rs[3]["id"], "text": "Ein Text."}),
         "line 26: duplicate id .* \\(first at .*line 4\\)"),  # across ranges
        (lambda rs: rs.__setitem__(26, {"id": rs[25]["id"], "text": "Ein Text."}),
         "line 27: duplicate id .* \\(first at .*line 26\\)"),  # in one range
        (lambda rs: rs.__setitem__(30, {"id": "x", "text": "<html><body>Seite</body></html>"}),
         "line 31: article 'x' is an HTML page"),
        (lambda rs: rs.__setitem__(33, ["not", "an", "object"]), "line 34: expected a JSON object"),
        (lambda rs: rs.__setitem__(35, {"id": "", "text": "Ein Text."}), "line 36: the id is empty"),
    ],
)
def test_a_bad_record_raises_the_error_of_the_clients_reading(cluster, tmp_path, change,
                                                              message) -> None:
    records = [{"id": a.id, "text": a.text[:200]} for a in topics.load_corpus()[:40]]
    change(records)
    path = _corpus(tmp_path / "bad.jsonl", records)
    _raises_as_the_client(cluster, path, message, chunk_size=10)


def test_bad_bytes_and_an_empty_file_are_said_as_the_client_says_them(cluster, tmp_path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b'{"id": "a", "text": "Ein Text."}\n{"id": "b", "text": "\xff"}\n')
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n\n", encoding="utf-8")
    for path, message in ((broken, "line 2: not valid utf-8"), (blank, "no articles in it")):
        _raises_as_the_client(cluster, path, message)


def _input(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    """A corpus of ``kind`` and its first file (a folder's first ``.txt`` file)."""
    if kind == "jsonl":
        path = _corpus(tmp_path / "c.jsonl", [{"id": "a", "text": "Ein Text über Hanoi."}])
        return path, path
    if kind == "csv":
        path = _csv_corpus(tmp_path / "c.csv", [["a", "Ein Text über Hanoi.", ""]])
        return path, path
    path = _folder(tmp_path / "corpus")
    return path, min(path.glob("*.txt"))


@pytest.mark.parametrize("kind", ["jsonl", "csv", "folder"])
@pytest.mark.parametrize("deleted", [False, True])
def test_a_worker_that_cannot_open_the_file_says_whether_it_is_gone_or_not_shared(
    tmp_path, monkeypatch, kind, deleted
) -> None:
    """A file the workers do not see (shared storage) and one deleted before a worker opened
    it were both said to be a shared-storage problem; the client tells them apart."""
    from topics.corpus import worker_reading
    from topics.corpus.worker_reading import corpus_parts, read_on_workers

    path, first = _input(tmp_path, kind)

    def unseen(file, *args, **kwargs):  # a worker whose file system lacks the corpus
        raise FileNotFoundError(2, "No such file or directory", file)

    def on_a_worker(task, parts, **options):
        parts = list(parts)  # the client cut the corpus while it was there
        if deleted:
            first.unlink()
        else:
            monkeypatch.setattr(worker_reading, "open", unseen, raising=False)
        return (task(p, unit="article", analysis={}, drop_paragraphs=(), encode=False,
                     **options) for p in parts)

    parts = corpus_parts(path, kind, "utf-8", 10, csv_options=CsvOptions(**CSV_OPTIONS))
    with pytest.raises(CorpusError) as error:
        list(read_on_workers(path, parts, None, "utf-8", on_a_worker))
    message = str(error.value)
    assert message.startswith(f"{first}: ")
    if deleted:
        assert f"missing, no file at {first.resolve()} any more" in message
        assert "put it back, or leave it out of the input, and run again" in message
        assert "shared storage" not in message
    else:
        assert f"a Dask worker cannot read {first.resolve()}" in message
        assert "same path (shared storage), or pass workers_read=False" in message


def test_an_input_deleted_before_the_workers_read_it_is_said_missing(
    cluster, tmp_path, monkeypatch
) -> None:
    """On a LocalCluster: the corpus, and classify's JSON Lines input and text file, deleted
    after the client cut them and before a worker opened them."""
    import topics.classifier.batch as batch
    import topics.corpus.stream as stream

    path = _corpus(tmp_path / "c.jsonl", [{"id": "a", "text": "Ein Text über Hanoi."}])
    text = tmp_path / "t.txt"
    text.write_text("Ein Text über Hanoi und die Grenze.", encoding="utf-8")

    def deleting(cut, file: Path):
        def cut_then_delete(*args, **kwargs):
            parts = list(cut(*args, **kwargs))
            file.unlink()
            return iter(parts)
        return cut_then_delete

    monkeypatch.setattr(stream, "corpus_parts", deleting(stream.corpus_parts, path))
    with pytest.raises(CorpusError, match=f"^{path}: missing, no file at {path.resolve()} any "
                                          "more .*put it back"):
        list(iter_tokens(path, scheduler=cluster, workers_read=True))
    _corpus(path, [{"id": "a", "text": "Ein Text über Hanoi."}])
    text.write_text("Ein Text über Hanoi und die Grenze.", encoding="utf-8")
    monkeypatch.setattr(batch, "corpus_ranges", deleting(batch.corpus_ranges, path))
    monkeypatch.setattr(batch, "text_file_groups", deleting(batch.text_file_groups, text))
    summary = batch.classify_inputs([str(path), str(text)], output=tmp_path / "out.jsonl",
                                    scheduler=cluster, workers_read=True)
    said = {p.source: p.message for p in summary.problems}
    assert said[str(path)].startswith(f"reading stopped: missing, no file at {path.resolve()}")
    assert said[str(text)].startswith(f"missing, no file at {text.resolve()} any more")
    assert not any("shared storage" in message for message in said.values())


def test_a_text_file_a_worker_did_not_find_is_said_as_the_client_sees_it(tmp_path) -> None:
    """classify's text file that a worker did not find: a shared-storage problem while the
    client sees it, missing once the client does not either."""
    from topics.classifier.sources import Problem, ReadOptions
    from topics.classifier.worker_inputs import TextFileGroup, read_text_files, said_here

    text = tmp_path / "t.txt"
    text.write_text("Ein Text über Hanoi.", encoding="utf-8")
    away = text.rename(tmp_path / "away.txt")  # not on the worker's file system
    (unseen,) = read_text_files(TextFileGroup((str(text),), (str(text),)), ReadOptions())
    away.rename(text)
    assert said_here(unseen) == Problem(str(text), (
        f"cannot be read by a Dask worker at {text}; the workers must see the inputs at the same "
        "path (shared storage), or pass workers_read=False (--no-workers-read)"))
    text.unlink()
    assert said_here(unseen) == Problem(str(text), (
        f"missing, no file at {text} any more (deleted or moved while it was read); put it "
        "back, or leave it out of the input, and run again"))


def test_workers_read_is_checked(tmp_path) -> None:
    path = _corpus(tmp_path / "c.jsonl", [{"id": "a", "text": "Ein Text über Hanoi."}])
    with pytest.raises(ConfigError, match="workers_read='yes'"):
        list(iter_tokens(path, scheduler="local", workers_read="yes"))


def _folder(folder: Path, labels: dict[str, list[str]] | None = None) -> Path:
    """Shipped articles as .txt files (three with a content warning), a labels file and a
    .jsonl file of more articles beside them."""
    folder.mkdir()
    articles = topics.load_corpus()[:30]
    for i, article in enumerate(articles[:22]):
        text = {3: BOILERPLATE, 11: ENGLISH, 17: "12 345 678"}.get(i, article.text)
        (folder / f"{article.id}.txt").write_text(text, encoding="utf-8")
    label_map = labels if labels is not None else {a.id: list(a.labels) for a in articles[:22]}
    (folder / "labels.json").write_text(json.dumps({"label_set": list(articles.label_set),
                                                     "articles": label_map}), encoding="utf-8")
    _corpus(folder / "more.jsonl", [{"id": a.id, "text": a.text} for a in articles[22:]])
    return folder


@pytest.mark.parametrize("unit", ["article", "paragraph"])
def test_the_workers_read_a_folder_as_the_client_does(cluster, tmp_path, unit) -> None:
    folder = _folder(tmp_path / "corpus")
    here, expected = _analysed_both_ways(cluster, folder, tmp_path, unit, chunk_size=4)
    assert len(expected) == 3
    ids = [json.loads(line)["article_id"] for line in here.read_text(encoding="utf-8").split("\n")
           if line]
    assert ids[-1] == topics.load_corpus()[29].id  # the .jsonl file's articles come last


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: (f / "labels.json").write_text(json.dumps(
            {k: v for k, v in json.loads((f / "labels.json").read_text())["articles"].items()
             if k != sorted(p.stem for p in f.glob("*.txt"))[9]}), encoding="utf-8"),
         "labels.json: no entry for .*txt"),
        (lambda f: sorted(f.glob("*.txt"))[6].write_bytes(b"Ein \xff Text."),
         "txt: line 1: not valid utf-8"),
        (lambda f: sorted(f.glob("*.txt"))[13].write_text("<html><body>x</body></html>"),
         "is an HTML page"),
        (lambda f: (f / "more.jsonl").write_text(json.dumps(
            {"id": sorted(p.stem for p in f.glob("*.txt"))[2], "text": "Ein Text."}) + "\n"),
         "more.jsonl: line 1: duplicate id .* \\(first at .*txt"),
    ],
)
@pytest.mark.filterwarnings("ignore::UserWarning")  # the folder's content warnings
def test_a_bad_file_of_a_folder_raises_the_error_of_the_clients_reading(cluster, tmp_path, change,
                                                                        message) -> None:
    folder = _folder(tmp_path / "corpus")
    change(folder)
    _raises_as_the_client(cluster, folder, message, chunk_size=4)


def _daily_files(folder: Path) -> Path:
    """Shipped articles as a folder of small .jsonl files (a file a day, 1-3 articles each), one
    file with a blank line, the last without its last line break."""
    folder.mkdir()
    records = [{"id": a.id, "text": a.text[:300]} for a in topics.load_corpus()[:40]]
    day, start = 0, 0
    while start < len(records):
        size = 1 + day % 3
        _corpus(folder / f"day{day:03d}.jsonl", records[start:start + size])
        start, day = start + size, day + 1
    (folder / "day004.jsonl").write_text("\n" + (folder / "day004.jsonl").read_text())
    last = folder / f"day{day - 1:03d}.jsonl"
    last.write_text(last.read_text().rstrip("\n"))
    return folder


def test_small_jsonl_files_of_a_folder_share_parts(cluster, tmp_path) -> None:
    folder = _daily_files(tmp_path / "days")
    files = sorted(folder.glob("*.jsonl"))
    parts = list(corpus_parts(folder, "folder", "utf-8", 10))
    assert len(parts) < len(files) / 2
    ranges = [r for p in parts for r in (p.ranges if isinstance(p, LineRanges) else (p,))]
    assert [Path(r.name) for r in ranges] == files  # every file once, in order, whole
    assert all(r.start == 0 and r.end == len(Path(r.name).read_bytes()) for r in ranges)
    assert all(sum(r.lines for r in p.ranges) <= 10 for p in parts if isinstance(p, LineRanges))
    _analysed_both_ways(cluster, folder, tmp_path, "paragraph", chunk_size=10)


def test_a_bad_line_in_a_small_file_raises_the_error_of_the_clients_reading(cluster,
                                                                           tmp_path) -> None:
    folder = _daily_files(tmp_path / "days")
    bad = sorted(folder.glob("*.jsonl"))[9]
    bad.write_text(bad.read_text() + "{not json\n")
    _raises_as_the_client(cluster, folder, f"{bad.name}: line 2: not valid JSON", chunk_size=10)


def test_classify_reads_small_corpus_inputs_itself(cluster, tmp_path, monkeypatch) -> None:
    from topics.classifier import batch, worker_inputs
    from topics.classifier.batch import classify_inputs

    monkeypatch.setattr(worker_inputs, "SMALL_INPUT_BYTES", 4000)
    cut: list[str] = []  # the files the client cut into ranges for the workers
    monkeypatch.setattr(batch, "corpus_ranges", lambda path, reading, **k: (
        cut.append(path.name), worker_inputs.corpus_ranges(path, reading, **k))[1])
    days = _daily_files(tmp_path / "days")  # files of 300-1,000 bytes
    big = _corpus(tmp_path / "big.jsonl",  # 13 kB
                  [{"id": a.id, "text": a.text[:300]} for a in topics.load_corpus()[40:80]])
    outputs = []
    for workers_read in (False, True):
        out = tmp_path / f"out{workers_read}.jsonl"
        classify_inputs([str(days), str(big)], output=out, scheduler=cluster,
                        workers_read=workers_read)
        outputs.append(out.read_bytes())
    assert outputs[1] == outputs[0] and outputs[0].count(b"\n") == 80
    assert cut == ["big.jsonl"]


def _classify_corpus(folder: Path) -> Path:
    """A JSON Lines input with every kind of record the client's reading treats apart, spread
    over ranges of 7 lines; the line that is not JSON stops the file before its last records."""
    articles = [a for a in topics.load_corpus()[:24]]
    records: list[object] = [{"id": a.id, "text": a.text} for a in articles]
    records[2] = {"id": "page", "text": "<html><body>Seite</body></html>"}  # skipped, id taken
    records[4] = {"id": "board", "text": BOILERPLATE}  # classified, with a warning
    records[5] = {"id": "english", "text": ENGLISH}
    records[9] = {"id": records[0]["id"], "text": "Ein Text."}  # a duplicate across ranges
    records[10] = {"id": "page", "text": "Ein Text."}  # the id of a skipped record
    records[11] = {"id": records[10]["id"], "text": "Noch ein Text."}  # within a range
    records[13] = {"id": "empty", "text": "   "}
    records[15] = {"id": "big", "text": "Wort " * 5000}  # over the size limit below
    records[19] = {"id": "twice", "text": "Ein Text.", "labels": ["a", "a"]}  # skipped
    path = _corpus(folder / "mixed.jsonl", records)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(8, "")  # a blank line
    lines.insert(22, "{not json")  # stops the file: the records after it are not read
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])  # lines / Arrow rows from the workers
def test_classify_on_the_workers_reading_gives_the_clients_output_and_messages(
        cluster, tmp_path, monkeypatch, suffix) -> None:
    from topics.classifier import batch, worker_inputs
    from topics.classifier.batch import ReadOptions, classify_inputs

    monkeypatch.setattr(worker_inputs, "_RANGE_LINES", 7)
    monkeypatch.setattr(worker_inputs, "_RANGE_BYTES", 6000)  # some ranges end by size
    cut: list[str] = []  # the files the client cut into ranges instead of reading them
    monkeypatch.setattr(batch, "corpus_ranges", lambda path, reading, **k: (
        cut.append(path.name), worker_inputs.corpus_ranges(path, reading, **k))[1])
    groups: list[int] = []  # the sizes of the groups of text files the workers read
    monkeypatch.setattr(batch, "text_file_groups", lambda files, options: (
        g for g in worker_inputs.text_file_groups(files, options)
        if not groups.append(len(g.paths))))
    mixed = _classify_corpus(tmp_path)
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text(topics.load_corpus()[30].text, encoding="utf-8")
    pages = tmp_path / "pages"  # a folder's .txt files, in groups of 7 files or 6,000 bytes
    pages.mkdir()
    for i, article in enumerate(topics.load_corpus()[31:46]):
        (pages / f"{i:02d}.txt").write_text(article.text, encoding="utf-8")
    (pages / "03.txt").write_text("<html><body>Seite</body></html>", encoding="utf-8")
    (pages / "05.txt").write_text("", encoding="utf-8")
    (pages / "08.txt").write_text(BOILERPLATE, encoding="utf-8")  # a file of it: a problem
    (pages / "11.txt").write_bytes("Grüße aus Hanoi".encode("latin-1"))
    _corpus(pages / "more.jsonl", [{"id": "m", "text": topics.load_corpus()[47].text}])
    named = [str(text), str(pages / "02.txt"), str(pages / "03.txt"), str(tmp_path / "nope.txt"),
             str(pages / "04.txt")]  # text files named one after another, one of them missing
    inputs = [*named, str(mixed), str(tmp_path / "empty.jsonl"), str(mixed), str(pages)]
    options = ReadOptions(max_bytes=20_000)
    runs = {}
    for name, workers_read in (("here", False), ("there", True)):
        problems: list[str] = []
        out = tmp_path / f"{name}{suffix}"
        warned = user_warnings(partial(
            classify_inputs, inputs, output=out, options=options, scheduler=cluster,
            workers_read=workers_read, on_problem=lambda p, seen=problems: seen.append(str(p))))
        runs[name] = (out.read_bytes(), problems, warned)
    assert runs["there"] == runs["here"]
    assert cut == ["mixed.jsonl", "empty.jsonl", "mixed.jsonl", "more.jsonl"]  # workers read
    assert groups[:2] == [3, 1]  # the named files, in two runs around the missing one
    assert sum(groups[2:]) == 15 and len(groups) > 4 and max(groups) <= 7  # the folder's files
    output, problems, warned = runs["here"]
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        output = b"\n".join(str(row).encode() for row in pq.read_table(
            tmp_path / f"here{suffix}").to_pylist())
    rows = len(output.splitlines())
    assert rows == 3 + 2 * 14 + 11 + 1  # 3 named files classified
    assert sum("pages/" in p for p in problems) == 5
    assert problems[0].startswith(f"{pages / '03.txt'}: ")  # an HTML page, then the missing file
    assert problems[1] == f"{tmp_path / 'nope.txt'}: no such file or folder"
    assert sum("reading stopped: line 23: not valid JSON" in p for p in problems) == 2
    assert any("empty.jsonl: reading stopped: no articles in it" in p for p in problems)
    assert sum("duplicate id" in p for p in problems) == 6
    assert sum("a label is listed twice" in p for p in problems) == 2
    assert len(warned) == 4  # the boilerplate and the English record, in each reading


def test_classify_with_an_unknown_encoding_says_it_as_the_clients_reading(cluster,
                                                                          tmp_path) -> None:
    """The client keeps inputs that its workers could not decode: it says what is wrong, once,
    as without Dask (no worker's failed task, no traceback)."""
    from topics.classifier.batch import ReadOptions, classify_inputs

    corpus = _corpus(tmp_path / "c.jsonl", [{"id": "a", "text": "Ein Text über Hanoi."}])
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text("Ein Text über Hanoi.", encoding="utf-8")
    options = ReadOptions(encoding="nope")
    for path in (corpus, folder):
        said = {}
        for where in (None, cluster):
            problems: list[str] = []
            try:
                classify_inputs(str(path), output=tmp_path / "out.jsonl", options=options,
                                scheduler=where, workers_read=where is not None,
                                on_problem=lambda p, seen=problems: seen.append(str(p)))
                said[where is None] = problems
            except ConfigError as exc:
                said[where is None] = [str(exc)]
        assert said[False] == said[True] and "'nope'" in said[True][0], said


def _csv_corpus(path: Path, rows: list[list[str]]) -> Path:
    """Rows under an ``id;text;labels`` header, ';'-separated, texts quoted with their line breaks."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(["id", "text", "labels"])
        writer.writerows(rows)
    return path


CSV_OPTIONS = {"id_column": "id", "text_column": "text", "label_column": "labels",
               "label_separator": "|", "delimiter": ";"}


@pytest.fixture(scope="module")
def mixed_csv(tmp_path_factory) -> Path:
    """The shipped articles of ``mixed`` as CSV (records over several lines), with a blank row."""
    rows = [[a.id, a.text, "|".join(a.labels)] for a in topics.load_corpus()[:60]]
    rows[7][1], rows[23][1], rows[41][1] = BOILERPLATE, ENGLISH, "12 345 678"
    rows.insert(30, [])
    return _csv_corpus(tmp_path_factory.mktemp("csv") / "mixed.csv", rows)


@pytest.mark.parametrize("unit", ["article", "paragraph"])
def test_the_workers_read_a_csv_file_as_the_client_does(cluster, mixed_csv, unit, tmp_path,
                                                        monkeypatch) -> None:
    from topics.corpus import worker_reading

    cut: list[int] = []  # the ranges the client handed out instead of articles
    monkeypatch.setattr(worker_reading, "csv_ranges", lambda *a, **k: (
        r for r in csv_ranges(*a, **k) if not cut.append(r.end - r.start)))
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    expected = user_warnings(lambda: analyse_corpus(mixed_csv, here, unit=unit, chunk_size=8,
                                                    **CSV_OPTIONS))
    got = user_warnings(lambda: analyse_corpus(mixed_csv, there, unit=unit, chunk_size=8,
                                               scheduler=cluster, workers_read=True,
                                               **CSV_OPTIONS))
    assert there.read_bytes() == here.read_bytes() and got == expected
    assert len(cut) == 8 and sum(cut) < mixed_csv.stat().st_size  # all but the header
    assert len(expected) == 3 and "has no letters (text '12 345 678')" in expected[2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows[25].__setitem__(0, rows[3][0]),
         "line .*: duplicate id .* \\(first at .*\\)"),  # across ranges
        (lambda rows: rows.__setitem__(30, ["short"]), "1 column, needs 3"),
        (lambda rows: rows.__setitem__(33, ["x", "Ein Text.", "", "zu viel"]),
         "4 fields where the header has 3"),
        (lambda rows: rows.__setitem__(35, ["x", "<html><body>Seite</body></html>", ""]),
         "article 'x' is an HTML page"),
    ],
)
def test_a_bad_csv_record_raises_the_error_of_the_clients_reading(cluster, tmp_path, change,
                                                                  message) -> None:
    rows = [[a.id, a.text[:300], ""] for a in topics.load_corpus()[:40]]
    change(rows)
    path = _csv_corpus(tmp_path / "bad.csv", rows)
    _raises_as_the_client(cluster, path, message, chunk_size=10, **CSV_OPTIONS)


def test_bad_bytes_and_a_wrong_header_in_a_csv_file_are_said_as_the_client_says_them(
        cluster, tmp_path) -> None:
    rows = [[a.id, a.text[:300], ""] for a in topics.load_corpus()[:30]]
    broken = _csv_corpus(tmp_path / "broken.csv", rows)
    broken.write_bytes(broken.read_bytes() + b'x;"Ein \xff Text";\n')
    header = tmp_path / "header.csv"
    header.write_text("id;body;labels\na;Ein Text.;\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("id;text;labels\n\n", encoding="utf-8")
    for path, message in ((broken, "line .*: not valid utf-8"), (header, "'text' is not a column"),
                          (empty, "no articles in it")):
        _raises_as_the_client(cluster, path, message, **CSV_OPTIONS)


def test_a_quote_left_open_mid_file_is_said_as_the_client_says_it(cluster, tmp_path) -> None:
    """Record 14 opens a quote that the next quoted text closes, the fields as many as the
    header's: the workers read the swallowed records as part of its text, as the client did.
    Now the client's cut into ranges judges each record as its reading does: the same refusal,
    at the line where the quote opens."""
    lines = ["id;text;labels\n"]
    for i, article in enumerate(topics.load_corpus()[:40]):
        text = " ".join(article.text.split()).replace(";", ",").replace('"', "'")[:300]
        if i % 5 == 3:  # some texts quoted
            text = f'"{text}' + ("" if i == 13 else '"')
        lines.append(f"{article.id};{text};\n")
    path = tmp_path / "archive.csv"
    path.write_text("".join(lines), encoding="utf-8")
    _raises_as_the_client(cluster, path, "line 15: a quote opened here is not closed where it "
                          "should be: its field runs on to line 20, .* takes in 5 lines",
                          chunk_size=10, **CSV_OPTIONS)


def test_classify_reads_a_csv_input_on_the_workers_as_the_client_does(cluster, tmp_path,
                                                                      monkeypatch) -> None:
    """Problems skipped (a repeated id, an HTML text, an empty text) and a row with too many
    fields, which stops the file, in ranges of 7 records."""
    from topics.classifier import batch, worker_inputs
    from topics.classifier.batch import ReadOptions, classify_inputs

    monkeypatch.setattr(worker_inputs, "_RANGE_LINES", 7)
    cut: list[str] = []
    monkeypatch.setattr(batch, "corpus_ranges", lambda path, reading, **k: (
        cut.append(path.name), worker_inputs.corpus_ranges(path, reading, **k))[1])
    rows = [[a.id, a.text, ""] for a in topics.load_corpus()[:30]]
    rows[3] = ["page", "<html><body>Seite</body></html>", ""]
    rows[9][0] = rows[1][0]  # a repeated id, across ranges
    rows[12] = ["empty", "  ", ""]
    rows[24] = ["x", "Ein Text.", "", "zu viel"]
    path = _csv_corpus(tmp_path / "in.csv", rows)
    options = ReadOptions(corpus=dict(CSV_OPTIONS))
    runs = {}
    for workers_read in (False, True):
        problems: list[str] = []
        out = tmp_path / f"{workers_read}.csv"
        classify_inputs([str(path), str(path)], output=out, options=options, scheduler=cluster,
                        workers_read=workers_read,
                        on_problem=lambda p, seen=problems: seen.append(str(p)))
        runs[workers_read] = (out.read_bytes(), problems)
    assert runs[True] == runs[False]
    assert cut == ["in.csv", "in.csv"]
    output, problems = runs[False]
    assert len(output.splitlines()) == 1 + 2 * 21 and len(problems) == 2 * 4  # 24 rows read, 3 skipped
    assert sum("reading stopped: line" in p and "4 fields where" in p for p in problems) == 2


def _parquet_corpus(path: Path, records: list[dict], row_group_size: int = 9) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=row_group_size)
    return path


@pytest.mark.parametrize("unit", ["article", "paragraph"])
def test_the_workers_make_the_articles_of_a_parquet_files_rows(cluster, unit, tmp_path,
                                                               monkeypatch) -> None:
    """The client decodes record batches, the workers make and check the articles: on any
    scheduler (here its address, where paths are not read by default)."""
    from topics.corpus import worker_reading

    records = [{"id": a.id, "text": a.text, "labels": list(a.labels)}
               for a in topics.load_corpus()[:40]]
    records[7]["text"], records[23]["text"], records[31]["text"] = BOILERPLATE, ENGLISH, "12 3"
    path = _parquet_corpus(tmp_path / "c.parquet", records)
    handed: list[int] = []  # the rows of each part the client handed out
    original = worker_reading.parquet_rows
    monkeypatch.setattr(worker_reading, "parquet_rows", lambda *a, **k: (
        p for p in original(*a, **k) if not handed.append(p.batch.num_rows)))
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    expected = user_warnings(lambda: analyse_corpus(path, here, unit=unit, chunk_size=8))
    got = user_warnings(lambda: analyse_corpus(path, there, unit=unit, chunk_size=8,
                                               scheduler=cluster.scheduler.address))
    assert there.read_bytes() == here.read_bytes() and got == expected
    assert sum(handed) == 40 and max(handed) <= 8 and len(expected) == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rs: rs[25].__setitem__("id", rs[3]["id"]), "row 26: duplicate id .*row 4"),
        (lambda rs: rs[30].__setitem__("text", "<html><body>Seite</body></html>"),
         "row 31: article .* is an HTML page"),
        (lambda rs: rs[33].__setitem__("id", ""), "row 34: the id is empty"),
    ],
)
def test_a_bad_parquet_row_raises_the_error_of_the_clients_reading(cluster, tmp_path, change,
                                                                   message) -> None:
    records = [{"id": a.id, "text": a.text[:200]} for a in topics.load_corpus()[:40]]
    change(records)
    path = _parquet_corpus(tmp_path / "bad.parquet", records)
    _raises_as_the_client(cluster, path, message, workers_read=None, chunk_size=10)


def test_a_file_that_is_not_parquet_is_said_as_the_client_says_it(cluster, tmp_path) -> None:
    path = tmp_path / "c.parquet"
    path.write_text("id,text\na,Ein Text.\n", encoding="utf-8")
    _raises_as_the_client(cluster, path, "not a readable Parquet file", workers_read=None)


def test_parquet_parts_end_where_their_texts_pass_the_size(tmp_path) -> None:
    from topics.corpus.worker_reading import parquet_rows

    sizes = [5, 5, 30, 1, 1, 1, 50, 2]
    path = _parquet_corpus(tmp_path / "s.parquet",
                           [{"id": str(i), "text": "x" * n} for i, n in enumerate(sizes)], 100)
    parts = [p.batch.column("text").to_pylist() for p in parquet_rows(path, 100, max_bytes=10)]
    assert [[len(t) for t in part] for part in parts] == [[5, 5], [30], [1, 1, 1], [50], [2]]
    assert [p.before for p in parquet_rows(path, 3)] == [0, 3, 6]


def test_classify_checks_a_parquet_inputs_rows_on_the_workers(cluster, tmp_path,
                                                             monkeypatch) -> None:
    """A repeated id across parts, an HTML text and an empty one: the client's rows and problems,
    on any scheduler; workers_read=False keeps the reading here."""
    from topics.classifier import batch, worker_inputs
    from topics.classifier.batch import classify_inputs

    monkeypatch.setattr(worker_inputs, "_RANGE_LINES", 7)
    cut: list[str] = []
    monkeypatch.setattr(batch, "corpus_ranges", lambda path, reading, **k: (
        cut.append(k["kind"]), worker_inputs.corpus_ranges(path, reading, **k))[1])

    records = [{"id": a.id, "text": a.text} for a in topics.load_corpus()[:30]]
    records[3]["text"] = "<html><body>Seite</body></html>"
    records[20]["id"] = records[1]["id"]
    records[12]["text"] = "  "
    path = _parquet_corpus(tmp_path / "in.parquet", records)
    runs = {}
    for name, where, workers_read in (("here", None, None), ("address", cluster.scheduler.address,
                                                              None), ("no", cluster, False)):
        problems: list[str] = []
        out = tmp_path / f"{name}.jsonl"
        classify_inputs([str(path)], output=out, scheduler=where, workers_read=workers_read,
                        on_problem=lambda p, seen=problems: seen.append(str(p)))
        runs[name] = (out.read_bytes(), problems)
    assert runs["address"] == runs["here"] == runs["no"]
    assert cut == ["parquet"]  # on the address only
    output, problems = runs["here"]
    assert len(output.splitlines()) == 27 and len(problems) == 3


def test_suggestions_on_the_workers_reading_are_the_clients(cluster, tmp_path,
                                                             monkeypatch) -> None:
    """``suggest-labels`` with the workers reading: the one-process file and messages, also when
    a range's least sure texts repeat earlier ids (the client's reading skips them) while the
    range holds more texts than it kept: the client reads that range again."""
    from topics.classifier import suggestions, worker_inputs
    from topics.classifier.suggestions import suggest_labels

    monkeypatch.setattr(worker_inputs, "_RANGE_LINES", 7)
    again: list[str] = []  # the ranges the client read again itself
    monkeypatch.setattr(suggestions, "read_range", lambda task, options: (
        again.append(task.source), worker_inputs.read_range(task, options))[1])
    articles = topics.load_corpus()[:21]
    every = _corpus(tmp_path / "every.jsonl", [{"id": a.id, "text": a.text} for a in articles])
    margins = tmp_path / "margins.jsonl"
    suggest_labels([str(every)], margins, n=21)
    order = [json.loads(line)["id"] for line in margins.read_text(encoding="utf-8").splitlines()]
    by_id = {a.id: a for a in articles}
    sure, unsure = [by_id[i] for i in order[7:]], [by_id[i] for i in order[:7]]
    records = [{"id": a.id, "text": a.text} for a in sure + unsure]
    for i in range(4):  # the four least sure texts of the last range repeat earlier ids
        records[14 + i]["id"] = records[i]["id"]
    repeats = _corpus(tmp_path / "repeats.jsonl", records)
    mixed = _classify_corpus(tmp_path)
    runs = {}
    for name, where in (("here", None), ("there", cluster)):
        for inputs, n in (([repeats], 1), ([mixed, repeats], 8)):
            problems: list[str] = []
            out = tmp_path / f"{name}{n}.jsonl"
            warned = user_warnings(partial(
                suggest_labels, [str(p) for p in inputs], out, n=n, scheduler=where,
                workers_read=where is not None,
                on_problem=lambda p, seen=problems: seen.append(str(p))))
            runs[name, n] = (out.read_bytes(), problems, warned)
    assert runs["there", 1] == runs["here", 1] and runs["there", 8] == runs["here", 8]
    assert again and set(again) == {str(repeats)}
    (first,) = runs["here", 1][0].decode("utf-8").splitlines()
    assert json.loads(first)["id"] == records[18]["id"]  # the least sure text kept
    assert sum("duplicate id" in p for p in runs["here", 8][1]) == 3 + 4
