"""How the BERTopic default ranks its topic words: weight x exclusivity, on corpora of several kinds
(issue 9: "choose the route by measurement ... representation").

Run: ``uv run python benchmarks/topic_word_exclusivity.py [--sizes 1000 2000] [--out DIR]``
(``TOPICS_10KGNAD`` names the 10kGNAD sample). It writes ``DIR/exclusivity.md`` (default:
``experiments/results/topic_model_selection``; a slow test reruns it and compares). The route has
no random step: one fit per cell.

The default's words come from an NMF started at the partition; ``word_exclusivity`` g ranks a
topic's words by ``h x (h / the word's h summed over the topics) ** g``
(:func:`topics.topic_models.nmf.exclusive_weights`; g = 0 ranks by ``h``). For every corpus of
``topic_clustering.corpora`` (the shipped paragraphs and articles, the 721 10kGNAD articles,
perturbed 10kGNAD paragraphs and articles at ``--sizes``), at the default's k, half of it and
twice it, this fits the partition once and ranks the words with each g: NPMI and diversity of the
top 10 words. The partition (and so NMI and the topics' sizes) is the same for every g. A second
table ranks the NMF and LDA defaults' own topic-word weights the same way (their default keeps
g = 0) on the same corpora, each at the family's own default k.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import selection_table_main  # noqa: E402
from topic_clustering import bertopic_default, corpora  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "experiments" / "results" / "topic_model_selection"
EXCLUSIVITY = (0.0, 0.25, 0.5, 0.75, 1.0, 2.0)


def default_k(units) -> int:
    """The default's number of topics on these units."""
    from topics.topic_models.bertopic import n_clusters
    from topics.topic_models.common import article_ids

    return n_clusters("auto", len(units), len(set(article_ids(units))))


def measure(units, k: int) -> dict[float, tuple[float, float]]:
    """NPMI and diversity of the default partition's words for every g in EXCLUSIVITY."""
    from topics.topic_models import bertopic
    from topics.topic_models.common import make_analyzer
    from topics.topic_models.nmf import partition_components

    fitted = bertopic.fit(units, 0, nr_topics=k)
    s = fitted.settings
    components = partition_components(fitted.tokens, fitted.assignments, min_df=s["min_df"],
                                      max_df=s["max_df"], iterations=s["nmf_iterations"])
    analyzer = make_analyzer(s) if s["hide_compound_parts"] else None
    return {g: scored(components, g, fitted.tokens, analyzer) for g in EXCLUSIVITY}


def scored(components, g: float, tokens, analyzer) -> tuple[float, float]:
    """NPMI and diversity of the top 10 words of each topic, ranked with exclusivity g as the
    default ranks them (:func:`topics.topic_models.nmf.ranked_words`)."""
    from topics.evaluation.topic_metrics import coherence, topic_diversity
    from topics.topic_models.nmf import ranked_words

    words = ranked_words(components, g, 10, analyzer)
    return coherence(words, tokens), topic_diversity(words, 10)


def family_rows(sizes: list[int]) -> list[str]:
    """The NMF and LDA defaults' words ranked with each g, on the same corpora at their own k."""
    import numpy as np

    from topics.topic_models import lda, nmf
    from topics.topic_models.common import make_analyzer
    from topics.topic_models.nmf import PartitionComponents

    lines = []
    for name, units in corpora(sizes):
        for family in (nmf, lda):
            fitted = family.fit(units, 0)
            state = fitted.estimator
            vocabulary = state.views[0].vocabulary
            column = {w: j for j, w in enumerate(vocabulary)}
            df = np.zeros(len(vocabulary), dtype=np.int64)
            for doc in fitted.tokens:
                df[[column[w] for w in set(doc) if w in column]] += 1
            components = PartitionComponents(state.topic_ids, state.arrays["components"],
                                             list(vocabulary), df)
            analyzer = make_analyzer(fitted.settings)
            cells = [scored(components, g, fitted.tokens, analyzer) for g in EXCLUSIVITY]
            row = " | ".join(f"{npmi:.3f} / {div:.3f}" for npmi, div in cells)
            lines.append(f"| {name} | {family.NAME} | {len(state.topic_ids)} | {row} |")
            print(lines[-1], flush=True)
    return lines


def table(sizes: list[int]) -> str:
    """The Markdown of ``exclusivity.md``: the default's words on every corpus and k, then the
    NMF and LDA families' own words."""
    default = bertopic_default("word_exclusivity")  # marked in the table's header
    cells = " | ".join(f"g {g:g}" + (" (default)" if g == default else "") for g in EXCLUSIVITY)
    lines = [
        "# Topic words ranked by weight x exclusivity in the BERTopic default\n",
        f"`uv run python benchmarks/topic_word_exclusivity.py --sizes {' '.join(map(str, sizes))}`;"
        " one fit per row (the route has no random step), the words of its partition ranked with "
        "each g. Cells: NPMI / diversity of the top 10 words; * marks the default k. Read with "
        "`topic_model_selection/README.md`, section \"Topic words: exclusivity\".\n",
        f"| corpus | k | {cells} |",
        "|---|---|" + "---|" * len(EXCLUSIVITY),
    ]
    for name, units in corpora(sizes):
        k_auto = default_k(units)
        # half the default's k, the default's and twice it (at least 2, at most the units)
        for k in sorted({max(2, k_auto // 2), k_auto, min(2 * k_auto, len(units))}):
            figures = measure(units, k)
            row = " | ".join(f"{npmi:.3f} / {div:.3f}" for npmi, div in figures.values())
            lines.append(f"| {name} | {k}{'*' if k == k_auto else ''} | {row} |")
            print(lines[-1], flush=True)
    lines += ["", "## The NMF and LDA defaults' own words, ranked the same way (not adopted)\n",
              f"| corpus | model | topics | {cells.replace(' (default)', '')} |",
              "|---|---|---|" + "---|" * len(EXCLUSIVITY), *family_rows(sizes)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    return selection_table_main(argv, __doc__.splitlines()[0], OUT, "exclusivity.md", table)


if __name__ == "__main__":
    sys.exit(main())
