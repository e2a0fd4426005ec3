"""The CLI's one vocabulary: arguments, options and helpers every command module shares.

An option that means the same thing is spelt, typed, defaulted and documented the same
way in every command: the country argument, ``--date``, ``--mode``, ``--workers``,
``--scheduler``, ``--plot``, ``--top``, ``--out``, ``--corridors``, ``--json``,
``--mirror`` and ``--data-dir``. Commands that route load one
:class:`~crossroads.snapshots.Snapshot` with :func:`load_snapshot` after validating their
inputs, call one API function and render.
"""

from __future__ import annotations

import os
from datetime import date as Date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from crossroads.config import Settings, get_settings
from crossroads.errors import CrossroadsError
from crossroads.formatting import to_json
from crossroads.ids import country_code

__all__ = [
    "DEFAULT_WORKERS",
    "CorridorsOpt",
    "CountryArg",
    "DataDirOpt",
    "DateOpt",
    "JsonOpt",
    "MirrorOpt",
    "ModeChoice",
    "ModeOpt",
    "OutOpt",
    "PlotOpt",
    "SchedulerOpt",
    "TopOpt",
    "WorkersOpt",
    "console",
    "country_arg",
    "load_snapshot",
    "parse_date",
    "print_json",
    "settings_from",
]

console = Console()

DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
"""``--workers`` default everywhere: two, or one on a single-core machine."""


class ModeChoice(StrEnum):
    """``--mode`` values: how routes that tie on class and length are treated."""

    all_best = "all-best"
    deterministic = "deterministic"


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
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="Use the AS-relationship snapshot in force on this date: "
                 "the latest on or before it (YYYY-MM-DD; default: the newest)."),
]
ModeOpt = Annotated[
    ModeChoice,
    typer.Option("--mode", help="all-best: routes that tie split their weight evenly; "
                 "deterministic: lowest next-hop ASN (as BGPy)."),
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
TopOpt = Annotated[int, typer.Option("--top", min=1, max=10_000, help="Rows per table.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Output file.")]
CorridorsOpt = Annotated[
    Path | None,
    typer.Option("--corridors", help="A corridor file (schema of the shipped "
                 "crossroads/physical/data/corridors.csv) whose rows add to or replace the "
                 "shipped ones."),
]


def settings_from(mirror: Path | None = None, data_dir: Path | None = None) -> Settings:
    """Settings with command-line overrides applied."""
    return get_settings(mirror=mirror, data_dir=data_dir)


def country_arg(text: str) -> str:
    """A country argument, validated before anything loads."""
    return country_code(text)


def load_snapshot(
    mirror: Path | None = None,
    data_dir: Path | None = None,
    *,
    date: str | None = None,
    merge_siblings: bool = False,
) -> Any:
    """The :class:`~crossroads.snapshots.Snapshot` of the store, graph in force on ``date``."""
    from crossroads.snapshots import snapshot

    return snapshot(settings_from(mirror, data_dir), date=parse_date(date),
                    merge_siblings=merge_siblings)


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
