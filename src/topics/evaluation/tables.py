"""One table renderer: rows of cells as Markdown, as aligned plain text or as LaTeX.

Every table the package prints or writes (classifier CV, run headlines, comparisons) goes through
here, so that a cell is escaped (``|`` in Markdown) and numbers are formatted one way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["format_value", "latex_table", "markdown_table", "text_table"]


def format_value(value: Any, column: str = "") -> str:
    """A cell: ``-`` for missing or NaN, three decimals for floats, counts (``n_*``) as integers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if (
        column.rsplit(".", 1)[-1].startswith("n_")
        and isinstance(value, float)
        and value.is_integer()
    ):
        return str(int(value))  # counts (n_topics) stored as floats by the models
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def markdown_table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    """A pipe table; ``|`` inside a cell is escaped."""

    def line(cells: Sequence[Any]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), "| " + " | ".join("---" for _ in header) + " |", *map(line, rows)])


def text_table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    """Columns aligned with two spaces: the first left-aligned, the others right-aligned."""
    table = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
        for row in table
    )


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "±": r"$\pm$", "…": r"\ldots{}",
}


def _tex(text: Any) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def latex_table(
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    align: str | None = None,
    comments: Sequence[str] = (),
) -> str:
    """A booktabs ``tabular`` (needs ``\\usepackage{booktabs}``); cells are escaped.

    Parameters
    ----------
    header : sequence
        Column titles.
    rows : sequence of sequences
        The cells, already formatted (e.g. with :func:`format_value`).
    align : str, optional
        Column alignment (``"llrr"``); default: the first column left, the others right.
    comments : sequence of str
        Lines written above the table as LaTeX comments (``% ...``).

    Returns
    -------
    str
    """
    align = align or "l" + "r" * (len(header) - 1)
    lines = [f"% {line}" for line in comments]
    lines += [f"\\begin{{tabular}}{{{align}}}", "\\toprule",
              " & ".join(_tex(h) for h in header) + r" \\", "\\midrule"]
    lines += [" & ".join(_tex(c) for c in row) + r" \\" for row in rows]
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines)
