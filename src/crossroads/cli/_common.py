"""Options and helpers shared by the command modules.

Validators here run before any computation starts (before a Dask cluster, before an hour
of routing), so a bad country, count, port or output path is one line and exit 2, not a
traceback after the work: :func:`count_option` (bounded ``--top``/``--limit``/
``--sample``), :func:`check_country`, :func:`check_output`, :func:`bind_socket`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from collections.abc import Sequence
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from crossroads.config import Settings, get_settings
from crossroads.errors import CrossroadsError

__all__ = [
    "DataDirOpt", "JsonOpt", "MirrorOpt", "PortOpt", "bind_socket", "check_country",
    "check_inputs", "check_output", "console", "count_option", "parse_date", "print_json",
    "settings_from", "warn_if_exposed",
]

console = Console()

MirrorOpt = Annotated[
    Path | None,
    typer.Option("--mirror", help="Read public data from this local mirror directory."),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Store directory (default: the user data dir)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
PortOpt = Annotated[int, typer.Option(
    "--port", min=0, max=65535, help="TCP port to listen on (0: any free port).")]

MAX_COUNT = 100_000
"""The largest ``--top``/``--limit``/``--sample`` accepted (more rows than any table has)."""


def count_option(flag: str, help: str, *, low: int = 0, high: int = MAX_COUNT) -> Any:
    """A ``typer.Option`` for a count bounded to ``[low, high]``: out of range is a usage
    error (exit 2) naming the flag and the range."""
    return typer.Option(flag, help=help, min=low, max=high)


def settings_from(mirror: Path | None = None, data_dir: Path | None = None) -> Settings:
    """Settings with command-line overrides applied."""
    return get_settings(mirror=mirror, data_dir=data_dir)


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout (dates and numpy scalars made plain)."""
    typer.echo(json.dumps(obj, indent=2, default=_plain, ensure_ascii=False))


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def parse_date(text: str | None) -> Date | None:
    """A ``--date YYYY-MM-DD`` value; a malformed one is a one-line user error."""
    if text is None:
        return None
    try:
        return Date.fromisoformat(text)
    except ValueError:
        raise CrossroadsError(f"--date {text!r} is not a date", hint="write YYYY-MM-DD") from None


def check_country(text: str) -> str:
    """``text`` as an ISO 3166-1 alpha-2 code (upper case), or
    :class:`~crossroads.errors.UnknownCountryError`."""
    from crossroads._countries import country_code

    return country_code(text)


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
