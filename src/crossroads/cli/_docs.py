"""The synopsis of every ``docs/cli/`` page, generated from the commands themselves.

Like datasette's docs, the usage line and the table of arguments and options of each page
come from the click command behind ``--help`` (name, metavar, choices, default, help), so
a page cannot fall behind the code: ``tests/test_docs.py`` regenerates them and compares,
and ``make docs`` (``python -m crossroads.cli._docs docs/cli``) rewrites them. Each page
holds one generated block between the markers below, one section per command of the page
(``mrt.md``: ``mrt parse`` and ``mrt ingest``); the prose around it is written by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from typer.main import get_command

from crossroads.cli import app

__all__ = ["BEGIN", "END", "commands", "page_block", "pages", "synopsis", "write_pages"]

BEGIN = "<!-- BEGIN synopsis: generated from --help by `make docs`; do not edit -->"
END = "<!-- END synopsis -->"


# Typer bundles its own copy of click, so commands and parameters are read by duck typing:
# a group has ``commands``, a parameter says ``param_type_name`` ("option" or "argument").
Command = Any


def commands() -> list[tuple[str, Command]]:
    """Every leaf command as ``("mrt parse", command)``, in registration order."""
    found: list[tuple[str, Command]] = []

    def walk(group: Command, prefix: list[str]) -> None:
        for name, sub in group.commands.items():
            if hasattr(sub, "commands"):
                walk(sub, [*prefix, name])
            else:
                found.append((" ".join([*prefix, name]), sub))

    walk(get_command(app), [])
    return found


def pages() -> dict[str, list[tuple[str, Command]]]:
    """Commands grouped by their page (the first word of the command)."""
    out: dict[str, list[tuple[str, Command]]] = {}
    for name, cmd in commands():
        out.setdefault(name.split()[0], []).append((name, cmd))
    return out


def synopsis(name: str, command: Command) -> str:
    """Markdown: the usage line and a table of the command's arguments and options, each
    as ``--help`` shows it (its spelling, then its help with range and default)."""
    ctx = command.context_class(command, info_name=f"crossroads {name}")
    usage = " ".join(command.collect_usage_pieces(ctx))
    rows = ["| argument or option | meaning |", "|---|---|"]
    for p in command.params:
        record = None if getattr(p, "hidden", False) else p.get_help_record(ctx)
        if record is not None:
            rows.append(f"| `{_cell(record[0])}` | {_cell(record[1])} |")
    return "\n".join([f"```\ncrossroads {name} {usage}\n```", "", *rows])


def page_block(page: str) -> str:
    """The generated block of ``page`` (markers included)."""
    parts = [synopsis(name, cmd) for name, cmd in pages()[page]]
    return "\n".join([BEGIN, "", "\n\n".join(parts), "", END])


def write_pages(folder: Path) -> list[Path]:
    """Replace (or insert after the title) the generated block of every page; returns the
    pages that changed."""
    changed = []
    for page in pages():
        path = folder / f"{page}.md"
        text = path.read_text(encoding="utf-8")
        new = _with_block(text, page_block(page))
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


def _with_block(text: str, block: str) -> str:
    if BEGIN in text and END in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        return text[:start] + block + text[end:]
    title_end = text.index("\n") + 1
    return text[:title_end] + "\n" + block + "\n" + text[title_end:]


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


if __name__ == "__main__":  # python -m crossroads.cli._docs docs/cli
    for written in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/cli")):
        print(f"wrote {written}")
