"""Optional catalogue entries (CAIDA as-org, RouteViews pfx2as, PeeringDB): skipped when a
mirror lacks them, loaded when it has them, and the as-org name rule of ``as_info``.

Every file here is hand-made in its publisher's format (``tests/sources/fixtures``) and
served through a fake mirror laid out as the catalogue says.
"""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest

from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.metrics.inventory import as_summary
from crossroads.sources.catalog import by_name
from crossroads.store import _plan as plan_module
from crossroads.store import fetch, open_store

FIXTURES = Path(__file__).resolve().parents[1] / "sources" / "fixtures"
REL = "caida-as-rel-20020101"
ILDB = "ip-location-db-asn-ipv4"
ORG = "caida-as-org-20250701"
PFX4, PFX6 = "caida-pfx2as-v4-20241101", "caida-pfx2as-v6-20241101"
PDB = "peeringdb-20241101"
OPTIONAL = (ORG, PFX4, PFX6, PDB)

# AS1 is a provider of AS9198, which is a provider of AS29355; AS6939 peers with AS9198.
AS_REL = "# hand-made\n1|9198|-1\n9198|29355|-1\n6939|9198|0\n"
# Names that differ from the as-org fixture's, so the rule's choice is visible.
ASN_IPV4 = (
    "2.72.0.0,2.79.255.255,9198,Kazakhtelecom (ILDB)\n"
    "5.250.128.0,5.250.255.255,29355,KCELL (ILDB)\n"
    "64.62.128.0,64.62.255.255,6939,Hurricane (ILDB)\n"
)


def _put(mirror: Path, name: str, data: bytes) -> None:
    path = mirror / by_name(name).mirror_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _required_mirror(root: Path) -> Path:
    _put(root, REL, bz2.compress(AS_REL.encode()))
    _put(root, ILDB, gzip.compress(ASN_IPV4.encode()))
    return root


def _add_optional(mirror: Path) -> None:
    _put(mirror, ORG, gzip.compress((FIXTURES / "20240101.as-org2info.jsonl").read_bytes()))
    lines = (FIXTURES / "routeviews-rv2-20240101.pfx2as").read_text().splitlines()
    _put(mirror, PFX4, gzip.compress("".join(f"{x}\n" for x in lines if ":" not in x).encode()))
    _put(mirror, PFX6, gzip.compress("".join(f"{x}\n" for x in lines if ":" in x).encode()))
    _put(mirror, PDB, (FIXTURES / "peeringdb_2_dump_2024_11_01.json").read_bytes())


@pytest.fixture()
def small_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default fetch limited to the two required files above and the optional four."""
    monkeypatch.setattr(plan_module, "DEFAULT_FETCH", (REL, ILDB, *OPTIONAL))


def _names(settings: Settings) -> dict[int, tuple[str | None, str | None]]:
    rows = open_store(settings).query("SELECT asn, name, name_source FROM as_info").to_pylist()
    return {r["asn"]: (r["name"], r["name_source"]) for r in rows}


def test_default_fetch_skips_optional_files_the_mirror_lacks(
    tmp_path: Path, small_catalogue: None
) -> None:
    mirror = _required_mirror(tmp_path / "m")
    settings = Settings(tmp_path / "d", tmp_path / "c", mirror)
    results = {r.name: r for r in fetch(settings)}
    assert {n: r.status for n, r in results.items()} == {
        REL: "loaded", ILDB: "loaded", **dict.fromkeys(OPTIONAL, "skipped")}
    note = results[PDB].note
    assert "not in mirror" in note and by_name(PDB).mirror_path in note
    assert results[PDB].source == by_name(PDB).url and results[PDB].rows == 0
    assert [d.name for d in open_store(settings).datasets()] == [REL, ILDB]  # by kind
    # no as-org loaded: names come from ip-location-db; AS1 originates nothing, so none.
    assert _names(settings) == {
        1: (None, None),
        6939: ("Hurricane (ILDB)", "ip-location-db"),
        9198: ("Kazakhtelecom (ILDB)", "ip-location-db"),
        29355: ("KCELL (ILDB)", "ip-location-db"),
    }


def test_optional_files_in_the_mirror_are_loaded(tmp_path: Path, small_catalogue: None) -> None:
    mirror = _required_mirror(tmp_path / "m")
    settings = Settings(tmp_path / "d", tmp_path / "c", mirror)
    fetch(settings)
    _add_optional(mirror)
    results = {r.name: r for r in fetch(settings)}
    assert {n: r.status for n, r in results.items()} == {
        REL: "unchanged", ILDB: "unchanged", **dict.fromkeys(OPTIONAL, "loaded")}
    store = open_store(settings)

    # as-org fixture: 5 ASes (1, 4, 9198, 29355, 50482), each joined to its org.
    orgs = {r["asn"]: r for r in store.as_orgs().to_pylist()}
    assert sorted(orgs) == [1, 4, 9198, 29355, 50482]
    assert (orgs[9198]["org_name"], orgs[9198]["country"]) == ("JSC Kazakhtelecom", "KZ")
    assert orgs[4]["org_name"] is None  # its organisation's name is empty in the file
    assert results[ORG].rows == 5

    # as_info: as-org's organisation name wins; ip-location-db only where as-org has none;
    # AS4 and AS50482 are in as-org only, which adds no AS to the table.
    assert _names(settings) == {
        1: ("Level 3 Parent, LLC", "caida-as-org"),
        6939: ("Hurricane (ILDB)", "ip-location-db"),
        9198: ("JSC Kazakhtelecom", "caida-as-org"),
        29355: ("Kcell JSC", "caida-as-org"),
    }

    # the AS view names its source dataset with the name
    summary = as_summary(open_store(settings), 9198)
    assert summary.name == "JSC Kazakhtelecom" and ORG in {d.dataset for d in summary.datasets}

    # pfx2as fixture: 6 IPv4 lines, 3 IPv6 lines, both files current (same date).
    assert (store.pfx2as().num_rows, store.pfx2as(6).num_rows) == (9, 3)
    moas = store.pfx2as(4).filter(store.pfx2as(4).column("is_moas")).to_pylist()
    assert [(r["prefix"], r["origin_asns"]) for r in moas] == [
        ("5.34.0.0/17", [9198, 50482]), ("45.8.0.0/22", [206026, 21299, 3216])]

    # PeeringDB fixture: 2 exchanges, 3 prefixes, 4 ports, 1 facility (Almaty DC-1) and no
    # network at a facility (see the fixtures README).
    tables = ("ix", "ixpfx", "netixlan", "fac", "netfac")
    assert [store.peeringdb(t).num_rows for t in tables] == [2, 3, 4, 1, 0]
    assert results[PDB].rows == 2 + 3 + 4 + 1
    kazix = store.query(
        "SELECT list_sort(list(asn)) AS asns, sum(speed_mbps) AS mbps FROM pdb_netixlan "
        "WHERE ix_id = 1").to_pylist()
    assert kazix == [{"asns": [6939, 9198, 29355], "mbps": 21_000}]


def test_an_optional_file_named_explicitly_must_be_in_the_mirror(tmp_path: Path) -> None:
    mirror = _required_mirror(tmp_path / "m")
    settings = Settings(tmp_path / "d", tmp_path / "c", mirror)
    with pytest.raises(DatasetMissingError, match="peeringdb_2_dump_2024_11_01.json") as info:
        fetch(settings, [PDB])
    assert by_name(PDB).url in str(info.value.hint)
