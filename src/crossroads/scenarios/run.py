"""Running a scenario: apply it, then measure the country on the graph before and after.

:func:`simulate` takes a :class:`~crossroads.snapshots.Snapshot` and a scenario; each side
gets

* reachability in and out (:mod:`crossroads.scenarios.reach`), with the path-length
  distribution, the critical ASes and links, and the origins without international routes;
* foreign-country dependency in both variants and the top foreign ASes with hegemony,
  computed by :mod:`crossroads.metrics.dependency` on the same graph, as
  :func:`crossroads.metrics.report.dependency` does (outbound towards the same
  destinations on both sides).

With a snapshot read from a store, the result and the "before" side are kept in the
store's results cache (keyed by the scenario, the options, the datasets' SHA-256 and the
code version): a later process running the same scenario gets it back at once, one
running another scenario of the same country and scope reuses the "before" side; the
result says which (``cache``: ``hit``, ``miss`` -- before side included -- or ``off``).

Worked example -- AS 1 (RU) provides AS 2 (KZ), which provides AS 3 (KZ); cutting the
RU-KZ link leaves Kazakh space without any foreign route::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> from crossroads.scenarios.model import Scenario
    >>> from crossroads.snapshots import Snapshot
    >>> g = ASGraph.from_links([1, 2], [2, 3], [-1, -1])
    >>> snap = Snapshot.of(g, pd.DataFrame({"asn": [1, 2, 3], "reg_cc": ["RU", "KZ", "KZ"],
    ...                                     "ipv4_addresses": [512, 0, 256]}))
    >>> sc = Scenario.model_validate({"name": "cut", "country": "KZ",
    ...     "operations": [{"op": "remove_link", "a": 1, "b": 2}]})
    >>> r = simulate(snap, sc, workers=1)
    >>> r.before.reach.inbound, r.after.reach.inbound
    (1.0, 0.0)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crossroads.beside import Beside
from crossroads.metrics.dependency import inbound, outbound
from crossroads.metrics.report import snapshot_key
from crossroads.metrics.targets import default_destinations
from crossroads.metrics.territory import (
    TerritoryInputs,
    territorial_report,
    territory_datasets,
    territory_inputs,
)
from crossroads.physical import CorridorSet, Satellite
from crossroads.routing import ASGraph, RouteMode
from crossroads.routing.calibration import Calibration
from crossroads.scenarios._memo import IdentityCache
from crossroads.scenarios.apply import AppliedLog, apply
from crossroads.scenarios.model import Scenario
from crossroads.scenarios.reach import reachability
from crossroads.scenarios.result import ScenarioResult, Side
from crossroads.snapshots import ASTable, Snapshot
from crossroads.store import Store, datasets_key

__all__ = ["measure", "simulate"]


def simulate(
    snap: Snapshot,
    scenario: Scenario,
    *,
    mode: RouteMode = "all-best",
    workers: int = 2,
    calibration: Calibration | None = None,
    corridors: CorridorSet | None = None,
    cache: bool = True,
) -> ScenarioResult:
    """Apply ``scenario`` to ``snap``'s graph and measure its country before and after.

    The snapshot's vantage points (route-collector peers) give hegemony, and the sources
    when the scenario restricts to ``collectors``. The outbound destinations are chosen
    once, on the graph before, and kept for the graph after. The "before" side depends
    only on the snapshot and the measuring scope, so it is computed once per (snapshot
    graph, table, corridor data, scope) in the process and reused. ``mode="calibrated"``
    routes with ``calibration`` (built on ``snap``'s graph): on the "after" side every
    observed route through a removed AS or link is dropped, and those ASes fall back to
    simulation.

    Both sides carry the territorial tables (:mod:`crossroads.metrics.territory`) on
    ``corridors`` (default: the shipped corridor data) as edited by the scenario's
    corridor operations, with the store's PeeringDB presence when loaded.

    ``cache``: use the store's results cache (see the module docstring); a calibrated
    run or one on other ``corridors`` rests on files outside the store and is computed
    afresh. The territorial inputs (PeeringDB, state-owned ASes) are read only when the
    result is computed: the cache key needs their provenance alone.
    """
    outside = calibration is not None or corridors is not None
    store = snap.store if cache and not outside else None
    if store is None:
        return _simulate(snap, scenario, mode, workers, None, calibration,
                         territory_inputs(snap, corridors))
    data = (snapshot_key(snap), datasets_key(territory_datasets(snap)))
    key = ("simulate", scenario.model_dump_json(), mode, data)
    got = store.cached(key, lambda: _simulate(snap, scenario, mode, workers, store, None,
                                              territory_inputs(snap), data))
    return dataclasses.replace(got.value, cache="hit" if got.served else "miss")


def _simulate(
    snap: Snapshot, scenario: Scenario, mode: RouteMode, workers: int, store: Store | None,
    calibration: Calibration | None, phys: TerritoryInputs, data: tuple[object, ...] = (),
) -> ScenarioResult:
    graph = snap.graph
    after_graph, log = apply(graph, snap.table, scenario, corridors=phys.corridors,
                             presence=phys.presence)
    cc = snap.require_country(scenario.country)
    table = _TABLES.get((graph, snap.table), (cc, log.origins),
                        lambda: _scoped(snap.table, snap.info, graph, cc, log))
    collectors = tuple(int(a) for a in snap.vantage_points)
    scope = (cc, mode, log.origins, log.vantage_points, log.collectors_only, collectors)

    # the "after" side needs the destinations chosen on the graph before: they come
    # first (cheap); then the two sides run side by side
    dests = _DESTINATIONS.get((graph, table), (cc,),
                              lambda: default_destinations(graph, table, cc))

    def measured() -> Side:
        return measure(graph, table, cc, log, mode=mode, collectors=collectors,
                       workers=workers, destinations=dests, physical=phys,
                       calibration=calibration)

    def baseline() -> Side:
        if store is None:
            return measured()
        # another process may have measured this country and scope already
        return store.cached(("simulate-before", scope, data), measured).value

    with Beside(workers > 1) as beside:
        after_later = beside.run(lambda: measure(
            after_graph, table, cc, log, mode=mode, collectors=collectors, workers=workers,
            destinations=dests, physical=phys, corridors=log.corridors,
            satellite=log.satellite, calibration=calibration))
        before = _BASELINES.get((graph, snap.table, phys.corridors),
                                (*scope, id(calibration)), baseline)
        after = after_later()
    return ScenarioResult(
        scenario=scenario, mode=mode, log=log, before=before, after=after,
        datasets=(*snap.datasets, *phys.datasets), notes=phys.notes,
    )


def measure(
    graph: ASGraph,
    table: ASTable,
    country: str,
    log: AppliedLog,
    *,
    mode: RouteMode,
    collectors: Sequence[int],
    destinations: Sequence[int],
    workers: int = 1,
    calibration: Calibration | None = None,
    physical: TerritoryInputs | None = None,
    corridors: CorridorSet | None = None,
    satellite: Satellite | None = None,
) -> Side:
    """Reachability and dependency of ``country`` on ``graph`` within ``log``'s scope.

    The dependency part is what :func:`crossroads.metrics.report.dependency` computes
    for its inbound and outbound directions (both variants, top foreign ASes with
    hegemony), without chokepoints. ``table`` is re-aligned when ``graph`` has other
    ASes (e.g. after a new AS was linked). ``physical`` adds the territorial tables,
    on ``corridors`` when given (the corridors after a scenario's edits) and with the
    ``satellite`` service when given.
    """
    table = table.aligned(graph)
    sources = _sources(log, collectors)
    reach = reachability(
        graph, table, country, origins=log.origins, sources=sources, mode=mode,
        workers=workers, calibration=calibration,
    )
    cc = table.codes[table.country_id(country)]
    vps = list(collectors) if sources is None else sources.tolist()
    phys = physical is not None
    inb = inbound(graph, table, cc, mode=mode,
                  sources="addresses" if sources is None else "vantage-points",
                  vantage_points=vps, workers=workers, calibration=calibration, crossings=phys)
    dests = list(destinations) if destinations else default_destinations(graph, table, cc)
    out = outbound(graph, table, cc, dests, mode=mode, workers=workers,
                   calibration=calibration, crossings=phys)
    terr = None
    if physical is not None:
        terr = territorial_report(cc, inb, out, corridors or physical.corridors, table,
                                  presence=physical.presence, satellite=satellite)
    return Side(reach=reach, inbound=inb, outbound=out, territory=terr)


# ------------------------------------------------------------------ private helpers
_BASELINES = IdentityCache(size=8)
_TABLES = IdentityCache(size=4)
_DESTINATIONS = IdentityCache(size=4)


def _sources(log: AppliedLog, collectors: Sequence[int]) -> np.ndarray | None:
    """The vantage points standing for "the world" (None: every foreign AS)."""
    vp: np.ndarray | None = None
    if log.vantage_points is not None:
        vp = np.asarray(log.vantage_points, np.int64)
    if log.collectors_only:
        coll = np.asarray(list(collectors), np.int64)
        vp = coll if vp is None else np.intersect1d(vp, coll)
    return vp


def _scoped(
    table: ASTable, info: pd.DataFrame, graph: ASGraph, country: str, log: AppliedLog
) -> ASTable:
    """The table with the country's unmeasured origins given no space (``restrict``)."""
    if log.origins is None:
        return table
    out = info.copy()
    drop = (out[table.country_column] == country) & ~out["asn"].isin(log.origins)
    out.loc[drop, "ipv4_addresses"] = 0
    return ASTable.from_frame(graph, out, country_column=table.country_column)
