"""The public names of crossroads.scenarios are sorted and exist (its docstring examples run
in tests/test_doctests.py with every other module's)."""

from __future__ import annotations


def test_public_names_are_sorted_and_exist() -> None:
    import crossroads.scenarios as s

    assert s.__all__ == sorted(s.__all__)
    assert all(hasattr(s, n) for n in s.__all__)
