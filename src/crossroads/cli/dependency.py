"""``crossroads dependency`` and ``crossroads world-matrix``: what a country's paths cross.

Thin: parse the options, load one snapshot, call :func:`crossroads.metrics.dependency` (or
:func:`crossroads.metrics.world.world_matrix`), render tables or JSON.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crossroads.atomic import atomic_path
from crossroads.cli._common import (
    DEFAULT_WORKERS,
    CountryArg,
    DataDirOpt,
    DateOpt,
    JsonOpt,
    MirrorOpt,
    ModeChoice,
    ModeOpt,
    ObservedOpt,
    PlotOpt,
    RibGapOpt,
    TopOpt,
    WorkersOpt,
    check_country,
    check_inputs,
    check_output,
    console,
    count_option,
    load_routing,
    print_json,
)
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
        "text or MRT) instead of simulated routes; with --mode calibrated, calibrate the "
        "simulation with them (default: the RIBs stored by `crossroads fetch ribs`). "
        "Repeatable.")] = None,
    mode: ModeOpt = ModeChoice.all_best,
    rib_max_gap: RibGapOpt = 730,
    date: DateOpt = None,
    sources: Annotated[SourcesChoice, typer.Option(
        "--sources", help="Inbound sources: every foreign AS by IPv4 space, or the "
        "collectors' full-feed peers.")] = SourcesChoice.addresses,
    targets: Annotated[TargetsChoice, typer.Option(
        "--targets", help="Outbound destinations: content/cloud ASes and the largest "
        "customer cones, or every foreign origin by IPv4 space (slow).")] = TargetsChoice.networks,
    chokepoints: Annotated[int, count_option(
        "--chokepoints", "Candidates per kind for the chokepoint losses (0: skip).",
        high=1000)] = 5,
    robustness: Annotated[int, count_option(
        "--robustness", "Links in the inbound robustness table, each removed and "
        "recomputed (0: skip).", high=1000)] = 5,
    robust: Annotated[bool, typer.Option(
        "--robust", help="Route implausible provider links (a provider whose own customer "
        "cone is over 10x smaller than its customer's) as peer links.")] = False,
    top: TopOpt = 10,
    merge_siblings: Annotated[bool, typer.Option(
        "--merge-siblings", help="Route each CAIDA as-org organisation's ASes as one node "
        "(its lowest ASN); needs the as-org dataset loaded.")] = False,
    workers: WorkersOpt = DEFAULT_WORKERS,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Foreign countries and ASes a country's Internet paths depend on, border ASes,
    chokepoints and address-space concentration."""
    from crossroads.metrics import dependency as run
    from crossroads.metrics import observed_dependency
    from crossroads.metrics.robustness import discount_implausible, robust_snapshot

    cc = check_country(country)
    if observed:
        check_inputs(observed, what="RIB")
    calibrated = mode == ModeChoice.calibrated
    snap, cal = load_routing(mirror, data_dir, date=date, mode=mode, observed=observed,
                             rib_max_gap=rib_max_gap, merge_siblings=merge_siblings,
                             prepare=discount_implausible if robust else None)
    if robust:  # calibrated: the graph was discounted before the RIBs calibrated it
        snap = robust_snapshot(snap) if not calibrated else replace(snap, notes=(
            *snap.notes, "--robust: implausible provider links routed as peer links"))
    if observed and not calibrated:
        report = observed_dependency(snap, [str(p) for p in observed], cc)
    else:
        report = run(snap, cc, direction=direction.value, mode=mode.value,
                     sources=sources.value, targets=targets.value, chokepoint_k=chokepoints,
                     workers=workers, calibration=cal, robustness_k=robustness)
    if json_out:
        print_json(report.as_dict(top=top))
    else:
        _render(report, top)


def world_matrix_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output table: .parquet or .csv.")],
    plot: PlotOpt = None,
    mode: ModeOpt = ModeChoice.all_best,
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    date: DateOpt = None,
    sample: Annotated[int | None, count_option(
        "--sample", "Evaluate only this many random destination groups (a preview).",
        low=1, high=10_000_000)] = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    checkpoint: Annotated[Path | None, typer.Option(
        "--checkpoint", help="Resumable progress file (.npz).")] = None,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Every country's inbound gateway dependency on every other country."""
    from crossroads.metrics.world import plot_world_matrix, world_matrix

    check_output(out, flag="--out", suffixes=(".parquet", ".csv"))
    if plot is not None:
        check_output(plot, flag="--plot", suffixes=(".png",))
    if checkpoint is not None:
        check_output(checkpoint, flag="--checkpoint", suffixes=(".npz",))
    snap, cal = load_routing(mirror, data_dir, date=date, mode=mode, observed=observed,
                             rib_max_gap=rib_max_gap)
    m = world_matrix(snap, mode=mode.value, sample=sample, workers=workers,
                     checkpoint=checkpoint, calibration=cal)
    table = m.long()
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".csv":
            table.to_csv(tmp, index=False)
        else:
            table.to_parquet(tmp, index=False)
    if plot is not None:
        plot_world_matrix(m, plot)
    what = "sampled " if m.sampled else ""
    console.print(f"{what}world matrix: {m.shares.shape[0]} countries, "
                  f"{m.groups_done:,}/{m.groups_total:,} destination groups, "
                  f"{m.seconds:.1f} s -> {out}" + (f", {plot}" if plot else ""))
    if m.calibration is not None:
        console.print(f"{m.calibration}; {100 * (m.observed_share or 0):.1f} % of the path "
                      "mass's hops follow observed routes", highlight=False)


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
        if res.observed_share is not None:
            t.caption += (f"; hops along observed routes: {pct(res.observed_share)}, "
                          f"pairs observed end to end: {pct(res.observed_pair_share)}")
        console.print(t)
        a = Table(title=f"{res.direction}: top foreign ASes")
        for col in ("AS", "name", "country", "hegemony", "transit share", "gateway share"):
            a.add_column(col)
        for r in res.by_as.head(top).itertuples():
            a.add_row(str(r.asn), str(r.name)[:40], r.country, pct(r.hegemony),
                      pct(r.transit_share), pct(r.gateway_share))
        console.print(a)
    if report.robustness is not None and not report.robustness.empty:
        _render_robustness(report.robustness)
    if not report.border.empty:
        _render_border(report.border, top)
    _render_rest(report)


def _render_robustness(rob) -> None:  # type: ignore[no-untyped-def]
    deltas = [c for c in rob.columns if c.startswith("delta_")]
    t = Table(title="robustness: inbound links carrying the most path mass, each removed "
              "(cones: provider's own / customer's)")
    for col in ("link", "mass", "source", "seen", "cones", "shift",
                *[f"{c[6:]} +/-" for c in deltas]):
        t.add_column(col)
    for r in rob.itertuples():
        cones = "-" if r.rel != "p2c" else (
            f"{r.cone_provider_own:,.0f}/{r.cone_customer:,.0f}"
            + (" small" if r.small_provider else ""))
        t.add_row(f"{r.as1}{'>' if r.rel == 'p2c' else '-'}{r.as2}", pct(r.mass_share),
                  str(r.source or "-"), "-" if r.observed_paths is None else
                  f"{r.observed_paths:,}", cones, pct(r.shift),
                  *[f"{100 * getattr(r, c):+.1f}" for c in deltas])
    console.print(t)


def _render_border(border, top: int) -> None:  # type: ignore[no-untyped-def]
    b = Table(title="border ASes (foreign providers/peers)")
    for col in ("AS", "name", "IPv4 addresses", "foreign providers", "foreign peers",
                "upstream countries"):
        b.add_column(col)
    for r in border.head(top).itertuples():
        b.add_row(str(r.asn), str(r.name)[:40], f"{r.ipv4_addresses:,}", str(r.foreign_providers),
                  str(r.foreign_peers), str(r.upstream_countries)[:50])
    console.print(b)


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
