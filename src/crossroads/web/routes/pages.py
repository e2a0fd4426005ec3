"""HTML pages: Jinja templates whose scripts fetch the JSON API and draw with the
plotly.js and SVG served by this app (no CDN)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crossroads.report.figures import country_name
from crossroads.web.routes.api import AsnPath, CountryPath, known_country

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/country/KZ")


@router.get("/country/{cc}", response_class=HTMLResponse)
def country(request: Request, cc: CountryPath) -> HTMLResponse:
    code = known_country(cc)
    return _page(request, "country.html", cc=code, name=country_name(code))


@router.get("/as/{asn}", response_class=HTMLResponse)
def as_page(request: Request, asn: AsnPath) -> HTMLResponse:
    return _page(request, "as.html", asn=asn)


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request) -> HTMLResponse:
    return _page(request, "scenarios.html")


@router.get("/outages/{cc}", response_class=HTMLResponse)
def outages(request: Request, cc: CountryPath) -> HTMLResponse:
    code = known_country(cc)
    return _page(request, "outages.html", cc=code, name=country_name(code))
