"""Every notebook executes (nbclient, a fresh kernel, the notebook's folder as working directory)
and shows its figures: a code cell tagged ``figure`` must have an ``image/png`` output, and no
cell may print a figure's text repr (``<Figure size 1280x480 with 8 Axes>``) instead of the image.

Tag a cell by adding ``"tags": ["figure"]`` to its metadata (JupyterLab: the cell's property
inspector, "Cell Tags").
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
FIGURE_TAG = "figure"
_FIGURE_REPR = re.compile(r"<(?:matplotlib\.figure\.)?Figure size [\d.]+x[\d.]+ with \d+ Axes>")


def missing_figures(notebook: nbformat.NotebookNode) -> list[str]:
    """What is wrong with the figures of an executed notebook (empty list: nothing)."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        images = [o for o in outputs if "image/png" in o.get("data", {})]
        texts = [o.get("data", {}).get("text/plain", "") for o in outputs]
        texts += [o.get("text", "") for o in outputs if o.get("output_type") == "stream"]
        tagged = FIGURE_TAG in cell.get("metadata", {}).get("tags", [])
        first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        if tagged and not images:
            problems.append(f"cell {index} ({first_line!r}) shows no image/png output")
        if not images and any(_FIGURE_REPR.search(t) for t in texts):
            problems.append(f"cell {index} ({first_line!r}) prints a figure's repr, not the figure")
    return problems


def test_notebooks_are_found() -> None:
    assert len(NOTEBOOKS) >= 4
    tagged = {p.name for p in NOTEBOOKS
              if any(FIGURE_TAG in c.get("metadata", {}).get("tags", [])
                     for c in nbformat.read(p, as_version=4).cells)}
    assert {"01_corpus.ipynb", "02_topic_models.ipynb", "04_compare_runs.ipynb"} <= tagged


def test_the_check_catches_a_missing_figure() -> None:
    cell = nbformat.v4.new_code_cell("plots.top_words(nmf)", metadata={"tags": [FIGURE_TAG]})
    cell.outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/plain": "<Figure size 1280x480 with 8 Axes>"},
        execution_count=1)]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert len(missing_figures(notebook)) == 2
    cell.outputs[0]["data"]["image/png"] = "iVBORw0KGgo="
    assert missing_figures(notebook) == []


def test_package_figures_display_as_png() -> None:
    from topics.evaluation.plots import new_figure

    figure = new_figure(2, 2)
    figure.add_subplot().plot([0, 1], [1, 0])
    assert figure._repr_png_().startswith(b"\x89PNG")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_shows_its_figures(path: Path) -> None:
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=900, kernel_name="python3", allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    assert missing_figures(notebook) == []
