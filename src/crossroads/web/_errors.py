"""The web layer's one error boundary: every error leaves as ``{"error": {"type", "message"}}``,
or, for a browser asking for a page (not under ``/api/``, ``/figures/``, ``/static/``,
``/vendor/``; ``Accept`` naming ``text/html``), as an HTML page with the same line.

A :class:`~crossroads.errors.CrossroadsError` maps to a status by its class (unknown country
or AS → 404, bad scenario → 422, missing dataset → 503, busy server or store → 503 with
``Retry-After``); request validation errors → 422; other HTTP errors keep their status.
Anything else is a bug: it is logged with its traceback and answered 500 with type
``InternalError`` (never a reset connection or an HTML page). ``type`` is the exception
class name (``UnknownCountryError``) or ``RequestValidationError`` / ``HTTPException``;
``message`` is the one line the CLI would print, plus ``hint`` when set.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from crossroads.errors import (
    BusyError,
    CrossroadsError,
    DatasetMissingError,
    ScenarioError,
    UnknownASNError,
    UnknownCountryError,
)

__all__ = ["error_body", "install_error_handlers", "status_of", "wants_html"]

log = logging.getLogger("crossroads.web")

_STATUS: tuple[tuple[type[CrossroadsError], int], ...] = (
    (UnknownCountryError, 404),
    (UnknownASNError, 404),
    (ScenarioError, 422),
    (DatasetMissingError, 503),
    (BusyError, 503),
)


_INTERNAL = "internal error (a bug); the server log has the details"


def status_of(exc: CrossroadsError) -> int:
    """The HTTP status of a crossroads error (400 for kinds not listed)."""
    return next((code for cls, code in _STATUS if isinstance(exc, cls)), 400)


def error_body(kind: str, message: str, hint: str | None = None) -> dict[str, dict[str, str]]:
    """The one JSON error shape."""
    body = {"type": kind, "message": message}
    if hint:
        body["hint"] = hint
    return {"error": body}


_MACHINE = ("/api/", "/figures/", "/static/", "/vendor/", "/openapi.json")


def wants_html(request: Request) -> bool:
    """Whether an error of ``request`` is answered as a page: a browser (``Accept`` names
    ``text/html``) asking for anything but the API, figures and static files."""
    return (not request.url.path.startswith(_MACHINE)
            and "text/html" in request.headers.get("accept", ""))


def _answer(request: Request, status: int, kind: str, message: str,
            hint: str | None = None, headers: Mapping[str, str] | None = None,
            ) -> JSONResponse | HTMLResponse:
    if wants_html(request):
        from crossroads.web.routes.pages import page

        try:
            html = page(request, "error.html", status_code=status, status=status, kind=kind,
                        message=message, hint=hint)
            html.headers.update(headers or {})
            return html
        except Exception:  # the error page itself failed: the JSON shape still answers
            log.exception("error page for %s failed", request.url.path)
    return JSONResponse(error_body(kind, message, hint), status_code=status,
                        headers=dict(headers) if headers else None)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn errors into the one JSON shape."""

    from crossroads.web._cache import ClientGone
    from crossroads.web._work import WorkerError

    @app.exception_handler(CrossroadsError)
    async def _crossroads(request: Request, exc: CrossroadsError) -> Response:
        retry = getattr(exc, "retry_after", None)
        return _answer(request, status_of(exc), type(exc).__name__, exc.message, exc.hint,
                       headers={"Retry-After": str(retry)} if retry else None)

    @app.exception_handler(ClientGone)
    async def _gone(_: Request, exc: ClientGone) -> JSONResponse:
        # nobody reads it: the client closed the connection (nginx calls this 499)
        return JSONResponse(error_body("ClientGone", "the client disconnected"),
                            status_code=499)

    @app.exception_handler(WorkerError)
    async def _worker(request: Request, exc: WorkerError) -> JSONResponse:
        log.error("%s %s failed in a worker process:\n%s", request.method, request.url.path,
                  exc)
        return JSONResponse(error_body("InternalError", _INTERNAL), status_code=500)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        from crossroads.web._guard import SECURITY_HEADERS  # this answer passes no middleware

        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return _answer(request, 500, "InternalError", _INTERNAL,
                       headers=dict(SECURITY_HEADERS))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return _answer(request, 422, "RequestValidationError", "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return _answer(request, exc.status_code, "HTTPException", str(exc.detail),
                       headers=exc.headers)
