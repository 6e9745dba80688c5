"""Return labels, the single steps: what to ask the carrier for, buying it, keeping its file.

The order of the steps (carrier called outside any open write transaction; the file
written before its row, and removed again if the row cannot be stored, so there is never
a label row without its file) is the workflow's: ``backend.workflows.issue_label``.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import Path

from backend.adapters.carriers.base import Address, CarrierError, LabelRequest, LabelResult
from backend.context import BackendContext
from backend.db.models import Label, ReturnRequest
from backend.domain.lifecycle import ReturnStatus as S
from backend.services.errors import Conflict, Unavailable

log = logging.getLogger(__name__)


def labels_dir(ctx: BackendContext) -> Path:
    path = ctx.settings.media_dir / "labels"
    path.mkdir(parents=True, exist_ok=True)
    return path


def warehouse_address(ctx: BackendContext) -> Address:
    s = ctx.settings
    return Address(name=s.warehouse_name, line1=s.warehouse_line1, city=s.warehouse_city,
                   postcode=s.warehouse_postcode, country=s.warehouse_country)


def check_label_allowed(ret: ReturnRequest) -> None:
    """Only an approved return gets a label (one that already has one keeps it)."""
    if ret.status != S.APPROVED.value:
        raise Conflict("label_not_allowed", status=ret.status)


def label_request(ctx: BackendContext, ret: ReturnRequest) -> LabelRequest:
    """From the customer's shipping address to the shop's returns warehouse."""
    o = ret.order
    customer = Address(name=o.ship_name, line1=o.ship_line1, city=o.ship_city,
                       postcode=o.ship_postcode, country=o.ship_country)
    return LabelRequest(rma=ret.rma, from_address=customer, to_address=warehouse_address(ctx),
                        reference=o.number)


def buy_label(ctx: BackendContext, request: LabelRequest) -> LabelResult:
    """Ask the carrier for the label; its failure becomes a retryable 503 for the customer."""
    try:
        return ctx.carrier.create_return_label(request)
    except CarrierError as exc:
        raise Unavailable("label_unavailable",
                          extra={"retryable": getattr(exc, "retryable", True)}) from exc


def save_label_file(ctx: BackendContext, pdf: bytes) -> tuple[str, Path]:
    """Write the PDF under a fresh unguessable token; (token, path)."""
    token = secrets.token_urlsafe(24)
    path = labels_dir(ctx) / f"{token}.pdf"
    path.write_bytes(pdf)
    return token, path


def new_label(ctx: BackendContext, ret: ReturnRequest, result: LabelResult, token: str,
              path: Path) -> Label:
    """The label's row, valid for the policy's number of days from now, with the postage it
    cost (for the cost-per-return measure)."""
    now = ctx.now()
    return Label(return_request=ret, carrier=result.carrier, tracking_number=result.tracking_number,
                 download_token=token, storage_path=str(path), created_at=now,
                 expires_at=now + dt.timedelta(days=ctx.policy.label_valid_days),
                 cost_minor=label_cost_minor(ctx, result))


def label_cost_minor(ctx: BackendContext, result: LabelResult) -> int:
    """The postage in the shop's currency. A carrier billing in another currency (an
    EasyPost account in USD for a shop in EUR) is recorded as 0 and logged: adding dollars
    to euros would make the measure wrong without anyone noticing."""
    currency = result.cost_currency or ctx.policy.currency
    if currency != ctx.policy.currency:
        log.warning("label postage in %s, not the shop's %s: not counted in the cost per return",
                    currency, ctx.policy.currency)
        return 0
    return max(0, result.cost_minor)
