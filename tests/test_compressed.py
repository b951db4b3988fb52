"""Corpus files compressed with gzip, bz2 or xz are read as the same files uncompressed, through
every public entry point; a damaged or misnamed one is one clear error naming it."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import tracemalloc
from pathlib import Path

import pytest

import topics
from topics.cli import main
from topics.errors import ConfigError, CorpusError

from .conftest import SEEDS, write_jsonl_corpus

COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


def _compressed(path: Path, suffix: str) -> Path:
    """``path`` compressed beside it, named ``<name><suffix>``."""
    target = path.with_name(path.name + suffix)
    target.write_bytes(COMPRESS[suffix](path.read_bytes()))
    return target


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """30 shipped articles as JSON Lines."""
    return write_jsonl_corpus(tmp_path_factory.mktemp("plain") / "articles.jsonl", 30)


def _same(a: topics.Corpus, b: topics.Corpus) -> None:
    assert list(a) == list(b)
    assert (a.name, a.label_set, a.fingerprint) == (b.name, b.label_set, b.fingerprint)


@pytest.mark.parametrize("suffix", list(COMPRESS))
def test_a_compressed_jsonl_file_loads_as_the_file_itself(plain, suffix) -> None:
    packed = _compressed(plain, suffix)
    _same(topics.load_corpus(packed), topics.load_corpus(plain))
    assert list(topics.iter_articles(packed)) == list(topics.load_corpus(plain))


def test_csv_and_tsv_compressed_keep_their_delimiter_and_ids(tmp_path) -> None:
    rows = "labels,text\nwirtschaft,Der Hafen wächst.\n,Die Regierung tagt in Hanoi.\n"
    csv_file = tmp_path / "pages.csv"
    csv_file.write_text(rows, encoding="utf-8")
    tsv_file = tmp_path / "pages.tsv"
    tsv_file.write_text(rows.replace(",", "\t"), encoding="utf-8")
    for plain_file, suffix in ((csv_file, ".bz2"), (tsv_file, ".gz")):
        corpus = topics.load_corpus(_compressed(plain_file, suffix))
        _same(corpus, topics.load_corpus(plain_file))
        assert list(corpus.ids) == ["pages-0002", "pages-0003"]  # the stem without .csv.bz2


def test_the_format_is_given_or_said_for_a_name_without_one(plain, tmp_path) -> None:
    dump = tmp_path / "dump.gz"
    dump.write_bytes(gzip.compress(plain.read_bytes()))
    with pytest.raises(CorpusError, match=r"dump\.gz: cannot tell the format .*no suffix before "
                                          r"'\.gz'.*articles\.jsonl\.gz"):
        topics.load_corpus(dump)
    assert list(topics.load_corpus(dump, format="jsonl")) == list(topics.load_corpus(plain))
    unnamed = tmp_path / "articles.jsonl"  # compressed, not named so: told by its bytes
    unnamed.write_bytes(dump.read_bytes())
    assert list(topics.load_corpus(unnamed)) == list(topics.load_corpus(plain))


def test_iter_articles_streams_a_compressed_file(tmp_path) -> None:
    """The first article of 40 MB of JSON Lines (gzip: a few hundred kB) takes a fraction of the
    file's memory: decompression is streamed."""
    line = json.dumps({"id": "0", "text": "Der Hafen von Hai Phong wächst weiter. " * 50}) + "\n"
    count = 40_000_000 // len(line)
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as file:
        for i in range(count):
            file.write(line.replace('"id": "0"', f'"id": "{i}"', 1))
    tracemalloc.start()
    try:
        articles = topics.iter_articles(path)
        first = [next(articles) for _ in range(3)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    articles.close()
    assert [a.id for a in first] == ["0", "1", "2"]
    assert peak < 4_000_000


@pytest.mark.parametrize("suffix", list(COMPRESS))
def test_a_truncated_file_is_one_error_naming_it_never_a_partial_corpus(plain, tmp_path,
                                                                       suffix) -> None:
    lines = plain.read_text(encoding="utf-8").splitlines(keepends=True)
    copies = "".join(line.replace('{"id": "', f'{{"id": "{i}-', 1)  # past the reader's buffer
                     for i in range(20) for line in lines)
    data = COMPRESS[suffix](copies.encode("utf-8"))
    path = tmp_path / f"cut.jsonl{suffix}"
    path.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(CorpusError, match=rf"^{path}: the \w+ file is damaged \(it is cut short"):
        topics.load_corpus(path)
    read: list[str] = []
    with pytest.raises(CorpusError, match="damaged"):  # the articles before it, then the error
        read.extend(a.id for a in topics.iter_articles(path))
    assert 0 < len(read) < 600


@pytest.mark.parametrize("suffix", list(COMPRESS))
def test_damaged_data_is_said_damaged_not_a_bad_record(plain, tmp_path, suffix) -> None:
    """A flipped byte mid-file: bz2 and xz check a block's checksum at its end, so the garbage
    reads first as a line that is not JSON; the damage is what is said."""
    data = bytearray(COMPRESS[suffix](plain.read_bytes()))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / f"bad.jsonl{suffix}"
    path.write_bytes(bytes(data))
    with pytest.raises(CorpusError, match=rf"^{path}: the \w+ file is damaged .* tests it\)$"):
        topics.load_corpus(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("fake.jsonl.gz", b'{"id": "a", "text": "Ein Text."}\n',
         r"named \.gz but not gzip data \(its bytes are not compressed\); rename it without \.gz"),
        ("wrong.jsonl.gz", bz2.compress(b"{}"),
         r"named \.gz but not gzip data \(it holds bz2 data\); rename it wrong\.jsonl\.bz2"),
        ("empty.jsonl.xz", b"", r"named \.xz but not xz data \(the file is empty\)"),
        ("zipped.jsonl", b"PK\x03\x04rest", "the file is a zip archive, which is not read"),
        ("rows.parquet.gz", gzip.compress(b"PAR1"), "a compressed Parquet file is not read"),
    ],
)
def test_a_misnamed_or_unread_file_is_one_error_naming_it(tmp_path, name, data, message) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError, match=rf"^{path}: {message}"):
        topics.load_corpus(path)


def test_record_errors_read_as_in_the_file_uncompressed(tmp_path) -> None:
    """A latin-1 line, a duplicate id: the uncompressed file's message, naming the .gz file;
    a UTF-8 byte-order mark is read past."""
    lines = ['{"id": "a", "text": "Grüße aus Hanoi."}', '{"id": "a", "text": "Noch ein Text."}']
    cases = {"latin": ("\n".join(lines[:1]) + "\n").encode("latin-1"),
             "twice": ("\n".join(lines) + "\n").encode("utf-8")}
    for name, data in cases.items():
        plain = tmp_path / f"{name}.jsonl"
        plain.write_bytes(data)
        with pytest.raises(CorpusError) as expected:
            topics.load_corpus(plain)
        with pytest.raises(CorpusError) as got:
            topics.load_corpus(_compressed(plain, ".gz"))
        assert str(got.value) == str(expected.value).replace(str(plain), f"{plain}.gz")
    marked = tmp_path / "bom.jsonl"
    marked.write_bytes(b"\xef\xbb\xbf" + lines[0].encode("utf-8") + b"\n")
    assert list(topics.load_corpus(_compressed(marked, ".xz")).ids) == ["a"]


def test_a_compressed_utf16_file_is_read_in_its_encoding(plain) -> None:
    wide = plain.with_name("wide.jsonl")
    wide.write_bytes(plain.read_text(encoding="utf-8").encode("utf-16"))
    expected = list(topics.load_corpus(plain))
    assert list(topics.load_corpus(_compressed(wide, ".gz"), encoding="utf-16")) == expected


def _classify(capsys, *argv: str) -> tuple[int, str]:
    status = main(["--quiet", "classify", *argv])
    return status, capsys.readouterr().err


def test_classify_reads_a_compressed_corpus_as_the_file_itself(plain, tmp_path, capsys) -> None:
    packed = _compressed(plain, ".gz")
    outputs = {}
    for source in (plain, packed):
        out = tmp_path / f"{source.name}.out.jsonl"
        assert _classify(capsys, str(source), "--output", str(out))[0] == 0
        outputs[source] = out.read_bytes()
    # the rows are the same, byte for byte, but for the file each names as its source
    source = json.dumps(str(plain))[:-1]
    assert outputs[packed].replace(source.encode() + b'.gz"', source.encode() + b'"') \
        == outputs[plain]
    assert outputs[plain].count(b"\n") == 30


def test_classify_reads_a_compressed_text_file_and_names_a_damaged_one(plain, tmp_path,
                                                                       capsys) -> None:
    seed = tmp_path / "page.txt"  # compressed beside it: not in seeds/
    seed.write_bytes(sorted(SEEDS.glob("*.txt"))[0].read_bytes())
    page = _compressed(seed, ".xz")
    broken = tmp_path / "broken.jsonl.bz2"
    broken.write_bytes(bz2.compress(plain.read_bytes())[:-100])
    out = tmp_path / "out.jsonl"
    status, err = _classify(capsys, str(page), str(broken), "--output", str(out))
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["id"] == str(page) and row["labels"]
    assert f"{broken}: reading stopped: the bz2 file is damaged (it is cut short" in err
    assert status != 0


def test_analyse_and_stream_nmf_read_a_compressed_corpus(plain, tmp_path, capsys) -> None:
    packed = _compressed(plain, ".bz2")
    for command, output in (("analyse", "tokens{}.jsonl"), ("stream-nmf", "topics{}")):
        made = []
        for source, tag in ((plain, ""), (packed, "_bz2")):
            out = tmp_path / output.format(tag)
            options = ("-k", "3", "--min-df", "1") if command == "stream-nmf" else ()
            assert main(["--quiet", command, str(source), "--output", str(out), *options]) == 0
            made.append(out / "topics.csv" if out.is_dir() else out)
        assert made[0].read_bytes() == made[1].read_bytes()
    capsys.readouterr()


def test_a_config_reads_a_compressed_corpus(plain, tmp_path) -> None:
    """The run's corpus record names the file read; its fingerprint is the articles' content's,
    as the run on the file uncompressed records it."""
    records = {}
    for path in (plain, _compressed(plain, ".bz2")):
        config = {"name": "packed", "corpus": {"path": str(path), "limit": 24},
                  "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
                  "classifier": {"enabled": False}, "outputs": {"figures": False, "report": False}}
        run = topics.run_experiment(config, runs_dir=tmp_path / "runs")
        records[path] = json.loads((run.path / "corpus.json").read_text(encoding="utf-8"))
        assert records[path]["path"] == str(path)
    plain_record, packed_record = records.values()
    assert packed_record.pop("path") != plain_record.pop("path")
    assert packed_record == plain_record  # name, fingerprint, units, summary


def test_assign_refuses_a_compressed_corpus_file_by_name(plain) -> None:
    from topics.topic_models.assign_inputs import read_assign_inputs

    with pytest.raises(ConfigError, match="is a JSON Lines corpus file"):
        read_assign_inputs([str(_compressed(plain, ".gz"))])


@pytest.mark.slow
def test_on_dask_the_client_reads_a_compressed_file_with_the_same_output(plain, tmp_path,
                                                                         monkeypatch) -> None:
    """A compressed file cannot be cut into byte ranges: with workers_read the client reads it,
    the workers analyse (classify) its chunks, and the output is the local run's."""
    from topics.classifier import batch, worker_inputs
    from topics.classifier.batch import classify_inputs
    from topics.corpus.stream import analyse_corpus
    from topics.distributed import dask_client

    monkeypatch.setattr(worker_inputs, "SMALL_INPUT_BYTES", 0)
    cut: list[str] = []  # inputs cut into ranges for the workers: none here
    monkeypatch.setattr(batch, "corpus_ranges", lambda path, *a, **k: cut.append(path.name))
    packed = _compressed(plain, ".xz")
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    classified_here, classified_there = tmp_path / "c_here.jsonl", tmp_path / "c_there.jsonl"
    analyse_corpus(plain, here, unit="paragraph", chunk_size=8)
    classify_inputs([str(packed)], output=classified_here)
    with dask_client("local", n_workers=2) as client:
        analyse_corpus(packed, there, unit="paragraph", chunk_size=8, scheduler=client,
                       workers_read=True)
        classify_inputs([str(packed)], output=classified_there, scheduler=client,
                        workers_read=True)
    assert there.read_bytes() == here.read_bytes()
    assert classified_there.read_bytes() == classified_here.read_bytes()
    assert cut == []


def _fed_fifo(tmp_path: Path, data: bytes, name: str = "pipe") -> Path:
    """A named pipe that a thread fills with ``data`` once it is opened (as ``<(zcat x.gz)``)."""
    import os
    import threading

    fifo = tmp_path / name
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as writer:
            writer.write(data)

    threading.Thread(target=feed, daemon=True).start()
    return fifo


@pytest.mark.parametrize("compress", [None, ".gz"])
def test_a_pipe_loses_no_bytes_to_the_compression_check(plain: Path, tmp_path: Path,
                                                       compress: str | None) -> None:
    """Process substitution (``<(cat a.jsonl)``): the first cut looked at the file's first bytes,
    closed it and opened it again, and a pipe lost what was looked at ("line 1: not valid
    JSON"); plain and gzip data through a pipe now read as the file does."""
    data = plain.read_bytes()
    fifo = _fed_fifo(tmp_path, COMPRESS[compress](data) if compress else data)
    _same(topics.load_corpus(fifo, format="jsonl", name=plain.stem), topics.load_corpus(plain))
    text = topics.load_corpus(plain)[0].text
    page = _fed_fifo(tmp_path, text.encode("utf-8"), "page")
    assert main(["-q", "classify", str(page), "--output", str(tmp_path / "out.jsonl")]) == 0
    read = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert read["labels"] == topics.load_classifier().predict([text])[0]


def _folders(tmp_path: Path, shipped_corpus: topics.Corpus) -> tuple[Path, Path]:
    """The same articles as a folder of plain files and as one of compressed files (``.txt``
    articles with a labels file, and a ``.jsonl`` file)."""
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    articles = list(shipped_corpus[:9])
    for folder in (plain, packed):
        folder.mkdir()
        labels = {a.id: list(a.labels) for a in articles[:6]}
        (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    suffixes = [".gz", ".bz2", ".xz", "", ".gz", ".xz"]
    for article, suffix in zip(articles[:6], suffixes, strict=True):
        data = article.text.encode("utf-8")
        (plain / f"{article.id}.txt").write_bytes(data)
        (packed / f"{article.id}.txt{suffix}").write_bytes(COMPRESS[suffix](data) if suffix
                                                          else data)
    lines = "".join(json.dumps({"id": a.id, "text": a.text, "labels": list(a.labels)}) + "\n"
                    for a in articles[6:]).encode("utf-8")
    (plain / "more.jsonl").write_bytes(lines)
    (packed / "more.jsonl.gz").write_bytes(gzip.compress(lines))
    return plain, packed


def test_a_folders_compressed_files_are_read_as_the_files_themselves(
        tmp_path, shipped_corpus, capsys) -> None:
    """A folder's .txt.gz and .jsonl.gz files were not read at all ("no .txt or .jsonl
    articles" where all were compressed)."""
    plain, packed = _folders(tmp_path, shipped_corpus)
    read, expected = topics.load_corpus(packed), topics.load_corpus(plain)
    assert [(a.id, a.text, a.labels) for a in read] == [(a.id, a.text, a.labels) for a in expected]
    assert read.fingerprint == expected.fingerprint
    assert [a.id for a in topics.iter_articles(packed)] == [a.id for a in expected]
    outputs = []
    for folder in (plain, packed):
        assert main(["--quiet", "classify", str(folder)]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        outputs.append([(Path(r["id"]).name.split(".txt")[0], r["labels"]) for r in rows])
    assert outputs[0] == outputs[1]


def test_a_damaged_or_exploding_article_file_in_a_folder_is_named(tmp_path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt.gz").write_bytes(gzip.compress(b"Ein Text.")[:-8])
    with pytest.raises(CorpusError, match=r"a\.txt\.gz: the gzip file is damaged"):
        topics.load_corpus(folder)
    (folder / "a.txt.gz").write_bytes(gzip.compress(b" " * 60_000_000))
    with pytest.raises(CorpusError, match=r"a\.txt\.gz: decompresses to more than 50 MB"):
        topics.load_corpus(folder)
    (folder / "a.txt.gz").write_bytes(b"Ein Text.")
    with pytest.raises(CorpusError, match=r"a\.txt\.gz: named \.gz but not gzip"):
        topics.load_corpus(folder)


@pytest.mark.slow
def test_on_dask_a_folders_compressed_files_give_the_local_output(tmp_path, shipped_corpus):
    """The workers read a folder's compressed .txt files whole; a compressed .jsonl file in it
    makes the client read the folder (no byte ranges)."""
    from topics.corpus.stream import analyse_corpus
    from topics.distributed import dask_client

    plain, packed = _folders(tmp_path, shipped_corpus)
    here, there, txt_only = (tmp_path / f"{n}.jsonl" for n in ("here", "there", "txt_only"))
    analyse_corpus(plain, here, unit="article", chunk_size=4)
    (packed / "more.jsonl.gz").rename(tmp_path / "more.jsonl.gz")
    (plain / "more.jsonl").rename(tmp_path / "more.jsonl")
    plain_txt = tmp_path / "plain_txt.jsonl"
    analyse_corpus(plain, plain_txt, unit="article", chunk_size=4)
    with dask_client("local", n_workers=2) as client:
        analyse_corpus(packed, txt_only, unit="article", chunk_size=4, scheduler=client,
                       workers_read=True)
        (tmp_path / "more.jsonl.gz").rename(packed / "more.jsonl.gz")
        analyse_corpus(packed, there, unit="article", chunk_size=4, scheduler=client,
                       workers_read=True)
    assert txt_only.read_bytes() == plain_txt.read_bytes()
    assert there.read_bytes() == here.read_bytes()
