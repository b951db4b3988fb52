"""Topic models at scale (issue 12): our BERTopic, LDA and NMF from 1k to 100k units, cost and quality.

    uv run python benchmarks/bench_topic_scale.py                 # the full section (~40 min, 2 cores)
    uv run python benchmarks/bench_topic_scale.py --quick         # 1k and 2k units, no peers (~3 min)
    uv run python benchmarks/bench_topic_scale.py --models nmf --kinds paragraph --sizes 1000 5000
    uv run python benchmarks/bench_topic_scale.py --models lda --kinds paragraph \
        --sizes 5000 10000 20000 --peer-sizes --stream-sizes --k 13   # growth at fixed k

Units: perturbed copies of the 10kGNAD sample (721 articles, 9 classes; a copy keeps its source's
class): sentence order shuffled, 10 % of the sentences dropped (``topics.corpus.synthetic``). Each
source article is copied once before any is copied twice, so up to 721 articles the units are
distinct articles; beyond, they are copies. Two unit kinds: articles, and paragraphs (the sample
has no paragraph breaks: paragraphs of 3 sentences, ~7.7 per article, as in the shipped corpus).
The sample is taken as a run takes it, without its paragraphs repeated word for word in 5 or more
articles (``drop_repeated_paragraphs``: a legal disclaimer in 10 articles, which the copies spread;
since 2026-12-06).

For every (family, unit kind, size) one fresh subprocess: build the units, one warm-up fit on 300 of
them (imports and numba's JIT paid there; the German analysis caches emptied after it, so that the
measured fit analyses all its units: before 2026-12-06 the warm-up's 300 came from the cache,
which left up to 30 % of the analysis out at 1k units), then the fit measured through the public API
``topics.fit_topic_model(units, model, unit, seed=0)`` with its evaluation (C_v left out: by far the
slowest metric, not asked here). Figures: fit CPU seconds (``time.process_time``, every thread;
evaluation excluded), fit wall seconds, CPU seconds of the whole subprocess (getrusage), peak RSS
(the subprocess's VmHWM: units, warm-up, fit and evaluation), number of topics, NPMI, diversity, NMI
against the 9 classes (outliers as one cluster), largest-topic share, outlier share. Growth: the
exponent log(CPU ratio) / log(n ratio) between successive sizes and the log-log slope from 5k up,
next to the exponent n log n would give over the same sizes, and the numbers of topics over them.
Each family's auto number of topics grows as sqrt(articles) up to 30, and LDA's Gibbs sampling
(O(tokens x k) a sweep) and NMF's coordinate descent (O(nnz k + (units + words) k^2) an iteration)
grow with it: ``--k 13`` measures the growth at a fixed k (LDA on 5k-20k paragraphs, 2026-12-02:
exponent 1.07 at k = 13, against 1.52 with the auto k 13 -> 26).

A size is skipped, and says so, when the family's previous size projects (n log n from there) past
``--budget`` CPU seconds: a full fit that cannot finish in ``make bench`` on 2 cores. At 100k units
the streamed NMF (``topics.fit_streaming_nmf``, k = 30 = the in-memory default at that size; the
articles written to JSON Lines first, untimed; since 2026-12-07T16:55Z with their paragraphs
as the units, so that a paragraph is read in its article's context as in memory, where before every
paragraph was written as an article of its own) is measured instead, for a unit kind where one of
our families could not be fitted in memory at that size; its metrics are computed on every unit
in its third read (before 2026-12-02T10Z: on an evenly spread sample of 2,000 units, which
underrated NPMI). ``--stream-only`` measures the streamed NMF alone at ``--stream-sizes``.
``--stream-context-weight none`` fits it with each paragraph read alone (the topics are the
same; only the assignments and what is scored of them move). By default only on paragraphs
(``--stream-kinds``): 100k paragraphs (~13k articles' text) took 900 CPU-s streamed on
2026-12-02 with the BLAS default of threads (the fit is pinned to one thread since), so 100k
articles (~7.7x the text) were left out of ``make bench``. The peers ``bertopic_default`` and
``lda_default`` run at the sizes in ``--peer-sizes`` (1k and 5k) on the same units, as ratios
ours/peer.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    GNAD,
    GNAD_MISSING,
    GNAD_OPTIONS,
    PEAK_MB,
    TIMED_EVALUATE,
    child_cpu,
    last_json,
    write_json,
)

REPO = Path(__file__).resolve().parents[1]
MODELS = ["bertopic", "lda", "nmf"]
PEERS = {"bertopic": "bertopic_default", "lda": "lda_default"}
KINDS = ["paragraph", "article"]
SIZES = [1000, 5000, 10000, 20000, 100000]
PEER_SIZES = [1000, 5000]
QUICK_SIZES = [1000, 2000]
STREAM_K = 30
STREAM_KINDS = ["paragraph"]
METRICS = ("npmi", "diversity", "nmi", "nmi_article", "largest_topic_share", "outlier_share")

_UNITS = f"GNAD_OPTIONS = {GNAD_OPTIONS!r}\n" + r"""
import topics
from topics.corpus.synthetic import synthetic_units
def make_units(gnad, n, unit):
    source = list(topics.load_corpus(gnad, **GNAD_OPTIONS).drop_repeated_paragraphs())
    return synthetic_units(source, n, unit=unit, seed=0)
"""

_FIT = PEAK_MB + _UNITS + TIMED_EVALUATE + r"""
import functools, json, logging, sys, time, warnings
warnings.filterwarnings("ignore"); logging.getLogger("BERTopic").setLevel(logging.ERROR)
model, unit, n, gnad = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fixed = {"k": int(sys.argv[5])} if len(sys.argv) > 5 else {}
tm.evaluate_topics = timed(functools.partial(tm.evaluate_topics, c_v=False))
c0 = time.process_time()
units = make_units(gnad, n, unit)
c1 = time.process_time()
topics.fit_topic_model(units[:300], model, unit, seed=0, verbose=False)
from topics.text import german
german.clear_caches()  # the measured fit analyses every unit, the warm-up's 300 too
c2 = time.process_time()
result = topics.fit_topic_model(units, model, unit, seed=0, verbose=False, **fixed)
fit_cpu = time.process_time() - c2 - evaluation[-1]
m = result.metrics
print(json.dumps({"units_cpu_s": c1 - c0, "warmup_cpu_s": c2 - c1, "fit_cpu_s": fit_cpu,
                  "fit_wall_s": m["fit_seconds"],
                  "evaluate_cpu_s": evaluation[-1], "peak_mb": peak_mb(),
                  "articles": len({u.article_id for u in units}), "topics": result.n_topics,
                  **{k: m.get(k) for k in """ + repr(METRICS) + r"""}}))
"""

_WRITE = _UNITS + r"""
import itertools, sys
from topics.corpus.records import Article
from topics.corpus.synthetic import write_jsonl
unit, n, gnad, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
# paragraphs as their articles (blank lines between): read back as the same units, in context
articles = itertools.groupby(make_units(gnad, n, unit), key=lambda u: u.article_id)
write_jsonl((Article(a, "\n\n".join(u.text for u in us), us[0].labels)
             for a, us in ((a, list(us)) for a, us in articles)), out)
"""

_STREAM = PEAK_MB + r"""
import json, sys, time
import topics
path, unit, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = None if sys.argv[4] == "none" else float(sys.argv[4])
c, w = time.process_time(), time.perf_counter()
result = topics.fit_streaming_nmf(path, k, unit=unit, seed=0, context_weight=context)
m = result.metrics
print(json.dumps({"fit_cpu_s": time.process_time() - c, "fit_wall_s": time.perf_counter() - w,
                  "evaluate_cpu_s": None, "peak_mb": peak_mb(), "topics": int(m["n_topics"]),
                  "sample_units": m.get("sample_units"), "scored_units": m.get("n_units"),
                  "scored_all": result.settings["score_all"],
                  **{k: m.get(k) for k in """ + repr(METRICS) + r"""}}))
"""


def growth_exponent(n1: float, cpu1: float, n2: float, cpu2: float) -> float:
    """The exponent b of cpu ~ n^b between two sizes: log(cpu ratio) / log(n ratio)."""
    return math.log(cpu2 / cpu1) / math.log(n2 / n1)


def nlogn_exponent(n1: float, n2: float) -> float:
    """The exponent n log n shows between two sizes (a little above 1)."""
    return growth_exponent(n1, n1 * math.log(n1), n2, n2 * math.log(n2))


def slope(sizes: list[float], cpus: list[float]) -> float:
    """Least-squares slope of log cpu on log n: the growth exponent over several sizes."""
    xs, ys = [math.log(n) for n in sizes], [math.log(c) for c in cpus]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)


def projected_cpu(n1: float, cpu1: float, n2: float) -> float:
    """CPU seconds at ``n2`` if the fit grows as n log n from ``(n1, cpu1)``."""
    return cpu1 * (n2 * math.log(n2)) / (n1 * math.log(n1))


def fit_row(model: str, kind: str, n: int, timeout: float, k: int | None = None) -> dict:
    """One in-memory fit in a fresh subprocess (``k`` topics, or the family's auto): its figures,
    or an error."""
    row: dict = {"model": model, "unit": kind, "units": n, "route": "in memory"}
    if k is not None:
        row["k_fixed"] = k
    try:
        cpu, wall, out = child_cpu([sys.executable, "-c", _FIT, model, kind, str(n), str(GNAD),
                                    *([str(k)] if k is not None else [])],
                                   cwd=REPO, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - a failed or timed-out fit is a figure too
        return {**row, "error": error_text(error)}
    return {**row, "process_cpu_s": cpu, "process_wall_s": wall, **last_json(out)}


def error_text(error: Exception) -> str:
    """A failed child in one short line: timed out, or the last line of its stderr."""
    if isinstance(error, subprocess.TimeoutExpired):
        return f"timed out after {error.timeout:,.0f} s wall"
    lines = [line for line in str(error).splitlines()[1:] if line.strip()]
    return lines[-1][:300] if lines else "exited without a message (killed?)"


def stream_row(kind: str, n: int, folder: Path, timeout: float, context: str = "0.3") -> dict:
    """The streamed NMF on ``n`` units written to JSON Lines (writing untimed); ``context``: its
    ``context_weight`` (a number or "none")."""
    row: dict = {"model": "nmf", "unit": kind, "units": n, "route": "streamed",
                 "k": STREAM_K, "context_weight": context}
    path = folder / f"{kind}-{n}.jsonl"
    try:
        child_cpu([sys.executable, "-c", _WRITE, kind, str(n), str(GNAD), str(path)], cwd=REPO,
                  timeout=timeout)
        cpu, wall, out = child_cpu([sys.executable, "-c", _STREAM, str(path), kind,
                                    str(STREAM_K), context], cwd=REPO, timeout=timeout)
    except Exception as error:  # noqa: BLE001
        return {**row, "error": error_text(error)}
    finally:
        path.unlink(missing_ok=True)
    return {**row, "process_cpu_s": cpu, "process_wall_s": wall, **last_json(out)}


def skip_reason(done: list[dict], n: int, budget: float) -> str | None:
    """Why a size is not fitted: the previous one failed, or projects past the budget."""
    if not done:
        return None
    last = done[-1]
    if "fit_cpu_s" not in last:
        return f"skipped: the fit at {last['units']:,} did not finish"
    projected = projected_cpu(last["units"], last["fit_cpu_s"], n)
    if projected > budget:
        return (f"skipped: projected {projected:,.0f} CPU-s (n log n from {last['units']:,}) > "
                f"budget {budget:,.0f}")
    return None


def streamed_sizes(rows: list[dict], kind: str, sizes: list[int]) -> list[int]:
    """The sizes of ``sizes`` at which one of our families could not fit in memory."""
    missing = {r["units"] for r in rows if r["unit"] == kind and r["model"] in MODELS
               and "fit_cpu_s" not in r}
    return [n for n in sizes if n in missing]


def print_row(row: dict) -> None:
    head = f"{row['model']:17} {row['unit']:9} {row['units']:7,} {row['route'][:9]:9}"
    if "fit_cpu_s" not in row:
        print(f"{head} {row.get('error') or row.get('skipped')}", flush=True)
        return
    print(f"{head} {row['fit_cpu_s']:8.1f} {row['fit_wall_s']:7.1f} {row['process_cpu_s']:8.1f} "
          f"{row['peak_mb']:7.0f} {row['topics']:6d} {row['npmi']:7.3f} {row['diversity']:6.3f} "
          f"{_f(row.get('nmi'))} {_f(row.get('largest_topic_share'))} "
          f"{_f(row.get('outlier_share'))}", flush=True)


def _f(value: float | None) -> str:
    return f"{value:6.3f}" if isinstance(value, int | float) else f"{'—':>6}"


def run_family(model: str, kind: str, sizes: list[int], budget: float, timeout: float,
               k: int | None = None) -> list[dict]:
    """One family on one unit kind, smallest size first; skipped sizes as rows with the reason."""
    rows: list[dict] = []
    done: list[dict] = []
    for n in sizes:
        reason = skip_reason(done, n, budget)
        row = ({"model": model, "unit": kind, "units": n, "route": "in memory", "skipped": reason}
               if reason else fit_row(model, kind, n, timeout, k))
        print_row(row)
        rows.append(row)
        if not reason:
            done.append(row)
    return rows


def add_growth(rows: list[dict]) -> list[dict]:
    """Per family and kind: the exponent between successive fitted sizes, the slope from 5k up."""
    out = []
    for model in sorted({r["model"] for r in rows}):
        for kind in KINDS:
            fitted = [r for r in rows if r["model"] == model and r["unit"] == kind
                      and r["route"] == "in memory" and "fit_cpu_s" in r]
            if len(fitted) < 2:
                continue
            steps = [{"from": a["units"], "to": b["units"],
                      "exponent": growth_exponent(a["units"], a["fit_cpu_s"], b["units"],
                                                  b["fit_cpu_s"]),
                      "nlogn_exponent": nlogn_exponent(a["units"], b["units"])}
                     for a, b in zip(fitted, fitted[1:], strict=False)]
            top = [r for r in fitted if r["units"] >= 5000] or fitted
            top = top if len(top) >= 2 else fitted[-2:]
            sizes, cpus = [r["units"] for r in top], [r["fit_cpu_s"] for r in top]
            out.append({"model": model, "unit": kind, "steps": steps,
                        "sizes": sizes, "topics": [r["topics"] for r in top],
                        "exponent": slope(sizes, cpus),
                        "nlogn_exponent": slope(sizes, [n * math.log(n) for n in sizes])})
    return out


def add_peer_ratios(rows: list[dict]) -> None:
    """Our rows get the fit CPU of their peer at the same kind and size, and the ratio."""
    for row in rows:
        peer = next((r for r in rows if r["model"] == PEERS.get(row["model"])
                     and r["unit"] == row["unit"] and r["units"] == row["units"]
                     and "fit_cpu_s" in r), None)
        if peer and "fit_cpu_s" in row:
            row.update(peer=peer["model"], peer_fit_cpu_s=peer["fit_cpu_s"],
                       peer_peak_mb=peer["peak_mb"], peer_topics=peer["topics"],
                       peer_nmi=peer.get("nmi"), peer_npmi=peer.get("npmi"),
                       ratio_to_peer=row["fit_cpu_s"] / peer["fit_cpu_s"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    parser.add_argument("--kinds", nargs="+", default=KINDS, choices=KINDS)
    parser.add_argument("--sizes", nargs="+", type=int, default=None, help="units (1k .. 100k)")
    parser.add_argument("--peer-sizes", nargs="*", type=int, default=None, help="(1000 5000)")
    parser.add_argument("--stream-sizes", nargs="*", type=int, default=None,
                        help="streamed NMF at these sizes where an in-memory fit was skipped or "
                             "failed (the largest size)")
    parser.add_argument("--stream-kinds", nargs="*", default=STREAM_KINDS, choices=KINDS,
                        help="unit kinds the streamed NMF runs on (%(default)s)")
    parser.add_argument("--stream-context-weight", default="0.3", metavar="W",
                        help="the streamed NMF's context_weight on paragraphs, a number or none "
                             "(%(default)s, the default of fit_streaming_nmf)")
    parser.add_argument("--budget", type=float, default=1200.0,
                        help="CPU seconds a fit may be projected to take (%(default)s)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="wall seconds per process (default: the budget x 1.5 + 300, so a fit "
                             "the budget admits is not cut off by its own evaluation)")
    parser.add_argument("--stream-only", action="store_true",
                        help="only the streamed NMF, at --stream-sizes (no in-memory fits)")
    parser.add_argument("--quick", action="store_true",
                        help="1k and 2k units, no peers (bertopic_default's JIT alone: ~1 CPU-min)")
    parser.add_argument("--k", type=int, default=None,
                        help="fit every family with this many topics instead of its auto number "
                             "(which grows as sqrt(articles) up to 30): the growth at fixed k")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not GNAD.is_file():
        print(GNAD_MISSING)
        write_json(args.json, {"skipped": GNAD_MISSING})
        return 0
    timeout = args.timeout if args.timeout is not None else args.budget * 1.5 + 300
    sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else SIZES))
    peer_sizes = args.peer_sizes if args.peer_sizes is not None else (
        [] if args.quick else PEER_SIZES)
    stream_sizes = args.stream_sizes if args.stream_sizes is not None else sizes[-1:]
    print("fit CPU-s: the fit alone (process_time, all threads); process: the whole subprocess")
    print(f"{'model':17} {'unit':9} {'units':>7} {'route':9} {'fit CPU':>8} {'wall s':>7} "
          f"{'process':>8} {'peak MB':>7} {'topics':>6} {'NPMI':>7} {'div.':>6} {'NMI':>6} "
          f"{'largest':>6} {'outl.':>6}")
    start = time.perf_counter()
    rows: list[dict] = []
    for kind in args.kinds:
        for model in [] if args.stream_only else args.models:
            rows += run_family(model, kind, sizes, args.budget, timeout, args.k)
            peer = PEERS.get(model)
            if peer and peer_sizes:
                rows += run_family(peer, kind, sorted(peer_sizes), args.budget, timeout)
        with tempfile.TemporaryDirectory() as folder:
            wanted = stream_sizes if kind in args.stream_kinds else []
            for n in wanted if args.stream_only else streamed_sizes(rows, kind, wanted):
                row = stream_row(kind, n, Path(folder), timeout, args.stream_context_weight)
                print_row(row)
                rows.append(row)
    add_peer_ratios(rows)
    growth = add_growth(rows)
    for g in growth:
        print(f"growth {g['model']:17} {g['unit']:9} {g['sizes'][0]:,}..{g['sizes'][-1]:,}: "
              f"exponent {g['exponent']:.2f} (n log n: {g['nlogn_exponent']:.2f}), "
              f"topics {g['topics'][0]}..{g['topics'][-1]}")
    write_json(args.json, {"rows": rows, "growth": growth, "budget_cpu_s": args.budget, "k": args.k,
                           "stream_k": STREAM_K, "minutes": (time.perf_counter() - start) / 60})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
