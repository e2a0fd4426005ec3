"""The JSON API: one error shape, validation, and the same answers as the API functions."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from fastapi.testclient import TestClient

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.formatting import jsonable
from crossroads.physical import country_corridors
from crossroads.report import sections
from crossroads.report.views import territory_view
from crossroads.store import open_store
from crossroads.tls import interception_documented, known_roots
from crossroads.web._cache import ResultCache
from crossroads.web.app import create_app


@pytest.fixture(scope="module")
def client(loaded_settings: Settings) -> TestClient:
    return TestClient(create_app(loaded_settings), base_url="http://127.0.0.1")


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/countries/ZZ/profile", 404, "UnknownCountryError"),
        ("/api/countries/ZZ/dependency", 404, "UnknownCountryError"),
        ("/api/countries/KAZ/profile", 422, "RequestValidationError"),
        ("/api/as/notanumber", 422, "RequestValidationError"),
        ("/api/as/4294967296", 422, "RequestValidationError"),
        ("/api/route?origin=x", 422, "RequestValidationError"),
        ("/no/such/page", 404, "HTTPException"),
    ],
)
def test_one_error_shape(client: TestClient, url: str, status: int, kind: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    body = r.json()
    assert list(body) == ["error"]
    assert body["error"]["type"] == kind
    assert set(body["error"]) <= {"type", "message", "hint"} and body["error"]["message"]


def test_unknown_country_message_names_the_code(client: TestClient) -> None:
    assert client.get("/api/countries/eu/tls").json() == {"error": {
        "type": "UnknownCountryError",
        "message": "not an ISO 3166-1 alpha-2 country code: 'eu'",
        "hint": "use a code such as KZ, RU, DE"}}


def test_missing_data_is_503(scratch_settings: Settings) -> None:
    app = TestClient(create_app(scratch_settings), base_url="http://127.0.0.1")
    r = app.get("/api/countries/KZ/profile")
    assert r.status_code == 503 and r.json()["error"]["type"] == "DatasetMissingError"


def test_simulate_needs_exactly_one_input(client: TestClient) -> None:
    r = client.post("/api/simulate", json={"preset": "a", "yaml": "b"})
    assert r.status_code == 422 and r.json()["error"]["type"] == "ScenarioError"


def test_tls_endpoints_equal_the_tls_api(client: TestClient) -> None:
    got = client.get("/api/countries/kz/tls").json()
    assert got == [e.as_dict() for e in interception_documented("KZ")]
    roots = client.get("/api/tls/roots").json()
    assert len(roots["roots"]) == len(known_roots())
    assert {r["sha256_der"] for r in roots["roots"]} == set(known_roots()["sha256_der"])


def test_datasets_equal_the_store(client: TestClient, loaded_settings: Settings) -> None:
    got = client.get("/api/datasets").json()
    assert got == [r.as_dict() for r in open_store(loaded_settings).datasets()]
    dates = {d["name"]: d["data_date"] for d in got}
    assert dates["caida-as-rel2-20250901"] == "2025-09-01"  # mirror README
    assert dates["ris-collectors-20230801"] == "2023-08-01"


def test_profile_and_presets_equal_the_api(client: TestClient, loaded_settings: Settings) -> None:
    prof = client.get("/api/countries/kz/profile").json()
    assert prof == sections.profile(loaded_settings, "KZ")
    assert prof["top_origins"][0]["asn"] == 9198  # Kazakhtelecom originates the most
    presets = client.get("/api/scenarios").json()
    assert presets == sections.presets()
    assert "kz-russia-transit-loss" in {p["name"] for p in presets}


@pytest.mark.slow
def test_dependency_equals_the_api(client: TestClient, loaded_settings: Settings) -> None:
    got = client.get("/api/countries/KZ/dependency").json()
    assert got == sections.dependency(loaded_settings, "KZ")
    assert got["graph_date"] == "2025-09-01"
    assert got["fidelity_note"].startswith("Simulated paths (fidelity measured")
    svg = client.get("/figures/KZ/world-map.svg?direction=outbound")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count('class="country"') == 250


@pytest.mark.slow
def test_territory_figures_are_the_reports(client: TestClient, loaded_settings: Settings) -> None:
    """The dashboard's headline figure and corridor map are the report's, drawn from the
    same dependency result: bars with RU's territorial share and range, a map without
    an XML prolog (inlined into the page) and no external reference."""
    dep = client.get("/api/countries/KZ/dependency").json()
    ru = {r["country"]: r for r in dep["territory"]["inbound"]["by_country"]}["RU"]
    view = territory_view(sections.dependency(loaded_settings, "KZ"), "KZ")
    assert view is not None
    bars = client.get("/figures/KZ/territory.svg?direction=inbound")
    assert bars.headers["content-type"].startswith("image/svg+xml")
    assert bars.text == view["directions"]["inbound"]["bars"]
    assert f"{100 * ru['share']:.1f}% ({100 * ru['low']:.1f}%–{100 * ru['high']:.1f}%)" in bars.text
    assert bars.text.count('class="range"') >= 1
    m = client.get("/figures/KZ/corridors.svg?direction=outbound").text
    assert m.startswith("<svg") and "http://" not in m.replace("http://www.w3.org", "")
    assert "Frankfurt am Main" in m and "corridor data 2026.12" in m


def test_corridors_equal_the_api(client: TestClient) -> None:
    got = client.get("/api/countries/KZ/corridors").json()
    assert got == jsonable(country_corridors("KZ"))
    kz_ru = {c["id"]: c for c in got["corridors"]}["kz-ru-border"]
    assert kz_ru["count"] == 17 and kz_ru["source"]["url"].startswith("https://")
    assert got["datasets"][0]["dataset"] == "crossroads-corridors-2026.12"
    assert client.get("/api/countries/EU/corridors").status_code == 404


def test_outages_without_a_log_say_so(client: TestClient, loaded_settings: Settings) -> None:
    got = client.get("/api/countries/KZ/outages").json()
    assert got["events"] == [] and got["log"].endswith("outage_events.duckdb")


def test_outages_read_the_event_log(scratch_settings: Settings) -> None:
    from datetime import UTC, datetime

    from crossroads.outages.eventlog import EventLog
    from crossroads.outages.model import OutageEvent

    def event(key: str) -> OutageEvent:
        return OutageEvent(scope="country", key=key, signal="visibility_drop",
                           severity="critical", start=datetime(2022, 1, 5, 10, tzinfo=UTC),
                           end=datetime(2022, 1, 5, 11, tzinfo=UTC), metric="visible_slash24",
                           baseline=12000.0, extreme=400.0, score=-30.0, lost_slash24=11600.0,
                           lost_prefixes=300.0, updates=0, affected_asns=(9198, 41798))

    EventLog(scratch_settings.data_dir / "outage_events.duckdb").write(
        [(event("KZ"), False), (event("RU"), False)], source="test")
    app = TestClient(create_app(scratch_settings), base_url="http://127.0.0.1")
    got = app.get("/api/countries/KZ/outages").json()
    assert [(e["key"], e["lost_slash24"], e["affected_asns"]) for e in got["events"]] == [
        ("KZ", 11600.0, [9198, 41798])]


def test_openapi_lists_every_query(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {"/api/countries/{cc}/profile", "/api/countries/{cc}/dependency",
            "/api/countries/{cc}/outages", "/api/as/{asn}", "/api/route", "/api/scenarios",
            "/api/simulate", "/api/tls/roots", "/api/datasets"} <= paths


def test_pages_load_only_local_assets(client: TestClient) -> None:
    for page in ("/country/KZ", "/scenarios", "/as/9198", "/outages/KZ"):
        html = client.get(page).text
        assert "http://" not in html.split("<footer>")[0] and "https://" not in html
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and b"plotly.js" in js.content[:200]
    assert client.get("/static/app.js").status_code == 200


def test_cache_computes_once_for_concurrent_requests() -> None:
    cache, calls = ResultCache(size=2), []

    def compute() -> int:
        calls.append(1)
        return 42

    async def many() -> list[int]:
        return await asyncio.gather(*(cache.get(("k",), compute) for _ in range(5)))

    assert asyncio.run(many()) == [42] * 5
    assert len(calls) == 1 and cache.computed == 1
    asyncio.run(cache.get(("a",), lambda: 1))
    asyncio.run(cache.get(("b",), lambda: 2))  # evicts ("k",), the least recently used
    asyncio.run(cache.get(("k",), compute))
    assert len(calls) == 2


def test_cache_is_bounded_by_bytes_too() -> None:
    """Three results of ~40 kB under a 100 kB bound: the oldest goes; one of 200 kB is
    answered and not kept."""
    cache, calls = ResultCache(size=10, max_bytes=100_000), []

    def blob(tag: str, n: int = 40_000):  # type: ignore[no-untyped-def]
        def compute() -> bytes:
            calls.append(tag)
            return tag.encode() * n
        return compute

    for tag in ("a", "b", "c"):
        asyncio.run(cache.get((tag,), blob(tag)))
    assert len(cache) == 2 and 80_000 < cache.bytes <= 100_000
    asyncio.run(cache.get(("b",), blob("b")))  # still kept: not computed again
    assert calls == ["a", "b", "c"]
    asyncio.run(cache.get(("a",), blob("a")))  # evicted by bytes: computed again
    assert calls == ["a", "b", "c", "a"]
    assert asyncio.run(cache.get(("big",), blob("big", 70_000))) == b"big" * 70_000
    assert ("big",) not in cache._done and cache.bytes <= 100_000


def test_cache_does_not_keep_errors() -> None:
    cache = ResultCache()

    def fail() -> None:
        raise DatasetMissingError("x")

    with pytest.raises(DatasetMissingError):
        asyncio.run(cache.get(("f",), fail))
    assert asyncio.run(cache.get(("f",), lambda: 3)) == 3


def test_dependency_mode_auto_resolves_like_the_cli(
    client: TestClient, loaded_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mode`` defaults to auto: all-best on a store without a RIB near its graph (the
    mirror's RIBs are of 2002 and 2010, its graph of 2025); an explicit mode is kept; auto
    with a RIB in reach takes the calibrated path; an unknown mode is a 422."""
    assert client.get("/api/countries/KZ/dependency").json()["mode"] == "all-best"
    got = client.get("/api/countries/KZ/dependency", params={"mode": "deterministic"})
    assert got.status_code == 200 and got.json()["mode"] == "deterministic"
    assert client.get("/api/countries/KZ/dependency",
                      params={"mode": "fastest"}).status_code == 422

    import crossroads.routing.load
    import crossroads.snapshots

    def calibrated(*args: object, **kwargs: object) -> None:
        raise RuntimeError("calibrated path taken")

    monkeypatch.setattr(crossroads.routing.load, "rib_in_reach", lambda *a, **k: True)
    monkeypatch.setattr(crossroads.snapshots, "calibrated_snapshot", calibrated)
    with pytest.raises(RuntimeError, match="calibrated path taken"):
        sections.dependency(loaded_settings, "KZ", date=date(2025, 1, 2))
