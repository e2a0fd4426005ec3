"""Every CLI command has its page in docs/cli/, and every option it takes is documented there.

Like datasette's tests/test_docs.py: the docs cannot silently fall behind ``--help``.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from typer.main import get_command

from crossroads.cli import app
from crossroads.cli._docs import page_block, pages

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []

    def walk(group: click.Group, prefix: list[str]) -> None:
        for name, sub in group.commands.items():
            if isinstance(sub, click.Group) or hasattr(sub, "commands"):
                walk(sub, [*prefix, name])  # type: ignore[arg-type]
            else:
                found.append((" ".join([*prefix, name]), sub))

    walk(get_command(app), [])  # type: ignore[arg-type]
    return found


COMMANDS = _commands()


def test_the_cli_has_its_commands() -> None:
    names = {n for n, _ in COMMANDS}
    assert {"fetch", "profile", "dependency", "simulate", "report", "serve"} <= names
    assert {"mrt parse", "mrt ingest", "tls check", "tls roots"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_and_options_are_documented(name: str, command: click.Command) -> None:
    page = DOCS / "cli" / f"{name.split()[0]}.md"
    assert page.is_file(), f"no docs page for `crossroads {name}`"
    text = page.read_text(encoding="utf-8")
    assert f"crossroads {name}" in text
    undocumented = [
        opt for p in command.params for opt in getattr(p, "opts", ())
        if opt.startswith("--") and opt not in text
    ]
    assert undocumented == []


@pytest.mark.parametrize("page", sorted(pages()))
def test_synopsis_is_generated_from_help(page: str) -> None:
    text = (DOCS / "cli" / f"{page}.md").read_text(encoding="utf-8")
    assert page_block(page) in text, (
        f"docs/cli/{page}.md: the synopsis differs from --help; run `make docs`")


def test_methods_pages_cite_references() -> None:
    for page in sorted((DOCS / "methods").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert "# " in text.splitlines()[0], page.name
        assert any(w in text for w in ("Reference", "reference", "RFC", "et al.")), page.name


@pytest.mark.slow
def test_api_quick_start_runs(loaded_settings) -> None:  # type: ignore[no-untyped-def]
    """docs/api.md is a doctest: every example in it runs against the mirror's store."""
    import doctest

    result = doctest.testfile(
        str(DOCS / "api.md"), module_relative=False,
        globs={"MIRROR": loaded_settings.mirror, "STORE": loaded_settings.data_dir},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted >= 15 and result.failed == 0
