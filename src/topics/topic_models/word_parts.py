"""Topic words without the compound parts that only repeat their compound.

The German tokens view emits a compound with its parts ("Microsoft" -> ``microsoft``, ``micro``,
``soft``), so that "Verteidigungsminister" and "Minister" meet in the counts. A part that occurs
mostly inside one compound then follows it into a topic's words with nearly the same weight:
before this, 10kGNAD's committed BERTopic topics read "nutzer · soft · micro" and "smartphone
phon smart", the shipped paragraphs' "... plattform platt form". Such a part says nothing the
compound does not, takes the place of a word that would, and, co-occurring with its compound in
every unit, inflates the topic's coherence.

:func:`listed_words` leaves a part out of a topic's words when a compound it belongs to ranks
among them and at least half of the units that contain the part contain such a compound too
(by document frequencies: ``df(part) <= 2 * sum(df(compound))``). A part that also stands on
its own stays: "minister" beside "verteidigungsminister", "grenze" beside "grenzübergang".
Which words are parts of which is read from the analyser that made the tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from topics.topic_models.common import top_words

__all__ = ["CompoundParts", "listed_words"]


class CompoundParts:
    """The compound parts among a token view's words, and how many units hold each word.

    Parameters
    ----------
    analyzer : callable
        The tokens view's analyser (text -> tokens); a compound given to it alone yields the
        compound first, then its parts.
    document_frequency : mapping of str to int
        Units that contain each word (the vocabulary's words at least).
    """

    def __init__(self, analyzer: Callable[[str], Sequence[str]],
                 document_frequency: Mapping[str, int]) -> None:
        self._analyzer = analyzer
        self._df = document_frequency
        self._parts: dict[str, frozenset[str]] = {}

    @classmethod
    def from_matrix(cls, analyzer: Callable[[str], Sequence[str]], matrix: object,
                    vocabulary: Sequence[str]) -> CompoundParts:
        """From a units x words CSR matrix of counts whose columns are ``vocabulary``."""
        df = np.bincount(matrix.indices, minlength=len(vocabulary))  # type: ignore[attr-defined]
        return cls(analyzer, dict(zip(vocabulary, df.tolist(), strict=True)))

    def parts(self, word: str) -> frozenset[str]:
        """The parts the analyser emits beside ``word`` (empty if it is no compound); only
        shorter words, so that no two words are parts of each other."""
        if word not in self._parts:
            # topic words are lemmas, lower-cased by default; the analyser splits nouns only
            out = list(self._analyzer(word[:1].upper() + word[1:])) if word else []
            found = out[1:] if len(out) > 1 and out[0] == word else []
            self._parts[word] = frozenset(p for p in found if len(p) < len(word))
        return self._parts[word]

    def kept(self, words: Sequence[str]) -> set[str]:
        """``words`` less those that repeat compounds among them. Judged against all of them,
        kept or not, so that a longer run of words never brings a left-out word back."""
        return {word for word in words if not self.repeats(word, words)}

    def repeats(self, word: str, listed: Sequence[str]) -> bool:
        """Whether ``word`` is a part of compounds in ``listed`` that hold at least half of its
        units (by document frequencies, the compounds' summed)."""
        inside = sum(self._df.get(c, 0) for c in listed if c != word and word in self.parts(c))
        return inside > 0 and self._df.get(word, 0) <= 2 * inside


def listed_words(weights: np.ndarray, vocabulary: Sequence[str], topn: int,
                 parts: CompoundParts | None) -> list[tuple[str, float]]:
    """The ``topn`` heaviest words (:func:`~topics.topic_models.common.top_words`) without the
    parts that repeat a compound listed with them (module docstring); ``parts`` None keeps all.

    The list is read off the shortest run of heaviest words that holds ``topn`` words once its
    parts are left out: a part is only left out for compounds in that run (listed, or left out
    themselves as the part of a longer one).
    """
    if parts is None:
        return top_words(weights, vocabulary, topn)
    wanted = 2 * topn
    while True:
        ranked = top_words(weights, vocabulary, wanted)
        names = [w for w, _ in ranked]
        for m in range(min(topn, len(names)), len(names) + 1):
            kept = parts.kept(names[:m])
            if len(kept) == topn:  # grows by at most one word per word added
                break
        if len(kept) == topn or len(ranked) < wanted:  # enough, or every weighted word seen
            return [(w, x) for w, x in ranked if w in kept]
        wanted *= 2
