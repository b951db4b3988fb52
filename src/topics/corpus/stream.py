"""Analysing a corpus of any size chunk by chunk: German tokens per article, in bounded memory.

:func:`analyse_corpus` reads a corpus lazily (:func:`~topics.corpus.readers.read_checked`), cleans
and analyses it ``chunk_size`` articles at a time (the record checks that need the clean text run
in the chunk's task, which cleans it anyway), and writes the tokens of each article (or paragraph)
to JSON Lines (encoded by the task, so a Dask client only writes bytes) or Parquet as each chunk is
done. Memory holds a few chunks, the analyser's bounded caches (:mod:`topics.text.german`) and the
set of ids read (to refuse duplicates, ~100 bytes per article); it does not grow with the texts.
:func:`iter_tokens` is the same as a generator. Both run here, in one process, or on Dask
(``scheduler="local"`` or an address; :mod:`topics.distributed`), one task per chunk, with the same
output either way; there the workers can read a JSON Lines or CSV file or a folder themselves,
each task its own lines, records or files (``workers_read``, :mod:`topics.corpus.worker_reading`),
and make the articles of a Parquet file's rows that the client decoded.

The tokens are those of ``topics.analyse(unit.text, **analysis)`` for the units of
:meth:`topics.Corpus.units`: the clean article, or its paragraphs (ids ``<article id>#p<i>``).
"""

from __future__ import annotations

import logging
import random
import re
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from topics.corpus.boilerplate import DEFAULT_MIN_ARTICLES
from topics.corpus.checks import RecordChecker
from topics.corpus.chunk_analysis import (
    Chunk,
    EncodedChunk,
    TokenRecord,
    analyse_chunk,
    article_of,
    articles_of,
    check_source,
    checked_chunk,
    chunk_of,
)
from topics.corpus.compression import is_compressed
from topics.corpus.folders import article_files
from topics.corpus.readers import csv_options, guess_format, read_checked, sample_articles
from topics.corpus.records import Article, Corpus, Unit
from topics.corpus.worker_reading import corpus_parts, line_break_is_byte, read_on_workers
from topics.errors import ConfigError, InputError, unknown_key
from topics.fileio import (
    atomic_stream,
    check_table_output,
    suffix_error,
)
from topics.text.german import GermanAnalyzer

__all__ = [
    "OUTPUT_FORMATS",
    "AnalysisSummary",
    "TokenRecord",
    "analyse_chunk",
    "analyse_corpus",
    "check_drop_paragraphs",
    "check_output",
    "iter_chunks",
    "iter_tokens",
    "quiet_rereads",
    "repeated_in_sample",
]

log = logging.getLogger("topics.corpus")

#: Output suffix -> format of :func:`analyse_corpus`.
OUTPUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
#: the fields of a tokens file: an existing file with others is not written over
TOKEN_COLUMNS = ["id", "article_id", "labels", "tokens"]
DEFAULT_CHUNK_SIZE = 1000
SAMPLE_ARTICLES = 2000  # articles read to find a site's boilerplate (repeated_in_sample)
_LOG_EVERY_S = 30.0
_TOLD_COMPRESSED: set[str] = set()  # compressed files the log said are read here, not by workers


@dataclass
class AnalysisSummary:
    """What :func:`analyse_corpus` did."""

    output: Path
    articles: int
    units: int
    tokens: int
    chunks: int
    seconds: float

    def __str__(self) -> str:
        counts = ", ".join(_counted(n, noun) for n, noun in (
            (self.articles, "article"), (self.units, "unit"), (self.tokens, "token")))
        chunks = _counted(self.chunks, "chunk")
        return f"{counts} in {chunks} -> {self.output} ({self.seconds:.1f} s)"


def _counted(n: int, noun: str) -> str:
    """``1 chunk``, ``2 chunks``, ``1,000 tokens``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def iter_chunks(articles: Iterable[Article], chunk_size: int) -> Iterator[Chunk]:
    """Group articles into chunks of ``chunk_size`` (the last may be smaller), lazily."""
    for batch in _batches(articles, chunk_size):
        yield chunk_of(batch)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of ``size`` items (the last may be shorter), lazily (itertools.batched: Python 3.12)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ------------------------------------------------------------------------------------------------
# the stream


def repeated_in_sample(
    source: str | Path | Iterable[Article],
    min_articles: int = DEFAULT_MIN_ARTICLES,
    *,
    sample: int = SAMPLE_ARTICLES,
    seed: int = 0,
    **load_options: Any,
) -> list[str]:
    """A site's boilerplate paragraphs, found on a sample of ``sample`` articles of a corpus.

    The paragraphs held by ``min_articles`` or more distinct articles of the sample
    (:meth:`topics.Corpus.repeated_paragraphs`): boilerplate is on every page, so a sample finds
    it, and memory holds the sample only. A file or folder, or a sequence (a Corpus), is sampled
    across its whole length (:func:`~topics.corpus.readers.sample_articles`, reproducible with
    ``seed``), so boilerplate that a site added late in its archive is found too; another iterable
    can be read once only, and its first ``sample`` articles are used. Pass the paragraphs as
    ``drop_paragraphs`` to :func:`analyse_corpus`, :func:`iter_tokens` or
    :func:`topics.fit_streaming_nmf`.
    """
    if isinstance(sample, bool) or not isinstance(sample, int) or sample < 1:
        raise InputError(f"sample={sample!r}: give the number of articles to look at, 1 or more")
    with warnings.catch_warnings():  # the full read warns about the same articles
        warnings.simplefilter("ignore")
        if isinstance(source, str | Path):
            articles: Iterable[Article] = sample_articles(source, sample, seed=seed,
                                                          **load_options)
        elif isinstance(source, Sequence):
            chosen = random.Random(seed).sample(range(len(source)), min(sample, len(source)))
            articles = [article_of(i, source[i]) for i in sorted(chosen)]
        else:
            articles = islice(articles_of(source), sample)
        corpus = Corpus(articles, name="sample")
    return [r.text for r in corpus.repeated_paragraphs(min_articles)]


@contextmanager
def quiet_rereads(source: Any) -> Iterator[None]:
    """Within it, reading warnings about the file (or folder) ``source`` are not shown: for the
    reads after the first (the streamed NMF reads a file three times), which gave them. Python's
    own once-per-place rule does not hold: an import that adds a warning filter resets it."""
    with warnings.catch_warnings():
        if isinstance(source, str | Path):
            names = "|".join(re.escape(name) for name in {str(source), str(Path(source))})
            warnings.filterwarnings("ignore", f"(?:{names})[: ]", UserWarning)
        yield


def iter_tokens(
    source: str | Path | Iterable[Article],
    *,
    unit: Unit = "article",
    analysis: Mapping[str, Any] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    scheduler: Any = None,
    n_workers: int | None = None,
    drop_paragraphs: Sequence[str] = (),
    workers_read: bool | None = None,
    **load_options: Any,
) -> Iterator[TokenRecord]:
    """The token records of a corpus, in corpus order, computed chunk by chunk.

    Takes the arguments of :func:`analyse_corpus` but ``output``; the records are yielded as each
    chunk is done (memory: a few chunks, whatever the size of the corpus).
    """
    for records in _chunk_results(
        source, unit, analysis, chunk_size, scheduler, n_workers, load_options, drop_paragraphs,
        workers_read=workers_read,
    ):
        yield from records


def _check_analysis(settings: Mapping[str, Any]) -> None:
    """Unknown analysis settings and wrong values as a ConfigError naming them."""
    import inspect

    allowed = [p for p in inspect.signature(GermanAnalyzer).parameters if p != "self"]
    for key, value in settings.items():
        if key not in allowed:
            raise ConfigError(unknown_key(f"analysis.{key}", key, allowed, value))
    GermanAnalyzer(**settings)


def _chunk_results(
    source: str | Path | Iterable[Article],
    unit: Unit,
    analysis: Mapping[str, Any] | None,
    chunk_size: int,
    scheduler: Any,
    n_workers: int | None,
    load_options: dict[str, Any],
    drop_paragraphs: Sequence[str] = (),
    encode: bool = False,
    workers_read: bool | None = None,
) -> Iterator[list[TokenRecord] | EncodedChunk]:
    from functools import partial

    from topics.distributed import check_scheduler, map_chunks, workers_read_paths

    if unit not in ("article", "paragraph"):
        raise ConfigError(f"unit={unit!r}: use 'article' or 'paragraph'")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ConfigError(f"chunk_size={chunk_size!r}: the articles per chunk must be 1 or more")
    check_scheduler(scheduler)
    workers_read_paths(scheduler, workers_read)  # a wrong value fails here, before any work
    drop_paragraphs = check_drop_paragraphs(drop_paragraphs)
    settings = dict(analysis or {})
    _check_analysis(settings)  # wrong settings fail here, before any work
    checker: RecordChecker | None = None
    places: deque[list[str]] = deque()  # where the articles of each chunk in flight come from
    tasks = partial(map_chunks, scheduler=scheduler, n_workers=n_workers, unit=unit,
                    analysis=settings, drop_paragraphs=drop_paragraphs, encode=encode)
    if isinstance(source, (str, Path)):
        checker, records = read_checked(source, content=False, **load_options)
        encoding = load_options.get("encoding", "utf-8")
        worker_format = _format_workers_read(source, load_options, scheduler, workers_read)
        if worker_format is not None:
            parts = corpus_parts(source, worker_format, encoding, chunk_size,
                                 load_options.get("labels_file"), csv_options(load_options))
            yield from read_on_workers(source, parts, checker.label_set, encoding, tasks,
                                       csv_options(load_options).label_separator)
            return
        chunks = _file_chunks(records, chunk_size, places)
    elif load_options:
        raise InputError(f"{', '.join(load_options)}: reading options apply to a path, not to articles")
    else:
        check_source(source, "streamed analysis")
        chunks = iter_chunks(articles_of(source), chunk_size)  # plain texts as articles
    # articles given in memory were not checked; a file's are. Either way an article emptied by
    # drop_paragraphs is said, not silently missing from the output
    done = tasks(checked_chunk, chunks, content=checker is not None)
    reporter = checker or RecordChecker(None, content=False)
    for records_of_chunk, problems in done:  # in chunk order
        where = places.popleft() if checker is not None else None
        for index, kind, message in problems:
            reporter.report(where[index] if where else "articles", kind, message)
        yield records_of_chunk


def _compressed_lines(source: Path, kind: str) -> bool:
    """Whether the corpus is, or a folder holds, a compressed JSON Lines or CSV file (a folder's
    compressed ``.txt`` files are read whole by the workers)."""
    if kind in ("jsonl", "csv"):
        return is_compressed(source)
    return kind == "folder" and any(is_compressed(p) for p in article_files(source, "*.jsonl")[0])


def _format_workers_read(source: str | Path, load_options: Mapping[str, Any], scheduler: Any,
                         workers_read: bool | None) -> str | None:
    """The format, if the Dask workers read the corpus themselves
    (:mod:`topics.corpus.worker_reading`): a JSON Lines or CSV file or a folder, in an encoding
    whose line break is the byte ``\\n``, on Dask, and by default only on a LocalCluster started
    here (a cluster's workers may not see the path), not compressed (it cannot be cut into byte
    ranges: read here); a Parquet file on any scheduler unless ``workers_read`` is False (the
    workers get its decoded rows, not its path)."""
    from topics.distributed import workers_read_paths

    if scheduler is None or workers_read is False:
        return None
    kind = load_options.get("format") or guess_format(Path(source))
    if kind == "parquet":
        return kind
    if not workers_read_paths(scheduler, workers_read):
        return None
    if _compressed_lines(Path(source), kind):
        # no byte ranges in compressed data: read here, each chunk analysed on the workers
        if workers_read and str(source) not in _TOLD_COMPRESSED:  # once: stream-nmf reads 3x
            _TOLD_COMPRESSED.add(str(source))
            log.info("%s is compressed: read here, its chunks analysed on the workers", source)
        return None
    if kind in ("jsonl", "csv", "folder") and line_break_is_byte(
            load_options.get("encoding", "utf-8")):
        return kind
    return None


def _file_chunks(
    records: Iterable[tuple[Article, str]], chunk_size: int, places: deque[list[str]]
) -> Iterator[Chunk]:
    """The chunks of a file's checked records; each chunk's places (``file:line``) are appended
    to ``places`` as the chunk is handed out, so the results, which come back in order, find
    theirs at the front."""
    for batch in _batches(records, chunk_size):
        places.append([where for _, where in batch])
        yield chunk_of([article for article, _ in batch])


def check_drop_paragraphs(drop_paragraphs: Any) -> tuple[str, ...]:
    """``drop_paragraphs`` as a tuple of texts, or a ConfigError: one string is not a list of them."""
    given = drop_paragraphs
    if not isinstance(given, str) and isinstance(given, Iterable):
        drop_paragraphs = tuple(given)
        if all(isinstance(p, str) for p in drop_paragraphs):
            return drop_paragraphs
    raise ConfigError("drop_paragraphs: give a list of paragraphs (texts), not "
                      f"{type(given).__name__} {str(given)[:40]!r}")


def check_output(output: Path, source: Any) -> str:
    """The format of ``output`` (by suffix), once it is known to be writable, not the input and
    not a file of something else (an existing file is replaced only if it is a tokens file):
    checked before any reading."""
    kind = OUTPUT_FORMATS.get(output.suffix.lower())
    if kind is None or output.is_dir():  # a folder named x.jsonl is not a file either
        raise suffix_error(output, list(OUTPUT_FORMATS), "tokens.jsonl")
    check_table_output(output, source, TOKEN_COLUMNS, "write the tokens here",
                       f"a tokens file ({', '.join(TOKEN_COLUMNS)})")
    return kind


def analyse_corpus(
    source: str | Path | Iterable[Article],
    output: str | Path,
    *,
    unit: Unit = "article",
    analysis: Mapping[str, Any] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    scheduler: Any = None,
    n_workers: int | None = None,
    on_chunk: Callable[[AnalysisSummary], None] | None = None,
    drop_paragraphs: Sequence[str] = (),
    workers_read: bool | None = None,
    **load_options: Any,
) -> AnalysisSummary:
    """Analyse a corpus of any size into German tokens per article, written as they come.

    Parameters
    ----------
    source : str, Path, iterable of Article or iterable of str
        A corpus file or folder (JSON Lines, CSV, Parquet, a folder: read lazily with
        :func:`~topics.corpus.iter_articles` and ``load_options``), articles, or plain texts
        (each an article ``text<i>`` without labels, as :func:`topics.fit_topic_model` takes
        them).
    output : str or Path
        ``.jsonl``/``.ndjson``: one ``{"id", "article_id", "labels", "tokens"}`` object per line;
        ``.parquet``: those columns, one row group per chunk (needs pyarrow). Written to a
        temporary file that replaces ``output`` when complete; an existing ``output`` is
        replaced only if it is such a tokens file (or empty), anything else is refused.
    unit : {"article", "paragraph"}
        One record per article, or per paragraph (ids ``<article id>#p<i>``).
    analysis : mapping, optional
        :class:`~topics.GermanAnalyzer` settings (default: its defaults).
    chunk_size : int
        Articles per chunk (and per task on Dask).
    scheduler : None, "local", str or dask.distributed.Client
        ``None``: here, in this process; ``"local"``: a Dask LocalCluster of ``n_workers``
        processes; a Dask scheduler address, or an open Client (see :mod:`topics.distributed`).
        The output is the same in every case.
    n_workers : int, optional
        LocalCluster processes (default: one per core).
    on_chunk : callable, optional
        Called after each chunk is written with the running totals (progress).
    drop_paragraphs : sequence of str
        Paragraphs taken out wherever they occur: a site's boilerplate, as
        :func:`repeated_in_sample` finds it (see :func:`analyse_chunk`).
    workers_read : bool, optional
        On Dask, a JSON Lines or CSV file or a folder is read by the workers, each task its
        own range of lines or records or group of files, instead of by this process
        (:mod:`topics.corpus.worker_reading`): nothing but the results passes through here. The
        workers must see the corpus at the same path. A compressed file cannot be cut into
        ranges: this process reads it and the workers analyse its chunks. (A Parquet file is decoded here, batch by
        batch, and its articles made and checked by the workers on any scheduler, unless
        ``workers_read`` is False.) Default
        (``None``): on a LocalCluster (``scheduler="local"``), not on a scheduler address or a
        Client.
    **load_options
        Options of :func:`topics.load_corpus` for reading ``source`` (``format``,
        ``text_column``, ``delimiter``, ...).

    Returns
    -------
    AnalysisSummary

    Raises
    ------
    CorpusError, ConfigError, FileAccessError
        A bad record of the corpus (nothing is written then), a wrong setting, an output that
        cannot be written or that exists and is not a tokens file.
    InputError
        ``source`` is not a path nor a collection of articles or texts (None, a dict), or it
        mixes texts and articles.
    """
    check_source(source, "analyse_corpus")
    output = Path(output)
    kind = check_output(output, source)
    start = time.perf_counter()
    done, logged = AnalysisSummary(output, 0, 0, 0, 0, 0.0), 0.0
    results = _chunk_results(source, unit, analysis, chunk_size, scheduler, n_workers, load_options,
                             drop_paragraphs, encode=kind == "jsonl", workers_read=workers_read)
    with atomic_stream(output) as file, _writer(kind, file) as write:
        for result in results:
            encoded = write(result)
            done.chunks += 1
            done.units += encoded.units
            done.articles += encoded.articles
            done.tokens += encoded.tokens
            done.seconds = time.perf_counter() - start
            if on_chunk is not None:
                on_chunk(done)
            if done.seconds - logged >= _LOG_EVERY_S:
                logged = done.seconds
                log.info("analysed %s", done)
    done.seconds = time.perf_counter() - start
    return done


class _writer:
    """A context manager giving ``write(chunk)`` for JSON Lines (chunks come encoded) or Parquet
    (chunks come as records) on a binary file; ``write`` returns what the summary counts."""

    def __init__(self, kind: str, file: Any) -> None:
        self.kind, self.file, self.parquet = kind, file, None

    def __enter__(self) -> Callable[[Any], EncodedChunk]:
        if self.kind == "parquet":
            try:
                import pyarrow as pa
                import pyarrow.parquet as pq
            except ImportError:
                raise ConfigError(
                    "writing Parquet needs pyarrow, which is not installed; "
                    "`uv sync --extra parquet` (or `pip install pyarrow`), or write .jsonl"
                ) from None
            words = pa.list_(pa.string())
            schema = pa.schema(
                [("id", pa.string()), ("article_id", pa.string()), ("labels", words),
                 ("tokens", words)]
            )
            self.parquet = pq.ParquetWriter(self.file, schema)

            def write_parquet(records: list[TokenRecord]) -> EncodedChunk:
                columns = list(zip(*records, strict=True)) if records else [[], [], [], []]
                self.parquet.write_table(  # type: ignore[union-attr]
                    pa.table([list(c) for c in columns], schema=schema)
                )
                return EncodedChunk.of(records)  # the counts; Parquet is written here

            return write_parquet

        def write_jsonl(encoded: EncodedChunk) -> EncodedChunk:
            self.file.write(encoded.data)
            return encoded

        return write_jsonl

    def __exit__(self, *exc: object) -> None:
        if self.parquet is not None:
            self.parquet.close()
