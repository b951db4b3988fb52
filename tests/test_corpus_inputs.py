"""Bad corpus input gets one clear error (or a warning naming the record); nothing is lost.

Plus round trips with hypothesis: whatever articles a JSON Lines or CSV file holds come back
exactly, and reading lazily gives the same articles as reading at once.
"""

from __future__ import annotations

import csv
import io
import json
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import topics
from topics.corpus import iter_articles
from topics.errors import CorpusError

from .conftest import GNAD_CSV, GNAD_OPTIONS, user_warnings


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_file_without_articles_is_refused(tmp_path: Path, content: str, suffix: str) -> None:
    path = write(tmp_path / f"empty{suffix}", content)
    with pytest.raises(CorpusError, match="empty|no articles"):
        topics.load_corpus(path)


def test_an_empty_csv_says_empty_not_header(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="empty") as error:
        topics.load_corpus(write(tmp_path / "e.csv", ""))
    assert "header=True" not in str(error.value)


def test_a_boilerplate_only_article_is_kept_with_a_warning(tmp_path: Path) -> None:
    records = [{"id": "a", "text": "Ein Satz über die Grenze."},
               {"id": "b", "text": "![]() |\nQuelle: https://example.vn/x\nKommentar (0)"}]
    path = write(tmp_path / "c.jsonl", "\n".join(json.dumps(r) for r in records))
    with pytest.warns(UserWarning, match=r"line 2: article 'b' is only page boilerplate"):
        corpus = topics.load_corpus(path)
    assert corpus.ids == ["a", "b"]  # nothing dropped silently


def test_an_html_page_is_refused(tmp_path: Path) -> None:
    page = "<!DOCTYPE html><html><body><div><p>Der Minister besuchte Laos.</p></div></body></html>"
    path = write(tmp_path / "p.jsonl", json.dumps({"id": "p", "text": page}))
    with pytest.raises(CorpusError, match="line 1: article 'p' is an HTML page"):
        topics.load_corpus(path)


def test_a_text_with_a_stray_angle_bracket_is_not_html(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", json.dumps({"id": "t", "text": "Wachstum <5 % im Jahr."}))
    assert topics.load_corpus(path).texts == ["Wachstum <5 % im Jahr."]


def test_an_unquoted_delimiter_is_an_error_not_a_shifted_label(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "labels;text\nSport;Ein Text\nWeb;Zwei; Teile\n")
    with pytest.raises(CorpusError, match=r"c.csv: line 3: 3 fields where the header has 2.*Quote"):
        topics.load_corpus(path, delimiter=";")


def _unclosed_in_the_middle(tmp_path: Path, quoted_later: bool) -> Path:
    """A CSV whose line 7 opens a quote that is not closed; with ``quoted_later``, line 10 holds
    a quoted text whose first quote closes it."""
    rows = ["id,text,labels"]
    for i in range(1, 12):
        text = f"Text {i} über den Handel"
        if i == 6:
            text = f'"Text {i} mit offenem Zitat'
        elif i == 9 and quoted_later:
            text = f'"Text {i}, zitiert"'
        rows.append(f"a{i},{text},x")
    return write(tmp_path / "q.csv", "\n".join(rows) + "\n")


def test_a_quote_left_open_in_the_middle_names_the_line_it_opens(tmp_path: Path) -> None:
    """A quote left open on line 7 swallows the lines up to the next quote; the error named
    line 10 ("4 fields where the header has 3"), where the swallowed record ended, and spoke of
    an unquoted delimiter. Now it names line 7 and the unclosed quote, in the client's reading
    and in the ranges the Dask workers read alike."""
    from topics.corpus.formats import CsvOptions
    from topics.corpus.worker_reading import corpus_parts

    path = _unclosed_in_the_middle(tmp_path, quoted_later=True)
    said = ("q.csv: line 7: the record starting here runs to line 10 with 4 fields where the "
            "header has 3; a quote opened in it is probably not closed")
    with pytest.raises(CorpusError, match=said):
        topics.load_corpus(path, id_column="id")
    parts = list(corpus_parts(path, "csv", "utf-8", 3, csv_options=CsvOptions(id_column="id")))
    assert said in parts[-1].error


def test_a_quote_left_open_past_the_field_limit_names_the_line_it_opens(tmp_path: Path,
                                                                        monkeypatch) -> None:
    """An unclosed quote in a large file makes a field past csv's limit many lines on: the error
    named that line; now the record's first line, and the quote."""
    import topics.corpus.formats as formats

    path = _unclosed_in_the_middle(tmp_path, quoted_later=False)
    before = csv.field_size_limit()
    monkeypatch.setattr(formats, "CSV_FIELD_LIMIT", 100)
    csv.field_size_limit(100)  # the swallowed lines pass 100 characters on line 10
    try:
        with pytest.raises(CorpusError, match=r"q.csv: line 7: the record starting here runs to "
                                              r"line \d+ and is not readable as CSV there "
                                              r"\(field larger.*a quote opened in it may be "
                                              "unclosed"):
            topics.load_corpus(path, id_column="id")
    finally:
        csv.field_size_limit(before)


def test_an_unquoted_delimiter_without_header(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "Sport;Ein Text\nWeb;Zwei; Teile\n")
    with pytest.raises(CorpusError, match=r"line 2: 3 fields where the first row has 2"):
        topics.load_corpus(path, delimiter=";", header=False, text_column=1, label_column=0)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"text_column": -1, "label_column": 0, "header": False}, "text_column=-1"),
        ({"delimiter": ""}, "delimiter=''.*one character"),
        ({"delimiter": ";;"}, "delimiter=';;'.*one character"),
        ({"quotechar": ""}, "quotechar=''.*one character"),
        ({"delimiter": '"'}, "delimiter"),
        ({"encoding": "utf-99"}, "encoding='utf-99' is not a known text encoding"),
        ({"label_separator": ""}, "label_separator"),
    ],
)
def test_impossible_csv_options_are_one_clear_error(tmp_path: Path, options, match) -> None:
    path = write(tmp_path / "c.csv", "labels,text\nSport,Ein Text\n")
    with pytest.raises(CorpusError, match=match):
        topics.load_corpus(path, **options)


def test_unicode_line_separators_are_text_not_line_breaks(tmp_path: Path) -> None:
    record = {"id": "u", "text": "Erster Teil\u2028zweiter Teil\u0085dritter."}
    jsonl = tmp_path / "u.jsonl"
    jsonl.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert topics.load_corpus(jsonl).texts == [record["text"]]
    table = tmp_path / "u.csv"
    table.write_text('labels,text\nSport,"Ein\x85Text"\n', encoding="utf-8")
    assert topics.load_corpus(table).texts == ["Ein\x85Text"]


def test_a_folder_and_a_file_are_not_mixed_up(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(CorpusError, match="cannot read a folder"):
        topics.load_corpus(tmp_path / "dir.csv", format="csv")
    with pytest.raises(CorpusError, match="format='folder' but this is a file"):
        topics.load_corpus(write(tmp_path / "a.jsonl", "{}"), format="folder")


def test_a_utf16_file_reads_with_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "w.jsonl"
    path.write_text(json.dumps({"id": "w", "text": "Grüße aus Hanoi."}, ensure_ascii=False),
                    encoding="utf-16")
    assert topics.load_corpus(path, encoding="utf-16").texts == ["Grüße aus Hanoi."]
    with pytest.raises(CorpusError, match="line 1: not valid utf-8"):
        topics.load_corpus(path)


def test_iter_articles_checks_each_record_as_it_reads(tmp_path: Path) -> None:
    lines = [json.dumps({"id": str(i), "text": f"Text {i}."}) for i in range(3)]
    lines.append(json.dumps({"id": "1", "text": "Doppelt."}))
    path = write(tmp_path / "s.jsonl", "\n".join(lines))
    stream = iter_articles(path)
    assert [next(stream).id for _ in range(3)] == ["0", "1", "2"]
    with pytest.raises(CorpusError, match="line 4: duplicate id '1'"):
        next(stream)


@pytest.mark.parametrize(("make", "said"), [
    (lambda: topics.Corpus([topics.Article(5, "Ein Text.")]),  # was "the id is empty"
     "article 1 (id 5): the id is 5 (an int), not a string; give every article a unique string id"),
    (lambda: topics.Corpus([topics.Article("a", None)]),  # was "the text is empty"
     "article 1 (id 'a'): the text is None, not a string; give the article's text as a str"),
    (lambda: topics.Corpus([topics.Article("a", "Ein Text.", (1,)), topics.Article("b", "Text.")]),
     "article 1 (id 'a'): the label 1 (an int) is not a string"),  # was a TypeError in sorted()
    (lambda: topics.Corpus([topics.Article("a", "Ein Text.", ("",))]),
     "article 1 (id 'a'): article 'a' has an empty label ''"),
    (lambda: topics.Corpus(["Ein Text."]),  # was an AttributeError on .labels
     "corpus: item 0 is 'Ein Text.' (str), not a topics.Article; make articles of texts first"),
])
def test_a_corpus_of_wrong_records_names_what_is_wrong(make, said: str) -> None:
    with pytest.raises(CorpusError) as error:
        make()
    assert said in str(error.value)


def test_an_article_takes_none_as_no_labels_and_refuses_other_types() -> None:
    assert topics.Article("a", "Text", None).labels == ()  # was a bare TypeError
    for labels, kind in ((5, "an int"), ({"x": 1}, "a dict")):
        with pytest.raises(topics.InputError, match=f"Article 'a': labels=.* is {kind}; give a "
                           "list of label strings"):
            topics.Article("a", "Text", labels)


# ------------------------------------------------------------------------------------------------
# round trips

TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80
).filter(lambda t: t.strip() and "<" not in t)
LABEL = st.sampled_from(list(topics.LABELS))
RECORDS = st.lists(
    st.fixed_dictionaries(
        {"text": TEXT, "labels": st.lists(LABEL, max_size=2, unique=True)}
    ),
    min_size=1,
    max_size=8,
)


def _with_ids(records: list[dict]) -> list[dict]:
    return [{"id": f"r{i}", **r} for i, r in enumerate(records)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(RECORDS)
def test_jsonl_round_trip(tmp_path: Path, records: list[dict]) -> None:
    records = _with_ids(records)
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    with _no_fail():
        corpus = topics.load_corpus(path)
    assert corpus.ids == [r["id"] for r in records]
    assert corpus.texts == [r["text"] for r in records]
    assert corpus.labels == [r["labels"] for r in records]
    with _no_fail():
        assert [a.text for a in iter_articles(path)] == corpus.texts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(RECORDS, st.sampled_from([",", ";", "\t"]))
def test_csv_round_trip(tmp_path: Path, records: list[dict], delimiter: str) -> None:
    records = _with_ids(records)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["id", "labels", "text"])
    for r in records:
        writer.writerow([r["id"], "|".join(r["labels"]), r["text"]])
    path = tmp_path / "r.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    with _no_fail():
        corpus = topics.load_corpus(path, id_column="id", delimiter=delimiter, label_separator="|")
    assert corpus.texts == [r["text"] for r in records]
    assert corpus.labels == [r["labels"] for r in records]


class _no_fail:
    """Boilerplate-only texts and texts without letters warn; the round trip is about what is read, so allow the warning."""

    def __enter__(self) -> None:
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore", UserWarning)

    def __exit__(self, *exc: object) -> None:
        self._catch.__exit__(*exc)


@pytest.mark.parametrize("path", [42, 3.5, ["a.jsonl"], b"a.jsonl"])
def test_a_path_that_is_not_a_path_is_refused_in_words(path: object) -> None:
    with pytest.raises(topics.InputError, match="expected a file or folder path"):
        topics.load_corpus(path)  # type: ignore[arg-type]
    with pytest.raises(topics.InputError, match="expected a file or folder path"):
        next(iter_articles(path))  # type: ignore[arg-type]


def test_texts_without_letters_are_kept_with_a_warning_naming_them(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i * 1111},\n" for i in range(1, 9))
    path = write(tmp_path / "n.csv", "id,text,labels\n" + rows)
    with pytest.warns(UserWarning) as caught:
        corpus = topics.load_corpus(path, id_column="id")
    messages = [str(w.message) for w in caught]
    assert len(corpus) == 8
    assert "n.csv: line 2: article '1' has no letters (text '1111')" in messages[0]
    assert "is the text column the right one?" in messages[0]
    assert len(messages) == 6 and "more articles without letters follow" in messages[-1]


def test_a_long_article_in_a_csv_field_is_read(tmp_path: Path) -> None:
    text = "Vietnam und Deutschland vereinbaren eine Zusammenarbeit. " * 6000  # 340 kB
    path = write(tmp_path / "long.csv", f'id,text,labels\n1,"{text}",\n')
    assert topics.load_corpus(path).texts == [text]


# ------------------------------------------------------------------------------------------------
# wrong reading options: the file parses, into nonsense; one warning names the option

SWAPPED, HEADER = "check text_column / label_column", "read as the header"
MOJIBAKE = "UTF-8 read as"


def _option_warnings(call) -> list[str]:
    return [m for m in user_warnings(call) if any(k in m for k in (SWAPPED, HEADER, MOJIBAKE))]


def _gnad(**options) -> dict:
    if not GNAD_CSV.exists():
        pytest.skip(f"10kGNAD sample not found at {GNAD_CSV}")
    return {**GNAD_OPTIONS, **options}


def test_10kgnad_and_the_shipped_corpus_read_right_give_no_option_warning() -> None:
    assert _option_warnings(lambda: topics.load_corpus(GNAD_CSV, **_gnad())) == []
    assert _option_warnings(lambda: list(iter_articles(GNAD_CSV, **_gnad()))) == []
    assert _option_warnings(topics.load_corpus) == []


def test_swapped_text_and_label_columns_warn_once() -> None:
    options = _gnad(text_column=0, label_column=1)
    (message,) = _option_warnings(lambda: topics.load_corpus(GNAD_CSV, **options))
    assert message.startswith(f"{GNAD_CSV}: 721 of 721 texts are a word or two and labels look "
                              "like texts") and message.endswith("(--text-column, --label-column)")


def test_a_stream_warns_after_its_first_records_not_at_the_end() -> None:
    options = _gnad(text_column=0, label_column=1)
    (message,) = _option_warnings(lambda: list(islice(iter_articles(GNAD_CSV, **options), 200)))
    assert "200 of 200 texts (the first 200 records) are a word or two" in message


def test_a_forgotten_header_false_warns() -> None:
    (message,) = _option_warnings(lambda: topics.load_corpus(GNAD_CSV, **_gnad(header=True)))
    assert f"{GNAD_CSV}: the first row, read as the header, looks like an article " \
           "(text_column=1: '3:0 im Finale" in message
    assert message.endswith("pass header=False (--no-header)")


def test_utf8_read_as_latin1_warns(tmp_path: Path) -> None:
    (message,) = _option_warnings(
        lambda: topics.load_corpus(GNAD_CSV, **_gnad(encoding="latin-1")))
    assert "721 of 721 texts look like UTF-8 read as latin-1 ('Ã¶' for 'ö')" in message
    assert message.endswith("pass encoding='utf-8' (--encoding utf-8)")
    record = {"id": "g", "text": "Grüße aus Hanoi: die Zusammenarbeit wächst."}
    utf8 = write(tmp_path / "g.jsonl", json.dumps(record, ensure_ascii=False))
    assert len(_option_warnings(lambda: topics.load_corpus(utf8, encoding="latin-1"))) == 1
    latin = tmp_path / "l.jsonl"  # really Latin-1: read right, no warning
    latin.write_bytes(json.dumps(record, ensure_ascii=False).encode("latin-1"))
    corpus = topics.load_corpus(latin, encoding="latin-1")
    assert corpus.texts == [record["text"]] and _option_warnings(
        lambda: topics.load_corpus(latin, encoding="latin-1")) == []


def test_a_decoding_error_names_the_encoding_to_pass(tmp_path: Path) -> None:
    record = json.dumps({"id": "g", "text": "Grüße aus Hanoi."}, ensure_ascii=False)
    latin = tmp_path / "l.jsonl"
    latin.write_bytes(record.encode("latin-1"))
    with pytest.raises(CorpusError, match=r"encoding='latin-1' \(--encoding latin-1\)"):
        topics.load_corpus(latin)
    utf8 = write(tmp_path / "u.jsonl", record + "\n" + record.replace('"g"', '"h"'))
    with pytest.raises(CorpusError, match=r"not valid ascii .*encoding='utf-8' \(--encoding utf-8"):
        topics.load_corpus(utf8, encoding="ascii")
    wide = tmp_path / "w.jsonl"
    wide.write_text(record, encoding="utf-16")
    with pytest.raises(CorpusError, match=r"line 1: .*encoding='utf-16' \(--encoding utf-16\)"):
        topics.load_corpus(wide)


# ---- a label given as one string reads as a CSV label cell -------------------------------------


LABEL_CELLS = ["", "  ", "sport", " sport | economy ", "sport|", None]
SPLIT = [(), (), ("sport",), ("sport", "economy"), ("sport",), ()]
WHOLE = [(), (), ("sport",), ("sport | economy",), ("sport|",), ()]


def _records(cells: list) -> list[dict]:
    return [{"id": f"a{i}", "text": f"Artikel {i} über den Handel mit Laos.", "labels": cell}
            for i, cell in enumerate(cells)]


@pytest.mark.parametrize(("separator", "expected"), [("|", SPLIT), (None, WHOLE)])
def test_a_json_or_parquet_label_string_reads_as_a_csv_cell(tmp_path: Path, separator,
                                                              expected) -> None:
    """JSON Lines and Parquet read "labels": "" as the label '' (a CSV's empty cell is no label)
    and did not split a label string on label_separator (only CSV cells were). Now a label
    string is a label cell in every format, on the client and on the Dask workers alike."""
    from topics.corpus.worker_reading import line_ranges, parquet_rows, read_part

    records = _records(LABEL_CELLS)
    jsonl = write(tmp_path / "c.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    with (tmp_path / "c.csv").open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([["id", "text", "labels"]] + [
            [r["id"], r["text"], r["labels"] or ""] for r in records])
    paths = [jsonl, tmp_path / "c.csv"]
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "c.parquet")
    paths.append(tmp_path / "c.parquet")
    for path in paths:
        extra = {"id_column": "id"} if path.suffix == ".csv" else {}
        corpus = topics.load_corpus(path, label_separator=separator, **extra)
        assert corpus.labels == [list(x) for x in expected], path.name
    parts = [*line_ranges(jsonl, 2), *parquet_rows(tmp_path / "c.parquet", 2)]
    read = [a.labels for part in parts for a, _ in read_part(part, "utf-8", separator)]
    assert read == expected * 2


def test_a_label_list_is_kept_as_written(tmp_path: Path) -> None:
    """Only a label string is a cell: a list's items are labels as written (not split)."""
    path = write(tmp_path / "c.jsonl", json.dumps(_records([["a|b", "c"]])[0]) + "\n")
    assert topics.load_corpus(path, label_separator="|").labels == [["a|b", "c"]]
    with pytest.raises(CorpusError, match="label_separator='': give a separator"):
        topics.load_corpus(path, label_separator="")


@pytest.mark.parametrize("line, why", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"id": "a", "text": "Hanoi", "n": ' + "9" * 5000 + "}", "Exceeds the limit"),
])
def test_a_jsonl_line_the_parser_cannot_take_names_its_line(tmp_path: Path, line, why) -> None:
    """JSON nested 100,000 deep gave a bare RecursionError, a 5,000-digit number a ValueError."""
    path = write(tmp_path / "news.jsonl", '{"id": "x", "text": "Vietnam"}\n' + line + "\n")
    with pytest.raises(CorpusError, match=f"news.jsonl: line 2: not valid JSON \\({why}") as error:
        topics.load_corpus(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("content, why", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"a": ' + "9" * 5000 + "}", "Exceeds the limit"),
])
def test_a_labels_file_the_parser_cannot_take_is_named(tmp_path: Path, content, why) -> None:
    write(tmp_path / "a.txt", "Vietnam und Laos vereinbaren Zusammenarbeit.")
    labels = write(tmp_path / "labels.json", content)
    with pytest.raises(CorpusError, match=f"labels.json: not valid JSON \\({why}") as error:
        topics.load_corpus(tmp_path)
    assert str(labels) in str(error.value)


def test_a_named_pipe_in_a_corpus_folder_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A FIFO named z.txt in a folder corpus: reading it waited for a writer forever (a hang).
    Now the folder is refused before anything is opened, naming it; so is a FIFO labels file."""
    import os

    write(tmp_path / "a.txt", "Vietnam und Laos vereinbaren Zusammenarbeit.")
    os.mkfifo(tmp_path / "z.txt")
    with pytest.raises(CorpusError, match="z.txt: is a named pipe, not a file of articles"):
        topics.load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="z.txt: is a named pipe"):
        list(iter_articles(tmp_path))
    (tmp_path / "z.txt").unlink()
    os.mkfifo(tmp_path / "labels.json")
    with pytest.raises(CorpusError, match="labels.json: not a regular file"):
        topics.load_corpus(tmp_path)
