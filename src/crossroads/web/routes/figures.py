"""SVG figures drawn on the server by :mod:`crossroads.report.figures`, the same code the
report uses, from the same cached API results as the JSON endpoints."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from crossroads.report import sections
from crossroads.report.views import dependency_view
from crossroads.web.routes.api import CountryPath, cached, known_country

__all__ = ["router"]

router = APIRouter(prefix="/figures", tags=["figures"])


@router.get("/{cc}/world-map.svg", summary="World map of a country's dependency")
async def world_map(
    request: Request, cc: CountryPath,
    direction: Annotated[Literal["inbound", "outbound"], Query()] = "inbound",
) -> Response:
    code = known_country(cc)
    settings = request.app.state.settings
    dep = await cached(request, ("dependency", code, None),
                       partial(sections.dependency, settings, code, date=None))
    view = await cached(request, ("dependency-view", code),
                        lambda: dependency_view(dep, code), pool=None)
    part = view["directions"].get(direction)
    svg = part["map_any"] if part else ""
    return Response(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=300"})
