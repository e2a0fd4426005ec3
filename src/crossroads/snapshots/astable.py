"""The one per-AS table: country, IPv4 space and name of every AS, aligned with a graph.

The metrics and the scenarios read a country id and an address count for every AS of the
graph they route on. They come from the store's ``as_info`` table (one row per AS:
``asn``, ``name``, ``reg_cc``, ``ipv4_addresses``, …; see :mod:`crossroads.store._asinfo`)
or from any DataFrame with those columns (hand-made tests, a scenario's edited table).

Two views of the same rows:

* **by AS index** of one graph (:attr:`ASTable.cc_id`, :attr:`~ASTable.ipv4`,
  :attr:`~ASTable.names`): what the kernels read;
* **by ASN** over every row of the frame, in the graph or not
  (:meth:`~ASTable.ids_of`, :meth:`~ASTable.ipv4_of`, :meth:`~ASTable.listed`,
  :meth:`~ASTable.country_of`): what scenario edits read, since a scenario may link an AS
  the graph does not have yet.

Which country an AS belongs to is a choice (:data:`CountryBy`): where it operates (its
address space geolocated, ``op_cc``; the default of :func:`crossroads.snapshot`), where it
is registered (``reg_cc``) or who owns it (``own_cc``); :data:`COUNTRY_COLUMNS` names the
``as_info`` column of each (see ``docs/methods/inventory.md``).

Country ids index :attr:`ASTable.codes`: the sorted country codes of every row, then
``"unknown"`` last. An AS without a known country (or absent from the frame) gets
``"unknown"``: it is reported under that name, never dropped, and it is foreign to every
country.

Example::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([1, 1], [2, 3], [-1, -1])
    >>> info = pd.DataFrame({"asn": [1, 2, 4], "reg_cc": ["RU", "KZ", "CN"],
    ...                      "ipv4_addresses": [0, 256, 512], "name": ["R", "K", "C"]})
    >>> t = ASTable.from_frame(g, info)
    >>> [t.country_of(a) for a in (1, 2, 3, 4)], t.ipv4.tolist()
    (['RU', 'KZ', 'unknown', 'CN'], [0.0, 256.0, 0.0])
    >>> t.codes, t.ids_of([4, 3]).tolist()
    (('CN', 'KZ', 'RU', 'unknown'), [0, 3])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from crossroads.ids import ASN, ASIndex, no_as_in
from crossroads.routing import ASGraph

__all__ = ["COUNTRY_COLUMNS", "UNKNOWN", "ASTable", "CountryBy", "meaning_column"]

UNKNOWN = "unknown"
"""The country reported for an AS without a known country (in the meaning chosen)."""

CountryBy = Literal["operation", "registration", "ownership"]
"""The meaning of "the country of an AS": where it operates, is registered, or is owned."""

COUNTRY_COLUMNS: dict[CountryBy, str] = {
    "operation": "op_cc", "registration": "reg_cc", "ownership": "own_cc",
}
"""The ``as_info`` column holding each meaning."""


def meaning_column(country_by: str) -> str:
    """The ``as_info`` column of a meaning; ``ValueError`` naming the choices otherwise.

    >>> meaning_column("operation"), meaning_column("registration")
    ('op_cc', 'reg_cc')
    """
    if country_by not in COUNTRY_COLUMNS:
        raise ValueError(f"unknown country meaning {country_by!r}; use one of "
                         + ", ".join(get_args(CountryBy)))
    return COUNTRY_COLUMNS[country_by]


@dataclass(frozen=True)
class ASTable:
    """Country ids, IPv4 counts and names of every AS index of one graph, plus the same
    attributes by ASN for every row of the frame it was built from.

    ``codes[cc_id[i]]`` is the country of AS index ``i``; ``ipv4[i]`` the IPv4 addresses
    it originates; ``names[i]`` its name (``""`` when unknown).
    """

    asns: np.ndarray  # int64, the graph's index -> ASN
    codes: tuple[str, ...]  # country id -> code, sorted, "unknown" last
    cc_id: np.ndarray  # int32 per AS index
    ipv4: np.ndarray  # float64 per AS index
    names: tuple[str, ...]  # per AS index ("" when unknown)
    rows_asn: np.ndarray  # int64, sorted: every ASN of the frame
    rows_cc: np.ndarray  # int32 country id per row
    rows_ipv4: np.ndarray  # float64 per row
    rows_name: tuple[str, ...]  # per row
    country_column: str = "reg_cc"

    @property
    def country_by(self) -> CountryBy:
        """The meaning of the countries in this table (``registration`` for any column
        other than ``op_cc`` and ``own_cc``, e.g. a hand-made frame's ``reg_cc``)."""
        for meaning, column in COUNTRY_COLUMNS.items():
            if column == self.country_column:
                return meaning
        return "registration"

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_frame(
        cls, graph: ASGraph, frame: pd.DataFrame, *, country_column: str = "reg_cc"
    ) -> ASTable:
        """Align ``frame`` (columns ``asn``, ``country_column``, ``ipv4_addresses``, and
        optionally ``name``) with the indices of ``graph``."""
        info = frame.drop_duplicates("asn").sort_values("asn")
        cc = info[country_column].astype("string").fillna("").to_numpy(dtype=object)
        seen, first = pd.factorize(cc)  # one dictionary pass instead of one per row
        known = sorted(str(c) for c in first if c and c != UNKNOWN)
        codes = (*known, UNKNOWN)
        lookup = {c: i for i, c in enumerate(codes)}
        ids = np.array([lookup.get(str(c), len(known)) for c in first], np.int32)
        rows_cc = ids[seen] if len(cc) else np.zeros(0, np.int32)
        rows_ipv4 = info["ipv4_addresses"].fillna(0).to_numpy(np.float64)
        if "name" in info.columns:
            rows_name = tuple(str(x) for x in info["name"].astype("string").to_numpy(
                dtype=object, na_value=""))
        else:
            rows_name = ("",) * len(info)
        base = cls(
            asns=np.zeros(0, np.int64), codes=codes, cc_id=np.zeros(0, np.int32),
            ipv4=np.zeros(0), names=(), rows_asn=info["asn"].to_numpy(np.int64),
            rows_cc=rows_cc, rows_ipv4=rows_ipv4, rows_name=rows_name,
            country_column=country_column,
        )
        return base.aligned(graph)

    def aligned(self, graph: ASGraph) -> ASTable:
        """The same rows aligned with another graph (``self`` when its ASes are equal):
        what a scenario's edited graph needs, without re-reading the frame."""
        if self.asns.shape == graph.asns.shape and np.array_equal(self.asns, graph.asns):
            return self
        pos, hit = self._find(graph.asns)
        names = tuple(self.rows_name[p] if h else "" for p, h in
                      zip(pos.tolist(), hit.tolist(), strict=True))
        return ASTable(
            asns=graph.asns, codes=self.codes,
            cc_id=np.where(hit, self.rows_cc[pos], self.unknown_id).astype(np.int32),
            ipv4=np.where(hit, self.rows_ipv4[pos], 0.0), names=names,
            rows_asn=self.rows_asn, rows_cc=self.rows_cc, rows_ipv4=self.rows_ipv4,
            rows_name=self.rows_name, country_column=self.country_column,
        )

    # ---------------------------------------------------------------- countries
    @property
    def n_countries(self) -> int:
        """Number of country ids (``unknown`` included)."""
        return len(self.codes)

    @property
    def unknown_id(self) -> int:
        """The id of ``unknown`` (the last one)."""
        return len(self.codes) - 1

    def id_of(self, country: str) -> int:
        """The id of ``country`` among the frame's countries, -1 when no row has it."""
        code = country.upper() if country != UNKNOWN else country
        try:
            return self.codes.index(code)
        except ValueError:
            return -1

    def country_id(self, country: str) -> int:
        """The id of ``country``; :class:`UnknownCountryError` when no AS of the graph
        is registered there (the one message of :func:`crossroads.ids.no_as_in`)."""
        i = self.id_of(country)
        if i < 0 or not np.any(self.cc_id == i):
            raise no_as_in(country.upper(), "the AS graph")
        return i

    def members(self, country: str) -> np.ndarray:
        """Indices (int32) of the ASes of the graph registered in ``country``."""
        return np.flatnonzero(self.cc_id == self.country_id(country)).astype(np.int32)

    def origins(self, country: str) -> np.ndarray:
        """Indices of the ASes of ``country`` that originate IPv4 space."""
        idx = self.members(country)
        routed: np.ndarray = idx[self.ipv4[idx] > 0]
        return routed

    # ---------------------------------------------------------------- by ASN
    def ids_of(self, asns: Iterable[int] | np.ndarray) -> np.ndarray:
        """Country ids (int32) of ``asns``, in the graph or not; ``unknown`` for ASNs
        the frame lacks."""
        pos, hit = self._find(asns)
        return np.where(hit, self.rows_cc[pos], self.unknown_id).astype(np.int32)

    def ipv4_of(self, asns: Iterable[int] | np.ndarray) -> np.ndarray:
        """Originated IPv4 addresses of ``asns`` (0 when unknown), float64."""
        pos, hit = self._find(asns)
        return np.where(hit, self.rows_ipv4[pos], 0.0)

    def country_of(self, asn: ASN | int) -> str:
        """The country of ``asn`` (``unknown`` when the frame lacks it)."""
        return self.codes[int(self.ids_of([asn])[0])]

    def name_of(self, asn: ASN | int) -> str:
        """The name of ``asn`` (``""`` when unknown)."""
        pos, hit = self._find([asn])
        return self.rows_name[int(pos[0])] if bool(hit[0]) else ""

    def listed(self, asn: ASN | int) -> bool:
        """Whether ``asn`` has a row in the frame (in the graph or not)."""
        return bool(self._find([asn])[1][0])

    def label(self, asn: ASN | int) -> str:
        """A display label: ``AS9198 KAZAKHTELECOM (KZ)``, without the parts unknown.

        >>> import pandas as pd
        >>> from crossroads.routing import ASGraph
        >>> t = ASTable.from_frame(ASGraph.from_links([1], [2], [0]), pd.DataFrame(
        ...     {"asn": [1], "reg_cc": ["KZ"], "ipv4_addresses": [0], "name": ["K"]}))
        >>> t.label(1), t.label(2)
        ('AS1 K (KZ)', 'AS2')
        """
        name, cc = self.name_of(asn), self.country_of(asn)
        return " ".join(x for x in (f"AS{int(asn)}", name,
                                    f"({cc})" if cc != UNKNOWN else "") if x)

    def index_country(self, index: ASIndex | int) -> str:
        """The country of AS index ``index`` of the aligned graph."""
        return self.codes[int(self.cc_id[int(index)])]

    def _find(self, asns: Iterable[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Clipped row positions of ``asns`` and whether each is there."""
        arr = np.asarray(asns if isinstance(asns, np.ndarray) else list(asns), np.int64)
        if self.rows_asn.shape[0] == 0:
            return np.zeros(arr.shape, np.int64), np.zeros(arr.shape, bool)
        pos = np.searchsorted(self.rows_asn, arr)
        safe = np.minimum(pos, self.rows_asn.shape[0] - 1)
        return safe, (pos < self.rows_asn.shape[0]) & (self.rows_asn[safe] == arr)
