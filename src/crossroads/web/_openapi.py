"""The app's OpenAPI schema in version 3.0 form, for the Swagger UI the app serves.

FastAPI writes OpenAPI 3.1; the Swagger UI of the ``swagger-ui-bundle`` package (4.15)
reads 3.0 only and shows "Unable to render this definition" for 3.1. The two differ, for
this schema, in how a value that may be null is written: 3.1 says ``anyOf: [X, {type:
null}]``, 3.0 says ``X`` with ``nullable: true``. :func:`openapi_30` rewrites that and the
version field; ``/openapi.json`` stays the 3.1 original.

>>> openapi_30({"openapi": "3.1.0", "x": {"anyOf": [{"type": "string"}, {"type": "null"}],
...                                        "title": "T"}})
{'openapi': '3.0.3', 'x': {'type': 'string', 'nullable': True, 'title': 'T'}}
"""

from __future__ import annotations

from typing import Any

__all__ = ["openapi_30"]

_NULL = {"type": "null"}


def openapi_30(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (OpenAPI 3.1, as FastAPI writes it) as OpenAPI 3.0.3 (module doc)."""
    out = _node(schema)
    out["openapi"] = "3.0.3"
    return out


def _node(value: Any) -> Any:
    if isinstance(value, list):
        return [_node(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _node(v) for k, v in value.items()}
    options = out.get("anyOf")
    if isinstance(options, list) and _NULL in options:
        rest = [o for o in options if o != _NULL]
        del out["anyOf"]
        if len(rest) == 1:
            out = {**rest[0], "nullable": True, **out}
        else:
            out = {"anyOf": rest, "nullable": True, **out}
    return out
