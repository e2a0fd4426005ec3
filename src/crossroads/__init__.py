"""crossroads: where a country's Internet paths cross its borders, and what breaks if they
go dark.

The Python API in one screen (``docs/api.md`` runs it as a doctest)::

    settings = crossroads.get_settings(mirror="../shared/data")
    crossroads.fetch(settings)                       # load the public datasets once
    snap = crossroads.snapshot(settings)             # the AS graph, AS table, provenance
    report = crossroads.dependency(snap, "KZ")       # what Kazakhstan's paths cross
    result = crossroads.simulate(snap, crossroads.load_scenario("kz-national-shutdown"))
    view = crossroads.country_corridors("KZ")        # border crossings, systems, hubs

Every computing function takes a :class:`Snapshot`; results are frozen dataclasses with an
``as_dict()`` and the provenance of their inputs in ``datasets``.
"""

from typing import TYPE_CHECKING

from crossroads.config import Settings, get_settings
from crossroads.errors import (
    BusyError,
    CrossroadsError,
    DataFormatError,
    DatasetMissingError,
    DownloadError,
    ScenarioError,
    TLSCheckError,
    UnknownASNError,
    UnknownCountryError,
)
from crossroads.ids import ASN, ASIndex, country_code, parse_asn
from crossroads.provenance import Provenance

if TYPE_CHECKING:  # the computing API is imported on first use (see __getattr__)
    from crossroads.metrics.history import History, history
    from crossroads.metrics.inventory import (
        ASSummary,
        CountryProfile,
        as_summary,
        country_profile,
    )
    from crossroads.metrics.observed import observed_dependency
    from crossroads.metrics.report import DependencyReport, dependency
    from crossroads.metrics.world import WorldMatrix, world_matrix
    from crossroads.outages import OutageReport, outages_from_files
    from crossroads.physical import (
        CorridorSet,
        CountryCorridors,
        country_corridors,
        load_corridors,
    )
    from crossroads.routing.fidelity import FidelityReport, fidelity
    from crossroads.routing.query import RouteQuery, route_query
    from crossroads.scenarios import (
        Scenario,
        ScenarioResult,
        SweepResult,
        list_presets,
        load_scenario,
        parse_scenario,
        simulate,
    )
    from crossroads.scenarios.sweep import sweep
    from crossroads.snapshots import ASTable, Snapshot, snapshot
    from crossroads.store import Store, fetch, open_store

_LAZY = {
    "crossroads.metrics.history": ("History", "history"),
    "crossroads.metrics.inventory": ("ASSummary", "CountryProfile", "as_summary",
                                     "country_profile"),
    "crossroads.metrics.observed": ("observed_dependency",),
    "crossroads.metrics.report": ("DependencyReport", "dependency"),
    "crossroads.metrics.world": ("WorldMatrix", "world_matrix"),
    "crossroads.outages": ("OutageReport", "outages_from_files"),
    "crossroads.physical": ("CorridorSet", "CountryCorridors", "country_corridors",
                            "load_corridors"),
    "crossroads.routing.fidelity": ("FidelityReport", "fidelity"),
    "crossroads.routing.query": ("RouteQuery", "route_query"),
    "crossroads.scenarios": ("Scenario", "ScenarioResult", "SweepResult", "list_presets",
                             "load_scenario", "parse_scenario", "simulate", "sweep"),
    "crossroads.snapshots": ("ASTable", "Snapshot", "snapshot"),
    "crossroads.store": ("Store", "fetch", "open_store"),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> object:
    """The computing API, imported on first use, so that ``import crossroads`` (and every
    CLI start) stays quick; ``from crossroads import dependency`` works as usual."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'crossroads' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__version__ = "0.2.0.dev0"

__all__ = [
    "ASIndex",
    "ASN",
    "ASSummary",
    "ASTable",
    "BusyError",
    "CorridorSet",
    "CountryCorridors",
    "CountryProfile",
    "CrossroadsError",
    "DataFormatError",
    "DatasetMissingError",
    "DependencyReport",
    "DownloadError",
    "FidelityReport",
    "History",
    "OutageReport",
    "Provenance",
    "RouteQuery",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "Settings",
    "Snapshot",
    "Store",
    "SweepResult",
    "TLSCheckError",
    "UnknownASNError",
    "UnknownCountryError",
    "WorldMatrix",
    "__version__",
    "as_summary",
    "country_code",
    "country_corridors",
    "country_profile",
    "dependency",
    "fetch",
    "fidelity",
    "get_settings",
    "history",
    "list_presets",
    "load_corridors",
    "load_scenario",
    "observed_dependency",
    "open_store",
    "outages_from_files",
    "parse_asn",
    "parse_scenario",
    "route_query",
    "simulate",
    "snapshot",
    "sweep",
    "world_matrix",
]
