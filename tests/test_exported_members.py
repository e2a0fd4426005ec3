"""The public surface: a sorted ``__all__`` whose names all exist (httpx-style)."""

from __future__ import annotations

import crossroads
from crossroads import errors


def test_all_is_sorted_and_complete() -> None:
    assert crossroads.__all__ == sorted(crossroads.__all__)
    for name in crossroads.__all__:
        assert hasattr(crossroads, name), name


def test_every_error_class_is_exported() -> None:
    assert set(errors.__all__) <= set(crossroads.__all__)
    for name in errors.__all__:
        assert issubclass(getattr(crossroads, name), crossroads.CrossroadsError)
