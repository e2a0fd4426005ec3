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
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from crossroads.atomic import atomic_path
from crossroads.metrics import _engine
from crossroads.metrics._world_engines import COLUMNS, by_columns, by_lanes, per_origin
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.calibration import Calibration
from crossroads.snapshots import UNKNOWN, ASTable, Snapshot

__all__ = ["WorldEngine", "WorldMatrix", "plot_world_matrix", "world_groups", "world_matrix"]

DIRECT = "(direct)"
DOMESTIC = "(domestic)"

WorldEngine = Literal["lanes", "per-origin", "array", "gpu"]
"""``lanes``: 64 destination groups per pass (the default); ``per-origin``: one
propagation and one kernel call per group, on worker processes (the reference);
``array``/``gpu``: the batched array code (:mod:`crossroads.metrics._array_inbound`) on
numpy or, with the optional CuPy, on an NVIDIA GPU -- equal to the others to rounding."""

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
    calibration: str | None = None  # calibrated mode: the RIBs
    observed_share: float | None = None  # calibrated: share of hop mass on observed routes

    @property
    def sampled(self) -> bool:
        """Whether only part of the destination groups was evaluated."""
        return self.groups_done < self.groups_total

    def long(self) -> pd.DataFrame:
        """Long form: ``country, via, gateway_share`` (non-zero cells only)."""
        m = self.shares.stack().rename("gateway_share").reset_index()
        m.columns = ["country", "via", "gateway_share"]
        return m[m.gateway_share > 0].reset_index(drop=True)


def world_groups(
    graph: ASGraph, table: ASTable, *, keep_apart: np.ndarray | None = None
) -> list[tuple[int, bool, int, float]]:
    """``(root, virtual, country_id, weight)`` per destination group: every AS with IPv4
    space and a known country; single-homed stubs grouped by (provider, country), except
    those in ``keep_apart`` (indices; e.g. origins with observed routes)."""
    apart = np.zeros(graph.n, bool)
    if keep_apart is not None:
        apart[np.asarray(keep_apart, np.int64)] = True
    n_prov = np.diff(graph.prov_ptr)
    degree = n_prov + np.diff(graph.cust_ptr) + np.diff(graph.peer_ptr)
    unknown = table.codes.index(UNKNOWN)
    out: dict[tuple[int, bool, int], float] = {}
    for d in np.flatnonzero((table.ipv4 > 0) & (table.cc_id != unknown)).tolist():
        c = int(table.cc_id[d])
        if degree[d] == 1 and n_prov[d] == 1 and not apart[d]:
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
    calibration: Calibration | None = None,
) -> WorldMatrix:
    """Compute the matrix of ``snap`` (see the module doc); ``checkpoint`` (an ``.npz``
    path) makes the run resumable, ``workers`` > 1 uses that many threads (processes
    with ``engine="per-origin"``). ``mode="calibrated"`` routes with ``calibration``
    (built on ``snap``'s graph; one propagation per observed per-prefix variant) on the
    per-origin engine, whatever ``engine`` says."""
    start = time.perf_counter()
    graph, table = snap.graph, snap.table
    groups = world_groups(graph, table,
                          keep_apart=_engine.observed_origins(graph, calibration))
    total = len(groups)
    if sample is not None and sample < total:
        pick = np.sort(np.random.default_rng(seed).choice(total, sample, replace=False))
        groups = [groups[i] for i in pick]
    hops = None
    if calibration is not None or engine == "per-origin":
        acc, reached, hops = per_origin(graph, table, groups, mode, workers, chunk,
                                        checkpoint, progress, calibration)
    elif engine == "lanes":
        acc, reached = by_lanes(graph, table, groups, mode, workers, chunk, checkpoint,
                                progress)
    elif engine in COLUMNS:
        acc, reached = by_columns(graph, table, groups, mode, engine, chunk, progress)
    else:
        raise ValueError(f"unknown engine {engine!r}; use 'lanes' or 'per-origin'")
    rows = reached > 0
    cols = [*table.codes, DIRECT, DOMESTIC]
    shares = pd.DataFrame(acc[rows] / reached[rows, None], index=np.array(table.codes)[rows],
                          columns=cols)
    shares.index.name = "country"
    shares = shares.loc[:, (shares > 0).any(axis=0)]
    return WorldMatrix(shares, pd.Series(reached[rows], index=shares.index), len(groups),
                       total, time.perf_counter() - start, mode, snap.datasets,
                       None if calibration is None else calibration.describe(),
                       None if calibration is None or hops is None
                       else float(hops[1] / max(hops[0], 1e-300)))


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

