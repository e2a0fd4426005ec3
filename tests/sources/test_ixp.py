"""CAIDA IXP reader: the mirror's ixs file and broken lines."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pytest

from crossroads.errors import DataFormatError
from crossroads.sources.ixp import parse_caida_ixs, read_caida_ixs

IXS = "ixp/caida-ixs-202410.jsonl"


def _records(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if not line.startswith("#")]


def test_ixs_match_raw_file(mirror: Path) -> None:
    raw = _records(mirror / IXS)
    table = read_caida_ixs(mirror / IXS)
    assert table.num_rows == len(raw) == 1572
    assert table.column("ix_id").to_pylist() == [r["ix_id"] for r in raw]
    assert table.column("pdb_id").null_count == sum(1 for r in raw if "pdb_id" not in r)
    n_v4 = sum(len(r["prefixes"]["ipv4"]) for r in raw)
    assert pc.sum(pc.list_value_length(table.column("prefixes_v4"))).as_py() == n_v4
    kz_raw = sorted(r["name"] for r in raw if r.get("country") == "KZ")
    kz = table.filter(pc.equal(table.column("country"), "KZ"))
    assert sorted(kz.column("name").to_pylist()) == kz_raw and len(kz_raw) == 4
    kaz_ix = [r for r in kz.to_pylist() if r["name"] == "KAZ-IX"][0]
    assert kaz_ix["prefixes_v4"] == ["195.2.230.0/24", "185.0.22.0/24"]
    assert kaz_ix["prefixes_v6"] == ["2001:7f8:31::/64"] and kaz_ix["pdb_id"] == 334


def test_list_valued_country_keeps_codes_only(mirror: Path) -> None:
    table = read_caida_ixs(mirror / IXS)
    rows = {r["ix_id"]: r for r in table.to_pylist()}
    assert rows[1095]["countries"] == ["LI", "NL"] and rows[1095]["country"] == "LI"
    assert rows[160]["countries"] == ["CG"]  # the file has ["CG", "Republic of Congo"]
    assert rows[365]["region"] == "Latin America"  # ["Latin America", "South America"]


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (b'{"ix_id": 1, "name": "X", "prefixes": {"ipv4": ["10.0.0.0/33"], "ipv6": []}}',
         "not an IP prefix"),
        (b'{"ix_id": 1, "name": "X", "prefixes": {"ipv4": ["2001:db8::/64"], "ipv6": []}}',
         "not an IPv4 prefix"),
        (b'{"ix_id": "one", "name": "X", "prefixes": {}}', "not an integer id"),
        (b'{"name": "X", "prefixes": {}}', "without ix_id"),
        (b'{"ix_id": 1, "name": "X", ', "invalid JSON"),
    ],
)
def test_bad_lines(line: bytes, needle: str) -> None:
    lines = [(1, b"# {}"), (2, b'{"ix_id": 2, "name": "Y", "prefixes": {}}'), (3, line)]
    with pytest.raises(DataFormatError) as err:
        parse_caida_ixs(lines, path="ixs.jsonl")
    assert err.value.line == 3 and needle in str(err.value)
