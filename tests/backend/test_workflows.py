"""Workflows: every staff move has one, and every row they write carries the context's clock."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from backend.db.models import Label, ReturnRequest, ReturnStatusChange, utcnow
from backend.domain.lifecycle import ReturnStatus
from backend.workflows.staff_moves import MOVES
from tests.backend.test_api_staff import _new_return, move


def _fixed_clock(ctx) -> dt.datetime:
    """A clock a few minutes behind the wall clock (same day for the policy's windows)."""
    fixed = utcnow() - dt.timedelta(minutes=7)
    ctx.clock = lambda: fixed
    return fixed


def _history(ctx, rma: str) -> list[ReturnStatusChange]:
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        return list(ret.history)


def test_every_status_names_its_staff_move():
    assert set(MOVES) == set(ReturnStatus)


def test_a_transition_is_stamped_with_the_context_clock(ctx, client, staff_headers):
    _, body = _new_return(client)
    fixed = _fixed_clock(ctx)
    assert move(client, staff_headers, body["rma"], "in_transit").status_code == 200
    last = _history(ctx, body["rma"])[-1]
    assert (last.to_status, last.created_at) == ("in_transit", fixed)
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == body["rma"])).scalar_one()
        assert ret.updated_at == fixed


def test_creating_a_return_stamps_every_row_with_the_context_clock(ctx, client):
    fixed = _fixed_clock(ctx)
    _, body = _new_return(client)
    history = _history(ctx, body["rma"])
    assert [h.to_status for h in history] == ["requested", "approved", "label_issued"]
    assert {h.created_at for h in history} == {fixed}
    with ctx.sessions() as s:
        label = s.execute(select(Label).join(ReturnRequest).where(ReturnRequest.rma == body["rma"])).scalar_one()
        assert label.created_at == fixed


def test_the_expiry_sweep_stamps_with_the_context_clock(ctx, client, staff_headers):
    _, body = _new_return(client)
    later = utcnow() + dt.timedelta(days=400)
    ctx.clock = lambda: later
    r = client.post("/api/v1/staff/maintenance/expire-labels", headers=staff_headers)
    assert body["rma"] in r.json()["expired"]
    last = _history(ctx, body["rma"])[-1]
    assert (last.to_status, last.created_at) == ("expired", later)
