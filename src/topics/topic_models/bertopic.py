"""BERTopic configured for German news, offline, and BERTopic's lightweight default as a peer.

bertopic, umap and hdbscan are imported inside the functions: importing them compiles numba code
(10-17 s on a cold cache), which must not happen on ``import topics``.

Design (measured; numbers in the ``topics.topic_models`` docstring):

* Embeddings read the clean text through an offline scikit-learn pipeline: TF-IDF over the German
  tokens view (lemmas + compound parts, min_df/max_df) → TruncatedSVD(100) → L2 normalisation. It
  beats BERTopic's lightweight default (plain TfidfVectorizer + SVD) by far; character n-grams
  (``char_ngrams=(3, 5)``) add ~1 point of kNN accuracy at 5x the time, so they are an option.
  Optional sentence-transformers embeddings by name or local path (``embedding_model=...``).
* Topic words come from c-TF-IDF over the tokens view (``CountVectorizer(analyzer=GermanAnalyzer())``),
  umlauts intact, re-ranked by KeyBERTInspired among the 30 best c-TF-IDF candidates. The vocabulary
  is filtered by document frequency over the *units* (min_df/max_df), then fixed, because BERTopic's
  vectorizer sees one concatenated document per topic, where min_df would count topics.
* UMAP/HDBSCAN sizes are relative to the number of units (min cluster 2 %, at least 5; max cluster
  25 % — without the cap HDBSCAN's "eom" selection returns two giant clusters on 10kGNAD);
  ``nr_topics="auto"`` merges near-duplicates; outliers are re-assigned by embedding similarity
  (``reduce_outliers="embeddings"``; None keeps them) and the share before reduction is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from annotated_types import Ge, Gt, Lt

from topics.errors import ConfigError, ModelFileError
from topics.schema import EstimatorSpec, schema_of
from topics.text.german import ANALYSIS_SCHEMA
from topics.topic_models import seed_words as seed_data
from topics.topic_models.common import (
    check_n_topics,
    count_matrix,
    make_analyzer,
    n_topics_aliases,
    n_topics_problems,
    tokenize,
)
from topics.topic_models.embeddings import embed, sentence_transformer
from topics.topic_models.result import FittedTopics

NAME = "bertopic"
PEER_NAME = "bertopic_default"
MIN_UNITS = 10  # UMAP's spectral layout and HDBSCAN need a handful of points

MIN_TOPIC_SHARE = 0.02


def _below_error(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


@contextmanager
def _quiet_bertopic():
    """Drop BERTopic's info/warning records (e.g. its note on custom topic assignments after outlier
    reduction). A filter, not a level: BERTopic resets its logger's level in every constructor."""
    logger = logging.getLogger("BERTopic")
    logger.addFilter(_below_error)
    try:
        yield
    finally:
        logger.removeFilter(_below_error)


def _min_topic_size(value: Any, n_units: int) -> int:
    if value == "auto":
        return max(5, round(MIN_TOPIC_SHARE * n_units))
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
        raise ConfigError(f"model 'bertopic': min_topic_size={value!r} must be an integer >= 2 "
                          "or 'auto'")
    if value > n_units:
        raise ConfigError(f"model 'bertopic': min_topic_size={value} is larger than the corpus "
                          f"({n_units} units); allowed: 2 to {n_units}")
    return int(value)


def _max_cluster_size(value: float, n_units: int) -> int:
    return int(round(value * n_units)) if 0 < value < 1 else int(value)


def _validate(settings: dict[str, Any], n_units: int) -> dict[str, Any]:
    if n_units < MIN_UNITS:
        raise ConfigError(f"model 'bertopic' needs at least {MIN_UNITS} units, got {n_units}; "
                          "use unit='paragraph' or a larger corpus")
    settings["min_topic_size"] = _min_topic_size(settings["min_topic_size"], n_units)
    nr = settings["nr_topics"]
    if nr is not None and nr != "auto":
        check_n_topics(NAME, "nr_topics", nr, n_units)
    if settings["char_ngrams"] is not None:
        settings["char_ngrams"] = tuple(settings["char_ngrams"])
    return settings


# ---------------------------------------------------------------------------------------------------
# fitting


def _representation(settings: Mapping[str, Any], seed: int) -> Any:
    """None (plain c-TF-IDF) or a BERTopic representation model that re-ranks c-TF-IDF candidates."""
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    top_n = int(settings["top_n_words"])
    if settings["representation"] == "keybert":
        # words closest to the topic's embedding among its best c-TF-IDF candidates: on both corpora
        # this raised NPMI (+0.01 shipped paragraphs, +0.05 10kGNAD) at equal diversity
        return KeyBERTInspired(top_n_words=top_n, nr_repr_docs=10,
                               nr_candidate_words=int(settings["nr_candidate_words"]),
                               random_state=seed)
    if settings["representation"] == "mmr":
        return MaximalMarginalRelevance(diversity=0.2, top_n_words=top_n)
    return None


def _bertopic(settings: Mapping[str, Any], embedder: Any, vectorizer: Any, seed: int,
              n_units: int, seed_topics: list[list[str]] | None) -> Any:
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from hdbscan import HDBSCAN
    from umap import UMAP

    umap_model = UMAP(
        n_neighbors=max(2, min(int(settings["n_neighbors"]), n_units - 1)),
        n_components=int(settings["n_components"]),
        min_dist=float(settings["min_dist"]),
        metric=settings["metric"],
        random_state=seed,  # also makes UMAP single-threaded: deterministic
        low_memory=True,
        n_jobs=1,
    )
    hdbscan_model = HDBSCAN(
        min_cluster_size=settings["min_topic_size"],
        min_samples=settings["min_samples"],
        metric="euclidean",
        cluster_selection_method=settings["cluster_selection_method"],
        cluster_selection_epsilon=float(settings["cluster_selection_epsilon"]),
        max_cluster_size=_max_cluster_size(settings["max_cluster_size"], n_units),
        prediction_data=True,
        core_dist_n_jobs=1,
    )
    guided = settings["guided"]
    return BERTopic(
        embedding_model=embedder,
        umap_model=umap_model,
        hdbscan_model=hdbscan_model,
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(
            reduce_frequent_words=bool(settings["reduce_frequent_words"]),
            bm25_weighting=bool(settings["bm25_weighting"]),
        ),
        representation_model=_representation(settings, seed),
        nr_topics=settings["nr_topics"],
        top_n_words=int(settings["top_n_words"]),
        calculate_probabilities=True,
        seed_topic_list=seed_topics if guided == "seed_words" else None,
        zeroshot_topic_list=seed_data.zeroshot_topic_list() if guided == "zeroshot" else None,
        zeroshot_min_similarity=float(settings["zeroshot_min_similarity"]),
        verbose=False,
    )


def _topic_words(model: Any) -> dict[int, list[tuple[str, float]]]:
    return {
        int(t): [(w, float(s)) for w, s in words if w]
        for t, words in sorted(model.get_topics().items())
    }


def fit(
    units: Sequence[Any],
    seed: int = 0,
    *,
    embedding_model: str | None = None,
    svd_components: Annotated[int, Ge(2)] = 100,
    char_ngrams: tuple[Annotated[int, Ge(1)], Annotated[int, Ge(1)]] | None = None,
    n_neighbors: Annotated[int, Ge(2)] = 15,
    n_components: Annotated[int, Ge(2)] = 5,
    min_dist: Annotated[float, Ge(0)] = 0.0,
    metric: str = "cosine",
    min_topic_size: Annotated[int, Ge(2)] | Literal["auto"] = "auto",
    min_samples: Annotated[int, Ge(1)] | None = None,
    cluster_selection_method: Literal["eom", "leaf"] = "eom",
    cluster_selection_epsilon: Annotated[float, Ge(0)] = 0.0,
    max_cluster_size: Annotated[float, Ge(0)] = 0.25,
    nr_topics: Annotated[int, Ge(2)] | Literal["auto"] | None = "auto",
    top_n_words: Annotated[int, Ge(1)] = 10,
    min_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0)] = 2,
    max_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0)] = 0.5,
    reduce_frequent_words: bool = False,
    bm25_weighting: bool = False,
    representation: Literal["c-tf-idf", "keybert", "mmr"] = "keybert",
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
        Seeds the SVD, UMAP and the representation model.
    embedding_model : str or None
        None: the offline TF-IDF (tokens view) + SVD embedding; else a sentence-transformers model
        name or local path (needs the ``embeddings`` extra and the model on disk).
    svd_components : int
        Dimensions of the offline embedding (capped at the number of units - 1).
    char_ngrams : [int, int] or None
        Add character n-gram TF-IDF of these lengths to the offline embedding (e.g. [3, 5]:
        measured +1 point of kNN accuracy at 5x the time).
    n_neighbors, n_components, min_dist, metric
        UMAP's own parameters (n_neighbors capped at the number of units - 1).
    min_topic_size : int or "auto"
        HDBSCAN's min_cluster_size; "auto" = 2 % of the units, at least 5.
    min_samples : int or None
        HDBSCAN's min_samples (None = min_topic_size).
    cluster_selection_method : {"eom", "leaf"}
        HDBSCAN's cluster selection.
    cluster_selection_epsilon : float
        HDBSCAN's cluster_selection_epsilon.
    max_cluster_size : float
        Largest cluster as a share of the units (0 < x < 1) or a count; 0 = no limit.
    nr_topics : int, "auto" or None
        Merge topics: "auto" merges near-duplicates, an int reduces to that many, None keeps all.
    top_n_words : int
        Words listed per topic.
    min_df, max_df : int or float
        Vocabulary of the topic words: words found in at least ``min_df`` and at most ``max_df``
        units (a float is a share), counted over units, not topics.
    reduce_frequent_words : bool
        c-TF-IDF's square-root term frequency (measured: with KeyBERT re-ranking, off gives higher
        NPMI).
    bm25_weighting : bool
        c-TF-IDF with BM25 weighting.
    representation : {"c-tf-idf", "keybert", "mmr"}
        Topic words: plain c-TF-IDF, re-ranked by closeness to the topic embedding (KeyBERT-style)
        or by maximal marginal relevance.
    nr_candidate_words : int
        c-TF-IDF candidates the KeyBERT-style re-ranking chooses from.
    reduce_outliers : {"c-tf-idf", "embeddings", "distributions"} or None
        Re-assign HDBSCAN's outliers with this strategy; None keeps them as topic -1.
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
    return _fit(units, seed, _validate(settings, len(units)))


def _fit(units: Sequence[Any], seed: int, settings: dict[str, Any]) -> FittedTopics:
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [u.text for u in units]
    analyzer = make_analyzer(settings)
    tokens = tokenize(texts, analyzer)
    _, vocabulary = count_matrix(tokens, min_df=settings["min_df"], max_df=settings["max_df"],
                                 model=NAME)
    vectorizer = CountVectorizer(analyzer=analyzer, vocabulary=vocabulary)
    embedder, embeddings = embed(texts, settings, seed)
    seed_topics = seed_data.seed_topic_list(analyzer, vocabulary)
    model = _bertopic(settings, embedder, vectorizer, seed, len(texts), seed_topics)
    with _quiet_bertopic():
        assignments, probs = model.fit_transform(texts, embeddings=embeddings)
        assignments = np.asarray(assignments, dtype=int)
        outliers_before = float(np.mean(assignments == -1))
        strategy = settings["reduce_outliers"]
        if strategy and outliers_before > 0 and len(set(assignments.tolist()) - {-1}) > 0:
            assignments = np.asarray(model.reduce_outliers(
                texts, assignments.tolist(), strategy=strategy, probabilities=probs,
                embeddings=embeddings, threshold=float(settings["outlier_threshold"]),
            ), dtype=int)
            model.update_topics(texts, topics=assignments.tolist(), vectorizer_model=vectorizer,
                                ctfidf_model=model.ctfidf_model,
                                representation_model=model.representation_model,
                                top_n_words=int(settings["top_n_words"]))
    probs = np.asarray(probs) if probs is not None else None
    return FittedTopics(
        settings=settings,
        assignments=assignments,
        topics=_topic_words(model),
        distributions=probs if probs is not None and probs.ndim == 2 else None,
        embeddings=embeddings,
        tokens=tokens,
        estimator=BERTopicModel(model, NAME, settings),
        extra_metrics={"outlier_share_before_reduction": outliers_before},
    )


# ---------------------------------------------------------------------------------------------------
# peer: BERTopic's lightweight default


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
    from bertopic import BERTopic
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from umap import UMAP

    settings = {"nr_topics": nr_topics, "min_topic_size": min_topic_size}
    n = len(units)
    if n < MIN_UNITS:
        raise ConfigError(f"model {PEER_NAME!r} needs at least {MIN_UNITS} units, got {n}")
    texts = [u.text for u in units]
    embedder = make_pipeline(TfidfVectorizer(), TruncatedSVD(min(100, n - 1), random_state=seed))
    # BERTopic's own default UMAP, plus the seed
    umap_model = UMAP(n_neighbors=min(15, n - 1), n_components=5, min_dist=0.0, metric="cosine",
                      low_memory=False, random_state=seed)
    model = BERTopic(embedding_model=embedder, umap_model=umap_model, language="multilingual",
                     nr_topics=settings["nr_topics"], min_topic_size=settings["min_topic_size"],
                     verbose=False)
    with _quiet_bertopic():
        assignments, _ = model.fit_transform(texts)
    analyzer = CountVectorizer().build_analyzer()
    return FittedTopics(
        settings=settings,
        assignments=np.asarray(assignments, dtype=int),
        topics=_topic_words(model),
        distributions=None,
        embeddings=np.asarray(embedder.transform(texts)),
        tokens=tokenize(texts, analyzer),
        estimator=BERTopicModel(model, PEER_NAME, settings),
    )


# ---------------------------------------------------------------------------------------------------
# the fitted model, saved and loaded without pickle

_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "topics.text.german.", "builtins.")


class BERTopicModel:
    """A fitted BERTopic with what it takes to save and rebuild it (attributes pass through).

    ``model.transform(texts)``, ``model.get_topics()`` and every other BERTopic attribute work on
    this object as on the BERTopic model itself (:attr:`bertopic`).
    """

    def __init__(self, bertopic: Any, model_name: str, settings: Mapping[str, Any]) -> None:
        self.bertopic = bertopic
        self.model_name = model_name
        self.settings = dict(settings)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["bertopic"], name)

    def save(self, directory: Path) -> dict[str, Any]:
        """BERTopic in safetensors + JSON; the offline embedder with skops (no pickle)."""
        name = self.settings.get("embedding_model") if self.model_name == NAME else None
        with _quiet_bertopic():
            self.bertopic.save(directory / "bertopic", serialization="safetensors",
                               save_ctfidf=True, save_embedding_model=name if name else False)
        info: dict[str, Any] = {"bertopic": "bertopic"}
        if self.model_name == NAME and not name:
            import skops.io

            skops.io.dump(self.bertopic.embedding_model.pipe, directory / "embedding.skops")
            info["embedding"] = "embedding.skops"
        return info

    @classmethod
    def loader(cls, model_name: str) -> Any:
        """``load(directory, info, settings)`` for results of ``model_name``."""

        def load(directory: Path, info: Mapping[str, Any], settings: Mapping[str, Any]) -> Any:
            return cls._load(model_name, directory, info, settings)

        return load

    @classmethod
    def _load(cls, model_name: str, directory: Path, info: Mapping[str, Any],
              settings: Mapping[str, Any]) -> BERTopicModel:
        from bertopic import BERTopic

        embedder = None
        if info.get("embedding"):
            embedder = _load_embedder(directory / info["embedding"])
        elif model_name == NAME and settings.get("embedding_model"):
            embedder = sentence_transformer(settings["embedding_model"])
        try:
            with _quiet_bertopic():
                model = BERTopic.load(str(directory / info["bertopic"]), embedding_model=embedder)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelFileError(
                f"{directory / info['bertopic']}: cannot load BERTopic ({exc})"
            ) from exc
        if model_name == NAME and model.vectorizer_model is not None:
            # the safetensors config drops a callable analyzer; put the tokens view back
            model.vectorizer_model.set_params(analyzer=make_analyzer(settings))
        return cls(model, model_name, settings)


def _load_embedder(file: Path) -> Any:
    import skops.io

    try:
        untrusted = skops.io.get_untrusted_types(file=file)
    except Exception as exc:  # skops raises assorted errors on a damaged archive
        raise ModelFileError(f"{file}: not a skops file ({exc})") from exc
    foreign = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if foreign:
        raise ModelFileError(f"{file}: refuses to load unexpected types {foreign}; "
                             "only scikit-learn pipelines and topics.german analyzers are allowed")
    return skops.io.load(file, trusted=untrusted)


def _check(settings: Mapping[str, Any], n_units: int) -> list[str]:
    """What the corpus size decides: enough units, topic sizes and counts that fit in it."""
    if n_units < MIN_UNITS:
        return [f"needs at least {MIN_UNITS} units, the corpus gives {n_units}; use "
                "unit: paragraph or a larger corpus"]
    problems = n_topics_problems(settings, "nr_topics", n_units)
    size = settings.get("min_topic_size")
    if isinstance(size, int) and not isinstance(size, bool) and size > n_units:
        problems.append(f"min_topic_size={size} is larger than the corpus ({n_units} units)")
    return problems


_SCHEMA = schema_of(fit, f"model {NAME!r}", skip=("units", "seed"))
_SETTING_NAMES = frozenset(_SCHEMA.names)

SPECS = (
    EstimatorSpec(
        name=NAME,
        kind="topic_model",
        summary="BERTopic for German news, offline (tokens-view TF-IDF + SVD embeddings)",
        schema=_SCHEMA.extended(ANALYSIS_SCHEMA).with_aliases(n_topics_aliases("nr_topics")),
        fit=fit,
        reads_tokens=True,
        n_topics_setting="nr_topics",
        load=BERTopicModel.loader(NAME),
        check=_check,
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
        load=BERTopicModel.loader(PEER_NAME),
        check=_check,
    ),
)
