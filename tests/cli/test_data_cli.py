"""``crossroads fetch / datasets / as / profile`` through the real CLI boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossroads.cli import main
from crossroads.config import Settings
from crossroads.metrics.inventory import country_profile
from crossroads.store import open_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``crossroads argv``."""
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_fetch_prints_a_summary_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, mirror: Path
) -> None:
    code, out, _ = run(capsys, "fetch", "--mirror", str(mirror), "--data-dir", str(tmp_path),
                       "ris-collectors-20230801", "caida-as-rel-20020101")
    assert code == 0
    assert "ris-collectors-20230801" in out and "loaded" in out and "2002-01-01" in out
    code, out, _ = run(capsys, "fetch", "--mirror", str(mirror), "--data-dir", str(tmp_path),
                       "ris-collectors-20230801")
    assert code == 0 and "unchanged" in out
    code, out, _ = run(capsys, "datasets", "--data-dir", str(tmp_path), "--json")
    assert [d["name"] for d in json.loads(out)] == ["caida-as-rel-20020101",
                                                   "ris-collectors-20230801"]


def test_fetch_date_takes_the_snapshot_in_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, mirror: Path
) -> None:
    # 2003-02-01 lies 396 days after 2002-01-01 and 334 days before 2004-01-01: the
    # snapshot in force is the earlier one, although the later one is nearer.
    code, _, _ = run(capsys, "fetch", "--mirror", str(mirror), "--data-dir", str(tmp_path),
                     "--date", "2003-02-01", "caida-as-rel-20020101", "caida-as-rel-20040101")
    assert code == 0
    code, out, _ = run(capsys, "datasets", "--data-dir", str(tmp_path), "--json")
    assert [d["name"] for d in json.loads(out)] == ["caida-as-rel-20020101"]


def test_fetch_date_before_every_snapshot_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, mirror: Path
) -> None:
    code, out, err = run(capsys, "fetch", "--mirror", str(mirror), "--data-dir", str(tmp_path),
                         "--date", "2001-06-30", "caida-as-rel-20020101")
    assert code == 2
    assert "on or before 2001-06-30" in err + out and "Traceback" not in err + out


def test_fetch_summary_notes_skipped_optional_datasets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, mirror: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crossroads.store import _plan

    monkeypatch.setattr(_plan, "DEFAULT_FETCH", ("caida-as-rel-20020101", "peeringdb-20241101"))
    code, out, _ = run(capsys, "fetch", "--mirror", str(mirror), "--data-dir", str(tmp_path))
    assert code == 0
    assert "skipped" in out and "not in mirror" in " ".join(out.split())


def test_profile_json(capsys: pytest.CaptureFixture[str], loaded_settings: Settings) -> None:
    code, out, _ = run(capsys, "profile", "KZ", "--json", "--data-dir",
                       str(loaded_settings.data_dir))
    assert code == 0
    got = json.loads(out)
    want = country_profile(open_store(loaded_settings), "KZ")
    assert got["country"] == "KZ" and got["asns"] == want.asns
    assert got["ipv4_addresses"]["originated"] == want.ipv4_originated
    assert got["ipv4_addresses"]["unit"] == "IPv4 addresses"
    assert got["top_origins"][0]["asn"] == 9198
    assert {d["dataset"] for d in got["datasets"]} >= {"rir-ripencc-20181013",
                                                   "ip-location-db-asn-ipv4"}


def test_profile_and_as_tables_state_units_and_dates(
    capsys: pytest.CaptureFixture[str], loaded_settings: Settings
) -> None:
    data = ["--data-dir", str(loaded_settings.data_dir)]
    code, out, _ = run(capsys, "profile", "kz", *data)
    assert code == 0
    assert "Kazakhstan" in out and "addresses" in out and "/48 blocks" in out
    assert "2018-10-13" in out and "2026-06-17" in out
    code, out, _ = run(capsys, "as", "AS9198", *data)
    assert code == 0
    assert "JSC Kazakhtelecom" in out and "caida-as-rel2-20250901 (2025-09-01)" in out
    code, out, _ = run(capsys, "as", "9198", "--json", *data)
    assert json.loads(out)["providers"]["count"] > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["profile", "QQ"], "no AS of the loaded data is registered in QQ"),
        (["profile", "EU"], "not an ISO 3166-1 alpha-2 country code: 'EU'"),
        (["as", "AS12x"], "not an AS number"),
        (["as", "4000000000"], "AS4000000000 is in neither"),
        (["as", "9198", "--date", "2020-02-30"], "is not a date"),
    ],
)
def test_errors_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], loaded_settings: Settings, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv, "--data-dir", str(loaded_settings.data_dir))
    assert code == 2
    assert message in err and "Traceback" not in err
    assert err.splitlines()[0].startswith("error:")


def test_nothing_fetched_yet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "profile", "KZ", "--data-dir", str(tmp_path))
    assert code == 2 and "no data loaded yet" in err and "crossroads fetch" in err


def test_bad_mirror_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "m" / "collectors" / "RouteViews_20230801.txt"
    bad.parent.mkdir(parents=True)
    bad.write_text("ROUTEVIEWS_COLLECTOR|AS_NUMBER|PEERING_ADDRESS|PREFIXES|CC|REGION|ASNAME\n"
                   "route-views2|notanumber|192.0.2.1|10|US|arin|X\n")
    code, _, err = run(capsys, "fetch", "--mirror", str(tmp_path / "m"), "--data-dir",
                       str(tmp_path / "d"), "routeviews-collectors-20230801")
    assert code == 2
    assert str(bad) in err and "line 2" in err
