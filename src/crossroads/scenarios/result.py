"""What a scenario run returns: the country's measures before and after, and the changes.

Every share is a fraction in [0, 1]; address space is IPv4 addresses originated (as_info,
ip-location-db); routes follow the Gao-Rexford model on the CAIDA AS-relationship snapshot
named in :attr:`ScenarioResult.datasets`. The JSON form has at least the keys ``scenario``,
``country``, ``reading`` (one sentence, :mod:`crossroads.scenarios.reading`), ``limits``
(what the model does not measure), ``before`` and ``after``, each side with
``reachability_inbound``, ``reachability_outbound`` and ``by_country``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from crossroads.metrics.territory import TerritorialReport
from crossroads.provenance import Provenance
from crossroads.scenarios.apply import AppliedLog
from crossroads.scenarios.model import Scenario
from crossroads.scenarios.reach import Reachability
from crossroads.scenarios.reading import LIMITS, reading
from crossroads.snapshots.astable import UNKNOWN

__all__ = ["ScenarioResult", "Side"]

UNITS = {
    "reachability": "fraction of IPv4 address space (method: `crossroads methods scenarios`)",
    "by_country": "fraction of address-weighted, tie-split paths with a route "
    "(any: crosses the country; gateway: crosses the border through it)",
    "critical": "IPv4 addresses of the country's origins whose every best path crosses it",
    "isolated_share": "fraction of the country's measured IPv4 space that no foreign AS "
    "reaches (space_lost_all_international_routes: the part that had a route before)",
    "territory": "fraction of the path mass on the country's crossing links whose corridor "
    "route crosses the territory (low/high: extremes over rule placements)",
    "path_lengths": "(source, origin) pairs by AS-path hops",
}


@dataclass(frozen=True)
class Side:
    """The country's measures on one graph (before or after the scenario).

    ``inbound`` / ``outbound`` are :class:`crossroads.metrics.dependency.DirectionResult`
    objects (by_country shares in both variants, top foreign ASes with hegemony).
    """

    reach: Reachability
    inbound: Any
    outbound: Any
    territory: TerritorialReport | None = None

    @property
    def reach_with_satellite(self) -> tuple[float, float] | None:
        """Inbound/outbound reachability counting a satellite share as reached:
        ``(1 - s) R + s`` (None without a satellite service)."""
        sat = getattr(self.territory, "inbound", None)
        sat = getattr(sat, "satellite", None)
        if sat is None:
            return None
        s = sat.share
        return (1 - s) * self.reach.inbound + s, (1 - s) * self.reach.outbound + s

    def by_country(self, direction: str = "inbound") -> pd.DataFrame:
        """``country, any_share, gateway_share`` of one direction."""
        dep = self.inbound if direction == "inbound" else self.outbound
        return dep.by_country

    def as_dict(self, *, top: int = 10) -> dict[str, object]:
        """JSON-ready form; ``top`` limits the AS lists."""
        out: dict[str, object] = dict(self.reach.as_dict())
        out["critical_ases"] = out["critical_ases"][:top]  # type: ignore[index]
        out["critical_links"] = out["critical_links"][:top]  # type: ignore[index]
        out["by_country"] = {
            "inbound": self.inbound.as_dict()["by_country"],
            "outbound": self.outbound.as_dict()["by_country"],
        }
        out["top_foreign_ases"] = {
            "inbound": self.inbound.as_dict(top=top)["by_as"],
            "outbound": self.outbound.as_dict(top=top)["by_as"],
        }
        if self.territory is not None:
            out["territory"] = self.territory.as_dict(top=top)
            sat = self.reach_with_satellite
            if sat is not None:
                out["reachability_with_satellite"] = {"inbound": sat[0], "outbound": sat[1]}
        out["dependency"] = {
            d: {k: v for k, v in dep.as_dict(top=0).items() if k not in ("by_country", "by_as")}
            for d, dep in (("inbound", self.inbound), ("outbound", self.outbound))
        }
        return out


@dataclass(frozen=True)
class ScenarioResult:
    """Before/after measures of ``scenario`` for its country, and what changed."""

    scenario: Scenario
    mode: str
    log: AppliedLog
    before: Side
    after: Side
    datasets: tuple[Provenance, ...] = ()  # every input: graph, AS table, vantage points,
    # corridor data, PeeringDB and state-owned ASes when loaded
    notes: tuple[str, ...] = ()  # what a reader should know (e.g. PeeringDB not loaded)
    cache: str = "off"  # the store's results cache: "hit", "miss" or "off"

    @property
    def country(self) -> str:
        """The ISO code of the target country."""
        return self.scenario.country

    @property
    def lost_international(self) -> tuple[int, ...]:
        """Origins that had an international route before and have none after."""
        was = set(self.before.reach.isolated)
        return tuple(a for a in self.after.reach.isolated if a not in was)

    @property
    def lost_space_share(self) -> float:
        """Share of the country's measured IPv4 space (after) whose origins had an
        international route before and have none after."""
        return self.after.reach.space_of(self.lost_international)

    @property
    def reading(self) -> str:
        """One sentence on what changed (:func:`crossroads.scenarios.reading.reading`):
        reachability in and out, origins cut off, and the inbound gateway share of the
        country that led before."""
        b, a = self.before, self.after
        return reading(self.country, b.reach.inbound, a.reach.inbound, b.reach.outbound,
                       a.reach.outbound, lost=len(self.lost_international),
                       gateway=_lead_shift(b.by_country("inbound"), a.by_country("inbound")))

    @property
    def new_critical_ases(self) -> dict[int, int]:
        """ASes critical after but not before -> IPv4 addresses they are critical for."""
        old = self.before.reach.critical_ases
        return {a: v for a, v in self.after.reach.critical_ases.items() if a not in old}

    @property
    def new_critical_links(self) -> dict[tuple[int, int], int]:
        """Links critical after but not before -> IPv4 addresses."""
        old = self.before.reach.critical_links
        return {k: v for k, v in self.after.reach.critical_links.items() if k not in old}

    def as_dict(self, *, top: int = 10) -> dict[str, object]:
        """JSON-ready form (see the module docstring for the guaranteed keys)."""
        return {
            "scenario": self.scenario.name,
            "description": self.scenario.description.strip(),
            "sources": self.scenario.sources,
            "country": self.country,
            "mode": self.mode,
            "cache": self.cache,
            "reading": self.reading,
            "limits": list(LIMITS),
            "datasets": [p.as_dict() for p in self.datasets],
            "notes": list(self.notes),
            "units": UNITS,
            "applied": self.log.as_dict(),
            "before": self.before.as_dict(top=top),
            "after": self.after.as_dict(top=top),
            "changes": {
                "reachability_inbound": self.after.reach.inbound - self.before.reach.inbound,
                "reachability_outbound": self.after.reach.outbound
                - self.before.reach.outbound,
                "origins_lost_all_international_routes": list(self.lost_international),
                "space_lost_all_international_routes": self.lost_space_share,
                "ases_became_critical": [
                    {"asn": a, "ipv4_addresses": v}
                    for a, v in list(self.new_critical_ases.items())[:top]
                ],
                "links_became_critical": [
                    {"link": list(k), "ipv4_addresses": v}
                    for k, v in list(self.new_critical_links.items())[:top]
                ],
            },
        }


def _lead_shift(before: pd.DataFrame, after: pd.DataFrame) -> tuple[str, float, float] | None:
    """The foreign country with the largest gateway share before, its share before and
    after (None when no foreign country is a gateway)."""
    known = before[(before.country != UNKNOWN) & (before.gateway_share > 0)]
    if known.empty:
        return None
    code = str(known.sort_values("gateway_share", ascending=False, kind="stable").country.iloc[0])
    share = after.loc[after.country == code, "gateway_share"]
    return code, float(known.loc[known.country == code, "gateway_share"].iloc[0]), \
        float(share.iloc[0]) if len(share) else 0.0
