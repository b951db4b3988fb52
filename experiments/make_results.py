"""Rebuild the committed reference results, and the tables that quote them.

    uv run python experiments/make_results.py                 # all reference configs
    uv run python experiments/make_results.py vietnam 10kgnad # some of them
    uv run python experiments/make_results.py --tables        # only README tables from results

Each reference config is run with ``topics run experiments/configs/<name>.yaml``, copied (without
fitted models) to ``experiments/results/<name>/``; then ``experiments/results/README.md`` and the
headline section of the repository's ``README.md`` are written from the committed results. The
results must come from committed code: a working tree with uncommitted changes is refused. Configs
that need the 10kGNAD sample are skipped, with a note, when it is absent.
``tests/test_reference_results.py`` checks that the tables match the results and (slow tier) that
every reference config still gives its committed ``metrics.json``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import topics
from topics.experiments.runner import run_experiment
from topics.experiments.store import copy_run, load_run

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CONFIGS = HERE / "configs"
RESULTS = HERE / "results"
RUNS = HERE / "runs"
README = REPO / "README.md"
REFERENCE = ["vietnam", "classifier_peers", "topic_peers", "10kgnad", "topic_peers_10kgnad"]
NEEDS_10KGNAD = {"10kgnad", "topic_peers_10kgnad"}
BEGIN, END = "<!-- headline results: begin -->", "<!-- headline results: end -->"


def gnad_available() -> bool:
    default = REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv"
    return Path(os.environ.get("TOPICS_10KGNAD", default)).is_file()


def result_path(name: str) -> Path:
    """Where the committed reference result of config ``name`` lives."""
    return RESULTS / name


def uncommitted_changes() -> str:
    """``git status --porcelain`` of tracked files (empty when the tree is clean)."""
    done = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else "(not a git checkout)"


def build(name: str) -> Path:
    """Run one reference config (into ``experiments/runs/``, which git ignores); its run folder."""
    start = time.perf_counter()
    run = run_experiment(CONFIGS / f"{name}.yaml", runs_dir=RUNS)
    print(f"{name}: {time.perf_counter() - start:.0f} s -> {run.path}", file=sys.stderr)
    return run.path


def results_readme() -> str:
    """``experiments/results/README.md``: the headline tables of every reference result."""
    lines = [
        "# Reference results",
        "",
        "Made by `uv run python experiments/make_results.py` from a clean checkout (each config run "
        "with `topics run experiments/configs/<name>.yaml`, copied here without fitted models).",
        "Check a rerun: `topics reproduce experiments/results/<name>`; compare: "
        "`topics compare experiments/results/<name> experiments/runs/<run>`.",
        "Metric keys: see `experiments/README.md`.",
        "",
    ]
    for name in REFERENCE:
        path = result_path(name)
        if not (path / "run.json").is_file():
            lines += [f"## {name}", "", "(not built: its data was not available)", ""]
            continue
        run = load_run(path)
        env = run.environment
        git = env.get("git") or {}
        dirty = " (uncommitted changes)" if git.get("dirty") else ""
        cpu = (env.get("cpu") or {}).get("model") or env.get("machine")
        lines += [
            f"## {name}",
            "",
            f"`experiments/results/{name}/`: "
            f"{run.resolved.get('description') or ''}  ",
            f"`topics run experiments/configs/{name}.yaml` — {run.info.get('corpus', '')}; "
            f"{run.info.get('seconds', '?')} s on {env.get('cpu_count')} cores ({cpu}); "
            f"topics {env.get('topics_version')}, commit {(git.get('commit') or 'unknown')[:10]}"
            f"{dirty}.",
            "",
            run.headline_markdown(),
            "",
        ]
    return "\n".join(lines)


def headline_section() -> str:
    """The README's headline tables, from the committed result of the main job."""
    run = load_run(result_path("vietnam"))
    return "\n".join([BEGIN, run.headline_markdown(), END])


def readme_with_headlines(text: str) -> str:
    """``text`` (README.md) with its headline section replaced by :func:`headline_section`."""
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{README}: the markers {BEGIN} ... {END} are missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + headline_section() + tail


def write_tables() -> None:
    """Write results/README.md and the README's headline section from the committed results."""
    (RESULTS / "README.md").write_text(results_readme(), encoding="utf-8")
    README.write_text(readme_with_headlines(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {RESULTS / 'README.md'} and the headline section of {README}", file=sys.stderr)


def main(args: list[str]) -> int:
    logging.getLogger("topics").setLevel(logging.INFO)
    logging.getLogger("topics").addHandler(logging.StreamHandler(sys.stderr))
    if args == ["--tables"]:
        write_tables()
        return 0
    changes = uncommitted_changes()
    if changes:
        print(
            "make_results: refusing to make reference results from a working tree with "
            f"uncommitted changes (they would not match any commit):\n{changes}\n"
            "Commit or stash them, then run again.",
            file=sys.stderr,
        )
        return 2
    RESULTS.mkdir(exist_ok=True)
    made = {}
    for name in args or REFERENCE:
        if name in NEEDS_10KGNAD and not gnad_available():
            print(f"{name}: skipped, the 10kGNAD sample is not available", file=sys.stderr)
            continue
        made[name] = build(name)
    # copied only once every run is done: a copy changes tracked files, and every later run would
    # record the tree as dirty (environment.json)
    for name, path in made.items():
        copy_run(path, result_path(name), replace=True)
    write_tables()
    print(f"topics {topics.__version__}: commit the results and the README", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
