"""Fidelity: how often the simulator's routes are the routes a real RIB shows.

For every observed route ``(vantage point, prefix, AS path)`` of a RIB we propagate the
route's origin over a relationship graph of nearly the same date and compare the
simulated route *of the vantage point's AS* with the observed path (prepending removed):

* **exact** -- the simulated path equals the observed path;
* **next hop** -- the first AS after the vantage point is the same;
* **length** -- the two paths have the same number of hops;
* **among best** -- the observed path is one of the simulator's equally best paths
  (customer > peer > provider, then shortest), whatever the tie-break.

In ``deterministic`` mode "exact" and "next hop" use the simulator's single path (ties to
the lowest next-hop ASN, or to the highest learned preference); in ``all-best`` mode they
are the probability that the tie-split walk takes the observed path / first hop, averaged.

**Population.** A RIB line counts when it is a route (not a withdrawal), its path has no
AS-set, is not empty, starts with the peer's AS, has no loop after prepending is removed,
has at least one hop (the peer does not originate the prefix), and both the peer's AS and
the origin are in the graph. Exclusions are counted, first matching reason. The simulator
is per origin: prefixes of one origin share one propagation (``per-prefix`` propagates
every prefix's set of observed origins together instead).

**Options** (each measured held out: when one is set, every vantage point is scored on a
model learned only from the *other* vantage points' routes -- leave-one-VP-out):

* ``learned-preference`` -- among equally best next hops, an AS prefers the neighbour it
  was seen using most often in the other VPs' paths (every path suffix is a route that
  AS chose);
* ``relationship-fixes`` -- links of the other VPs' paths missing from the graph are added,
  and links of their paths that form a valley under the graph are re-labelled, both with
  the relationships Gao's algorithm infers from those paths
  (:func:`crossroads.routing.infer.infer_relationships`);
* ``inferred`` -- the graph is replaced by the relationships inferred from the other VPs'
  paths;
* ``per-prefix`` -- one propagation per prefix with all its observed origins (MOAS).

Method notes and the 2010 results: ``docs/validation.md``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from crossroads.routing import _fidelity_kernels as _fk
from crossroads.routing._fidelity_data import Observed, observed_routes
from crossroads.routing.graph import ASGraph, Links, _pair_key
from crossroads.routing.infer import infer_relationships
from crossroads.routing.routes import RouteMode

__all__ = ["FidelityOption", "FidelityReport", "fidelity", "OPTIONS"]

FidelityOption = Literal["learned-preference", "relationship-fixes", "inferred", "per-prefix"]
OPTIONS: tuple[FidelityOption, ...] = (
    "learned-preference", "relationship-fixes", "inferred", "per-prefix",
)
_LEARNED = {"learned-preference", "relationship-fixes", "inferred"}
METRICS = ("exact", "next_hop", "length", "among_best", "unreachable",
           "path_missing_link", "path_valley")


@dataclass(frozen=True)
class FidelityReport:
    """Agreement of simulated with observed routes, per vantage point and overall.

    ``per_vp`` has one row per vantage point (``vp_asn, vp_ip, routes`` and the
    :data:`METRICS` as fractions of its routes); ``overall`` the same over all routes.
    ``path_missing_link`` / ``path_valley``: observed paths no simulation on this graph can
    produce (a link absent from the graph / a valley under its relationships).
    """

    mode: RouteMode
    options: tuple[FidelityOption, ...]
    held_out: bool
    graph: str
    rib: str
    rib_date: Date | None
    population: dict[str, int]
    excluded: dict[str, int]
    per_vp: pd.DataFrame
    overall: dict[str, float]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "mode": self.mode,
            "options": list(self.options),
            "held_out": self.held_out,
            "graph": self.graph,
            "rib": self.rib,
            "rib_date": None if self.rib_date is None else self.rib_date.isoformat(),
            "units": "fraction of observed (peer, prefix) routes in the population",
            "population": self.population,
            "excluded": self.excluded,
            "overall": self.overall,
            "per_vp": self.per_vp.to_dict(orient="records"),
            "seconds": self.seconds,
            "notes": self.notes,
        }


def fidelity(
    graph: ASGraph,
    rib: pa.Table | str | Path,
    *,
    mode: RouteMode = "deterministic",
    options: Iterable[FidelityOption] = (),
    graph_label: str | None = None,
) -> FidelityReport:
    """Score ``graph``'s simulated routes against the routes of ``rib`` (see module doc).

    ``rib`` is a ``bgpdump -m`` file or its table (:func:`read_bgpdump`).
    """
    t0 = time.perf_counter()
    opts = tuple(dict.fromkeys(options))
    for o in opts:
        if o not in OPTIONS:
            raise ValueError(f"unknown fidelity option {o!r}; use one of {', '.join(OPTIONS)}")
    if mode not in ("deterministic", "all-best"):
        raise ValueError(f"unknown mode {mode!r}; use 'deterministic' or 'all-best'")
    obs = observed_routes(rib, graph)
    held_out = any(o in _LEARNED for o in opts)
    scores = _empty_scores(obs.n)
    vps = np.unique(obs.vp_asn)
    folds = [(v, obs.vp_asn == v) for v in vps] if held_out else [(None, np.ones(obs.n, bool))]
    for held, test in folds:
        model = _train(graph, obs, ~test if held is not None else None, opts)
        _score_into(scores, model, obs, test, opts)
    per_vp, overall = _summarise(obs, scores, mode)
    label = graph_label or _graph_label(graph)
    return FidelityReport(
        mode=mode,
        options=opts,
        held_out=held_out,
        graph=label,
        rib=obs.label,
        rib_date=obs.date,
        population=obs.population,
        excluded=obs.excluded,
        per_vp=per_vp,
        overall=overall,
        seconds=round(time.perf_counter() - t0, 2),
        notes=obs.notes,
    )


# -------------------------------------------------------------------- training
@dataclass(frozen=True)
class _Model:
    graph: ASGraph
    pref_keys: np.ndarray  # int64 (from_index << 32 | to_index), sorted
    pref_vals: np.ndarray  # int64 counts


def _train(
    graph: ASGraph, obs: Observed, train: np.ndarray | None, opts: tuple[str, ...]
) -> _Model:
    """The graph and preferences a fold uses, learned from the routes ``train`` only."""
    g = graph
    if train is not None and ("inferred" in opts or "relationship-fixes" in opts):
        ptr, flat = obs.paths_of(train)
        inferred = infer_relationships((ptr, flat))
        if "inferred" in opts:
            g = inferred.graph()
        else:
            g = _fix_relationships(graph, inferred.links, ptr, flat)
    keys = np.empty(0, np.int64)
    vals = np.empty(0, np.int64)
    if train is not None and "learned-preference" in opts:
        keys, vals = _preferences(g, *obs.paths_of(train))
    return _Model(g, keys, vals)


def _fix_relationships(
    graph: ASGraph, inferred: Links, ptr: np.ndarray, flat: np.ndarray
) -> ASGraph:
    """Add the paths' links missing from the graph (Gao's label), then re-label the first
    valley link of every path that has one (see :func:`_fidelity_kernels.valley_links`)."""
    inf_keys = _pair_key(inferred.as1, inferred.as2)
    missing = ~np.isin(inf_keys, _pair_key(graph.links.as1, graph.links.as2))
    g = graph.with_links(inferred.as1[missing], inferred.as2[missing], inferred.rel[missing])
    xs, ys = _fk.valley_links(*g.adjacency, ptr, _indices(g, flat))
    if xs.size == 0:
        return g
    pairs = np.unique(np.stack([g.asns[xs], g.asns[ys]], axis=1), axis=0)
    return g.with_links(pairs[:, 0], pairs[:, 1], np.full(pairs.shape[0], -1, np.int8))


def _preferences(graph: ASGraph, ptr: np.ndarray, flat: np.ndarray) -> tuple[np.ndarray, ...]:
    """Counts of every (AS, next AS) step of the paths, as sorted int64 keys (indices)."""
    idx = _indices(graph, flat)
    owner = np.repeat(np.arange(ptr.shape[0] - 1), np.diff(ptr))
    ok = (owner[1:] == owner[:-1]) & (idx[:-1] >= 0) & (idx[1:] >= 0)
    keys = (idx[:-1][ok].astype(np.int64) << 32) | idx[1:][ok].astype(np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq, counts.astype(np.int64)


def _indices(graph: ASGraph, asns: np.ndarray) -> np.ndarray:
    """Graph indices of ``asns`` (int32), -1 where the graph lacks the AS."""
    pos = np.searchsorted(graph.asns, asns)
    safe = np.minimum(pos, graph.n - 1)
    return np.where(graph.asns[safe] == asns, safe, -1).astype(np.int32)


# -------------------------------------------------------------------- scoring
_SCORE_FIELDS = ("sim_len", "det_exact", "det_nh", "p_exact", "p_nh", "in_best", "valid")


def _empty_scores(n: int) -> dict[str, np.ndarray]:
    return {
        "sim_len": np.full(n, -1, np.int32),
        "det_exact": np.zeros(n, bool),
        "det_nh": np.zeros(n, bool),
        "p_exact": np.zeros(n),
        "p_nh": np.zeros(n),
        "in_best": np.zeros(n, bool),
        "valid": np.zeros(n, np.int8),
    }


def _score_into(
    scores: dict[str, np.ndarray], model: _Model, obs: Observed, test: np.ndarray,
    opts: tuple[str, ...],
) -> None:
    """Propagate the origin groups of the ``test`` routes on ``model``; fill ``scores``."""
    g = model.graph
    rows = np.flatnonzero(test)
    vp = _indices(g, obs.vp_asn[rows])
    keep = vp >= 0  # a VP missing from an inferred graph has no route
    rows, vp = rows[keep], vp[keep]
    groups = obs.groups("per-prefix" in opts)[rows]
    origin_sets = obs.origin_sets("per-prefix" in opts)
    order = np.argsort(groups, kind="stable")
    rows, vp, groups = rows[order], vp[order], groups[order]
    uniq, start = np.unique(groups, return_index=True)
    route_ptr = np.append(start, rows.shape[0]).astype(np.int64)
    grp_ptr, grp_orig = _origin_csr(g, origin_sets, uniq)
    path_ptr, flat = obs.paths_of_rows(rows)
    out = _fk.score_routes(
        *g.adjacency, grp_ptr, grp_orig, route_ptr, vp, path_ptr, _indices(g, flat),
        model.pref_keys, model.pref_vals,
    )
    for name, values in zip(_SCORE_FIELDS, out, strict=True):
        scores[name][rows] = values


def _origin_csr(
    graph: ASGraph, origin_sets: list[np.ndarray], groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """CSR of each group's origin indices (origins missing from the graph left out)."""
    parts = [origin_sets[int(gid)] for gid in groups]
    lens = np.array([p.shape[0] for p in parts], np.int64)
    flat = np.concatenate(parts) if parts else np.empty(0, np.int64)
    idx = _indices(graph, flat)
    owner = np.repeat(np.arange(len(parts)), lens)
    ok = idx >= 0
    ptr = np.zeros(len(parts) + 1, np.int64)
    np.cumsum(np.bincount(owner[ok], minlength=len(parts)), out=ptr[1:])
    return ptr, idx[ok]


def _summarise(
    obs: Observed, s: dict[str, np.ndarray], mode: RouteMode
) -> tuple[pd.DataFrame, dict[str, float]]:
    obs_len = obs.hops
    frame = pd.DataFrame({
        "vp_asn": obs.vp_asn,
        "vp_ip": obs.vp_ip,
        "exact": s["p_exact"] if mode == "all-best" else s["det_exact"].astype(float),
        "next_hop": s["p_nh"] if mode == "all-best" else s["det_nh"].astype(float),
        "length": (s["sim_len"] == obs_len).astype(float),
        "among_best": s["in_best"].astype(float),
        "unreachable": (s["sim_len"] < 0).astype(float),
        "path_missing_link": (s["valid"] == 1).astype(float),
        "path_valley": (s["valid"] == 2).astype(float),
    })
    grouped = frame.groupby(["vp_asn", "vp_ip"], sort=True)
    per_vp = grouped[list(METRICS)].mean().round(4)
    per_vp.insert(0, "routes", grouped.size())
    per_vp = per_vp.reset_index()
    overall = {"routes": int(obs.n)}
    overall.update({m: round(float(frame[m].mean()), 4) if obs.n else 0.0 for m in METRICS})
    return per_vp, overall


def _graph_label(graph: ASGraph) -> str:
    prov = graph.provenance
    if prov is None:
        return f"AS graph ({graph.n:,} ASes, {len(graph.links):,} links)"
    return f"{prov.dataset} ({prov.data_date.isoformat()}, {graph.n:,} ASes)"
