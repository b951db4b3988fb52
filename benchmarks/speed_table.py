"""The README's speed table, from the committed benchmark results (``benchmarks/results/*.json``).

    uv run python benchmarks/speed_table.py          # rewrite the table in README.md
    uv run python benchmarks/speed_table.py --check  # exit 1 if README.md differs from the results

Each row comes from the newest full (not ``--quick``) run that has its section, so a run of some
benchmarks only (``benchmarks/run.py --only scale``) updates those rows and keeps the others. The
issue-12 targets are stated next to the figures, with whether they are met and by how much a
figure misses. Numbers come only from the result files; a section never measured says so.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ARTICLES_PER_FILE

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
README = HERE.parent / "README.md"
BEGIN, END = "<!-- speed table: begin -->", "<!-- speed table: end -->"
SECTION_NAMES = ("startup", "analysis", "classifier", "topic_models", "topic_scale", "topic_stream",
                 "scale", "duplicates")

Row = tuple[str, str, str, str, str]  # what, figure, peer (same run), target, status


def load_results(folder: Path = RESULTS) -> list[dict]:
    """Every result file, oldest first."""
    runs = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["file"] = path.name
        runs.append(data)
    return sorted(runs, key=lambda r: (r["machine"]["date"], _sequence(r["file"])))


def _sequence(file: str) -> int:
    """2 for ``<date>-2.json`` (a second run in the same minute, see run.py), 1 for the first."""
    last = Path(file).stem.rsplit("-", 1)[-1]
    return int(last) if last.isdigit() else 1


def _measured(run: dict, name: str) -> dict | None:
    """Figures of section ``name`` in a full run that measured it (not quick, failed, skipped)."""
    figures = run.get("sections", {}).get(name)
    if run.get("quick") or not figures or "error" in figures or "skipped" in figures:
        return None
    return figures


def latest_sections(runs: list[dict]) -> dict[str, tuple[dict, dict]]:
    """section -> (its figures, the run they come from): the newest full run that has it."""
    found: dict[str, tuple[dict, dict]] = {}
    for run in runs:
        for name in run.get("sections", {}):
            figures = _measured(run, name)
            if figures is not None:
                found[name] = (figures, run)
    return found


def topic_scale_by_family(runs: list[dict]) -> tuple[dict, list[dict]]:
    """``topic_scale`` with each family x unit kind from the newest full run that measured it.

    A rerun of one family (``bench_topic_scale.py --models nmf``, after a change to NMF) replaces
    that family's rows and growth only; streamed rows come from the newest of these runs. Returns
    the merged figures (each row and growth entry names its run in ``"run"``) and the runs they
    come from, oldest first.
    """
    newest: dict[tuple[str, str], dict] = {}
    for run in runs:
        figures = _measured(run, "topic_scale") or {}
        for row in figures.get("rows", []):
            if row["route"] == "in memory":
                newest[row["model"], row["unit"]] = run
    latest = max(newest.values(), key=runs.index, default=None)
    rows: list[dict] = []
    growth: list[dict] = []
    used: list[dict] = []
    for run in runs:
        families = {key for key, source in newest.items() if source is run}
        if not families:
            continue
        used.append(run)
        figures = run["sections"]["topic_scale"]
        for r in figures.get("rows", []):
            in_memory = r["route"] == "in memory"
            if (r["model"], r["unit"]) in families if in_memory else run is latest:
                rows.append({**r, "run": run["file"]})
        growth += [{**g, "run": run["file"]} for g in figures.get("growth", [])
                   if (g["model"], g["unit"]) in families]
    return {"rows": rows, "growth": growth}, used


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _cpu(value: float) -> str:
    """CPU seconds: one decimal, two below 1 s (a fit of 0.046 CPU-s does not read as 0.0)."""
    return f"{value:,.2f}" if value < 1 else f"{value:,.1f}"


def _times(ours: float, peer: float) -> str:
    """The ratio ours/peer, or a dash when the peer's figure is 0 (rounded away, or not run)."""
    return f"{ours / peer:.2f}x" if peer else "—"


def _at_least(value: float, target: float) -> str:
    if value >= target:
        return f"**met** ({value / target:.2f}x the target)"
    short = f"{target / value:.2f}x short" if value > 0 else "nothing measured"
    return f"**missed**: {value / target:.0%} of the target ({short})"


def _at_most(value: float, target: float, unit: str = "") -> str:
    if value <= target:
        return f"**met** ({value:.2f}{unit} <= {target:g}{unit})"
    return f"**missed**: {value:.2f}{unit}, {value / target:.1f}x the limit"


def _startup(s: dict) -> list[Row]:
    rows = []
    for case, f in s.get("cases", {}).items():
        rows.append((
            f"{case}, fresh process",
            f"{f['cpu_s']:.2f} CPU-s",
            f"without bytecode {f['no_bytecode_cpu_s']:.2f} CPU-s ({f['ratio_to_no_bytecode']:.2f}x)",
            "no compile cost in a fresh process",
            _compile_status(f),
        ))
    return rows


def _compile_status(f: dict) -> str:
    """Met when the process compiled no module from source (counted since 2026-12-06)."""
    if "compiled_modules" not in f:
        return ("not checked: modules compiled from source not counted, and the peer kept the "
                "package's own bytecode (run before 2026-12-06)")
    n, of = f["compiled_modules"], f["no_bytecode_compiled_modules"]
    if n == 0:
        return f"**met**: no module compiled from source ({of:,} without bytecode)"
    packages = ", ".join(f"{name} {count}" for name, count in f["compiled_packages"].items())
    return f"**missed**: {n:,} of {of:,} modules compiled from source ({packages})"


#: The status of a target measured without 10kGNAD (the benchmark says so when it runs)
NOT_COMPARABLE = "not comparable (the shipped corpus, not 10kGNAD): "


def _analysis(s: dict) -> list[Row]:
    rows: list[Row] = []
    corpus = f"{s.get('articles', '?')} {s.get('corpus', '10kGNAD')} articles"
    caveat = NOT_COMPARABLE if s.get("corpus") == "shipped" else ""
    t = s.get("throughput")
    if t:
        speed = t["clean+cold_tok_per_cpu_s"]
        peer = t.get("simplemma_tok_per_cpu_s")
        rows.append((
            f"cleaning + analysis of unseen text, {corpus}, tables loaded",
            f"{_n(speed)} tokens/CPU-s",
            f"simplemma tokenize+lemmatize {_n(peer)} tokens/CPU-s ({speed / peer:.2f}x)"
            if peer else "—",
            ">= 300,000 tokens/CPU-s",
            caveat + _at_least(speed, 300_000),
        ))
        rows.append((
            "analysis, word types cached / cleaning alone",
            f"{_n(t['warm types_tok_per_cpu_s'])} / {_n(t['clean_tok_per_cpu_s'])} tokens/CPU-s",
            "—", "—", "—",
        ))
    p = s.get("process")
    if p:
        rows.append((
            f"cold whole process, {corpus} (import, tables, cleaning, analysis)",
            f"{p['cold_process_cpu_s']:.2f} CPU-s, {_n(p['cold_process_rss_mb'])} MB",
            f"simplemma {p['simplemma_process_cpu_s']:.2f} CPU-s, "
            f"{_n(p['simplemma_process_rss_mb'])} MB",
            "<= 1.5x simplemma",
            caveat + _at_most(p["cold_process_ratio"], 1.5, "x"),
        ))
    tb = s.get("tables")
    if tb:
        rows.append((
            "German tables opened in a fresh process",
            f"{tb['tables_cpu_s']:.2f} CPU-s, {_n(tb['tables_rss_mb'])} MB",
            f"simplemma + split-words data {tb['libraries_cpu_s']:.2f} CPU-s, "
            f"{_n(tb['libraries_rss_mb'])} MB",
            "well under 1 s, a fraction of the memory",
            _at_most(tb["tables_cpu_s"], 1.0, " s"),
        ))
    return rows


def _classifier_predict(s: dict) -> list[Row]:
    p = s.get("predict")
    if not p:
        return []
    ours, peer = p["articles_per_cpu_s"], p["peer_articles_per_cpu_s"]
    status = _at_least(ours, 1000)
    if s.get("corpus", "").startswith("shipped"):  # the model's own training texts
        status = NOT_COMPARABLE.replace("):", "; the model's training texts):") + status
    status += "; >= the peer: " + ("**met**" if ours >= peer else f"**missed** ({ours / peer:.2f}x)")
    rows = [(
        f"classifier batch prediction, {p['articles']} {s.get('corpus', '')} articles (raw text, "
        "cleaning included)",
        f"{_n(ours)} articles/CPU-s",
        f"TF-IDF + LinearSVC {_n(peer)} articles/CPU-s ({ours / peer:.2f}x)",
        ">= 1,000 articles/CPU-s and >= the peer",
        status,
    )]
    if "reading_share_of_peer" in p:  # runs since 2026-12-07T21Z
        reading = p["cleaning_cpu_s"] + p["tokenising_cpu_s"]
        rows.append((
            "the same batch read alone, before any feature is counted: pages as prose paragraphs "
            "(cleaning, pieces), then tokens",
            f"{_n(p['articles'] / reading)} articles/CPU-s ({p['cleaning_cpu_s']:.3f} + "
            f"{p['tokenising_cpu_s']:.3f} CPU-s)",
            f"the peer's whole prediction, which reads no page: {p['peer_cpu_s']:.3f} CPU-s "
            f"(reading alone {p['reading_share_of_peer']:.2f}x of it)",
            "—",
            "the floor under >= the peer",
        ))
    return rows


def _classifier_file(s: dict) -> list[Row]:
    f = s.get("file")
    if not f:
        return []
    return [(
        f"classifier on a corpus file: {_n(f['articles'])} synthetic articles, JSON Lines in and "
        "out (read, checked, cleaned once, written in chunks)",
        f"{_n(f['articles_per_cpu_s'])} articles/CPU-s, {_n(f['peak_mb'])} MB",
        f"the same texts in memory, predict_proba: {_n(f['memory_articles_per_cpu_s'])} "
        f"articles/CPU-s ({f['ratio_to_memory']:.2f}x)",
        "in chunks of <= 512 texts (tested)", "—",
    )]


def _classifier_fit(s: dict) -> list[Row]:
    rows: list[Row] = []
    f = s.get("fit")
    if f:
        rows.append((
            f"classifier fit, one training fold of the shipped corpus ({f['articles']} articles)",
            f"{f['cpu_s']:.2f} CPU-s",
            f"TF-IDF + LinearSVC {f['peer_cpu_s']:.2f} CPU-s ({f['ratio_to_peer']:.1f}x)",
            "<= 5x the peer",
            _at_most(f["ratio_to_peer"], 5, "x"),
        ))
        if "algebra_ratio_to_peer" in f:  # runs since 2026-12-07T21Z
            rows.append((
                "of that fit: the algebra of its exact out-of-article scores (the Gram matrix of "
                "the training rows, its Cholesky factor and inverse)",
                f"{f['gram_cpu_s']:.3f} + {f['factor_cpu_s']:.3f} CPU-s",
                f"the peer's whole fit: {f['peer_cpu_s']:.3f} CPU-s (those two alone "
                f"{f['algebra_ratio_to_peer']:.1f}x of it)",
                "—",
                "the floor under <= 5x the peer",
            ))
    big = s.get("large")
    if big:
        rows.append((
            f"classifier fit, {_n(big['articles'])} synthetic 10kGNAD-derived articles "
            f"({big['solver']} solver)",
            f"{big['cpu_s']:.1f} CPU-s, {_n(big['peak_mb'])} MB",
            "—", "—", "—",
        ))
    return rows


def _classifier_startup_cv(s: dict) -> list[Row]:
    rows: list[Row] = []
    load = s.get("load")
    if load:
        rows.append((
            "load_classifier() + first prediction after import topics (every module's bytecode "
            "cached)",
            f"{load['cpu_s']:.2f} CPU-s" + (f" ({load['environment_cpu_s']:.2f} in the environment "
                                            "as configured)" if "environment_cpu_s" in load else ""),
            "—", "<= 0.3 CPU-s",
            _at_most(load["cpu_s"], 0.3, " CPU-s"),
        ))
    cv = s.get("main_job_cv")
    if cv:
        rows.append((
            "main job's grouped cross-validation (5 folds x 1 seed, both peers), imports done",
            f"{cv['cpu_s']:.1f} CPU-s",
            "—", "<= 15 CPU-s",
            _at_most(cv["cpu_s"], 15, " CPU-s"),
        ))
    dask = s.get("cluster_cv")
    if dask:
        rows.append(_two_workers(
            f"classifier cross-validation on a Dask LocalCluster, {_n(dask['articles'])} articles"
            f" ({dask['fits']} fits): 2 workers", dask,
            "same report as one process (tested); scaling measured",
        ))
    return rows


def _small_files(f: dict) -> str:
    """The same articles as a folder of small .jsonl files (measured since 2026-12-05T06Z)."""
    if "small files" not in f["wall_s"]:
        return ""
    return (f"; as {_files(f)}: {f['wall_s']['small files']:.1f} s wall, client "
            f"{f['client_cpu_s']['small files']:.2f} CPU-s")


def _files(f: dict) -> str:
    """The folder of small .jsonl files the benchmarks make of ``f['articles']`` articles."""
    return (f"{f['articles'] // ARTICLES_PER_FILE:,} .jsonl files of {ARTICLES_PER_FILE} "
            "articles")


def _classifier_cluster_file(s: dict) -> list[Row]:
    f = s.get("cluster_file")
    if not f:
        return []
    own, theirs, wall = f["client_cpu_s"], f["workers_cpu_s"], f["wall_s"]
    reads, workers = "client reads", "workers read"
    return [(
        f"topics classify on a Dask LocalCluster of 2 workers, {_n(f['articles'])} synthetic "
        "articles, JSON Lines in and out: client CPU when the workers read the file",
        f"{own[workers]:.2f} CPU-s ({wall[workers]:.1f} s wall; one client per "
        f"~{theirs[workers] / own[workers]:.0f} workers)",
        f"the client reads it: {own[reads]:.2f} CPU-s ({wall[reads]:.1f} s wall; one client per "
        f"~{theirs[reads] / own[reads]:.0f} workers); workers {theirs[workers]:.1f} / "
        f"{theirs[reads]:.1f} CPU-s" + _small_files(f),
        "same labels file either way (tested" + (", and checked here)" if f["same_output"] else ")"),
        f"load average {f['load_average_at_start'][0]:.1f} on {{cores}} cores",
    )]


def _workers_read(d: dict) -> str:
    """The client's own CPU when it reads the corpus and when the workers read it."""
    own, cpu = d["client_cpu_s"], d["cpu_s"]
    reads, theirs = "2 workers", "2 workers, workers read"
    text = (f"; client CPU {own[reads]:.2f} s when it reads the file, {own[theirs]:.2f} s when "
            f"the workers read it ({d['wall_s'][theirs]:.1f} s wall; one client per "
            f"~{(cpu[reads] - own[reads]) / own[reads]:.0f} / "
            f"~{(cpu[theirs] - own[theirs]) / own[theirs]:.0f} workers)")
    for kind, what in (("a folder", "as a folder of .txt files"),
                       ("small .jsonl files", f"as {_files(d)}"),
                       ("CSV", "as a CSV file"), ("Parquet", "as a Parquet file")):
        mine, theirs = f"2 workers, {kind}", f"2 workers, {kind}, workers read"
        if mine in own:  # a folder since 2026-12-04T21Z, CSV and Parquet since 2026-12-05,
            # small .jsonl files since 2026-12-05T06Z
            text += (f"; {what}: client CPU {own[mine]:.2f} s / {own[theirs]:.2f} s "
                     f"({d['wall_s'][mine]:.1f} / {d['wall_s'][theirs]:.1f} s wall)")
    return text


def _two_workers(what: str, d: dict, promise: str) -> Row:
    """The row of fits on a LocalCluster of 2 workers against one process (same figures)."""
    return (
        what,
        f"{d['wall_s_2_workers']:.1f} s wall: {d['speedup']:.2f}x",
        f"one process: {d['wall_s_here']:.1f} s; CPU of client + 2 workers "
        f"{d['cpu_2_workers_to_here']:.2f}x one process",
        promise,
        f"load average {d['load_average_at_start'][0]:.1f} on {{cores}} cores",
    )


def _classifier(s: dict) -> list[Row]:
    """Prediction and fit against the peer measured in the same run; load; the main job's CV."""
    return (_classifier_predict(s) + _classifier_file(s) + _classifier_fit(s)
            + _classifier_startup_cv(s) + _classifier_cluster_file(s))


def _corpus_label(row: dict) -> str:
    name = row["corpus"]
    if name.startswith("synthetic"):
        return f"{_n(row['units'])} synthetic 10kGNAD-derived {row['unit']}s"
    return f"{_n(row['units'])} {'10kGNAD' if name == '10kgnad' else name} {row['unit']}s"


def _topic_models(s: dict) -> list[Row]:
    """Warm fit CPU-s of our families per corpus size, with the peer fitted in the same run."""
    rows: list[Row] = []
    for row in s.get("rows", []):
        if row.get("model", "").endswith("_default"):
            continue
        if "error" in row:  # a family that failed says so, and does not vanish from the table
            rows.append((f"topic model {row['model']} fit, {row['corpus']}",
                         f"**failed**: {row['error']}", "—",
                         "— (targets at scale: the topic-model scale rows)", "—"))
            continue
        peer = (f"{row['peer']} {_cpu(row['peer_warm_fit_cpu_s'])} CPU-s "
                f"({row['warm_fit_ratio_to_peer']:.2f}x)" if "peer" in row
                else f"**failed**: {row['peer_error']}" if "peer_error" in row else "no peer")
        rows.append((
            f"topic model {row['model']} fit, {_corpus_label(row)}",
            f"{_cpu(row['warm_fit_cpu_s'])} CPU-s (first fit {_cpu(row['first_fit_cpu_s'])}"
            f"{' in a fresh process' if row.get('fresh_process') else ''}), "
            f"{_n(row['peak_mb'])} MB, {row['topics']} topics",
            peer, "— (targets at scale: the topic-model scale rows)", "—",
        ))
    return rows


def _size(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else _n(n)


def _quality(r: dict) -> str:
    nmi = f", NMI {r['nmi']:.2f}" if r.get("nmi") is not None else ""
    return (f"{r['topics']} topics, NPMI {r['npmi']:.3f}, diversity {r['diversity']:.2f}{nmi}, "
            f"largest {r['largest_topic_share']:.0%}, outliers {r['outlier_share']:.0%}")


def _scale_size(r: dict) -> str:
    """One size of one family: cost and quality, or why it was not fitted."""
    if "fit_cpu_s" not in r:
        return f"{_size(r['units'])}: {r.get('skipped') or 'not fitted: ' + r.get('error', '?')}"
    return (f"{_size(r['units'])}: {_cpu(r['fit_cpu_s'])} CPU-s, {_n(r['peak_mb'])} MB, "
            f"{_quality(r)}")


def _growth_status(g: dict | None, rows: list[dict]) -> str:
    if not g:
        return "growth: fewer than 2 sizes fitted"
    span = f"{_size(g['sizes'][0])}-{_size(g['sizes'][-1])}"
    if g["exponent"] <= g["nlogn_exponent"]:
        return f"growth **met**: n^{g['exponent']:.2f} over {span} (n log n: n^{g['nlogn_exponent']:.2f})"
    return (f"growth **missed**: n^{g['exponent']:.2f} over {span}, n log n gives "
            f"n^{g['nlogn_exponent']:.2f}{_per_topic(g, rows)}")


def _per_topic(g: dict, rows: list[dict]) -> str:
    """The growth of the fit's CPU per topic, when the auto number of topics grew over the span:
    a fit's cost grows with k too (LDA's Gibbs sweep is O(tokens x k)), and k grows with n."""
    topics = g.get("topics") or []
    if len(set(topics)) < 2:
        return ""
    fitted = {r["units"]: r for r in rows if "fit_cpu_s" in r}
    xs = [math.log(n) for n in g["sizes"]]
    ys = [math.log(fitted[n]["fit_cpu_s"] / fitted[n]["topics"]) for n in g["sizes"]]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    per_topic = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)
    return (f"; the auto k grows with n ({topics[0]} -> {topics[-1]} topics): CPU per topic "
            f"n^{per_topic:.2f}")


def _bertopic_target(rows: list[dict]) -> str:
    """BERTopic on 20k paragraphs: fit_topic_model (fit + evaluation) < 5 min, peak < 4 GiB."""
    r = next((r for r in rows if r["units"] == 20000 and "fit_cpu_s" in r), None)
    if r is None:
        return "20k paragraphs: **missed** (not fitted)"
    cpu = r["fit_cpu_s"] + (r.get("evaluate_cpu_s") or 0)
    return (f"20k paragraphs, fit + evaluation (C_v left out) {cpu:.0f} CPU-s: "
            f"{_at_most(cpu / 60, 5, ' min')}; peak: {_at_most(r['peak_mb'] / 1024, 4, ' GiB')}")


def _scale_peer(rows: list[dict]) -> str:
    with_peer = [r for r in rows if "peer" in r]
    if not with_peer:
        return "no peer"
    return "; ".join(f"{_size(r['units'])}: {r['peer']} {_cpu(r['peer_fit_cpu_s'])} CPU-s, "
                     f"{_n(r['peer_peak_mb'])} MB, {r['peer_topics']} topics, NMI "
                     f"{r['peer_nmi']:.2f} ({r['ratio_to_peer']:.2f}x)" for r in with_peer)


def _topic_scale(s: dict) -> list[Row]:
    """Our families from 1k to 100k units of each kind; the streamed NMF where a fit is too big."""
    out: list[Row] = []
    rows = s.get("rows", [])
    for kind in ("paragraph", "article"):
        for model in ("bertopic", "lda", "nmf"):
            mine = [r for r in rows if r["model"] == model and r["unit"] == kind
                    and r["route"] == "in memory"]
            if not mine:
                continue
            growth = next((g for g in s.get("growth", []) if g["model"] == model
                           and g["unit"] == kind), None)
            target, status = "growth <= n log n", _growth_status(growth, mine)
            if model == "bertopic" and kind == "paragraph":
                target = "20k paragraphs < 5 min and < 4 GiB; growth <= n log n"
                status = _bertopic_target(mine) + "; " + status
            source = f", `{mine[0]['run']}`" if len({r.get("run") for r in rows}) > 1 else ""
            out.append((
                f"topic model {model} at scale, perturbed 10kGNAD {kind}s "
                f"({' / '.join(_size(r['units']) for r in mine)}{source})",
                "<br>".join(_scale_size(r) for r in mine),
                _scale_peer(mine), target, status,
            ))
        out.extend(_streamed_row(r, rows) for r in rows
                   if r["unit"] == kind and r["route"] == "streamed")
    return out


def _topic_stream(s: dict) -> list[Row]:
    """The streamed NMF at the largest size of each unit kind (``--stream-only``)."""
    return [_streamed_row(r, []) for r in s.get("rows", []) if r["route"] == "streamed"]


def _streamed_row(r: dict, rows: list[dict]) -> Row:
    """The streamed NMF at one size, standing in for our families not fitted in memory there."""
    sample = (" (metrics on every unit)" if r.get("scored_all")
              else f" (metrics on a sample of {_n(r['sample_units'])})" if r.get("sample_units")
              else "")
    unfitted = ", ".join(
        m["model"] for m in rows
        if m["unit"] == r["unit"] and m["units"] == r["units"] and m["route"] == "in memory"
        and "fit_cpu_s" not in m and not m["model"].endswith("_default")
    )
    measured = "measured" if "fit_cpu_s" in r else "**not measured**"
    standing_in = f" for {unfitted} (not fitted in memory)" if unfitted else ""
    return (
        f"topic model nmf streamed (`fit_streaming_nmf`, k={r.get('k', '?')}), "
        f"{_n(r['units'])} perturbed 10kGNAD {r['unit']}s",
        _scale_size(r).split(": ", 1)[1] + sample,
        "—", "a fit at 100k on 2 cores",
        measured + standing_in,
    )


def _scale(s: dict) -> list[Row]:
    rows: list[Row] = []
    for key, label in (("stream", "perturbed copies"), ("vocabulary", "growing vocabulary")):
        st = s.get(key)
        if not st:
            continue
        marks = {int(k): v for k, v in st["marks"].items()}
        sizes = sorted(marks)
        rows.append((
            f"streamed analysis ({label}): chunk throughput at "
            + " / ".join(f"{n // 1000}k" for n in sizes) + " articles",
            " / ".join(_n(marks[n]["chunk_tok_per_cpu_s"]) for n in sizes) + " tokens/CPU-s",
            "—",
            "flat from 1k to 100k" + (f" (measured to {sizes[-1] // 1000}k)"
                                      if sizes[-1] < 100_000 else "")
            + ": met at >= 0.9x",
            f"{'**met**' if st['last_to_early_chunks'] >= 0.9 else '**missed**'}: last 10 % of "
            f"chunks at {st['last_to_early_chunks']:.2f}x the early ones"
            + (f" (median of {len(st['last_to_early_chunks_runs'])} runs: "
               + ", ".join(f"{r:.2f}" for r in st["last_to_early_chunks_runs"]) + ")"
               if len(st.get("last_to_early_chunks_runs", [])) > 1 else ""),
        ))
        first, last = marks[sizes[0]]["peak_rss_mb"], marks[sizes[-1]]["peak_rss_mb"]
        mid = marks[sizes[-2]]["peak_rss_mb"] if len(sizes) > 1 else first
        rows.append((
            f"streamed analysis ({label}): peak memory at "
            + " / ".join(f"{n // 1000}k" for n in sizes) + " articles",
            " / ".join(_n(marks[n]["peak_rss_mb"]) for n in sizes) + " MB",
            "—",
            "bounded, independent of the corpus size: met when the last step adds < 25 %",
            f"{'**met**' if last - mid < 0.25 * mid else '**missed**'}: "
            f"+{last - mid:.0f} MB over the last {(sizes[-1] - sizes[-2]) // 1000 if len(sizes) > 1 else 0}k articles",
        ))
    d = s.get("dask")
    if d:
        w = d["wall_s"]
        rows.append((
            f"Dask LocalCluster, {_n(d['articles'])} articles: 1 -> 2 workers",
            f"{w['1 worker']:.1f} s -> {w['2 workers']:.1f} s wall: {d['speedup_2_vs_1']:.2f}x",
            f"one process, no Dask: {w['here']:.1f} s"
            + (f"; CPU of client + 2 workers {d['cpu_2_workers_to_here']:.2f}x one process"
               if "cpu_2_workers_to_here" in d else "")
            + (_workers_read(d) if "client_cpu_s" in d else ""),
            "same output as one process (tested); scaling measured",
            f"load average {d['load_average_at_start'][0]:.1f} on {{cores}} cores",
        ))
    seeds = s.get("seeds")
    if seeds:
        rows.append(_two_workers(
            f"a run's topic-model seeds on a Dask LocalCluster (NMF and LDA, {seeds['fits']} fits"
            f" of {_n(seeds['articles'])} articles): 2 workers", seeds,
            "same assignments and metrics as one process (checked, and tested); scaling measured",
        ))
    return rows


def _duplicates_ratio(r: dict) -> str:
    """Ours/peer CPU from the unrounded figures (since 2026-12-06), else from the rounded ones."""
    if "ratio_to_peer" in r:
        return f"{r['ratio_to_peer']:.2f}x" if r["ratio_to_peer"] is not None else "—"
    return _times(r["cpu_s"], r["peer_cpu_s"])


def _duplicates(s: dict) -> list[Row]:
    rows = s["sizes"]
    sizes = " / ".join(_size(r["n"]) for r in rows)
    figure = "<br>".join(f"{_size(r['n'])}: {_cpu(r['cpu_s'])} CPU-s, +{_n(r['added_mb'])} MB, "
                         f"{_n(r['groups'])} groups" for r in rows)
    compared = [r for r in rows if "peer_cpu_s" in r]
    peer = "<br>".join(
        f"{_size(r['n'])}: exact all pairs {_cpu(r['peer_cpu_s'])} CPU-s, "
        f"+{_n(r['peer_added_mb'])} MB ({_duplicates_ratio(r)}); the same group for "
        f"{r['same_groups']:.1%} of the "
        "texts" for r in compared) or "—"
    return [(f"near-duplicate groups, perturbed {s['corpus']} copies ({sizes} texts)", figure, peer,
             "— (archives: grows with the texts, not their square)", _duplicates_growth(rows))]


def _duplicates_growth(rows: list[dict]) -> str:
    """How the CPU grows over the two largest sizes, ours and the exact peer's (a status that is
    measured, where it read a constant "measured")."""
    def exponent(key: str) -> tuple[float, int, int] | None:
        points = [(r["n"], r[key]) for r in rows if r.get(key)]
        if len(points) < 2:
            return None
        (n1, c1), (n2, c2) = points[-2:]
        return math.log(c2 / c1) / math.log(n2 / n1), n1, n2

    ours, peer = exponent("cpu_s"), exponent("peer_cpu_s")
    if ours is None:
        return "one size measured: no growth"
    text = f"CPU grows as n^{ours[0]:.2f} from {_size(ours[1])} to {_size(ours[2])} texts"
    return text + (f" (exact all pairs: n^{peer[0]:.2f})" if peer else "")


BUILDERS: dict[str, Callable[[dict], list[Row]]] = {
    "startup": _startup,
    "analysis": _analysis,
    "classifier": _classifier,
    "topic_models": _topic_models,
    "topic_scale": _topic_scale,
    "topic_stream": _topic_stream,
    "scale": _scale,
    "duplicates": _duplicates,
}


def _run_note(run: dict) -> str:
    m = run["machine"]
    return (f"{m['date']}, {m['cpu']}, {m['cores']} cores, load average {m['load_average'][0]:.1f}"
            f" at the start, Python {m['python']}, commit {m.get('git', {}).get('commit', '?')}")


def render_table(runs: list[dict]) -> str:
    """The Markdown table (with a note per source run) for the README."""
    sections = latest_sections(runs)
    lines = ["| what | figure | peer, same run (ours/peer) | target (issue 12) | status |",
             "| --- | --- | --- | --- | --- |"]
    notes: dict[str, str] = {}
    for name in SECTION_NAMES:
        if name not in sections:
            lines.append(f"| {name.replace('_', ' ')} | not measured yet: `make bench` | — | — | — |")
            continue
        figures, run = sections[name]
        if name == "topic_scale":  # each family from the newest run that measured it
            merged, used = topic_scale_by_family(runs)
            if used:
                figures, run = merged, used[-1]
            for source in used[:-1]:
                notes.setdefault(source["file"], _run_note(source))
            if "topic_stream" in sections:  # its streamed rows are older
                figures = {**figures, "rows": [r for r in figures.get("rows", [])
                                               if r["route"] != "streamed"]}
        notes.setdefault(run["file"], _run_note(run))
        for row in BUILDERS[name](figures):
            cells = [c.replace("{cores}", str(run["machine"]["cores"])) for c in row]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for file, note in notes.items():
        lines.append(f"From [`benchmarks/results/{file}`](benchmarks/results/{file}): {note}.")
    return "\n".join(lines)


def render_markdown(results: dict[str, Any]) -> str:
    """The Markdown file written next to one run's JSON: machine, versions, the table."""
    run = {**results, "quick": False, "file": "this run"}
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    return (
        f"# Benchmarks {m['date']}{' (quick)' if results.get('quick') else ''}\n\n"
        f"Machine: {m['cpu']}, {m['cores']} cores, {m.get('memory_gib')} GiB, {m['platform']}; "
        f"load average {m['load_average']} at the start, {results.get('load_average_end')} at the "
        f"end; Python {m['python']}; {versions}; git {m.get('git')}.\n\n"
        + render_table([run]).rsplit("\n\n", 1)[0] + "\n"
    )


def readme_with_table(text: str, runs: list[dict]) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + render_table(runs) + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = readme_with_table(text, load_results())
    if args.check:
        if new != text:
            print("README.md's speed table differs from benchmarks/results; run "
                  "`uv run python benchmarks/speed_table.py`", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"wrote the speed table of {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
