"""Shape API results (plain JSON data) into what a report or page displays: sorted rows,
figure SVGs and their captions. No metric is computed here; shares are only sorted,
filtered to the top rows and drawn.
"""

from __future__ import annotations

from typing import Any

from crossroads.report.figures import Flow, Series, bars_svg, sankey_svg, world_map_svg

__all__ = ["DIRECTIONS", "dependency_view", "provenance_line", "sankey_flows", "scenario_view"]

DIRECTIONS = ("inbound", "outbound")
TOP = 12


def provenance_line(result: dict[str, Any]) -> str:
    """"data of DATE, SOURCE" from the provenance fields an API result carries."""
    sets = result.get("datasets") or (result.get("data") or {}).get("datasets")
    if isinstance(sets, list) and sets and isinstance(sets[0], dict):
        return "data: " + ", ".join(
            f"{d.get('name', '?')} of {d.get('data_date', '?')}" for d in sets)
    when = result.get("data_date") or result.get("graph_date") or "unknown date"
    source = result.get("source") or result.get("graph_source") or "crossroads store"
    return f"data of {when}; {source}"


def _shares(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    return {r["country"]: float(r.get(key) or 0.0) for r in rows if r.get("country")}


def sankey_flows(dep: dict[str, Any], direction: str, cc: str, *, top: int = 8) -> list[Flow]:
    """Sankey bands of one direction: ``cc`` → gateway country (gateway share), then each
    gateway country → its gateway ASes (``by_as`` rows with their ``gateway_share``)."""
    part = dep.get(direction) or {}
    rows = sorted(part.get("by_country", []), key=lambda r: -(r.get("gateway_share") or 0))
    kept = [r for r in rows[:top] if (r.get("gateway_share") or 0) > 0]
    flows = [Flow(cc, r["country"] or "unknown", float(r["gateway_share"]), 0) for r in kept]
    other = sum(float(r.get("gateway_share") or 0) for r in rows[top:])
    if other > 0:
        flows.append(Flow(cc, "other", other, 0))
    shown = {r["country"] for r in kept}
    gateways = sorted(part.get("by_as", []), key=lambda g: -(g.get("gateway_share") or 0))
    for g in gateways[: 2 * top]:
        if g.get("country") in shown and (g.get("gateway_share") or 0) > 0:
            label = f"AS{g['asn']} {str(g.get('name') or '')[:18]}".strip()
            flows.append(Flow(g["country"], label, float(g["gateway_share"]), 1))
    return flows


def dependency_view(dep: dict[str, Any], cc: str) -> dict[str, Any]:
    """Per direction: top countries, top foreign ASes, the two world maps and the Sankey."""
    prov = provenance_line(dep)
    view: dict[str, Any] = {"raw": dep, "provenance": prov, "directions": {}}
    for direction in DIRECTIONS:
        part = dep.get(direction)
        if not part:
            continue
        rows = sorted(part.get("by_country", []), key=lambda r: -(r.get("any_share") or 0))
        view["directions"][direction] = {
            "by_country": rows[:TOP],
            "by_as": sorted(part.get("by_as", []), key=lambda r: -(r.get("hegemony") or 0))[:TOP],
            "map_any": world_map_svg(
                _shares(rows, "any_share"), focus=cc,
                caption=f"{direction} share of paths crossing the country (%); {prov}"),
            "sankey": sankey_svg(
                sankey_flows(dep, direction, cc),
                caption=f"{direction} paths by gateway country and AS (% of paths); {prov}"),
        }
    view["chokepoints"] = dep.get("chokepoints") or {}
    view["concentration"] = dep.get("concentration") or {}
    return view


def scenario_view(res: dict[str, Any]) -> dict[str, Any]:
    """Before/after side by side: reachability and the countries whose share moved most."""
    before, after = res.get("before") or {}, res.get("after") or {}
    b = _shares(before.get("by_country", []), "gateway_share")
    a = _shares(after.get("by_country", []), "gateway_share")
    keys = sorted(set(a) | set(b), key=lambda k: -max(a.get(k, 0.0), b.get(k, 0.0)))[:10]
    rows = [{"country": k, "before": b.get(k, 0.0), "after": a.get(k, 0.0)} for k in keys]
    reach = [
        {"metric": m, "before": before.get(m), "after": after.get(m)}
        for m in ("reachability_inbound", "reachability_outbound")
    ]
    scen = res.get("scenario")
    name = scen.get("name") if isinstance(scen, dict) else scen
    return {
        "name": name,
        "description": scen.get("description", "") if isinstance(scen, dict) else "",
        "country": res.get("country"),
        "reach": reach,
        "rows": rows,
        "bars": bars_svg(
            [Series("before", b, "#94a3b8"), Series("after", a, "#c2410c")], keys,
            caption=f"gateway share of paths (%), before and after; {provenance_line(res)}"),
        "raw": res,
    }
