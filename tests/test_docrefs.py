"""A note's reference to a documentation page is one the reader can follow in every
medium: the command it names prints the page, the dashboard and the report link it."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossroads.cli import app
from crossroads.config import Settings
from crossroads.docrefs import SEE_PATTERN, link_pages, see
from crossroads.report.views import in_report
from crossroads.routing.fidelity_note import fidelity_note


@pytest.mark.parametrize("mode", ["deterministic", "calibrated"])
def test_the_fidelity_note_names_a_page_the_installed_command_prints(mode: str) -> None:
    note = fidelity_note(date(2010, 1, 1), mode=mode)
    ref = re.search(SEE_PATTERN, note)
    assert ref is not None and note.endswith(ref.group(0)) and "docs/" not in note
    assert ref.group(0) == see("validation") == "See `crossroads methods validation`."
    out = CliRunner().invoke(app, ["methods", ref.group(1)])
    assert out.exit_code == 0 and out.output.startswith("# Validation\n")
    assert "## Fidelity against reality" in out.output


def test_the_methods_command_lists_pages_and_refuses_unknown_ones(
    capsys: pytest.CaptureFixture[str]
) -> None:
    from crossroads.cli import main

    listed = CliRunner().invoke(app, ["methods", "--json"])
    pages = {p["page"]: p["title"] for p in json.loads(listed.output)}
    assert pages["validation"] == "Validation" and "cli/route" in pages
    with pytest.raises(SystemExit) as ex:
        main(["methods", "nope"])
    assert ex.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: no documentation page 'nope'", "Hint: `crossroads methods` lists them"]


def test_the_report_links_the_reference_to_its_appendix() -> None:
    note = fidelity_note(date(2025, 9, 1))
    shown = str(in_report(note))
    assert shown.endswith('See <a href="#validation">appendix A, How far to trust the '
                          'figures</a>.')
    assert "crossroads methods" not in shown
    assert str(in_report(see("dependency"))) == \
        'See <a href="#methods">section 9, Methods in short</a>.'


def test_the_dashboard_carries_the_pattern_its_script_links(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from crossroads.web.app import create_app

    settings = Settings(data_dir=tmp_path / "d", cache_dir=tmp_path / "c", mirror=None)
    page = TestClient(create_app(settings), base_url="http://127.0.0.1").get("/methods").text
    got = re.search(r'data-see="([^"]*)"', page)
    assert got is not None and html.unescape(got.group(1)) == SEE_PATTERN
    script = (Path(__file__).parents[1] / "src/crossroads/web/static/app.js").read_text()
    assert "document.body.dataset.see" in script and "docs\\/" not in script


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run JavaScript")
def test_the_pattern_means_the_same_in_javascript() -> None:
    note = fidelity_note(date(2010, 1, 1))
    js = ("const [p, t] = JSON.parse(process.argv[1]); console.log(t.replace("
          "new RegExp(p, 'g'), (m, n) => `See <a href=\"/methods/${n}\">x</a>.`))")
    out = subprocess.run(["node", "-e", js, json.dumps([SEE_PATTERN, note])],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == link_pages(note, lambda n: f'<a href="/methods/{n}">x</a>')
    assert out.endswith('See <a href="/methods/validation">x</a>.')
