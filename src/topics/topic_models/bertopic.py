"""BERTopic configured for German news: offline, seed-free, the same numbers on every machine.

BERTopic is a pipeline: embed the units, reduce the embedding, cluster it, describe each cluster by
its words. The project's default chooses each step by measurement
(experiments/results/topic_model_selection/README.md; the enlarged shipped corpus as paragraphs and
10kGNAD as articles, seeds 0-4):

* **Embedding**: TF-IDF of the German tokens view (lemmas + compound parts; sublinear, min_df 2,
  ``embedding_max_df`` 0.5) -> TruncatedSVD(100) with ARPACK -> unit length. ARPACK computes the
  exact top singular vectors, so the embedding does not depend on the seed (randomized SVD moved
  every later step with it). Optional: character n-grams, a sentence-transformers model.
* **Context**: a paragraph is a unit of an article, not a stranger: it is embedded as
  ``context_weight`` (0.3) x itself + 0.7 x its article's mean embedding, renormalised; an
  article unit is unchanged. NMI against the labels 0.39 -> 0.61 on the shipped paragraphs.
* **No reduction** (``reduction=None``): UMAP's layout is numba code compiled per CPU, and it
  changed the topics across machines even on exact neighbours.
* **Clustering**: spherical k-means started from Ward's clustering (:class:`~topics.topic_models.
  clustering.WardKMeans`): no seed, no outliers (but a unit without a word of the vocabulary,
  which is no topic's: -1), one partition for every seed (ARI 1.0; k-means++ 0.6-0.75); cosine,
  not euclidean, so that no short centre gathers a generic topic.
  The number of topics is ~sqrt(n)/2 (4-30) of the geometric mean of units and articles: 11 for
  1,057 paragraphs of 217 articles, 13 for 721 articles. Label-free. A topic of more than
  ``max_topic_share`` of the units is then cut in two (on small corpora; neither corpus above has
  one).
* **Topic words**: an NMF of the units' TF-IDF started at the topics
  (:func:`~topics.topic_models.nmf.words_from_partition`): words that co-occur inside a topic.
  NPMI 0.164 / 0.163 against 0.05-0.13 for c-TF-IDF, relevance or KeyBERT-style words of the same
  topics (measured on the euclidean partitions, compound parts listed: the selection record).
  Ranked by weight x exclusivity (``word_exclusivity`` 0.5), so that words many topics share give
  way to each topic's own: diversity 0.88 -> 0.97 and 0.93 -> 1.00 on the shipped paragraphs and
  10kGNAD (``exclusivity.md`` of the selection record). Each list is then chosen among three times
  as many candidates for words that share sentences (``word_cooccurrence`` 0.5,
  :mod:`~topics.topic_models.cooccurring_words`; ``cooccurrence.md``). The assignments stay the
  clustering's; topic ids are ordered by size.

None of these steps is BERTopic library code, so the default route does not import bertopic (nor
umap, hdbscan, numba): a fit of the shipped paragraphs takes a few CPU seconds, and the fitted
state (views, SVD components, centroids) is stored as arrays. Every other choice (``reduction="umap"``,
``clustering="hdbscan"``, ``representation`` "c-tf-idf"/"keybert"/"mmr"/"relevance", ``guided``)
runs through the library (:mod:`topics.topic_models.bertopic_library`), as does the peer
``bertopic_default`` (BERTopic's own lightweight default).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import numpy as np
from annotated_types import Ge, Gt, Le, Lt

from topics.errors import ConfigError, counted
from topics.numerics import pinned
from topics.schema import EstimatorSpec, schema_of
from topics.text.german import ANALYSIS_SCHEMA
from topics.topic_models.assigner import TopicAssigner
from topics.topic_models.bertopic_library import umap_metric_problem
from topics.topic_models.clustering import WardKMeans, fewer_topics, with_article_context
from topics.topic_models.common import (
    article_ids,
    auto_n_topics,
    check_n_topics,
    count_matrix,
    make_analyzer,
    n_topics_aliases,
    n_topics_problems,
    tokenize,
)
from topics.topic_models.cooccurring_words import CANDIDATES_PER_WORD, cooccurring_words
from topics.topic_models.embeddings import embed
from topics.topic_models.nmf import words_from_partition
from topics.topic_models.result import FittedTopics

__all__ = ["SPECS", "fit", "fit_default"]

NAME = "bertopic"
PEER_NAME = "bertopic_default"
MIN_UNITS = 10  # clustering and UMAP's spectral layout need a handful of points
MIN_TOPIC_SHARE = 0.02


def _min_topic_size(value: Any, n_units: int) -> int:
    if value == "auto":
        return max(5, round(MIN_TOPIC_SHARE * n_units))
    if value > n_units:
        raise ConfigError(f"model 'bertopic': min_topic_size={value} is larger than the corpus "
                          f"({counted(n_units, 'unit')}); allowed: 2 to {n_units}")
    return int(value)


def _check_size(model: str, units: Sequence[Any]) -> None:
    """A ConfigError when there are fewer than MIN_UNITS units, saying how to get more."""
    n_units = len(units)
    if n_units < MIN_UNITS:  # only then: the check walks every unit
        articles = len(set(article_ids(units)))
        # paragraphs already (a one-paragraph article's unit is "<id>#p0"): no more to split
        paragraphs = n_units > articles or any(
            getattr(u, "id", None) != getattr(u, "article_id", None) for u in units)
        more = ("give more texts" if paragraphs
                else "use unit='paragraph' (more units from the same articles) or more texts")
        raise ConfigError(f"model {model!r} needs at least {MIN_UNITS} units, got {n_units} "
                          f"(from {counted(articles, 'article')}); {more}")


def _setting_problems(settings: Mapping[str, Any]) -> list[str]:
    """What the settings' types allow but the fit would fail on (with the library's words)."""
    problems = []
    ngrams = settings.get("char_ngrams")
    if isinstance(ngrams, list | tuple) and len(ngrams) == 2 and ngrams[0] > ngrams[1]:
        problems.append(f"char_ngrams={list(ngrams)}: give [shortest, longest], the shortest "
                        f"first (e.g. [{ngrams[1]}, {ngrams[0]}])")
    if (problem := umap_metric_problem(settings.get("metric"))) is not None:
        problems.append(problem)
    return problems


def _validate(settings: dict[str, Any], units: Sequence[Any]) -> dict[str, Any]:
    if problems := _setting_problems(settings):
        raise ConfigError(f"model {NAME!r}: " + "; ".join(problems))
    _check_size(NAME, units)
    n_units = len(units)
    if settings["clustering"] == "kmeans" and settings["min_topic_size"] != "auto":
        warnings.warn(f"model 'bertopic': min_topic_size={settings['min_topic_size']} has no "
                      "effect with clustering='kmeans' (it is HDBSCAN's min_cluster_size); "
                      "k-means makes nr_topics topics. Leave it out, or use "
                      "clustering='hdbscan'", UserWarning, stacklevel=5)
    settings["min_topic_size"] = _min_topic_size(settings["min_topic_size"], n_units)
    nr = settings["nr_topics"]
    if nr is not None and nr != "auto":
        check_n_topics(NAME, "nr_topics", nr, n_units)
    if settings["char_ngrams"] is not None:
        settings["char_ngrams"] = tuple(settings["char_ngrams"])
    return settings


def n_clusters(nr_topics: Any, n_units: int, n_articles: int) -> int:
    """The number of k-means topics: ``nr_topics``, or for "auto"/None ~sqrt(n)/2 (4-30) of the
    geometric mean of units and articles (the effective number of documents of a paragraph corpus
    lies between its articles and its paragraphs)."""
    if nr_topics in (None, "auto"):
        return min(auto_n_topics(round(math.sqrt(n_units * n_articles))), n_units)
    return int(nr_topics)


def _cluster_units_with_words(
    x: np.ndarray, k: int, settings: Mapping[str, Any]
) -> tuple[WardKMeans, np.ndarray]:
    """Ward-started k-means over the units that have an embedding; the rest get -1.

    A unit without a word of the embedding's vocabulary (nor, for a paragraph, an article with
    one) has a zero embedding: nothing places it, so it is no topic's, as NMF, LDA and
    ``assign`` give it (k-means would have put it in whichever topic came first)."""
    placed = np.linalg.norm(x, axis=1) > 0
    if (n_placed := int(placed.sum())) < 2:
        raise ConfigError(f"model {NAME!r}: {counted(n_placed, 'unit')} of {len(x)} "
                          f"{'has' if n_placed == 1 else 'have'} a word of the embedding's "
                          "vocabulary; give texts with words in common (or raise "
                          "embedding_max_df)")
    auto = settings["nr_topics"] in (None, "auto")  # a number asked for is kept
    k, cuts = min(k, n_placed), settings["max_topic_cuts"]
    clusters = WardKMeans(k, ward_sample=int(settings["ward_sample"]),
                          metric=settings["kmeans_metric"],
                          max_share=settings["max_topic_share"] if auto else None,
                          max_cuts={"auto": None, "k": k}.get(cuts, cuts),
                          keep_every_cut=cuts == "k").fit(x[placed])
    assignments = np.full(len(x), -1, dtype=int)
    assignments[placed] = clusters.labels_
    return clusters, assignments


def _nmf_words(texts: Sequence[str], tokens: Sequence[Sequence[str]], assignments: np.ndarray,
               analyzer: Any, settings: Mapping[str, Any]) -> dict[int, list[tuple[str, float]]]:
    """The "nmf" topic words: ranked, then chosen for sharing sentences (``word_cooccurrence``)."""
    top_n, together = int(settings["top_n_words"]), float(settings["word_cooccurrence"])
    ranked = words_from_partition(
        tokens, assignments, min_df=settings["min_df"], max_df=settings["max_df"],
        iterations=settings["nmf_iterations"], exclusivity=settings["word_exclusivity"],
        top_n_words=top_n * CANDIDATES_PER_WORD if together > 0 else top_n,
        analyzer=analyzer if settings["hide_compound_parts"] else None)
    return cooccurring_words(ranked, texts, analyzer, cooccurrence=together, top_n=top_n)


def _direct(settings: dict[str, Any]) -> bool:
    """The default route: no step needs the BERTopic library."""
    return (settings["reduction"] is None and settings["clustering"] == "kmeans"
            and settings["representation"] == "nmf" and settings["guided"] is None)


@pinned
def fit(
    units: Sequence[Any],
    seed: int = 0,
    *,
    embedding_model: str | None = None,
    svd_components: Annotated[int, Ge(2)] = 100,
    svd_algorithm: Literal["arpack", "randomized"] = "arpack",
    char_ngrams: tuple[Annotated[int, Ge(1)], Annotated[int, Ge(1)]] | None = None,
    context_weight: Annotated[float, Ge(0), Le(1)] = 0.3,
    embedding_max_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0), Le(1)] = 0.5,
    reduction: Literal["umap"] | None = None,
    n_neighbors: Annotated[int, Ge(2)] = 15,
    n_components: Annotated[int, Ge(2)] = 5,
    min_dist: Annotated[float, Ge(0)] = 0.0,
    metric: str = "cosine",
    clustering: Literal["kmeans", "hdbscan"] = "kmeans",
    nr_topics: Annotated[int, Ge(2)] | Literal["auto"] | None = "auto",
    ward_sample: Annotated[int, Ge(2)] = 4000,
    kmeans_metric: Literal["cosine", "euclidean"] = "cosine",
    max_topic_share: Annotated[float, Gt(0), Le(1)] | None = 0.35,
    max_topic_cuts: Annotated[int, Ge(0)] | Literal["auto", "k"] = "auto",
    min_topic_size: Annotated[int, Ge(2)] | Literal["auto"] = "auto",
    min_samples: Annotated[int, Ge(1)] | None = None,
    cluster_selection_method: Literal["eom", "leaf"] = "eom",
    cluster_selection_epsilon: Annotated[float, Ge(0)] = 0.0,
    max_cluster_size: Annotated[float, Ge(0)] = 0.25,
    top_n_words: Annotated[int, Ge(1)] = 10,
    min_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0), Le(1)] = 2,
    max_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0), Le(1)] = 0.5,
    representation: Literal["nmf", "relevance", "c-tf-idf", "keybert", "mmr"] = "nmf",
    nmf_iterations: Annotated[int, Ge(1)] = 300,
    word_exclusivity: Annotated[float, Ge(0)] = 0.5,
    word_cooccurrence: Annotated[float, Ge(0), Le(1)] = 0.5,
    hide_compound_parts: bool = True,
    relevance_lambda: Annotated[float, Ge(0), Le(1)] = 0.6,
    reduce_frequent_words: bool = False,
    bm25_weighting: bool = False,
    nr_candidate_words: Annotated[int, Ge(1)] = 30,
    reduce_outliers: Literal["c-tf-idf", "embeddings", "distributions"] | None = "embeddings",
    outlier_threshold: Annotated[float, Ge(0)] = 0.0,
    guided: Literal["seed_words", "zeroshot"] | None = None,
    zeroshot_min_similarity: Annotated[float, Ge(0), Lt(1)] = 0.3,
    **analysis: Any,
) -> FittedTopics:
    """Fit the German BERTopic on ``units`` (offline embeddings, tokens-view topic words).

    Parameters
    ----------
    units : sequence of TextUnit
        The documents.
    seed : int
        Seeds the randomized SVD, UMAP and the representation models; the default route has no
        random step (the same result for every seed).
    embedding_model : str or None
        None: the offline TF-IDF (tokens view) + SVD embedding; else a sentence-transformers model
        name or local path (needs the ``embeddings`` extra and the model on disk).
    svd_components : int
        Dimensions of the offline embedding (capped at the number of units - 1 and of its
        vocabulary - 1).
    svd_algorithm : {"arpack", "randomized"}
        "arpack": the exact top singular vectors (no seed); "randomized": scikit-learn's default,
        which moves the embedding, and so the topics, with the seed.
    char_ngrams : [int, int] or None
        Add character n-gram TF-IDF of these lengths to the offline embedding (e.g. [3, 5]:
        measured +1 point of kNN accuracy at 5x the time).
    context_weight : float
        A unit's embedding is ``w`` x its own + (1 - ``w``) x its article's mean, renormalised
        (paragraphs only; 1 = no context). Measured: 0.3 gives the highest NMI on the shipped
        paragraphs (0.61; 0.39 without context).
    embedding_max_df : int or float
        The embedding's vocabulary: words in at most this share (or number) of units.
    reduction : {"umap"} or None
        None clusters the embedding itself; "umap" reduces it first (UMAP on exact neighbours,
        numba pinned to a generic CPU).
    n_neighbors, n_components, min_dist, metric
        UMAP's own parameters (n_neighbors capped at the number of units - 1).
    clustering : {"kmeans", "hdbscan"}
        "kmeans": k-means started from Ward's clustering (deterministic; no outliers but the
        units without a word of the embedding's vocabulary; its metric:
        ``kmeans_metric``); "hdbscan":
        HDBSCAN with BERTopic's merging (``nr_topics``) and outlier reduction.
    nr_topics : int, "auto" or None
        kmeans: the number of topics; "auto" = ~sqrt(sqrt(units x articles))/2, 4 to 30 (and
        one more for each topic ``max_topic_share`` cuts).
        hdbscan: merge topics ("auto" merges near-duplicates, an int reduces to that many, None
        keeps all).
    ward_sample : int
        kmeans: Ward's clustering runs on at most this many evenly spaced units (memory grows with
        its square), Lloyd's iterations on all.
    kmeans_metric : {"cosine", "euclidean"}
        kmeans without reduction: "cosine" is spherical k-means (a unit joins the centre it points
        most nearly to); "euclidean" is plain k-means, whose short centres gather a generic topic
        (10-52 % of the units on nine corpora; cosine 8-35 %, NMI higher on eight of nine). With
        ``reduction="umap"`` k-means runs on the UMAP layout, always euclidean.
    max_topic_share : float or None
        kmeans without reduction, ``nr_topics="auto"``: a topic of more than this share of the
        units is cut in two (k-means on its members, then on all), until none is (None: never).
        On 25-100 articles the rule's k (4-8) left one topic with 39-71 % of the units; cut, NMI
        rose on 10 of 12 small samples, <= 35 % on all (``clustering.md``, selection record).
    max_topic_cuts : int, "auto" or "k"
        The most cuts ``max_topic_share`` makes, keeping the fewest units in too large topics
        seen; "auto": twice the rule's topics; "k": as many, the last kept (runs stored before).
    min_topic_size : int or "auto"
        clustering="hdbscan" only: HDBSCAN's min_cluster_size; "auto" = 2 % of the units, at
        least 5. k-means (the default) has no minimum size (its number of topics is
        ``nr_topics``); a value given there has no effect and is warned about.
    min_samples : int or None
        hdbscan: min_samples (None = min_topic_size).
    cluster_selection_method : {"eom", "leaf"}
        hdbscan: cluster selection.
    cluster_selection_epsilon : float
        hdbscan: cluster_selection_epsilon.
    max_cluster_size : float
        hdbscan: largest cluster as a share of the units (0 < x < 1) or a count; 0 = no limit.
    top_n_words : int
        Words listed per topic.
    min_df, max_df : int or float
        Vocabulary of the topic words: words found in at least ``min_df`` and at most ``max_df``
        units (a float is a share), counted over units, not topics.
    representation : {"nmf", "relevance", "c-tf-idf", "keybert", "mmr"}
        Topic words: "nmf" (an NMF of the units' TF-IDF started at the topics: co-occurring
        words; NPMI 0.16 on both corpora when measured against the others, compound parts
        listed), LDAvis "relevance" of the topic's word counts,
        BERTopic's "c-tf-idf", re-ranked by closeness to the topic embedding ("keybert") or by
        maximal marginal relevance ("mmr").
    nmf_iterations : int
        Coordinate-descent iterations of the "nmf" words, at most (the tolerance may stop it
        earlier; reaching the number is expected and not warned about).
    word_exclusivity : float
        "nmf" words: ranked by weight x (weight / the word's weight summed over the topics) **
        this (0: by weight alone); 0.5: diversity 0.882 -> 0.973 on the shipped paragraphs.
    word_cooccurrence : float
        "nmf" words: from 0 to 1, how much a candidate's mean NPMI over sentences with the words
        already listed counts against its ranked weight (0: the ranked order;
        :func:`~topics.topic_models.cooccurring_words.cooccurring_words`).
    hide_compound_parts : bool
        "nmf" words: leave out a compound part when at least half of the units that hold it hold
        a compound the topic lists ("micro" and "soft" beside "microsoft";
        :mod:`~topics.topic_models.word_parts`).
    relevance_lambda : float
        lambda of the LDAvis relevance (1 = the topic's own word probabilities).
    reduce_frequent_words : bool
        c-TF-IDF's square-root term frequency.
    bm25_weighting : bool
        c-TF-IDF with BM25 weighting.
    nr_candidate_words : int
        c-TF-IDF candidates the KeyBERT-style re-ranking chooses from.
    reduce_outliers : {"c-tf-idf", "embeddings", "distributions"} or None
        hdbscan: re-assign its outliers with this strategy; None keeps them as topic -1.
    outlier_threshold : float
        Minimum similarity for re-assigning an outlier.
    guided : {"seed_words", "zeroshot"} or None
        Guide the topics with the codebook's seed words or its label descriptions.
    zeroshot_min_similarity : float
        Minimum similarity of a unit to a label description in zero-shot mode.
    **analysis
        Settings of the German tokens view (see :class:`topics.GermanAnalyzer`).

    Returns
    -------
    FittedTopics
    """
    settings = {name: value for name, value in locals().items() if name in _SETTING_NAMES}
    settings.update(analysis)
    return _fit(units, seed, _validate(settings, units))


def _fit(units: Sequence[Any], seed: int, settings: dict[str, Any]) -> FittedTopics:
    texts = [u.text for u in units]
    analyzer = make_analyzer(settings)
    tokens = tokenize(texts, analyzer)
    _, vocabulary = count_matrix(tokens, min_df=settings["min_df"], max_df=settings["max_df"],
                                 model=NAME)
    views, components, embeddings = embed(texts, tokens, settings, seed)
    articles = article_ids(units)
    cluster_input = with_article_context(embeddings, articles, float(settings["context_weight"]))
    k = n_clusters(settings["nr_topics"], len(units), len(set(articles)))
    if _direct(settings):
        live, probs, outliers_before = None, None, 0.0
        clusters, assignments = _cluster_units_with_words(cluster_input, k, settings)
        if (made := len(clusters.cluster_centers_)) < k:  # repeated texts: fewer places to split
            warnings.warn(fewer_topics(settings["nr_topics"], k, made, cluster_input),
                          UserWarning, stacklevel=5)
        topics: dict[int, list[tuple[str, float]]] = {}
        centroids = clusters.cluster_centers_
    else:
        from topics.topic_models.bertopic_library import fit_with_library
        from topics.topic_models.sentence_models import sentence_transformer

        st_model = (sentence_transformer(settings["embedding_model"])
                    if settings["embedding_model"] else None)
        live, assignments, probs, outliers_before, topics = fit_with_library(
            settings, tokens, vocabulary, views, components, st_model, cluster_input, k, seed)
        centroids = None
    ids = sorted(int(t) for t in set(assignments.tolist()) - {-1})
    if settings["representation"] == "nmf" and ids:
        topics.update(_nmf_words(texts, tokens, assignments, analyzer, settings))
    if centroids is None:  # the topics' mean (context-mixed) embedding
        centroids = (np.vstack([cluster_input[assignments == t].mean(axis=0) for t in ids])
                     if ids else np.zeros((0, cluster_input.shape[1])))
    arrays = {"centroids": np.asarray(centroids, dtype=np.float64)}
    if components is not None:
        arrays["components"] = components
    options = {"context_weight": float(settings["context_weight"]),
               "embedding_model": settings["embedding_model"]}
    return FittedTopics(
        settings=settings,
        assignments=np.asarray(assignments, dtype=int),
        topics=dict(sorted(topics.items())),
        distributions=probs,
        embeddings=cluster_input,
        tokens=tokens,
        estimator=TopicAssigner("centroids", ids, views, arrays, options, bertopic=live),
        extra_metrics={"outlier_share_before_reduction": outliers_before},
    )


# ---------------------------------------------------------------------------------------------------
# peer: BERTopic's lightweight default


@pinned
def fit_default(
    units: Sequence[Any],
    seed: int = 0,
    *,
    nr_topics: Annotated[int, Ge(2)] | Literal["auto"] | None = None,
    min_topic_size: Annotated[int, Ge(2)] = 10,
) -> FittedTopics:
    """BERTopic's documented lightweight setup with its own defaults (the peer).

    ``embedding_model=make_pipeline(TfidfVectorizer(), TruncatedSVD(100))``, the default
    ``CountVectorizer()``, ``language="multilingual"``, default UMAP/HDBSCAN — only UMAP gets
    ``random_state=seed`` (and the SVD the seed) so that the peer is as reproducible as ours.
    Coherence reads the default vectorizer's tokens, the view its topic words come from.

    Parameters
    ----------
    units : sequence of TextUnit
        The documents.
    seed : int
        Seeds the SVD and UMAP.
    nr_topics : int, "auto" or None
        BERTopic's own default: None (no merging).
    min_topic_size : int
        BERTopic's own default: 10.

    Returns
    -------
    FittedTopics
    """
    from topics.topic_models.bertopic_library import fit_peer

    settings = {"nr_topics": nr_topics, "min_topic_size": min_topic_size}
    _check_size(PEER_NAME, units)  # it said "needs at least 10 units" without what to do
    fitted = fit_peer(units, seed, settings)
    return FittedTopics(settings=settings, distributions=None, **fitted)


def _check(settings: Any, n_units: int) -> list[str]:
    """What the corpus size decides: enough units, topic sizes and counts that fit in it (and
    settings that no corpus fits)."""
    if bad := _setting_problems(settings):
        return bad
    if n_units < MIN_UNITS:
        return [f"needs at least {MIN_UNITS} units, the corpus gives {n_units}; use a larger "
                "corpus (or unit: paragraph, if the units are articles)"]
    problems = n_topics_problems(settings, "nr_topics", n_units)
    size = settings.get("min_topic_size")
    if isinstance(size, int) and not isinstance(size, bool) and size > n_units:
        problems.append(f"min_topic_size={size} is larger than the corpus ({counted(n_units, 'unit')})")
    return problems


_SCHEMA = schema_of(fit, f"model {NAME!r}", skip=("units", "seed"))
_SETTING_NAMES = frozenset(_SCHEMA.names)

SPECS = (
    EstimatorSpec(
        name=NAME,
        kind="topic_model",
        summary="BERTopic for German news: TF-IDF + exact SVD, article context, Ward-started cosine k-means, "
        "NMF words (offline, seed-free)",
        schema=_SCHEMA.extended(ANALYSIS_SCHEMA).with_aliases(n_topics_aliases("nr_topics")),
        fit=fit,
        reads_tokens=True,
        n_topics_setting="nr_topics",
        check=_check,
        # runs stored before these settings existed clustered with plain k-means, ranked their
        # words by weight alone and cut no large topic (or, on 2026-12-07, at most k)
        earlier={"kmeans_metric": "euclidean", "word_exclusivity": 0.0,
                 "hide_compound_parts": False, "max_topic_share": None, "max_topic_cuts": "k",
                 "word_cooccurrence": 0.0},
    ),
    EstimatorSpec(
        name=PEER_NAME,
        kind="topic_model",
        summary="peer: BERTopic's lightweight default (TF-IDF + SVD, default vectorizer)",
        schema=schema_of(fit_default, f"model {PEER_NAME!r}", skip=("units", "seed")).with_aliases(
            n_topics_aliases("nr_topics")
        ),
        fit=fit_default,
        peer=True,
        n_topics_setting="nr_topics",
        check=_check,
    ),
)
