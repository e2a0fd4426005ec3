"""IP address columns as numbers, and inclusive address ranges as minimal CIDR covers.

IPv4 addresses become ``uint64`` integers (vectorised over a whole column). IPv6 addresses
become two ``uint64`` words, ``hi`` (bits 127..64) and ``lo`` (bits 63..0), parsed with
``socket.inet_pton`` (C) one value at a time: Python integers are not needed on the hot path.

Minimal CIDR cover of ``[first, last]`` (the classic greedy, as in RFC 4632 §3.1 aggregation
and Python's ``ipaddress.summarize_address_range``): from ``first``, take the largest block
``2**k`` that is aligned at ``first`` (``k <= trailing zero bits of first``) and does not pass
``last`` (``2**k <= last - first + 1``); emit it, advance, repeat. Each block is forced:
any cover must contain a prefix that starts at ``first``, and a larger one would either be
misaligned or cover addresses beyond ``last``; so the result is the unique minimal cover.
Example: 10.0.0.1–10.0.0.6 → 10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6/32.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError

__all__ = [
    "cover_ints",
    "cover_ipv4_arrays",
    "ipv4_to_uint",
    "ipv6_to_words",
    "parse_address",
]


def parse_address(s: str) -> tuple[int, int]:
    """``(family, integer)`` of one IPv4 or IPv6 address; ``ValueError`` if it is neither."""
    try:
        if ":" in s:
            return 6, int.from_bytes(socket.inet_pton(socket.AF_INET6, s), "big")
        return 4, int.from_bytes(socket.inet_pton(socket.AF_INET, s), "big")
    except (OSError, UnicodeError) as exc:
        raise ValueError(f"not an IP address: {s!r}") from exc


def ipv4_to_uint(
    column: pa.Array | pa.ChunkedArray,
    linenos: Sequence[int] | np.ndarray,
    *,
    path: str | Path,
    field: str,
) -> np.ndarray:
    """Dotted-quad strings as ``uint64`` integers; a malformed one names its line."""
    if len(column) == 0:
        return np.zeros(0, np.uint64)
    parts = pc.split_pattern(column, ".")
    lengths = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
    octets = None
    if bool((lengths == 4).all()):
        flat = pc.list_flatten(parts)
        # Reject "", signs and spaces first: cast alone would accept "+1".
        digits = pc.all(pc.utf8_is_digit(flat)).as_py()
        if digits:
            try:
                octets = pc.cast(flat, pa.uint8()).to_numpy().astype(np.uint64).reshape(-1, 4)
            except pa.ArrowInvalid:
                octets = None
    if octets is None:
        _raise_bad_ipv4(column, linenos, path=path, field=field)
    assert octets is not None
    out: np.ndarray = (
        (octets[:, 0] << 24) | (octets[:, 1] << 16) | (octets[:, 2] << 8) | octets[:, 3]
    )
    return out


def _raise_bad_ipv4(
    column: pa.Array | pa.ChunkedArray,
    linenos: Sequence[int] | np.ndarray,
    *,
    path: str | Path,
    field: str,
) -> None:
    for i, value in enumerate(column.to_pylist()):
        parts = str(value).split(".")
        if len(parts) != 4 or not all(p.isdigit() and int(p) <= 255 for p in parts):
            raise DataFormatError(
                path, "not an IPv4 address", line=int(linenos[i]), field=field, value=value
            )
    raise DataFormatError(path, "not an IPv4 address", line=int(linenos[0]), field=field)


def ipv6_to_words(
    values: Sequence[str | None],
    linenos: Sequence[int] | np.ndarray,
    *,
    path: str | Path,
    field: str,
) -> tuple[np.ndarray, np.ndarray]:
    """IPv6 strings as ``(hi, lo)`` ``uint64`` arrays; a malformed one names its line."""
    packed = []
    pton = socket.inet_pton
    af = socket.AF_INET6
    for i, value in enumerate(values):
        try:
            packed.append(pton(af, value))  # type: ignore[arg-type]
        except (OSError, TypeError, UnicodeError) as exc:
            raise DataFormatError(
                path, "not an IPv6 address", line=int(linenos[i]), field=field, value=value
            ) from exc
    words = np.frombuffer(b"".join(packed), dtype=">u8").astype(np.uint64).reshape(-1, 2)
    return words[:, 0].copy(), words[:, 1].copy()


def cover_ints(first: int, last: int, bits: int) -> list[tuple[int, int]]:
    """Minimal CIDR cover of ``[first, last]`` as ``(network, prefix_length)`` pairs.

    ``bits`` is 32 (IPv4) or 128 (IPv6).

    >>> cover_ints(1, 6, 32)
    [(1, 32), (2, 31), (4, 31), (6, 32)]
    >>> cover_ints(0, 2**128 - 1, 128)
    [(0, 0)]
    """
    if not 0 <= first <= last < 1 << bits:
        raise ValueError(f"bad range {first}..{last} for {bits}-bit addresses")
    out = []
    while first <= last:
        align = (first & -first).bit_length() - 1 if first else bits
        size = min(align, (last - first + 1).bit_length() - 1)
        out.append((first, bits - size))
        first += 1 << size
    return out


def cover_ipv4_arrays(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, ...]:
    """Vectorised :func:`cover_ints` for many IPv4 ranges at once.

    Returns ``(range_index, network, prefix_length)`` arrays, ordered by range and, within
    a range, by address. All ranges advance one block per round (at most 62 rounds).
    """
    first = np.asarray(first, np.uint64).copy()
    last = np.asarray(last, np.uint64)
    idx = np.arange(first.size, dtype=np.int64)
    out_i, out_net, out_len = [], [], []
    active = first <= last
    while active.any():
        a = np.flatnonzero(active)
        f = first[a]
        span = last[a] - f + np.uint64(1)
        # trailing zeros of f (32 when f == 0): log2 of the lowest set bit
        low = f & (~f + np.uint64(1))
        align = np.where(f == 0, 32, np.frexp(low.astype(np.float64))[1] - 1)
        fit = np.frexp(span.astype(np.float64))[1] - 1  # floor(log2(span)), exact < 2**53
        size = np.minimum(align, fit).astype(np.uint64)
        out_i.append(idx[a])
        out_net.append(f)
        out_len.append((32 - size.astype(np.int64)).astype(np.int8))
        first[a] = f + (np.uint64(1) << size)
        active[a] = first[a] <= last[a]
    if not out_i:
        empty = np.zeros(0, np.int64)
        return empty, empty.astype(np.uint64), empty.astype(np.int8)
    i = np.concatenate(out_i)
    net = np.concatenate(out_net)
    length = np.concatenate(out_len)
    order = np.lexsort((net, i))
    return i[order], net[order], length[order]
