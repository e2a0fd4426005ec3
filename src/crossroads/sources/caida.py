"""CAIDA AS relationships (serial-1, serial-2) and AS organisations (as-org2info).

AS relationships (https://publicdata.caida.org/datasets/as-relationships/):

- serial-1 ``<as1>|<as2>|<rel>``; serial-2 ``<as1>|<as2>|<rel>|<source>``;
- ``rel`` is ``-1`` when ``as1`` is a provider of ``as2`` and ``0`` when they are peers.
  The files hold no sibling links; any other code is a format error;
- ``source`` (serial-2 only) says how the link was inferred: ``bgp``, ``mlp`` (multilateral
  peering at route servers) or both (``bgp,mlp``); it is null for serial-1;
- ``#`` lines are comments (sources, inferred clique, IXP ASes).

AS organisations (https://publicdata.caida.org/datasets/as-organizations/), two forms:

- ``YYYYMMDD.as-org2info.txt``: two ``|``-separated sections, each introduced by a
  ``# format:`` line naming its fields, ``org_id|changed|org_name|country|source`` and
  ``aut|changed|aut_name|org_id|opaque_id|source`` (files before 2014 lack ``opaque_id``);
- ``YYYYMMDD.as-org2info.jsonl``: one JSON object per line, ``"type": "Organization"``
  (``organizationId, changed, name, country, source``) or ``"type": "ASN"`` (``asn, changed,
  name, organizationId, opaqueId, source``).

Please cite "The CAIDA AS Relationships Dataset, <date>" and "The CAIDA AS Organizations
Dataset, <date>" (CAIDA Acceptable Use Agreement).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from crossroads.errors import DataFormatError
from crossroads.sources._open import iter_lines
from crossroads.sources._tabular import (
    BATCH_LINES,
    Lines,
    RowBuffer,
    cast_column,
    concat_batches,
    empty_to_null,
    split_fields,
    text,
)

__all__ = [
    "AS_ORG_ASNS_SCHEMA",
    "AS_ORG_ORGS_SCHEMA",
    "AS_REL_SCHEMA",
    "asn_orgs",
    "parse_as_org",
    "parse_as_rel",
    "read_as_org",
    "read_as_rel",
]

AS_REL_SCHEMA = pa.schema(
    [("as1", pa.uint32()), ("as2", pa.uint32()), ("rel", pa.int8()), ("source", pa.string())]
)
AS_ORG_ORGS_SCHEMA = pa.schema(
    [
        ("org_id", pa.string()),
        ("changed", pa.string()),
        ("name", pa.string()),
        ("country", pa.string()),
        ("source", pa.string()),
    ]
)
AS_ORG_ASNS_SCHEMA = pa.schema(
    [
        ("asn", pa.uint32()),
        ("changed", pa.string()),
        ("as_name", pa.string()),
        ("org_id", pa.string()),
        ("opaque_id", pa.string()),
        ("source", pa.string()),
    ]
)


# --- AS relationships -------------------------------------------------------------------


def read_as_rel(path: str | Path) -> pa.Table:
    """The links of a CAIDA as-rel file (serial-1 or serial-2, plain, gz or bz2)."""
    return parse_as_rel(iter_lines(path), path=path)


def parse_as_rel(lines: Lines, *, path: str | Path = "<memory>") -> pa.Table:
    """Links from ``(line_number, line)`` pairs; columns as :data:`AS_REL_SCHEMA`.

    >>> t = parse_as_rel([(1, b"# c"), (2, b"1|2|-1|bgp"), (3, b"2|3|0|mlp")])
    >>> t.column("rel").to_pylist(), t.column("source").to_pylist()
    ([-1, 0], ['bgp', 'mlp'])
    """
    batches = []
    rows: list[bytes] = []
    linenos: list[int] = []
    pipes = -1  # 2 for serial-1, 3 for serial-2, fixed by the first data line
    for lineno, line in lines:
        if not line or line[0] == 0x23:  # '#'
            continue
        n = line.count(b"|")
        if n != pipes:
            if pipes != -1 or n not in (2, 3):
                want = "3 or 4" if pipes == -1 else str(pipes + 1)
                raise DataFormatError(
                    path, f"expected {want} fields, found {n + 1}", line=lineno, value=text(line)
                )
            pipes = n
        rows.append(line)
        linenos.append(lineno)
        if len(rows) >= BATCH_LINES:
            batches.append(_as_rel_batch(rows, linenos, path, pipes))
            rows, linenos = [], []
    if rows:
        batches.append(_as_rel_batch(rows, linenos, path, pipes))
    return concat_batches(batches, AS_REL_SCHEMA)


def _as_rel_batch(rows: list[bytes], linenos: list[int], path: str | Path, pipes: int) -> pa.Table:
    names = ["as1", "as2", "rel", "source"][: pipes + 1]
    raw = split_fields(rows, linenos, path=path, names=names)
    as1 = cast_column(raw["as1"], pa.uint32(), linenos, path=path, field="as1",
                      problem="not an AS number")
    as2 = cast_column(raw["as2"], pa.uint32(), linenos, path=path, field="as2",
                      problem="not an AS number")
    rel = cast_column(raw["rel"], pa.int8(), linenos, path=path, field="rel",
                      problem="not a relationship code")
    rel_np = rel.to_numpy()
    bad = np.flatnonzero((rel_np != -1) & (rel_np != 0))
    if bad.size:
        i = int(bad[0])
        raise DataFormatError(
            path, "relationship code must be -1 (provider of) or 0 (peers)",
            line=linenos[i], field="rel", value=int(rel_np[i]),
        )
    if pipes == 3:
        source = empty_to_null(raw["source"])
    else:
        source = pa.nulls(len(rows), pa.string())
    return pa.table([as1, as2, rel, source], schema=AS_REL_SCHEMA)


# --- AS organisations -------------------------------------------------------------------


def read_as_org(path: str | Path) -> tuple[pa.Table, pa.Table]:
    """``(orgs, asns)`` of a CAIDA as-org2info file, ``.txt`` or ``.jsonl`` (plain/gz/bz2)."""
    return parse_as_org(iter_lines(path), path=path)


def parse_as_org(lines: Lines, *, path: str | Path = "<memory>") -> tuple[pa.Table, pa.Table]:
    """``(orgs, asns)`` from as-org2info lines, either form (told apart line by line: a
    line starting with ``{`` is JSON). Columns as :data:`AS_ORG_ORGS_SCHEMA` and
    :data:`AS_ORG_ASNS_SCHEMA`; empty strings become null.

    >>> orgs, asns = parse_as_org([
    ...     (1, b"# format:org_id|changed|org_name|country|source"),
    ...     (2, b"O-1|20200101|Org One|KZ|RIPE"),
    ...     (3, b"# format:aut|changed|aut_name|org_id|opaque_id|source"),
    ...     (4, b"9198|20200101|KAZTELECOM-AS|O-1|x_RIPE|RIPE"),
    ... ])
    >>> orgs.column("country").to_pylist(), asns.column("asn").to_pylist()
    (['KZ'], [9198])
    """
    orgs = RowBuffer(AS_ORG_ORGS_SCHEMA)
    asns = RowBuffer(AS_ORG_ASNS_SCHEMA)
    fields: list[str] | None = None  # the current txt section's field names
    for lineno, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(b"#"):
            fields = _format_line(stripped) or fields
            continue
        if stripped.startswith(b"{"):
            kind, row = _json_row(stripped, lineno, path)
        else:
            kind, row = _txt_row(stripped, fields, lineno, path)
        (orgs if kind == "org" else asns).append(row)
    return orgs.table(), asns.table()


def _format_line(line: bytes) -> list[str] | None:
    """The field names of a ``# format:`` comment, else None (``name`` is read as
    ``aut_name`` or ``org_name`` by section, as older README examples spell it)."""
    body = line.lstrip(b"#").strip()
    if not body.lower().startswith(b"format:"):
        return None
    names = [f.strip() for f in body[7:].decode("ascii", "replace").split("|")]
    if names and names[0] == "aut":
        names = ["aut_name" if n == "name" else n for n in names]
    elif names:
        names = ["org_name" if n == "name" else n for n in names]
    return names


def _none(value: str | None) -> str | None:
    return value if value else None


def _txt_row(
    line: bytes, fields: list[str] | None, lineno: int, path: str | Path
) -> tuple[str, tuple[object, ...]]:
    if fields is None:
        raise DataFormatError(
            path, "data line before any '# format:' line", line=lineno, value=text(line),
            hint="as-org2info .txt files start each section with '# format:...'",
        )
    values = line.decode("utf-8", "replace").split("|")
    if len(values) != len(fields):
        raise DataFormatError(
            path, f"expected {len(fields)} fields, found {len(values)}", line=lineno,
            value=text(line),
        )
    rec = dict(zip(fields, values, strict=True))
    if fields[0] == "aut":
        asn = _asn(rec["aut"], lineno, path, "aut")
        return "asn", (asn, _none(rec.get("changed")), _none(rec.get("aut_name")),
                       _none(rec.get("org_id")), _none(rec.get("opaque_id")),
                       _none(rec.get("source")))
    if fields[0] == "org_id":
        return "org", (rec["org_id"], _none(rec.get("changed")), _none(rec.get("org_name")),
                       _none(rec.get("country")), _none(rec.get("source")))
    raise DataFormatError(
        path, f"unknown '# format:' section starting with {fields[0]!r}", line=lineno
    )


def _asn(value: object, lineno: int, path: str | Path, field: str) -> int:
    s = str(value)
    if not s.isdigit() or int(s) >= 1 << 32:
        raise DataFormatError(path, "not an AS number", line=lineno, field=field, value=value)
    return int(s)


def _json_row(line: bytes, lineno: int, path: str | Path) -> tuple[str, tuple[object, ...]]:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataFormatError(path, f"invalid JSON: {exc.msg}", line=lineno,
                              value=text(line)) from exc
    if not isinstance(rec, dict):
        raise DataFormatError(path, "JSON line is not an object", line=lineno, value=text(line))
    kind = rec.get("type")

    def s(key: str) -> str | None:
        v = rec.get(key)
        return str(v) if v not in (None, "") else None

    if kind == "ASN":
        asn = _asn(rec.get("asn"), lineno, path, "asn")
        return "asn", (asn, s("changed"), s("name"), s("organizationId"), s("opaqueId"),
                       s("source"))
    if kind == "Organization":
        if s("organizationId") is None:
            raise DataFormatError(path, "organisation without organizationId", line=lineno)
        return "org", (s("organizationId"), s("changed"), s("name"), s("country"),
                       s("source"))
    raise DataFormatError(
        path, "unknown record type", line=lineno, field="type", value=kind,
        hint='as-org2info JSON lines have "type": "ASN" or "Organization"',
    )


def asn_orgs(orgs: pa.Table, asns: pa.Table) -> pa.Table:
    """``asns`` joined with their organisation's name and country (``org_name``,
    ``country``); ASes whose org is missing keep null."""
    joined = asns.join(
        orgs.select(["org_id", "name", "country"]).rename_columns(
            ["org_id", "org_name", "country"]
        ),
        keys="org_id",
        join_type="left outer",
    )
    return joined.sort_by("asn")

