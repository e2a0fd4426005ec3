"""RIR delegated-extended reader on all five registries' real files, and on bad lines."""

from __future__ import annotations

import datetime as dt
import gzip
from collections import Counter
from pathlib import Path

import pyarrow.compute as pc
import pytest

from crossroads.errors import DataFormatError
from crossroads.sources.rir import (
    asn_registrations,
    ipv4_count,
    ipv6_slash48s,
    parse_delegated,
    read_delegated,
)

RIRS = ["afrinic", "apnic", "arin", "lacnic", "ripencc"]


def _path(mirror: Path, rir: str) -> Path:
    return mirror / f"rir-2018-10-13/delegated-{rir}-extended-20181013.gz"


def _raw(path: Path) -> tuple[list[list[str]], dict[str, int]]:
    """Records and the file's own summary counts, split by plain Python."""
    records, summary = [], {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if not line.startswith("#")]
    for line in lines[1:]:  # lines[0] is the version header
        fields = line.split("|")
        if fields[-1] == "summary":
            summary[fields[2]] = int(fields[4])
        else:
            records.append(fields)
    return records, summary


@pytest.mark.parametrize("rir", RIRS)
def test_counts_match_the_files_own_summary(mirror: Path, rir: str) -> None:
    records, summary = _raw(_path(mirror, rir))
    table = read_delegated(_path(mirror, rir))
    assert table.num_rows == len(records) == sum(summary.values())
    assert dict(Counter(table.column("type").to_pylist())) == summary
    assert set(table.column("registry").to_pylist()) == {rir}
    # ASNs after expansion: the sum of the asn records' counts.
    n_asns = sum(int(r[4]) for r in records if r[2] == "asn")
    assert asn_registrations(table).num_rows == n_asns
    v4 = sum(int(r[4]) for r in records if r[2] == "ipv4")
    assert pc.sum(ipv4_count(table)).as_py() == v4
    v6 = sum(2.0 ** (48 - int(r[4])) for r in records if r[2] == "ipv6")
    assert pc.sum(ipv6_slash48s(table)).as_py() == pytest.approx(v6, rel=1e-12)


def test_kazakhstan_in_ripencc(mirror: Path) -> None:
    records, _ = _raw(_path(mirror, "ripencc"))
    table = read_delegated(_path(mirror, "ripencc"))
    kz_asns = {int(r[3]) + k for r in records if r[1] == "KZ" and r[2] == "asn"
               for k in range(int(r[4]))}
    regs = asn_registrations(table)
    got = set(pc.filter(regs.column("asn"), pc.equal(regs.column("cc"), "KZ")).to_pylist())
    assert got == kz_asns and 9198 in got and len(got) == 139  # grep KZ.asn, expanded
    kt = [r for r in regs.to_pylist() if r["asn"] == 9198]
    assert kt == [{"asn": 9198, "cc": "KZ", "registry": "ripencc",
                   "date": dt.date(1999, 2, 23), "status": "allocated",
                   "opaque_id": "38ea986f-f4b5-4d7d-8415-1ef687deb682"}]
    kz = pc.equal(table.column("cc"), "KZ")
    kz_v4 = sum(int(r[4]) for r in records if r[1] == "KZ" and r[2] == "ipv4")
    assert pc.sum(pc.filter(ipv4_count(table), kz)).as_py() == kz_v4 > 1_000_000


def test_registry_quirks(mirror: Path) -> None:
    afrinic = read_delegated(_path(mirror, "afrinic"))
    zz = afrinic.filter(pc.equal(afrinic.column("cc"), "ZZ"))
    assert zz.num_rows == 3392  # `grep -c '|ZZ|'`: kept as written, date empty -> null
    assert zz.column("date").null_count == zz.num_rows
    arin = read_delegated(_path(mirror, "arin"))
    asn3 = arin.filter(pc.and_(pc.equal(arin.column("type"), "asn"),
                               pc.equal(arin.column("start"), "3"))).to_pylist()
    assert asn3[0]["date"] is None  # written 00000000
    lacnic = read_delegated(_path(mirror, "lacnic"))
    reserved = lacnic.filter(pc.equal(lacnic.column("start"), "24.152.0.0")).to_pylist()
    assert reserved == [{"registry": "lacnic", "cc": None, "type": "ipv4",
                         "start": "24.152.0.0", "value": 32768, "date": None,
                         "status": "reserved", "opaque_id": None}]


def test_non_extended_lines() -> None:
    t = parse_delegated([(1, b"2|arin|20181013|2|19700101|20181013|-0400"),
                         (2, b"arin|US|ipv6|2001:400::|32|19990803|allocated")])
    assert t.to_pylist()[0]["opaque_id"] is None
    assert ipv6_slash48s(t).to_pylist() == [65536.0]
    assert ipv4_count(t).to_pylist() == [None]


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (b"ripencc|KZ|asn|9198|1|19990223", "expected 7 or 8 fields, found 6"),
        (b"ripencc|KZ|asn|AS9198|1|19990223|allocated|x", "not an AS number"),
        (b"ripencc|KZ|ipv4|2.72.0.256|256|20100101|allocated|x", "not an IPv4 address"),
        (b"ripencc|KZ|ipv6|2a00:zz::|29|20100101|allocated|x", "not an IPv6 address"),
        (b"ripencc|KZ|ipv6|2a00::|129|20100101|allocated|x", "value out of range"),
        (b"ripencc|KZ|ipv4|2.72.0.0|0|20100101|allocated|x", "value out of range"),
        (b"ripencc|KZ|ipv4|2.72.0.0|many|20100101|allocated|x", "not an integer"),
        (b"ripencc|KZ|asn6|9198|1|19990223|allocated|x", "unknown record type"),
        (b"ripencc|KZ|asn|9198|1|19992302|allocated|x", "not a YYYYMMDD date"),
    ],
)
def test_bad_lines_name_file_and_line(line: bytes, needle: str) -> None:
    lines = [(1, b"2|ripencc|1|2|19830705|20181013|+0200"),
             (2, b"ripencc|KZ|asn|9198|1|19990223|allocated|x"), (3, line)]
    with pytest.raises(DataFormatError) as err:
        parse_delegated(lines, path="delegated-ripencc")
    assert err.value.line == 3 and needle in str(err.value)
    assert str(err.value).startswith("delegated-ripencc, line 3: ")


def test_truncated_gz(mirror: Path, tmp_path: Path) -> None:
    data = _path(mirror, "ripencc").read_bytes()
    cut = tmp_path / "delegated-ripencc-extended-20181013.gz"
    cut.write_bytes(data[: len(data) - 1000])
    with pytest.raises(DataFormatError, match="truncated or corrupt") as err:
        read_delegated(cut)
    assert err.value.path == str(cut) and err.value.line is not None
