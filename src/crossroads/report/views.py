"""Shape API results (plain JSON data) into what a report or page displays: sorted rows,
figure SVGs and their captions. No metric is computed here; shares are only sorted,
filtered to the top rows and drawn.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from crossroads.docrefs import link_pages
from crossroads.formatting import pct
from crossroads.report.figures import (
    PALETTE,
    Flow,
    Line,
    Series,
    bars_svg,
    lines_svg,
    sankey_svg,
    world_map_svg,
)

__all__ = [
    "DIRECTIONS", "answer_view", "country_index", "dependency_view", "history_marks",
    "history_view", "in_report", "provenance_line", "sankey_flows", "scenario_view",
    "short_sources", "territory_view",
]

DIRECTIONS = ("inbound", "outbound")
TOP = 12
_FAMILIES = (
    ("caida-as-rel", "CAIDA AS relationships"),
    ("ip-location-db", "ip-location-db"),
    ("rir-", "RIR delegated statistics"),
    ("ris-", "RIPE RIS peers"),
    ("routeviews-", "RouteViews peers"),
    ("caida-ixs", "CAIDA IXPs"),
    ("crossroads-corridors", "crossroads corridor data"),
    ("state-owned", "state-owned ASes (Carisimo et al.)"),
    ("peeringdb", "PeeringDB"),
)


def short_sources(datasets: Any) -> str:
    """Datasets grouped by publisher with their data dates: "CAIDA AS relationships
    2025-09-01; ip-location-db 2026-06-17; …" (order of first appearance)."""
    seen: dict[str, set[str]] = {}
    for d in datasets or []:
        if isinstance(d, str):
            continue
        name = str(d.get("dataset") or "?")
        family = next((label for prefix, label in _FAMILIES if name.startswith(prefix)), name)
        seen.setdefault(family, set()).add(str(d.get("data_date", "?")))
    return "; ".join(f"{fam} {', '.join(sorted(dates))}" for fam, dates in seen.items())


def provenance_line(result: dict[str, Any]) -> str:
    """"Data: SOURCE DATE; …" from the provenance a result carries (its ``datasets``)."""
    text = short_sources(result.get("datasets"))
    return f"Data: {text}" if text else "Data: the loaded crossroads store"


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
    """Per direction: top countries, top foreign ASes, the world map and the Sankey; the
    chokepoints, concentration, border ASes and provenance as they come."""
    graph = dep.get("graph_date") or "?"
    view: dict[str, Any] = {
        "provenance": provenance_line(dep), "graph_date": graph,
        "fidelity_note": dep.get("fidelity_note", ""), "notes": dep.get("notes", []),
        "directions": {},
    }
    for direction in DIRECTIONS:
        part = dep.get(direction)
        if not part:
            continue
        rows = sorted(part.get("by_country", []), key=lambda r: -(r.get("any_share") or 0))
        view["directions"][direction] = {
            "part": part,
            "by_country": rows[:TOP],
            "by_as": sorted(part.get("by_as", []),
                            key=lambda r: -(r.get("transit_share") or 0))[:TOP],
            "map_any": world_map_svg(
                {r["country"]: float(r.get("any_share") or 0) for r in rows if r.get("country")},
                focus=cc,
                caption=f"% of {direction} paths crossing each country; CAIDA graph {graph}"),
            "map_gateway": world_map_svg(
                {r["country"]: float(r.get("gateway_share") or 0) for r in rows
                 if r.get("country") and (r.get("gateway_share") or 0) > 0},
                focus=cc,
                caption=f"% of {direction} paths entering or leaving {cc} through a network "
                f"of each country (gateway); CAIDA graph {graph}"),
            "sankey": sankey_svg(
                sankey_flows(dep, direction, cc),
                caption=f"{direction} paths by gateway country and AS (% of paths); "
                f"simulated on the CAIDA AS graph of {graph}"),
        }
    view["chokepoints"] = dep.get("chokepoints") or {}
    view["concentration"] = dep.get("concentration") or {}
    view["border"] = dep.get("border") or []
    return view


def territory_view(dep: dict[str, Any], cc: str, *, top: int = 8) -> dict[str, Any] | None:
    """The AS-level vs territorial comparison (the headline figure) and the corridor map
    of ``cc``, from a dependency result with its ``territory`` section (None without one).

    Per direction: the countries with the largest territorial or AS-level gateway share,
    their territorial share with its range (the extremes over the rule-placed links'
    candidate metros) beside the AS-level gateway and "any" shares, as rows and as bars;
    the map of ``cc``'s corridors (:func:`crossroads.physical.corridor_map_svg`) with
    the interconnection places sized by the share of crossing-link mass placed there.
    """
    from crossroads.physical import corridor_map_svg, country_corridors

    terr = dep.get("territory")
    if not terr:
        return None
    graph = dep.get("graph_date") or "?"
    version = (terr.get("corridors") or {}).get("version", "?")
    view: dict[str, Any] = {
        "rule_share": terr.get("rule_share"), "version": version,
        "peeringdb": terr.get("peeringdb"), "evidence": terr.get("placements_by_evidence"),
        "state_control": dep.get("state_control"), "directions": {},
    }
    corridors = country_corridors(cc)
    for d in DIRECTIONS:
        t, part = terr.get(d), dep.get(d)
        if not t or not part:
            continue
        gw = {r["country"]: r for r in part.get("by_country", [])}
        tr = {r["country"]: r for r in t.get("by_country", [])}

        def key(c: str, gw: dict[str, Any] = gw, tr: dict[str, Any] = tr) -> float:
            return -max(float((tr.get(c) or {}).get("share") or 0.0),
                        float((gw.get(c) or {}).get("gateway_share") or 0.0))

        names = sorted(set(tr) | set(gw), key=lambda c: (key(c), c))[:top]
        rows = [{"country": c, **{k: (tr.get(c) or {}).get(k, 0.0)
                                  for k in ("share", "low", "high")},
                 "gateway_share": (gw.get(c) or {}).get("gateway_share", 0.0),
                 "any_share": (gw.get(c) or {}).get("any_share", 0.0)} for c in names]
        bars = bars_svg(
            [Series("AS gateway", {r["country"]: r["gateway_share"] for r in rows}, "#94a3b8"),
             Series("AS any", {r["country"]: r["any_share"] for r in rows}, "#cbd5e1"),
             Series("territory", {r["country"]: r["share"] for r in rows}, "#c2410c",
                    ranges={c: (tr[c]["low"], tr[c]["high"]) for c in names if c in tr})],
            names, width=720,
            caption=f"{d}, % of paths; CAIDA graph {graph}, corridors {version}")
        places = {str(p["where"]): float(p["share"]) for p in t.get("places", [])}
        view["directions"][d] = {
            "rows": rows, "bars": bars, "rule_share": t.get("rule_share"),
            "unrouted_share": t.get("unrouted_share"), "corridors": t.get("corridors", [])[:6],
            "places": t.get("places", [])[:top],
            "map": corridor_map_svg(corridors, places=places),
        }
    return view


def scenario_view(res: dict[str, Any]) -> dict[str, Any]:
    """Before/after side by side: reachability, the countries whose gateway share is
    largest before or after (each direction), the bars, and what became critical."""
    before, after = res.get("before") or {}, res.get("after") or {}
    reach = [
        {"metric": f"reachability {d}", "before": before.get(f"reachability_{d}"),
         "after": after.get(f"reachability_{d}"),
         "change": (res.get("changes") or {}).get(f"reachability_{d}")}
        for d in DIRECTIONS
    ]
    tables, bars = {}, {}
    for d in DIRECTIONS:
        b = {r["country"]: r for r in (before.get("by_country") or {}).get(d, [])}
        a = {r["country"]: r for r in (after.get("by_country") or {}).get(d, [])}

        def gw(rows: dict[str, Any], k: str) -> float:
            return float((rows.get(k) or {}).get("gateway_share") or 0.0)

        keys = sorted(set(a) | set(b), key=lambda k: -max(gw(a, k), gw(b, k)))[:8]
        tables[d] = [
            {"country": k, "any_before": (b.get(k) or {}).get("any_share", 0.0),
             "any_after": (a.get(k) or {}).get("any_share", 0.0),
             "gateway_before": gw(b, k), "gateway_after": gw(a, k)}
            for k in keys
        ]
        bars[d] = bars_svg(
            [Series("before", {k: gw(b, k) for k in keys}, "#94a3b8"),
             Series("after", {k: gw(a, k) for k in keys}, "#c2410c")], keys,
            caption=f"{d} gateway share of paths (%), before and after; "
            f"CAIDA graph {_graph(res)}")
    return {
        "territory": _territory_change(before, after),
        "satellite": (after.get("reachability_with_satellite") or {}).get("inbound"),
        "name": res.get("scenario"),
        "description": res.get("description", ""),
        "reading": res.get("reading", ""),
        "limits": res.get("limits", []),
        "sources": res.get("sources", []),
        "country": res.get("country"),
        "applied": (res.get("applied") or {}).get("steps", []),
        "reach": reach,
        "tables": tables,
        "bars": bars,
        "changes": res.get("changes") or {},
        "provenance": provenance_line(res),
        "fidelity_note": res.get("fidelity_note", ""),
    }


def _territory_change(before: dict[str, Any], after: dict[str, Any],
                      top: int = 8) -> dict[str, list[dict[str, Any]]]:
    """Per direction, the territorial shares (with ranges) before and after a scenario:
    the countries largest on either side."""
    out = {}
    for d in DIRECTIONS:
        b = ((before.get("territory") or {}).get(d) or {}).get("by_country")
        a = ((after.get("territory") or {}).get(d) or {}).get("by_country")
        if b is None or a is None:
            continue
        bb, aa = {r["country"]: r for r in b}, {r["country"]: r for r in a}
        names = sorted(set(bb) | set(aa), key=lambda c: (-max(
            (bb.get(c) or {}).get("share", 0.0), (aa.get(c) or {}).get("share", 0.0)), c))
        zero = {"share": 0.0, "low": 0.0, "high": 0.0}
        out[d] = [{"country": c, "before": bb.get(c, zero), "after": aa.get(c, zero)}
                  for c in names[:top]]
    return out


def _graph(res: dict[str, Any]) -> str:
    return next((str(d.get("data_date")) for d in res.get("datasets") or []
                 if d.get("kind") == "as-rel"), "?")


def _series(dataset: str) -> str:
    if dataset.startswith("caida-as-rel2"):
        return "CAIDA serial-2"
    return "CAIDA serial-1" if dataset.startswith("caida-as-rel") else dataset


def _year(day: str) -> float:
    from datetime import date

    d = date.fromisoformat(day[:10])
    return d.year + (d.timetuple().tm_yday - 1) / 365.25


def history_marks(summary: list[dict[str, Any]]) -> dict[str, Any]:
    """Where a history chart must not draw a plain line: the x position of each snapshot
    (``years``, fractional), the ``gaps`` between snapshots further apart than 1.5 times
    the usual (median) spacing, and the ``changes`` of method: where the AS graph's series
    changes (CAIDA serial-1, inferred from BGP paths, to serial-2, which adds links
    inferred at route servers). Each gap and change is ``{"at": i, "label": …}``: between
    snapshot i-1 and i.

    >>> rows = [{"date": "2014-01-01", "dataset": "caida-as-rel-20140101"},
    ...         {"date": "2016-01-01", "dataset": "caida-as-rel-20160101"},
    ...         {"date": "2018-01-01", "dataset": "caida-as-rel-20180101"},
    ...         {"date": "2025-09-01", "dataset": "caida-as-rel2-20250901"}]
    >>> m = history_marks(rows)
    >>> [g["at"] for g in m["gaps"]], m["changes"][0]["label"]
    ([3], 'CAIDA serial-1 → serial-2')
    """
    dates = [str(s["date"]) for s in summary]
    years = [_year(d) for d in dates]
    steps = sorted(b - a for a, b in zip(years, years[1:], strict=False))
    usual = steps[len(steps) // 2] if steps else 0.0
    gaps = [{"at": i, "label": f"no snapshot between {dates[i - 1]} and {dates[i]}"}
            for i in range(1, len(years)) if usual and years[i] - years[i - 1] > 1.5 * usual]
    series = [_series(str(s.get("dataset") or "")) for s in summary]
    changes = [{"at": i, "label": f"{series[i - 1]} → {series[i].removeprefix('CAIDA ')}"}
               for i in range(1, len(series)) if series[i] != series[i - 1]]
    return {"years": years, "gaps": gaps, "changes": changes}


def history_view(hist: dict[str, Any], *, top: int = 5) -> dict[str, Any]:
    """The snapshot table and, per direction, a line chart of the "any" share of the
    ``top`` countries with the largest share in any snapshot, snapshots placed by date,
    no line across a gap and the change of method marked (:func:`history_marks`)."""
    summary = hist.get("summary") or []
    dates = [str(s["date"]) for s in summary]
    marks = history_marks(summary)
    charts = {}
    for d in DIRECTIONS:
        rows = [r for r in hist.get("by_country") or [] if r.get("direction") == d]
        best: dict[str, float] = {}
        for r in rows:
            best[r["country"]] = max(best.get(r["country"], 0.0), float(r.get("any_share") or 0))
        leaders = sorted(best, key=lambda c: -best[c])[:top]
        value = {(str(r["date"]), r["country"]): float(r.get("any_share") or 0) for r in rows}
        lines = [Line(c, [value.get((t, c), 0.0) for t in dates], PALETTE[i % len(PALETTE)])
                 for i, c in enumerate(leaders)]
        charts[d] = lines_svg(
            lines, dates, y_label="% of paths crossing", at=marks["years"],
            gaps=[(g["at"], g["label"]) for g in marks["gaps"]],
            marks=[(c["at"], c["label"]) for c in marks["changes"]],
            caption=f"{d}: % of simulated paths crossing each country; CAIDA graphs "
            f"{dates[0][:4] if dates else ''}–{dates[-1][:4] if dates else ''}; shaded: no "
            "data; dashed: new series")
    return {"summary": summary, "charts": charts, "notes": hist.get("notes", []),
            "fidelity_note": hist.get("fidelity_note", ""), "marks": marks}


def country_index(info: Any, countries: dict[str, str]) -> list[dict[str, Any]]:
    """One row per country of ``countries`` (code -> name), by name: the ASes operating
    there (``op_cc`` of the ``as_info`` table ``info``, 0 without one), the IPv4
    addresses they originate, and the ASes registered there (``reg_cc``).

    >>> import pandas as pd
    >>> info = pd.DataFrame({"op_cc": ["KZ", "KZ", "UZ"], "reg_cc": ["KZ", "UA", "UA"],
    ...                      "ipv4_addresses": [10, 5, 7]})
    >>> country_index(info, {"UZ": "Uzbekistan", "KZ": "Kazakhstan", "TJ": "Tajikistan"})[0]
    {'code': 'KZ', 'name': 'Kazakhstan', 'ases': 2, 'ipv4': 15, 'registered': 1}
    """
    ases: dict[str, int] = {}
    ipv4: dict[str, int] = {}
    registered: dict[str, int] = {}
    if info is not None and len(info):
        grouped = info.groupby("op_cc")["ipv4_addresses"].agg(["size", "sum"])
        ases = {str(k): int(v) for k, v in grouped["size"].items()}
        ipv4 = {str(k): int(v) for k, v in grouped["sum"].items()}
        registered = {str(k): int(v) for k, v in info["reg_cc"].value_counts().items()}
    return [{"code": cc, "name": name, "ases": ases.get(cc, 0), "ipv4": ipv4.get(cc, 0),
             "registered": registered.get(cc, 0)}
            for cc, name in sorted(countries.items(), key=lambda kv: kv[1])]


def _short_source(source: str) -> str:
    return source.split(",")[0].split(" (")[0]


def answer_view(dep: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer first, per direction of a dependency result: its lead sentence and the
    "compared with published figures" rows (figure, share, basis, address), the same rows
    ``crossroads dependency`` prints: the simulated gateway share, the observed one (or
    why there is none), the territorial share of the partner country when the physical
    layer ran, each cited published figure; and the line on why they differ.

    >>> dep = {"mode": "all-best", "answers": [{"direction": "inbound", "sentence": "S.",
    ...     "partner": "RU", "comparison": {"partner": "RU", "simulated": 0.5,
    ...     "observed": None, "observed_basis": None, "published": [], "why": "W."}}]}
    >>> [(r["figure"], r["share"]) for r in answer_view(dep)[0]["rows"]]
    [('crossroads, simulated', 0.5), ('crossroads, observed', None)]
    """
    out = []
    terr = dep.get("territory") or {}
    for a in dep.get("answers") or []:
        c = a.get("comparison") or {}
        partner, rows = c.get("partner"), []
        if partner is not None:
            if c.get("simulated") is not None:
                rows.append({"figure": "crossroads, simulated", "share": c["simulated"],
                             "basis": "gateway share (AS level), this run", "url": None})
            if c.get("observed") is not None:
                rows.append({"figure": "crossroads, observed", "share": c["observed"],
                             "basis": c.get("observed_basis") or "", "url": None})
            elif dep.get("mode") != "observed":
                rows.append({"figure": "crossroads, observed", "share": None,
                             "basis": c.get("observed_basis") or "no RIB was read for this "
                             "result (crossroads dependency --compare-rib FILE)", "url": None})
            side = {r["country"]: r for r in (terr.get(a["direction"]) or {})
                    .get("by_country", [])}.get(partner)
            if side is not None:
                rows.append({"figure": "crossroads, territory", "share": side.get("share"),
                             "basis": f"range {pct(side.get('low'))} – "
                             f"{pct(side.get('high'))}: crossing-link mass whose corridor "
                             f"route crosses {partner}'s territory", "url": None})
            for f in c.get("published") or []:
                region = " (regional figure)" if f.get("scope") == "region" else ""
                rows.append({"figure": f"{_short_source(f['source'])} {f['year']}{region}",
                             "share": f.get("value"),
                             "basis": f"{f['measure']}: \u201c{f['quote']}\u201d",
                             "url": f.get("url")})
        out.append({"direction": a.get("direction"), "sentence": a.get("sentence", ""),
                    "partner": partner, "rows": rows, "why": c.get("why", "")})
    return out


_APPENDIX = {"validation": ("validation", "appendix A, How far to trust the figures")}
_METHODS = ("methods", "section 9, Methods in short")


def in_report(text: str) -> Markup:
    """``text`` (escaped) with each reference to a documentation page (the sentence of
    :func:`crossroads.docrefs.see`) made a link to the report's own appendix that says the
    same, since a reader of the PDF may have no ``crossroads`` to run.

    >>> from crossroads.docrefs import see
    >>> str(in_report("51 % matched. " + see("validation")))
    '51 % matched. See <a href="#validation">appendix A, How far to trust the figures</a>.'
    """
    def link(page: str) -> str:
        anchor, title = _APPENDIX.get(page, _METHODS)
        return f'<a href="#{anchor}">{title}</a>'

    return Markup(link_pages(str(escape(text)), link))
