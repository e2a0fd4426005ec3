"""The worked examples in the readers' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["_ip", "caida", "rir", "prefix2as", "bgpdump_text", "ixp", "collectors", "peeringdb",
           "catalog", "_names", "index.listing", "index.documents", "index.transport"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"crossroads.sources.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
