"""``crossroads methods``: the documentation pages shipped with the package, in a terminal.

Every simulated figure's note ends with ``See `crossroads methods validation`.``
(:func:`crossroads.docrefs.see`): this command prints that page, the same Markdown the
dashboard serves at ``/methods/validation`` and the report summarises in its appendix.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from crossroads.cli._common import JsonOpt, console, print_json
from crossroads.errors import CrossroadsError

__all__ = ["register"]


def methods(
    page: Annotated[str | None, typer.Argument(
        help="A page name: validation, dependency, cli/route … (default: list them).",
        metavar="PAGE")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Print a documentation page (methods, validation, commands), or list them."""
    from crossroads.web.methods import method_pages, page_text

    if page is None:
        pages = method_pages()
        if json_out:
            print_json([{"page": name, "title": title} for name, title in pages])
            return
        table = Table("page", "title", title="crossroads methods PAGE prints one")
        for name, title in pages:
            table.add_row(name, title)
        console.print(table)
        return
    text = page_text(page.strip().lower())
    if text is None:
        raise CrossroadsError(f"no documentation page {page[:60]!r}",
                              hint="`crossroads methods` lists them")
    if json_out:
        print_json({"page": page.strip().lower(), "markdown": text})
        return
    typer.echo(text, nl=not text.endswith("\n"))


def register(app: typer.Typer) -> None:
    """Add ``methods`` to the ``crossroads`` command."""
    app.command("methods")(methods)
