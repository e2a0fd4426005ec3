"""Loading: rows match the files, re-fetch is idempotent, bad files change nothing."""

from __future__ import annotations

import bz2
import shutil
from datetime import date
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.errors import DataFormatError, DatasetMissingError
from crossroads.store import fetch, open_store
from crossroads.store.load import select_specs

SNAP = "caida-as-rel-20020101"
SNAP_PATH = "caida/serial-1/20020101.as-rel.txt.bz2"


def _mini_mirror(root: Path, lines: list[str]) -> Path:
    """A mirror holding only the 2002 as-rel file, with ``lines`` as its content."""
    path = root / SNAP_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bz2.compress(("\n".join(lines) + "\n").encode()))
    return root


def _count(settings: Settings, table: str, dataset: str) -> int:
    rows = open_store(settings).query(f"SELECT count(*) AS n FROM {table} WHERE dataset = ?",
                                      [dataset])
    return int(rows.column("n")[0].as_py())


def test_rows_match_the_raw_file(scratch_settings: Settings, mirror: Path) -> None:
    (result,) = fetch(scratch_settings, [SNAP])
    with bz2.open(mirror / SNAP_PATH, "rt") as f:
        expected = sum(1 for line in f if line.strip() and not line.startswith("#"))
    assert result.status == "loaded"
    assert result.rows == expected == _count(scratch_settings, "as_links", SNAP)
    rec = open_store(scratch_settings).dataset(SNAP)
    assert rec.data_date == date(2002, 1, 1)
    assert rec.source == str(mirror / SNAP_PATH)


def test_refetch_does_not_duplicate(scratch_settings: Settings) -> None:
    first = fetch(scratch_settings, [SNAP, "ris-collectors-20230801"])
    second = fetch(scratch_settings, [SNAP, "ris-collectors-20230801"])
    assert [r.status for r in first] == ["loaded", "loaded"]
    assert [r.status for r in second] == ["unchanged", "unchanged"]
    assert _count(scratch_settings, "as_links", SNAP) == first[0].rows
    assert _count(scratch_settings, "collector_peers", "ris-collectors-20230801") == first[1].rows
    assert len(open_store(scratch_settings).datasets()) == 2


def test_changed_file_replaces_the_dataset_rows(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "d", tmp_path / "c", _mini_mirror(tmp_path / "m", [
        "# comment", "1|2|-1", "1|3|-1", "2|3|0"]))
    assert fetch(settings, [SNAP])[0].rows == 3
    _mini_mirror(tmp_path / "m", ["7|8|-1", "8|9|0"])
    assert fetch(settings, [SNAP])[0].status == "loaded"
    links = open_store(settings).links(SNAP).to_pylist()
    assert sorted((r["as1"], r["as2"], r["rel"]) for r in links) == [(7, 8, -1), (8, 9, 0)]
    files = list((settings.parquet_dir / "as_links").iterdir())
    assert len(files) == 1, "the superseded Parquet file is removed"


@pytest.mark.parametrize(
    ("name", "bad", "line"),
    [
        ("truncated", None, None),
        ("non-numeric ASN", ["1|2|-1", "1|x3|-1"], 2),
        ("wrong column count", ["1|2|-1", "5|6|0", "1|2"], 3),
    ],
)
def test_bad_file_names_file_and_keeps_previous_state(
    tmp_path: Path, mirror: Path, name: str, bad: list[str] | None, line: int | None
) -> None:
    good_mirror = tmp_path / "good"
    (good_mirror / SNAP_PATH).parent.mkdir(parents=True)
    shutil.copy(mirror / SNAP_PATH, good_mirror / SNAP_PATH)
    settings = Settings(tmp_path / "d", tmp_path / "c", good_mirror)
    before = fetch(settings, [SNAP])[0]

    bad_mirror = tmp_path / "bad"
    if bad is None:  # the real file cut at half its compressed size
        raw = (mirror / SNAP_PATH).read_bytes()
        (bad_mirror / SNAP_PATH).parent.mkdir(parents=True)
        (bad_mirror / SNAP_PATH).write_bytes(raw[: len(raw) // 2])
    else:
        _mini_mirror(bad_mirror, bad)
    bad_settings = Settings(settings.data_dir, settings.cache_dir, bad_mirror)
    with pytest.raises(DataFormatError) as info:
        fetch(bad_settings, [SNAP])
    assert str(bad_mirror / SNAP_PATH) in str(info.value)
    if line is not None:
        assert info.value.line == line
    rec = open_store(settings).dataset(SNAP)
    assert (rec.sha256, rec.rows) == (before.sha256, before.rows)
    assert _count(settings, "as_links", SNAP) == before.rows


def test_unknown_dataset_name(scratch_settings: Settings) -> None:
    with pytest.raises(DatasetMissingError, match="unknown dataset 'nope'"):
        fetch(scratch_settings, ["nope"])


def test_reading_before_fetch_is_a_clear_error(scratch_settings: Settings) -> None:
    with pytest.raises(DatasetMissingError, match="no data loaded yet"):
        open_store(scratch_settings)


def test_date_selects_the_as_rel_snapshot_in_force() -> None:
    # 2011-03-01: 2010-01-01 is the latest on or before it (2012-01-01 is nearer, 306
    # days against 424, but lies after it).
    rels = [s.name for s in select_specs(on=date(2011, 3, 1)) if s.kind == "as-rel"]
    assert rels == ["caida-as-rel-20100101"]
    # every kind follows the same rule: ip-location-db (2026-06-17) and the RIR files
    # (2018-10-13) are not in force on 2011-03-01, so they are not taken
    assert [s.name for s in select_specs(on=date(2011, 3, 1))] == ["caida-as-rel-20100101"]
    on_2019 = [s.name for s in select_specs(on=date(2019, 1, 1))]
    assert "rir-ripencc-20181013" in on_2019 and "ip-location-db-asn-ipv4" not in on_2019
    # 2021-06-01: 2018-01-01; 2025-09-01 itself: the serial-2 snapshot of that day.
    rels = [s.name for s in select_specs(on=date(2021, 6, 1)) if s.kind == "as-rel"]
    assert rels == ["caida-as-rel-20180101"]
    rels = [s.name for s in select_specs(on=date(2025, 9, 1)) if s.kind == "as-rel"]
    assert rels == ["caida-as-rel2-20250901"]


def test_date_before_every_snapshot_is_an_error() -> None:
    with pytest.raises(DatasetMissingError, match="on or before 2001-12-31.*2002-01-01"):
        select_specs(on=date(2001, 12, 31))
