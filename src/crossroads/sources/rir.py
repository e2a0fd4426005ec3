"""RIR statistics exchange files: ``delegated-<rir>[-extended]-<date>``.

Format (https://www.nro.net/wp-content/uploads/nro-extended-stats-readme5.txt)::

    version|registry|serial|records|startdate|enddate|UTCoffset      (header, skipped)
    registry|*|type|*|count|summary                                  (summaries, skipped)
    registry|cc|type|start|value|date|status[|opaque-id]              (records)

``type`` is ``asn`` (``start`` = first AS number, ``value`` = how many consecutive ASes),
``ipv4`` (``start`` = first address, ``value`` = number of addresses, not always a power of
two) or ``ipv6`` (``start`` = network, ``value`` = prefix length). ``#`` lines are comments.

Quirks of the five registries (seen in the 2018-10-13 extended files), all accepted:

- APNIC starts with a ``#`` licence block and leaves the header's ``startdate`` empty;
- ARIN's header ``serial`` is a millisecond timestamp, RIPE NCC's a Unix timestamp;
- LACNIC and RIPE NCC write ``available``/``reserved`` records with 7 fields (no
  ``opaque-id``) inside an extended file; AFRINIC writes them with 8 and an empty one;
- ``cc`` is empty for available/reserved space at APNIC, ARIN, LACNIC, RIPE NCC; AFRINIC
  writes ``ZZ`` there instead. Empty ``cc`` becomes null; ``ZZ`` is kept as written
  (it means "no country"; consumers that count countries should treat it as unknown);
- ``date`` is empty for available/reserved space, and ARIN writes ``00000000`` for some
  legacy records: both become null;
- RIPE NCC records ``EU`` (a European Union-wide registration) as a country code.

Non-extended files have 7 fields and give a null ``opaque_id``.
"""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError
from crossroads.sources._ip import ipv4_to_uint
from crossroads.sources._open import iter_lines
from crossroads.sources._tabular import (
    BATCH_LINES,
    Lines,
    cast_column,
    concat_batches,
    empty_to_null,
    split_fields,
    text,
)

__all__ = [
    "ASN_REGISTRATIONS_SCHEMA",
    "DELEGATED_SCHEMA",
    "asn_registrations",
    "ipv4_count",
    "ipv6_slash48s",
    "parse_delegated",
    "read_delegated",
]

DELEGATED_SCHEMA = pa.schema(
    [
        ("registry", pa.string()),
        ("cc", pa.string()),
        ("type", pa.string()),
        ("start", pa.string()),
        ("value", pa.int64()),
        ("date", pa.date32()),
        ("status", pa.string()),
        ("opaque_id", pa.string()),
    ]
)
ASN_REGISTRATIONS_SCHEMA = pa.schema(
    [
        ("asn", pa.uint32()),
        ("cc", pa.string()),
        ("registry", pa.string()),
        ("date", pa.date32()),
        ("status", pa.string()),
        ("opaque_id", pa.string()),
    ]
)
_NAMES = [f.name for f in DELEGATED_SCHEMA]
_TYPES = ("asn", "ipv4", "ipv6")


def read_delegated(path: str | Path) -> pa.Table:
    """The records of one RIR delegated(-extended) file; columns :data:`DELEGATED_SCHEMA`."""
    return parse_delegated(iter_lines(path), path=path)


def parse_delegated(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """Records from ``(line_number, line)`` pairs, header/summary/comments skipped.

    >>> t = parse_delegated([
    ...     (1, b"2|ripencc|1539467999|2|19830705|20181013|+0200"),
    ...     (2, b"ripencc|*|asn|*|1|summary"),
    ...     (3, b"ripencc|KZ|asn|9198|1|19990223|allocated|38ea986f"),
    ...     (4, b"ripencc||ipv4|5.11.56.0|2048||reserved"),
    ... ])
    >>> t.column("cc").to_pylist(), t.column("opaque_id").to_pylist()
    (['KZ', None], ['38ea986f', None])
    """
    batches = []
    rows: list[bytes] = []
    linenos: list[int] = []
    seen_header = False
    for lineno, line in lines:
        if not line or line[0] == 0x23:  # '#'
            continue
        if not seen_header and line[:1].isdigit():  # "2|ripencc|..." / "2.3|arin|..."
            seen_header = True
            continue
        if line.endswith(b"|summary"):
            continue
        n = line.count(b"|")
        if n == 6:
            line += b"|"  # records without opaque-id (non-extended, or LACNIC/RIPE gaps)
        elif n != 7:
            raise DataFormatError(
                path, f"expected 7 or 8 fields, found {n + 1}", line=lineno, value=text(line)
            )
        rows.append(line)
        linenos.append(lineno)
        if len(rows) >= BATCH_LINES:
            batches.append(_batch(rows, linenos, path))
            rows, linenos = [], []
    if rows:
        batches.append(_batch(rows, linenos, path))
    return concat_batches(batches, DELEGATED_SCHEMA)


def _batch(rows: list[bytes], linenos: list[int], path: str | Path) -> pa.Table:
    raw = split_fields(rows, linenos, path=path, names=_NAMES)
    lin = np.asarray(linenos, np.int64)
    kind = raw["type"]
    known = pc.is_in(kind, value_set=pa.array(_TYPES)).to_numpy(zero_copy_only=False)
    if not known.all():
        i = int(np.flatnonzero(~known)[0])
        raise DataFormatError(path, "unknown record type", line=int(lin[i]), field="type",
                              value=kind[i].as_py(), hint="expected asn, ipv4 or ipv6")
    value = cast_column(raw["value"], pa.int64(), lin, path=path, field="value",
                        problem="not an integer")
    _check_starts(raw["start"], kind, value, lin, path)
    return pa.table(
        {
            "registry": raw["registry"],
            "cc": empty_to_null(raw["cc"]),
            "type": kind,
            "start": raw["start"],
            "value": value,
            "date": _dates(raw["date"], lin, path),
            "status": raw["status"],
            "opaque_id": empty_to_null(raw["opaque_id"]),
        },
        schema=DELEGATED_SCHEMA,
    )


def _dates(column: pa.Array, lin: np.ndarray, path: str | Path) -> pa.Array:
    """``YYYYMMDD`` as date32; empty and ``00000000`` as null."""
    absent = pc.or_(pc.equal(column, ""), pc.equal(column, "00000000"))
    cleaned = pc.if_else(absent, pa.scalar(None, pa.string()), column)
    try:
        return pc.cast(pc.strptime(cleaned, format="%Y%m%d", unit="s"), pa.date32())
    except pa.ArrowInvalid as exc:
        for i, value in enumerate(cleaned.to_pylist()):
            if value is None:
                continue
            try:
                pc.strptime(pa.array([value]), format="%Y%m%d", unit="s")
            except pa.ArrowInvalid:
                raise DataFormatError(path, "not a YYYYMMDD date", line=int(lin[i]),
                                      field="date", value=value) from exc
        raise


def _check_starts(
    start: pa.Array, kind: pa.Array, value: pa.Array, lin: np.ndarray, path: str | Path
) -> None:
    """Each ``start`` parses as its type says; counts positive; IPv6 lengths 0..128."""
    kinds = kind.to_numpy(zero_copy_only=False)
    values = value.to_numpy()
    i_asn = np.flatnonzero(kinds == "asn")
    if i_asn.size:
        cast_column(start.take(i_asn), pa.uint32(), lin[i_asn], path=path, field="start",
                    problem="not an AS number")
    i4 = np.flatnonzero(kinds == "ipv4")
    if i4.size:
        ipv4_to_uint(start.take(i4), lin[i4], path=path, field="start")
    i6 = np.flatnonzero(kinds == "ipv6")
    for i, s in zip(i6, start.take(i6).to_pylist(), strict=True):
        try:
            socket.inet_pton(socket.AF_INET6, s)
        except OSError as exc:
            raise DataFormatError(path, "not an IPv6 address", line=int(lin[i]),
                                  field="start", value=s) from exc
    bad = np.where(kinds == "ipv6", (values < 0) | (values > 128), values < 1)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataFormatError(path, "value out of range for the record type",
                              line=int(lin[first]), field="value", value=int(values[first]))


def asn_registrations(table: pa.Table) -> pa.Table:
    """One row per AS number from the ``asn`` records of a delegated table.

    A record ``start=N, value=k`` stands for ASes ``N .. N+k-1``; each gets the record's
    ``cc, registry, date, status, opaque_id``. Vectorised: ``np.repeat`` of the record
    index, plus the offset within its block.

    >>> t = parse_delegated([(1, b"ripencc|KZ|asn|100|3|20000101|allocated|x")])
    >>> asn_registrations(t).column("asn").to_pylist()
    [100, 101, 102]
    """
    asn_rows = table.filter(pc.equal(table.column("type"), "asn"))
    if asn_rows.num_rows == 0:
        return ASN_REGISTRATIONS_SCHEMA.empty_table()
    start = pc.cast(asn_rows.column("start"), pa.uint32()).to_numpy().astype(np.int64)
    count = asn_rows.column("value").to_numpy()
    record = np.repeat(np.arange(asn_rows.num_rows), count)
    block_start = np.repeat(np.cumsum(count) - count, count)
    asn = start[record] + (np.arange(record.size) - block_start)
    if asn.size and asn.max() >= 1 << 32:
        raise ValueError("an asn block runs past AS 4294967295")
    picked = asn_rows.take(record)
    return pa.table(
        {
            "asn": pa.array(asn.astype(np.uint32)),
            "cc": picked.column("cc"),
            "registry": picked.column("registry"),
            "date": picked.column("date"),
            "status": picked.column("status"),
            "opaque_id": picked.column("opaque_id"),
        },
        schema=ASN_REGISTRATIONS_SCHEMA,
    )


def ipv4_count(table: pa.Table) -> pa.Array:
    """Addresses per row (int64): ``value`` for ``ipv4`` records, null for the others.

    In the delegated format an IPv4 record's ``value`` already is its number of addresses
    (any positive integer, e.g. 768 for a /23 plus a /24).
    """
    is4 = pc.equal(table.column("type"), "ipv4")
    return pc.if_else(is4, table.column("value"), pa.scalar(None, pa.int64())).combine_chunks()


def ipv6_slash48s(table: pa.Table) -> pa.Array:
    """Size per row in /48 blocks (float64): ``2**(48 - value)`` for ``ipv6`` records
    (``value`` is the prefix length; a /32 is 65536, a /56 is 1/256), null for the others."""
    is6 = pc.equal(table.column("type"), "ipv6")
    length = table.column("value").to_numpy().astype(np.float64)
    size = pa.array(np.exp2(48.0 - length))
    return pc.if_else(is6, size, pa.scalar(None, pa.float64())).combine_chunks()
