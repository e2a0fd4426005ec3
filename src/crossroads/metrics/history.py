"""A country's foreign dependency over time: one dependency report per AS-graph snapshot.

For every catalogued AS-relationship snapshot in ``[start_year, end_year]`` (CAIDA serial-1
every two years 2002-2018, serial-2 2025-09-01; mirror, cache or download), we run
:func:`crossroads.metrics.report.dependency` without chokepoints and keep its
inbound and outbound foreign-country shares (both the *any* and the *gateway* variant),
the country's border ASes, its distinct foreign upstreams (foreign ASes that are providers
of one of its ASes) and its top foreign transit ASes. Snapshots are independent, so they
run as tasks on Dask distributed (a ``LocalCluster`` of single-threaded processes unless a
scheduler address is given).

**Inputs not of the snapshot's date.** Only the AS graph is dated. AS -> country comes
from ``as_info``: the 2018-10-13 RIR delegation files first (the only dated registry the
mirror has: the nearest one for every year, 0 to 16 years away), then the country of the
address space an AS originates in the 2026 prefix tables; IPv4 weights (which ASes are
sources and destinations and how much they weigh) are 2026 originations. So an AS that
disappeared before 2018 and originates nothing today has country ``unknown`` and weight 0:
old years lose sources and destinations (the country's ASes of the time that no longer
exist are not counted as the country's), and transit through vanished ASes is reported as
``unknown``. The summary gives, per snapshot, the share of the graph's ASes whose country
is unknown and the share of inbound paths crossing an unknown-country AS, so a reader can
see how much of each year is affected.

**The route mode of each snapshot.** A RIB calibrates only a graph of (nearly) its date,
so ``mode="auto"`` is decided per snapshot by the rule of every ``--mode auto``
(:func:`crossroads.routing.load.ribs_near`): a snapshot with a RIB within
``max_rib_gap_days`` of its date (the ``observed`` files, else the RIBs stored by
``crossroads fetch ribs``) is calibrated by those RIBs, the others are routed all-best.
``mode="calibrated"`` measures only the snapshots with such RIBs. The summary's ``mode``
and ``mode_basis`` columns name each snapshot's mode and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date as Date
from functools import partial
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from crossroads._dask import dask_client
from crossroads.errors import CrossroadsError, DatasetMissingError
from crossroads.metrics.border import border_links
from crossroads.metrics.report import dependency
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph, RouteMode, load_graph
from crossroads.routing.calibration import Calibration
from crossroads.routing.load import RIB_MAX_GAP_DAYS, calibrated_graph, ribs_near
from crossroads.snapshots import UNKNOWN, CountryBy, Snapshot
from crossroads.sources import DatasetSpec, catalog
from crossroads.store import RibRecord, Store

HistoryMode = Literal["auto", "deterministic", "all-best", "calibrated"]
"""``mode`` of :func:`history`: a route mode for every snapshot, or ``auto``: per snapshot,
calibrated when a RIB is within the gap of its date, else all-best."""

__all__ = [
    "History", "HistoryMode", "SnapshotPlan", "history", "history_snapshots", "plan_modes",
    "snapshot_summary", "summarise_graph",
]


@dataclass(frozen=True)
class History:
    """The dependency history of ``country``.

    ``summary``: one row per snapshot (``date, dataset, mode, mode_basis, ases, links,
    country_ases, border_ases, foreign_upstreams, unknown_as_share, inbound_*,
    outbound_*``; ``mode`` is the snapshot's route mode, ``mode_basis`` why; shares are
    fractions of tie-split, address-weighted paths with a route). ``by_country``: ``date,
    direction, country, any_share, gateway_share`` for every foreign country with a share.
    ``top_ases``: ``date, direction, rank, asn, name, country, transit_share``.
    ``mode``: the mode asked for (``auto`` may differ per snapshot).
    """

    country: str
    mode: str
    summary: pd.DataFrame
    by_country: pd.DataFrame
    top_ases: pd.DataFrame
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    datasets: tuple[Provenance, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "country": self.country,
            "mode": self.mode,
            "units": "fraction of address-weighted, tie-split paths with a route",
            "summary": _records(self.summary),
            "by_country": _records(self.by_country),
            "top_ases": _records(self.top_ases),
            "notes": list(self.notes),
            "datasets": [p.as_dict() for p in self.datasets],
        }


def history_snapshots(
    start_year: int | None = None, end_year: int | None = None
) -> list[DatasetSpec]:
    """The catalogued AS-relationship snapshots whose year is in the range, oldest first."""
    specs = sorted((s for s in catalog.CATALOG if s.kind == "as-rel"), key=lambda s: s.data_date)
    lo = start_year if start_year is not None else 0
    hi = end_year if end_year is not None else 9999
    return [s for s in specs if lo <= s.data_date.year <= hi]


def history(
    snap: Snapshot,
    country: str,
    *,
    start_year: int | None = None,
    end_year: int | None = None,
    mode: HistoryMode = "all-best",
    top: int = 5,
    scheduler: str | None = None,
    workers: int | None = None,
    observed: Sequence[str | Path] = (),
    max_rib_gap_days: int = RIB_MAX_GAP_DAYS,
) -> History:
    """The dependency history of ``country`` over every snapshot in the year range, with
    ``snap``'s AS table (the graphs of the other dates are read from its store).

    ``scheduler``: address of a Dask scheduler (``tcp://host:8786``); without it a
    ``LocalCluster`` of ``workers`` processes (default 2) runs the snapshots.
    ``mode="calibrated"``: only the snapshots with RIBs within ``max_rib_gap_days`` of
    their date (the ``observed`` files, else those stored by ``crossroads fetch ribs``)
    are measured, each calibrated by those RIBs; the others are listed in the notes as
    skipped. ``mode="auto"``: those snapshots calibrated, the others all-best
    (:func:`plan_modes`).
    """
    start = time.perf_counter()
    cc = snap.require_country(country)
    if snap.store is None:
        raise DatasetMissingError("history reads the graph of every date from the store; "
                                  "this snapshot has none", hint="run `crossroads fetch`")
    specs = history_snapshots(start_year, end_year)
    if not specs:
        raise DatasetMissingError(
            f"no AS-relationship snapshot between {start_year} and {end_year}",
            hint="the catalogue has CAIDA snapshots 2002-2018 (every two years) and 2025",
        )
    plans = plan_modes(specs, mode, observed, max_rib_gap_days,
                       stored=partial(ribs_near, snap.store.settings))
    skipped = [sp.data_date.isoformat() for sp in specs if sp.name not in plans]
    specs = [sp for sp in specs if sp.name in plans]
    if not specs:
        raise CrossroadsError(
            f"no snapshot has RIBs within {max_rib_gap_days} days", hint="give RIB files "
            "with --observed FILE, run `crossroads fetch ribs`, or widen --rib-max-gap")
    parts = _run_on_dask(snap.store, specs, snap.info, cc, top, scheduler, workers,
                         snap.country_by, plans)
    summary = pd.DataFrame([p["summary"] for p in parts])
    by_country = pd.concat([p["by_country"] for p in parts], ignore_index=True)
    top_ases = pd.concat([p["top_ases"] for p in parts], ignore_index=True)
    graphs = tuple(p["provenance"] for p in parts if p["provenance"] is not None)
    ribs = tuple(dict.fromkeys(r for p in parts for r in p["ribs"]))
    return History(
        country=str(summary["country"].iloc[0]),
        mode=mode,
        summary=summary.drop(columns="country"),
        by_country=by_country,
        top_ases=top_ases,
        notes=tuple(_notes(snap.info)) + ((f"calibrated mode: no RIB within "
                                            f"{max_rib_gap_days} days of "
                                            f"{', '.join(skipped)}: not measured",)
                                           if skipped else ()),
        seconds=round(time.perf_counter() - start, 1),
        datasets=(*graphs, *ribs, *(p for p in snap.datasets if p.kind != "as-rel")),
    )


@dataclass(frozen=True)
class SnapshotPlan:
    """How one snapshot of the history is routed: ``mode``, why (``basis``), and the
    RIBs that calibrate it (``files``: RIB files; ``stored``: RIBs of the store)."""

    mode: RouteMode
    basis: str
    files: tuple[str, ...] = ()
    stored: tuple[RibRecord, ...] = ()


def plan_modes(
    specs: Sequence[DatasetSpec], mode: HistoryMode, observed: Sequence[str | Path],
    gap: int, *, stored: Callable[[Date, int], Sequence[RibRecord]],
) -> dict[str, SnapshotPlan]:
    """Per snapshot name, its :class:`SnapshotPlan`; a ``calibrated`` snapshot without
    RIBs is left out (not measured). The RIBs of a snapshot dated ``d``: the ``observed``
    files whose earliest route is within ``gap`` days of ``d``, or without files
    ``stored(d, gap)`` (:func:`crossroads.routing.load.ribs_near`). ``auto`` is
    calibrated where there are some, else all-best.

    >>> from datetime import datetime, UTC
    >>> specs = history_snapshots(2008, 2010)
    >>> rib = RibRecord("rib-rrc00-20100701.0000", "rrc00", datetime(2010, 7, 1, tzinfo=UTC),
    ...                 "", "", 1, Path("x"))
    >>> near = lambda d, gap: [rib] if abs((rib.data_date - d).days) <= gap else []
    >>> for name, p in plan_modes(specs, "auto", (), 730, stored=near).items():
    ...     print(name, p.mode, "|", p.basis)
    caida-as-rel-20080101 all-best | auto: no RIB within 730 days of the graph
    caida-as-rel-20100101 calibrated | auto: RIBs rib-rrc00-20100701.0000, 181 days from the graph
    """
    if mode in ("all-best", "deterministic"):
        return {sp.name: SnapshotPlan(mode, "asked for by name") for sp in specs}
    by_date: dict[str, Date] = {}
    if observed:
        from crossroads.routing.ribs import read_rib

        by_date = {str(f): pc.min(read_rib(f).column("timestamp")).as_py().date()
                   for f in observed}
    out: dict[str, SnapshotPlan] = {}
    for sp in specs:
        d = sp.data_date
        files = tuple(f for f, when in by_date.items() if abs((d - when).days) <= gap)
        recs = () if observed else tuple(stored(d, gap))
        dates = [by_date[f] for f in files] + [r.data_date for r in recs]
        if dates:
            names = ", ".join([Path(f).name for f in files] + [r.name for r in recs])
            days = max(abs((d - when).days) for when in dates)
            out[sp.name] = SnapshotPlan("calibrated", f"{mode}: RIBs {names}, {days:,} days "
                                        "from the graph", files, recs)
        elif mode == "auto":
            out[sp.name] = SnapshotPlan("all-best",
                                        f"auto: no RIB within {gap:,} days of the graph")
    return out


def snapshot_summary(
    store: Store, spec_name: str, info: pd.DataFrame, country: str,
    plan: SnapshotPlan, top: int, country_by: CountryBy = "registration",
) -> dict[str, Any]:
    """One snapshot's row of the history, routed as ``plan`` says (runs on a Dask
    worker; plain data out)."""
    spec = catalog.by_name(spec_name)
    cal = None
    if plan.mode == "calibrated":
        graph, cal = calibrated_graph(store.settings, plan.files, spec.data_date,
                                      max_gap_days=10**6, stored=plan.stored or None)
    else:
        graph = load_graph(store.settings, spec.data_date)
    out = summarise_graph(graph, info, country, mode=plan.mode, top=top,
                          when=spec.data_date.isoformat(), dataset=spec.name,
                          country_by=country_by, calibration=cal)
    out["summary"] = {**out["summary"], "mode": plan.mode, "mode_basis": plan.basis}
    out["provenance"] = graph.provenance
    out["ribs"] = cal.provenance if cal is not None else ()
    return out


def summarise_graph(
    graph: ASGraph, info: pd.DataFrame, country: str, *, mode: RouteMode = "all-best",
    top: int = 5, when: str = "", dataset: str = "", country_by: CountryBy = "registration",
    calibration: Calibration | None = None,
) -> dict[str, Any]:
    """``{"summary": row, "by_country": frame, "top_ases": frame}`` of one graph, with
    the countries of ``info`` in the meaning ``country_by`` (``calibration``: routes
    calibrated by RIBs, ``mode="calibrated"``)."""
    snap = Snapshot.of(graph, info, country_by=country_by)
    rep = dependency(snap, country, mode=mode, chokepoint_k=0, calibration=calibration)
    table = snap.table
    cc = rep.country
    links = border_links(graph, table, cc)
    row: dict[str, Any] = {
        "date": when,
        "dataset": dataset,
        "country": cc,
        "ases": graph.n,
        "links": len(graph.links),
        "country_ases": int(np.count_nonzero(table.cc_id == table.country_id(cc))),
        "border_ases": int(rep.border.shape[0]),
        "foreign_upstreams": int(links.loc[links.relationship == "provider", "neighbor"].nunique()),
        "unknown_as_share": round(float(np.mean(table.cc_id == table.unknown_id)), 4),
    }
    countries, ases = [], []
    for direction, res in (("inbound", rep.inbound), ("outbound", rep.outbound)):
        assert res is not None
        bc = res.by_country
        foreign = bc[bc.country != UNKNOWN]
        lead = foreign.sort_values("any_share", ascending=False).head(1)
        row[f"{direction}_top_country"] = lead.country.iloc[0] if len(lead) else ""
        row[f"{direction}_top_any"] = float(lead.any_share.iloc[0]) if len(lead) else 0.0
        row[f"{direction}_top_gateway"] = float(lead.gateway_share.iloc[0]) if len(lead) else 0.0
        unk = bc[bc.country == UNKNOWN]
        row[f"{direction}_unknown_any"] = float(unk.any_share.iloc[0]) if len(unk) else 0.0
        row[f"{direction}_direct"] = res.direct_share
        row[f"{direction}_domestic"] = res.domestic_share
        row[f"{direction}_unreachable"] = res.unreachable_share
        countries.append(bc.assign(date=when, direction=direction)[
            ["date", "direction", "country", "any_share", "gateway_share"]])
        head = res.by_as.head(top).reset_index(drop=True)
        ases.append(pd.DataFrame({
            "date": when, "direction": direction, "rank": np.arange(1, len(head) + 1),
            "asn": head.asn.to_numpy(), "name": head.name.to_numpy(),
            "country": head.country.to_numpy(), "transit_share": head.transit_share.to_numpy(),
        }))
        row[f"{direction}_top_ases"] = ", ".join(
            f"AS{a} ({c})" for a, c in zip(head.asn, head.country, strict=True))
        if calibration is not None:
            row[f"{direction}_observed_share"] = res.observed_share
    if calibration is not None:
        row["ribs"] = ", ".join(calibration.ribs)
    return {"summary": row, "by_country": pd.concat(countries, ignore_index=True),
            "top_ases": pd.concat(ases, ignore_index=True)}


def _run_on_dask(
    store: Store, specs: list[DatasetSpec], info: pd.DataFrame, country: str,
    top: int, scheduler: str | None, workers: int | None, country_by: CountryBy,
    plans: dict[str, SnapshotPlan],
) -> list[dict[str, Any]]:
    with dask_client(scheduler, workers=workers or 2) as client:
        shared = client.scatter(info, broadcast=True)
        futures = [
            client.submit(snapshot_summary, store, s.name, shared, country, plans[s.name],
                          top, country_by, key=f"history-{country}-{s.name}", pure=False)
            for s in specs
        ]
        return list(client.gather(futures))


def _notes(info: pd.DataFrame) -> list[str]:
    notes = [
        "Only the AS graph is of each snapshot's date. AS -> country: 2018-10-13 RIR "
        "files, else the country of the space the AS originates in 2026; IPv4 weights: 2026 "
        "originations. ASes gone before 2018 that originate nothing today are 'unknown' "
        "with weight 0, so old years under-count sources, destinations and their transit.",
    ]
    if "reg_rule" in info.columns:
        rule = info["reg_rule"].value_counts(normalize=True)
        notes.append(
            f"as_info: {100 * rule.get('rir', 0.0):.0f} % of ASes have a country from the "
            f"2018 RIR files, {100 * rule.get('originated-space', 0.0):.0f} % from 2026 "
            f"address space."
        )
    return notes


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return cast("list[dict[str, object]]", rows)  # the columns are named by strings

