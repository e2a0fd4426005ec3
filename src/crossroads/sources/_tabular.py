"""Shared machinery of the text readers: batch lines, split fields, convert columns.

Every reader takes ``(line_number, line)`` pairs (as :func:`crossroads.sources._open.iter_lines`
yields them), groups a batch of data lines, lets pyarrow's C++ CSV parser split the batch,
and converts whole columns at once. The line numbers travel beside the rows, so a bad value
found by a vectorised check is reported with the line it came from. Nothing here keeps
more than one batch of Python objects alive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crossroads.errors import DataFormatError

__all__ = [
    "BATCH_LINES",
    "Lines",
    "RowBuffer",
    "batched",
    "cast_column",
    "concat_batches",
    "empty_to_null",
    "split_fields",
    "text",
]

Lines = Iterable[tuple[int, bytes]]
"""``(1-based line number, line without newline)`` pairs, as ``iter_lines`` yields them."""

BATCH_LINES = 1 << 16
"""Data lines per batch: large enough for pyarrow to pay off, small enough to stay bounded."""


def text(raw: bytes) -> str:
    """A line as text for an error message (undecodable bytes replaced, long lines cut)."""
    s = raw.decode("utf-8", "replace")
    return s if len(s) <= 120 else s[:117] + "..."


def batched(lines: Lines, size: int = BATCH_LINES) -> Iterator[list[tuple[int, bytes]]]:
    """Group ``lines`` into lists of at most ``size`` pairs."""
    batch: list[tuple[int, bytes]] = []
    for item in lines:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def split_fields(
    rows: Sequence[bytes],
    linenos: Sequence[int],
    *,
    path: str | Path,
    names: Sequence[str],
    delimiter: str = "|",
    quoted: bool = False,
) -> dict[str, pa.Array]:
    """Split ``rows`` into string columns ``names`` with pyarrow's CSV parser.

    Every row must have exactly ``len(names)`` fields; the first one that does not is
    reported with its line number. Empty fields stay ``""`` (see :func:`empty_to_null`).
    """
    if not rows:
        return {n: pa.array([], pa.string()) for n in names}
    try:
        table = _read(rows, names, delimiter, quoted)
    except pa.ArrowInvalid as exc:
        _raise_field_count(rows, linenos, path=path, names=names, delimiter=delimiter,
                           quoted=quoted, cause=exc)
        raise  # pragma: no cover - _raise_field_count always raises
    if table.num_rows != len(rows):  # a quoted field spanning lines, say
        _raise_field_count(rows, linenos, path=path, names=names, delimiter=delimiter,
                           quoted=quoted, cause=None)
    return {n: table.column(n).combine_chunks() for n in names}


def _read(rows: Sequence[bytes], names: Sequence[str], delimiter: str, quoted: bool) -> pa.Table:
    return pacsv.read_csv(
        io.BytesIO(b"\n".join(rows) + b"\n"),
        read_options=pacsv.ReadOptions(column_names=list(names), use_threads=False),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"' if quoted else False,
            ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _parses(rows: Sequence[bytes], names: Sequence[str], delimiter: str, quoted: bool) -> bool:
    try:
        return bool(_read(rows, names, delimiter, quoted).num_rows == len(rows))
    except pa.ArrowInvalid:
        return False


def _fields_of(row: bytes, delimiter: str, quoted: bool) -> int:
    if not quoted:
        return row.count(delimiter.encode()) + 1
    line = row.decode("utf-8", "replace").replace("\r", " ").replace("\n", " ")
    try:
        parsed = list(csv.reader([line], delimiter=delimiter))
    except csv.Error:  # a stray quote or NUL the csv module will not read: not countable
        return -1
    return len(parsed[0]) if parsed else 0


def _raise_field_count(
    rows: Sequence[bytes],
    linenos: Sequence[int],
    *,
    path: str | Path,
    names: Sequence[str],
    delimiter: str,
    quoted: bool,
    cause: Exception | None,
) -> None:
    expected = len(names)
    for row, lineno in zip(rows, linenos, strict=True):
        found = _fields_of(row, delimiter, quoted)
        if found != expected or (quoted and b"\r" in row):
            problem = (f"expected {expected} fields, found {found}" if found >= 0
                       else "unparsable row (a stray quote or control character)")
            raise DataFormatError(path, problem, line=lineno, value=text(row)) from cause
    # every row has the right field count alone, so one breaks the batch: an unbalanced
    # quote that swallows the next line. Find the shortest prefix that does not parse; its
    # last row breaks alone, or else the row before it opened the quote.
    lo, hi = 0, len(rows)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _parses(rows[:mid], names, delimiter, quoted):
            lo = mid
        else:
            hi = mid
    bad = hi - 1 if hi < 2 or not _parses(rows[hi - 1:hi], names, delimiter, quoted) else hi - 2
    raise DataFormatError(path, "unparsable row (an unbalanced quote?)", line=linenos[bad],
                          value=text(rows[bad])) from cause


def cast_column(
    column: pa.Array | pa.ChunkedArray,
    to: pa.DataType,
    linenos: Sequence[int] | np.ndarray,
    *,
    path: str | Path,
    field: str,
    problem: str,
) -> pa.Array:
    """``column`` (strings) cast to ``to``; the first value that does not convert is
    reported with its line, as ``problem``."""
    try:
        return pc.cast(column, to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        bad = _first_uncastable(column, to)
        raise DataFormatError(
            path, problem, line=int(linenos[bad]), field=field, value=column[bad].as_py()
        ) from exc


def _first_uncastable(column: pa.Array | pa.ChunkedArray, to: pa.DataType) -> int:
    for i, value in enumerate(column.to_pylist()):
        try:
            pc.cast(pa.array([value], pa.string()), to)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return i
    return 0  # pragma: no cover - the whole-column cast failed, so one value must


def empty_to_null(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Strings with ``""`` replaced by null."""
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def concat_batches(batches: Iterable[pa.RecordBatch | pa.Table], schema: pa.Schema) -> pa.Table:
    """One table from ``batches`` (an empty table with ``schema`` when there are none)."""
    tables = [b if isinstance(b, pa.Table) else pa.Table.from_batches([b]) for b in batches]
    if not tables:
        return schema.empty_table()
    return pa.concat_tables([t.cast(schema) for t in tables]).combine_chunks()


class RowBuffer:
    """Column lists for readers that must build rows in Python (JSON lines, AS-org),
    turned into a :class:`pyarrow.RecordBatch` every ``size`` rows, so at most one
    batch of Python objects is alive."""

    def __init__(self, schema: pa.Schema, size: int = BATCH_LINES) -> None:
        self.schema = schema
        self.size = size
        self._columns: list[list[object]] = [[] for _ in schema]
        self._batches: list[pa.RecordBatch] = []

    def append(self, row: Sequence[object]) -> None:
        """Add one row (values in schema order)."""
        for column, value in zip(self._columns, row, strict=True):
            column.append(value)
        if len(self._columns[0]) >= self.size:
            self._flush()

    def _flush(self) -> None:
        if not self._columns[0]:
            return
        self._batches.append(pa.RecordBatch.from_arrays(
            [pa.array(c, f.type) for c, f in zip(self._columns, self.schema, strict=True)],
            schema=self.schema,
        ))
        self._columns = [[] for _ in self.schema]

    def table(self) -> pa.Table:
        """Everything appended, as one table."""
        self._flush()
        return concat_batches(self._batches, self.schema)
