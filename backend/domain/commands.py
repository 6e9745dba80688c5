"""What a caller asks the backend to do, as plain values: the input of a command.

Why here: a route builds the request from its HTTP schema and hands it to the workflow
(:mod:`backend.workflows.create_return`), which passes it to the single steps
(:mod:`backend.services.returns`). Kept in the domain, below all three, the type has one
home and a route never has to import a service to speak to a workflow.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class LineInput:
    order_line_id: int
    quantity: int
    reason_code: str
    resolution: str
    reason_text: str | None = None
    exchange_sku: str | None = None
    photo_ids: tuple[str, ...] = ()
    # The customer's answer to "is the seal intact?" (hygiene items, sealed media; the law's
    # exception applies only once unsealed); None: not asked.
    seal_intact: bool | None = None


@dataclass(frozen=True)
class CreateReturnInput:
    order_number: str
    lines: tuple[LineInput, ...]
    channel: str = "api"
    language: str = "en"
    # The chat conversation the return is made in: its unclaimed photos may be used.
    conversation_id: str | None = None

    def fingerprint(self) -> str:
        """A stable hash of the request, to tell a retry from a reused idempotency key."""
        body = json.dumps(asdict(self), sort_keys=True, default=list)
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class LineInspection:
    """One line as the inspector graded it (the API body; validated by
    :mod:`backend.services.inspection`)."""

    line_id: int
    grade: str
    flags: tuple[str, ...] = ()
    notes: str | None = None
    reduction_minor: int = 0
    reduction_reason: str | None = None
    mismatches: tuple[str, ...] = ()
    refuse: bool = False
