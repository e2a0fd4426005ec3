"""The public surface of crossroads.tls: a sorted ``__all__``, and its doctests run."""

from __future__ import annotations

import doctest
import importlib

import pytest

import crossroads.tls


def test_all_is_sorted_and_exported() -> None:
    names = crossroads.tls.__all__
    assert names == sorted(names)
    assert all(hasattr(crossroads.tls, n) for n in names)


@pytest.mark.parametrize("module", ["crossroads.tls", "crossroads.tls._episodes",
                                    "crossroads.tls._handshake"])
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
