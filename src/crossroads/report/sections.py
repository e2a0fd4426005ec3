"""What a report or dashboard page shows, each section gathered by ONE project API call.

The CLI, the web JSON API and the report all call the same functions (the inventory, the
dependency metrics, the scenario engine, the TLS list); this module only finds them, calls
them and turns their results into plain JSON-ready data. A part of crossroads that this
build does not contain raises :class:`PartUnavailable`, which pages and reports show as a
"not available in this build" panel and the web API as HTTP 501.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from collections.abc import Callable
from datetime import date as Date
from typing import Any, Literal

from crossroads.config import Settings
from crossroads.errors import CrossroadsError, UnknownCountryError

__all__ = [
    "Direction",
    "PartUnavailable",
    "as_summary",
    "country_code",
    "datasets",
    "dependency",
    "outages",
    "plain",
    "presets",
    "profile",
    "route",
    "scenario",
    "tls_episodes",
    "tls_roots",
]

Direction = Literal["inbound", "outbound"]


class PartUnavailable(CrossroadsError):
    """A part of crossroads (module or function) is not in this build."""

    def __init__(self, part: str) -> None:
        self.part = part
        super().__init__(f"{part} is not available in this build of crossroads")


def _api(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, or :class:`PartUnavailable` when this build lacks it."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            raise PartUnavailable(f"{module}.{name}") from None
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        raise PartUnavailable(f"{module}.{name}")
    return fn  # type: ignore[no-any-return]


def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: ``as_dict()``/pydantic/dataclasses/DataFrames/numpy
    become dicts, lists and Python scalars; NaN becomes ``None``."""
    if hasattr(value, "as_dict"):
        return plain(value.as_dict())
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return [plain(r) for r in value.to_dict(orient="records")]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def country_code(text: str) -> str:
    """``text`` as an upper-case ISO 3166-1 alpha-2 code, or :class:`UnknownCountryError`."""
    code = text.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise UnknownCountryError(
            f"not an ISO 3166-1 alpha-2 country code: {text!r}", hint="e.g. KZ"
        )
    return code


def datasets(settings: Settings) -> list[dict[str, Any]]:
    """Provenance of every loaded dataset (name, kind, source, data date, SHA-256, rows)."""
    from crossroads.store import open_store

    return [rec.as_dict() for rec in open_store(settings).datasets()]


def profile(settings: Settings, country: str) -> dict[str, Any]:
    """The country inventory (:func:`crossroads.metrics.inventory.country_profile`)."""
    fn = _api("crossroads.metrics.inventory", "country_profile")
    return plain(fn(settings, country_code(country)))  # type: ignore[no-any-return]


def as_summary(settings: Settings, asn: int) -> dict[str, Any]:
    """One AS (:func:`crossroads.metrics.inventory.as_summary`)."""
    fn = _api("crossroads.metrics.inventory", "as_summary")
    return plain(fn(settings, asn))  # type: ignore[no-any-return]


def dependency(
    settings: Settings, country: str, *, date: Date | None = None, mode: str = "simulated"
) -> dict[str, Any]:
    """Foreign dependency of ``country`` in both directions
    (:func:`crossroads.metrics.report.country_dependency`)."""
    fn = _api("crossroads.metrics.report", "country_dependency")
    kwargs: dict[str, Any] = {}
    if date is not None:
        kwargs["date"] = date
    return plain(fn(settings, country_code(country), **kwargs))  # type: ignore[no-any-return]


def presets() -> list[dict[str, Any]]:
    """The shipped scenario presets: name, country, description and YAML text."""
    list_presets = _api("crossroads.scenarios", "list_presets")
    preset_text = _api("crossroads.scenarios.load", "preset_text")
    out = []
    for sc in list_presets():
        data = plain(sc)
        out.append({
            "name": data.get("name"),
            "country": data.get("country"),
            "description": data.get("description", ""),
            "yaml": preset_text(data["name"]),
        })
    return out


def scenario(settings: Settings, source: str, *, is_yaml: bool = False) -> dict[str, Any]:
    """Before/after of one scenario: a preset name, or YAML text when ``is_yaml``
    (:func:`crossroads.scenarios.run`)."""
    run = _api("crossroads.scenarios", "run")
    if is_yaml:
        sc = _api("crossroads.scenarios", "parse_scenario")(source, path="<scenario text>")
    else:
        sc = _api("crossroads.scenarios", "load_scenario")(source)
    return plain(run(settings, sc))  # type: ignore[no-any-return]


def route(
    settings: Settings, origins: list[int], *, from_asn: int | None = None,
    mode: str = "deterministic", date: Date | None = None,
) -> dict[str, Any]:
    """Routes towards ``origins`` (:func:`crossroads.routing.query.route_query`)."""
    fn = _api("crossroads.routing.query", "route_query")
    return plain(  # type: ignore[no-any-return]
        fn(settings, origins, from_asn=from_asn, mode=mode, date=date)
    )


def outages(settings: Settings, country: str) -> dict[str, Any]:
    """Detected outage events of ``country`` stored by the outage detector
    (:func:`crossroads.outages.stored_events`)."""
    fn = _api("crossroads.outages", "stored_events")
    return plain(fn(settings, country_code(country)))  # type: ignore[no-any-return]


def tls_episodes(country: str) -> list[dict[str, Any]]:
    """Documented state TLS-interception episodes
    (:func:`crossroads.tls.interception_documented`)."""
    fn = _api("crossroads.tls", "interception_documented")
    return [e.as_dict() for e in fn(country_code(country))]


def tls_roots() -> dict[str, Any]:
    """The known interception roots (:func:`crossroads.tls.known_roots`) and their source."""
    frame = _api("crossroads.tls", "known_roots")()
    return {"source": frame.attrs.get("source", ""), "roots": plain(frame)}
