"""Errors the services raise; the API maps each kind to one HTTP status.

An error is raised by its key in the catalogue (:mod:`backend.domain.error_text`) with
the values its words need: ``raise NotFound("order_not_found")``,
``raise Conflict("label_not_allowed", status=ret.status)``. It carries a stable ``code``
for machines and its words in every language for the customer, so the assistant can pass
them on without inventing its own wording; ``extra`` holds fields a machine reads
(``current_status``, ``retry_after``). An unknown key fails at once (``KeyError``), and a
test checks every key raised in the code against the catalogue.
"""
from __future__ import annotations

from typing import Any, Mapping

from backend.domain.error_text import error_code, error_text
from common.languages import DEFAULT_LANGUAGE, error_fields


class ServiceError(Exception):
    status_code = 400

    def __init__(self, key: str, *, extra: Mapping[str, Any] | None = None, **params: Any) -> None:
        self.key = key
        self.code = error_code(key)
        self.text = error_text(key, **params)
        self.extra = dict(extra or {})
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The English words (logs, the command line)."""
        return self.text[DEFAULT_LANGUAGE]

    def to_dict(self) -> dict:
        """The API's error object: ``{"code", "message", "message_fr", **extra}``."""
        return {"code": self.code, **error_fields(self.text), **self.extra}


class NotFound(ServiceError):
    status_code = 404


class Unauthorized(ServiceError):
    status_code = 401


class Forbidden(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409


class Invalid(ServiceError):
    status_code = 422


class RateLimited(ServiceError):
    status_code = 429

    def __init__(self, key: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(key, extra={"retry_after": retry_after}, **params)
        self.retry_after = retry_after


class UnsupportedMedia(ServiceError):
    status_code = 415


class PayloadTooLarge(ServiceError):
    status_code = 413


class Unavailable(ServiceError):
    """A partner (carrier, payment provider) failed; the request may be retried."""

    status_code = 503
