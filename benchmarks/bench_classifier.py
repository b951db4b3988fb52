"""Speed of the classifier against TF-IDF + LinearSVC, measured in the same run (issue 12).

    uv run python benchmarks/bench_classifier.py [--repeat 5] [--quick] [--json PATH] [--large N]
                                                 [--only PART ...]

Figures are CPU seconds of the measuring process (user + system: on a loaded, shared machine the
fair figure for "one core"; wall-clock seconds are printed too), medians over ``--repeat`` fresh
processes (or repetitions; fewer where a part says so, one run for the cross-validation on a
LocalCluster and for ``--large``), one BLAS thread. The peer is scikit-learn's ``TfidfVectorizer()`` +
one-vs-rest ``LinearSVC()``, as in the cross-validation, fitted on the same texts.

* **batch prediction**: ``predict_proba`` of the 721 10kGNAD articles (unseen text, first pass,
  raw text as the pages give it, cleaning included), models trained on the shipped corpus;
  the peer reads the same raw texts (and, for reference, the clean ones). Without 10kGNAD the
  batch is the shipped corpus (its own training texts: a throughput figure only), and it says so.
  10kGNAD's articles are one line each, which the classifier reads in two-sentence pieces; the
  same texts with a line break after every second sentence are measured too (ours only). In the
  same process, what ours pays before it counts a single feature: the pages read as prose
  paragraphs (``documents_of``: cleaning, paragraphs, pieces) and tokenised (``scan``), against
  the peer's whole prediction, which reads no page (the floor under ">= the peer");
* **fit**: one training fold of the shipped corpus (4/5 of the articles, 5-fold split seed 0);
  the peer on the same articles' clean text. Of ours, the algebra its exact out-of-article
  scores need is timed inside the same fits: the Gram matrix of the training rows (articles and
  their paragraphs) and its Cholesky factor and inverse, against the peer's whole fit;
* **load + first prediction**: ``load_classifier()`` + ``predict([one article])`` after
  ``import topics``, in a fresh process with every module's bytecode cached (a first process
  writes it to a ``PYTHONPYCACHEPREFIX`` folder: the libraries' as the install writes it, and the
  package's own, which no install writes) and in the environment as configured;
* **main job's cross-validation**: ``evaluate_classifiers(shipped corpus, 5 folds, seed 0,
  peers=True)``, as ``topics run experiments/configs/vietnam.yaml`` runs it, imports done;
* **cross-validation on a LocalCluster**: ``evaluate_classifiers(corpus, 5 folds, seeds 0 and 1,
  peers=False)`` (10 fits; 10kGNAD, else the shipped corpus) here, in one process, and with
  ``scheduler=`` a LocalCluster of 2 worker processes (started, it and this process warmed alike
  before the clock; before 2026-12-06 only the workers were, so the one process paid its first
  calls inside its timing): wall seconds, the speed-up, and the CPU seconds of client + workers
  against one process (what distributing costs), one run each; the reports are compared (they
  must be equal);
* **a corpus file**: ``classify_inputs`` of N synthetic articles (4,000, 1,000 with ``--quick``;
  perturbed copies of the batch's articles) in a JSON Lines file to a JSON Lines output: reading,
  checking, cleaning once, classifying and writing, in chunks, against ``predict_proba`` of the
  same texts held in memory, in the same process afterwards (the ratio is what the file costs);
  the peak memory is taken before the texts are loaded for the comparison;
* **a corpus file on a LocalCluster**: ``classify_inputs`` of 8,000 synthetic articles (2,000
  with ``--quick``) in a JSON Lines file on 2 workers, the client reading the file and the
  workers reading it (``workers_read``): wall seconds, the client's own CPU seconds and the
  workers' (medians of 2 interleaved runs), and whether the two labels files are the same;
* ``--large N`` (default 5,000, i.e. 25,000 training rows; none with ``--quick``): training on N
  synthetic articles (10kGNAD sentences shuffled into new articles, labelled by their class) with
  the primal solver: CPU seconds and peak memory (one fit).

``--quick`` (``benchmarks/run.py --quick``): 2 repetitions, no large run. ``--json`` writes the
"classifier" section of ``benchmarks/run.py``'s results (a dict of figures, read by
``benchmarks/speed_table.py``). ``--only fit`` (or ``predict``, ``file``, ``load``, ``cv``, ``cluster``, ``cluster_file``, ``large``, several
allowed) measures those parts alone, for work on one of them; the results file wants them all.

Targets (``TARGETS``): prediction >= 1,000 articles per CPU second and >= the peer; fit <= 5x the
peer; load + first prediction <= 0.3 CPU-s; main-job CV <= 15 CPU-s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    GNAD,
    GNAD_OPTIONS,
    PEAK_MB,
    daily_files,
    last_json,
    median,
    positive_int,
    write_json,
)

ROOT = Path(__file__).resolve().parents[1]
GNAD_LOADER = f"topics.load_corpus({str(GNAD)!r}, **{GNAD_OPTIONS!r})"
TARGETS = {
    "predict_articles_per_cpu_s": 1000,  # at least
    "predict_ratio_to_peer": 1.0,  # at least
    "fit_ratio_to_peer": 5.0,  # at most
    "load_cpu_s": 0.3,  # at most
    "main_job_cv_cpu_s": 15.0,  # at most
}

PRELUDE = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
""" + PEAK_MB

PREDICT = PRELUDE + """
import topics
from topics.classifier.peers import peer_estimators
from topics.labels import to_indicator
shipped = topics.load_corpus()
unseen = {loader}
raw = unseen.texts
if {paragraphed}:  # the same words, a line break after every second sentence
    from topics.text.cleaning import sentence_pieces
    raw = ["\\n".join(sentence_pieces(t, 2)) for t in raw]
clean = [topics.clean_text(t) for t in raw] if {paragraphed} else unseen.clean_texts()
peer = peer_estimators()["TF-IDF+LinearSVC"].fit(
    shipped.clean_texts(), to_indicator(shipped.labels, shipped.label_set))
clf = topics.load_classifier()
clf.predict_proba(shipped.texts[:1]); peer.decision_function(shipped.texts[:1])  # first calls
out = {{}}
for name, run in (("ours", lambda: clf.predict_proba(raw)),
                  ("peer_raw", lambda: peer.decision_function(raw)),
                  ("peer_clean", lambda: peer.decision_function(clean))):
    c, w = cpu(), time.perf_counter()
    run()
    out[name] = {{"cpu": cpu() - c, "wall": time.perf_counter() - w}}
# then what ours pays before it counts a feature: the page read as prose paragraphs, then tokenised
from topics.classifier.hashing import scan
from topics.classifier.inputs import documents_of
from topics.classifier.scoring import _CHUNK_CHARS
c = cpu()
documents = documents_of(raw)
out["cleaning"] = {{"cpu": cpu() - c}}
c, chunk, chars = cpu(), [], 0
for text, paragraphs in documents:  # in the chunks ours scores (its arrays stay small)
    chunk += paragraphs
    chars += len(text)
    if chars >= _CHUNK_CHARS:
        scan(chunk)
        chunk, chars = [], 0
scan(chunk)
out["tokenising"] = {{"cpu": cpu() - c}}
out["n"] = len(raw)
out["words"] = sum(len(t.split()) for t in raw)
out["peak_mb"] = peak_mb()
print(json.dumps(out))
"""

FIT = PRELUDE + """
import topics
from topics.classifier import ArticleClassifier
from topics.classifier.peers import peer_estimators
from topics.evaluation.folds import article_folds
from topics.labels import to_indicator
corpus = topics.load_corpus()
train, _ = article_folds([l[0] if l else "" for l in corpus.labels], 5, 0)[0]
texts = [corpus.texts[i] for i in train]
clean = [corpus.clean_texts()[i] for i in train]
labels = [corpus.labels[i] for i in train]
ArticleClassifier(labels=corpus.label_set).fit(texts[:20], labels[:20])  # imports, first call
peer_estimators()["TF-IDF+LinearSVC"].fit(clean[:20], to_indicator(labels[:20], corpus.label_set))
from topics.classifier import ridge
# the part of ours' fit that is the algebra of its exact out-of-article scores: the Gram matrix of
# the training rows, and its Cholesky factor and inverse (the outermost call of each is timed)
algebra = {{"gram": 0.0, "factor": 0.0}}
def timed(name, function):
    def call(*args, **kwargs):
        if algebra.get("inside"):
            return function(*args, **kwargs)
        algebra["inside"], start = True, cpu()
        try:
            return function(*args, **kwargs)
        finally:
            algebra[name] += cpu() - start
            algebra["inside"] = False
    return call
ridge.gram, ridge.dual_ridge = timed("gram", ridge.gram), timed("factor", ridge.dual_ridge)
out = {{"ours": [], "peer": [], "gram": [], "factor": []}}
for _ in range({repeat}):
    algebra.update(gram=0.0, factor=0.0)
    c = cpu(); ArticleClassifier(labels=corpus.label_set).fit(texts, labels)
    out["ours"].append(cpu() - c)
    out["gram"].append(algebra["gram"])
    out["factor"].append(algebra["factor"])
    c = cpu(); peer_estimators()["TF-IDF+LinearSVC"].fit(clean, to_indicator(labels, corpus.label_set))
    out["peer"].append(cpu() - c)
out["n"] = len(texts)
print(json.dumps(out))
"""

LATENCY = PRELUDE + """
import topics
text = open({seed!r}, encoding="utf-8").read()
c, w = cpu(), time.perf_counter()
clf = topics.load_classifier()
labels = clf.predict([text])
heavy = [m for m in ("sklearn", "scipy", "pandas") if m in sys.modules]
print(json.dumps({{"cpu": cpu() - c, "wall": time.perf_counter() - w, "labels": labels,
                  "heavy": heavy}}))
"""

MAIN_JOB_CV = PRELUDE + """
import topics
from topics.classifier.evaluate import evaluate_classifiers
import sklearn.svm, sklearn.linear_model, pandas, scipy.linalg  # imports are the run's, not the CV's
corpus = topics.load_corpus()
small = corpus.subset(range(0, len(corpus), 6))
evaluate_classifiers(small, n_splits=2, seeds=(0,), peers=True)  # first calls
c, w = cpu(), time.perf_counter()
report = evaluate_classifiers(corpus, unit="article", n_splits=5, seeds=(0,), peers=True)
print(json.dumps({{"cpu": cpu() - c, "wall": time.perf_counter() - w,
                  "macro_f1": report.metrics["ArticleClassifier/macro_f1_mean"]}}))
"""

FILE = PRELUDE + """
import topics
from topics.classifier.batch import classify_inputs
from topics.corpus.synthetic import synthetic_articles, write_jsonl
source = {loader}
folder = sys.argv[1]
path = write_jsonl(synthetic_articles(list(source), {n}, seed=0), folder + "/corpus.jsonl")
write_jsonl(synthetic_articles(list(source), 20, seed=1), folder + "/warm.jsonl")
classify_inputs(folder + "/warm.jsonl", output=folder + "/warm_out.jsonl")  # model, first calls
c, w = cpu(), time.perf_counter()
summary = classify_inputs(str(path), output=folder + "/labels.jsonl")
out = {{"cpu": cpu() - c, "wall": time.perf_counter() - w, "n": summary.classified,
       "peak_mb": peak_mb()}}
texts = [a.text for a in topics.iter_articles(path)]
clf = topics.load_classifier()
c = cpu()
clf.predict_proba(texts)
out["memory_cpu"] = cpu() - c
print(json.dumps(out))
"""

LARGE = PRELUDE + """
import random, re, topics
from topics.classifier import ArticleClassifier
gnad = {loader}
rng = random.Random(0)
pool = {{}}
for article in gnad:
    sentences = re.split(r"(?<=[.!?]) +", article.text)
    pool.setdefault(article.labels[0], []).extend(s for s in sentences if len(s) > 20)
classes = sorted(pool)
texts, labels = [], []
for i in range({n}):
    label = classes[i % len(classes)]
    sentences = rng.sample(pool[label], min(12, len(pool[label])))
    texts.append("\\n".join(" ".join(sentences[j:j + 3]) for j in range(0, len(sentences), 3)))
    labels.append([label] if i % 7 else [])
c, w = cpu(), time.perf_counter()
clf = ArticleClassifier(labels=classes).fit(texts, labels)
print(json.dumps({{"cpu": cpu() - c, "wall": time.perf_counter() - w, "peak_mb": peak_mb(),
                  "solver": clf.solver_, "rows": clf.n_training_rows_, "n": len(texts)}}))
"""


def _run(code: str, *args: str, **extra: str) -> dict:
    """Run ``code`` (with ``args``) in a fresh interpreter (one BLAS thread); the JSON of its
    last line."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **extra}
    if "PYTHONPYCACHEPREFIX" in extra:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
        cwd=tempfile.gettempdir(), check=False,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return last_json(out.stdout)


def _line(name: str, value: float, unit: str, target: str = "", ok: bool | None = None) -> None:
    """Print one figure, with its target and whether it is met."""
    verdict = "" if ok is None else ("  met" if ok else "  MISSED")
    line = f"{name:<62} {value:>10.3f} {unit:<14} {'target ' + target if target else ''}{verdict}"
    print(line.rstrip(), flush=True)


def predict_figures(repeat: int, loader: str) -> dict:
    """Batch prediction, ours and the peer's, articles per CPU second (medians of fresh processes)."""
    runs = [_run(PREDICT.format(loader=loader, paragraphed=False)) for _ in range(repeat)]
    # one-line pages (10kGNAD's) are read in two-sentence pieces, as pages with paragraphs are
    # read paragraph by paragraph: the same texts with line breaks, for comparison
    broken = [_run(PREDICT.format(loader=loader, paragraphed=True)) for _ in range(repeat)]
    n = runs[0]["n"]
    rate = {k: median([n / r[k]["cpu"] for r in runs]) for k in ("ours", "peer_raw", "peer_clean")}
    f = {
        "articles": n,
        "articles_per_cpu_s": rate["ours"],
        "articles_per_wall_s": median([n / r["ours"]["wall"] for r in runs]),
        "peer_articles_per_cpu_s": rate["peer_raw"],
        "peer_clean_articles_per_cpu_s": rate["peer_clean"],
        "ratio_to_peer": rate["ours"] / rate["peer_raw"],
        "ratio_to_peer_clean": rate["ours"] / rate["peer_clean"],
        "peak_mb": median([r["peak_mb"] for r in runs]),
        "words_per_cpu_s": median([r["words"] / r["ours"]["cpu"] for r in runs]),
        "paragraphed_articles_per_cpu_s": median([n / r["ours"]["cpu"] for r in broken]),
        "cleaning_cpu_s": median([r["cleaning"]["cpu"] for r in runs]),
        "tokenising_cpu_s": median([r["tokenising"]["cpu"] for r in runs]),
        "peer_cpu_s": median([r["peer_raw"]["cpu"] for r in runs]),
    }
    reading = f["cleaning_cpu_s"] + f["tokenising_cpu_s"]
    f["reading_share_of_peer"] = reading / f["peer_cpu_s"]
    _line(f"batch prediction, {n} articles: ours", f["articles_per_cpu_s"], "articles/CPU-s",
          f">= {TARGETS['predict_articles_per_cpu_s']:,}",
          f["articles_per_cpu_s"] >= TARGETS["predict_articles_per_cpu_s"])
    _line("  peer TF-IDF+LinearSVC on the same raw texts", rate["peer_raw"], "articles/CPU-s")
    _line("  peer on clean texts (cleaning not counted)", rate["peer_clean"], "articles/CPU-s")
    _line("  ours / peer (raw texts)", f["ratio_to_peer"], "x", ">= 1",
          f["ratio_to_peer"] >= TARGETS["predict_ratio_to_peer"])
    _line("  ours / peer (peer given clean texts)", f["ratio_to_peer_clean"], "x")
    _line("  ours, reading the pages alone (prose paragraphs, then tokens)", n / reading,
          "articles/CPU-s")
    _line("  reading alone / the peer's whole prediction", f["reading_share_of_peer"], "x")
    _line("  ours, words", f["words_per_cpu_s"], "words/CPU-s")
    _line("  ours, the same texts with a line break every 2 sentences",
          f["paragraphed_articles_per_cpu_s"], "articles/CPU-s")
    _line("  ours, wall clock", f["articles_per_wall_s"], "articles/s")
    _line("  peak memory of that process", f["peak_mb"], "MB")
    return f


def file_figures(repeat: int, loader: str, n: int) -> dict:
    """``classify_inputs`` of a JSON Lines corpus file against ``predict_proba`` in memory."""
    runs = []
    for _ in range(max(1, repeat // 2)):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(_run(FILE.format(loader=loader, n=n), folder))
    n = runs[0]["n"]
    f = {
        "articles": n,
        "articles_per_cpu_s": median([n / r["cpu"] for r in runs]),
        "articles_per_wall_s": median([n / r["wall"] for r in runs]),
        "memory_articles_per_cpu_s": median([n / r["memory_cpu"] for r in runs]),
        "peak_mb": median([r["peak_mb"] for r in runs]),
    }
    f["ratio_to_memory"] = f["articles_per_cpu_s"] / f["memory_articles_per_cpu_s"]
    _line(f"classify a JSON Lines file of {n} synthetic articles to JSON Lines",
          f["articles_per_cpu_s"], "articles/CPU-s")
    _line("  predict_proba of the same texts in memory", f["memory_articles_per_cpu_s"],
          "articles/CPU-s")
    _line("  file / memory", f["ratio_to_memory"], "x")
    _line("  peak memory of the file's process", f["peak_mb"], "MB")
    return f


def fit_figures(repeat: int) -> dict:
    """Fit on one training fold of the shipped corpus, ours and the peer's (medians, CPU-s)."""
    fits = _run(FIT.format(repeat=repeat))
    ours, peer = median(fits["ours"]), median(fits["peer"])
    f = {"articles": fits["n"], "cpu_s": ours, "peer_cpu_s": peer, "ratio_to_peer": ours / peer,
         "gram_cpu_s": median(fits["gram"]), "factor_cpu_s": median(fits["factor"])}
    f["algebra_ratio_to_peer"] = (f["gram_cpu_s"] + f["factor_cpu_s"]) / peer
    _line(f"fit, one training fold ({fits['n']} articles): ours", ours, "CPU-s")
    _line("  peer", peer, "CPU-s")
    _line("  ours / peer", f["ratio_to_peer"], "x", f"<= {TARGETS['fit_ratio_to_peer']:g}",
          f["ratio_to_peer"] <= TARGETS["fit_ratio_to_peer"])
    _line("  of ours: the Gram matrix of the training rows", f["gram_cpu_s"], "CPU-s")
    _line("  of ours: its Cholesky factor and inverse", f["factor_cpu_s"], "CPU-s")
    _line("  those two alone / the peer's whole fit", f["algebra_ratio_to_peer"], "x")
    return f


def load_figures(repeat: int) -> dict:
    """``load_classifier()`` + first prediction in fresh processes, with and without bytecode."""
    seed = str(next((ROOT / "seeds").glob("001_*.txt")))
    code = LATENCY.format(seed=seed)
    with tempfile.TemporaryDirectory() as cache:  # every module's bytecode, topics' own too
        _run(code, PYTHONPYCACHEPREFIX=cache)
        cached = [_run(code, PYTHONPYCACHEPREFIX=cache) for _ in range(repeat)]
    cold = [_run(code) for _ in range(max(1, repeat // 2))]
    f = {
        "cpu_s": median([r["cpu"] for r in cached]),
        "wall_s": median([r["wall"] for r in cached]),
        "environment_cpu_s": median([r["cpu"] for r in cold]),
        "heavy_imports": cached[0]["heavy"],
    }
    _line("load + first prediction after `import topics` (bytecode cached)", f["cpu_s"], "CPU-s",
          f"<= {TARGETS['load_cpu_s']:g}", f["cpu_s"] <= TARGETS["load_cpu_s"])
    _line("  wall clock", f["wall_s"], "s")
    _line("  environment as configured", f["environment_cpu_s"], "CPU-s")
    print(f"  scikit-learn/scipy/pandas imported by it: {f['heavy_imports'] or 'none'}")
    return f


def main_job_cv_figures(repeat: int) -> dict:
    """The main job's grouped cross-validation (both peers), imports done, CPU-s."""
    runs = [_run(MAIN_JOB_CV.format()) for _ in range(max(1, repeat // 2))]
    f = {
        "cpu_s": median([r["cpu"] for r in runs]),
        "wall_s": median([r["wall"] for r in runs]),
        "macro_f1": runs[0]["macro_f1"],
    }
    _line("main job's grouped CV (5 folds x 1 seed, both peers)", f["cpu_s"], "CPU-s",
          f"<= {TARGETS['main_job_cv_cpu_s']:g}", f["cpu_s"] <= TARGETS["main_job_cv_cpu_s"])
    _line("  wall clock", f["wall_s"], "s")
    _line("  its macro-F1 (seed 0)", f["macro_f1"], "")
    return f


def large_figures(n: int) -> dict:
    """Fit on ``n`` synthetic 10kGNAD-derived articles: CPU-s and peak memory."""
    large = _run(LARGE.format(loader=GNAD_LOADER, n=n))
    f = {"articles": large["n"], "rows": large["rows"], "solver": large["solver"],
         "cpu_s": large["cpu"], "wall_s": large["wall"], "peak_mb": large["peak_mb"]}
    _line(f"fit on {f['articles']} synthetic articles ({f['rows']} rows, {f['solver']})",
          f["cpu_s"], "CPU-s")
    _line("  peak memory", f["peak_mb"], "MB")
    return f


def _process_cpu() -> float:
    """Runs on each Dask worker: its process's CPU seconds so far."""
    return time.process_time()


def cluster_cv_figures(loader: str) -> dict:
    """Grouped CV here and on a LocalCluster of 2 workers: wall s, speed-up, CPU of all."""
    import topics
    from topics.distributed import dask_client

    os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    corpus = eval(loader, {"topics": topics})  # noqa: S307 - our own loader expression
    options = dict(n_splits=5, seeds=(0, 1), peers=False, verbose=False)
    with dask_client("local", n_workers=2) as client:
        small = corpus[:60]
        for where in (None, client):  # this process and the workers import and warm up alike
            topics.evaluate_classifiers(small, n_splits=2, seeds=(0,), peers=False, verbose=False,
                                        scheduler=where)
        load = os.getloadavg()
        start, mine = time.perf_counter(), time.process_time()
        here = topics.evaluate_classifiers(corpus, **options)
        wall_here, cpu_here = time.perf_counter() - start, time.process_time() - mine
        workers = sum(client.run(_process_cpu).values())
        start, mine = time.perf_counter(), time.process_time()
        there = topics.evaluate_classifiers(corpus, **options, scheduler=client)
        wall_there = time.perf_counter() - start
        cpu_there = time.process_time() - mine + sum(client.run(_process_cpu).values()) - workers
    f = {"articles": len(corpus), "fits": 10, "wall_s_here": wall_here,
         "wall_s_2_workers": wall_there, "speedup": wall_here / wall_there,
         "cpu_s_here": cpu_here, "cpu_s_2_workers": cpu_there,
         "cpu_2_workers_to_here": cpu_there / cpu_here, "same_report": there.metrics == here.metrics,
         "load_average_at_start": load}
    _line(f"CV of {len(corpus)} articles, 5 folds x 2 seeds: one process", wall_here, "s wall")
    _line("  LocalCluster of 2 workers", wall_there, "s wall")
    _line("  speed-up", f["speedup"], "x")
    _line("  CPU of client + workers / one process", f["cpu_2_workers_to_here"], "x")
    _line("  same report", float(f["same_report"]), "(1 = yes)")
    if not f["same_report"]:
        raise SystemExit("the cross-validation on the LocalCluster gave another report")
    return f


def cluster_file_figures(loader: str, n: int, runs: int) -> dict:
    """``classify_inputs`` of a JSON Lines file of ``n`` synthetic articles on a LocalCluster of
    2 workers, the client reading the file and the workers reading it: wall seconds, the
    client's own CPU and the workers' (medians of ``runs``, interleaved); the outputs compared.
    Then the same articles as a folder of ``n / 4`` small ``.jsonl`` files (a file a day), the
    workers reading by default (the client reads the small ones itself)."""
    import topics
    from topics.classifier.batch import classify_inputs
    from topics.corpus.synthetic import synthetic_articles, write_jsonl
    from topics.distributed import dask_client

    os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    source = list(eval(loader, {"topics": topics}))  # noqa: S307 - our own loader expression
    names = ("client reads", "workers read", "small files")
    wall: dict[str, list[float]] = {name: [] for name in names}
    own: dict[str, list[float]] = {name: [] for name in names}
    theirs: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as folder, dask_client("local", n_workers=2) as client:
        path = write_jsonl(synthetic_articles(source, n, seed=0), Path(folder) / "corpus.jsonl")
        days = daily_files(path, Path(folder) / "days")
        inputs = {"client reads": path, "workers read": path, "small files": days}
        warm = write_jsonl(synthetic_articles(source, 40, seed=1), Path(folder) / "warm.jsonl")
        classify_inputs(str(warm), output=Path(folder) / "warm.out.jsonl", scheduler=client,
                        workers_read=True)  # workers load the model before the clock
        load = os.getloadavg()
        for _ in range(runs):
            for name in names:
                workers = sum(client.run(_process_cpu).values())
                start, mine = time.perf_counter(), time.process_time()
                classify_inputs(str(inputs[name]), output=Path(folder) / f"{name}.jsonl",
                                scheduler=client, workers_read=name != "client reads")
                wall[name].append(time.perf_counter() - start)
                own[name].append(time.process_time() - mine)
                theirs[name].append(sum(client.run(_process_cpu).values()) - workers)
        outputs = {(Path(folder) / f"{name}.jsonl").read_bytes() for name in names[:2]}
    f = {"articles": n, "runs": runs, "load_average_at_start": load, "same_output": len(outputs) == 1,
         **{key: {name: median(values[name]) for name in names}
            for key, values in (("wall_s", wall), ("client_cpu_s", own), ("workers_cpu_s", theirs))}}
    for name in names:
        _line(f"classify {n:,} articles on 2 workers, {name}: client", f["client_cpu_s"][name],
              f"CPU-s (workers {f['workers_cpu_s'][name]:.1f} CPU-s, wall {f['wall_s'][name]:.1f} s)")
    _line("  same output", float(f["same_output"]), "(1 = yes)")
    if not f["same_output"]:
        raise SystemExit("the workers' reading gave another labels file")
    return f


PARTS = ("predict", "file", "fit", "load", "cv", "cluster", "cluster_file", "large")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=positive_int, default=None, help="fresh processes per figure (5)")
    parser.add_argument("--quick", action="store_true", help="2 repetitions, no large run")
    parser.add_argument("--json", type=Path, help="write the figures here (a dict)")
    parser.add_argument("--large", type=int, default=None,
                        help="also train on N synthetic articles (5,000; 0 with --quick)")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS),
                        help="measure these parts only (default: all)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (2 if args.quick else 5)
    large = args.large if args.large is not None else (0 if args.quick else 5_000)
    if args.json and args.only != list(PARTS):
        parser.error("--json writes the results file, which needs every part: drop --only")
    if "large" not in args.only:
        large = 0
    if GNAD.is_file():
        corpus, loader = "10kGNAD", GNAD_LOADER
    else:
        corpus, loader, large = "shipped corpus", "topics.load_corpus()", 0
        print(f"10kGNAD not found at {GNAD}: the batch is the shipped corpus, no large run "
              "(set TOPICS_10KGNAD)")
    print(f"# classifier speed, {repeat} repetitions, medians, CPU seconds (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")
    figures: dict = {"corpus": corpus, "repeat": repeat, "targets": TARGETS}
    if "predict" in args.only:
        figures["predict"] = predict_figures(repeat, loader)
    if "file" in args.only:
        figures["file"] = file_figures(repeat, loader, 1_000 if args.quick else 4_000)
    if "fit" in args.only:
        figures["fit"] = fit_figures(repeat)
    if "load" in args.only:
        figures["load"] = load_figures(repeat)
    if "cv" in args.only:
        figures["main_job_cv"] = main_job_cv_figures(repeat)
    if "cluster" in args.only:
        figures["cluster_cv"] = cluster_cv_figures(loader)
    if "cluster_file" in args.only:
        figures["cluster_file"] = cluster_file_figures(loader, 2_000 if args.quick else 8_000,
                                                       1 if args.quick else 2)
    if large:
        figures["large"] = large_figures(large)
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
