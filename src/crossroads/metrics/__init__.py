"""crossroads.metrics: what a country's Internet paths depend on.

Foreign-country dependency (inbound and outbound, "any" and "gateway" variants), AS
hegemony, border ASes, chokepoints, address-space concentration and the world matrix.
:func:`dependency` and :func:`observed_dependency` take a
:class:`~crossroads.snapshots.Snapshot`; the parts below them take an explicit
:class:`~crossroads.routing.ASGraph` and :class:`~crossroads.snapshots.ASTable`, so a
scenario can pass an edited graph. See ``docs/methods/dependency.md``.
"""

from crossroads.metrics.answer import Answer, Comparison, lead
from crossroads.metrics.attribution import disputes, flag_disputed
from crossroads.metrics.border import border_ases, border_links
from crossroads.metrics.carrying import carrying_set
from crossroads.metrics.chokepoints import Chokepoints, chokepoints, keeps_world, reached_share
from crossroads.metrics.concentration import Concentration, concentration, hhi
from crossroads.metrics.dependency import DirectionResult, inbound, outbound
from crossroads.metrics.hegemony import global_hegemony, hegemony
from crossroads.metrics.observed import observed_dependency
from crossroads.metrics.published import PUBLISHED, PublishedFigure, published_figures
from crossroads.metrics.report import DependencyReport, dependency
from crossroads.metrics.targets import CONTENT_ASNS, customer_cone_sizes, default_destinations
from crossroads.metrics.world import WorldMatrix, plot_world_matrix, world_matrix

__all__ = [
    "Answer",
    "CONTENT_ASNS",
    "Chokepoints",
    "Comparison",
    "Concentration",
    "DependencyReport",
    "DirectionResult",
    "PUBLISHED",
    "PublishedFigure",
    "WorldMatrix",
    "border_ases",
    "border_links",
    "carrying_set",
    "chokepoints",
    "concentration",
    "customer_cone_sizes",
    "default_destinations",
    "dependency",
    "disputes",
    "flag_disputed",
    "global_hegemony",
    "hegemony",
    "hhi",
    "inbound",
    "keeps_world",
    "lead",
    "observed_dependency",
    "outbound",
    "plot_world_matrix",
    "published_figures",
    "reached_share",
    "world_matrix",
]
