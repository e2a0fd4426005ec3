"""Figures as self-contained SVG text: a world choropleth, a Sankey and bar charts.

Both the report (inlined into HTML and PDF) and the web dashboard (the map) use these, so a
figure reads the same everywhere and needs no script, font file or network to display.
Every figure carries its unit, data date and source in a caption line inside the SVG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from pygal_maps_world.i18n import COUNTRIES

from crossroads._countries import country_name as _iso_name
from crossroads.report._worldmap import world_geometry

__all__ = [
    "COUNTRIES_ISO", "PALETTE", "Flow", "Line", "Series", "bars_svg", "country_name",
    "lines_svg", "ramp", "sankey_svg", "world_map_svg",
]

_STOPS = ((255, 247, 236), (253, 212, 158), (252, 141, 89), (215, 48, 31), (127, 0, 0))
COUNTRIES_ISO: frozenset[str] = frozenset(c.upper() for c in COUNTRIES)
"""ISO 3166-1 alpha-2 codes the world map knows."""

_NO_DATA = "#e5e7eb"
_FOCUS = "#1d4ed8"
_FONT = "font-family:DejaVu Sans,Helvetica,Arial,sans-serif"


_SHORT = {
    "US": "United States", "RU": "Russia", "GB": "United Kingdom", "KR": "South Korea",
    "KP": "North Korea", "IR": "Iran", "SY": "Syria", "VN": "Vietnam", "TW": "Taiwan",
    "MD": "Moldova", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "LA": "Laos",
    "CZ": "Czechia", "EU": "EU-registered", "MK": "North Macedonia", "CD": "DR Congo",
}


def country_name(cc: str) -> str:
    """A short English name of an ISO 3166-1 alpha-2 code, fit for a table cell
    (crossroads' ISO 3166 list, a few long official names shortened; the code when
    unknown).

    >>> country_name("ru"), country_name("KZ"), country_name("EU")
    ('Russia', 'Kazakhstan', 'EU-registered')
    """
    code = cc.upper()
    return _SHORT.get(code) or _iso_name(code)


def ramp(x: float) -> str:
    """Colour of ``x`` in [0, 1] on a light-to-dark orange-red scale (ColorBrewer OrRd)."""
    x = min(max(x, 0.0), 1.0) * (len(_STOPS) - 1)
    i = min(int(x), len(_STOPS) - 2)
    t = x - i
    rgb = (round(a + (b - a) * t) for a, b in zip(_STOPS[i], _STOPS[i + 1], strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%" if x >= 0.001 or x == 0 else f"{100 * x:.2f}%"


def world_map_svg(
    values: Mapping[str, float],
    *,
    focus: str | None = None,
    caption: str = "",
    width: int = 960,
) -> str:
    """A world map with each country filled by its share in ``values`` (0–1).

    Colour follows the square root of share / max share, so that small shares stay visible
    beside one dominant country; the legend gives the shares. ``focus`` is drawn in blue.
    Countries absent from ``values`` are grey ("no path crosses it" or no data).
    """
    geo = world_geometry()
    top = max(values.values(), default=0.0) or 1.0
    parts = []
    for cc, shape in geo.shapes.items():
        if cc == focus:
            fill, tip = _FOCUS, f"{country_name(cc)} (the country studied)"
        elif cc in values:
            fill, tip = ramp((values[cc] / top) ** 0.5), f"{country_name(cc)}: {_pct(values[cc])}"
        else:
            fill, tip = _NO_DATA, f"{country_name(cc)}: no path"
        parts.append(
            f'<g class="country" data-cc="{cc}" fill="{fill}"><title>{escape(tip)}</title>'
            f"{shape}</g>"
        )
    x0, y0, w, h = (float(v) for v in geo.view_box.split())
    legend_y = y0 + h + 20
    stops = "".join(
        f'<rect x="{x0 + 40 + i * 60}" y="{legend_y}" width="60" height="24" '
        f'fill="{ramp(i / 9)}"/>'
        for i in range(10)
    )
    ticks = "".join(
        f'<text x="{x0 + 40 + i * 150}" y="{legend_y + 64}" font-size="34">'
        f"{_pct(top * (i / 4) ** 2)}</text>"
        for i in range(5)
    )
    total_h = h + 120
    height = round(width * total_h / w)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {w} {total_h}" '
        f'width="{width}" height="{height}" role="img" style="{_FONT}">'
        f'<g stroke="#ffffff" stroke-width="0.6">{"".join(parts)}</g>'
        f'<g class="legend">{stops}{ticks}'
        f'<text x="{x0 + 700}" y="{legend_y + 20}" font-size="34">{escape(caption)}</text></g>'
        "</svg>"
    )


@dataclass(frozen=True)
class Flow:
    """One band of a Sankey: ``value`` units from ``source`` (column ``column``) to
    ``target`` (column ``column + 1``)."""

    source: str
    target: str
    value: float
    column: int = 0


def _sankey_nodes(flows: Sequence[Flow]) -> list[list[tuple[str, float]]]:
    columns: dict[int, dict[str, list[float]]] = {}
    for f in flows:
        columns.setdefault(f.column, {}).setdefault(f.source, [0.0, 0.0])[1] += f.value
        columns.setdefault(f.column + 1, {}).setdefault(f.target, [0.0, 0.0])[0] += f.value
    return [
        sorted(((n, max(v)) for n, v in columns[c].items()), key=lambda nv: -nv[1])
        for c in sorted(columns)
    ]


def sankey_svg(flows: Sequence[Flow], *, caption: str = "", width: int = 900) -> str:
    """A left-to-right Sankey of ``flows``; node height is proportional to the larger of its
    in- and outflow, bands keep their value's thickness end to end."""
    flows = [f for f in flows if f.value > 0]
    if not flows:
        return _empty_svg("no flows to draw", width)
    columns = _sankey_nodes(flows)
    height, pad, node_w, gap, label_w = 340, 20, 14, 13, 250
    scale = min(
        (height - gap * (len(col) - 1)) / sum(v for _, v in col) for col in columns
    )
    col_x = [pad + i * (width - 2 * pad - node_w - label_w) / max(len(columns) - 1, 1)
             for i in range(len(columns))]
    pos: dict[tuple[int, str], list[float]] = {}  # (column, node) -> [y, out cursor, in cursor]
    svg_nodes = []
    for c, col in enumerate(columns):
        y = float(pad)
        for name, value in col:
            h = max(value * scale, 1.0)
            pos[(c, name)] = [y, y, y]
            text = f'{name}{f" ({_pct(value)})" if c else ""}'
            tx, ty = col_x[c] + node_w + 4, y + h / 2 + 4
            # a light box under the label, not a stroke halo: PDF renderers that ignore
            # paint-order would draw the halo over the letters
            svg_nodes.append(
                f'<rect x="{col_x[c]:.1f}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" '
                f'fill="#334155"/><rect x="{tx - 2:.1f}" y="{ty - 11:.1f}" '
                f'width="{_text_width(text, 12) + 4:.1f}" height="15" fill="#ffffff" '
                f'fill-opacity="0.8"/><text class="node-label" x="{tx:.1f}" y="{ty:.1f}" '
                f'font-size="12" fill="#0f172a">{escape(text)}</text>'
            )
            y += h + gap
    bands = []
    for i, f in enumerate(sorted(flows, key=lambda f: -f.value)):
        src, dst = pos[(f.column, f.source)], pos[(f.column + 1, f.target)]
        h = f.value * scale
        x0, x1 = col_x[f.column] + node_w, col_x[f.column + 1]
        y0, y1 = src[1] + h / 2, dst[2] + h / 2
        src[1] += h
        dst[2] += h
        xm = (x0 + x1) / 2
        bands.append(
            f'<path d="M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
            f'stroke="{ramp(0.35 + 0.5 * (i % 5) / 4)}" stroke-opacity="0.55" '
            f'stroke-width="{max(h, 0.8):.1f}" fill="none"><title>{escape(f.source)} → '
            f"{escape(f.target)}: {_pct(f.value)}</title></path>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 2 * pad + 20}" '
        f'width="{width}" height="{height + 2 * pad + 20}" role="img" style="{_FONT}">'
        f'{"".join(bands)}{"".join(svg_nodes)}'
        f'<text x="{pad}" y="{height + 2 * pad + 10}" font-size="12" fill="#475569">'
        f"{escape(caption)}</text></svg>"
    )


@dataclass(frozen=True)
class Series:
    """One named set of bar values (label → value in [0, 1]), optionally with a range
    per label (label → (low, high)), drawn as a whisker over the bar."""

    name: str
    values: Mapping[str, float]
    colour: str = "#c2410c"
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=dict)


def bars_svg(series: Sequence[Series], labels: Sequence[str], *, caption: str = "",
             width: int = 640) -> str:
    """Horizontal bars of shares: one row per label, one bar per series (before/after);
    a series' ``ranges`` add a whisker from low to high (its value label then reads
    "value (low–high)")."""
    if not labels:
        return _empty_svg("nothing to draw", width)
    bar_h, label_w, pad = 14, 150, 10
    row_h = bar_h * len(series) + 8
    top = max((max(s.values.get(k, 0.0), s.ranges.get(k, (0.0, 0.0))[1])
               for s in series for k in labels), default=0.0) or 1.0
    span = width - label_w - (150 if any(s.ranges for s in series) else 70)
    rows = []
    for r, key in enumerate(labels):
        y = pad + 20 + r * row_h
        rows.append(f'<text x="{label_w - 6}" y="{y + row_h / 2}" font-size="12" '
                    f'text-anchor="end">{escape(key)}</text>')
        for i, s in enumerate(series):
            v = s.values.get(key, 0.0)
            yy = y + i * bar_h
            text, end = _pct(v), v
            whisker = ""
            if key in s.ranges:
                lo, hi = s.ranges[key]
                text, end = f"{_pct(v)} ({_pct(lo)}–{_pct(hi)})", max(v, hi)
                x0, x1, ym = label_w + span * lo / top, label_w + span * hi / top, yy + 6
                whisker = (f'<path class="range" d="M{x0:.1f},{ym - 4}v8M{x0:.1f},{ym}'
                           f'H{x1:.1f}M{x1:.1f},{ym - 4}v8" stroke="#111827" '
                           'stroke-width="1.2" fill="none"/>')
            rows.append(
                f'<rect x="{label_w}" y="{yy}" width="{span * v / top:.1f}" '
                f'height="{bar_h - 2}" fill="{s.colour}"><title>{escape(s.name)}: '
                f'{escape(text)}</title></rect>{whisker}'
                f'<text x="{label_w + span * end / top + 4:.1f}" '
                f'y="{yy + bar_h - 4}" font-size="11">{escape(text)}</text>'
            )
    legend = "".join(
        f'<rect x="{label_w + i * 120}" y="{pad}" width="10" height="10" fill="{s.colour}"/>'
        f'<text x="{label_w + 14 + i * 120}" y="{pad + 9}" font-size="11">{escape(s.name)}</text>'
        for i, s in enumerate(series)
    )
    height = pad * 2 + 40 + row_h * len(labels)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" style="{_FONT}">{legend}{"".join(rows)}'
        f'<text x="{pad}" y="{height - 6}" font-size="11" fill="#475569">{escape(caption)}'
        "</text></svg>"
    )


@dataclass(frozen=True)
class Line:
    """One named line of a chart: a value in [0, 1] (or ``None``: no point) per x label."""

    name: str
    values: Sequence[float | None]
    colour: str = "#c2410c"


PALETTE = ("#b91c1c", "#1d4ed8", "#15803d", "#a16207", "#7e22ce", "#0f766e", "#475569")
"""Distinct line colours (Tailwind 700 shades), in order of use."""


def lines_svg(lines: Sequence[Line], xs: Sequence[str], *, caption: str = "",
              y_label: str = "", width: int = 720, at: Sequence[float] | None = None,
              gaps: Sequence[tuple[int, str]] = (), marks: Sequence[tuple[int, str]] = (),
              ) -> str:
    """A line chart of shares over the labels ``xs``, y from 0 to 100 %, with a legend on
    the right and ``caption`` (unit, date, source) under it.

    ``at``: the x position of each label (e.g. fractional years; evenly spaced when None),
    so that a long wait between two points shows as a long stretch. ``gaps``: (i, text)
    where no line joins point i-1 to point i (data missing between them): the stretch is
    shaded and named instead. ``marks``: (i, text) where the method changes between point
    i-1 and point i: a dashed vertical rule, named.
    """
    if not xs or not lines:
        return _empty_svg("nothing to draw", width)
    left, right, top, plot_h = 50, 150, 14, 180
    plot_w = width - left - right
    pos = list(at) if at is not None else list(range(len(xs)))
    lo, hi = pos[0], pos[-1]
    span = (hi - lo) or 1.0

    def x_of(i: int) -> float:
        return left + plot_w * (pos[i] - lo) / span

    def at_xy(i: int, v: float) -> tuple[float, float]:
        return x_of(i), top + plot_h * (1 - v)

    grid = "".join(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h * (1 - g / 4):.1f}" '
        f'y2="{top + plot_h * (1 - g / 4):.1f}" stroke="#e2e8f0"/>'
        f'<text x="{left - 6}" y="{top + plot_h * (1 - g / 4) + 4:.1f}" font-size="11" '
        f'text-anchor="end">{25 * g} %</text>'
        for g in range(5)
    )
    ticks = "".join(
        f'<text x="{x_of(i):.1f}" y="{top + plot_h + 16}" font-size="11" '
        f'text-anchor="middle">{escape(x[:4] if len(xs) > 6 else x)}</text>'
        for i, x in enumerate(xs)
    )
    notes = []
    for i, text in gaps:
        x0, x1 = x_of(i - 1), x_of(i)
        notes.append(
            f'<rect class="gap" x="{x0 + 4:.1f}" y="{top}" width="{max(x1 - x0 - 8, 1):.1f}" '
            f'height="{plot_h}" fill="#f1f5f9"><title>{escape(text)}</title></rect>'
            f'<text class="gap-label" x="{(x0 + x1) / 2:.1f}" y="{top + 14}" font-size="10" '
            f'text-anchor="middle" fill="#475569">no data</text>')
    for i, text in marks:
        xm = (x_of(i - 1) + x_of(i)) / 2 if i > 0 else x_of(i)
        notes.append(
            f'<line class="method-change" x1="{xm:.1f}" x2="{xm:.1f}" y1="{top}" '
            f'y2="{top + plot_h}" stroke="#334155" stroke-dasharray="4 3"/>'
            f'<rect x="{xm - _text_width(text, 10) / 2 - 2:.1f}" y="{top + plot_h - 17}" '
            f'width="{_text_width(text, 10) + 4:.1f}" height="14" fill="#ffffff"/>'
            f'<text class="mark-label" x="{xm:.1f}" y="{top + plot_h - 6}" font-size="10" '
            f'text-anchor="middle" fill="#334155">{escape(text)}</text>')
    cut = {i for i, _ in gaps}
    body: list[str] = []
    for k, line in enumerate(lines):
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(line.values):
            if v is None or i in cut:
                runs.append([])
            if v is not None:
                runs[-1].append(at_xy(i, v))
        pts = [p for run in runs for p in run]
        if not pts:
            continue
        body.extend(
            f'<polyline fill="none" stroke="{line.colour}" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + '"/>'
            for run in runs if len(run) > 1)
        body.append("".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{line.colour}"/>'
                            for x, y in pts))
        ly = top + 10 + 18 * k
        body.append(
            f'<rect x="{left + plot_w + 14}" y="{ly - 8}" width="12" height="3" '
            f'fill="{line.colour}"/><text x="{left + plot_w + 30}" y="{ly - 2}" '
            f'font-size="11">{escape(line.name)}</text>'
        )
    height = top + plot_h + 44
    label = (f'<text x="12" y="{top + plot_h / 2}" font-size="11" text-anchor="middle" '
             f'transform="rotate(-90 12 {top + plot_h / 2})">{escape(y_label)}</text>'
             if y_label else "")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" style="{_FONT}">{grid}'
        f'{"".join(notes)}{ticks}{label}'
        f'{"".join(body)}<text x="{left}" y="{height - 4}" font-size="10" fill="#475569">'
        f"{escape(caption)}</text></svg>"
    )


def _text_width(text: str, size: float) -> float:
    """About how wide ``text`` is in DejaVu Sans at ``size`` px (0.62 em a character)."""
    return 0.62 * size * len(text)


def _empty_svg(message: str, width: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 40" width="{width}" '
        f'height="40" style="{_FONT}"><text x="10" y="24" font-size="13" fill="#64748b">'
        f"{escape(message)}</text></svg>"
    )
