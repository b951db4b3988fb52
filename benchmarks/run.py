"""Every benchmark in one run: ``make bench`` (``BENCH_QUICK=1 make bench`` for the quick mode).

    uv run python benchmarks/run.py [--quick] [--only startup,analysis,...] [--skip scale]

Runs each benchmark script in turn (its figures print as they come), then writes
``benchmarks/results/<date>[-quick].json`` (every figure, the machine, the date, the load average at
the start and the end) and a Markdown table next to it. ``benchmarks/speed_table.py`` turns the
committed results into the README's speed table. A benchmark that fails is recorded as failed and
the others still run. Parts that need the 10kGNAD sample skip it, or fall back to the shipped
corpus, with a note, when it is absent.

A full run is dominated by the topic models on 2,000 and 5,000 synthetic articles (each family
takes minutes of CPU at 2,000; ``bench_topic_models.py --corpus shipped`` leaves them out);
``--quick`` (shipped corpus for the topic models, no large classifier fit) about 5 minutes on a
quiet 2-core machine. ``topic_scale`` (our topic models from 1k to 100k units, issue 12) takes
about 40 minutes more (NMF 8, BERTopic 13, LDA 17 minutes on 2026-12-02, load average ~1.5; LDA
35 minutes when it also fits 100k articles) and
``topic_stream`` (the streamed NMF on 100k paragraphs and 100k articles) about 15 minutes of CPU;
``--skip topic_scale`` leaves it out, ``--only topic_scale`` runs it alone (its rows in the README
table then come from that run, the others from the newest full run of each);
``--only topic_scale --models nmf`` reruns one family
(about 8 minutes for NMF), whose rows then replace that family's only, ``--kinds paragraph`` one unit
kind (after a change to how a family fits paragraphs). A size is fitted when it
projects to at most ``--budget`` CPU-s (1,200: BERTopic on 100k articles and LDA on 100k paragraphs
run; LDA on 100k articles is projected from its 20k fit at ~1,050 CPU-s on an Intel Xeon and ~1,460
on an AMD EPYC, so it runs on the one and not the other: ``--budget 2000`` runs it everywhere, 1,089
CPU-s measured on the Xeon, 1,387 on the EPYC; the whole section took 63.5 minutes there on
2026-12-06).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import GNAD, GNAD_MISSING, RESULTS, machine, measures_this_checkout  # noqa: E402
from speed_table import render_markdown  # noqa: E402

# section -> (script, extra arguments): the order they run in
SECTIONS = {
    "startup": ("bench_startup.py", []),
    "analysis": ("bench_analysis.py", ["--skip", "scale"]),
    "classifier": ("bench_classifier.py", []),
    "topic_models": ("bench_topic_models.py", []),
    "scale": ("bench_scale.py", []),
    "topic_scale": ("bench_topic_scale.py", ["--stream-sizes"]),  # in memory only
    # the streamed NMF at the largest size (100k; quick: 2k) of both unit kinds
    "topic_stream": ("bench_topic_scale.py", ["--stream-only", "--kinds", "paragraph", "article",
                                              "--stream-kinds", "paragraph", "article"]),
    "duplicates": ("bench_duplicates.py", []),  # near-duplicate groups up to 100k texts
}


def run_section(name: str, quick: bool, models: list[str] | None = None,
                budget: float | None = None, kinds: list[str] | None = None) -> dict:
    script, extra = SECTIONS[name]
    if models and name == "topic_scale":
        extra = [*extra, "--models", *models]
    if kinds and name == "topic_scale":
        extra = [*extra, "--kinds", *kinds]
    if budget is not None and name == "topic_scale":
        extra = [*extra, "--budget", str(budget)]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"{name}.json"
        argv = [sys.executable, str(HERE / script), *extra, "--json", str(target)]
        if quick:
            argv.append("--quick")
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=HERE.parent)
        seconds = round(time.perf_counter() - start, 1)
        if done.returncode or not target.is_file():
            return {"error": f"{script} exited with status {done.returncode}", "seconds": seconds}
        figures = json.loads(target.read_text(encoding="utf-8"))
    figures["seconds"] = seconds
    return figures


def result_base(folder: Path, stamp: str, quick: bool) -> Path:
    """``folder/<stamp>[-quick]``, with ``-2``, ``-3`` ... when a run of the same minute is there
    (a second run in one minute overwrote the first, committed or not)."""
    name = f"{stamp}{'-quick' if quick else ''}"
    base, n = folder / name, 1
    while base.with_suffix(".json").exists() or base.with_suffix(".md").exists():
        n += 1
        base = folder / f"{name}-{n}"
    return base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller sizes (~5 min)")
    parser.add_argument("--only", default="", help=f"comma list of {', '.join(SECTIONS)}")
    parser.add_argument("--skip", default="", help="comma list of sections to leave out")
    parser.add_argument("--models", nargs="+", choices=("bertopic", "lda", "nmf"),
                        help="topic_scale: only these families (all)")
    parser.add_argument("--kinds", nargs="+", choices=("article", "paragraph"),
                        help="topic_scale: only these unit kinds (both)")
    parser.add_argument("--budget", type=float,
                        help="topic_scale: CPU seconds a fit may be projected to take (1200)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder (%(default)s)")
    args = parser.parse_args(argv)
    only = [s for s in args.only.split(",") if s] or list(SECTIONS)
    skip = {s for s in args.skip.split(",") if s}
    unknown = (set(only) | skip) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    results: dict = {"machine": machine(), "quick": args.quick, "sections": {}}
    info = results["machine"]
    print(f"# benchmarks {info['date']}: {info['cpu']}, {info['cores']} cores, load average "
          f"{info['load_average']}, Python {info['python']}, topics {info['packages'].get('topics')}"
          f"{' (quick)' if args.quick else ''}")
    if not measures_this_checkout(info["topics_source"]):
        print(f"warning: topics is imported from {info['topics_source'] or 'nowhere'}, not from "
              f"{HERE.parent / 'src'}: the figures are of that code, the commit recorded "
              f"({info['git']['commit']}) is this checkout's (set PYTHONPATH={HERE.parent / 'src'})",
              file=sys.stderr)
    if not GNAD.is_file():
        print(GNAD_MISSING)
    start = time.perf_counter()
    for name in only:
        if name in skip:
            continue
        print(f"\n## {name}", flush=True)
        results["sections"][name] = run_section(name, args.quick, args.models, args.budget,
                                                 args.kinds)
    results["load_average_end"] = [round(x, 2) for x in __import__("os").getloadavg()]
    results["seconds"] = round(time.perf_counter() - start, 1)
    stamp = info["date"].replace(":", "")
    args.out.mkdir(parents=True, exist_ok=True)
    base = result_base(args.out, stamp, args.quick)
    base.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    markdown = render_markdown(results)
    base.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(f"\n{markdown}\nwrote {base}.json and .md in {results['seconds'] / 60:.1f} min; "
          "README table: uv run python benchmarks/speed_table.py")
    failed = [n for n, f in results["sections"].items() if "error" in f]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
