"""``crossroads simulate``, ``crossroads scenarios`` and ``crossroads sweep``: what-if runs.

Each command parses its options, calls one API function of :mod:`crossroads.scenarios`
and renders the result as rich tables or ``--json``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from crossroads.cli._common import (
    DEFAULT_WORKERS,
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
    SchedulerOpt,
    TopOpt,
    WorkersOpt,
    check_country,
    check_output,
    console,
    load_routing,
    mode_of,
    print_json,
)
from crossroads.formatting import pct, signed
from crossroads.scenarios import (
    LIMITS,
    ScenarioResult,
    SweepResult,
    list_presets,
    load_scenario,
    plot_result,
    simulate,
    sweep,
)

__all__ = ["register"]


def simulate_cmd(
    scenario: Annotated[str, typer.Argument(help="A scenario YAML file or a preset name.",
                                            metavar="SCENARIO.yaml|PRESET")],
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
    mode: ModeOpt = ModeChoice.auto,
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    date: DateOpt = None,
    country_by: CountryByOpt = CountryByChoice.operation,
    top: TopOpt = 10,
    workers: WorkersOpt = DEFAULT_WORKERS,
    no_cache: NoCacheOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Apply a what-if scenario and show the country before and after."""
    if plot is not None:
        check_output(plot, flag="--plot", suffixes=(".png", ".svg"))
    sc = load_scenario(scenario)
    snap, cal = load_routing(mirror, data_dir, date=date, mode=mode, observed=observed,
                             rib_max_gap=rib_max_gap, country_by=country_by)
    result = simulate(snap, sc, mode=mode_of(mode, cal), workers=workers, calibration=cal,
                      cache=not no_cache)
    if plot is not None:
        plot_result(result, plot)
    if json_out:
        print_json(result.as_dict(top=top))
    else:
        _render_result(result, top)


def scenarios_cmd(
    json_out: JsonOpt = False,
    show: Annotated[str | None, typer.Option(
        "--show", metavar="PRESET",
        help="Print this preset's YAML file, to copy and edit (then: crossroads simulate "
        "FILE.yaml).")] = None,
) -> None:
    """List the shipped scenario presets, or print one of them."""
    if show is not None:
        from crossroads.scenarios.load import preset_text

        sys.stdout.write(preset_text(show))
        return
    presets = list_presets()
    if json_out:
        print_json([
            {"name": p.name, "country": p.country, "description": p.description.strip(),
             "operations": len(p.operations), "sources": p.sources}
            for p in presets
        ])
        return
    table = Table("preset", "country", "ops", "description", title="scenario presets")
    for p in presets:
        table.add_row(p.name, p.country, str(len(p.operations)), p.description.strip())
    console.print(table)


def sweep_cmd(
    country: CountryArg,
    single_link_failures: Annotated[bool, typer.Option("--single-link-failures",
                                    help="Remove each border link in turn.")] = False,
    single_as_failures: Annotated[bool, typer.Option("--single-as-failures",
                                  help="Remove each foreign upstream AS in turn.")] = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    mode: ModeOpt = ModeChoice.auto,
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    date: DateOpt = None,
    country_by: CountryByOpt = CountryByChoice.operation,
    top: TopOpt = 20,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Remove every border link (or foreign upstream AS) of COUNTRY in turn; rank them."""
    if single_link_failures == single_as_failures:
        raise typer.BadParameter("give exactly one of --single-link-failures, "
                                 "--single-as-failures")
    cc = check_country(country)
    snap, cal = load_routing(mirror, data_dir, date=date, mode=mode, observed=observed,
                             rib_max_gap=rib_max_gap, country_by=country_by)
    result = sweep(snap, cc, kind="links" if single_link_failures else "ases",
                   mode=mode_of(mode, cal), scheduler=scheduler, workers=workers, calibration=cal)
    if json_out:
        print_json(result.as_dict())
    else:
        _render_sweep(result, top)


def register(app: typer.Typer) -> None:
    """Add ``simulate``, ``scenarios`` and ``sweep`` to the ``crossroads`` app."""
    app.command("simulate")(simulate_cmd)
    app.command("scenarios")(scenarios_cmd)
    app.command("sweep")(sweep_cmd)


# ------------------------------------------------------------------ rendering
def _render_result(result: ScenarioResult, top: int) -> None:
    b, a = result.before, result.after
    dates = ", ".join(f"{p.dataset} {p.data_date.isoformat()}" for p in result.datasets)
    console.print(f"[bold]{result.scenario.name}[/] — {result.country}, mode {result.mode}")
    console.print(f"[bold]{result.reading}[/]", highlight=False)
    console.print(f"data: {dates}", highlight=False)
    if result.cache == "hit":
        console.print("(from the results cache: computed earlier on the same datasets and "
                      "code)")
    if b.inbound.observed_share is not None:
        console.print(f"{b.inbound.calibration}; inbound path mass's hops on observed routes: "
                      f"{pct(b.inbound.observed_share)} before, "
                      f"{pct(a.inbound.observed_share or 0)} after (observed routes through "
                      "removed elements are dropped)", highlight=False)
    t = Table("measure", "before", "after", "change", title="reachability (share of IPv4 space)")
    for name, x, y in (
        ("inbound (world → country)", b.reach.inbound, a.reach.inbound),
        ("outbound (country → world)", b.reach.outbound, a.reach.outbound),
    ):
        t.add_row(name, pct(x), pct(y), signed(y - x))
    t.add_row("origins without international route", str(len(b.reach.isolated)),
              str(len(a.reach.isolated)), f"{len(a.reach.isolated) - len(b.reach.isolated):+d}")
    t.add_row("IPv4 space without international route", pct(b.reach.isolated_share),
              pct(a.reach.isolated_share), signed(a.reach.isolated_share - b.reach.isolated_share))
    sat = a.reach_with_satellite
    if sat is not None:
        t.add_row("inbound, satellite users counted as reached", pct(b.reach.inbound),
                  pct(sat[0]), signed(sat[0] - b.reach.inbound))
    console.print(t)
    for direction in ("inbound", "outbound"):
        before = b.by_country(direction).set_index("country")
        after = a.by_country(direction).set_index("country")
        codes = list(dict.fromkeys([*before.index[:top], *after.index[:top]]))[:top]
        t = Table("country", "any before", "any after", "gateway before", "gateway after",
                  title=f"{direction} dependency by country (share of paths)")
        for cc in codes:
            t.add_row(cc, pct(_get(before, cc, "any_share")),
                      pct(_get(after, cc, "any_share")),
                      pct(_get(before, cc, "gateway_share")),
                      pct(_get(after, cc, "gateway_share")))
        console.print(t)
    t = Table("foreign AS", "country", "transit before", "transit after",
              title="top foreign ASes on inbound paths (share of paths)")
    bas = b.inbound.by_as.set_index("asn")
    aas = a.inbound.by_as.set_index("asn")
    for asn in list(dict.fromkeys([*bas.index[:top], *aas.index[:top]]))[:top]:
        src = bas if asn in bas.index else aas
        t.add_row(f"AS{asn} {src.at[asn, 'name']}", str(src.at[asn, "country"]),
                  pct(_get(bas, asn, "transit_share")), pct(_get(aas, asn, "transit_share")))
    console.print(t)
    _render_territory(result, top)
    lost = result.lost_international
    console.print(f"origins that lost all international routes: {len(lost)}"
                  + (": " + ", ".join(f"AS{x}" for x in lost[:top]) if lost else "")
                  + f" ({pct(result.lost_space_share)} of the country's IPv4 space)")
    crit = list(result.new_critical_ases.items())[:top]
    console.print("ASes that became critical: "
                  + (", ".join(f"AS{x} ({v:,} IPv4)" for x, v in crit) if crit else "none"))
    links = list(result.new_critical_links.items())[:top]
    console.print("links that became critical: "
                  + (", ".join(f"AS{x}-AS{y} ({v:,} IPv4)" for (x, y), v in links)
                     if links else "none"))
    console.print("limits of the model: " + "; ".join(LIMITS) + ".", highlight=False)


def _render_territory(result: ScenarioResult, top: int) -> None:
    b, a = result.before.territory, result.after.territory
    if b is None or a is None:
        return
    for direction in ("inbound", "outbound"):
        tb, ta = getattr(b, direction), getattr(a, direction)
        if tb is None or ta is None:
            continue
        codes = list(dict.fromkeys([*tb.by_country["country"][:top],
                                    *ta.by_country["country"][:top]]))[:top]
        t = Table("country", "territory before", "range", "territory after", "range",
                  title=f"{direction}: territory crossed (share of the crossing-link mass)")
        for cc in codes:
            sb, lb, hb = tb.share_of(cc)
            sa, la, ha = ta.share_of(cc)
            t.add_row(cc, pct(sb), f"{pct(lb)} - {pct(hb)}", pct(sa), f"{pct(la)} - {pct(ha)}")
        t.caption = (f"placed by rules: {pct(tb.rule_share)} before, {pct(ta.rule_share)} "
                     f"after; no corridor route: {pct(tb.unrouted_share)} before, "
                     f"{pct(ta.unrouted_share)} after; corridor data {a.corridors_version}")
        console.print(t)


def _get(frame: object, key: object, column: str) -> float:
    try:
        return float(frame.at[key, column])  # type: ignore[attr-defined]
    except KeyError:
        return 0.0


def _render_sweep(result: SweepResult, top: int) -> None:
    what = "border link" if result.kind == "links" else "foreign upstream"
    console.print(f"{result.country}: {len(result.rows)} {what}s, baseline inbound "
                  f"{pct(result.baseline_inbound)}, outbound {pct(result.baseline_outbound)}; "
                  f"data: {', '.join(f'{p.dataset} {p.data_date}' for p in result.datasets)}",
                  highlight=False)
    t = Table(what, "lost inbound", "lost outbound", "isolated origins", "dependency shift",
              title=f"single {what} failures, most damaging first")
    for r in result.rows[:top]:
        name = "-".join(f"AS{x}" for x in r.item)
        t.add_row(name, f"{100 * r.lost_inbound:.3f} pp", f"{100 * r.lost_outbound:.3f} pp",
                  str(r.isolated), f"{r.dependency_shift:.4f}")
    console.print(t)
