"""``crossroads update``: follow the publishers, safe to run from cron or a systemd timer.

Exit status: 0 -- the store is up to date (something was loaded, or nothing was newer);
2 -- an error (publisher failure, bad file: one line on stderr, nothing lost);
75 (``EX_TEMPFAIL``) -- another ``fetch``/``update`` held the store for longer than
``--wait``: try again later.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from crossroads.cli._common import (
    DataDirOpt,
    JsonOpt,
    MirrorOpt,
    console,
    print_json,
    settings_from,
)
from crossroads.cli._progress import FetchBars
from crossroads.errors import BusyError
from crossroads.store import UpdateResult, update

__all__ = ["EXIT_BUSY", "register"]

EXIT_BUSY = 75
"""Exit status when the store stayed locked (sysexits.h ``EX_TEMPFAIL``)."""


def update_cmd(
    data_dir: DataDirOpt = None,
    mirror: MirrorOpt = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Follow only this kind (repeatable; "
                                       "default: every kind the store holds).")] = None,
    keep: Annotated[
        int, typer.Option("--keep", help="Retention: snapshots kept per followed series, "
                          "newest first (the new one and the one before it by default).")] = 2,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for a running fetch or update "
                            "before giving up with exit status 75.")] = 0.0,
    ribs: Annotated[
        bool | None, typer.Option("--ribs/--no-ribs", help="Also follow the newest RIB of the "
                                  "collectors (default: when the store holds RIBs).")] = None,
    collectors: Annotated[
        str | None, typer.Option("--collectors", help="RIB collectors to follow, "
                                 "comma-separated (default: those stored, else "
                                 "rrc00,route-views2).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Files fetched at once.")] = 4,
    json: JsonOpt = False,
) -> None:
    """Fetch what is newer at the publishers than the store holds and swap it in at once."""
    settings = settings_from(mirror, data_dir)
    try:
        with FetchBars() as bars:
            result = update(settings, kinds=kind or None, keep=keep, wait=wait, ribs=ribs,
                            collectors=collectors.split(",") if collectors else None,
                            workers=workers, progress=bars)
    except BusyError as exc:
        Console(stderr=True).print(f"[bold red]busy:[/] {exc.message}", highlight=False,
                                   soft_wrap=True)
        raise typer.Exit(EXIT_BUSY) from None
    if json:
        print_json(_as_dict(result))
        return
    console.print(_table(result, str(settings.data_dir)))


def register(app: typer.Typer) -> None:
    """Add ``update`` to ``app``."""
    app.command("update")(update_cmd)


def _as_dict(r: UpdateResult) -> dict[str, object]:
    return {
        "loaded": [{"name": x.name, "kind": x.kind, "rows": x.rows,
                    "data_date": x.data_date.isoformat(), "source": x.source,
                    "sha256": x.sha256} for x in r.loaded],
        "current": r.current, "pruned": r.pruned, "notes": r.notes,
    }


def _table(r: UpdateResult, where: str) -> Table:
    title = f"Updated {where}" if r.changed else f"{where} is up to date"
    table = Table(title=title)
    for col in ("dataset", "what", "rows", "data date"):
        table.add_column(col, no_wrap=True, justify="right" if col == "rows" else "left")
    table.add_column("source", overflow="fold")
    for x in r.loaded:
        table.add_row(x.name, "loaded", f"{x.rows:,}", x.data_date.isoformat(), x.source)
    for name in r.current:
        table.add_row(name, "current", "", "", "")
    for name in r.pruned:
        table.add_row(name, "pruned (retention)", "", "", "")
    if r.notes:
        table.caption = "\n".join(r.notes)
    return table
