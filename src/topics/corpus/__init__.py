"""Corpora: :class:`Article` records, the :class:`Corpus` that holds them, and :func:`load_corpus`."""

from topics.corpus.readers import iter_articles, load_corpus, shipped_corpus_path
from topics.corpus.records import Article, Corpus, CorpusSummary, TextUnit, Unit

__all__ = [
    "Article",
    "Corpus",
    "CorpusSummary",
    "TextUnit",
    "Unit",
    "iter_articles",
    "load_corpus",
    "shipped_corpus_path",
]
