"""Helpers shared by the topic-model families: settings, the tokens view, vocabularies, top words."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from topics.errors import ConfigError

# Settings of topics.german.GermanAnalyzer; every family that reads the tokens view accepts them flat.
ANALYZER_KEYS: tuple[str, ...] = (
    "lowercase",
    "lemmatise",
    "split_compounds",
    "keep_compounds",
    "min_token_length",
    "keep_numbers",
    "extra_stop_words",
    "join_names",
)


def resolve_settings(
    model: str, defaults: Mapping[str, Any], given: Mapping[str, Any], *, analyzer: bool = True
) -> dict[str, Any]:
    """Defaults overlaid with the given settings; unknown names fail, naming what is allowed."""
    allowed = set(defaults) | (set(ANALYZER_KEYS) if analyzer else set())
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ConfigError(
            f"model {model!r}: unknown setting(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    settings = dict(defaults)
    settings.update(given)
    return settings


def analyzer_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The GermanAnalyzer settings among ``settings`` (only those given explicitly)."""
    return {k: settings[k] for k in ANALYZER_KEYS if k in settings}


def make_analyzer(settings: Mapping[str, Any]) -> Any:
    """The German tokens view (``topics.german.GermanAnalyzer``) with the given settings."""
    from topics.german import GermanAnalyzer

    try:
        return GermanAnalyzer(**analyzer_settings(settings))
    except TypeError as exc:  # a wrong value type for an analyzer setting
        raise ConfigError(f"tokens-view setting: {exc}") from exc


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
        raise ConfigError(
            f"model {model!r}: min_df={min_df!r}, max_df={max_df!r} leave no words in the "
            f"vocabulary of {len(tokens)} units ({exc}); lower min_df or raise max_df"
        ) from exc
    return matrix, list(vectorizer.get_feature_names_out())


def top_words(weights: np.ndarray, vocabulary: Sequence[str], topn: int) -> list[tuple[str, float]]:
    """The ``topn`` words with the highest weight, best first (ties broken by word for stability)."""
    order = sorted(range(len(vocabulary)), key=lambda j: (-float(weights[j]), vocabulary[j]))[:topn]
    return [(vocabulary[j], float(weights[j])) for j in order if weights[j] > 0]


def auto_n_topics(n_units: int) -> int:
    """A number of topics for ``n_units`` documents: ~sqrt(n)/2, between 4 and 30.

    Gives 6 for the 137 shipped articles, 13 for ~700 paragraphs or articles. It grows slowly with
    the corpus, as the number of themes a reader can tell apart does.
    """
    return int(min(30, max(4, round(math.sqrt(n_units) / 2))))


def check_n_topics(model: str, name: str, value: Any, n_units: int) -> int:
    """A number of topics that must be an int between 2 and the number of units."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"model {model!r}: {name}={value!r} must be an integer number of topics "
                          f"(2 to {n_units}) or 'auto'")
    if not 2 <= value <= n_units:
        raise ConfigError(
            f"model {model!r}: {name}={value} topics is impossible for {n_units} units; "
            f"allowed: 2 to {n_units}"
        )
    return int(value)


def check_choice(model: str, name: str, value: Any, allowed: Sequence[Any]) -> Any:
    """``value`` if it is one of ``allowed``, else a ConfigError naming the choices."""
    if value not in allowed:
        raise ConfigError(f"model {model!r}: {name}={value!r} is not allowed; choose one of "
                          f"{', '.join(map(repr, allowed))}")
    return value
