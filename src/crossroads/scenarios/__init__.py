"""crossroads.scenarios: what-if edits of the AS graph and their effect on one country.

A scenario (YAML, :func:`load_scenario`) lists operations applied in order
(:func:`apply`); :func:`simulate` measures the target country of a
:class:`~crossroads.snapshots.Snapshot` before and after (reachability, dependency by
country, critical ASes and links); :func:`sweep` removes each border link or foreign
upstream in turn on Dask. See ``docs/methods/scenarios.md``.
"""

from crossroads.scenarios.apply import AppliedLog, AppliedStep, apply
from crossroads.scenarios.load import list_presets, load_scenario, parse_scenario
from crossroads.scenarios.model import Scenario
from crossroads.scenarios.plot import plot_result
from crossroads.scenarios.reach import Reachability, reachability
from crossroads.scenarios.reading import LIMITS, reading
from crossroads.scenarios.result import ScenarioResult, Side
from crossroads.scenarios.run import simulate
from crossroads.scenarios.sweep import SweepResult, SweepRow, sweep

__all__ = [
    "AppliedLog",
    "AppliedStep",
    "LIMITS",
    "Reachability",
    "Scenario",
    "ScenarioResult",
    "Side",
    "SweepResult",
    "SweepRow",
    "apply",
    "list_presets",
    "load_scenario",
    "parse_scenario",
    "plot_result",
    "reachability",
    "reading",
    "simulate",
    "sweep",
]
