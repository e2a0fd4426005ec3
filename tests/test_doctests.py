"""Every ``>>>`` example in ``src/crossroads`` runs and holds (networkx-style worked
examples are part of the documentation, so they must not rot).

Modules are found by walking the package; a module whose docstrings hold examples is
tested, and the total number of examples is pinned from below so that a change which
silently drops them (an import error swallowed, a module renamed) fails.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import crossroads

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(crossroads.__path__, "crossroads.")
)


def _examples(name: str) -> int:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return sum(len(t.examples) for t in finder.find(module))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def test_the_examples_are_many() -> None:
    assert sum(_examples(name) for name in MODULES) >= 170
