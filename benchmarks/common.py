"""What every benchmark shares: the machine description, CPU seconds of child processes, medians.

On a shared machine wall-clock time says more about the neighbours than about the code: the
benchmarks report CPU seconds (of this process, or of a child process from ``getrusage``) and the
peer measured in the same run, so that a ratio does not depend on the load.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def absolute_pythonpath(environ: MutableMapping[str, str] = os.environ) -> None:
    """Make ``PYTHONPATH``'s entries absolute, from the folder this process started in: child
    processes run elsewhere (the classifier's in the temp folder), and a relative ``src`` there
    named nothing, so they imported ``topics`` from the environment's install (another checkout's
    editable source) while the results recorded this checkout's commit."""
    entries = environ.get("PYTHONPATH")
    if entries:
        environ["PYTHONPATH"] = os.pathsep.join(
            str(Path(entry).resolve()) if entry else entry for entry in entries.split(os.pathsep))


absolute_pythonpath()  # every benchmark imports this module before it starts a child
RESULTS = REPO / "benchmarks" / "results"
GNAD = Path(
    os.environ.get("TOPICS_10KGNAD", REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv")
)
GNAD_OPTIONS = dict(text_column=1, label_column=0, delimiter=";", quotechar="'", header=False)
GNAD_MISSING = (
    f"10kGNAD sample not found at {GNAD}: its parts are skipped. Get articles.csv of the 10k German "
    "News Articles Dataset (tblock/10kGNAD) and set TOPICS_10KGNAD to it."
)
PACKAGES = (
    "topics", "numpy", "scipy", "scikit-learn", "bertopic", "umap-learn", "hdbscan", "tomotopy",
    "gensim", "numba", "dask", "distributed", "pyarrow", "simplemma", "split-words",
)

# Peak memory of a (child) process: VmHWM, its own high-water mark (ru_maxrss of a child would
# also count the parent's pages copied at fork, on Linux).
PEAK_MB = r"""
def status_mb(field):
    # a memory field of /proc/self/status ("VmHWM", "VmRSS") in MB; None where there is none
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None

def peak_mb():
    peak = status_mb("VmHWM")
    if peak is not None:
        return peak
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

# Child-process code (after PEAK_MB): ``reset_peak()`` before a measured step gives freed memory
# back (gc, malloc_trim) and restarts the high-water mark (``/proc/self/clear_refs``), returning
# the resident MB then, so that ``peak_mb() - reset_peak()`` is what the step adds, not an earlier
# step's transient peak (building the inputs) that the step's own memory fits under. Where the
# mark cannot be restarted it returns the peak so far (the step's addition above it).
RESET_PEAK = r"""
def reset_peak():
    import ctypes, gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return peak_mb()
    resident = status_mb("VmRSS")
    return peak_mb() if resident is None else resident
"""

# Child-process code: fit_topic_model evaluates after each fit; this wraps topics.topic_models'
# evaluate_topics so a child can subtract the evaluation's CPU seconds from the fit's.
# ``timed(evaluate)`` returns the wrapper; ``evaluation`` collects CPU seconds per call.
TIMED_EVALUATE = r"""
import time
from collections.abc import Callable, MutableMapping
import topics.topic_models as tm
evaluation = []
def timed(evaluate):
    def timed_evaluate(*args, **kwargs):
        c = time.process_time()
        out = evaluate(*args, **kwargs)
        evaluation.append(time.process_time() - c)
        return out
    return timed_evaluate
"""


def median(values: list[float]) -> float:
    return statistics.median(values)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def topics_source() -> str:
    """The folder the ``topics`` package is imported from (by this process and its children,
    which inherit its environment): the code measured, which the commit recorded describes only
    when it lies in this checkout."""
    spec = importlib.util.find_spec("topics")
    return str(Path(spec.origin).resolve().parent) if spec and spec.origin else ""


def measures_this_checkout(source: str) -> bool:
    """Whether ``topics`` comes from this checkout's ``src/`` (else the recorded commit is not
    the code measured: another worktree's editable install, a stale PYTHONPATH)."""
    return bool(source) and Path(source).is_relative_to(REPO / "src")


def positive_int(text: str) -> int:
    """An argparse type: a count of runs or repetitions (a median needs at least one)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: give 1 or more")
    return value


def git_state() -> dict[str, object]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def machine() -> dict[str, object]:
    """The machine and the moment: what decides the numbers."""
    try:
        memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory_gib = None
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(memory_gib, 1) if memory_gib else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "packages": versions(),
        "git": git_state(),
        "topics_source": topics_source(),
    }


def child_cpu(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
              timeout: float = 3600) -> tuple[float, float, str]:
    """Run a child process; return (its CPU seconds, wall seconds, stdout). Raises on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise RuntimeError(f"{argv[:3]} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, wall, done.stdout


def last_json(stdout: str) -> dict:
    """The JSON object a child printed on its last line."""
    return json.loads(stdout.strip().splitlines()[-1])


def python_child(code: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, dict]:
    """Run ``python -c code args``; return (its CPU seconds, the JSON of its last line)."""
    cpu, _, out = child_cpu([sys.executable, "-c", code, *args], env=env)
    return cpu, last_json(out)


def selection_table_main(argv: list[str] | None, description: str, out: Path, name: str,
                         table: Callable[[list[int]], str]) -> int:
    """The command line of a topic-model selection table: ``--sizes`` (perturbed 10kGNAD units)
    and ``--out`` (a folder; default ``out``); writes ``table(sizes)`` there as ``name``."""
    import topics  # noqa: F401 - pins the numerics before numpy loads

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000],
                        help="perturbed 10kGNAD units (paragraphs and articles)")
    parser.add_argument("--out", type=Path, default=out, help=f"write {name} here")
    args = parser.parse_args(argv)
    text = table(args.sizes)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / name).write_text(text, encoding="utf-8")
    print(f"wrote {args.out / name}")
    return 0


def write_json(path: Path | None, figures: dict) -> None:
    if path is not None:
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


#: Articles per file of :func:`daily_files` (the speed table divides by it to name the files)
ARTICLES_PER_FILE = 4


def daily_files(corpus: Path, folder: Path, per_file: int = ARTICLES_PER_FILE) -> Path:
    """The articles of a JSON Lines file as a folder of small ``.jsonl`` files, ``per_file``
    articles each (an archive of a file a day)."""
    folder.mkdir()
    with corpus.open(encoding="utf-8") as lines:
        day = 0
        while block := list(itertools.islice(lines, per_file)):
            (folder / f"day{day:05d}.jsonl").write_text("".join(block), encoding="utf-8")
            day += 1
    return folder
