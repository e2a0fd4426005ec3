"""The country dependency report: every metric of one country, in one call.

:func:`dependency_report` is the core: it takes an explicit graph and AS table, so the
scenario engine can pass an edited graph and compare before/after. :func:`country_dependency`
loads the graph of a date and ``as_info`` from the store and calls it; the CLI, the web
dashboard and the reports call that. See ``docs/methods/dependency.md``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date as Date

import numpy as np
import pandas as pd

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.metrics._typing import Direction, OutboundTargets, SourceWeighting
from crossroads.metrics.astable import ASTable
from crossroads.metrics.border import border_ases
from crossroads.metrics.chokepoints import Chokepoints, chokepoints
from crossroads.metrics.concentration import Concentration, concentration
from crossroads.metrics.dependency import DirectionResult, inbound, outbound
from crossroads.metrics.targets import CONTENT_ASNS, default_destinations
from crossroads.metrics.territory import (
    TerritorialReport,
    owner_labels,
    state_control,
    territorial_report,
)
from crossroads.physical import CorridorSet, Presence
from crossroads.routing import ASGraph, RouteMode

__all__ = ["DependencyReport", "country_dependency", "dependency_report", "physical_inputs"]


@dataclass(frozen=True)
class DependencyReport:
    """Everything ``crossroads dependency`` shows for one country."""

    country: str
    mode: str
    inbound: DirectionResult | None
    outbound: DirectionResult | None
    border: pd.DataFrame
    chokepoints: Chokepoints | None
    concentration: Concentration
    datasets: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    territory: TerritorialReport | None = None
    state_control: dict[str, object] | None = None

    def as_dict(self, *, top: int = 20) -> dict[str, object]:
        """JSON-ready form (``top`` rows of the AS and border tables)."""
        return {
            "country": self.country,
            "mode": self.mode,
            "inbound": self.inbound.as_dict(top=top) if self.inbound else None,
            "outbound": self.outbound.as_dict(top=top) if self.outbound else None,
            "border": self.border.head(top).to_dict(orient="records"),
            "chokepoints": self.chokepoints.as_dict() if self.chokepoints else None,
            "concentration": self.concentration.as_dict(),
            "datasets": self.datasets,
            "notes": self.notes,
            "territory": self.territory.as_dict(top=top) if self.territory else None,
            "state_control": self.state_control,
        }


def dependency_report(
    graph: ASGraph,
    info: pd.DataFrame,
    country: str,
    *,
    direction: Direction = "both",
    mode: RouteMode = "all-best",
    sources: SourceWeighting = "addresses",
    vantage_points: Sequence[int] | None = None,
    targets: OutboundTargets = "networks",
    destinations: Sequence[int] | None = None,
    chokepoint_k: int = 5,
    datasets: Sequence[dict[str, str]] = (),
    table: ASTable | None = None,
    workers: int = 1,
    corridors: CorridorSet | None = None,
    presence: Presence | None = None,
    state_owned: pd.DataFrame | None = None,
) -> DependencyReport:
    """The full report of ``country`` on ``graph`` with the AS attributes of ``info``
    (an ``as_info``-shaped DataFrame). ``chokepoint_k=0`` skips the chokepoints (the
    slow part: one re-propagation per candidate). ``table`` is ``info`` already aligned
    with ``graph`` (:meth:`ASTable.from_frame`; callers that measure several graphs
    with the same ASes pass it to skip the alignment); ``workers`` threads share the
    destinations of the inbound and outbound passes (same result for any number).
    ``corridors`` adds the territorial section (:mod:`crossroads.metrics.territory`;
    ``presence``: PeeringDB presence for the placements) and ``state_owned`` (the
    state-owned-ASes table) the state-control shares; neither changes the other parts."""
    start = time.perf_counter()
    if table is None or not np.array_equal(table.asns, graph.asns):
        table = ASTable.from_frame(graph, info)
    cc = table.codes[table.country_id(country)]
    notes: list[str] = []
    inb = out = None
    extra = {"crossings": corridors is not None,
             "owners": owner_labels(graph, state_owned) if state_owned is not None else None}
    if direction in ("inbound", "both"):
        inb = inbound(graph, table, cc, mode=mode, sources=sources,
                      vantage_points=vantage_points, workers=workers, **extra)
    if direction in ("outbound", "both"):
        if targets == "world":
            dests = None
        else:
            dests = list(destinations) if destinations else default_destinations(graph, table, cc)
            named = [CONTENT_ASNS.get(a, f"AS{a}") for a in dests]
            notes.append("outbound destinations: " + ", ".join(named))
        out = outbound(graph, table, cc, dests, mode=mode, workers=workers, **extra)
    chokes = None
    if chokepoint_k > 0:
        base = inb if inb is not None else inbound(graph, table, cc, mode=mode)
        chokes = chokepoints(graph, table, cc, base, k=chokepoint_k, mode=mode)
    if not vantage_points:
        notes.append("no vantage points: inbound hegemony not computed")
    terr = None
    if corridors is not None:
        terr = territorial_report(cc, inb, out, corridors, table, presence=presence)
        notes.append(
            f"territory: corridor data {corridors.version}; "
            f"{100 * terr.rule_share:.0f} % of the crossing-link mass placed by rules"
            + ("" if presence is not None else " (PeeringDB not loaded)"))
    return DependencyReport(
        country=cc,
        mode=mode,
        inbound=inb,
        outbound=out,
        border=border_ases(graph, table, cc),
        chokepoints=chokes,
        concentration=concentration(info, cc),
        datasets=list(datasets),
        notes=notes,
        seconds=time.perf_counter() - start,
        territory=terr,
        state_control=(state_control(inb, out, state_owned)
                       if state_owned is not None else None),
    )


def country_dependency(
    settings: Settings,
    country: str,
    *,
    direction: Direction = "both",
    mode: RouteMode = "all-best",
    date: Date | None = None,
    observed: Sequence[str] | None = None,
    sources: SourceWeighting = "addresses",
    targets: OutboundTargets = "networks",
    chokepoint_k: int = 5,
    merge_siblings: bool = False,
    territory: bool = True,
    corridor_file: str | None = None,
) -> DependencyReport:
    """The report of ``country`` from the store: the AS graph in force on ``date``
    (newest when None), ``as_info``, and the full-feed collector peers as vantage points.
    With ``observed`` RIB files, the metrics come from their paths instead
    (:func:`crossroads.metrics.observed.observed_report`). ``merge_siblings`` routes on
    the graph with CAIDA as-org sibling groups contracted (:mod:`crossroads.routing.
    siblings`): a group weighs the IPv4 space of all its members and takes the country
    and name of its lowest ASN; the address concentration stays per origin AS.
    ``territory`` adds the territorial section (shipped corridor data, plus the rows of
    ``corridor_file``; PeeringDB presence and state-owned ASes when loaded)."""
    from crossroads.routing import load_graph
    from crossroads.routing.fidelity_note import fidelity_note
    from crossroads.store import open_store

    store = open_store(settings)
    info = store.as_info()
    if info.empty:
        raise DatasetMissingError("as_info is empty", hint="run `crossroads fetch`")
    datasets = [r.as_dict() for k in ("asn-ranges", "country-ranges", "rir")
                for r in _current(store, k)]
    if observed:
        from crossroads.metrics.observed import observed_report

        return observed_report(observed, info, country, datasets=datasets)
    graph = load_graph(settings, date)
    if graph.provenance is not None:
        datasets.insert(0, graph.provenance.as_dict())
    table = merge = None
    if merge_siblings:
        from crossroads.routing.siblings import merged_from_store

        merge, org_dataset = merged_from_store(settings, graph)
        graph = merge.graph
        table = ASTable.from_frame(graph, _merged_info(info, merge.representative))
        datasets.extend(r.as_dict() for r in _current(store, "as-org"))
    vps: list[int] = []
    try:
        from crossroads.metrics.vantage import full_feed_asns

        vps = full_feed_asns(store)
        datasets.extend(r.as_dict() for k in ("ris-peers", "routeviews-peers")
                        for r in _current(store, k))
    except DatasetMissingError:
        pass
    phys: dict[str, object] = {}
    if territory and merge is None:
        phys = physical_inputs(store, corridor_file)
        datasets.extend(r.as_dict() for k in ("peeringdb", "state-owned")
                        for r in _current(store, k))
    report = dependency_report(
        graph, info, country, direction=direction, mode=mode, sources=sources,
        vantage_points=sorted({merge.rep(a) for a in vps}) if merge else vps,
        targets=targets, chokepoint_k=chokepoint_k, datasets=datasets, table=table,
        **phys,  # type: ignore[arg-type]
    )
    if merge is not None:
        report.notes.append(
            f"siblings merged ({org_dataset}): {sum(len(g) for g in merge.groups):,} ASes in "
            f"{len(merge.groups):,} organisations routed as their lowest ASN; "
            f"{merge.conflicts:,} conflicting links resolved, "
            f"{len(merge.created_cycles)} provider->customer cycles created")
    # every simulated figure says how far simulated paths can be trusted (issue 10)
    graph_date = graph.provenance.data_date if graph.provenance is not None else date
    report.notes.append(fidelity_note(graph_date))
    return report


def physical_inputs(store, corridor_file: str | None = None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The territorial inputs from a store: the corridor data (with ``corridor_file``),
    PeeringDB presence and the state-owned ASes, each when loaded."""
    from crossroads.physical import load_corridors, presence_from_peeringdb

    out: dict[str, object] = {"corridors": load_corridors(corridor_file)}
    if _current(store, "peeringdb"):
        t = {k: store.peeringdb(k).to_pandas() for k in ("fac", "netfac", "ix", "netixlan")}
        name = store.current("peeringdb")[0].name
        out["presence"] = presence_from_peeringdb(t["fac"], t["netfac"], t["ix"],
                                                  t["netixlan"], dataset=name)
    if _current(store, "state-owned"):
        out["state_owned"] = store.state_owned().to_pandas()
    return out


def _merged_info(info: pd.DataFrame, representative: dict[int, int]) -> pd.DataFrame:
    """``info`` with one row per sibling group: its representative's row carrying the
    summed ``ipv4_addresses`` of all members (a member without a row adds nothing)."""
    rep = info["asn"].map(lambda a: representative.get(int(a), int(a))).astype("int64")
    total = info["ipv4_addresses"].fillna(0).groupby(rep).sum()
    out = info.assign(asn=rep, _own=info["asn"].to_numpy() == rep.to_numpy())
    out = out.sort_values("_own", ascending=False, kind="stable").drop_duplicates("asn")
    out["ipv4_addresses"] = out["asn"].map(total)
    return out.drop(columns="_own").sort_values("asn").reset_index(drop=True)


def _current(store, kind: str) -> list:
    try:
        return store.current(kind)
    except DatasetMissingError:
        return []
