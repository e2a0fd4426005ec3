"""The world matrix: every country's inbound gateway dependency on every other country.

For each country C and each other country X, ``M[C, X]`` is C's inbound **gateway** share
on X (see :mod:`crossroads.metrics.dependency`): over every origin AS d of C (weight: its
IPv4 space) and every foreign source AS s (weight: its IPv4 space), the tie-split share
of paths whose last foreign transit AS before entering C is registered in X. Two extra
columns hold the ``direct`` share (no foreign transit AS) and the ``domestic`` share;
``unknown`` is a column like any country. Each row sums to 1.

Cost: one propagation per destination group (an origin AS, or the single-homed stubs of one
provider in one country): 57,338 on the 2025 graph. The groups run on the lane engine
(:mod:`crossroads.routing.lanes`), 64 at a time, sorted by country so that a batch shares
its home ASes, and reduced in the lanes (:mod:`crossroads.metrics.lane_sums`) to exactly the
per-group sums of the per-destination kernel; those are then added in group order, in
``chunk``-sized partial sums, as the per-destination engine (``engine="per-origin"``, kept
as the reference) adds them, so both engines give the same matrix bit for bit. The
per-group results are saved to a checkpoint file as batches finish, so an interrupted run
resumes where it stopped; ``sample`` evaluates a seeded random subset of the groups (a
*sampled* matrix, labelled as such) to time or preview the full run.

Example (``tests/metrics/hand.py``): AA's row is the inbound result of the hand tests,
``M[AA, BB] = 21/32`` and ``M[AA, CC] = 11/32``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from crossroads.atomic import atomic_path
from crossroads.metrics import _kernels as _k
from crossroads.metrics.lane_sums import LaneDestinations, inbound_lanes
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph, RouteMode, propagate
from crossroads.routing.lanes import LANES, map_lanes
from crossroads.snapshots import UNKNOWN, ASTable, Snapshot

__all__ = ["WorldEngine", "WorldMatrix", "plot_world_matrix", "world_groups", "world_matrix"]

DIRECT = "(direct)"
DOMESTIC = "(domestic)"

WorldEngine = Literal["lanes", "per-origin", "array", "gpu"]
"""``lanes``: 64 destination groups per pass (the default); ``per-origin``: one
propagation and one kernel call per group, on worker processes (the reference);
``array``/``gpu``: the batched array code (:mod:`crossroads.metrics._array_inbound`) on
numpy or, with the optional CuPy, on an NVIDIA GPU -- equal to the others to rounding."""

_COLUMNS = {"array": 64, "gpu": 2048}  # groups per batch of the array engines

_Group = tuple[int, bool, int, float]
_LANES = LANES


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
    engine: WorldEngine = "lanes",
) -> WorldMatrix:
    """Compute the matrix of ``snap`` (see the module doc); ``checkpoint`` (an ``.npz``
    path) makes the run resumable, ``workers`` > 1 uses that many threads (processes
    with ``engine="per-origin"``)."""
    start = time.perf_counter()
    graph, table = snap.graph, snap.table
    groups = world_groups(graph, table)
    total = len(groups)
    if sample is not None and sample < total:
        pick = np.sort(np.random.default_rng(seed).choice(total, sample, replace=False))
        groups = [groups[i] for i in pick]
    if engine == "lanes":
        acc, reached = _by_lanes(graph, table, groups, mode, workers, chunk, checkpoint,
                                 progress)
    elif engine == "per-origin":
        acc, reached = _per_origin(graph, table, groups, mode, workers, chunk, checkpoint,
                                   progress)
    elif engine in _COLUMNS:
        acc, reached = _by_columns(graph, table, groups, mode, engine, chunk, progress)
    else:
        raise ValueError(f"unknown engine {engine!r}; use 'lanes' or 'per-origin'")
    rows = reached > 0
    cols = [*table.codes, DIRECT, DOMESTIC]
    shares = pd.DataFrame(acc[rows] / reached[rows, None], index=np.array(table.codes)[rows],
                          columns=cols)
    shares.index.name = "country"
    shares = shares.loc[:, (shares > 0).any(axis=0)]
    return WorldMatrix(shares, pd.Series(reached[rows], index=shares.index), len(groups),
                       total, time.perf_counter() - start, mode, snap.datasets)


def _per_origin(
    graph: ASGraph, table: ASTable, groups: list[_Group], mode: RouteMode, workers: int,
    chunk: int, checkpoint: str | Path | None, progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Today's reference: ``chunk`` groups per task, on ``workers`` processes."""
    k = table.n_countries
    acc = np.zeros((k, k + 2))  # gateway countries, direct, domestic
    reached = np.zeros(k)
    done = 0
    ck = Path(checkpoint) if checkpoint else None
    if ck is not None and ck.exists():
        saved = np.load(ck)
        if "acc" in saved and int(saved["n_groups"]) == len(groups):
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
    return acc, reached


def _by_lanes(
    graph: ASGraph, table: ASTable, groups: list[_Group], mode: RouteMode, workers: int,
    chunk: int, checkpoint: str | Path | None, progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every group on the lane engine (groups of a country together), then the sums."""
    k = table.n_countries
    res = _Results(len(groups), k)
    ck = Path(checkpoint) if checkpoint else None
    if ck is not None and ck.exists():
        res.load(ck)
    todo = [i for i in sorted(range(len(groups)), key=lambda i: (groups[i][2], i))
            if not res.done[i]]
    w = table.ipv4.astype(np.float64)
    step = 16 * LANES  # groups between checkpoints

    def reduce(batch, start):  # type: ignore[no-untyped-def]
        idx = part[start : start + len(batch)]
        root = np.array([groups[i][0] for i in idx], np.int64)
        home = np.array([groups[i][2] for i in idx], np.int32)
        dest = LaneDestinations(root, np.array([groups[i][1] for i in idx], np.bool_), home,
                                np.ones(len(idx), np.bool_), home)
        return idx, inbound_lanes(batch, table.cc_id, w, k, dest)

    for s0 in range(0, len(todo), step):
        part = todo[s0 : s0 + step]
        for idx, out in map_lanes(graph, [groups[i][0] for i in part], reduce, mode=mode,
                                  workers=workers, lanes=_LANES):
            res.put(idx, out)
        if ck is not None:
            res.save(ck)
        if progress:
            progress(int(res.done.sum()), len(groups))
    return res.sums(groups, chunk)


def _by_columns(
    graph: ASGraph, table: ASTable, groups: list[_Group], mode: RouteMode, engine: str,
    chunk: int, progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every group as a column of the array engine (numpy, or CuPy on a GPU)."""
    from crossroads.metrics._array_inbound import inbound_columns
    from crossroads.routing.backends.array import numpy_module, to_device
    from crossroads.routing.backends.gpu import cupy_module

    module = numpy_module() if engine == "array" else cupy_module()
    dg = to_device(graph, module)
    res = _Results(len(groups), table.n_countries)
    order = sorted(range(len(groups)), key=lambda i: (groups[i][2], i))
    w = table.ipv4.astype(np.float64)
    step = _COLUMNS[engine]
    for s0 in range(0, len(order), step):
        idx = order[s0 : s0 + step]
        home = np.array([groups[i][2] for i in idx], np.int32)
        dest = LaneDestinations(np.array([groups[i][0] for i in idx], np.int64),
                                np.array([groups[i][1] for i in idx], np.bool_), home,
                                np.ones(len(idx), np.bool_), home)
        res.put(idx, inbound_columns(module, dg, table.cc_id, w, table.n_countries, dest,
                                     deterministic=mode == "deterministic"))
        if progress:
            progress(int(res.done.sum()), len(groups))
    return res.sums(groups, chunk)


class _Results:
    """Per-group sums of the lane engine: gateway by country (sparse), direct, domestic,
    reached; saved to and resumed from an ``.npz`` checkpoint."""

    def __init__(self, n: int, k: int) -> None:
        self.k = k
        self.done = np.zeros(n, np.bool_)
        self.direct = np.zeros(n)
        self.domestic = np.zeros(n)
        self.reached = np.zeros(n)
        self.gw: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def put(self, idx: list[int], out: Any) -> None:
        for j, i in enumerate(idx):
            nz = np.flatnonzero(out.gateway[j])
            self.gw[i] = (nz, out.gateway[j, nz])
            self.direct[i], self.domestic[i] = out.direct[j], out.domestic[j]
            self.reached[i] = out.reached[j]
            self.done[i] = True

    def save(self, path: Path) -> None:
        keys = sorted(self.gw)
        cols = [self.gw[i][0] for i in keys]
        with atomic_path(path) as tmp:
            np.savez(
                tmp, lane_groups=np.asarray(keys, np.int64), n_groups=self.done.size,
                gw_len=np.asarray([c.size for c in cols], np.int64),
                gw_col=np.concatenate(cols) if cols else np.zeros(0, np.int64),
                gw_val=np.concatenate([self.gw[i][1] for i in keys]) if cols else np.zeros(0),
                done=self.done, direct=self.direct, domestic=self.domestic,
                reached=self.reached,
            )

    def load(self, path: Path) -> None:
        saved = np.load(path)
        if "lane_groups" not in saved or int(saved["n_groups"]) != self.done.size:
            return  # another run's (or the per-origin engine's) file: start afresh
        self.done, self.direct = saved["done"], saved["direct"]
        self.domestic, self.reached = saved["domestic"], saved["reached"]
        ends = np.cumsum(saved["gw_len"])
        for i, e, n in zip(saved["lane_groups"].tolist(), ends.tolist(),
                           saved["gw_len"].tolist(), strict=True):
            self.gw[i] = (saved["gw_col"][e - n : e], saved["gw_val"][e - n : e])

    def sums(self, groups: list[_Group], chunk: int) -> tuple[np.ndarray, np.ndarray]:
        """The matrix sums, added in group order in ``chunk``-sized parts exactly as the
        per-origin engine adds them (so both are bit-identical)."""
        k = self.k
        acc = np.zeros((k, k + 2))
        reached = np.zeros(k)
        for c0 in range(0, len(groups), chunk):
            a = np.zeros((k, k + 2))
            r = np.zeros(k)
            for i in range(c0, min(c0 + chunk, len(groups))):
                _, _, c, weight = groups[i]
                cols, vals = self.gw[i]
                a[c, cols] += weight * vals
                a[c, k] += weight * self.direct[i]
                a[c, k + 1] += weight * self.domestic[i]
                r[c] += weight * self.reached[i]
            acc += a
            reached += r
        return acc, reached


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

