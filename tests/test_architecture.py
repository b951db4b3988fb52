"""The shape of the package: layers without cycles, small modules, light imports, one error base.

The layer contract lives in pyproject.toml ([tool.importlinter]); `lint-imports` prints it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "topics"
MAX_LINES = 500


def _run_python(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_contracts_are_kept() -> None:
    # in a subprocess: import-linter's logging.config.dictConfig would disable every logger that
    # already exists in this process (the run log of later tests would go silent)
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=SRC.parents[1])
    assert done.returncode == 0, f"broken import contract (run `lint-imports`):\n{done.stdout}"


def test_no_module_is_over_500_lines() -> None:
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in SRC.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


HEAVY = ("sklearn", "scipy", "pandas", "numba", "bertopic", "umap", "matplotlib")


def test_prediction_imports_nothing_heavy() -> None:
    loaded = _run_python(
        "import json, sys, topics\n"
        "clf = topics.load_classifier()\n"
        "labels = clf.predict(['Der Verteidigungsminister empfing eine Delegation aus Laos.'])\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    assert loaded == []


def test_analysis_needs_neither_scikit_learn_nor_the_word_libraries() -> None:
    """The German tables are package data: simplemma and split-words only rebuild them."""
    unwanted = (*HEAVY, "simplemma", "split_words")
    loaded = _run_python(
        "import json, sys, topics\n"
        "tokens = topics.analyse('Die Verteidigungszusammenarbeit wächst.')\n"
        "assert tokens\n"
        f"print(json.dumps([m for m in {unwanted!r} if m in sys.modules]))"
    )
    assert loaded == []


def test_import_topics_is_light() -> None:
    loaded = _run_python(
        "import json, sys, topics\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules "
        "if m.split('.')[0] in ('numpy', 'pydantic', 'yaml', *" + repr(HEAVY) + "))))"
    )
    assert loaded == []


def _raised_names(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            names.append(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def test_user_errors_are_value_or_os_errors() -> None:
    """The API raises the catalogue's subclasses, never the bare base class."""
    from topics import errors

    bare = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "TopicsError" in _raised_names(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert bare == set()
    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type) and cls is not errors.TopicsError:
            assert issubclass(cls, errors.TopicsError)
            assert issubclass(cls, (ValueError, OSError, RuntimeError)), name


@pytest.mark.parametrize("module", ["topics.text.german", "topics.text.cleaning", "topics.corpus"])
def test_text_layer_imports_no_scikit_learn(module: str) -> None:
    loaded = _run_python(
        f"import json, sys, importlib\nimportlib.import_module({module!r})\n"
        "print(json.dumps([m for m in ('sklearn', 'scipy', 'pandas') if m in sys.modules]))"
    )
    assert loaded == []


def test_every_module_is_in_the_readme_map() -> None:
    """README "How it is built" has one line per module: a new module gets its line."""
    import re

    readme = (SRC.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## How it is built"):readme.index("### Choices, and why")]
    listed = set()
    for row in re.findall(r"^\| (`[^|]*`) \|", section, re.M):
        names = re.findall(r"`([^`]+)`", row)
        package = names[0].rsplit("/", 1)[0] if "/" in names[0] else ""
        listed |= {n if "/" in n or not package else f"{package}/{n}" for n in names}
    modules = {str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
               # package __init__ files only re-export, but topic_models' holds fit_topic_model
               if p.name != "__init__.py" or p.parent.name == "topic_models"}
    assert sorted(modules - listed) == [], "add these modules to the README's map"
    assert sorted(listed - modules - {"__init__.py"}) == [], "the README names modules that are gone"
