"""report.html in a real browser: headless Chromium (Debian's ``chromium``) opens it offline.

Skipped, with the reason, only where no Chromium executable is found (``.ci/run`` installs
Debian's package; ``TOPICS_CHROMIUM`` points at another build).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from tests.chromium import find_chromium, open_page

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium executable (apt-get install chromium, or set TOPICS_CHROMIUM); "
        ".ci/run installs it",
    ),
]

PROBES = {
    "plots": "document.querySelectorAll('.js-plotly-plot').length",
    "figures": "document.querySelectorAll('div.figure').length",
    "points": "document.querySelectorAll('.scatterlayer .point').length",
    "heatmap_rows": "Array.from(document.querySelectorAll('.js-plotly-plot .ytick text'))"
    ".map(t => t.textContent)",
    "title": "document.title",
}


@pytest.fixture(scope="module")
def page(report_html: Path):
    return open_page(report_html, ready="window.topicsReportReady === true", evaluate=PROBES,
                     executable=CHROMIUM, timeout=90)


def test_report_opens_without_console_errors(page) -> None:
    assert page.ready, "the page never finished drawing its figures"
    assert page.errors == []
    assert page.failed_requests == []
    remote = [u for u in page.requests if not u.startswith(("file:", "data:", "about:", "blob:"))]
    assert remote == [], f"the report asked the network for {remote}"


def test_every_figure_is_drawn(page, report_html: Path) -> None:
    assert page.values["plots"] == page.values["figures"] == 4  # nmf + lda: map + heatmap each
    assert page.values["points"] > 0
    assert any("·" in row for row in page.values["heatmap_rows"])  # topic names as row labels
    assert "report" in page.values["title"]


def test_screenshot_is_not_blank(page, tmp_path: Path) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(page.screenshot)).convert("RGB")
    (tmp_path / "report.png").write_bytes(page.screenshot)
    pixels = np.asarray(image, dtype=float)
    assert image.size[0] >= 1000 and image.size[1] >= 800
    assert pixels.std() > 20, "the screenshot is (nearly) one colour"
    # a real page: dark text on white, and colour (the topic swatches and points)
    grey = pixels.mean(axis=2)
    assert (grey > 240).mean() > 0.4 and (grey < 100).mean() > 0.002
    saturation = pixels.max(axis=2) - pixels.min(axis=2)
    assert (saturation > 80).mean() > 0.001
