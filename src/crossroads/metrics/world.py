"""The world matrix: every country's inbound gateway dependency on every other country.

For each country C and each other country X, ``M[C, X]`` is C's inbound **gateway** share
on X (see :mod:`crossroads.metrics.dependency`): over every origin AS d of C (weight: its
IPv4 space) and every foreign source AS s (weight: its IPv4 space), the tie-split share
of paths whose last foreign transit AS before entering C is registered in X. Two extra
columns hold the ``direct`` share (no foreign transit AS) and the ``domestic`` share;
``unknown`` is a column like any country. Each row sums to 1.

Cost: one propagation per destination group (an origin AS, or the single-homed stubs of one
provider in one country): tens of thousands on the 2025 graph. The work is split into
chunks that run in worker processes and are appended to a checkpoint file, so an
interrupted run resumes where it stopped; ``sample`` evaluates a seeded random subset of
the groups (a *sampled* matrix, labelled as such) to time or preview the full run.

Example (``tests/metrics/hand.py``): AA's row is the inbound result of the hand tests,
``M[AA, BB] = 21/32`` and ``M[AA, CC] = 11/32``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crossroads.atomic import atomic_path
from crossroads.metrics import _kernels as _k
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph, RouteMode, propagate
from crossroads.snapshots import UNKNOWN, ASTable, Snapshot

__all__ = ["WorldMatrix", "plot_world_matrix", "world_groups", "world_matrix"]

DIRECT = "(direct)"
DOMESTIC = "(domestic)"


@dataclass(frozen=True)
class WorldMatrix:
    """``shares``: rows = studied country, columns = gateway country, ``(direct)``,
    ``(domestic)``; each row sums to 1. ``groups_done``/``groups_total`` < 1 = sampled."""

    shares: pd.DataFrame
    weights: pd.Series  # the reached pair weight per row (IPv4 addresses squared)
    groups_done: int
    groups_total: int
    seconds: float
    mode: str
    datasets: tuple[Provenance, ...] = ()

    @property
    def sampled(self) -> bool:
        """Whether only part of the destination groups was evaluated."""
        return self.groups_done < self.groups_total

    def long(self) -> pd.DataFrame:
        """Long form: ``country, via, gateway_share`` (non-zero cells only)."""
        m = self.shares.stack().rename("gateway_share").reset_index()
        m.columns = ["country", "via", "gateway_share"]
        return m[m.gateway_share > 0].reset_index(drop=True)


def world_groups(graph: ASGraph, table: ASTable) -> list[tuple[int, bool, int, float]]:
    """``(root, virtual, country_id, weight)`` per destination group: every AS with IPv4
    space and a known country; single-homed stubs grouped by (provider, country)."""
    n_prov = np.diff(graph.prov_ptr)
    degree = n_prov + np.diff(graph.cust_ptr) + np.diff(graph.peer_ptr)
    unknown = table.codes.index(UNKNOWN)
    out: dict[tuple[int, bool, int], float] = {}
    for d in np.flatnonzero((table.ipv4 > 0) & (table.cc_id != unknown)).tolist():
        c = int(table.cc_id[d])
        if degree[d] == 1 and n_prov[d] == 1:
            key = (int(graph.prov_idx[graph.prov_ptr[d]]), True, c)
        else:
            key = (d, False, c)
        out[key] = out.get(key, 0.0) + float(table.ipv4[d])
    return [(r, v, c, w) for (r, v, c), w in sorted(out.items())]


def world_matrix(
    snap: Snapshot,
    *,
    mode: RouteMode = "all-best",
    sample: int | None = None,
    seed: int = 0,
    workers: int = 1,
    chunk: int = 500,
    checkpoint: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> WorldMatrix:
    """Compute the matrix of ``snap`` (see the module doc); ``checkpoint`` (an ``.npz``
    path) makes the run resumable, ``workers`` > 1 uses that many processes."""
    start = time.perf_counter()
    graph, table = snap.graph, snap.table
    groups = world_groups(graph, table)
    total = len(groups)
    if sample is not None and sample < total:
        pick = np.sort(np.random.default_rng(seed).choice(total, sample, replace=False))
        groups = [groups[i] for i in pick]
    k = table.n_countries
    acc = np.zeros((k, k + 2))  # gateway countries, direct, domestic
    reached = np.zeros(k)
    done = 0
    ck = Path(checkpoint) if checkpoint else None
    if ck is not None and ck.exists():
        saved = np.load(ck)
        if int(saved["n_groups"]) == len(groups):
            acc, reached, done = saved["acc"], saved["reached"], int(saved["done"])
    chunks = [groups[i : i + chunk] for i in range(done, len(groups), chunk)]
    run = _Chunk(graph, table, mode)
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        results = pool.map(run, chunks) if pool else map(run, chunks)
        for part, (a, r) in zip(chunks, results, strict=True):
            acc += a
            reached += r
            done += len(part)
            if ck is not None:
                _save(ck, acc, reached, done, len(groups))
            if progress:
                progress(done, len(groups))
    finally:
        if pool:
            pool.shutdown()
    rows = reached > 0
    cols = [*table.codes, DIRECT, DOMESTIC]
    shares = pd.DataFrame(acc[rows] / reached[rows, None], index=np.array(table.codes)[rows],
                          columns=cols)
    shares.index.name = "country"
    shares = shares.loc[:, (shares > 0).any(axis=0)]
    return WorldMatrix(shares, pd.Series(reached[rows], index=shares.index), len(groups),
                       total, time.perf_counter() - start, mode, snap.datasets)


class _Chunk:
    """Picklable worker: evaluates a list of groups, returns (acc, reached)."""

    def __init__(self, graph: ASGraph, table: ASTable, mode: RouteMode) -> None:
        self.graph, self.table, self.mode = graph, table, mode

    def __call__(self, groups: list[tuple[int, bool, int, float]]) -> tuple[np.ndarray, np.ndarray]:
        t, k = self.table, self.table.n_countries
        acc = np.zeros((k, k + 2))
        reached = np.zeros(k)
        for root, virtual, c, weight in groups:
            routes = propagate(self.graph, root, mode=self.mode)
            w = np.where(t.cc_id != c, t.ipv4, 0.0)
            if not virtual:
                w[root] = 0.0
            _, gw, direct, domestic, r = _k.flow(
                routes.length, routes.nh_ptr, routes.nh_idx, t.cc_id, c, w, root, virtual,
                True, False,
            )
            acc[c, :k] += weight * np.bincount(t.cc_id, weights=gw, minlength=k)
            acc[c, k] += weight * direct
            acc[c, k + 1] += weight * domestic
            reached[c] += weight * r
        return acc, reached


def _save(path: Path, acc: np.ndarray, reached: np.ndarray, done: int, n: int) -> None:
    with atomic_path(path) as tmp:
        np.savez(tmp, acc=acc, reached=reached, done=done, n_groups=n)


def plot_world_matrix(m: WorldMatrix, path: str | Path, *, top: int = 40) -> Path:
    """Heat map PNG of the rows and columns of the ``top`` countries by reached weight."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = m.weights.sort_values(ascending=False).index[:top]
    cols = [c for c in m.shares.loc[rows].sum().sort_values(ascending=False).index
            if c not in (DOMESTIC,)][:top]
    data = m.shares.loc[rows, cols].to_numpy()
    fig, ax = plt.subplots(figsize=(12, 10))
    im = ax.imshow(data, cmap="magma_r", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=90, fontsize=7)
    ax.set_yticks(range(len(rows)), rows, fontsize=7)
    ax.set_xlabel("gateway country (last foreign transit AS before entering the row country)")
    ax.set_ylabel("country (destination address space)")
    title = f"Inbound gateway dependency, {m.mode} routes"
    if m.sampled:
        title += f" (sample of {m.groups_done:,}/{m.groups_total:,} destination groups)"
    ax.set_title(title, fontsize=10)
    fig.colorbar(im, ax=ax, label="share of address-weighted, tie-split paths")
    fig.tight_layout()
    out = Path(path)
    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, format="png", dpi=120)
    finally:
        plt.close(fig)
    return out

