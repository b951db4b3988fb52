"""Corpora of any size for scale tests and benchmarks: perturbed copies of real articles.

A copy keeps its article's paragraphs and labels; in each paragraph the sentences are shuffled
and about 10 % of them dropped (never all), so every copy is a new text (no cache answers it) in
real German (a copy that cleaning would leave empty keeps its original text). With ``new_words`` each copy also gets invented names (made of syllables), so the
vocabulary keeps growing with the corpus, as in a real archive, and caches keyed by word meet new
words all the time. Copies are generated lazily: a corpus of any size takes no memory.
:func:`synthetic_units` gives exactly ``n`` modelling units (articles or paragraphs) of such copies;
a source without paragraph breaks (10kGNAD) is first cut into paragraphs of a few sentences.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from topics.corpus.records import Article, Corpus, TextUnit, Unit
from topics.errors import InputError
from topics.fileio import atomic_stream
from topics.text.cleaning import SENTENCE_END, clean_text, sentence_pieces

__all__ = [
    "as_pdf_text", "perturb", "synthetic_articles", "synthetic_units", "with_paragraphs",
    "write_jsonl",
]

_ONSETS = ("b", "ch", "d", "g", "h", "k", "l", "m", "n", "ph", "qu", "s", "t", "th", "tr", "v", "x")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ao", "ie", "uy", "oa")


def perturb(text: str, rng: random.Random, drop: float = 0.1) -> str:
    """A perturbed copy of ``text``: in each paragraph sentences shuffled, ~``drop`` dropped."""
    paragraphs = []
    for paragraph in text.split("\n"):
        sentences = SENTENCE_END.split(paragraph)
        kept = [s for s in sentences if rng.random() >= drop] or sentences[:1]
        rng.shuffle(kept)
        paragraphs.append(" ".join(kept))
    return "\n".join(paragraphs)


def as_pdf_text(text: str, rng: random.Random) -> str:
    """``text`` as copied from a PDF: each clean paragraph's lines end where a proportional font
    filled 60 to 80 characters, a long word is sometimes split at a line's end with a hyphen (at a
    lower-case letter), and no blank line separates the paragraphs."""
    lines: list[str] = []
    for paragraph in clean_text(text).split("\n\n"):
        line, width = "", rng.randint(60, 80)
        for word in paragraph.split():
            if len(line) + 1 + len(word) <= width or not line:
                line = f"{line} {word}".strip()
                continue
            cut = rng.randint(4, len(word) - 4) if len(word) >= 10 and word.isalpha() else 0
            if cut and word[cut].islower() and len(line) + cut + 2 <= width + 3:
                lines.append(f"{line} {word[:cut]}-")
                line = word[cut:]
            else:
                lines.append(line)
                line = word
            width = rng.randint(60, 80)
        lines.append(line)
    return "\n".join(lines)


def _invented_name(rng: random.Random) -> str:
    syllables = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 3))]
    return "".join(syllables).title()


def synthetic_articles(
    source: Sequence[Article],
    n: int,
    *,
    seed: int = 0,
    drop: float = 0.1,
    new_words: int = 0,
) -> Iterator[Article]:
    """``n`` perturbed copies of the ``source`` articles, in turn, generated lazily.

    Parameters
    ----------
    source : sequence of Article
        The articles to copy (e.g. ``topics.load_corpus()``).
    n : int
        How many articles to yield; copy ``k`` of article ``a`` has the id ``"<a.id>~<k>"``.
    seed : int
        The same seed gives the same corpus.
    drop : float
        The share of sentences dropped from each paragraph.
    new_words : int
        Invented names added to each copy (a closing sentence), so the vocabulary grows.

    Yields
    ------
    Article
    """
    if not source:
        raise InputError("synthetic_articles: the source has no articles")
    rng = random.Random(seed)
    for i in range(n):
        article = source[i % len(source)]
        text = perturb(article.text, rng, drop)
        if not clean_text(text):  # a shuffled caption-like sentence first: cleaning drops the line
            text = article.text
        if new_words:
            names = " und ".join(_invented_name(rng) for _ in range(new_words))
            text = f"{text}\nBeteiligt waren {names}."
        yield Article(f"{article.id}~{i // len(source)}", text, article.labels)


def with_paragraphs(article: Article, sentences: int = 3) -> Article:
    """``article`` cut into paragraphs of ``sentences`` sentences when its text has no paragraph break.

    10kGNAD articles are one line each; the shipped corpus' paragraphs have a median of 2 sentences.
    """
    if "\n" in article.text.strip():
        return article
    paragraphs = sentence_pieces(article.text, sentences)
    return Article(article.id, "\n".join(paragraphs), article.labels, article.source_url, article.meta)


def synthetic_units(
    source: Sequence[Article],
    n: int,
    *,
    unit: Unit = "article",
    seed: int = 0,
    drop: float = 0.1,
    paragraph_sentences: int = 3,
    batch: int = 500,
) -> list[TextUnit]:
    """Exactly ``n`` modelling units of perturbed copies of ``source`` (see :func:`synthetic_articles`).

    Every source article is copied once before any is copied twice; a unit carries its source's
    labels. For ``unit="paragraph"`` a source article without paragraph breaks is first cut by
    :func:`with_paragraphs`; the last copy may be cut short to give exactly ``n`` units.
    """
    if unit == "paragraph":
        source = [with_paragraphs(a, paragraph_sentences) for a in source]
    copies = synthetic_articles(source, 2**62, seed=seed, drop=drop)
    units: list[TextUnit] = []
    while len(units) < n:
        chunk = [next(copies) for _ in range(batch)]
        units.extend(Corpus(chunk, name="synthetic").units(unit))
    return units[:n]


def write_jsonl(articles: Iterable[Article], path: str | Path) -> Path:
    """Write articles as JSON Lines that :func:`topics.load_corpus` reads back; one at a time."""
    with atomic_stream(path) as file:
        for article in articles:
            record = {"id": article.id, "labels": list(article.labels), "text": article.text}
            file.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    return Path(path)
