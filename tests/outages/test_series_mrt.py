"""The series on the mirror's real update files, against a row-by-row re-derivation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pytest
from tests.outages._reference import reference_series

from crossroads.outages import outages_from_files, read_routes


@pytest.mark.parametrize(
    ("name", "country"),
    [("updates.20070211.0141.gz", "US"), ("updates.20160811.1600.gz", "DE"),
     ("updates.20100722.2015.gz", "US")],
)
def test_series_equals_row_by_row_counts(mirror: Path, rir_countries: pd.Series,
                                         name: str, country: str) -> None:
    path = mirror / "mrt" / name
    report = outages_from_files([path], country=country, asn_country=rir_countries,
                                bin=timedelta(minutes=1), workers=0)
    table = read_routes(path)
    rows = table.take(pc.sort_indices(table, [("timestamp", "ascending")])).to_pylist()
    want = reference_series(rows, rir_countries.to_dict(), country, 60)
    got = report.series.country
    assert len(got) == len(want) >= 5
    for (_, row), (b, ref) in zip(got.iterrows(), sorted(want.items()), strict=True):
        assert int(row["time"].timestamp()) == b * 60
        assert row["visible_prefixes"] - row["visible_v6_prefixes"] >= 0
        assert (row["visible_prefixes"], row["announcements"], row["withdrawals"]) == (
            ref["visible_prefixes"], ref["announcements"], ref["withdrawals"]), b
    assert report.series.anchor == "infer"
    assert got["announcements"].sum() > 0


def test_us_burst_2007_matches_hand_computed_z(mirror: Path, rir_countries: pd.Series) -> None:
    """01:50 UTC on 2007-02-11: US updates jump; z = (x - median)/(1.4826 MAD) of the
    nine earlier one-minute bins, recomputed here from the series itself."""
    report = outages_from_files([mirror / "mrt" / "updates.20070211.0141.gz"], country="US",
                                asn_country=rir_countries, bin=timedelta(minutes=1), workers=0)
    s = report.series.country
    upd = (s["announcements"] + s["withdrawals"]).tolist()
    i = next(k for k, t in enumerate(s["time"]) if t.strftime("%H:%M") == "01:50")
    prev = sorted(upd[:i])
    med = prev[len(prev) // 2]  # 9 values: the 5th
    mad = sorted(abs(v - med) for v in upd[:i])[len(prev) // 2]
    z = (upd[i] - med) / (1.4826 * mad)
    bursts = [e for e in report.events if e.scope == "country" and e.signal == "update_burst"]
    assert len(bursts) == 1
    e = bursts[0]
    assert e.start.strftime("%H:%M") == "01:50" and e.end.strftime("%H:%M") == "01:51"
    assert e.baseline == med and e.extreme == upd[i] and abs(e.score - z) < 1e-9
    assert e.severity == ("critical" if z > 10 else "warning")
    assert not report.signals_seen()["visibility_drop"]
