"""What a report or dashboard page shows, each section gathered by ONE project API call.

The CLI, the web JSON API and the report all call the same functions (the inventory, the
dependency report, the dependency history, the scenario engine, the outage event log,
the TLS list); this module calls them and turns their results into plain JSON-ready
data. The long ones (dependency, history, scenarios) go through :func:`memo`, a disk
cache keyed by the loaded data and the code, so the report and the dashboard share them.
Simulated results carry ``fidelity_note``: how often the route model matched observed
routes (:func:`crossroads.routing.fidelity_note.fidelity_note`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from crossroads.config import Settings
from crossroads.formatting import jsonable as plain
from crossroads.ids import country_code
from crossroads.report._memo import memo
from crossroads.routing.fidelity_note import fidelity_note

if TYPE_CHECKING:
    from crossroads.scenarios.model import Scenario

__all__ = [
    "Direction",
    "as_summary",
    "corridors",
    "datasets",
    "dependency",
    "graph_date",
    "history",
    "load_scenario",
    "mirror_ribs",
    "outages",
    "presets",
    "profile",
    "route",
    "run_scenario",
    "scenario",
    "scenario_key",
    "scenario_text",
    "tls_episodes",
    "tls_roots",
]

Direction = Literal["inbound", "outbound"]


def graph_date(result: dict[str, Any]) -> str | None:
    """The data date of the AS-relationship graph named in a result's provenance."""
    for d in result.get("datasets") or []:
        if d.get("kind") == "as-rel":
            return str(d.get("data_date"))
    return None


def _note(when: str | None, mode: str = "deterministic") -> str:
    return fidelity_note(Date.fromisoformat(when) if when else None, mode=mode)


def datasets(settings: Settings) -> list[dict[str, Any]]:
    """Provenance of every loaded dataset (name, kind, source, data date, SHA-256, rows)."""
    from crossroads.store import open_store

    return [rec.as_dict() for rec in open_store(settings).datasets()]


def profile(settings: Settings, country: str) -> dict[str, Any]:
    """The country inventory (:func:`crossroads.metrics.inventory.country_profile`)."""
    from crossroads.metrics.inventory import country_profile
    from crossroads.store import open_store

    return plain(country_profile(open_store(settings), country_code(country)))


def as_summary(settings: Settings, asn: int) -> dict[str, Any]:
    """One AS (:func:`crossroads.metrics.inventory.as_summary`)."""
    from crossroads.metrics.inventory import as_summary as summary
    from crossroads.store import open_store

    return plain(summary(open_store(settings), asn))


def corridors(country: str) -> dict[str, Any]:
    """The shipped corridor data of ``country``: crossings, systems, hubs, routes, sources
    (:func:`crossroads.physical.country_corridors`)."""
    from crossroads.physical import country_corridors

    return plain(country_corridors(country_code(country)))


def dependency(
    settings: Settings, country: str, *, date: Date | None = None, mode: str = "auto",
    observed: Sequence[str | Path] = (),
) -> dict[str, Any]:
    """Foreign dependency of ``country`` in both directions, chokepoints, concentration and
    border ASes (:func:`crossroads.metrics.report.dependency`), with the graph date
    and its fidelity note. ``mode="calibrated"``: on the snapshot calibrated by the
    ``observed`` RIB files (or the stored RIBs), :func:`crossroads.snapshots.
    calibrated_snapshot`; its notes name the RIBs and the observed share. ``auto`` (the
    default, as on the CLI) is calibrated with ``observed`` files or a stored RIB within
    reach of the graph (:func:`crossroads.routing.load.rib_in_reach`), else all-best. The answers
    compare with the observed share of the ``observed`` RIB files, else of the newest RIB
    of the mirror (:func:`mirror_ribs`), whose date the comparison names."""
    from crossroads.metrics.report import dependency as run
    from crossroads.snapshots import calibrated_snapshot, snapshot

    cc = country_code(country)
    if mode == "auto":
        from crossroads.routing.load import rib_in_reach

        mode = "calibrated" if observed or rib_in_reach(settings, date) else "all-best"
    compare = list(observed) or mirror_ribs(settings)[-1:]

    def compute() -> dict[str, Any]:
        if mode == "calibrated":
            snap, cal = calibrated_snapshot(settings, list(observed), date=date)
            result = run(snap, cc, mode="calibrated", calibration=cal, ribs=compare)
        else:
            result = run(snapshot(settings, date=date), cc, mode=mode,  # type: ignore[arg-type]
                         ribs=compare)
        out: dict[str, Any] = plain(result)
        out["graph_date"] = graph_date(out)
        out["fidelity_note"] = _note(out["graph_date"], mode)
        return out

    key = {"cc": cc, "date": date, "mode": mode, "observed": [str(p) for p in observed],
           "compare": [str(p) for p in compare]}
    return memo(settings, "dependency", key, compute)


def mirror_ribs(settings: Settings) -> list[Path]:
    """The RIB dumps of the local mirror, oldest first by the date in their names: RIS
    ``mrt/bview.YYYYMMDD.HHMM.gz`` and RouteViews ``rib-text/*.YYYYMMDD.HHMM.bgpdump-m.txt*``
    (none without a mirror).

    >>> mirror_ribs(Settings(data_dir=Path("d"), cache_dir=Path("c"), mirror=None))
    []
    """
    root = settings.mirror
    if root is None:
        return []
    found = [*root.glob("mrt/bview.*"), *root.glob("rib-text/*.bgpdump-m.txt*")]

    def stamp(p: Path) -> str:
        digits = [part for part in p.name.split(".") if part.isdigit()]
        return ".".join(digits[:2])

    return sorted((p for p in found if p.is_file()), key=lambda p: (stamp(p), p.name))


def history(settings: Settings, country: str, *, scheduler: str | None = None) -> dict[str, Any]:
    """The country's dependency for every AS-graph snapshot 2002-2025
    (:func:`crossroads.metrics.history.history`), on the Dask ``scheduler`` when given
    (the web server's one shared cluster), else on a cluster of its own."""
    from crossroads.metrics.history import history as run
    from crossroads.snapshots import snapshot

    cc = country_code(country)

    def compute() -> dict[str, Any]:
        out: dict[str, Any] = plain(run(snapshot(settings), cc, scheduler=scheduler))
        out["fidelity_note"] = _note(None)
        return out

    return memo(settings, "history", {"cc": cc}, compute)


def presets() -> list[dict[str, Any]]:
    """The shipped scenario presets: name, country, description and YAML text."""
    from crossroads.scenarios import list_presets
    from crossroads.scenarios.load import preset_text

    return [
        {"name": sc.name, "country": sc.country, "description": sc.description.strip(),
         "yaml": preset_text(sc.name)}
        for sc in list_presets()
    ]


def scenario_text(source: str, *, files: bool = True) -> str:
    """The YAML text of a preset name or (with ``files``) a scenario file path.

    Without ``files`` only the shipped presets can be named: the web API passes
    ``files=False``, so a request never opens a file of the server.
    """
    from crossroads.errors import ScenarioError
    from crossroads.scenarios.load import preset_text

    if not files or ("/" not in source and not source.endswith((".yaml", ".yml"))):
        return preset_text(source)
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{source}: cannot read the scenario file: {exc}") from None


def load_scenario(source: str, *, is_yaml: bool = False, files: bool = True) -> Scenario:
    """The validated scenario of a preset name, a file (with ``files``) or YAML text (when
    ``is_yaml``); bad input fails here, before anything is computed or cached."""
    from crossroads.scenarios import parse_scenario

    text = source if is_yaml else scenario_text(source, files=files)
    where = "<scenario text>" if is_yaml else source if files else f"preset {source}"
    return parse_scenario(text, path=where)


def scenario_key(sc: Scenario) -> str:
    """What identifies a scenario's result: its validated model as canonical JSON (so a
    changed comment or key order is the same scenario)."""
    return json.dumps(sc.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def run_scenario(settings: Settings, sc: Scenario) -> dict[str, Any]:
    """Before/after of a validated scenario (:func:`crossroads.scenarios.simulate`), with
    the fidelity note of its graph; cached on disk by :func:`scenario_key`."""
    from crossroads.scenarios import simulate
    from crossroads.snapshots import snapshot

    def compute() -> dict[str, Any]:
        out: dict[str, Any] = plain(simulate(snapshot(settings), sc))
        out["fidelity_note"] = _note(graph_date(out))
        return out

    return memo(settings, "scenario", {"scenario": scenario_key(sc)}, compute)


def scenario(
    settings: Settings, source: str, *, is_yaml: bool = False, files: bool = True,
) -> dict[str, Any]:
    """Before/after of one scenario: a preset name or (with ``files``) a file, or YAML
    text when ``is_yaml`` (:func:`load_scenario`, :func:`run_scenario`)."""
    return run_scenario(settings, load_scenario(source, is_yaml=is_yaml, files=files))


def route(
    settings: Settings, origins: list[int], *, from_asn: int | None = None,
    mode: str = "deterministic", date: Date | None = None,
) -> dict[str, Any]:
    """Routes towards ``origins`` (:func:`crossroads.routing.query.route_query`)."""
    from crossroads.routing.query import route_query
    from crossroads.snapshots import snapshot

    graph = snapshot(settings, date=date).graph
    out: dict[str, Any] = plain(
        route_query(graph, origins, from_asn=from_asn, mode=mode))  # type: ignore[arg-type]
    out["fidelity_note"] = _note(graph_date(out))
    return out


def outages(settings: Settings, country: str) -> dict[str, Any]:
    """Country-level outage events of ``country`` stored by ``crossroads watch`` in the
    event log beside the store (:class:`crossroads.outages.eventlog.EventLog`), oldest
    first."""
    from crossroads.outages.eventlog import EventLog

    cc = country_code(country)
    path = settings.data_dir / "outage_events.duckdb"
    out: dict[str, Any] = {
        "country": cc, "log": str(path), "events": [],
        "units": {"baseline/extreme": "the event's metric: IPv4 /24-equivalents or prefixes "
                  "(visibility drops), updates per bin (bursts)",
                  "lost_slash24": "IPv4 /24-equivalents"},
    }
    if path.exists():
        events = plain(EventLog(path).read())
        out["events"] = [e for e in events if e["scope"] == "country" and e["key"] == cc]
    return out


def tls_episodes(country: str) -> list[dict[str, Any]]:
    """Documented state TLS-interception episodes
    (:func:`crossroads.tls.interception_documented`)."""
    from crossroads.tls import interception_documented

    return [e.as_dict() for e in interception_documented(country_code(country))]


def tls_roots() -> dict[str, Any]:
    """The known interception roots (:func:`crossroads.tls.known_roots`) and their source."""
    from crossroads.tls import known_roots

    frame = known_roots()
    return {"source": frame.attrs.get("source", ""), "roots": plain(frame)}
