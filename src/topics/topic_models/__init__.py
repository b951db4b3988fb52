"""Topic models for German news: BERTopic (offline, German tokens view), LDA, NMF, and two peers.

One call fits any family and returns one small result type::

    import topics
    corpus = topics.load_corpus()
    result = topics.fit_topic_model(corpus, model="bertopic", unit="paragraph", seed=0)
    result.topics[0]          # [(word, weight), ...] best first, umlauts intact
    result.assignments        # one topic id per unit, -1 = outlier
    result.metrics            # npmi, c_v, diversity, outlier_share, nmi, ari, fit_seconds, ...
    result.save("out/bertopic"); topics.load_topic_model("out/bertopic")

Model names: ``"bertopic"``, ``"lda"`` (tomotopy), ``"nmf"`` (scikit-learn) — the project's defaults —
and the peers ``"bertopic_default"`` (BERTopic's lightweight default: TF-IDF + SVD embeddings, default
vectorizer, ``language="multilingual"``) and ``"lda_default"`` (scikit-learn LDA, 10 topics, plain
``CountVectorizer``). Settings use the underlying estimators' parameter names; see each module's
``DEFAULTS``. Every family reads the tokens view (``topics.analyse``) for its topic words, and
accepts the tokens-view settings (``split_compounds``, ``extra_stop_words``, …) too.

Choices and the measurements behind them (the 137-article shipped corpus of v0.1 as paragraphs /
10kGNAD as articles, seed 0, 2 shared CPUs; the defaults against the peers today: the reference runs
experiments/results/topic_peers and topic_peers_10kgnad):

* Offline embedding for BERTopic — KMeans(k = number of labels) NMI / 10-NN accuracy (grouped 5-fold):
  plain TF-IDF + SVD (BERTopic's lightweight default) 0.18 / 0.66 and 0.36 / 0.65; tokens-view TF-IDF
  (min_df 2, max_df 0.5) + SVD(100) 0.53 / 0.76 and 0.45 / 0.75; + char 3-5-grams 0.51 / 0.77 and
  0.46 / 0.77 at 5x the time (31 s on 10kGNAD). Default: tokens view + SVD(100).
* LDA engine, same tokens, k=13: tomotopy (Gibbs, workers=1) NPMI 0.030 / 0.019, NMI 0.38 / 0.42,
  1.4 s / 15 s; scikit-learn (batch VB, 50 iterations) 0.022 / 0.007, NMI 0.13 / 0.22, 4 s / 21 s;
  gensim LdaModel (20 passes) -0.022 / -0.025, NMI 0.11 / 0.14, 11 s / 66 s. All three reproducible
  with a seed (tomotopy only with one worker). Default: tomotopy; on paragraphs fitted on their
  articles, each paragraph read in its article's context (``context_weight``).
* NMF: scikit-learn, TF-IDF (sublinear, max_df 0.2) of the tokens view, NNDSVD from the exact SVD.
* BERTopic: exact-SVD embedding of the tokens view, paragraphs mixed with their article, Ward-started
  cosine k-means, NMF words of the partition (:mod:`topics.topic_models.bertopic`).
* Numbers of topics default to ~sqrt(n)/2 (4-30) of the number of articles (LDA, NMF) and of the
  geometric mean of units and articles (BERTopic): relative, not tuned per corpus.
* Every fit runs in a fixed numerical environment (:mod:`topics.numerics`: one BLAS/OpenMP thread,
  tomotopy on sse2, numba for a generic CPU) and metrics are rounded to 10 significant digits: the
  same numbers on every x86-64 machine (tests/test_machines.py). Measurements:
  experiments/results/topic_model_selection/README.md.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from topics.corpus import Article, Corpus
from topics.errors import ConfigError, InputError
from topics.evaluation.seeds import summarise_seeds
from topics.evaluation.stability import stability
from topics.evaluation.topic_metrics import evaluate_topics
from topics.numerics import check_seeds, stable_metrics
from topics.progress import progress, track, verbosity
from topics.topic_models.common import (
    article_ids,
    check_n_topics,
    check_units,
    given_settings,
    health_problems,
)
from topics.topic_models.families import DEFAULT_MODELS, MODEL_NAMES, PEER_MODELS, family_of
from topics.topic_models.loading import assign_files, load_topic_model
from topics.topic_models.result import TopicModelResult

__all__ = [
    "DEFAULT_MODELS",
    "MODEL_NAMES",
    "PEER_MODELS",
    "TopicModelResult",
    "assign_files",
    "compare_topic_models",
    "default_settings",
    "fit_topic_model",
    "load_topic_model",
    "n_topics_setting",
    "sweep_n_topics",
]

Unit = Literal["paragraph", "article"]
UNITS: tuple[str, ...] = ("paragraph", "article")
log = logging.getLogger("topics.topic_models")


def default_settings(model: str) -> dict[str, Any]:
    """The default settings of ``model`` (before automatic values are resolved)."""
    return family_of(model).schema.defaults()


def n_topics_setting(model: str) -> str:
    """The setting that fixes the number of topics for ``model`` (e.g. ``"k"`` for LDA)."""
    return str(family_of(model).n_topics_setting)


def _units(corpus: Any, unit: str | None) -> tuple[list[Any], str]:
    """The units to model (a corpus's, ready-made units, or plain texts, each one article) and
    their unit: ``unit``, or when it is None "paragraph" for a corpus or texts and the units' own
    for ready-made units."""
    if unit is not None and unit not in UNITS:
        raise ConfigError(f"unit={unit!r} is not allowed; choose one of {', '.join(UNITS)}")
    if hasattr(corpus, "units"):
        unit = unit or "paragraph"
        units = corpus.units(unit)
    else:
        if isinstance(corpus, (str, bytes, Mapping)) or not isinstance(corpus, Iterable):
            # a dict was iterated as its keys
            hint = ("; pass [text, ...]" if isinstance(corpus, str)
                    else "; pass its values, e.g. list(units.values())"
                    if isinstance(corpus, Mapping) else "")
            raise InputError(f"expected a topics.Corpus, a list of TextUnit or a list of texts, "
                             f"got {type(corpus).__name__}{hint}")
        units = list(corpus)
        texts = [isinstance(u, str) for u in units]
        if units and all(texts):  # plain texts: one article each
            unit = unit or "paragraph"
            articles = [Article(f"text{i}", text) for i, text in enumerate(units)]
            units = Corpus(articles, name="texts").units(unit)
        elif any(texts):
            raise InputError(
                f"the list mixes texts (str, e.g. item {texts.index(True)}) with other items "
                f"(item {texts.index(False)}: {type(units[texts.index(False)]).__name__}); give "
                "all texts or all TextUnit"
            )
        else:
            unit = _check_ready_units(units, unit)
    check_units(units)
    return units, str(unit or "paragraph")


def _check_ready_units(units: list[Any], unit: str | None) -> str | None:
    """Ready-made units as the fit and its record need them: each with a str text and a tuple
    of labels, ids unique, and all of one unit, the ``unit`` given if any (a result recorded
    unit='article' for paragraphs, iterated a str of labels by character, and accepted units
    sharing one id). Returns their unit."""
    seen: dict[str, int] = {}
    kinds = {}
    for i, u in enumerate(units):
        if not (hasattr(u, "text") and hasattr(u, "labels")):  # a TextUnit, or duck-typed
            raise InputError(
                f"item {i} is a {type(u).__name__}; give all texts (str) or all TextUnit"
            )
        uid = getattr(u, "id", None)
        where = f"item {i}" + (f" (id {uid!r})" if uid is not None else "")
        if not isinstance(u.text, str):
            raise InputError(f"{where}: text is a {type(u.text).__name__}, not a str")
        if not isinstance(u.labels, (tuple, list)) or not all(isinstance(x, str) for x in u.labels):
            raise InputError(f"{where}: labels={u.labels!r} is not a tuple of label strings; give "
                             "e.g. ('border_relations',), or () for none")
        if uid is not None:
            if str(uid) in seen:
                raise InputError(f"{where}: the id is also item {seen[str(uid)]}'s; give every "
                                 "unit its own id (as corpus.units() does)")
            seen[str(uid)] = i
        article = getattr(u, "article_id", None)
        # a paragraph's id is "<article id>#p<index>"; an article unit's is its article's
        kinds.setdefault("article" if article is None or article == uid else "paragraph", i)
    if len(kinds) > 1:
        raise InputError(f"the units mix whole articles (item {kinds['article']}) and paragraphs "
                         f"(item {kinds['paragraph']}); give the units of one corpus.units(unit)")
    made = next(iter(kinds), unit)
    if unit is not None and made != unit:
        raise InputError(f"unit={unit!r} but the units are {made}s (item 0: id "
                         f"{getattr(units[0], 'id', None)!r}); pass unit={made!r} or leave unit "
                         f"out, or give the units of corpus.units({unit!r})")
    return made


def fit_topic_model(
    corpus: Any,
    model: str = "bertopic",
    unit: Unit | None = None,
    seed: int = 0,
    *,
    verbose: bool | None = None,
    **settings: Any,
) -> TopicModelResult:
    """Fit one topic model on a corpus and evaluate it.

    Parameters
    ----------
    corpus : topics.Corpus, sequence of topics.TextUnit or sequence of str
        The corpus (its units are taken with ``corpus.units(unit)``), ready-made units, or plain
        texts (each one article without labels, cleaned and cut into units as a corpus is).
    model : str
        One of :data:`MODEL_NAMES`.
    unit : {"paragraph", "article"}, optional
        What one document is (it is recorded): by default "paragraph" for a corpus or texts, and
        for ready-made units their own; ready-made units of another unit are refused.
    seed : int
        Seeds every stochastic part (SVD, UMAP, NMF, LDA): same settings + seed, same result.
    **settings
        Model settings, named like the underlying estimators' parameters (``nr_topics``,
        ``min_topic_size``, ``n_neighbors``, ``min_samples``, ``reduce_outliers`` for BERTopic;
        ``k``/``n_components``, ``alpha``, ``min_df`` … for LDA/NMF) and the tokens-view settings.
    verbose : bool, optional
        Show a progress bar (fit, then evaluation) on stderr; ``None`` follows
        :func:`topics.progress.enabled` (on, except under ``TOPICS_PROGRESS=0``, ``topics --quiet``
        and pytest). What the step does is logged under the ``topics.topic_models`` logger
        either way.

    Returns
    -------
    TopicModelResult
        Documents, assignments (-1 = outlier), topic words, sizes, distributions and ``metrics``
        (``npmi``, ``c_v``, ``diversity``, ``n_topics``, ``outlier_share``, ``nmi``, ``ari`` …,
        ``fit_seconds``).

    Raises
    ------
    topics.errors.ConfigError
        Unknown model name, unknown setting or an impossible value (e.g. more topics than units).
    topics.errors.InputError
        ``corpus`` is none of the above (e.g. one string, a dict, or texts mixed with units), or
        its units are not of ``unit``, share an id, or have labels that are not a tuple of str.
    """
    family = family_of(model)
    check_seeds(seed, f"model {model!r}")
    settings = family.schema.validate(settings, f"model {model!r}")
    units, unit = _units(corpus, unit)
    log.info("fitting %s on %d %ss (seed %d)", model, len(units), unit, int(seed))
    with verbosity(verbose), progress(total=2, desc=f"{model} seed {int(seed)}",
                                      unit="stage") as bar:
        bar.set_postfix_str("fit", refresh=False)
        start = time.perf_counter()
        with given_settings(settings):  # messages tell defaults from the user's own values
            fitted = family.fit(units, int(seed), **settings)
        seconds = time.perf_counter() - start
        bar.update()
        bar.set_postfix_str("evaluate", refresh=False)
        metrics = evaluate_topics(fitted.topics, fitted.tokens, fitted.assignments,
                                  [u.labels for u in units], article_ids=article_ids(units))
        bar.update()
    metrics.update(fitted.extra_metrics)
    for problem in health_problems(model, metrics):
        warnings.warn(problem, UserWarning, stacklevel=2)
    metrics = stable_metrics(metrics)  # last-bit noise of another machine stays out
    metrics["fit_seconds"] = seconds
    result = TopicModelResult(
        model_name=model,
        unit=unit,
        seed=int(seed),
        settings=fitted.settings,
        documents=list(units),
        assignments=fitted.assignments,
        topics=fitted.topics,
        metrics=metrics,
        distributions=fitted.distributions,
        embeddings=fitted.embeddings,
        tokens=fitted.tokens,
        corpus_name=getattr(corpus, "name", ""),
        corpus_fingerprint=getattr(corpus, "fingerprint", ""),
        estimator=fitted.estimator,
    )
    log.info("%s: %d topics, outliers %.0f %%, fit %.1f s", model, result.n_topics,
             100 * result.outlier_share, seconds)
    return result


_TABLE_METRICS = ("npmi", "c_v", "diversity", "outlier_share", "nmi", "nmi_placed", "nmi_article",
                  "ari", "ari_placed", "largest_topic_share", "n_topics", "fit_seconds")


def compare_topic_models(
    corpus: Any,
    models: str | Sequence[str] = DEFAULT_MODELS + PEER_MODELS,
    unit: Unit = "paragraph",
    seeds: int | Iterable[int] = (0,),
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> Any:
    """Fit several models on one corpus, each over ``seeds``, and tabulate their metrics.

    Parameters
    ----------
    corpus : topics.Corpus
    models : str or sequence of str
        Model names (default: the three project defaults and the two peers).
    unit : {"paragraph", "article"}
    seeds : int or iterable of int
        One fit per seed; the table reports mean and sd (sd is 0 for a single seed).
    settings : mapping of model name to settings, optional
        Settings per model (models not named use their defaults); every name must be in
        ``models``.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``corpus``, ``unit``, ``n_units``, ``model``, ``n_seeds`` and
        ``<metric>_mean`` / ``<metric>_sd`` for npmi, c_v, diversity, outlier_share, nmi,
        nmi_placed, nmi_article, ari, ari_placed, largest_topic_share, n_topics, fit_seconds
        (label metrics are NaN when the corpus has no labels), and the stability over the seeds:
        ``stability_ari``, ``stability_words``, ``n_topics_range`` (NaN for one seed; see
        :func:`topics.evaluation.stability.stability`).

    Raises
    ------
    topics.errors.ConfigError
        An unknown model name, or a bad setting.
    topics.errors.InputError
        No models or seeds, or settings for a model that is not in ``models``.
    """
    import pandas as pd

    models = [models] if isinstance(models, str) else list(models)  # one model name
    seeds = check_seeds(seeds, "compare_topic_models")
    # nothing to fit gave an empty table (no models) or a bare ValueError (no seeds)
    if not models or not seeds:
        raise InputError(f"compare_topic_models: no {'models' if not models else 'seeds'} given; "
                         "give at least one (e.g. models='nmf', seeds=(0, 1, 2))")
    settings = dict(settings or {})
    for name in models + list(settings):
        family_of(name)  # fail on a bad name before any fitting
    # settings for a model that is not fitted were silently ignored (a typo in ``models``, or a
    # model left out by mistake): the comparison would not be the one asked for
    unused = [name for name in settings if name not in models]
    if unused:
        raise InputError(
            f"compare_topic_models: settings are given for {', '.join(map(repr, unused))}, which "
            f"{'is' if len(unused) == 1 else 'are'} not in models ({', '.join(map(repr, models))}); "
            "add it to models or leave its settings out"
        )
    units, unit = _units(corpus, unit)
    rows = []
    for name in track(models, desc="topic models", unit="model"):
        results = [fit_topic_model(units, name, unit, seed, **settings.get(name, {}))
                   for seed in seeds]
        summary = summarise_seeds([r.metrics for r in results])
        summary.update(stability([r.assignments for r in results], [r.topics for r in results]))
        row: dict[str, Any] = {"corpus": getattr(corpus, "name", ""), "unit": unit,
                               "n_units": len(units), "model": name, "n_seeds": len(seeds)}
        for metric in _TABLE_METRICS:
            row[f"{metric}_mean"] = summary.get(f"{metric}_mean", float("nan"))
            row[f"{metric}_sd"] = summary.get(f"{metric}_sd", float("nan"))
        for metric in ("stability_ari", "stability_words", "n_topics_range"):
            row[metric] = summary.get(metric, float("nan"))
        rows.append(row)
    return pd.DataFrame(rows)


def sweep_n_topics(
    corpus: Any, model: str, values: int | Iterable[int], unit: Unit = "paragraph", seed: int = 0,
    **settings: Any,
) -> Any:
    """Fit ``model`` for several numbers of topics; a DataFrame of metrics per value.

    The value goes to the model's own setting (:func:`n_topics_setting`); the result feeds
    :func:`topics.plots.coherence_by_n_topics`.
    """
    import pandas as pd

    key = n_topics_setting(model)
    values = [values] if isinstance(values, int) else list(values)  # one value
    units, unit = _units(corpus, unit)
    for value in values:  # an impossible value fails before the others are fitted, not after
        if isinstance(value, int) and not isinstance(value, bool):
            check_n_topics(model, key, value, len(units))
    rows = []
    for value in track(values, desc=f"{model} {key}", unit="fit"):
        metrics = fit_topic_model(units, model, unit, seed, **{**settings, key: value}).metrics
        rows.append({"model": model, "requested_topics": value, **metrics})
    return pd.DataFrame(rows)
