"""``crossroads route``: the valley-free routes towards an origin AS, from one AS or all."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from crossroads.cli._common import (
    DataDirOpt,
    JsonOpt,
    MirrorOpt,
    ObservedOpt,
    RibGapOpt,
    console,
    parse_date,
    print_json,
    settings_from,
)
from crossroads.errors import UnknownASNError
from crossroads.routing.query import RouteQuery, route_query

__all__ = ["register"]


class Mode(StrEnum):
    """The modes of :func:`crossroads.routing.propagate`."""

    deterministic = "deterministic"
    all_best = "all-best"
    calibrated = "calibrated"


def _asn(text: str) -> int:
    raw = text.strip().upper().removeprefix("AS")
    if not raw.isdigit() or int(raw) > 2**32 - 1:
        raise UnknownASNError(f"{text!r} is not an AS number", hint="write e.g. 9198 or AS9198")
    return int(raw)


def route(
    origin: Annotated[list[str], typer.Argument(
        help="Origin AS(es) announcing the prefix; several = one multi-origin prefix.",
        metavar="ORIGIN_ASN...")],
    from_asn: Annotated[str | None, typer.Option(
        "--from", help="Show the path(s) from this AS instead of the summary.")] = None,
    mode: Annotated[Mode, typer.Option(
        "--mode", help="deterministic (lowest next-hop ASN wins ties), all-best "
        "(every equally best path, with probabilities) or calibrated (routes seen in the "
        "--observed RIBs kept, the rest simulated).")] = Mode.deterministic,
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    date: Annotated[str | None, typer.Option(
        "--date", help="Use the AS-relationship snapshot in force on this date "
        "(YYYY-MM-DD; default: the newest).")] = None,
    merge_siblings: Annotated[bool, typer.Option(
        "--merge-siblings", help="Route each CAIDA as-org organisation's ASes as one node "
        "(its lowest ASN); needs the as-org dataset loaded.")] = False,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Routes every AS would choose (Gao-Rexford, valley-free) towards ORIGIN_ASN."""
    result = route_query(
        settings_from(mirror, data_dir),
        [_asn(o) for o in origin],
        from_asn=None if from_asn is None else _asn(from_asn),
        mode=mode.value,  # type: ignore[arg-type]
        date=parse_date(date),
        merge_siblings=merge_siblings,
        observed=observed or (),
        max_rib_gap_days=rib_max_gap,
    )
    if json_out:
        print_json(result.as_dict())
    else:
        _render(result)


def _render(q: RouteQuery) -> None:
    origins = ", ".join(f"AS{a}" for a in q.origins)
    console.print(f"Routes towards a prefix of {origins} ({q.mode}); AS graph of "
                  f"{q.data_date}: {q.source}, {q.ases:,} ASes", highlight=False, soft_wrap=True)
    if q.siblings is not None:
        s = q.siblings
        console.print(f"Siblings merged ({s['dataset']}): {s['ases_merged']:,} ASes in "
                      f"{s['groups']:,} organisations, each shown as its lowest ASN; "
                      f"{s['conflicting_links']:,} conflicting links resolved, "
                      f"{len(s['created_cycles'])} provider->customer cycles created",
                      highlight=False, soft_wrap=True)
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
        table = Table("probability", "AS path (source first)")
        for p in q.paths:
            table.add_row(f"{p.probability:.4f}", " ".join(f"AS{a}" for a in p.asns))
        console.print(table)
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
