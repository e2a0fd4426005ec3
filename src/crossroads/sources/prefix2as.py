"""Prefix-to-AS and range-to-country data: ip-location-db range CSVs and CAIDA pfx2as.

ip-location-db (https://github.com/sapics/ip-location-db, CC BY 4.0) ships inclusive
address ranges, no header:

- ``asn-ipv4.csv`` / ``asn-ipv6.csv``: ``start,end,asn,org`` (``org`` quoted when it holds
  a comma) — the origin AS of each range (RouteViews pfx2as, then NRO, then DB-IP);
- ``asn-country-*.csv`` and ``geo-whois-asn-country-*.csv``: ``start,end,cc``.

Columns common to both range readers:

- ``family`` (int8, 4 or 6), ``start``/``end`` (the strings as written, not canonicalised);
- ``addresses`` (float64): for IPv4 the number of addresses ``end - start + 1``; for IPv6
  the number of /48 blocks, ``(end - start + 1) / 2**80``, fractional for ranges smaller
  than a /48 (a /56 counts 1/256);
- ``start_num``/``end_num`` (uint64) join keys: for IPv4 the address as an integer; for
  IPv6 only the **top 64 bits** of the address (bits 127..64, i.e. the /64 it falls in).
  IPv6 keys therefore order and join ranges at /64 granularity; two different ranges
  inside one /64 share a key. Exact IPv6 work goes through :func:`prefixes_of_ranges`.

CAIDA RouteViews pfx2as (https://publicdata.caida.org/datasets/routing/routeviews-prefix2as/)
lines are ``prefix<TAB>length<TAB>asns``, where ``asns`` is one AS, ``a_b`` (multi-origin:
the prefix was seen originated by several ASes) or ``a,b`` (an AS-set at the end of the
path); both separators can occur in one field. ``origin_asns`` lists all ASes named.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError
from crossroads.sources._ip import (
    cover_ints,
    cover_ipv4_arrays,
    ipv4_to_uint,
    ipv6_to_words,
    parse_address,
)
from crossroads.sources._open import iter_lines
from crossroads.sources._tabular import (
    Lines,
    batched,
    cast_column,
    concat_batches,
    empty_to_null,
    split_fields,
)

__all__ = [
    "COUNTRY_RANGES_SCHEMA",
    "IP_RANGES_SCHEMA",
    "PFX2AS_SCHEMA",
    "PREFIXES_SCHEMA",
    "parse_country_ranges",
    "parse_ip_ranges",
    "parse_pfx2as",
    "prefixes_of_ranges",
    "range_to_cidrs",
    "read_country_ranges",
    "read_ip_ranges",
    "read_pfx2as",
]

_RANGE_COLUMNS = [
    ("family", pa.int8()),
    ("start", pa.string()),
    ("end", pa.string()),
]
_NUM_COLUMNS = [
    ("addresses", pa.float64()),
    ("start_num", pa.uint64()),
    ("end_num", pa.uint64()),
]
IP_RANGES_SCHEMA = pa.schema(
    [*_RANGE_COLUMNS, ("asn", pa.uint32()), ("org", pa.string()), *_NUM_COLUMNS]
)
COUNTRY_RANGES_SCHEMA = pa.schema([*_RANGE_COLUMNS, ("cc", pa.string()), *_NUM_COLUMNS])
PFX2AS_SCHEMA = pa.schema(
    [
        ("prefix", pa.string()),
        ("family", pa.int8()),
        ("length", pa.uint8()),
        ("origin_asns", pa.list_(pa.uint32())),
        ("is_moas", pa.bool_()),
        ("is_as_set", pa.bool_()),
    ]
)
PREFIXES_SCHEMA = pa.schema(
    [("prefix", pa.string()), ("family", pa.int8()), ("length", pa.uint8()),
     ("asn", pa.uint32())]
)
_SLASH48 = float(2**80)


# --- ranges -> CIDR ---------------------------------------------------------------------


def range_to_cidrs(start: str, end: str) -> list[str]:
    """The minimal list of CIDR prefixes covering exactly ``start``..``end`` (inclusive).

    Raises ``ValueError`` for malformed addresses, mixed families or ``end < start``.

    >>> range_to_cidrs("10.0.0.1", "10.0.0.6")
    ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']
    >>> range_to_cidrs("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
    ['::/0']
    """
    fam_s, first = parse_address(start)
    fam_e, last = parse_address(end)
    if fam_s != fam_e:
        raise ValueError(f"range mixes IPv{fam_s} and IPv{fam_e}: {start} - {end}")
    if last < first:
        raise ValueError(f"range ends before it starts: {start} - {end}")
    bits = 32 if fam_s == 4 else 128
    return [f"{_format(fam_s, net)}/{length}" for net, length in cover_ints(first, last, bits)]


def _format(family: int, value: int) -> str:
    """RFC 5952 text (``ipaddress``; ``inet_ntop`` would write ``::0.1.0.0`` for ``::1:0``)."""
    if family == 4:
        return socket.inet_ntop(socket.AF_INET, value.to_bytes(4, "big"))
    return str(ipaddress.IPv6Address(value))


def prefixes_of_ranges(table: pa.Table) -> pa.Table:
    """Each range of a :func:`read_ip_ranges` (or country-range) table as its exact CIDR
    prefixes: ``prefix, family, length, asn`` (plus ``cc`` when the input has it; ``asn``
    null when the input has none). Rows keep the input's order."""
    family = table.column("family").to_numpy()
    i4 = np.flatnonzero(family == 4)
    i6 = np.flatnonzero(family == 6)
    parts = []
    if i4.size:
        first = table.column("start_num").to_numpy()[i4]
        last = table.column("end_num").to_numpy()[i4]
        rng, net, length = cover_ipv4_arrays(first, last)
        parts.append((i4[rng], _ipv4_prefix_strings(net, length), length, 4))
    if i6.size:
        starts = table.column("start").take(i6).to_pylist()
        ends = table.column("end").take(i6).to_pylist()
        rows, texts, lengths = [], [], []
        for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
            for cidr in range_to_cidrs(s, e):
                rows.append(i6[k])
                texts.append(cidr)
                lengths.append(int(cidr.rsplit("/", 1)[1]))
        parts.append((np.asarray(rows, np.int64), pa.array(texts, pa.string()),
                      np.asarray(lengths, np.uint8), 6))
    if not parts:
        return PREFIXES_SCHEMA.empty_table()
    src = np.concatenate([p[0] for p in parts])
    order = np.argsort(src, kind="stable")
    src = src[order]
    out = {
        "prefix": pa.concat_arrays([p[1] for p in parts]).take(order),
        "family": pa.array(np.concatenate([np.full(len(p[0]), p[3], np.int8) for p in parts])
                           [order]),
        "length": pa.array(np.concatenate([np.asarray(p[2], np.uint8) for p in parts])[order]),
        "asn": (table.column("asn").take(src) if "asn" in table.column_names
                else pa.nulls(src.size, pa.uint32())),
    }
    if "cc" in table.column_names:
        out["cc"] = table.column("cc").take(src)
    return pa.table(out)


def _ipv4_prefix_strings(net: np.ndarray, length: np.ndarray) -> pa.Array:
    octets = [pc.cast(pa.array((net >> np.uint64(s)) & np.uint64(255)), pa.string())
              for s in (24, 16, 8, 0)]
    address = pc.binary_join_element_wise(*octets, ".")
    return pc.binary_join_element_wise(address, pc.cast(pa.array(length), pa.string()), "/")


# --- ip-location-db range CSVs ------------------------------------------------------------


def read_ip_ranges(path: str | Path) -> pa.Table:
    """An ip-location-db ``asn-ipv4``/``asn-ipv6`` CSV; columns :data:`IP_RANGES_SCHEMA`."""
    return parse_ip_ranges(iter_lines(path), path=path)


def parse_ip_ranges(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """``start,end,asn,org`` lines as :data:`IP_RANGES_SCHEMA` (empty org → null).

    >>> t = parse_ip_ranges([(1, b'1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."')])
    >>> t.column("org")[0].as_py(), t.column("addresses")[0].as_py()
    ('Cloudflare, Inc.', 256.0)
    """
    batches = []
    for batch in batched(line for line in lines if line[1]):
        linenos = [n for n, _ in batch]
        raw = split_fields([b for _, b in batch], linenos, path=path,
                           names=["start", "end", "asn", "org"], delimiter=",", quoted=True)
        asn = cast_column(raw["asn"], pa.uint32(), linenos, path=path, field="asn",
                          problem="not an AS number")
        extra = {"asn": asn, "org": empty_to_null(raw["org"])}
        batches.append(_range_table(raw, linenos, path, extra, IP_RANGES_SCHEMA))
    return concat_batches(batches, IP_RANGES_SCHEMA)


def read_country_ranges(path: str | Path) -> pa.Table:
    """An ip-location-db ``asn-country-*`` or ``geo-whois-asn-country-*`` CSV; columns
    :data:`COUNTRY_RANGES_SCHEMA`."""
    return parse_country_ranges(iter_lines(path), path=path)


def parse_country_ranges(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """``start,end,cc`` lines as :data:`COUNTRY_RANGES_SCHEMA` (empty cc → null)."""
    batches = []
    for batch in batched(line for line in lines if line[1]):
        linenos = [n for n, _ in batch]
        raw = split_fields([b for _, b in batch], linenos, path=path,
                           names=["start", "end", "cc"], delimiter=",", quoted=True)
        extra = {"cc": empty_to_null(raw["cc"])}
        batches.append(_range_table(raw, linenos, path, extra, COUNTRY_RANGES_SCHEMA))
    return concat_batches(batches, COUNTRY_RANGES_SCHEMA)


def _range_table(
    raw: dict[str, pa.Array],
    linenos: list[int],
    path: str | Path,
    extra: dict[str, pa.Array],
    schema: pa.Schema,
) -> pa.Table:
    """Family, numeric keys and sizes of a batch of ``start,end`` ranges."""
    start, end = raw["start"], raw["end"]
    lin = np.asarray(linenos, np.int64)
    n = len(lin)
    is6 = pc.fill_null(pc.match_substring(start, ":"), False).to_numpy(zero_copy_only=False)
    start_num = np.zeros(n, np.uint64)
    end_num = np.zeros(n, np.uint64)
    addresses = np.zeros(n, np.float64)
    bad = np.zeros(n, bool)
    i4 = np.flatnonzero(~is6)
    if i4.size:
        s = ipv4_to_uint(start.take(i4), lin[i4], path=path, field="start")
        e = ipv4_to_uint(end.take(i4), lin[i4], path=path, field="end")
        start_num[i4], end_num[i4] = s, e
        bad[i4] = e < s
        addresses[i4] = (e - np.minimum(s, e)).astype(np.float64) + 1.0
    i6 = np.flatnonzero(is6)
    if i6.size:
        sh, sl = ipv6_to_words(start.take(i6).to_pylist(), lin[i6], path=path, field="start")
        eh, el = ipv6_to_words(end.take(i6).to_pylist(), lin[i6], path=path, field="end")
        start_num[i6], end_num[i6] = sh, eh
        bad[i6] = (eh < sh) | ((eh == sh) & (el < sl))
        hi = (eh - np.minimum(sh, eh)).astype(np.float64)
        lo = np.where(el >= sl, (el - np.minimum(sl, el)).astype(np.float64),
                      -(sl - np.minimum(el, sl)).astype(np.float64))
        addresses[i6] = (hi * 2.0**64 + lo + 1.0) / _SLASH48
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataFormatError(path, "range ends before it starts", line=int(lin[i]),
                              field="end", value=end[i].as_py())
    columns = {
        "family": pa.array(np.where(is6, 6, 4).astype(np.int8)),
        "start": start,
        "end": end,
        **extra,
        "addresses": pa.array(addresses),
        "start_num": pa.array(start_num),
        "end_num": pa.array(end_num),
    }
    return pa.table([columns[f.name] for f in schema], schema=schema)


# --- CAIDA pfx2as -------------------------------------------------------------------------


def read_pfx2as(path: str | Path) -> pa.Table:
    """A CAIDA RouteViews pfx2as file (plain or gz); columns :data:`PFX2AS_SCHEMA`."""
    return parse_pfx2as(iter_lines(path), path=path)


def parse_pfx2as(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """``prefix<TAB>length<TAB>asns`` lines as :data:`PFX2AS_SCHEMA`.

    >>> t = parse_pfx2as([(1, b"1.0.0.0\\t24\\t13335"), (2, b"2.0.0.0\\t16\\t1_2,3")])
    >>> t.column("origin_asns").to_pylist(), t.column("is_moas").to_pylist()
    ([[13335], [1, 2, 3]], [False, True])
    """
    batches = []
    for batch in batched(line for line in lines if line[1] and line[1][0] != 0x23):
        linenos = [n for n, _ in batch]
        raw = split_fields([b for _, b in batch], linenos, path=path,
                           names=["ip", "length", "asns"], delimiter="\t")
        batches.append(_pfx2as_table(raw, np.asarray(linenos, np.int64), path))
    return concat_batches(batches, PFX2AS_SCHEMA)


def _pfx2as_table(raw: dict[str, pa.Array], lin: np.ndarray, path: str | Path) -> pa.Table:
    ip = raw["ip"]
    is6 = pc.match_substring(ip, ":").to_numpy(zero_copy_only=False)
    i4, i6 = np.flatnonzero(~is6), np.flatnonzero(is6)
    if i4.size:
        ipv4_to_uint(ip.take(i4), lin[i4], path=path, field="prefix")
    if i6.size:
        ipv6_to_words(ip.take(i6).to_pylist(), lin[i6], path=path, field="prefix")
    length = cast_column(raw["length"], pa.uint8(), lin, path=path, field="length",
                         problem="not a prefix length")
    too_long = length.to_numpy() > np.where(is6, 128, 32)
    if too_long.any():
        i = int(np.flatnonzero(too_long)[0])
        raise DataFormatError(path, "prefix length out of range", line=int(lin[i]),
                              field="length", value=length[i].as_py())
    asns = raw["asns"]
    parts = pc.split_pattern_regex(asns, "[_,]")
    flat = pc.list_flatten(parts)
    try:
        members = pc.cast(flat, pa.uint32())
    except pa.ArrowInvalid as exc:
        owner = pc.list_parent_indices(parts).to_numpy()
        for k, value in enumerate(flat.to_pylist()):
            if not value.isdigit() or int(value) >= 1 << 32:
                i = int(owner[k])
                raise DataFormatError(path, "not an AS number", line=int(lin[i]),
                                      field="asns", value=asns[i].as_py()) from exc
        raise
    origin = pa.ListArray.from_arrays(parts.offsets, members)
    prefix = pc.binary_join_element_wise(ip, pc.cast(length, pa.string()), "/")
    return pa.table(
        {
            "prefix": prefix,
            "family": pa.array(np.where(is6, 6, 4).astype(np.int8)),
            "length": length,
            "origin_asns": origin,
            "is_moas": pc.match_substring(asns, "_"),
            "is_as_set": pc.match_substring(asns, ","),
        },
        schema=PFX2AS_SCHEMA,
    )
