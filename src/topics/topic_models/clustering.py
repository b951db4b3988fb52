"""Machine-independent building blocks of the BERTopic default: article context, exact neighbours,
Ward-initialised (spherical) k-means. numpy/scipy/scikit-learn only (no numba), deterministic,
bounded memory.

Measured on the enlarged shipped paragraphs (experiments/results/topic_model_selection/README.md):
the article context raises NMI against the labels from 0.39 to 0.61; Ward-initialised k-means
gives one partition for every seed (mean pairwise ARI 1.0; k-means++ with 10 restarts: 0.6-0.75).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from topics.errors import counted
from topics.topic_models.context import article_index

__all__ = ["WardKMeans", "exact_knn", "fewer_topics", "normalise_rows", "with_article_context"]

# cosine k-means compares similarities rounded to this many decimals (machine-free choices)
SIMILARITY_DECIMALS = 9


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero)."""
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def with_article_context(embeddings: np.ndarray, article_ids: Sequence[str], weight: float) -> np.ndarray:
    """Each unit's embedding mixed with the mean embedding of its article's units.

    ``weight`` x own + (1 - ``weight``) x article mean (both unit length), renormalised. A paragraph is
    a unit of an article, not a stranger: its article says what it is about (measured: NMI of
    paragraphs against article labels 0.39 -> 0.58 at weight 0.5 on the shipped corpus). Units that
    are whole articles are unchanged (their mean is themselves).
    """
    if weight >= 1:
        return embeddings
    inverse = article_index(article_ids)
    if inverse is None:  # every unit is its own article
        return embeddings
    sums = np.zeros((inverse.max() + 1, embeddings.shape[1]))
    np.add.at(sums, inverse, embeddings)  # unbuffered, in unit order: deterministic
    means = normalise_rows(sums)[inverse]
    return normalise_rows(weight * embeddings + (1 - weight) * means)


def exact_knn(x: np.ndarray, k: int, block: int = 1024, decimals: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k nearest neighbours of unit-length rows, blockwise (memory ``block`` x n).

    Similarities are rounded to ``decimals`` before ranking, so last-bit differences of BLAS kernels
    cannot reorder neighbours, and equal similarities are ordered by index. The unit itself is the
    first neighbour (distance 0), as UMAP's ``precomputed_knn`` expects. O(n^2 d) time: 20k units of 100
    dimensions take ~10 CPU-s.
    """
    n = x.shape[0]
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sims = np.round(x[start:start + block] @ x.T, decimals)
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = np.inf  # self first
        if k < n:
            candidates = np.sort(np.argpartition(-sims, k - 1, axis=1)[:, :k], axis=1)
        else:
            candidates = np.tile(np.arange(n), (sims.shape[0], 1))
        order = np.argsort(-np.take_along_axis(sims, candidates, axis=1), axis=1, kind="stable")
        chosen = np.take_along_axis(candidates, order, axis=1)
        d = 1.0 - np.take_along_axis(sims, chosen, axis=1)
        d[:, 0] = 0.0
        indices[start:start + block] = chosen
        distances[start:start + block] = np.clip(d, 0.0, 2.0)
    return indices, distances


class WardKMeans:
    """k-means started from Ward's clustering: no random start, so no seed and no local optimum
    that depends on one. Ward runs on at most ``ward_sample`` evenly spaced units (O(m^2) memory and
    time), Lloyd's iterations on all. A BERTopic ``hdbscan_model`` (fit / predict / ``labels_``).

    ``metric="cosine"`` is spherical k-means (Dhillon & Modha 2001): a unit joins the centre it
    points most nearly to, and each centre is its members' mean direction, of unit length.
    ``"euclidean"`` is Lloyd's k-means. On unit-length embeddings they differ in one thing: the
    squared distance ``1 - 2 x.c + |c|^2`` favours a short centre, and the mean of members that point
    in many directions is short. Measured on nine corpora (the shipped paragraphs and articles,
    10kGNAD, perturbed 10kGNAD samples; ``benchmarks/topic_clustering.py``): euclidean's largest
    topic (10-52 % of the units) always had a short centre (length 0.26-0.48 against a median of
    0.49-0.66); cosine's largest held 8-35 %, and NMI was higher on eight of the nine.

    Measured on the shipped paragraphs (k = 7): k-means++ with 10 restarts, seeds 0-4, mean pairwise
    ARI 0.63-0.75; Ward-initialised 1.0 (the embedding is seed-free with ARPACK SVD).

    ``max_share`` (None: off) cuts a topic of more than that share of the units in two, after the
    fit, until none is that large: at most ``max_cuts`` cuts (None: twice ``n_clusters``); of the
    states passed, the one with the fewest units in such topics is kept (``keep_every_cut``: the
    last, as runs stored before 2026-12-07 did; see :meth:`_split_large`).
    """

    def __init__(self, n_clusters: int = 8, ward_sample: int = 4000, max_iter: int = 300,
                 metric: str = "euclidean", max_share: float | None = None,
                 max_cuts: int | None = None, keep_every_cut: bool = False) -> None:
        self.n_clusters = n_clusters
        self.ward_sample = ward_sample
        self.max_iter = max_iter
        self.metric = metric
        self.max_share = max_share
        self.max_cuts = max_cuts
        self.keep_every_cut = keep_every_cut

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"n_clusters": self.n_clusters, "ward_sample": self.ward_sample,
                "max_iter": self.max_iter, "metric": self.metric, "max_share": self.max_share,
                "max_cuts": self.max_cuts, "keep_every_cut": self.keep_every_cut}

    def set_params(self, **params: Any) -> WardKMeans:
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, x: Any, y: Any = None) -> WardKMeans:
        if self.metric not in ("cosine", "euclidean"):
            raise ValueError(f"metric must be 'cosine' or 'euclidean', got {self.metric!r}")
        x = np.ascontiguousarray(x, dtype=np.float64)
        if self.metric == "cosine":  # directions only: a unit's length plays no part
            x = normalise_rows(x)
        centers = _ward_centers(x, int(min(self.n_clusters, len(x))), int(self.ward_sample))
        labels, centers = self._lloyd(x, centers)
        if self.max_share is not None:
            labels, centers = self._split_large(x, labels, centers)
        self.labels_, self.cluster_centers_ = _ordered_by_size(labels, centers)
        return self

    def _lloyd(self, x: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lloyd's iterations on all units from ``centers``: labels and the final centres."""
        if self.metric == "cosine":
            return _spherical_lloyd(x, normalise_rows(centers), int(self.max_iter))
        from sklearn.cluster import KMeans

        km = KMeans(len(centers), init=centers, n_init=1, max_iter=self.max_iter, tol=0.0,
                    algorithm="lloyd").fit(x)
        return km.labels_, km.cluster_centers_

    def _split_large(self, x: np.ndarray, labels: np.ndarray,
                     centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cut the largest topic in two while one holds more than ``max_share`` of the units,
        and let k-means settle all units again after each cut; at most ``max_cuts`` cuts. The
        result is the state, after the fit or after a cut, with the fewest units in topics above
        the share (the first of equals: fewest topics); with ``keep_every_cut`` the last one.

        A topic that big holds several subjects the rule's k was too small to separate (on small
        corpora k is 4-8). Its halves are a WardKMeans of its own members, so the cut is as
        deterministic as the first fit; the topics are then one more. A cut often takes only one
        article's paragraphs out of a topic of unrelated articles, and k-means may give some back:
        25 or 50 10kGNAD articles as paragraphs needed up to 1.5k cuts (``clustering.md``); twice
        k bounds the cost (each cut runs Ward on the topic's members and k-means on all units).
        """
        limit = 2 * int(self.n_clusters) if self.max_cuts is None else int(self.max_cuts)
        too_large = self.max_share * len(x)
        best: tuple[int, np.ndarray, np.ndarray] | None = None
        for cut in range(limit + 1):
            sizes = np.bincount(labels, minlength=len(centers))
            over = int(sizes[sizes > too_large].sum())  # units in topics too large
            if best is None or over < best[0]:
                best = (over, labels, centers)
            if cut == limit or not over or sizes.max() < 2:
                break  # done, small enough, or one unit (a tiny corpus): nothing to cut
            largest = int(sizes.argmax())
            halves = WardKMeans(2, self.ward_sample, self.max_iter, self.metric).fit(
                x[labels == largest]).cluster_centers_
            if len(halves) < 2:  # its members are one point: nothing to cut
                break
            centers = np.vstack([np.delete(centers, largest, axis=0), halves])
            labels, centers = self._lloyd(x, centers)
        return (labels, centers) if self.keep_every_cut else (best[1], best[2])

    def predict(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self.metric == "cosine":
            return _most_similar(normalise_rows(x), self.cluster_centers_)
        d = (x * x).sum(1)[:, None] - 2 * x @ self.cluster_centers_.T + (self.cluster_centers_ ** 2).sum(1)
        return d.argmin(axis=1)

    def fit_predict(self, x: Any, y: Any = None) -> np.ndarray:
        return self.fit(x).labels_


def _ward_centers(x: np.ndarray, k: int, ward_sample: int) -> np.ndarray:
    """The means of Ward's ``k`` clusters of at most ``ward_sample`` evenly spaced rows."""
    from scipy.cluster.hierarchy import fcluster, ward

    n = len(x)
    sample = np.unique(np.linspace(0, n - 1, min(n, ward_sample)).round().astype(np.int64))
    tree = ward(x[sample])  # scipy: pdist + nearest-neighbour chain, no BLAS, ties by index
    groups = fcluster(tree, t=k, criterion="maxclust")
    return np.vstack([x[sample][groups == g].mean(axis=0) for g in np.unique(groups)])


def _spherical_lloyd(x: np.ndarray, centers: np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Spherical k-means from unit-length ``centers`` until no unit moves (or ``max_iter``).

    Units choose with :func:`_most_similar` (rounded similarities). Centres are summed with a sparse product
    (a fixed order); a centre that loses every unit keeps its place and is dropped at the end.
    """
    from scipy.sparse import csr_matrix

    n, k = len(x), len(centers)
    labels = np.full(n, -1)
    for _ in range(max(1, max_iter)):
        new = _most_similar(x, centers)
        if np.array_equal(new, labels):
            break
        labels = new
        members = csr_matrix((np.ones(n), (labels, np.arange(n))), shape=(k, n))
        sums = np.asarray(members @ x)
        filled = np.bincount(labels, minlength=k) > 0
        centers = np.where(filled[:, None], normalise_rows(sums), centers)
    used = np.unique(labels)
    remap = np.full(k, -1)
    remap[used] = np.arange(len(used))
    return remap[labels], centers[used]


def _most_similar(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Each unit-length row's centre of highest cosine, similarities rounded to
    ``SIMILARITY_DECIMALS`` first (ties to the lower centre): another machine's last bits cannot
    change the choice."""
    return np.round(x @ centers.T, SIMILARITY_DECIMALS).argmax(axis=1)


def _ordered_by_size(labels: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Topics numbered by size (largest first), ties by the smallest member index: machine-free ids."""
    n, k = len(labels), len(centers)
    sizes = np.bincount(labels, minlength=k)
    first = np.array([np.flatnonzero(labels == c)[0] if sizes[c] else n for c in range(k)])
    order = sorted(range(k), key=lambda c: (-sizes[c], first[c]))
    remap = np.empty(k, dtype=np.int64)
    remap[order] = np.arange(k)
    return remap[labels], centers[order]


def fewer_topics(nr_topics: Any, k: int, made: int, x: np.ndarray) -> str:
    """Why k-means made ``made`` topics, not the ``k`` asked: the topics counted as asked would
    be read as the user's number (nr_topics=40 gave 32 on a corpus of repeated paragraphs)."""
    asked = f"nr_topics={nr_topics!r}" + ("" if isinstance(nr_topics, int) else f" ({k})")
    distinct = len(np.unique(np.round(x, 9), axis=0))
    why = (f"its {counted(len(x), 'unit')} have only {distinct} distinct embeddings (repeated "
           "texts?)" if distinct <= made else "some of its topics lost every unit")
    return (f"model 'bertopic': k-means made {counted(made, 'topic')}, not the {asked} asked: "
            f"{why}; ask for at most {made}, or drop the repeats (corpus.drop_duplicates())")
