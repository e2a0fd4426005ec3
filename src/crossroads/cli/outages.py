"""``crossroads outages`` (MRT archives) and ``crossroads watch`` (live BMP feed)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from crossroads.cli._cells import NARROW, cut_items
from crossroads.cli._common import (
    DEFAULT_WORKERS,
    CountryByChoice,
    CountryByOpt,
    DataDirOpt,
    JsonOpt,
    MirrorOpt,
    PlotOpt,
    SchedulerOpt,
    WorkersOpt,
    bind_socket,
    check_inputs,
    check_output,
    console,
    print_json,
    settings_from,
)
from crossroads.errors import CrossroadsError

if TYPE_CHECKING:
    from crossroads.outages import OutageEvent

__all__ = ["parse_bin", "register"]

_BIN = re.compile(r"^(\d+)\s*([smh])$")


def parse_bin(text: str) -> timedelta:
    """``30s``, ``5m``, ``1h`` to a timedelta."""
    m = _BIN.match(text.strip())
    if not m or int(m.group(1)) == 0:
        raise CrossroadsError(f"bin width {text!r} is not like 30s, 5m or 1h")
    n, unit = int(m.group(1)), m.group(2)
    return timedelta(seconds=n * {"s": 1, "m": 60, "h": 3600}[unit])


def outages(
    files: Annotated[list[Path], typer.Argument(help="MRT update files (and RIB dumps).")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2 code.")],
    bin: Annotated[str, typer.Option("--bin", help="Bin width: 30s, 5m, 1h.")] = "5m",
    country_by: CountryByOpt = CountryByChoice.operation,
    json_out: JsonOpt = False,
    plot: PlotOpt = None,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    full_feed_peer: Annotated[list[str] | None, typer.Option(
        "--full-feed-peer", help="Peer address to count as full feed (repeatable).")] = None,
    all_asns: Annotated[bool, typer.Option("--all-asns", help="List AS-level events too.")]
    = False,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Detect visibility drops and update bursts of a country in MRT archives."""
    from crossroads.outages import outages_from_files
    from crossroads.outages.countries import asn_countries, registered_country
    from crossroads.store import open_store

    check_inputs(files, what="MRT")
    if plot is not None:
        check_output(plot, flag="--plot", suffixes=(".png",))
    width = parse_bin(bin)
    asn_country = asn_countries(open_store(settings_from(mirror, data_dir)),
                                country_by=country_by.value)
    cc = registered_country(country, asn_country)
    report = outages_from_files(
        files, country=cc, asn_country=asn_country, bin=width, scheduler=scheduler,
        workers=workers, full_feed_peers=full_feed_peer or None,
    )
    if plot is not None:
        from crossroads.outages.plot import plot_report

        plot_report(report, plot)
    events = [e for e in report.events if all_asns or e.scope == "country"]
    s = report.series
    if json_out:
        print_json({
            "country": cc, "bin_seconds": s.bin.total_seconds(), "anchor": s.anchor,
            "full_feed_peers": list(s.full_feed_peers), "records": s.records,
            "sources": list(report.sources), "signals_seen": report.signals_seen(),
            "units": {"visible_slash24": "IPv4 /24-equivalents", "counts": "per bin"},
            "series": s.country.assign(time=s.country["time"].astype(str))
            .to_dict(orient="records"),
            "events": [e.as_dict() for e in events],
        })
        return
    first, last = s.country["time"].min(), s.country["time"].max() + s.bin
    console.print(f"{cc}: {s.records:,} MRT records from {len(report.sources)} file(s), "
                  f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC, bins of {s.bin}, "
                  f"anchor {s.anchor}, {len(s.full_feed_peers)} full-feed peers")
    seen = report.signals_seen()
    console.print("signals seen: " + ", ".join(f"{k} {'yes' if v else 'no'}"
                                               for k, v in seen.items()))
    console.print(_events_table(events, console.width) if events else "no events")


def _events_table(events: list[OutageEvent], width: int) -> Table:
    """One row per event; below :data:`NARROW` columns the fields pair up on two lines
    (event, time, metric), so that the table fits 80 columns."""
    def asns(e: OutageEvent, room: int) -> str:
        return cut_items([str(a) for a in e.affected_asns], room, sep=" ")

    def end(e: OutageEvent) -> str:
        return f"{e.end:%H:%M}" if e.end else "open"

    if width >= NARROW:
        table = Table("scope", "key", "signal", "severity", "start (UTC)", "end (UTC)",
                      "metric", "baseline", "extreme", "score", "lost /24", "affected ASes")
        for e in events:
            table.add_row(e.scope, e.key, e.signal, e.severity, f"{e.start:%Y-%m-%d %H:%M}",
                          end(e), e.metric, f"{e.baseline:,.1f}", f"{e.extreme:,.1f}",
                          f"{e.score:.2f}", f"{e.lost_slash24:,.1f}", asns(e, 40))
        return table
    table = Table(box=box.SIMPLE_HEAD, caption="every field: --json")
    for col in ("event", "UTC", "baseline → extreme", "lost /24"):
        table.add_column(col, no_wrap=True, justify="right" if col == "lost /24" else "left")
    for e in events:
        table.add_row(f"{e.scope} {e.key}\n{e.signal} ({e.severity})\nASes {asns(e, 21)}",
                      f"{e.start:%Y-%m-%d}\n{e.start:%H:%M}–{end(e)}",
                      f"{e.metric}\n{e.baseline:,.1f} → {e.extreme:,.1f}\nscore {e.score:.2f}",
                      f"{e.lost_slash24:,.1f}")
    return table


def watch_cmd(
    bmp: Annotated[str, typer.Option("--bmp", help="HOST:PORT to listen on for BMP.")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2 code.")],
    bin: Annotated[str, typer.Option("--bin", help="Bin width: 30s, 5m, 1h.")] = "5m",
    country_by: CountryByOpt = CountryByChoice.operation,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Listen for BMP from routers and write outage events to the store as they happen."""
    from crossroads.outages.countries import asn_countries, registered_country
    from crossroads.outages.live import LiveMonitor, default_event_log, watch
    from crossroads.store import open_store

    host, _, port = bmp.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise CrossroadsError(f"--bmp {bmp!r} is not HOST:PORT (port 0-65535)")
    width = parse_bin(bin)
    sock = bind_socket(host, int(port), what="BMP")  # one-line errors, before anything
    settings = settings_from(mirror, data_dir)
    asn_country = asn_countries(open_store(settings), country_by=country_by.value)
    cc = registered_country(country, asn_country)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    log = default_event_log(settings.data_dir)
    monitor = LiveMonitor(country=cc, asn_country=asn_country, bin=width, event_log=log)
    watch(host.strip("[]"), int(port), monitor=monitor, sock=sock,
          ready=lambda p: console.print(f"listening for BMP on {host}:{p}; events -> {log.path}"))


def register(app: typer.Typer) -> None:
    """Add ``outages`` and ``watch``."""
    app.command("outages")(outages)
    app.command("watch")(watch_cmd)
