"""End to end in a real headless Chromium (Debian ``chromium``, driven by Playwright)
against ``crossroads serve``'s app under uvicorn on 127.0.0.1, over the real loaded store.
Screenshots go to ``artifacts/`` (gitignored) for a person to look at. The first page load
computes the dependency and the history (about a minute each on two cores; the report
tests of the same session leave them in the disk cache).

Every page is opened at a desktop (1400x1000) and a phone (390x844) viewport: the page
is never wider than the viewport (wide tables scroll inside their own box), and no
request leaves 127.0.0.1. A missing browser fails the tests (scripts/system-deps.sh
installs it); it never skips them."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from crossroads.config import Settings
from crossroads.report import sections
from crossroads.web.app import create_app

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(loaded_settings: Settings) -> Iterator[str]:
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(loaded_settings), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    assert shutil.which("chromium"), "Debian chromium missing: run scripts/system-deps.sh"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _watched(browser, server: str, width: int, height: int):  # type: ignore[no-untyped-def]
    """A new page of ``width`` x ``height`` whose ``external`` lists every request that
    went anywhere but ``server`` (``data:`` URLs never leave the machine)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    external: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((server, "data:"))
            else external.append(r.url))
    page.external = external
    return page


@pytest.fixture(scope="module")
def page(browser, server: str):  # type: ignore[no-untyped-def]
    page = _watched(browser, server, 1280, 900)
    yield page
    page.close()


PRESET = "kz-russia-transit-loss"


def test_country_page_draws_map_sankey_and_history(page, server: str,
                                                    loaded_settings: Settings) -> None:
    page.goto(f"{server}/country/KZ")
    page.wait_for_selector("#profile table", timeout=60_000)
    page.wait_for_selector("#map svg g.country", timeout=300_000)
    assert page.locator("#map svg g.country").count() == 250
    # the map colours Russia by its inbound share, the darkest (largest) on the scale
    dep = sections.dependency(loaded_settings, "KZ")
    top = max(dep["inbound"]["by_country"], key=lambda r: r["any_share"])
    assert top["country"] == "RU"
    assert page.get_attribute('#map g.country[data-cc="RU"]', "fill") == "#7f0000"
    page.wait_for_selector("#sankey svg .sankey-node", timeout=60_000)
    assert page.locator("#sankey svg .sankey-link").count() > 0
    labels = page.eval_on_selector_all("#sankey svg .node-label",
                                       "els => els.map((e) => e.textContent)")
    assert "RU" in labels and "KZ" in labels
    row = page.locator("#by-country tr").nth(1).inner_text().split("\t")
    # the country cell carries the flag of a network whose countries disagree, below it
    assert [row[0].split("\n")[0], *row[1:]] == [
        "RU", f"{100 * top['any_share']:.1f} %", f"{100 * top['gateway_share']:.1f} %"]
    assert "How far to trust simulated paths" in page.inner_text("#dep-fidelity")
    # the note's "See `crossroads methods validation`." is a link to the served page
    assert page.get_attribute("#dep-fidelity a", "href") == "/methods/validation"
    # the headline: territory crossed beside the AS-level shares, and the corridor map
    page.wait_for_selector("#terr-bars svg path.range", timeout=60_000)
    page.wait_for_selector("#terr-map svg", timeout=60_000)
    ru = {r["country"]: r for r in dep["territory"]["inbound"]["by_country"]}["RU"]
    row = page.locator("#terr-table tr").nth(1).inner_text().split("\t")
    assert row[:3] == ["RU", f"{100 * ru['share']:.1f} %",
                       f"{100 * ru['low']:.1f} %–{100 * ru['high']:.1f} %"]
    page.wait_for_selector("#hist-inbound svg .scatterlayer .trace", timeout=300_000)
    assert page.locator("#history table tr").count() == 1 + 10  # ten CAIDA snapshots
    # no line across 2018-2025: each trace has a null point there; the change of series
    assert "serial-1 → serial-2" in page.inner_text("#hist-marks")
    gaps = page.evaluate("document.getElementById('hist-inbound').data"
                         ".map((t) => t.y.filter((v) => v === null).length)")
    assert gaps and all(n == 1 for n in gaps)
    page.screenshot(path=str(ARTIFACTS / "country-KZ.png"), full_page=True)
    assert page.external == []  # type: ignore[attr-defined]


def test_preset_scenario_shows_the_api_values(page, server: str,
                                               loaded_settings: Settings) -> None:
    page.goto(f"{server}/scenarios")
    page.wait_for_selector(f"#preset option[value='{PRESET}']", state="attached")
    page.select_option("#preset", PRESET)
    page.click("#run-preset")
    page.wait_for_selector("#result:not([hidden]) #after table, #sc-status .error",
                           timeout=300_000)
    assert page.locator("#sc-status .error").count() == 0
    expected = page.request.post(f"{server}/api/simulate", data={"preset": PRESET}).json()
    assert expected == sections.scenario(loaded_settings, PRESET)
    for side in ("before", "after"):
        for metric in ("reachability_inbound", "reachability_outbound"):
            shown = page.inner_text(f"#{side} tr[data-metric='{metric}'] td.n")
            assert shown == f"{100 * expected[side][metric]:.1f} %"
    # after the cut, Russia is no inbound gateway any more: not in the after table
    after = page.locator("#after table").nth(1).inner_text()
    assert "\nRU\t" not in after and "\nRU\t" in page.locator("#before table").nth(1).inner_text()
    page.screenshot(path=str(ARTIFACTS / "scenarios.png"), full_page=True)
    assert page.external == []  # type: ignore[attr-defined]


PAGES = ("/countries", "/country/KZ", "/country/UZ", "/scenarios", "/as", "/as/9198",
         "/outages/KZ", "/methods", "/methods/validation", "/methods/dependency", "/docs",
         "/country/XX")
VIEWPORTS = ((1400, 1000), (390, 844))


def _settled(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until ``url``'s page has drawn what it fetches (the country pages: the answer,
    the tables, the history; the others: no request for 0.5 s)."""
    if url.startswith("/country/") and not url.endswith("XX"):
        page.wait_for_selector("#answer .lead, #answer .error, #answer .missing",
                               timeout=300_000)
        page.wait_for_selector("#by-country table, #dep-status .error", timeout=300_000)
        page.wait_for_selector("#history .plot svg, #history .error, #history .missing",
                               timeout=300_000)
    elif url == "/docs":
        page.wait_for_selector("#swagger-ui .opblock", timeout=60_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["desktop", "phone"])
def test_no_page_is_wider_than_the_screen_or_calls_out(browser, server: str, width: int,
                                                       height: int) -> None:
    page = _watched(browser, server, width, height)
    try:
        for url in PAGES:
            page.goto(server + url)
            _settled(page, url)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{url} at {width}x{height} is {wide} px wide"
            # the navigation wraps: every link of it is inside the screen (the API page,
            # Swagger UI's own, has a line of links back instead)
            right = page.eval_on_selector_all(
                "header nav a, header .go, nav.back a",
                "els => els.map((e) => e.getBoundingClientRect().right)")
            assert right and max(right) <= width, (url, right)
        assert page.external == [], page.external
    finally:
        page.close()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["desktop", "phone"])
def test_kz_first_screen_gives_the_answer(browser, server: str, width: int, height: int,
                                          loaded_settings: Settings) -> None:
    """The lead sentence of each direction is drawn on the first screen, before any
    scrolling, with the comparison with published figures (ISOC's 95 %)."""
    dep = sections.dependency(loaded_settings, "KZ")
    page = _watched(browser, server, width, height)
    try:
        page.goto(f"{server}/country/KZ")
        page.wait_for_selector("#answer .lead", timeout=300_000)
        lead = page.locator("#answer .lead").first
        assert lead.inner_text().replace("\n", " ") == dep["answers"][0]["sentence"]
        box = lead.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height
        table = page.inner_text("#answer details[open] table")
        assert "Internet Society 2025" in table and "95.0 %" in table
        assert page.get_attribute("#answer a[href^='/methods/validation']", "href")
        page.screenshot(path=str(ARTIFACTS / f"country-KZ-{width}.png"))
        assert page.external == []
    finally:
        page.close()


def test_map_toggles_between_gateway_and_any(page, server: str,
                                             loaded_settings: Settings) -> None:
    dep = sections.dependency(loaded_settings, "KZ")
    us = {r["country"]: r for r in dep["inbound"]["by_country"]}["US"]
    page.goto(f"{server}/country/KZ")
    page.wait_for_selector("#map svg g.country", timeout=300_000)

    def tip() -> str:
        return page.text_content('#map g.country[data-cc="US"] title') or ""

    assert tip() == f"United States: {100 * us['gateway_share']:.1f}%"
    page.check("input[name='measure'][value='any']")
    page.wait_for_function("document.querySelector('#map g.country[data-cc=\"US\"] title')"
                           f".textContent.endsWith('{100 * us['any_share']:.1f}%')",
                           timeout=60_000)
    assert "any" in page.inner_text("#map-title")
