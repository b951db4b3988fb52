"""LDA on the German tokens view (tomotopy, collapsed Gibbs sampling), and scikit-learn's LDA peer.

Engine choice (measured, see benchmarks/bench_topic_models.py and the topic_models package docstring):
tomotopy gives higher NPMI than scikit-learn's variational LDA and gensim's LdaModel at a
similar or smaller time budget, and is exactly reproducible with ``seed`` and ``workers=1``.

Machine independence: tomotopy picks an instruction set when it is imported, and its numbers depend
on it; :func:`topics.numerics.pinned` sets ``TOMOTOPY_ISA=sse2`` (every x86-64 CPU has it) before
the import. Defaults (experiments/results/topic_model_selection/README.md, seeds 0-4): ``max_df``
0.2 and the number of topics from the number of articles raise diversity (0.80 -> 0.88 on the
shipped paragraphs); NPMI stays near 0 (0.02-0.05) for every setting tried, and Gibbs sampling keeps
the result seed-dependent. Paragraphs are too short for LDA's word counts: the model is fitted on
their articles and a paragraph's topics are read in its article's context (``context_weight``; "LDA
on paragraphs" in the same record).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Annotated, Any, Literal

import numpy as np
from annotated_types import Ge, Gt, Le

from topics.numerics import PINNED_ENV, pinned
from topics.schema import EstimatorSpec, schema_of
from topics.termination import raise_if_requested
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
    top_words,
)
from topics.topic_models.context import article_index, context_option, in_article_context
from topics.topic_models.result import FittedTopics
from topics.topic_models.word_parts import CompoundParts, listed_words

__all__ = ["SPECS", "fit", "fit_default"]

NAME = "lda"
PEER_NAME = "lda_default"
PEER_N_COMPONENTS = 10  # scikit-learn's default number of topics, which the peer keeps
log = logging.getLogger("topics.topic_models")


_SIGNAL_CHECK_SWEEPS = 10


def _let_signals_in(model: Any, done: int, total: int) -> None:
    """Python runs pending signal handlers (SIGTERM, SIGINT) while calling it; a signal whose
    exception was swallowed before the fit began stops the fit here."""
    raise_if_requested()


@pinned
def fit(
    units: Sequence[Any],
    seed: int = 0,
    *,
    k: Annotated[int, Ge(2)] | Literal["auto"] = "auto",
    alpha: Annotated[float, Gt(0)] = 0.1,
    eta: Annotated[float, Gt(0)] = 0.01,
    tw: Literal["one", "idf", "pmi"] = "one",
    iterations: Annotated[int, Ge(1)] = 1000,
    optim_interval: Annotated[int, Ge(0)] = 10,
    min_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0), Le(1)] = 2,
    max_df: Annotated[int, Ge(1)] | Annotated[float, Gt(0), Le(1)] = 0.2,
    top_n_words: Annotated[int, Ge(1)] = 10,
    hide_compound_parts: bool = True,
    context_weight: Annotated[float, Ge(0), Le(1)] | None = 0.3,
    **analysis: Any,
) -> FittedTopics:
    """Fit tomotopy's LDA on the units' German tokens.

    Parameters
    ----------
    units : sequence of TextUnit
        The documents.
    seed : int
        tomotopy's seed (with one worker the sampler is exactly reproducible).
    k : int or "auto"
        Number of topics; "auto" = ~sqrt(number of articles)/2, between 4 and 30.
    alpha : float
        Document-topic prior (optimised every ``optim_interval`` iterations).
    eta : float
        Topic-word prior.
    tw : {"one", "idf", "pmi"}
        tomotopy term weighting: plain counts, idf or pmi.
    iterations : int
        Gibbs sampling iterations.
    optim_interval : int
        Optimise the hyper-parameters every this many iterations (0 = never).
    min_df, max_df : int or float
        Keep words found in at least ``min_df`` and at most ``max_df`` units (a float is a share).
    top_n_words : int
        Words listed per topic.
    hide_compound_parts : bool
        Leave out of a topic's words a compound part when at least half of the units that hold it
        hold a compound the topic lists ("micro" and "soft" beside "microsoft";
        :mod:`~topics.topic_models.word_parts`).
    context_weight : float or None
        When units are paragraphs, LDA is fitted on their articles (an article's units' tokens
        joined, in order: a paragraph holds too few words for LDA's co-occurrence counts), and a
        unit's topic distribution is ``context_weight`` x its own, estimated from its tokens by
        the article-level model (one fold-in step), + (1 - ``context_weight``) x its article's.
        Units that are whole articles are fitted as they are. None fits on the units whatever
        they are, as LDA did before this setting.
    **analysis
        Settings of the German tokens view (see :class:`topics.GermanAnalyzer`).

    Returns
    -------
    FittedTopics
    """
    import tomotopy as tp

    if tp.isa != PINNED_ENV["TOMOTOPY_ISA"]:
        log.warning("tomotopy was imported before topics pinned its instruction set: it runs on "
                    "%s, not %s, and LDA numbers may differ from other machines' (import topics "
                    "models before tomotopy, or set TOMOTOPY_ISA=sse2)", tp.isa,
                    PINNED_ENV["TOMOTOPY_ISA"])

    n = len(units)
    settings = {name: value for name, value in locals().items() if name in _SETTING_NAMES}
    settings.update(analysis)
    auto = min(n, auto_n_topics(n_articles(units)))
    settings["k"] = check_n_topics(NAME, "k", auto if k == "auto" else k, n)
    analyzer = make_analyzer(analysis)
    tokens = tokenize((u.text for u in units), analyzer)
    counts, vocabulary = count_matrix(tokens, min_df=min_df, max_df=max_df, model=NAME)
    keep = set(vocabulary)
    kept = [[w for w in doc if w in keep] for doc in tokens]
    article_of = None if context_weight is None else article_index(article_ids(units))
    documents = kept if article_of is None else _joined(kept, article_of)
    model = _trained_model(documents, seed, settings["k"], alpha=alpha, eta=eta, tw=tw,
                           iterations=iterations, optim_interval=optim_interval)
    topics = settings["k"]
    words = list(model.used_vocabs)
    components = np.vstack([model.get_topic_word_dist(t) for t in range(topics)])
    prior = np.asarray(model.alpha, dtype=np.float64)  # alpha as the sampler optimised it
    distributions = _fitted_distributions(model, documents)
    if article_of is not None:
        own = _own_distributions(kept, words, components, prior)
        distributions = in_article_context(own, distributions, article_of, float(context_weight))
    placed = distributions.any(axis=1)
    assignments = np.where(placed, distributions.argmax(axis=1), -1).astype(int)
    parts = CompoundParts.from_matrix(analyzer, counts, vocabulary) if hide_compound_parts else None
    return FittedTopics(
        settings=settings,
        assignments=assignments,
        topics={t: listed_words(components[t], words, top_n_words, parts) for t in range(topics)},
        distributions=distributions,
        embeddings=None,
        tokens=tokens,
        estimator=TopicAssigner(
            "lda", list(range(topics)),
            [TextView("tokens", words, analysis=analysis_record(analysis))],
            {"components": components, "alpha": prior},
            context_option(article_of, context_weight)),
        extra_metrics={"log_likelihood_per_word": float(model.ll_per_word)},
    )


def _joined(kept: list[list[str]], article_of: np.ndarray) -> list[list[str]]:
    """Each article's tokens: its units' tokens, in unit order."""
    joined: list[list[str]] = [[] for _ in range(int(article_of.max()) + 1)]
    for tokens, article in zip(kept, article_of.tolist(), strict=True):
        joined[article].extend(tokens)
    return joined


def _trained_model(documents: list[list[str]], seed: int, k: int, **settings: Any) -> Any:
    """tomotopy's LDA trained on the documents that have a word (it cannot hold an empty one)."""
    import tomotopy as tp

    weighting = {"one": tp.TermWeight.ONE, "idf": tp.TermWeight.IDF, "pmi": tp.TermWeight.PMI}
    model = tp.LDAModel(tw=weighting[settings["tw"]], k=k, alpha=settings["alpha"],
                        eta=settings["eta"], seed=seed)
    model.optim_interval = int(settings["optim_interval"])
    for doc in documents:
        if doc:
            model.add_doc(doc)
    # workers=1: tomotopy's multi-threaded sampler is not reproducible even with a fixed seed.
    # The callback brings control back to Python every few sweeps, so a SIGTERM or Ctrl-C stops
    # the fit there instead of after all of them (the samples are the same with or without it).
    model.train(int(settings["iterations"]), workers=1, parallel=tp.ParallelScheme.NONE,
                callback_interval=_SIGNAL_CHECK_SWEEPS, callback=_let_signals_in)
    return model


def _fitted_distributions(model: Any, documents: list[list[str]]) -> np.ndarray:
    """The trained documents' topic distributions; a row of zeros for an empty document."""
    distributions = np.zeros((len(documents), model.k))
    placed = [i for i, doc in enumerate(documents) if doc]
    for row, doc in zip(placed, model.docs, strict=True):
        distributions[row] = doc.get_topic_dist()
    return distributions


def _own_distributions(kept: list[list[str]], words: list[str], components: np.ndarray,
                       alpha: np.ndarray) -> np.ndarray:
    """Each unit's topic distribution from its own tokens, by one fold-in step from the prior.

    A token of word ``w`` is in topic ``t`` with ``p(t | w)`` proportional to ``alpha[t] x
    components[t, w]``; a unit's distribution is ``(alpha + the sum of its tokens' p(. | w)) /
    (sum(alpha) + its number of tokens)``: the posterior mean of its topic shares after one
    mean-field update from the prior. Deterministic, the same in any batch, and one sparse
    product for every unit: tomotopy's Gibbs ``infer`` (100 sweeps per unit) gave the same NMI at
    the default weight and made the fit on 20,000 paragraphs 3.5x as long (84.1 against 24.2
    CPU-s: benchmarks/results/2026-12-07T1023Z.json, T1100Z). A unit without a word is a row of
    zeros.
    """
    from scipy.sparse import csr_matrix

    index = {word: i for i, word in enumerate(words)}
    ids = [[index[w] for w in doc if w in index] for doc in kept]
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    columns = np.fromiter((i for doc in ids for i in doc), dtype=np.int64, count=int(lengths.sum()))
    counts = csr_matrix((np.ones(len(columns)), columns, np.r_[0, np.cumsum(lengths)]),
                        shape=(len(ids), len(words)))
    responsibility = alpha[:, None] * components
    responsibility /= responsibility.sum(axis=0, keepdims=True)
    own = np.asarray(counts @ responsibility.T) + alpha
    own /= (alpha.sum() + lengths)[:, None]
    own[lengths == 0] = 0.0
    return own


@pinned
def fit_default(
    units: Sequence[Any], seed: int = 0, *,
    n_components: Annotated[int, Ge(2)] = PEER_N_COMPONENTS,
) -> FittedTopics:
    """The peer: scikit-learn's LatentDirichletAllocation with its defaults on a plain CountVectorizer.

    Coherence reads the CountVectorizer's own tokens, the view the topic words come from.

    Parameters
    ----------
    units : sequence of TextUnit
        The documents.
    seed : int
        ``random_state`` of the LDA.
    n_components : int
        Number of topics: scikit-learn's default, 10 (we do not tune the peer).

    Returns
    -------
    FittedTopics
    """
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    n = len(units)
    settings = {"n_components": check_n_topics(PEER_NAME, "n_components", n_components, n)}
    texts = [u.text for u in units]
    vectorizer = CountVectorizer()
    x = vectorizer.fit_transform(texts)
    lda = LatentDirichletAllocation(n_components=settings["n_components"], random_state=seed)
    theta = lda.fit_transform(x)
    empty = np.asarray(x.sum(axis=1)).ravel() == 0
    assignments = np.where(empty, -1, theta.argmax(axis=1)).astype(int)
    words = list(vectorizer.get_feature_names_out())
    components = lda.components_ / lda.components_.sum(axis=1, keepdims=True)
    return FittedTopics(
        settings=settings,
        assignments=assignments,
        topics={t: top_words(components[t], words, 10) for t in range(len(components))},
        distributions=theta,
        embeddings=None,
        tokens=tokenize(texts, vectorizer.build_analyzer()),
        estimator=TopicAssigner(
            "lda", list(range(len(components))), [TextView("words", words)],
            {"components": components,
             "alpha": np.full(len(components), float(lda.doc_topic_prior_))}),
        extra_metrics={},
    )


_SCHEMA = schema_of(fit, f"model {NAME!r}", skip=("units", "seed"))
_SETTING_NAMES = frozenset(_SCHEMA.names)

SPECS = (
    EstimatorSpec(
        name=NAME,
        kind="topic_model",
        summary="LDA (tomotopy, Gibbs sampling) on the German tokens view",
        schema=_SCHEMA.extended(ANALYSIS_SCHEMA).with_aliases(n_topics_aliases("k")),
        fit=fit,
        reads_tokens=True,
        n_topics_setting="k",
        check=lambda settings, n_units: n_topics_problems(settings, "k", n_units),
        earlier={"hide_compound_parts": False, "context_weight": None},
    ),
    EstimatorSpec(
        name=PEER_NAME,
        kind="topic_model",
        summary="peer: scikit-learn's LatentDirichletAllocation with its defaults",
        schema=schema_of(fit_default, f"model {PEER_NAME!r}", skip=("units", "seed")).with_aliases(
            n_topics_aliases("n_components")
        ),
        fit=fit_default,
        peer=True,
        n_topics_setting="n_components",
        check=lambda settings, n_units: n_topics_problems(settings, "n_components", n_units,
                                                          default=PEER_N_COMPONENTS),
    ),
)
