"""Why a text gets its labels: the words behind each label's score, and the deciding paragraphs.

A label's probability is the focus model's ``sigmoid(w_a * article + w_b * best + w_l * lead +
bias)`` of three ridge scores: the whole text's, its best paragraph's and its lead (first)
paragraph's (a text of one paragraph: the paragraph focus model's ``sigmoid(w * score +
bias)``). Each ridge score is split *exactly* over the words of the text: a feature's
contribution (coefficient x tf-idf value) is shared among the token occurrences it comes from (a
character n-gram among every word it occurs in). Words are merged by lemma (simplemma, loaded
here only, so prediction stays dictionary-free), and stop words, numbers and fragments are left
out of the top lists.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.classifier.hashing import scan, words
from topics.classifier.inputs import documents_of
from topics.classifier.scoring import batch_counts, paragraph_logits, tfidf_values
from topics.errors import InputError

if TYPE_CHECKING:
    from topics.classifier.estimator import ArticleClassifier

__all__ = ["explain", "render_explanation"]

_PUNCTUATION = ".,;:!?\"'()[]{}<>«»„“”‚‘’-–—/|*+=&%$§#…"


def explain(
    clf: ArticleClassifier, text: str, *, n_terms: int = 10, n_paragraphs: int = 3
) -> dict[str, Any]:
    """Say why a text gets its labels.

    Parameters
    ----------
    clf : ArticleClassifier
        A fitted classifier.
    text : str
        One raw article (or paragraph).
    n_terms, n_paragraphs : int
        How many terms (each direction) and paragraphs to list per label.

    Returns
    -------
    dict
        ``labels`` (the prediction), ``words`` (of the clean text) and ``per_label``: for every
        label (class) its ``probability``, ``threshold``, ``predicted``; ``article_score`` and
        ``best_paragraph_score`` and ``lead_score`` (ridge scores), ``one_paragraph`` (the text
        is one paragraph, decided by the paragraph focus model), ``weights`` (``article``,
        ``best_paragraph``, ``lead``, ``bias`` of the focus model that decided; single-label: the
        softmax temperature) and ``logit``;
        ``up`` and ``down``: the terms that pushed the whole-text score up or down, as dicts
        ``{"term", "weight", "forms"}`` (weight on the ridge-score scale, forms = the surface
        forms merged under the lemma); ``paragraphs``: the paragraphs with the highest score for
        the label, as dicts ``{"index", "score", "probability", "deciding", "text"}`` (the first
        is the best paragraph, the one the focus model reads); ``deciding_terms``: the top terms
        of that paragraph.

    Raises
    ------
    topics.errors.InputError
        A bad count or text, or (multi-label) ``clf.thresholds_`` that is not one number from 0
        to 1 per label.
    """
    clf._check_fitted()
    for name, value in (("n_terms", n_terms), ("n_paragraphs", n_paragraphs)):
        # a negative count sliced silently ([:-1]: all but the last), a str failed in numpy
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise InputError(f"explain: {name}={value!r}; give a whole number >= 0")
    [(clean, paragraphs)] = documents_of([text], what="the text")
    article, best, lead, per_paragraph = clf._ridge_scores([(clean, paragraphs)])
    one_paragraph = len(paragraphs) <= 1
    logits = clf._logits(article, best, lead, np.array([one_paragraph]))[0]
    proba = clf._proba_from_scores(logits[None, :])[0]
    alone = clf._proba_from_scores(paragraph_logits(clf.paragraph_focus_, per_paragraph))
    whole = _term_weights(clf, clean, paragraphs)
    limits = clf._thresholds() if clf.multilabel_ else None  # the user's to set: checked
    per_label = {}
    for j, label in enumerate(str(c) for c in clf.classes_):
        order = np.argsort(-per_paragraph[:, j], kind="stable")
        deciding = int(order[0])
        up, down = _top(whole, j, n_terms)
        per_label[label] = {
            "probability": float(proba[j]),
            "threshold": float(limits[j]) if limits is not None else None,
            "predicted": bool(proba[j] >= limits[j])
            if limits is not None
            else bool(j == int(np.argmax(proba))),
            "article_score": float(article[0, j]),
            "best_paragraph_score": float(best[0, j]),
            "lead_score": float(lead[0, j]),
            "one_paragraph": one_paragraph,
            "weights": _weights(clf, j, one_paragraph),
            "logit": float(logits[j]),
            "up": up,
            "down": down,
            "paragraphs": [
                {
                    "index": int(i),
                    "score": float(per_paragraph[i, j]),
                    "probability": float(alone[i, j]),
                    # a single-label model reads the whole text only: no paragraph decides
                    "deciding": bool(i == deciding) and clf.multilabel_,
                    "text": paragraphs[i],
                }
                for i in order[:n_paragraphs]
            ],
            "deciding_terms": _top(
                _term_weights(clf, paragraphs[deciding], [paragraphs[deciding]]), j, n_terms
            )[0],
        }
    return {
        "labels": clf._labels_from_proba(proba[None, :])[0],
        "words": len(clean.split()),
        "per_label": per_label,
    }


def _weights(clf: ArticleClassifier, j: int, one_paragraph: bool) -> dict[str, float]:
    """The weights that decided output ``j``: the focus model's, or for a text of one paragraph
    the paragraph focus model's (its one score counts as the whole text's)."""
    if one_paragraph and clf.multilabel_:
        weight, bias = clf.paragraph_focus_[j]
        return {"article": float(weight), "best_paragraph": 0.0, "lead": 0.0, "bias": float(bias)}
    focus = clf.focus_
    return {
        "article": float(focus[j, 0]),
        "best_paragraph": float(focus[j, 1]) if clf.multilabel_ else 0.0,
        "lead": float(focus[j, 2]) if clf.multilabel_ and focus.shape[1] == 4 else 0.0,
        "bias": float(focus[j, -1]),
    }


def _top(terms: dict[str, dict[str, Any]], j: int, n: int) -> tuple[list, list]:
    """The ``n`` content terms with the largest positive and negative weight for output ``j``."""
    rows = [
        {"term": t, "weight": round(float(info["weight"][j]), 6), "forms": info["forms"]}
        for t, info in terms.items()
        if info["content"]
    ]
    up = sorted((r for r in rows if r["weight"] > 0), key=lambda r: (-r["weight"], r["term"]))
    down = sorted((r for r in rows if r["weight"] < 0), key=lambda r: (r["weight"], r["term"]))
    return up[:n], down[:n]


def _term_weights(
    clf: ArticleClassifier, clean: str, paragraphs: list[str] | tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """Each term's share of every output's ridge score (intercept excluded), merged by lemma."""
    per_token = _token_contributions(clf, clean, paragraphs)
    surface = [t for p in paragraphs for t in p.split()]
    from topics.text.lexicon import lemma, stop_words  # simplemma: only when explaining

    stops = stop_words()
    merged: dict[str, np.ndarray] = {}
    forms: dict[str, Counter] = defaultdict(Counter)
    shown: dict[str, Counter] = defaultdict(Counter)
    for position, contribution in per_token.items():
        word = surface[position].strip(_PUNCTUATION) if isinstance(position, int) else position
        if not word:
            continue
        base = lemma(word) if isinstance(position, int) else word
        key = base.lower()
        merged[key] = merged.get(key, 0.0) + contribution
        forms[key][word] += 1
        shown[key][base] += 1
    return {
        shown[key].most_common(1)[0][0]: {
            "weight": weight,
            "forms": sorted(forms[key]),
            # the list holds surface forms: "anderen" is a stop word, its lemma "anderer" is not
            "content": _is_content(key, stops) and stops.isdisjoint(f.lower() for f in forms[key]),
        }
        for key, weight in merged.items()
    }


def _is_content(word: str, stops: frozenset[str]) -> bool:
    """No stop word, number or fragment (fewer than three letters) among the top terms."""
    letters = sum(c.isalpha() for c in word)
    return letters >= 3 and letters * 2 > len(word) and word not in stops


def _token_contributions(
    clf: ArticleClassifier, clean: str, paragraphs: list[str] | tuple[str, ...]
) -> dict[Any, np.ndarray]:
    """Output-by-output contributions of each token occurrence (or, for views that are not
    token-local, of each analysed term), summing exactly to the ridge scores minus intercepts."""
    coef = np.asarray(clf.coef_, dtype=np.float64)
    _, counts = batch_counts(clf.views_, [clean], [list(paragraphs)])
    values = tfidf_values(counts, clf._model_arrays())
    per_column = dict(zip(counts.cols.tolist(), values[:, None] * coef[counts.cols], strict=True))
    total = dict(zip(counts.cols.tolist(), counts.counts.tolist(), strict=True))
    batch = scan(list(paragraphs))
    out: dict[Any, np.ndarray] = defaultdict(lambda: np.zeros(coef.shape[1]))
    offset = 0
    for view in clf.views_:
        if view.view == "char":
            _, owner, cols = view.batch_features(batch)
            tokens_of = defaultdict(list)  # distinct token -> its occurrences
            for position, token in enumerate(batch.token.tolist()):
                tokens_of[token].append(position)
            for token, col in zip(owner.tolist(), (cols + offset).tolist(), strict=True):
                share = per_column[col] / total[col]
                for position in tokens_of[token]:
                    out[position] += share
        elif view.token_local:
            _, _, cols = view.batch_features(batch)
            hashes, _, starts, _ = words(batch)
            known = view.index.lookup(hashes) >= 0
            token_at = np.searchsorted(batch.start, starts[known], side="right") - 1
            for position, col in zip(token_at.tolist(), (cols + offset).tolist(), strict=True):
                out[position] += per_column[col] / total[col]
        else:
            for term in view.analyzer()(clean):
                col = view.vocabulary.get(term)
                if col is not None:
                    out[term] += per_column[col + offset] / total[col + offset]
        offset += len(view)
    return out


# ------------------------------------------------------------------------------------------------
# rendering


def render_explanation(explanation: dict[str, Any], style: str = "markdown") -> str:
    """Render :func:`explain` output as Markdown (``style="markdown"``) or plain text.

    Labels come in order of probability; each section says what decided (whole text or best
    paragraph), the terms that pushed up and down, and the deciding paragraph.
    """
    if style not in ("markdown", "text"):  # any other style rendered as plain text
        raise InputError(f"style={style!r} is not a style; use 'markdown' or 'text'")
    md = style == "markdown"
    labels = explanation["labels"]
    shown = ", ".join(labels) if isinstance(labels, list) else str(labels)
    lines = [f"{'**Labels:**' if md else 'Labels:'} {shown or '(none)'}", ""]
    order = sorted(explanation["per_label"].items(), key=lambda kv: -kv[1]["probability"])
    for label, info in order:
        mark = "predicted" if info["predicted"] else "not predicted"
        limit = f", threshold {info['threshold']:.2f}" if info["threshold"] is not None else ""
        title = f"{label}: probability {info['probability']:.2f}{limit}, {mark}"
        lines += [f"### {title}" if md else title, ""]
        weights = info["weights"]
        if info["threshold"] is None:  # single-label: a softmax of the whole text's scores
            lines.append(
                f"whole text {info['article_score']:+.2f} x {weights['article']:.2f} -> "
                f"{info['logit']:+.2f}, softmax over the {len(order)} classes' values"
            )
        elif info.get("one_paragraph"):  # the paragraph focus model: one score
            lines.append(
                f"one paragraph {info['article_score']:+.2f} x {weights['article']:.2f}, bias "
                f"{weights['bias']:+.2f} -> logit {info['logit']:+.2f}"
            )
        else:
            lines.append(
                f"whole text {info['article_score']:+.2f} x {weights['article']:.2f}, best "
                f"paragraph {info['best_paragraph_score']:+.2f} x {weights['best_paragraph']:.2f}, "
                f"lead {info['lead_score']:+.2f} x {weights['lead']:.2f}, bias "
                f"{weights['bias']:+.2f} -> logit {info['logit']:+.2f}"
            )
        bullet = "- " if md else "  "
        for name, key in (("pushed up", "up"), ("pushed down", "down")):
            terms = ", ".join(f"{t['term']} ({t['weight']:+.3f})" for t in info[key])
            lines.append(f"{bullet}{name}: {terms or '-'}")
        for paragraph in info["paragraphs"]:
            text = paragraph["text"]
            text = text if len(text) <= 200 else text[:197] + "..."
            tag = "deciding paragraph" if paragraph["deciding"] else "paragraph"
            lines.append(
                f"{bullet}{tag} {paragraph['index']} (score {paragraph['score']:+.2f}, alone "
                f"{paragraph['probability']:.2f}): {text}"
            )
        lines.append("")
    return "\n".join(lines)
