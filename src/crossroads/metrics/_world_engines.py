"""The engines of the world matrix (:mod:`crossroads.metrics.world`): each returns, for the
destination groups given, the accumulated gateway sums ``acc`` (rows: the group's country;
columns: gateway countries, then direct and domestic) and the reached pair weight per
country.

- :func:`by_lanes`: 64 groups per pass on the lane engine, reduced in the lanes
  (:func:`crossroads.metrics.lane_sums.inbound_lanes`); per-group results kept so a run
  resumes from its checkpoint; added in group order in ``chunk``-sized partial sums as
  :func:`per_origin` adds them, so both give the same matrix bit for bit.
- :func:`per_origin`: one propagation and one kernel call per group on worker processes
  (the reference, and calibrated mode's engine).
- :func:`by_columns`: the array code on numpy, or CuPy on a GPU (equal to rounding).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from crossroads.atomic import atomic_path
from crossroads.metrics import _engine
from crossroads.metrics import _kernels as _k
from crossroads.metrics.lane_sums import LaneDestinations, inbound_lanes
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.calibration import Calibration
from crossroads.routing.lanes import LANES, map_lanes
from crossroads.snapshots import ASTable

__all__ = ["COLUMNS", "Group", "by_columns", "by_lanes", "per_origin"]

COLUMNS = {"array": 64, "gpu": 2048}  # groups per batch of the array engines
Group = tuple[int, bool, int, float]
"""``(root, virtual, country_id, weight)``: one destination group of the matrix."""


def per_origin(
    graph: ASGraph, table: ASTable, groups: list[Group], mode: RouteMode, workers: int,
    chunk: int, checkpoint: str | Path | None, progress: Callable[[int, int], None] | None,
    calibration: Calibration | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Today's reference: ``chunk`` groups per task, on ``workers`` processes; the only
    engine of calibrated mode (one propagation per observed per-prefix variant). Also
    returns the hop mass and the part of it along observed routes."""
    k = table.n_countries
    acc = np.zeros((k, k + 2))  # gateway countries, direct, domestic
    reached = np.zeros(k)
    hops = np.zeros(2)  # hop mass, of which along observed routes
    done = 0
    ck = Path(checkpoint) if checkpoint else None
    if ck is not None and ck.exists():
        saved = np.load(ck)
        if "acc" in saved and int(saved["n_groups"]) == len(groups):
            acc, reached, done = saved["acc"], saved["reached"], int(saved["done"])
            hops = saved["hops"] if "hops" in saved else hops
    chunks = [groups[i : i + chunk] for i in range(done, len(groups), chunk)]
    run = _Chunk(graph, table, mode, calibration)
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        results = pool.map(run, chunks) if pool else map(run, chunks)
        for part, (a, r, h) in zip(chunks, results, strict=True):
            acc += a
            reached += r
            hops += h
            done += len(part)
            if ck is not None:
                _save(ck, acc, reached, done, len(groups), hops)
            if progress:
                progress(done, len(groups))
    finally:
        if pool:
            pool.shutdown()
    return acc, reached, hops


def by_lanes(
    graph: ASGraph, table: ASTable, groups: list[Group], mode: RouteMode, workers: int,
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
                                  workers=workers, lanes=LANES):
            res.put(idx, out)
        if ck is not None:
            res.save(ck)
        if progress:
            progress(int(res.done.sum()), len(groups))
    return res.sums(groups, chunk)


def by_columns(
    graph: ASGraph, table: ASTable, groups: list[Group], mode: RouteMode, engine: str,
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
    step = COLUMNS[engine]
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

    def sums(self, groups: list[Group], chunk: int) -> tuple[np.ndarray, np.ndarray]:
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
    """Picklable worker: evaluates a list of groups, returns (acc, reached, hop masses)."""

    def __init__(self, graph: ASGraph, table: ASTable, mode: RouteMode,
                 calibration: Calibration | None = None) -> None:
        self.graph, self.table, self.mode, self.cal = graph, table, mode, calibration

    def __call__(
        self, groups: list[tuple[int, bool, int, float]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t, k = self.table, self.table.n_countries
        acc = np.zeros((k, k + 2))
        reached = np.zeros(k)
        hops = np.zeros(2)
        for root, virtual, c, weight in groups:
            w = np.where(t.cc_id != c, t.ipv4, 0.0)
            if not virtual:
                w[root] = 0.0
            for routes, frac in _engine.routes_of(self.graph, root, self.mode, self.cal):
                transit, gw, direct, domestic, r = _k.flow(
                    routes.length, routes.nh_ptr, routes.nh_idx, t.cc_id, c, w, root, virtual,
                    True, False,
                )
                f = weight * frac
                acc[c, :k] += f * np.bincount(t.cc_id, weights=gw, minlength=k)
                acc[c, k] += f * direct
                acc[c, k + 1] += f * domestic
                reached[c] += f * r
                hops += f * np.asarray(_engine.observed_mass(routes, transit, w)[:2])
        return acc, reached, hops


def _save(path: Path, acc: np.ndarray, reached: np.ndarray, done: int, n: int,
          hops: np.ndarray) -> None:
    with atomic_path(path) as tmp:
        np.savez(tmp, acc=acc, reached=reached, done=done, n_groups=n, hops=hops)
