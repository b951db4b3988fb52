"""Topic models on pages that carry a site's boilerplate paragraphs, with and without taking them out.

    uv run python benchmarks/boilerplate_topics.py [--models bertopic nmf lda] [--out FILE]

A crawled archive repeats paragraphs that read as prose on every page: an app note, a newsletter
box, "follow us", a disclaimer. Cleaning cannot tell them from the article on one page (a cookie
banner it can, and drops); a corpus can (:meth:`topics.Corpus.drop_repeated_paragraphs`, on in every config as
``corpus.drop_repeated_paragraphs: 5``). This puts four such paragraphs (German, as these sites
write them) into every article of the shipped corpus and of the 10kGNAD sample (its one-line
articles cut into three-sentence paragraphs): the app note first, the newsletter box after the
first paragraph, the other two after the second. Then it fits each model on the paragraphs of
(1) the corpus as it was, (2) the pages with the boilerplate, (3) the pages after
``drop_repeated_paragraphs()``, seed 0, and prints a Markdown table: topics, NPMI, diversity, NMI
per paragraph against the labels (boilerplate paragraphs carry their article's labels), the
largest topic's share, the number of topics that are mostly (> 50 %) boilerplate, and the topic
holding most boilerplate paragraphs with its share of them and its top words. Nothing is tuned
here; the threshold is the package default.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_MISSING, GNAD_OPTIONS  # noqa: E402

BOILERPLATE = (
    "Laden Sie unsere kostenlose App herunter und lesen Sie die wichtigsten Nachrichten des Tages "
    "auch unterwegs auf Ihrem Smartphone.",
    "Abonnieren Sie unseren kostenlosen Newsletter und erhalten Sie jeden Morgen die wichtigsten "
    "Nachrichten des Tages direkt in Ihr Postfach.",
    "Folgen Sie uns auf Facebook, YouTube und Zalo, um keine Nachrichten zu verpassen und mit "
    "anderen Lesern zu diskutieren.",
    "Die Redaktion übernimmt keine Haftung für die Inhalte externer Links. Alle Rechte "
    "vorbehalten; die Vervielfältigung ist nur mit schriftlicher Genehmigung gestattet.",
)


def with_boilerplate(corpus):
    """The corpus's articles as pages: the boilerplate paragraphs placed around their clean text."""
    import topics

    articles = []
    for article in corpus:
        clean = topics.clean_article(article.text)
        paragraphs = list(clean.paragraphs)
        page = [BOILERPLATE[0], *paragraphs[:1], BOILERPLATE[1], *paragraphs[1:2],
                *BOILERPLATE[2:], *paragraphs[2:]]
        articles.append(topics.Article(article.id, "\n\n".join(page), article.labels))
    return topics.Corpus(articles, corpus.label_set, corpus.name)


def gnad_in_paragraphs():
    """The 10kGNAD sample, its one-line articles cut into three-sentence paragraphs."""
    import topics
    from topics.text.cleaning import sentence_pieces

    corpus = topics.load_corpus(str(GNAD), **GNAD_OPTIONS)
    articles = [topics.Article(a.id, "\n\n".join(sentence_pieces(a.text, 3)), a.labels)
                for a in corpus]
    return topics.Corpus(articles, corpus.label_set, "10kgnad")


def row(corpus_name: str, variant: str, model: str, corpus) -> str:
    """One table row: the fit's metrics and where the boilerplate paragraphs went."""
    import numpy as np

    import topics
    from topics.corpus.boilerplate import paragraph_key

    result = topics.fit_topic_model(corpus, model, "paragraph", 0, verbose=False)
    m = result.metrics
    keys = {paragraph_key(p) for p in BOILERPLATE}
    units = corpus.units("paragraph")
    assignments = np.asarray(result.assignments)
    boiler = np.array([paragraph_key(u.text) in keys for u in units])
    sizes = np.bincount(assignments[assignments >= 0])
    largest = f"{sizes.max() / len(units):.0%}"
    if boiler.any():
        topic = int(np.bincount(assignments[boiler & (assignments >= 0)]).argmax())
        held = (assignments[boiler] == topic).mean()
        pure = (boiler[assignments == topic]).mean()
        words = ", ".join(word for word, _ in result.topics[topic][:5])
        mostly = sum(1 for t in set(assignments[assignments >= 0].tolist())
                     if boiler[assignments == t].mean() > 0.5)
        where = (f"{mostly} topic(s) mostly boilerplate; topic {topic}: {held:.0%} of the "
                 f"{boiler.sum()} boilerplate paragraphs, {pure:.0%} of it boilerplate ({words})")
    else:
        where = "none left"
    return (f"| {corpus_name} | {variant} | {model} | {len(units)} | {int(m['n_topics'])} | "
            f"{m['npmi']:.3f} | {m['diversity']:.3f} | {m['nmi']:.3f} | {largest} | {where} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["bertopic", "nmf", "lda"])
    parser.add_argument("--out", help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import topics

    corpora = [("shipped", topics.load_corpus())]
    if GNAD.exists():
        corpora.append(("10kGNAD", gnad_in_paragraphs()))
    else:
        print(GNAD_MISSING, file=sys.stderr)
    lines = [
        "| corpus | pages | model | paragraphs | topics | NPMI | diversity | NMI | largest | "
        "the boilerplate paragraphs |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, corpus in corpora:
        pages = with_boilerplate(corpus)
        dropped = pages.drop_repeated_paragraphs()
        variants = [("as they were", corpus), ("with boilerplate", pages),
                    (f"boilerplate taken out ({len(dropped.removed_paragraphs)} paragraphs)",
                     dropped)]
        for model in args.models:
            for variant, data in variants:
                lines.append(row(name, variant, model, data))
                print(lines[-1], flush=True)
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
