"""crossroads.metrics: what a country's Internet paths depend on.

Foreign-country dependency (inbound and outbound, "any" and "gateway" variants), AS
hegemony, border ASes, chokepoints, address-space concentration and the world matrix.
Every function takes an explicit :class:`~crossroads.routing.ASGraph` and an
:class:`ASTable`, so a scenario can pass an edited graph. See ``docs/methods/``.
"""

from crossroads.metrics.astable import UNKNOWN, ASTable
from crossroads.metrics.dependency import DirectionResult, inbound, outbound

__all__ = ["UNKNOWN", "ASTable", "DirectionResult", "inbound", "outbound"]
