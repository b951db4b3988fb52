"""Rebuild the committed reference results: run every reference config, copy each run (without
its fitted models) to ``experiments/results/<config>/`` and write ``experiments/results/README.md``.

    uv run python experiments/make_results.py                 # all reference configs
    uv run python experiments/make_results.py vietnam 10kgnad # some of them

Configs that need the 10kGNAD sample are skipped, with a note, when it is absent. A rerun of one
config can be compared with its reference: ``topics compare experiments/results/vietnam <run>``.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import topics
from topics.experiments.runner import run_experiment
from topics.experiments.store import copy_run, load_run

HERE = Path(__file__).resolve().parent
CONFIGS = HERE / "configs"
RESULTS = HERE / "results"
RUNS = HERE / "runs"
REFERENCE = ["vietnam", "classifier_peers", "topic_peers", "10kgnad", "topic_peers_10kgnad"]
# results/classifier_peers/ and results/topic_peers/ also hold the peer tables of the classifier and
# topic-model benchmark scripts; the experiment runs go into a subfolder next to them
DEST = {"classifier_peers": "classifier_peers/experiment", "topic_peers": "topic_peers/experiment"}
NEEDS_10KGNAD = {"10kgnad", "topic_peers_10kgnad"}


def gnad_available() -> bool:
    default = HERE.parent.parent / "shared" / "data" / "10kgnad" / "articles.csv"
    return Path(os.environ.get("TOPICS_10KGNAD", default)).is_file()


def build(name: str) -> Path:
    """Run one reference config and copy it to results/<name>/."""
    start = time.perf_counter()
    run = run_experiment(CONFIGS / f"{name}.yaml", runs_dir=RUNS)
    print(f"{name}: {time.perf_counter() - start:.0f} s -> {run.path}", file=sys.stderr)
    return copy_run(run.path, RESULTS / DEST.get(name, name), replace=True)


def readme() -> str:
    """results/README.md: the headline tables of every reference result."""
    lines = [
        "# Reference results",
        "",
        "Made by `uv run python experiments/make_results.py` (each config run with "
        "`topics run experiments/configs/<name>.yaml`, copied here without fitted models).",
        "Compare a rerun: `topics compare experiments/results/<name> experiments/runs/<run>`.",
        "Metric keys: see `experiments/README.md`.",
        "",
    ]
    for name in REFERENCE:
        path = RESULTS / DEST.get(name, name)
        if not (path / "run.json").is_file():
            lines += [f"## {name}", "", "(not built: its data was not available)", ""]
            continue
        run = load_run(path)
        env = run.environment
        commit = (env.get("git") or {}).get("commit") or "unknown"
        dirty = " (uncommitted changes)" if (env.get("git") or {}).get("dirty") else ""
        lines += [
            f"## {name}",
            "",
            f"`experiments/results/{DEST.get(name, name)}/`: "
            f"{run.resolved.get('description') or ''}  ",
            f"`topics run experiments/configs/{name}.yaml` — {run.info.get('corpus', '')}; "
            f"{run.info.get('seconds', '?')} s on {env.get('cpu_count')} cores; "
            f"topics {env.get('topics_version')}, commit {commit[:10]}{dirty}.",
            "",
            run.headline_markdown(),
            "",
        ]
    return "\n".join(lines)


def main(names: list[str]) -> None:
    logging.getLogger("topics").setLevel(logging.INFO)
    logging.getLogger("topics").addHandler(logging.StreamHandler(sys.stderr))
    RESULTS.mkdir(exist_ok=True)
    for name in names or REFERENCE:
        if name in NEEDS_10KGNAD and not gnad_available():
            print(f"{name}: skipped, the 10kGNAD sample is not available", file=sys.stderr)
            continue
        build(name)
    (RESULTS / "README.md").write_text(readme(), encoding="utf-8")
    print(f"wrote {RESULTS / 'README.md'} (topics {topics.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
