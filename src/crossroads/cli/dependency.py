"""``crossroads dependency`` and ``crossroads world-matrix``: what a country's paths cross.

Thin: parse the options, load one snapshot, call :func:`crossroads.metrics.dependency` (or
:func:`crossroads.metrics.world.world_matrix`), render tables or JSON. The answer comes
first: each direction's lead sentence and its comparison with observed and published
figures; rows whose country attribution is disputed carry their reason.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from crossroads.atomic import atomic_path
from crossroads.cli._cells import cut_list
from crossroads.cli._common import (
    DEFAULT_WORKERS,
    CorridorsOpt,
    CountryArg,
    CountryByChoice,
    CountryByOpt,
    DataDirOpt,
    DateOpt,
    JsonOpt,
    MirrorOpt,
    ModeChoice,
    ModeOpt,
    NoCacheOpt,
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
    mode_of,
    print_json,
)
from crossroads.formatting import pct

if TYPE_CHECKING:
    from crossroads.metrics.report import DependencyReport

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
    mode: ModeOpt = ModeChoice.auto,
    rib_max_gap: RibGapOpt = 730,
    date: DateOpt = None,
    country_by: CountryByOpt = CountryByChoice.operation,
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
    compare_rib: Annotated[list[Path] | None, typer.Option(
        "--compare-rib", help="Also read these RIB files (`bgpdump -m` text or MRT) for "
        "the observed share in the comparison beside the simulated answer. "
        "Repeatable.")] = None,
    top: TopOpt = 10,
    merge_siblings: Annotated[bool, typer.Option(
        "--merge-siblings", help="Route each CAIDA as-org organisation's ASes as one node "
        "(its lowest ASN); needs the as-org dataset loaded.")] = False,
    territory: Annotated[bool, typer.Option(
        "--territory/--no-territory", help="Add the territorial section: whose territory "
        "the paths cross (corridor data), with ranges, and state control.")] = True,
    corridors: CorridorsOpt = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    no_cache: NoCacheOpt = False,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Foreign countries and ASes a country's Internet paths depend on, border ASes,
    chokepoints and address-space concentration."""
    from crossroads.metrics import dependency as run
    from crossroads.metrics import observed_dependency
    from crossroads.metrics.robustness import discount_implausible, robust_snapshot
    from crossroads.physical import load_corridors

    cc = check_country(country)
    if observed:
        check_inputs(observed, what="RIB")
    if compare_rib:
        check_inputs(compare_rib, what="RIB")
    cs = load_corridors(corridors) if corridors is not None and territory else None
    snap, cal = load_routing(mirror, data_dir, date=date, mode=mode, observed=observed,
                             rib_max_gap=rib_max_gap, merge_siblings=merge_siblings,
                             prepare=discount_implausible if robust else None,
                             country_by=country_by)
    calibrated = cal is not None
    if robust:  # calibrated: the graph was discounted before the RIBs calibrated it
        snap = robust_snapshot(snap) if not calibrated else replace(snap, notes=(
            *snap.notes, "--robust: implausible provider links routed as peer links"))
    if observed and not calibrated:
        report = observed_dependency(snap, [str(p) for p in observed], cc)
    else:
        report = run(snap, cc, direction=direction.value, mode=mode_of(mode, cal),
                     sources=sources.value, targets=targets.value, chokepoint_k=chokepoints,
                     workers=workers, calibration=cal, robustness_k=robustness,
                     ribs=[str(p) for p in compare_rib or ()], territory=territory,
                     corridors=cs, cache=not no_cache)
    if json_out:
        print_json(report.as_dict(top=top))
    else:
        _render(report, top)


def world_matrix_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output table: .parquet or .csv.")],
    plot: PlotOpt = None,
    mode: ModeOpt = ModeChoice.auto,
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    date: DateOpt = None,
    country_by: CountryByOpt = CountryByChoice.operation,
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
                             rib_max_gap=rib_max_gap, country_by=country_by)
    m = world_matrix(snap, mode=mode_of(mode, cal), sample=sample, workers=workers,
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


def _render(report: DependencyReport, top: int) -> None:
    for answer in report.answers:
        _render_answer(answer, report.territory)
    console.print(f"[bold]{report.country}[/]: dependency on foreign countries and ASes "
                  f"({report.mode} routes; shares of address-weighted, tie-split paths; "
                  f"countries by {report.country_by})")
    if getattr(report, "cache", "off") == "hit":
        console.print(f"(from the results cache: computed earlier in {report.seconds:.1f} s "
                      "on the same datasets and code)")
    r: Any  # a row of itertuples (its fields typed as any scalar)
    for res in (report.inbound, report.outbound):
        if res is None:
            continue
        t = Table(title=f"{res.direction}: foreign countries (sources: {res.sources})",
                  caption="⚑: the country of an AS carrying ≥ 1 % of the paths is disputed")
        for col in ("country", "gateway share", "any share", "⚑ attribution"):
            t.add_column(col, justify="right" if "share" in col else "left")
        for r in res.by_country.head(top).itertuples():
            t.add_row(r.country, pct(r.gateway_share), pct(r.any_share), _flag(r))
        t.add_row("(direct)", pct(res.direct_share), "")
        t.add_row("(domestic)", pct(res.domestic_share), "")
        t.caption = f"unreachable: {pct(res.unreachable_share)} of pairs"
        if res.observed_share is not None:
            t.caption += (f"; hops along observed routes: {pct(res.observed_share)}, "
                          f"pairs observed end to end: {pct(res.observed_pair_share)}")
        console.print(t)
        a = Table(title=f"{res.direction}: top foreign ASes")
        for col in ("AS", "name", "country", "hegemony", "transit share", "gateway share",
                    "⚑"):
            a.add_column(col)
        for r in res.by_as.head(top).itertuples():
            a.add_row(str(r.asn), str(r.name)[:40], r.country, pct(r.hegemony),
                      pct(r.transit_share), pct(r.gateway_share), "⚑" if _flag(r) else "")
        console.print(a)
    if report.robustness is not None and not report.robustness.empty:
        _render_robustness(report.robustness)
    if not report.border.empty:
        _render_border(report.border, top)
    if report.territory is not None:
        _render_territory(report, top)
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
                  str(r.foreign_peers), cut_list(str(r.upstream_countries), 50))
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


def _render_answer(answer, territory) -> None:  # type: ignore[no-untyped-def]
    console.print(f"[bold]{answer.sentence}[/]", highlight=False)
    c = answer.comparison
    if c.partner is None:
        return
    t = Table("figure", "share", "basis", title=f"compared with published figures "
              f"({answer.direction}, via {c.partner})", title_justify="left")
    if c.simulated is not None:
        t.add_row("crossroads, simulated", pct(c.simulated), "gateway share, this run")
    if c.observed is not None:
        t.add_row("crossroads, observed", pct(c.observed), c.observed_basis or "")
    elif answer.mode != "observed":
        t.add_row("crossroads, observed", "–",
                  c.observed_basis or "no RIB read (add --compare-rib FILE)")
    side = getattr(territory, answer.direction, None) if territory is not None else None
    if side is not None:
        share, low, high = side.share_of(c.partner)
        t.add_row("crossroads, territory", pct(share),
                  f"range {pct(low)} – {pct(high)}: crossing-link mass whose corridor route "
                  f"crosses {c.partner}'s territory (the physical layer; below)")
    for f in c.published:
        region = " (regional figure)" if f.scope == "region" else ""
        t.add_row(f"{f.source.split(',')[0].split(' (')[0]} {f.year}{region}",
                  pct(f.value) if f.value is not None else "no figure",
                  f"{f.measure}: \"{f.quote}\" — {f.url}")
    t.caption = f"why they differ: {c.why}"
    console.print(t)


def _flag(row) -> str:  # type: ignore[no-untyped-def]
    return str(getattr(row, "flag", "") or "")


def _render_rest(report) -> None:  # type: ignore[no-untyped-def]
    if report.chokepoints is not None:
        c = report.chokepoints
        here = report.country
        console.print(f"[bold]{c.headline['sentence']}[/]", highlight=False)
        k = Table(title=f"chokepoints about {here} (baseline reachability {pct(c.baseline)}; "
                  "shares of address-weighted pairs cut off)",
                  caption=f"ranked by the pairs cut off from {here} whose source still "
                  "reaches the rest of the world; sources cut off from everything apart")
        for col in ("kind", "element", f"cut off from {here} only", "sources cut off from all",
                    "loss"):
            k.add_column(col)
        rows = [("AS", f"AS{r.asn} {str(r.name)[:30]} ({r.country})", r)
                for r in c.ases.itertuples()]
        rows += [("link", f"AS{r.as1}-AS{r.as2} ({r.country2})", r) for r in c.links.itertuples()]
        rows += [("country", r.country, r) for r in c.countries.itertuples()]
        for kind, element, r in rows:
            k.add_row(kind, element, pct(r.country_loss), pct(r.isolated_loss), pct(r.loss))
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
