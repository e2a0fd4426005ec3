"""Running a scenario: apply it, then measure the country on the graph before and after.

:func:`run` loads the AS graph of a date and the store's ``as_info`` and calls
:func:`run_on`, the pure core that tests and sweeps call with graphs of their own. Each
side gets

* reachability in and out (:mod:`crossroads.scenarios.reach`), with the path-length
  distribution, the critical ASes and links, and the origins without international routes;
* foreign-country dependency in both variants and the top foreign ASes with hegemony,
  computed by :mod:`crossroads.metrics.dependency` on the same graph, as
  :func:`crossroads.metrics.report.dependency_report` does (outbound towards the same
  destinations on both sides).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date

import numpy as np
import pandas as pd

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.metrics.astable import ASTable
from crossroads.metrics.dependency import inbound, outbound
from crossroads.metrics.targets import default_destinations
from crossroads.metrics.territory import territorial_report
from crossroads.metrics.vantage import full_feed_asns
from crossroads.physical import CorridorSet, Satellite, load_corridors
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.load import load_graph
from crossroads.scenarios._countries import Countries, countries_from
from crossroads.scenarios._memo import IdentityCache
from crossroads.scenarios.apply import AppliedLog, apply_with
from crossroads.scenarios.model import Scenario
from crossroads.scenarios.reach import reachability
from crossroads.scenarios.result import ScenarioResult, Side
from crossroads.store import Store, open_store

__all__ = ["collector_asns", "measure", "run", "run_on"]


def run(
    settings: Settings,
    scenario: Scenario,
    *,
    mode: RouteMode = "all-best",
    date: Date | None = None,
    workers: int = 2,
) -> ScenarioResult:
    """Run ``scenario`` on the AS graph in force on ``date`` (newest when None)."""
    graph = load_graph(settings, date)
    store = open_store(settings)
    as_info = store.as_info()
    data = _data_dates(graph, store)
    return run_on(
        graph, as_info, scenario, mode=mode, collectors=collector_asns(settings),
        workers=workers, data=data,
    )


def run_on(
    graph: ASGraph,
    as_info: pd.DataFrame,
    scenario: Scenario,
    *,
    mode: RouteMode = "all-best",
    collectors: Sequence[int] = (),
    workers: int = 2,
    data: dict[str, str] | None = None,
    corridors: CorridorSet | None = None,
) -> ScenarioResult:
    """Apply ``scenario`` to ``graph`` and measure its country before and after.

    ``corridors``: the corridor data before the scenario (default: the shipped data).

    ``collectors`` are the route-collector peers (ASNs): the vantage points of hegemony,
    and the sources when the scenario restricts to ``collectors``. The outbound
    destinations are chosen once, on the graph before, and kept for the graph after.
    The "before" side depends only on the graph, ``as_info`` and the measuring scope, so
    it is computed once per (graph object, as_info object, scope) and reused.
    """
    countries = _COUNTRIES.get((as_info,), None, lambda: countries_from(as_info))
    base = corridors or _CORRIDORS.get((), None, load_corridors)
    after_graph, log = apply_with(graph, countries, scenario, corridors=base)
    cc = scenario.country
    info = _scoped_info(as_info, cc, log)
    table = _TABLES.get((graph, as_info), (cc, log.origins),
                        lambda: ASTable.from_frame(graph, info))

    def baseline() -> tuple[list[int], Side]:
        dests = default_destinations(graph, table, cc)
        side = measure(graph, info, countries, cc, log, mode=mode, collectors=collectors,
                       workers=workers, destinations=dests, table=table, corridors=base)
        return dests, side

    scope = (cc, mode, log.origins, log.vantage_points, log.collectors_only, tuple(collectors),
             id(base))
    dests, before = _BASELINES.get((graph, as_info), scope, baseline)
    after = measure(after_graph, info, countries, cc, log, mode=mode, collectors=collectors,
                    workers=workers, destinations=dests, table=table,
                    corridors=log.corridors or base, satellite=log.satellite)
    return ScenarioResult(
        scenario=scenario, mode=mode, log=log, before=before, after=after, data=data or {}
    )


def measure(
    graph: ASGraph,
    as_info: pd.DataFrame,
    countries: Countries,
    country: str,
    log: AppliedLog,
    *,
    mode: RouteMode,
    collectors: Sequence[int],
    destinations: Sequence[int],
    workers: int = 1,
    table: ASTable | None = None,
    corridors: CorridorSet | None = None,
    satellite: Satellite | None = None,
) -> Side:
    """Reachability and dependency of ``country`` on ``graph`` within ``log``'s scope.

    The dependency part is what :func:`crossroads.metrics.report.dependency_report`
    computes for its inbound and outbound directions (both variants, top foreign ASes
    with hegemony), without chokepoints. ``table`` is ``as_info`` aligned with a graph
    of the same ASes (rebuilt when the ASes differ, e.g. after a new AS was linked).
    ``corridors`` adds the territorial tables (with ``satellite``, the LEO service).
    """
    sources = _sources(log, collectors)
    reach = reachability(
        graph, countries, country, origins=log.origins, sources=sources, mode=mode,
        workers=workers,
    )
    if table is None or not np.array_equal(table.asns, graph.asns):
        table = ASTable.from_frame(graph, as_info)
    cc = table.codes[table.country_id(country)]
    vps = list(collectors) if sources is None else sources.tolist()
    phys = corridors is not None
    inb = inbound(graph, table, cc, mode=mode,
                  sources="addresses" if sources is None else "vantage-points",
                  vantage_points=vps, workers=workers, crossings=phys)
    dests = list(destinations) if destinations else default_destinations(graph, table, cc)
    out = outbound(graph, table, cc, dests, mode=mode, workers=workers, crossings=phys)
    terr = None
    if corridors is not None:
        terr = territorial_report(cc, inb, out, corridors, table, satellite=satellite)
    return Side(reach=reach, inbound=inb, outbound=out, territory=terr)


def collector_asns(settings: Settings) -> list[int]:
    """ASNs with a full IPv4 feed at a RIS or RouteViews collector (the vantage points)."""
    return full_feed_asns(open_store(settings))


# ------------------------------------------------------------------ private helpers
_COUNTRIES = IdentityCache(size=2)
_CORRIDORS = IdentityCache(size=1)
_BASELINES = IdentityCache(size=8)
_TABLES = IdentityCache(size=4)


def _sources(log: AppliedLog, collectors: Sequence[int]) -> np.ndarray | None:
    """The vantage points standing for "the world" (None: every foreign AS)."""
    vp: np.ndarray | None = None
    if log.vantage_points is not None:
        vp = np.asarray(log.vantage_points, np.int64)
    if log.collectors_only:
        coll = np.asarray(list(collectors), np.int64)
        vp = coll if vp is None else np.intersect1d(vp, coll)
    return vp


def _scoped_info(as_info: pd.DataFrame, country: str, log: AppliedLog) -> pd.DataFrame:
    """``as_info`` with the country's unmeasured origins given no space (restrict)."""
    if log.origins is None:
        return as_info
    out = as_info.copy()
    drop = (out["reg_cc"] == country) & ~out["asn"].isin(log.origins)
    out.loc[drop, "ipv4_addresses"] = 0
    return out


def _data_dates(graph: ASGraph, store: Store) -> dict[str, str]:
    out: dict[str, str] = {}
    if graph.provenance is not None:
        out[graph.provenance.dataset] = graph.provenance.data_date.isoformat()
    for kind in ("asn-ranges", "country-ranges", "rir", "ris-peers", "routeviews-peers"):
        try:
            records = store.current(kind)
        except DatasetMissingError:  # a kind that is not loaded is simply not listed
            continue
        out.update({rec.name: rec.data_date.isoformat() for rec in records})
    return out
