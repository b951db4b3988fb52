"""Would subword vectors per token keep the classifier's quality? (issue 12: batch prediction
">= the peer"; a study, not the package's code)

    uv run python benchmarks/classifier_subword.py        # ~10 min on one core

Writes ``experiments/results/classifier_selection/subword.md`` and ``subword.json``, stamped with
the commit.

Why. The classifier's character view counts the n-grams (2-5, ``char_wb``) of every paragraph and
every article: each token brings about 24 distinct (row, n-gram) entries to count, sort and
score (16 in its paragraph, 8 more in its article; the first 200 10kGNAD pages), where the TF-IDF
+ LinearSVC peer looks up one word. Scoring at the peer's cost needs a view
whose score is a sum over tokens. The standard one (subword vectors, as fastText has them) gives
each token type a vector of its n-grams and a row the sum of its tokens' vectors:

    row = sum_t (1 + log count_t) idf_t g_t / sqrt(sum_t ((1 + log count_t) idf_t)^2)

with ``g_t`` the token's n-gram TF-IDF (idf over the training rows, n-grams in >= 2 rows), l2
normalised, and ``idf_t`` the token's smooth idf (an unseen token: that of a token in no row). A
row's score is then ``sum_t a_t (g_t . w) / norm``: one product per token type, computed once per
type, and a sum per (row, token) pair, as the peer's. The prototype keeps everything else of the
default (the words view, the paragraph rows, the dual ridge with its exact out-of-article
scores, the focus models, the thresholds) and swaps only the character view: the fit builds the
default's design and replaces its character columns by these rows; prediction scores each text
by this formula in Python (slow: only its results are compared here, not its speed).

Both are measured as ``benchmarks/classifier_stress.py`` measures the default: 5 x 3 grouped CV on
the shipped corpus (macro-F1, none/some, the hard negatives, the two-label articles),
leave-one-kind-out on the hard negatives, and 5 x 3 grouped CV on 10kGNAD when it is present
(``TOPICS_10KGNAD``). What the speed could be is bounded by `benchmarks/bench_classifier.py`'s
row "read alone": the pages' cleaning and tokenising, which either view needs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classifier_stress as stress  # noqa: E402
from common import GNAD, GNAD_OPTIONS, git_state  # noqa: E402

import topics  # noqa: E402
from topics.classifier import training  # noqa: E402
from topics.classifier.estimator import ArticleClassifier  # noqa: E402
from topics.classifier.scoring import RidgeScores  # noqa: E402
from topics.topic_models.assigner import _char_wb  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "experiments" / "results" / "classifier_selection"
NGRAMS = (2, 5)  # the default's character n-grams


class SubwordVocabulary:
    """Token and n-gram statistics of the training rows, and each token type's n-gram vector."""

    def __init__(self, texts: list[str]):
        tokens = [t.lower().split() for t in texts]
        n = len(texts)
        token_df = Counter(w for ts in tokens for w in set(ts))
        self.token_idf = {w: math.log((1 + n) / (1 + d)) + 1 for w, d in token_df.items()}
        self.unseen_idf = math.log(1 + n) + 1
        gram_df = Counter(g for ts in tokens for g in {g for w in set(ts) for g in _grams(w)})
        grams = sorted(g for g, d in gram_df.items() if d >= 2)
        self.column = {g: i for i, g in enumerate(grams)}
        self.gram_idf = np.array([math.log((1 + n) / (1 + gram_df[g])) + 1 for g in grams])
        self._vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def vector(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of a token type's n-gram TF-IDF, l2-normalised."""
        if token not in self._vectors:
            counts = Counter(g for g in _grams(token) if g in self.column)
            columns = np.array([self.column[g] for g in counts], dtype=np.int64)
            values = np.array([1 + math.log(c) for c in counts.values()]) * self.gram_idf[columns]
            if len(values):
                values /= np.sqrt(values @ values)
            self._vectors[token] = (columns, values)
        return self._vectors[token]

    def weights(self, text: str) -> dict[str, float]:
        """Each token type of a text with its weight ``(1 + log count) x idf``."""
        return {w: (1 + math.log(c)) * self.token_idf.get(w, self.unseen_idf)
                for w, c in Counter(text.lower().split()).items()}

    def rows(self, texts: list[str]):
        """The texts' subword rows (CSR) and the smallest non-zero norm among them."""
        from scipy.sparse import csr_matrix

        weights = [self.weights(t) for t in texts]
        types = sorted({w for row in weights for w in row})
        number = {w: i for i, w in enumerate(types)}
        a = _csr([[(number[w], x) for w, x in row.items()] for row in weights], len(types))
        g = _csr([list(zip(*(v.tolist() for v in self.vector(w)), strict=True)) for w in types],
                 len(self.column))
        norms = np.sqrt(np.asarray(a.multiply(a).sum(axis=1)).ravel())
        smallest = float(norms[norms > 0].min()) if (norms > 0).any() else 0.0
        norms[norms == 0] = 1.0
        return csr_matrix((a @ g).multiply(1.0 / norms[:, None])), smallest


def _csr(rows: list[list[tuple[int, float]]], width: int):
    """A CSR matrix from each row's (column, value) pairs."""
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(r) for r in rows])
    columns = [c for r in rows for c, _ in r]
    values = [v for r in rows for _, v in r]
    return csr_matrix((values, columns, indptr), shape=(len(rows), width))


def _grams(token: str) -> list[str]:
    return _char_wb(token, *NGRAMS)


class SubwordClassifier(ArticleClassifier):
    """The default with its character view replaced by subword rows (prototype)."""

    def fit(self, X, y):  # noqa: N803
        built: dict = {}
        with _subword_design(built):
            super().fit(X, y)
        self.vocabulary_, self.subword_min_norm_ = built["vocabulary"], built["min_norm"]
        return self

    def _row_score(self, text: str) -> np.ndarray:
        vocabulary = self.vocabulary_
        weights = np.asarray(self.coef_, dtype=np.float64)
        n_grams = len(vocabulary.column)
        total, squares = np.zeros(weights.shape[1]), 0.0
        for token, a in vocabulary.weights(text).items():
            columns, values = vocabulary.vector(token)
            squares += a * a
            if len(columns):
                total += a * (values @ weights[columns])
        if squares:
            total /= max(math.sqrt(squares), self.subword_min_norm_)
        columns, values = self.views_[1].reference_vectorise(text)  # the words view, unchanged
        words = values @ weights[n_grams + columns] if len(columns) else 0.0
        return total + words + np.asarray(self.intercept_, dtype=np.float64)

    def _ridge_scores(self, docs):
        article, best, lead, paragraph = [], [], [], []
        for text, paragraphs in docs:
            whole = self._row_score(text)
            parts = (np.array([self._row_score(p) for p in paragraphs]) if paragraphs
                     else whole[None])
            article.append(whole)
            best.append(parts.max(axis=0))
            lead.append(parts[0])
            paragraph.append(parts)
        return RidgeScores(np.array(article), np.array(best), np.array(lead), np.vstack(paragraph))


@contextlib.contextmanager
def _subword_design(built: dict):
    """During a fit: the default's design with subword rows in place of its character columns."""
    from scipy.sparse import hstack

    default = training.build_design

    def design(clf, docs, augment):
        made = default(clf, docs, augment)
        if made.views[0].view != "char" or len(made.views) != 2:
            raise SystemExit("the prototype expects the default views (char + words)")
        # the design's rows: every article, then the paragraphs of multi-paragraph articles
        texts = [text for text, _ in docs]
        if augment:
            texts += [p for _, paragraphs in docs if len(paragraphs) > 1 for p in paragraphs]
        one_chunk = sum(len(text) for text, _ in docs) < training.CHUNK_CHARS
        if len(texts) != made.x.shape[0] or not one_chunk:
            raise SystemExit("the prototype expects the design of one chunk")
        vocabulary = SubwordVocabulary(texts)
        rows, min_norm = vocabulary.rows(texts)
        built.update(vocabulary=vocabulary, min_norm=min_norm)
        words = made.x[:, len(made.views[0]):]
        return made._replace(x=hstack([rows, words], format="csr"))

    training.build_design = design
    try:
        yield
    finally:
        training.build_design = default


def measure(shipped, gnad) -> dict:
    labels = list(shipped.label_set)
    models = {"default": ArticleClassifier(labels=labels),
              "subword": SubwordClassifier(labels=labels)}
    results: dict = {"git": git_state(), "shipped": {}, "loko": {}, "10kgnad": {}}
    for name, model in models.items():
        results["shipped"][name] = stress.cv(shipped, {name: model}, True)[name]
        loko = stress.leave_one_kind_out(shipped, model=model)
        results["loko"][name] = {kind: row["ArticleClassifier"]["none"]
                                for kind, row in loko.items()}
        if gnad is not None:
            model = type(model)(labels=list(gnad.label_set))  # single-label, 9 classes
            results["10kgnad"][name] = stress.cv(gnad, {name: model}, False)[name]
        print(name, json.dumps({k: round(v["mean"], 3)
                                for k, v in results["shipped"][name].items()}), flush=True)
    return results


def markdown(results: dict) -> str:
    state = results["git"]
    lines = [f"Made by `benchmarks/classifier_subword.py` at commit {state['commit']}"
             f"{' (uncommitted changes!)' if state['dirty'] else ' (clean tree)'}.", "",
             "## Subword rows per token against the default's character n-grams (5 x 3 grouped CV)",
             "", "| character view | shipped macro-F1 | none/some | hard negatives 'none' | "
             "two-label recall | leave-one-kind-out 'none' | 10kGNAD macro-F1 |",
             "|---|---|---|---|---|---|---|"]
    for name, shipped in results["shipped"].items():
        loko = float(np.mean(list(results["loko"][name].values())))
        gnad = results["10kgnad"].get(name)
        cells = [stress._fmt(shipped[k]) for k in
                 ("macro_f1", "none_some", "hneg_none", "two_label_recall")]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {loko:.3f} | "
                     + (stress._fmt(gnad["macro_f1"]) if gnad else "–") + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(OUT), help="where subword.md/.json go")
    out = Path(parser.parse_args().out)
    shipped = topics.load_corpus()
    gnad = topics.load_corpus(GNAD, **GNAD_OPTIONS) if GNAD.exists() else None
    results = measure(shipped, gnad)
    out.mkdir(parents=True, exist_ok=True)
    (out / "subword.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (out / "subword.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
