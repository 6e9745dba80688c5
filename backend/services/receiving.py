"""The dock, the single steps: find a parcel's return by its label, say whether the dock may
take it, and record what arrived (counts per line, the units missing, what was not asked for).

No HTTP and no commits here: the workflows (:mod:`backend.workflows.receive`) put these
steps in one transaction with the status change they go with.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import Label, ReturnRequest, UnexpectedItem, Variant
from backend.domain.lifecycle import ReturnStatus as S
from backend.domain.status_text import status_text
from backend.queries.returns import get_return
from backend.services.errors import Conflict, Invalid, NotFound
from common.identifiers import normalize_rma
from common.languages import localized

# A parcel the dock takes in: the carrier may or may not have scanned it on the way.
ARRIVING = frozenset({S.LABEL_ISSUED.value, S.IN_TRANSIT.value})
# Already at the dock: a scan just opens the return again.
AT_DOCK = frozenset({S.RECEIVED.value, S.INSPECTED.value})
# Counts may be corrected until the items are inspected.
COUNTABLE = ARRIVING | {S.RECEIVED.value}
# No label yet: no parcel is expected.
NOT_LABELLED = frozenset({S.REQUESTED.value, S.NEEDS_REVIEW.value, S.APPROVED.value})
# Resolved: its parcel was received and dealt with already.
RESOLVED = frozenset({S.REFUNDED.value, S.EXCHANGED.value, S.CREDITED.value, S.CLOSED.value})
MISSING_ITEMS = "missing_items"
_BLANKS = re.compile(r"\s+")


def _status_words(status: str) -> dict[str, str]:
    return localized(lambda lang: status_text(status, lang))


def compact_code(code: str) -> str:
    """What a scanner or a person typed, without spaces and in capitals (tracking numbers are
    printed in groups, and a keyboard wedge may send lower case)."""
    return _BLANKS.sub("", code).upper()


def find_by_code(session: Session, code: str) -> ReturnRequest:
    """The return a label barcode names: its RMA (what our labels carry) or the carrier's
    tracking number, case and spaces ignored; 404 for a code that names neither."""
    if normalize_rma(code):
        try:
            return get_return(session, code)
        except NotFound:
            pass
    ret = return_for_tracking(session, code)
    if ret is None:
        raise NotFound("warehouse_code_unknown", scanned=code.strip()[:80])
    return ret


def return_for_tracking(session: Session, tracking_code: str) -> ReturnRequest | None:
    """The return whose label has this tracking number (case and spaces ignored), if any."""
    wanted = compact_code(tracking_code)
    if not wanted:
        return None
    return session.execute(
        select(ReturnRequest).join(Label, Label.return_id == ReturnRequest.id)
        .where(func.upper(func.replace(Label.tracking_number, " ", "")) == wanted)
        .order_by(Label.id.desc()).limit(1)).scalar_one_or_none()


def check_parcel_welcome(ret: ReturnRequest) -> bool:
    """Whether the dock receives this parcel now (True) or just opens it again (False);
    409 for a return whose parcel must not be taken in."""
    if ret.status in ARRIVING:
        return True
    if ret.status in AT_DOCK:
        return False
    words, extra = _status_words(ret.status), {"current_status": ret.status}
    if ret.status in NOT_LABELLED:
        raise Conflict("parcel_not_expected", rma=ret.rma, status=words, extra=extra)
    if ret.status in RESOLVED:
        raise Conflict("parcel_already_done", rma=ret.rma, status=words, extra=extra)
    # Cancelled, expired, rejected: the return is over and the parcel must not come in.
    raise Conflict("parcel_return_cancelled", rma=ret.rma, status=words, extra=extra)


def check_countable(ret: ReturnRequest) -> None:
    """A receipt is recorded (or corrected) only until inspection; 409 afterwards, and the
    dock's refusals for a parcel it must not take."""
    if ret.status in COUNTABLE:
        return
    if ret.status in AT_DOCK:
        raise Conflict("receipt_closed", rma=ret.rma, status=_status_words(ret.status),
                       extra={"current_status": ret.status})
    check_parcel_welcome(ret)


@dataclass(frozen=True)
class LineCount:
    line_id: int
    received_quantity: int


@dataclass(frozen=True)
class ExtraItem:
    code: str
    quantity: int = 1
    note: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What the dock counted: units per return line, and what the parcel held besides."""

    lines: tuple[LineCount, ...] = ()
    unexpected: tuple[ExtraItem, ...] = ()
    note: str | None = None


def missing_share(refund_amount_minor: int, quantity: int, missing: int) -> int:
    """The part of a line's refund for its missing units (rounded down: the customer is never
    charged a cent more than the units that did not come)."""
    if missing <= 0 or quantity <= 0:
        return 0
    return refund_amount_minor * missing // quantity


def _variant_id(session: Session, code: str) -> int | None:
    return session.execute(select(Variant.id).where(func.upper(Variant.sku) == code.strip().upper())
                           ).scalar_one_or_none()


def record_receipt(session: Session, ret: ReturnRequest, receipt: Receipt, *, actor: str,
                   at: dt.datetime) -> None:
    """Store the counts (a recount replaces the earlier one) and append the unexpected items.

    Units beyond a line's quantity are unexpected items of that SKU, never lost. Missing
    units take their share off the line's refund (reason ``missing_items``), unless the money
    has already gone (an early refund): the count is kept, the refund is not changed.
    """
    ids = [c.line_id for c in receipt.lines]
    if len(ids) != len(set(ids)):
        raise Invalid("receipt_duplicate_lines")
    lines = {line.id: line for line in ret.lines}
    unknown = sorted(set(ids) - set(lines))
    if unknown:
        raise Invalid("lines_not_in_return", lines=", ".join(map(str, unknown)), rma=ret.rma)
    money_gone = bool(ret.refunds)
    for count in receipt.lines:
        line = lines[count.line_id]
        received = min(count.received_quantity, line.quantity)
        extra = count.received_quantity - received
        missing = line.quantity - received
        line.received_quantity = received
        if extra:
            sku = line.order_line.variant.sku
            session.add(UnexpectedItem(return_id=ret.id, code=sku, variant_id=line.order_line.variant_id,
                                       quantity=extra, note=f"extra units of line {line.id}",
                                       actor=actor, created_at=at))
        if money_gone or line.refund_reduction_reason not in (None, MISSING_ITEMS):
            continue
        reduction = missing_share(line.refund_amount_minor, line.quantity, missing) if line.eligible else 0
        line.refund_reduction_minor = reduction
        line.refund_reduction_reason = MISSING_ITEMS if reduction else None
    for item in receipt.unexpected:
        code = item.code.strip()
        session.add(UnexpectedItem(return_id=ret.id, code=code, variant_id=_variant_id(session, code),
                                   quantity=item.quantity, note=item.note, actor=actor, created_at=at))
