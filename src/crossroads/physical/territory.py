"""Territorial dependency: whose territory C's international paths cross, with a range.

Input: the path mass on each **crossing link** of C (the AS link at which a path enters C
for the last time, inbound, or leaves it for the first time, outbound -- the link of the
gateway definition of ``docs/methods/dependency.md``), the link's placement
(:mod:`crossroads.physical.placement`) and C's corridor routes
(:mod:`crossroads.physical.routes`). With ``m_l`` the mass of link l, ``π_l(k)`` the
probability of its candidate k and ``r_k(X)`` the probability that the route from C to k
crosses X (1 for the other country of a border placement; 0 for a metro inside C):

    share(X) = Σ_l m_l Σ_k π_l(k) r_k(X) / M,          M = Σ_l m_l,
    low(X)   = Σ_l m_l · (rule_l ? min_k r_k(X) : Σ_k π_l(k) r_k(X)) / M,
    high(X)  = the same with max.

``low``/``high`` are the extremes over every way of putting each rule-placed link at one
of its candidates (the shares are additive over links, so each link is set apart).
``rule_share`` is the part of M on rule-placed links; ``unrouted_share`` the part whose
candidates have no corridor route (counted in no country); ``places`` the part placed
at each candidate place (``Σ_l m_l π_l(k) / M``, routed candidates only). A LEO
satellite service (:class:`Satellite`) sends a share ``s`` of the mass to its ground
station instead: every share is scaled by ``1 - s`` and the station's country gains ``s``.

    >>> import pandas as pd
    >>> from crossroads.physical.placement import Candidate, Placement
    >>> from crossroads.physical.routes import CountryRoutes
    >>> routes = CountryRoutes("AA", {"AA": 0, "BB": 1, "CC": 2},
    ...     {"AA": {}, "BB": {"BB": 1.0}, "CC": {"BB": 1.0, "CC": 1.0}}, {},
    ...     {"BB": {"aa-bb": 1.0}})
    >>> links = pd.DataFrame({"home_asn": [1, 1], "foreign_asn": [2, 3], "mass": [3.0, 1.0]})
    >>> pl = [Placement(1, 2, "BB", (Candidate("BB", 1.0, border=("AA", "BB")),), "rule:x"),
    ...       Placement(1, 3, "DD", (Candidate("CC", .5, metro="c"), Candidate("AA", .5,
    ...                 metro="a")), "rule:hub")]
    >>> t = territory(links, pl, routes, "AA", "inbound")
    >>> t.by_country.set_index("country").loc["BB"].tolist()
    [0.875, 0.75, 1.0]
    >>> t.places.values.tolist()  # where the mass is placed: 3/4 at the border, 1/8 each
    [['border AA-BB', 'BB', 0.75], ['a', 'AA', 0.125], ['c', 'CC', 0.125]]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crossroads.physical.placement import Candidate, Placement
from crossroads.physical.routes import CountryRoutes

__all__ = ["Satellite", "Territory", "territory"]


@dataclass(frozen=True)
class Satellite:
    """A LEO service: ``share`` of C's mass reaches a ground station in ``country``."""

    share: float
    country: str
    label: str = ""


@dataclass(frozen=True)
class Territory:
    """Territorial shares of one direction (fractions of C's crossing-link mass)."""

    country: str
    direction: str
    by_country: pd.DataFrame  # country, share, low, high
    rule_share: float
    unrouted_share: float
    by_evidence: dict[str, float]
    corridors: pd.DataFrame  # corridor, share (P(route uses it), mass-weighted)
    places: pd.DataFrame  # where, country, share (the mass placed there)
    links: int
    satellite: Satellite | None = None

    def share_of(self, country: str) -> tuple[float, float, float]:
        """``(share, low, high)`` of ``country`` (zeros when its territory is not crossed)."""
        f = self.by_country.set_index("country")
        if country not in f.index:
            return 0.0, 0.0, 0.0
        share, low, high = f.loc[country, ["share", "low", "high"]].to_numpy(np.float64)
        return float(share), float(low), float(high)

    def as_dict(self, *, top: int | None = None) -> dict[str, object]:
        """JSON-ready form: ``by_country`` rows ``{country, share, low, high}``."""
        rows = self.by_country if top is None else self.by_country.head(top)
        return {
            "direction": self.direction,
            "units": "fraction of the path mass on the country's crossing links "
                     "(same weights as the dependency shares)",
            "by_country": [
                {"country": str(c), "share": float(s), "low": float(lo), "high": float(hi)}
                for c, s, lo, hi in zip(rows["country"], rows["share"].to_numpy(np.float64),
                                        rows["low"].to_numpy(np.float64),
                                        rows["high"].to_numpy(np.float64), strict=True)
            ],
            "rule_share": self.rule_share,
            "unrouted_share": self.unrouted_share,
            "by_evidence": self.by_evidence,
            "corridors": self.corridors.to_dict(orient="records"),
            "places": (self.places if top is None else self.places.head(top)
                       ).to_dict(orient="records"),
            "links": self.links,
            "satellite": None if self.satellite is None else {
                "share": self.satellite.share, "country": self.satellite.country,
                "label": self.satellite.label},
        }


def territory(
    links: pd.DataFrame,
    placements: Sequence[Placement],
    routes: CountryRoutes,
    country: str,
    direction: str,
    *,
    satellite: Satellite | None = None,
) -> Territory:
    """Territorial shares of ``country`` from crossing-link masses (module doc).

    ``links``: ``home_asn, foreign_asn, mass``; ``placements`` the placement of each
    link (matched on the two ASNs; a link without one counts as unrouted).
    """
    place = {(p.home_asn, p.foreign_asn): p for p in placements}
    mid: dict[str, float] = defaultdict(float)
    low: dict[str, float] = defaultdict(float)
    high: dict[str, float] = defaultdict(float)
    used: dict[str, float] = defaultdict(float)
    at: dict[tuple[str, str], float] = defaultdict(float)
    evidence: dict[str, float] = defaultdict(float)
    total = rule = unrouted = 0.0
    for h, f, m in zip(links["home_asn"], links["foreign_asn"], links["mass"], strict=True):
        m = float(m)
        if m <= 0.0:
            continue
        total += m
        p = place.get((int(h), int(f)))
        cands = [c for c in (p.candidates if p else ()) if _routed(c, routes)]
        evidence[p.evidence if p else "none"] += m
        if not cands:
            unrouted += m
            continue
        wsum = sum(c.weight for c in cands)
        vecs = [(c.weight / wsum, _crossing(c, routes)) for c in cands]
        keys = {k for _, v in vecs for k in v}
        is_rule = p is not None and p.rule
        rule += m if is_rule else 0.0
        for k in keys:
            vals = [v.get(k, 0.0) for _, v in vecs]
            centre = sum(w * v.get(k, 0.0) for w, v in vecs)
            mid[k] += m * centre
            low[k] += m * (min(vals) if is_rule and len(vals) > 1 else centre)
            high[k] += m * (max(vals) if is_rule and len(vals) > 1 else centre)
        for w, c in zip((w for w, _ in vecs), cands, strict=True):
            at[(c.where, c.country)] += m * w
            for cid, pu in _uses(c, routes).items():
                used[cid] += m * w * pu
    t = total if total > 0 else 1.0
    s = satellite.share if satellite is not None else 0.0
    rows = [{"country": k, "share": (1 - s) * mid[k] / t, "low": (1 - s) * low[k] / t,
             "high": (1 - s) * high[k] / t} for k in mid if mid[k] > 0 or high[k] > 0]
    frame = pd.DataFrame(rows, columns=["country", "share", "low", "high"])
    if satellite is not None and s > 0:
        frame = _add_station(frame, satellite)
    frame = frame.sort_values(["share", "country"], ascending=[False, True])
    corr = pd.DataFrame(
        [{"corridor": k, "share": (1 - s) * v / t} for k, v in used.items()],
        columns=["corridor", "share"],
    ).sort_values(["share", "corridor"], ascending=[False, True])
    places = pd.DataFrame(
        [{"where": w, "country": c, "share": (1 - s) * v / t} for (w, c), v in at.items()],
        columns=["where", "country", "share"],
    ).sort_values(["share", "where"], ascending=[False, True])
    return Territory(
        country=country, direction=direction, by_country=frame.reset_index(drop=True),
        rule_share=rule / t, unrouted_share=unrouted / t,
        by_evidence={k: v / t for k, v in sorted(evidence.items())},
        corridors=corr.reset_index(drop=True), links=len(links), satellite=satellite,
        places=places.reset_index(drop=True),
    )


def _routed(c: Candidate, routes: CountryRoutes) -> bool:
    """A border placement needs a direct corridor between the two countries; a metro
    needs a corridor route (or lies in C)."""
    return routes.reaches(c.country, border=c.border is not None)


def _crossing(c: Candidate, routes: CountryRoutes) -> dict[str, float]:
    if c.border is not None:
        return {c.country: 1.0}
    return routes.crossing(c.country)


def _uses(c: Candidate, routes: CountryRoutes) -> dict[str, float]:
    if c.border is not None:
        return routes.direct.get(c.country, {})
    return routes.uses.get(c.country, {})


def _add_station(frame: pd.DataFrame, sat: Satellite) -> pd.DataFrame:
    f = frame.set_index("country")
    if sat.country not in f.index:
        f.loc[sat.country] = 0.0
    f.loc[sat.country, ["share", "low", "high"]] += sat.share
    return f.reset_index()
