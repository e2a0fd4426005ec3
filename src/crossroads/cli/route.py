"""``crossroads route``: the valley-free routes towards an origin AS, from one AS or all."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from crossroads.cli._common import (
    CountryByChoice,
    CountryByOpt,
    DataDirOpt,
    DateOpt,
    JsonOpt,
    MirrorOpt,
    ModeChoice,
    ModeOpt,
    ObservedOpt,
    RibGapOpt,
    console,
    load_routing,
    mode_of,
    print_json,
)
from crossroads.ids import parse_asn
from crossroads.routing.query import RouteQuery, route_query
from crossroads.snapshots import ASTable

__all__ = ["register"]


def route(
    origin: Annotated[list[str], typer.Argument(
        help="Origin AS(es) announcing the prefix; several = one multi-origin prefix.",
        metavar="ORIGIN_ASN...")],
    from_asn: Annotated[str | None, typer.Option(
        "--from", help="Show the path(s) from this AS instead of the summary.")] = None,
    mode: ModeOpt = ModeChoice.auto,
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    date: DateOpt = None,
    country_by: CountryByOpt = CountryByChoice.operation,
    merge_siblings: Annotated[bool, typer.Option(
        "--merge-siblings", help="Route each CAIDA as-org organisation's ASes as one node "
        "(its lowest ASN); needs the as-org dataset loaded.")] = False,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Routes every AS would choose (Gao-Rexford, valley-free) towards ORIGIN_ASN."""
    origins = [parse_asn(o) for o in origin]
    source = None if from_asn is None else parse_asn(from_asn)
    snap, cal = load_routing(mirror, data_dir, date=date, mode=mode, observed=observed,
                             rib_max_gap=rib_max_gap, merge_siblings=merge_siblings,
                             country_by=country_by)
    result = route_query(snap.graph, origins, from_asn=source, mode=mode_of(mode, cal),
                         merge=snap.merge, calibration=cal)
    if json_out:
        print_json(result.as_dict())
    else:
        _render(result, snap.table, snap.notes)


def _render(q: RouteQuery, table: ASTable, notes: tuple[str, ...]) -> None:
    origins = ", ".join(table.label(a) for a in q.origins)
    graph = ", ".join(f"{d.dataset} ({d.data_date.isoformat()})" for d in q.datasets)
    console.print(f"Routes towards a prefix of {origins} ({q.mode}); AS graph "
                  f"{graph or 'in memory'}, {q.ases:,} ASes", highlight=False, soft_wrap=True)
    for note in notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
    if q.calibration is not None:
        console.print(q.calibration, highlight=False, soft_wrap=True)
    if q.paths is not None:
        if not q.paths:
            console.print(f"AS{q.from_asn} has no valley-free route to {origins}.")
            return
        seen = "" if q.observed is None else (
            " (observed in the RIBs)" if q.observed else " (simulated)")
        console.print(f"AS{q.from_asn}: {q.route_class} route, AS-path length {q.length_hops} "
                      f"hops{seen}", highlight=False)
        paths = Table("probability", "AS path (source first)")
        for p in q.paths:
            paths.add_row(f"{p.probability:.4f}", " → ".join(table.label(a) for a in p.asns))
        console.print(paths)
        return
    assert q.by_class is not None and q.length_histogram is not None
    console.print(f"{q.reachable:,} of {q.ases:,} ASes reach it "
                  f"({100 * (q.reachable or 0) / q.ases:.2f} %)", highlight=False)
    if q.observed_ases is not None:
        console.print(f"{q.observed_ases:,} of them on observed routes, the rest simulated",
                      highlight=False)
    classes = Table("route learned from", "ASes")
    for name, count in q.by_class.items():
        classes.add_row(name, f"{count:,}")
    console.print(classes)
    lengths = Table("AS-path length (hops)", "ASes")
    for hops, count in q.length_histogram.items():
        lengths.add_row(str(hops), f"{count:,}")
    console.print(lengths)


def register(app: typer.Typer) -> None:
    """Add ``route`` to the ``crossroads`` command."""
    app.command("route")(route)
