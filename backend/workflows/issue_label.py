"""Issue the return label: buy it from the carrier, keep its file, move to ``label_issued``.

The carrier is called outside any open write transaction; the label file is written
before its row, and removed again if the row cannot be stored, so there is never a label
row without its file or a half-issued label. Idempotent: a return that has a label keeps
it, also when two workers race (the second one's file is discarded).
"""
from __future__ import annotations

from pathlib import Path

from backend.context import BackendContext
from backend.db.models import Label
from backend.db.session import session_scope
from backend.domain.lifecycle import ReturnStatus as S
from backend.queries.labels import label_url
from backend.queries.returns import get_return
from backend.services import labels, notifications
from backend.services.transitions import apply_transition


def issue_label(ctx: BackendContext, rma: str, *, actor: str = "system") -> Label:
    """Issue the label for an approved return (an existing label is returned as it is)."""
    with session_scope(ctx.sessions) as session:
        ret = get_return(session, rma)
        if ret.labels:
            return ret.labels[-1]
        labels.check_label_allowed(ret)
        request = labels.label_request(ctx, ret)
    result = labels.buy_label(ctx, request)
    token, path = labels.save_label_file(ctx, result.pdf)
    try:
        with session_scope(ctx.sessions) as session:
            ret = get_return(session, rma)
            if ret.labels:  # another worker got there first: keep theirs
                _discard(path)
                return ret.labels[-1]
            label = labels.new_label(ctx, ret, result, token, path)
            session.add(label)
            apply_transition(session, ret, S.LABEL_ISSUED, actor=actor, at=ctx.now(),
                             note=f"{result.carrier} {result.tracking_number}")
            notifications.queue_for_status(ctx, session, ret, label_url=label_url(ctx, label))
            return_id = ret.id
    except BaseException:
        _discard(path)
        raise
    notifications.dispatch_for_return(ctx, return_id)
    return label


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)
