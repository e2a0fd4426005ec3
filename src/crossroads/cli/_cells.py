"""Table cells that fit a terminal: lists cut between items, never inside one.

A cell such as a border AS's neighbour countries ``RU:40, CN:3, DE:2, …`` is cut at a
separator and says how many items it leaves out, so that a reader never sees half a
token ("FR:10, N") and knows that there is more (``--json`` gives everything).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["NARROW", "cut_items", "cut_list"]

NARROW = 120
"""Terminals narrower than this many columns get the narrow layout of wide tables."""


def cut_items(items: Sequence[str], width: int, *, sep: str = ", ") -> str:
    """``items`` joined by ``sep``, as many as fit in ``width`` characters with the suffix
    ``… +N more`` for the ``N`` left out (at least the first item is always kept).

    >>> cut_items(["RU:40", "CN:3", "DE:2", "FR:10", "NL:1"], 24)
    'RU:40, CN:3 … +3 more'
    >>> cut_items(["RU:40", "CN:3"], 24)
    'RU:40, CN:3'
    >>> cut_items(["AS9198"], 3)
    'AS9198'
    """
    full = sep.join(items)
    if len(full) <= width or len(items) <= 1:
        return full
    for keep in range(len(items) - 1, 0, -1):
        text = f"{sep.join(items[:keep])} … +{len(items) - keep} more"
        if len(text) <= width:
            return text
    return f"{items[0]} … +{len(items) - 1} more"


def cut_list(text: str, width: int, *, sep: str = ", ") -> str:
    """:func:`cut_items` of ``text`` split at ``sep``.

    >>> cut_list("KZ:12, RU:9, FR:10, NL:3", 16)
    'KZ:12 … +3 more'
    """
    return cut_items([t for t in str(text).split(sep) if t], width, sep=sep)
