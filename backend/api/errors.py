"""Every error answer in one shape: ``{"error": {"code", "message", "message_fr", ...}}``.

Service errors carry their own code and wording; this module gives the same shape to
what FastAPI and Starlette answer on their own (validation errors, unparseable bodies,
unknown routes, wrong methods, unexpected failures), and declares the shape in the
OpenAPI document. All the words come from the catalogue, :mod:`backend.domain.error_text`.
"""
from __future__ import annotations

from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.domain.error_text import error_body

# FastAPI's own wording when a body cannot be parsed at all (bad multipart, bytes that are
# no text); it raises HTTPException(400) with it.
_FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"

# What Starlette/FastAPI raise, by status: the catalogue's error for it.
STATUS_ERRORS: dict[int, str] = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
    415: "unsupported_media", 422: "invalid_request", 429: "rate_limited",
    500: "internal_error", 503: "unavailable",
}


def status_error_body(status: int) -> dict:
    """The error object for a bare HTTP status (an unlisted one: its class's, 400 or 500)."""
    return error_body(STATUS_ERRORS.get(status, STATUS_ERRORS[500 if status >= 500 else 400]))


def error_response(status: int, error: dict, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": error}, headers=dict(headers or {}))


def _field_errors(errors: list[dict]) -> list[dict]:
    # loc, msg and type only: the rejected input itself is not echoed back (it may be a secret).
    return [{"location": [str(part) for part in e.get("loc", ())], "message": str(e.get("msg", "")),
             "type": str(e.get("type", ""))} for e in errors]


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(422, error_body("body_malformed"))
    fields = _field_errors(errors)
    where = ", ".join(".".join(f["location"]) for f in fields[:5])
    return error_response(422, error_body("invalid_fields", {"fields": fields}, where=where))


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_PARSE_ERROR:
        return error_response(422, error_body("body_malformed"))
    return error_response(exc.status_code, status_error_body(exc.status_code), headers=exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # Starlette logs the exception with its traceback after this answer goes out.
    return error_response(500, status_error_body(500))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, all with the ErrorOut shape."""
    from backend.api.schemas import ErrorOut

    return {status: {"model": ErrorOut, "description": status_error_body(status)["message"]}
            for status in statuses}
