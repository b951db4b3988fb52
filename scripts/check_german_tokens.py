"""Dump every token the cleaner and the German analyser produce, to check a change keeps them.

    python scripts/check_german_tokens.py dump  before.json.gz   # with the old code
    python scripts/check_german_tokens.py check before.json.gz   # with the new code: exit 1 on a diff

Corpora: the 10kGNAD sample (``TOPICS_10KGNAD``; 721 articles), the shipped corpus (137 articles
and the five seeds), the labelled dev files under ``shared/data/*.jsonl``, and one perturbed copy of
the 10kGNAD sample (sentences shuffled, 10 % dropped; seeded), so that names and sentence starts
meet new neighbours. For each: the clean text of every article, and the tokens of every clean
article and of every paragraph unit (``join_headings``) under eight settings.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = (
    REPO.parent.parent / "shared"
    if (REPO.parent.parent / "shared").exists()
    else REPO.parent / "shared"
)
GNAD = Path(os.environ.get("TOPICS_10KGNAD", SHARED / "data" / "10kgnad" / "articles.csv"))
SETTINGS: dict[str, dict] = {
    "default": {},
    "no_compound": {"keep_compounds": False},
    "cased": {"lowercase": False},
    "no_names": {"join_names": False},
    "no_split": {"split_compounds": False},
    "no_lemma": {"lemmatise": False},
    "numbers": {"keep_numbers": True, "min_token_length": 1},
    "stops": {"extra_stop_words": ["Vietnam", "Regierung", "Phan_Van_Giang"]},
}


def corpora() -> dict[str, list[str]]:
    import topics
    from topics.corpus.synthetic import perturb

    out: dict[str, list[str]] = {}
    if GNAD.exists():
        gnad = topics.load_corpus(
            GNAD, text_column=1, label_column=0, delimiter=";", quotechar="'", header=False
        )
        out["10kgnad"] = list(gnad.texts)
        rng = random.Random(12)
        out["10kgnad_perturbed"] = [perturb(t, rng) for t in gnad.texts]
    out["shipped"] = list(topics.load_corpus().texts)
    for path in sorted((SHARED / "data").glob("*.jsonl")):
        out[path.stem] = list(topics.load_corpus(path).texts)
    return out


def dump() -> dict:
    import topics
    from topics.text.cleaning import clean_article, join_headings

    result: dict = {}
    for name, texts in corpora().items():
        arts = [clean_article(t) for t in texts]
        clean = [a.text for a in arts]
        paras = [p for a in arts for p in join_headings(a.paragraphs)]
        entry = {"clean": clean, "tokens": {}}
        for label, settings in SETTINGS.items():
            entry["tokens"][label] = {
                "articles": [topics.analyse(t, **settings) for t in clean],
                "paragraphs": [topics.analyse(p, **settings) for p in paras],
            }
        result[name] = entry
        print(f"{name}: {len(texts)} articles, {len(paras)} paragraphs", file=sys.stderr)
    return result


def compare(before: dict, after: dict) -> int:
    diffs = 0
    for name, entry in before.items():
        if name not in after:
            print(f"{name}: missing in the new dump")
            diffs += 1
            continue
        for i, (a, b) in enumerate(zip(entry["clean"], after[name]["clean"], strict=True)):
            if a != b:
                diffs += 1
                print(f"{name} clean #{i} differs")
        for label, kinds in entry["tokens"].items():
            for kind, docs in kinds.items():
                new_docs = after[name]["tokens"][label][kind]
                for i, (a, b) in enumerate(zip(docs, new_docs, strict=True)):
                    if a != b:
                        diffs += 1
                        if diffs <= 30:
                            sa, sb = set(a), set(b)
                            print(
                                f"{name} {label} {kind} #{i}: -{sorted(sa - sb)[:8]} +{sorted(sb - sa)[:8]}"
                            )
    n_tokens = sum(
        len(doc)
        for entry in before.values()
        for kinds in entry["tokens"].values()
        for docs in kinds.values()
        for doc in docs
    )
    print(f"{diffs} differences over {n_tokens:,} tokens in {len(before)} corpora")
    return diffs


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"dump", "check"}:
        print(__doc__)
        return 2
    path = Path(argv[1])
    if argv[0] == "dump":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(dump(), fh, ensure_ascii=False)
        return 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        before = json.load(fh)
    return 1 if compare(before, dump()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
