"""A loaded view of the Internet at one date: the thing every computing function takes.

A :class:`Snapshot` holds what the metrics, scenarios, physical layer and reports read:
the AS graph in force on a date, the per-AS table aligned with it
(:class:`~crossroads.snapshots.astable.ASTable`), the ``as_info`` rows it came from, the
route-collector peers that serve as vantage points, and the provenance of every dataset
that went into it. It is frozen: a what-if makes a new snapshot with
:meth:`Snapshot.with_graph` and leaves the original untouched, so one loaded snapshot
serves any number of computations (the CLI loads one per command, the web app one per
date).

It is made by :func:`crossroads.snapshot` from the store, or by :meth:`Snapshot.of` from
a hand-made graph and table (tests, notebooks)::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([1, 1], [2, 3], [-1, -1])
    >>> snap = Snapshot.of(g, pd.DataFrame({"asn": [1, 2, 3], "reg_cc": ["RU", "KZ", "KZ"],
    ...                                     "ipv4_addresses": [0, 256, 512]}))
    >>> snap.require_country("kz"), snap.table.origins("KZ").tolist(), snap.data_date
    ('KZ', [1, 2], None)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date as Date
from typing import TYPE_CHECKING, Any

import pandas as pd

from crossroads.ids import ASN, country_code
from crossroads.provenance import Provenance
from crossroads.routing import ASGraph
from crossroads.snapshots.astable import ASTable, CountryBy, meaning_column

if TYPE_CHECKING:
    from crossroads.routing.siblings import SiblingMerge
    from crossroads.store import Store

__all__ = ["Snapshot"]


@dataclass(frozen=True)
class Snapshot:
    """The AS graph, the AS table, the vantage points and the provenance of one date.

    ``info`` is the ``as_info``-shaped frame the table was built from (one row per AS:
    ``asn``, ``reg_cc``, ``ipv4_addresses``, ``name`` …); ``vantage_points`` are ASNs
    with a full IPv4 feed at a RIS or RouteViews collector (empty when not loaded);
    ``datasets`` the provenance of the graph and of every dataset behind the table;
    ``notes`` what a reader should know about how it was assembled (e.g. siblings
    merged). ``store`` is the store it was read from (None for a hand-made snapshot):
    optional tables (PeeringDB, RIBs …) are read from it on demand.
    """

    graph: ASGraph
    table: ASTable
    info: pd.DataFrame = field(repr=False, compare=False)
    vantage_points: tuple[ASN, ...] = ()
    datasets: tuple[Provenance, ...] = ()
    notes: tuple[str, ...] = ()
    store: Store | None = field(default=None, repr=False, compare=False)
    merge: SiblingMerge | None = field(default=None, repr=False, compare=False)
    # optional store tables, read on first use (the snapshot's view of them is fixed)
    _read: dict[str, Any] = field(default_factory=dict, init=False, repr=False,
                                  compare=False)

    @classmethod
    def of(
        cls,
        graph: ASGraph,
        info: pd.DataFrame,
        *,
        vantage_points: Iterable[int] = (),
        datasets: Iterable[Provenance] = (),
        notes: Iterable[str] = (),
        table: ASTable | None = None,
        country_by: CountryBy = "registration",
    ) -> Snapshot:
        """A snapshot of a given graph and ``as_info``-shaped frame (no store).

        ``country_by`` picks the frame's country column (:data:`~crossroads.snapshots.
        astable.COUNTRY_COLUMNS`): ``registration`` (``reg_cc``) by default, the column a
        hand-made frame usually has; ``table`` is ``info`` already aligned
        (:meth:`ASTable.from_frame`; it then decides the meaning); pass it to skip the
        alignment when measuring several graphs with the same rows."""
        if table is None:
            table = ASTable.from_frame(graph, info, country_column=meaning_column(country_by))
        else:
            table = table.aligned(graph)
        prov = (graph.provenance,) if graph.provenance is not None else ()
        sets = tuple(datasets)
        return cls(
            graph=graph, table=table, info=info,
            vantage_points=tuple(ASN(int(a)) for a in vantage_points),
            datasets=sets if any(p in sets for p in prov) else (*prov, *sets),
            notes=tuple(notes),
        )

    @property
    def country_by(self) -> CountryBy:
        """The meaning of every country in this snapshot (``operation``, ``registration``
        or ``ownership``)."""
        return self.table.country_by

    @property
    def data_date(self) -> Date | None:
        """The data date of the AS graph (None for a hand-made graph)."""
        return self.graph.provenance.data_date if self.graph.provenance is not None else None

    def require_country(self, country: str) -> str:
        """``country`` as an ISO code with at least one AS in the graph, else
        :class:`~crossroads.errors.UnknownCountryError` (one message for both cases).

        >>> import pandas as pd
        >>> from crossroads.routing import ASGraph
        >>> s = Snapshot.of(ASGraph.from_links([1], [2], [0]), pd.DataFrame(
        ...     {"asn": [1], "reg_cc": ["KZ"], "ipv4_addresses": [1]}))
        >>> s.require_country("UZ")
        Traceback (most recent call last):
        ...
        crossroads.errors.UnknownCountryError: no AS of the AS graph is registered in UZ
        Hint: check the code, or load newer data with `crossroads fetch`
        """
        code = country_code(country)
        self.table.country_id(code)
        return code

    def with_graph(self, graph: ASGraph, *, info: pd.DataFrame | None = None) -> Snapshot:
        """The same snapshot on another graph (a what-if's edited graph), with the table
        re-aligned (or rebuilt from ``info`` when given)."""
        if info is None:
            table = self.table.aligned(graph)
        else:
            table = ASTable.from_frame(graph, info, country_column=self.table.country_column)
        edited = replace(self, graph=graph, table=table,
                         info=self.info if info is None else info)
        edited._read.update(self._read)  # the same store: its tables need no new read
        return edited

    def provenance_of(self, kind: str) -> tuple[Provenance, ...]:
        """The datasets of ``kind`` (``as-rel``, ``rir`` …) this snapshot was made of."""
        return tuple(p for p in self.datasets if p.kind == kind)

    # ------------------------------------------------------------ optional store tables
    def loaded(self, kind: str) -> tuple[Provenance, ...]:
        """Provenance of the store's current datasets of ``kind`` (``peeringdb``,
        ``state-owned`` …), including those the snapshot itself is not made of; ``()``
        when none is loaded or for a hand-made snapshot (no store)."""
        store = self.store
        if store is None:
            return ()
        prov: tuple[Provenance, ...] = self._once(f"prov:{kind}",
                                                  lambda: store.provenance(kind))
        return prov

    def peeringdb(self) -> dict[str, pd.DataFrame] | None:
        """The PeeringDB tables the physical layer reads -- ``fac``, ``netfac``, ``ix``,
        ``netixlan`` -- of the store's current dump; None when none is loaded (the
        optional ``peeringdb`` dataset) or for a hand-made snapshot. Read once."""
        store = self.store
        if store is None or not self.loaded("peeringdb"):
            return None
        tables: dict[str, pd.DataFrame] = self._once("peeringdb", lambda: {
            t: store.peeringdb(t).to_pandas() for t in ("fac", "netfac", "ix", "netixlan")})
        return tables

    def state_owned(self) -> pd.DataFrame | None:
        """The ASes of state-owned operators (``state-owned`` datasets: ``asn,
        conglomerate, ownership, ownership_cc`` …); None when not loaded or for a
        hand-made snapshot. Read once."""
        store = self.store
        if store is None or not self.loaded("state-owned"):
            return None
        frame: pd.DataFrame = self._once("state-owned",
                                         lambda: store.state_owned().to_pandas())
        return frame

    def _once(self, key: str, read: Callable[[], Any]) -> Any:
        """``read()``, kept for the next call (a snapshot's store tables do not change)."""
        if key not in self._read:
            self._read[key] = read()
        return self._read[key]
