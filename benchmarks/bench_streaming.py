"""Streaming NMF against the in-memory NMF on the same articles and k: cost and quality.

Run: ``uv run python benchmarks/bench_streaming.py [--sizes 721,5000] [--k 13] [--json FILE]``

Corpora: the 10kGNAD sample as it is (721 articles, 9 labels; the shipped corpus when it is
absent), and perturbed copies of it (:mod:`topics.corpus.synthetic`) for the larger sizes,
written to JSON Lines first. For each size, three fresh processes:

1. **In memory**: ``topics.load_corpus`` + ``topics.fit_topic_model(corpus, "nmf",
   unit="article", n_components=k)`` (NMF, coordinate descent to convergence, metrics on all
   units).
2. **Streamed**: ``topics.fit_streaming_nmf(path, k)`` (reads of the file in chunks: vocabulary,
   topics, then every article's topic written with ``assignments=`` and scored in the same read).
3. **Scoring** (not timed): both models' topic words and assignments scored on the same tokens of
   all articles: NPMI (gensim, window 10, top 10 words), OCTIS diversity, NMI and ARI against the
   primary labels (:mod:`topics.evaluation.topic_metrics`).

Cost: CPU seconds of the whole process (getrusage of the child: reading, analysis, fit and its own
evaluation; on a shared machine wall time measures the neighbours) and its peak resident memory
(VmHWM). The same seed (0) for both.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_OPTIONS, PEAK_MB, child_cpu, last_json, machine, write_json  # noqa: E402

_IN_MEMORY = PEAK_MB + r"""
import json, sys, time
import topics
path, options, k, out = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
corpus = topics.load_corpus(path, **options)
result = topics.fit_topic_model(corpus, "nmf", unit="article", seed=0, n_components=k,
                                verbose=False)
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"topics": {t: [w for w, _ in ws] for t, ws in result.topics.items()},
               "assignments": [int(a) for a in result.assignments]}, fh)
print(json.dumps({"peak_mb": peak_mb(), "own_metrics": result.metrics}))
"""

_STREAMED = PEAK_MB + r"""
import json, sys
import topics
path, options, k, out, chunk = (sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]),
                                sys.argv[4], int(sys.argv[5]))
result = topics.fit_streaming_nmf(path, k, chunk_size=chunk, seed=0, assignments=out + ".jsonl",
                                  **options)
with open(out + ".jsonl", encoding="utf-8") as fh:
    assignments = [json.loads(line)["topic"] for line in fh]
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"topics": {t: [w for w, _ in ws] for t, ws in result.topics.items()},
               "assignments": assignments}, fh)
print(json.dumps({"peak_mb": peak_mb(), "own_metrics": result.metrics}))
"""

_SCORE = r"""
import json, sys
import topics
from topics.corpus.stream import iter_tokens
from topics.evaluation.topic_metrics import coherence, label_alignment, primary_labels, topic_diversity
path, options = sys.argv[1], json.loads(sys.argv[2])
records = list(iter_tokens(path, **options))
tokens = [r.tokens for r in records]
labels = primary_labels([r.labels for r in records])
scores = {}
for name in sys.argv[3:]:
    with open(name, encoding="utf-8") as fh:
        model = json.load(fh)
    topics_ = {int(t): ws for t, ws in model["topics"].items()}
    scores[name] = {"npmi": coherence(topics_, tokens, measure="c_npmi", topn=10, window_size=10),
                    "diversity": topic_diversity(topics_, 10),
                    **label_alignment(model["assignments"], labels)}
print(json.dumps(scores))
"""


def source() -> tuple[str, Path, dict]:
    """The real corpus: its name, path and reading options."""
    if GNAD.is_file():
        return "10kGNAD", GNAD, dict(GNAD_OPTIONS)
    import topics.corpus.readers as readers

    print(f"10kGNAD not found at {GNAD}: the shipped corpus instead (set TOPICS_10KGNAD)")
    return "shipped", readers.shipped_corpus_path(), {}


def corpus_of_size(n: int, folder: Path) -> tuple[str, Path, dict]:
    """The real corpus when ``n`` is its size (or 0), else ``n`` perturbed copies as JSON Lines."""
    import topics
    from topics.corpus.synthetic import synthetic_articles, write_jsonl

    name, path, options = source()
    articles = list(topics.load_corpus(path, **options))
    if n in (0, len(articles)):
        return f"{name} ({len(articles):,})", path, options
    out = write_jsonl(synthetic_articles(articles, n, seed=0), folder / f"copies-{n}.jsonl")
    return f"{name} copies ({n:,})", out, {}


def bench_size(n: int, k: int, chunk: int, folder: Path) -> dict:
    label, path, options = corpus_of_size(n, folder)
    shared = [str(path), json.dumps(options), str(k)]
    memory_out, stream_out = folder / f"memory-{n}.json", folder / f"stream-{n}.json"
    row: dict = {"corpus": label, "k": k, "chunk_size": chunk}
    cpu, _, out = child_cpu([sys.executable, "-c", _IN_MEMORY, *shared, str(memory_out)])
    row["in_memory"] = {"cpu_s": cpu, **last_json(out)}
    cpu, _, out = child_cpu([sys.executable, "-c", _STREAMED, *shared, str(stream_out), str(chunk)])
    row["streamed"] = {"cpu_s": cpu, **last_json(out)}
    _, _, out = child_cpu([sys.executable, "-c", _SCORE, str(path), json.dumps(options),
                           str(memory_out), str(stream_out)])
    scores = last_json(out)
    row["in_memory"]["scores"] = scores[str(memory_out)]
    row["streamed"]["scores"] = scores[str(stream_out)]
    report(row)
    return row


def report(row: dict) -> None:
    print(f"\n{row['corpus']}, k={row['k']}, chunks of {row['chunk_size']:,}")
    print(f"  {'':10} {'CPU-s':>7} {'peak MB':>8} {'NPMI':>7} {'divers.':>8} {'NMI':>6} {'ARI':>6}")
    for key in ("in_memory", "streamed"):
        part, scores = row[key], row[key]["scores"]
        print(f"  {key:10} {part['cpu_s']:7.1f} {part['peak_mb']:8.0f} {scores['npmi']:7.3f}"
              f" {scores['diversity']:8.3f} {scores.get('nmi', float('nan')):6.3f}"
              f" {scores.get('ari', float('nan')):6.3f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,5000",
                        help="comma list of article counts; 0 = the real corpus as it is")
    parser.add_argument("--k", type=int, default=13, help="topics (both models)")
    parser.add_argument("--chunk-size", type=int, default=1000, help="articles per chunk")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    figures: dict = {"machine": machine(), "sections": {"streaming": {"rows": []}}}
    with tempfile.TemporaryDirectory() as folder:
        for n in (int(s) for s in args.sizes.split(",")):
            row = bench_size(n, args.k, args.chunk_size, Path(folder))
            figures["sections"]["streaming"]["rows"].append(row)
    write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
