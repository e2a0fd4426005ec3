"""crossroads.metrics: what a country's Internet paths depend on.

Foreign-country dependency (inbound and outbound, "any" and "gateway" variants), AS
hegemony, border ASes, chokepoints, address-space concentration and the world matrix.
Every function takes an explicit :class:`~crossroads.routing.ASGraph` and an
:class:`ASTable` (or an ``as_info`` DataFrame), so a scenario can pass an edited graph;
:func:`country_dependency` is the one-call entry point from settings. See
``docs/methods/dependency.md``.
"""

from crossroads.metrics.astable import UNKNOWN, ASTable
from crossroads.metrics.border import border_ases, border_links
from crossroads.metrics.chokepoints import Chokepoints, carrying_set, chokepoints, reachability
from crossroads.metrics.concentration import Concentration, concentration, hhi
from crossroads.metrics.dependency import DirectionResult, inbound, outbound
from crossroads.metrics.hegemony import hegemony
from crossroads.metrics.report import DependencyReport, country_dependency, dependency_report
from crossroads.metrics.targets import CONTENT_ASNS, customer_cone_sizes, default_destinations
from crossroads.metrics.world import WorldMatrix, plot_world_matrix, world_matrix

__all__ = [
    "CONTENT_ASNS",
    "UNKNOWN",
    "ASTable",
    "Chokepoints",
    "Concentration",
    "DependencyReport",
    "DirectionResult",
    "WorldMatrix",
    "border_ases",
    "border_links",
    "carrying_set",
    "chokepoints",
    "concentration",
    "country_dependency",
    "customer_cone_sizes",
    "default_destinations",
    "dependency_report",
    "hegemony",
    "hhi",
    "inbound",
    "outbound",
    "plot_world_matrix",
    "reachability",
    "world_matrix",
]
