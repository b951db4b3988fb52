"""Helpers shared by the topic-model families: the tokens view, vocabularies, top words, topic counts."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from topics.errors import ConfigError, counted
from topics.text.german import ANALYSIS_SCHEMA, GermanAnalyzer

# The names of the settings the user gave to the fit that runs now (set by fit_topic_model; None
# outside it). A value the user never gave is a default: a message about it must say so and how
# to set it, not name it as if the user had chosen it ("n_components=10 is impossible").
_GIVEN: ContextVar[frozenset[str] | None] = ContextVar("topics_given_settings", default=None)


@contextmanager
def given_settings(names: Iterable[str]) -> Iterator[None]:
    """Within the block, settings not among ``names`` are reported as defaults in messages."""
    token = _GIVEN.set(frozenset(names))
    try:
        yield
    finally:
        _GIVEN.reset(token)


def is_default(name: str) -> bool:
    """Whether setting ``name`` of the running fit has its default value (was not given)."""
    given = _GIVEN.get()
    return given is not None and name not in given


def _setting(name: str, value: Any) -> str:
    """``name=value``, marked as the default when the user did not give it."""
    return f"{name}={value!r} (default)" if is_default(name) else f"{name}={value!r}"


def analyzer_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The analysis settings among ``settings`` (only those given explicitly)."""
    return {k: v for k, v in settings.items() if k in ANALYSIS_SCHEMA}


def analysis_record(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every resolved analysis setting of ``settings`` as JSON (what a stored model re-creates)."""
    return {k: list(v) if isinstance(v, tuple) else v
            for k, v in make_analyzer(settings).settings.items()}


def make_analyzer(settings: Mapping[str, Any]) -> GermanAnalyzer:
    """The German tokens view with the analysis settings among ``settings``."""
    return GermanAnalyzer(**analyzer_settings(settings))


def tokenize(texts: Iterable[str], analyzer: Any) -> list[list[str]]:
    """Tokens of every text with ``analyzer`` (a callable text -> list of str)."""
    return [list(analyzer(text)) for text in texts]


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def count_matrix(
    tokens: Sequence[Sequence[str]], *, min_df: float | int, max_df: float | int, model: str
) -> tuple[Any, list[str]]:
    """Unit × word counts over pre-tokenised units, with document-frequency limits.

    Returns the sparse matrix and the vocabulary (column order).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=_identity, min_df=min_df, max_df=max_df)
    try:
        matrix = vectorizer.fit_transform([list(t) for t in tokens])
    except ValueError as exc:  # sklearn: "max_df corresponds to < documents than min_df", empty vocab
        df = Counter(word for unit in tokens for word in set(unit))
        raise ConfigError(empty_vocabulary(f"model {model!r}", min_df, max_df, len(tokens),
                                           df)) from exc
    return matrix, list(vectorizer.get_feature_names_out())


def units_of(limit: float | int, n_units: int) -> float | int:
    """A ``min_df``/``max_df`` as a number of units, in scikit-learn's rule: a float is a share of
    the ``n_units`` units (1.0: all of them), an int a count of them."""
    return limit * n_units if isinstance(limit, float) else limit


def empty_vocabulary(owner: str, min_df: float | int, max_df: float | int, n_units: int,
                     df: Mapping[str, int]) -> str:
    """Why a vocabulary is empty: texts without a word after analysis, units that all hold the
    same words (every word of ``df``, word -> units holding it, is in every unit), or
    document-frequency limits that keep none of the distinct words (and which limit can move)."""
    n_words = len(df)
    if not n_words:
        return (f"{owner}: the {counted(n_units, 'unit')} {'has' if n_units == 1 else 'have'} "
                "no words left after analysis (only "
                "numbers, URLs, stop words or punctuation?); give texts with words, or check "
                "that the text column is the right one")
    if n_units > 1 and all(count == n_units for count in df.values()):
        # no limit can help: no word tells one unit from another
        return (f"{owner}: all {n_units} units hold the same words (every word is in every "
                "unit: the same text repeated?); a topic model needs texts that differ: drop "
                "the repeats (corpus.drop_duplicates()) or give other texts")
    # scikit-learn's bounds: a float is a share of the units (1.0: all of them), an int a count
    least, most = units_of(min_df, n_units), units_of(max_df, n_units)
    limits = f"{_setting('min_df', min_df)}, {_setting('max_df', max_df)}"
    if most < least and (is_default("min_df") or is_default("max_df")):
        # no corpus of this size can meet the defaults: the corpus is too small, not a choice
        # of the user's to undo (5 units, min_df=2 and max_df=0.2: at least 2 and at most 1)
        needed = ""
        if isinstance(max_df, float) and not isinstance(min_df, float):
            needed = f"give at least {math.ceil(round(min_df / max_df, 9))} units (more texts "
            needed += "or unit='paragraph'), or "
        wider = "min_df=1 or max_df=1.0" if least > 1 else "max_df=1.0"  # not min_df=1 again
        return (f"{owner}: the corpus is too small for {limits}: a word would have to be in at "
                f"least {least:g} and at most {most:g} of its {n_units} units; {needed}set "
                f"{wider}")
    moves = []
    if isinstance(min_df, float) or min_df > 1:
        moves.append("lower min_df")
    if (max_df < 1) if isinstance(max_df, float) else (max_df < n_units):
        moves.append("raise max_df (a share, up to 1.0)")
    return (f"{owner}: {limits} leave no words in the vocabulary of "
            f"{counted(n_units, 'unit')} (of {counted(n_words, 'distinct word')}); "
            f"{' or '.join(moves) or 'check min_df and max_df'}")


def top_words(weights: np.ndarray, vocabulary: Sequence[str], topn: int) -> list[tuple[str, float]]:
    """The ``topn`` words with the highest weight, best first (ties broken by word for stability).

    Weights are rounded to 12 decimals first: last-bit differences of another machine's BLAS or
    libm cannot reorder near-tied words or change a stored weight.
    """
    weights = np.round(np.asarray(weights, dtype=np.float64), 12)
    # Only words at least as heavy as the topn-th heaviest can be listed, and only positive ones
    # are: a linear selection keeps the Python sort (ties by word) off the whole vocabulary
    # (30 topics x 32k words took 1.5 CPU-s a fit). Same words, same order as sorting them all.
    candidates = np.flatnonzero(weights > 0)
    if topn < len(candidates):
        cut = np.partition(weights[candidates], len(candidates) - topn)[len(candidates) - topn]
        candidates = candidates[weights[candidates] >= cut]
    order = sorted(candidates.tolist(), key=lambda j: (-float(weights[j]), vocabulary[j]))[:topn]
    return [(vocabulary[j], float(weights[j])) for j in order]


def auto_n_topics(n_units: int) -> int:
    """A number of topics for ``n_units`` documents: ~sqrt(n)/2, between 4 and 30.

    Gives 6 for the 137 shipped articles, 13 for ~700 paragraphs or articles. It grows slowly with
    the corpus, as the number of themes a reader can tell apart does.
    """
    return int(min(30, max(4, round(math.sqrt(n_units) / 2))))


def n_articles(units: Sequence[Any]) -> int:
    """The number of distinct articles among ``units`` (a unit without ``article_id`` is its own)."""
    return len(set(article_ids(units)))


def article_ids(units: Sequence[Any]) -> list[str]:
    """The article of every unit (a unit without ``article_id`` is its own article)."""
    return [str(getattr(u, "article_id", None) or getattr(u, "id", i)) for i, u in enumerate(units)]


#: Names people use for "the number of topics"; each family hints its own.
N_TOPICS_NAMES = ("n_components", "k", "nr_topics", "n_topics", "num_topics", "topics")


def n_topics_aliases(key: str) -> dict[str, str]:
    """``{other name: key}`` for the number-of-topics setting ``key`` of a family."""
    return {name: key for name in N_TOPICS_NAMES if name != key}


def too_small_for_default(name: str, value: int, n_units: int) -> str:
    """The corpus of ``n_units`` units is too small for the default number of topics ``value``."""
    allowed = f"{name}=2" if n_units == 2 else f"{name} to a number from 2 to {n_units}"
    return (f"the corpus is too small for the default {name}={value} topics ({n_units} units, "
            f"at least one per topic); set {allowed} (a keyword of fit_topic_model, a key of "
            "the model in a config), or give more texts")


def n_topics_problems(
    settings: Mapping[str, Any], key: str, n_units: int, default: Any = None
) -> list[str]:
    """Problems of the number-of-topics setting ``key`` for ``n_units`` units (none for "auto").

    ``default`` is the value the model uses when ``key`` is not in ``settings``: a fixed number
    (lda_default's 10) can be too many for a small corpus too.
    """
    value = settings.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value > n_units:
        if n_units < 2:  # "allowed: 2 to 1" would contradict itself
            return [f"{key}={value} topics is impossible for {counted(n_units, 'unit')}: a topic "
                    "model needs at least 2 units; give more texts, or paragraphs as units"]
        return [f"{key}={value} topics is impossible for {counted(n_units, 'unit')}; "
                f"allowed: 2 to {n_units}"]
    if (key not in settings and isinstance(default, int) and not isinstance(default, bool)
            and default > n_units >= 2):  # fewer than 2 units: check_n_topics says so
        return [too_small_for_default(key, default, n_units)]
    return []


def check_n_topics(model: str, name: str, value: Any, n_units: int) -> int:
    """A number of topics that must be an int between 2 and the number of units."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"model {model!r}: {name}={value!r} must be an integer number of topics "
                          f"(2 to {n_units}) or 'auto'")
    if n_units < 2:  # else "n_components=1 ... allowed: 2 to 1", for a setting never given
        raise ConfigError(
            f"model {model!r} needs at least 2 units to find topics, got {n_units}; give more "
            "texts, or unit='paragraph' (more units from the same articles)"
        )
    if value > n_units and is_default(name):
        raise ConfigError(f"model {model!r}: {too_small_for_default(name, value, n_units)}")
    if not 2 <= value <= n_units:
        raise ConfigError(
            f"model {model!r}: {name}={value} topics is impossible for {counted(n_units, 'unit')}; "
            f"allowed: 2 to {n_units}"
        )
    return int(value)


def check_choice(model: str, name: str, value: Any, allowed: Sequence[Any]) -> Any:
    """``value`` if it is one of ``allowed``, else a ConfigError naming the choices."""
    if value not in allowed:
        raise ConfigError(f"model {model!r}: {name}={value!r} is not allowed; choose one of "
                          f"{', '.join(map(repr, allowed))}")
    return value


def check_units(units: Sequence[Any]) -> None:
    """Fail early on an empty unit list (the family would fail with a less clear message)."""
    if not units:
        raise ConfigError("the corpus has no text units to model; load a corpus with articles")


def health_problems(model: str, metrics: Mapping[str, float]) -> list[str]:
    """What a reader of a fit's topics should be told first: topics that are empty or have no
    words (still counted in ``n_topics``), one topic holding most units, most units outliers."""
    n = int(metrics.get("n_topics", 0))
    said = [f"{model}: {int(count)} of {n} topics {what}; they are counted in n_topics: ask for "
            "fewer topics" for key, what in (
                ("empty_topics", "are empty (no unit is placed in them)"),
                ("wordless_topics", "have no words"), ("nan_topics", "have NaN word weights"))
            if (count := metrics.get(key, 0)) and count > 0]
    if n > 2 and metrics.get("largest_topic_share", 0) > 0.5:
        said.append(f"{model}: one of {n} topics holds {metrics['largest_topic_share']:.0%} of "
                    "the units; read its words before the others' (often a generic topic)")
    if metrics.get("outlier_share", 0) > 0.5:
        said.append(f"{model}: {metrics['outlier_share']:.0%} of the units are outliers (in no "
                    "topic)")
    return said
