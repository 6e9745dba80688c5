"""The supervisor's board figures, from handoffs written through the real service at known
times: waiting, claimed, oldest wait, today's first-response median and p80 (from request
to the first agent reply, credited to whoever wrote it), claim times, and per agent:
online, claimed now, handled today, average first response."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from backend.db.session import session_scope
from backend.domain.handoff_lifecycle import HandoffMove
from backend.queries.handoff_board import board, day_start, percentile
from backend.services import handoffs, staff_accounts, staff_sessions
from backend.services.handoffs import Actor

PARIS = ZoneInfo("Europe/Paris")
# 14:00 in Paris (winter: UTC+1); "today" began at 23:00 UTC the day before.
NOW = dt.datetime(2026, 1, 15, 13, 0, 0)
TODAY = dt.datetime(2026, 1, 14, 23, 0, 0)
PASSWORD = "correct horse battery staple"


def test_today_starts_at_the_support_teams_midnight():
    assert day_start(NOW, PARIS) == TODAY
    assert day_start(dt.datetime(2026, 7, 1, 21, 59), PARIS) == dt.datetime(2026, 6, 30, 22, 0)  # summer: UTC+2
    assert day_start(dt.datetime(2026, 7, 1, 22, 0), PARIS) == dt.datetime(2026, 7, 1, 22, 0)  # Paris' 2 July
    assert day_start(NOW, ZoneInfo("UTC")) == dt.datetime(2026, 1, 15)


def test_p80_is_a_time_someone_actually_waited():
    assert percentile([], 0.8) is None
    assert percentile([30.0], 0.8) == 30.0
    assert percentile([float(s) for s in range(10, 110, 10)], 0.8) == 80.0  # the 8th of 10
    assert percentile([50.0, 10.0, 40.0, 20.0, 30.0], 0.8) == 40.0  # the 4th of 5, unsorted input


def _at(minutes: float) -> dt.datetime:
    return NOW - dt.timedelta(minutes=minutes)


def test_the_board_counts_today_per_agent(ctx):
    with session_scope(ctx.sessions) as s:
        alice = staff_accounts.create_account(s, email="alice@shop.test", role="agent", password=PASSWORD,
                                              name="Alice", now=_at(600))
        bruno = staff_accounts.create_account(s, email="bruno@shop.test", role="agent", password=PASSWORD,
                                              name="Bruno", now=_at(600))
        carla = staff_accounts.create_account(s, email="carla@shop.test", role="agent", password=PASSWORD,
                                              name="Carla", now=_at(600))
        staff_accounts.create_account(s, email="dora@shop.test", role="agent", password=PASSWORD,
                                      name="Dora", now=_at(600))  # offline, idle: not on the board
        _token, seen = staff_sessions.open_session(s, alice, ctx.settings, _at(60))
        seen.last_seen_at = _at(1)  # Alice's console is open; Bruno's was last seen an hour ago
        staff_sessions.open_session(s, bruno, ctx.settings, _at(60))
        a, b = Actor("Alice", alice.id), Actor("Bruno", bruno.id)

        def handoff(conv: str, created: float):
            return handoffs.open_handoff(s, conversation_id=conv, channel="socketio", language="en",
                                         reason="asked", summary=None, customer_id=None, order_id=None,
                                         return_id=None, at=_at(created))

        # Answered today by Alice in 60 s and 180 s (from the request), then handed back / closed.
        for conv, created, claimed, replied, move in (("c1", 100, 99.5, 99, HandoffMove.HAND_BACK),
                                                      ("c2", 90, 88, 87, HandoffMove.CLOSE)):
            h = handoff(conv, created)
            handoffs.move(s, h, HandoffMove.CLAIM, a, at=_at(claimed))
            handoffs.add_message(s, h, "agent", text="hello", staff_id=alice.id, at=_at(replied))
            handoffs.add_message(s, h, "agent", text="again", staff_id=alice.id, at=_at(replied - 1))
            handoffs.move(s, h, move, a, at=_at(replied - 2))
        # Claimed by Bruno, answered by Bruno in 120 s, then given to Alice: Bruno answered it.
        h3 = handoff("c3", 30)
        handoffs.move(s, h3, HandoffMove.CLAIM, b, at=_at(29))
        handoffs.add_message(s, h3, "agent", text="hi", staff_id=bruno.id, at=_at(28))
        handoffs.move(s, h3, HandoffMove.REASSIGN, b, at=_at(27), assignee=a)
        # Claimed by Carla, not answered yet.
        h4 = handoff("c4", 20)
        handoffs.move(s, h4, HandoffMove.CLAIM, Actor("Carla", carla.id), at=_at(15))
        # Waiting: one for 10 minutes, one for 4.
        handoff("c5", 10)
        handoff("c6", 4)
        # Yesterday (Paris): answered in 10 s and handled by Bruno — not today's figures.
        h7 = handoffs.open_handoff(s, conversation_id="c7", channel="sms", language="fr", reason="asked",
                                   summary=None, customer_id=None, order_id=None, return_id=None,
                                   at=TODAY - dt.timedelta(minutes=5))
        handoffs.move(s, h7, HandoffMove.CLAIM, b, at=TODAY - dt.timedelta(minutes=5))
        handoffs.add_message(s, h7, "agent", text="bonjour", staff_id=bruno.id,
                             at=TODAY - dt.timedelta(minutes=5) + dt.timedelta(seconds=10))
        handoffs.move(s, h7, HandoffMove.CLOSE, b, at=TODAY - dt.timedelta(minutes=1))

    with session_scope(ctx.sessions) as s:
        figures = board(s, now=NOW, since=TODAY, online_within_seconds=300)

    assert figures["waiting"] == 2
    assert figures["oldest_wait_seconds"] == 600
    assert figures["claimed"] == 2  # c3 (now Alice's) and c4 (Carla's)
    assert figures["agents_online"] == 1
    assert figures["requests"] == 6
    assert figures["first_responses"] == 3  # 60, 180 and 120 seconds
    assert figures["median_first_response_seconds"] == 120
    assert figures["p80_first_response_seconds"] == 180
    assert figures["median_claim_seconds"] == 90  # 30, 120, 60, 300: between 60 and 120
    rows = {r["name"]: r for r in figures["per_agent"]}
    assert list(rows) == ["Alice", "Bruno", "Carla"]  # online first, then by name; Dora is absent
    assert rows["Alice"] == {"staff_id": alice.id, "name": "Alice", "role": "agent", "online": True,
                             "claimed": 1, "handled_today": 2, "first_responses": 2,
                             "average_first_response_seconds": 120}
    assert rows["Bruno"] | {"staff_id": 0} == {"staff_id": 0, "name": "Bruno", "role": "agent", "online": False,
                                                "claimed": 0, "handled_today": 0, "first_responses": 1,
                                                "average_first_response_seconds": 120}
    assert rows["Carla"]["claimed"] == 1 and rows["Carla"]["average_first_response_seconds"] is None


def test_an_empty_day_has_no_times(ctx):
    with session_scope(ctx.sessions) as s:
        figures = board(s, now=NOW, since=TODAY, online_within_seconds=300)
    assert figures["waiting"] == 0 and figures["oldest_wait_seconds"] == 0 and figures["per_agent"] == []
    assert figures["median_first_response_seconds"] is None and figures["p80_first_response_seconds"] is None
    assert figures["csat_average"] is None and figures["csat_count"] == 0
