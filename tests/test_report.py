"""The topic browser (report.html): content, self-containedness, fallbacks, the CLI, the palette."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import topics
from tests.conftest import REPORT_CONFIG
from topics.cli import main
from topics.evaluation.palette import TOPIC_COLOURS, topic_colour, topic_marker, topic_names
from topics.experiments.report import REPORT_FILE, document_coordinates, write_report

# the run behind report_html (two topic models and the classifier's CV) takes a while
slow = pytest.mark.slow


def _figures(text: str) -> dict[str, dict]:
    """The plotly specs drawn by the page, by div id."""
    return {
        m.group(1): json.loads(m.group(2).replace("<\\/", "</"))
        for m in re.finditer(r'draw\("([^"]+)",(\{.*?\})\);\n', text)
    }


@slow
def test_report_is_one_self_contained_file(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    assert report_html.name == "report.html"
    assert 4_000_000 < len(text.encode()) < 12_000_000  # plotly.js inline (~4.6 MB) + the data
    assert "<script src" not in text and "<link" not in text  # nothing fetched
    assert "Plotly.newPlot" in text and "plotly.js" in text.lower()
    tags = re.findall(r"<(?:img|iframe|script)[^>]*(?:src|href)=[\"']https?:", text)
    assert not tags


@slow
def test_report_shows_topics_map_heatmap_documents(report_html: Path, report_run_dir: Path) -> None:
    from topics import load_topic_model

    text = report_html.read_text(encoding="utf-8")
    figures = _figures(text)
    for name in ("nmf", "lda"):
        result = load_topic_model(report_run_dir / "models" / f"topics_{name}", load_estimator=False)
        names = topic_names(result.topics)
        assert f'id="{name}"' in text
        for topic, _words in result.topics.items():
            assert names[topic] in text  # the topic's name (id + top words)
            assert f"{name}-topic-{topic}" in text  # its top documents
        # the map: one trace per topic, the right colours, hover with unit id, labels, words
        (spec,) = [s for k, s in figures.items() if k.endswith(f"-map-{name}")]
        topic_traces = [t for t in spec["data"] if t["legendgroup"] == "topic"]
        assert sum(len(t["x"]) for t in topic_traces) == len(result.documents)
        colours = [t["marker"]["color"] for t in topic_traces]
        assert len(set(colours)) == len(colours)
        first = result.documents[int(np.flatnonzero(result.assignments ==
                                                    sorted(set(result.assignments))[0])[0])]
        hover = topic_traces[0]["text"][0]
        assert first.id in hover and "labels:" in hover
        assert " ".join(first.text.split()[:3]) in hover.replace("&quot;", '"')
        # the heatmap: topic names as row labels
        (heat,) = [s for k, s in figures.items() if k.endswith(f"heatmap-{name}")]
        assert heat["data"][0]["y"] == [names[t] for t in result.topic_label_table().index]
        # top documents carry article ids
        assert result.documents[0].article_id in text
    assert "Cross-validated results" in text and "ArticleClassifier" in text
    assert re.search(r"Errors \(\d+ of 40 articles\)", text)


@slow
def test_classifier_errors_are_the_mismatches(report_html: Path, report_run_dir: Path) -> None:
    import pandas as pd

    predictions = pd.read_csv(report_run_dir / "documents/classifier_predictions.csv",
                              keep_default_na=False)
    wrong = [r.article_id for r in predictions.itertuples()
             if set(filter(None, r.labels.split("|"))) != set(filter(None, r.predicted.split("|")))]
    text = report_html.read_text(encoding="utf-8")
    section = text[text.index('<section id="classifier">'):]
    assert f"Errors ({len(wrong)} of {len(predictions)} articles)" in section
    errors = section[section.index("<h3>Errors"):]
    for article in wrong:
        assert f"<td>{article}</td>" in errors


@slow
def test_a_report_goes_into_a_folder_given_as_its_path(report_run_dir: Path,
                                                        tmp_path: Path) -> None:
    """A file name is the file; a folder (existing, or with a trailing slash) gets report.html."""
    first = write_report(report_run_dir, tmp_path / "again.html")
    assert first == tmp_path / "again.html" and first.is_file()
    assert write_report(report_run_dir, tmp_path) == tmp_path / "report.html"
    assert write_report(report_run_dir, f"{tmp_path / 'new'}/") == tmp_path / "new" / "report.html"
    assert (tmp_path / "new" / "report.html").read_bytes() == first.read_bytes()


SMALL = {**REPORT_CONFIG, "classifier": {"enabled": False},
         "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
         "corpus": {"limit": 12, "unit": "article"}}


def test_every_run_writes_its_report_unless_told_not_to(tmp_path: Path) -> None:
    """outputs.report (default true), run_experiment(report=...) overrides it; models saved ->
    a map and top documents. (report=False: topics run --no-report, below.)"""
    config = {**SMALL, "outputs": {"figures": False}}
    run = topics.run_experiment(config, runs_dir=tmp_path / "a")
    text = (run.path / REPORT_FILE).read_text(encoding="utf-8")
    assert "-map-nmf" in text and "heatmap-nmf" in text and "nmf-topic-0" in text
    off = {**config, "outputs": {"figures": False, "report": False}}
    assert not (topics.run_experiment(off, runs_dir=tmp_path / "b").path / REPORT_FILE).exists()


def test_report_without_saved_models(tmp_path: Path) -> None:
    """outputs.save_models: false -> topics and heatmap from the tables, a note instead of a map."""
    config = {**SMALL, "outputs": {"figures": False, "save_models": False}}
    run = topics.run_experiment(config, runs_dir=tmp_path)
    text = (run.path / REPORT_FILE).read_text(encoding="utf-8")
    assert "was not saved with this run" in text
    assert "heatmap-nmf" in text and "-map-nmf" not in text
    assert 'id="classifier"' not in text


def test_report_of_a_run_missing_files_says_what_is_missing(tmp_path: Path) -> None:
    """A run whose model folder or tables went missing: the notes said the model was not saved
    (outputs.save_models: false) and the corpus has no labels, both untrue."""
    import shutil

    config = {**SMALL, "outputs": {"figures": False, "report": False}}
    run = topics.run_experiment(config, runs_dir=tmp_path)
    shutil.rmtree(run.path / "models" / "topics_nmf")
    (run.path / "tables" / "topic_labels_nmf.csv").unlink()
    text = write_report(run.path).read_text(encoding="utf-8")
    assert "save_models: false" not in text and "has no labels" not in text
    assert "The fitted model in models/topics_nmf could not be read (the folder is missing)" in text
    assert "tables/topic_labels_nmf.csv is missing too" in text
    assert "No topic × label table: topic_labels_nmf.csv is missing." in text
    assert "No document map: it needs the fitted model" in text
    assert "heatmap-nmf" not in text and "-map-nmf" not in text
    shutil.rmtree(run.path / "models")  # as copy_run stores a reference result
    text = write_report(run.path).read_text(encoding="utf-8")
    assert "This copy of the run holds no fitted models (no models/ folder" in text


def test_topics_report_command(tmp_path: Path, capsys) -> None:
    config = tmp_path / "small.yaml"
    config.write_text(json.dumps({**SMALL, "outputs": {"figures": False}}), encoding="utf-8")
    assert main(["-q", "run", str(config), "--runs-dir", str(tmp_path / "runs"), "--no-report"]) == 0
    out = capsys.readouterr().out
    assert "report:" not in out
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert not (run_dir / REPORT_FILE).exists()
    target = tmp_path / "browser.html"
    assert main(["-q", "report", str(run_dir), "--output", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert target.stat().st_size > 4_000_000  # plotly.js inline
    assert main(["-q", "report", str(run_dir)]) == 0
    assert (run_dir / REPORT_FILE).is_file()
    capsys.readouterr()
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "missing" in capsys.readouterr().err


def test_report_output_that_is_not_html_is_refused_and_left_alone(tmp_path: Path,
                                                                  capsys) -> None:
    """`topics report RUN --output my.yaml` wrote the HTML over the user's config."""
    run = topics.run_experiment({**SMALL, "outputs": {"figures": False, "report": False}},
                                runs_dir=tmp_path / "runs")
    mine = tmp_path / "my.yaml"
    mine.write_text("name: mine\n", encoding="utf-8")
    assert main(["-q", "report", str(run.path), "--output", str(mine)]) == 2
    err = capsys.readouterr().err
    assert f"{mine}: the report is HTML; give an .html file name" in err
    assert mine.read_text(encoding="utf-8") == "name: mine\n"
    assert not (run.path / REPORT_FILE).exists()
    assert write_report(run.path, tmp_path / "page.HTM") == tmp_path / "page.HTM"


def test_a_report_does_not_replace_a_file_that_is_not_one(tmp_path: Path, capsys) -> None:
    config = tmp_path / "small.yaml"
    config.write_text(json.dumps({**SMALL, "outputs": {"figures": False}}), encoding="utf-8")
    assert main(["-q", "run", str(config), "--runs-dir", str(tmp_path / "runs")]) == 0
    (run_dir,) = (tmp_path / "runs").iterdir()
    page = tmp_path / "page.html"
    page.write_text("<html>my own page</html>", encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(run_dir), "--output", str(page)]) == 2
    assert f"{page} exists and is not a report of topics" in capsys.readouterr().err
    assert page.read_text(encoding="utf-8") == "<html>my own page</html>"
    again = tmp_path / "again.html"
    for _ in range(2):  # a report is written over
        assert write_report(run_dir, again) == again


def test_topic_names() -> None:
    names = topic_names({-1: [("x", 1.0)], 0: [("grenze", 0.3), ("china", 0.2)], 1: ["a", "b", "c",
                                                                                   "d", "e"]})
    assert names == {-1: "-1: outliers", 0: "0: grenze · china", 1: "1: a · b · c · d"}


def test_document_coordinates_prefers_embeddings_and_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    docs = [SimpleNamespace(id=str(i)) for i in range(30)]
    embeddings = rng.normal(size=(30, 8))
    fake = SimpleNamespace(documents=docs, embeddings=embeddings, distributions=None)
    xy = document_coordinates(fake)
    assert xy.shape == (30, 2)
    assert np.allclose(xy, document_coordinates(fake))  # the same map every time
    mirrored = document_coordinates(SimpleNamespace(documents=docs, embeddings=-embeddings,
                                                    distributions=None))
    assert np.allclose(mirrored, -xy)  # component signs are fixed by the loadings, not by chance
    scaled = document_coordinates(SimpleNamespace(documents=docs, embeddings=embeddings * 2,
                                                  distributions=None))
    assert np.allclose(scaled, 2 * xy)  # the same picture, scaled
    assert document_coordinates(SimpleNamespace(documents=docs, embeddings=None,
                                                distributions=None)) is None


def _lab(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    rgb = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ rgb / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_topic_colours_are_clearly_distinct() -> None:
    """Every pair of the 20 topic colours is at least 20 apart (CIE ΔE*76); beyond 20 topics the
    marker shape changes, so no two of the first 120 topics look the same."""
    labs = [_lab(c) for c in TOPIC_COLOURS]
    closest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(labs, 2))
    assert closest >= 20
    looks = {(topic_colour(t), topic_marker(t)) for t in range(120)}
    assert len(looks) == 120
    assert topic_colour(-1) not in TOPIC_COLOURS


@slow
@pytest.mark.parametrize(("table", "edit", "expected"), [
    ("tables/topics_nmf.csv", lambda t: t.replace("\n0,", "\nabc,", 1),
     r"tables/topics_nmf.csv: row 1: invalid literal for int\(\) with base 10: 'abc'"),
    ("tables/topics_nmf.csv", lambda t: t.replace("topic,size,", "topic,count,", 1),
     "tables/topics_nmf.csv: row 1: no column 'size'"),
    ("documents/topics_nmf.csv", lambda t: t.encode("utf-8") + b"\xff\xfe,x\n",
     "documents/topics_nmf.csv: cannot be read as a CSV table"),
    ("documents/topics_nmf.csv", lambda t: t + "a,b\n", "documents/topics_nmf.csv: row .*: "
     "fewer fields than the header"),
    ("tables/topic_labels_nmf.csv", lambda t: t + "9,1\n", "tables/topic_labels_nmf.csv: row "
     r".*: 2 fields where the header has \d+"),
    ("documents/classifier_predictions.csv", lambda t: t.replace("\n", "\nx,a,a" + ",high" * (
        t.split("\n", 1)[0].count(",") - 2) + "\n", 1),
     "documents/classifier_predictions.csv: row 1: could not convert string to float: 'high'"),
])
def test_a_damaged_table_of_a_run_is_named_with_its_row(report_run_dir, tmp_path, capsys,
                                                        table, edit, expected) -> None:
    """The report falls back to a run's tables where the model cannot be read: a topic 'abc',
    a column missing, bytes that are not UTF-8, a short row gave a bare ValueError, KeyError or
    UnicodeDecodeError. Now one line naming the file and the row, and nothing is written."""
    import shutil

    run = shutil.copytree(report_run_dir, tmp_path / "run")
    shutil.rmtree(run / "models" / "topics_nmf")  # the tables are read instead
    (run / REPORT_FILE).unlink(missing_ok=True)
    path = run / table
    changed = edit(path.read_text(encoding="utf-8"))
    path.write_bytes(changed if isinstance(changed, bytes) else changed.encode("utf-8"))
    assert main(["report", str(run)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and re.search(expected, err), err
    assert str(path) in err and "restore them, or rerun its config" in err
    assert not (run / REPORT_FILE).exists()
