"""CAIDA IXP dataset: ``ixs_YYYYMM.jsonl`` (https://publicdata.caida.org/datasets/ixps/).

The first line is a ``#`` comment holding the build metadata as JSON; every other line is
one IXP: ``ix_id``, ``name``, ``country``, ``region``, ``city``, ``prefixes`` (``{"ipv4":
[...], "ipv6": [...]}``: the peering LANs), ``pdb_id`` (PeeringDB), ``pch_id``, ``sources``,
``alternatenames``, ``url`` and more, each optional except ``ix_id``, ``name`` and
``prefixes``.

Quirk: where CAIDA's sources disagree, ``country``, ``region``, ``city``, ``url`` and
``geo_id`` hold a list instead of a string (``["LI", "NL"]``; once ``["CG", "Republic of
Congo"]``). We keep every two-letter code in ``countries`` and the first one in
``country``; ``region``, ``city`` and ``url`` keep their first value.

CAIDA Acceptable Use Agreement: cite "The CAIDA UCSD IXPs Dataset, <date>".
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from crossroads.errors import DataFormatError
from crossroads.sources._open import iter_lines
from crossroads.sources._tabular import Lines, RowBuffer, text

__all__ = ["IXS_SCHEMA", "parse_caida_ixs", "read_caida_ixs"]

_STRINGS = pa.list_(pa.string())
IXS_SCHEMA = pa.schema(
    [
        ("ix_id", pa.int64()),
        ("name", pa.string()),
        ("country", pa.string()),
        ("countries", _STRINGS),
        ("region", pa.string()),
        ("city", pa.string()),
        ("prefixes_v4", _STRINGS),
        ("prefixes_v6", _STRINGS),
        ("pdb_id", pa.int64()),
        ("pch_id", pa.int64()),
        ("sources", _STRINGS),
        ("alternatenames", _STRINGS),
        ("url", pa.string()),
    ]
)


def read_caida_ixs(path: str | Path) -> pa.Table:
    """The IXPs of a CAIDA ixs JSON-lines file; columns :data:`IXS_SCHEMA`."""
    return parse_caida_ixs(iter_lines(path), path=path)


def parse_caida_ixs(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """IXPs from ``(line_number, line)`` pairs; ``#`` and blank lines skipped.

    >>> t = parse_caida_ixs([(1, b'# {"date": "2024.11.01"}'), (2, b'{"ix_id": 399, '
    ...     b'"name": "KAZ-IX", "country": "KZ", "prefixes": {"ipv4": ["195.2.230.0/24"], '
    ...     b'"ipv6": []}, "pdb_id": 334}')])
    >>> t.select(["ix_id", "country", "prefixes_v4", "pdb_id"]).to_pylist()
    [{'ix_id': 399, 'country': 'KZ', 'prefixes_v4': ['195.2.230.0/24'], 'pdb_id': 334}]
    """
    buffer = RowBuffer(IXS_SCHEMA)
    for lineno, line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            buffer.append(_row(stripped, lineno, path))
    return buffer.table()


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value in (None, "") else str(value)


def _int(rec: dict[str, Any], key: str, lineno: int, path: str | Path) -> int | None:
    value = rec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataFormatError(path, "not an integer id", line=lineno, field=key, value=value)
    return value


def _row(line: bytes, lineno: int, path: str | Path) -> tuple[object, ...]:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataFormatError(path, f"invalid JSON: {exc.msg}", line=lineno,
                              value=text(line)) from exc
    if not isinstance(rec, dict) or "ix_id" not in rec or "name" not in rec:
        raise DataFormatError(path, "IXP record without ix_id or name", line=lineno,
                              value=text(line))
    raw_cc = rec.get("country")
    values = raw_cc if isinstance(raw_cc, list) else [raw_cc]
    countries = [c for c in values if isinstance(c, str) and len(c) == 2 and c.isupper()]
    prefixes = rec.get("prefixes") or {}
    v4 = _prefixes(prefixes.get("ipv4") or [], 4, lineno, path)
    v6 = _prefixes(prefixes.get("ipv6") or [], 6, lineno, path)
    return (
        _int(rec, "ix_id", lineno, path),
        str(rec["name"]),
        countries[0] if countries else None,
        countries,
        _first(rec.get("region")),
        _first(rec.get("city")),
        v4,
        v6,
        _int(rec, "pdb_id", lineno, path),
        _int(rec, "pch_id", lineno, path),
        [str(s) for s in rec.get("sources") or []],
        [str(s) for s in rec.get("alternatenames") or []],
        _first(rec.get("url")),
    )


def _prefixes(values: list[Any], family: int, lineno: int, path: str | Path) -> list[str]:
    """The peering-LAN prefixes as written, each checked to be a prefix of ``family``."""
    for value in values:
        try:
            net = ipaddress.ip_network(value, strict=False)
        except (ValueError, TypeError) as exc:
            raise DataFormatError(path, "not an IP prefix", line=lineno,
                                  field=f"prefixes.ipv{family}", value=value) from exc
        if net.version != family:
            raise DataFormatError(path, f"not an IPv{family} prefix", line=lineno,
                                  field=f"prefixes.ipv{family}", value=value)
    return [str(v) for v in values]
