"""Calibrated routing: the routes observed in RIBs are kept, the rest are simulated.

Known-path inference (Qiu & Gao, "AS path inference by exploiting known AS paths",
IEEE GLOBECOM 2006; Mao et al., "On AS-level path inference", SIGMETRICS 2005): every
suffix ``v_i … v_k`` of an AS path seen at a vantage point is the route AS ``v_i`` chose
towards origin ``v_k``. A :class:`Calibration` built once from RIB paths
(:func:`calibrate`) makes :func:`~crossroads.routing.propagate.propagate` with
``mode="calibrated"``

1. **fix** the route of every AS observed towards the destination -- next hop, class
   (the relationship with the most-seen next hop) and length -- and re-export it by the
   Gao-Rexford export rules (customer and own routes to everyone, the rest to customers);
   an AS seen with several next hops keeps all of them, weighted by how often each was
   seen (at most :data:`MAX_WEIGHT` parts: the multiplicity in ``Routes.nh_idx``);
2. **simulate** every other AS by Gao-Rexford (customer > peer > provider, then shortest),
   ties going to a neighbour whose own route is observed (an offer known to exist with
   that length), then to the one it was seen choosing most often in any path (learned
   preference), then to the lowest ASN;
3. **add** the links seen in the RIBs but missing from the graph, labelled by Gao's
   inference as the fidelity option ``added-links`` does (:attr:`Calibration.graph`); a
   link whose label would close a provider-customer cycle is added as a peer link;
4. keep **per-prefix differences**: an origin whose prefixes were seen routed differently
   has several variants (:mod:`crossroads.routing._calibration_build`), each propagated
   and weighted by its share of the origin's observed addresses;
5. stay **honest under edits**: an observed route that uses an AS or link missing from the
   graph it is propagated on (a scenario's removal) is dropped, and an AS left without
   one falls back to simulation.

Worked example -- 1 provides 2, 3 and 4; 2 and 3 provide 5. Plain routing gives AS 1 the
customer route 1 2 5 (lowest ASN); the RIB shows 1 3 5::

    >>> import pyarrow as pa
    >>> from crossroads.sources.bgpdump_text import parse_bgpdump
    >>> from crossroads.routing.propagate import propagate
    >>> g = ASGraph.from_links([1, 1, 1, 2, 3], [2, 3, 4, 5, 5], [-1] * 5)
    >>> line = b"TABLE_DUMP2|1277971199|B|10.0.0.1|1|10.5.0.0/16|1 3 5|IGP|x|0|0||NAG||"
    >>> cal = calibrate(g, pa.Table.from_batches(list(parse_bgpdump([(1, line)]))))
    >>> r = propagate(cal.graph, g.index_of(5), mode="calibrated", calibration=cal)
    >>> [int(g.asns[h]) if h >= 0 else None for h in r.next_hop]  # AS 1..5
    [3, 5, 5, 1, None]
    >>> r.observed.tolist()
    [True, False, True, False, False]

AS 1 and AS 3 (the suffix 3 5) are observed; AS 4, simulated, takes its provider route
from AS 1 and so follows 4 1 3 5; AS 2 keeps its simulated customer route. Method:
``docs/methods/calibration.md``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from crossroads.provenance import Provenance
from crossroads.routing import _calibration_build as _b
from crossroads.routing._calibrated_kernels import MAX_WEIGHT
from crossroads.routing._fidelity_data import Observed, observed_routes
from crossroads.routing._relfix import fix_relationships, indices
from crossroads.routing.arrays import unique
from crossroads.routing.graph import ASGraph, _pair_key
from crossroads.routing.infer import infer_relationships
from crossroads.routing.ribs import read_ribs

__all__ = ["MAX_WEIGHT", "Calibration", "calibrate"]


@dataclass(frozen=True)
class Calibration:
    """Observed routes to fix, learned preferences, and the graph with RIB links added.

    Variants ``j`` (sorted by origin, main first): origin ``var_origin[j]``, address
    share ``var_weight[j]``, trie nodes ``var_ptr[j]:var_ptr[j+1]`` (``node_asn``,
    ``node_par`` -- absolute parent index, -1 at the root -- and ``node_cnt``).
    ``pfx``/``pfx_origin``/``pfx_var``: the variant of each observed (prefix, origin).
    ``pref_keys``/``pref_vals``: counts of every observed step ``a << 32 | b`` (ASNs).
    """

    graph: ASGraph
    ribs: tuple[str, ...]
    rib_dates: tuple[Date | None, ...]
    var_origin: np.ndarray
    var_weight: np.ndarray
    var_ptr: np.ndarray
    node_asn: np.ndarray
    node_par: np.ndarray
    node_cnt: np.ndarray
    pfx: np.ndarray
    pfx_origin: np.ndarray
    pfx_var: np.ndarray
    pref_keys: np.ndarray
    pref_vals: np.ndarray
    stats: dict[str, int]
    provenance: tuple[Provenance, ...] = ()  # the RIB files, when read from files
    _bound: list[tuple[weakref.ref[ASGraph], _Bound]] = field(
        default_factory=list, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_bound"] = []  # weak references do not pickle; rebuilt on first use
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)

    def describe(self) -> str:
        """One line: which RIBs, how much was observed, what was added."""
        dates = ", ".join(d.isoformat() for d in self.rib_dates if d is not None)
        s = self.stats
        return (f"calibrated on {', '.join(self.ribs)} ({dates}): {s['routes']:,} observed "
                f"routes from {s['vantage_points']} vantage points, {s['origins']:,} origins "
                f"({s['variants']:,} per-prefix variants), {s['suffixes']:,} distinct "
                f"observed routes, {s['links_added']:,} RIB links added to the graph")

    def variants_of(self, asn: int) -> list[tuple[int, float]]:
        """``(variant, weight)`` of every variant of origin ``asn`` (empty: unobserved)."""
        lo, hi = np.searchsorted(self.var_origin, [asn, asn + 1])
        return [(j, float(self.var_weight[j])) for j in range(int(lo), int(hi))]

    def variant_of_prefix(self, prefixes: np.ndarray, origins: np.ndarray) -> np.ndarray:
        """The variant of each (prefix, origin); the origin's main variant for a prefix
        not observed; -1 for an origin not observed."""
        known = pd.Series(self.pfx_var, index=pd.MultiIndex.from_arrays(
            [self.pfx, self.pfx_origin]))
        got = known.reindex(pd.MultiIndex.from_arrays([prefixes, origins])).to_numpy()
        main = np.searchsorted(self.var_origin, origins)
        main_ok = (main < self.var_origin.size) & (
            self.var_origin[np.minimum(main, max(self.var_origin.size - 1, 0))] == origins)
        fallback = np.where(main_ok, main, -1)
        return np.where(np.isnan(got), fallback, np.nan_to_num(got)).astype(np.int64)

    def bind(self, graph: ASGraph) -> _Bound:
        """The calibration in ``graph``'s indices (cached per graph object)."""
        for ref, bound in self._bound:
            if ref() is graph:
                return bound
        bound = _Bound.make(self, graph)
        self._bound[:] = [*self._bound[-3:], (weakref.ref(graph), bound)]
        return bound


@dataclass(frozen=True)
class _Bound:
    """Trie nodes as AS indices of one graph; learned counts aligned with its CSRs."""

    node_idx: np.ndarray
    up_pref: np.ndarray  # provider CSR entry (u -> provider p): how often p chose u
    down_pref: np.ndarray  # customer CSR entry (u -> customer c): how often c chose u
    across_pref: np.ndarray  # peer CSR entry (u -> peer w): how often w chose u

    @property
    def prefs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(up_pref, down_pref, across_pref)``, kernel order."""
        return self.up_pref, self.down_pref, self.across_pref

    @classmethod
    def make(cls, cal: Calibration, graph: ASGraph) -> _Bound:
        def incoming(ptr: np.ndarray, idx: np.ndarray) -> np.ndarray:
            """Per CSR entry (row u, column x): the count of the step x -> u."""
            if cal.pref_keys.size == 0:
                return np.zeros(idx.size, np.int64)
            rows = np.repeat(np.arange(graph.n, dtype=np.int64), np.diff(ptr))
            keys = (graph.asns[idx] << 32) | graph.asns[rows]
            pos = np.minimum(np.searchsorted(cal.pref_keys, keys), cal.pref_keys.size - 1)
            return np.where(cal.pref_keys[pos] == keys, cal.pref_vals[pos], 0).astype(np.int64)

        return cls(indices(graph, cal.node_asn), incoming(graph.prov_ptr, graph.prov_idx),
                   incoming(graph.cust_ptr, graph.cust_idx),
                   incoming(graph.peer_ptr, graph.peer_idx))

    def nodes(
        self, cal: Calibration, variants: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
        """``(node_idx, node_par, node_cnt, lo, hi)`` of the variants' tries together."""
        if len(variants) == 1:
            j = variants[0]
            return (self.node_idx, cal.node_par, cal.node_cnt,
                    int(cal.var_ptr[j]), int(cal.var_ptr[j + 1]))
        parts = [np.arange(cal.var_ptr[j], cal.var_ptr[j + 1]) for j in variants]
        take = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        shift = np.zeros(cal.node_par.size + 1, np.int64)
        shift[take] = np.arange(take.size)
        par = cal.node_par[take]
        par = np.where(par >= 0, shift[np.maximum(par, 0)], -1)
        return self.node_idx[take], par, cal.node_cnt[take], 0, int(take.size)


def _seen_links_as_peers(g: ASGraph, ptr: np.ndarray, flat: np.ndarray) -> tuple[ASGraph, int]:
    """``g`` with every link of the paths it still lacks added as a peer link: a Gao label
    that closed a provider-customer cycle was reverted, but the link was seen."""
    owner = np.repeat(np.arange(ptr.shape[0] - 1), np.diff(ptr))
    same = owner[1:] == owner[:-1]
    a, b = flat[:-1][same], flat[1:][same]
    keys = unique(_pair_key(a, b))
    missing = keys[~np.isin(keys, _pair_key(g.links.as1, g.links.as2))]
    if missing.size == 0:
        return g, 0
    lo = (missing >> np.uint64(32)).astype(np.int64)
    hi = (missing & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return g.with_links(lo, hi, np.zeros(lo.size, np.int8)), int(missing.size)


def calibrate(
    graph: ASGraph,
    rib: pa.Table | str | Path | Sequence[str | Path] | Observed,
    *,
    rows: np.ndarray | None = None,
    per_prefix: bool = True,
    add_links: bool = True,
    label: str | None = None,
) -> Calibration:
    """A :class:`Calibration` of ``graph`` from the routes of ``rib``: RIB files (``bgpdump
    -m`` text or MRT, :func:`crossroads.routing.ribs.read_ribs`), a table of that shape,
    or an :class:`Observed` population; ``rows`` restricts it, e.g. to the training
    vantage points of a held-out fold. Routes count as in the fidelity population
    (:mod:`crossroads.routing._fidelity_data`): routes whose vantage point or origin is
    not in ``graph`` are not used."""
    if isinstance(rib, str | Path):
        rib = [rib]
    if isinstance(rib, Sequence):
        label = label or ", ".join(Path(p).name for p in rib)
        rib = read_ribs(rib)
    obs = rib if isinstance(rib, Observed) else observed_routes(rib, graph)
    rows = np.arange(obs.n) if rows is None else np.asarray(rows, np.int64)
    ptr, flat = obs.paths_of_rows(rows)
    g, added = graph, 0
    if add_links and rows.size:
        g, fixes = fix_relationships(graph, infer_relationships((ptr, flat)).links, ptr, flat,
                                     relabel=False)
        g, as_peers = _seen_links_as_peers(g, ptr, flat)
        added = fixes["links added"] - fixes["reverted (p2c cycle)"] + as_peers
    row_var, var_origin, var_weight = _b.variants(obs, rows, per_prefix=per_prefix)
    t = _b.tries(obs, rows, row_var, var_origin)
    pk, pv = _b.preferences(obs, rows)
    pairs = pd.DataFrame({"p": obs.prefix[rows], "o": obs.origin[rows], "v": row_var})
    pairs = pairs.drop_duplicates(["p", "o"])
    stats = {"routes": int(rows.size), "vantage_points": int(np.unique(obs.vp_asn[rows]).size),
             "origins": int(np.unique(var_origin).size), "variants": int(var_origin.size),
             "suffixes": int(t.asn.size - var_origin.size), "links_added": int(added)}
    return Calibration(
        graph=g, ribs=(label or obs.label,), rib_dates=(obs.date,), var_origin=var_origin,
        var_weight=var_weight, var_ptr=t.ptr, node_asn=t.asn, node_par=t.par,
        node_cnt=t.cnt, pfx=pairs.p.to_numpy(object), pfx_origin=pairs.o.to_numpy(np.int64),
        pfx_var=pairs.v.to_numpy(np.int64),
        pref_keys=pk, pref_vals=pv, stats=stats,
    )
