"""How the BERTopic default chooses its topic words for sharing sentences (issue 9: "choose the
route by measurement ... representation").

Run: ``uv run python benchmarks/topic_word_cooccurrence.py [--sizes 1000 2000] [--out DIR]``
(``TOPICS_10KGNAD`` names the 10kGNAD sample). It writes ``DIR/cooccurrence.md`` (default:
``experiments/results/topic_model_selection``; a slow test reruns it and compares). The route has
no random step: two fits per corpus (all of it and half its articles).

The default's words are ranked by weight x exclusivity, then each list is built from three times
as many candidates: the first word, then each time the candidate with the highest ``(1 - c) x``
its relative weight ``+ c x`` its mean NPMI over sentences with the words already listed
(:mod:`topics.topic_models.cooccurring_words`; ``word_cooccurrence`` c, 0 = the ranked order).
For every corpus of ``topic_clustering.corpora`` at the default's k this fits the partition once
(and once on half its articles) and chooses the words with each c:

1. NPMI / diversity of the top 10 words over the whole corpus (as a run reports them);
2. the honesty check: the whole default (partition, ranking and choice) fitted on half the
   articles (every other article, in corpus order), its words' NPMI over the units of the other
   half. NPMI over the fitted corpus reads counts the choice has read too; the held-out half's
   counts neither the choice nor the ranking has seen. Half a corpus is small, so most pairs of
   a topic's words meet in few of its windows and the figures are far lower; what counts is the
   difference between the columns. (In the perturbed corpora both halves hold copies of the
   same articles: their held-out rows are not independent.)
3. at the default c, the candidates a list is chosen from (2, 3 or 5 per listed word), and
4. those candidates ranked with the default's exclusivity or without it (g 0): both figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import selection_table_main  # noqa: E402
from topic_clustering import bertopic_default, corpora  # noqa: E402
from topic_word_exclusivity import default_k  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "experiments" / "results" / "topic_model_selection"
COOCCURRENCE = (0.0, 0.25, 0.5, 0.75, 1.0)
POOLS = (2, 3, 5)  # candidates per listed word


def candidates(units):
    """The default fitted on ``units`` at its k: its tokens, the analyser and its partition's
    words ranked with exclusivity g, the top n (``ranked(g, n)``)."""
    from topics.topic_models import bertopic
    from topics.topic_models.common import make_analyzer
    from topics.topic_models.nmf import partition_components, ranked_words

    fitted = bertopic.fit(units, 0, nr_topics=default_k(units))
    s = fitted.settings
    components = partition_components(fitted.tokens, fitted.assignments, min_df=s["min_df"],
                                      max_df=s["max_df"], iterations=s["nmf_iterations"])
    analyzer = make_analyzer(s)
    parts = analyzer if s["hide_compound_parts"] else None
    return fitted.tokens, analyzer, lambda g, n: ranked_words(components, g, n, parts)


def choices(units, variants):
    """The default fitted on ``units``: its tokens, the analyser and its words for every (c, m, g)
    of ``variants``: chosen with weight c among m x 10 candidates ranked with exclusivity g (c = 0:
    the ranked top 10, as the setting gives them)."""
    from topics.topic_models.cooccurring_words import cooccurring_words

    tokens, analyzer, ranked = candidates(units)
    texts = [u.text for u in units]
    return tokens, analyzer, {
        (c, m, g): ranked(g, 10) if c == 0 else cooccurring_words(
            ranked(g, 10 * m), texts, analyzer, cooccurrence=c, top_n=10)
        for c, m, g in variants}


def measure(units, variants) -> tuple[dict, dict, int]:
    """For every (c, m, g) of ``variants``: NPMI and diversity over the corpus; NPMI over the
    held-out half of the words the default chose fitted on the other half; and that half's k."""
    from topics.evaluation.topic_metrics import coherence, topic_diversity
    from topics.topic_models.common import article_ids, tokenize

    tokens, _, whole = choices(units, variants)
    ids = article_ids(units)
    seen = set(sorted(set(ids), key=ids.index)[0::2])
    fitted_half = [u for u, a in zip(units, ids, strict=True) if a in seen]
    _, analyzer, half = choices(fitted_half, variants)
    held_out = tokenize([u.text for u, a in zip(units, ids, strict=True) if a not in seen],
                        analyzer)
    return ({v: (coherence(w, tokens), topic_diversity(w, 10)) for v, w in whole.items()},
            {v: coherence(w, held_out) for v, w in half.items()}, default_k(fitted_half))


def table(sizes: list[int]) -> str:
    """The Markdown of ``cooccurrence.md``."""
    from topics.topic_models.cooccurring_words import CANDIDATES_PER_WORD as M

    c0, g0 = bertopic_default("word_cooccurrence"), bertopic_default("word_exclusivity")
    by_c = [(c, M, g0) for c in COOCCURRENCE]
    by_m = [(c0, m, g0) for m in POOLS]
    by_g = [(c0, M, g) for g in (0.0, g0)]
    head_c = " | ".join(f"c {c:g}" + (" (default)" if c == c0 else "") for c, _, _ in by_c)
    head_m = " | ".join(f"{m} x" + (" (default)" if m == M else "") for _, m, _ in by_m)
    head_g = " | ".join(f"g {g:g}" + (" (default)" if g == g0 else "") for _, _, g in by_g)
    rows: dict[str, list[str]] = {"whole": [], "half": [], "pools": [], "exclusivity": []}
    for name, units in corpora(sizes):
        corpus, half, k_half = measure(units, set(by_c) | set(by_m) | set(by_g))
        k = default_k(units)
        both = {v: f"{corpus[v][0]:.3f} / {corpus[v][1]:.3f}; {half[v]:.3f}" for v in corpus}
        rows["whole"].append(f"| {name} | {k} | "
                             + " | ".join(f"{corpus[v][0]:.3f} / {corpus[v][1]:.3f}"
                                          for v in by_c) + " |")
        rows["half"].append(f"| {name} | {k_half} | "
                            + " | ".join(f"{half[v]:.3f}" for v in by_c) + " |")
        rows["pools"].append(f"| {name} | {k} / {k_half} | "
                             + " | ".join(both[v] for v in by_m) + " |")
        rows["exclusivity"].append(f"| {name} | {k} / {k_half} | "
                                   + " | ".join(both[v] for v in by_g) + " |")
        print(*(r[-1] for r in rows.values()), sep="\n", flush=True)
    cells = "Cells: NPMI / diversity over the corpus; NPMI over the held-out half (as above).\n"
    return "\n".join([
        "# Topic words chosen for sharing sentences in the BERTopic default\n",
        f"`uv run python benchmarks/topic_word_cooccurrence.py --sizes {' '.join(map(str, sizes))}`"
        "; the default at its k (the route has no random step), its words chosen with each c "
        f"among {M} x 10 candidates. Read with `topic_model_selection/README.md`, section "
        "\"Topic words: sentences\".\n",
        "## NPMI / diversity of the top 10 words over the corpus\n",
        f"| corpus | k | {head_c} |", "|---|---|" + "---|" * len(by_c), *rows["whole"], "",
        "## NPMI over a held-out half: the default fitted on the other half\n",
        "Every other article (in corpus order) fitted, at that half's k; NPMI over the units of "
        "the rest. Compare the columns, not the corpora.\n",
        f"| corpus | k | {head_c} |", "|---|---|" + "---|" * len(by_c), *rows["half"], "",
        f"## Candidates per listed word, at c {c0:g}\n", cells,
        f"| corpus | k (whole / half) | {head_m} |", "|---|---|" + "---|" * len(by_m),
        *rows["pools"], "",
        f"## Candidates ranked with and without exclusivity, at c {c0:g}\n", cells,
        f"| corpus | k (whole / half) | {head_g} |", "|---|---|" + "---|" * len(by_g),
        *rows["exclusivity"],
    ]) + "\n"


def main(argv: list[str] | None = None) -> int:
    return selection_table_main(argv, __doc__.splitlines()[0], OUT, "cooccurrence.md", table)


if __name__ == "__main__":
    sys.exit(main())
