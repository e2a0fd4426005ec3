"""crossroads.routing: valley-free (Gao-Rexford) routes over the AS graph, on arrays.

``ASGraph`` holds the graph; ``propagate`` computes every AS's route towards one prefix;
``through_weights`` / ``per_source_through`` say who lies on those routes; ``propagate_many``
streams many prefixes into a reducer. See ``docs/methods/routing.md``.
"""

from crossroads.routing.cycles import find_p2c_cycles
from crossroads.routing.flow import per_source_through, through_weights
from crossroads.routing.graph import ASGraph, Links
from crossroads.routing.load import graph_from_file, load_graph
from crossroads.routing.overlay import forwarding
from crossroads.routing.propagate import Origins, propagate, propagate_many
from crossroads.routing.routes import RouteClass, RouteMode, Routes, all_paths, path

__all__ = [
    "ASGraph",
    "Links",
    "Origins",
    "RouteClass",
    "RouteMode",
    "Routes",
    "all_paths",
    "find_p2c_cycles",
    "forwarding",
    "graph_from_file",
    "load_graph",
    "path",
    "per_source_through",
    "propagate",
    "propagate_many",
    "through_weights",
]
