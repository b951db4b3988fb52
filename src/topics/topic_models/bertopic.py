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
import os
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from topics.errors import ConfigError, ModelFileError
from topics.topic_models import seeds as seed_data
from topics.topic_models._common import (
    check_choice,
    check_n_topics,
    count_matrix,
    make_analyzer,
    resolve_settings,
    tokenize,
)

NAME = "bertopic"
PEER_NAME = "bertopic_default"
MIN_UNITS = 10  # UMAP's spectral layout and HDBSCAN need a handful of points

DEFAULTS: dict[str, Any] = {
    # embeddings (clean text)
    "embedding_model": None,  # None: offline TF-IDF(tokens + char n-grams) + SVD; or a ST name/path
    "svd_components": 100,  # capped at n_units - 1
    "char_ngrams": None,  # e.g. (3, 5): add char_wb n-gram TF-IDF (measured: +1 pt kNN, 5x slower)
    # UMAP (its own parameter names)
    "n_neighbors": 15,  # capped at n_units - 1
    "n_components": 5,
    "min_dist": 0.0,
    "metric": "cosine",
    # HDBSCAN / BERTopic
    "min_topic_size": "auto",  # auto: 2 % of the units, at least 5 (HDBSCAN min_cluster_size)
    "min_samples": None,
    "cluster_selection_method": "eom",
    "cluster_selection_epsilon": 0.0,
    "max_cluster_size": 0.25,  # a share in (0, 1) of the units, or a count; 0: no limit
    "nr_topics": "auto",  # merge near-duplicate topics (BERTopic's HDBSCAN over topic vectors)
    "top_n_words": 10,
    # topic words (tokens view)
    "min_df": 2,
    "max_df": 0.5,
    "reduce_frequent_words": False,  # measured: with KeyBERT re-ranking, off gives higher NPMI
    "bm25_weighting": False,
    "representation": "keybert",  # "c-tf-idf", "keybert" (KeyBERTInspired over c-TF-IDF candidates), "mmr"
    "nr_candidate_words": 30,
    # outliers and guidance
    "reduce_outliers": "embeddings",  # None, "c-tf-idf", "embeddings" or "distributions"
    "outlier_threshold": 0.0,
    "guided": None,  # None, "seed_words" (codebook seed words) or "zeroshot" (label descriptions)
    "zeroshot_min_similarity": 0.3,
}
REPRESENTATIONS = ("c-tf-idf", "keybert", "mmr")
OUTLIER_STRATEGIES = (None, "c-tf-idf", "embeddings", "distributions")
GUIDED = (None, "seed_words", "zeroshot")
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
    check_choice(NAME, "reduce_outliers", settings["reduce_outliers"], OUTLIER_STRATEGIES)
    check_choice(NAME, "guided", settings["guided"], GUIDED)
    check_choice(NAME, "representation", settings["representation"], REPRESENTATIONS)
    if settings["char_ngrams"] is not None:
        settings["char_ngrams"] = tuple(settings["char_ngrams"])
    return settings


# ---------------------------------------------------------------------------------------------------
# embeddings


def offline_embedder(settings: Mapping[str, Any], n_units: int, seed: int) -> Any:
    """The offline embedding pipeline: TF-IDF (tokens view [+ char n-grams]) → SVD → L2 norm."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import Normalizer

    words = TfidfVectorizer(analyzer=make_analyzer(settings), sublinear_tf=True,
                            min_df=settings["min_df"], max_df=settings["max_df"])
    parts = [("words", words)]
    if settings["char_ngrams"] is not None:
        parts.append(("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=settings["char_ngrams"],
                                               sublinear_tf=True, min_df=2)))
    k = max(2, min(int(settings["svd_components"]), n_units - 1))
    return make_pipeline(FeatureUnion(parts), TruncatedSVD(k, random_state=seed),
                         Normalizer(copy=False))


def sentence_transformer(name: str) -> Any:
    """Load a sentence-transformers model by name or local path, offline.

    Raises
    ------
    topics.errors.ConfigError
        If sentence-transformers is not installed, or the model is not available offline.
    """
    # huggingface_hub reads HF_HUB_OFFLINE at import: set it before sentence_transformers is imported,
    # so a missing model fails at once instead of trying the network.
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            f"embedding_model={name!r} needs the optional package sentence-transformers, which is "
            "not installed; install the extra with `uv sync --extra embeddings` "
            "(or `pip install 'topics[embeddings]'`), or leave embedding_model unset for the "
            "offline TF-IDF embeddings"
        ) from exc
    try:
        return SentenceTransformer(name, device="cpu")
    except Exception as exc:  # OSError, ValueError, HF errors: all mean "not available offline"
        raise ConfigError(
            f"embedding_model={name!r} is not available offline ({type(exc).__name__}: {exc}); "
            "give a local model directory, or download the model once with network access "
            "(it is then read from the Hugging Face cache)"
        ) from exc


def _embed(texts: list[str], settings: Mapping[str, Any], seed: int) -> tuple[Any, np.ndarray]:
    if settings["embedding_model"]:
        model = sentence_transformer(settings["embedding_model"])
        vectors = model.encode(texts, show_progress_bar=False, normalize_embeddings=True)
        return model, np.asarray(vectors)
    pipeline = offline_embedder(settings, len(texts), seed)
    return pipeline, np.asarray(pipeline.fit_transform(texts))


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


def fit(units: Sequence[Any], seed: int, given: Mapping[str, Any]) -> dict[str, Any]:
    """Fit the German BERTopic on ``units``; returns the fields of a TopicModelResult."""
    from sklearn.feature_extraction.text import CountVectorizer

    settings = _validate(resolve_settings(NAME, DEFAULTS, given), len(units))
    texts = [u.text for u in units]
    analyzer = make_analyzer(settings)
    tokens = tokenize(texts, analyzer)
    _, vocabulary = count_matrix(tokens, min_df=settings["min_df"], max_df=settings["max_df"],
                                 model=NAME)
    vectorizer = CountVectorizer(analyzer=analyzer, vocabulary=vocabulary)
    embedder, embeddings = _embed(texts, settings, seed)
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
    return {
        "settings": settings,
        "assignments": assignments,
        "topics": _topic_words(model),
        "distributions": probs if probs is not None and probs.ndim == 2 else None,
        "embeddings": embeddings,
        "tokens": tokens,
        "estimator": model,
        "extra_metrics": {"outlier_share_before_reduction": outliers_before},
    }


# ---------------------------------------------------------------------------------------------------
# peer: BERTopic's lightweight default

PEER_DEFAULTS: dict[str, Any] = {"nr_topics": None, "min_topic_size": 10}


def fit_default(units: Sequence[Any], seed: int, given: Mapping[str, Any]) -> dict[str, Any]:
    """BERTopic's documented lightweight setup with its own defaults (the peer).

    ``embedding_model=make_pipeline(TfidfVectorizer(), TruncatedSVD(100))``, the default
    ``CountVectorizer()``, ``language="multilingual"``, default UMAP/HDBSCAN — only UMAP gets
    ``random_state=seed`` (and the SVD the seed) so that the peer is as reproducible as ours.
    Coherence reads the default vectorizer's tokens, the view its topic words come from.
    """
    from bertopic import BERTopic
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from umap import UMAP

    settings = resolve_settings(PEER_NAME, PEER_DEFAULTS, given, analyzer=False)
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
    return {
        "settings": settings,
        "assignments": np.asarray(assignments, dtype=int),
        "topics": _topic_words(model),
        "distributions": None,
        "embeddings": np.asarray(embedder.transform(texts)),
        "tokens": tokenize(texts, analyzer),
        "estimator": model,
        "extra_metrics": {},
    }


# ---------------------------------------------------------------------------------------------------
# save / load without pickle

_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "topics.german.", "builtins.")


def save_estimator(result: Any, directory: Path) -> dict[str, Any]:
    """BERTopic in safetensors + JSON; the offline embedder with skops (no pickle)."""
    model = result.estimator
    name = result.settings.get("embedding_model") if result.model_name == NAME else None
    with _quiet_bertopic():
        model.save(directory / "bertopic", serialization="safetensors", save_ctfidf=True,
                   save_embedding_model=name if name else False)
    info: dict[str, Any] = {"bertopic": "bertopic"}
    if result.model_name == NAME and not name:
        import skops.io

        skops.io.dump(model.embedding_model.pipe, directory / "embedding.skops")
        info["embedding"] = "embedding.skops"
    return info


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


def load_estimator(result: Any, directory: Path, info: Mapping[str, Any]) -> Any:
    """Rebuild the BERTopic model from its safetensors directory (topic words need no refit)."""
    from bertopic import BERTopic

    embedder = None
    if info.get("embedding"):
        embedder = _load_embedder(directory / info["embedding"])
    elif result.model_name == NAME and result.settings.get("embedding_model"):
        embedder = sentence_transformer(result.settings["embedding_model"])
    try:
        with _quiet_bertopic():
            model = BERTopic.load(str(directory / info["bertopic"]), embedding_model=embedder)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{directory / info['bertopic']}: cannot load BERTopic ({exc})") from exc
    if result.model_name == NAME and model.vectorizer_model is not None:
        # the safetensors config drops a callable analyzer; put the tokens view back
        model.vectorizer_model.set_params(analyzer=make_analyzer(result.settings))
    return model

