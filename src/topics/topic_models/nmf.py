"""NMF (scikit-learn) on TF-IDF of the German tokens view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

import numpy as np
from annotated_types import Ge, Gt

from topics.schema import EstimatorSpec, schema_of
from topics.text.german import ANALYSIS_SCHEMA
from topics.topic_models.common import (
    auto_n_topics,
    check_n_topics,
    count_matrix,
    make_analyzer,
    n_topics_aliases,
    n_topics_problems,
    tokenize,
    top_words,
)
from topics.topic_models.matrices import TopicMatrices
from topics.topic_models.result import FittedTopics

__all__ = ["SPECS", "fit"]

NAME = "nmf"


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def fit(
    units: Sequence[Any],
    seed: int = 0,
    *,
    n_components: Annotated[int, Ge(2)] | Literal["auto"] = "auto",
    init: Literal["nndsvd", "nndsvda", "nndsvdar", "random"] = "nndsvd",
    max_iter: Annotated[int, Ge(1)] = 500,
    alpha_W: Annotated[float, Ge(0)] = 0.0,  # noqa: N803 - scikit-learn's name
    alpha_H: Annotated[float, Ge(0)] | Literal["same"] = "same",  # noqa: N803
    l1_ratio: Annotated[float, Ge(0)] = 0.0,
    beta_loss: Literal["frobenius", "kullback-leibler", "itakura-saito"] = "frobenius",
    min_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0)] = 2,
    max_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0)] = 0.5,
    sublinear_tf: bool = True,
    top_n_words: Annotated[int, Ge(1)] = 10,
    **analysis: Any,
) -> FittedTopics:
    """Fit NMF on the TF-IDF of the units' German tokens.

    Parameters
    ----------
    units : sequence of TextUnit
        The documents.
    seed : int
        ``random_state`` of NMF.
    n_components : int or "auto"
        Number of topics; "auto" = ~sqrt(number of units)/2, between 4 and 30.
    init : {"nndsvd", "nndsvda", "nndsvdar", "random"}
        Start of the factorisation; "nndsvd" is deterministic (SVD-based), so no seed-dependent
        local optimum.
    max_iter : int
        Iterations of the solver.
    alpha_W, alpha_H : float
        Regularisation of the unit × topic and topic × word matrices ("same" = as alpha_W).
    l1_ratio : float
        Share of L1 in the regularisation.
    beta_loss : {"frobenius", "kullback-leibler", "itakura-saito"}
        The divergence minimised (the non-Frobenius ones use the multiplicative solver).
    min_df, max_df : int or float
        Keep words found in at least ``min_df`` and at most ``max_df`` units (a float is a share).
    sublinear_tf : bool
        TF-IDF with 1 + log(tf).
    top_n_words : int
        Words listed per topic.
    **analysis
        Settings of the German tokens view (see :class:`topics.GermanAnalyzer`).

    Returns
    -------
    FittedTopics
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(units)
    settings = {k: v for k, v in locals().items() if k in _SETTING_NAMES}
    settings.update(analysis)
    if n_components == "auto":
        n_components = auto_n_topics(n)
    settings["n_components"] = check_n_topics(NAME, "n_components", n_components, n)
    tokens = tokenize((u.text for u in units), make_analyzer(analysis))
    _, vocabulary = count_matrix(tokens, min_df=min_df, max_df=max_df, model=NAME)
    tfidf = TfidfVectorizer(analyzer=_identity, vocabulary=vocabulary, sublinear_tf=sublinear_tf)
    x = tfidf.fit_transform(tokens)
    nmf = NMF(n_components=settings["n_components"], init=init, max_iter=max_iter,
              alpha_W=alpha_W, alpha_H=alpha_H, l1_ratio=l1_ratio, beta_loss=beta_loss,
              random_state=seed, solver="mu" if beta_loss != "frobenius" else "cd")
    w = nmf.fit_transform(x)
    totals = w.sum(axis=1)
    assignments = np.where(totals > 0, w.argmax(axis=1), -1)
    distributions = np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] > 0)
    topics = {t: top_words(nmf.components_[t], vocabulary, top_n_words)
              for t in range(nmf.n_components_)}
    return FittedTopics(
        settings=settings,
        assignments=assignments.astype(int),
        topics=topics,
        distributions=distributions,
        embeddings=None,
        tokens=tokens,
        estimator=TopicMatrices(nmf.components_, vocabulary, tfidf.idf_),
        extra_metrics={"reconstruction_err": float(nmf.reconstruction_err_)},
    )


_SCHEMA = schema_of(fit, f"model {NAME!r}", skip=("units", "seed"))
_SETTING_NAMES = frozenset(_SCHEMA.names)

SPECS = (
    EstimatorSpec(
        name=NAME,
        kind="topic_model",
        summary="NMF (scikit-learn) on TF-IDF of the German tokens view",
        schema=_SCHEMA.extended(ANALYSIS_SCHEMA).with_aliases(n_topics_aliases("n_components")),
        fit=fit,
        reads_tokens=True,
        n_topics_setting="n_components",
        load=TopicMatrices.load,
        check=lambda settings, n_units: n_topics_problems(settings, "n_components", n_units),
    ),
)
