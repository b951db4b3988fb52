"""Topic words that are used together: each topic's list built from words that share sentences.

Ranked by weight x exclusivity alone (:func:`~topics.topic_models.nmf.ranked_words`), a topic's
ten words are each frequent in its units and rare in the others', but nothing asks that they
occur together: a list can join the words of two stories the topic holds, or a word that stands
in few of its sentences. Readers take a list for a topic when its words are used together; that
is what NPMI measures and why it follows human judgements (Newman et al. 2010, Lau et al. 2014).

:func:`cooccurring_words` therefore builds each list greedily from the topic's best-ranked
candidates (three times as many as it lists): the best-ranked word first, then each time the
candidate with the highest ``(1 - c) x`` its weight (relative to the first word's) ``+ c x`` its
mean NPMI with the words already listed. NPMI is counted over the corpus's sentences: a context
of the same size in paragraphs and articles, and not the window any metric reads. ``c`` = 0 keeps
the ranked order. The partition (and so NMI and the topics' sizes) does not move; the words are
chosen on the fitted corpus itself, so NPMI over that corpus is no longer blind to how they were
chosen (the selection record says so next to its figures).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np

from topics.text.cleaning import sentence_pieces

__all__ = ["CANDIDATES_PER_WORD", "cooccurring_words", "sentence_npmi", "sentence_tokens"]

#: Candidates a list is chosen from, per word it lists.
CANDIDATES_PER_WORD = 3
DECIMALS = 12  # NPMI and scores rounded to this, as topic-word weights are (``top_words``)

TopicWords = Mapping[int, Sequence[tuple[str, float]]]


def sentence_tokens(texts: Sequence[str],
                    analyzer: Callable[[str], Sequence[str]]) -> Iterator[list[str]]:
    """The tokens of every sentence of ``texts`` (each line cut at ``.``, ``!`` or ``?``)."""
    for text in texts:
        for line in text.splitlines():
            for sentence in sentence_pieces(line, 1):
                yield list(analyzer(sentence))


def sentence_npmi(sentences: Iterator[Sequence[str]] | Sequence[Sequence[str]],
                  words: Sequence[str]) -> np.ndarray:
    """NPMI between every two of ``words``, counted over ``sentences`` (word lists).

    ``log(p(a, b) / (p(a) p(b))) / -log p(a, b)`` with sentence frequencies; -1 for two words
    that share no sentence (the limit as p(a, b) -> 0), 1 for two words in every sentence. The
    diagonal is 1 for a word that occurs.
    """
    from scipy.sparse import csr_matrix

    # the counts :func:`topics.evaluation.npmi.window_counts` gives with one window per sentence,
    # made as one sparse product: its numpy steps per text took 6x as long on 10kGNAD's sentences
    column = {w: j for j, w in enumerate(words)}
    indices, indptr = array("i"), array("q", [0])  # 4 and 8 bytes an entry: millions of sentences
    for sentence in sentences:
        indices.extend(sorted({column[w] for w in sentence if w in column}))
        indptr.append(len(indices))
    n = len(indptr) - 1
    incidence = csr_matrix((np.ones(len(indices)), np.frombuffer(indices, dtype=np.int32),
                            np.frombuffer(indptr, dtype=np.int64)), shape=(n, len(words)))
    together = (incidence.T @ incidence).toarray()  # sentences holding both words
    alone = np.diag(together).copy()
    npmi = np.full(together.shape, -1.0)
    if n == 0:
        return npmi
    seen = together > 0
    p_ab = together[seen] / n
    p_a_p_b = np.outer(alone, alone)[seen] / n**2
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.log(p_ab / p_a_p_b) / -np.log(p_ab)
    npmi[seen] = np.where(p_ab >= 1.0, 1.0, values)  # both in every sentence: log 1 / log 1
    # another machine's log may differ in the last bit: rounded, near-ties cannot reorder words
    return np.round(npmi, DECIMALS)


def _chosen(candidates: Sequence[tuple[str, float]], npmi: np.ndarray, column: Mapping[str, int],
            cooccurrence: float, top_n: int) -> list[tuple[str, float]]:
    """One topic's list: its first candidate, then greedily the best of weight and mean NPMI;
    returned heaviest first."""
    if not candidates or top_n <= 0:
        return []
    weight = np.array([w for _, w in candidates], dtype=np.float64)
    weight = weight / weight[0] if weight[0] > 0 else weight
    rows = np.array([column[word] for word, _ in candidates])
    pair = npmi[np.ix_(rows, rows)]
    listed = [0]
    npmi_sum = pair[0].copy()  # each candidate's NPMI summed over the listed words
    free = np.ones(len(candidates), dtype=bool)
    free[0] = False
    while len(listed) < min(top_n, len(candidates)):
        score = np.round((1 - cooccurrence) * weight + cooccurrence * npmi_sum / len(listed),
                         DECIMALS)
        score[~free] = -np.inf
        best = int(np.argmax(score))  # ties: the better-ranked candidate
        listed.append(best)
        free[best] = False
        npmi_sum += pair[best]
    chosen = [(candidates[i][0], float(candidates[i][1])) for i in listed]
    return sorted(chosen, key=lambda item: (-item[1], item[0]))  # heaviest first, as ranked


def cooccurring_words(candidates: TopicWords, texts: Sequence[str],
                      analyzer: Callable[[str], Sequence[str]], *, cooccurrence: float,
                      top_n: int) -> dict[int, list[tuple[str, float]]]:
    """Each topic's ``top_n`` words, chosen among its ranked ``candidates`` for sharing sentences.

    Parameters
    ----------
    candidates : mapping of topic id to (word, weight) pairs
        Each topic's candidates, best-ranked first (e.g. ``3 x top_n`` of
        :func:`~topics.topic_models.nmf.ranked_words`).
    texts : sequence of str
        The units the topics were fitted on; their sentences are the contexts counted.
    analyzer : callable
        The tokens view that made the candidates (text -> tokens).
    cooccurrence : float
        ``c`` from 0 to 1: how much a candidate's mean NPMI with the words already listed counts
        against its weight relative to the topic's first word (0: the ranked order).
    top_n : int
        Words listed per topic.

    Returns
    -------
    dict of int to list of (str, float)
        Topic id -> its chosen words with their candidate weights, heaviest first (ties by word),
        as every family lists its words; the best-ranked candidate is always first.
    """
    if cooccurrence == 0:
        return {t: list(words[:top_n]) for t, words in candidates.items()}
    words = sorted({w for listed in candidates.values() for w, _ in listed})
    npmi = sentence_npmi(sentence_tokens(texts, analyzer), words)
    column = {w: j for j, w in enumerate(words)}
    return {t: _chosen(listed, npmi, column, float(cooccurrence), int(top_n))
            for t, listed in candidates.items()}
