"""The CLI layer: ``scenarios``, ``simulate`` (errors and a real run), ``sweep`` options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossroads.cli import main
from crossroads.config import Settings


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([*argv])
        raise SystemExit(0)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def test_scenarios_lists_presets_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "scenarios", "--json")
    names = {p["name"] for p in json.loads(out)}
    assert code == 0 and "kz-trans-caspian-link" in names and len(names) == 10


def test_simulate_bad_file_is_one_line_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncountry: KZ\noperations:\n  - op: remove_as\n    asns: [x]\n")
    code, _, err = _run(capsys, "simulate", str(bad))
    assert code == 2
    assert f"{bad}, line 5: operations[0].asns[0]" in err


def test_sweep_needs_exactly_one_kind(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "sweep", "KZ")
    assert code == 2 and "exactly one of" in err


@pytest.mark.slow
def test_simulate_shutdown_json_and_plot(
    capsys: pytest.CaptureFixture[str], loaded_settings: Settings, tmp_path: Path
) -> None:
    png = tmp_path / "s.png"
    code, out, _ = _run(
        capsys, "simulate", "kz-national-shutdown", "--json", "--plot", str(png),
        "--data-dir", str(loaded_settings.data_dir), "--mirror", str(loaded_settings.mirror),
    )
    d = json.loads(out)
    assert code == 0 and d["scenario"] == "kz-national-shutdown" and d["country"] == "KZ"
    assert d["after"]["reachability_inbound"] == 0.0
    assert d["before"]["reachability_inbound"] > 0.9
    assert {"inbound", "outbound"} <= set(d["before"]["by_country"])
    assert "caida-as-rel2-20250901" in {p["dataset"] for p in d["datasets"]}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_text_rendering_of_a_hand_made_result(capsys: pytest.CaptureFixture[str]) -> None:
    """The tables the CLI prints, on the hand-made remove_as 2 scenario (see test_operations)."""
    from tests.scenarios._graph import INFO, graph

    from crossroads.cli.scenarios import _render_result
    from crossroads.scenarios import Scenario, simulate
    from crossroads.snapshots import Snapshot

    s = Scenario.model_validate({"name": "t", "country": "KZ", "operations": [
        {"op": "remove_as", "asns": [2]}]})
    _render_result(simulate(Snapshot.of(graph(), INFO), s), top=5)
    out = capsys.readouterr().out
    assert "inbound (world → country)" in out and "100.0 %" in out and "40.0 %" in out
    assert "ASes that became critical: AS3" in out
