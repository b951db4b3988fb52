"""Loading corpora: the shipped corpus, folders, JSON Lines, CSV, and every bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import topics
from topics import Article, Corpus, CorpusError, load_corpus

from .conftest import GNAD_CSV, GNAD_OPTIONS, REPO


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def jsonl(path: Path, *records: dict) -> Path:
    return write(path, "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")


# ---------------------------------------------------------------- the shipped corpus


def test_shipped_corpus_has_217_articles(shipped_corpus: Corpus) -> None:
    assert len(shipped_corpus) == 217  # 137 of the first release + hneg_dev and multi_dev (40 each)
    assert shipped_corpus.label_set == topics.LABELS
    summary = shipped_corpus.summary()
    assert summary.n_unlabelled == 70
    assert sum(summary.label_counts.values()) == 217 - 70 + summary.n_multi_label
    assert all(count >= 25 for count in summary.label_counts.values())
    assert summary.n_multi_label == 32 and summary.n_paragraphs == 1057


def test_hard_negatives_and_two_label_articles_carry_their_kind(shipped_corpus: Corpus) -> None:
    hard = [a for a in shipped_corpus if a.id.startswith("hneg-")]
    assert len(hard) == 40 and all(not a.labels for a in hard)
    assert sorted({a.meta["kind"] for a in hard}) == [str(k) for k in range(1, 9)]
    multi = [a for a in shipped_corpus if a.id.startswith("multi-")]
    assert len(multi) == 40 and {a.meta["kind"] for a in multi} == {"A", "B"}
    assert all(len(a.labels) == 2 for a in multi if a.meta["kind"] == "A")


def test_seed_labels_follow_the_codebook(shipped_corpus: Corpus) -> None:
    by_id = {a.id: a for a in shipped_corpus}
    assert by_id["002_7f5c6a97fbcab90d"].labels == ("defence_cooperation", "border_relations")
    assert by_id["002_7f5c6a97fbcab90d"].primary_label == "defence_cooperation"
    assert by_id["004_efacae29e14d37a0"].labels == ("digital_government",)


def test_seed_files_are_kept_byte_for_byte(shipped_corpus: Corpus) -> None:
    by_id = {a.id: a for a in shipped_corpus}
    for path in sorted((REPO / "seeds").glob("*.txt")):
        assert by_id[path.stem].text.encode("utf-8") == path.read_bytes()


def test_fingerprint_is_stable_and_content_sensitive(shipped_corpus: Corpus) -> None:
    again = load_corpus()
    assert again.fingerprint == shipped_corpus.fingerprint
    assert len(again.fingerprint) == 64
    changed = Corpus([*shipped_corpus[:-1], Article("x", "Ein anderer Text.")], topics.LABELS)
    assert changed.fingerprint != shipped_corpus.fingerprint


def test_load_corpus_works_from_any_directory(tmp_path: Path) -> None:
    code = "import topics; c = topics.load_corpus(); print(len(c), c.fingerprint)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    count, fingerprint = out.stdout.split()
    assert count == "217" and fingerprint == load_corpus().fingerprint


def test_paragraph_units_carry_their_article(shipped_corpus: Corpus) -> None:
    units = shipped_corpus.units("paragraph")
    assert 1000 < len(units) < 1100
    assert {u.article_id for u in units} == set(shipped_corpus.ids)
    first = [u for u in units if u.article_id == "001_92dd99e734424ef3"]
    assert first[0].id == "001_92dd99e734424ef3#p0"
    assert all(u.labels == ("defence_cooperation",) for u in first)
    assert all("Kommentar (0)" not in u.text and "Quelle:" not in u.text for u in units)


def test_article_units_are_clean_text(shipped_corpus: Corpus) -> None:
    units = shipped_corpus.units("article")
    assert [u.id for u in units] == shipped_corpus.ids
    assert all("![]()" not in u.text for u in units)
    with pytest.raises(CorpusError, match="unit='sentence'"):
        shipped_corpus.units("sentence")  # type: ignore[arg-type]


def test_summary_prints_a_table(shipped_corpus: Corpus) -> None:
    text = str(shipped_corpus.summary())
    assert "217 articles" in text and "border_relations" in text and "(no label)" in text


# ---------------------------------------------------------------- JSONL, CSV, folders


def test_jsonl_keeps_metadata(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "a.jsonl",
        {
            "id": "a",
            "labels": ["x"],
            "text": "Erster Text.",
            "source_url": "https://a",
            "date": "2025",
        },
        {"id": "b", "labels": [], "text": "Zweiter Text."},
    )
    corpus = load_corpus(path)
    assert corpus.ids == ["a", "b"] and corpus.labels == [["x"], []]
    assert corpus[0].source_url == "https://a" and corpus[0].meta["date"] == "2025"
    assert corpus.label_set == ("x",)


def test_10kgnad_loads_in_one_call() -> None:
    if not GNAD_CSV.exists():
        pytest.skip(f"10kGNAD sample not found at {GNAD_CSV}")
    corpus = load_corpus(GNAD_CSV, **GNAD_OPTIONS)
    assert len(corpus) == 721 and corpus.is_single_label
    assert len(corpus.label_set) == 9 and "Sport" in corpus.label_set


def test_csv_columns_by_name_and_multi_label(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", 'id,body,tags\n1,"Text, mit Komma.",a|b\n2,Noch ein Text.,\n')
    corpus = load_corpus(
        path, text_column="body", label_column="tags", id_column="id", label_separator="|"
    )
    assert corpus.ids == ["1", "2"] and corpus.labels == [["a", "b"], []]
    assert corpus[0].text == "Text, mit Komma."


def test_folder_of_txt_with_labels_file(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", "Ein Artikel über Grenzen.")
    write(tmp_path / "two.txt", "Ein anderer Artikel.")
    write(
        tmp_path / "labels.json",
        json.dumps({"label_set": ["g"], "articles": {"one": ["g"], "two": []}}),
    )
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ["one", "two"] and corpus.labels == [["g"], []]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"id": "a", "labels": ["nope"], "text": "T."}], r"line 1: .*unknown label 'nope'"),
        (
            [{"id": "a", "text": "T."}, {"id": "a", "text": "U."}],
            r"line 2: duplicate id 'a' \(first at .*line 1\)",
        ),
        ([{"id": "a", "text": "   "}], r"line 1: the text is empty"),
        ([{"id": "a"}], r"line 1: the field 'text' is missing"),
        (
            [{"id": "a", "text": "T.", "labels": ["x", "y", 3]}],
            r"line 1: 'labels' must be a list of strings",
        ),
        # were the ids 'None' (twice: "duplicate id 'None'"), '[1]', 'True' and 'nan'
        ([{"id": None, "text": "T."}, {"id": None, "text": "U."}],
         r"line 1: the field 'id' is None, not a string or an integer; give every record a "
         r"unique id"),
        ([{"id": [1], "text": "T."}], r"line 1: the field 'id' is \[1\], not a string or an"),
        ([{"id": True, "text": "T."}], r"line 1: the field 'id' is True, not a string or an"),
        ([{"id": float("nan"), "text": "T."}], r"line 1: the field 'id' is nan, not a string"),
        # was accepted, '' entering label_set as a label
        ([{"id": "a", "text": "T.", "labels": [""]}],
         r"line 1: article 'a' has an empty label ''; an article about none of the labels has "
         r"no label \(an empty list \[\] or an empty cell\)"),
    ],
)
def test_bad_jsonl_records_name_file_and_line(tmp_path: Path, records: list, message: str) -> None:
    path = jsonl(tmp_path / "bad.jsonl", *records)
    with pytest.raises(CorpusError, match=message) as error:
        load_corpus(path, label_set=["x", "y"])
    assert str(path) in str(error.value)


def test_invalid_json_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.jsonl", '{"id": "a", "text": "T."}\n{"id": "b", "text": \n')
    with pytest.raises(CorpusError, match=r"bad.jsonl: line 2: not valid JSON"):
        load_corpus(path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"id": "a", "text": "ok"}\n{"id": "b", "text": "Grüße"}\n'.encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin.jsonl: line 2: not valid utf-8"):
        load_corpus(path)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus(tmp_path / "missing.jsonl")
    (tmp_path / "dir.jsonl").mkdir()
    with pytest.raises(CorpusError, match="cannot read"):
        load_corpus(tmp_path / "dir.jsonl", format="jsonl")


def test_missing_csv_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "Sport;Text eins\nWeb\n")
    with pytest.raises(CorpusError, match=r"c.csv: line 2: 1 column, needs 2"):
        load_corpus(path, text_column=1, label_column=0, delimiter=";", header=False)
    named = write(tmp_path / "n.csv", "label,body\nSport,Text\n")
    with pytest.raises(
        CorpusError, match=r"text_column='text' is not a column; the header has 2 column\(s\): 'label', 'body'"
    ):
        load_corpus(named)


def test_tsv_files_are_tab_separated_and_labels_are_optional(tmp_path: Path) -> None:
    """A .tsv file is read with tabs; a header without the default label column is a file
    without labels (a named label column that is missing stays an error)."""
    text = "Die Delegation besuchte die Grenze, sagte der Minister."
    path = write(tmp_path / "c.tsv", f"id\ttext\n1\t{text}\n2\t{text} Zweimal.\n")
    corpus = load_corpus(path, id_column="id")
    assert list(corpus.ids) == ["1", "2"] and corpus.texts[0] == text
    assert [list(labels) for labels in corpus.labels] == [[], []]
    assert load_corpus(write(tmp_path / "c.csv", path.read_text()), delimiter="\t",
                       id_column="id").texts == corpus.texts
    with pytest.raises(CorpusError, match="label_column='topic' is not a column"):
        load_corpus(path, label_column="topic")
    with pytest.raises(CorpusError, match="is not a column"):  # a given delimiter is kept
        load_corpus(path, delimiter=";")


def test_folder_labels_must_match_files(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", "Ein Artikel.")
    write(tmp_path / "labels.json", json.dumps({"articles": {"one": [], "two": []}}))
    with pytest.raises(CorpusError, match=r"labels given for two but no such .txt file"):
        load_corpus(tmp_path)
    write(tmp_path / "labels.json", json.dumps({"articles": {}}))
    with pytest.raises(CorpusError, match=r"no entry for one.txt"):
        load_corpus(tmp_path)


def test_folder_labels_keyed_with_the_txt_suffix_say_how_keys_are_written(tmp_path: Path) -> None:
    """Keys "one.txt" got "labels given for one.txt but no such .txt file" although one.txt is
    there; now the message says the keys are file names without .txt, and how to write it."""
    write(tmp_path / "one.txt", "Ein Artikel.")
    write(tmp_path / "labels.json", json.dumps({"articles": {"one.txt": []}}))
    with pytest.raises(CorpusError, match=r'labels.json: the keys are the file names without '
                                          r'.txt \(the article ids\), not one.txt; write "one" '
                                          r'for one.txt'):
        load_corpus(tmp_path)


def test_unknown_format(tmp_path: Path) -> None:
    path = write(tmp_path / "a.xml", "<a/>")
    with pytest.raises(CorpusError, match="cannot tell the format"):
        load_corpus(path)


@settings(max_examples=40, deadline=None)
@given(picks=st.lists(st.integers(-217, 216), unique_by=lambda i: i % 217, max_size=30),
       step=st.integers(1, 4))
def test_subsets_and_slices_read_as_new_corpora_of_their_articles(
    shipped_corpus: Corpus, picks: list[int], step: int
) -> None:
    """A subset or slice takes its clean articles from its corpus instead of cleaning again: its
    clean texts, units and summary are those of a new corpus of the same articles."""
    shipped_corpus.clean_texts()  # the corpus's clean articles exist (they are made at load)
    for part in (shipped_corpus.subset(picks), shipped_corpus[picks[0] if picks else 0::step]):
        fresh = Corpus(list(part), shipped_corpus.label_set, shipped_corpus.name)
        assert part.clean_texts() == fresh.clean_texts()
        assert part.units("paragraph") == fresh.units("paragraph")
        assert part.fingerprint == fresh.fingerprint


def test_subset_takes_a_boolean_mask_and_refuses_a_string(shipped_corpus: Corpus) -> None:
    import numpy as np
    import pandas as pd

    border = np.array(shipped_corpus.primary_labels, dtype=object) == "border_relations"
    expected = [a.id for a in shipped_corpus if a.primary_label == "border_relations"]
    assert shipped_corpus.subset(border).ids == expected
    assert shipped_corpus.subset(pd.Series(border)).ids == expected
    assert shipped_corpus.subset(list(border)).ids == expected
    with pytest.raises(CorpusError, match="a boolean mask of 2 values; corpus 'shipped' has 217 "
                                          "articles, give one value per article"):
        shipped_corpus.subset(np.array([True, False]))
    with pytest.raises(CorpusError, match=r"subset: 'g0001' is a string; give positions or a "
                                          r"boolean mask \(by id: corpus.subset\(\[corpus.ids"):
        shipped_corpus.subset("g0001")
    for wrong in (["g0001"], [1.5], [True, 3]):
        with pytest.raises(CorpusError, match=f"subset: {wrong[0]!r} is not a position"):
            shipped_corpus.subset(wrong)
    assert shipped_corpus.subset(np.array([3, -1])).ids == [shipped_corpus[3].id,
                                                            shipped_corpus[-1].id]


def test_a_count_of_one_takes_the_singular(tmp_path: Path) -> None:
    """Messages said "(1 articles)", "1 texts", "1 paragraph(s)": a count is now followed by the
    noun in the number it takes (topics.errors.counted), here in a corpus of one article."""
    from topics.errors import counted

    assert (counted(1, "article"), counted(0, "article"), counted(2, "entry", "entries")) == (
        "1 article", "0 articles", "2 entries")
    path = write(tmp_path / "one.jsonl", json.dumps({"id": "a", "text": "Ein Satz."}) + "\n")
    corpus = load_corpus(path)
    assert str(corpus.summary()).startswith("corpus one: 1 article, 1 paragraph, 2 words")
    with pytest.raises(CorpusError, match="a boolean mask of 2 values; corpus 'one' has 1 "
                                          "article, give one value per article"):
        corpus.subset([True, False])


def test_a_csv_header_column_named_id_holds_the_ids_as_json_lines_id_does(tmp_path: Path) -> None:
    """A CSV's `id` column was ignored without --id-column (ids became `c-0002`), where JSON
    Lines and Parquet use their `id`; a column named exactly `id` now gives the ids."""
    rows = [("a1", "Erster Text über die Grenze.", "x"), ("b2", "Zweiter Text zur Lage.", "y")]
    (tmp_path / "c.csv").write_text(
        "text,id,labels\n" + "".join(f"{t},{i},{label}\n" for i, t, label in rows), encoding="utf-8")
    (tmp_path / "c.jsonl").write_text("".join(json.dumps({"id": i, "text": t, "labels": [label]})
                                              + "\n" for i, t, label in rows), encoding="utf-8")
    csv_ids = load_corpus(tmp_path / "c.csv").ids
    assert csv_ids == load_corpus(tmp_path / "c.jsonl").ids == ["a1", "b2"]
    assert load_corpus(tmp_path / "c.csv", id_column="labels").ids == ["x", "y"]  # given: it wins
    (tmp_path / "d.csv").write_text("ID,text\nq,Ein Text.\n", encoding="utf-8")  # exactly `id`
    assert load_corpus(tmp_path / "d.csv").ids == ["d-0002"]
    assert load_corpus(tmp_path / "c.csv", header=False, text_column=0, label_column=None).ids[0] == "c-0001"
