"""Scale: streamed analysis in bounded memory, bounded caches, Dask with the same results.

No timing is asserted here (the machine is shared); speed is measured by ``make bench``.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import topics
from topics.corpus import shipped_corpus_path
from topics.corpus.records import Article
from topics.corpus.stream import analyse_chunk, analyse_corpus, iter_tokens
from topics.corpus.synthetic import (
    perturb,
    synthetic_articles,
    synthetic_units,
    with_paragraphs,
    write_jsonl,
)
from topics.distributed import check_scheduler, dask_client, map_chunks
from topics.errors import ConfigError, CorpusError
from topics.text import german
from topics.text.cleaning import clean_text

from .conftest import GNAD_CSV, GNAD_OPTIONS

REPO = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------------------------
# streamed analysis = in-memory analysis


@pytest.mark.parametrize("unit", ["article", "paragraph"])
def test_streamed_tokens_are_those_of_the_units(shipped_corpus, unit, tmp_path: Path) -> None:
    output = tmp_path / "tokens.jsonl"
    summary = analyse_corpus(shipped_corpus_path(), output, unit=unit, chunk_size=30)
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    units = shipped_corpus.units(unit)
    assert [r["id"] for r in rows] == [u.id for u in units]
    assert [r["tokens"] for r in rows] == [topics.analyse(u.text) for u in units]
    assert [r["labels"] for r in rows] == [list(u.labels) for u in units]
    assert [r["article_id"] for r in rows] == [u.article_id for u in units]
    n = len(shipped_corpus)
    assert (summary.articles, summary.units, summary.chunks) == (n, len(units), -(-n // 30))
    assert summary.tokens == sum(len(r["tokens"]) for r in rows)


def test_parquet_output_and_settings(shipped_corpus, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    settings = {"lowercase": False, "join_names": False}
    output = tmp_path / "tokens.parquet"
    analyse_corpus(shipped_corpus_path(), output, analysis=settings, chunk_size=64)
    table = pq.read_table(output)
    assert table.column_names == ["id", "article_id", "labels", "tokens"]
    assert table.column("tokens").to_pylist() == [
        topics.analyse(u.text, **settings) for u in shipped_corpus.units("article")
    ]


def test_articles_in_memory_and_a_generator(shipped_corpus) -> None:
    records = list(iter_tokens(iter(shipped_corpus), chunk_size=7))
    assert [r.tokens for r in records] == [topics.analyse(t) for t in shipped_corpus.clean_texts()]


def test_bad_options_fail_before_any_output(tmp_path: Path) -> None:
    seeds = shipped_corpus_path()
    with pytest.raises(ConfigError, match="suffix"):
        analyse_corpus(seeds, tmp_path / "tokens.txt")
    with pytest.raises(ConfigError, match="chunk_size"):
        analyse_corpus(seeds, tmp_path / "t.jsonl", chunk_size=0)
    with pytest.raises(ConfigError, match="scheduler"):
        analyse_corpus(seeds, tmp_path / "t.jsonl", scheduler="somewhere")
    with pytest.raises(ConfigError, match="lowercase"):
        analyse_corpus(seeds, tmp_path / "t.jsonl", analysis={"lowercase": "maybe"})
    with pytest.raises(ConfigError, match="analysis.lowercas: unknown key .*did you mean 'lowercase'"):
        analyse_corpus(seeds, tmp_path / "t.jsonl", analysis={"lowercas": False})
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "Hanoi und Laos."}\n{"id": "a", "text": "Noch einmal."}\n')
    with pytest.raises(ConfigError, match="the output file is the input"):
        analyse_corpus(bad, bad)
    with pytest.raises(CorpusError, match="a"):
        analyse_corpus(bad, tmp_path / "t.jsonl", chunk_size=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]  # nothing half-written


def test_an_existing_file_is_replaced_only_if_it_is_a_tokens_file(tmp_path: Path, capsys) -> None:
    from topics.cli import main

    source = tmp_path / "c.jsonl"
    source.write_text('{"id": "a", "text": "Hanoi und Laos."}\n', encoding="utf-8")
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"id": "n1", "text": "meine Notizen"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="notes.jsonl exists and is not a tokens file"):
        analyse_corpus(source, notes)
    assert main(["analyse", str(source), "-o", str(notes)]) == 2
    assert "notes.jsonl exists and is not a tokens file" in capsys.readouterr().err
    assert notes.read_text(encoding="utf-8") == '{"id": "n1", "text": "meine Notizen"}\n'
    tokens = tmp_path / "tokens.jsonl"
    for _ in range(2):  # an earlier tokens file is written over
        analyse_corpus(source, tokens)
    assert json.loads(tokens.read_text(encoding="utf-8"))["id"] == "a"


def test_an_output_in_the_corpus_folder_is_refused(tmp_path: Path, capsys) -> None:
    """A tokens (or labels) file written into the corpus folder was read as a corpus file of
    that folder the next time: the folder was refused ('the field 'text' is missing'), or its
    articles taken twice. Now such an output is refused before any work."""
    from topics.cli import main

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Hanoi und Laos schließen ein Abkommen.", encoding="utf-8")
    (folder / "labels.json").write_text('{"a": []}', encoding="utf-8")
    for argv in (["analyse", str(folder), "-o", str(folder / "tokens.jsonl")],
                 ["stream-nmf", str(folder), "-k", "2", "-o", str(folder)],
                 ["classify", str(folder), "--output", str(folder / "labels.jsonl")]):
        assert main(["--quiet", *argv]) == 2
        assert f"is in the corpus folder {folder}" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "labels.json"]
    assert main(["--quiet", "analyse", str(folder), "-o", str(tmp_path / "tokens.jsonl")]) == 0


def test_cli_analyse(tmp_path: Path, capsys, shipped_corpus) -> None:
    from topics.cli import main

    output = tmp_path / "tokens.jsonl"
    argv = ["-q", "analyse", str(shipped_corpus_path()), "-o", str(output), "--chunk-size", "50",
            "--analysis", "keep_compounds=false", "--unit", "paragraph"]
    assert main(argv) == 0
    n_units = len(shipped_corpus.units("paragraph"))
    assert f"{len(shipped_corpus)} articles, {n_units:,} units" in capsys.readouterr().out
    first = json.loads(output.read_text(encoding="utf-8").splitlines()[0])
    assert first["id"].endswith("#p0")
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"id": "a", "text": shipped_corpus.texts[0]}) + "\n",
                   encoding="utf-8")
    assert main(["-q", "analyse", str(one), "-o", str(tmp_path / "one_tokens.jsonl")]) == 0
    said = capsys.readouterr().out  # one of each, said in the singular
    assert "1 article, 1 unit, " in said and " in 1 chunk -> " in said
    assert main(["-q", "analyse", str(shipped_corpus_path()), "-o", str(output),
                 "--analysis", "nonsense"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# bounded caches


def test_type_cache_is_bounded_and_answers_stay_the_same(monkeypatch) -> None:
    rng = random.Random(0)
    texts = [
        " ".join(f"Wort{rng.randrange(5000)}x Grenzübergänge Verteidigungszusammenarbeit Laos"
                 for _ in range(40))
        for _ in range(60)
    ]
    german.clear_caches()
    unbounded = [topics.analyse(t) for t in texts]
    german.clear_caches()
    monkeypatch.setattr(german, "TYPE_CACHE_SIZE", 500)
    analyzer = topics.GermanAnalyzer()
    assert list(analyzer.stream(texts)) == unbounded
    engine = german._engine(analyzer._key())
    assert len(engine.types) <= 500
    assert len(engine.texts) == 0  # a stream leaves no text in the text cache
    german.clear_caches()


def test_word_caches_are_bounded_and_answers_stay_the_same(monkeypatch) -> None:
    from topics.text import lexicon, wordcache

    calls = []

    @wordcache.word_cache
    def double(word: str) -> str:
        calls.append(word)
        return word * 2

    monkeypatch.setattr(wordcache, "WORD_CACHE_SIZE", 3)
    words = ["a", "b", "a", "c", "d", "a", "e"]
    assert [double(w) for w in words] == [w * 2 for w in words]
    assert calls == ["a", "b", "c", "d", "a", "e"]  # emptied when "d" came: "a" again
    assert double.cache_info().currsize == 3
    double.cache_clear()
    assert double.cache_info().currsize == 0 and double("a") == "aa"

    texts = [f"Die Verteidigungszusammenarbeit mit Laos{i}x und Grenzübergänge{i}" for i in range(40)]
    monkeypatch.setattr(wordcache, "WORD_CACHE_SIZE", 1 << 16)
    german.clear_caches()
    unbounded = [topics.analyse(t) for t in texts]
    monkeypatch.setattr(wordcache, "WORD_CACHE_SIZE", 20)
    german.clear_caches()
    assert list(topics.GermanAnalyzer().stream(texts)) == unbounded
    assert all(f.cache_info().currsize <= 20 for f in (lexicon.lemma, lexicon.split_compound))
    german.clear_caches()


def _word_caches() -> list:
    """Every per-word cache of the German analysis (:func:`~topics.text.wordcache.word_cache`,
    unbounded lru_caches; the tables' ``maxsize=1`` loaders are not caches of words)."""
    import importlib
    import pkgutil

    import topics.text

    found = []
    for info in pkgutil.iter_modules(topics.text.__path__):
        module = importlib.import_module(f"topics.text.{info.name}")
        for value in vars(module).values():
            info_of = getattr(value, "cache_info", None)
            if callable(info_of) and info_of().maxsize is None and value not in found:
                found.append(value)
    return found


def test_clear_caches_forgets_every_word_cache() -> None:
    # a cache added to the analysis and left out of clear_caches would make a "cold" benchmark
    # warm and keep memory that clear_caches promises to give back
    topics.analyse("Die Verteidigungszusammenarbeit mit Laos: Grenzübergänge, "
                   "Kooperationsmechanismen und laotischen Hilfsgütern in Lang Son")
    caches = _word_caches()
    assert len(caches) >= 7 and any(c.cache_info().currsize for c in caches)
    german.clear_caches()
    assert {c.__name__: c.cache_info().currsize for c in caches if c.cache_info().currsize} == {}


def test_text_cache_is_bounded_by_characters(monkeypatch) -> None:
    german.clear_caches()
    monkeypatch.setattr(german, "TEXT_CACHE_CHARS", 1000)
    analyzer = topics.GermanAnalyzer()
    for i in range(50):
        analyzer(f"Die Delegation aus Laos besuchte Hanoi zum {i}. Mal. " * 3)
    engine = german._engine(analyzer._key())
    assert engine.text_chars == sum(map(len, engine.texts)) <= 1000
    german.clear_caches()


# ------------------------------------------------------------------------------------------------
# synthetic corpora


def test_synthetic_articles_are_new_texts_and_reproducible(shipped_corpus) -> None:
    first = list(synthetic_articles(shipped_corpus, 300, seed=3, new_words=2))
    again = list(synthetic_articles(shipped_corpus, 300, seed=3, new_words=2))
    assert first == again
    assert len({a.id for a in first}) == 300
    originals = set(shipped_corpus.texts)
    assert not any(a.text in originals for a in first)
    assert first[len(shipped_corpus)].labels == shipped_corpus[0].labels  # the copies cycle
    assert all(clean_text(a.text) for a in synthetic_articles(shipped_corpus, 1000, seed=5))
    text = shipped_corpus[0].text
    copy = perturb(text, random.Random(1))
    assert copy.count("\n") == text.count("\n") and len(copy) < len(text)


@pytest.mark.parametrize("unit", ["article", "paragraph"])
def test_synthetic_units_have_the_asked_size_and_their_sources_classes(unit: str) -> None:
    source = [Article(f"a{i}", " ".join(f"Satz {j} über Thema {i} hier." for j in range(10)),
                      (f"class{i % 3}",)) for i in range(7)]
    units = synthetic_units(source, 53, unit=unit, seed=1, batch=4)
    assert len(units) == 53 and len({u.id for u in units}) == 53
    for u in units:
        origin = u.article_id.split("~")[0]
        assert u.labels == (f"class{int(origin[1:]) % 3}",)
    articles = {u.article_id for u in units}
    assert len(articles) == (53 if unit == "article" else len(articles))
    if unit == "paragraph":  # 10 sentences, ~10 % dropped: up to 4 paragraphs of <= 3 sentences
        assert len(articles) < 53 and all(u.text.count(".") <= 3 for u in units)
    assert units == synthetic_units(source, 53, unit=unit, seed=1, batch=4)


def test_with_paragraphs_cuts_only_texts_without_paragraph_breaks() -> None:
    flat = Article("a", "Eins. Zwei! Drei? Vier. Fünf.", ("x",))
    assert with_paragraphs(flat, 2).text == "Eins. Zwei!\nDrei? Vier.\nFünf."
    broken = Article("b", "Eins. Zwei.\nDrei.", ("x",))
    assert with_paragraphs(broken, 1) is broken


# ------------------------------------------------------------------------------------------------
# Dask: a LocalCluster gives the local results


def _double(chunk: list[int], *, plus: int = 0) -> list[int]:
    return [2 * x + plus for x in chunk]


def _fail(chunk: list[int]) -> list[int]:
    raise ValueError(f"bad chunk {chunk}")


@pytest.fixture(scope="module")
def local_cluster():
    with dask_client("local", n_workers=2) as client:
        yield client


def test_map_chunks_here_and_on_a_local_cluster(local_cluster) -> None:
    chunks = [[i, i + 1] for i in range(0, 40, 2)]
    here = list(map_chunks(_double, iter(chunks), plus=1))
    assert here == [[2 * x + 1 for x in c] for c in chunks]
    assert list(map_chunks(_double, iter(chunks), scheduler=local_cluster, plus=1)) == here
    unordered = map_chunks(
        _double, iter(chunks), scheduler=local_cluster, ordered=False, max_in_flight=3, plus=1
    )
    assert sorted(unordered) == sorted(here)
    with pytest.raises(ValueError, match="bad chunk"):
        list(map_chunks(_fail, iter(chunks), scheduler=local_cluster))
    # a scheduler address, as for a real cluster: connects, checks the workers' topics version
    address = local_cluster.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    assert list(map_chunks(_double, iter(chunks), scheduler=address, plus=1)) == here


def test_a_scheduler_address_where_nothing_listens_is_refused_at_once() -> None:
    """A mistyped port: the plain connection is refused and the message says so (distributed's
    Client would retry until its 10 s timeout and then say it timed out)."""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConfigError, match=rf"scheduler tcp://127.0.0.1:{port}: cannot connect "
                                          r"\(.*refused.*\); check the address"):
        list(map_chunks(_double, iter([[1]]), scheduler=f"tcp://127.0.0.1:{port}"))


def test_a_garbled_scheduler_handshake_is_tried_again(monkeypatch) -> None:
    """distributed's Client asserts that the scheduler's first reply is one message; on a loaded
    machine it once came batched with another, and connecting by address failed with a bare
    AssertionError (CI, stop 43)."""
    from topics import distributed

    calls: list[str] = []

    def flaky(address: str, timeout: str) -> str:
        calls.append(address)
        if len(calls) < 2:
            raise AssertionError
        return "client"

    assert distributed._handshake(flaky, "tcp://127.0.0.1:1") == "client"
    assert len(calls) == 2
    with pytest.raises(OSError, match="handshake failed 3 times"):
        distributed._handshake(lambda address, timeout: (_ for _ in ()).throw(AssertionError()),
                               "tcp://127.0.0.1:1")


def _malloc_trim() -> str | None:
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_local_workers_keep_glibcs_adaptive_allocator(local_cluster) -> None:
    """Dask's nanny would set MALLOC_TRIM_THRESHOLD_=65536 in each worker, which makes every large
    numpy temporary a fresh mapping (the classifier's fits took 1.75x their CPU there)."""
    assert set(local_cluster.run(_malloc_trim).values()) == {None}
    assert _malloc_trim() is None  # nor leaked into this process, as the nanny's settings are


def test_analysis_on_a_local_cluster_is_the_local_analysis(local_cluster, tmp_path: Path) -> None:
    here, there = tmp_path / "here.jsonl", tmp_path / "there.jsonl"
    analyse_corpus(shipped_corpus_path(), here, unit="paragraph", chunk_size=20)
    analyse_corpus(
        shipped_corpus_path(), there, unit="paragraph", chunk_size=20, scheduler=local_cluster
    )
    assert there.read_bytes() == here.read_bytes()


def test_analysis_starts_its_own_local_cluster(shipped_corpus) -> None:
    chunk = [(a.id, a.text, a.labels) for a in shipped_corpus[:40]]
    records = list(iter_tokens(iter(shipped_corpus[:40]), chunk_size=10, scheduler="local",
                               n_workers=2))
    assert records == analyse_chunk(chunk)


def test_a_script_without_a_main_guard_is_told_what_to_do(tmp_path: Path) -> None:
    """A script that starts a LocalCluster at import: every worker process imports it again.
    Each says why in one line and ends; the script gets one error naming the guard."""
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        import topics
        topics.analyse_corpus({str(shipped_corpus_path())!r}, {str(tmp_path / "t.jsonl")!r},
                              scheduler="local", n_workers=1)
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 1
    guard = 'keep its work under `if __name__ == "__main__":`'
    assert "ConfigError: the Dask LocalCluster did not start" in done.stderr
    assert done.stderr.count(guard) == 2  # the worker's line and the script's error
    assert "bootstrapping phase" not in done.stderr  # multiprocessing's page is not shown


def test_scheduler_values_are_checked() -> None:
    assert check_scheduler(None) is None
    assert check_scheduler("local") == "local"
    assert check_scheduler(" tcp://10.0.0.5:8786 ") == "tcp://10.0.0.5:8786"
    for wrong in ("here", "tcp://nohost", "10.0.0.5"):
        with pytest.raises(ConfigError, match="scheduler"):
            check_scheduler(wrong)
    from topics.experiments.loading import validate_config

    with pytest.raises(ConfigError, match="dask.scheduler"):
        validate_config({"dask": {"scheduler": "here"}})


def test_a_run_says_that_the_configs_scheduler_is_the_sweeps(tmp_path: Path) -> None:
    """`topics run` with `dask: {scheduler: ...}` in its config fitted here and said nothing,
    as if the cluster had been used. Now it warns, naming --scheduler."""
    from topics.experiments.runner import run_experiment

    config = {"name": "tiny", "corpus": {"unit": "paragraph", "limit": 20},
              "topic_models": {"nmf": {"model": "nmf", "n_components": 3}}, "classifier": {"enabled": False},
              "outputs": {"figures": False, "save_models": False, "documents": False,
                          "report": False},
              "dask": {"scheduler": "tcp://127.0.0.1:1"}}
    with pytest.warns(UserWarning, match="dask.scheduler 'tcp://127.0.0.1:1'.*--scheduler"):
        run = run_experiment(config, runs_dir=tmp_path)
    assert "fits_on" not in json.loads((run.path / "run.json").read_text())


@pytest.mark.slow
def test_sweep_on_a_local_cluster_gives_the_local_metrics(tmp_path: Path) -> None:
    from topics.experiments.sweep import run_sweep

    grid = tmp_path / "grid.yaml"
    grid.write_text(textwrap.dedent("""
        name: tiny_grid
        corpus: {unit: paragraph, limit: 30}
        topic_models: {nmf: {model: nmf}}
        classifier: {enabled: false}
        outputs: {figures: false, save_models: false, documents: false}
        grid:
          topic_models.nmf.n_components: [4, 6]
    """))
    local = run_sweep(grid, n_jobs=1, runs_dir=tmp_path / "local")
    dask = run_sweep(grid, runs_dir=tmp_path / "dask", scheduler="local", n_workers=2)
    assert not local.failed and not dask.failed
    for here, there in zip(local.runs, dask.runs, strict=True):
        assert here.name.rsplit("_", 1)[1] == there.name.rsplit("_", 1)[1]  # same config hash
        assert (here / "metrics.json").read_bytes() == (there / "metrics.json").read_bytes()


# ------------------------------------------------------------------------------------------------
# bounded memory: 100,000 articles streamed through the analysis

_STREAM_CHILD = r"""
import json, sys
from topics.corpus.stream import analyse_corpus

def status(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
checkpoints = {int(n) for n in sys.argv[3].split(",")}
peaks = {}
def on_chunk(done):
    if done.articles in checkpoints:
        peaks[done.articles] = status("VmHWM")
summary = analyse_corpus(sys.argv[1], sys.argv[2], chunk_size=1000, on_chunk=on_chunk)
print(json.dumps({"peaks": peaks, "articles": summary.articles, "tokens": summary.tokens}))
"""


def _source_articles() -> list[topics.Article]:
    if GNAD_CSV.is_file():
        return list(topics.load_corpus(GNAD_CSV, **GNAD_OPTIONS))
    return list(topics.load_corpus())  # the shipped corpus when 10kGNAD is absent


@pytest.mark.slow
def test_100k_articles_stream_in_memory_that_does_not_grow(tmp_path: Path) -> None:
    """Peak resident memory after 10,000 articles and after 100,000 is about the same (the ids
    kept to refuse duplicates take ~100 bytes per article), although the corpus is ~250 MB of
    text and the tokens ~400 MB; two invented names per article keep the vocabulary growing."""
    corpus = write_jsonl(
        synthetic_articles(_source_articles(), 100_000, seed=0, new_words=2),
        tmp_path / "corpus.jsonl",
    )
    done = subprocess.run(
        [sys.executable, "-c", _STREAM_CHILD, str(corpus), str(tmp_path / "tokens.jsonl"),
         "10000,50000,100000"],
        capture_output=True, text=True, check=True, timeout=3600,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    peaks = {int(k): v for k, v in result["peaks"].items()}
    assert result["articles"] == 100_000
    # the caches fill up to their bounds in the first ~20,000 articles, then stay there
    assert peaks[100_000] - peaks[10_000] < 96, peaks
    assert peaks[100_000] - peaks[50_000] < 32, peaks
    assert peaks[100_000] < 512, peaks


def test_batch_classification_on_a_local_cluster_is_the_local_one(local_cluster, tmp_path) -> None:
    from topics import classify_inputs
    from topics.cli import main

    corpora = [str(REPO / "seeds" / "hneg_dev.jsonl"), str(REPO / "seeds" / "multi_dev.jsonl")]
    for suffix in (".jsonl", ".parquet", ".csv"):  # the workers write JSONL and CSV lines
        here, there = tmp_path / f"here{suffix}", tmp_path / f"there{suffix}"
        summary = classify_inputs(corpora, output=here)
        assert summary.classified > 50
        on_cluster = classify_inputs(corpora, output=there, scheduler=local_cluster)
        assert on_cluster.classified == summary.classified
        assert there.read_bytes() == here.read_bytes(), suffix
    cli = tmp_path / "cli.csv"
    address = local_cluster.scheduler.address  # the CLI, on a scheduler address
    assert main(["--quiet", "classify", *corpora, "--output", str(cli), "--scheduler", address]) == 0
    assert cli.read_bytes() == here.read_bytes()


def test_suggestions_on_a_local_cluster_are_the_local_ones(local_cluster, tmp_path,
                                                           monkeypatch) -> None:
    """Each task keeps only its chunk's least sure texts: the file is the one-process file."""
    from topics.classifier import sources
    from topics.cli import main

    corpora = [str(REPO / "seeds" / "hneg_dev.jsonl"), str(REPO / "seeds" / "multi_dev.jsonl")]
    whole, here = tmp_path / "whole.jsonl", tmp_path / "here.jsonl"
    there, cli = tmp_path / "there.jsonl", tmp_path / "cli.jsonl"
    topics.suggest_labels(corpora, whole, n=8)  # one chunk: every text a candidate
    monkeypatch.setattr(sources, "_CHUNK_TEXTS", 40)  # chunks larger than the 3 n kept of each
    summary = topics.suggest_labels(corpora, here, n=8)
    assert summary.written == 8 and summary.classified > 50
    assert here.read_bytes() == whole.read_bytes()
    on_cluster = topics.suggest_labels(corpora, there, n=8, scheduler=local_cluster)
    assert (on_cluster.written, on_cluster.classified) == (summary.written, summary.classified)
    assert there.read_bytes() == here.read_bytes()
    address = local_cluster.scheduler.address
    assert main(["--quiet", "suggest-labels", *corpora, "--output", str(cli), "-n", "8",
                 "--scheduler", address]) == 0
    assert cli.read_bytes() == here.read_bytes()


def test_cross_validation_on_a_local_cluster_is_the_local_one(local_cluster, shipped_corpus) -> None:
    from topics import evaluate_classifiers

    options = dict(n_splits=3, seeds=(0, 1))
    here = evaluate_classifiers(shipped_corpus, **options)
    there = evaluate_classifiers(shipped_corpus, **options, scheduler=local_cluster)
    assert there.metrics == here.metrics
    for table in ("runs", "per_label", "confusion"):
        assert getattr(there, table).equals(getattr(here, table)), table
    assert there.to_markdown() == here.to_markdown()


@pytest.mark.slow
def test_run_with_a_scheduler_gives_the_local_metrics(local_cluster, tmp_path: Path) -> None:
    """Every seed of every topic model and every fold of the cross-validation on the cluster."""
    from topics.cli import main

    config = tmp_path / "cv.yaml"
    config.write_text(textwrap.dedent("""
        name: fits
        topic_models: {nmf: {model: nmf, unit: article}, lda: {model: lda, iterations: 50}}
        evaluation: {seeds: [0, 1]}
        classifier: {fit: false, evaluation: {n_splits: 3, seeds: [0]}}
        outputs: {figures: false, documents: false, report: false}
    """))
    here, there = tmp_path / "here", tmp_path / "there"
    assert main(["--quiet", "run", str(config), "--runs-dir", str(here)]) == 0
    address = local_cluster.scheduler.address
    assert main(["--quiet", "run", str(config), "--runs-dir", str(there),
                 "--scheduler", address]) == 0
    (run_here,), (run_there,) = here.iterdir(), there.iterdir()
    assert (run_there / "metrics.json").read_bytes() == (run_here / "metrics.json").read_bytes()
    assert json.loads((run_there / "run.json").read_text())["fits_on"] == address
    assert main(["--quiet", "run", str(config), "--scheduler", "here"]) == 2  # one clear line
