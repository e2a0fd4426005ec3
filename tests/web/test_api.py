"""The JSON API: one error shape, validation, and the same answers as the API functions."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from crossroads.config import Settings
from crossroads.report import sections
from crossroads.store import open_store
from crossroads.tls import interception_documented, known_roots
from crossroads.web._cache import ResultCache
from crossroads.web.app import create_app


@pytest.fixture(scope="module")
def client(small_settings: Settings) -> TestClient:
    return TestClient(create_app(small_settings))


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
    assert client.get("/api/countries/zz/tls").json() == {"error": {
        "type": "UnknownCountryError", "message": "unknown country code 'zz'",
        "hint": "ISO 3166-1 alpha-2, e.g. KZ"}}


def test_simulate_needs_exactly_one_input(client: TestClient) -> None:
    r = client.post("/api/simulate", json={"preset": "a", "yaml": "b"})
    assert r.status_code == 422 and r.json()["error"]["type"] == "ScenarioError"


def test_tls_endpoints_equal_the_tls_api(client: TestClient) -> None:
    got = client.get("/api/countries/kz/tls").json()
    assert got == [e.as_dict() for e in interception_documented("KZ")]
    roots = client.get("/api/tls/roots").json()
    assert len(roots["roots"]) == len(known_roots())
    assert {r["sha256_der"] for r in roots["roots"]} == set(known_roots()["sha256_der"])


def test_datasets_equal_the_store(client: TestClient, small_settings: Settings) -> None:
    got = client.get("/api/datasets").json()
    assert got == [r.as_dict() for r in open_store(small_settings).datasets()]
    assert [d["data_date"] for d in got] == ["2023-08-01"]


def test_parts_answer_or_say_not_available(client: TestClient, small_settings: Settings) -> None:
    """Each part either answers what its API function answers, or 501 with the one shape."""
    for url, call in [
        ("/api/countries/KZ/profile", lambda: sections.profile(small_settings, "KZ")),
        ("/api/scenarios", sections.presets),
    ]:
        r = client.get(url)
        try:
            expected = call()
        except sections.PartUnavailable as exc:
            assert r.status_code == 501
            assert r.json()["error"] == {"type": "PartUnavailable", "message": exc.message}
        except Exception as exc:  # e.g. dataset not in this small store
            assert r.status_code >= 400 and r.json()["error"]["type"] == type(exc).__name__
        else:
            assert r.status_code == 200 and r.json() == expected


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


def test_cache_does_not_keep_errors() -> None:
    cache = ResultCache()

    def fail() -> None:
        raise sections.PartUnavailable("x")

    with pytest.raises(sections.PartUnavailable):
        asyncio.run(cache.get(("f",), fail))
    assert asyncio.run(cache.get(("f",), lambda: 3)) == 3
