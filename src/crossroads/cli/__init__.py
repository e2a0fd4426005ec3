"""The ``crossroads`` command line: a thin layer that parses, calls one API function, renders.

This module is the only error boundary: a :class:`~crossroads.errors.CrossroadsError`
becomes one line on stderr and exit code 2. Each command group lives in its own module
with a ``register(app)`` function; groups are listed in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
from rich.console import Console

from crossroads.errors import CrossroadsError

__all__ = ["app", "main"]

COMMAND_MODULES: tuple[str, ...] = (
    "data",
    "update",
    "route",
    "dependency",
    "corridors",
    "scenarios",
    "mrt",
    "outages",
    "tls",
    "history",
    "report",
    "serve",
    "methods",
)

app = typer.Typer(
    name="crossroads",
    help="Where a country's Internet paths cross its borders, and what breaks if they go dark.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from crossroads import __version__

        print(f"crossroads {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_version,
        is_eager=True)] = False,
) -> None:
    """Where a country's Internet paths cross its borders, and what breaks if they go dark."""


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"crossroads.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"crossroads.cli.{name}":
                continue  # that command group is not part of this build
            raise
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crossroads`` script."""
    try:
        # standalone_mode=False makes click *return* typer.Exit codes instead of exiting
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except CrossroadsError as exc:
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        if exc.hint:
            err_console.print(f"Hint: {exc.hint}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        raise


def _is_usage_error(exc: Exception) -> bool:
    """A bad option or argument: click's exception, or typer's (typer >= 0.20 bundles its
    own click, whose exceptions derive from ``typer.TyperException``)."""
    import click

    if isinstance(exc, click.ClickException):
        return True
    typer_base = getattr(typer, "TyperException", None)
    return typer_base is not None and isinstance(exc, typer_base) and hasattr(exc, "show")
