"""Refunds the law says are due (issue 14 with issue 13's deadline): whatever the policy's
moment (here the default, after inspection), a withdrawal's refund goes out by its legal
deadline once the parcel is proved sent or received (L221-24), and only then."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from backend.adapters.payments.local import LocalPaymentProvider
from backend.db.models import ReturnRequest
from backend.workflows.legal_refunds import pay_refunds_due_by_law
from tests.backend.test_refund_timing import money_messages, refunds
from tests.backend.test_warehouse_receiving import (anon, roles, shirt_return, still,  # noqa: F401
                                                    three_shirts_return, wh)


def due(ctx, rma: str, days_from_today: int) -> None:
    with ctx.sessions() as s:
        ret = s.execute(select(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        ret.refund_due_on = ctx.today() + dt.timedelta(days=days_from_today)
        s.commit()


def status(ctx, rma: str) -> str:
    with ctx.sessions() as s:
        return s.execute(select(ReturnRequest.status).where(ReturnRequest.rma == rma)).scalar_one()


def scanned(anon, wh, rma: str) -> None:  # noqa: F811
    assert anon.post(f"/api/v1/warehouse/returns/{rma}/carrier-scan", json={}, headers=wh).status_code == 200


def test_a_refund_due_by_law_is_paid_once_the_parcel_is_proved_sent(client, anon, ctx, wh):  # noqa: F811
    assert ctx.policy.refund_issue_at == "inspection"
    waiting = three_shirts_return(client, ctx)["rma"]  # label issued, never sent: the refund may wait
    due(ctx, waiting, -3)
    sent = shirt_return(client)["rma"]  # sent; due tomorrow: paid today, the day before
    scanned(anon, wh, sent)
    due(ctx, sent, 1)
    later = three_shirts_return(client, ctx)["rma"]  # sent; due in five days: not yet
    scanned(anon, wh, later)
    due(ctx, later, 5)

    assert pay_refunds_due_by_law(ctx) == [sent]
    assert [r[0] for r in refunds(ctx, sent)] == ["issued"]
    assert status(ctx, sent) == "in_transit"  # the money moved, the parcel did not
    assert len(money_messages(ctx, sent)) == 1  # the customer is told
    assert refunds(ctx, waiting) == [] and refunds(ctx, later) == []

    assert pay_refunds_due_by_law(ctx) == []  # nothing paid twice
    assert len(refunds(ctx, sent)) == 1 and len(money_messages(ctx, sent)) == 1


def test_a_received_parcel_past_its_deadline_is_paid_and_inspection_pays_nothing_more(client, anon, ctx, wh):  # noqa: F811
    rma = shirt_return(client)["rma"]
    assert anon.post("/api/v1/warehouse/scan", json={"code": rma}, headers=wh).status_code == 200
    due(ctx, rma, -2)
    assert pay_refunds_due_by_law(ctx) == [rma]
    line_id = anon.get(f"/api/v1/warehouse/returns/{rma}", headers=wh).json()["lines"][0]["id"]
    r = anon.post(f"/api/v1/warehouse/returns/{rma}/inspection", headers=wh,
                  json={"lines": [{"line_id": line_id, "grade": "A"}]})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "refunded" and [x["status"] for x in r.json()["refunds"]] == ["issued"]
    assert len(money_messages(ctx, rma)) == 1


def test_a_refused_refund_is_left_to_a_person(client, anon, ctx, wh):  # noqa: F811
    rma = shirt_return(client)["rma"]
    scanned(anon, wh, rma)
    due(ctx, rma, 0)
    ctx.payments = LocalPaymentProvider(fail_next=1)
    assert pay_refunds_due_by_law(ctx) == [rma]
    assert [r[0] for r in refunds(ctx, rma)] == ["failed"]
    assert pay_refunds_due_by_law(ctx) == []  # not retried every hour: the console shows it late
    assert money_messages(ctx, rma) == []


def test_the_command_line_pays_them_too(client, anon, ctx, wh, capsys, monkeypatch):  # noqa: F811
    from backend import __main__ as cli
    monkeypatch.setattr("backend.context.build_context", lambda settings: ctx)
    rma = shirt_return(client)["rma"]
    scanned(anon, wh, rma)
    due(ctx, rma, -1)
    assert cli.main(["pay-refunds-due"]) == 0
    assert "paid 1 refunds due by law" in capsys.readouterr().out
    assert [r[0] for r in refunds(ctx, rma)] == ["issued"]
