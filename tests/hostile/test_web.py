"""Findings 1, 2, 4, 5 and 6 (web) replayed against ``crossroads serve`` on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from tests.hostile.conftest import Served, serve, stop

from crossroads.config import Settings
from crossroads.report import sections

SECRET = "api_token: s3cr3t-planted-by-the-test\n"


def _error(r: httpx.Response, status: int, kind: str) -> str:
    assert r.status_code == status, (r.status_code, r.text[:500])
    body = r.json()
    assert list(body) == ["error"] and body["error"]["type"] == kind, body
    return str(body["error"]["message"]) + str(body["error"].get("hint", ""))


# --- 1. no server file is read, nothing of one is echoed -----------------------------------
@pytest.mark.parametrize("name", ["{path}", "{path_noext}", "../../../../etc/passwd",
                                  "/etc/shadow", "x.yaml", "kz-china-route/../../x"])
def test_a_preset_name_never_opens_a_file(server: Served, tmp_path: Path, name: str) -> None:
    planted = tmp_path / "planted.yaml"
    planted.write_text("name: x\ncountry: KZ\noperations: []\n" + SECRET)
    preset = name.format(path=planted, path_noext=planted.with_suffix(""))
    with server.client() as c:
        text = _error(c.post("/api/simulate", json={"preset": preset}), 422, "ScenarioError")
    assert "s3cr3t" not in text and "api_token" not in text
    assert "no preset called" in text and "cannot read" not in text


def test_missing_and_present_files_answer_alike(server: Served, tmp_path: Path) -> None:
    """Errors do not reveal whether a server file exists."""
    present, absent = tmp_path / "here.yaml", tmp_path / "gone.yaml"
    present.write_text("name: x\n")
    with server.client() as c:
        a = c.post("/api/simulate", json={"preset": str(present)}).json()["error"]["message"]
        b = c.post("/api/simulate", json={"preset": str(absent)}).json()["error"]["message"]
    assert a.replace(str(present), "P") == b.replace(str(absent), "P")


def test_yaml_errors_echo_only_what_the_client_sent(server: Served) -> None:
    with server.client() as c:
        text = _error(c.post("/api/simulate", json={"yaml": "name: x\ncountry: KZ\n"
                                                    "operations: []\nextra: mine\n"}),
                      422, "ScenarioError")
    assert "'mine'" in text and "<scenario text>, line 4" in text


# --- 2. Host check, security headers, local docs -------------------------------------------
def test_foreign_host_is_refused(server: Served) -> None:
    with server.client() as c:
        for host in ("evil.example", "127.0.0.1.evil.example", "10.0.0.1"):
            r = c.get("/api/scenarios", headers={"Host": host})
            _error(r, 400, "HTTPException")
        r = c.post("/api/simulate", json={"preset": "kz-china-route"},
                   headers={"Host": "rebind.example:8000"})
        _error(r, 400, "HTTPException")
        for host in ("localhost", "127.0.0.1", "[::1]:9", "LOCALHOST:1234"):
            assert c.get("/api/scenarios", headers={"Host": host}).status_code == 200, host


def test_security_headers_on_every_response(server: Served) -> None:
    with server.client() as c:
        for url in ("/country/KZ", "/api/scenarios", "/docs", "/no/such/page",
                    "/static/app.js"):
            h = c.get(url).headers
            assert h["x-content-type-options"] == "nosniff", url
            csp = h["content-security-policy"]
            assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
            assert "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp, url
            assert h["referrer-policy"] == "no-referrer", url
        page = c.get("/country/KZ").text
    assert "<script>" not in page and "onsubmit=" not in page  # no inline script for CSP


def test_api_docs_load_nothing_from_elsewhere(server: Served) -> None:
    with server.client() as c:
        html = c.get("/docs").text
        assert "http://" not in html and "https://" not in html and "cdn" not in html
        for src in ("/vendor/swagger-ui/swagger-ui-bundle.js",
                    "/vendor/swagger-ui/swagger-ui.css", "/static/api-docs.js"):
            assert src in html
            r = c.get(src)
            assert r.status_code == 200 and len(r.content) > 100, src
        assert "SwaggerUIBundle" in c.get("/vendor/swagger-ui/swagger-ui-bundle.js").text
        assert "validatorUrl: null" in c.get("/static/api-docs.js").text
        _error(c.get("/vendor/swagger-ui/..%2F..%2F__init__.py"), 404, "HTTPException")
        assert c.get("/redoc").status_code == 404


# --- 4. bounded work: refused with Retry-After, cancelled when the client goes -------------
def _status(c: httpx.Client) -> dict[str, int]:
    return c.get("/api/status").json()["heavy"]  # type: ignore[no-any-return]


def test_full_queue_is_503_and_work_of_gone_clients_is_cancelled(
        loaded_settings: Settings, tmp_path: Path) -> None:
    """Six distinct scenarios fill 2 workers + 4 places; the seventh is refused at once.
    When the clients disconnect, their work is cancelled (worker processes killed)."""
    cache = tmp_path / "cache"  # an empty result cache: nothing is answered from disk
    own = Settings(loaded_settings.data_dir, cache, loaded_settings.mirror)
    served = serve(own)
    texts = [f"name: load-{i}\ncountry: KZ\noperations:\n  - op: remove_as\n"
             f"    asns: [{9198 + i}]\n" for i in range(7)]
    try:
        async def flood() -> tuple[list[int], httpx.Response]:
            async with httpx.AsyncClient(base_url=served.url, timeout=600) as ac:
                tasks = [asyncio.create_task(ac.post("/api/simulate", json={"yaml": t}))
                         for t in texts[:6]]
                for _ in range(100):  # all six admitted
                    await asyncio.sleep(0.1)
                    st = (await ac.get("/api/status")).json()["heavy"]
                    if st["running"] + st["waiting"] == 6:
                        break
                seventh = await ac.post("/api/simulate", json={"yaml": texts[6]})
                for t in tasks:
                    t.cancel()  # the clients go away: their connections close
                await asyncio.gather(*tasks, return_exceptions=True)
                return [st["running"], st["waiting"]], seventh

        admitted, seventh = asyncio.run(flood())
        assert admitted == [2, 4]
        _error(seventh, 503, "BusyError")
        assert int(seventh.headers["retry-after"]) > 0
        with served.client() as c:
            deadline = time.monotonic() + 60
            while (st := _status(c))["running"] + st["waiting"] and time.monotonic() < deadline:
                time.sleep(0.25)
            assert st["running"] == 0 and st["waiting"] == 0, st
            assert st["cancelled"] == 6, st
            assert c.get("/api/scenarios").status_code == 200  # still answering
    finally:
        assert "Traceback" not in stop(served)


def test_cache_key_is_the_validated_scenario() -> None:
    a = "name: x\ncountry: KZ\noperations:\n  - op: remove_as\n    asns: [9198]\n"
    b = "# another comment\nname: x\ncountry: kz   # lower case\noperations:\n" \
        "  - {op: remove_as, asns: [9198]}\n"
    key = sections.scenario_key
    assert key(sections.load_scenario(a, is_yaml=True)) == \
        key(sections.load_scenario(b, is_yaml=True))
    assert key(sections.load_scenario(a, is_yaml=True)) != \
        key(sections.load_scenario(a.replace("9198", "9199"), is_yaml=True))


# --- 5. a locked store: retried, then 503 naming the holder --------------------------------
def test_locked_store_is_retried_then_503(tiny_copy: Settings) -> None:
    served = serve(tiny_copy, env={"CROSSROADS_LOCK_WAIT": "2"})
    try:
        with served.client() as c:
            con = duckdb.connect(str(tiny_copy.database))  # a writer, like `fetch`
            released = threading.Timer(0.7, con.close)
            released.start()
            r = c.get("/api/datasets")  # retried until the writer closes
            released.join()
            assert r.status_code == 200 and len(r.json()) == 2
            con = duckdb.connect(str(tiny_copy.database))
            try:
                r = c.get("/api/datasets")
            finally:
                con.close()
        text = _error(r, 503, "BusyError")
        assert "locked by another process" in text
        import os
        assert f"PID {os.getpid()}" in text  # the real holder: this test process
        assert r.headers["retry-after"] == "2"
    finally:
        assert "Traceback" not in stop(served)


# --- 6. no 500 without the JSON shape, no reset connection ---------------------------------
@pytest.mark.parametrize("query", ["origin=99999999999999999999", "origin=-1",
                                   "origin=4294967296", "origin=1&from=99999999999999999999"])
def test_route_out_of_range_is_422(server: Served, query: str) -> None:
    with server.client() as c:
        _error(c.get(f"/api/route?{query}"), 422, "RequestValidationError")


def test_an_unexpected_exception_is_a_json_500(tiny_store: Settings) -> None:
    from fastapi.testclient import TestClient

    from crossroads.web.app import create_app

    app = create_app(tiny_store)

    @app.get("/api/boom")
    def boom() -> None:
        raise ZeroDivisionError("a bug")

    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    r = client.get("/api/boom")
    assert r.status_code == 500 and r.json() == {"error": {
        "type": "InternalError",
        "message": "internal error (a bug); the server log has the details"}}
    assert r.headers["x-content-type-options"] == "nosniff"


def test_serve_prints_the_real_port_after_binding(server: Served) -> None:
    assert server.stdout.startswith("crossroads dashboard on http://127.0.0.1:")
    assert ":0/" not in server.stdout


def test_histories_share_one_dask_cluster() -> None:
    """Every history request gets the same scheduler address: one cluster per server."""
    from crossroads.web._work import SharedCluster

    async def twice() -> tuple[str, str, str]:
        shared = SharedCluster(workers=1)
        try:
            a, b, c = await asyncio.gather(shared.address(), shared.address(), shared.address())
            return a, b, c
        finally:
            shared.close()

    a, b, c = asyncio.run(twice())
    assert a == b == c and a.startswith("tcp://127.0.0.1:")
