"""Text views of the classifier and their TF-IDF transform as plain arrays.

Three views of the clean text: character n-grams inside word boundaries (``char``), lower-cased
word unigrams and bigrams (``words``), and the German tokens view (``tokens``, lemmas and compound
parts). :class:`FittedView` is a fitted ``TfidfVectorizer(sublinear_tf=True, norm="l2")`` reduced
to its vocabulary and idf weights, so that prediction needs numpy alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial

import numpy as np

__all__ = ["FEATURES", "FittedView", "char_wb_ngrams", "view_analyzer", "word_ngrams"]

#: Feature set name -> the views it concatenates.
FEATURES = {
    "char": ("char",),
    "tokens": ("tokens",),
    "words": ("words",),
    "char+tokens": ("char", "tokens"),
    "char+words": ("char", "words"),
}
_WORD_NGRAMS = (1, 2)  # the words view: unigrams and bigrams of surface words
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_WORD_CACHE_SIZE = 1 << 18


def char_wb_ngrams(text: str, ngram_range: tuple[int, int] = (2, 5)) -> list[str]:
    """Character n-grams inside word boundaries, exactly as scikit-learn's ``analyzer="char_wb"``.

    Each lower-cased word is padded with one space on each side; n-grams never cross words.
    A module-level function (not a lambda), so vectorizers using it pickle and clone.

    Parameters
    ----------
    text : str
        Clean text.
    ngram_range : tuple of int
        Smallest and largest n.

    Returns
    -------
    list of str
        The n-grams, in text order, with repetitions.
    """
    min_n, max_n = ngram_range
    grams: list[str] = []
    for word in text.lower().split():
        grams.extend(_word_grams(word, min_n, max_n))
    return grams


def _known_grams(word: str, min_n: int, max_n: int, vocabulary: dict[str, int]) -> list[int]:
    """Vocabulary ids of the char_wb n-grams of one word (the multiset ``_word_grams`` gives).

    Enumerates the n-grams by start position and stops growing one at its first unknown
    n-gram: a vocabulary pruned by document frequency is closed under prefixes (every text
    containing "grenzü" contains "grenz"), so no longer n-gram from that position can be known.
    Unseen words, the bulk of the work on new texts, so cost a fraction of the lookups.
    """
    padded = f" {word} "
    length = len(padded)
    if length <= min_n:
        known = vocabulary.get(padded)
        return [] if known is None else [known]
    get = vocabulary.get
    ids: list[int] = []
    for start in range(length - min_n + 1):
        for end in range(start + min_n, min(start + max_n, length) + 1):
            known = get(padded[start:end])
            if known is None:
                break
            ids.append(known)
    return ids


@lru_cache(maxsize=1 << 17)
def _word_grams(word: str, min_n: int, max_n: int) -> tuple[str, ...]:
    # Cached per word: texts share most of their words, so this is most of the speed of
    # prediction and of the repeated fits of a cross-validation.
    padded = f" {word} "
    length = len(padded)
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        if length <= n:  # a short word counts once, as a whole
            grams.append(padded)
            break
        grams.extend(padded[start : start + n] for start in range(length - n + 1))
    return tuple(grams)


def word_ngrams(text: str, ngram_range: tuple[int, int] = _WORD_NGRAMS) -> list[str]:
    """Lower-cased word n-grams, exactly as scikit-learn's default ``analyzer="word"``.

    Parameters
    ----------
    text : str
        Clean text.
    ngram_range : tuple of int
        Smallest and largest n.

    Returns
    -------
    list of str
        The n-grams (words joined by a space), with repetitions.
    """
    words = _TOKEN.findall(text.lower())
    min_n, max_n = ngram_range
    grams = list(words) if min_n == 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


def _tokens_analyzer() -> Callable[[str], list[str]]:
    # Imported lazily: the German analyser loads simplemma's dictionary and split-words' 40 MB
    # n-gram table (about 3 s), which only models using the tokens view should pay for.
    from topics.text.german import GermanAnalyzer

    return GermanAnalyzer()


def view_analyzer(view: str, ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
    if view == "char":
        return partial(char_wb_ngrams, ngram_range=tuple(ngram_range))
    if view == "words":
        return partial(word_ngrams, ngram_range=_WORD_NGRAMS)
    return _tokens_analyzer()


class FittedView:
    """The TF-IDF transform of one text view, as plain data: vocabulary and idf weights.

    Equivalent to a fitted ``TfidfVectorizer(analyzer=..., sublinear_tf=True, norm="l2")``
    (tested), but needs only numpy to transform.
    """

    def __init__(self, view: str, ngram_range: tuple[int, int], terms: list[str], idf: np.ndarray):
        self.view = view
        self.ngram_range = tuple(ngram_range)
        self.terms = terms
        self.idf = np.asarray(idf, dtype=np.float64)
        self.vocabulary = {term: i for i, term in enumerate(terms)}
        self._analyzer: Callable[[str], list[str]] | None = None
        self._word_ids: dict[str, list[int]] = {}

    def analyzer(self) -> Callable[[str], list[str]]:
        if self._analyzer is None:
            self._analyzer = view_analyzer(self.view, self.ngram_range)
        return self._analyzer

    def vectorise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (column indices, l2-normalised sublinear tf-idf values) of one clean text."""
        ids = np.fromiter(self._feature_ids(text), dtype=np.int64)
        if not len(ids):
            return ids, np.zeros(0)
        index, tf = np.unique(ids, return_counts=True)
        values = (np.log(tf) + 1.0) * self.idf[index]
        return index, values / np.sqrt(values @ values)

    def _feature_ids(self, text: str) -> list[int]:
        """Vocabulary ids of every known term occurrence in a clean text."""
        vocabulary = self.vocabulary
        if self.view != "char":
            return [vocabulary[t] for t in self.analyzer()(text) if t in vocabulary]
        # Per word, cache the ids of its n-grams: words repeat across texts, so most words cost
        # one dict lookup instead of ~30 n-gram slices and lookups (3x the batch throughput).
        cache = self._word_ids
        min_n, max_n = self.ngram_range
        ids: list[int] = []
        for word in text.lower().split():
            known = cache.get(word)
            if known is None:
                known = _known_grams(word, min_n, max_n, vocabulary)
                if len(cache) < _WORD_CACHE_SIZE:
                    cache[word] = known
            ids.extend(known)
        return ids
