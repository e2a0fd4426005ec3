"""End to end in a real headless Chromium (Debian ``chromium``, driven by Playwright)
against ``crossroads serve``'s app under uvicorn on 127.0.0.1, over the real loaded store.
Screenshots go to ``artifacts/`` (gitignored) for a person to look at. The first page load
computes the dependency and the history (about a minute each on two cores; the report
tests of the same session leave them in the disk cache)."""

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
    assert row == ["RU", f"{100 * top['any_share']:.1f} %", f"{100 * top['gateway_share']:.1f} %"]
    assert "How far to trust simulated paths" in page.inner_text("#dep-fidelity")
    # the headline: territory crossed beside the AS-level shares, and the corridor map
    page.wait_for_selector("#terr-bars svg path.range", timeout=60_000)
    page.wait_for_selector("#terr-map svg", timeout=60_000)
    ru = {r["country"]: r for r in dep["territory"]["inbound"]["by_country"]}["RU"]
    row = page.locator("#terr-table tr").nth(1).inner_text().split("\t")
    assert row[:3] == ["RU", f"{100 * ru['share']:.1f} %",
                       f"{100 * ru['low']:.1f} %–{100 * ru['high']:.1f} %"]
    page.wait_for_selector("#hist-inbound svg .scatterlayer .trace", timeout=300_000)
    assert page.locator("#history table tr").count() == 1 + 10  # ten CAIDA snapshots
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
