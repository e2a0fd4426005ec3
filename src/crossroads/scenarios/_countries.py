"""AS -> country lookups on arrays, from the store's ``as_info`` table.

A country is an AS's **registration** country (``as_info.reg_cc``: the RIR entry, else
the country of most of its originated space). An AS with no known country is *foreign*
to every country: it is never counted as part of one. Countries become small integer
codes so that link filters are numpy comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crossroads.errors import UnknownCountryError

__all__ = ["Countries", "countries_from"]


@dataclass(frozen=True)
class Countries:
    """``code_of`` maps ASNs to country codes (``-1``: unknown) through sorted arrays."""

    asns: np.ndarray  # int64, sorted
    codes: np.ndarray  # int16, aligned with asns; -1 unknown
    names: tuple[str, ...]  # code -> ISO alpha-2
    ipv4: np.ndarray  # int64 originated IPv4 addresses, aligned with asns
    labels: dict[int, str]  # ASN -> organisation name (labels only)

    def code(self, cc: str) -> int:
        """The code of ISO country ``cc``; -1 when no AS is registered there."""
        try:
            return self.names.index(cc)
        except ValueError:
            return -1

    def require(self, cc: str) -> str:
        """``cc`` upper-cased; :class:`UnknownCountryError` when no AS is registered there."""
        code = cc.upper()
        if self.code(code) < 0:
            raise UnknownCountryError(
                f"no AS is registered in country {cc!r}",
                hint="countries are ISO 3166-1 alpha-2 codes, e.g. KZ, RU, CN",
            )
        return code

    def code_of(self, asns: np.ndarray) -> np.ndarray:
        """Country codes (int16) of ``asns``; -1 for ASes without a known country."""
        safe, hit = self._find(asns)
        return np.where(hit, self.codes[safe], -1).astype(np.int16)

    def ipv4_of(self, asns: np.ndarray) -> np.ndarray:
        """Originated IPv4 addresses of ``asns`` (0 when unknown), float64."""
        safe, hit = self._find(asns)
        return np.where(hit, self.ipv4[safe], 0).astype(np.float64)

    def _find(self, asns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Clipped positions of ``asns`` in :attr:`asns` and whether each is there."""
        asns = np.asarray(asns, dtype=np.int64)
        pos = np.searchsorted(self.asns, asns)
        safe = np.minimum(pos, max(self.asns.shape[0] - 1, 0))
        return safe, (pos < self.asns.shape[0]) & (self.asns[safe] == asns)

    def known(self, asn: int) -> bool:
        """Whether ``asn`` is listed in ``as_info``."""
        pos = int(np.searchsorted(self.asns, asn))
        return pos < self.asns.shape[0] and int(self.asns[pos]) == int(asn)

    def label(self, asn: int) -> str:
        """A display label: ``AS9198 (KAZAKHTELECOM)`` or ``AS9198``."""
        name = self.labels.get(int(asn))
        return f"AS{asn} ({name})" if name else f"AS{asn}"


def countries_from(as_info: pd.DataFrame) -> Countries:
    """Index ``as_info`` (columns ``asn``, ``reg_cc``, ``ipv4_addresses``, ``name``)."""
    df = as_info.sort_values("asn")
    cc = df["reg_cc"].astype("string").fillna("").to_numpy(dtype=object)
    names = tuple(sorted({c for c in cc if c}))
    lookup = {c: i for i, c in enumerate(names)}
    codes = np.array([lookup.get(c, -1) for c in cc], dtype=np.int16)
    ipv4 = df["ipv4_addresses"].fillna(0).to_numpy(dtype=np.int64)
    label_col = df["name"] if "name" in df else pd.Series([None] * len(df))
    labels = {
        int(a): str(n) for a, n in zip(df["asn"], label_col, strict=True) if isinstance(n, str)
    }
    return Countries(
        asns=df["asn"].to_numpy(dtype=np.int64),
        codes=codes,
        names=names,
        ipv4=ipv4,
        labels=labels,
    )
