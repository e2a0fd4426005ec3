"""Options and helpers shared by the command modules."""

from __future__ import annotations

import json
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from crossroads.config import Settings, get_settings
from crossroads.errors import CrossroadsError

__all__ = [
    "DataDirOpt", "JsonOpt", "MirrorOpt", "ObservedOpt", "RibGapOpt", "console", "parse_date",
    "print_json", "settings_from",
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
ObservedOpt = Annotated[
    list[Path] | None,
    typer.Option("--observed", help="RIB files (bgpdump -m text or MRT) calibrating --mode "
                 "calibrated. Repeatable."),
]
RibGapOpt = Annotated[
    int, typer.Option("--rib-max-gap", help="Calibrated mode: the most days between the RIBs "
                      "and the AS graph."),
]


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
