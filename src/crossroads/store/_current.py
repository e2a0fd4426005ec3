"""Which loaded datasets an analysis reads: per part, the one in force (one rule everywhere).

"Current" data of a kind is, for each part of it (:func:`crossroads.sources.names.part_of`:
each RIR, each family of a range table, the one AS graph), the loaded dataset in force on
the date asked -- the latest dated on or before it, :func:`~crossroads.sources.catalog.
in_force_on` -- or the newest without a date. A store that holds several snapshots of a
series (an ``update`` keeps the previous one until the new one is complete, and a
retention rule prunes) thus reads one consistent snapshot per part.

>>> from datetime import date
>>> rows = [("rir-arin-20181013", "rir", date(2018, 10, 13)),
...         ("rir-arin-20260101", "rir", date(2026, 1, 1)),
...         ("rir-ripencc-20181013", "rir", date(2018, 10, 13))]
>>> current_names(rows, "rir")
['rir-arin-20260101', 'rir-ripencc-20181013']
>>> current_names(rows, "rir", on=date(2020, 1, 1))
['rir-arin-20181013', 'rir-ripencc-20181013']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from crossroads.errors import DatasetMissingError
from crossroads.sources.catalog import in_force_on
from crossroads.sources.names import part_of

__all__ = ["current_names"]


@dataclass(frozen=True)
class _Row:
    name: str
    kind: str
    data_date: date


def current_names(rows: Iterable[tuple[str, str, date]], kind: str,
                  on: date | datetime | None = None) -> list[str]:
    """Names of the datasets of ``kind`` in force on ``on`` (newest when None), one per
    part, sorted; parts with nothing on or before ``on`` are left out."""
    parts: dict[str, list[_Row]] = defaultdict(list)
    for name, k, when in rows:
        if k == kind:
            parts[part_of(kind, name)].append(_Row(name, k, when))
    out = []
    for group in parts.values():
        try:
            out.append(in_force_on(group, on).name)
        except DatasetMissingError:
            continue
    return sorted(out)
