"""Issuing return labels through the configured carrier and serving them by secret link.

The carrier is called outside any open write transaction; the label file is written
before its row, and removed again if the row cannot be stored, so there is never a label
row without its file or a half-issued label.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import Path

from sqlalchemy import select

from backend.adapters.carriers.base import Address, CarrierError, LabelRequest
from backend.context import BackendContext
from backend.db.models import Label, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.services import notifications
from backend.services.errors import Conflict, NotFound, Unavailable
from backend.services.returns import get_return, release_reservations
from backend.services.transitions import apply_transition

log = logging.getLogger(__name__)


def labels_dir(ctx: BackendContext) -> Path:
    path = ctx.settings.media_dir / "labels"
    path.mkdir(parents=True, exist_ok=True)
    return path


def label_url(ctx: BackendContext, label: Label) -> str:
    return f"{ctx.settings.public_base_url}/labels/{label.download_token}.pdf"


def warehouse_address(ctx: BackendContext) -> Address:
    s = ctx.settings
    return Address(name=s.warehouse_name, line1=s.warehouse_line1, city=s.warehouse_city,
                   postcode=s.warehouse_postcode, country=s.warehouse_country)


def _label_request(ctx: BackendContext, ret: ReturnRequest) -> LabelRequest:
    o = ret.order
    customer = Address(name=o.ship_name, line1=o.ship_line1, city=o.ship_city,
                       postcode=o.ship_postcode, country=o.ship_country)
    return LabelRequest(rma=ret.rma, from_address=customer, to_address=warehouse_address(ctx),
                        reference=o.number)


def issue_label(ctx: BackendContext, rma: str, *, actor: str = "system") -> Label:
    """Issue the label for an approved return (idempotent: an existing label is returned)."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.labels:
            return ret.labels[-1]
        if ret.status != S.APPROVED.value:
            raise Conflict(f"A label can only be issued for an approved return (this one is '{ret.status}').",
                           f"Une étiquette n'est émise que pour un retour accepté (statut : « {ret.status} »).",
                           code="label_not_allowed")
        request = _label_request(ctx, ret)
    try:
        result = ctx.carrier.create_return_label(request)
    except CarrierError as exc:
        raise Unavailable(
            "We couldn't create your return label right now. We'll send it as soon as the "
            "carrier answers; you can also ask again in a few minutes.",
            "Nous n'avons pas pu créer votre étiquette de retour pour le moment. Nous vous "
            "l'enverrons dès que le transporteur répondra ; vous pouvez aussi redemander "
            "dans quelques minutes.",
            code="label_unavailable", extra={"retryable": getattr(exc, "retryable", True)},
        ) from exc
    token = secrets.token_urlsafe(24)
    path = labels_dir(ctx) / f"{token}.pdf"
    path.write_bytes(result.pdf)
    try:
        with session_scope(ctx.sessions) as session:
            ret = get_return(session, rma)
            if ret.labels:  # another worker got there first: keep theirs
                path.unlink(missing_ok=True)
                return ret.labels[-1]
            now = ctx.now()
            label = Label(return_request=ret, carrier=result.carrier,
                          tracking_number=result.tracking_number, download_token=token,
                          storage_path=str(path), created_at=now,
                          expires_at=now + dt.timedelta(days=ctx.policy.label_valid_days))
            session.add(label)
            apply_transition(session, ret, S.LABEL_ISSUED, actor=actor,
                             note=f"{result.carrier} {result.tracking_number}")
            notifications.queue_for_status(ctx, session, ret, label_url=label_url(ctx, label))
            return_id = ret.id
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    notifications.dispatch_for_return(ctx, return_id)
    return label


def label_file(ctx: BackendContext, token: str) -> Path:
    """The PDF behind a download link; NotFound for any token that is not exactly ours."""
    if not token or len(token) > 64:
        raise NotFound("No such label.", "Étiquette introuvable.")
    with session_scope(ctx.sessions) as session:
        label = session.execute(select(Label).where(Label.download_token == token)).scalar_one_or_none()
        if label is None:
            raise NotFound("No such label.", "Étiquette introuvable.")
        path = Path(label.storage_path)
    if not path.is_file():
        raise NotFound("No such label.", "Étiquette introuvable.")
    return path


def expire_unused_labels(ctx: BackendContext) -> list[str]:
    """Returns whose label was never used in time become ``expired``; stock is released."""
    now = ctx.now()
    expired = []
    with session_scope(ctx.sessions) as session:
        stmt = (select(ReturnRequest).join(Label, Label.return_id == ReturnRequest.id)
                .where(ReturnRequest.status == S.LABEL_ISSUED.value, Label.expires_at < now))
        for ret in session.execute(stmt).unique().scalars():
            apply_transition(session, ret, S.EXPIRED, actor="system", note="label not used in time")
            release_reservations(session, ret)
            expired.append(ret.rma)
    if expired:
        log.info("expired %d returns with unused labels", len(expired))
    return expired
