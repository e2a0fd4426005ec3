"""``crossroads report``: write a country's self-contained HTML report (and PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crossroads.cli._common import (
    CountryArg,
    DataDirOpt,
    MirrorOpt,
    ModeChoice,
    ModeOpt,
    ObservedOpt,
    OutOpt,
    check_country,
    check_inputs,
    check_output,
    console,
    settings_from,
)
from crossroads.report import write_report

__all__ = ["register"]


def report(
    country: CountryArg,
    out: OutOpt,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write this PDF.")] = None,
    scenarios: Annotated[list[str] | None, typer.Option(
        "--scenarios", help="Scenario preset name or YAML file to include (repeatable).")] = None,
    history: Annotated[bool, typer.Option(
        "--history/--no-history", help="Include the 2002-2025 dependency history.")] = True,
    mode: ModeOpt = ModeChoice.auto,
    observed: ObservedOpt = None,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Write COUNTRY's report: profile, dependency, chokepoints, history, scenarios, TLS,
    sources, into the HTML file --out. Long results are cached, so a second report of the
    same data is quick."""
    cc = check_country(country)
    check_output(out, flag="--out", suffixes=(".html", ".htm"))
    if pdf is not None:
        check_output(pdf, flag="--pdf", suffixes=(".pdf",))
    ribs = check_inputs(list(observed or ()), what="RIB")
    settings = settings_from(mirror, data_dir)
    if mode == ModeChoice.auto:  # calibrated when a stored RIB is near the newest graph
        from crossroads.routing.load import rib_in_reach

        mode = (ModeChoice.calibrated if ribs or rib_in_reach(settings)
                else ModeChoice.all_best)
    done = write_report(settings, cc, html=out, pdf=pdf,
                        scenarios=scenarios or (), history=history, mode=mode.value,
                        observed=ribs)
    console.print(f"wrote {out}" + (f" and {pdf}" if pdf else ""), highlight=False)
    for part, why in done.missing.items():
        console.print(f"[yellow]{part}[/]: {why}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the ``crossroads`` command."""
    app.command("report")(report)
