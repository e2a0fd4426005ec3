"""The KZ report on the real loaded store: self-contained HTML that opens offline, every
section with the API's values, a PDF that renders, no partial output on failure."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.formatting import num, pct
from crossroads.provenance import sha256_file
from crossroads.report import build, sections, write_report
from crossroads.routing.fidelity_note import fidelity_note
from crossroads.tls import interception_documented

EXTERNAL = re.compile(
    r"""<(script|link|img|iframe|source|object)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""",
    re.I,
)

pytestmark = pytest.mark.slow


def test_html_is_self_contained(kz_report) -> None:
    _, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    assert not EXTERNAL.search(html)
    assert "url(http" not in html and "@import" not in html
    assert "<script" not in html  # nothing to run: opens as-is offline


def test_every_section_is_there(kz_report) -> None:
    report, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    assert report.missing == {}
    for heading in ("1. Country profile", "2. Foreign dependency", "3. Chokepoints",
                    "4. Concentration", "5. Dependency over time", "6. What-if scenarios",
                    "7. TLS interception", "8. Data and sources", "9. Methods in short"):
        assert heading in html
    assert "Not shown" not in html and "not available" not in html.lower()
    # two world maps (250 countries each), two Sankeys, two history charts, one bar chart
    assert html.count('class="country"') == 2 * 250
    for episode in interception_documented("KZ"):
        assert episode.title in html


def test_numbers_are_the_apis(kz_report, loaded_settings: Settings) -> None:
    """Figures in the HTML are the API's values, formatted by the report's own rules."""
    report, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    prof = sections.profile(loaded_settings, "KZ")
    assert f">{num(prof['ipv4_addresses']['originated'])}<" in html
    dep = sections.dependency(loaded_settings, "KZ")  # the cached result the report used
    top = max(dep["inbound"]["by_country"], key=lambda r: r["gateway_share"])
    assert top["country"] == "RU"  # 2025 graph: Russia is KZ's main inbound gateway
    assert f"<b>{pct(top['gateway_share'])}</b>" in html
    sc = report.parts["scenarios"][0]
    raw = sections.scenario(loaded_settings, "kz-russia-transit-loss")
    assert sc["reach"][0]["after"] == raw["after"]["reachability_inbound"]
    assert pct(raw["after"]["reachability_inbound"]) in html
    # with every KZ-RU link gone, no inbound path can enter KZ through a Russian AS
    after = {r["country"]: r for r in raw["after"]["by_country"]["inbound"]}
    assert after.get("RU", {"gateway_share": 0.0})["gateway_share"] == 0.0
    hist = report.parts["history"]["summary"]
    assert [h["date"][:4] for h in hist] == [*map(str, range(2002, 2019, 2)), "2025"]


def test_fidelity_note_beside_every_simulated_figure(kz_report) -> None:
    _, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    note = fidelity_note(build.datetime(2025, 9, 1).date())
    # dependency, chokepoints, history (newest graph) and the scenario
    assert html.count("How far to trust simulated paths") == 4
    # its closing "See `crossroads methods validation`." links the report's appendix
    assert note.endswith(" See `crossroads methods validation`.")
    shown = note.replace("'", "&#39;").replace(
        "See `crossroads methods validation`.",
        'See <a href="#validation">appendix A, How far to trust the figures</a>.')
    assert html.count(shown) >= 3


def test_sources_and_dates(kz_report, mirror: Path) -> None:
    report, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    names = {d["name"]: d for d in report.parts["datasets"]}
    rec = names["caida-as-rel2-20250901"]
    assert rec["sha256"] == sha256_file(mirror / "caida/20250901.as-rel2.txt.bz2")
    assert rec["sha256"][:12] in html and "2025-09-01" in html and "2018-10-13" in html


def test_pdf_renders_to_png(kz_report, tmp_path: Path) -> None:
    _, out = kz_report
    pdf = out / "kz.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert shutil.which("pdftoppm"), "poppler-utils missing: run scripts/system-deps.sh"
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "2", "-png", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 2
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 2000
               for p in pngs)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    assert "Kazakhstan (KZ)" in text and "Dependency over time" in text


def test_answer_first_and_links_that_exist_in_the_report(kz_report,
                                                        loaded_settings: Settings) -> None:
    """Page 1 opens with each direction's lead sentence and the comparison with published
    figures; every method reference is a link inside the report, never a repository path;
    a phone gets the viewport tag."""
    _, out = kz_report
    html = (out / "kz.html").read_text("utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    dep = sections.dependency(loaded_settings, "KZ")
    first_kpi = html.index('<div class="kpis">')
    for answer in dep["answers"]:
        head = answer["sentence"].split(" (")[0]
        assert 0 < html.index(head.replace("'", "&#39;")) < first_kpi
    box = html[html.index('id="answer"'):first_kpi]
    assert "Compared with published figures (inbound, via Russia)" in box
    assert "Internet Society 2025" in box and ">95.0 %<" in box
    assert f">{pct(dep['answers'][0]['share'])}<" in box
    # the observed row: the mirror's newest RIB (route-views.wide, 2010-07-01) re-read here
    from crossroads.metrics import observed_dependency
    from crossroads.snapshots import snapshot

    rib = sections.mirror_ribs(loaded_settings)[-1]
    seen = observed_dependency(snapshot(loaded_settings), [rib], "KZ").inbound
    ru = float(seen.by_country.set_index("country").gateway_share["RU"])
    assert ru > 0.9 and f">{pct(ru)}<" in box and "2010-07-01" in box
    assert "docs/validation.md" not in html and "docs/methods" not in html
    assert "`crossroads methods" not in html  # every page reference is a link here
    for anchor in set(re.findall(r'href="#([\w-]+)"', html)):
        assert f'id="{anchor}"' in html, anchor
    assert '<a href="#validation">' in html and "Appendix A. How far to trust" in html


def _words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, page width, word's right edge, word) of every word of ``pdf``."""
    bbox = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=120).stdout
    words = []
    for n, page in enumerate(re.split(r"<page ", bbox)[1:], 1):
        width = float(re.match(r'width="([\d.]+)"', page).group(1))
        words += [(n, width, float(m.group(1)), m.group(2)) for m in re.finditer(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            page)]
    return words


def test_pdf_sankey_labels_in_the_text_layer_and_tables_in_the_page(
        kz_report, loaded_settings: Settings) -> None:
    """Every node label of both Sankeys (countries and gateway ASes with their shares)
    is text that pdftotext reads; no word of any page runs past the A4 text box (page
    width less the 13 mm right margin of report.css)."""
    from crossroads.report.views import sankey_flows

    _, out = kz_report
    pdf = out / "kz.pdf"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                   capture_output=True, text=True, timeout=60).stdout.split())
    dep = sections.dependency(loaded_settings, "KZ")
    for d in ("inbound", "outbound"):
        flows = sankey_flows(dep, d, "KZ")
        assert any(f.target.startswith("AS") for f in flows)
        for f in flows:
            label = f"{f.target} ({100 * f.value:.1f}%)" if f.value >= 0.001 else f.target
            assert " ".join(label.split()) in text, (d, label)
    words = _words(pdf)
    assert len({w[0] for w in words}) >= 10
    margin = 13 * 72 / 25.4
    over = [w for w in words if w[2] > w[1] - margin + 0.5]
    assert over == []


def test_no_partial_file_when_writing_fails(tmp_path: Path) -> None:
    def broken(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        build._atomic(tmp_path / "r.html", broken)
    assert list(tmp_path.iterdir()) == []


def test_unknown_country_code_is_a_crossroads_error(scratch_settings: Settings,
                                                    tmp_path: Path) -> None:
    from crossroads.errors import UnknownCountryError

    with pytest.raises(UnknownCountryError, match="KAZ"):
        write_report(scratch_settings, "KAZ", html=tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()
