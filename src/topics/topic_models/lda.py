"""LDA on the German tokens view (tomotopy, collapsed Gibbs sampling), and scikit-learn's LDA peer.

Engine choice (measured, see benchmarks/bench_topic_models.py and the topic_models package docstring):
tomotopy gives higher NPMI than scikit-learn's variational LDA and gensim's LdaModel at a
similar or smaller time budget, and is exactly reproducible with ``seed`` and ``workers=1``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from topics.errors import ModelFileError
from topics.topic_models._common import (
    auto_n_topics,
    check_choice,
    check_n_topics,
    count_matrix,
    make_analyzer,
    resolve_settings,
    tokenize,
    top_words,
)
from topics.topic_models.nmf import TopicMatrices

NAME = "lda"
PEER_NAME = "lda_default"
DEFAULTS: dict[str, Any] = {
    "k": "auto",  # number of topics (tomotopy's name; n_components is accepted as an alias)
    "alpha": 0.1,
    "eta": 0.01,
    "tw": "one",  # tomotopy term weighting: "one" (plain counts), "idf" or "pmi"
    "iterations": 1000,
    "optim_interval": 10,  # hyper-parameter (alpha) optimisation every 10 iterations
    "min_df": 2,
    "max_df": 0.5,
    "top_n_words": 10,
}
PEER_DEFAULTS: dict[str, Any] = {"n_components": 10}
TERM_WEIGHTS = ("one", "idf", "pmi")


def _resolve(given: Mapping[str, Any], n: int) -> dict[str, Any]:
    given = dict(given)
    if "n_components" in given:  # alias shared with NMF and the sklearn peer
        given.setdefault("k", given.pop("n_components"))
    settings = resolve_settings(NAME, DEFAULTS, given)
    if settings["k"] == "auto":
        settings["k"] = auto_n_topics(n)
    settings["k"] = check_n_topics(NAME, "k", settings["k"], n)
    check_choice(NAME, "tw", settings["tw"], TERM_WEIGHTS)
    return settings


def fit(units: Sequence[Any], seed: int, given: Mapping[str, Any]) -> dict[str, Any]:
    """Fit tomotopy LDA on ``units``; returns the fields of a TopicModelResult."""
    import tomotopy as tp

    settings = _resolve(given, len(units))
    tokens = tokenize((u.text for u in units), make_analyzer(settings))
    _, vocabulary = count_matrix(tokens, min_df=settings["min_df"], max_df=settings["max_df"],
                                 model=NAME)
    keep = set(vocabulary)
    kept = [[w for w in doc if w in keep] for doc in tokens]
    weighting = {"one": tp.TermWeight.ONE, "idf": tp.TermWeight.IDF, "pmi": tp.TermWeight.PMI}
    model = tp.LDAModel(tw=weighting[settings["tw"]], k=settings["k"], alpha=settings["alpha"],
                        eta=settings["eta"], seed=seed)
    model.optim_interval = int(settings["optim_interval"])
    placed = [i for i, doc in enumerate(kept) if doc]  # tomotopy cannot hold an empty document
    for i in placed:
        model.add_doc(kept[i])
    # workers=1: tomotopy's multi-threaded sampler is not reproducible even with a fixed seed
    model.train(int(settings["iterations"]), workers=1, parallel=tp.ParallelScheme.NONE)
    k = settings["k"]
    distributions = np.zeros((len(units), k))
    for row, doc in zip(placed, model.docs, strict=True):
        distributions[row] = doc.get_topic_dist()
    assignments = np.full(len(units), -1, dtype=int)
    assignments[placed] = distributions[placed].argmax(axis=1)
    words = list(model.used_vocabs)
    components = np.vstack([model.get_topic_word_dist(t) for t in range(k)])
    topn = int(settings["top_n_words"])
    return {
        "settings": settings,
        "assignments": assignments,
        "topics": {t: top_words(components[t], words, topn) for t in range(k)},
        "distributions": distributions,
        "embeddings": None,
        "tokens": tokens,
        "estimator": TopicMatrices(components, words),
        "extra_metrics": {"log_likelihood_per_word": float(model.ll_per_word)},
    }


def fit_default(units: Sequence[Any], seed: int, given: Mapping[str, Any]) -> dict[str, Any]:
    """The peer: scikit-learn's LatentDirichletAllocation with its defaults on a plain CountVectorizer.

    ``n_components`` is sklearn's default, 10 (the only setting; we do not tune the peer).
    Coherence reads the CountVectorizer's own tokens, the view the topic words come from.
    """
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    settings = resolve_settings(PEER_NAME, PEER_DEFAULTS, given, analyzer=False)
    n = len(units)
    settings["n_components"] = check_n_topics(PEER_NAME, "n_components",
                                              settings["n_components"], n)
    texts = [u.text for u in units]
    vectorizer = CountVectorizer()
    x = vectorizer.fit_transform(texts)
    lda = LatentDirichletAllocation(n_components=settings["n_components"], random_state=seed)
    theta = lda.fit_transform(x)
    empty = np.asarray(x.sum(axis=1)).ravel() == 0
    assignments = np.where(empty, -1, theta.argmax(axis=1)).astype(int)
    words = list(vectorizer.get_feature_names_out())
    components = lda.components_ / lda.components_.sum(axis=1, keepdims=True)
    return {
        "settings": settings,
        "assignments": assignments,
        "topics": {t: top_words(components[t], words, 10) for t in range(len(components))},
        "distributions": theta,
        "embeddings": None,
        "tokens": tokenize(texts, vectorizer.build_analyzer()),
        "estimator": TopicMatrices(components, words),
        "extra_metrics": {},
    }


def save_estimator(result: Any, directory: Path) -> dict[str, Any]:
    """Topic × word distribution (.npy) and vocabulary (JSON)."""
    m: TopicMatrices = result.estimator
    np.save(directory / "topic_word.npy", m.components, allow_pickle=False)
    (directory / "vocabulary.json").write_text(json.dumps(m.vocabulary, ensure_ascii=False),
                                               encoding="utf-8")
    return {"components": "topic_word.npy", "vocabulary": "vocabulary.json"}


def load_estimator(result: Any, directory: Path, info: Mapping[str, Any]) -> TopicMatrices:
    """The saved topic × word distribution and vocabulary."""
    try:
        components = np.load(directory / info["components"], allow_pickle=False)
        vocabulary = json.loads((directory / info["vocabulary"]).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"{directory}: damaged topic matrices ({exc})") from exc
    return TopicMatrices(components, vocabulary)
