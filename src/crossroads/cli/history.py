"""``crossroads history`` and ``crossroads fidelity``: dependency over time, model vs reality."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crossroads.cli._common import (
    DEFAULT_WORKERS,
    CountryArg,
    CountryByChoice,
    CountryByOpt,
    DataDirOpt,
    JsonOpt,
    MirrorOpt,
    ModeChoice,
    ModeOpt,
    ObservedOpt,
    PlotOpt,
    RibGapOpt,
    SchedulerOpt,
    WorkersOpt,
    check_country,
    check_inputs,
    check_output,
    console,
    load_snapshot,
    mode_of,
    print_json,
)
from crossroads.errors import CrossroadsError

__all__ = ["register"]


class Option(StrEnum):
    """The measured improvements of :func:`crossroads.routing.fidelity.fidelity`."""

    learned_preference = "learned-preference"
    learned_routes = "learned-routes"
    added_links = "added-links"
    relationship_fixes = "relationship-fixes"
    inferred = "inferred"
    per_prefix = "per-prefix"


def history(
    country: CountryArg,
    since: Annotated[int | None, typer.Option(
        "--since", min=1990, max=2100, help="First year (default: the oldest snapshot).")] = None,
    until: Annotated[int | None, typer.Option(
        "--until", min=1990, max=2100, help="Last year (default: the newest snapshot).")] = None,
    mode: ModeOpt = ModeChoice.all_best,
    observed: ObservedOpt = None,
    rib_max_gap: RibGapOpt = 730,
    country_by: CountryByOpt = CountryByChoice.operation,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    plot: PlotOpt = None,
    json_out: JsonOpt = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """A country's foreign dependency for every AS-relationship snapshot (2002-2025)."""
    from crossroads.metrics.history import history as run

    cc = check_country(country)  # before the Dask cluster starts
    if plot is not None:
        check_output(plot, flag="--plot", suffixes=(".png", ".svg"))
    ribs = check_inputs(list(observed or ()), what="RIB")
    # auto is decided per snapshot (metrics.history.plan_modes): each has its own RIBs
    result = run(load_snapshot(mirror, data_dir, country_by=country_by), cc, start_year=since,
                 end_year=until, mode=mode.value, scheduler=scheduler, workers=workers,
                 observed=ribs, max_rib_gap_days=rib_max_gap)
    if plot is not None:
        from crossroads.cli._history_plot import plot_history

        plot_history(result, plot)
    if json_out:
        print_json(result.as_dict())
        return
    s = result.summary
    console.print(f"{result.country}: foreign dependency per AS-graph snapshot (--mode "
                  f"{result.mode}; shares = fraction of address-weighted paths with a route)",
                  highlight=False)
    table = Table("graph date", "mode", "ASes", "border ASes", "foreign upstreams",
                  "unknown-country ASes", "inbound top (any / gateway)",
                  "outbound top (any / gateway)")
    for _, r in s.iterrows():
        table.add_row(
            r["date"], r["mode"], f"{r['ases']:,}", str(r["border_ases"]),
            str(r["foreign_upstreams"]),
            f"{100 * r['unknown_as_share']:.1f} %",
            f"{r['inbound_top_country']} {r['inbound_top_any']:.2f} / "
            f"{r['inbound_top_gateway']:.2f}",
            f"{r['outbound_top_country']} {r['outbound_top_any']:.2f} / "
            f"{r['outbound_top_gateway']:.2f}",
        )
    console.print(table)
    for _, r in s.iterrows():
        line = f"{r['date']}: {r['mode']} ({r['mode_basis']})"
        if r["mode"] == "calibrated":
            line += (f"; inbound hops on observed routes "
                     f"{100 * r['inbound_observed_share']:.1f} %")
        console.print(line, highlight=False, soft_wrap=True)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
    if plot is not None:
        console.print(f"chart written to {plot}", highlight=False)


def fidelity(
    relationships: Annotated[Path, typer.Option(
        "--relationships", help="CAIDA as-rel(2) file of (nearly) the RIB's date.")],
    rib: Annotated[Path, typer.Option("--rib", help="RIB as `bgpdump -m` text or MRT "
                                      "(gz/bz2 ok).")],
    mode: ModeOpt = ModeChoice.deterministic,
    option: Annotated[list[Option] | None, typer.Option(
        "--option", help="Improvement to measure (held out, leave-one-VP-AS-out); "
        "repeatable.")]
    = None,
    json_out: JsonOpt = False,
) -> None:
    """How often simulated routes equal the routes observed in a RIB, per vantage point."""
    from crossroads.routing.fidelity import fidelity as run
    from crossroads.routing.load import graph_from_file

    if mode == ModeChoice.auto:
        raise CrossroadsError("fidelity measures one named mode; --mode auto picks one "
                              "from the store", hint="use --mode deterministic, all-best "
                              "or calibrated")
    check_inputs([relationships, rib])
    graph = graph_from_file(relationships)
    rep = run(graph, rib, mode=mode_of(mode, None), options=[o.value for o in option or []],
              graph_label=f"{relationships.name} ({graph.n:,} ASes, {len(graph.links):,} links)")
    if json_out:
        print_json(rep.as_dict())
        return
    opts = ", ".join(rep.options) or "none"
    console.print(f"Fidelity of {rep.graph} against {rep.rib} ({rep.rib_date}); mode {rep.mode}, "
                  f"options: {opts}{' (held out: leave-one-VP-AS-out)' if rep.held_out else ''}",
                  highlight=False, soft_wrap=True)
    p = rep.population
    console.print(f"population: {p['routes']:,} routes of {p['rib_lines']:,} RIB lines, "
                  f"{p['prefixes']:,} prefixes, {p['origins']:,} origins, "
                  f"{p['vantage_points']} vantage points", highlight=False)
    excl = ", ".join(f"{k} {v:,}" for k, v in rep.excluded.items() if v)
    console.print(f"excluded: {excl or 'none'}", highlight=False, soft_wrap=True)
    cols = ["exact", "next_hop", "length", "among_best", "unreachable",
            "path_missing_link", "path_valley", "vp_observed"]
    table = Table("vantage point", "routes", *[c.replace("_", " ") for c in cols],
                  title="fraction of routes")
    for _, r in rep.per_vp.iterrows():
        table.add_row(f"AS{r['vp_asn']} {r['vp_ip']}", f"{r['routes']:,}",
                      *[f"{r[c]:.3f}" for c in cols])
    table.add_row("all", f"{rep.overall['routes']:,}", *[f"{rep.overall[c]:.3f}" for c in cols])
    m = rep.mean_over_vps
    table.add_row(f"mean of {m['vp_ases']} VP ASes", "", *[f"{m[c]:.3f}" for c in cols])
    console.print(table)
    console.print(f"{rep.seconds:.1f} s", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``history`` and ``fidelity`` to the ``crossroads`` command."""
    app.command("history")(history)
    app.command("fidelity")(fidelity)
