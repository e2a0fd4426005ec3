"""How a figure's text sends its reader to a documentation page, in every medium.

A note names a page of the documentation by the command that prints it, ``crossroads
methods PAGE`` (the pages ship with the package, so the command works wherever crossroads
is installed), in the words :func:`see` makes -- the only place they are made. The
dashboard links exactly those words to its served page ``/methods/PAGE`` and the report to
its own appendix, both with :data:`SEE_PATTERN` (:func:`link_pages` here; the dashboard's
script builds its expression from the same pattern, which the page carries), so no medium
guesses at a repository path that an installed package does not have.

>>> see("validation")
'See `crossroads methods validation`.'
>>> link_pages("51 % matched. " + see("validation"), lambda page: f"<a href=/m/{page}>it</a>")
'51 % matched. See <a href=/m/validation>it</a>.'
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["SEE_PATTERN", "link_pages", "see"]

SEE_PATTERN = r"See `crossroads methods ([a-z0-9][a-z0-9/-]*)`\."
"""The words of :func:`see`, the page name as group 1; valid in Python and JavaScript."""

_SEE = re.compile(SEE_PATTERN)


def see(page: str) -> str:
    """The sentence that sends a reader to documentation page ``page`` (a name of
    ``crossroads methods``: ``validation``, ``dependency``, ``cli/route`` …)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9/-]*", page):
        raise ValueError(f"not a documentation page name: {page!r}")
    return f"See `crossroads methods {page}`."


def link_pages(text: str, link: Callable[[str], str]) -> str:
    """``text`` with each sentence of :func:`see` made ``See {link(page)}.``."""
    return _SEE.sub(lambda m: f"See {link(m.group(1))}.", text)
