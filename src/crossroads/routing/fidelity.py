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
* ``added-links`` -- links of the other VPs' paths missing from the graph are added with
  the relationship Gao's algorithm infers from those paths
  (:func:`crossroads.routing.infer.infer_relationships`);
* ``learned-routes`` -- among equally best next hops, an AS first prefers the neighbour
  it was seen using *towards the same destination* (origin, or prefix group with
  ``per-prefix``) in the other VPs' paths, then as ``learned-preference`` if set. With a
  training VP that is a customer of the tested one, this reads the tested AS's own
  choices off its customer's feed: legitimate held out, but say so when quoting it;
* ``relationship-fixes`` -- as ``added-links``, and the first valley link of each of those
  paths is re-labelled "provides transit"; an added or re-labelled link that closes a
  provider-customer cycle is reverted (see :func:`_fix_relationships`);
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

from crossroads.errors import DataFormatError
from crossroads.routing import _fidelity_kernels as _fk
from crossroads.routing._calibrated_score import score_calibrated
from crossroads.routing._fidelity_data import Observed, observed_routes
from crossroads.routing._relfix import fix_relationships, indices
from crossroads.routing.arrays import unique
from crossroads.routing.calibration import Calibration, calibrate
from crossroads.routing.graph import ASGraph
from crossroads.routing.infer import infer_relationships
from crossroads.routing.routes import RouteMode

__all__ = ["Evaluation", "FidelityOption", "FidelityReport", "OPTIONS", "evaluate", "fidelity"]

FidelityOption = Literal[
    "learned-preference", "learned-routes", "added-links", "relationship-fixes", "inferred",
    "per-prefix", "calibrated",
]
OPTIONS: tuple[FidelityOption, ...] = (
    "learned-preference", "learned-routes", "added-links", "relationship-fixes", "inferred",
    "per-prefix", "calibrated",
)
_GRAPH_OPTIONS = {"added-links", "relationship-fixes", "inferred"}
_LEARNED = {"learned-preference", "learned-routes", "calibrated"} | _GRAPH_OPTIONS
METRICS = ("exact", "next_hop", "length", "among_best", "unreachable",
           "path_missing_link", "path_valley", "vp_observed")


@dataclass(frozen=True)
class FidelityReport:
    """Agreement of simulated with observed routes, per vantage point and overall.

    ``per_vp`` has one row per vantage point (``vp_asn, vp_ip, routes`` and the
    :data:`METRICS` as fractions of its routes); ``overall`` the same over all routes;
    ``mean_over_vps`` the unweighted mean of the metrics of each vantage-point AS (every
    VP AS counts once, however many routes it has). ``vp_observed``: the share of routes
    whose vantage point's own route was observed in the training routes (``calibrated``).
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
    mean_over_vps: dict[str, float] = field(default_factory=dict)

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
            "mean_over_vp_ases": self.mean_over_vps,
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
    sample_origins: int | None = None,
    seed: int = 0,
) -> FidelityReport:
    """Score ``graph``'s simulated routes against the routes of ``rib`` (see module doc).

    ``rib`` is a ``bgpdump -m`` file or its table (:func:`read_bgpdump`).
    ``sample_origins``: score only the routes of that many origins drawn at random
    (``seed``); held-out options still learn from *all* the other vantage points' routes.
    """
    if mode not in ("deterministic", "all-best", "calibrated"):
        raise ValueError(f"unknown mode {mode!r}; use 'deterministic', 'all-best' or "
                         "'calibrated'")
    if mode == "calibrated":
        options = ("calibrated",)
    run = evaluate(graph, rib, options=options, sample_origins=sample_origins, seed=seed)
    return run.report(mode, graph_label=graph_label or _graph_label(graph))


@dataclass(frozen=True)
class Evaluation:
    """Raw per-route scores of one fidelity run, from which both modes are summarised."""

    obs: Observed
    options: tuple[FidelityOption, ...]
    held_out: bool
    scored: np.ndarray  # bool per observed route: in the (sampled) scored population
    scores: dict[str, np.ndarray]
    seconds: float
    notes: list[str]

    def report(self, mode: RouteMode, *, graph_label: str) -> FidelityReport:
        """The :class:`FidelityReport` of ``mode`` (both modes share one propagation)."""
        per_vp, overall, macro = _summarise(self.obs, self.scores, mode, self.scored)
        population = dict(self.obs.population)
        if not self.scored.all():
            population["scored_routes"] = int(self.scored.sum())
            population["scored_origins"] = int(np.unique(self.obs.origin[self.scored]).size)
        return FidelityReport(
            mode=mode,
            options=self.options,
            held_out=self.held_out,
            graph=graph_label,
            rib=self.obs.label,
            rib_date=self.obs.date,
            population=population,
            excluded=self.obs.excluded,
            per_vp=per_vp,
            overall=overall,
            seconds=self.seconds,
            notes=self.obs.notes + self.notes,
            mean_over_vps=macro,
        )


def evaluate(
    graph: ASGraph,
    rib: pa.Table | str | Path | Observed,
    *,
    options: Iterable[FidelityOption] = (),
    sample_origins: int | None = None,
    seed: int = 0,
) -> Evaluation:
    """Propagate and score once; :meth:`Evaluation.report` summarises either mode."""
    t0 = time.perf_counter()
    opts = tuple(dict.fromkeys(options))
    for o in opts:
        if o not in OPTIONS:
            raise ValueError(f"unknown fidelity option {o!r}; use one of {', '.join(OPTIONS)}")
    obs = rib if isinstance(rib, Observed) else observed_routes(rib, graph)
    if obs.n == 0:
        excluded = ", ".join(f"{k} {v:,}" for k, v in obs.excluded.items() if v) or "none"
        raise DataFormatError(
            obs.label, "no routes to score: the RIB is empty, or none of its routes is in "
            f"the population (excluded: {excluded})",
            hint="give a `bgpdump -m` RIB of the graph's time")
    scored = np.ones(obs.n, bool)
    notes: list[str] = []
    if sample_origins is not None and sample_origins < unique(obs.origin).size:
        pick = np.random.default_rng(seed).choice(
            unique(obs.origin), sample_origins, replace=False)
        scored = np.isin(obs.origin, pick)
        notes.append(f"scored the routes of {sample_origins:,} origins drawn at random "
                     f"(seed {seed}): {int(scored.sum()):,} of {obs.n:,} routes")
    if "calibrated" in opts and len(opts) > 1:
        raise ValueError("option 'calibrated' includes added links and learned preferences; "
                         "use it alone")
    held_out = any(o in _LEARNED for o in opts)
    scores = _empty_scores(obs.n)
    vps = unique(obs.vp_asn)
    folds = [(v, obs.vp_asn == v) for v in vps] if held_out else [(None, np.ones(obs.n, bool))]
    for held, test in folds:
        model = _train(graph, obs, ~test if held is not None else None, opts)
        if model.note:
            notes.append(f"fold without AS{held}: {model.note}")
        _score_into(scores, model, obs, test & scored, opts)
    return Evaluation(obs, opts, held_out, scored, scores,
                      round(time.perf_counter() - t0, 2), notes)


# -------------------------------------------------------------------- training
@dataclass(frozen=True)
class _Model:
    graph: ASGraph
    pref_keys: np.ndarray  # int64 (from_index << 32 | to_index), sorted
    pref_vals: np.ndarray  # int64 counts
    dest_groups: np.ndarray  # int64 group id of each destination-specific key, sorted
    dest_keys: np.ndarray  # int64 (from_index << 32 | to_index), sorted within a group
    dest_vals: np.ndarray  # int64 counts
    note: str = ""
    calibration: Calibration | None = None


def _train(
    graph: ASGraph, obs: Observed, train: np.ndarray | None, opts: tuple[str, ...]
) -> _Model:
    """The graph and preferences a fold uses, learned from the routes ``train`` only."""
    g = graph
    note = ""
    if train is not None and "calibrated" in opts:
        cal = calibrate(graph, obs, rows=np.flatnonzero(train))
        none = np.empty(0, np.int64)
        return _Model(cal.graph, none, none, none, none, none, cal.describe(), cal)
    if train is not None and _GRAPH_OPTIONS.intersection(opts):
        ptr, flat = obs.paths_of(train)
        inferred = infer_relationships((ptr, flat))
        if "inferred" in opts:
            g = inferred.graph()
        else:
            g, fixes = fix_relationships(
                graph, inferred.links, ptr, flat, relabel="relationship-fixes" in opts)
            note = ", ".join(f"{k} {v:,}" for k, v in fixes.items())
    keys = np.empty(0, np.int64)
    vals = np.empty(0, np.int64)
    if train is not None and "learned-preference" in opts:
        keys, vals = _preferences(g, *obs.paths_of(train))
    dg, dk, dv = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64)
    if train is not None and "learned-routes" in opts:
        dg, dk, dv = _route_choices(g, obs, train, "per-prefix" in opts)
    return _Model(g, keys, vals, dg, dk, dv, note)


def _preferences(graph: ASGraph, ptr: np.ndarray, flat: np.ndarray) -> tuple[np.ndarray, ...]:
    """Counts of every (AS, next AS) step of the paths, as sorted int64 keys (indices)."""
    idx = indices(graph, flat)
    owner = np.repeat(np.arange(ptr.shape[0] - 1), np.diff(ptr))
    ok = (owner[1:] == owner[:-1]) & (idx[:-1] >= 0) & (idx[1:] >= 0)
    keys = (idx[:-1][ok].astype(np.int64) << 32) | idx[1:][ok].astype(np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq, counts.astype(np.int64)


def _route_choices(
    graph: ASGraph, obs: Observed, train: np.ndarray, per_prefix: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of every (destination group, AS, next AS) step of the ``train`` paths.

    Every path suffix ``a_i … origin`` is the route AS ``a_i`` chose towards that
    destination, so a path seen at one vantage point shows the choices of every AS on it.
    """
    rows = np.flatnonzero(train)
    ptr, flat = obs.paths_of_rows(rows)
    idx = indices(graph, flat)
    owner = np.repeat(np.arange(rows.shape[0]), np.diff(ptr))
    ok = (owner[1:] == owner[:-1]) & (idx[:-1] >= 0) & (idx[1:] >= 0)
    grp = obs.groups(per_prefix)[rows][owner[1:][ok]]
    keys = (idx[:-1][ok].astype(np.int64) << 32) | idx[1:][ok].astype(np.int64)
    both = np.unique(np.stack([grp, keys], axis=1), axis=0, return_counts=True)
    (pairs, counts) = both
    return pairs[:, 0].copy(), pairs[:, 1].copy(), counts.astype(np.int64)


# -------------------------------------------------------------------- scoring
_SCORE_FIELDS = ("sim_len", "det_exact", "det_nh", "p_exact", "p_nh", "in_best", "valid",
                 "vp_fixed")


def _empty_scores(n: int) -> dict[str, np.ndarray]:
    return {
        "sim_len": np.full(n, -1, np.int32),
        "det_exact": np.zeros(n, bool),
        "det_nh": np.zeros(n, bool),
        "p_exact": np.zeros(n),
        "p_nh": np.zeros(n),
        "in_best": np.zeros(n, bool),
        "valid": np.zeros(n, np.int8),
        "vp_fixed": np.zeros(n, bool),
    }


def _score_into(
    scores: dict[str, np.ndarray], model: _Model, obs: Observed, test: np.ndarray,
    opts: tuple[str, ...],
) -> None:
    """Propagate the origin groups of the ``test`` routes on ``model``; fill ``scores``."""
    g = model.graph
    rows = np.flatnonzero(test)
    vp = indices(g, obs.vp_asn[rows])
    keep = vp >= 0  # a VP missing from an inferred graph has no route
    rows, vp = rows[keep], vp[keep]
    if model.calibration is not None:
        _score_calibrated(scores, model.calibration, obs, rows, vp)
        return
    groups = obs.groups("per-prefix" in opts)[rows]
    origin_sets = obs.origin_sets("per-prefix" in opts)
    order = np.argsort(groups, kind="stable")
    rows, vp, groups = rows[order], vp[order], groups[order]
    uniq, start = np.unique(groups, return_index=True)
    route_ptr = np.append(start, rows.shape[0]).astype(np.int64)
    grp_ptr, grp_orig = _origin_csr(g, origin_sets, uniq)
    path_ptr, flat = obs.paths_of_rows(rows)
    dest_lo = np.searchsorted(model.dest_groups, uniq, "left").astype(np.int64)
    dest_hi = np.searchsorted(model.dest_groups, uniq, "right").astype(np.int64)
    out = _fk.score_routes(
        *g.adjacency, grp_ptr, grp_orig, route_ptr, vp, path_ptr, indices(g, flat),
        model.pref_keys, model.pref_vals, dest_lo, dest_hi, model.dest_keys, model.dest_vals,
    )
    for name, values in zip(_SCORE_FIELDS[:-1], out, strict=True):  # no vp_fixed: plain
        scores[name][rows] = values


def _score_calibrated(
    scores: dict[str, np.ndarray], cal: Calibration, obs: Observed, rows: np.ndarray,
    vp: np.ndarray,
) -> None:
    """Score ``rows`` on calibrated routes: one group per observed variant of the route's
    (prefix, origin) in the training routes (an origin not observed: its own group)."""
    g = cal.graph
    var = cal.variant_of_prefix(obs.prefix[rows], obs.origin[rows])
    origin = indices(g, obs.origin[rows])
    key = np.where(var >= 0, var, cal.var_origin.size + origin)  # unobserved: by origin
    order = np.argsort(key, kind="stable")
    rows, vp, key, origin, var = rows[order], vp[order], key[order], origin[order], var[order]
    uniq, start = np.unique(key, return_index=True)
    route_ptr = np.append(start, rows.shape[0]).astype(np.int64)
    grp_ptr = np.arange(uniq.size + 1, dtype=np.int64)
    first_var = var[start]
    lo = np.where(first_var >= 0, cal.var_ptr[np.maximum(first_var, 0)], 0)
    hi = np.where(first_var >= 0, cal.var_ptr[np.maximum(first_var, 0) + 1], 0)
    b = cal.bind(g)
    path_ptr, flat = obs.paths_of_rows(rows)
    out = score_calibrated(
        *g.adjacency, grp_ptr, origin[start].astype(np.int32), lo, hi, b.node_idx,
        cal.node_par, cal.node_cnt, *b.prefs, route_ptr, vp,
        path_ptr, indices(g, flat),
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
    idx = indices(graph, flat)
    owner = np.repeat(np.arange(len(parts)), lens)
    ok = idx >= 0
    ptr = np.zeros(len(parts) + 1, np.int64)
    np.cumsum(np.bincount(owner[ok], minlength=len(parts)), out=ptr[1:])
    return ptr, idx[ok]


def _summarise(
    obs: Observed, s: dict[str, np.ndarray], mode: RouteMode, scored: np.ndarray
) -> tuple[pd.DataFrame, dict[str, float], dict[str, float]]:
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
        "vp_observed": s["vp_fixed"].astype(float),
    })
    frame = frame[scored]
    grouped = frame.groupby(["vp_asn", "vp_ip"], sort=True)
    per_vp = grouped[list(METRICS)].mean().round(4)
    per_vp.insert(0, "routes", grouped.size())
    per_vp = per_vp.reset_index()
    overall: dict[str, float] = {"routes": len(frame)}
    overall.update({m: round(float(frame[m].mean()), 4) if len(frame) else 0.0 for m in METRICS})
    by_as = frame.groupby("vp_asn")[list(METRICS)].mean()
    macro: dict[str, float] = {"vp_ases": int(len(by_as))}
    macro.update({m: round(float(by_as[m].mean()), 4) if len(by_as) else 0.0 for m in METRICS})
    return per_vp, overall, macro


def _graph_label(graph: ASGraph) -> str:
    prov = graph.provenance
    if prov is None:
        return f"AS graph ({graph.n:,} ASes, {len(graph.links):,} links)"
    return f"{prov.dataset} ({prov.data_date.isoformat()}, {graph.n:,} ASes)"
