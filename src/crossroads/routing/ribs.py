"""Reading RIB files for calibration: ``bgpdump -m`` text or MRT, one table shape.

:func:`read_rib` returns the columns of :data:`crossroads.sources.bgpdump_text.BGPDUMP_SCHEMA`
that the observed-route population (:mod:`crossroads.routing._fidelity_data`) reads --
``timestamp, entry_type, peer_ip, peer_asn, prefix, as_path, has_as_set`` -- whatever the
file format: a file whose first line starts with a bgpdump record name (``TABLE_DUMP2|``
…) is text, anything else is read as MRT (:func:`crossroads.sources.mrt.read_mrt`;
``rib`` rows become ``B``, ``announce`` ``A``, ``withdraw`` ``W``; session state rows are
dropped; a path with an AS_SET or AS_CONFED_SET segment has ``has_as_set``). IPv6
prefixes are left out (calibration weighs IPv4 address space).

    >>> import gzip, tempfile, os
    >>> line = b"TABLE_DUMP2|1277971199|B|10.0.0.1|1|10.5.0.0/16|1 3 5|IGP|x|0|0||NAG||\\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "rib.txt.gz")
    ...     with gzip.open(p, "wb") as f:
    ...         _ = f.write(line)
    ...     read_rib(p).column("as_path").to_pylist()
    [[1, 3, 5]]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossroads.config import Settings
from crossroads.provenance import Provenance, sha256_file
from crossroads.sources import iter_lines
from crossroads.sources.bgpdump_text import read_bgpdump

if TYPE_CHECKING:
    from crossroads.store import RibRecord

__all__ = ["RIB_COLUMNS", "RIB_SCHEMA", "from_mrt_table", "read_rib", "read_ribs",
           "rib_provenance", "stored_rib_tables"]

RIB_COLUMNS = ("timestamp", "entry_type", "peer_ip", "peer_asn", "prefix", "as_path",
               "has_as_set")
_TEXT = (b"TABLE_DUMP", b"TABLE_DUMP2", b"BGP4MP", b"BGP4MP_ET")
_KINDS = {"rib": "B", "announce": "A", "withdraw": "W"}


def read_rib(path: str | Path) -> pa.Table:
    """The routes of one RIB file (text or MRT) as :data:`RIB_COLUMNS` (module doc)."""
    first = next(iter(iter_lines(path)), (0, b""))[1]
    if isinstance(first, str):
        first = first.encode()
    if first.split(b"|", 1)[0] in _TEXT:
        t = read_bgpdump(path)
        t = t.select(list(RIB_COLUMNS)).cast(_schema(t.schema.field("timestamp").type))
    else:
        t = _from_mrt(path)
    return _ipv4(t)


def _ipv4(t: pa.Table) -> pa.Table:
    v4 = pc.invert(pc.match_substring(t.column("prefix"), ":"))
    return t.filter(pc.fill_null(v4, False))


def read_ribs(paths: Sequence[str | Path]) -> pa.Table:
    """Several RIB files as one table (:data:`RIB_SCHEMA`)."""
    return pa.concat_tables([read_rib(p).cast(RIB_SCHEMA) for p in paths])


def _from_mrt(path: str | Path) -> pa.Table:
    from crossroads.sources.mrt import read_mrt

    return from_mrt_table(read_mrt(path))


def from_mrt_table(t: pa.Table) -> pa.Table:
    """:data:`RIB_COLUMNS` of a table of parsed MRT routes (the reader's, or a RIB stored
    by ``crossroads fetch ribs``; IPv6 prefixes kept: :func:`read_rib` drops them)."""
    t = t.filter(pc.is_in(t.column("type"), pa.array(list(_KINDS))))
    kind = pc.replace_substring_regex(t.column("type"), "^rib$", "B")
    kind = pc.replace_substring_regex(kind, "^announce$", "A")
    kind = pc.replace_substring_regex(kind, "^withdraw$", "W")
    seg = t.column("as_path_segments").combine_chunks()
    seg_type = pc.struct_field(seg.flatten(), "type")
    is_set = pc.or_(pc.equal(seg_type, 1), pc.equal(seg_type, 4))
    owner = pc.list_parent_indices(seg)
    has_set = np.zeros(len(t), bool)
    has_set[owner.to_numpy(zero_copy_only=False)[is_set.to_numpy(zero_copy_only=False)]] = True
    return pa.table([t.column("timestamp"), kind, t.column("peer_ip"), t.column("peer_asn"),
                     t.column("prefix"), t.column("as_path"), pa.array(has_set)],
                    names=list(RIB_COLUMNS))


def _schema(ts: pa.DataType) -> pa.Schema:
    return pa.schema([("timestamp", ts), ("entry_type", pa.string()), ("peer_ip", pa.string()),
                      ("peer_asn", pa.uint32()), ("prefix", pa.string()),
                      ("as_path", pa.list_(pa.uint32())), ("has_as_set", pa.bool_())])


def rib_provenance(path: str | Path, table: pa.Table) -> Provenance:
    """Provenance of one RIB file: its path, SHA-256, the date (UTC) of its earliest
    record and the file's modification time as the retrieval time."""
    p = Path(path)
    first = pc.min(table.column("timestamp")).as_py() if table.num_rows else None
    mtime = datetime.fromtimestamp(p.stat().st_mtime, UTC)
    return Provenance(
        dataset=p.name, source=str(p), data_date=first.date() if first else mtime.date(),
        sha256=sha256_file(p), retrieved_at=mtime, path=str(p), kind="rib",
    )


RIB_SCHEMA = _schema(pa.timestamp("us", tz="UTC"))
"""The columns of :func:`read_ribs` (timestamps in microseconds, whatever the format)."""


def stored_rib_tables(
    settings: Settings, on: Date | None, *, records: Sequence[RibRecord] | None = None,
) -> tuple[list[pa.Table], tuple[Provenance, ...]]:
    """The RIBs stored by ``crossroads fetch ribs`` in force on ``on`` (the newest without
    it), one per collector -- or the stored ``records`` when given (the RIBs
    :func:`crossroads.routing.load.ribs_near` chose) -- as :data:`RIB_SCHEMA` tables,
    and their provenance."""
    import pyarrow.parquet as pq

    from crossroads.store import open_store

    if records is not None:
        recs = list(records)
    else:
        recs = open_store(settings).ribs(on=on) if settings.database.is_file() else []
    tables = [_ipv4(from_mrt_table(pq.read_table(r.path))).cast(RIB_SCHEMA) for r in recs]
    provs = tuple(Provenance(dataset=r.name, source=r.source, data_date=r.data_time.date(),
                             sha256=r.sha256, retrieved_at=r.data_time, path=str(r.path),
                             kind="rib") for r in recs)
    return tables, provs
