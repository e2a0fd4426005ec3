"""Torn and corrupt MRT input: every whole record is kept, the damage is named by offset.

Fixtures are cut from a real mirror file inside the test; where each is broken is computed
from the record headers (12-byte MRT header, big-endian length at bytes 8-11).
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crossroads.errors import CrossroadsError, DataFormatError
from crossroads.sources._open import read_all
from crossroads.sources.mrt import iter_mrt_batches, parse_mrt, read_mrt
from crossroads.sources.mrt.ingest import parse_files

NAME = "updates.20071015.1505.gz"


def _record_starts(data: bytes) -> list[int]:
    starts, o = [], 0
    while o + 12 <= len(data):
        starts.append(o)
        o += 12 + struct.unpack_from(">I", data, o + 8)[0]
    return starts


def _rows_before(data: bytes, n_records: int) -> int:
    return parse_mrt(data[: _record_starts(data)[n_records]]).num_rows


def test_truncated_inside_a_record(mirror: Path, tmp_path: Path) -> None:
    data = read_all(mirror / "mrt" / NAME)
    starts = _record_starts(data)
    cut = starts[1000] + 30  # 30 bytes into record 1000
    f = tmp_path / "torn.mrt"
    f.write_bytes(data[:cut])
    rows = 0
    with pytest.raises(DataFormatError) as err:
        for batch in iter_mrt_batches(f):
            rows += batch.num_rows
    assert err.value.offset == starts[1000]
    assert "MRT record 1000 is truncated" in str(err.value)
    assert rows == _rows_before(data, 1000)


def test_truncated_gzip_keeps_whole_records(mirror: Path, tmp_path: Path) -> None:
    raw = (mirror / "mrt" / NAME).read_bytes()
    f = tmp_path / "torn.gz"
    f.write_bytes(raw[: len(raw) // 2])
    rows = 0
    with pytest.raises(DataFormatError) as err:
        for batch in iter_mrt_batches(f):
            rows += batch.num_rows
    assert "gzip stream is truncated" in str(err.value)
    data = read_all(mirror / "mrt" / NAME)
    rec = int(str(err.value).split("MRT record ")[1].split()[0])
    # the offset is that record's start, and every record before it was read
    assert err.value.offset == _record_starts(data)[rec]
    assert rec > 100 and rows == _rows_before(data, rec)


def test_corrupt_record_in_the_middle(mirror: Path, tmp_path: Path) -> None:
    data = bytearray(read_all(mirror / "mrt" / NAME))
    starts = _record_starts(bytes(data))
    # BGP4MP_MESSAGE_AS4 over IPv4: marker at 12 + 4 + 4 + 2 + 2 + 4 + 4 = 32 bytes in
    sub = struct.unpack_from(">H", data, starts[500] + 6)[0]
    afi = struct.unpack_from(">H", data, starts[500] + 12 + (10 if sub == 4 else 6))[0]
    assert (sub, afi) in ((4, 1), (1, 1))
    data[starts[500] + 12 + (20 if sub == 4 else 16)] = 0  # break the marker
    f = tmp_path / "corrupt.gz"
    f.write_bytes(gzip.compress(bytes(data)))
    with pytest.raises(DataFormatError, match="record 500 is damaged: BGP message marker"):
        read_mrt(f)
    out = tmp_path / "out"
    with pytest.raises(CrossroadsError, match="record 500"):
        parse_files([f], out)
    assert not (out / "corrupt.gz.parquet").exists()  # never the final name: marked partial
    written = pq.read_table(out / "corrupt.gz.partial.parquet")
    assert written.num_rows == _rows_before(bytes(data), 500)
    meta = pq.read_metadata(out / "corrupt.gz.partial.parquet").metadata
    assert b"record 500" in meta[b"crossroads:damage"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp file left


def test_cli_exits_2_with_one_line(mirror: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from crossroads.cli import main

    data = read_all(mirror / "mrt" / NAME)
    f = tmp_path / "torn.mrt"
    f.write_bytes(data[: len(data) - 7])
    with pytest.raises(SystemExit) as ex:
        main(["mrt", "parse", str(f), "--out", str(tmp_path / "o"), "--json"])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert "torn.mrt" in err and "byte offset" in err and "truncated" in err


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="file not found"):
        read_mrt(tmp_path / "nope.gz")
