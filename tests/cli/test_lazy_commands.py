"""A ``crossroads <command>`` process registers only that command's module; the static map
from command names to modules is what the modules register, and nothing a command prints
depends on which other commands were registered beside it."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from crossroads.cli import COMMAND_MODULES, COMMANDS, app, app_for

_HEAVY = ("crossroads.metrics", "crossroads.report", "crossroads.scenarios",
          "crossroads.web.app", "crossroads.tls", "jinja2", "httpx")
_LOADED = f"""
import sys
from crossroads.cli import COMMAND_MODULES, main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("LOADED", *sorted(m for m in COMMAND_MODULES if f"crossroads.cli.{{m}}" in sys.modules))
print("HEAVY", *sorted(m for m in {_HEAVY!r} if m in sys.modules))
"""


def _run(*args: str, script: str = "from crossroads.cli import main; main()"
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})


def _registered_by(module: str) -> list[str]:
    alone = typer.Typer()
    alone.callback()(lambda: None)  # a group even when the module adds one command
    importlib.import_module(f"crossroads.cli.{module}").register(alone)
    return list(get_command(alone).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_the_map_names_exactly_what_each_module_registers(module: str) -> None:
    assert _registered_by(module) == [name for name, m in COMMANDS.items() if m == module]


def test_the_whole_app_has_every_mapped_command() -> None:
    assert sorted(get_command(app).commands) == sorted(COMMANDS)  # type: ignore[attr-defined]
    assert app_for(["dependency", "KZ"]) is app  # once built, the whole app serves


def test_help_lists_every_command() -> None:
    done = _run("--help")
    assert done.returncode == 0, done.stderr
    listed = [name for name in COMMANDS
              if re.search(rf"^[\s│|]*{re.escape(name)}\s", done.stdout, re.M)]
    assert listed == list(COMMANDS)


@pytest.mark.parametrize(("args", "loaded"), [
    (["dependency", "--help"], "dependency"),
    (["world-matrix", "--help"], "dependency"),
    (["methods", "--json"], "methods"),
    (["datasets", "--help"], "data"),  # the metrics package only in `as` and `profile`
])
def test_a_command_process_imports_only_its_module(args: list[str], loaded: str) -> None:
    done = _run(*args, script=_LOADED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == [f"LOADED {loaded}", "HEAVY"]


def test_reading_the_store_leaves_the_http_client_unloaded() -> None:
    script = ("import sys, crossroads.store, crossroads.sources, crossroads.snapshots; "
              "print(sorted(m for m in ('httpx', 'httpcore') if m in sys.modules))")
    done = _run(script=script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_command_or_an_unknown_one_gets_every_command() -> None:
    for args in ([], ["--help"], ["dependancy"]):
        done = _run(*args, script=_LOADED)
        assert done.stdout.splitlines()[-2] == "LOADED " + " ".join(sorted(COMMAND_MODULES))


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_prints_the_same_help_alone_as_beside_the_others(name: str) -> None:
    from crossroads.cli import _build

    alone = CliRunner().invoke(_build([COMMANDS[name]]), [name, "--help"], terminal_width=100)
    beside = CliRunner().invoke(app, [name, "--help"], terminal_width=100)
    assert alone.exit_code == beside.exit_code == 0
    assert alone.output == beside.output and f"crossroads {name}" in alone.output
