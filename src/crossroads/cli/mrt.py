"""``crossroads mrt``: MRT routing archives (RIB dumps, update files) to Parquet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from crossroads.cli._common import (
    DEFAULT_WORKERS,
    JsonOpt,
    SchedulerOpt,
    WorkersOpt,
    check_inputs,
    console,
    print_json,
)
from crossroads.errors import CrossroadsError

__all__ = ["register"]

mrt_app = typer.Typer(
    help="Read MRT routing archives (RFC 6396) into Parquet, one row per route.",
    no_args_is_help=True,
)

FilesArg = Annotated[list[Path], typer.Argument(help="MRT files (.gz, .bz2 or plain).")]
OutDirOpt = Annotated[
    Path, typer.Option("--out", help="Directory for the <file>.parquet outputs.")
]
CollectorOpt = Annotated[
    str | None, typer.Option("--collector", help="Collector name to store in every row.")
]


def _bars() -> tuple[Progress, dict[str, TaskID]]:
    bars = Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )
    return bars, {}


def _updater(bars: Progress, tasks: dict[str, TaskID]) -> Callable[[str, int, int], None]:
    def update(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = bars.add_task(name, total=total)
        bars.update(tasks[name], completed=done)

    return update


def _check(files: list[Path], out: Path) -> None:
    """Every input a readable file and ``--out`` a folder, before any parsing (or any Dask
    worker) starts."""
    check_inputs(files, what="MRT")
    if out.exists() and not out.is_dir():
        raise CrossroadsError(f"--out {out} is a file; give a folder for the .parquet outputs")


def _render(results: list, as_json: bool) -> None:  # type: ignore[type-arg]
    if as_json:
        print_json([r.__dict__ for r in results])
        return
    table = Table(title="MRT files parsed (routes: rows written; source: each input file)")
    for col in ("file", "routes", "seconds", "parquet"):
        table.add_column(col, justify="right" if col in ("routes", "seconds") else "left")
    for r in results:
        table.add_row(Path(r.source).name, f"{r.routes:,}", f"{r.seconds:.2f}", r.parquet)
    console.print(table)


@mrt_app.command("parse")
def parse(files: FilesArg, out: OutDirOpt, collector: CollectorOpt = None,
          as_json: JsonOpt = False) -> None:
    """Parse MRT files one after the other in this process."""
    from crossroads.sources.mrt.ingest import parse_files

    _check(files, out)
    bars, tasks = _bars()
    with bars:
        results = parse_files(files, out, collector=collector,
                              progress=None if as_json else _updater(bars, tasks))
    _render(results, as_json)


@mrt_app.command("ingest")
def ingest(
    files: FilesArg, out: OutDirOpt,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    collector: CollectorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Parse many MRT files in parallel on Dask distributed, a progress bar per file."""
    from crossroads.sources.mrt.ingest import ingest_files

    _check(files, out)
    bars, tasks = _bars()
    with bars:
        results = ingest_files(files, out, scheduler=scheduler, workers=workers,
                               collector=collector,
                               progress=None if as_json else _updater(bars, tasks))
    _render(results, as_json)


def register(app: typer.Typer) -> None:
    """Add the ``mrt`` command group to the main application."""
    app.add_typer(mrt_app, name="mrt")
