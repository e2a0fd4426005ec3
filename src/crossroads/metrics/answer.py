"""The answer first: one lead sentence per country and direction, and how it compares.

A dependency report has many tables; a reader asking "how dependent is Kazakhstan on
Russia?" needs one sentence first, with its unit, method, data date and trust, then the
figures it should be read beside. :func:`lead` turns one direction of a report into an
:class:`Answer`:

* ``sentence`` -- the largest foreign gateway country and its share, e.g. "55.8 % of the
  address-weighted paths from the world into Kazakhstan enter through a network operating
  in the Russian Federation (AS level, simulated on the CAIDA AS graph of 2025-09-01;
  fidelity: …)". The gateway is the last foreign network before the path enters the
  country (first after it leaves, outbound), by the snapshot's country meaning
  (operation, registration or ownership);
* ``comparison`` -- "compared with published figures": the simulated share, the observed
  share for the same partner country when RIB paths were read
  (:func:`crossroads.metrics.observed.observed_dependency`), the published figures of
  :mod:`crossroads.metrics.published`, and one line on why they differ.

JSON (``Answer.as_dict``; the ``answers`` list of ``crossroads dependency --json``):
``country, direction, partner, share, sentence, country_by, mode`` and ``comparison`` =
``{partner, simulated, observed, observed_basis, published: [{country, partner, value,
measure, source, year, url, quote, scope}], why}``; shares are fractions, None when not
measured.

Worked example::

    >>> import pandas as pd
    >>> from crossroads.metrics.dependency import DirectionResult
    >>> res = DirectionResult("KZ", "inbound", "all-best", pd.DataFrame({"country": ["RU"],
    ...     "any_share": [0.6], "gateway_share": [0.558]}), pd.DataFrame(), 0.0, 0.0, 0.0,
    ...     "foreign ASes by IPv4 space", 10, 2, 0, 1)
    >>> a = lead(res, country_by="operation")
    >>> a.sentence.split(" (")[0]
    '55.8 % of the address-weighted paths from the world into Kazakhstan enter through a \
network operating in the Russian Federation'
    >>> a.comparison.published[0].value, a.comparison.simulated
    (0.95, 0.558)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

from crossroads._countries import country_name
from crossroads.formatting import pct
from crossroads.metrics.dependency import DirectionResult
from crossroads.metrics.published import PublishedFigure, published_figures
from crossroads.provenance import Provenance
from crossroads.routing.fidelity_note import measured_fidelity
from crossroads.snapshots.astable import UNKNOWN

__all__ = ["Answer", "Comparison", "lead", "place"]

_MEANING = {"operation": "operating in", "registration": "registered in",
            "ownership": "owned from"}
_THE = ("Federation", "Republic", "United", "Kingdom", "States", "Netherlands",
        "Philippines", "Emirates", "Islands")


@dataclass(frozen=True)
class Comparison:
    """The simulated, observed and published shares of one partner country."""

    partner: str | None
    simulated: float | None
    observed: float | None
    observed_basis: str | None
    published: tuple[PublishedFigure, ...]
    why: str

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"partner": self.partner, "simulated": self.simulated,
                "observed": self.observed, "observed_basis": self.observed_basis,
                "published": [f.as_dict() for f in self.published], "why": self.why}


@dataclass(frozen=True)
class Answer:
    """The lead sentence of one country and direction, and its comparison."""

    country: str
    direction: str
    partner: str | None
    share: float | None
    sentence: str
    country_by: str
    mode: str
    comparison: Comparison

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (see the module doc)."""
        return {"country": self.country, "direction": self.direction,
                "partner": self.partner, "share": self.share, "sentence": self.sentence,
                "country_by": self.country_by, "mode": self.mode,
                "comparison": self.comparison.as_dict()}


def place(code: str) -> str:
    """A country's name as it reads in a sentence.

    >>> place("RU"), place("KZ")
    ('the Russian Federation', 'Kazakhstan')
    """
    name = country_name(code)
    return f"the {name}" if any(w in name for w in _THE) else name


def lead(
    result: DirectionResult,
    *,
    country_by: str,
    datasets: Sequence[Provenance] = (),
    observed: DirectionResult | None = None,
    observed_datasets: Sequence[Provenance] = (),
) -> Answer:
    """The :class:`Answer` of one direction of a report (module doc). ``observed`` is the
    same direction measured on RIB paths, for the comparison (``result`` itself when the
    report is observed)."""
    was_observed = result.mode == "observed"
    partner, share = _top_gateway(result)
    home = place(result.country)
    if result.direction == "inbound":
        whence = "from the world" if not was_observed else \
            f"from {result.n_vantage_points} vantage points"
        paths = f"the address-weighted paths {whence} into {home}"
        head = f"of {paths} enter through"
    else:
        paths = f"the address-weighted paths from {home} to {result.sources}"
        head = f"of {paths} leave through"
    basis = _basis(was_observed, datasets)
    if partner is None:
        sentence = (f"No foreign network is the gateway of {paths}: "
                    f"{pct(result.direct_share)} cross the border directly ({basis}).")
    else:
        sentence = (f"{pct(share)} {head} a network {_MEANING.get(country_by, 'in')} "
                    f"{place(partner)} ({basis}).")
    obs = result if was_observed else observed
    obs_sets = datasets if was_observed else observed_datasets
    comparison = _compare(result, partner, None if was_observed else share, obs, obs_sets,
                          datasets)
    return Answer(result.country, result.direction, partner, share, sentence, country_by,
                  result.mode, comparison)


def _top_gateway(result: DirectionResult) -> tuple[str | None, float | None]:
    rows = result.by_country
    rows = rows[(rows.country != UNKNOWN) & (rows.gateway_share > 0)]
    if rows.empty:
        return None, None
    top = rows.sort_values("gateway_share", ascending=False, kind="stable").iloc[0]
    return str(top.country), float(top.gateway_share)


def _basis(was_observed: bool, datasets: Sequence[Provenance]) -> str:
    if was_observed:
        ribs = [p for p in datasets if p.kind == "rib"]
        when = ", ".join(f"{p.dataset} of {p.data_date.isoformat()}" for p in ribs)
        return f"AS level, observed in {when or 'RIB paths'}; countries of today's data"
    graph = next((p for p in datasets if p.kind == "as-rel"), None)
    on = f"the CAIDA AS graph of {graph.data_date.isoformat()}" if graph else "an AS graph"
    return f"AS level, simulated on {on}; {_fidelity(graph.data_date if graph else None)}"


def _fidelity(day: Date | None) -> str:
    """The trust of simulated paths in a few words (the full sentence is in the notes)."""
    rows = [m for m in measured_fidelity()["measurements"]
            if not m["options"] and m["mode"] == "deterministic"]
    if not rows:
        return "fidelity not measured"

    def gap(m: dict[str, Any]) -> float:
        return 0.0 if day is None else abs((Date.fromisoformat(m["graph_date"]) - day).days)

    m = min(rows, key=lambda r: (gap(r), r["graph_date"]))
    return (f"fidelity: {pct(m['overall']['next_hop'])} of observed routes had the simulated "
            f"first hop, measured on the {m['graph_date'][:4]} graph")


def _compare(
    result: DirectionResult, partner: str | None, simulated: float | None,
    observed: DirectionResult | None, observed_sets: Sequence[Provenance],
    datasets: Sequence[Provenance],
) -> Comparison:
    published = tuple(f for f in published_figures(result.country)
                      if partner is None or f.partner == partner or f.value is None)
    obs_share = basis = None
    ribs = ", ".join(f"{p.dataset} ({p.data_date.isoformat()})"
                     for p in observed_sets if p.kind == "rib")
    if observed is not None and partner is not None:
        shares = dict(zip(observed.by_country.country, observed.by_country.gateway_share,
                          strict=True))
        obs_share = float(shares.get(partner, 0.0))
        basis = f"gateway share on {observed.n_vantage_points} vantage points of {ribs}"
    elif ribs:  # a RIB was read, but no vantage point of it sits where this direction starts
        basis = (f"not observable in {ribs}: none of its vantage points is in "
                 f"{result.country}" if result.direction == "outbound" else
                 f"not observable in {ribs}")
    return Comparison(partner, simulated, obs_share, basis, published,
                      _why(simulated is not None, obs_share is not None, published,
                           datasets, observed_sets))


def _why(
    simulated: bool, observed: bool, published: tuple[PublishedFigure, ...],
    datasets: Sequence[Provenance], observed_sets: Sequence[Provenance],
) -> str:
    parts = ["crossroads counts AS-level paths weighted by address space"
             + (", the reports estimate traffic volume" if published else "")]
    parts.append("the gateway is the last foreign network on the path (AS adjacency), not "
                 "the territory its cables cross")
    if simulated and observed:
        parts.append("observed paths are the routes real routers chose, seen from a few "
                     "vantage points; simulated ones spread over every valley-free link "
                     "CAIDA lists")
    dates = [f"graph {p.data_date.isoformat()}" for p in datasets if p.kind == "as-rel"]
    dates += [f"RIB {p.data_date.isoformat()}" for p in (*observed_sets, *datasets)
              if p.kind == "rib"]
    dates += [f"{f.source.split(',')[0].split(' (')[0]} {f.year}" for f in published]
    if dates:
        parts.append("dates differ (" + ", ".join(dict.fromkeys(dates)) + ")")
    return "; ".join(parts) + "."
