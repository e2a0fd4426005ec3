"""Retake the screenshots of docs/img from the code: the KZ dashboard page (first screen
at 1400x1000 and at 390x844, in headless Chromium driven by Playwright) and pages 1-2 of
the KZ report PDF (pdftoppm). Uses the store of CROSSROADS_DATA_DIR / CROSSROADS_MIRROR.

    python scripts/screenshots.py [docs/img]
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from crossroads.config import get_settings
from crossroads.report import write_report
from crossroads.web.app import create_app

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _serve(settings: object) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                        log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    return srv, f"http://127.0.0.1:{port}"


def dashboard(settings: object, out: Path) -> None:
    srv, url = _serve(settings)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, width, height in (("desktop", 1400, 1000), ("phone", 390, 844)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{url}/country/KZ")
                page.wait_for_selector("#answer .lead", timeout=600_000)
                page.wait_for_selector("#terr-map svg", timeout=600_000)
                page.wait_for_selector("#hist-inbound svg", timeout=600_000)
                page.screenshot(path=str(out / f"dashboard-kz-{name}.png"))
                page.close()
            browser.close()
    finally:
        srv.should_exit = True


def report(settings: object, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "kz.pdf"
        write_report(settings, "KZ", html=Path(tmp) / "kz.html", pdf=pdf,  # type: ignore[arg-type]
                     scenarios=["kz-russia-transit-loss"])
        subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "2", "-png", str(pdf),
                        str(out / "report-kz-page")], check=True)


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")
    settings = get_settings()
    dashboard(settings, folder)
    report(settings, folder)
    print("\n".join(sorted(str(p) for p in folder.glob("*kz*.png"))))
