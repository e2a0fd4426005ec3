"""``crossroads serve``: the dashboard and JSON API over the loaded store."""

from __future__ import annotations

from typing import Annotated

import typer

from crossroads.cli._common import (
    DataDirOpt,
    MirrorOpt,
    PortOpt,
    bind_socket,
    console,
    settings_from,
    warn_if_exposed,
)

__all__ = ["register"]


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: PortOpt = 8000,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Another name the Host header may carry (repeatable); "
        "loopback names and --host are always allowed.")] = None,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Run the dashboard (pages and JSON API) until Ctrl-C."""
    import uvicorn

    from crossroads.web.app import create_app

    settings = settings_from(mirror, data_dir)
    sock = bind_socket(host, port, what="the dashboard")  # one-line errors, before anything
    bound = sock.getsockname()[1]
    app = create_app(settings, allowed_hosts=[host, *(allow_host or [])])
    name = f"[{host}]" if ":" in host else host
    warn_if_exposed(host, "the dashboard")
    console.print(f"crossroads dashboard on http://{name}:{bound}/ (Ctrl-C to stop)",
                  highlight=False)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``crossroads`` command."""
    app.command("serve")(serve)
