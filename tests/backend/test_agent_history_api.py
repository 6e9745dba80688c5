"""The agents' history and the supervisor's board through the API: ended conversations newest
first, by status, found by order number or RMA, paged; bad filters get 422 in both languages;
the board is for supervisors and admins, with today's figures."""
from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from backend.app import create_app
from tests.backend.conftest import SERVICE_TOKEN
from tests.backend.test_agent_api import add_account, bearer, open_handoff
from tests.backend.test_api_returns import ALICE, create, line_by_category, returnable

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


@pytest.fixture
def anon(ctx):
    with TestClient(create_app(ctx)) as c:
        yield c


def verified_conversation_with_a_return(c: TestClient, conversation_id: str) -> str:
    """Alice verifies in this conversation and starts a return: its handoffs are about
    order BM-100001 and that return. Gives the RMA."""
    r = c.post("/api/v1/verify", json={"reference": ALICE[0], "contact": ALICE[1],
                                       "conversation_id": conversation_id},
               headers={**SERVICE, "X-Client-Key": "history"})
    assert r.status_code == 200, r.text
    headers = {**SERVICE, "X-Conversation-Id": conversation_id}
    shirt = line_by_category(returnable(c, headers, ALICE[0]), "apparel")
    made = create(c, headers, ALICE[0], [{"order_line_id": shirt["order_line_id"], "reason_code": "changed_mind"}])
    assert made.status_code == 201, made.text
    return made.json()["rma"]


def ended(c: TestClient, headers: dict, conversation_id: str, verb: str) -> dict:
    handoff = open_handoff(c, conversation_id)
    if verb != "close":  # a supervisor's close works on a waiting handoff; the rest need a claim
        assert c.post(f"/api/v1/agent/handoffs/{handoff['id']}/claim", headers=headers).status_code == 200
    assert c.post(f"/api/v1/agent/handoffs/{handoff['id']}/{verb}", headers=headers).status_code == 200
    return handoff


def test_the_history_lists_ended_conversations_newest_first_by_status_and_search(anon, ctx):
    add_account(ctx, "sam@shop.test", role="supervisor", name="Sam")
    sam = bearer(anon, "sam@shop.test")
    rma = verified_conversation_with_a_return(anon, "web-" + "1" * 32)
    first = ended(anon, sam, "web-" + "1" * 32, "handback")
    second = ended(anon, sam, "web-" + "2" * 32, "close")
    third = ended(anon, sam, "web-" + "3" * 32, "handback")
    still_open = open_handoff(anon, "web-" + "4" * 32)

    def ids(**params) -> list[int]:
        r = anon.get("/api/v1/agent/handoffs", params=params, headers=sam)
        assert r.status_code == 200, r.text
        return [h["id"] for h in r.json()["handoffs"]]

    assert ids(status="ended") == [third["id"], second["id"], first["id"]]
    assert ids(status="returned") == [third["id"], first["id"]]
    assert ids(status="closed") == [second["id"]]
    assert ids(status="cancelled") == []
    assert ids() == [still_open["id"]]  # the queue is unchanged: open, oldest first
    assert ids(status="all")[0] == still_open["id"]

    found = anon.get("/api/v1/agent/handoffs", params={"status": "ended", "q": "100001"}, headers=sam).json()
    assert [h["id"] for h in found["handoffs"]] == [first["id"]]
    assert found["handoffs"][0]["order_number"] == ALICE[0] and found["handoffs"][0]["rma"] == rma
    assert ids(status="ended", q=rma.lower()) == [first["id"]]  # an RMA, in any case
    assert ids(status="ended", q="BM-999999") == []

    page = anon.get("/api/v1/agent/handoffs", params={"status": "ended", "limit": 2}, headers=sam).json()
    assert [h["id"] for h in page["handoffs"]] == [third["id"], second["id"]]
    assert page["next_before"] == second["id"]
    rest = anon.get("/api/v1/agent/handoffs", params={"status": "ended", "limit": 2,
                                                      "before": page["next_before"]}, headers=sam).json()
    assert [h["id"] for h in rest["handoffs"]] == [first["id"]] and rest["next_before"] is None
    second_open = open_handoff(anon, "web-" + "5" * 32)
    queue = anon.get("/api/v1/agent/handoffs", params={"limit": 1}, headers=sam).json()
    assert [h["id"] for h in queue["handoffs"]] == [still_open["id"]] and queue["next_before"] is None  # a queue
    assert ids(status="open", q="100001") == [] and second_open["id"] in ids(status="open")


@pytest.mark.parametrize("params", [
    {"status": "finished"}, {"q": "%"}, {"q": "BM%25"}, {"q": "a"}, {"q": "x" * 41}, {"q": "BM 1"},
    {"limit": 0}, {"limit": 201}, {"limit": "many"}, {"before": 0}, {"before": 2**31}, {"before": "x"},
])
def test_bad_history_filters_get_422_in_both_languages(anon, ctx, params):
    add_account(ctx, "alice@shop.test")
    r = anon.get("/api/v1/agent/handoffs", params=params, headers=bearer(anon, "alice@shop.test"))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_request" and error["message"] and error["message_fr"]


def test_the_history_needs_a_signed_in_agent(anon, ctx):
    assert anon.get("/api/v1/agent/handoffs", params={"status": "ended", "q": "BM-100001"}).status_code == 401
    add_account(ctx, "dock@shop.test", role="warehouse")
    r = anon.get("/api/v1/agent/handoffs", params={"status": "ended"}, headers=bearer(anon, "dock@shop.test"))
    assert r.status_code == 403


def test_the_board_answers_supervisors_and_admins_with_todays_figures(anon, ctx):
    add_account(ctx, "alice@shop.test", name="Alice")
    add_account(ctx, "sam@shop.test", role="supervisor", name="Sam")
    add_account(ctx, "ada@shop.test", role="admin", name="Ada")
    alice = bearer(anon, "alice@shop.test")
    handoff = open_handoff(anon)
    assert anon.post(f"/api/v1/agent/handoffs/{handoff['id']}/claim", headers=alice).status_code == 200
    assert anon.post(f"/api/v1/agent/handoffs/{handoff['id']}/messages", json={"text": "Hello"},
                     headers=alice).status_code == 200
    open_handoff(anon, "web-" + "w" * 32)

    assert anon.get("/api/v1/agent/board", headers=alice).status_code == 403
    assert anon.get("/api/v1/agent/board").status_code == 401
    for who in ("sam@shop.test", "ada@shop.test"):
        r = anon.get("/api/v1/agent/board", headers=bearer(anon, who))
        assert r.status_code == 200, r.text
        board = r.json()
        assert (board["waiting"], board["claimed"], board["first_responses"]) == (1, 1, 1)
        assert board["median_first_response_seconds"] is not None
        assert board["p80_first_response_seconds"] == board["median_first_response_seconds"]
        assert dt.datetime.fromisoformat(board["since"]).tzinfo is not None
        row = next(r for r in board["per_agent"] if r["name"] == "Alice")
        assert row["online"] is True and row["claimed"] == 1 and row["first_responses"] == 1
