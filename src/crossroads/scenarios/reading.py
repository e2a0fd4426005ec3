"""How to read a scenario result: one line, and what the model does not measure.

A what-if changes the AS graph and measures the country again. The numbers are easy to
over-read: a reachability that "barely moves" when Russia's transit is removed does not
say Kazakhstan can do without Russia, only that the AS graph still offers *a* valley-free
route around it. :func:`reading` states the change in one sentence, and :data:`LIMITS` are
printed beside every result:

* **reachability, not capacity** -- a pair counts as connected when a route exists,
  whatever the bandwidth of the links on it;
* **alternative links assumed usable** -- every link of the CAIDA graph carries routes
  under Gao-Rexford policy: no link saturates, no operator refuses new traffic, no
  contract is missing;
* **AS level** -- networks and their business links, not the cables and territory they
  cross (unless the scenario itself cuts corridors).

    >>> reading("KZ", 0.996, 0.0, 0.99, 0.0, lost=158)
    'Inbound reachability falls from 99.6 % to 0.0 % (−99.60 pp) and outbound from 99.0 % \
to 0.0 %; 158 origins of Kazakhstan lose every international route in the model.'
    >>> reading("KZ", 0.9993, 0.9966, 0.999, 0.998,
    ...         gateway=("RU", 0.558, 0.012))  # doctest: +ELLIPSIS
    'Reachability barely moves (−0.27 pp inbound, −0.10 pp outbound): in the model, \
Kazakhstan keeps a route ... the Russian Federation goes from 55.8 % to 1.2 %.'
"""

from __future__ import annotations

from crossroads.formatting import pct, signed
from crossroads.metrics.answer import place

__all__ = ["LIMITS", "reading"]

LIMITS: tuple[str, ...] = (
    "reachability, not capacity: a pair counts as connected when any route exists, "
    "whatever the bandwidth of its links",
    "alternative links assumed usable: every link of the AS graph may carry the rerouted "
    "paths (no saturation, no refused traffic, no missing contract)",
    "AS level: business links between networks, not the cables and territory they cross",
)
"""What the scenario model does not measure (printed with every result)."""

_SMALL = 0.01  # a change below 1 percentage point "barely moves"


def reading(
    country: str,
    inbound_before: float,
    inbound_after: float,
    outbound_before: float,
    outbound_after: float,
    *,
    lost: int = 0,
    gateway: tuple[str, float, float] | None = None,
) -> str:
    """One sentence on the change of reachability (and, when given, of the inbound
    gateway share of the country that led before: ``(code, before, after)``); ``lost``:
    origins that lost every international route."""
    name = place(country)
    d_in, d_out = inbound_after - inbound_before, outbound_after - outbound_before
    if abs(d_in) < _SMALL and abs(d_out) < _SMALL:
        text = (f"Reachability barely moves ({signed(d_in)} inbound, {signed(d_out)} "
                f"outbound): in the model, {name} keeps a route around the change, on "
                "alternative links assumed usable at any capacity — a route still exists, "
                "not that the traffic still fits")
    else:
        verb = "falls" if d_in < 0 else "rises"
        text = (f"Inbound reachability {verb} from {pct(inbound_before)} to "
                f"{pct(inbound_after)} ({signed(d_in)}) and outbound from "
                f"{pct(outbound_before)} to {pct(outbound_after)}")
    parts = [text]
    if lost:
        parts.append(f"{lost} origins of {name} lose every international route in the model")
    if gateway is not None:
        code, before, after = gateway
        parts.append(f"the inbound gateway share of {place(code)} goes from {pct(before)} "
                     f"to {pct(after)}")
    return "; ".join(parts) + "."
