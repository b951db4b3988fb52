"""Topic-model figures, and that the heavy imports stay out of ``import topics``."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from matplotlib.figure import Figure

import topics
from topics import plots


@pytest.fixture(scope="module")
def nmf_result():
    return topics.fit_topic_model(topics.load_corpus(), "nmf", "article", seed=0)


@pytest.mark.slow
def test_figures_are_written(nmf_result, tmp_path) -> None:
    paths = plots.topic_model_figures(nmf_result, tmp_path)
    assert [p.name for p in paths] == [
        "nmf_top_words.png", "nmf_topic_sizes.png", "nmf_topic_label_heatmap.png",
        "nmf_document_map.png",
    ]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_coherence_by_n_topics_figure(tmp_path) -> None:
    sweep = pd.DataFrame({"model": ["nmf", "nmf", "lda", "lda"], "n_topics": [4, 8, 4, 8],
                          "npmi": [0.1, 0.12, 0.0, 0.02], "diversity": [1.0, 0.9, 0.8, 0.7]})
    figure = plots.coherence_by_n_topics(sweep)
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    assert plots.save_figure(figure, tmp_path / "sweep.svg").is_file()


def test_coherence_by_n_topics_names_a_wrong_metric() -> None:
    """metrics="npmi" drew nothing but a KeyError 'n' (the string's letters), an unknown metric
    a bare KeyError, an empty list matplotlib's ValueError."""
    from topics.errors import ConfigError

    sweep = pd.DataFrame({"model": ["nmf", "nmf"], "n_topics": [4, 8], "npmi": [0.1, 0.12]})
    assert len(plots.coherence_by_n_topics(sweep, metrics="npmi").axes) == 1
    with pytest.raises(ConfigError, match=r"no column 'c_v' in the table; it has model, n_topics"):
        plots.coherence_by_n_topics(sweep, metrics=["npmi", "c_v"])
    with pytest.raises(ConfigError, match="metrics is empty"):
        plots.coherence_by_n_topics(sweep, metrics=[])
    with pytest.raises(ConfigError, match="no column 'model'"):
        plots.coherence_by_n_topics(sweep.drop(columns="model"))


@pytest.mark.parametrize("suffix", [".svg", ".pdf", ".png"])
def test_a_saved_figure_is_the_same_bytes_every_time(tmp_path, suffix: str) -> None:
    """SVG and PDF carried the time of saving, SVG random element ids: `topics compare
    --figure x.svg` twice gave two different files."""
    sweep = pd.DataFrame({"model": ["nmf", "nmf"], "n_topics": [4, 8], "npmi": [0.1, 0.12]})
    first = plots.save_figure(plots.coherence_by_n_topics(sweep, metrics="npmi"),
                              tmp_path / f"a{suffix}")
    again = plots.save_figure(plots.coherence_by_n_topics(sweep, metrics="npmi"),
                              tmp_path / f"b{suffix}")
    assert first.read_bytes() == again.read_bytes()


def test_import_topics_stays_light() -> None:
    code = ("import sys, topics; heavy = [m for m in ('matplotlib', 'bertopic', 'umap', 'numba', "
            "'gensim', 'tomotopy') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_figures_name_their_units_and_axes(shipped_corpus) -> None:
    """Paragraph topics are counted in paragraphs; the map's axes say what they are; two topics'
    shares (which lie on a line) get a flat second axis, not rounding noise drawn as spread."""
    result = topics.fit_topic_model(shipped_corpus.units("paragraph"), "nmf", "paragraph",
                                    seed=0, n_components=2)
    titles = [ax.get_title() for ax in plots.top_words(result).axes if ax.get_visible()]
    assert titles and all(t.endswith(" paragraphs)") for t in titles), titles
    by_topic, by_label = plots.document_map(result).axes[:2]
    for ax in (by_topic, by_label):
        assert ax.get_xlabel().startswith("PC 1 (") and "of the variance" in ax.get_xlabel()
        assert ax.get_ylabel() == "PC 2 (no variance: the points lie on a line)"
    y = by_topic.collections[0].get_offsets()[:, 1]
    assert (y == 0).all()
