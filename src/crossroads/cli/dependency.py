"""``crossroads dependency`` and ``crossroads world-matrix``: what a country's paths cross.

Thin: parse the options, load one snapshot, call :func:`crossroads.metrics.dependency` (or
:func:`crossroads.metrics.world.world_matrix`), render tables or JSON.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crossroads.cli._common import (
    DEFAULT_WORKERS,
    CorridorsOpt,
    CountryArg,
    DataDirOpt,
    DateOpt,
    JsonOpt,
    MirrorOpt,
    ModeChoice,
    ModeOpt,
    PlotOpt,
    TopOpt,
    WorkersOpt,
    console,
    country_arg,
    load_snapshot,
    print_json,
)
from crossroads.errors import CrossroadsError
from crossroads.formatting import pct

__all__ = ["register"]


class DirectionChoice(StrEnum):
    """``--direction`` values."""

    inbound = "inbound"
    outbound = "outbound"
    both = "both"


class SourcesChoice(StrEnum):
    """``--sources`` values (inbound sources)."""

    addresses = "addresses"
    vantage_points = "vantage-points"


class TargetsChoice(StrEnum):
    """``--targets`` values (outbound destinations)."""

    networks = "networks"
    world = "world"


def dependency(
    country: CountryArg,
    direction: Annotated[DirectionChoice, typer.Option(
        "--direction", help="inbound (world -> country), outbound, or both.")
    ] = DirectionChoice.both,
    observed: Annotated[list[Path] | None, typer.Option(
        "--observed", help="Compute from the AS paths of these RIB files (`bgpdump -m` "
        "text or MRT) instead of simulated routes. Repeatable.")] = None,
    mode: ModeOpt = ModeChoice.all_best,
    date: DateOpt = None,
    sources: Annotated[SourcesChoice, typer.Option(
        "--sources", help="Inbound sources: every foreign AS by IPv4 space, or the "
        "collectors' full-feed peers.")] = SourcesChoice.addresses,
    targets: Annotated[TargetsChoice, typer.Option(
        "--targets", help="Outbound destinations: content/cloud ASes and the largest "
        "customer cones, or every foreign origin by IPv4 space (slow).")] = TargetsChoice.networks,
    chokepoints: Annotated[int, typer.Option(
        "--chokepoints", min=0, max=100,
        help="Candidates per kind for the chokepoint losses (0: skip).")] = 5,
    top: TopOpt = 10,
    merge_siblings: Annotated[bool, typer.Option(
        "--merge-siblings", help="Route each CAIDA as-org organisation's ASes as one node "
        "(its lowest ASN); needs the as-org dataset loaded.")] = False,
    territory: Annotated[bool, typer.Option(
        "--territory/--no-territory", help="Add the territorial section: whose territory "
        "the paths cross (corridor data), with ranges, and state control.")] = True,
    corridors: CorridorsOpt = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Foreign countries and ASes a country's Internet paths depend on, border ASes,
    chokepoints and address-space concentration."""
    from crossroads.metrics import dependency as run
    from crossroads.metrics import observed_dependency
    from crossroads.physical import load_corridors

    cc = country_arg(country)
    for f in observed or ():
        if not f.is_file():
            raise CrossroadsError(f"--observed {f}: not a file")
    cs = load_corridors(corridors) if corridors is not None and territory else None
    snap = load_snapshot(mirror, data_dir, date=date, merge_siblings=merge_siblings)
    if observed:
        report = observed_dependency(snap, [str(p) for p in observed], cc)
    else:
        report = run(snap, cc, direction=direction.value, mode=mode.value,
                     sources=sources.value, targets=targets.value, chokepoint_k=chokepoints,
                     workers=workers, territory=territory, corridors=cs)
    if json_out:
        print_json(report.as_dict(top=top))
    else:
        _render(report, top)


def world_matrix_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output table: .parquet or .csv.")],
    plot: PlotOpt = None,
    mode: ModeOpt = ModeChoice.all_best,
    date: DateOpt = None,
    sample: Annotated[int | None, typer.Option(
        "--sample", min=1, help="Evaluate only this many random destination groups "
        "(a preview).")] = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    checkpoint: Annotated[Path | None, typer.Option(
        "--checkpoint", help="Resumable progress file (.npz).")] = None,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Every country's inbound gateway dependency on every other country."""
    from crossroads.metrics.world import plot_world_matrix, world_matrix

    if out.suffix.lower() not in (".parquet", ".csv"):
        raise CrossroadsError(f"--out {out} must end in .parquet or .csv")
    m = world_matrix(load_snapshot(mirror, data_dir, date=date), mode=mode.value,
                     sample=sample, workers=workers, checkpoint=checkpoint)
    table = m.long()
    tmp = out.with_name(out.name + ".part")
    if out.suffix.lower() == ".csv":
        table.to_csv(tmp, index=False)
    else:
        table.to_parquet(tmp, index=False)
    tmp.replace(out)
    if plot is not None:
        plot_world_matrix(m, plot)
    what = "sampled " if m.sampled else ""
    console.print(f"{what}world matrix: {m.shares.shape[0]} countries, "
                  f"{m.groups_done:,}/{m.groups_total:,} destination groups, "
                  f"{m.seconds:.1f} s -> {out}" + (f", {plot}" if plot else ""))


def register(app: typer.Typer) -> None:
    """Add ``dependency`` and ``world-matrix`` to the CLI."""
    app.command("dependency")(dependency)
    app.command("world-matrix")(world_matrix_cmd)


def _render(report, top: int) -> None:
    console.print(f"[bold]{report.country}[/]: dependency on foreign countries and ASes "
                  f"({report.mode} routes; shares of address-weighted, tie-split paths)")
    for res in (report.inbound, report.outbound):
        if res is None:
            continue
        t = Table(title=f"{res.direction}: foreign countries (sources: {res.sources})")
        for col in ("country", "gateway share", "any share"):
            t.add_column(col, justify="right" if col != "country" else "left")
        for r in res.by_country.head(top).itertuples():
            t.add_row(r.country, pct(r.gateway_share), pct(r.any_share))
        t.add_row("(direct)", pct(res.direct_share), "")
        t.add_row("(domestic)", pct(res.domestic_share), "")
        t.caption = f"unreachable: {pct(res.unreachable_share)} of pairs"
        console.print(t)
        a = Table(title=f"{res.direction}: top foreign ASes")
        for col in ("AS", "name", "country", "hegemony", "transit share", "gateway share"):
            a.add_column(col)
        for r in res.by_as.head(top).itertuples():
            a.add_row(str(r.asn), str(r.name)[:40], r.country, pct(r.hegemony),
                      pct(r.transit_share), pct(r.gateway_share))
        console.print(a)
    if not report.border.empty:
        _render_border(report.border, top)
    if report.territory is not None:
        _render_territory(report, top)
    _render_rest(report)


def _render_border(border, top: int) -> None:  # type: ignore[no-untyped-def]
    b = Table(title="border ASes (foreign providers/peers)")
    for col in ("AS", "name", "IPv4 addresses", "foreign providers", "foreign peers",
                "upstream countries"):
        b.add_column(col)
    for r in border.head(top).itertuples():
        b.add_row(str(r.asn), str(r.name)[:40], f"{r.ipv4_addresses:,}", str(r.foreign_providers),
                  str(r.foreign_peers), str(r.upstream_countries)[:50])
    console.print(b)


def _render_territory(report, top: int) -> None:  # type: ignore[no-untyped-def]
    tr = report.territory
    for side, dep in ((tr.inbound, report.inbound), (tr.outbound, report.outbound)):
        if side is None or dep is None:
            continue
        gw = dep.by_country.set_index("country")
        t = Table(title=f"{side.direction}: territory crossed (corridor routes to the "
                  "interconnection metros) beside the AS-level shares")
        for col in ("country", "territory share", "range", "AS gateway share", "AS any share"):
            t.add_column(col, justify="left" if col == "country" else "right")
        for r in side.by_country.head(top).itertuples():
            g = gw.loc[r.country] if r.country in gw.index else None
            t.add_row(r.country, pct(r.share), f"{pct(r.low)} - {pct(r.high)}",
                      pct(None if g is None else g.gateway_share),
                      pct(None if g is None else g.any_share))
        t.caption = (f"% of the path mass on {report.country}'s crossing links; "
                     f"{pct(side.rule_share)} of it placed by rules (range: extremes over "
                     f"their candidate metros); unrouted {pct(side.unrouted_share)}; "
                     f"corridor data {tr.corridors_version}")
        console.print(t)
    sc = report.state_control
    if sc is not None and sc.inbound:
        rows = ", ".join(f"{r.state} {pct(r.share)}" for r in sc.inbound[:top])
        console.print(f"state control (inbound paths crossing a majority state-owned AS, "
                      f"by owning state): {rows}")


def _render_rest(report) -> None:  # type: ignore[no-untyped-def]
    if report.chokepoints is not None:
        c = report.chokepoints
        k = Table(title=f"chokepoints (baseline reachability {pct(c.baseline)}; "
                  "loss = share of address-weighted pairs cut off)")
        for col in ("kind", "element", "loss"):
            k.add_column(col)
        for r in c.ases.itertuples():
            k.add_row("AS", f"AS{r.asn} {str(r.name)[:30]} ({r.country})", pct(r.loss))
        for r in c.links.itertuples():
            k.add_row("link", f"AS{r.as1}-AS{r.as2} ({r.country2})", pct(r.loss))
        for r in c.countries.itertuples():
            k.add_row("country", r.country, pct(r.loss))
        console.print(k)
        path = ", ".join(f"AS{r.asn} ({r.country})" for r in c.carrying.itertuples())
        console.print(f"greedy set carrying >= {pct(c.threshold)} of inbound paths: {path}")
    cn = report.concentration
    console.print(f"IPv4 concentration: {cn.total_ipv4:,} addresses; HHI by origin AS "
                  f"{cn.hhi:,.0f} (0-10 000, shares in percent); top-1 {pct(cn.top1)}, "
                  f"top-3 {pct(cn.top3)}, top-5 {pct(cn.top5)}; HHI by organisation "
                  f"{cn.by_org_hhi:,.0f}")
    for note in report.notes:
        console.print(f"note: {note}")
    for d in report.datasets:
        console.print(f"data: {d.dataset} ({d.data_date.isoformat()}, {d.source})",
                      highlight=False)
