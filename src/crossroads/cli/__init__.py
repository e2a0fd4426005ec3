"""The ``crossroads`` command line: a thin layer that parses, calls one API function, renders.

This module is the only error boundary: a :class:`~crossroads.errors.CrossroadsError`
becomes one line on stderr and exit code 2. Each command group lives in its own module
with a ``register(app)`` function; :data:`COMMANDS` maps every command name to its module.

A process imports only the module of the command it runs: ``crossroads dependency KZ``
registers :mod:`crossroads.cli.dependency` alone (the report, the web server, scenarios,
MRT, TLS and their libraries stay unloaded). ``--help``, no arguments, an unknown name and
shell completion get every command. ``from crossroads.cli import app`` is the whole
application, built on first use.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Annotated

import typer
from rich.console import Console

from crossroads.errors import CrossroadsError

__all__ = ["COMMANDS", "COMMAND_MODULES", "app", "app_for", "main"]

COMMANDS: dict[str, str] = {
    "fetch": "data",
    "datasets": "data",
    "as": "data",
    "profile": "data",
    "update": "update",
    "route": "route",
    "dependency": "dependency",
    "world-matrix": "dependency",
    "corridors": "corridors",
    "simulate": "scenarios",
    "scenarios": "scenarios",
    "sweep": "scenarios",
    "mrt": "mrt",
    "outages": "outages",
    "watch": "outages",
    "tls": "tls",
    "history": "history",
    "fidelity": "history",
    "report": "report",
    "serve": "serve",
    "methods": "methods",
}
"""Command (or command group) name -> the module under ``crossroads.cli`` whose
``register(app)`` adds it; the modules register in this order. A test checks it against
what each module's ``register`` adds."""

COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))
"""The command modules, in registration order."""

app: typer.Typer
"""Every command; built on first access (module ``__getattr__``), then the same object."""

err_console = Console(stderr=True)
_full_app: typer.Typer | None = None


def _version(value: bool) -> None:
    if value:
        from crossroads import __version__

        print(f"crossroads {__version__}")
        raise typer.Exit()


def _main(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_version,
        is_eager=True)] = False,
) -> None:
    """Where a country's Internet paths cross its borders, and what breaks if they go dark."""


def _build(modules: Iterable[str]) -> typer.Typer:
    """A ``crossroads`` application with the commands of these modules.

    >>> sorted(typer.main.get_command(_build([COMMANDS["world-matrix"]])).commands)
    ['dependency', 'world-matrix']
    """
    application = typer.Typer(
        name="crossroads",
        help="Where a country's Internet paths cross its borders, and what breaks if they "
             "go dark.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    application.callback()(_main)
    for name in modules:
        try:
            module = importlib.import_module(f"crossroads.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"crossroads.cli.{name}":
                continue  # that command group is not part of this build
            raise
        module.register(application)
    return application


def _everything() -> typer.Typer:
    global _full_app
    if _full_app is None:
        _full_app = _build(COMMAND_MODULES)
    return _full_app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return _everything()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def app_for(args: Sequence[str]) -> typer.Typer:
    """The application :func:`main` runs for these arguments (``sys.argv[1:]``): when the
    first names a command, one with only that command's module; otherwise (``--help``, no
    arguments, an unknown name, shell completion) every command. Once the whole
    application exists, that one."""
    module = COMMANDS.get(args[0]) if args else None
    completing = any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)
    if _full_app is not None or module is None or completing:
        return _everything()
    return _build((module,))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``crossroads`` script."""
    application = app_for(sys.argv[1:] if argv is None else argv)
    try:
        # standalone_mode=False makes click *return* typer.Exit codes instead of exiting
        code = application(args=argv, standalone_mode=False)
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
