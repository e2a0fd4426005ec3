"""Dashboard pages over the real loaded store: HTML error pages for browsers (the API stays
JSON), navigation that follows the country, the country index, the served methods pages,
and the answer endpoint."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from crossroads.config import Settings
from crossroads.report import sections
from crossroads.report.views import answer_view
from crossroads.store import open_store
from crossroads.web.app import create_app

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def client(loaded_settings: Settings) -> TestClient:
    return TestClient(create_app(loaded_settings), base_url="http://127.0.0.1")


def test_unknown_country_page_is_an_html_page_with_the_one_line(client: TestClient) -> None:
    r = client.get("/country/XX", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    line = re.search(r'id="error-line">([^<]*)<', r.text)
    assert line and line.group(1).startswith("no AS of the loaded data is registered in XX")
    assert '<a href="/countries">' in r.text
    bad = client.get("/country/KAZ", headers=HTML)
    assert bad.status_code == 422 and "String should match pattern" in bad.text
    # the same request from a program, and the API from a browser, answer the JSON shape
    assert client.get("/country/XX").json()["error"]["type"] == "UnknownCountryError"
    api = client.get("/api/countries/XX/profile", headers=HTML)
    assert api.status_code == 404 and api.json()["error"]["type"] == "UnknownCountryError"
    assert client.get("/figures/XX/world-map.svg", headers=HTML).json()["error"]
    assert client.get("/no/such/page", headers=HTML).headers["content-type"].startswith(
        "text/html")


def test_navigation_follows_the_current_country(client: TestClient) -> None:
    for url in ("/country/UZ", "/outages/UZ", "/scenarios?cc=UZ", "/as?cc=UZ", "/methods?cc=uz"):
        nav = re.search(r"<nav>(.*?)</nav>", client.get(url).text).group(1)
        hrefs = re.findall(r'href="([^"]*)"', nav)
        assert "/country/UZ" in hrefs and "/outages/UZ" in hrefs and "/scenarios?cc=UZ" in hrefs
        assert not any("KZ" in h or "9198" in h for h in hrefs), (url, hrefs)
    nav = re.search(r"<nav>(.*?)</nav>", client.get("/scenarios").text).group(1)
    assert re.findall(r'href="([^"]*)"', nav) == [
        "/countries", "/scenarios", "/as", "/methods", "/docs"]


def test_country_index_counts_the_ases_operating_there(client: TestClient,
                                                       loaded_settings: Settings) -> None:
    info = open_store(loaded_settings).as_info()
    html = client.get("/countries").text
    for cc in ("KZ", "UZ", "RU"):
        ases = int((info.op_cc == cc).sum())
        assert ases > 0
        row = re.search(rf'<a href="/country/{cc}">[^<]*\({cc}\)</a></td><td class="n">'
                        r"([\d,]+)</td>", html)
        assert row and int(row.group(1).replace(",", "")) == ases
    assert client.get("/").text == html
    assert html.count('<tr data-q="') == 250  # every ISO 3166 code and XK


def test_methods_pages_are_served_with_their_links_rewritten(client: TestClient) -> None:
    index = client.get("/methods").text
    assert 'href="/methods/validation"' in index and 'href="/methods/routing"' in index
    page = client.get("/methods/dependency")
    assert page.status_code == 200 and "<table>" in page.text
    assert 'href="/methods/routing"' in page.text  # ](routing.md) in docs/methods
    assert not re.search(r'href="[^"]*\.md', page.text)
    assert "<h1>Validation</h1>" in client.get("/methods/validation").text
    assert client.get("/methods/cli/route").status_code == 200
    report = client.get("/methods/cli/report").text  # its screenshots, served here
    for src in re.findall(r'<img src="([^"]+)"', report):
        assert src.startswith("/methods/img/") and client.get(src).content[:4] == b"\x89PNG"
    assert '<img src="/methods/img/report-kz-page-01.png"' in report
    missing = client.get("/methods/nope", headers=HTML)
    assert missing.status_code == 404 and "no documentation page" in missing.text
    assert client.get("/methods/../README", headers=HTML).status_code == 404


def test_api_page_is_local_and_fits_a_phone(client: TestClient) -> None:
    """The API page reads a 3.0 form of the schema (the bundled Swagger UI 4 shows
    "Unable to render this definition" for FastAPI's 3.1) with every path of it."""
    import json

    original = client.get("/openapi.json").json()
    served = client.get("/openapi-3.0.json").json()
    assert original["openapi"].startswith("3.1") and served["openapi"] == "3.0.3"
    assert set(served["paths"]) == set(original["paths"])
    assert '{"type": "null"}' not in json.dumps(served)
    assert '"nullable": true' in json.dumps(served)
    assert "/openapi-3.0.json" in client.get("/static/api-docs.js").text
    html = client.get("/docs").text
    assert 'name="viewport"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for asset in re.findall(r'(?:src|href)="(/vendor/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


@pytest.mark.slow
def test_answer_endpoint_is_the_reports_box(client: TestClient,
                                            loaded_settings: Settings) -> None:
    dep = sections.dependency(loaded_settings, "KZ")
    got = client.get("/api/countries/KZ/answer").json()
    assert got == answer_view(dep)
    inbound = got[0]
    assert inbound["direction"] == "inbound" and inbound["partner"] == "RU"
    assert inbound["sentence"] == dep["answers"][0]["sentence"]
    rows = {r["figure"]: r for r in inbound["rows"]}
    assert rows["crossroads, simulated"]["share"] == dep["answers"][0]["share"]
    ru = {r["country"]: r for r in dep["territory"]["inbound"]["by_country"]}["RU"]
    assert rows["crossroads, territory"]["share"] == ru["share"]
    assert rows["Internet Society 2025"]["share"] == 0.95
    gw = client.get("/figures/KZ/world-map.svg").text  # gateway by default
    top = max(dep["inbound"]["by_country"], key=lambda r: r["gateway_share"])
    assert f'data-cc="{top["country"]}" fill="#7f0000"' in gw
    us = {r["country"]: r for r in dep["inbound"]["by_country"]}["US"]
    assert f"United States: {100 * us['gateway_share']:.1f}%" in gw
    assert f"United States: {100 * us['any_share']:.1f}%" in client.get(
        "/figures/KZ/world-map.svg?measure=any").text
