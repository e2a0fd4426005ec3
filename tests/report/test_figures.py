"""Figures: colours, the world map and the Sankey, checked against hand-worked values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from crossroads.report.figures import Flow, bars_svg, ramp, sankey_svg, world_map_svg
from crossroads.report.views import sankey_flows

SVG = "{http://www.w3.org/2000/svg}"


def test_ramp_ends_and_midpoint() -> None:
    assert ramp(0.0) == "#fff7ec" and ramp(1.0) == "#7f0000"
    # 0.125 * 4 intervals = 0.5: halfway between (255,247,236) and (253,212,158)
    # = (254, 229.5 -> 230 by round-half-even, 197) = #fee6c5
    assert ramp(0.125) == "#fee6c5"
    assert ramp(-3) == ramp(0) and ramp(7) == ramp(1)


def test_world_map_colours_countries_by_share() -> None:
    svg = world_map_svg({"RU": 0.9, "CN": 0.1}, focus="KZ", caption="test")
    root = ET.fromstring(svg)  # well-formed XML
    fills = {g.get("data-cc"): g.get("fill") for g in root.iter(f"{SVG}g") if g.get("data-cc")}
    assert len(fills) == 250  # every country of the packaged geometry
    assert fills["KZ"] == "#1d4ed8"  # the focus country
    assert fills["RU"] == ramp(1.0)  # the largest share takes the darkest colour
    assert fills["CN"] == ramp((0.1 / 0.9) ** 0.5)  # square-root scale
    assert fills["FR"] == "#e5e7eb"  # no path crosses it
    assert "Russia: 90.0%" in svg


def test_sankey_band_widths_follow_values() -> None:
    svg = sankey_svg([Flow("KZ", "RU", 0.8), Flow("KZ", "CN", 0.2)])
    # column 0 holds KZ (1.0) in 340 px; column 1 holds RU + CN (1.0) and one 13 px gap:
    # scale = min(340 / 1.0, 327 / 1.0) = 327 px per unit -> bands 261.6 and 65.4 px
    widths = sorted(float(w) for w in re.findall(r'<path[^>]*stroke-width="([0-9.]+)"', svg))
    assert widths == [65.4, 261.6]
    ET.fromstring(svg)


def test_sankey_flows_from_a_dependency_result() -> None:
    dep = {"inbound": {
        "by_country": [{"country": "RU", "any_share": 0.9, "gateway_share": 0.7},
                       {"country": "CN", "any_share": 0.2, "gateway_share": 0.3}],
        "by_as": [{"asn": 12389, "name": "Rostelecom", "country": "RU", "gateway_share": 0.5},
                  {"asn": 4134, "name": "Chinanet", "country": "CN", "gateway_share": 0.0}]}}
    flows = sankey_flows(dep, "inbound", "KZ", top=1)
    # top=1 keeps RU; CN's 0.3 goes to "other"; only ASes of kept countries, share > 0
    assert flows == [Flow("KZ", "RU", 0.7, 0), Flow("KZ", "other", 0.3, 0),
                     Flow("RU", "AS12389 Rostelecom", 0.5, 1)]


def test_bars_and_empty_figures_are_valid_svg() -> None:
    root = ET.fromstring(bars_svg([], ["RU"], caption="c"))
    assert root.tag == f"{SVG}svg"
    assert "nothing to draw" in bars_svg([], [])
    assert "no flows" in sankey_svg([])


def test_history_chart_breaks_at_a_gap_and_marks_the_series_change() -> None:
    """Four snapshots 2014, 2016, 2018, 2025: the 2018 -> 2025 stretch is more than 1.5x
    the usual two years, so no line joins 2018 to 2025; the series changes there too."""
    from crossroads.report.figures import Line, lines_svg
    from crossroads.report.views import history_marks

    rows = [{"date": f"{y}-01-01", "dataset": f"caida-as-rel-{y}0101"} for y in (2014, 2016,
                                                                                 2018)]
    rows.append({"date": "2025-09-01", "dataset": "caida-as-rel2-20250901"})
    marks = history_marks(rows)
    assert [g["at"] for g in marks["gaps"]] == [3]
    assert marks["changes"] == [{"at": 3, "label": "CAIDA serial-1 → serial-2"}]
    svg = lines_svg([Line("RU", [0.2, 0.4, 0.6, 0.5])], [r["date"] for r in rows],
                    at=marks["years"], gaps=[(3, "gap")], marks=[(3, "CAIDA serial-1 → serial-2")])
    root = ET.fromstring(svg)
    lines = [p.get("points").split() for p in root.iter(f"{SVG}polyline")]
    assert len(lines) == 1 and len(lines[0]) == 3  # 2014-2016-2018 joined, 2025 alone
    assert len(list(root.iter(f"{SVG}circle"))) == 4  # every point still drawn
    xs = [float(c.get("cx")) for c in root.iter(f"{SVG}circle")]
    # by date: the 7.67-year stretch is wider than the two-year steps (7.67 / 2 times)
    assert abs((xs[3] - xs[2]) / (xs[1] - xs[0]) - (marks["years"][3] - 2018) / 2) < 0.01
    assert root.find(f".//{SVG}line[@class='method-change']") is not None
    assert "CAIDA serial-1 → serial-2" in svg and "paint-order" not in svg


def test_sankey_labels_are_plain_dark_text() -> None:
    """Every node is labelled in dark text on a light box (no white stroke halo, which a
    PDF renderer ignoring paint-order draws over the letters)."""
    svg = sankey_svg([Flow("KZ", "RU", 0.6), Flow("RU", "AS3216 Vimpelcom", 0.6, 1)])
    root = ET.fromstring(svg)
    labels = {t.text: t for t in root.iter(f"{SVG}text") if t.get("class") == "node-label"}
    assert set(labels) == {"KZ", "RU (60.0%)", "AS3216 Vimpelcom (60.0%)"}
    assert all(t.get("fill") == "#0f172a" and t.get("stroke") is None for t in labels.values())
