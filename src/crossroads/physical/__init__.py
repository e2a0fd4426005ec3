"""crossroads.physical: where international links are made and whose territory bits cross.

A layer between routing and metrics. Cited corridor data (:mod:`.corridors`), the
interconnection point of every link between ASes of two countries (:mod:`.placement`),
shortest corridor routes from a country to a metro (:mod:`.routes`) and the territorial
shares computed from crossing-link masses (:mod:`.territory`). See
``docs/methods/physical.md``.
"""

from crossroads.physical.corridors import (
    DATA_DATE,
    DATA_VERSION,
    Corridor,
    CorridorSet,
    Hub,
    Metro,
    load_corridors,
    parse_corridors,
)
from crossroads.physical.placement import (
    Candidate,
    Placement,
    Presence,
    place_links,
    placements_frame,
    presence_from_peeringdb,
)
from crossroads.physical.routes import (
    CountryRoutes,
    Edge,
    add_corridor,
    corridor_edges,
    country_routes,
    cut_corridor,
)
from crossroads.physical.summary import (
    CountryCorridors,
    corridor_map_svg,
    country_corridors,
    place_point,
    plot_corridors,
)
from crossroads.physical.territory import Satellite, Territory, territory

__all__ = [
    "DATA_DATE",
    "DATA_VERSION",
    "Candidate",
    "Corridor",
    "CorridorSet",
    "CountryCorridors",
    "CountryRoutes",
    "Edge",
    "Hub",
    "Metro",
    "Placement",
    "Presence",
    "Satellite",
    "Territory",
    "add_corridor",
    "corridor_edges",
    "corridor_map_svg",
    "country_corridors",
    "country_routes",
    "cut_corridor",
    "load_corridors",
    "parse_corridors",
    "place_links",
    "place_point",
    "placements_frame",
    "plot_corridors",
    "presence_from_peeringdb",
    "territory",
]
