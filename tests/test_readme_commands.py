"""The commands of README.md and experiments/README.md work as written.

Every fenced code block of the two READMEs is read: ``bash`` blocks as shell commands (one a line,
``# ...`` comments dropped), ``python`` blocks as scripts. In a scratch copy of the repository
(tracked files; ``.venv`` and ``.tools`` linked, ``PYTHONPATH`` on the copy's ``src``, so nothing
is written into this checkout) the commands run in README order, each once, through bash, and
must exit 0; the Python blocks run with the environment's Python. Every ``topics …`` command is
also parsed by the real argument parser (the fast test below).

A few commands are not run as written; :data:`NOT_RUN` says why, and what is checked instead. The
placeholder ``<run>`` becomes a run made by the sweep of the READMEs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
READMES = ("README.md", "experiments/README.md")
TOPICS = ".venv/bin/topics"
# the main job of the Python block, made small: the full one is `make run` (CI runs it)
QUICK = ('overrides=["corpus.limit=24", "topic_models={nmf: {model: nmf}}", '
         '"classifier.evaluation.n_splits=2", "classifier.evaluation.peers=false"]')

# command (a regex over the line) -> (what runs instead, or None for nothing; why)
NOT_RUN: dict[str, tuple[str | None, str]] = {
    r"^make (run|test|lab)$": (
        None, "make run and make test are what CI runs (.ci/run); make lab: tests/test_lab.py"),
    r"^python3 -m venv \.tools && \.tools/bin/pip install uv==": (
        None, "downloads uv from PyPI; test_non_make_route_starts_on_this_python makes the venv"),
    r"^\.tools/bin/uv (sync|run|pip)": (
        None, "would sync .venv (linked to this checkout's) to the scratch copy; make does the same "
        "(make sync, make run, make test)"),
    r"^(BENCH_QUICK=1 )?make bench$": (
        None, "minutes of CPU: the benchmarks (benchmarks/run.py); test_benchmarks_exist checks them"),
    r"^\.venv/bin/mlflow ui ": (
        None, "serves until stopped: test_mlflow_ui_serves starts it on a free port and asks it for "
        "its page"),
    r"^\.venv/bin/pytest": (None, "this test suite"),
    r"^\.venv/bin/python benchmarks/": (
        None, "minutes of CPU (make bench); test_benchmarks_exist checks the scripts are there"),
    r"^\.venv/bin/topics run experiments/configs/vietnam\.yaml(?! --dry-run)": (
        "{command} --dry-run", "the main job (minutes): make run in CI runs it in full; here the "
        "config and its overrides are validated against the corpus"),
    r"^\.venv/bin/topics classify .*--model models/mine\.safetensors": (
        "{command} --help", "classifies with the model the labelling loop trains (not trained "
        "here: minutes); tests/test_classify_batch.py walks the loop with a small model"),
    r"^\.venv/bin/topics assign ": (
        "{command} --help", "needs a run with saved models (the sweep's runs save none); "
        "tests/test_model_files.py runs topics assign on a saved model"),
    r"^\.venv/bin/topics train-classifier": (
        "{command} --help", "retrains the shipped model (minutes); "
        "test_classifier_persistence.py retrains it and checks the predictions"),
}


def _blocks(name: str) -> list[tuple[str, str]]:
    text = (REPO / name).read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in re.finditer(r"```(\w*)\n(.*?)```", text, re.S)]


def _commands() -> list[tuple[str, str]]:
    """(README, command) of every bash block line, comments dropped, first occurrence only."""
    seen, out = set(), []
    for name in READMES:
        for language, body in _blocks(name):
            if language != "bash":
                continue
            for line in body.splitlines():
                command = re.sub(r"\s+#\s.*$", "", line).strip()
                if command and not command.startswith("#") and command not in seen:
                    seen.add(command)
                    out.append((name, command))
    return out


def _python_blocks() -> list[tuple[str, str]]:
    return [(name, body) for name in READMES for language, body in _blocks(name)
            if language == "python"]


def _plan(command: str) -> tuple[str | None, str]:
    """What to run for a README command, and why if that is not the command itself."""
    for pattern, (instead, why) in NOT_RUN.items():
        if re.search(pattern, command):
            return (None if instead is None else instead.format(command=command)), why
    return command, ""


def _topics_arguments(command: str) -> list[list[str]]:
    """The argument lists of the ``topics`` calls in a command line (pipes and ``&&`` split)."""
    # a quoted operator ("--label-separator '|'") is an argument: hidden from the lexer's split
    quoted = {f"QUOTED{i}": m for i, m in enumerate(re.findall(r"'([|;&]+)'", command))}
    for name, operator in quoted.items():
        command = command.replace(f"'{operator}'", name, 1)
    lexer = shlex.shlex(command.replace("<run>", "RUN"), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    parts: list[list[str]] = [[]]
    for token in lexer:
        if token in ("|", "||", "&&", ";", "&"):
            parts.append([])
        else:
            parts[-1].append(quoted.get(token, token))
    calls = []
    for words in parts:
        if words and words[0] in (TOPICS, "topics"):
            calls.append(words[1:])
        elif words and words[0].endswith("/uv") and "topics" in words:
            calls.append(words[words.index("topics") + 1:])
    return calls


def test_readmes_have_commands_and_every_topics_command_parses() -> None:
    from topics.cli import build_parser

    commands = _commands()
    assert len(commands) > 20 and _python_blocks()
    calls = [args for _, command in commands for args in _topics_arguments(command)]
    shown = {args[0] for args in calls}
    assert {"run", "sweep", "compare", "report", "reproduce", "init-config", "classify",
            "train-classifier"} <= shown
    parser = build_parser()
    for args in calls:
        parser.parse_args(args)  # SystemExit (argparse's error) fails the test with the usage


def test_not_run_list_is_used() -> None:
    """Every NOT_RUN entry matches a command (no stale excuses)."""
    commands = [command for _, command in _commands()]
    for pattern in NOT_RUN:
        assert any(re.search(pattern, c) for c in commands), f"no README command matches {pattern}"


def test_mlflow_extra_brings_the_server() -> None:
    """``mlflow ui`` needs MLflow's server (flask, flask-cors, huey …), which mlflow-skinny lacks:
    the extra and the dev group (the locked environment) must resolve to the full mlflow."""
    import tomllib

    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    packages = {p["name"]: p for p in lock["package"]}
    topics = packages["topics"]
    assert "mlflow" in {d["name"] for d in topics["optional-dependencies"]["mlflow"]}
    assert "mlflow" in {d["name"] for d in topics["dev-dependencies"]["dev"]}
    needs = {d["name"] for d in packages["mlflow"]["dependencies"]}
    assert {"flask", "flask-cors", "huey", "alembic", "sqlalchemy"} <= needs


def test_benchmarks_exist() -> None:
    for _, command in _commands():
        if command.startswith(".venv/bin/python benchmarks/"):
            assert (REPO / command.split()[1]).is_file(), command


@pytest.mark.slow
def test_non_make_route_starts_on_this_python(tmp_path: Path) -> None:
    """``python3 -m venv .tools`` works here (Debian's Python refuses pip outside a venv) and its
    pip runs; installing uv with it needs the network and is left to people and make."""
    python3 = shutil.which("python3")
    if python3 is None:
        pytest.skip("no python3 on PATH")
    subprocess.run([python3, "-m", "venv", str(tmp_path / ".tools")], check=True, timeout=300)
    done = subprocess.run([str(tmp_path / ".tools/bin/pip"), "--version"], capture_output=True,
                          text=True, timeout=120, check=True)
    assert "pip" in done.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "mlflow").exists(), reason="no .venv/bin/mlflow")
def test_mlflow_ui_serves(tmp_path: Path) -> None:
    """The README's ``mlflow ui`` command, on a free loopback port with one worker, serves its page
    (it failed before: flask was missing)."""
    import signal
    import time
    import urllib.request

    (command,) = [c for _, c in _commands() if c.startswith(".venv/bin/mlflow ui ")]
    root = _scratch(tmp_path)
    (root / "experiments/runs").mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = (tmp_path / "mlflow.log").open("w")
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command} --host 127.0.0.1 --port {port} --workers 1"], cwd=root,
        env=_environment(root), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("mlflow ui did not serve: "
                                + (tmp_path / "mlflow.log").read_text()[-3000:])
                time.sleep(1)
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):  # the process group this test started
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=30)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def _scratch(tmp_path: Path) -> Path:
    """A copy of the tracked files, with the environment linked and ../shared reachable."""
    root = tmp_path / "repo"
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    (root / ".venv").symlink_to(REPO / ".venv")
    if (REPO / ".tools").exists():
        (root / ".tools").symlink_to(REPO / ".tools")
    if (REPO.parent / "shared").exists():
        (tmp_path / "shared").symlink_to((REPO.parent / "shared").resolve())
    return root


def _environment(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root / "src"), "TOPICS_PROGRESS": "0",
            "MPLBACKEND": "Agg"}


@pytest.mark.slow
@pytest.mark.skipif(not (REPO / ".venv" / "bin" / "topics").exists(),
                    reason="no .venv/bin/topics: the README's commands assume the quick start")
def test_readme_commands_run_as_written(tmp_path: Path) -> None:
    root = _scratch(tmp_path)
    env = _environment(root)
    failures, run_name = [], None
    for readme, command in _commands():
        todo, _why = _plan(command)
        if todo is None:
            continue
        if "<run>" in todo:
            if run_name is None:
                failures.append(f"{readme}: {command}: no run made before it")
                continue
            todo = todo.replace("<run>", run_name)
        done = subprocess.run(["bash", "-o", "pipefail", "-c", todo], cwd=root, env=env,
                              capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            failures.append(f"{readme}: {todo}\n  exit {done.returncode}: {done.stderr[-1500:]}")
        if run_name is None:
            made = sorted(p for p in (root / "experiments/runs").glob("*_*") if p.is_dir()
                          and not p.name.endswith(".partial")) if (root / "experiments/runs").is_dir() else []
            run_name = made[0].name if made else None
    assert failures == [], "\n".join(failures)
    assert run_name is not None and (root / "experiments/runs" / run_name / "report.html").is_file()
    assert (root / "my_experiment.yaml").is_file() and (root / "compare.png").is_file()
    assert (root / "grid.svg").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_python_blocks_run(index: int, tmp_path: Path) -> None:
    readme, code = _python_blocks()[index]
    if "10kgnad" in code and not (REPO.parent / "shared/data/10kgnad/articles.csv").is_file():
        pytest.skip("the 10kGNAD sample is not at ../shared/data/10kgnad (see README, Corpora)")
    root = _scratch(tmp_path)
    main_job = 'topics.run_experiment("experiments/configs/vietnam.yaml")'
    code = code.replace(main_job, main_job[:-1] + f", {QUICK})")  # the main job, small (see QUICK)
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=_environment(root),
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"{readme}, block {index}:\n{code}\n{done.stderr[-3000:]}"
