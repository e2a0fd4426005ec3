"""The three country meanings of ``as_info`` on a hand-made store (answers in comments).

Every AS below exercises one rule of :mod:`crossroads.store._attribution`; addresses are
counted by hand from the ranges.
"""

from __future__ import annotations

import ipaddress
from datetime import date, datetime

import pandas as pd
import pytest

from crossroads.config import Settings
from crossroads.store import open_store
from crossroads.store._asinfo import refresh_as_info
from crossroads.store._db import connect, ensure_schema

DATASETS = [  # name, kind
    ("rir", "rir"), ("asn", "asn-ranges"), ("reg", "country-ranges"), ("geo", "geo-ranges"),
    ("rel", "as-rel"), ("pdb", "peeringdb"), ("so-maj", "state-owned"),
    ("so-min", "state-owned"), ("org", "as-org"),
]
RIR = [  # asn, cc, registry
    (100, "EU", "ripencc"),  # regional code: not a country
    (200, "AU", "apnic"),
    (300, "US", "arin"),
    (400, "AP", "apnic"),    # regional code, originates nothing: no country at all
    (500, "UA", "ripencc"),  # the Uzbektelekom case: a stale registration
    (600, "KZ", "ripencc"),
]
ORIGINS = [  # asn, first, last (IPv4, inclusive)
    (100, "10.0.2.0", "10.0.2.255"),  # 256
    (200, "10.0.0.0", "10.0.0.255"),  # 256
    (500, "10.0.3.0", "10.0.3.255"),  # 256
    (600, "10.0.4.0", "10.0.4.255"),  # 256
]
REG_RANGES = [("10.0.2.0", "10.0.2.255", "NL")]  # AS100's space is NL-registered
GEO_RANGES = [
    ("10.0.2.0", "10.0.2.191", "DE"),    # AS100: DE 192 of 256
    ("10.0.2.192", "10.0.2.255", "FR"),  #        FR 64
    ("10.0.0.0", "10.0.0.111", "HK"),    # AS200: HK 112 of 256 (no majority)
    ("10.0.0.112", "10.0.0.191", "CN"),  #        CN 80
    ("10.0.0.192", "10.0.0.255", "SG"),  #        SG 64
    ("10.0.3.0", "10.0.3.255", "UZ"),    # AS500: UZ 256
    ("10.0.4.0", "10.0.4.255", "EU"),    # AS600: a regional code, not a location
]
FACILITIES = [(1, "DE", "ok"), (2, "DE", "ok"), (3, "NL", "ok"), (4, "GB", "deleted")]
NETFAC = [(300, 1), (300, 2), (300, 3), (300, 4)]  # AS300: DE 2, NL 1 (GB deleted)
STATE_OWNED = [  # dataset, asn, conglomerate, ownership, cc
    ("so-maj", 200, "CN-TELECOM", "majority", "CN"),
    ("so-maj", 500, "UZ-UZBEKTELECOM", "majority", "UZ"),
    ("so-min", 600, "AE-ETISALAT", "minority", "AE"),  # a minority stake: no control
]
AS_ORG = [(100, "Org F", "FR"), (200, "Org H", "HK")]  # state ownership outranks AS200's


def _v4(ip: str) -> int:
    return int(ipaddress.IPv4Address(ip))


@pytest.fixture(scope="module")
def info(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    root = tmp_path_factory.mktemp("attribution")
    settings = Settings(root / "d", root / "c", None)
    now = datetime(2026, 1, 1)
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        for name, kind in DATASETS:
            con.execute("INSERT INTO datasets VALUES (?, ?, 'test', ?, ?, ?, 0, ?, [])",
                        [name, kind, date(2025, 1, 1), name, now, now])
        for asn, cc, registry in RIR:
            con.execute("INSERT INTO rir_asns VALUES ('rir', ?, ?, ?, NULL, 'allocated', NULL)",
                        [asn, cc, registry])
        for asn, s, e in ORIGINS:
            con.execute("INSERT INTO ip_ranges VALUES ('asn', 4, ?, ?, ?, ?, ?, 'x', ?)",
                        [s, e, _v4(s), _v4(e), asn, _v4(e) - _v4(s) + 1])
        for ds, kind, rows in (("reg", "registration", REG_RANGES), ("geo", "geo", GEO_RANGES)):
            for s, e, cc in rows:
                con.execute("INSERT INTO country_ranges VALUES (?, ?, 4, ?, ?, ?, ?, ?, 0)",
                            [ds, kind, s, e, _v4(s), _v4(e), cc])
        for fac, cc, status in FACILITIES:
            con.execute("INSERT INTO pdb_fac VALUES ('pdb', ?, 'f', 'c', ?, 0, 0, 1, 'o', ?)",
                        [fac, cc, status])
        for i, (asn, fac) in enumerate(NETFAC):
            con.execute("INSERT INTO pdb_netfac VALUES ('pdb', ?, 9, ?, ?, 'ok')", [i, fac, asn])
        for ds, asn, group, kind, cc in STATE_OWNED:
            con.execute("INSERT INTO state_owned_ases VALUES (?, ?, ?, 'n', ?, NULL, ?, NULL, "
                        "'s', 'u')", [ds, asn, group, kind, cc])
        for asn, org, cc in AS_ORG:
            con.execute("INSERT INTO as_orgs VALUES ('org', ?, 'a', 'o', ?, ?, 'ARIN')",
                        [asn, org, cc])
        assert refresh_as_info(con) is True
    return open_store(settings).as_info().set_index("asn")


def _meanings(info: pd.DataFrame, asn: int) -> list[object]:
    cols = ["reg_cc", "reg_rule", "op_cc", "op_rule", "own_cc", "own_rule"]
    return [None if pd.isna(v) else v for v in info.loc[asn, cols]]


def test_regional_codes_fall_to_the_next_rule(info: pd.DataFrame) -> None:
    # AS100: RIR "EU" is skipped, its space is NL-registered; geo DE 192 > FR 64;
    # no state owner, as-org says FR
    assert _meanings(info, 100) == ["NL", "originated-space", "DE", "geolocated-space",
                                    "FR", "as-org"]
    assert info.loc[100, "op_share"] == pytest.approx(192 / 256)
    assert info.loc[100, "owner"] == "Org F"
    # AS400: "AP" and nothing else: unknown in every meaning, never "AP"
    assert _meanings(info, 400) == [None] * 6
    assert not (info[["reg_cc", "geo_cc", "op_cc", "own_cc"]].isin(["EU", "AP"])).any().any()


def test_operation_is_a_plurality_with_its_share(info: pd.DataFrame) -> None:
    # AS200: HK 112 of 256 geolocated addresses: HK, but without a majority
    assert info.loc[200, ["op_cc", "geo_cc"]].tolist() == ["HK", "HK"]
    assert info.loc[200, "op_share"] == pytest.approx(112 / 256)


def test_peeringdb_facilities_when_nothing_is_geolocated(info: pd.DataFrame) -> None:
    # AS300 originates nothing; its live facilities: DE 2, NL 1 (the GB one is deleted)
    assert _meanings(info, 300)[2:4] == ["DE", "peeringdb-facilities"]
    assert info.loc[300, "op_share"] == pytest.approx(2 / 3)


def test_ownership_by_majority_state_then_as_org(info: pd.DataFrame) -> None:
    # AS200: state-owned (CN) outranks the as-org country (HK)
    assert _meanings(info, 200) == ["AU", "rir", "HK", "geolocated-space", "CN", "state-owned"]
    assert info.loc[200, "owner"] == "CN-TELECOM"
    # AS500, the Uzbektelekom case: registered UA, operated and owned in UZ
    assert _meanings(info, 500) == ["UA", "rir", "UZ", "geolocated-space", "UZ", "state-owned"]
    # AS600: a minority stake is not control; its geolocation says "EU": registration rules
    assert _meanings(info, 600) == ["KZ", "rir", "KZ", "registration", "KZ", "registration"]
    assert pd.isna(info.loc[600, "op_share"]) and pd.isna(info.loc[600, "owner"])
