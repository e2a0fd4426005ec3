"""Per-AS attributes aligned with a graph's indices: country, IPv4 space, name.

The metrics read a country code and an address count for every AS of the graph. They come
from the store's ``as_info`` table (one row per AS: ``asn``, ``name``, ``reg_cc``,
``ipv4_addresses``, …; see :mod:`crossroads.store._asinfo`) or from any DataFrame with
those columns (hand-made tests, a scenario's edited table). An AS of the graph that the
table lacks, or whose country is null, gets the country ``"unknown"``: it is reported
under that name, never dropped.

Example::

    >>> import pandas as pd
    >>> from crossroads.routing import ASGraph
    >>> g = ASGraph.from_links([1, 1], [2, 3], [-1, -1])
    >>> info = pd.DataFrame({"asn": [1, 2], "reg_cc": ["RU", "KZ"],
    ...                      "ipv4_addresses": [0, 256], "name": ["R", "K"]})
    >>> t = ASTable.from_frame(g, info)
    >>> [t.country_of(a) for a in (1, 2, 3)], t.ipv4.tolist()
    (['RU', 'KZ', 'unknown'], [0.0, 256.0, 0.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crossroads.errors import UnknownCountryError
from crossroads.routing import ASGraph

__all__ = ["UNKNOWN", "ASTable"]

UNKNOWN = "unknown"
"""The country reported for an AS without a known registration country."""


@dataclass(frozen=True)
class ASTable:
    """Country ids, IPv4 counts and names of every AS index of one graph.

    ``codes[cc_id[i]]`` is the country of AS index ``i``; ``codes`` is sorted with
    ``"unknown"`` last. ``ipv4[i]`` is the number of IPv4 addresses it originates.
    """

    asns: np.ndarray  # int64, the graph's index -> ASN
    codes: tuple[str, ...]
    cc_id: np.ndarray  # int32 per AS index
    ipv4: np.ndarray  # float64 per AS index
    names: tuple[str, ...]  # per AS index ("" when unknown)
    country_column: str = "reg_cc"

    @classmethod
    def from_frame(
        cls, graph: ASGraph, frame: pd.DataFrame, *, country_column: str = "reg_cc"
    ) -> ASTable:
        """Align ``frame`` (columns ``asn``, ``country_column``, ``ipv4_addresses``, and
        optionally ``name``) with the indices of ``graph``."""
        info = frame.drop_duplicates("asn").set_index("asn")
        asns = graph.asns
        cc = info[country_column].reindex(asns)
        cc = cc.where(cc.notna() & (cc.astype(str) != ""), UNKNOWN).astype(str)
        known = sorted(set(cc) - {UNKNOWN})
        codes = (*known, UNKNOWN)
        lookup = {c: i for i, c in enumerate(codes)}
        cc_id = np.fromiter((lookup[c] for c in cc), np.int32, count=asns.shape[0])
        ipv4 = info["ipv4_addresses"].reindex(asns).fillna(0).to_numpy(np.float64)
        if "name" in info.columns:
            names = tuple(info["name"].reindex(asns).fillna("").astype(str))
        else:
            names = ("",) * asns.shape[0]
        return cls(asns, codes, cc_id, ipv4, names, country_column)

    @property
    def n_countries(self) -> int:
        """Number of country ids (``unknown`` included)."""
        return len(self.codes)

    def country_id(self, country: str) -> int:
        """The id of ``country``; :class:`UnknownCountryError` when no AS has it."""
        code = country.upper() if country != UNKNOWN else country
        try:
            return self.codes.index(code)
        except ValueError:
            raise UnknownCountryError(
                f"no AS of the graph is registered in {country!r}",
                hint="use an ISO 3166-1 alpha-2 code, e.g. KZ",
            ) from None

    def country_of(self, asn: int) -> str:
        """The country of ``asn`` (``unknown`` when the graph lacks it)."""
        i = int(np.searchsorted(self.asns, asn))
        if i >= self.asns.shape[0] or int(self.asns[i]) != int(asn):
            return UNKNOWN
        return self.codes[int(self.cc_id[i])]

    def members(self, country: str) -> np.ndarray:
        """Indices (int32) of the ASes registered in ``country``."""
        return np.flatnonzero(self.cc_id == self.country_id(country)).astype(np.int32)

    def origins(self, country: str) -> np.ndarray:
        """Indices of the ASes of ``country`` that originate IPv4 space."""
        idx = self.members(country)
        return idx[self.ipv4[idx] > 0]
