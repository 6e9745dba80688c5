"""Personal data: handoff summaries keep the customer's words but not their contact details."""
from __future__ import annotations

from sqlalchemy import select

from backend.db.models import HandoffRequest
from tests.backend.conftest import customer_headers

ALICE = ("BM-100001", "alice.martin@example.com")
SAID = ("Bonjour, ma lampe BM-100001 est arrivée cassée (89,00 €, livrée le 2024-05-01).\n"
        "Rappelez-moi au 06 39 98 12 34 ou écrivez à alice.martin@example.com, retour R-7K4M-2QX9.")
SHOWN = ("Bonjour, ma lampe BM-100001 est arrivée cassée (89,00 €, livrée le 2024-05-01).\n"
         "Rappelez-moi au ***34 ou écrivez à a***@example.com, retour R-7K4M-2QX9.")


def test_handoff_summary_is_stored_and_shown_masked(client, ctx, staff_headers):
    headers = customer_headers(client, *ALICE)
    body = {"conversation_id": "conv-pii", "channel": "socketio", "language": "fr", "summary": SAID}
    created = client.post("/api/v1/handoffs", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["summary"] == SHOWN

    listed = client.get("/api/v1/staff/handoffs", headers=staff_headers)
    assert listed.status_code == 200, listed.text
    assert [h["summary"] for h in listed.json()["handoffs"]] == [SHOWN]

    # Nothing raw in the database either, also when the open handoff's summary is updated.
    client.post("/api/v1/handoffs", json={**body, "summary": "Toujours là ? +33 6 39 98 12 34"})
    with ctx.sessions() as s:
        stored = s.execute(select(HandoffRequest.summary)).scalars().all()
    assert stored == ["Toujours là ? ***34"]


def test_handoff_rows_stored_before_masking_are_masked_when_shown(client, ctx, staff_headers):
    with ctx.sessions() as s:
        s.add(HandoffRequest(conversation_id="legacy", channel="rest", language="en", reason="human_handoff",
                             summary="call +447700900123 or ben.carter@example.com about BM-100002",
                             status="queued"))
        s.commit()
    listed = client.get("/api/v1/staff/handoffs", headers=staff_headers).json()["handoffs"]
    assert [h["summary"] for h in listed] == ["call ***23 or b***@example.com about BM-100002"]
