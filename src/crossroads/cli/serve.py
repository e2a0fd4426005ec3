"""``crossroads serve``: the dashboard and JSON API over the loaded store."""

from __future__ import annotations

from typing import Annotated

import typer

from crossroads.cli._common import DataDirOpt, MirrorOpt, console, settings_from

__all__ = ["register"]


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8000,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Run the dashboard (pages and JSON API) until Ctrl-C."""
    import uvicorn

    from crossroads.web.app import create_app

    app = create_app(settings_from(mirror, data_dir))
    url = f"http://{host}:{port}/"
    console.print(f"crossroads dashboard on {url} (Ctrl-C to stop)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``crossroads`` command."""
    app.command("serve")(serve)
