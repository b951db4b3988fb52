"""Benchmark: cleaning + German analysis over the 10kGNAD sample (721 articles).

Run: ``uv run python benchmarks/bench_analysis.py [--csv PATH] [--repeat N]``

Prints, for one core (this script is single-threaded):

* one-time model loading (simplemma's German dictionary, split-words' 40 MB n-gram table);
* cleaning speed (``topics.text.cleaning.clean_text``);
* analysis *cold* (every cache empty, models loaded), *warm types* (word-type caches full, text
  cache empty: what a second setting-compatible pass over new texts of the same vocabulary costs)
  and *cached* (the text cache hit: a corpus analysed again with the same settings);
* cleaning + cold analysis end to end, the number the target (>= 100,000 tokens/s) is about;
* wall and CPU time (on a shared machine CPU time is the fairer one-core figure);
* word types and tokens out; peak memory (tracemalloc over one cold pass, and the process's
  maximum resident set size).

Speed is *input word tokens* per second: alphanumeric words of the clean text (hyphenated words
count once), the same count for every setting. ``--repeat N`` scales the corpus to N copies; the
copies differ by trailing spaces only, so the text cache misses but the vocabulary is the same
(this measures the per-token path at scale, not new vocabulary).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = Path(
    os.environ.get("TOPICS_10KGNAD", REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv")
)


def load_texts(path: Path) -> list[str]:
    """Raw article texts of the 10kGNAD CSV."""
    import topics

    corpus = topics.load_corpus(
        path, text_column=1, label_column=0, delimiter=";", quotechar="'", header=False
    )
    return list(corpus.texts)


def count_words(texts: list[str]) -> int:
    """Input word tokens: alphanumeric words (the analyser's own tokeniser, separators out)."""
    from topics.text.german import _TOKEN_RE

    return sum(1 for t in texts for tok in _TOKEN_RE.findall(t) if tok[0].isalnum())


def timed(label: str, func, n_tokens: int) -> object:
    """Run ``func`` once; print wall time and CPU time of this process, with tokens/s of each.

    On a shared machine wall time includes waiting for a core; CPU time is what one core spends.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    result = func()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        f"{label:<40} wall {wall:7.3f} s {n_tokens / wall:>11,.0f} tok/s"
        f" | cpu {cpu:7.3f} s {n_tokens / cpu:>11,.0f} tok/s"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="10kGNAD articles.csv")
    parser.add_argument("--repeat", type=int, default=1, help="scale the corpus N times")
    args = parser.parse_args(argv)
    if not args.csv.exists():
        print(
            f"10kGNAD sample not found at {args.csv}. Get articles.csv of the 10k German News "
            "Articles Dataset (https://tblock.github.io/10kGNAD/) and pass --csv PATH or set "
            "TOPICS_10KGNAD.",
            file=sys.stderr,
        )
        return 2
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")

    from topics.text import german, lexicon
    from topics.text.cleaning import clean_text

    raw = load_texts(args.csv)
    # Copy i of an article gets i trailing spaces after cleaning: a different text for the text
    # cache, the same tokens (cleaning would strip them, so they are added after it).
    pads = [" " * i for i in range(args.repeat) for _ in raw]
    raw = raw * args.repeat
    print(f"articles: {len(raw):,} ({args.repeat} x {len(raw) // args.repeat})")

    start = time.perf_counter()
    german.analyse("Grenzübergänge")  # loads simplemma's German data
    lexicon.split_compound("Verteidigungszusammenarbeit")  # loads split-words' n-gram table
    print(f"{'model loading (once per process)':<40} wall {time.perf_counter() - start:7.3f} s")

    clean = [clean_text(t) for t in raw[:50]]  # warm up regexes
    n_tok = count_words([clean_text(t) for t in raw])
    print(f"input word tokens: {n_tok:,}")
    clean = timed("cleaning (clean_text)", lambda: [clean_text(t) for t in raw], n_tok)
    clean = [text + pad for text, pad in zip(clean, pads, strict=True)]

    analyzer = german.GermanAnalyzer()
    german.clear_caches()
    tokens = timed("analysis cold (fresh caches)", lambda: [analyzer(t) for t in clean], n_tok)
    german._ENGINES.clear()  # drop text + type caches of the analyzer, keep lemma/split caches
    timed("analysis, lemma/split caches warm", lambda: [analyzer(t) for t in clean], n_tok)
    for engine in german._ENGINES.values():
        engine.texts.clear()
    timed("analysis warm types (text cache empty)", lambda: [analyzer(t) for t in clean], n_tok)
    timed("analysis cached (same texts again)", lambda: [analyzer(t) for t in clean], n_tok)

    german.clear_caches()
    timed(
        "cleaning + analysis cold (the target)",
        lambda: [analyzer(clean_text(t) + pad) for t, pad in zip(raw, pads, strict=True)],
        n_tok,
    )

    n_out = sum(map(len, tokens))
    print(f"tokens out: {n_out:,}; types out: {len({t for doc in tokens for t in doc}):,}")

    german.clear_caches()
    tracemalloc.start()
    [analyzer(clean_text(t) + pad) for t, pad in zip(raw, pads, strict=True)]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak traced memory of one cold pass: {peak / 2**20:,.1f} MiB")
    print(f"max resident set size of the process: {maxrss_mb:,.0f} MiB (includes models)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
