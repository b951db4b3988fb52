"""Speed of the classifier against TF-IDF + LinearSVC, measured in the same run (issue 12).

    uv run python benchmarks/bench_classifier.py [--repeat 5] [--json PATH] [--large 20000]

Figures are CPU seconds of the measuring process (user + system: on a loaded, shared machine the
fair figure for "one core"; wall-clock seconds are printed too), medians over ``--repeat`` fresh
processes (or repetitions), one BLAS thread. The peer is scikit-learn's ``TfidfVectorizer()`` +
one-vs-rest ``LinearSVC()``, as in the cross-validation, fitted on the same texts.

* **batch prediction**: ``predict_proba`` of the 721 10kGNAD articles (unseen text, first pass,
  raw text as the pages give it, cleaning included), models trained on the shipped corpus;
  the peer reads the same raw texts (and, for reference, the clean ones);
* **fit**: one training fold of the shipped corpus (4/5 of the articles, 5-fold split seed 0);
  the peer on the same articles' clean text;
* **load + first prediction**: ``load_classifier()`` + ``predict([one article])`` after
  ``import topics``, in a fresh process (no bytecode cache unless the environment has one);
* **main job's cross-validation**: ``evaluate_classifiers(shipped corpus, 5 folds, seed 0,
  peers=True)``, as ``topics run experiments/configs/vietnam.yaml`` runs it, imports done;
* ``--large N``: training on N synthetic articles (10kGNAD sentences shuffled into new articles,
  labelled by their class) with the primal solver: time and peak memory.

Targets: prediction >= 1,000 articles per CPU second and >= the peer; fit <= 5x the peer; load +
first prediction <= 0.3 s; main-job CV <= 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GNAD = Path(os.environ.get("TOPICS_10KGNAD", ROOT.parent / "shared/data/10kgnad/articles.csv"))
GNAD_OPTIONS = "text_column=1, label_column=0, delimiter=';', quotechar=\"'\", header=False"

PRELUDE = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

PREDICT = PRELUDE + """
import topics
from topics.classifier.peers import peer_estimators
from topics.labels import to_indicator
shipped = topics.load_corpus()
unseen = topics.load_corpus({gnad!r}, {options})
raw = unseen.texts
clean = unseen.clean_texts()
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
out["n"] = len(raw)
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
out = {{"ours": [], "peer": []}}
for _ in range({repeat}):
    c = cpu(); ArticleClassifier(labels=corpus.label_set).fit(texts, labels)
    out["ours"].append(cpu() - c)
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

LARGE = PRELUDE + """
import random, re, topics
from topics.classifier import ArticleClassifier
gnad = topics.load_corpus({gnad!r}, {options})
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


def _run(code: str, **extra: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **extra}
    if "PYTHONPYCACHEPREFIX" in extra:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env,
        cwd=tempfile.gettempdir(), check=False,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(name: str, value: float, unit: str, target: str, ok: bool | None = None) -> dict:
    verdict = "" if ok is None else ("  met" if ok else "  MISSED")
    print(f"{name:<58} {value:>10.3f} {unit:<14} target {target}{verdict}")
    return {"figure": name, "value": round(value, 4), "unit": unit, "target": target, "met": ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per figure")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--large", type=int, default=0, help="also train on N synthetic articles")
    args = parser.parse_args()
    if not GNAD.exists():
        raise SystemExit(f"10kGNAD not found at {GNAD}; set TOPICS_10KGNAD to its articles.csv")
    seed = str(next((ROOT / "seeds").glob("001_*.txt")))
    rows = []
    print(f"# classifier speed, {args.repeat} repetitions, medians, CPU seconds (load avg "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")

    runs = [_run(PREDICT.format(gnad=str(GNAD), options=GNAD_OPTIONS)) for _ in range(args.repeat)]
    n = runs[0]["n"]
    rate = {k: statistics.median(n / r[k]["cpu"] for r in runs) for k in ("ours", "peer_raw", "peer_clean")}
    wall = statistics.median(n / r["ours"]["wall"] for r in runs)
    rows.append(_line("batch prediction, 721 unseen articles: ours (articles/CPU-s)",
                      rate["ours"], "articles/s", ">= 1000", rate["ours"] >= 1000))
    rows.append(_line("  peer TF-IDF+LinearSVC on the same raw texts", rate["peer_raw"], "articles/s", ""))
    rows.append(_line("  peer on clean texts (cleaning not counted)", rate["peer_clean"], "articles/s", ""))
    rows.append(_line("  ours / peer (raw texts)", rate["ours"] / rate["peer_raw"], "x",
                      ">= 1", rate["ours"] >= rate["peer_raw"]))
    rows.append(_line("  ours / peer (peer given clean texts)", rate["ours"] / rate["peer_clean"], "x", ""))
    rows.append(_line("  ours, wall clock", wall, "articles/s", ""))
    rows.append(_line("  peak memory of that process", statistics.median(r["peak_mb"] for r in runs), "MB", ""))

    fits = _run(FIT.format(repeat=max(args.repeat, 5)))
    ours, peer = statistics.median(fits["ours"]), statistics.median(fits["peer"])
    rows.append(_line(f"fit, one training fold ({fits['n']} articles): ours", ours, "CPU-s", ""))
    rows.append(_line("  peer", peer, "CPU-s", ""))
    rows.append(_line("  ours / peer", ours / peer, "x", "<= 5", ours / peer <= 5))

    with tempfile.TemporaryDirectory() as cache:  # as installed: pip compiles bytecode
        _run(LATENCY.format(seed=seed), PYTHONPYCACHEPREFIX=cache)
        latency = [
            _run(LATENCY.format(seed=seed), PYTHONPYCACHEPREFIX=cache) for _ in range(args.repeat)
        ]
    cold = [_run(LATENCY.format(seed=seed)) for _ in range(max(1, args.repeat // 2))]
    value = statistics.median(r["cpu"] for r in latency)
    rows.append(_line("load + first prediction after `import topics` (bytecode cached)",
                      value, "CPU-s", "<= 0.3", value <= 0.3))
    rows.append(_line("  wall clock", statistics.median(r["wall"] for r in latency), "s", ""))
    rows.append(_line("  environment as configured (no bytecode: compiles numpy)",
                      statistics.median(r["cpu"] for r in cold), "CPU-s", ""))
    print(f"  scikit-learn/scipy/pandas imported by it: {latency[0]['heavy'] or 'none'}")

    cv = [_run(MAIN_JOB_CV.format()) for _ in range(max(1, args.repeat // 2))]
    rows.append(_line("main job's grouped CV (5 folds x 1 seed, both peers)",
                      statistics.median(r["cpu"] for r in cv), "CPU-s", "<= 15",
                      statistics.median(r["cpu"] for r in cv) <= 15))
    rows.append(_line("  wall clock", statistics.median(r["wall"] for r in cv), "s", ""))
    rows.append(_line("  its macro-F1 (seed 0)", cv[0]["macro_f1"], "", ""))

    if args.large:
        large = _run(LARGE.format(gnad=str(GNAD), options=GNAD_OPTIONS, n=args.large))
        rows.append(_line(f"fit on {large['n']} synthetic articles ({large['rows']} rows, "
                          f"{large['solver']})", large["cpu"], "CPU-s", ""))
        rows.append(_line("  peak memory", large["peak_mb"], "MB", ""))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
