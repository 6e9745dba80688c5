"""Every error answer in one shape: ``{"error": {"code", "message", "message_fr", ...}}``.

Service errors carry their own code and wording; this module gives the same shape to
what FastAPI and Starlette answer on their own (validation errors, unparseable bodies,
unknown routes, wrong methods, unexpected failures), and declares the shape in the
OpenAPI document.
"""
from __future__ import annotations

from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

# FastAPI's own wording when a body cannot be parsed at all (bad multipart, bytes that are
# no text); it raises HTTPException(400) with it.
_FASTAPI_BODY_PARSE_ERROR = "There was an error parsing the body"

BODY_MALFORMED = {
    "code": "body_malformed",
    "message": "The request body could not be read: send valid JSON (or multipart for photos).",
    "message_fr": "Le corps de la requête est illisible : envoyez du JSON valide (ou du multipart "
                  "pour les photos).",
}

# What Starlette/FastAPI raise by status, in the documented shape.
_BY_STATUS: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "The request could not be understood.", "La requête est incompréhensible."),
    401: ("unauthorized", "Authentication is required.", "Une authentification est requise."),
    403: ("forbidden", "You may not do this.", "Vous n'avez pas le droit de faire ceci."),
    404: ("not_found", "There is nothing at this address.", "Il n'y a rien à cette adresse."),
    405: ("method_not_allowed", "This method is not allowed at this address.",
          "Cette méthode n'est pas autorisée à cette adresse."),
    406: ("not_acceptable", "This answer cannot be given in the requested format.",
          "Cette réponse ne peut pas être donnée dans le format demandé."),
    409: ("conflict", "This conflicts with the current state.", "Ceci est en conflit avec l'état actuel."),
    413: ("too_large", "The request is too large.", "La requête est trop volumineuse."),
    415: ("unsupported_media", "This content type is not supported.", "Ce type de contenu n'est pas pris en charge."),
    422: ("invalid_request", "Some fields are missing or invalid.", "Certains champs sont absents ou invalides."),
    429: ("rate_limited", "Too many requests; please wait a moment.", "Trop de requêtes ; patientez un instant."),
    500: ("internal_error", "Something went wrong on our side. Please try again later.",
          "Une erreur s'est produite de notre côté. Réessayez plus tard."),
    503: ("unavailable", "The service is temporarily unavailable. Please try again in a moment.",
          "Le service est momentanément indisponible. Réessayez dans un instant."),
}


def error_body(status: int) -> dict:
    code, message, message_fr = _BY_STATUS.get(status, _BY_STATUS[500 if status >= 500 else 400])
    return {"code": code, "message": message, "message_fr": message_fr}


def error_response(status: int, error: dict, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": error}, headers=dict(headers or {}))


def _field_errors(errors: list[dict]) -> list[dict]:
    # loc, msg and type only: the rejected input itself is not echoed back (it may be a secret).
    return [{"location": [str(part) for part in e.get("loc", ())], "message": str(e.get("msg", "")),
             "type": str(e.get("type", ""))} for e in errors]


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(422, dict(BODY_MALFORMED))
    fields = _field_errors(errors)
    where = ", ".join(".".join(f["location"]) for f in fields[:5])
    return error_response(422, {
        "code": "invalid_request",
        "message": f"Some fields are missing or invalid: {where}.",
        "message_fr": f"Certains champs sont absents ou invalides : {where}.",
        "fields": fields,
    })


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_PARSE_ERROR:
        return error_response(422, dict(BODY_MALFORMED))
    return error_response(exc.status_code, error_body(exc.status_code), headers=exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # Starlette logs the exception with its traceback after this answer goes out.
    return error_response(500, error_body(500))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, all with the ErrorOut shape."""
    from backend.api.schemas import ErrorOut

    return {status: {"model": ErrorOut, "description": error_body(status)["message"]} for status in statuses}
