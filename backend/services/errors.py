"""Errors the services raise; the API maps each kind to one HTTP status.

Each carries a stable ``code`` for machines and a message in English and French for the
customer, so the assistant can pass it on without inventing its own wording.
"""
from __future__ import annotations


class ServiceError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, message_fr: str | None = None, *, code: str | None = None,
                 extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_fr = message_fr or message
        if code:
            self.code = code
        self.extra = extra or {}

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "message_fr": self.message_fr,
                **self.extra}


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class Invalid(ServiceError):
    status_code = 422
    code = "invalid"


class RateLimited(ServiceError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, message_fr: str, *, retry_after: int) -> None:
        super().__init__(message, message_fr, extra={"retry_after": retry_after})
        self.retry_after = retry_after


class UnsupportedMedia(ServiceError):
    status_code = 415
    code = "unsupported_media"


class PayloadTooLarge(ServiceError):
    status_code = 413
    code = "too_large"


class Unavailable(ServiceError):
    """A partner (carrier, payment provider) failed; the request may be retried."""

    status_code = 503
    code = "unavailable"
