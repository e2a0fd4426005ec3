"""``as_info`` rules on a hand-made store whose answers are worked out in the comments."""

from __future__ import annotations

import ipaddress
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from crossroads.config import Settings
from crossroads.store import open_store
from crossroads.store._asinfo import refresh_as_info
from crossroads.store._db import connect, ensure_schema

_LAST = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"
# two releases of one series: only the newer one is current (per part, the newest)
OLD, NEW = "ip-location-db-asn-ipv4-20200101", "ip-location-db-asn-ipv4-20260617"


def _v4(ip: str) -> int:
    return int(ipaddress.IPv4Address(ip))


def _v6(ip: str) -> int:
    return int(ipaddress.IPv6Address(ip)) >> 64


@pytest.fixture()
def info(tmp_path: Path) -> pd.DataFrame:
    settings = Settings(tmp_path / "d", tmp_path / "c", None)
    now = datetime(2026, 1, 1)
    datasets = [  # name, kind, data date
        ("rir", "rir", date(2018, 10, 13)),
        (OLD, "asn-ranges", date(2020, 1, 1)),
        (NEW, "asn-ranges", date(2026, 6, 17)),
        ("reg", "country-ranges", date(2026, 6, 17)),
        ("geo", "geo-ranges", date(2026, 6, 17)),
        ("rel", "as-rel", date(2025, 9, 1)),
    ]
    v4 = [  # dataset, start, end, asn, org
        (NEW, "10.0.0.0", "10.0.0.255", 200, "Org A"),     # 256 addresses
        (NEW, "10.0.1.0", "10.0.1.127", 200, "Org B"),     # 128 addresses
        (NEW, "10.0.2.0", "10.0.2.255", 100, "Telecom"),   # 256 addresses
        (NEW, "10.0.3.0", "10.0.3.255", 500, "Tie"),       # 256 addresses
        (OLD, "10.9.0.0", "10.9.255.255", 600, "Gone"),    # older release: ignored
    ]
    v6 = [  # dataset, start, end, asn, org, /48s (a /32 is 2^16 /48s)
        (NEW, "2001:db8::", _LAST, 300, "V6 only", 65536.0),
    ]
    reg = [  # family, start, end, cc
        (4, "10.0.0.0", "10.0.0.255", "RU"),   # AS200: RU 256
        (4, "10.0.1.0", "10.0.1.127", "KZ"),   # AS200: KZ 128  -> RU wins
        (4, "10.0.2.0", "10.0.2.255", "US"),   # AS100 is in the RIR file, this is not used
        (4, "10.0.3.0", "10.0.3.127", "UZ"),   # AS500: UZ 128
        (4, "10.0.3.128", "10.0.3.255", "KG"), # AS500: KG 128 -> tie, KG < UZ
        (6, "2001:db8::", _LAST, "DE"),        # AS300 via IPv6
    ]
    geo = [
        (4, "10.0.0.0", "10.0.0.99", "KZ"),    # AS200: KZ 100
        (4, "10.0.0.100", "10.0.1.127", "US"), # AS200: US 156 + 128 = 284 -> US
    ]
    with connect(settings, read_only=False) as con:
        ensure_schema(con)
        for name, kind, d in datasets:
            con.execute("INSERT INTO datasets VALUES (?, ?, 'test', ?, ?, ?, 0, ?, [])",
                        [name, kind, d, name, now, now])
        con.execute("INSERT INTO rir_asns VALUES ('rir', 100, 'KZ', 'ripencc', DATE '1999-02-23',"
                    " 'allocated', 'x'), ('rir', 700, 'ZZ', 'ripencc', NULL, 'available', NULL)")
        for ds, s, e, asn, org in v4:
            con.execute("INSERT INTO ip_ranges VALUES (?, 4, ?, ?, ?, ?, ?, ?, ?)",
                        [ds, s, e, _v4(s), _v4(e), asn, org, _v4(e) - _v4(s) + 1])
        for ds, s, e, asn, org, n in v6:
            con.execute("INSERT INTO ip_ranges VALUES (?, 6, ?, ?, ?, ?, ?, ?, ?)",
                        [ds, s, e, _v6(s), _v6(e), asn, org, n])
        for table, kind, rows in ((reg, "registration", "reg"), (geo, "geo", "geo")):
            for fam, s, e, cc in table:
                num = _v4 if fam == 4 else _v6
                con.execute("INSERT INTO country_ranges VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                            [rows, kind, fam, s, e, num(s), num(e), cc])
        con.execute("INSERT INTO as_links VALUES ('rel', 100, 400, -1, 'bgp')")
        assert refresh_as_info(con) is True
        assert refresh_as_info(con) is False, "unchanged inputs: not rebuilt"
    return open_store(settings).as_info().set_index("asn")


def test_every_as_once(info: pd.DataFrame) -> None:
    # RIR allocated (100), origins of the newest release (100, 200, 300, 500), links (400);
    # 600 is only in the older release, 700 is 'available' in the RIR file.
    assert sorted(info.index) == [100, 200, 300, 400, 500]


def test_registration_rules(info: pd.DataFrame) -> None:
    assert info.loc[100, ["reg_cc", "reg_rule", "registry"]].tolist() == ["KZ", "rir", "ripencc"]
    assert info.loc[200, ["reg_cc", "reg_rule"]].tolist() == ["RU", "originated-space"]
    assert info.loc[300, ["reg_cc", "reg_rule"]].tolist() == ["DE", "originated-space"]
    assert info.loc[500, "reg_cc"] == "KG"  # tie → alphabetical
    assert pd.isna(info.loc[400, "reg_cc"]) and pd.isna(info.loc[400, "reg_rule"])


def test_geo_name_and_counts(info: pd.DataFrame) -> None:
    assert info.loc[200, "geo_cc"] == "US"
    assert pd.isna(info.loc[100, "geo_cc"])  # no geo range covers 10.0.2.0/24
    assert info.loc[200, "name"] == "Org A"  # 256 addresses beat Org B's 128
    assert info.loc[200, "ipv4_addresses"] == 384
    assert info.loc[300, ["ipv4_addresses", "ipv6_slash48s"]].tolist() == [0, 65536.0]
    assert info.loc[400, ["ipv4_addresses", "ipv6_slash48s"]].tolist() == [0, 0.0]
