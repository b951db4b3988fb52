"""Stress tests and candidate selection for the classifier (issue 11), rerunnable.

    uv run python benchmarks/classifier_stress.py                  # everything (~2.5 min)
    uv run python benchmarks/classifier_stress.py --only shipped loko
    uv run python benchmarks/classifier_stress.py --candidates     # the candidate screen alone

Writes ``experiments/results/classifier_selection/stress.md`` and ``stress.json``:

* **shipped**: 5-fold cross-validation grouped by article x seeds 0, 1, 2 on the shipped corpus
  (217 articles), the default ArticleClassifier against TF-IDF + LinearSVC / LogisticRegression
  (scikit-learn defaults, clean text). Folds are those of every evaluation here
  (:func:`topics.evaluation.folds.article_folds`, stratified by primary label). From the same
  out-of-fold predictions: the hard negatives alone (``hneg-*``, 40 articles: share predicted
  "none"), the two-label articles alone (32: subset accuracy, label recall, macro-F1) and the
  articles whose on-topic part is short or late (kind B, 14: subset accuracy);
* **loko**: leave-one-kind-out on the hard negatives: train on the 212 other articles (the other
  seven kinds included), predict the five of the held-out kind; share predicted "none";
* **10kgnad**: 5 x 3 grouped CV on the 721-article 10kGNAD sample (single-label, 9 classes);
* **pages**: the 721 10kGNAD articles (none of them about the four subjects) laid out as news pages
  are: with headlines of the shipped corpus's labelled articles around them (a related-news block
  after a marker, bare headlines and a copyright line after the body, a ``Lesen Sie auch:`` line
  inside it, a related-news block or a teaser headline before it, vietnam.vn's comment counter
  and "Gleiches Thema" block of teasers, a headline and a first sentence each, also with the page
  as one line). Models trained on the whole shipped corpus, as shipped; share of pages predicted
  "none" (the peers read the page's clean text, as in the CV);
* **leads**: the news in its first sentence (or first paragraph), the rest of the page about
  something else (the issue's "dilution"). In each fold of the shipped corpus's 5 x 3 grouped CV,
  the first sentence (paragraph) of every labelled test article is put before the text of a
  10kGNAD article; share of these pages that get the article's primary label, and that get no
  label;
* **one_line**: the shipped corpus's CV again, each test article's raw text with its line breaks
  removed (as some extraction tools and copies give a page): no paragraphs, captions, source lines
  or related-news lists to tell apart; training texts as they are;
* **short**: the shipped corpus's CV again, each test article's first sentence alone (what the
  classifier reads of it: a headline-length text, as a caller may pass one), scored against the
  article's labels; a lead that does not name the article's subject counts as a miss;
* **reprints**: an archive holds one story under two URLs. 30 % of the shipped articles (drawn
  with seed 0) are added again, their lead kept and each later paragraph dropped at 15 %; the CV
  once with folds that ignore the copies (a reprint can sit in training while its original is
  tested) and once with the package's folds, which keep near-duplicates together
  (:meth:`topics.Corpus.near_duplicate_groups`). Then every shipped article twice, the package's
  folds, and ours fitted twice: once treating the copies in its training folds as distinct
  (``duplicate_threshold=None``), once leaving them out together when it makes the focus model's
  out-of-article scores (the default);
* **candidates** (``--candidates``, ~15 min): the default and settings around it, one changed at
  a time, 5 x 3 on both corpora and leave-one-kind-out (its mean); written to
  ``candidates.md``/``.json`` beside ``stress.md``, stamped with the commit they were made at (a
  selection record, not rerun by the tests).

Mean +- sd over seeds. Nothing here looks at single articles to choose anything.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np

import topics
from topics.classifier import ArticleClassifier
from topics.classifier.inputs import classified_document
from topics.classifier.peers import peer_estimators
from topics.evaluation.folds import article_folds
from topics.labels import from_indicator, to_indicator
from topics.text.cleaning import clean_text
from topics.text.normalisation import normalise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_OPTIONS  # noqa: E402

OUT = ROOT / "experiments/results/classifier_selection"
SEEDS = (0, 1, 2)

CANDIDATES = {
    "the default": {},
    "C=0.5": {"C": 0.5},
    "C=2": {"C": 2.0},
    "paragraph_weight=1": {"paragraph_weight": 1.0},
    # a calibrated model's F1-optimal threshold is half the F1 it reaches (~0.45 here)
    "threshold=0.45": {"threshold": 0.45},
    "threshold=0.4": {"threshold": 0.4},
    "words (1,2)": {"word_ngram_range": (1, 2)},
    "char (3,6)": {"ngram_range": (3, 6)},
    "char + German tokens": {"features": "char+tokens"},
    "class_weight=balanced": {"class_weight": "balanced"},
    "primal solver (5-fold OOF scores)": {"solver": "primal"},
}


def _models(corpus, multilabel: bool, extra: dict | None = None) -> dict:
    labels = list(corpus.label_set)
    models = {"ArticleClassifier": ArticleClassifier(labels=labels, **(extra or {}))}
    if extra is None:
        models.update(peer_estimators(multilabel))
    return models


def oof_predictions(corpus, models: dict, seed: int, multilabel: bool = True, page=None,
                    groups=None) -> dict:
    """Out-of-fold predicted label lists (or classes) of every article, per model; ``page`` turns
    a test article's raw text into the page that is predicted (training texts stay as they are);
    ``groups`` keeps near-duplicates in one fold (:func:`article_folds`)."""
    from sklearn.base import clone

    key = [labels[0] if labels else "" for labels in corpus.labels]
    clean = corpus.clean_texts()
    raw, test_clean = list(corpus.texts), clean  # what is predicted: ours reads raw, a peer clean
    if page is not None:
        raw = [page(t) for t in raw]
        test_clean = [clean_text(t) for t in raw]
    y = [list(v) for v in corpus.labels] if multilabel else list(corpus.primary_labels)
    out = {name: [None] * len(corpus) for name in models}
    for train, test in article_folds(key, 5, seed, groups):
        for name, model in models.items():
            model = clone(model)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if getattr(model, "reads_raw_text", False):
                    model.fit([corpus.texts[i] for i in train], [y[i] for i in train])
                    predicted = model.predict([raw[i] for i in test])
                else:
                    target = [y[i] for i in train]
                    if multilabel:
                        target = to_indicator(target, corpus.label_set)
                    model.fit([clean[i] for i in train], target)
                    predicted = model.predict([test_clean[i] for i in test])
                    predicted = (
                        from_indicator(predicted, corpus.label_set)
                        if multilabel else [str(p) for p in predicted]
                    )
            for i, p in zip(test, predicted, strict=True):
                out[name][i] = p
    return out


def multilabel_scores(corpus, predicted: list) -> dict:
    from sklearn.metrics import f1_score

    labels = list(corpus.label_set)
    truth = [set(v) for v in corpus.labels]
    guess = [set(p) for p in predicted]
    t, g = to_indicator([list(v) for v in truth], labels), to_indicator([list(v) for v in guess], labels)
    ids = corpus.ids
    hneg = [i for i, a in enumerate(ids) if a.startswith("hneg-")]
    two = [i for i, v in enumerate(truth) if len(v) == 2]
    kind_b = [i for i, a in enumerate(corpus) if a.meta.get("kind") == "B"]
    recall = sum(len(truth[i] & guess[i]) for i in two) / max(1, sum(len(truth[i]) for i in two))
    return {
        "macro_f1": float(f1_score(t, g, average="macro", zero_division=0.0)),
        "none_some": float(np.mean([bool(a) == bool(b) for a, b in zip(truth, guess, strict=True)])),
        "subset": float(np.mean([a == b for a, b in zip(truth, guess, strict=True)])),
        "hneg_none": float(np.mean([not guess[i] for i in hneg])),
        "two_label_subset": float(np.mean([truth[i] == guess[i] for i in two])),
        "two_label_recall": float(recall),
        "two_label_macro_f1": float(f1_score(t[two], g[two], average="macro", zero_division=0.0)),
        "kind_b_subset": float(np.mean([truth[i] == guess[i] for i in kind_b])),
    }


def single_scores(corpus, predicted: list) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    truth = list(corpus.primary_labels)
    return {
        "macro_f1": float(f1_score(truth, predicted, average="macro")),
        "accuracy": float(accuracy_score(truth, predicted)),
    }


def summarise(per_seed: list[dict]) -> dict:
    keys = per_seed[0].keys()
    return {
        k: {"mean": float(np.mean([r[k] for r in per_seed])),
            "sd": float(np.std([r[k] for r in per_seed], ddof=1)) if len(per_seed) > 1 else 0.0}
        for k in keys
    }


def cv(corpus, models: dict, multilabel: bool, page=None, groups=None) -> dict:
    runs: dict[str, list] = {name: [] for name in models}
    seconds = {name: 0.0 for name in models}
    for seed in SEEDS:
        start = time.process_time()
        predicted = oof_predictions(corpus, models, seed, multilabel, page, groups)
        for name, p in predicted.items():
            runs[name].append(multilabel_scores(corpus, p) if multilabel else single_scores(corpus, p))
        seconds["all"] = seconds.get("all", 0.0) + time.process_time() - start
    return {name: summarise(r) for name, r in runs.items()} | {"cpu_seconds": seconds.get("all")}


def _fit(model, texts: list[str], labels: list, label_set) -> None:
    """Fit a multi-label model: ours on the raw texts, a peer on their clean text (as in the CV)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if getattr(model, "reads_raw_text", False):
            model.fit(texts, labels)
        else:
            model.fit([clean_text(t) for t in texts], to_indicator(labels, label_set))


def _predict(model, texts: list[str], label_set) -> list:
    """Label lists of raw texts (a peer reads their clean text)."""
    if getattr(model, "reads_raw_text", False):
        return model.predict(texts)
    return from_indicator(model.predict([clean_text(t) for t in texts]), label_set)


def leave_one_kind_out(corpus, extra: dict | None = None, model=None) -> dict:
    """Train without one kind of hard negative, predict it: share predicted "none" per kind
    (ours with ``extra`` settings, or ``model`` cloned; the peers beside the default alone)."""
    from sklearn.base import clone

    hard = [i for i, a in enumerate(corpus) if a.id.startswith("hneg-")]
    kinds = sorted({corpus[i].meta["kind"] for i in hard})
    out = {}
    for kind in kinds:
        test = [i for i in hard if corpus[i].meta["kind"] == kind]
        train = [i for i in range(len(corpus)) if i not in set(test)]
        sub = corpus.subset(train)
        models = {"ArticleClassifier": clone(model) if model is not None
                  else ArticleClassifier(labels=list(corpus.label_set), **(extra or {}))}
        if extra is None and model is None:
            models.update(peer_estimators(True))
        row = {}
        for name, fitted in models.items():
            _fit(fitted, sub.texts, sub.labels, corpus.label_set)
            predicted = _predict(fitted, [corpus.texts[i] for i in test], corpus.label_set)
            row[name] = {
                "none": float(np.mean([not p for p in predicted])),
                "fired": sorted({label for p in predicted for label in p}),
            }
        out[kind] = row
    return out


def loko_mean(loko: dict, model: str) -> float:
    """A model's share of held-out hard negatives predicted "none", averaged over the kinds."""
    return float(np.mean([row[model]["none"] for row in loko.values()]))


# Page layouts: the article's raw text around headlines of other articles (pick(k): k of them,
# each a (headline, the article's first sentence) pair; the first sentence makes a teaser).
def _heads(pairs: list[tuple[str, str]]) -> list[str]:
    return [head for head, _ in pairs]


def _teasers(pairs: list[tuple[str, str]]) -> list[str]:
    return [line for pair in pairs for line in pair]


PAGE_LAYOUTS = {
    "the article alone": lambda text, pick: text,
    "+ 'Verwandte Nachrichten' and 3 headlines after it": lambda text, pick: "\n".join(
        [text, "Verwandte Nachrichten", *_heads(pick(3))]),
    "+ 2 headlines and a copyright line after it, no marker": lambda text, pick: "\n".join(
        [text, *_heads(pick(2)), "© 2025 Alle Rechte vorbehalten."]),
    "+ 'Lesen Sie auch: <headline>' after its first paragraph": lambda text, pick: "\n".join(
        [text.split("\n", 1)[0], "Lesen Sie auch: " + _heads(pick(1))[0],
         *text.split("\n", 1)[1:]]),
    "+ 'Neueste Nachrichten' and 2 headlines before it": lambda text, pick: "\n".join(
        ["Neueste Nachrichten", *_heads(pick(2)), text]),
    "+ a headline before it (a teaser above the article)": lambda text, pick: "\n".join(
        [*_heads(pick(1)), text]),
    "+ 'Kommentar (0)', 'Gleiches Thema' and 2 teasers (headline + first sentence) after it":
        lambda text, pick: "\n".join([text, "Kommentar (0)", "Gleiches Thema", *_teasers(pick(2))]),
    "the same, the whole page as one line (copied from a browser)":
        lambda text, pick: " ".join(
            [*text.split(), "Kommentar (0)", "Gleiches Thema", *_teasers(pick(2))]),
}


def page_layouts(shipped, gnad) -> dict:
    """Share of unrelated articles predicted "none" in each page layout, per model.

    The headlines are the first lines of the shipped corpus's labelled articles that are
    headlines (at most 20 words, no closing punctuation), drawn with a fixed seed, each with its
    article's first sentence for a teaser; the models are fitted on the whole shipped corpus.
    """
    labelled = [text for text, labels in zip(shipped.texts, shipped.labels, strict=True) if labels]
    firsts = [(normalise(text.split("\n", 1)[0]), text) for text in labelled]
    heads = [(h, leads(text)["sentence"]) for h, text in firsts
             if 0 < len(h.split()) <= 20 and not h.endswith(tuple(".!?:;\"')"))]
    models = _models(shipped, True)
    for model in models.values():
        _fit(model, shipped.texts, shipped.labels, shipped.label_set)
    out = {"headlines": len(heads), "pages": len(gnad), "layouts": {}}
    for layout, make in PAGE_LAYOUTS.items():
        pick = partial(random.Random(0).sample, heads)
        pages = [make(text, pick) for text in gnad.texts]
        row = {}
        for name, model in models.items():
            predicted = _predict(model, pages, shipped.label_set)
            row[name] = float(np.mean([not p for p in predicted]))
        out["layouts"][layout] = row
    return out


def leads(raw: str) -> dict[str, str]:
    """An article's first prose paragraph and its first sentence, as the classifier reads them."""
    paragraph = classified_document(raw)[1][0]
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])", paragraph, maxsplit=1)[0]
    return {"sentence": sentence, "paragraph": paragraph}


def lead_sentences(shipped, gnad) -> dict:
    """Out-of-fold: an on-topic first sentence (paragraph) before an unrelated article, per model."""
    from sklearn.base import clone

    key = [labels[0] if labels else "" for labels in shipped.labels]
    bodies = list(gnad.texts)
    models = _models(shipped, True)
    places = ("sentence", "paragraph")
    hits = {name: {p: [] for p in places} for name in models}
    empty = {name: {p: [] for p in places} for name in models}
    for seed in SEEDS:
        pick = random.Random(seed).choice
        for train, test in article_folds(key, 5, seed):
            test = [i for i in test if shipped.labels[i]]
            pages = {}
            for i in test:
                body, first = pick(bodies), leads(shipped.texts[i])
                for place in places:
                    pages.setdefault(place, []).append(f"{first[place]}\n{body}")
            for name, model in models.items():
                model = clone(model)
                _fit(model, [shipped.texts[i] for i in train], [shipped.labels[i] for i in train],
                     shipped.label_set)
                for place in places:
                    predicted = _predict(model, pages[place], shipped.label_set)
                    hits[name][place] += [key[i] in p for i, p in zip(test, predicted, strict=True)]
                    empty[name][place] += [not p for p in predicted]
    return {
        name: {place: {"label": float(np.mean(hits[name][place])),
                       "none": float(np.mean(empty[name][place]))} for place in places}
        for name in models
    } | {"pages": len(hits[next(iter(models))]["sentence"])}


def first_sentence(raw: str) -> str:
    """The first sentence of an article's first prose paragraph, alone (see :func:`leads`)."""
    return leads(raw)["sentence"]


def with_reprints(shipped, share: float = 0.3, drop: float = 0.15):
    """The shipped corpus and a reprint of ``share`` of its articles (drawn with seed 0), as an
    archive holds one story under two URLs: the same lead, each later paragraph dropped with
    probability ``drop``, the same labels."""
    rng = random.Random(0)
    articles = list(shipped)
    reprints = []
    for i in sorted(rng.sample(range(len(articles)), round(share * len(articles)))):
        paragraphs = articles[i].text.split("\n\n")
        kept = paragraphs[:1] + [p for p in paragraphs[1:] if rng.random() >= drop]
        reprints.append(topics.Article(f"{articles[i].id}-reprint", "\n\n".join(kept),
                                       articles[i].labels))
    return topics.Corpus(articles + reprints, shipped.label_set, "shipped+reprints")


def reprints(shipped) -> dict:
    """CV on the corpus with reprints: folds that ignore the copies, and the package's folds that
    keep each copy with its original (its near-duplicate group)."""
    corpus = with_reprints(shipped)
    models = _models(corpus, True)
    return {
        "n_articles": len(corpus),
        "n_reprints": len(corpus) - len(shipped),
        "found": int(len(corpus) - len(corpus.drop_duplicates())),
        "ungrouped": cv(corpus, models, True),
        "grouped": cv(corpus, models, True, groups=corpus.near_duplicate_groups()),
        "all_twice": every_article_twice(shipped),
    }


def every_article_twice(shipped) -> dict:
    """Every article and its reprint, the package's folds; ours with its fit's copies treated as
    distinct, and grouped (the default)."""
    corpus = with_reprints(shipped, share=1.0)
    labels = list(corpus.label_set)
    models = {"copies distinct in the fit (duplicate_threshold=None)":
              ArticleClassifier(labels=labels, duplicate_threshold=None),
              "copies left out together in the fit (the default)": ArticleClassifier(labels=labels)}
    return cv(corpus, models, True, groups=corpus.near_duplicate_groups())


def _fmt(cell: dict) -> str:
    return f"{cell['mean']:.3f} ± {cell['sd']:.3f}"


def one_line(raw: str) -> str:
    """The page's text with its line breaks gone (as some extraction tools and copies give it)."""
    return re.sub(r"\s*\n\s*", " ", raw).strip()


def _multilabel_table(title: str, rows: dict) -> list[str]:
    lines = [
        title,
        "",
        "| model | macro-F1 | none/some | subset acc | hard negatives 'none' (40) | "
        "two-label subset (32) | two-label recall | two-label macro-F1 | kind B subset (14) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    keys = ("macro_f1", "none_some", "subset", "hneg_none", "two_label_subset",
            "two_label_recall", "two_label_macro_f1", "kind_b_subset")
    for name, s in rows.items():
        if name != "cpu_seconds":
            lines.append(f"| {name} | " + " | ".join(_fmt(s[k]) for k in keys) + " |")
    return [*lines, ""]


def markdown(results: dict) -> str:
    lines = []
    if "shipped" in results:
        lines += _multilabel_table(
            "## Shipped corpus (217 articles), 5-fold grouped CV x seeds 0, 1, 2", results["shipped"])
    if "loko" in results:
        names = list(next(iter(results["loko"].values())))
        lines += [
            "## Leave-one-kind-out on the hard negatives (share of the held-out kind predicted 'none')",
            "",
            "| kind | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names),
        ]
        for kind, row in results["loko"].items():
            cells = [
                f"{row[n]['none']:.1f}" + (f" ({', '.join(row[n]['fired'])})" if row[n]["fired"] else "")
                for n in names
            ]
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
        means = [loko_mean(results["loko"], n) for n in names]
        lines.append("| **mean** | " + " | ".join(f"**{m:.3f}**" for m in means) + " |")
        lines.append("")
    if "10kgnad" in results:
        lines += ["## 10kGNAD (721 articles, 9 classes), 5-fold grouped CV x seeds 0, 1, 2", "",
                  "| model | macro-F1 | accuracy |", "|---|---|---|"]
        for name, s in results["10kgnad"].items():
            if name != "cpu_seconds":
                lines.append(f"| {name} | {_fmt(s['macro_f1'])} | {_fmt(s['accuracy'])} |")
        lines.append("")
    if "pages" in results:
        pages = results["pages"]
        names = list(next(iter(pages["layouts"].values())))
        lines += [f"## Pages: {pages['pages']} unrelated 10kGNAD articles among headlines of "
                  f"on-topic articles (share predicted 'none'; {pages['headlines']} headlines)", "",
                  "| layout | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for layout, row in pages["layouts"].items():
            lines.append(f"| {layout} | " + " | ".join(f"{row[n]:.3f}" for n in names) + " |")
        lines.append("")
    if "leads" in results:
        leads = results["leads"]
        names = [n for n in leads if n != "pages"]
        lines += ["## Leads: an on-topic first sentence (paragraph) before an unrelated 10kGNAD "
                  f"article (out of fold, 5 x 3; {leads['pages']} pages each)", "",
                  "| model | first sentence: its label | no label | first paragraph: its label | "
                  "no label |", "|---|---|---|---|---|"]
        for name in names:
            b, a = leads[name]["sentence"], leads[name]["paragraph"]
            lines.append(f"| {name} | {b['label']:.3f} | {b['none']:.3f} | {a['label']:.3f} | "
                         f"{a['none']:.3f} |")
        lines.append("")
    if "one_line" in results:
        lines += _multilabel_table(
            "## Pages without line breaks: the same CV, each test article's text as one line",
            results["one_line"])
    if "short" in results:
        lines += _multilabel_table(
            "## Short inputs: the same CV, each test article's first sentence alone (scored "
            "against the article's labels)", results["short"])
    if "reprints" in results:
        r, shipped = results["reprints"], results.get("shipped", {})
        lines += [f"## Reprints: {r['n_reprints']} articles twice ({r['n_articles']} in all; "
                  "a later paragraph dropped at 15 %), 5 x 3 CV", "",
                  f"Near-duplicates found (word 5-gram Jaccard >= 0.5): {r['found']} of "
                  f"{r['n_reprints']} reprints.", "",
                  "| model | folds | macro-F1 | none/some |", "|---|---|---|---|"]
        for name in r["grouped"]:
            if name == "cpu_seconds":
                continue
            rows = [("shipped corpus alone", shipped.get(name)),
                    ("copies ignored: a reprint can train its test article", r["ungrouped"][name]),
                    ("copies kept with their original (the package's CV)", r["grouped"][name])]
            for label, cell in rows:
                if cell:
                    lines.append(f"| {name} | {label} | {_fmt(cell['macro_f1'])} | "
                                 f"{_fmt(cell['none_some'])} |")
        lines += ["", "Every shipped article twice, the package's folds: ArticleClassifier's own fit "
                  "with the copies in its training folds", "", "| fit | macro-F1 | none/some |",
                  "|---|---|---|"]
        for name, cell in r["all_twice"].items():
            if name != "cpu_seconds":
                lines.append(f"| {name} | {_fmt(cell['macro_f1'])} | {_fmt(cell['none_some'])} |")
        lines.append("")
    if "candidates" in results:
        lines += ["## Candidates: the default, and one setting changed at a time (5 x 3 grouped CV)", "",
                  "| candidate | shipped macro-F1 | none/some | hard negatives 'none' | "
                  "leave-one-kind-out 'none' | two-label recall | 10kGNAD macro-F1 |",
                  "|---|---|---|---|---|---|---|"]
        for name, row in results["candidates"].items():
            s, g = row["shipped"], row.get("10kgnad")
            gnad = _fmt(g["macro_f1"]) if g else "–"
            lines.append(f"| {name} | {_fmt(s['macro_f1'])} | {_fmt(s['none_some'])} | "
                         f"{_fmt(s['hneg_none'])} | {row['loko']:.3f} | "
                         f"{_fmt(s['two_label_recall'])} | {gnad} |")
        lines.append("")
    return "\n".join(lines)


def screen_candidates(shipped, gnad, out: Path) -> None:
    """Every candidate, 5 x 3 on both corpora -> candidates.json/.md, stamped with the commit."""
    from common import git_state

    results = {"git": git_state(), "candidates": {}}
    for name, extra in CANDIDATES.items():
        row = {"shipped": cv(shipped, _models(shipped, True, extra), True)["ArticleClassifier"]}
        row["loko"] = loko_mean(leave_one_kind_out(shipped, extra), "ArticleClassifier")
        if gnad is not None:
            row["10kgnad"] = cv(gnad, _models(gnad, False, extra), False)["ArticleClassifier"]
        results["candidates"][name] = row
        print(name, json.dumps({k: round(v["mean"], 3) for k, v in row["shipped"].items()}),
              f"loko {row['loko']:.3f}", flush=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "candidates.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    state = results["git"]
    header = (f"Made by `benchmarks/classifier_stress.py --candidates` at commit {state['commit']}"
              f"{' (uncommitted changes!)' if state['dirty'] else ' (clean tree)'}.\n\n")
    (out / "candidates.md").write_text(header + markdown(results), encoding="utf-8")
    print(markdown(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+",
                        choices=("shipped", "loko", "10kgnad", "pages", "leads", "one_line",
                                 "short", "reprints"),
                        default=None)
    parser.add_argument("--candidates", action="store_true",
                        help="screen the candidates alone (candidates.md/.json)")
    parser.add_argument("--out", default=str(OUT), help="where stress.md/.json go")
    args = parser.parse_args()
    out = Path(args.out)
    shipped = topics.load_corpus()
    gnad = None
    if GNAD.exists():
        gnad = topics.load_corpus(GNAD, **GNAD_OPTIONS)
    if args.candidates:
        screen_candidates(shipped, gnad, out)
        return
    parts = args.only or ["shipped", "loko", "10kgnad", "pages", "leads", "one_line", "short",
                          "reprints"]
    path = out / "stress.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    if "shipped" in parts:
        results["shipped"] = cv(shipped, _models(shipped, True), True)
    if "loko" in parts:
        results["loko"] = leave_one_kind_out(shipped)
    if "10kgnad" in parts and gnad is not None:
        results["10kgnad"] = cv(gnad, _models(gnad, False), False)
    if "pages" in parts and gnad is not None:
        results["pages"] = page_layouts(shipped, gnad)
    if "leads" in parts and gnad is not None:
        results["leads"] = lead_sentences(shipped, gnad)
    if "one_line" in parts:
        results["one_line"] = cv(shipped, _models(shipped, True), True, page=one_line)
    if "short" in parts:
        results["short"] = cv(shipped, _models(shipped, True), True, page=first_sentence)
    if "reprints" in parts:
        results["reprints"] = reprints(shipped)
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (out / "stress.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
