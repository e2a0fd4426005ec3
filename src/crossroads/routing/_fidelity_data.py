"""The observed routes a fidelity run scores: the RIB filtered to a precise population.

Private helper of :mod:`crossroads.routing.fidelity`. A RIB line is kept when, in this
order (the first failing test names the exclusion): it is a route, not a withdrawal; its
path has no AS-set; the path is not empty; it starts with the peer's AS; it has no loop
once prepending is removed; it has at least one hop (the peer is not the origin); the
peer's AS and the origin are in the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.routing.arrays import unique
from crossroads.routing.graph import ASGraph
from crossroads.sources.bgpdump_text import clean_paths

__all__ = ["EXCLUSIONS", "Observed", "observed_routes"]

EXCLUSIONS = (
    "withdrawal",
    "AS-set in path",
    "empty path",
    "path does not start with the peer AS",
    "loop in path",
    "peer originates the prefix",
    "peer AS not in graph",
    "origin AS not in graph",
)


@dataclass(frozen=True)
class Observed:
    """The population: one row per kept (peer, prefix) route, paths as an int64 CSR."""

    vp_asn: np.ndarray
    vp_ip: np.ndarray
    prefix: np.ndarray
    origin: np.ndarray
    ptr: np.ndarray
    flat: np.ndarray
    label: str
    date: Date | None
    population: dict[str, int]
    excluded: dict[str, int]
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(self.vp_asn.shape[0])

    @property
    def hops(self) -> np.ndarray:
        """Observed path length in hops."""
        return np.diff(self.ptr) - 1

    def paths_of(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CSR ``(ptr, flat)`` of the routes selected by a boolean mask."""
        return self.paths_of_rows(np.flatnonzero(mask))

    def paths_of_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CSR ``(ptr, flat)`` of the given routes, in that order."""
        lens = self.ptr[rows + 1] - self.ptr[rows]
        ptr = np.zeros(rows.shape[0] + 1, np.int64)
        np.cumsum(lens, out=ptr[1:])
        starts = np.repeat(self.ptr[rows] - ptr[:-1], lens)
        return ptr, self.flat[np.arange(ptr[-1]) + starts]

    def groups(self, per_prefix: bool) -> np.ndarray:
        """Propagation group of every route: its origin, or its prefix's origin set."""
        return self._grouping(per_prefix)[0]

    def origin_sets(self, per_prefix: bool) -> list[np.ndarray]:
        """The origin ASNs of every group id."""
        return self._grouping(per_prefix)[1]

    def _grouping(self, per_prefix: bool) -> tuple[np.ndarray, list[np.ndarray]]:
        key = "_prefix_groups" if per_prefix else "_origin_groups"
        cached = self.__dict__.get(key)
        if cached is None:
            cached = _prefix_groups(self) if per_prefix else _origin_groups(self)
            object.__setattr__(self, key, cached)
        return cached


def observed_routes(rib: pa.Table | str | Path, graph: ASGraph) -> Observed:
    """The routes of ``rib`` in the fidelity population of ``graph`` (module docstring)."""
    label = "<table>"
    if not isinstance(rib, pa.Table):
        from crossroads.routing.ribs import read_rib

        label = Path(rib).name
        rib = read_rib(rib)  # bgpdump -m text or MRT
    n_all = rib.num_rows
    cleaned = clean_paths(rib.column("as_path"))
    lens = pc.list_value_length(cleaned).to_numpy(zero_copy_only=False).astype(np.int64)
    ptr = np.zeros(n_all + 1, np.int64)
    np.cumsum(lens, out=ptr[1:])
    flat = pc.list_flatten(cleaned).to_numpy().astype(np.int64)
    peer = rib.column("peer_asn").to_numpy().astype(np.int64)
    first = np.where(lens > 0, flat[np.minimum(ptr[:-1], max(flat.size - 1, 0))], -1)
    last = np.where(lens > 0, flat[np.maximum(ptr[1:] - 1, 0)], -1)
    tests = [
        pc.equal(rib.column("entry_type"), "W").to_numpy(zero_copy_only=False),
        rib.column("has_as_set").to_numpy(zero_copy_only=False),
        lens == 0,
        first != peer,
        _has_loop(ptr, flat),
        lens == 1,
        ~_present(graph, peer),
        ~_present(graph, last),
    ]
    keep = np.ones(n_all, bool)
    excluded: dict[str, int] = {}
    for name, bad in zip(EXCLUSIONS, tests, strict=True):
        hit = keep & bad
        excluded[name] = int(hit.sum())
        keep &= ~bad
    rows = np.flatnonzero(keep)
    lens_k = lens[rows]
    kptr = np.zeros(rows.shape[0] + 1, np.int64)
    np.cumsum(lens_k, out=kptr[1:])
    kflat = flat[np.arange(kptr[-1]) + np.repeat(ptr[rows] - kptr[:-1], lens_k)]
    prefix = rib.column("prefix").take(pa.array(rows)).to_numpy(zero_copy_only=False)
    vp_ip = rib.column("peer_ip").take(pa.array(rows)).to_numpy(zero_copy_only=False)
    obs = Observed(
        vp_asn=peer[rows],
        vp_ip=vp_ip,
        prefix=prefix,
        origin=last[rows],
        ptr=kptr,
        flat=kflat,
        label=label,
        date=_rib_date(rib),
        population={},
        excluded=excluded,
    )
    obs.population.update(_population(obs, n_all))
    return obs


def _has_loop(ptr: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Paths in which an AS appears twice (after prepending removal)."""
    owner = np.repeat(np.arange(ptr.shape[0] - 1), np.diff(ptr))
    order = np.lexsort((flat, owner))
    o, f = owner[order], flat[order]
    dup = (o[1:] == o[:-1]) & (f[1:] == f[:-1])
    out = np.zeros(ptr.shape[0] - 1, bool)
    out[o[1:][dup]] = True
    return out


def _present(graph: ASGraph, asns: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(graph.asns, asns)
    return graph.asns[np.minimum(pos, graph.n - 1)] == asns


def _rib_date(rib: pa.Table) -> Date | None:
    if rib.num_rows == 0:
        return None
    ts = pc.min(rib.column("timestamp")).as_py()
    return None if ts is None else ts.date()


def _population(obs: Observed, n_all: int) -> dict[str, int]:
    origins = unique(obs.origin)
    prefixes = pd.Series(obs.prefix)
    per_prefix = pd.DataFrame({"p": obs.prefix, "o": obs.origin}).drop_duplicates()
    return {
        "rib_lines": n_all,
        "routes": obs.n,
        "vantage_points": int(np.unique(obs.vp_asn).shape[0]),
        "prefixes": int(prefixes.nunique()),
        "origins": int(origins.shape[0]),
        "moas_prefixes": int((per_prefix.groupby("p").size() > 1).sum()),
    }


def _origin_groups(obs: Observed) -> tuple[np.ndarray, list[np.ndarray]]:
    uniq, inv = np.unique(obs.origin, return_inverse=True)
    return inv.astype(np.int64), [uniq[i : i + 1] for i in range(uniq.shape[0])]


def _prefix_groups(obs: Observed) -> tuple[np.ndarray, list[np.ndarray]]:
    frame = pd.DataFrame({"p": obs.prefix, "o": obs.origin})
    sets = frame.drop_duplicates().sort_values("o").groupby("p")["o"].agg(tuple)
    set_of_route = frame["p"].map(sets)
    codes, uniq = pd.factorize(set_of_route)
    return codes.astype(np.int64), [np.asarray(t, np.int64) for t in uniq]
