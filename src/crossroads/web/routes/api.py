"""The JSON API: one endpoint per CLI query, each calling the same API function.

Long computations (dependency, history, scenarios, routes) go through the app's
:class:`ResultCache`, keyed by (what, country or validated scenario, date, mode), and run
in the app's bounded worker pools (:mod:`crossroads.web._work`): a full pool answers 503
with ``Retry-After``, and work whose clients have all disconnected is cancelled. A
scenario is named by a shipped preset or sent as YAML text; a request never names a file.
"""

from __future__ import annotations

from datetime import date as Date
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from crossroads.errors import ScenarioError
from crossroads.ids import country_code
from crossroads.report import sections
from crossroads.report.views import answer_view, history_marks

__all__ = ["CountryPath", "ModeName", "cached", "country_dependency", "known_country", "router"]

router = APIRouter(prefix="/api", tags=["api"])

CountryPath = Annotated[str, Path(pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")]
ModeName = Literal["auto", "deterministic", "all-best", "calibrated"]
AsnPath = Annotated[int, Path(ge=0, le=2**32 - 1, description="AS number")]
Asn = Annotated[int, Field(ge=0, le=2**32 - 1)]


def known_country(cc: str) -> str:
    """``cc`` upper-cased if it is an ISO 3166-1 alpha-2 country, else 404
    (:func:`crossroads.ids.country_code`)."""
    return country_code(cc)


async def cached(request: Request, key: tuple[Any, ...], compute: Any, *,
                 pool: str | None = "heavy") -> Any:
    """``compute()`` through the app's result cache, run in the app's ``pool`` (``heavy``
    or ``light``; None: a thread of this process). ``compute`` must be picklable (a
    ``functools.partial`` of a module-level function) when a pool runs it."""
    state = request.app.state
    return await state.cache.get(key, compute, pool=getattr(state, pool) if pool else None,
                                 gone=request.is_disconnected)


@router.get("/datasets", summary="Loaded datasets with provenance")
def datasets(request: Request) -> list[dict[str, Any]]:
    return sections.datasets(request.app.state.settings)


@router.get("/countries/{cc}/profile", summary="Country inventory (crossroads profile)")
def profile(request: Request, cc: CountryPath) -> dict[str, Any]:
    return sections.profile(request.app.state.settings, known_country(cc))


@router.get("/countries/{cc}/dependency", summary="Foreign dependency (crossroads dependency)")
async def dependency(
    request: Request, cc: CountryPath,
    date: Annotated[Date | None, Query(description="AS graph in force on this date")] = None,
    mode: Annotated[ModeName, Query(
        description="auto: calibrated when the store holds a RIB within 730 days of the "
        "graph, else all-best (its answer says which it used)")] = "auto",
) -> dict[str, Any]:
    return await country_dependency(request, known_country(cc), date=date, mode=mode)


async def country_dependency(request: Request, code: str, *, date: Date | None = None,
                             mode: ModeName = "auto") -> dict[str, Any]:
    """:func:`crossroads.report.sections.dependency` of ``code`` through the result cache
    (the dependency endpoint, the answer and the figures share its entries)."""
    settings = request.app.state.settings
    result: dict[str, Any] = await cached(
        request, ("dependency", code, date, mode),
        partial(sections.dependency, settings, code, date=date, mode=mode))
    return result


@router.get("/countries/{cc}/history",
            summary="Dependency per AS-graph snapshot 2002-2025 (crossroads history)")
async def history(request: Request, cc: CountryPath) -> dict[str, Any]:
    code = known_country(cc)
    settings = request.app.state.settings
    scheduler = await request.app.state.dask.address()
    out: dict[str, Any] = await cached(
        request, ("history", code), partial(sections.history, settings, code,
                                            scheduler=scheduler))
    return {**out, "marks": history_marks(out.get("summary") or [])}


@router.get("/countries/{cc}/answer",
            summary="The answer first: lead sentences and the comparison with published "
            "figures (from crossroads dependency)")
async def answer(request: Request, cc: CountryPath) -> list[dict[str, Any]]:
    return answer_view(await country_dependency(request, known_country(cc)))


@router.get("/countries/{cc}/outages", summary="Stored outage events (crossroads outages)")
def outages(request: Request, cc: CountryPath) -> dict[str, Any]:
    return sections.outages(request.app.state.settings, known_country(cc))


@router.get("/countries/{cc}/corridors",
            summary="Border crossings, systems and hubs with their sources (crossroads corridors)")
def corridors(cc: CountryPath) -> dict[str, Any]:
    return sections.corridors(known_country(cc))


@router.get("/countries/{cc}/tls", summary="Documented TLS interception episodes")
def tls_episodes(cc: CountryPath) -> list[dict[str, Any]]:
    return sections.tls_episodes(known_country(cc))


@router.get("/as/{asn}", summary="One AS (crossroads as)")
def as_summary(request: Request, asn: AsnPath) -> dict[str, Any]:
    return sections.as_summary(request.app.state.settings, asn)


@router.get("/route", summary="Routes towards an origin (crossroads route)")
async def route(
    request: Request,
    origin: Annotated[list[Asn], Query(min_length=1, max_length=64,
                                       description="origin AS number(s)")],
    from_asn: Annotated[int | None, Query(alias="from", ge=0, le=2**32 - 1)] = None,
    mode: Annotated[Literal["deterministic", "all-best"], Query()] = "deterministic",
    date: Date | None = None,
) -> dict[str, Any]:
    settings = request.app.state.settings
    return await cached(
        request, ("route", tuple(origin), from_asn, mode, date),
        partial(sections.route, settings, origin, from_asn=from_asn, mode=mode, date=date),
        pool="light")


@router.get("/tls/roots", summary="Known state TLS interception roots (crossroads tls roots)")
def tls_roots() -> dict[str, Any]:
    return sections.tls_roots()


@router.get("/scenarios", summary="Shipped scenario presets (crossroads scenarios)")
def presets() -> list[dict[str, Any]]:
    return sections.presets()


class SimulateRequest(BaseModel):
    """A shipped preset's name, or a scenario as YAML text (exactly one)."""

    preset: str | None = Field(None, max_length=200)
    yaml: str | None = Field(None, max_length=100_000)


@router.post("/simulate", summary="Run a scenario before/after (crossroads simulate)")
async def simulate(request: Request, body: Annotated[SimulateRequest, Body()]) -> dict[str, Any]:
    if (body.preset is None) == (body.yaml is None):
        raise ScenarioError("give exactly one of 'preset' or 'yaml'")
    if body.preset is not None:
        sc = sections.load_scenario(body.preset, files=False)
    else:
        sc = sections.load_scenario(body.yaml or "", is_yaml=True)
    settings = request.app.state.settings
    return await cached(request, ("simulate", sections.scenario_key(sc)),
                        partial(sections.run_scenario, settings, sc))


@router.get("/status", summary="Long computations running and waiting, and their limits")
def status(request: Request) -> dict[str, Any]:
    state = request.app.state
    return {"heavy": state.heavy.status(), "light": state.light.status(),
            "cached_results": len(state.cache)}
