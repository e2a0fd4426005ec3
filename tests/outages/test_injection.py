"""A known withdrawal of one country's prefixes, merged into a real update stream.

From updates.20070211.0141.gz (RIPE RIS, 01:41-01:56 UTC): at 01:52:00 every peer
withdraws every prefix originated by the chosen country's ASes; at 01:54:00 they announce
them again. The country is picked (inside the test) among those whose prefixes no real
record touches between 01:52 and 01:54, so the visible count must be exactly 0 in the bins
01:52 and 01:53 and the event must run from 01:52 to 01:54 with a loss equal to the
baseline (median of the clean bins before 01:52).
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.outages import series_from_table
from crossroads.outages.archive import read_routes
from crossroads.outages.detect import detect

T_CUT = datetime(2007, 2, 11, 1, 52, tzinfo=UTC)
T_BACK = datetime(2007, 2, 11, 1, 54, tzinfo=UTC)
MIN = timedelta(minutes=1)


def _inject(table: pa.Table, pairs: list[tuple[str, str, int]]) -> pa.Table:
    n = len(pairs)
    extra = pa.table({
        "timestamp": pa.array([T_CUT] * n + [T_BACK] * n, table.schema.field("timestamp").type),
        "peer_ip": [p for p, _, _ in pairs] * 2,
        "type": ["withdraw"] * n + ["announce"] * n,
        "prefix": [x for _, x, _ in pairs] * 2,
        "origin_asn": pa.array([None] * n + [a for _, _, a in pairs], pa.uint32()),
        "new_state": pa.nulls(2 * n, pa.uint16()),
    }, schema=table.schema)
    merged = pa.concat_tables([table, extra])
    return merged.take(pc.sort_indices(merged, [("timestamp", "ascending")]))


def test_injected_country_withdrawal(mirror: Path, rir_countries: pd.Series) -> None:
    table = read_routes(mirror / "mrt" / "updates.20070211.0141.gz")
    table = table.take(pc.sort_indices(table, [("timestamp", "ascending")]))
    clean = series_from_table(table, asn_country=rir_countries, countries=None, bin=MIN)
    c = clean.country
    before = c[c["time"] == pd.Timestamp(T_CUT - MIN)].set_index("country")
    rows = table.to_pandas()
    origin = rows[rows["type"] == "announce"].drop_duplicates("prefix", keep="last")
    origin = origin.set_index("prefix")["origin_asn"]
    rows["cc"] = rows["prefix"].map(origin).map(rir_countries)
    window = rows[(rows["timestamp"] >= T_CUT) & (rows["timestamp"] < T_BACK + MIN)]
    touched = set(window["cc"].dropna())
    candidates = before[(before["visible_prefixes"] >= 5) & ~before.index.isin(touched)]
    assert len(candidates), "no country untouched in the window"
    cc = candidates["visible_prefixes"].idxmax()
    mine = rows[(rows["cc"] == cc) & rows["type"].isin(["announce", "withdraw"])]
    pairs = sorted({(p, x, int(origin[x])) for p, x in zip(mine["peer_ip"], mine["prefix"],
                                                             strict=True)})
    hit = series_from_table(_inject(table, pairs), asn_country=rir_countries, countries=[cc],
                            bin=MIN)
    s = hit.country.set_index("time")["visible_prefixes"]
    assert s[pd.Timestamp(T_CUT)] == 0 and s[pd.Timestamp(T_CUT + MIN)] == 0
    clean_cc = c[c["country"] == cc].set_index("time")["visible_prefixes"]
    assert s[pd.Timestamp(T_BACK)] == clean_cc[pd.Timestamp(T_BACK)]
    base = statistics.median(clean_cc[clean_cc.index < pd.Timestamp(T_CUT)].tolist())
    drops = [e for e in detect(hit) if e.scope == "country" and e.signal == "visibility_drop"]
    assert len(drops) == 1
    e = drops[0]
    assert (e.start, e.end) == (T_CUT, T_BACK)
    assert e.severity == "critical" and e.extreme == 0.0 and e.score == 0.0
    assert e.lost_prefixes == base
    assert set(e.affected_asns) <= {int(a) for a in mine["prefix"].map(origin)}
    assert e.affected_asns  # the ASes lost their own visibility too
