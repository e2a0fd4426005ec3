"""CLI polish: --version, a preset's YAML to start from, one scenario template per
operation, lists cut between items, and the 80-column layouts of datasets and outages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from crossroads import __version__
from crossroads.cli._cells import cut_items, cut_list
from crossroads.cli._common import console
from crossroads.config import Settings
from crossroads.outages import OutageEvent
from crossroads.scenarios import list_presets, load_scenario
from crossroads.scenarios.load import preset_text
from crossroads.scenarios.model import OP_NAMES
from crossroads.store import open_store

from .test_data_cli import run

TEMPLATES = Path(__file__).resolve().parents[2] / "docs" / "scenarios"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"crossroads {__version__}\n", "")


def test_scenarios_show_prints_the_preset_file(capsys: pytest.CaptureFixture[str]) -> None:
    for preset in list_presets():
        code, out, _ = run(capsys, "scenarios", "--show", preset.name)
        assert code == 0 and out == preset_text(preset.name)
    code, out, err = run(capsys, "scenarios", "--show", "no-such-preset")
    assert code == 2 and out == ""
    assert err.startswith("error: no preset called 'no-such-preset'")


def test_one_template_per_operation_and_each_loads() -> None:
    files = sorted(TEMPLATES.glob("*.yaml"))
    assert {f.stem for f in files} == set(OP_NAMES)
    for f in files:
        sc = load_scenario(str(f))
        assert sc.country == "KZ" and sc.operations, f.name
        assert f.stem in {op.op for op in sc.operations}, f.name


def test_cells_are_cut_between_items() -> None:
    items = ["FR:10", "NL:3", "DE:2", "RU:1"]
    assert cut_items(items, 100) == "FR:10, NL:3, DE:2, RU:1"  # 23 characters: all fit
    assert cut_items(items, 22) == "FR:10, NL:3 … +2 more"  # 21 characters
    assert cut_items(items, 20) == "FR:10 … +3 more"
    assert cut_items(items, 1) == "FR:10 … +3 more"  # the first item is always kept
    assert cut_list("9198 50482 43727", 12, sep=" ") == "9198 … +2 more"
    # every cut ends at a whole item
    for width in range(1, 30):
        kept = cut_items(items, width).split(" … ")[0].split(", ")
        assert kept == items[: len(kept)]


def test_datasets_fit_80_columns(capsys: pytest.CaptureFixture[str],
                                 loaded_settings: Settings,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 80)
    code, out, _ = run(capsys, "datasets", "--data-dir", str(loaded_settings.data_dir))
    records = open_store(loaded_settings).datasets()
    lines = out.splitlines()
    assert code == 0 and max(map(len, lines)) <= 80
    for r in records:  # one line per dataset, with its date and rows
        assert sum(r.name in line for line in lines) == 1
        line = next(line for line in lines if r.name in line)
        assert r.data_date.isoformat() in line and f"{r.rows:,}" in line
    assert len(lines) == len(records) + 6  # title, 3 rules, header, caption
    monkeypatch.setattr(console, "width", 200)
    _, wide, _ = run(capsys, "datasets", "--data-dir", str(loaded_settings.data_dir))
    assert records[0].source in wide


def _event(asns: tuple[int, ...]) -> OutageEvent:
    return OutageEvent("country", "KZ", "visibility_drop", "major",
                       datetime(2022, 1, 5, 14, 0, tzinfo=UTC),
                       datetime(2022, 1, 5, 16, 30, tzinfo=UTC), "visible_slash24",
                       52_000.0, 40_400.0, 7.25, 11_600.0, 800.0, 0, asns)


def test_outage_events_fit_80_columns() -> None:
    from crossroads.cli.outages import _events_table

    asns = (9198, 41798, 48503, 21299, 29355, 35104)
    for width in (80, 200):
        out = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        out.print(_events_table([_event(asns), _event((9198,))], width))
        text = out.export_text()
        assert max(map(len, text.splitlines())) <= width, text
        assert "9198 41798 … +4 more" in text or "9198 41798 48503 21299 29355 35104" in text
        assert text.count("2022-01-05") == 2 and text.count("11,600.0") == 2
        if width == 80:
            assert "KZ\n" not in text and "visibility_drop (major)" in text
