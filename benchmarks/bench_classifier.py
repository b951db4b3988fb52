"""Speed of the shipped classifier: cold load + first prediction, batch throughput, peak memory.

    uv run python benchmarks/bench_classifier.py [--repeat 5] [--quick] [--json FILE]

Every figure comes from a fresh Python process (so nothing is warm but the OS file cache):

* latency: ``load_classifier()`` + ``predict([one article])`` timed *after* ``import topics``;
  the process start and ``import topics`` are reported separately;
* throughput: ``predict`` over all 721 10kGNAD articles (unseen texts, first pass, one core), or
  over the 137 shipped articles when 10kGNAD is absent;
* peak memory: ``ru_maxrss`` of the throughput process.

Throughput is given per wall-clock second and per CPU second of the process: on a shared,
loaded machine the second is the fair figure for "one core" (prediction is single-threaded).

The peer, TF-IDF + LinearSVC with scikit-learn's defaults (``topics.classifier.peers``), is
measured in the same run: fitted on the shipped corpus's clean texts, and predicting the same batch
(cleaning included); CPU seconds of fresh processes, medians of ``--runs`` runs. Fitting: both on
the shipped corpus, CPU seconds.

Both are measured twice: as the environment is configured, and with a bytecode cache
(``PYTHONPYCACHEPREFIX``), which is what an installed package has (pip compiles ``.pyc``); this
repository's environment sets ``PYTHONDONTWRITEBYTECODE=1``, which makes every import compile
from source.
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

LATENCY = """
import json, time
t0 = time.perf_counter()
import topics
t1 = time.perf_counter()
clf = topics.load_classifier()
labels = clf.predict([open({seed!r}, encoding="utf-8").read()])
t2 = time.perf_counter()
print(json.dumps({{"import_topics": t1 - t0, "load_and_first_prediction": t2 - t1, "labels": labels}}))
"""

PEER_AND_FIT = """
import json, time, topics
from topics.classifier.peers import peer_estimators
from topics.text.cleaning import clean_text
train = topics.load_corpus()
corpus = {loader}
texts = corpus.texts
c = time.process_time()
ours = topics.ArticleClassifier().fit(train.texts, train.labels)
fit_ours = time.process_time() - c
from sklearn.preprocessing import MultiLabelBinarizer
y = MultiLabelBinarizer(classes=sorted(train.label_set)).fit_transform(train.labels)
peer = peer_estimators()["TF-IDF+LinearSVC"]
c = time.process_time()
peer.fit([clean_text(t) for t in train.texts], y)
fit_peer = time.process_time() - c
peer.predict([clean_text(texts[0])])
c = time.process_time()
peer.predict([clean_text(t) for t in texts])
predict_peer = time.process_time() - c
print(json.dumps({{"fit_cpu_s": fit_ours, "peer_fit_cpu_s": fit_peer,
                  "peer_articles_per_cpu_s": len(texts) / predict_peer}}))
"""

THROUGHPUT = """
import json, resource, time, topics
corpus = {loader}
texts = corpus.texts
clf = topics.load_classifier()
clf.predict(texts[:1])
t, c = time.perf_counter(), time.process_time()
clf.predict(texts)
elapsed, cpu = time.perf_counter() - t, time.process_time() - c
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"n": len(texts), "seconds": elapsed, "articles_per_s": len(texts) / elapsed,
                  "articles_per_cpu_s": len(texts) / cpu, "peak_mb": peak}}))
"""


def _run(code: str, env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _envs(cache: str) -> dict[str, dict[str, str]]:
    base = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    cached = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = cache
    return {"environment as configured": base, "with bytecode cache": cached}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per latency figure")
    parser.add_argument("--runs", type=int, default=None, help="throughput/fit runs (median; 3)")
    parser.add_argument("--quick", action="store_true", help="2 runs, 3 latency processes")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    n_runs = args.runs or (2 if args.quick else 3)
    if args.quick:
        args.repeat = min(args.repeat, 3)
    figures: dict = {"runs": n_runs}
    seed = str(next((ROOT / "seeds").glob("001_*.txt")))
    if GNAD.exists():
        loader = (
            f"topics.load_corpus({str(GNAD)!r}, text_column=1, label_column=0, delimiter=';', "
            'quotechar="\'", header=False)'
        )
        corpus_name = "10kGNAD (721 articles)"
    else:
        loader, corpus_name = "topics.load_corpus()", "shipped corpus (137 articles)"
        print(f"10kGNAD not found at {GNAD}: the batch is the shipped corpus (set TOPICS_10KGNAD)")
    figures["corpus"] = corpus_name
    with tempfile.TemporaryDirectory() as cache:
        for name, env in _envs(cache).items():
            _run(LATENCY.format(seed=seed), env)  # warm the bytecode cache / OS file cache
            runs = [_run(LATENCY.format(seed=seed), env) for _ in range(args.repeat)]
            load = [r["load_and_first_prediction"] for r in runs]
            imp = [r["import_topics"] for r in runs]
            batches = [_run(THROUGHPUT.format(loader=loader), env) for _ in range(n_runs)]
            batch = {k: statistics.median(b[k] for b in batches) for k in batches[0]}
            print(f"## {name}")
            print(
                f"load_classifier() + first prediction after `import topics`: median "
                f"{statistics.median(load):.3f} s (min {min(load):.3f}, max {max(load):.3f}; "
                f"{args.repeat} fresh processes); `import topics` itself {statistics.median(imp):.3f} s"
            )
            print(
                f"batch throughput, {corpus_name}, one core: {batch['articles_per_s']:.0f} articles/s "
                f"wall clock ({batch['n']} in {batch['seconds']:.2f} s), "
                f"{batch['articles_per_cpu_s']:.0f} articles per CPU second; "
                f"peak memory {batch['peak_mb']:.0f} MB"
            )
            print(f"first prediction: {runs[0]['labels']}\n")
            figures[name] = {
                "load_and_first_prediction_s": statistics.median(load),
                "import_topics_s": statistics.median(imp),
                **{k: batch[k] for k in ("articles_per_s", "articles_per_cpu_s", "peak_mb")},
            }
        env = _envs(cache)["with bytecode cache"]
        fits = [_run(PEER_AND_FIT.format(loader=loader), env) for _ in range(n_runs)]
    fit = {k: statistics.median(f[k] for f in fits) for k in fits[0]}
    ours = figures["with bytecode cache"]["articles_per_cpu_s"]
    figures.update(fit)
    figures["predict_ratio_to_peer"] = ours / fit["peer_articles_per_cpu_s"]
    figures["fit_ratio_to_peer"] = fit["fit_cpu_s"] / fit["peer_fit_cpu_s"]
    print(
        f"## peer TF-IDF + LinearSVC (medians of {n_runs} fresh processes)\n"
        f"batch prediction: ours {ours:,.0f} articles/CPU-s, peer "
        f"{fit['peer_articles_per_cpu_s']:,.0f} (ours/peer {figures['predict_ratio_to_peer']:.2f})\n"
        f"fit on the shipped corpus: ours {fit['fit_cpu_s']:.2f} CPU-s, peer "
        f"{fit['peer_fit_cpu_s']:.2f} (ours/peer {figures['fit_ratio_to_peer']:.1f}x)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
