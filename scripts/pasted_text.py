"""How the shipped classifier takes text pasted from other layouts: the figures the README quotes.

    .venv/bin/python scripts/pasted_text.py [--seeds 0 1 2]

For every article of the shipped corpus, and for its lead paragraph alone (a short text, where a
layout's line breaks weigh most), against the same text as cleaning gives it:

* **PDF**: the text as copied from a PDF (:func:`topics.corpus.synthetic.as_pdf_text`: lines of
  60-80 characters, long words split at a line's end with a hyphen, no blank lines), one layout
  per seed: articles whose clean words differ, and whose label sets change;
* **PDF, 10kGNAD**: where ``TOPICS_10KGNAD`` names the 10kGNAD sample (or ``../shared`` holds
  it), the same for its 721 articles (no classifier of its classes: words only);
* **foreign paragraph**: the same news in English, or in Vietnamese, inserted as the second
  paragraph or appended as the last: the largest change of a probability, and label sets changed.

A label set compares the labels, not their order (two labels at probability 1.0 may swap).
"""

from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

import numpy as np

import topics
from topics.corpus.synthetic import as_pdf_text

ENGLISH = ("Vietnam and Laos opened a new international border gate on Monday. The two sides "
           "agreed to maintain the border markers together and to facilitate trade in goods.")
VIETNAMESE = ("Việt Nam và Lào đã khai trương cửa khẩu quốc tế mới vào thứ Hai. Hai bên nhất trí cùng "
              "nhau duy trì các cột mốc biên giới và tạo thuận lợi cho thương mại hàng hóa.")


def changed_sets(before: list[list[str]], after: list[list[str]]) -> int:
    return sum(set(a) != set(b) for a, b in zip(before, after, strict=True))


def pdf_rows(clf, texts: list[str], seeds: list[int]) -> None:
    leads = [topics.split_paragraphs(topics.clean_text(t))[0] for t in texts]
    for name, originals in (("whole articles", texts), ("lead paragraphs", leads)):
        labels = clf.predict(originals)
        for seed in seeds:
            rng = random.Random(seed)
            pasted = [as_pdf_text(t, rng) for t in originals]
            words = sum(topics.clean_text(p).split() != topics.clean_text(t).split()
                        for p, t in zip(pasted, originals, strict=True))
            print(f"PDF, seed {seed}, {name:<16} words differ {words:>3} of {len(texts)}; "
                  f"label sets changed {changed_sets(labels, clf.predict(pasted)):>3}")


def gnad_rows(seeds: list[int]) -> None:
    repo = Path(__file__).resolve().parents[1]
    default = repo.parent / "shared" / "data" / "10kgnad" / "articles.csv"
    path = Path(os.environ.get("TOPICS_10KGNAD", default))
    if not path.exists():
        print(f"PDF, 10kGNAD: {path} not found, skipped")
        return
    texts = topics.load_corpus(path, format="csv", text_column=1, label_column=0, delimiter=";",
                               quotechar="'", header=False).texts
    for seed in seeds:
        rng = random.Random(seed)
        words = sum(topics.clean_text(as_pdf_text(t, rng)).split() != topics.clean_text(t).split()
                    for t in texts)
        print(f"PDF, seed {seed}, 10kGNAD articles  words differ {words:>3} of {len(texts)}")


def foreign_rows(clf, texts: list[str]) -> None:
    probabilities, labels = clf.predict_proba(texts), clf.predict(texts)
    for language, paragraph in (("English", ENGLISH), ("Vietnamese", VIETNAMESE)):
        for where in ("second", "last"):
            pasted = []
            for text in texts:
                paragraphs = text.split("\n\n")
                at = 1 if where == "second" else len(paragraphs)
                pasted.append("\n\n".join(paragraphs[:at] + [paragraph] + paragraphs[at:]))
            shift = float(np.abs(clf.predict_proba(pasted) - probabilities).max())
            print(f"{language} paragraph {where:<6} largest probability change {shift:.3f}; "
                  f"label sets changed {changed_sets(labels, clf.predict(pasted))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    texts = list(topics.load_corpus().texts)
    clf = topics.load_classifier()
    pdf_rows(clf, texts, args.seeds)
    gnad_rows(args.seeds)
    foreign_rows(clf, texts)


if __name__ == "__main__":
    main()
