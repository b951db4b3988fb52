"""Near-duplicate detection at archive sizes, against the exact all-pairs Jaccard in the same run.

Run: ``uv run python benchmarks/bench_duplicates.py [--quick] [--json FILE]``

The corpus is synthetic (:mod:`topics.corpus.synthetic`): perturbed copies of the 10kGNAD sample
(the shipped corpus when it is absent), sentences shuffled and 10 % dropped, so every size holds
many near-duplicates of each source article and many pairs near the threshold.

* **ours**: :func:`topics.corpus.duplicates.near_duplicate_groups` (MinHash candidates, each checked
  exactly) at 1,000, 10,000 and 100,000 texts (10,000 at most with ``--quick``), one fresh process
  per size: CPU seconds and the peak memory it adds to the texts it was given (the peak
  resident memory during the call minus the resident memory just before it, the high-water mark
  restarted there: before 2026-12-06 the mark kept the peak of building the texts, raw and clean
  at once, under which the call's own memory partly fitted unseen);
* **peer**: the exact method at every size: the same word 5-gram sets as rows of a
  sparse 0/1 matrix, all pairwise intersections by one sparse product (scipy), Jaccard >= 0.5,
  then connected components. The same groups mean that the candidates missed no pair the exact
  method joins: the figure is the share of texts whose group (as a set of texts) is the same in
  both.

Figures are CPU seconds of the measuring process, one BLAS thread.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import GNAD, GNAD_OPTIONS, PEAK_MB, RESET_PEAK, python_child, write_json  # noqa: E402

SIZES = PEER_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)

_CHILD = PEAK_MB + RESET_PEAK + r"""
import json, sys, time
import numpy as np
import topics
from topics.corpus.synthetic import synthetic_articles
from topics.corpus.duplicates import near_duplicate_groups
path, n, method = sys.argv[1], int(sys.argv[2]), sys.argv[3]
source = topics.load_corpus(path, **json.loads(sys.argv[4])) if path else topics.load_corpus()
texts = [a.text for a in synthetic_articles(list(source), n, seed=0)]
texts = [topics.clean_text(t) for t in texts]
before = reset_peak()  # the texts' resident memory, the peak restarted
start = time.process_time()
if method == "ours":
    groups = near_duplicate_groups(texts)
else:  # the exact all-pairs Jaccard on the same shingle sets
    from scipy.sparse import coo_matrix, csr_matrix
    from scipy.sparse.csgraph import connected_components
    from topics.corpus.duplicates import shingle_sets
    sets = shingle_sets(texts)
    sizes = np.array([len(s) for s in sets])
    _, column = np.unique(np.concatenate(sets), return_inverse=True)
    row = np.repeat(np.arange(n), sizes)
    x = csr_matrix((np.ones(len(row), dtype=np.int32), (row, column.ravel())))
    shared = (x @ x.T).tocoo()
    jaccard = shared.data / (sizes[shared.row] + sizes[shared.col] - shared.data)
    keep = (jaccard >= 0.5) & (shared.row != shared.col)
    graph = coo_matrix((np.ones(keep.sum()), (shared.row[keep], shared.col[keep])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    first = np.full(component.max() + 1, n)
    np.minimum.at(first, component, np.arange(n))
    groups = first[component]
cpu = time.process_time() - start
print(json.dumps({"cpu_s": cpu, "added_mb": peak_mb() - before, "groups": groups.tolist()}))
"""


def _run(path: str, n: int, method: str) -> dict:
    """One size, one method, in a fresh process with one BLAS thread: the child's figures."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return python_child(_CHILD, path, str(n), method, json.dumps(GNAD_OPTIONS), env=env)[1]


def _same_groups(a: list[int], b: list[int]) -> float:
    """Share of texts whose group holds the same texts under both methods."""
    def members(groups: list[int]) -> list[frozenset[int]]:
        sets: dict[int, set[int]] = {}
        for i, g in enumerate(groups):
            sets.setdefault(g, set()).add(i)
        return [frozenset(sets[g]) for g in groups]

    return sum(x == y for x, y in zip(members(a), members(b), strict=True)) / len(a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="up to 10,000 texts")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    path = str(GNAD) if GNAD.is_file() else ""
    print(f"# near-duplicates: perturbed copies of {'10kGNAD' if path else 'the shipped corpus'}")
    rows = []
    for n in QUICK_SIZES if args.quick else SIZES:
        ours = _run(path, n, "ours")
        row = {"n": n, "cpu_s": round(ours["cpu_s"], 3), "added_mb": round(ours["added_mb"]),
               "groups": len(set(ours["groups"]))}
        if n in PEER_SIZES:
            peer = _run(path, n, "exact")
            row |= {"peer_cpu_s": round(peer["cpu_s"], 3), "peer_added_mb": round(peer["added_mb"]),
                    "ratio_to_peer": ours["cpu_s"] / peer["cpu_s"] if peer["cpu_s"] else None,
                    "peer_groups": len(set(peer["groups"])),
                    "same_groups": round(_same_groups(ours["groups"], peer["groups"]), 4)}
        rows.append(row)
        peer_text = (f"; exact all pairs {row['peer_cpu_s']} CPU-s, +{row['peer_added_mb']} MB, "
                     f"{row['peer_groups']} groups; same group for {row['same_groups']:.1%} of the "
                     "texts" if "peer_cpu_s" in row else "")
        print(f"{n:>7,} texts: {row['cpu_s']} CPU-s, +{row['added_mb']} MB, {row['groups']} groups"
              f"{peer_text}", flush=True)
    if args.json:
        write_json(args.json, {"corpus": "10kGNAD" if path else "shipped", "sizes": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
