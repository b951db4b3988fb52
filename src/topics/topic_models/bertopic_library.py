"""The routes that run through the BERTopic library: the options of ``bertopic`` and the peer.

The default ``bertopic`` route needs none of this (see :mod:`topics.topic_models.bertopic`).
BERTopic is used when a setting asks for one of its parts: UMAP (``reduction="umap"``, on exact
neighbours, numba pinned to a generic CPU), HDBSCAN (``clustering="hdbscan"``), its word scorings
(``representation`` "c-tf-idf", "keybert", "mmr", or the LDAvis "relevance" scorer as its
``ctfidf_model``), guided topics (``guided``), and for the peer ``bertopic_default``. bertopic,
umap and hdbscan are imported inside the functions: importing them compiles numba code (10-17 s
on a warm cache, ~50 s on a cold one), which must not happen on ``import topics``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from topics.errors import ConfigError, closest, counted
from topics.topic_models import seed_words as seed_data
from topics.topic_models.assigner import TextView, TopicAssigner, embed_texts
from topics.topic_models.clustering import WardKMeans, exact_knn

__all__ = ["UMAP_METRICS", "fit_with_library", "quiet_bertopic", "relevance_transformer",
           "topic_words", "umap_metric_problem"]


#: UMAP's metrics by name: the keys of umap.distances.named_distances (umap-learn 0.5.12),
#: listed here because importing umap compiles numba code (~40 s on a cold cache)
UMAP_METRICS = (
    "braycurtis", "canberra", "categorical", "chebyshev", "correlation", "cosine", "count",
    "dice", "euclidean", "hamming", "haversine", "hellinger", "hierarchical_categorical",
    "jaccard", "kulsinski", "l1", "l2", "linf", "linfinity", "linfty", "ll_dirichlet",
    "mahalanobis", "manhattan", "matching", "minkowski", "myers", "ordinal", "poincare",
    "rogerstanimoto", "russellrao", "seuclidean", "softmax_hellinger", "sokalmichener",
    "sokalsneath", "standardised_euclidean", "string", "symmetric_kl", "taxicab",
    "weighted_minkowski", "wminkowski", "yule",
)


def umap_metric_problem(metric: Any) -> str | None:
    """What is wrong with ``metric`` as a UMAP metric (with a close name), or None (also for no
    metric)."""
    if metric is None or metric in UMAP_METRICS:
        return None
    close = closest(str(metric), UMAP_METRICS)
    hint = f"did you mean {close!r}? " if close else ""
    return (f"metric={metric!r} is not one of UMAP's metrics; {hint}e.g. 'cosine', "
            "'euclidean', 'manhattan', 'correlation', 'hellinger'")


def _below_error(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


@contextmanager
def quiet_bertopic() -> Iterator[None]:
    """Drop BERTopic's info/warning records (e.g. its note on custom topic assignments after outlier
    reduction). A filter, not a level: BERTopic resets its logger's level in every constructor."""
    logger = logging.getLogger("BERTopic")
    logger.addFilter(_below_error)
    try:
        yield
    finally:
        logger.removeFilter(_below_error)


def _split(document: str) -> list[str]:
    """BERTopic sees each unit as its tokens joined by spaces (tokens hold no space), so its
    c-TF-IDF reads the tokens view without analysing the text again."""
    return document.split()


def _embedder(views: list[TextView], components: np.ndarray | None, model: Any) -> Any:
    """What BERTopic embeds words and documents with (KeyBERT, MMR, guided topics)."""
    if components is None:
        return model  # a sentence-transformers model
    from bertopic.backend import BaseEmbedder

    class StoredEmbedder(BaseEmbedder):
        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return embed_texts(views, components, list(documents))

    return StoredEmbedder()


def _representation(settings: Mapping[str, Any], seed: int) -> Any:
    """None (plain c-TF-IDF) or a BERTopic representation model that re-ranks c-TF-IDF candidates."""
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    top_n = int(settings["top_n_words"])
    if settings["representation"] == "keybert":
        return KeyBERTInspired(top_n_words=top_n, nr_repr_docs=10,
                               nr_candidate_words=int(settings["nr_candidate_words"]),
                               random_state=seed)
    if settings["representation"] == "mmr":
        return MaximalMarginalRelevance(diversity=0.2, top_n_words=top_n)
    return None


def relevance_transformer(lam: float) -> Any:
    """A BERTopic ``ctfidf_model`` scoring words by LDAvis relevance (Sievert & Shirley 2014).

    ``lam * log p(w|t) + (1 - lam) * log(p(w|t) / p(w))``, reported as its exponential (positive,
    same order): ``p(w|t) * p(w) ** (lam - 1)``. Measured against c-TF-IDF on the same partitions:
    NPMI 0.13 vs 0.10 (shipped paragraphs, k=7) and 0.14 vs 0.13 (10kGNAD, k=9).
    """
    import scipy.sparse as sp
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.preprocessing import normalize

    class RelevanceTransformer(ClassTfidfTransformer):
        def __init__(self, lam: float = 0.6) -> None:
            super().__init__()
            self.lam = lam

        def fit(self, X: Any, multiplier: Any = None) -> Any:  # noqa: N803 - BERTopic's name
            totals = np.asarray(X.sum(axis=0)).ravel().astype(float)
            p_w = totals / max(totals.sum(), 1.0)
            self.weights_ = np.where(p_w > 0, p_w, 1.0) ** (self.lam - 1.0)
            self._idf_diag = sp.diags(self.weights_, offsets=0, shape=(X.shape[1], X.shape[1]),
                                      format="csr", dtype=np.float64)
            return self

        def transform(self, X: Any) -> Any:  # noqa: N803
            out = sp.csr_matrix(normalize(sp.csr_matrix(X, dtype=np.float64), norm="l1", axis=1)
                                @ self._idf_diag)
            out.data = np.round(out.data, 12)  # libm's pow differs in the last bit by CPU
            return out

    return RelevanceTransformer(lam)


def _reducer(settings: Mapping[str, Any], cluster_input: np.ndarray, seed: int) -> Any:
    from bertopic.dimensionality import BaseDimensionalityReduction

    if settings["reduction"] != "umap":
        return BaseDimensionalityReduction()  # cluster the embedding itself
    from umap import UMAP

    n_neighbors = max(2, min(int(settings["n_neighbors"]), len(cluster_input) - 1))
    knn = exact_knn(cluster_input, n_neighbors)
    return UMAP(
        n_neighbors=n_neighbors,
        n_components=int(settings["n_components"]),
        min_dist=float(settings["min_dist"]),
        metric=settings["metric"],
        random_state=seed,  # also makes UMAP single-threaded: deterministic
        precomputed_knn=(knn[0], knn[1], None),  # exact: no pynndescent, nothing to compile
        n_jobs=1,
    )


def _clusterer(settings: Mapping[str, Any], n_units: int, n_clusters: int) -> Any:
    if settings["clustering"] == "kmeans":
        # the UMAP layout is not a set of directions: plain (euclidean) k-means
        return WardKMeans(n_clusters, ward_sample=int(settings["ward_sample"]), metric="euclidean")
    from hdbscan import HDBSCAN

    share = float(settings["max_cluster_size"])
    return HDBSCAN(
        min_cluster_size=settings["min_topic_size"],
        min_samples=settings["min_samples"],
        metric="euclidean",
        cluster_selection_method=settings["cluster_selection_method"],
        cluster_selection_epsilon=float(settings["cluster_selection_epsilon"]),
        max_cluster_size=int(round(share * n_units)) if 0 < share < 1 else int(share),
        prediction_data=True,
        core_dist_n_jobs=1,
    )


def _too_few_clusters(error: str, model: Any, n_units: int) -> str | None:
    """What to do when BERTopic's automatic merging (``nr_topics="auto"``) failed on HDBSCAN's
    clusters, or None for another error: none at all ("0 sample(s)"), or a single one, whose
    merging asks HDBSCAN for more neighbours than there are topics (a bare ValueError "k must be
    less than or equal to the number of training points")."""
    advice = "lower min_topic_size / min_samples, use more units, or clustering='kmeans'"
    if "0 sample(s)" in error:
        return (f"HDBSCAN found no topic among {counted(n_units, 'unit')} (every unit is an "
                f"outlier); {advice}")
    if "number of training points" not in error:
        return None
    labels = getattr(model.hdbscan_model, "labels_", None)
    found = len(set(np.asarray(labels).tolist()) - {-1}) if labels is not None else 1
    return (f"HDBSCAN found only {counted(found, 'topic')} among {counted(n_units, 'unit')}, too "
            f"few for BERTopic's automatic merging (nr_topics='auto'); {advice}")


def topic_words(model: Any) -> dict[int, list[tuple[str, float]]]:
    """A fitted BERTopic's topic words, empty words dropped."""
    return {
        int(t): [(w, float(s)) for w, s in words if w]
        for t, words in sorted(model.get_topics().items())
    }


def fit_with_library(
    settings: Mapping[str, Any],
    tokens: list[list[str]],
    vocabulary: list[str],
    views: list[TextView],
    components: np.ndarray | None,
    st_model: Any,
    cluster_input: np.ndarray,
    n_clusters: int,
    seed: int,
) -> tuple[Any, np.ndarray, np.ndarray | None, float, dict[int, list[tuple[str, float]]]]:
    """Fit BERTopic on precomputed (context-mixed) embeddings.

    Returns
    -------
    model, assignments, probabilities (or None), outlier share before reduction, topic words
    """
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    from topics.topic_models.common import make_analyzer

    documents = [" ".join(t) for t in tokens]
    vectorizer = CountVectorizer(analyzer=_split, vocabulary=vocabulary)
    guided = settings["guided"]
    seed_topics = seed_data.seed_topic_list(make_analyzer(settings), vocabulary)
    hdbscan = settings["clustering"] == "hdbscan"
    scorer = (relevance_transformer(float(settings["relevance_lambda"]))
              if settings["representation"] in ("relevance", "nmf") else ClassTfidfTransformer(
                  reduce_frequent_words=bool(settings["reduce_frequent_words"]),
                  bm25_weighting=bool(settings["bm25_weighting"])))
    model = BERTopic(
        embedding_model=_embedder(views, components, st_model),
        umap_model=_reducer(settings, cluster_input, seed),
        hdbscan_model=_clusterer(settings, len(tokens), n_clusters),
        vectorizer_model=vectorizer,
        ctfidf_model=scorer,
        representation_model=_representation(settings, seed),
        nr_topics=settings["nr_topics"] if hdbscan else None,
        top_n_words=int(settings["top_n_words"]),
        calculate_probabilities=hdbscan,
        seed_topic_list=seed_topics if guided == "seed_words" else None,
        zeroshot_topic_list=seed_data.zeroshot_topic_list() if guided == "zeroshot" else None,
        zeroshot_min_similarity=float(settings["zeroshot_min_similarity"]),
        verbose=False,
    )
    with quiet_bertopic():
        try:
            assignments, probs = model.fit_transform(documents, embeddings=cluster_input)
        except ValueError as error:  # BERTopic's automatic reduction fails on too few clusters
            problem = _too_few_clusters(str(error), model, len(documents)) if hdbscan else None
            if problem is None:
                raise
            raise ConfigError(problem) from None
        assignments = np.asarray(assignments, dtype=int)
        outliers_before = float(np.mean(assignments == -1))
        strategy = settings["reduce_outliers"]
        if strategy and outliers_before > 0 and len(set(assignments.tolist()) - {-1}) > 0:
            assignments = np.asarray(model.reduce_outliers(
                documents, assignments.tolist(), strategy=strategy, probabilities=probs,
                embeddings=cluster_input, threshold=float(settings["outlier_threshold"]),
            ), dtype=int)
            model.update_topics(documents, topics=assignments.tolist(),
                                vectorizer_model=vectorizer, ctfidf_model=model.ctfidf_model,
                                representation_model=model.representation_model,
                                top_n_words=int(settings["top_n_words"]))
    probs = np.asarray(probs) if probs is not None else None
    if probs is not None and probs.ndim != 2:
        probs = None
    return model, assignments, probs, outliers_before, topic_words(model)


# ---------------------------------------------------------------------------------------------------
# the peer: BERTopic's lightweight default


def fit_peer(units: Sequence[Any], seed: int, settings: Mapping[str, Any]) -> dict[str, Any]:
    """BERTopic's documented lightweight setup with its own defaults (see ``fit_default``)."""
    from bertopic import BERTopic
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from umap import UMAP

    n = len(units)
    texts = [u.text for u in units]
    analyzer = CountVectorizer().build_analyzer()  # TfidfVectorizer's words, for the metrics
    tokens = [list(analyzer(t)) for t in texts]
    dimensions = min(100, n - 1)
    n_words = len({word for doc in tokens for word in doc})
    if n_words < dimensions:  # else scikit-learn's bare "n_components(11) must be <= n_features(3)"
        raise ConfigError(
            f"model 'bertopic_default': its SVD reduces to {dimensions} dimensions, but the "
            f"{counted(n, 'unit')} {'has' if n == 1 else 'have'} only "
            f"{counted(n_words, 'distinct word')}; give longer or more varied texts"
        )
    tfidf = TfidfVectorizer()
    svd = TruncatedSVD(dimensions, random_state=seed)
    embedder = make_pipeline(tfidf, svd)
    # BERTopic's own default UMAP, plus the seed
    umap_model = UMAP(n_neighbors=min(15, n - 1), n_components=5, min_dist=0.0, metric="cosine",
                      low_memory=False, random_state=seed)
    model = BERTopic(embedding_model=embedder, umap_model=umap_model, language="multilingual",
                     nr_topics=settings["nr_topics"], min_topic_size=settings["min_topic_size"],
                     verbose=False)
    with quiet_bertopic():
        assignments, _ = model.fit_transform(texts)
    assignments = np.asarray(assignments, dtype=int)
    embeddings = np.asarray(embedder.transform(texts))
    ids = sorted(int(t) for t in set(assignments.tolist()) - {-1})
    centroids = (np.vstack([embeddings[assignments == t].mean(axis=0) for t in ids])
                 if ids else np.zeros((0, embeddings.shape[1])))
    view = TextView("words", [str(w) for w in tfidf.get_feature_names_out()], tfidf.idf_,
                    normalise=True)
    assigner = TopicAssigner("centroids", ids, [view],
                             {"centroids": centroids, "components": svd.components_},
                             {"normalise_embedding": False}, bertopic=model)
    return {
        "assignments": assignments,
        "topics": topic_words(model),
        "embeddings": embeddings,
        "tokens": tokens,
        "estimator": assigner,
    }
