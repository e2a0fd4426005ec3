"""The KZ report: self-contained HTML that opens offline, a PDF that renders, no partial
output on failure."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.provenance import sha256_file
from crossroads.report import build, write_report
from crossroads.tls import interception_documented

EXTERNAL = re.compile(
    r"""<(script|link|img|iframe|source|object)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""",
    re.I,
)


@pytest.fixture(scope="module")
def kz_report(small_settings: Settings, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("report")
    report = write_report(small_settings, "kz", html=out / "kz.html", pdf=out / "kz.pdf")
    return report, out


def test_html_is_self_contained(kz_report) -> None:
    _, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    assert not EXTERNAL.search(html)
    assert "url(http" not in html and "@import" not in html
    assert "<script" not in html  # nothing to run: opens as-is offline


def test_html_shows_sources_tls_and_missing_parts(kz_report, mirror: Path) -> None:
    report, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    assert report.country == "KZ" and "Kazakhstan (KZ)" in html
    # the one loaded dataset, with its data date (mirror README: 2023-08-01)
    assert "ris-collectors-20230801" in html and "2023-08-01" in html
    rec = report.parts["datasets"][0]
    assert rec["sha256"] == sha256_file(mirror / "collectors/RIPE_RIS_collectors_20230801.json")
    for episode in interception_documented("KZ"):
        assert episode.title in html
    for why in report.missing.values():
        assert why in html
    assert html.count("Not available in this build") >= len(
        [k for k in report.missing if k != "scenarios"])


def test_pdf_renders_to_png(kz_report, tmp_path: Path) -> None:
    _, out = kz_report
    pdf = out / "kz.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert shutil.which("pdftoppm"), "poppler-utils missing: run scripts/system-deps.sh"
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    assert "Kazakhstan (KZ)" in text


def test_no_partial_file_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    def broken(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        build._atomic(tmp_path / "r.html", broken)
    assert list(tmp_path.iterdir()) == []


def test_unknown_country_code_is_a_crossroads_error(small_settings: Settings,
                                                    tmp_path: Path) -> None:
    from crossroads.errors import UnknownCountryError

    with pytest.raises(UnknownCountryError, match="KAZ"):
        write_report(small_settings, "KAZ", html=tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()
