"""The worked examples in the report modules' docstrings run."""

from __future__ import annotations

import doctest

import pytest

from crossroads.report import _worldmap, build, figures


@pytest.mark.parametrize("module", [_worldmap, build, figures])
def test_docstring_examples(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
