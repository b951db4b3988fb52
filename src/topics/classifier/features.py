"""Text views of the classifier, hashed for speed, as plain arrays.

Three views of the clean text: character n-grams inside word boundaries (``char``), lower-cased
words (``words``, unigrams by default) and the German tokens view (``tokens``, lemmas and compound
parts). A fitted view (:class:`FittedView`) is a ``TfidfVectorizer(sublinear_tf=True, norm="l2")``
reduced to plain data — its terms and idf weights — so that prediction needs numpy alone.

Why hashes
----------
The ``char`` view and the unigram ``words`` view are *token-local*: every feature lies inside one
whitespace token of the lower-cased text. A character view has ~38 n-grams per token, which as
Python string slices and dict lookups made the classifier 16 times slower than a word-level
TF-IDF model on unseen text. So these views work on hashes (:mod:`.hashing`): a batch is encoded
once as code points, tokens, words and the n-grams of its *distinct* tokens are hashed in numpy,
and each hash is looked up among the vocabulary's hashes, which the model file stores. Their
columns are in hash order. A collision between two of the few million n-grams of a corpus has a
probability of about 1e-7; tests check the hashed features against the string ones
(:meth:`FittedView.reference_vectorise`) and against scikit-learn's.

Every float a view produces is rounded to a grid (:func:`quantise`), so that the model and its
file come out the same on any machine (``numpy.log`` differs in the last bit between CPUs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from topics.classifier.hashing import HashIndex, Scan, char_grams, string_hashes, words

__all__ = [
    "FEATURES",
    "FittedView",
    "char_wb_ngrams",
    "is_token_local",
    "quantise",
    "sublinear_tf",
    "view_analyzer",
    "word_ngrams",
]

#: Feature set name -> the views it concatenates.
FEATURES = {
    "char": ("char",),
    "tokens": ("tokens",),
    "words": ("words",),
    "char+tokens": ("char", "tokens"),
    "char+words": ("char", "words"),
}
TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern

_GRID_BITS = 32  # idf and log-tf values are multiples of 2**-32


def quantise(values: np.ndarray | float, bits: int = _GRID_BITS) -> np.ndarray:
    """Round to a multiple of ``2**-bits``: the same result on every machine, to ~1e-10."""
    scale = float(2**bits)
    return np.round(np.asarray(values, dtype=np.float64) * scale) / scale


_LOG_TABLE = quantise(np.log(np.maximum(np.arange(4096, dtype=np.float64), 1.0)))
_TF_TABLE = 1.0 + _LOG_TABLE  # the same sums, added once instead of per count


def sublinear_tf(counts: np.ndarray) -> np.ndarray:
    """``1 + log(count)``, quantised (a table for the usual small counts)."""
    counts = np.asarray(counts)
    if not len(counts) or counts.max() < len(_TF_TABLE):
        return _TF_TABLE.take(counts.astype(np.intp, copy=False))
    return 1.0 + quantise(np.log(counts.astype(np.float64)))


# ------------------------------------------------------------------------------------------------
# reference analysers: exactly scikit-learn's (tested); training and prediction use the hashes


def char_wb_ngrams(text: str, ngram_range: tuple[int, int] = (2, 5)) -> list[str]:
    """Character n-grams inside word boundaries, exactly as scikit-learn's ``analyzer="char_wb"``.

    Each lower-cased word is padded with one space on each side; n-grams never cross words; a word
    shorter than ``n`` counts once, whole. A module-level function, so it pickles.

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
        padded = f" {word} "
        length = len(padded)
        for n in range(min_n, max_n + 1):
            if length <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


def word_ngrams(text: str, ngram_range: tuple[int, int] = (1, 1)) -> list[str]:
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
    words = TOKEN_PATTERN.findall(text.lower())
    min_n, max_n = ngram_range
    grams = list(words) if min_n == 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return grams


def _tokens_analyzer() -> Callable[[str], list[str]]:
    # Imported lazily: the German analyser loads simplemma's dictionary and split-words' n-gram
    # table (seconds), which only models using the tokens view should pay for.
    from topics.text.german import GermanAnalyzer

    return GermanAnalyzer()


def view_analyzer(
    view: str, ngram_range: Sequence[int], word_ngram_range: Sequence[int] = (1, 1)
) -> Callable[[str], list[str]]:
    """The string analyser of a view (as a scikit-learn ``analyzer``)."""
    if view == "char":
        return partial(char_wb_ngrams, ngram_range=tuple(ngram_range))
    if view == "words":
        return partial(word_ngrams, ngram_range=tuple(word_ngram_range))
    return _tokens_analyzer()


def is_token_local(view: str, word_ngram_range: Sequence[int] = (1, 1)) -> bool:
    """Whether every feature of the view lies inside one whitespace token (char, unigram words)."""
    return view == "char" or (view == "words" and tuple(word_ngram_range) == (1, 1))


# ------------------------------------------------------------------------------------------------
# a fitted view


class FittedView:
    """The TF-IDF transform of one text view, as plain data: terms, idf weights, term hashes.

    Equivalent to a fitted ``TfidfVectorizer(analyzer=..., sublinear_tf=True, norm="l2")`` whose
    idf weights and log-tf values are :func:`quantise`\\ d (tested), with one difference:
    ``min_norm`` is the smallest norm of a training row in this view, and a vector with a smaller
    norm (a text with less evidence than any the model was trained on: a word, a heading) is
    divided by ``min_norm`` instead of its own norm. Its scores then lie that much nearer the
    intercept, instead of being as confident as a whole article's; every text at least as long as
    the shortest training row is scored as before. Token-local views keep their columns in hash
    order (``hashes`` sorted); the others keep a term -> column dictionary.
    """

    def __init__(
        self,
        view: str,
        ngram_range: Sequence[int],
        terms: Sequence[str] | np.ndarray,
        idf: np.ndarray,
        word_ngram_range: Sequence[int] = (1, 1),
        hashes: np.ndarray | None = None,
        min_norm: float = 0.0,
    ):
        self.view = view
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.word_ngram_range = (int(word_ngram_range[0]), int(word_ngram_range[1]))
        self._terms = terms  # a list, or the stored UTF-8 bytes of "\n".join(terms) (decoded on use)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.token_local = is_token_local(view, self.word_ngram_range)
        if self.token_local and hashes is None:
            hashes = self._term_hashes(self.terms)
        self.hashes = None if hashes is None else np.asarray(hashes, dtype=np.uint64)
        self.min_norm = float(min_norm)
        self._index: HashIndex | None = None
        self._vocabulary: dict[str, int] | None = None
        self._analyzer: Callable[[str], list[str]] | None = None

    def __len__(self) -> int:
        return len(self.idf)

    @property
    def terms(self) -> list[str]:
        """The vocabulary, in column order."""
        if isinstance(self._terms, np.ndarray):
            text = self._terms.tobytes().decode("utf-8", "surrogatepass")
            self._terms = text.split("\n") if text else []
        return list(self._terms) if not isinstance(self._terms, list) else self._terms

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term -> column (built on first use)."""
        if self._vocabulary is None:
            self._vocabulary = {term: i for i, term in enumerate(self.terms)}
        return self._vocabulary

    @property
    def index(self) -> HashIndex:
        if self._index is None:
            self._index = HashIndex(self.hashes if self.hashes is not None else np.zeros(0))
        return self._index

    def analyzer(self) -> Callable[[str], list[str]]:
        if self._analyzer is None:
            self._analyzer = view_analyzer(self.view, self.ngram_range, self.word_ngram_range)
        return self._analyzer

    def _term_hashes(self, terms: Sequence[str]) -> np.ndarray:
        return string_hashes(list(terms))

    def batch_features(self, batch: Scan) -> tuple[bool, np.ndarray, np.ndarray]:
        """Known features of a scanned batch: ``(per_token, owner, column)``.

        ``char``: ``owner`` is a distinct token of the batch (its n-grams, in runs sorted by
        token); unigram ``words``: ``owner`` is the paragraph row of each word occurrence.
        """
        if self.view == "char":
            hashes, owner = char_grams(batch, self.ngram_range)
            per_token = True
        else:
            hashes, owner, _, _ = words(batch)
            per_token = False
        columns = self.index.lookup(hashes)
        known = columns >= 0
        return per_token, owner[known], columns[known]

    def text_features(self, text: str) -> list[int]:
        """Columns of every known term occurrence in a clean text (views that are not local)."""
        vocabulary = self.vocabulary
        return [vocabulary[t] for t in self.analyzer()(text) if t in vocabulary]

    def reference_vectorise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, l2-normalised tf-idf) of one clean text from the *strings* of its terms.

        The slow, obvious path: the analyser's strings looked up in the term dictionary. Tests
        compare it with the hashed batch path and with scikit-learn.
        """
        vocabulary = self.vocabulary
        ids = [vocabulary[t] for t in self.analyzer()(text) if t in vocabulary]
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        index, tf = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        values = sublinear_tf(tf) * self.idf[index]
        return index, values / max(np.sqrt(values @ values), self.min_norm)
