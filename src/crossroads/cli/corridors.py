"""``crossroads corridors``: a country's border crossings, long-haul systems, hubs and sources.

Thin: parse, call :func:`crossroads.physical.country_corridors`, render (and write the
offline map with ``--map``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crossroads._atomic import atomic_path
from crossroads._countries import country_code
from crossroads.cli._common import JsonOpt, console, print_json

__all__ = ["register"]


def corridors(
    country: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-2 code, e.g. KZ.")],
    corridor_file: Annotated[Path | None, typer.Option(
        "--corridors", help="A corridor file whose rows add to or replace the shipped "
        "ones (schema of crossroads/physical/data/corridors.csv).")] = None,
    planned: Annotated[bool, typer.Option(
        "--planned", help="Route over planned corridors too.")] = False,
    map_out: Annotated[Path | None, typer.Option(
        "--map", help="Write an SVG map of the corridors and hubs (offline).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Border crossings, long-haul systems and hubs of a country, each with its source."""
    from crossroads.physical import corridor_map_svg, country_corridors

    view = country_corridors(country_code(country), corridor_file=corridor_file,
                             planned=planned)
    if map_out is not None:
        with atomic_path(map_out) as tmp:
            Path(tmp).write_text(corridor_map_svg(view), encoding="utf-8")
    if json_out:
        print_json(view.as_dict())
        return
    d = view.as_dict()
    t = Table(title=f"{view.country}: corridors (data {d['version']})")
    for col in ("id", "kind", "route", "count", "status", "grade", "source"):
        t.add_column(col)
    for c in d["corridors"]:
        src = c["source"]
        t.add_row(c["id"], c["kind"], "-".join(c["countries"]), str(c["count"]),
                  c["status"] + (f" {c['year']}" if c["year"] else ""), c["grade"],
                  f"{src['title'][:60]} ({src['date']}) {src['url']}")
    console.print(t)
    for h in d["hubs"]:
        console.print(f"hub: {h['city']} ({h['country']}), weight {h['weight']}, grade "
                      f"{h['grade']}: {h['source']['url']}", highlight=False)
    for name, r in d["routes"].items():
        crossed = ", ".join(f"{k} {100 * v:.0f} %" for k, v in r["crosses"].items())
        console.print(f"route to {name}: {r['hops']} hop(s), crosses {crossed or '-'}",
                      highlight=False)
    if map_out is not None:
        console.print(f"map: {map_out}")


def register(app: typer.Typer) -> None:
    """Add ``corridors`` to the CLI."""
    app.command("corridors")(corridors)
