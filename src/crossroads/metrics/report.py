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
from pathlib import Path

import numpy as np
import pandas as pd

from crossroads.config import Settings
from crossroads.errors import CrossroadsError, DatasetMissingError
from crossroads.metrics._typing import Direction, OutboundTargets, SourceWeighting
from crossroads.metrics.astable import ASTable
from crossroads.metrics.border import border_ases
from crossroads.metrics.chokepoints import Chokepoints, chokepoints
from crossroads.metrics.concentration import Concentration, concentration
from crossroads.metrics.dependency import DirectionResult, inbound, outbound
from crossroads.metrics.robustness import (
    CONE_RATIO,
    LinkSources,
    discount_implausible,
    implausible_links,
    robustness,
)
from crossroads.metrics.targets import CONTENT_ASNS, default_destinations
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.calibration import Calibration
from crossroads.routing.load import RIB_MAX_GAP_DAYS, calibrated_graph

__all__ = ["DependencyReport", "country_dependency", "dependency_report"]


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
    robustness: pd.DataFrame | None = None  # inbound: the links carrying most mass

    def as_dict(self, *, top: int = 20) -> dict[str, object]:
        """JSON-ready form (``top`` rows of the AS and border tables)."""
        return {
            "country": self.country,
            "mode": self.mode,
            "inbound": self.inbound.as_dict(top=top) if self.inbound else None,
            "outbound": self.outbound.as_dict(top=top) if self.outbound else None,
            "border": self.border.head(top).to_dict(orient="records"),
            "chokepoints": self.chokepoints.as_dict() if self.chokepoints else None,
            "robustness": None if self.robustness is None else {
                "units": "mass_share: fraction of reached inbound path mass crossing the "
                "link; shift: total-variation change of the gateway shares by country "
                "when the link is removed; delta_XX: change of XX's gateway share",
                "links": self.robustness.replace({np.nan: None}).to_dict(orient="records")},
            "concentration": self.concentration.as_dict(),
            "datasets": self.datasets,
            "notes": self.notes,
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
    calibration: Calibration | None = None,
    robustness_k: int = 0,
    link_sources: LinkSources | None = None,
) -> DependencyReport:
    """The full report of ``country`` on ``graph`` with the AS attributes of ``info``
    (an ``as_info``-shaped DataFrame). ``chokepoint_k=0`` skips the chokepoints (the
    slow part: one re-propagation per candidate). ``table`` is ``info`` already aligned
    with ``graph`` (:meth:`ASTable.from_frame`; callers that measure several graphs
    with the same ASes pass it to skip the alignment); ``workers`` threads share the
    destinations of the inbound and outbound passes (same result for any number).
    ``mode="calibrated"`` needs ``calibration`` (built on ``graph``'s ASes:
    :func:`crossroads.routing.calibration.calibrate`; route on its ``graph``).
    ``robustness_k`` > 0 adds the robustness table of the inbound result
    (:func:`crossroads.metrics.robustness.robustness`; one recomputation per link)."""
    start = time.perf_counter()
    if table is None or not np.array_equal(table.asns, graph.asns):
        table = ASTable.from_frame(graph, info)
    cc = table.codes[table.country_id(country)]
    notes: list[str] = []
    inb = out = None
    if direction in ("inbound", "both"):
        inb = inbound(graph, table, cc, mode=mode, sources=sources,
                      vantage_points=vantage_points, workers=workers, calibration=calibration)
    if direction in ("outbound", "both"):
        if targets == "world":
            dests = None
        else:
            dests = list(destinations) if destinations else default_destinations(graph, table, cc)
            named = [CONTENT_ASNS.get(a, f"AS{a}") for a in dests]
            notes.append("outbound destinations: " + ", ".join(named))
        out = outbound(graph, table, cc, dests, mode=mode, workers=workers,
                       calibration=calibration)
    chokes = None
    if chokepoint_k > 0:
        base = inb if inb is not None else inbound(graph, table, cc, mode=mode,
                                                   calibration=calibration)
        chokes = chokepoints(graph, table, cc, base, k=chokepoint_k, mode=mode,
                             calibration=calibration)
    robust = None
    if robustness_k > 0 and inb is not None:
        robust = robustness(graph, table, cc, inb, k=robustness_k, mode=mode, sources=sources,
                            vantage_points=vantage_points, calibration=calibration,
                            link_sources=link_sources, workers=workers)
    if not vantage_points:
        notes.append("no vantage points: inbound hegemony not computed")
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
        robustness=robust,
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
    max_rib_gap_days: int = RIB_MAX_GAP_DAYS,
    robustness_k: int = 5,
    robust: bool = False,
) -> DependencyReport:
    """The report of ``country`` from the store: the AS graph in force on ``date``
    (newest when None), ``as_info``, and the full-feed collector peers as vantage points.
    With ``observed`` RIB files, the metrics come from their paths instead
    (:func:`crossroads.metrics.observed.observed_report`) -- or, with
    ``mode="calibrated"``, from calibrated routes: the RIBs' observed routes fixed, the
    rest simulated, on the graph in force on ``date`` or else on the RIBs' date; a RIB
    more than ``max_rib_gap_days`` from the graph is refused. ``robustness_k`` links get
    a robustness table; ``robust`` routes on the graph with implausible provider links
    made peer links (:func:`crossroads.metrics.robustness.discount_implausible`).
    ``merge_siblings`` routes on the graph with CAIDA as-org sibling groups contracted
    (:mod:`crossroads.routing.siblings`): a group weighs the IPv4 space of all its members
    and takes the country and name of its lowest ASN; the address concentration stays per
    origin AS."""
    from crossroads.routing import load_graph
    from crossroads.routing.fidelity_note import fidelity_note
    from crossroads.store import open_store

    store = open_store(settings)
    info = store.as_info()
    if info.empty:
        raise DatasetMissingError("as_info is empty", hint="run `crossroads fetch`")
    datasets = [r.as_dict() for k in ("asn-ranges", "country-ranges", "rir")
                for r in _current(store, k)]
    if observed and mode != "calibrated":
        from crossroads.metrics.observed import observed_report

        return observed_report(observed, info, country, datasets=datasets)
    calibration = None
    if mode == "calibrated":
        if merge_siblings:
            raise CrossroadsError("--merge-siblings and --mode calibrated cannot be combined",
                                  hint="observed paths name member ASes, not organisations")
        graph, calibration = calibrated_graph(
            settings, observed or (), date, max_rib_gap_days,
            prepare=discount_implausible if robust else None)
        datasets.extend({"dataset": Path(f).name, "source": str(f),
                         "data_date": d.isoformat() if d else ""}
                        for f, d in zip(observed or (), calibration.rib_dates, strict=False))
    else:
        graph = load_graph(settings, date)
    if graph.provenance is not None:
        datasets.insert(0, graph.provenance.as_dict())
    n_discounted = 0
    if robust:
        n_discounted = len(implausible_links(graph))
        if calibration is None:  # calibrated_graph discounted before calibrating
            graph = discount_implausible(graph)
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
    report = dependency_report(
        graph, info, country, direction=direction, mode=mode, sources=sources,
        vantage_points=sorted({merge.rep(a) for a in vps}) if merge else vps,
        targets=targets, chokepoint_k=chokepoint_k, datasets=datasets, table=table,
        calibration=calibration, robustness_k=robustness_k,
        link_sources=_link_sources(store, graph) if robustness_k > 0 else None,
    )
    if robust:
        report.notes.append(f"--robust: {n_discounted:,} implausible provider links (customer "
                            f"cone over {CONE_RATIO:g}x the provider's own) routed as peer links")
    if calibration is not None:
        report.notes.append(calibration.describe())
        for res in (report.inbound, report.outbound):
            if res is not None and res.observed_share is not None:
                report.notes.append(
                    f"{res.direction}: {100 * res.observed_share:.1f} % of the path mass's hops "
                    f"follow observed routes, {100 * (1 - res.observed_share):.1f} % simulated "
                    f"ones; {100 * (res.observed_pair_share or 0):.1f} % of the pairs' routes "
                    "are observed end to end")
    if merge is not None:
        report.notes.append(
            f"siblings merged ({org_dataset}): {sum(len(g) for g in merge.groups):,} ASes in "
            f"{len(merge.groups):,} organisations routed as their lowest ASN; "
            f"{merge.conflicts:,} conflicting links resolved, "
            f"{len(merge.created_cycles)} provider->customer cycles created")
    # every simulated figure says how far simulated paths can be trusted (issue 10)
    graph_date = graph.provenance.data_date if graph.provenance is not None else date
    report.notes.append(fidelity_note(graph_date, mode=mode))
    return report


def _merged_info(info: pd.DataFrame, representative: dict[int, int]) -> pd.DataFrame:
    """``info`` with one row per sibling group: its representative's row carrying the
    summed ``ipv4_addresses`` of all members (a member without a row adds nothing)."""
    rep = info["asn"].map(lambda a: representative.get(int(a), int(a))).astype("int64")
    total = info["ipv4_addresses"].fillna(0).groupby(rep).sum()
    out = info.assign(asn=rep, _own=info["asn"].to_numpy() == rep.to_numpy())
    out = out.sort_values("_own", ascending=False, kind="stable").drop_duplicates("asn")
    out["ipv4_addresses"] = out["asn"].map(total)
    return out.drop(columns="_own").sort_values("asn").reset_index(drop=True)


def _link_sources(store, graph: ASGraph) -> LinkSources | None:  # noqa: ANN001
    """CAIDA's per-link inference source for the graph's snapshot (None when unknown)."""
    if graph.provenance is None:
        return None
    try:
        t = store.links(graph.provenance.dataset)
    except (DatasetMissingError, KeyError, ValueError):
        return None
    return (t.column("as1").to_numpy(), t.column("as2").to_numpy(),
            t.column("source").to_numpy(zero_copy_only=False))


def _current(store, kind: str) -> list:
    try:
        return store.current(kind)
    except DatasetMissingError:
        return []
