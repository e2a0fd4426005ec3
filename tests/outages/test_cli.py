"""The ``outages`` command through Typer (AS -> country patched to the RIR mapping, so the
test needs no loaded store); the JSON must carry the API's series and events."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from crossroads.cli import outages as cli
from crossroads.errors import CrossroadsError
from crossroads.outages import outages_from_files


def test_outages_json_and_plot(mirror: Path, rir_countries: pd.Series, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crossroads.outages.countries.asn_countries", lambda s, **kw: rir_countries)
    monkeypatch.setattr("crossroads.store.open_store", lambda s: None)  # no store needed
    app = typer.Typer()
    cli.register(app)
    f = mirror / "mrt" / "updates.20070211.0141.gz"
    png = tmp_path / "t.png"
    res = CliRunner().invoke(app, ["outages", str(f), "--country", "us", "--bin", "1m",
                                   "--workers", "1", "--json", "--plot", str(png)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    api = outages_from_files([f], country="US", asn_country=rir_countries,
                             bin=timedelta(minutes=1), workers=0)
    assert [r["announcements"] for r in out["series"]] == api.series.country[
        "announcements"].tolist()
    assert [e["signal"] for e in out["events"]] == [
        e.signal for e in api.events if e.scope == "country"]
    assert out["signals_seen"]["update_burst"] and png.read_bytes()[:4] == b"\x89PNG"


def test_parse_bin() -> None:
    assert cli.parse_bin("5m") == timedelta(minutes=5)
    assert cli.parse_bin("30s") == timedelta(seconds=30)
    with pytest.raises(CrossroadsError):
        cli.parse_bin("5 minutes")
