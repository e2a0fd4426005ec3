"""The CLI's one vocabulary: arguments, options and helpers every command module shares.

An option that means the same thing is spelt, typed, defaulted and documented the same
way in every command: the country argument, ``--date``, ``--mode``, ``--country-by``,
``--workers``, ``--scheduler``, ``--plot``, ``--top``, ``--out``, ``--corridors``,
``--json``, ``--mirror`` and ``--data-dir``. Commands that route load one
:class:`~crossroads.snapshots.Snapshot` with :func:`load_snapshot` after validating their
inputs, call one API function and render.

Validators here run before any computation starts (before a Dask cluster, before an hour
of routing), so a bad country, count, port or output path is one line and exit 2, not a
traceback after the work: :func:`count_option` (bounded counts), :func:`check_country`,
:func:`check_inputs`, :func:`check_output`, :func:`bind_socket`.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Sequence
from datetime import date as Date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.console import Console

from crossroads.config import Settings, get_settings
from crossroads.errors import CrossroadsError
from crossroads.formatting import to_json
from crossroads.ids import country_code

if TYPE_CHECKING:
    from crossroads.routing import RouteMode

__all__ = [
    "DEFAULT_WORKERS",
    "CorridorsOpt",
    "CountryArg",
    "CountryByChoice",
    "CountryByOpt",
    "DataDirOpt",
    "DateOpt",
    "JsonOpt",
    "MirrorOpt",
    "ModeChoice",
    "ModeOpt",
    "ObservedOpt",
    "OutOpt",
    "PlotOpt",
    "PortOpt",
    "RibGapOpt",
    "SchedulerOpt",
    "TopOpt",
    "WorkersOpt",
    "bind_socket",
    "check_country",
    "check_inputs",
    "check_output",
    "console",
    "count_option",
    "load_routing",
    "mode_of",
    "load_snapshot",
    "parse_date",
    "print_json",
    "settings_from",
    "warn_if_exposed",
]

console = Console()

DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
"""``--workers`` default everywhere: two, or one on a single-core machine."""


class ModeChoice(StrEnum):
    """``--mode`` values: how routes that tie on class and length are treated, or
    ``calibrated``: the routes seen in ``--observed`` RIBs kept, the rest simulated."""

    auto = "auto"
    all_best = "all-best"
    deterministic = "deterministic"
    calibrated = "calibrated"


class CountryByChoice(StrEnum):
    """``--country-by`` values: which country an AS belongs to."""

    operation = "operation"
    registration = "registration"
    ownership = "ownership"


CountryByOpt = Annotated[
    CountryByChoice,
    typer.Option("--country-by", help="The country of an AS: operation (where its address "
                 "space is geolocated; its PeeringDB facilities when it has none), "
                 "registration (its RIR record) or ownership (its majority state owner; "
                 "CAIDA as-org when loaded). Regional codes such as EU are never a country."),
]
CountryArg = Annotated[
    str, typer.Argument(help="ISO 3166-1 alpha-2 country code, e.g. KZ.", metavar="CC")
]
MirrorOpt = Annotated[
    Path | None,
    typer.Option("--mirror", help="Read public data from this local mirror directory."),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Store directory (default: the user data dir)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
NoCacheOpt = Annotated[bool, typer.Option(
    "--no-cache", help="Compute afresh, without reading or writing the store's results "
    "cache.")]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="Use the AS-relationship snapshot in force on this date: "
                 "the latest on or before it (YYYY-MM-DD; default: the newest)."),
]
ModeOpt = Annotated[
    ModeChoice,
    typer.Option("--mode", help="all-best: routes that tie split their weight evenly; "
                 "deterministic: lowest next-hop ASN (as BGPy); calibrated: the routes seen "
                 "in the --observed RIBs kept, the rest simulated; auto: calibrated when "
                 "the store holds a RIB within --rib-max-gap days of the graph, else "
                 "all-best."),
]
ObservedOpt = Annotated[
    list[Path] | None,
    typer.Option("--observed", help="RIB files (bgpdump -m text or MRT) calibrating --mode "
                 "calibrated (default: the RIBs stored by `crossroads fetch ribs`, in force "
                 "on --date or the newest). Repeatable."),
]
RibGapOpt = Annotated[
    int, typer.Option("--rib-max-gap", min=0, help="Calibrated mode: the most days between "
                      "the RIBs and the AS graph."),
]
WorkersOpt = Annotated[
    int,
    typer.Option("--workers", min=1, max=256,
                 help="Parallel workers: threads, or processes of a local cluster."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786); default: "
                 "a local cluster of --workers processes."),
]
PlotOpt = Annotated[
    Path | None, typer.Option("--plot", help="Also write a figure (.png or .svg).")
]
OutOpt = Annotated[Path, typer.Option("--out", help="Output file.")]
CorridorsOpt = Annotated[
    Path | None,
    typer.Option("--corridors", help="A corridor file (schema of the shipped "
                 "crossroads/physical/data/corridors.csv) whose rows add to or replace the "
                 "shipped ones."),
]
PortOpt = Annotated[int, typer.Option(
    "--port", min=0, max=65535, help="TCP port to listen on (0: any free port).")]

MAX_COUNT = 100_000
"""The largest ``--top``/``--limit``/``--sample`` accepted (more rows than any table has)."""


def count_option(flag: str, help: str, *, low: int = 0, high: int = MAX_COUNT) -> Any:
    """A ``typer.Option`` for a count bounded to ``[low, high]``: out of range is a usage
    error (exit 2) naming the flag and the range."""
    return typer.Option(flag, help=help, min=low, max=high)


TopOpt = Annotated[int, count_option("--top", "Rows per table.", low=1)]


def settings_from(mirror: Path | None = None, data_dir: Path | None = None) -> Settings:
    """Settings with command-line overrides applied."""
    return get_settings(mirror=mirror, data_dir=data_dir)


def check_country(text: str) -> str:
    """A country argument as an ISO 3166-1 alpha-2 code (:func:`crossroads.ids.
    country_code`), validated before anything loads."""
    return country_code(text)


def load_snapshot(
    mirror: Path | None = None,
    data_dir: Path | None = None,
    *,
    date: str | None = None,
    merge_siblings: bool = False,
    country_by: CountryByChoice = CountryByChoice.operation,
) -> Any:
    """The :class:`~crossroads.snapshots.Snapshot` of the store, graph in force on ``date``,
    countries in the meaning ``country_by``."""
    from crossroads.snapshots import snapshot

    return snapshot(settings_from(mirror, data_dir), date=parse_date(date),
                    merge_siblings=merge_siblings, country_by=country_by.value)


def load_routing(
    mirror: Path | None = None,
    data_dir: Path | None = None,
    *,
    date: str | None = None,
    mode: ModeChoice = ModeChoice.all_best,
    observed: Sequence[Path] | None = None,
    rib_max_gap: int = 730,
    merge_siblings: bool = False,
    prepare: Any = None,
    country_by: CountryByChoice = CountryByChoice.operation,
) -> tuple[Any, Any]:
    """``(snapshot, calibration)``: with ``--mode calibrated`` the snapshot of the RIBs'
    date calibrated by them (:func:`crossroads.snapshots.calibrated_snapshot`; ``prepare``
    edits its graph first), else :func:`load_snapshot` and None. ``--observed`` without
    calibrated mode is left to the command. ``auto`` is calibrated when the store holds
    a RIB within ``rib_max_gap`` days of the graph
    (:func:`crossroads.routing.load.ribs_in_reach`: those RIBs calibrate that graph),
    else all-best; :func:`mode_of` names
    the mode that was used."""
    near = None
    if mode == ModeChoice.auto and not observed and not merge_siblings:
        from crossroads.routing.load import ribs_in_reach

        near = ribs_in_reach(settings_from(mirror, data_dir), parse_date(date), rib_max_gap)
        if near:
            mode = ModeChoice.calibrated
    if mode != ModeChoice.calibrated:
        return load_snapshot(mirror, data_dir, date=date, merge_siblings=merge_siblings,
                             country_by=country_by), None
    if merge_siblings:
        raise CrossroadsError("--merge-siblings and --mode calibrated cannot be combined",
                              hint="observed paths name member ASes, not organisations")
    from crossroads.snapshots import calibrated_snapshot

    ribs = check_inputs(list(observed or ()), what="RIB")
    return calibrated_snapshot(settings_from(mirror, data_dir), ribs, date=parse_date(date),
                               max_gap_days=rib_max_gap, prepare=prepare,
                               country_by=country_by.value, stored=near or None)


def mode_of(mode: ModeChoice, calibration: Any) -> RouteMode:
    """The route mode a command ran with: ``calibrated`` when :func:`load_routing` gave
    a calibration, all-best for an ``auto`` that found no RIB, else ``mode``."""
    if calibration is not None:
        return "calibrated"
    return cast("RouteMode", "all-best" if mode == ModeChoice.auto else mode.value)


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout (:func:`crossroads.formatting.to_json`:
    dates as ISO strings, numpy scalars as numbers, NaN as null)."""
    typer.echo(to_json(obj))


def parse_date(text: str | None) -> Date | None:
    """A ``--date YYYY-MM-DD`` value; a malformed one is a one-line user error."""
    if text is None:
        return None
    try:
        return Date.fromisoformat(text)
    except ValueError:
        raise CrossroadsError(f"--date {text!r} is not a date", hint="write YYYY-MM-DD") from None


def check_inputs(paths: Sequence[Path], *, what: str = "input") -> list[Path]:
    """``paths`` if each is a readable regular file: a missing one or a directory is a
    one-line :class:`~crossroads.errors.DataFormatError`, raised before any work."""
    from crossroads.errors import DataFormatError

    for path in paths:
        if path.is_dir():
            raise DataFormatError(path, f"is a directory, not an {what} file",
                                  hint="give the files inside it, e.g. DIR/*.gz")
        if not path.is_file():
            raise DataFormatError(path, f"{what} file not found")
        if not os.access(path, os.R_OK):
            raise DataFormatError(path, f"{what} file is not readable")
    return list(paths)


def check_output(path: Path, *, flag: str, suffixes: Sequence[str] = ()) -> Path:
    """``path`` if a file can be written there: a known suffix (when ``suffixes``), not a
    directory, its folder existing (or creatable) and writable. Checked before any
    computation, so a long run never ends in a failed write."""
    if suffixes and path.suffix.lower() not in suffixes:
        raise CrossroadsError(f"{flag} {path}: the file name must end in "
                              f"{' or '.join(suffixes)}")
    if path.is_dir():
        raise CrossroadsError(f"{flag} {path} is a directory; give a file name")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrossroadsError(
            f"{flag} {path}: cannot create the folder {folder}: {exc.strerror or exc}"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CrossroadsError(f"{flag} {path}: the folder {folder} is not writable")
    return path


def bind_socket(host: str, port: int, *, what: str) -> socket.socket:
    """A TCP socket bound to ``host:port`` (port 0: a free one), not yet listening; a
    port in use, a privileged port, an unknown host are one-line errors."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise CrossroadsError(f"cannot listen for {what} on {host}:{port}: unknown host "
                              f"({exc})", hint="give an address such as 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        hint = {13: "ports below 1024 need root; use a higher --port",
                98: "another program listens there; choose another --port (0: any free)",
                99: "that address is not one of this machine's"}.get(exc.errno or 0)
        raise CrossroadsError(f"cannot listen for {what} on {host}:{port}: "
                              f"{exc.strerror or exc}", hint=hint) from None
    return sock


def warn_if_exposed(host: str, what: str) -> None:
    """Say so on stderr when ``host`` is not a loopback address: then other machines can
    reach ``what``, which has no authentication."""
    name = host.strip("[]").lower()
    try:
        loopback = name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        Console(stderr=True).print(
            f"warning: {what} listens on {host}, reachable from other machines; it has no "
            "authentication", highlight=False)
