"""The worked examples in the scenario modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["model", "load", "apply", "reach"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"crossroads.scenarios.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_public_names_are_sorted_and_exist() -> None:
    import crossroads.scenarios as s

    assert s.__all__ == sorted(s.__all__)
    assert all(hasattr(s, n) for n in s.__all__)
