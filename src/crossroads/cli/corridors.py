"""``crossroads corridors``: a country's border crossings, long-haul systems, hubs and sources.

Thin: parse, call :func:`crossroads.physical.country_corridors`, render (and draw the
offline map with ``--plot``).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from crossroads.cli._common import (
    CorridorsOpt,
    CountryArg,
    JsonOpt,
    PlotOpt,
    check_country,
    console,
    print_json,
)

__all__ = ["register"]


def corridors(
    country: CountryArg,
    corridor_file: CorridorsOpt = None,
    planned: Annotated[bool, typer.Option(
        "--planned", help="Route over planned corridors too.")] = False,
    plot: PlotOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Border crossings, long-haul systems and hubs of a country, each with its source."""
    from crossroads.physical import country_corridors, load_corridors, plot_corridors

    cc = check_country(country)
    data = load_corridors(corridor_file)
    view = country_corridors(cc, corridors=data, planned=planned)
    if plot is not None:
        plot_corridors(view, plot)
    if json_out:
        print_json(view.as_dict())
        return
    t = Table(title=f"{view.country}: corridors (data {data.version})")
    for col in ("id", "kind", "route", "count", "status", "grade", "source"):
        t.add_column(col)
    for c in view.corridors:
        t.add_row(c.id, c.kind, "-".join(c.countries), str(c.count),
                  c.status + (f" {c.year}" if c.year else ""), c.grade,
                  f"{c.source_title[:60]} ({c.source_date}) {c.source_url}")
    t.caption = ("count: crossings, cables or systems (a capacity weight); grade A: a "
                 "primary source states it, B: a secondary source, C: partly assumed, "
                 "D: land-border adjacency only")
    console.print(t)
    for h in view.hubs:
        console.print(f"hub: {data.metros[h.metro].city} ({h.country}), weight {h.weight}, "
                      f"grade {h.grade}: {h.source_url}", highlight=False)
    for name, target in view.targets().items():
        crossed = ", ".join(f"{k} {100 * v:.0f} %" for k, v in
                            sorted(view.routes.crossing(target).items()))
        console.print(f"route to {name}: {view.routes.hops.get(target)} hop(s), crosses "
                      f"{crossed or '-'} (% of the shortest corridor routes)", highlight=False)
    for p in data.datasets:
        console.print(f"data: {p.dataset} ({p.data_date.isoformat()}, {p.source}, "
                      f"sha256 {p.sha256[:12]})", highlight=False)
    if plot is not None:
        console.print(f"map: {plot}")


def register(app: typer.Typer) -> None:
    """Add ``corridors`` to the CLI."""
    app.command("corridors")(corridors)
