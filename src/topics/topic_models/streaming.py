"""NMF topics from a stream of chunks, for corpora that do not fit in memory (out of core).

:func:`fit_streaming_nmf` reads the corpus three times (twice with ``score_all=False``), chunk by
chunk, through :func:`topics.corpus.stream.iter_tokens` (the German tokens view, as the in-memory
families); the later reads replay the first one's tokens from a temporary file
(:class:`~topics.topic_models.token_file.TokenFile`; ``keep_tokens=False`` reads the source again):

1. **Vocabulary.** Document frequencies of every word; the vocabulary is then fixed with the
   in-memory NMF's limits (its default ``min_df``, ``max_df``; scikit-learn's ``CountVectorizer``
   rules) and the IDF computed as ``TfidfVectorizer`` does (smooth, sublinear tf, L2 rows), so a
   chunk's TF-IDF rows are exactly those of the in-memory NMF on the same corpus.
2. **Topics.** scikit-learn's :class:`~sklearn.decomposition.MiniBatchNMF` learns the topic × word
   matrix with ``partial_fit`` on mini-batches of each chunk's TF-IDF, chunks in stream order,
   starting from a full NMF of the first chunk (deterministic NNDSVDa start; the seed fixes the
   rest). The first chunk should hold many more units than topics (the default 2,000 does).

3. **Scores.** A third read assigns every unit its topic and adds up what the metrics are made of
   (:class:`topics.evaluation.streamed_metrics.StreamedTopicMetrics`): NPMI over every unit (the
   number :func:`topics.evaluate_topics` gives on the whole corpus at once), diversity, topic
   shares, NMI/ARI with labels; ``assignments=`` writes the topics in the same read. A sample
   would not do for NPMI: on 2,000 short paragraphs most word pairs never meet (the same topics of
   10,000 perturbed 10kGNAD paragraphs: 0.046 on a 2,000-unit sample, 0.171 on all of them).
   ``score_all=False`` skips the read and scores an evaluation sample only. Paragraphs are
   placed in their article's context, as the in-memory NMF places them (``context_weight``): this
   read cuts its chunks where an article ends (:func:`~topics.topic_models.context.whole_articles`),
   and the evaluation sample then takes whole articles.

Memory holds one chunk (tokens, TF-IDF), the document frequencies of all words seen, the topic ×
word matrices, the score counts and an evaluation sample of about ``sample_size`` units spread
evenly over the stream (C_v is computed on it: gensim needs the texts). Every step runs with one
BLAS thread (:func:`topics.numerics.pinned`), as the in-memory fits: the same numbers whatever the
machine's thread count, and no threads spinning on a busy machine (with the BLAS default, 10,000
paragraphs took 249 CPU-s on a loaded 2-core machine, 32 with one thread).
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import numpy as np

from topics.corpus.chunk_analysis import TokenRecord, analyse_chunk, check_source
from topics.corpus.records import Article
from topics.corpus.stream import check_drop_paragraphs, iter_tokens, quiet_rereads
from topics.distributed import connected, workers_read_paths
from topics.errors import ConfigError, InputError, counted
from topics.evaluation.streamed_metrics import StreamedTopicMetrics
from topics.evaluation.topic_metrics import coherence, evaluate_topics
from topics.fileio import atomic_stream, check_table_output
from topics.numerics import FIT_THREADS, check_seeds, fixed_threads, pinned
from topics.text.german import GermanAnalyzer
from topics.topic_models.common import given_settings, health_problems, n_topics_problems
from topics.topic_models.context import context_weight_problem, mixed_by_article, whole_articles
from topics.topic_models.minibatch import partial_fit_chunk
from topics.topic_models.shares import nnls_weights
from topics.topic_models.stream_vocabulary import document_frequencies, tfidf_rows, vocabulary_of
from topics.topic_models.token_file import TokenFile
from topics.topic_models.word_parts import CompoundParts, listed_words

__all__ = ["StreamingTopics", "fit_streaming_nmf"]

log = logging.getLogger("topics.topic_models")
ASSIGNMENT_COLUMNS = ["id", "article_id", "labels", "topic", "share"]  # an assignments file
Source = str | Path | Iterable[Article]


@dataclass
class StreamingTopics:
    """An NMF topic model fitted from a stream (see :func:`fit_streaming_nmf`).

    Attributes
    ----------
    topics : dict of int to list of (word, weight)
        Top words per topic, best first.
    vocabulary : list of str
        The words (columns of ``components``), sorted.
    idf : numpy.ndarray
        Inverse document frequency per word, from the whole stream.
    components : numpy.ndarray
        Topic × word matrix.
    metrics : dict
        ``npmi``, ``c_v``, ``diversity``, ``n_topics``, ``outlier_share`` (and ``nmi``, ``ari`` …
        with labels) on the evaluation sample, plus ``n_units``, ``n_chunks``, ``sample_units``.
    settings : dict
        The settings of the fit.
    estimator : sklearn.decomposition.MiniBatchNMF
        scikit-learn's model of the fit (texts are placed from ``components`` alone).
    """

    topics: dict[int, list[tuple[str, float]]]
    vocabulary: list[str]
    idf: np.ndarray
    components: np.ndarray
    metrics: dict[str, float]
    settings: dict[str, Any]
    estimator: Any = field(repr=False)

    @property
    def n_topics(self) -> int:
        """Number of topics."""
        return int(self.components.shape[0])

    def transform(self, texts: Iterable[str],
                  article_ids: Sequence[str] | None = None) -> np.ndarray:
        """Topic shares of raw texts (cleaned and analysed as in the fit).

        Each text is solved on its own, exactly (:func:`~topics.topic_models.shares.nnls_weights`):
        its shares are the same whichever texts come with it. With ``article_ids`` (one per text)
        and a model of paragraphs read in context (``context_weight``), each text is a paragraph
        whose shares are then mixed with its article's, as in the fit: give every paragraph of an
        article.

        Returns
        -------
        numpy.ndarray
            One row per text summing to 1; zeros for a text without any vocabulary word (read in
            context: in an article without one).
        """
        return self.shares_of(self.tokens_of(list(texts)), article_ids)

    def tokens_of(self, texts: Sequence[str]) -> list[list[str]]:
        """The tokens of each raw text as the fit read it (none for a text of boilerplate)."""
        records = analyse_chunk([(str(i), text, ()) for i, text in enumerate(texts)],
                                analysis=self.settings["analysis"],
                                drop_paragraphs=self.settings.get("drop_paragraphs", ()))
        tokens = {record.id: record.tokens for record in records}
        return [tokens.get(str(i), []) for i in range(len(texts))]

    def assign(self, texts: Iterable[str], article_ids: Sequence[str] | None = None) -> np.ndarray:
        """The topic of each raw text (:meth:`transform`), ``-1`` for a text with no vocabulary
        word."""
        return _assignments(self.transform(texts, article_ids))

    def write_assignments(self, source: Source, path: str | Path, **load_options: Any) -> int:
        """Stream every unit of ``source`` with its topic to JSON Lines; the number of units.

        One line per unit: ``id``, ``article_id``, ``labels``, ``topic`` (-1: no vocabulary word)
        and ``share`` (of that topic). One more read of ``source``, chunk by chunk.
        """
        check_table_output(path, source, ASSIGNMENT_COLUMNS, "write the assignments")
        with atomic_stream(path) as file:
            return self._place(_chunks(source, self.settings, load_options), file=file)

    def score(self, source: Source, **load_options: Any) -> dict[str, float]:
        """The topic metrics over every unit of ``source``, in one read and bounded memory.

        Returns
        -------
        dict
            What :class:`topics.evaluation.streamed_metrics.StreamedTopicMetrics` reports: ``npmi``,
            ``diversity``, topic shares, broken topics, ``n_units`` (and ``nmi``, ``ari`` with labels).
        """
        scores = StreamedTopicMetrics(self.topics, self.settings["top_n_words"])
        self._place(_chunks(source, self.settings, load_options), scores=scores)
        return scores.metrics()

    def _place(self, chunks: Iterable[list[TokenRecord]], *, file: Any = None,
               scores: StreamedTopicMetrics | None = None) -> int:
        """Every unit's topic, one read of the chunks: written to ``file`` and/or counted."""
        n_units = 0
        for chunk in whole_articles(chunks) if _reads_context(self.settings) else chunks:
            tokens = [r.tokens for r in chunk]
            shares = self.shares_of(tokens, [r.article_id for r in chunk])
            assigned = _assignments(shares)
            if scores is not None:
                scores.add(tokens, assigned, [r.labels for r in chunk])
            if file is not None:
                file.write(_jsonl(chunk, assigned, shares))
            n_units += len(chunk)
        return n_units

    def shares_of(self, tokens: Sequence[Sequence[str]],
                  article_ids: Sequence[str] | None = None) -> np.ndarray:
        """:meth:`transform` of texts already analysed (:meth:`tokens_of`)."""
        if article_ids is not None and len(article_ids) != len(tokens):
            raise InputError(f"streaming NMF: {counted(len(article_ids), 'article id')} for "
                             f"{counted(len(tokens), 'text')}; give one per text")
        with fixed_threads(FIT_THREADS):  # as in the fit: same numbers on any machine
            shares = _shares(nnls_weights(self.components, self._tfidf(tokens)))
        if article_ids is None or not _reads_context(self.settings):
            return shares
        return mixed_by_article(shares, article_ids, self.settings["context_weight"])

    def _tfidf(self, tokens: Sequence[Sequence[str]]) -> Any:
        index = {word: j for j, word in enumerate(self.vocabulary)}
        return tfidf_rows(tokens, index, self.idf, sublinear=self.settings["sublinear_tf"])


@pinned
def fit_streaming_nmf(
    source: Source,
    k: int,
    *,
    unit: Literal["article", "paragraph"] = "article",
    chunk_size: int = 2000,
    seed: int = 0,
    batch_size: int = 256,
    chunk_passes: int = 2,
    forget_factor: float = 0.7,
    min_df: int | float | None = None,
    max_df: int | float | None = None,
    sublinear_tf: bool = True,
    context_weight: float | None = 0.3,
    top_n_words: int = 10,
    hide_compound_parts: bool = True,
    sample_size: int = 2000,
    score_all: bool = True,
    keep_tokens: bool = True,
    assignments: str | Path | None = None,
    analysis: Mapping[str, Any] | None = None,
    drop_paragraphs: Sequence[str] = (),
    scheduler: Any = None,
    n_workers: int | None = None,
    workers_read: bool | None = None,
    **load_options: Any,
) -> StreamingTopics:
    """Fit NMF topics on a corpus read as a stream of chunks, in bounded memory.

    Parameters
    ----------
    source : path, iterable of Article or iterable of str
        What :func:`topics.iter_articles` reads (JSONL, CSV, Parquet, a folder), or articles or
        plain texts (each an article ``text<i>``) in a list, a :class:`topics.Corpus`, any
        iterable that can be iterated twice.
    k : int
        Number of topics (2 or more).
    unit : {"article", "paragraph"}
        What one document is.
    chunk_size : int
        Units per chunk: what memory holds at once.
    seed : int
        ``random_state`` of the NMF; same source, settings and seed, same topics.
    batch_size, chunk_passes, forget_factor
        Mini-batch size of ``partial_fit``, passes over each chunk while it is in memory, and
        how fast old mini-batches are forgotten (scikit-learn's ``forget_factor``).
    min_df, max_df : int or float, optional
        Vocabulary limits (a float is a share of the units); default: the in-memory NMF's.
    sublinear_tf : bool
        TF-IDF with 1 + log(tf).
    context_weight : float or None
        With ``unit="paragraph"``, a paragraph's topic shares are ``context_weight`` x its own +
        (1 - ``context_weight``) x its article's (the mean of its paragraphs'), as in the
        in-memory NMF; the topics and their words do not depend on it. None: each paragraph by its
        own shares. An article's paragraphs must come one after another (as every reader gives
        them).
    top_n_words : int
        Words listed per topic.
    hide_compound_parts : bool
        Leave out of a topic's words a compound part when at least half of the units that hold it
        hold a compound the topic lists, as the in-memory families do
        (:mod:`~topics.topic_models.word_parts`).
    sample_size : int
        Units kept, evenly spread over the stream (at most this many; about this many when
        they are whole articles' paragraphs, read in context): C_v is computed on them (and
        every metric with ``score_all=False``).
    score_all : bool
        Score the topics on every unit in a third read (exact NPMI, NMI, topic shares over the
        whole stream; :meth:`StreamingTopics.score`). False: two reads, metrics on the sample.
    keep_tokens : bool
        Keep the first read's tokens in a temporary file (under ``TMPDIR``; ~7 bytes a token,
        removed when the fit ends) and read them back instead of cleaning and analysing the
        source again: the source is read once. False: read it three times, no disk used.
    assignments : path, optional
        Write every unit's topic there as JSON Lines (in the third read; see
        :meth:`StreamingTopics.write_assignments`).
    analysis : mapping, optional
        Settings of the German tokens view (:class:`topics.GermanAnalyzer`).
    drop_paragraphs : sequence of str
        Paragraphs taken out wherever they occur, in every read and in :meth:`~StreamingTopics.
        transform`: a site's boilerplate, which would otherwise make topics of its own, as
        :func:`topics.corpus.stream.repeated_in_sample` finds it on a sample.
    scheduler, n_workers, workers_read
        Analyse the chunks of every read on Dask (as :func:`topics.analyse_corpus`): ``"local"``
        (a LocalCluster of ``n_workers`` processes, started once for the fit), an address or a
        Client. The topics are fitted here, in stream order: the result is the same as without
        Dask.
    **load_options
        Reading options for a path (``text_column``, ``delimiter`` …, as :func:`topics.iter_articles`).

    Returns
    -------
    StreamingTopics

    Raises
    ------
    topics.errors.ConfigError
        A bad setting (``k`` < 2 or above the number of units, ``chunk_size`` < 1, limits that
        leave no word …).
    topics.errors.CorpusError
        An empty source or a bad record.
    topics.errors.InputError
        With ``keep_tokens=False``, a source that can be read only once (a generator) or that
        changed between the reads; a source that is not a path nor a collection of articles or
        texts (None, a dict).
    """
    settings = _settings(locals())
    source = _reusable(source, settings["keep_tokens"])
    if assignments is not None:  # before the long work: not the input, nor a file of another kind
        check_table_output(assignments, source, ASSIGNMENT_COLUMNS, "write the assignments")
    limits = [name for name, value in (("min_df", min_df), ("max_df", max_df)) if value is not None]
    # messages about the limits tell the defaults from the user's own values, as in memory
    with connected(scheduler, n_workers=n_workers) as client, given_settings(limits):
        reading = {**load_options, "scheduler": client,
                   "workers_read": workers_read_paths(scheduler, workers_read)}
        return _fit(source, settings, reading, assignments)


def _fit(source: Source, settings: dict[str, Any], load_options: Mapping[str, Any],
         assignments: str | Path | None) -> StreamingTopics:
    """The three reads of :func:`fit_streaming_nmf` (``load_options`` with the scheduler): the
    source once and its tokens twice more (``keep_tokens``), or the source three times."""
    with TokenFile() if settings["keep_tokens"] else nullcontext() as kept:
        first = _chunks(source, settings, load_options)
        df, n_units = document_frequencies(kept.recording(first) if kept else first)
        again = kept.replay if kept else partial(_chunks, source, settings, load_options)
        return _fit_topics(df, n_units, again, settings, source, assignments)


def _fit_topics(df: Counter[str], n_units: int, again: Callable[[], Iterator[list[TokenRecord]]],
                settings: dict[str, Any], source: Source,
                assignments: str | Path | None) -> StreamingTopics:
    """The vocabulary from the first read, then the topics and scores from ``again()``."""
    k, unit, top_n_words = settings["k"], settings["unit"], settings["top_n_words"]
    if problems := n_topics_problems({"k": k}, "k", n_units):  # the wording of every model
        raise ConfigError(f"streaming NMF: {problems[0]}")
    vocabulary, idf = vocabulary_of(df, n_units, settings["min_df"], settings["max_df"])
    parts = (CompoundParts(GermanAnalyzer(**settings["analysis"]), {w: df[w] for w in vocabulary})
             if settings["hide_compound_parts"] else None)
    del df  # every word seen: the largest object of pass 1
    if k > len(vocabulary):
        raise ConfigError(f"streaming NMF: k={k} topics over a {len(vocabulary)}-word vocabulary; "
                          f"use at most {counted(len(vocabulary), 'topic')} or widen min_df / max_df")
    log.info("streaming NMF: %d %ss, %d words, k=%d", n_units, unit, len(vocabulary), k)
    with quiet_rereads(source):  # the first read warned about the file, its records
        model, sample, n_chunks = _learn(again(), settings, vocabulary, idf, n_units)
        topics = {t: listed_words(model.components_[t], vocabulary, top_n_words, parts)
                  for t in range(k)}
        result = StreamingTopics(topics, vocabulary, idf, model.components_, {}, settings, model)
        result.metrics = _sample_metrics(result, sample, c_v_only=settings["score_all"])
        if settings["score_all"] or assignments is not None:
            result.metrics.update(_third_read(result, again(), assignments))
    result.metrics.update(n_units=float(n_units), n_chunks=float(n_chunks))
    for problem in health_problems("streaming NMF", result.metrics):  # as fit_topic_model warns
        warnings.warn(problem, UserWarning, stacklevel=3)
    return result


def _third_read(result: StreamingTopics, chunks: Iterable[list[TokenRecord]],
                assignments: str | Path | None) -> dict[str, float]:
    """Assign every unit once: scored (``score_all``) and/or written (``assignments``)."""
    scores = (StreamedTopicMetrics(result.topics, result.settings["top_n_words"])
              if result.settings["score_all"] else None)
    with atomic_stream(assignments) if assignments is not None else nullcontext() as file:
        result._place(chunks, file=file, scores=scores)
    return scores.metrics() if scores is not None else {}


def _settings(given: Mapping[str, Any]) -> dict[str, Any]:
    """The fit's settings, checked before any reading (a bad value fails at once)."""
    from topics.topic_models import default_settings  # lazily: the package imports every family
    from topics.topic_models.families import family_of

    reading = ("source", "assignments", "load_options", "scheduler", "n_workers", "workers_read")
    settings = {k: v for k, v in given.items() if k not in reading}
    settings["analysis"] = dict(given["analysis"] or {})
    settings["drop_paragraphs"] = list(check_drop_paragraphs(given["drop_paragraphs"]))
    nmf = default_settings("nmf")  # the in-memory NMF's limits, whatever they are now
    limits = {n: given[n] for n in ("min_df", "max_df") if given[n] is not None}
    # checked as the in-memory NMF checks them: min_df='a' was a bare TypeError, max_df=5.0 kept
    limits = family_of("nmf").schema.validate(limits, "streaming NMF")
    settings.update({n: limits.get(n, nmf[n]) for n in ("min_df", "max_df")})
    for name in ("score_all", "hide_compound_parts", "keep_tokens"):
        if not isinstance(settings[name], bool):
            raise ConfigError(f"streaming NMF: {name}={settings[name]!r} must be True or False")
    for name in ("k", "chunk_size", "batch_size", "chunk_passes", "top_n_words", "sample_size"):
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < (2 if name == "k" else 1):
            least = "2 (topics)" if name == "k" else "1"
            raise ConfigError(f"streaming NMF: {name}={value!r} must be an integer of at least {least}")
    if settings["chunk_size"] < settings["k"]:  # the start is an NMF of the first chunk
        raise ConfigError(f"streaming NMF: chunk_size={settings['chunk_size']} is below "
                          f"k={settings['k']}; a chunk must hold at least k units")
    check_seeds(settings["seed"], "streaming NMF")
    if problem := context_weight_problem(settings["context_weight"]):
        raise ConfigError(f"streaming NMF: {problem}")
    if not 0 < settings["forget_factor"] <= 1:
        raise ConfigError(f"streaming NMF: forget_factor={settings['forget_factor']!r} must be in (0, 1]")
    if settings["unit"] not in ("article", "paragraph"):
        raise ConfigError(f"streaming NMF: unit={settings['unit']!r}; use 'article' or 'paragraph'")
    GermanAnalyzer(**settings["analysis"])  # wrong analysis settings fail here
    return settings


def _reusable(source: Source, once: bool) -> Source:
    """``source`` if it can be read as often as the fit reads it: a generator or other one-shot
    iterator only when it is read ``once`` (``keep_tokens``)."""
    if isinstance(source, (str, Path)):
        return source
    check_source(source, "streaming NMF")  # None was named "a one-shot iterator (NoneType)"
    if isinstance(source, Iterator) and not once:
        raise InputError(
            "streaming NMF with keep_tokens=False reads the source three times: give a path, a "
            f"list or a topics.Corpus, not a one-shot iterator ({type(source).__name__}), or "
            "keep_tokens=True"
        )
    return source


# ------------------------------------------------------------------------------------------------
# the reads


def _chunks(source: Source, settings: Mapping[str, Any],
            load_options: Mapping[str, Any]) -> Iterator[list[TokenRecord]]:
    """Token records of the units of ``source``, ``chunk_size`` at a time, in stream order."""
    records = iter_tokens(source, unit=settings["unit"], analysis=settings["analysis"],
                          chunk_size=settings["chunk_size"],
                          drop_paragraphs=settings["drop_paragraphs"], **load_options)
    while chunk := list(islice(records, settings["chunk_size"])):
        yield chunk


def _learn(chunks: Iterable[list[TokenRecord]], settings: Mapping[str, Any], vocabulary: list[str],
           idf: np.ndarray, n_units: int) -> tuple[Any, list[TokenRecord], int]:
    """Pass 2: MiniBatchNMF over the chunks; the model, the evaluation sample, the chunk count."""
    from sklearn.decomposition import MiniBatchNMF

    model = MiniBatchNMF(n_components=settings["k"], batch_size=settings["batch_size"],
                         forget_factor=settings["forget_factor"], random_state=settings["seed"])
    index = {word: j for j, word in enumerate(vocabulary)}
    step = math.ceil(n_units / settings["sample_size"])  # every step-th unit joins the sample
    by_article = _reads_context(settings)
    sample: list[TokenRecord] = []
    seen = n_chunks = article = 0
    last = None
    for chunk in chunks:
        x = tfidf_rows([r.tokens for r in chunk], index, idf, sublinear=settings["sublinear_tf"])
        partial_fit_chunk(model, x, settings["batch_size"], settings["chunk_passes"])
        for i, record in enumerate(chunk, seen):  # units, or whole articles read in context
            article += record.article_id != last
            last = record.article_id
            if (article - 1 if by_article else i) % step == 0:
                sample.append(record)
        seen += len(chunk)
        n_chunks += 1
        log.debug("streaming NMF: chunk %d, %d units", n_chunks, seen)
    if seen != n_units:
        raise InputError(f"streaming NMF: the source gave {counted(n_units, 'unit')}, then {seen}; "
                         "it changed between the reads")
    return model, sample, n_chunks


def _reads_context(settings: Mapping[str, Any]) -> bool:
    """Whether a paragraph's topic is read in its article's context (``context_weight``; a model
    saved before the setting has none)."""
    return settings["unit"] == "paragraph" and settings.get("context_weight") is not None


def _shares(w: np.ndarray) -> np.ndarray:
    totals = w.sum(axis=1, keepdims=True)  # 0 only for a unit without any vocabulary word
    return np.divide(w, totals, out=np.zeros_like(w), where=totals > 0)


def _assignments(shares: np.ndarray) -> np.ndarray:
    return np.where(shares.sum(axis=1) > 0, shares.argmax(axis=1), -1).astype(int)


def _sample_metrics(result: StreamingTopics, sample: list[TokenRecord], *,
                    c_v_only: bool) -> dict[str, float]:
    """The package's topic metrics on the evaluation sample (only C_v when the stream is scored)."""
    tokens = [r.tokens for r in sample]
    if c_v_only:
        return {"c_v": coherence(result.topics, tokens, measure="c_v", window_size=None,
                                 topn=result.settings["top_n_words"]),
                "sample_units": float(len(sample))}
    assignments = _assignments(result.shares_of(tokens, [r.article_id for r in sample]))
    metrics = evaluate_topics(result.topics, tokens, assignments, [r.labels for r in sample])
    metrics["sample_units"] = float(len(sample))
    return metrics


def _jsonl(chunk: Sequence[TokenRecord], assigned: np.ndarray, shares: np.ndarray) -> bytes:
    """The assignment lines of one chunk (see :meth:`StreamingTopics.write_assignments`)."""
    return "".join(
        json.dumps({"id": r.id, "article_id": r.article_id, "labels": list(r.labels),
                    "topic": int(t), "share": round(float(row.max()), 6)}, ensure_ascii=False) + "\n"
        for r, t, row in zip(chunk, assigned, shares, strict=True)
    ).encode("utf-8")
