"""HTML pages: Jinja templates whose scripts fetch the JSON API and draw with the
plotly.js and SVG served by this app (no CDN).

The navigation follows the country being looked at: a page of a country (``/country/UZ``,
``/outages/UZ``) names it, and the pages without one (scenarios, AS, API, methods) take it
from ``?cc=`` so that the links lead back to it; with no country known they lead to the
country index (``/countries``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from crossroads.errors import CrossroadsError
from crossroads.ids import COUNTRIES, country_code, no_as_in
from crossroads.report.figures import country_name
from crossroads.report.views import country_index
from crossroads.web.methods import image_file, method_page, method_pages
from crossroads.web.routes.api import AsnPath, CountryPath, cached, known_country

__all__ = ["page", "router"]

router = APIRouter(include_in_schema=False)


def _here(request: Request, cc: str | None) -> str | None:
    if cc:
        return cc
    asked = request.query_params.get("cc")
    try:
        return country_code(asked) if asked else None
    except CrossroadsError:
        return None


def page(request: Request, template: str, *, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context`` and ``here``: the country the navigation
    follows (the page's own, else ``?cc=``, else None)."""
    here = _here(request, context.get("cc"))
    templates = request.app.state.templates
    html: HTMLResponse = templates.TemplateResponse(request, template, {"here": here, **context},
                                                    status_code=status_code)
    return html


def _as_info(settings: Any) -> Any:
    from crossroads.store import open_store

    try:
        return open_store(settings).as_info()
    except CrossroadsError:
        return None  # no store yet: every code listed, the pages say what is missing


async def _index(request: Request) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await cached(
        request, ("country-index",),
        lambda: country_index(_as_info(request.app.state.settings), COUNTRIES), pool=None)
    return rows


async def _with_ases(request: Request, cc: str) -> str:
    """``cc`` validated, and 404 (:func:`crossroads.ids.no_as_in`) when the loaded data
    has no AS operating or registered there."""
    code = known_country(cc)
    rows = await _index(request)
    if any(r["ases"] or r["registered"] for r in rows):
        row = next((r for r in rows if r["code"] == code), None)
        if row is None or not (row["ases"] or row["registered"]):
            raise no_as_in(code)
    return code


@router.get("/", response_class=HTMLResponse)
@router.get("/countries", response_class=HTMLResponse)
async def countries(request: Request) -> HTMLResponse:
    rows = await _index(request)
    return page(request, "countries.html", rows=rows, loaded=any(r["ases"] for r in rows))


async def _country_page(request: Request, cc: str, template: str) -> HTMLResponse:
    code = await _with_ases(request, cc)
    return page(request, template, cc=code, name=country_name(code))


@router.get("/country/{cc}", response_class=HTMLResponse)
async def country(request: Request, cc: CountryPath) -> HTMLResponse:
    return await _country_page(request, cc, "country.html")


@router.get("/as", response_class=HTMLResponse)
def as_search(request: Request) -> HTMLResponse:
    return page(request, "as.html", asn=None)


@router.get("/as/{asn}", response_class=HTMLResponse)
def as_page(request: Request, asn: AsnPath) -> HTMLResponse:
    return page(request, "as.html", asn=asn)


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request) -> HTMLResponse:
    return page(request, "scenarios.html")


@router.get("/outages/{cc}", response_class=HTMLResponse)
async def outages(request: Request, cc: CountryPath) -> HTMLResponse:
    return await _country_page(request, cc, "outages.html")


@router.get("/methods", response_class=HTMLResponse)
def methods(request: Request) -> HTMLResponse:
    return page(request, "methods.html", title="Methods", body=None, pages=method_pages())


@router.get("/methods/img/{name}")
def methods_image(name: str) -> Response:
    data = image_file(name)
    if data is None:
        raise HTTPException(404, f"no image {name[:60]!r}")
    return Response(data, media_type="image/png", headers={"Cache-Control": "max-age=3600"})


@router.get("/methods/{name:path}", response_class=HTMLResponse)
def methods_page(request: Request, name: str) -> Response:
    found = method_page(name)
    if found is None:
        raise HTTPException(404, f"no documentation page {name[:60]!r} (the list: /methods)")
    title, body = found
    return page(request, "methods.html", title=title, body=body, pages=method_pages())
