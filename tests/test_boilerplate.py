"""A site's boilerplate paragraphs, found across a corpus and taken out (topics.corpus.boilerplate)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics import Article, Corpus
from topics.corpus.boilerplate import find_repeated, paragraph_key
from topics.corpus.synthetic import write_jsonl
from topics.errors import ConfigError, CorpusError

from .conftest import load_script

# site notes that read as prose (a cookie banner no longer serves: cleaning drops it on each page)
APP_NOTE = ("Laden Sie unsere kostenlose App herunter und lesen Sie die wichtigsten Nachrichten des "
            "Tages auch unterwegs auf Ihrem Smartphone.")
FOLLOW = "Folgen Sie uns auf Facebook und YouTube, um keine Nachrichten zu verpassen."


def pages(corpus: Corpus) -> Corpus:
    """Every article as a page: the app note first, 'follow us' after the first paragraph."""
    articles = []
    for article in corpus:
        clean = topics.clean_article(article.text)
        first, *rest = clean.paragraphs
        text = "\n\n".join([APP_NOTE, first, FOLLOW.upper() if len(rest) % 2 else FOLLOW, *rest])
        articles.append(Article(article.id, text, article.labels, article.source_url))
    return Corpus(articles, corpus.label_set, corpus.name)


def test_site_boilerplate_is_found_and_taken_out(shipped_corpus: Corpus) -> None:
    crawled = pages(shipped_corpus)
    found = crawled.repeated_paragraphs()
    assert [(r.text, r.articles) for r in found][:1] == [(APP_NOTE, 217)]
    assert {paragraph_key(r.text) for r in found} == {paragraph_key(APP_NOTE), paragraph_key(FOLLOW)}
    summary = crawled.summary()
    assert len(summary.repeated_paragraphs) == 2
    assert "repeated paragraphs (in 5+ distinct articles: site boilerplate): 2" in str(summary)
    dropped = crawled.drop_repeated_paragraphs()
    assert dropped.summary().repeated_paragraphs == ()
    # exactly the articles as they were: texts, paragraph units, labels
    assert dropped.clean_texts() == shipped_corpus.clean_texts()
    assert dropped.units("paragraph") == shipped_corpus.units("paragraph")
    assert dropped.labels == shipped_corpus.labels and dropped.ids == shipped_corpus.ids
    assert dropped.removed_paragraphs == tuple(found)
    assert dropped.subset([0, 1]).removed_paragraphs == dropped[:2].removed_paragraphs == tuple(found)
    assert dropped.drop_repeated_paragraphs() is dropped  # nothing left to take out


NOTICE = ("Der Volltext dieses auf Agenturmeldungen basierenden Artikels steht aus rechtlichen "
          "Gründen nicht mehr zur Verfügung.")


def test_a_note_inside_one_line_pages_is_found_and_cut_out(tmp_path: Path,
                                                           shipped_corpus: Corpus) -> None:
    """Pages without line breaks (10kGNAD's): a site's note is a sentence of their one paragraph.
    A long sentence in 5+ distinct articles is cut out of it, in memory and streamed alike; a
    short one that repeats ("Das teilte die Polizei mit.") stays, and so does every other page."""
    def one_line(article: Article, extra: str) -> Article:
        text = " ".join(topics.clean_article(article.text).paragraphs)
        text += "" if text.endswith((".", "!", "?")) else "."  # the note is a sentence of its own
        return Article(article.id, f"{text} {extra}".strip(), article.labels)

    noted = [one_line(a, NOTICE if i % 3 == 0 else "Das teilte die Polizei mit.")
             for i, a in enumerate(shipped_corpus[:30])]
    plain = Corpus([one_line(a, "" if i % 3 == 0 else "Das teilte die Polizei mit.")
                    for i, a in enumerate(shipped_corpus[:30])], shipped_corpus.label_set)
    crawled = Corpus(noted, shipped_corpus.label_set)
    groups = len({crawled.near_duplicate_groups()[i] for i in range(0, 30, 3)})  # reprints: one
    assert [(r.text, r.articles) for r in crawled.repeated_paragraphs()] == [(NOTICE, groups)]
    dropped = crawled.drop_repeated_paragraphs()
    assert dropped.clean_texts() == plain.clean_texts()
    from topics.corpus.stream import iter_tokens

    path = write_jsonl(noted, tmp_path / "noted.jsonl")
    for unit in ("article", "paragraph"):
        streamed = list(iter_tokens(path, unit=unit, drop_paragraphs=[NOTICE]))
        assert streamed == list(iter_tokens(dropped, unit=unit))


def test_a_corpus_without_boilerplate_is_returned_as_it_is(shipped_corpus: Corpus) -> None:
    assert shipped_corpus.repeated_paragraphs() == []
    assert shipped_corpus.drop_repeated_paragraphs() is shipped_corpus


def test_a_reprinted_story_keeps_its_paragraphs(shipped_corpus: Corpus) -> None:
    """Six copies of one story are one article: its paragraphs are not boilerplate."""
    story = shipped_corpus[0]
    copies = [Article(f"copy-{i}", story.text, story.labels) for i in range(6)]
    corpus = Corpus([*shipped_corpus[1:], *copies], shipped_corpus.label_set)
    assert corpus.repeated_paragraphs(min_articles=2) == []
    assert corpus.drop_repeated_paragraphs(min_articles=2) is corpus


def test_the_threshold_counts_distinct_articles(shipped_corpus: Corpus) -> None:
    crawled = pages(shipped_corpus[:4])
    assert crawled.repeated_paragraphs(min_articles=5) == []
    assert {r.articles for r in crawled.repeated_paragraphs(min_articles=4)} == {4}


def test_a_page_of_boilerplate_only_is_left_out_with_a_warning(shipped_corpus: Corpus) -> None:
    crawled = pages(shipped_corpus)
    empty = Article("notes-only", f"{APP_NOTE}\n\n{FOLLOW}")
    corpus = Corpus([*crawled, empty], crawled.label_set, "crawl")
    with pytest.warns(UserWarning, match=r"crawl: 1 article held only repeated .* and is left out: 'notes-only'"):
        dropped = corpus.drop_repeated_paragraphs()
    assert len(dropped) == len(shipped_corpus) and "notes-only" not in dropped.ids


def test_a_streamed_page_of_boilerplate_only_is_named_not_silently_missing(
        tmp_path: Path, shipped_corpus: Corpus) -> None:
    """Streamed, from a file (here and on the workers' route) or from articles in memory, an
    article that held only the paragraphs taken out gives no record and a warning naming it."""
    from topics.corpus.stream import iter_tokens

    crawled = pages(shipped_corpus[:6])
    empty = Article("notes-only", f"{APP_NOTE}\n\n{FOLLOW}")
    corpus = Corpus([*crawled, empty], crawled.label_set, "crawl")
    path = write_jsonl(corpus, tmp_path / "crawl.jsonl")
    for source in (path, corpus):
        with pytest.warns(UserWarning) as caught:
            records = list(iter_tokens(source, drop_paragraphs=[APP_NOTE, FOLLOW]))
        said = [str(w.message) for w in caught if "notes-only" in str(w.message)]
        assert len(said) == 1 and "held only repeated paragraphs" in said[0], said
        assert {r.article_id for r in records} == set(crawled.ids)


@pytest.mark.parametrize("bad", [1, 0, 2.5, "5", True, None])
def test_a_bad_threshold_is_refused(shipped_corpus: Corpus, bad) -> None:
    with pytest.raises(CorpusError, match=r"min_articles=.*2 or more"):
        shipped_corpus.repeated_paragraphs(min_articles=bad)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["a b", "A  b", "c d", "e f", "g h", "i"]), max_size=4),
             min_size=1, max_size=12),
    st.integers(2, 4),
    st.randoms(use_true_random=False),
)
def test_found_paragraphs_are_those_in_enough_groups(paragraphs, min_articles, rng) -> None:
    """Against a count by hand: case and spacing aside, distinct groups, nothing else."""
    groups = [rng.randrange(len(paragraphs)) for _ in paragraphs]
    holders: dict[str, set[int]] = {}
    for group, article in zip(groups, paragraphs, strict=True):
        for p in article:
            holders.setdefault(" ".join(p.casefold().split()), set()).add(group)
    expected = Counter({k: len(v) for k, v in holders.items() if len(v) >= min_articles})
    found = find_repeated(paragraphs, groups, min_articles)
    assert Counter({" ".join(r.text.casefold().split()): r.articles for r in found}) == expected
    assert [r.articles for r in found] == sorted((r.articles for r in found), reverse=True)


def test_a_run_takes_boilerplate_out_and_records_it(tmp_path: Path, shipped_corpus: Corpus) -> None:
    """The config's default (5 articles) takes it out; corpus.json lists what; null keeps it."""
    from topics.experiments.runner import run_experiment

    path = write_jsonl(pages(shipped_corpus[:12]), tmp_path / "crawl.jsonl")
    config = {"name": "crawl", "corpus": {"path": str(path)},
              "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
              "classifier": {"enabled": False},
              "outputs": {"figures": False, "save_models": False, "report": False}}
    run = run_experiment(config, runs_dir=tmp_path / "runs")
    record = json.loads((run.path / "corpus.json").read_text(encoding="utf-8"))
    removed = record["repeated_paragraphs_removed"]
    assert [r["articles"] for r in removed] == [12, 12] and removed[0]["text"] == APP_NOTE
    assert record["units"]["paragraph"]["n"] == len(shipped_corpus[:12].units("paragraph"))
    kept = run_experiment({**config, "corpus": {"path": str(path), "drop_repeated_paragraphs": None}},
                          runs_dir=tmp_path / "runs")
    record = json.loads((kept.path / "corpus.json").read_text(encoding="utf-8"))
    assert record["repeated_paragraphs_removed"] == []
    assert record["units"]["paragraph"]["n"] == len(shipped_corpus[:12].units("paragraph")) + 24


def test_the_readme_figures_are_what_the_benchmark_gives(shipped_corpus: Corpus) -> None:
    """README's NMF figures with and without boilerplate come from benchmarks/boilerplate_topics.py."""
    repo = Path(__file__).resolve().parents[1]
    bench = load_script("benchmarks/boilerplate_topics.py")
    cells = [bench.row("shipped", variant, "nmf", corpus).split(" | ")
             for variant, corpus in (("with", bench.with_boilerplate(shipped_corpus)),
                                     ("without", shipped_corpus))]
    (_, _, _, _, topics_with, npmi_with, _, nmi_with, _, where), without = cells
    readme = " ".join((repo / "README.md").read_text(encoding="utf-8").split())
    assert where.startswith("4 topic(s) mostly boilerplate") and topics_with == "7"
    assert (f"four of its seven topics of them and scores NPMI {npmi_with} instead of {without[5]}, "
            f"NMI {nmi_with} instead of {without[7]}") in readme


def test_the_streamed_routes_take_out_what_a_sample_finds(tmp_path: Path,
                                                         shipped_corpus: Corpus) -> None:
    """Out of core: the repeated paragraphs found on a sample are taken out of every read; the
    streamed analysis and NMF then give what they give on the pages without them."""
    from topics.corpus.readers import sample_articles
    from topics.topic_models.streaming import fit_streaming_nmf

    crawl = write_jsonl(pages(shipped_corpus), tmp_path / "crawl.jsonl")
    from topics.corpus.stream import repeated_in_sample

    drop = repeated_in_sample(crawl, sample=50)
    assert drop == [r.text for r in Corpus(sample_articles(crawl, 50)).repeated_paragraphs()]
    assert len(drop) == 2
    for unit in ("article", "paragraph"):
        streamed = list(topics.corpus.stream.iter_tokens(crawl, unit=unit, drop_paragraphs=drop))
        clean = list(topics.corpus.stream.iter_tokens(shipped_corpus, unit=unit))
        assert streamed == clean
    fitted = fit_streaming_nmf(crawl, 4, chunk_size=60, drop_paragraphs=drop)
    expected = fit_streaming_nmf(shipped_corpus, 4, chunk_size=60)
    assert fitted.topics == expected.topics and fitted.metrics == expected.metrics
    page = pages(shipped_corpus[:3])
    np.testing.assert_array_equal(fitted.transform(page.texts), expected.transform(
        shipped_corpus[:3].texts))
    with pytest.raises(ConfigError, match="drop_paragraphs"):
        list(topics.corpus.stream.iter_tokens(crawl, drop_paragraphs=APP_NOTE))
    for bad in (APP_NOTE, 5, [APP_NOTE, None]):  # one check for both routes
        with pytest.raises(ConfigError, match=r"drop_paragraphs: give a list of paragraphs"):
            fit_streaming_nmf(crawl, 4, drop_paragraphs=bad)
        with pytest.raises(ConfigError, match=r"drop_paragraphs: give a list of paragraphs"):
            list(topics.corpus.stream.iter_tokens(crawl, drop_paragraphs=bad))


def test_the_sample_spans_the_archive_so_late_boilerplate_is_found(
    tmp_path: Path, shipped_corpus: Corpus
) -> None:
    """A site that added its app note late: the first articles do not show it, a sample
    across the file does, the same one every time, in file order."""
    from itertools import islice

    from topics.corpus.readers import sample_articles
    from topics.corpus.stream import repeated_in_sample

    late = [*shipped_corpus[:150], *pages(shipped_corpus[150:])]
    crawl = write_jsonl(late, tmp_path / "crawl.jsonl")
    assert Corpus(islice(topics.iter_articles(crawl), 60)).repeated_paragraphs() == []
    sample = sample_articles(crawl, 60, seed=3)
    ids = [a.id for a in sample]
    assert len(ids) == 60 and ids == [i for i in shipped_corpus.ids if i in set(ids)]
    assert ids == [a.id for a in sample_articles(crawl, 60, seed=3)] != [
        a.id for a in sample_articles(crawl, 60, seed=4)]
    assert any(i in shipped_corpus.ids[150:] for i in ids) and ids[0] in shipped_corpus.ids[:150]
    for source in (crawl, Corpus(late, shipped_corpus.label_set)):
        drop = repeated_in_sample(source, sample=60)
        assert {paragraph_key(p) for p in drop} == {paragraph_key(APP_NOTE), paragraph_key(FOLLOW)}
    assert repeated_in_sample(iter(late), sample=60) == []  # read once: its first 60 only
    assert [a.id for a in sample_articles(crawl, 10_000)] == list(shipped_corpus.ids)
    with pytest.raises(topics.errors.InputError, match="sample=0"):
        repeated_in_sample(crawl, sample=0)
    with pytest.raises(topics.errors.InputError, match="n=0: give the number"):
        sample_articles(crawl, 0)
    with pytest.raises(topics.errors.InputError, match="unknown option.* text_colum;"):
        sample_articles(crawl, 5, text_colum="body")


def test_topics_analyse_takes_boilerplate_out_by_default(tmp_path: Path, shipped_corpus: Corpus,
                                                         capsys) -> None:
    from topics.cli import main

    crawl, clean = tmp_path / "crawl.jsonl", tmp_path / "clean.jsonl"
    write_jsonl(pages(shipped_corpus[:30]), crawl)
    write_jsonl(shipped_corpus[:30], clean)
    tokens = {}
    for name, args in (("crawl", [str(crawl)]), ("clean", [str(clean)]),
                       ("kept", [str(crawl), "--drop-repeated-paragraphs", "0"])):
        assert main(["analyse", *args, "-o", str(tmp_path / f"{name}.out.jsonl")]) == 0
        tokens[name] = (tmp_path / f"{name}.out.jsonl").read_text(encoding="utf-8")
    assert tokens["crawl"] == tokens["clean"] != tokens["kept"]
    assert "2 paragraphs repeated in 5+ of up to 2000 articles sampled across the corpus" in (
        capsys.readouterr().err)
    assert main(["analyse", str(crawl), "-o", str(tmp_path / "x.jsonl"),
                 "--drop-repeated-paragraphs", "1"]) == 2
    assert "--drop-repeated-paragraphs 1: give the distinct articles, 2 or more" in (
        capsys.readouterr().err)


def test_a_run_stored_before_the_setting_is_reproduced_as_it_was(tmp_path: Path,
                                                                  shipped_corpus: Corpus) -> None:
    """A stored config without ``drop_repeated_paragraphs`` kept every paragraph; `topics
    reproduce` reruns it so, and says so (today's default would take the boilerplate out)."""
    from topics.experiments.reproduce import reproduce_run
    from topics.experiments.runner import run_experiment

    path = write_jsonl(pages(shipped_corpus[:12]), tmp_path / "crawl.jsonl")
    config = {"name": "old", "corpus": {"path": str(path), "drop_repeated_paragraphs": None},
              "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
              "classifier": {"enabled": False},
              "outputs": {"figures": False, "save_models": False, "report": False}}
    made = run_experiment(config, runs_dir=tmp_path / "runs").path
    resolved = made / "config.resolved.yaml"
    lines = resolved.read_text(encoding="utf-8").splitlines(keepends=True)
    resolved.write_text("".join(x for x in lines if "drop_repeated_paragraphs" not in x),
                        encoding="utf-8")
    outcome = reproduce_run(made, runs_dir=tmp_path / "rerun")
    assert outcome.earlier == {"corpus.drop_repeated_paragraphs": None}
    assert outcome.identical
    assert "corpus.drop_repeated_paragraphs=None" in outcome.report()


def test_boilerplate_goes_before_duplicates_are_looked_for(tmp_path: Path,
                                                           shipped_corpus: Corpus) -> None:
    """Short pages that share a long boilerplate look like copies of one another; taken out
    first, it no longer makes distinct stories near-duplicates (``drop_duplicates: true``)."""
    from topics.experiments.loading import load_config
    from topics.experiments.steps import load_configured_corpus

    notes = [APP_NOTE, FOLLOW, APP_NOTE.replace("Smartphone", "Tablet"), FOLLOW.replace("uns", "VOV")]
    path = write_jsonl([Article(a.id, "\n\n".join([" ".join(a.text.split()[:30]), *notes]))
                        for a in shipped_corpus[:12]], tmp_path / "short.jsonl")
    config = {"corpus": {"path": str(path), "drop_duplicates": True}}
    assert len(Corpus(topics.iter_articles(path)).drop_duplicates()) < 12  # the boilerplate joins them
    corpus = load_configured_corpus(load_config(config))
    assert len(corpus) == 12 and len(corpus.removed_paragraphs) == 4


def test_a_stamp_whose_digits_change_is_found_a_report_whose_figures_change_is_not(
    shipped_corpus: Corpus,
) -> None:
    """A short line that differs only in its date and time on every page is boilerplate; a long
    paragraph that differs only in its figures is news."""
    report = ("Nach Angaben des Statistikamts stieg der Export im Monat um {n} Prozent, vor allem "
              "dank Elektronik, Textilien und Meeresfrüchten aus dem Mekong-Delta.")
    articles = []
    for i, article in enumerate(shipped_corpus[:12]):
        stamp = f"Aktualisiert: {i + 1:02d}.12.2026, {8 + i}:{(7 * i) % 60:02d} Uhr"
        text = "\n\n".join([stamp, report.format(n=i + 3), article.text])  # cleaning cuts a footer
        articles.append(Article(article.id, text, article.labels))
    crawled = Corpus(articles, shipped_corpus.label_set, "stamped")
    found = crawled.repeated_paragraphs()
    assert [(r.text, r.articles) for r in found] == [("Aktualisiert: 01.12.2026, 8:00 Uhr", 12)]
    dropped = crawled.drop_repeated_paragraphs()
    assert all(not p.startswith("Aktualisiert") for u in dropped.units("paragraph") for p in [u.text])
    assert sum(u.text.startswith("Nach Angaben des Statistikamts") for u in dropped.units("paragraph")) == 12
    assert paragraph_key("Kommentare (3)") == paragraph_key("Kommentare (12)")
    assert paragraph_key(report.format(n=3)) != paragraph_key(report.format(n=4))
