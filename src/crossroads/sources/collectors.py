"""Route-collector peer lists: who feeds RIPE RIS and RouteViews, and how much.

- RIPE RIS (``RIPE_RIS_collectors_YYYYMMDD.json``, as collected by ai4netmon from the RIS
  API): one JSON object, collector name → list of ``{"asn": "…", "ip": "…",
  "v4_prefix_count": n, "v6_prefix_count": m}``; or RIPEstat's own ``rrc-info`` answer
  (``{"data": {"rrcs": [{"name": "RRC00", "peers": [{"asn", "ip", "v4_prefix_count",
  "v6_prefix_count", …}]}]}}``), which is what discovery fetches.
- RouteViews (``RouteViews_YYYYMMDD.txt``, from the RouteViews peer report): a header line
  ``ROUTEVIEWS_COLLECTOR|AS_NUMBER|PEERING_ADDRESS|PREFIXES|CC|REGION|ASNAME``, then one
  line per BGP session. It gives **one** prefix count per session, not one per family:
  we attribute it to the family of the session's peering address (an IPv4 session's count
  goes to ``v4_prefixes``, an IPv6 session's to ``v6_prefixes``) and leave the other
  family null (unknown, not zero).

A *full-feed* peer sends (nearly) the whole routing table. :func:`full_feed_peers` uses the
common rule of thumb of a count at or above a threshold: 600,000 IPv4 prefixes and 80,000
IPv6 prefixes by default (the IPv4 table held about 950k prefixes and the IPv6 table about
190k in August 2023; the thresholds leave room for peers that filter a little).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError
from crossroads.sources._ip import parse_address
from crossroads.sources._open import iter_lines
from crossroads.sources._tabular import Lines, RowBuffer, text

__all__ = [
    "PEERS_SCHEMA",
    "full_feed_peers",
    "parse_ris_peers",
    "parse_routeviews_peers",
    "read_ris_peers",
    "read_routeviews_peers",
]

PEERS_SCHEMA = pa.schema(
    [
        ("project", pa.string()),
        ("collector", pa.string()),
        ("asn", pa.uint32()),
        ("ip", pa.string()),
        ("v4_prefixes", pa.int64()),
        ("v6_prefixes", pa.int64()),
        ("cc", pa.string()),
        ("as_name", pa.string()),
    ]
)


def read_ris_peers(path: str | Path) -> pa.Table:
    """RIS peers of an ai4netmon RIS collectors JSON file; columns :data:`PEERS_SCHEMA`."""
    return parse_ris_peers(iter_lines(path), path=path)


def parse_ris_peers(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """RIS peers from the JSON document's lines (one JSON value over all lines).

    >>> parse_ris_peers([(1, b'{"rrc00": [{"asn": "9198", "ip": "10.0.0.1", '
    ...     b'"v4_prefix_count": 5, "v6_prefix_count": 0}]}')]).to_pylist()[0]["asn"]
    9198
    >>> parse_ris_peers([(1, b'{"data": {"rrcs": [{"name": "RRC00", "peers": [{"asn": 9198, '
    ...     b'"ip": "10.0.0.1", "v4_prefix_count": 5, "v6_prefix_count": 0}]}]}}')]
    ...     ).to_pylist()[0]["collector"]
    'rrc00'
    """
    body = b"\n".join(line for _, line in lines)
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as exc:
        raise DataFormatError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from exc
    if isinstance(doc, dict) and isinstance(doc.get("data"), dict) and "rrcs" in doc["data"]:
        rrcs = doc["data"]["rrcs"]
        if not isinstance(rrcs, list):
            raise DataFormatError(path, "rrc-info answer without a list", field="data.rrcs")
        doc = {str(r.get("name", "")).lower(): r.get("peers") for r in rrcs
               if isinstance(r, dict)}
    if not isinstance(doc, dict):
        raise DataFormatError(path, "expected an object of collector -> peer list")
    buffer = RowBuffer(PEERS_SCHEMA)
    for collector, peers in doc.items():
        if not isinstance(peers, list):
            raise DataFormatError(path, "collector without a peer list", field=collector)
        for k, peer in enumerate(peers):
            where = f"{collector}[{k}]"
            try:
                asn, ip = peer["asn"], peer["ip"]
                v4, v6 = peer["v4_prefix_count"], peer["v6_prefix_count"]
            except (KeyError, TypeError) as exc:
                raise DataFormatError(path, f"peer record lacks {exc}", field=where) from exc
            row = ("ris", collector, _asn(asn, path, where), _ip(ip, path, where),
                   _count(v4, path, where), _count(v6, path, where), None, None)
            buffer.append(row)
    return buffer.table()


def read_routeviews_peers(path: str | Path) -> pa.Table:
    """RouteViews peers of an ai4netmon RouteViews text file; columns :data:`PEERS_SCHEMA`."""
    return parse_routeviews_peers(iter_lines(path), path=path)


def parse_routeviews_peers(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """RouteViews sessions from ``collector|asn|ip|prefixes|cc|region|asname`` lines.

    >>> t = parse_routeviews_peers([(1, b"route-views2.routeviews.org|9198|10.0.0.1|9|KZ|"
    ...                                  b"ripe |KAZTELECOM-AS, KZ")])
    >>> t.select(["asn", "v4_prefixes", "v6_prefixes", "as_name"]).to_pylist()
    [{'asn': 9198, 'v4_prefixes': 9, 'v6_prefixes': None, 'as_name': 'KAZTELECOM-AS, KZ'}]
    """
    buffer = RowBuffer(PEERS_SCHEMA)
    for lineno, line in lines:
        if not line.strip() or line.startswith(b"ROUTEVIEWS_COLLECTOR|"):
            continue
        fields = line.decode("utf-8", "replace").split("|", 6)
        if len(fields) != 7:
            raise DataFormatError(path, f"expected 7 fields, found {len(fields)}",
                                  line=lineno, value=text(line))
        collector, asn, ip, prefixes, cc, _region, as_name = fields
        try:
            family = parse_address(ip)[0]
        except ValueError as exc:
            raise DataFormatError(path, "not an IP address", line=lineno, field="ip",
                                  value=ip) from exc
        if not asn.isdigit() or int(asn) >= 1 << 32:
            raise DataFormatError(path, "not an AS number", line=lineno, field="asn",
                                  value=asn)
        if not prefixes.isdigit():
            raise DataFormatError(path, "not a prefix count", line=lineno, field="prefixes",
                                  value=prefixes)
        count = int(prefixes)
        row = ("routeviews", collector, int(asn), ip, count if family == 4 else None,
               count if family == 6 else None, cc.strip() or None, as_name.strip() or None)
        buffer.append(row)
    return buffer.table()


def full_feed_peers(
    table: pa.Table, *, v4_threshold: int = 600_000, v6_threshold: int = 80_000
) -> pa.Table:
    """The sessions of ``table`` that carry a full table in at least one family, with
    ``full_v4``/``full_v6`` flags (count >= threshold; an unknown count is not full)."""
    full_v4 = pc.fill_null(pc.greater_equal(table.column("v4_prefixes"), v4_threshold), False)
    full_v6 = pc.fill_null(pc.greater_equal(table.column("v6_prefixes"), v6_threshold), False)
    flagged = table.append_column("full_v4", full_v4).append_column("full_v6", full_v6)
    return flagged.filter(pc.or_(full_v4, full_v6))


def _asn(value: object, path: str | Path, where: str) -> int:
    s = str(value)
    if not s.isdigit() or int(s) >= 1 << 32:
        raise DataFormatError(path, "not an AS number", field=f"{where}.asn", value=value)
    return int(s)


def _ip(value: object, path: str | Path, where: str) -> str:
    try:
        parse_address(str(value))
    except ValueError as exc:
        raise DataFormatError(path, "not an IP address", field=f"{where}.ip",
                              value=value) from exc
    return str(value)


def _count(value: object, path: str | Path, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataFormatError(path, "not a prefix count", field=where, value=value)
    return value
