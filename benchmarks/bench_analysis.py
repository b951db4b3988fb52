"""Benchmark: cleaning + German analysis, against simplemma's own tokenize + lemmatize.

Run: ``uv run python benchmarks/bench_analysis.py [--csv PATH] [--runs N] [--sizes 1000,10000]``
(``TOPICS_10KGNAD`` names the 10kGNAD sample, 721 articles; ``--json FILE`` saves the figures).

Every figure is CPU time of one process on one core (the analyser is single-threaded), the median
of ``--runs`` runs; on a shared machine CPU seconds are the fair measure, and the peer measured in
the same run gives a ratio that does not depend on how loaded the machine is.

1. **Tables**: a fresh process opening the German tables (``topics.text.tables``), CPU seconds and
   resident memory, against loading the libraries' own data (simplemma's German dictionary and
   split-words' n-gram JSON).
2. **Throughput, tables loaded** (tokens per CPU-second): cleaning alone; cleaning + analysis of
   unseen text (every cache empty: the target, >= 300,000); analysis with warm word-type caches;
   analysis answered from the text cache. The peer: simplemma's ``text_lemmatizer`` (tokenizer +
   lemmatiser) on the same raw texts in a fresh process, its dictionary loaded first.
3. **Cold whole process**: a fresh Python process that imports the package, opens the tables,
   cleans and analyses the 721 articles, against a fresh process running simplemma's
   ``text_lemmatizer`` (its tokenizer + lemmatiser) on the same raw texts. Both read the texts
   from the same JSON file. Target: ratio <= 1.5.
4. **Per-chunk throughput at scale**: perturbed copies of the articles (sentences shuffled, 10 %
   dropped, so every text is new to the text cache) streamed through cleaning + analysis in
   chunks of 1,000 articles in one process; tokens per CPU-second of the first, middle and last
   chunk at each size, and the process's peak resident memory. Flat means no chunk slows down as
   the caches grow.

Speed is *input word tokens* per second: alphanumeric words of the clean text (hyphenated words
count once), the same count for every setting and for the peer.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_OPTIONS, PEAK_MB, median, positive_int  # noqa: E402

_WORDS = re.compile(r"[^\W_]+(?:-[^\W_]+)*-?")


def load_texts(path: Path) -> list[str]:
    """Raw article texts of the 10kGNAD CSV; the shipped corpus's when it is absent."""
    import topics

    if not path.exists():
        return list(topics.load_corpus().texts)
    corpus = topics.load_corpus(path, **GNAD_OPTIONS)
    return list(corpus.texts)


def count_words(texts: list[str]) -> int:
    """Input word tokens: alphanumeric words (the analyser's tokeniser, separators out)."""
    return sum(len(_WORDS.findall(t)) for t in texts)


def cpu(func) -> tuple[float, object]:
    start = time.process_time()
    result = func()
    return time.process_time() - start, result


# --------------------------------------------------------------------------------------------
# child processes: each prints one JSON line with its own CPU time and peak memory

_CHILD_TABLES = (
    PEAK_MB
    + r"""
import json, resource, sys, time
start = time.process_time()
what = sys.argv[1]
if what == "tables":
    from topics.text import lemmatizer, splitter, tables
    tables.load()
    lemmatizer.lemmatize("Grenzübergänge"); splitter.best_split("Verteidigungszusammenarbeit")
else:
    import simplemma
    from split_words.splitter import get_ngram_probs
    simplemma.lemmatize("Grenzübergänge", lang="de"); get_ngram_probs()
print(json.dumps({"cpu": time.process_time() - start,
                  "rss_mb": peak_mb()}))
"""
)

_CHILD_PEER_THROUGHPUT = r"""
import json, sys, time
texts = json.load(open(sys.argv[1], encoding="utf-8"))
import simplemma
simplemma.lemmatize("Grenzübergänge", lang="de")  # its German dictionary loaded
start = time.process_time()
n = sum(len(simplemma.text_lemmatizer(t, lang="de")) for t in texts)
print(json.dumps({"cpu": time.process_time() - start, "tokens_out": n}))
"""

_CHILD_OURS = (
    PEAK_MB
    + r"""
import json, resource, sys, time
start = time.process_time()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
from topics.text.cleaning import clean_text
from topics.text.german import GermanAnalyzer
analyzer = GermanAnalyzer()
n = sum(len(analyzer(clean_text(t))) for t in texts)
print(json.dumps({"cpu": time.process_time() - start, "tokens_out": n,
                  "rss_mb": peak_mb()}))
"""
)

_CHILD_PEER = (
    PEAK_MB
    + r"""
import json, resource, sys, time
start = time.process_time()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
import simplemma
n = sum(len(simplemma.text_lemmatizer(t, lang="de")) for t in texts)
print(json.dumps({"cpu": time.process_time() - start, "tokens_out": n,
                  "rss_mb": peak_mb()}))
"""
)


def child(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------


def bench_tables(runs: int) -> dict:
    ours = [child(_CHILD_TABLES, "tables") for _ in range(runs)]
    libs = [child(_CHILD_TABLES, "libraries") for _ in range(runs)]
    result = {
        "tables_cpu_s": median([r["cpu"] for r in ours]),
        "tables_rss_mb": median([r["rss_mb"] for r in ours]),
        "libraries_cpu_s": median([r["cpu"] for r in libs]),
        "libraries_rss_mb": median([r["rss_mb"] for r in libs]),
    }
    print(
        f"tables (fresh process)            {result['tables_cpu_s']:6.3f} CPU-s "
        f"{result['tables_rss_mb']:6.0f} MB peak RSS | libraries' data "
        f"{result['libraries_cpu_s']:6.3f} CPU-s {result['libraries_rss_mb']:6.0f} MB"
    )
    return result


def bench_throughput(raw: list[str], runs: int) -> dict:
    from topics.text import german
    from topics.text.cleaning import clean_text

    analyzer = german.GermanAnalyzer()
    analyzer("Grenzübergänge und Verteidigungszusammenarbeit")  # tables open
    n_tok = count_words([clean_text(t) for t in raw])
    rows: dict[str, list[float]] = {"clean": [], "clean+cold": [], "warm types": [], "cached": []}
    for _ in range(runs):
        german.clear_caches()
        t_clean, clean = cpu(lambda: [clean_text(t) for t in raw])
        german.clear_caches()
        t_cold, _ = cpu(lambda: [analyzer(clean_text(t)) for t in raw])
        for engine in german._ENGINES.values():
            engine.texts.clear()
        t_warm, _ = cpu(lambda: [analyzer(t) for t in clean])  # noqa: B023
        t_cached, _ = cpu(lambda: [analyzer(t) for t in clean])  # noqa: B023
        rows["clean"].append(t_clean)
        rows["clean+cold"].append(t_cold)
        rows["warm types"].append(t_warm)
        rows["cached"].append(t_cached)
    result = {"input_word_tokens": n_tok}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(raw, fh, ensure_ascii=False)
    try:
        peer = median([child(_CHILD_PEER_THROUGHPUT, fh.name)["cpu"] for _ in range(runs)])
    finally:
        os.unlink(fh.name)
    result["simplemma_cpu_s"] = peer
    result["simplemma_tok_per_cpu_s"] = n_tok / peer
    labels = {
        "clean": "cleaning alone",
        "clean+cold": "cleaning + analysis, unseen text",
        "warm types": "analysis, word types cached",
        "cached": "analysis, text cache hit",
    }
    for key, times in rows.items():
        t = median(times)
        result[f"{key}_cpu_s"] = t
        result[f"{key}_tok_per_cpu_s"] = n_tok / t
        print(f"{labels[key]:<34} {t:6.3f} CPU-s {n_tok / t:>12,.0f} tokens/CPU-s")
    result["clean+cold_ratio_to_simplemma"] = result["clean+cold_cpu_s"] / peer
    print(
        f"{'peer: simplemma tokenize+lemmatize':<34} {peer:6.3f} CPU-s {n_tok / peer:>12,.0f} "
        f"tokens/CPU-s | ours / peer CPU: {result['clean+cold_ratio_to_simplemma']:.2f}"
    )
    return result


def bench_whole_process(raw: list[str], runs: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(raw, fh, ensure_ascii=False)
    try:
        ours, peer = [], []
        for _ in range(runs):  # interleaved: both see the same machine load
            ours.append(child(_CHILD_OURS, fh.name))
            peer.append(child(_CHILD_PEER, fh.name))
    finally:
        os.unlink(fh.name)
    o, p = median([r["cpu"] for r in ours]), median([r["cpu"] for r in peer])
    ratios = [a["cpu"] / b["cpu"] for a, b in zip(ours, peer, strict=True)]
    result = {
        "cold_process_cpu_s": o,
        "cold_process_rss_mb": median([r["rss_mb"] for r in ours]),
        "simplemma_process_cpu_s": p,
        "simplemma_process_rss_mb": median([r["rss_mb"] for r in peer]),
        "cold_process_ratio": median(ratios),
    }
    print(
        f"cold whole process                {o:6.3f} CPU-s {result['cold_process_rss_mb']:6.0f} MB"
        f" | simplemma tokenize+lemmatize {p:6.3f} CPU-s "
        f"{result['simplemma_process_rss_mb']:6.0f} MB | ratio {result['cold_process_ratio']:.2f}"
    )
    return result


def bench_scale(raw: list[str], sizes: list[int], chunk: int = 1000) -> dict:
    """Stream perturbed copies in chunks through cleaning + analysis, in a fresh process each."""
    result = {}
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--scale-child", str(size), "--csv", str(ARGS.csv)],
            check=True,
            capture_output=True,
            text=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        result[str(size)] = row
        chunks = row["chunk_tok_per_cpu_s"]
        print(
            f"{size:>7,} articles: {row['tok_per_cpu_s']:>10,.0f} tokens/CPU-s overall;"
            f" chunk first {chunks[0]:>9,.0f} middle {chunks[len(chunks) // 2]:>9,.0f}"
            f" last {chunks[-1]:>9,.0f}; peak RSS {row['rss_mb']:,.0f} MB"
        )
    return result


def scale_child(size: int, raw: list[str], chunk: int = 1000) -> None:
    from topics.corpus.synthetic import perturb
    from topics.text.cleaning import clean_text
    from topics.text.german import GermanAnalyzer

    analyzer = GermanAnalyzer()
    analyzer("Grenzübergänge und Verteidigungszusammenarbeit")  # tables open (outside the timing)
    rng = random.Random(size)
    rates, total_tok, total_cpu = [], 0, 0.0
    done = 0
    while done < size:
        n = min(chunk, size - done)
        # the first pass is the articles themselves, later ones perturbed copies
        texts = [
            raw[(done + i) % len(raw)]
            if done + i < len(raw)
            else perturb(raw[(done + i) % len(raw)], rng)
            for i in range(n)
        ]
        n_tok = count_words(texts)
        t, _ = cpu(lambda: [analyzer(clean_text(x)) for x in texts])  # noqa: B023
        rates.append(n_tok / t)
        total_tok += n_tok
        total_cpu += t
        done += n
    print(
        json.dumps(
            {
                "articles": size,
                "tok_per_cpu_s": total_tok / total_cpu,
                "chunk_tok_per_cpu_s": rates,
                "rss_mb": _peak_mb(),
            }
        )
    )


def _peak_mb() -> float:
    """This process's peak resident memory in MB (as ``peak_mb`` in the child code)."""
    namespace: dict = {}
    exec(PEAK_MB, namespace)  # one definition for this process and the child processes
    return namespace["peak_mb"]()


ARGS: argparse.Namespace


def main(argv: list[str] | None = None) -> int:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=GNAD, help="10kGNAD articles.csv")
    parser.add_argument("--runs", type=positive_int, default=None, help="runs per figure (median; 3)")
    parser.add_argument("--quick", action="store_true", help="2 runs per figure, no scale part")
    parser.add_argument(
        "--sizes", default="1000,10000", help="articles per scale run, e.g. 1000,10000,100000"
    )
    parser.add_argument(
        "--skip", default="", help="comma list of parts to skip: tables,throughput,process,scale"
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    ARGS = args = parser.parse_args(argv)
    args.runs = args.runs or (2 if args.quick else 3)
    if args.quick:
        args.skip = ",".join(filter(None, [args.skip, "scale"]))
    corpus_name = "10kGNAD" if args.csv.exists() else "shipped"
    if not args.csv.exists() and not args.scale_child:
        print(
            f"10kGNAD sample not found at {args.csv}: measuring on the shipped corpus instead "
            "(figures not comparable with the targets). Get articles.csv of the 10k German News "
            "Articles Dataset (tblock/10kGNAD) and pass --csv PATH or set TOPICS_10KGNAD.",
            file=sys.stderr,
        )
    raw = load_texts(args.csv)
    if args.scale_child:
        scale_child(args.scale_child, raw)
        return 0
    skip = set(filter(None, args.skip.split(",")))
    print(
        f"articles: {len(raw):,}; runs per figure: {args.runs} (median); python {sys.version.split()[0]}"
    )
    figures: dict = {
        "corpus": corpus_name,
        "articles": len(raw),
        "runs": args.runs,
        "load_avg": os.getloadavg(),
    }
    if "tables" not in skip:
        figures["tables"] = bench_tables(args.runs)
    if "throughput" not in skip:
        figures["throughput"] = bench_throughput(raw, args.runs)
    if "process" not in skip:
        figures["process"] = bench_whole_process(raw, args.runs)
    if "scale" not in skip:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        figures["scale"] = bench_scale(raw, sizes)
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
