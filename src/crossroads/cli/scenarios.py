"""``crossroads simulate``, ``crossroads scenarios`` and ``crossroads sweep``: what-if runs.

Each command parses its options, calls one API function of :mod:`crossroads.scenarios`
and renders the result as rich tables or ``--json``.
"""

from __future__ import annotations

from pathlib import Path
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
from crossroads.routing import RouteMode
from crossroads.scenarios import (
    ScenarioResult,
    SweepResult,
    list_presets,
    load_scenario,
    plot_result,
    run,
    sweep,
)

__all__ = ["register"]

ModeOpt = Annotated[
    str,
    typer.Option("--mode", help="Route selection: all-best (ties split), deterministic, or "
                 "calibrated (routes seen in the --observed RIBs kept, the rest simulated)."),
]


def simulate_cmd(
    scenario: Annotated[str, typer.Argument(help="A scenario YAML file or a preset name.",
                                            metavar="SCENARIO.yaml|PRESET")],
    json_out: JsonOpt = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write before/after bars to "
                                              "this PNG or SVG file.")] = None,
    mode: ModeOpt = "all-best",
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    date: Annotated[str | None, typer.Option("--date", help="Use the AS graph in force on "
                                             "this day (YYYY-MM-DD).")] = None,
    top: Annotated[int, typer.Option("--top", help="Rows per list.")] = 10,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Apply a what-if scenario and show the country before and after."""
    result = run(
        settings_from(mirror, data_dir), load_scenario(scenario), mode=_mode(mode),
        date=parse_date(date), observed=observed or (), max_rib_gap_days=rib_max_gap,
    )
    if plot is not None:
        plot_result(result, plot)
    if json_out:
        print_json(result.as_dict(top=top))
    else:
        _render_result(result, top)


def scenarios_cmd(json_out: JsonOpt = False) -> None:
    """List the shipped scenario presets."""
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
    country: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-2 country code.")],
    single_link_failures: Annotated[bool, typer.Option("--single-link-failures",
                                    help="Remove each border link in turn.")] = False,
    single_as_failures: Annotated[bool, typer.Option("--single-as-failures",
                                  help="Remove each foreign upstream AS in turn.")] = False,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler "
                         "address tcp://host:port (default: a local cluster).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes.")] = 2,
    mode: ModeOpt = "all-best",
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    top: Annotated[int, typer.Option("--top", help="Rows to show (JSON: all).")] = 20,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Remove every border link (or foreign upstream AS) of COUNTRY in turn; rank them."""
    if single_link_failures == single_as_failures:
        raise typer.BadParameter("give exactly one of --single-link-failures, "
                                 "--single-as-failures")
    result = sweep(
        settings_from(mirror, data_dir), country,
        kind="links" if single_link_failures else "ases", mode=_mode(mode),
        scheduler=scheduler, workers=workers, observed=observed or (),
        max_rib_gap_days=rib_max_gap,
    )
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
def _mode(value: str) -> RouteMode:
    if value not in ("all-best", "deterministic", "calibrated"):
        raise typer.BadParameter(
            f"--mode is all-best, deterministic or calibrated, not {value!r}")
    return value  # type: ignore[return-value]


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


def _render_result(result: ScenarioResult, top: int) -> None:
    b, a = result.before, result.after
    dates = ", ".join(f"{k} {v}" for k, v in result.data.items())
    console.print(f"[bold]{result.scenario.name}[/] — {result.country}, mode {result.mode}")
    console.print(f"data: {dates}", highlight=False)
    if b.inbound.observed_share is not None:
        console.print(f"{b.inbound.calibration}; inbound path mass's hops on observed routes: "
                      f"{_pct(b.inbound.observed_share)} before, "
                      f"{_pct(a.inbound.observed_share or 0)} after (observed routes through "
                      "removed elements are dropped)", highlight=False)
    t = Table("measure", "before", "after", "change", title="reachability (share of IPv4 space)")
    for name, x, y in (
        ("inbound (world → country)", b.reach.inbound, a.reach.inbound),
        ("outbound (country → world)", b.reach.outbound, a.reach.outbound),
    ):
        t.add_row(name, _pct(x), _pct(y), f"{100 * (y - x):+.2f} pp")
    t.add_row("origins without international route", str(len(b.reach.isolated)),
              str(len(a.reach.isolated)), f"{len(a.reach.isolated) - len(b.reach.isolated):+d}")
    console.print(t)
    for direction in ("inbound", "outbound"):
        before = b.by_country(direction).set_index("country")
        after = a.by_country(direction).set_index("country")
        codes = list(dict.fromkeys([*before.index[:top], *after.index[:top]]))[:top]
        t = Table("country", "any before", "any after", "gateway before", "gateway after",
                  title=f"{direction} dependency by country (share of paths)")
        for cc in codes:
            t.add_row(cc, _pct(_get(before, cc, "any_share")),
                      _pct(_get(after, cc, "any_share")),
                      _pct(_get(before, cc, "gateway_share")),
                      _pct(_get(after, cc, "gateway_share")))
        console.print(t)
    t = Table("foreign AS", "country", "transit before", "transit after",
              title="top foreign ASes on inbound paths (share of paths)")
    bas = b.inbound.by_as.set_index("asn")
    aas = a.inbound.by_as.set_index("asn")
    for asn in list(dict.fromkeys([*bas.index[:top], *aas.index[:top]]))[:top]:
        src = bas if asn in bas.index else aas
        t.add_row(f"AS{asn} {src.at[asn, 'name']}", str(src.at[asn, "country"]),
                  _pct(_get(bas, asn, "transit_share")), _pct(_get(aas, asn, "transit_share")))
    console.print(t)
    lost = result.lost_international
    console.print(f"origins that lost all international routes: {len(lost)}"
                  + (": " + ", ".join(f"AS{x}" for x in lost[:top]) if lost else ""))
    crit = list(result.new_critical_ases.items())[:top]
    console.print("ASes that became critical: "
                  + (", ".join(f"AS{x} ({v:,} IPv4)" for x, v in crit) if crit else "none"))
    links = list(result.new_critical_links.items())[:top]
    console.print("links that became critical: "
                  + (", ".join(f"AS{x}-AS{y} ({v:,} IPv4)" for (x, y), v in links)
                     if links else "none"))


def _get(frame: object, key: object, column: str) -> float:
    try:
        return float(frame.at[key, column])  # type: ignore[attr-defined]
    except KeyError:
        return 0.0


def _render_sweep(result: SweepResult, top: int) -> None:
    what = "border link" if result.kind == "links" else "foreign upstream"
    console.print(f"{result.country}: {len(result.rows)} {what}s, baseline inbound "
                  f"{_pct(result.baseline_inbound)}, outbound {_pct(result.baseline_outbound)}; "
                  f"data: {', '.join(f'{k} {v}' for k, v in result.data.items())}",
                  highlight=False)
    t = Table(what, "lost inbound", "lost outbound", "isolated origins", "dependency shift",
              title=f"single {what} failures, most damaging first")
    for r in result.rows[:top]:
        name = "-".join(f"AS{x}" for x in r.item)
        t.add_row(name, f"{100 * r.lost_inbound:.3f} pp", f"{100 * r.lost_outbound:.3f} pp",
                  str(r.isolated), f"{r.dependency_shift:.4f}")
    console.print(t)
