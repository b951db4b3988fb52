"""A CSV corpus cut into ranges of records (topics.corpus.csv_ranges): the ranges cover the file,
and reading them one by one gives the client's reading, its records, places and first error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from topics.corpus.csv_ranges import csv_range_records, csv_ranges
from topics.corpus.formats import CsvOptions, read_csv
from topics.errors import CorpusError

# cells with the characters that make CSV hard: quotes, delimiters, line breaks of every kind
CELL = st.lists(st.sampled_from(["a", "ä", " ", ",", ";", "\"", "'", "\n", "\r\n", "\r"]),
                max_size=8).map("".join)
ROW = st.lists(CELL, min_size=0, max_size=4)


def _read(read, limit: int = 10_000) -> tuple[list, str | None]:
    """The records a reading gives, and the message that stopped it."""
    records = []
    try:
        for record in read:
            records.append(record)
            if len(records) > limit:
                break
    except CorpusError as exc:
        return records, str(exc)
    return records, None


def _by_ranges(path: Path, options: CsvOptions, encoding: str, per_range: int,
               max_bytes: int | None) -> tuple[list, str | None, list]:
    data = path.read_bytes()
    ranges = list(csv_ranges(path, options, encoding, per_range, max_bytes=max_bytes))
    records: list = []
    for part in ranges:
        got, error = _read(csv_range_records(part, data[part.start:part.end], encoding))
        records += got
        if error is not None:
            return records, error, ranges
    return records, None, ranges


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(ROW, max_size=12), header=st.booleans(), ids=st.booleans(),
       delimiter=st.sampled_from([",", ";"]), quotechar=st.sampled_from(['"', "'"]),
       per_range=st.integers(1, 5), max_bytes=st.none() | st.integers(1, 60),
       tail=st.sampled_from([b"", b"\n", b'"open', b"x,y,z,w,v,u\n", b"\xff\n", b"\n\n"]))
def test_reading_the_ranges_gives_the_files_reading(tmp_path_factory, rows, header, ids,
                                                    delimiter, quotechar, per_range, max_bytes,
                                                    tail) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quotechar=quotechar)
    if header:
        writer.writerow(["id", "text", "labels"])
    for row in rows:
        writer.writerow(row)
    path = tmp_path_factory.mktemp("csv") / "corpus.csv"
    path.write_bytes(out.getvalue().encode("utf-8") + tail)  # tail: often a bad end
    columns = ({"text_column": "text", "label_column": "labels"} if header else
               {"text_column": 1, "label_column": 2})
    if ids:
        columns["id_column"] = "id" if header else 0
    options = CsvOptions(**columns, label_separator="|", delimiter=delimiter, quotechar=quotechar,
                         header=header)
    expected = _read(read_csv(path, options, "utf-8"))
    got, error, ranges = _by_ranges(path, options, "utf-8", per_range, max_bytes)
    assert (got, error) == expected
    for before, after in zip(ranges, ranges[1:], strict=False):  # in order, without gaps
        assert before.end == after.start
    if expected[1] is None:  # read to its end: every byte after the header is in a range
        assert ranges[-1].end == path.stat().st_size
    assert len(ranges) <= len(rows) + 2  # no empty ranges between records


def test_a_file_that_cannot_be_opened_says_so(tmp_path) -> None:
    (part,) = csv_ranges(tmp_path / "missing.csv", CsvOptions(), "utf-8", 10)
    assert part.start == part.end == 0
    assert part.error is not None and "missing.csv: cannot read the file" in part.error


def test_a_file_cut_inside_a_quoted_text_is_refused_at_that_record(tmp_path) -> None:
    """csv (not strict) took the rest of the file as the last text: a download cut short gave
    its last article cut off, and nothing said. Now the record is refused, naming its line,
    by the client's reading and by the workers' ranges alike; the records before it are read."""
    path = tmp_path / "cut.csv"
    path.write_text('id,text\na1,"Erster Text,\nzwei Zeilen"\na2,Zweiter Text\n'
                    'a3,"Ein Text, der mitten im\nSatz abbricht', encoding="utf-8")
    options = CsvOptions(id_column="id")
    records, error = _read(read_csv(path, options, "utf-8"))
    assert [article.id for article, _ in records] == ["a1", "a2"]
    assert error is not None and "cut.csv: line 5: a quoted field" in error
    for per_range in (1, 2, 3):
        by_ranges, range_error, _ = _by_ranges(path, options, "utf-8", per_range, None)
        assert [(a.id, a.text, w) for a, w in by_ranges] == [(a.id, a.text, w) for a, w in records]
        assert range_error == error
    path.write_text('id,text\na1,"Text mit ""Zitat"""\na2,"Letzter Text"', encoding="utf-8")
    assert [a.text for a, _ in read_csv(path, options, "utf-8")] == ['Text mit "Zitat"',
                                                                     "Letzter Text"]
