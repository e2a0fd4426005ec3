"""PeeringDB placement on a fixture in the real dump schema; corridor files with errors;
the shipped data's KZ facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.errors import DataFormatError
from crossroads.physical import load_corridors, place_links, presence_from_peeringdb
from crossroads.sources.peeringdb import read_peeringdb

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def presence():
    t = {k: v.to_pandas() for k, v in
         read_peeringdb(FIX / "peeringdb_placement_dump.json").items()}
    return presence_from_peeringdb(t["fac"], t["netfac"], t["ix"], t["netixlan"],
                                   dataset="fixture")


def test_netfac_takes_the_asn_from_net_when_local_asn_is_missing() -> None:
    nf = read_peeringdb(FIX / "peeringdb_placement_dump.json")["netfac"].to_pylist()
    assert {r["netfac_id"]: r["asn"] for r in nf}[7004] == 2914


def test_peeringdb_placements(presence) -> None:
    """9198-3356: both at Equinix FR5 -> Frankfurt only. 9198-6939: Almaty (9198 at
    Almaty DC-1, 6939 on KAZ-IX) and Frankfurt (both on DE-CIX), 1/2 each. 9198-2914:
    no common metro; NTT is present at Hong Kong, one of KZ's hubs -> rule:hub narrowed to
    hong-kong. 9198-12389: their only common place is a deleted facility -> the land-
    neighbour rule. 9198-1299 (absent from PeeringDB): both hubs, 1/2 each."""
    cs = load_corridors()
    p = place_links("KZ", [9198] * 5, [3356, 6939, 2914, 12389, 1299],
                    ["US", "US", "US", "RU", "SE"], cs, presence)
    got = [(q.evidence, sorted((c.where, c.weight) for c in q.candidates)) for q in p]
    assert got == [
        ("peeringdb", [("frankfurt, DE", 1.0)]),
        ("peeringdb", [("almaty, KZ", 0.5), ("frankfurt, DE", 0.5)]),
        ("rule:hub", [("hong-kong", 1.0)]),
        ("rule:land-neighbour", [("border KZ-RU", 1.0)]),
        ("rule:hub", [("frankfurt", 0.5), ("hong-kong", 0.5)]),
    ]
    assert "fac:Equinix FR5" in p[0].detail


@pytest.mark.parametrize(("name", "line", "field", "value"), [
    ("bad_country.csv", 3, "countries", "KZ-EU"),
    ("bad_user_assigned.csv", 3, "countries", "KZ-XA-RU"),
    ("bad_metro.csv", 2, "metros", "nowhere"),
    ("bad_count.csv", 2, "count", "-3"),
])
def test_bad_corridor_files(name: str, line: int, field: str, value: str) -> None:
    with pytest.raises(DataFormatError) as err:
        load_corridors(FIX / name)
    e = err.value
    assert (e.path.endswith(name), e.line, e.field, e.value) == (True, line, field, value)
    # nothing half-loaded: the shipped data still loads whole, without the good first row
    assert "ok1" not in {c.id for c in load_corridors().corridors}


@pytest.mark.parametrize("code", ["AA", "QM", "QZ", "XA", "XX", "XZ", "ZZ"])
def test_user_assigned_codes_are_no_corridor_country(code: str) -> None:
    from crossroads.physical.corridors import parse_corridors

    head = ("id,kind,countries,count,metros,operators,status,year,grade,source_url,"
            "source_title,source_date,note\n")
    row = f"x,border,KZ-{code},1,,,operational,,B,https://example.org/b,t,2025,\n"
    with pytest.raises(DataFormatError) as err:
        parse_corridors(head + row, load_corridors().metros, path="user.csv")
    e = err.value
    assert (e.line, e.field, e.value) == (2, "countries", f"KZ-{code}")
    assert str(e).splitlines()[0] == (f"user.csv, line 2: '{code}' is a user-assigned ISO "
                                      f"3166-1 code, not a territory (field 'countries', "
                                      f"value 'KZ-{code}')")
    # XK is Kosovo (the shipped land borders name it): a corridor country
    ok = parse_corridors(head + row.replace(code, "XK"), load_corridors().metros, path="u")
    assert ok[0].countries == ("KZ", "XK")


def test_bad_corridor_file_in_the_cli_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from crossroads.cli import main

    with pytest.raises(SystemExit) as ex:
        main(["corridors", "KZ", "--corridors", str(FIX / "bad_metro.csv")])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert "bad_metro.csv, line 2" in err and "'metros'" in err


def test_shipped_kz_facts() -> None:
    """ISOC 2025: 17 crossings with RU, 2 with CN, 5 with the other neighbours; every
    detailed row has a source; the Trans-Caspian cable is planned for 2026."""
    cs = load_corridors()
    border = {c.countries[1]: c.count for c in cs.corridors
              if c.kind == "border" and c.countries[0] == "KZ"}
    assert border["RU"] == 17 and border["CN"] == 2
    assert border["KG"] + border["UZ"] + border["TM"] == 5
    tc = cs.by_id("trans-caspian")
    assert (tc.countries, tc.status, tc.year) == (("KZ", "AZ"), "planned", 2026)
    assert all(c.source_url.startswith("http") for c in cs.corridors)
    assert "land-KZ-RU" not in {c.id for c in cs.corridors}  # shadowed by kz-ru-border
    assert {h.metro for h in cs.hubs_of("KZ")} == {"frankfurt", "hong-kong"}
