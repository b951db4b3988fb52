"""NMF (scikit-learn) on TF-IDF of the German tokens view; NMF words for a given partition.

Defaults measured on the enlarged shipped paragraphs and 10kGNAD articles, seeds 0-4
(experiments/results/topic_model_selection/README.md): ``max_df`` 0.2 raises diversity (0.86 -> 0.96
shipped, 0.95 -> 0.97 10kGNAD) at equal or higher NPMI; the number of topics from the number of
articles (7 on the shipped corpus instead of 16 from the paragraphs) raises it further; NNDSVD from
the exact (ARPACK) SVD instead of scikit-learn's randomized one removes the remaining seed
dependence (ARI between seeds 0.63-0.92 -> 1.000). At most 150 solver iterations: the count to
tolerance grows unevenly with the data while the topics stop improving long before
(``benchmarks/topic_iterations.py``). Fitted with one thread (:func:`topics.numerics.pinned`).
A paragraph's topic is read in its article's context (``context_weight``; "NMF on paragraphs" in
the same record): the factorisation and the words stay those of the paragraphs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, NamedTuple

import numpy as np
from annotated_types import Ge, Gt, Le, Lt

from topics.errors import ConfigError, counted
from topics.numerics import pinned
from topics.schema import EstimatorSpec, schema_of
from topics.text.german import ANALYSIS_SCHEMA
from topics.topic_models.assigner import TextView, TopicAssigner
from topics.topic_models.common import (
    analysis_record,
    article_ids,
    auto_n_topics,
    check_n_topics,
    count_matrix,
    make_analyzer,
    n_articles,
    n_topics_aliases,
    n_topics_problems,
    tokenize,
)
from topics.topic_models.context import (
    article_index,
    article_means,
    context_option,
    in_article_context,
)
from topics.topic_models.result import FittedTopics
from topics.topic_models.word_parts import CompoundParts, listed_words

__all__ = ["SPECS", "fit", "nndsvd_exact", "words_from_partition"]

NAME = "nmf"


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def nndsvd_exact(x: Any, k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """NNDSVD start (Boutsidis & Gallopoulos 2008) from the exact top-k SVD (ARPACK, fixed start
    vector) instead of scikit-learn's randomized SVD, whose seed changed the NMF result (mean pairwise
    ARI 0.63-0.76 between seeds 0-4 at max_df 0.2): the start, and so the fit, no longer depend on the
    seed. None when k is too large for ARPACK (k >= min(x.shape)); the caller then uses sklearn's.
    """
    from scipy.sparse.linalg import svds

    if k >= min(x.shape):
        return None
    v0 = np.full(min(x.shape), 1.0 / np.sqrt(min(x.shape)))
    u, s, vt = svds(x.astype(np.float64), k=k, v0=v0, solver="arpack")
    order = np.argsort(-s, kind="stable")
    u, s, vt = u[:, order], s[order], vt[order]
    w = np.zeros((x.shape[0], k))
    h = np.zeros((k, x.shape[1]))
    w[:, 0] = np.sqrt(s[0]) * np.abs(u[:, 0])
    h[0, :] = np.sqrt(s[0]) * np.abs(vt[0, :])
    for j in range(1, k):
        a, b = u[:, j], vt[j, :]
        ap, bp = np.maximum(a, 0), np.maximum(b, 0)
        an, bn = np.abs(np.minimum(a, 0)), np.abs(np.minimum(b, 0))
        mp = np.linalg.norm(ap) * np.linalg.norm(bp)
        mn = np.linalg.norm(an) * np.linalg.norm(bn)
        if mp >= mn:
            uu, vv, sigma = ap / max(np.linalg.norm(ap), 1e-300), bp / max(np.linalg.norm(bp), 1e-300), mp
        else:
            uu, vv, sigma = an / max(np.linalg.norm(an), 1e-300), bn / max(np.linalg.norm(bn), 1e-300), mn
        lam = np.sqrt(s[j] * sigma)
        w[:, j] = lam * uu
        h[j, :] = lam * vv
    w[w < 1e-6] = 0
    h[h < 1e-6] = 0
    return w, h


def words_from_partition(
    tokens: Sequence[Sequence[str]],
    assignments: np.ndarray,
    *,
    min_df: float | int,
    max_df: float | int,
    iterations: int,
    top_n_words: int,
    exclusivity: float = 0.0,
    analyzer: Callable[[str], Sequence[str]] | None = None,
) -> dict[int, list[tuple[str, float]]]:
    """Topic words of a given partition: :func:`partition_components` ranked by
    :func:`exclusive_weights` (``exclusivity`` 0: by the NMF's weights themselves); with the
    tokens' ``analyzer``, without the compound parts that repeat a listed compound
    (:mod:`~topics.topic_models.word_parts`)."""
    fitted = partition_components(tokens, assignments, min_df=min_df, max_df=max_df,
                                  iterations=iterations)
    return ranked_words(fitted, exclusivity, int(top_n_words), analyzer)


class PartitionComponents(NamedTuple):
    """An NMF started at a partition: its topics' word weights and the words' unit counts."""

    ids: list[int]  # the partition's topics (rows of components)
    components: np.ndarray  # topics x words
    words: list[str]
    document_frequency: np.ndarray  # units that hold each word


def ranked_words(fitted: PartitionComponents, exclusivity: float, top_n_words: int,
                 analyzer: Callable[[str], Sequence[str]] | None) -> dict[int, list[tuple[str, float]]]:
    """Each topic's ``top_n_words`` of :func:`partition_components` ranked by weight x exclusivity
    ``exclusivity``; compound parts that repeat a listed compound left out when ``analyzer`` is
    given."""
    weights = exclusive_weights(fitted.components, float(exclusivity))
    parts = (CompoundParts(analyzer, dict(zip(fitted.words, fitted.document_frequency.tolist(),
                                              strict=True)))
             if analyzer is not None else None)
    return {t: listed_words(weights[i], fitted.words, top_n_words, parts)
            for i, t in enumerate(fitted.ids)}


def partition_components(
    tokens: Sequence[Sequence[str]],
    assignments: np.ndarray,
    *,
    min_df: float | int,
    max_df: float | int,
    iterations: int,
) -> PartitionComponents:
    """An NMF of the units' TF-IDF started at a partition: topic ids, topics x words, words.

    W starts as the one-hot assignments (+ 1e-3), H as the topics' mean TF-IDF rows (+ 1e-6), and
    coordinate descent refines both (``iterations``, one thread). H's words are what co-occurs
    inside a topic's units, not only what they share: on the default BERTopic partitions NPMI
    0.052 -> 0.164 (shipped paragraphs) and 0.099 -> 0.163 (10kGNAD) against LDAvis relevance, and
    above c-TF-IDF (0.10 / 0.13). The assignments stay the partition's; outliers (-1) are no topic.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df,
                                 max_df=max_df)
    x = vectorizer.fit_transform([list(t) for t in tokens])
    words = list(vectorizer.get_feature_names_out())
    ids = sorted(int(t) for t in set(assignments.tolist()) - {-1})
    w0 = np.full((x.shape[0], len(ids)), 1e-3)
    h0 = np.zeros((len(ids), x.shape[1]))
    for column, t in enumerate(ids):
        members = assignments == t
        w0[members, column] = 1.0
        h0[column] = np.asarray(x[members].mean(axis=0)).ravel()
    h0 += 1e-6
    nmf = NMF(len(ids), init="custom", solver="cd", max_iter=int(iterations))
    with warnings.catch_warnings():  # a fixed number of iterations, chosen by measurement
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf.fit_transform(x, W=w0, H=h0)
    document_frequency = np.bincount(x.indices, minlength=x.shape[1])  # TF-IDF > 0 where counted
    return PartitionComponents(ids, nmf.components_, words, document_frequency)


def exclusive_weights(components: np.ndarray, exclusivity: float) -> np.ndarray:
    """Topic-word weights times their exclusivity: ``h[k, w] * (h[k, w] / sum_j h[j, w]) ** g``.

    A word heavy in several topics (the corpus's common subject words) is pushed down in each of
    them; a word that only one topic carries keeps its weight. In log terms this is LDAvis
    relevance with lambda = 1 / (1 + g), the word's total over the topics taking the place of its
    corpus frequency. ``g`` = 0 returns the weights unchanged.
    """
    h = np.asarray(components, dtype=np.float64)
    if exclusivity == 0:
        return h
    total = h.sum(axis=0, keepdims=True)
    share = np.divide(h, total, out=np.zeros_like(h), where=total > 0)
    return h * share**exclusivity


@pinned
def fit(
    units: Sequence[Any],
    seed: int = 0,
    *,
    n_components: Annotated[int, Ge(2)] | Literal["auto"] = "auto",
    init: Literal["nndsvd", "nndsvda", "nndsvdar", "random"] = "nndsvd",
    max_iter: Annotated[int, Ge(1)] = 150,
    # < inf: scikit-learn refuses an infinite penalty only at fit, with its own words
    alpha_W: Annotated[float, Ge(0), Lt(math.inf)] = 0.0,  # noqa: N803 - scikit-learn's name
    alpha_H: Annotated[float, Ge(0), Lt(math.inf)] | Literal["same"] = "same",  # noqa: N803
    l1_ratio: Annotated[float, Ge(0), Le(1)] = 0.0,
    # no "itakura-saito": it is undefined where X is 0, and a TF-IDF matrix always has zeros
    # (scikit-learn refused it with a bare ValueError after the analysis)
    beta_loss: Literal["frobenius", "kullback-leibler"] = "frobenius",
    min_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0), Le(1)] = 2,
    max_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0), Le(1)] = 0.2,
    sublinear_tf: bool = True,
    top_n_words: Annotated[int, Ge(1)] = 10,
    hide_compound_parts: bool = True,
    context_weight: Annotated[float, Ge(0), Le(1)] | None = 0.3,
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
        Number of topics; "auto" = ~sqrt(number of articles)/2, between 4 and 30 (7 for the
        217 shipped articles, 13 for 721 articles).
    init : {"nndsvd", "nndsvda", "nndsvdar", "random"}
        Start of the factorisation; "nndsvd" is computed from the exact (ARPACK) SVD, so the fit
        does not depend on the seed; the others are scikit-learn's.
    max_iter : int
        Iterations of the solver at most; coordinate descent stops earlier once its projected
        gradient falls below 1e-4 of the first iteration's. The iterations to that tolerance grow
        unevenly with the data (70 on the shipped paragraphs, 272 on the 721 10kGNAD articles,
        175 / 158 / 411 on 5k / 10k / 20k perturbed articles at k = 30) while an iteration costs
        linear time in the units at fixed k, and NPMI stops improving after ~100 of them: the cap
        of 150 keeps the cost linear (20k perturbed articles 36 instead of 116 CPU-s) with topics as
        good (10kGNAD NPMI 0.171 -> 0.174, NMI 0.457 -> 0.462; the shipped corpus stops before
        it). Measured by ``benchmarks/topic_iterations.py``; the metric ``iterations`` of a fit
        says how many it took.
    alpha_W, alpha_H : float
        Regularisation of the unit × topic and topic × word matrices ("same" = as alpha_W).
    l1_ratio : float
        Share of L1 in the regularisation.
    beta_loss : {"frobenius", "kullback-leibler"}
        The divergence minimised ("kullback-leibler" uses the multiplicative solver).
        "itakura-saito" is refused: it diverges on the zeros every TF-IDF matrix holds.
    min_df, max_df : int or float
        Keep words found in at least ``min_df`` and at most ``max_df`` units (a float is a share;
        measured: max_df 0.2 raises NPMI and diversity over 0.5).
    sublinear_tf : bool
        TF-IDF with 1 + log(tf).
    top_n_words : int
        Words listed per topic.
    hide_compound_parts : bool
        Leave out of a topic's words a compound part when at least half of the units that hold it
        hold a compound the topic lists ("micro" and "soft" beside "microsoft";
        :mod:`~topics.topic_models.word_parts`).
    context_weight : float or None
        When units are paragraphs, a unit's topic shares are ``context_weight`` x its own + (1 -
        ``context_weight``) x its article's (the mean of its paragraphs' shares), and its topic is
        the largest of them: a paragraph of two sentences is read as a part of its article, as
        the BERTopic default and LDA read it. The factorisation and the topic words do not
        change. None (and units that are whole articles): each unit by its own shares.
    **analysis
        Settings of the German tokens view (see :class:`topics.GermanAnalyzer`).

    Returns
    -------
    FittedTopics
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfTransformer

    n = len(units)
    settings = {k: v for k, v in locals().items() if k in _SETTING_NAMES}
    settings.update(analysis)
    auto = n_components == "auto"  # the number is ours, not the user's: messages say so
    if auto:
        n_components = min(n, auto_n_topics(n_articles(units)))
    settings["n_components"] = check_n_topics(NAME, "n_components", n_components, n)
    analyzer = make_analyzer(analysis)
    tokens = tokenize((u.text for u in units), analyzer)
    counts, vocabulary = count_matrix(tokens, min_df=min_df, max_df=max_df, model=NAME)
    if init.startswith("nndsvd") and settings["n_components"] > len(vocabulary):
        chosen = (f"n_components='auto' ({settings['n_components']} topics)" if auto
                  else f"n_components={settings['n_components']} topics")
        raise ConfigError(
            f"model {NAME!r}: {chosen} cannot start from an SVD of a "
            f"{len(vocabulary)}-word vocabulary; use at most "
            f"{counted(len(vocabulary), 'topic')}, "
            "widen the vocabulary (min_df, max_df) or init='random'"
        )
    # TF-IDF from the counts already made (a second vectoriser pass over the tokens gave the same
    # bytes for 0.7 CPU-s at 5k articles)
    tfidf = TfidfTransformer(sublinear_tf=sublinear_tf)
    x = tfidf.fit_transform(counts.astype(np.float64))
    nmf = NMF(n_components=settings["n_components"], init=init, max_iter=max_iter,
              alpha_W=alpha_W, alpha_H=alpha_H, l1_ratio=l1_ratio, beta_loss=beta_loss,
              random_state=seed, solver="mu" if beta_loss != "frobenius" else "cd")
    start = nndsvd_exact(x, settings["n_components"]) if init == "nndsvd" else None
    with warnings.catch_warnings():  # max_iter is a cap by design; the metric says if it was hit
        warnings.simplefilter("ignore", ConvergenceWarning)
        if start is not None:
            nmf.set_params(init="custom")
            w = nmf.fit_transform(x, W=start[0], H=start[1])
            nmf.set_params(init=init)
        else:
            w = nmf.fit_transform(x)
    totals = w.sum(axis=1)
    distributions = np.divide(w, totals[:, None], out=np.zeros_like(w), where=totals[:, None] > 0)
    article_of = None if context_weight is None else article_index(article_ids(units))
    if article_of is not None:
        articles = article_means(distributions, article_of)
        distributions = in_article_context(distributions, articles, article_of,
                                           float(context_weight))
    placed = distributions.any(axis=1)
    assignments = np.where(placed, distributions.argmax(axis=1), -1)
    parts = CompoundParts.from_matrix(analyzer, counts, vocabulary) if hide_compound_parts else None
    topics = {t: listed_words(nmf.components_[t], vocabulary, top_n_words, parts)
              for t in range(nmf.n_components_)}
    return FittedTopics(
        settings=settings,
        assignments=assignments.astype(int),
        topics=topics,
        distributions=distributions,
        embeddings=None,
        tokens=tokens,
        estimator=TopicAssigner(
            "nmf", list(range(nmf.n_components_)),
            [TextView("tokens", list(vocabulary), tfidf.idf_, sublinear=bool(sublinear_tf),
                      normalise=True, analysis=analysis_record(analysis))],
            {"components": nmf.components_},
            {"beta_loss": beta_loss} | context_option(article_of, context_weight)),
        extra_metrics={"reconstruction_err": float(nmf.reconstruction_err_),
                       "iterations": float(nmf.n_iter_)},
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
        check=lambda settings, n_units: n_topics_problems(settings, "n_components", n_units),
        earlier={"hide_compound_parts": False, "context_weight": None},
    ),
)
