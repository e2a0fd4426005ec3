"""End to end in a real headless Chromium (Debian ``chromium``, driven by Playwright)
against ``crossroads serve``'s app under uvicorn on 127.0.0.1. Screenshots go to
``artifacts/`` (gitignored) for a person to look at."""

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
from crossroads.errors import DatasetMissingError
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
def server(small_settings: Settings) -> Iterator[str]:
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(small_settings), host="127.0.0.1",
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
def page(server: str):
    assert shutil.which("chromium"), "Debian chromium missing: run scripts/system-deps.sh"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        external: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(server) else external.append(r.url))
        page.external = external  # type: ignore[attr-defined]
        yield page
        browser.close()


def _available(fn) -> bool:
    """Whether ``fn`` answers; a part missing from this build or data missing from the
    store must instead show as a panel on the page."""
    try:
        fn()
    except (sections.PartUnavailable, DatasetMissingError):
        return False
    return True


def test_country_page_draws_map_and_sankey(page, server: str, small_settings: Settings) -> None:
    page.goto(f"{server}/country/KZ")
    page.wait_for_selector("#profile :is(table, .missing, .error)", timeout=60_000)
    if _available(lambda: sections.dependency(small_settings, "KZ")):
        page.wait_for_selector("#map svg g.country", timeout=300_000)
        assert page.locator("#map svg g.country").count() == 250
        page.wait_for_selector("#sankey svg .sankey-node", timeout=60_000)
        assert page.locator("#sankey svg .sankey-link").count() > 0
    else:
        page.wait_for_selector("#dep-status :is(.missing, .error)", timeout=60_000)
        assert page.inner_text("#dep-status").startswith(("Not available", "Error"))
    page.screenshot(path=str(ARTIFACTS / "country-KZ.png"), full_page=True)
    assert page.external == []  # type: ignore[attr-defined]


def test_preset_scenario_shows_the_api_values(page, server: str,
                                               small_settings: Settings) -> None:
    page.goto(f"{server}/scenarios")
    if not _available(sections.presets):
        page.wait_for_selector("#sc-status :is(.missing, .error)", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "scenarios.png"), full_page=True)
        return
    preset = sections.presets()[0]["name"]
    page.wait_for_selector(f"#preset option[value='{preset}']", state="attached")
    page.select_option("#preset", preset)
    page.click("#run-preset")
    page.wait_for_selector("#result:not([hidden]) #after table, #sc-status .error",
                           timeout=300_000)
    expected = page.request.post(f"{server}/api/simulate", data={"preset": preset}).json()
    if "error" in expected:  # e.g. this store lacks the AS graph: the page says so
        assert expected["error"]["message"] in page.inner_text("#sc-status")
        page.screenshot(path=str(ARTIFACTS / "scenarios.png"), full_page=True)
        return
    for side in ("before", "after"):
        for metric in ("reachability_inbound", "reachability_outbound"):
            shown = page.inner_text(f"#{side} tr[data-metric='{metric}'] td.n")
            value = expected[side][metric]
            assert shown == ("–" if value is None else f"{100 * value:.1f} %")
    page.screenshot(path=str(ARTIFACTS / "scenarios.png"), full_page=True)
    assert page.external == []  # type: ignore[attr-defined]
