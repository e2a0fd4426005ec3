"""Concentration of a country's IPv4 space by origin AS and by organisation.

For the shares ``s_i`` (in percent) of the country's originated IPv4 addresses held by
each origin AS (or each organisation), the Herfindahl-Hirschman index is

.. math::  HHI = \\sum_i s_i^2 \\in [0, 10\\,000]

(10 000: one holder; the US DoJ calls a market "highly concentrated" above 2 500 in its
2010 guidelines, 1 800 in the 2023 ones). ``top1/top3/top5`` are the summed shares, as
fractions, of the one, three and five largest holders. Organisations are the
``name`` column of ``as_info`` (the ip-location-db organisation of the AS's space), so
two ASes of one operator with differently spelled names count as two.

Worked example -- ASes with 512, 256 and 256 addresses: shares 50 %, 25 %, 25 %,
``HHI = 2500 + 625 + 625 = 3750``::

    >>> import pandas as pd
    >>> info = pd.DataFrame({"asn": [1, 2, 3], "reg_cc": ["AA"] * 3,
    ...                      "ipv4_addresses": [512, 256, 256], "name": ["X", "Y", "Y"]})
    >>> c = concentration(info, "AA")
    >>> c.hhi, c.top1, c.by_org_hhi
    (3750.0, 0.5, 5000.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crossroads.errors import UnknownCountryError

__all__ = ["Concentration", "concentration", "hhi"]


@dataclass(frozen=True)
class Concentration:
    """IPv4-space concentration of ``country`` (shares are fractions of ``total_ipv4``)."""

    country: str
    total_ipv4: int
    hhi: float  # by origin AS, shares in percent: 0..10 000
    top1: float
    top3: float
    top5: float
    by_org_hhi: float
    by_org_top1: float
    by_as: pd.DataFrame  # asn, name, ipv4_addresses, share
    by_org: pd.DataFrame  # name, ipv4_addresses, share, ases

    def as_dict(self, *, top: int = 10) -> dict[str, object]:
        """JSON-ready form (``top`` rows of each table)."""
        return {
            "units": "shares of the country's originated IPv4 addresses; HHI on percent (0-10000)",
            "total_ipv4": self.total_ipv4,
            "hhi": self.hhi,
            "top1": self.top1,
            "top3": self.top3,
            "top5": self.top5,
            "by_org_hhi": self.by_org_hhi,
            "by_org_top1": self.by_org_top1,
            "by_as": self.by_as.head(top).to_dict(orient="records"),
            "by_org": self.by_org.head(top).to_dict(orient="records"),
        }


def hhi(values: np.ndarray) -> float:
    """HHI of holdings ``values`` on percent shares (0..10 000; 0 for no holdings)."""
    v = np.asarray(values, np.float64)
    total = v.sum()
    return float(((100.0 * v / total) ** 2).sum()) if total > 0 else 0.0


def concentration(
    info: pd.DataFrame, country: str, *, country_column: str = "reg_cc"
) -> Concentration:
    """Concentration of the IPv4 space originated by the ASes of ``country`` in ``info``
    (an ``as_info``-shaped DataFrame)."""
    cc = country.upper()
    rows = info[(info[country_column] == cc) & (info["ipv4_addresses"] > 0)]
    if rows.empty:
        raise UnknownCountryError(
            f"no AS registered in {cc!r} originates IPv4 space", hint="check the code, e.g. KZ"
        )
    names = rows["name"].fillna("").astype(str) if "name" in rows else pd.Series("", rows.index)
    by_as = pd.DataFrame(
        {"asn": rows["asn"].astype(np.int64), "name": names,
         "ipv4_addresses": rows["ipv4_addresses"].astype(np.int64)}
    )
    total = int(by_as.ipv4_addresses.sum())
    by_as["share"] = by_as.ipv4_addresses / total
    by_as = by_as.sort_values(["ipv4_addresses", "asn"], ascending=[False, True])
    org_key = by_as["name"].where(by_as["name"] != "", "AS" + by_as["asn"].astype(str))
    by_org = (
        by_as.assign(org=org_key)
        .groupby("org", as_index=False)
        .agg(ipv4_addresses=("ipv4_addresses", "sum"), ases=("asn", "count"))
        .rename(columns={"org": "name"})
    )
    by_org["share"] = by_org.ipv4_addresses / total
    by_org = by_org.sort_values(["ipv4_addresses", "name"], ascending=[False, True])
    s = by_as.share.to_numpy()
    return Concentration(
        country=cc,
        total_ipv4=total,
        hhi=hhi(by_as.ipv4_addresses.to_numpy()),
        top1=float(s[:1].sum()),
        top3=float(s[:3].sum()),
        top5=float(s[:5].sum()),
        by_org_hhi=hhi(by_org.ipv4_addresses.to_numpy()),
        by_org_top1=float(by_org.share.iloc[0]),
        by_as=by_as.reset_index(drop=True),
        by_org=by_org.reset_index(drop=True)[["name", "ipv4_addresses", "share", "ases"]],
    )
