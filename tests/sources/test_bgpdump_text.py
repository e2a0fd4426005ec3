"""``bgpdump -m`` reader: the RouteViews RIB of the mirror, hand-made updates, bad lines."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from crossroads.errors import DataFormatError
from crossroads.sources.bgpdump_text import (
    clean_path,
    clean_paths,
    iter_bgpdump,
    parse_bgpdump,
    read_bgpdump,
)

RIB = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"


@pytest.fixture(scope="module")
def rib(mirror: Path) -> pa.Table:
    return read_bgpdump(mirror / RIB)


@pytest.fixture(scope="module")
def raw(mirror: Path) -> list[list[str]]:
    with gzip.open(mirror / RIB, "rt") as f:
        return [line.rstrip("\n").split("|") for line in f]


@pytest.mark.slow
def test_rib_counts_match_raw_file(rib: pa.Table, raw: list[list[str]]) -> None:
    assert rib.num_rows == len(raw) == 641_957
    assert pc.count_distinct(rib.column("prefix")).as_py() == len({r[5] for r in raw}) == 323_487
    peers = {(r[3], int(r[4])) for r in raw}
    assert len(peers) == 5
    assert set(zip(rib.column("peer_ip").to_pylist(), rib.column("peer_asn").to_pylist(),
                   strict=True)) == peers
    assert Counter(rib.column("origin").to_pylist()) == Counter(r[7] for r in raw)
    with_set = [r for r in raw if "{" in r[6]]
    assert pc.sum(rib.column("has_as_set")).as_py() == len(with_set) == 123


@pytest.mark.slow
def test_paths_match_raw_file(rib: pa.Table, raw: list[list[str]]) -> None:
    # Plain paths: the numbers in order. Paths with "{...}": sequence before, set members.
    sample = range(0, len(raw), 997)
    got_paths = rib.column("as_path").take(list(sample)).to_pylist()
    for k, i in enumerate(sample):
        text = raw[i][6]
        seq = text.split("{")[0].split()
        assert got_paths[k] == [int(a) for a in seq]
    sets = rib.filter(rib.column("has_as_set"))
    raw_sets = [r for r in raw if "{" in r[6]]
    assert sets.column("as_set").to_pylist() == [
        [int(a) for a in r[6].split("{")[1].rstrip("}").split(",")] for r in raw_sets]
    assert sets.column("origin_asn").null_count == sets.num_rows  # ends in a set
    # Prepending: entries whose path repeats an AS back to back.
    def repeats(tokens: list[str]) -> bool:
        return any(tokens[k] == tokens[k + 1] for k in range(len(tokens) - 1))

    prepended = sum(1 for r in raw if repeats(r[6].split()))
    lengths = pc.list_value_length(rib.column("as_path"))
    cleaned = pc.list_value_length(clean_paths(rib.column("as_path")))
    assert pc.sum(pc.not_equal(lengths, cleaned)).as_py() == prepended > 1000


def test_batches_stream(mirror: Path, rib: pa.Table) -> None:
    batches = iter_bgpdump(mirror / RIB, batch_size=50_000)
    first, second = next(batches), next(batches)  # read lazily: the rest stays unread
    assert (first.num_rows, second.num_rows) == (50_000, 50_000)
    assert second.column("prefix").to_pylist() == rib.column("prefix")[50_000:100_000].to_pylist()


def test_updates_withdrawals_state_and_et_timestamps() -> None:
    lines = [
        b"BGP4MP_ET|1471012345.123456|A|2001:db8::1|64500|2a00:1d38::/32|64500 9198 "
        b"(65001 65002) 35104 35104|IGP|2001:db8::1|100|5|64500:1 64500:2|AG|64500 10.0.0.1|",
        b"BGP4MP|1471012346|STATE|2001:db8::1|64500|3|6",
        b"BGP4MP|1471012347|W|2001:db8::1|64500|2a00:1d38::/32",
        b"",
        b"TABLE_DUMP|1000|B|10.0.0.1|64501|10.0.0.0/8|64501 {7,8} 9|EGP|10.0.0.1|0|0||NAG|",
    ]
    [batch] = parse_bgpdump(list(enumerate(lines, start=1)))
    rows = batch.to_pylist()
    assert len(rows) == 3  # STATE and the blank line carry no route
    a, w, b = rows
    assert int(a["timestamp"].timestamp()) == 1471012345
    assert a["as_path"] == [64500, 9198, 35104, 35104]  # confederation segment left out
    assert a["origin_asn"] == 35104 and a["as_set"] == [] and not a["has_as_set"]
    assert (a["local_pref"], a["med"], a["communities"]) == (100, 5, "64500:1 64500:2")
    assert w["entry_type"] == "W" and w["as_path"] == [] and w["as_path_text"] is None
    assert w["origin"] is None and w["origin_asn"] is None
    # a set in the middle: the sequence skips it, the origin is the last sequence AS
    assert b["as_path"] == [64501, 9] and b["as_set"] == [7, 8] and b["origin_asn"] == 9


def test_clean_path() -> None:
    assert clean_path(np.array([1, 1, 2, 2, 2, 1, 3], np.uint32)).tolist() == [1, 2, 1, 3]
    assert clean_path(np.array([], np.uint32)).tolist() == []
    paths = pa.array([[1, 1, 2], [], [2, 2], [2, 3, 3]], pa.list_(pa.uint32()))
    # [2, 2] after [1, 1, 2]: the runs do not join across paths
    assert clean_paths(paths).to_pylist() == [[1, 2], [], [2], [2, 3]]


GOOD = b"TABLE_DUMP2|1|B|10.0.0.1|64500|10.0.0.0/8|64500 7|IGP|10.0.0.1|0|0||NAG||"


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (b"TABLE_DUMP2|1|B|10.0.0.1|64500|10.0.0.0/8|64500 7|IGP", "found 8"),
        (GOOD.replace(b"|64500|", b"|AS64500|"), "not an AS number"),
        (GOOD.replace(b"64500 7", b"64500 x7"), "not an AS number in the AS path"),
        (GOOD.replace(b"64500 7", b"64500 {7,8"), "unclosed"),
        (GOOD.replace(b"10.0.0.0/8", b"10.0.0.0/33"), "prefix length out of range"),
        (GOOD.replace(b"10.0.0.0/8", b"10.0.0/8"), "not an IPv4 address"),
        (GOOD.replace(b"10.0.0.0/8", b"2001:db8:::/32"), "not an IPv6 address"),
        (GOOD.replace(b"|10.0.0.1|64500", b"|10.0.0.300|64500"), "not an IPv4 address"),
        (GOOD.replace(b"TABLE_DUMP2", b"TABLE_DUMP9"), "unknown record"),
        (GOOD.replace(b"|1|B|", b"|1|Q|"), "unknown type"),
        (GOOD.replace(b"|1|B|", b"|yesterday|B|"), "not a Unix timestamp"),
    ],
)
def test_bad_lines_name_file_and_line(line: bytes, needle: str) -> None:
    with pytest.raises(DataFormatError) as err:
        list(parse_bgpdump([(1, GOOD), (2, GOOD), (3, line)], path="rib.txt"))
    assert err.value.line == 3 and needle in str(err.value)
    assert str(err.value).startswith("rib.txt, line 3: ")


def test_truncated_gz(mirror: Path, tmp_path: Path) -> None:
    data = (mirror / RIB).read_bytes()
    cut = tmp_path / "rib.gz"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(DataFormatError, match="truncated or corrupt") as err:
        for _ in iter_bgpdump(cut):
            pass
    assert err.value.path == str(cut) and err.value.line > 100_000
