"""PeeringDB dump reader: the hand-made dump in the real format, a multi-block dump, bad input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from crossroads.errors import DataFormatError
from crossroads.sources.peeringdb import parse_peeringdb, read_peeringdb

FIXTURE = Path(__file__).parent / "fixtures" / "peeringdb_2_dump_2024_11_01.json"


def _dump() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text())


def _parse(dump: object, path: str = "pdb.json") -> dict:
    return parse_peeringdb(io.BytesIO(json.dumps(dump).encode()), path=path)


def test_fixture_exchanges_with_their_organisation() -> None:
    ix = read_peeringdb(FIXTURE)["ix"]
    assert ix.select(["ix_id", "name", "country", "org_name"]).to_pylist() == [
        {"ix_id": 1, "name": "KAZ-IX", "country": "KZ",
         "org_name": "Kazakhstan Internet Exchange Association"},
        {"ix_id": 2, "name": "DE-CIX Frankfurt", "country": "DE",
         "org_name": "DE-CIX Management GmbH"},
    ]


def test_fixture_prefixes_get_their_exchange_through_the_lan() -> None:
    pfx = read_peeringdb(FIXTURE)["ixpfx"]
    # ixpfx 1001/1002 are on ixlan 101 (ix 1), 1003 on ixlan 102 (ix 2).
    assert [(r["ix_id"], r["family"], r["prefix"], r["in_dfz"]) for r in pfx.to_pylist()] == [
        (1, 4, "185.1.61.0/24", True),
        (1, 6, "2001:7f8:d1::/64", True),
        (2, 4, "80.81.192.0/21", False),
    ]


def test_fixture_ports_with_network_names_and_derived_exchange() -> None:
    ports = read_peeringdb(FIXTURE)["netixlan"]
    rows = {r["netixlan_id"]: r for r in ports.to_pylist()}
    assert sorted(rows) == [301, 302, 303, 304]
    # 304 gives no ix_id: its LAN 101 belongs to ix 1.
    assert rows[304]["ix_id"] == 1 and rows[304]["net_name"] == "Hurricane Electric"
    assert rows[301]["ipaddr6"] == "2001:7f8:d1::1" and rows[302]["ipaddr6"] is None
    assert (rows[301]["is_rs_peer"], rows[304]["operational"]) == (True, False)
    # KAZ-IX members: AS9198, AS29355, AS6939 with 10000 + 1000 + 10000 = 21000 Mbit/s.
    at_kazix = [r for r in rows.values() if r["ix_id"] == 1]
    assert {r["asn"] for r in at_kazix} == {9198, 29355, 6939}
    assert sum(r["speed_mbps"] for r in at_kazix) == 21_000


def test_gzipped_dump_reads_the_same(tmp_path: Path) -> None:
    gz = tmp_path / "peeringdb_2_dump_2024_11_01.json.gz"
    gz.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    plain, packed = read_peeringdb(FIXTURE), read_peeringdb(gz)
    assert all(plain[k].equals(packed[k]) for k in ("ix", "ixpfx", "netixlan"))


def test_records_spanning_many_read_blocks(tmp_path: Path) -> None:
    # 20 000 ports (~3 MB of JSON) are cut across several 1 MiB blocks; every one must
    # arrive once: ids 0..19999, ASNs 64512 + i % 1000, speeds 1000 * (i % 3 + 1).
    dump = _dump()
    dump["netixlan"]["data"] = [
        {"id": i, "net_id": 201, "ix_id": 1, "ixlan_id": 101, "asn": 64512 + i % 1000,
         "ipaddr4": f"185.1.61.{i % 250}", "ipaddr6": None, "speed": 1000 * (i % 3 + 1),
         "is_rs_peer": i % 2 == 0, "operational": True, "notes": "x" * 60, "status": "ok"}
        for i in range(20_000)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(dump))
    assert path.stat().st_size > 3 * (1 << 20)
    ports = read_peeringdb(path)["netixlan"]
    assert ports.column("netixlan_id").to_pylist() == list(range(20_000))
    # speeds cycle 1000, 2000, 3000: 6667 + 6667 + 6666 of them.
    assert sum(ports.column("speed_mbps").to_pylist()) == 1000 * 6667 + 2000 * 6667 + 3000 * 6666


@pytest.mark.parametrize(
    ("obj", "index", "field", "value", "needle"),
    [
        ("netixlan", 1, "asn", "AS29355", "netixlan record #1: not an AS number"),
        ("netixlan", 0, "asn", 0, "not an AS number"),
        ("ix", 1, "id", "2", "ix record #1: not a non-negative integer id"),
        ("ixpfx", 2, "prefix", "80.81.192.0/33", "ixpfx record #2: not an IP prefix"),
        ("ixpfx", 0, "protocol", "IPv6", "protocol does not match prefix 185.1.61.0/24"),
        ("netixlan", 3, "is_rs_peer", "yes", "netixlan record #3: not true/false"),
        ("netixlan", 2, "speed", "10G", "not an integer"),
    ],
)
def test_bad_values_name_the_record_and_field(
    obj: str, index: int, field: str, value: object, needle: str
) -> None:
    dump = _dump()
    dump[obj]["data"][index][field] = value
    with pytest.raises(DataFormatError, match=needle) as info:
        _parse(dump)
    assert info.value.path == "pdb.json" and info.value.field == field


def test_truncated_json_is_a_format_error(tmp_path: Path) -> None:
    raw = FIXTURE.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataFormatError, match="invalid JSON: the document ends early") as info:
        read_peeringdb(cut)
    assert str(cut) in str(info.value) and info.value.offset == len(raw) // 2


def test_broken_json_names_the_block_it_is_in() -> None:
    raw = FIXTURE.read_bytes().replace(b'"KAZ-IX"', b'"KAZ-IX" oops', 1)
    with pytest.raises(DataFormatError, match="invalid JSON: in the .* bytes from") as info:
        parse_peeringdb(io.BytesIO(raw), path="pdb.json")
    assert info.value.offset == 0  # the whole 6 kB fixture is one block


def test_truncated_gzip_is_a_format_error(tmp_path: Path) -> None:
    packed = gzip.compress(FIXTURE.read_bytes())
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(DataFormatError, match="truncated or corrupt|invalid JSON") as info:
        read_peeringdb(cut)
    assert str(cut) in str(info.value)


@pytest.mark.parametrize("doc", [{}, [], {"ix": {"data": []}}, {"net": {"data": []}}])
def test_a_document_without_exchanges_is_not_a_dump(doc: object) -> None:
    with pytest.raises(DataFormatError, match="not a PeeringDB dump"):
        _parse(doc)


def test_a_record_that_is_not_an_object() -> None:
    dump = _dump()
    dump["ixlan"]["data"].append([102, 2])
    with pytest.raises(DataFormatError, match="ixlan record #2 is not a JSON object"):
        _parse(dump)
