"""Single-link failures, re-measuring only the origins whose routes use the link.

Under the Gao-Rexford rules every AS picks its best routes among those offered; taking
away a link that carries none of the best routes towards an origin (no edge of the
``all-best`` next-hop DAG) leaves every best route towards it -- and so its
reachability and its path-level dependency sums -- unchanged (by induction over the
propagation order: each AS's best routes stay available and stay best). The sweep
therefore records, once, which border links lie in which origin's DAG, and for each
link re-measures only those origins:

* reachability: the affected origins' terms of ``R_in`` / ``R_out`` are replaced;
* dependency: :func:`crossroads.metrics.dependency.inbound` is run on the affected
  origins alone (the others get no address space) on the edited graph, and the resulting
  masses (share x reached pair weight) replace the same origins' baseline masses, which
  were computed once per propagation job (masses are sums over destinations, so a stub's
  share of its group's is proportional to its address space).

Stubs grouped below their providers (:func:`crossroads.scenarios.reach.propagation_jobs`)
are affected by the DAG of their group, and each by its own provider links alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from crossroads.metrics.astable import ASTable
from crossroads.metrics.dependency import DirectionResult, inbound
from crossroads.routing import ASGraph, RouteMode, propagate
from crossroads.scenarios._countries import Countries
from crossroads.scenarios.reach import propagation_jobs

__all__ = ["LinkBaseline", "evaluate_link", "link_baseline", "pair_key", "without_link"]

Masses = dict[str, float]


@dataclass(frozen=True)
class LinkBaseline:
    """Everything a link task needs, computed once and scattered to the workers."""

    graph: ASGraph
    table: ASTable
    country: str
    mode: RouteMode
    src_idx: np.ndarray  # foreign ASes (inbound sources), indices
    foreign: np.ndarray  # bool per AS index
    world: np.ndarray  # foreign IPv4 per AS index (0 elsewhere)
    space: np.ndarray  # IPv4 per AS index
    jobs: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # (announcing, members)
    stats: np.ndarray  # per job: sources reached, foreign space reached, any foreign
    users: dict[int, tuple[tuple[int, int], ...]]  # link key -> ((job, member|-1), ...)
    masses: Masses  # full baseline inbound masses by category
    reached: float  # full baseline reached pair weight
    total_w: float  # sum of inbound source weights
    r_in: float
    r_out: float
    isolated: int
    job_masses: tuple[tuple[Masses, float], ...] = ()  # per job: its inbound masses, reached


def pair_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Order-free uint64 key of AS pairs (ASNs)."""
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def link_baseline(
    graph: ASGraph, countries: Countries, as_info: object, country: str, links: np.ndarray,
    *, mode: RouteMode,
) -> LinkBaseline:
    """Baseline of ``country`` and the link -> affected origins index for ``links``
    (``(k, 2)`` ASNs)."""
    code = countries.code(country)
    foreign = countries.code_of(graph.asns) != code
    space = countries.ipv4_of(graph.asns)
    world = np.where(foreign, space, 0.0)
    orig_idx = np.flatnonzero(~foreign & (space > 0))
    jobs = [(tuple(a), tuple(m)) for a, m in propagation_jobs(graph, orig_idx)]
    src_idx = np.flatnonzero(foreign).astype(np.int32)
    wanted = np.unique(pair_key(links[:, 0], links[:, 1]))
    stats = np.zeros((len(jobs), 3))
    users: dict[int, list[tuple[int, int]]] = {}
    for j, (announcing, members) in enumerate(jobs):
        routes = propagate(graph, list(announcing), mode="all-best")
        stats[j] = _stats(routes.length, src_idx, world, foreign)
        grouped = announcing != members  # stubs announced by their providers
        k = np.diff(routes.nh_ptr)
        heads = np.repeat(np.arange(graph.n), k)
        tails = routes.nh_idx
        if grouped:  # the stubs' own routes carry no one else's
            keep = ~np.isin(heads, members)
            heads, tails = heads[keep], tails[keep]
        keys = np.intersect1d(pair_key(graph.asns[heads], graph.asns[tails]), wanted)
        for key in keys.tolist():
            users.setdefault(key, []).append((j, -1))
        if grouped:
            for o in members:
                own = pair_key(graph.asns[np.array(announcing)], np.full(len(announcing),
                                                                         graph.asns[o]))
                for key in np.intersect1d(own, wanted).tolist():
                    users.setdefault(key, []).append((j, o))
    table = ASTable.from_frame(graph, as_info)  # type: ignore[arg-type]
    dep = inbound(graph, table, country, mode=mode)
    total_w = float(np.where(table.cc_id == table.country_id(country), 0.0, table.ipv4).sum())
    full_r = _reached(dep, total_w, float(space[orig_idx].sum()))
    a_o = np.array([space[list(m)].sum() for _, m in jobs])
    r_in, r_out = _terms(stats, a_o, len(src_idx), float(world.sum()), float(a_o.sum()))
    base = LinkBaseline(
        graph=graph, table=table, country=country, mode=mode, src_idx=src_idx,
        foreign=foreign, world=world, space=space, jobs=tuple(jobs), stats=stats,
        users={k: tuple(v) for k, v in users.items()}, masses=_masses(dep, full_r),
        reached=full_r, total_w=total_w, r_in=r_in, r_out=r_out,
        isolated=int(sum(len(m) for (_, m), s in zip(jobs, stats, strict=True) if not s[2])),
    )
    used = {j for hits in users.values() for j, _ in hits}
    per_job = tuple(
        _subset_masses(graph, base, list(m), float(space[list(m)].sum())) if j in used
        else ({}, 0.0)
        for j, (_, m) in enumerate(jobs)
    )
    return dataclasses.replace(base, job_masses=per_job)


def evaluate_link(
    link: tuple[int, int], base: LinkBaseline
) -> tuple[float, float, int, dict[str, float]]:
    """``(R_in, R_out, isolated origins, inbound gateway shares)`` without ``link``."""
    hits = base.users.get(int(pair_key(np.array([link[0]]), np.array([link[1]]))[0]), ())
    if not hits:
        return base.r_in, base.r_out, base.isolated, _shares(base.masses, base.reached)
    edited = without_link(base.graph, *link)
    n_src, world_total = len(base.src_idx), float(base.world.sum())
    a_total = float(base.space[[o for _, m in base.jobs for o in m]].sum())
    d_in = d_out = 0.0
    isolated = base.isolated
    members: list[int] = []
    for j, member in hits:
        announcing, group = base.jobs[j]
        who = list(group) if member < 0 else [member]
        origins = list(announcing) if member < 0 else [member]
        after = _stats(propagate(edited, origins, mode="deterministic").length,
                       base.src_idx, base.world, base.foreign)
        a = float(base.space[who].sum())
        before = base.stats[j]
        d_in += a * (after[0] - before[0]) / n_src / a_total
        d_out += a * (after[1] - before[1]) / world_total / a_total
        isolated += len(who) * (int(not after[2]) - int(not before[2]))
        members.extend(who)
    sub_w = float(base.space[members].sum())
    sub_before = _scaled_job_masses(base, hits)
    sub_after = _subset_masses(edited, base, members, sub_w)
    masses = dict(base.masses)
    for k in set(sub_before[0]) | set(sub_after[0]):
        masses[k] = masses.get(k, 0.0) - sub_before[0].get(k, 0.0) + sub_after[0].get(k, 0.0)
    reached = base.reached - sub_before[1] + sub_after[1]
    return base.r_in + d_in, base.r_out + d_out, isolated, _shares(masses, reached)


def without_link(graph: ASGraph, a: int, b: int) -> ASGraph:
    """``graph.without_links([(a, b)])`` by deleting two CSR entries (no rebuild)."""
    ia, ib = graph.index_of(a), graph.index_of(b)
    links = graph.links
    hit = ((links.as1 == a) & (links.as2 == b)) | ((links.as1 == b) & (links.as2 == a))
    if not hit.any():
        return graph
    i = int(np.argmax(hit))
    keep = ~hit
    new_links = dataclasses.replace(
        links, as1=links.as1[keep], as2=links.as2[keep], rel=links.rel[keep]
    )
    if int(links.rel[i]) == -1:
        prov, cust = (ia, ib) if int(links.as1[i]) == a else (ib, ia)
        cust_ptr, cust_idx = _drop(graph.cust_ptr, graph.cust_idx, prov, cust)
        prov_ptr, prov_idx = _drop(graph.prov_ptr, graph.prov_idx, cust, prov)
        return dataclasses.replace(graph, cust_ptr=cust_ptr, cust_idx=cust_idx,
                                   prov_ptr=prov_ptr, prov_idx=prov_idx, links=new_links)
    peer_ptr, peer_idx = _drop(graph.peer_ptr, graph.peer_idx, ia, ib)
    peer_ptr, peer_idx = _drop(peer_ptr, peer_idx, ib, ia)
    return dataclasses.replace(graph, peer_ptr=peer_ptr, peer_idx=peer_idx, links=new_links)


# ------------------------------------------------------------------ private helpers
def _drop(ptr: np.ndarray, idx: np.ndarray, row: int, col: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = int(ptr[row]), int(ptr[row + 1])
    pos = start + int(np.searchsorted(idx[start:end], col))
    out_ptr = ptr.copy()
    out_ptr[row + 1 :] -= 1
    return out_ptr, np.delete(idx, pos)


def _stats(length: np.ndarray, src_idx: np.ndarray, world: np.ndarray,
           foreign: np.ndarray) -> np.ndarray:
    reached = length >= 0
    return np.array([
        float(np.count_nonzero(length[src_idx] >= 0)),
        float(world @ reached),
        float((reached & foreign).any()),
    ])


def _terms(stats: np.ndarray, a_o: np.ndarray, n_src: int, world_total: float,
           a_total: float) -> tuple[float, float]:
    if not a_total:
        return 0.0, 0.0
    r_in = float(a_o @ (stats[:, 0] / n_src)) / a_total if n_src else 0.0
    r_out = float(a_o @ (stats[:, 1] / world_total)) / a_total if world_total else 0.0
    return r_in, r_out


def _reached(dep: DirectionResult, total_w: float, dest_w: float) -> float:
    return total_w * dest_w * (1.0 - dep.unreachable_share)


def _masses(dep: DirectionResult, reached: float) -> Masses:
    out = {str(c): float(g) * reached for c, g in
           zip(dep.by_country["country"], dep.by_country["gateway_share"], strict=True)}
    out["(direct)"] = dep.direct_share * reached
    out["(domestic)"] = dep.domestic_share * reached
    return out


def _shares(masses: Masses, reached: float) -> dict[str, float]:
    return {k: v / reached if reached else 0.0 for k, v in masses.items()}


def _scaled_job_masses(base: LinkBaseline, hits: tuple[tuple[int, int], ...]) -> tuple[
    Masses, float
]:
    """Baseline masses of the hit origins: per-destination sums scale with the
    destination weight, so a single stub of a group carries its share of the group's."""
    masses: Masses = {}
    reached = 0.0
    for j, member in hits:
        group = list(base.jobs[j][1])
        job_m, job_r = base.job_masses[j]
        scale = 1.0 if member < 0 else float(base.space[member] / base.space[group].sum())
        for k, v in job_m.items():
            masses[k] = masses.get(k, 0.0) + v * scale
        reached += job_r * scale
    return masses, reached


def _subset_masses(graph: ASGraph, base: LinkBaseline, members: list[int],
                   dest_w: float) -> tuple[Masses, float]:
    """Inbound masses of ``members`` alone (the other origins given no space)."""
    home = base.table.country_id(base.country)
    ipv4 = np.where(base.table.cc_id == home, 0.0, base.table.ipv4)
    ipv4[members] = base.table.ipv4[members]
    table = dataclasses.replace(base.table, ipv4=ipv4)
    dep = inbound(graph, table, base.country, mode=base.mode)
    reached = _reached(dep, base.total_w, dest_w)
    return _masses(dep, reached), reached
