"""The web layer's one error boundary: every error leaves as ``{"error": {"type", "message"}}``.

A :class:`~crossroads.errors.CrossroadsError` maps to a status by its class (unknown country
or AS → 404, bad scenario → 422, missing dataset → 503);
request validation errors → 422; other HTTP errors keep their status. ``type`` is the
exception class name (``UnknownCountryError``) or ``RequestValidationError`` /
``HTTPException``; ``message`` is the one line the CLI would print, plus ``hint`` when set.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from crossroads.errors import (
    CrossroadsError,
    DatasetMissingError,
    ScenarioError,
    UnknownASNError,
    UnknownCountryError,
)

__all__ = ["error_body", "install_error_handlers", "status_of"]

_STATUS: tuple[tuple[type[CrossroadsError], int], ...] = (
    (UnknownCountryError, 404),
    (UnknownASNError, 404),
    (ScenarioError, 422),
    (DatasetMissingError, 503),
)


def status_of(exc: CrossroadsError) -> int:
    """The HTTP status of a crossroads error (400 for kinds not listed)."""
    return next((code for cls, code in _STATUS if isinstance(exc, cls)), 400)


def error_body(kind: str, message: str, hint: str | None = None) -> dict[str, dict[str, str]]:
    """The one JSON error shape."""
    body = {"type": kind, "message": message}
    if hint:
        body["hint"] = hint
    return {"error": body}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn errors into the one JSON shape."""

    @app.exception_handler(CrossroadsError)
    async def _crossroads(_: Request, exc: CrossroadsError) -> JSONResponse:
        return JSONResponse(error_body(type(exc).__name__, exc.message, exc.hint),
                            status_code=status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return JSONResponse(error_body("RequestValidationError", "; ".join(parts)),
                            status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse(error_body("HTTPException", str(exc.detail)),
                            status_code=exc.status_code, headers=exc.headers)
