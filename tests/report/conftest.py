"""The KZ report written once per session from the real loaded store (``loaded_settings``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.report import Report, write_report


@pytest.fixture(scope="session")
def kz_report(loaded_settings: Settings,
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    """The KZ report (with the Russia transit-loss scenario) as HTML and PDF."""
    out = tmp_path_factory.mktemp("report")
    report = write_report(loaded_settings, "kz", html=out / "kz.html", pdf=out / "kz.pdf",
                          scenarios=["kz-russia-transit-loss"])
    return report, out
