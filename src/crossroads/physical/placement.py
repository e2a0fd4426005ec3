"""Interconnection points: where the link between an AS of C and a foreign AS is made.

For a link (h, f), h registered in C and f in another country X, the candidates are, in
order of evidence:

1. **PeeringDB**: the metros (city, country) where both ASes are present -- a facility
   both list (``netfac`` → ``fac``) or an exchange both have a port on (``netixlan`` →
   ``ix``). The link is placed there, each common metro with equal probability.
2. **Rule, land neighbour**: X shares a corridor with C (border crossings, or a land
   border in the coarse layer): the link is made at the C-X border.
3. **Rule, hubs**: otherwise at C's hubs (the corridor data's named metros where C's
   networks meet foreign carriers, e.g. Frankfurt and Hong Kong for KZ), narrowed to the
   hubs where f is present in PeeringDB when it is present at some of them; weights from
   the hub table.
4. **Rule, registration country**: C has no named hub: the link is made in X.

An AS of unknown country (or a registry code such as ``EU``) is not a land neighbour.
Every placement records the evidence that decided it. The probability-weighted metros of
rules 2-4 are *candidates*: the territorial shares report their extremes as a range.

    >>> from crossroads.physical.corridors import load_corridors
    >>> cs = load_corridors()
    >>> p = place_links("KZ", [9198, 9198], [12389, 3356], ["RU", "US"], cs)
    >>> [(c.where, c.weight) for c in p[0].candidates], p[0].evidence
    ([('border KZ-RU', 1.0)], 'rule:land-neighbour')
    >>> [(c.where, c.weight) for c in p[1].candidates], p[1].evidence
    ([('frankfurt', 0.5), ('hong-kong', 0.5)], 'rule:hub')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from crossroads.physical.corridors import CorridorSet, Hub

__all__ = ["Candidate", "Placement", "Presence", "place_links", "placements_frame",
           "presence_from_peeringdb"]


@dataclass(frozen=True)
class Candidate:
    """A place where a link may be made: a metro of the corridor data (``metro`` id), a
    PeeringDB city, or the border between the two countries (``border`` set)."""

    country: str  # the country whose territory hosts the interconnection
    weight: float
    metro: str | None = None
    city: str | None = None
    border: tuple[str, str] | None = None

    @property
    def where(self) -> str:
        """A short label: metro id, ``city, CC`` or ``border A-B``."""
        if self.border is not None:
            return f"border {self.border[0]}-{self.border[1]}"
        return self.metro or f"{self.city}, {self.country}"


@dataclass(frozen=True)
class Placement:
    """Where the link home_asn-foreign_asn is made, and the evidence that decided it."""

    home_asn: int
    foreign_asn: int
    foreign_country: str
    candidates: tuple[Candidate, ...]
    evidence: str  # peeringdb | rule:land-neighbour | rule:hub | rule:registration | none
    detail: str = ""

    @property
    def rule(self) -> bool:
        """Placed by a rule (not by PeeringDB)."""
        return self.evidence.startswith("rule:")


@dataclass(frozen=True)
class Presence:
    """Where each AS is present according to PeeringDB: ASN → {(city key, country): label}."""

    at: dict[int, dict[tuple[str, str], str]] = field(default_factory=dict)
    dataset: str = ""

    def of(self, asn: int) -> dict[tuple[str, str], str]:
        """The metros of ``asn`` (empty when PeeringDB does not list it)."""
        return self.at.get(int(asn), {})


def presence_from_peeringdb(
    fac: pd.DataFrame, netfac: pd.DataFrame, ix: pd.DataFrame, netixlan: pd.DataFrame,
    *, dataset: str = "peeringdb",
) -> Presence:
    """Presence of every AS: the cities of its facilities (``netfac.fac_id`` → ``fac``)
    and of its exchanges (``netixlan.ix_id`` → ``ix``); records whose status is not
    ``ok`` are ignored. Cities are matched case- and space-insensitively per country."""
    at: dict[int, dict[tuple[str, str], str]] = defaultdict(dict)
    for objs, links, key, kind in ((fac, netfac, "fac_id", "fac"),
                                   (ix, netixlan, "ix_id", "ix")):
        if objs.empty or links.empty:
            continue
        o = objs[_ok(objs)].set_index(key)
        lk = links[_ok(links)]
        for asn, oid in zip(lk["asn"], lk[key], strict=True):
            if oid not in o.index or pd.isna(asn):
                continue
            row = o.loc[oid]
            city, cc = row.get("city"), row.get("country")
            if not isinstance(city, str) or not isinstance(cc, str):
                continue
            at[int(asn)].setdefault((_city(city), cc.upper()), f"{kind}:{row['name']}")
    return Presence(dict(at), dataset)


def place_links(
    country: str,
    home_asns: Sequence[int],
    foreign_asns: Sequence[int],
    foreign_countries: Sequence[str],
    corridors: CorridorSet,
    presence: Presence | None = None,
) -> list[Placement]:
    """The placement of each link (home_asns[i], foreign_asns[i]) (module doc)."""
    pres = presence or Presence()
    neighbours = _neighbours(corridors, country)
    hubs = corridors.hubs_of(country)
    hub_keys = {}
    for hb in hubs:
        m = corridors.metros[hb.metro]
        for name in (m.city, m.metro):
            hub_keys[(_city(name), m.country)] = hb
    out = []
    for h, f, x in zip(home_asns, foreign_asns, foreign_countries, strict=True):
        out.append(_place(int(h), int(f), str(x), country, pres, neighbours, hubs,
                          hub_keys, corridors))
    return out


def placements_frame(placements: Sequence[Placement]) -> pd.DataFrame:
    """One row per (link, candidate): ``home_asn, foreign_asn, foreign_country, where,
    country, probability, evidence, detail``."""
    rows = [
        {"home_asn": p.home_asn, "foreign_asn": p.foreign_asn,
         "foreign_country": p.foreign_country, "where": c.where, "country": c.country,
         "probability": c.weight, "evidence": p.evidence, "detail": p.detail}
        for p in placements for c in p.candidates
    ]
    return pd.DataFrame(rows, columns=["home_asn", "foreign_asn", "foreign_country", "where",
                                       "country", "probability", "evidence", "detail"])


# ------------------------------------------------------------------ private helpers
def _place(h: int, f: int, x: str, country: str, pres: Presence, neighbours: dict[str, int],
           hubs: tuple[Hub, ...], hub_keys: dict[tuple[str, str], Hub],
           corridors: CorridorSet) -> Placement:
    common = sorted(set(pres.of(h)) & set(pres.of(f)))
    if common:
        w = 1.0 / len(common)
        cands = tuple(Candidate(cc, w, city=city) for city, cc in common)
        labels = "; ".join(f"{pres.of(h)[k]} & {pres.of(f)[k]}" for k in common)
        return Placement(h, f, x, cands, "peeringdb", f"both present: {labels}")
    if x in neighbours:
        return Placement(h, f, x, (Candidate(x, 1.0, border=(country, x)),),
                         "rule:land-neighbour",
                         f"{x} borders {country} ({neighbours[x]} crossing(s) in the corridor "
                         "data): the link is made at the border")
    if hubs:
        at = list(dict.fromkeys(hub_keys[k] for k in pres.of(f) if k in hub_keys))
        chosen = at or list(hubs)
        total = sum(hb.weight for hb in chosen)
        cands = tuple(Candidate(corridors.metros[hb.metro].country, hb.weight / total,
                                metro=hb.metro) for hb in chosen)
        why = ("the foreign AS is present (PeeringDB) at " if at else
               f"{country}'s named hubs (no PeeringDB presence at them): ")
        return Placement(h, f, x, cands, "rule:hub",
                         why + ", ".join(hb.metro for hb in chosen))
    if len(x) == 2 and x.isalpha() and x.isupper() and x != "EU":
        return Placement(h, f, x, (Candidate(x, 1.0),), "rule:registration",
                         f"{country} has no named hub: the link is made in {x}")
    return Placement(h, f, x, (), "none", f"no hub for {country} and no country for AS{f}")


def _neighbours(corridors: CorridorSet, country: str) -> dict[str, int]:
    """Countries sharing an operational two-country corridor with ``country`` → crossings."""
    out: dict[str, int] = defaultdict(int)
    for c in corridors.corridors:
        if c.operational and len(c.countries) == 2 and country in c.countries:
            other = c.countries[1] if c.countries[0] == country else c.countries[0]
            if c.kind in ("border", "land", "terrestrial"):
                out[other] += c.count
    return dict(out)


def _ok(frame: pd.DataFrame) -> pd.Series:
    if "status" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["status"].fillna("ok").eq("ok")


def _city(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").split())
