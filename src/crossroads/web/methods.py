"""The project's documentation pages (``docs/``) served by the dashboard as HTML.

Methods and validation are linked from every page and every fidelity note; a link must
open in the browser that shows the dashboard, offline, so the Markdown of ``docs/`` is
rendered here (markdown-it, CommonMark with tables) rather than pointed at as a
repository path. ``crossroads/web/docs`` is a link to the repository's ``docs/`` folder,
shipped with the package.

A page is named by its path under ``docs/`` without ``.md``, the ``methods/`` folder
left out: ``routing`` is ``docs/methods/routing.md``, ``validation`` is
``docs/validation.md``, ``cli/route`` is ``docs/cli/route.md``. Links between pages are
rewritten to ``/methods/NAME``; links to files that are not pages keep their text only.

>>> page_name("methods/routing.md"), page_name("validation.md"), page_name("cli/as.md")
('routing', 'validation', 'cli/as')
>>> _resolve("methods/dependency.md", "../validation.md#fidelity")
'/methods/validation#fidelity'
"""

from __future__ import annotations

import functools
import posixpath
import re
from importlib import resources
from importlib.abc import Traversable

__all__ = ["image_file", "method_page", "method_pages", "page_name", "page_text",
           "rewrite_links"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")
_LINK = re.compile(r'href="([^"]*)"')
_IMG = re.compile(r'src="([^"]*)"')


def _docs() -> Traversable:
    return resources.files("crossroads.web").joinpath("docs")


def page_name(rel: str) -> str:
    """The page name of a file path relative to ``docs/`` (module doc)."""
    stem = rel.removesuffix(".md")
    return stem.removeprefix("methods/")


def _path(name: str) -> str | None:
    for rel in (f"methods/{name}.md", f"{name}.md"):
        if _docs().joinpath(rel).is_file():
            return rel
    return None


def _resolve(source: str, href: str) -> str | None:
    """Where a link of page ``source`` leads in the dashboard (None: not a page)."""
    if re.match(r"^[a-z]+:", href) or href.startswith("#"):
        return href
    target, _, anchor = href.partition("#")
    if not target.endswith(".md"):
        return None
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    name = page_name(rel)
    if rel.startswith("..") or not _NAME.match(name) or _path(name) != rel:
        return None
    return f"/methods/{name}" + (f"#{anchor}" if anchor else "")


def rewrite_links(html: str, source: str) -> str:
    """``html`` rendered from ``docs/<source>`` with its links rewritten (module doc) and
    its images of ``docs/img`` served from ``/methods/img/NAME``."""

    def one(m: re.Match[str]) -> str:
        where = _resolve(source, m.group(1))
        return f'href="{where}"' if where is not None else 'data-file="' + m.group(1) + '"'

    def image(m: re.Match[str]) -> str:
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(source), m.group(1)))
        name = rel.removeprefix("img/")
        return f'src="/methods/img/{name}"' if image_file(name) else 'alt-src=""'

    return _IMG.sub(image, _LINK.sub(one, html))


def image_file(name: str) -> bytes | None:
    """The PNG ``docs/img/<name>`` (a plain file name), or None."""
    if not re.match(r"^[a-z0-9][a-z0-9-]*\.png$", name):
        return None
    path = _docs().joinpath("img", name)
    return path.read_bytes() if path.is_file() else None


@functools.cache
def method_pages() -> tuple[tuple[str, str], ...]:
    """(name, title) of every page: the methods, then validation and the rest."""
    out = []
    for folder in ("methods", "", "cli"):
        base = _docs().joinpath(folder) if folder else _docs()
        if not base.is_dir():
            continue
        for entry in sorted(base.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".md") and entry.name != "README.md":
                rel = f"{folder}/{entry.name}" if folder else entry.name
                out.append((page_name(rel), _title(entry.read_text("utf-8"), rel)))
    return tuple(out)


def _title(text: str, rel: str) -> str:
    first = next((line for line in text.splitlines() if line.startswith("# ")), rel)
    return first.removeprefix("# ").strip().strip("`")


def page_text(name: str) -> str | None:
    """The Markdown of page ``name`` (what ``crossroads methods NAME`` prints); None when
    there is none."""
    rel = _path(name) if _NAME.match(name) else None
    return None if rel is None else _docs().joinpath(rel).read_text("utf-8")


@functools.cache
def method_page(name: str) -> tuple[str, str] | None:
    """(title, HTML body) of page ``name``; None when there is none."""
    from markdown_it import MarkdownIt

    text = page_text(name)
    if text is None:
        return None
    rel = _path(name)
    assert rel is not None
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return _title(text, rel), rewrite_links(html, rel)
