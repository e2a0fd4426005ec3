"""``bgpdump -m`` text: RIB entries and BGP updates, one line each, ``|``-separated.

Line shapes written by bgpdump (https://github.com/RIPE-NCC/bgpdump)::

    TABLE_DUMP2|ts|B|peer_ip|peer_as|prefix|as_path|origin|next_hop|local_pref|med|communities|AG/NAG|aggregator|
    BGP4MP|ts|A|peer_ip|peer_as|prefix|as_path|origin|next_hop|local_pref|med|communities|AG/NAG|aggregator|
    BGP4MP|ts|W|peer_ip|peer_as|prefix
    BGP4MP|ts|STATE|peer_ip|peer_as|old_state|new_state          (skipped: no route)

``TABLE_DUMP`` (v1) lines look like ``TABLE_DUMP2`` ones; ``BGP4MP_ET`` lines may carry
``ts.microseconds`` (the fraction is dropped: timestamps are whole seconds, UTC).

AS paths. bgpdump writes an AS_SEQUENCE as space-separated numbers, an AS_SET as ``{a,b}``,
and confederation segments as ``(a b)`` (sequence) and ``[a,b]`` (set). We return:

- ``as_path``: the AS_SEQUENCE members in order, **without** set members or confederation
  segments (a set is an unordered aggregate: it has no place in a hop sequence);
- ``as_set``: the members of any AS_SET segments (usually one, at the end), flattened;
- ``has_as_set``: whether the path had an AS_SET;
- ``origin_asn``: the last AS of ``as_path`` when the path does not end in a set (null
  otherwise, or for an empty path); ``as_path_text`` keeps the text as written.

Prepending (an AS repeated to lengthen its path) is kept in ``as_path``; :func:`clean_path`
and :func:`clean_paths` remove it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.errors import DataFormatError
from crossroads.sources._ip import ipv4_to_uint, ipv6_to_words
from crossroads.sources._open import iter_lines
from crossroads.sources._tabular import (
    Lines,
    batched,
    cast_column,
    concat_batches,
    empty_to_null,
    split_fields,
    text,
)

__all__ = [
    "BGPDUMP_SCHEMA",
    "clean_path",
    "clean_paths",
    "iter_bgpdump",
    "parse_bgpdump",
    "read_bgpdump",
]

BGPDUMP_SCHEMA = pa.schema(
    [
        ("timestamp", pa.timestamp("s", tz="UTC")),
        ("record_type", pa.string()),
        ("entry_type", pa.string()),
        ("peer_ip", pa.string()),
        ("peer_asn", pa.uint32()),
        ("prefix", pa.string()),
        ("as_path", pa.list_(pa.uint32())),
        ("as_set", pa.list_(pa.uint32())),
        ("has_as_set", pa.bool_()),
        ("origin_asn", pa.uint32()),
        ("as_path_text", pa.string()),
        ("origin", pa.string()),
        ("next_hop", pa.string()),
        ("local_pref", pa.uint32()),
        ("med", pa.uint32()),
        ("communities", pa.string()),
    ]
)
_RECORDS = ("TABLE_DUMP", "TABLE_DUMP2", "BGP4MP", "BGP4MP_ET")


def read_bgpdump(path: str | Path) -> pa.Table:
    """All route lines of a ``bgpdump -m`` file as one table (:data:`BGPDUMP_SCHEMA`)."""
    return concat_batches(iter_bgpdump(path), BGPDUMP_SCHEMA)


def iter_bgpdump(path: str | Path, *, batch_size: int = 65536) -> Iterator[pa.RecordBatch]:
    """Route lines of a ``bgpdump -m`` file, ``batch_size`` lines per record batch."""
    return parse_bgpdump(iter_lines(path), path=path, batch_size=batch_size)


def parse_bgpdump(
    lines: Lines, *, path: str | Path = "<memory>", batch_size: int = 65536
) -> Iterator[pa.RecordBatch]:
    """Record batches from ``(line_number, line)`` pairs; STATE and blank lines skipped.

    >>> a = b"BGP4MP|1|A|10.0.0.1|64500|10.1.0.0/16|64500 64500 7 {8,9}|IGP|10.0.0.1|0|0||NAG||"
    >>> w = b"BGP4MP|2|W|10.0.0.1|64500|10.2.0.0/16"
    >>> [b] = parse_bgpdump([(1, a), (2, w)])
    >>> b.column(b.schema.get_field_index("as_path")).to_pylist()
    [[64500, 64500, 7], []]
    >>> b.column(b.schema.get_field_index("as_set")).to_pylist()
    [[8, 9], []]
    """
    for batch in batched(lines, batch_size):
        rows: list[bytes] = []
        linenos: list[int] = []
        for lineno, line in batch:
            row = _normalise(line, lineno, path)
            if row is not None:
                rows.append(row)
                linenos.append(lineno)
        if rows:
            raw = split_fields(rows, linenos, path=path, names=_NAMES)
            yield _to_batch(raw, np.asarray(linenos, np.int64), path)


_NAMES = ["record", "ts", "kind", "peer_ip", "peer_as", "prefix", "path", "origin",
          "next_hop", "local_pref", "med", "communities", "aggregate", "aggregator", "end"]
_PIPES = len(_NAMES) - 1


def _normalise(line: bytes, lineno: int, path: str | Path) -> bytes | None:
    """The line with exactly 15 fields (withdrawals padded), None for STATE/blank lines.

    Only counts separators here: the fields are split and checked per batch by pyarrow.
    """
    n = line.count(b"|")
    if n == _PIPES:  # route line with its trailing "|"
        return line
    if n == _PIPES - 1:  # route line without it
        return line + b"|"
    if n in (5, 6) and b"|W|" in line:  # withdrawal, with or without trailing "|"
        return line + b"|" * (_PIPES - n)
    if n == 6 and b"|STATE|" in line:
        return None
    if not line.strip():
        return None
    raise DataFormatError(path, f"expected {_PIPES} fields (6 for a withdrawal), found {n + 1}",
                          line=lineno, value=text(line))


def _to_batch(raw: dict[str, pa.Array], lin: np.ndarray, path: str | Path) -> pa.RecordBatch:
    record, kinds = raw["record"], raw["kind"]
    _check_in(record, _RECORDS, lin, path, "record",
              "expected TABLE_DUMP, TABLE_DUMP2, BGP4MP or BGP4MP_ET")
    _check_in(kinds, ("A", "B", "W"), lin, path, "type", "expected A, B, W (or STATE)")
    is_route = pc.not_equal(kinds, "W")
    no_origin = pc.and_(is_route, pc.equal(raw["origin"], "")).to_numpy(zero_copy_only=False)
    if no_origin.any():
        i = int(np.flatnonzero(no_origin)[0])
        raise DataFormatError(path, "route line without an origin attribute",
                              line=int(lin[i]), field="origin")
    whole = pc.list_element(pc.split_pattern(raw["ts"], ".", max_splits=1), 0)
    seconds = cast_column(whole, pa.int64(), lin, path=path, field="timestamp",
                          problem="not a Unix timestamp")
    texts = raw["path"]
    as_path, as_set, has_set, origin_asn = _paths(texts, lin, path)
    _check_prefixes(raw["prefix"], lin, path)
    _check_addresses(raw["peer_ip"], lin, path)
    return pa.RecordBatch.from_arrays(
        [
            pc.cast(seconds, pa.timestamp("s", tz="UTC")),
            record,
            kinds,
            raw["peer_ip"],
            cast_column(raw["peer_as"], pa.uint32(), lin, path=path, field="peer_as",
                        problem="not an AS number"),
            raw["prefix"],
            as_path,
            as_set,
            has_set,
            origin_asn,
            pc.if_else(is_route, texts, pa.scalar(None, pa.string())),
            empty_to_null(raw["origin"]),
            empty_to_null(raw["next_hop"]),
            _optional_uint(raw["local_pref"], lin, path, "local_pref"),
            _optional_uint(raw["med"], lin, path, "med"),
            empty_to_null(raw["communities"]),
        ],
        schema=BGPDUMP_SCHEMA,
    )


def _check_in(
    column: pa.Array, allowed: tuple[str, ...], lin: np.ndarray, path: str | Path,
    field: str, hint: str,
) -> None:
    ok = pc.is_in(column, value_set=pa.array(allowed)).to_numpy(zero_copy_only=False)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise DataFormatError(path, f"unknown {field}", line=int(lin[i]), field=field,
                              value=column[i].as_py(), hint=hint)


def _optional_uint(values: pa.Array, lin: np.ndarray, path: str | Path, field: str) -> pa.Array:
    return cast_column(empty_to_null(values), pa.uint32(), lin, path=path, field=field,
                       problem="not an unsigned integer")


def _paths(
    texts: pa.Array, lin: np.ndarray, path: str | Path
) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """``as_path``, ``as_set``, ``has_as_set``, ``origin_asn`` of a batch of path texts.

    Plain paths (digits and spaces: nearly all) are split and cast as whole columns; the
    few with ``{`` ``(`` ``[`` go through :func:`_parse_segments` one by one.
    """
    n = len(texts)
    special = pc.match_substring_regex(texts, r"[{(\[]").to_numpy(zero_copy_only=False)
    plain_idx = np.flatnonzero(~special)
    odd_idx = np.flatnonzero(special)
    seq_plain = _split_plain(texts.take(plain_idx), lin[plain_idx], path)
    seqs, sets = [], []
    for i in odd_idx:
        seq, members = _parse_segments(texts[int(i)].as_py(), int(lin[i]), path)
        seqs.append(seq)
        sets.append(members)
    order = np.argsort(np.concatenate([plain_idx, odd_idx]), kind="stable")
    list_type = pa.list_(pa.uint32())
    as_path = pa.concat_arrays([seq_plain, pa.array(seqs, list_type)]).take(order)
    empty_sets = pa.array([[]] * plain_idx.size, list_type)
    as_set = pa.concat_arrays([empty_sets, pa.array(sets, list_type)]).take(order)
    has_set = pc.match_substring(texts, "{")
    # origin: the last sequence member, unless the path ends in a set (then unknown)
    lengths = pc.list_value_length(as_path).to_numpy(zero_copy_only=False)
    flat = pc.list_flatten(as_path).to_numpy()
    nonempty = lengths > 0
    last = np.zeros(n, np.uint32)
    last[nonempty] = flat[np.cumsum(lengths)[nonempty] - 1]
    ends_in_set = pc.match_substring_regex(texts, r"}\s*$").to_numpy(zero_copy_only=False)
    origin_asn = pa.array(last, mask=~nonempty | ends_in_set)
    return as_path, as_set, has_set, origin_asn


def _split_plain(texts: pa.Array, lin: np.ndarray, path: str | Path) -> pa.Array:
    parts = pc.utf8_split_whitespace(texts)
    flat = pc.list_flatten(parts)
    owner = pc.list_parent_indices(parts).to_numpy()
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    counts = np.bincount(owner[keep], minlength=len(texts))
    members = flat.filter(pa.array(keep))
    try:
        values = pc.cast(members, pa.uint32())
    except pa.ArrowInvalid as exc:
        owners = owner[keep]
        for k, token in enumerate(members.to_pylist()):
            if not token.isdigit() or int(token) >= 1 << 32:
                i = int(owners[k])
                raise DataFormatError(path, "not an AS number in the AS path",
                                      line=int(lin[i]), field="as_path",
                                      value=texts[i].as_py()) from exc
        raise
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _parse_segments(s: str, lineno: int, path: str | Path) -> tuple[list[int], list[int]]:
    """``(sequence, set members)`` of a path with ``{..}``, ``(..)`` or ``[..]`` segments;
    confederation segments (``(..)``, ``[..]``) are left out of both."""
    seq: list[int] = []
    members: list[int] = []
    i, n = 0, len(s)
    closer = {"{": "}", "(": ")", "[": "]"}
    while i < n:
        c = s[i]
        if c == " ":
            i += 1
            continue
        if c in closer:
            j = s.find(closer[c], i)
            if j < 0:
                raise DataFormatError(path, f"unclosed {c!r} in the AS path", line=lineno,
                                      field="as_path", value=s)
            inner = [t for t in s[i + 1 : j].replace(",", " ").split() if t]
            ases = [_as_number(t, s, lineno, path) for t in inner]
            if c == "{":
                members.extend(ases)
            i = j + 1
            continue
        j = i
        while j < n and s[j] not in " {([":
            j += 1
        seq.append(_as_number(s[i:j], s, lineno, path))
        i = j
    return seq, members


def _as_number(token: str, whole: str, lineno: int, path: str | Path) -> int:
    if not token.isdigit() or int(token) >= 1 << 32:
        raise DataFormatError(path, "not an AS number in the AS path", line=lineno,
                              field="as_path", value=whole)
    return int(token)


def _check_prefixes(prefix: pa.Array, lin: np.ndarray, path: str | Path) -> None:
    """Every prefix is ``address/length`` with a valid address and length."""
    parts = pc.split_pattern(prefix, "/", max_splits=1)
    ok = pc.equal(pc.list_value_length(parts), 2).to_numpy(zero_copy_only=False)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise DataFormatError(path, "not a prefix", line=int(lin[i]), field="prefix",
                              value=prefix[i].as_py())
    address = pc.list_element(parts, 0)
    length = cast_column(pc.list_element(parts, 1), pa.uint8(), lin, path=path,
                         field="prefix", problem="not a prefix length")
    is6 = pc.match_substring(address, ":").to_numpy(zero_copy_only=False)
    too_long = length.to_numpy() > np.where(is6, 128, 32)
    if too_long.any():
        i = int(np.flatnonzero(too_long)[0])
        raise DataFormatError(path, "prefix length out of range", line=int(lin[i]),
                              field="prefix", value=prefix[i].as_py())
    i4, i6 = np.flatnonzero(~is6), np.flatnonzero(is6)
    if i4.size:
        ipv4_to_uint(address.take(i4), lin[i4], path=path, field="prefix")
    if i6.size:
        ipv6_to_words(address.take(i6).to_pylist(), lin[i6], path=path, field="prefix")


def _check_addresses(ips: pa.Array, lin: np.ndarray, path: str | Path) -> None:
    """Every peer address parses (checked once per distinct value)."""
    distinct = pc.unique(ips)
    is6 = pc.match_substring(distinct, ":").to_numpy(zero_copy_only=False)
    fake = np.zeros(len(distinct), np.int64)
    try:
        ipv4_to_uint(distinct.filter(pa.array(~is6)), fake, path=path, field="peer_ip")
        ipv6_to_words(distinct.filter(pa.array(is6)).to_pylist(), fake, path=path,
                      field="peer_ip")
    except DataFormatError as exc:
        i = int(pc.index(ips, exc.value).as_py())
        raise DataFormatError(path, exc.problem, line=int(lin[i]), field="peer_ip",
                              value=exc.value) from exc


def clean_path(path_array: np.ndarray) -> np.ndarray:
    """``path_array`` without prepending: each run of the same AS kept once.

    >>> clean_path(np.array([3356, 9198, 9198, 9198, 50482], np.uint32)).tolist()
    [3356, 9198, 50482]
    """
    a = np.asarray(path_array)
    if a.size == 0:
        return a.copy()
    keep = np.empty(a.size, bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def clean_paths(paths: pa.ListArray | pa.ChunkedArray) -> pa.ListArray:
    """:func:`clean_path` applied to every path of a list column, vectorised."""
    if isinstance(paths, pa.ChunkedArray):
        paths = paths.combine_chunks()
    flat = pc.list_flatten(paths).to_numpy()
    owner = pc.list_parent_indices(paths).to_numpy()
    keep = np.ones(flat.size, bool)
    if flat.size:
        keep[1:] = (flat[1:] != flat[:-1]) | (owner[1:] != owner[:-1])
    counts = np.bincount(owner[keep], minlength=len(paths))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat[keep], pa.uint32()),
                                    mask=paths.is_null())
