"""LDA and NMF on paragraphs: each paragraph by its own words, or read in its article's context
(issue 9: "LDA and NMF get ... sensible defaults from the same measurements"; "a paragraph may use
its article as context").

Run: ``uv run python benchmarks/topic_paragraph_context.py [--seeds 0 1 2 3 4] [--out DIR]
[--json FILE]`` (``TOPICS_10KGNAD`` names the 10kGNAD sample). It writes ``DIR/lda_context.md``
and ``DIR/nmf_context.md`` (default: ``experiments/results/topic_model_selection``; a slow test
reruns them and compares); fit CPU seconds go to ``--json`` only, so the tables are the same on
every run.

A paragraph holds a few dozen words, too few for LDA's word co-occurrence counts: the standard
remedy for short texts is to pool them into longer documents (tweets by author or hashtag,
Mehrotra et al. 2013); a paragraph's natural pool is its article. The LDA default
(``context_weight``) fits on the articles and gives each paragraph ``w`` x its own topic
distribution (inferred from its tokens by the article-level model) + (1 - ``w``) x its article's;
``context_weight: null`` fits on the paragraphs as LDA did before. NMF keeps its factorisation of
the paragraphs (its words and coherence do not move) and gives each paragraph ``w`` x its own
topic shares + (1 - ``w``) x its article's (the mean of its paragraphs' shares); ``null``: its own
shares. Both are fitted on the shipped corpus's paragraphs and on the 721 10kGNAD articles cut
into three-sentence paragraphs (each without the paragraphs repeated in 5 or more articles, as a
run fits it), with ``w`` = none, 1 (LDA: fitted on the articles, each paragraph by its own words),
0.3 (the BERTopic default's weight, not tuned here) and 0 (each paragraph as its article), seeds
0-4: NPMI, diversity, NMI per paragraph and per article (the majority topic of its paragraphs)
against the labels, the largest topic's share, and the mean adjusted Rand index between the seeds'
assignments. Articles as units are fitted as before whatever ``w`` is.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_MISSING, GNAD_OPTIONS, write_json  # noqa: E402
from topic_clustering import _evaluated  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "experiments" / "results" / "topic_model_selection"
# NMF at weight 1 is NMF without context: the same shares
WEIGHTS = {"lda": (None, 1.0, 0.3, 0.0), "nmf": (None, 0.3, 0.0)}
TITLES = {
    "lda": "LDA on paragraphs: fitted on the paragraphs, or on their articles in context",
    "nmf": "NMF on paragraphs: each paragraph by its own shares, or in its article's context",
}
SECTIONS = {"lda": "LDA on paragraphs", "nmf": "NMF on paragraphs"}
METRICS = ("npmi", "diversity", "nmi", "nmi_article", "largest_topic_share")


def corpora():
    """(name, paragraph units) to fit, each as a run fits it (repeated paragraphs dropped)."""
    import topics
    from topics.corpus.synthetic import with_paragraphs

    yield "shipped paragraphs", topics.load_corpus().drop_repeated_paragraphs().units("paragraph")
    if not GNAD.is_file():
        print(GNAD_MISSING)
        return
    gnad = topics.load_corpus(GNAD, **GNAD_OPTIONS).drop_repeated_paragraphs()
    cut = topics.Corpus([with_paragraphs(a, 3) for a in gnad], name="10kgnad")
    yield "10kGNAD articles as paragraphs", cut.units("paragraph")


def measure(family: str, units, weight: float | None, seeds: list[int]) -> dict:
    """The family's default with this context weight over the seeds: mean and sd of each metric,
    the mean pairwise ARI between the seeds' assignments and the fit CPU seconds."""
    from sklearn.metrics import adjusted_rand_score

    from topics.topic_models import lda, nmf

    fit = {"lda": lda.fit, "nmf": nmf.fit}[family]
    runs, assignments, cpu = [], [], []
    for seed in seeds:
        start = time.process_time()
        fitted = fit(units, seed, context_weight=weight)
        cpu.append(time.process_time() - start)
        runs.append(_evaluated(fitted, units))
        assignments.append(fitted.assignments)
    pairs = list(itertools.combinations(assignments, 2))
    out = {"context_weight": weight, "fit_cpu_s": [round(c, 2) for c in cpu],
           "n_topics": len(fitted.topics),
           "ari_between_seeds": statistics.fmean(adjusted_rand_score(a, b) for a, b in pairs)
           if pairs else 1.0}
    for metric in METRICS:
        values = [float(r[metric]) for r in runs]
        out[metric] = statistics.fmean(values)
        out[f"{metric}_sd"] = statistics.stdev(values) if len(values) > 1 else 0.0
    return out


def _weight_name(family: str, weight: float | None) -> str:
    if weight is None:
        return "none: fitted on the paragraphs" if family == "lda" else "none: its own shares"
    return f"{weight:g}" + (" (default)" if weight == 0.3 else "")


def row(family: str, corpus: str, figures: dict) -> str:
    cells = [corpus, _weight_name(family, figures["context_weight"]), str(figures["n_topics"])]
    cells += [f"{figures[m]:.3f} ± {figures[m + '_sd']:.3f}" for m in METRICS]
    cells.append(f"{figures['ari_between_seeds']:.3f}")
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--out", type=Path, default=OUT, help="write the tables here")
    parser.add_argument("--json", type=Path, help="write the figures (with fit CPU-s) here")
    args = parser.parse_args(argv)
    seeds = " ".join(map(str, args.seeds))
    tables = {family: [f"# {title}", "",
                       f"`uv run python benchmarks/topic_paragraph_context.py --seeds {seeds}`; "
                       f"the {family.upper()} default at each `context_weight`, seeds {seeds}, "
                       f"mean ± sd. Read with `topic_model_selection/README.md`, section "
                       f"\"{SECTIONS[family]}\".", "",
                       "| corpus | context weight | topics | NPMI | diversity | NMI | NMI article "
                       "| largest topic | ARI between seeds |",
                       "|---|---|---|---|---|---|---|---|---|"]
              for family, title in TITLES.items()}
    figures = []
    for name, units in corpora():
        for family, weights in WEIGHTS.items():
            for weight in weights:
                measured = measure(family, units, weight, args.seeds)
                figures.append({"family": family, "corpus": name, **measured})
                tables[family].append(row(family, name, measured))
                print(family, tables[family][-1], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for family, lines in tables.items():
        (args.out / f"{family}_context.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.json:
        write_json(args.json, {"figures": figures})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
