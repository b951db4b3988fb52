"""The inputs of ``topics assign`` (:func:`~topics.topic_models.loading.assign_files`): text
files, one article each, or standard input.

A corpus file (JSON Lines, CSV, Parquet) or a folder is refused by name: read as text, a JSON
Lines file became one "article" of raw JSON lines and was assigned without a word of warning.
An HTML page is refused naming its file (the corpus check named only "article 1 (id '0')").
"""

from __future__ import annotations

from pathlib import Path

from topics.corpus import Article, Corpus
from topics.corpus.compression import format_by_name
from topics.errors import ConfigError, CorpusError
from topics.fileio import read_text_inputs
from topics.text.cleaning import looks_like_markup

__all__ = ["read_assign_inputs"]

_FORMAT_NAMES = {"jsonl": "JSON Lines", "csv": "CSV", "parquet": "Parquet"}


def read_assign_inputs(paths: list[str]) -> Corpus:
    """The articles of ``paths`` (``"-"``: standard input), their ids the index of their path.

    Raises
    ------
    ConfigError
        A path is a corpus file or a folder, not a text file.
    CorpusError
        A file is an HTML page.
    FileAccessError, InputError
        As :func:`topics.fileio.read_text_inputs` raises them.
    """
    for name in paths:
        _check_text_file(name)
    texts = read_text_inputs(paths, "assign")
    for name, text in zip(paths, texts, strict=True):
        if looks_like_markup(text):
            shown = "standard input" if name == "-" else name
            raise CorpusError(f"{shown}: an HTML page, not article text; extract the text first "
                              "(e.g. with trafilatura), then assign it")
    # warnings about a text (no letters, not German) name its file, not "article 3 (id '2')"
    origins = ["standard input" if name == "-" else name for name in paths]
    return Corpus([Article(str(i), text) for i, text in enumerate(texts)], (), "assign",
                  origins=origins)


def _check_text_file(name: str) -> None:
    if name == "-":
        return
    path = Path(name)
    corpus_format = format_by_name(path)  # articles.jsonl.gz too
    kind = "a folder" if path.is_dir() else (
        f"a {_FORMAT_NAMES[corpus_format]} corpus file" if corpus_format else None)
    if kind:
        raise ConfigError(
            f"{name} is {kind}; topics assign reads text files, one article each: give the "
            "articles as text files, or place a corpus's articles in Python with "
            "topics.load_topic_model(MODEL_DIR).assign(topics.load_corpus(PATH).texts)")
