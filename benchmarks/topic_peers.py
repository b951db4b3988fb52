"""The project's default topic models next to two peers, on the shipped corpus and on 10kGNAD.

    uv run python benchmarks/topic_peers.py                 # seeds 0 1 2, both corpora
    uv run python benchmarks/topic_peers.py --seeds 0 --models nmf lda_default
    uv run python benchmarks/topic_peers.py --figures-only     # figures of the default models

Writes one table (Markdown + CSV) to experiments/results/topic_peers/: NPMI, C_v, diversity, outlier
share, NMI/ARI with primary labels, number of topics and fit time, as mean ± sd over the seeds.
10kGNAD is read from $TOPICS_10KGNAD or <repo>/../shared/data/10kgnad/articles.csv and skipped, with
the reason in the table, when absent.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
import warnings
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import pandas as pd

import topics
from topics.topic_models import DEFAULT_MODELS, PEER_MODELS, compare_topic_models

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "experiments" / "results" / "topic_peers"
GOALS = {"npmi": (">=", 0.10), "diversity": (">=", 0.80), "nmi": (">=", 0.60),
         "outlier_share": ("<=", 0.10)}
COLUMNS = ["npmi", "c_v", "diversity", "outlier_share", "nmi", "nmi_placed", "ari", "n_topics",
           "fit_seconds"]


def gnad_path() -> Path:
    """10kGNAD articles, as the project conventions resolve it."""
    default = REPO.parent / "shared" / "data" / "10kgnad" / "articles.csv"
    return Path(os.environ.get("TOPICS_10KGNAD", default))


def corpora() -> list[tuple[str, object | None, str, str]]:
    """(name, corpus or None, unit, note) for both corpora."""
    out: list[tuple[str, object | None, str, str]] = [
        ("shipped (137 articles)", topics.load_corpus(), "paragraph", "")
    ]
    path = gnad_path()
    if path.is_file():
        gnad = topics.load_corpus(path, text_column=1, label_column=0, delimiter=";",
                                  quotechar="'", header=False, name="10kgnad")
        out.append(("10kGNAD (721 articles)", gnad, "article", ""))
    else:
        out.append(("10kGNAD", None, "article", f"skipped: {path} not found (set TOPICS_10KGNAD)"))
    return out


def _cell(row: pd.Series, metric: str, n_seeds: int) -> str:
    mean, sd = row[f"{metric}_mean"], row[f"{metric}_sd"]
    if pd.isna(mean):
        return "–"
    digits = 0 if metric == "n_topics" else (1 if metric == "fit_seconds" else 3)
    text = f"{mean:.{digits}f}" if metric != "outlier_share" else f"{mean:.1%}"
    if n_seeds > 1:
        text += f" ± {sd:.{digits}f}" if metric != "outlier_share" else f" ± {sd:.1%}"
    goal = GOALS.get(metric)
    if goal and ((goal[0] == ">=" and mean >= goal[1]) or (goal[0] == "<=" and mean <= goal[1])):
        text = f"**{text}**"
    return text


def markdown(table: pd.DataFrame, notes: list[str], command: str, seconds: float) -> str:
    """The Markdown report: provenance, goals, one row per corpus × model."""
    header = ["corpus", "unit", "model", *COLUMNS]
    lines = [
        "# Topic models: project defaults vs peers",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; total {seconds:.0f} s on "
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}, bertopic {version('bertopic')}, "
        f"scikit-learn {version('scikit-learn')}, tomotopy {version('tomotopy')}, "
        f"gensim {version('gensim')}.  ",
        "Mean ± sd over seeds. **Bold** = meets the goal (NPMI ≥ 0.10, diversity ≥ 0.80, "
        "NMI ≥ 0.60, outliers ≤ 10 %). NPMI: gensim c_npmi, window 10, top 10 words, over the tokens "
        "the model's words come from (German tokens view for ours, the default CountVectorizer tokens "
        "for the peers); outlier topic -1 left out. NMI/ARI: sklearn, against primary labels, "
        "unlabelled units as class '(none)', outliers as one cluster (nmi_placed: outliers left out, "
        "comparable with the orientation figures). Fit time excludes metrics; the first BERTopic fit "
        "of a process includes numba's JIT (hence its sd).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for _, row in table.iterrows():
        cells = [row["corpus"], row["unit"], row["model"]]
        cells += [_cell(row, m, int(row["n_seeds"])) for m in COLUMNS]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += [""] + [f"- {note}" for note in notes if note]
    return "\n".join(lines) + "\n"


def figures(output: Path, seed: int = 0) -> list[Path]:
    """Standard figures of the default models on the shipped paragraphs, and a topic-number sweep."""
    from topics import plots
    from topics.topic_models import sweep_n_topics

    corpus = topics.load_corpus()
    paths: list[Path] = []
    for model in DEFAULT_MODELS:
        result = topics.fit_topic_model(corpus, model, "paragraph", seed)
        paths += plots.topic_model_figures(result, output)
    sweeps = [sweep_n_topics(corpus, model, (4, 6, 8, 12, 16, 24), "paragraph", seed)
              for model in DEFAULT_MODELS]
    paths.append(plots.save_figure(plots.coherence_by_n_topics(sweeps),
                                   output / "coherence_by_n_topics.png"))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS + PEER_MODELS))
    parser.add_argument("--output", type=Path, default=OUT)
    parser.add_argument("--figures", action="store_true", help="also write figures")
    parser.add_argument("--figures-only", action="store_true", help="only write figures")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    logging.getLogger("BERTopic").setLevel(logging.ERROR)
    if args.figures or args.figures_only:
        for path in figures(args.output / "figures", args.seeds[0]):
            print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        if args.figures_only:
            return 0
    start = time.perf_counter()
    frames, notes = [], []
    for name, corpus, unit, note in corpora():
        if corpus is None:
            notes.append(f"{name}: {note}")
            print(f"{name}: {note}", file=sys.stderr)
            continue
        print(f"{name}: {', '.join(args.models)} on {unit}s, seeds {args.seeds}", file=sys.stderr)
        frame = compare_topic_models(corpus, models=args.models, unit=unit, seeds=args.seeds)
        frame["corpus"] = name
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    args.output.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output / "topic_peers.csv", index=False)
    command = "uv run python benchmarks/topic_peers.py " + " ".join(argv or sys.argv[1:])
    text = markdown(table, notes, command.strip(), time.perf_counter() - start)
    (args.output / "topic_peers.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
