"""Finding labels: the download link, the file behind it, and labels past their validity."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.context import BackendContext
from backend.db.models import Label, ReturnRequest
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.services.errors import NotFound


def label_url(ctx: BackendContext, label: Label) -> str:
    return f"{ctx.settings.public_base_url}/labels/{label.download_token}.pdf"


def label_file(ctx: BackendContext, token: str) -> Path:
    """The PDF behind a download link; NotFound for any token that is not exactly ours."""
    if not token or len(token) > 64:
        raise NotFound("label_not_found")
    with session_scope(ctx.sessions) as session:
        label = session.execute(select(Label).where(Label.download_token == token)).scalar_one_or_none()
        if label is None:
            raise NotFound("label_not_found")
        path = Path(label.storage_path)
    if not path.is_file():
        raise NotFound("label_not_found")
    return path


def returns_with_unused_expired_labels(session: Session, now: dt.datetime) -> list[ReturnRequest]:
    """Returns still waiting for their parcel whose label's validity has run out."""
    stmt = (select(ReturnRequest).join(Label, Label.return_id == ReturnRequest.id)
            .where(ReturnRequest.status == S.LABEL_ISSUED.value, Label.expires_at < now))
    return list(session.execute(stmt).unique().scalars())
