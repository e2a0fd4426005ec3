"""The territorial section of the dependency report, and state control.

:func:`territorial_report` places C's crossing links (the links of
:attr:`DirectionResult.crossings`) with :func:`crossroads.physical.place_links`, routes
C to every candidate metro over the corridors (:func:`crossroads.physical.country_routes`)
and turns the link masses into territorial shares with ranges
(:func:`crossroads.physical.territory`); see ``docs/methods/physical.md``.

:func:`owner_labels` labels every AS of a state-owned operator with its owning state, so
that the "any" dynamic programme of the dependency engine gives, per state, the share of
C's paths with at least one such AS strictly inside (:func:`state_control`).

:func:`territory_inputs` gathers what both read from a snapshot: the corridor data, the
PeeringDB presence and the state-owned ASes when the store holds them, with their
provenance, and a note for each one missing.

Worked example (the hand graph of :mod:`crossroads.metrics.dependency`): AA's origin AS
10 (here in KZ) is reached over AS 20 (RU) and AS 30 (CN), half the paths each. With a
border corridor to each neighbour, each link is placed at its border, so each territory
is crossed by half of the paths::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> from crossroads.snapshots import ASTable
    >>> from crossroads.metrics.dependency import inbound
    >>> from crossroads.physical import CorridorSet, Corridor
    >>> g = ASGraph.from_links([20, 30, 40, 40], [10, 10, 20, 30], [-1, -1, -1, -1])
    >>> info = pd.DataFrame({"asn": [10, 20, 30, 40], "reg_cc": ["KZ", "RU", "CN", "DE"],
    ...                      "ipv4_addresses": [256, 0, 0, 1024]})
    >>> t = ASTable.from_frame(g, info)
    >>> inb = inbound(g, t, "KZ", crossings=True)
    >>> border = lambda a, b: Corridor(f"{a}-{b}", "border", (a, b), 1, (), (), "operational",
    ...     None, "A", "u", "t", "2025")
    >>> cs = CorridorSet((border("KZ", "RU"), border("KZ", "CN")), {}, ())
    >>> tr = territorial_report("KZ", inb, None, cs, t)
    >>> tr.inbound.by_country[["country", "share"]].values.tolist()
    [['CN', 0.5], ['RU', 0.5]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crossroads.metrics.dependency import DirectionResult, Owners
from crossroads.physical import (
    CorridorSet,
    Presence,
    Satellite,
    Territory,
    country_routes,
    load_corridors,
    place_links,
    placements_frame,
    presence_from_peeringdb,
    territory,
)
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph
from crossroads.snapshots import ASTable, Snapshot

__all__ = ["StateControl", "StateShare", "TerritorialReport", "TerritoryInputs",
           "owner_labels", "state_control", "territorial_report", "territory_datasets",
           "territory_inputs"]

_STATE_UNITS = ("fraction of address-weighted, tie-split paths with a route that have a "
                "majority state-owned AS strictly inside (Carisimo et al., IMC 2021)")


@dataclass(frozen=True)
class TerritorialReport:
    """Territorial shares in both directions, the placements, and what they rest on."""

    country: str
    inbound: Territory | None
    outbound: Territory | None
    placements: pd.DataFrame
    corridors_version: str
    corridor_sources: tuple[str, ...]
    peeringdb: str  # dataset name, or "" when PeeringDB was not loaded

    @property
    def rule_share(self) -> float:
        """Share of the crossing-link mass placed by rules (mean over the directions)."""
        parts = [t.rule_share for t in (self.inbound, self.outbound) if t is not None]
        return float(np.mean(parts)) if parts else 0.0

    def as_dict(self, *, top: int | None = None) -> dict[str, object]:
        """JSON-ready form: ``inbound``/``outbound`` (``by_country`` rows ``{country, share,
        low, high}``), ``rule_share`` and the data it rests on."""
        return {
            "inbound": self.inbound.as_dict(top=top) if self.inbound else None,
            "outbound": self.outbound.as_dict(top=top) if self.outbound else None,
            "rule_share": self.rule_share,
            "placements_by_evidence": (  # links (not candidate rows) per evidence
                self.placements.drop_duplicates(["home_asn", "foreign_asn"])
                .groupby("evidence")["foreign_asn"].count().to_dict()
                if not self.placements.empty else {}),
            "corridors": {"version": self.corridors_version,
                          "sources": list(self.corridor_sources)},
            "peeringdb": self.peeringdb or None,
        }


@dataclass(frozen=True)
class StateShare:
    """The share of C's paths crossing an AS majority-owned by ``state``."""

    state: str
    share: float
    conglomerates: tuple[str, ...]


@dataclass(frozen=True)
class StateControl:
    """Per direction, the states whose majority-owned ASes C's paths cross (None: the
    direction was not computed)."""

    inbound: tuple[StateShare, ...] | None
    outbound: tuple[StateShare, ...] | None

    def as_dict(self, *, top: int | None = None) -> dict[str, object]:
        """JSON-ready form: ``units`` and per direction rows ``{state, share,
        conglomerates}``, largest share first (the ``top`` first)."""
        out: dict[str, object] = {"units": _STATE_UNITS}
        for name, rows in (("inbound", self.inbound), ("outbound", self.outbound)):
            out[name] = None if rows is None else [
                {"state": r.state, "share": r.share, "conglomerates": list(r.conglomerates)}
                for r in rows[:top]]
        return out


@dataclass(frozen=True)
class TerritoryInputs:
    """What the territorial and state-control sections read, and where it came from."""

    corridors: CorridorSet
    presence: Presence | None = None
    state_owned: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    datasets: tuple[Provenance, ...] = ()
    notes: tuple[str, ...] = ()


def territory_inputs(snap: Snapshot, corridors: CorridorSet | None = None) -> TerritoryInputs:
    """The corridor data (``corridors``, default the shipped data), PeeringDB presence and
    state-owned ASes of ``snap``'s store, each with its provenance; what the store lacks
    (always, for a hand-made snapshot) is None, with a note: placement then rests on the
    rules alone, and there is no state-control section."""
    cs = corridors if corridors is not None else load_corridors()
    notes = []
    presence = None
    pdb = snap.peeringdb()
    if pdb is None:
        notes.append("territory: PeeringDB not loaded, every crossing link is placed by "
                     "rules (the ranges span their candidate metros)")
    else:
        name = ", ".join(p.dataset for p in snap.loaded("peeringdb"))
        presence = presence_from_peeringdb(pdb["fac"], pdb["netfac"], pdb["ix"],
                                           pdb["netixlan"], dataset=name)
    owned = snap.state_owned()
    if owned is None:
        notes.append("state control not computed: the state-owned ASes dataset is not loaded")
    return TerritoryInputs(
        corridors=cs, presence=presence, state_owned=owned,
        datasets=territory_datasets(snap, cs), notes=tuple(notes),
    )


def territory_datasets(snap: Snapshot, corridors: CorridorSet | None = None
                       ) -> tuple[Provenance, ...]:
    """The provenance of what :func:`territory_inputs` reads -- corridor data, the store's
    PeeringDB and state-owned datasets -- without reading their tables: enough to key a
    cached result (``crossroads simulate``'s results cache)."""
    cs = corridors if corridors is not None else load_corridors()
    return (*cs.datasets, *snap.loaded("peeringdb"), *snap.loaded("state-owned"))


def territorial_report(
    country: str,
    inbound: DirectionResult | None,
    outbound: DirectionResult | None,
    corridors: CorridorSet,
    table: ASTable,
    *,
    presence: Presence | None = None,
    satellite: Satellite | None = None,
) -> TerritorialReport:
    """Territorial shares of ``country`` from the crossing links of the two directions
    (each computed with ``crossings=True``); ``table`` gives each foreign AS's country."""
    routes = country_routes(corridors, country)
    frames = [d.crossings for d in (inbound, outbound) if d is not None and
              d.crossings is not None]
    links = (pd.concat(frames)[["home_asn", "foreign_asn"]].drop_duplicates()
             if frames else pd.DataFrame(columns=["home_asn", "foreign_asn"]))
    foreign = links["foreign_asn"].to_numpy(np.int64)
    placed = place_links(country, links["home_asn"].tolist(), foreign.tolist(),
                         [table.codes[i] for i in table.ids_of(foreign)], corridors, presence)
    sides = {}
    for name, d in (("inbound", inbound), ("outbound", outbound)):
        sides[name] = (None if d is None or d.crossings is None else
                       territory(d.crossings, placed, routes, country, name,
                                 satellite=satellite))
    return TerritorialReport(
        country=country, inbound=sides["inbound"], outbound=sides["outbound"],
        placements=placements_frame(placed), corridors_version=corridors.version,
        corridor_sources=corridors.sources,
        peeringdb=presence.dataset if presence is not None else "",
    )


def owner_labels(graph: ASGraph, state_owned: pd.DataFrame) -> Owners:
    """Label every AS of ``graph`` owned by a state (majority-owned rows of the
    state-owned-ASes table) with its owning state; others get -1."""
    rows = state_owned[state_owned["ownership"] == "majority"]
    names = tuple(sorted(set(rows["ownership_cc"].dropna())))
    lookup = {c: i for i, c in enumerate(names)}
    labels = np.full(graph.n, -1, np.int32)
    asns = rows["asn"].to_numpy(np.int64)
    pos = np.searchsorted(graph.asns, asns)
    ok = (pos < graph.n) & (graph.asns[np.minimum(pos, graph.n - 1)] == asns)
    labels[pos[ok]] = [lookup[c] for c in rows["ownership_cc"].to_numpy()[ok]]
    return labels, names


def state_control(
    inbound: DirectionResult | None, outbound: DirectionResult | None,
    state_owned: pd.DataFrame,
) -> StateControl:
    """Per direction, the share of C's paths crossing at least one majority state-owned
    AS, by owning state, with the state's conglomerates (e.g. KZ-KAZAKHTELECOM)."""
    major = state_owned[state_owned["ownership"] == "majority"]
    groups: dict[str, set[str]] = {}
    for state, name in zip(major["ownership_cc"], major["conglomerate"], strict=True):
        if isinstance(state, str) and isinstance(name, str):
            groups.setdefault(state, set()).add(name)

    def rows(d: DirectionResult | None) -> tuple[StateShare, ...] | None:
        if d is None or d.owner_any is None:
            return None
        return tuple(StateShare(s, v, tuple(sorted(groups.get(s, ()))))
                     for s, v in sorted(d.owner_any.items(), key=lambda kv: -kv[1]))

    return StateControl(inbound=rows(inbound), outbound=rows(outbound))
