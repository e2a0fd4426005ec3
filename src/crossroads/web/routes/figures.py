"""SVG figures drawn on the server by :mod:`crossroads.report.figures` and
:func:`crossroads.physical.corridor_map_svg`, the same code the report uses, from the same
cached API results as the JSON endpoints."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from crossroads.report.figures import bars_svg
from crossroads.report.views import dependency_view, territory_view
from crossroads.web.routes.api import CountryPath, cached, country_dependency, known_country

__all__ = ["router"]

router = APIRouter(prefix="/figures", tags=["figures"])

DirectionQuery = Annotated[Literal["inbound", "outbound"], Query()]




def _svg(svg: str) -> Response:
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=300"})


@router.get("/{cc}/world-map.svg", summary="World map of a country's dependency")
async def world_map(
    request: Request, cc: CountryPath, direction: DirectionQuery = "inbound",
    measure: Annotated[Literal["gateway", "any"], Query(
        description="gateway: share of paths crossing the border through a network of the "
        "country (default); any: share with some network of the country on the path")
    ] = "gateway",
) -> Response:
    code = known_country(cc)
    dep = await country_dependency(request, code)
    view = await cached(request, ("dependency-view", code),
                        lambda: dependency_view(dep, code), pool=None)
    part = view["directions"].get(direction)
    return _svg(part[f"map_{measure}"] if part else "")


async def _territory(request: Request, code: str, direction: str) -> dict[str, Any] | None:
    dep = await country_dependency(request, code)
    # matplotlib draws the map: in a worker process, not in a thread of the server
    view = await cached(request, ("territory-view", code),
                        partial(territory_view, dep, code), pool="light")
    part: dict[str, Any] | None = (view or {}).get("directions", {}).get(direction)
    return part


@router.get("/{cc}/territory.svg",
            summary="Territory crossed beside the AS-level shares (the headline figure)")
async def territory(request: Request, cc: CountryPath,
                    direction: DirectionQuery = "inbound") -> Response:
    part = await _territory(request, known_country(cc), direction)
    return _svg(part["bars"] if part else bars_svg([], []))


@router.get("/{cc}/corridors.svg",
            summary="Corridors, hubs and interconnection places of a country (offline map)")
async def corridors(request: Request, cc: CountryPath,
                    direction: DirectionQuery = "inbound") -> Response:
    part = await _territory(request, known_country(cc), direction)
    return _svg(part["map"] if part else bars_svg([], []))
