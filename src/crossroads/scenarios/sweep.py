"""Sweeps: remove each border link (or each foreign upstream AS) of a country in turn.

For country C, the **border links** are the links with exactly one end registered in C;
the **foreign upstream ASes** are the foreign providers of C's ASes. Each item is removed
alone from the baseline graph and the country is measured again (reachability in and out,
:mod:`crossroads.scenarios.reach`; inbound dependency by country,
:mod:`crossroads.metrics.dependency`). Items are ranked by lost inbound reachability, then
lost outbound reachability, then the **dependency shift**

.. math::  D = \\tfrac12 \\sum_X |g_{after}(X) - g_{before}(X)|

(total-variation distance between the inbound gateway shares by country, ``direct`` and
``domestic`` included as two more categories).

Border links are measured incrementally: a link that no best route towards an origin
uses cannot change that origin's routes, so only the origins whose ``all-best`` next-hop
DAG contains the link are re-measured (:mod:`crossroads.scenarios._incremental`); the
result equals a full recomputation (tested). Foreign upstream ASes are recomputed on the
lane engine, every (removed AS, destination group) pair a lane, without building the
edited graphs (:mod:`crossroads.scenarios._lanesweep`); equal to a recomputation on each
edited graph up to summation order (tested to 1e-12).

The link sweep's groups run in parallel on Dask distributed: a ``LocalCluster`` of worker
processes by default, or the scheduler at ``scheduler`` (``tcp://host:port``); the
baseline (graph, AS table, per-origin summaries) is scattered to the workers once
(broadcast), not shipped with every task. The AS sweep runs on ``workers`` threads of
this process (the lane kernels release the GIL); ``scheduler`` does not apply to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import numpy as np

from crossroads.metrics.dependency import inbound
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.calibration import Calibration
from crossroads.scenarios._incremental import GroupDelta, SweepBase, group_deltas, sweep_base
from crossroads.scenarios._lanesweep import Measure, Scale, as_sweep, from_sums
from crossroads.scenarios.reach import reachability
from crossroads.snapshots import ASTable, Snapshot

__all__ = ["SweepKind", "SweepResult", "SweepRow", "crossing_links", "foreign_upstreams",
           "sweep"]

SweepKind = Literal["links", "ases"]
"""``links``: every border link in turn; ``ases``: every foreign upstream AS in turn."""


@dataclass(frozen=True)
class SweepRow:
    """The country's measures with one item removed (shares in [0, 1])."""

    item: tuple[int, ...]  # (a, b) for a link, (asn,) for an AS
    inbound: float
    outbound: float
    lost_inbound: float
    lost_outbound: float
    isolated: int  # origins without any international route
    dependency_shift: float

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        key = "link" if len(self.item) == 2 else "asn"
        value: object = list(self.item) if len(self.item) == 2 else self.item[0]
        return {
            key: value,
            "reachability_inbound": self.inbound,
            "reachability_outbound": self.outbound,
            "lost_inbound": self.lost_inbound,
            "lost_outbound": self.lost_outbound,
            "isolated_origins": self.isolated,
            "dependency_shift": self.dependency_shift,
        }


@dataclass(frozen=True)
class SweepResult:
    """Every item's row, ranked (most damaging first), with the baseline."""

    country: str
    kind: SweepKind
    mode: str
    baseline_inbound: float
    baseline_outbound: float
    rows: tuple[SweepRow, ...]
    datasets: tuple[Provenance, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "country": self.country,
            "kind": self.kind,
            "mode": self.mode,
            "datasets": [p.as_dict() for p in self.datasets],
            "units": "fractions of IPv4 address space; dependency_shift in [0, 1]",
            "baseline": {
                "reachability_inbound": self.baseline_inbound,
                "reachability_outbound": self.baseline_outbound,
            },
            "items": len(self.rows),
            "rows": [r.as_dict() for r in self.rows],
        }


def crossing_links(graph: ASGraph, table: ASTable, country: str) -> list[tuple[int, int]]:
    """Links (as ``(as1, as2)`` in CAIDA order) with exactly one end in ``country``."""
    code = table.id_of(country)
    a, b = graph.links.as1, graph.links.as2
    cross = (table.ids_of(a) == code) != (table.ids_of(b) == code)
    return [(int(x), int(y)) for x, y in zip(a[cross], b[cross], strict=True)]


def foreign_upstreams(graph: ASGraph, table: ASTable, country: str) -> list[int]:
    """Foreign ASes that are providers of at least one AS of ``country``."""
    code = table.id_of(country)
    links = graph.links
    p2c = links.rel == -1
    prov_out = table.ids_of(links.as1) != code
    cust_in = table.ids_of(links.as2) == code
    return sorted({int(x) for x in links.as1[p2c & prov_out & cust_in]})


def sweep(
    snap: Snapshot,
    country: str,
    *,
    kind: SweepKind = "links",
    mode: RouteMode = "all-best",
    scheduler: str | None = None,
    workers: int = 2,
    limit: int | None = None,
    calibration: Calibration | None = None,
) -> SweepResult:
    """Sweep ``country``'s border links or foreign upstreams on ``snap``'s graph;
    ``limit`` keeps the first items. ``calibration`` (mode ``calibrated``, built on
    ``snap``'s graph): every item is removed and recomputed in full, the observed routes
    through it dropped."""
    country = snap.require_country(country)
    graph, table = snap.graph, snap.table
    items: list[tuple[int, ...]]
    if kind == "links":
        items = [tuple(x) for x in crossing_links(graph, table, country)]
    elif kind == "ases":
        items = [(a,) for a in foreign_upstreams(graph, table, country)]
    else:
        raise ValueError(f"unknown sweep kind {kind!r}; use 'links' or 'ases'")
    if limit is not None:
        items = items[:limit]
    if kind == "links" and calibration is None:
        base, measured = _link_sweep(graph, table, country, items, mode, scheduler, workers)
    else:
        base, measured = (
            _full_sweep(graph, table, country, items, mode, scheduler, workers, calibration)
            if calibration is not None else
            as_sweep(graph, table, country, [a for (a,) in items], mode=mode, workers=workers))
    rows = [_row(item, m, base) for item, m in zip(items, measured, strict=True)]
    rows.sort(key=lambda r: (-r.lost_inbound, -r.lost_outbound, -r.dependency_shift, r.item))
    return SweepResult(
        country=country, kind=kind, mode=mode, baseline_inbound=base[0],
        baseline_outbound=base[1], rows=tuple(rows), datasets=snap.datasets,
    )


# ------------------------------------------------------------------ private helpers
_Measure = Measure


def _link_sweep(
    graph: ASGraph, table: ASTable, country: str,
    items: list[tuple[int, ...]], mode: RouteMode, scheduler: str | None, workers: int,
) -> tuple[_Measure, list[_Measure]]:
    """Border links, repaired per destination group
    (:mod:`crossroads.scenarios._incremental`): the groups are split into tasks, each
    returns its baseline sums and the change every swept link of its DAG makes."""
    if mode != "all-best":  # the repair follows the all-best DAG; recompute in full
        return _full_sweep(graph, table, country, items, mode, scheduler, workers)
    links = np.array(items, dtype=np.int64).reshape(-1, 2)
    sb = sweep_base(graph, table, country, links)
    chunks = _chunks(len(sb.groups), 4 * max(workers, 1))
    if scheduler is None and workers <= 1:
        parts = [group_deltas(sb, c) for c in chunks]
    else:
        with _client(scheduler, workers) as client:
            [shared] = client.scatter([sb], broadcast=True)
            parts = client.gather(client.map(_group_task, chunks, base=shared, pure=False))
    n_c = len(sb.codes)
    total = np.zeros(n_c + 6)
    delta = np.zeros((len(items), n_c + 6))
    for part in parts:
        for gd in part:
            total += gd.base
            np.add.at(delta, gd.links, gd.delta)
    scale = Scale(
        n_src=float(np.count_nonzero(sb.foreign)), world=float(sb.world.sum()),
        space=float(sum(g.weight for g in sb.groups)), codes=sb.codes, home=sb.home,
    )
    base = from_sums(total, scale)
    measured = [base if not d.any() else from_sums(total + d, scale) for d in delta]
    return base, measured


def _group_task(which: list[int], *, base: SweepBase) -> list[GroupDelta]:
    return group_deltas(base, which)


def _chunks(n: int, k: int) -> list[list[int]]:
    """``range(n)`` dealt round-robin into at most ``k`` lists (big groups spread)."""
    return [list(range(i, n, k)) for i in range(min(k, n))]


def _full_sweep(
    graph: ASGraph, table: ASTable, country: str,
    items: list[tuple[int, ...]], mode: RouteMode, scheduler: str | None, workers: int,
    calibration: Calibration | None = None,
) -> tuple[_Measure, list[_Measure]]:
    """Every item removed and the country measured again from scratch."""
    base = _measure(graph, table, country, mode, calibration)
    with _client(scheduler, workers) as client:
        shared = client.scatter([graph, table, calibration], broadcast=True)
        futures = client.map(
            _one, items, graph=shared[0], table=shared[1], calibration=shared[2],
            country=country, mode=mode, pure=False,
        )
        return base, client.gather(futures)


def _measure(
    graph: ASGraph, table: ASTable, country: str, mode: RouteMode,
    calibration: Calibration | None = None,
) -> _Measure:
    reach = reachability(graph, table, country,
                         mode="deterministic" if calibration is None else "calibrated",
                         calibration=calibration)
    dep = inbound(graph, table, country, mode=mode, calibration=calibration)
    gw = dict(zip(dep.by_country["country"], dep.by_country["gateway_share"], strict=True))
    gw["(direct)"] = dep.direct_share
    gw["(domestic)"] = dep.domestic_share
    return reach.inbound, reach.outbound, len(reach.isolated), gw


def _one(
    item: tuple[int, ...],
    *,
    graph: ASGraph,
    table: ASTable,
    country: str,
    mode: RouteMode,
    calibration: Calibration | None = None,
) -> _Measure:
    edited = graph.without_links([item]) if len(item) == 2 else graph.without_ases(item)
    return _measure(edited, table, country, mode, calibration)


def _row(item: tuple[int, ...], m: _Measure, base: _Measure) -> SweepRow:
    keys = set(m[3]) | set(base[3])
    shift = 0.5 * sum(abs(m[3].get(k, 0.0) - base[3].get(k, 0.0)) for k in keys)
    return SweepRow(
        item=item, inbound=m[0], outbound=m[1], lost_inbound=base[0] - m[0],
        lost_outbound=base[1] - m[1], isolated=m[2], dependency_shift=shift,
    )


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[object]:
    """A Dask client: to ``scheduler``, or to a LocalCluster of ``workers`` processes that
    is torn down on exit."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
    ) as cluster, Client(cluster) as client:
        yield client
