"""How numbers and results are written for people and programs, in one place.

The CLI, the web API and the report print the same figures, so they share these:

* :func:`jsonable` turns any result (``as_dict()`` objects, dataclasses, DataFrames,
  numpy values, dates) into plain JSON data, with NaN and infinities as ``null`` -- a bare
  ``NaN`` is not JSON;
* :func:`to_json` writes it (``allow_nan=False``: a non-finite number that slipped
  through is an error, never invalid output);
* :func:`pct`, :func:`signed` and :func:`num` format fractions, changes and counts.

>>> to_json({"share": float("nan"), "n": 3}, indent=None)
'{"share": null, "n": 3}'
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

__all__ = ["jsonable", "num", "pct", "signed", "to_json"]


def jsonable(value: Any) -> Any:
    """``value`` as JSON-ready data: ``as_dict()``/pydantic/dataclasses/DataFrames/numpy
    become dicts, lists and Python scalars; dates become ISO strings; NaN becomes ``None``.

    >>> import numpy as np
    >>> jsonable({"a": np.float64(0.5), "b": [np.nan, np.int32(2)]})
    {'a': 0.5, 'b': [None, 2]}
    """
    if hasattr(value, "as_dict"):
        return jsonable(value.as_dict())
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "to_dict") and hasattr(value, "columns"):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if getattr(value, "ndim", 0) > 0 and hasattr(value, "tolist"):  # a numpy array
        return jsonable(value.tolist())
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """``value`` (anything :func:`jsonable` takes) as a JSON document."""
    return json.dumps(jsonable(value), indent=indent, ensure_ascii=False, allow_nan=False)


def pct(value: Any) -> str:
    """A fraction as a percentage: one decimal, or two significant digits below 0.1 %
    ("–" when missing).

    >>> pct(0.5582), pct(4.2e-05), pct(0), pct(None)
    ('55.8 %', '0.0042 %', '0.0 %', '–')
    """
    if value is None or value != value:
        return "–"
    v = 100 * float(value)
    return f"{v:.1f} %" if abs(v) >= 0.1 or v == 0 else f"{v:.2g} %"


def signed(value: Any) -> str:
    """A change of a fraction in percentage points, with its sign.

    >>> signed(-0.0027451), signed(0.0)
    ('−0.27 pp', '±0 pp')
    """
    if value is None or value != value:
        return "–"
    v = 100 * float(value)
    if v == 0:
        return "±0 pp"
    return f"{'+' if v > 0 else '−'}{abs(v):.2f} pp"


def num(value: Any) -> str:
    """A count with thousands separators (no decimals for large values).

    >>> num(3273472), num(2578.1678), num(0.5)
    ('3,273,472', '2,578', '0.50')
    """
    if value is None or value != value:
        return "–"
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() or abs(v) >= 100 else f"{v:,.2f}"
