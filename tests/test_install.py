"""The package as a user gets it: a wheel installed into a fresh environment, used from elsewhere.

Proves that the shipped corpus and the shipped classifier are package data (no source checkout
needed) and that the default install keeps torch and sentence-transformers out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

SNIPPET = """
import importlib.util, json, topics
from topics import load_classifier
corpus = topics.load_corpus()
labels = load_classifier().predict([corpus[2].text, "Das Wetter war heute sonnig und warm."])
print(json.dumps({"n": len(corpus), "fingerprint": corpus.fingerprint, "labels": labels,
                  "torch": importlib.util.find_spec("torch") is not None}))
"""


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.skip(
            "uv is not available to build and install the wheel (run the tests with `uv run`)"
        )
    work = tmp_path_factory.mktemp("install")
    subprocess.run(
        [uv, "build", "--wheel", "-o", str(work), str(REPO)], check=True, capture_output=True
    )
    wheel = next(work.glob("topics-*.whl"))
    subprocess.run([uv, "venv", "-q", "-p", sys.executable, str(work / "venv")], check=True)
    python = work / "venv" / "bin" / "python"
    overrides = work / "overrides.txt"
    overrides.write_text('sentence-transformers; sys_platform == "never"\n')
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            str(python),
            "--override",
            str(overrides),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return python


def test_installed_wheel_works_from_any_directory(installed_python: Path, tmp_path: Path) -> None:
    import json

    from topics import load_corpus

    out = subprocess.run(
        [str(installed_python), "-c", SNIPPET],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["n"] == 217 and result["fingerprint"] == load_corpus().fingerprint
    assert "defence_cooperation" in result["labels"][0]
    assert result["labels"][1] == []
    assert result["torch"] is False
