"""CAIDA as-rel and as-org readers: real mirror files, hand-made as-org files, bad input."""

from __future__ import annotations

import bz2
from collections import Counter
from pathlib import Path

import pytest

from crossroads.errors import DataFormatError
from crossroads.sources.caida import (
    asn_orgs,
    parse_as_org,
    parse_as_rel,
    read_as_org,
    read_as_rel,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _raw_links(path: Path) -> list[list[str]]:
    """The data lines of an as-rel file, split by plain Python (the independent answer)."""
    with bz2.open(path, "rt") as f:
        return [line.rstrip("\n").split("|") for line in f if not line.startswith("#")]


@pytest.mark.slow
def test_serial2_matches_raw_file(mirror: Path) -> None:
    path = mirror / "caida/20250901.as-rel2.txt.bz2"
    raw = _raw_links(path)
    table = read_as_rel(path)
    assert table.num_rows == len(raw) == 570_696  # the README's count, re-derived
    assert Counter(table.column("rel").to_pylist()) == Counter(int(r[2]) for r in raw)
    assert Counter(table.column("source").to_pylist()) == Counter(r[3] for r in raw)
    # AS9198's providers (lines "P|9198|-1|src") and peers, from the raw lines.
    providers = {int(r[0]) for r in raw if r[1] == "9198" and r[2] == "-1"}
    peers = {int(r[0]) for r in raw if r[1] == "9198" and r[2] == "0"}
    peers |= {int(r[1]) for r in raw if r[0] == "9198" and r[2] == "0"}
    as1, as2 = table.column("as1").to_numpy(), table.column("as2").to_numpy()
    rows = table.take(((as1 == 9198) | (as2 == 9198)).nonzero()[0]).to_pylist()
    assert {r["as1"] for r in rows if r["as2"] == 9198 and r["rel"] == -1} == providers
    got_peers = {r["as1"] for r in rows if r["as2"] == 9198 and r["rel"] == 0}
    got_peers |= {r["as2"] for r in rows if r["as1"] == 9198 and r["rel"] == 0}
    assert got_peers == peers and providers
    ases = {int(x) for r in raw for x in r[:2]}
    assert len(ases) == 78_643


@pytest.mark.parametrize("year", [2002, 2010, 2018])
def test_serial1_matches_raw_file(mirror: Path, year: int) -> None:
    path = mirror / f"caida/serial-1/{year}0101.as-rel.txt.bz2"
    raw = _raw_links(path)
    table = read_as_rel(path)
    assert table.num_rows == len(raw)
    assert table.column("source").null_count == table.num_rows
    assert table.column("as1").to_pylist()[:50] == [int(r[0]) for r in raw[:50]]
    assert sum(table.column("rel").to_pylist()) == sum(int(r[2]) for r in raw)


def _lines(*lines: bytes) -> list[tuple[int, bytes]]:
    return list(enumerate(lines, start=1))


@pytest.mark.parametrize(
    ("lines", "line", "needle"),
    [
        ((b"# c", b"1|2|-1|bgp", b"2|3|0"), 3, "expected 4 fields, found 3"),
        ((b"1|2|-1", b"2|3|0|x|y"), 2, "expected 3 fields, found 5"),
        ((b"1|2|-1|bgp", b"AS7|3|0|bgp"), 2, "not an AS number"),
        ((b"1|2|-1|bgp", b"1|4294967296|0|bgp"), 2, "not an AS number"),
        ((b"1|2|-1|bgp", b"2|3|1|bgp"), 2, "relationship code"),
        ((b"1|2|-1|bgp", b"2|3|p2c|bgp"), 2, "not a relationship code"),
        ((b"1",), 1, "expected 3 or 4 fields"),
    ],
)
def test_as_rel_bad_lines_name_file_and_line(
    lines: tuple[bytes, ...], line: int, needle: str
) -> None:
    with pytest.raises(DataFormatError) as err:
        parse_as_rel(_lines(*lines), path="x.as-rel2.txt")
    assert err.value.line == line
    assert needle in str(err.value) and f"x.as-rel2.txt, line {line}" in str(err.value)


def test_as_rel_bad_line_deep_in_a_batch(tmp_path: Path) -> None:
    # 70,000 good lines then a bad one: the error must still name line 70,001.
    body = b"".join(b"%d|%d|-1|bgp\n" % (i, i + 1) for i in range(1, 70_001)) + b"7|x|0|bgp\n"
    path = tmp_path / "big.as-rel2.txt"
    path.write_bytes(body)
    with pytest.raises(DataFormatError, match=r"big.as-rel2.txt, line 70001: not an AS number"):
        read_as_rel(path)


def test_truncated_bz2_names_file_and_line(mirror: Path, tmp_path: Path) -> None:
    data = (mirror / "caida/20250901.as-rel2.txt.bz2").read_bytes()
    cut = tmp_path / "cut.as-rel2.txt.bz2"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError) as err:
        read_as_rel(cut)
    assert err.value.path == str(cut) and err.value.line is not None
    assert "truncated or corrupt" in str(err.value)


# --- as-org -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["20240101.as-org2info.txt", "20240101.as-org2info.jsonl"])
def test_as_org_both_forms_read_alike(name: str) -> None:
    # The two fixtures hold the same 4 orgs and 5 ASes (see fixtures/README.md).
    orgs, asns = read_as_org(FIXTURES / name)
    assert orgs.num_rows == 4 and asns.num_rows == 5
    assert asns.column("asn").to_pylist() == [1, 4, 9198, 29355, 50482]
    kt = [r for r in orgs.to_pylist() if r["org_id"] == "ORG-KT1-RIPE"]
    assert kt == [{"org_id": "ORG-KT1-RIPE", "changed": "20231110",
                               "name": "JSC Kazakhtelecom", "country": "KZ", "source": "RIPE"}]
    by_asn = {r["asn"]: r for r in asns.to_pylist()}
    assert by_asn[4]["opaque_id"] is None  # empty in the file
    assert by_asn[50482]["org_id"] == by_asn[9198]["org_id"] == "ORG-KT1-RIPE"
    joined = {r["asn"]: (r["org_name"], r["country"]) for r in asn_orgs(orgs, asns).to_pylist()}
    assert joined[29355] == ("Kcell JSC", "KZ")
    assert joined[4] == (None, "US")  # the org exists but its name is empty


def test_as_org_old_format_without_opaque_id_asn_section_first() -> None:
    orgs, asns = read_as_org(FIXTURES / "20100101.as-org2info.txt")
    assert asns.to_pylist()[1] == {"asn": 9198, "changed": "20090406",
                                   "as_name": "KAZTELECOM-AS", "org_id": "ORG-KT1-RIPE",
                                   "opaque_id": None, "source": "RIPE"}
    assert orgs.column("country").to_pylist() == ["US", "KZ"]


@pytest.mark.parametrize(
    ("lines", "line", "needle"),
    [
        ((b"1|2020|X|O|RIPE",), 1, "before any '# format:' line"),
        ((b"# format:org_id|changed|org_name|country|source", b"O|2020|N|KZ"), 2,
         "expected 5 fields, found 4"),
        ((b"# format:aut|changed|aut_name|org_id|opaque_id|source", b"AS1|2020|N|O||RIPE"), 2,
         "not an AS number"),
        ((b'{"asn":"x1","type":"ASN"}',), 1, "not an AS number"),
        ((b'{"type":"Person"}',), 1, "unknown record type"),
        ((b'{"asn":"1",',), 1, "invalid JSON"),
    ],
)
def test_as_org_bad_lines(lines: tuple[bytes, ...], line: int, needle: str) -> None:
    with pytest.raises(DataFormatError) as err:
        parse_as_org(_lines(*lines), path="org.txt")
    assert err.value.line == line and needle in str(err.value)
