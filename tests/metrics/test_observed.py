"""Observed mode on the 2010 RouteViews RIB, checked against a plain count over the file.

The AS-to-country map is the RIR registrations of 2018-10-13 (closer to 2010 than today's
data, and independent of the store). The direct count below re-reads the gzip text line by
line with nothing but the standard library.
"""

from __future__ import annotations

import glob
import gzip
from pathlib import Path

import pyarrow as pa
import pytest

from crossroads.metrics.observed import observed_direction, observed_paths, read_rib_paths
from crossroads.sources.rir import asn_registrations, read_delegated

RIB = "rib-text/route-views.wide.20100701.0759.bgpdump-m.txt.gz"


@pytest.fixture(scope="module")
def countries(mirror: Path) -> dict[int, str]:
    files = sorted(glob.glob(str(mirror / "rir-2018-10-13" / "*.gz")))
    regs = pa.concat_tables([asn_registrations(read_delegated(f)) for f in files])
    return {int(a): c for a, c in zip(regs.column("asn").to_pylist(),
                                       regs.column("cc").to_pylist(), strict=True) if c}


@pytest.fixture(scope="module")
def kz_inbound(mirror: Path, countries: dict[int, str]):
    paths = observed_paths(read_rib_paths(mirror / RIB))
    return observed_direction(paths, countries, {}, "KZ")


def _direct_count(path: Path, cc_of: dict[int, str]) -> dict[str, float]:
    """Address-weighted counts over the KZ-originated IPv4 entries, by hand."""
    total = any_ru = gw_ru = 0.0
    vps: set[int] = set()
    origins: set[int] = set()
    with gzip.open(path, "rt") as fh:
        for line in fh:
            f = line.split("|")
            if f[2] != "B" or ":" in f[5] or "{" in f[6] or "(" in f[6] or "[" in f[6]:
                continue
            hops: list[int] = []
            for tok in f[6].split():
                if not hops or hops[-1] != int(tok):
                    hops.append(int(tok))
            if not hops or cc_of.get(hops[-1]) != "KZ" or cc_of.get(hops[0]) == "KZ":
                continue
            w = 2.0 ** (32 - int(f[5].split("/")[1]))
            total += w
            vps.add(hops[0])
            origins.add(hops[-1])
            if any(cc_of.get(a) == "RU" for a in hops[1:-1]):
                any_ru += w
            i = len(hops) - 1
            while i >= 0 and cc_of.get(hops[i]) == "KZ":
                i -= 1
            if 0 < i and cc_of.get(hops[i]) == "RU":
                gw_ru += w
    return {"any_ru": any_ru / total, "gw_ru": gw_ru / total, "vps": len(vps),
            "origins": len(origins)}


def test_kz_inbound_matches_a_direct_count(mirror: Path, countries, kz_inbound) -> None:
    expect = _direct_count(mirror / RIB, countries)
    got = kz_inbound.by_country.set_index("country")
    assert got.loc["RU", "any_share"] == pytest.approx(expect["any_ru"], rel=1e-12)
    assert got.loc["RU", "gateway_share"] == pytest.approx(expect["gw_ru"], rel=1e-12)
    assert kz_inbound.n_vantage_points == expect["vps"]
    assert kz_inbound.n_destinations == expect["origins"]


def test_kz_inbound_2010_goes_through_russia(kz_inbound) -> None:
    # verified on this RIB: RU is the gateway of more than 95 % of KZ's observed paths
    f = kz_inbound.by_country
    assert f.country.iloc[0] == "RU"
    assert f.gateway_share.iloc[0] > 0.95
    total = f.gateway_share.sum() + kz_inbound.direct_share + kz_inbound.domestic_share
    assert total == pytest.approx(1.0)
    assert (f.any_share >= f.gateway_share - 1e-12).all()


def test_mrt_ribs_are_read_through_the_mrt_reader(mirror: Path) -> None:
    # the 2002 RIS bview is MRT (TABLE_DUMP v1): same rows as read_mrt's RIB entries
    from crossroads.sources.mrt import read_mrt

    path = mirror / "mrt" / "bview.20020722.2337.gz"
    got = read_rib_paths(path)
    raw = read_mrt(path)
    ribs = [r for r in raw.column("type").to_pylist() if r in ("rib", "announce")]
    assert got.num_rows == len(ribs) > 0
    assert got.column("as_path")[0].as_py() == raw.column("as_path")[0].as_py()
    assert got.column("timestamp")[0].as_py().date().isoformat() == "2002-07-22"
