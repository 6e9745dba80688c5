"""The supervisor's board: who waits, who holds what, and how fast the team answers today.

"Today" starts at midnight in the support team's time zone (``BOOMERANG_SUPPORT_TIMEZONE``),
so a supervisor in Paris reads the day they are living, not UTC's. The first-response time
of a handoff is what the customer lived through: from their request to the first agent
reply (``first_response_at``, written with the first ``agent`` message, which can only be
sent after a claim). It is counted on the day the reply was given, and credited to the
agent who wrote that reply (a conversation may have been reassigned since).
"""
from __future__ import annotations

import datetime as dt
import math
import statistics
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.db.models import HandoffMessage, HandoffRequest, StaffAccount
from backend.queries.handoffs import online_staff

# Ended by an agent: given back to the bot or closed (a cancelled request was nobody's work).
HANDLED = ("returned", "closed")


def day_start(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Midnight of ``now``'s day in ``zone``, as the naive UTC the database stores."""
    local = now.replace(tzinfo=dt.timezone.utc).astimezone(zone)
    midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=zone)
    return midnight.astimezone(dt.timezone.utc).replace(tzinfo=None)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value at or above ``share`` of the values
    (p80 of ten replies is the eighth fastest), so it is always a time someone waited."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _seconds(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def _first_responders(session: Session, handoff_ids: list[int]) -> dict[int, int | None]:
    """Handoff id → the staff account that wrote its first agent reply."""
    if not handoff_ids:
        return {}
    first = (select(func.min(HandoffMessage.id)).where(HandoffMessage.kind == "agent",
                                                       HandoffMessage.handoff_id.in_(handoff_ids))
             .group_by(HandoffMessage.handoff_id))
    return dict(session.execute(select(HandoffMessage.handoff_id, HandoffMessage.staff_id)
                                .where(HandoffMessage.id.in_(first))).all())


def board(session: Session, *, now: dt.datetime, since: dt.datetime, online_within_seconds: int) -> dict:
    """Live counts (waiting, claimed, oldest wait), today's first-response and claim times,
    ratings, and one row per agent who is online, holds a conversation or worked today."""
    waiting = list(session.execute(select(HandoffRequest.created_at).where(
        HandoffRequest.status == "queued")).scalars())
    claimed = dict(session.execute(select(HandoffRequest.assigned_staff_id, func.count()).where(
        HandoffRequest.status == "claimed").group_by(HandoffRequest.assigned_staff_id)).all())
    handled = dict(session.execute(select(HandoffRequest.assigned_staff_id, func.count()).where(
        HandoffRequest.status.in_(HANDLED), HandoffRequest.ended_at >= since,
        HandoffRequest.assigned_staff_id.is_not(None)).group_by(HandoffRequest.assigned_staff_id)).all())
    answered = session.execute(select(HandoffRequest.id, HandoffRequest.created_at,
                                      HandoffRequest.first_response_at).where(
        HandoffRequest.first_response_at >= since)).all()
    responders = _first_responders(session, [hid for hid, _c, _f in answered])
    first_responses = {hid: max(0.0, (fr - created).total_seconds()) for hid, created, fr in answered}
    claim_waits = [max(0.0, (c - created).total_seconds()) for created, c in session.execute(
        select(HandoffRequest.created_at, HandoffRequest.claimed_at).where(HandoffRequest.claimed_at >= since))]
    scores = list(session.execute(select(HandoffRequest.csat_score).where(
        HandoffRequest.csat_at >= since, HandoffRequest.csat_score.is_not(None))).scalars())
    requests = session.execute(select(func.count()).select_from(HandoffRequest).where(
        HandoffRequest.created_at >= since)).scalar_one()
    online = online_staff(session, now=now, within_seconds=online_within_seconds)

    per_responder: dict[int, list[float]] = {}
    for hid, seconds in first_responses.items():
        if responders.get(hid) is not None:
            per_responder.setdefault(responders[hid], []).append(seconds)
    ids = online | {sid for sid in claimed if sid} | {sid for sid in handled if sid} | set(per_responder)
    accounts = session.execute(select(StaffAccount.id, StaffAccount.display_name, StaffAccount.role)
                               .where(StaffAccount.id.in_(ids))).all() if ids else []
    rows = [{"staff_id": sid, "name": name, "role": role, "online": sid in online,
             "claimed": claimed.get(sid, 0), "handled_today": handled.get(sid, 0),
             "first_responses": len(per_responder.get(sid, [])),
             "average_first_response_seconds": _seconds(statistics.mean(per_responder[sid]))
             if per_responder.get(sid) else None}
            for sid, name, role in accounts]
    rows.sort(key=lambda r: (not r["online"], r["name"].casefold(), r["staff_id"]))
    times = list(first_responses.values())
    return {
        "waiting": len(waiting),
        "oldest_wait_seconds": int(max(((now - c).total_seconds() for c in waiting), default=0)),
        "claimed": sum(claimed.values()),
        "agents_online": len(online),
        "per_agent": rows,
        "since": since,
        "requests": requests,
        "first_responses": len(times),
        "median_first_response_seconds": _seconds(statistics.median(times)) if times else None,
        "p80_first_response_seconds": _seconds(percentile(times, 0.8)),
        "median_claim_seconds": _seconds(statistics.median(claim_waits)) if claim_waits else None,
        "csat_average": round(sum(scores) / len(scores), 2) if scores else None,
        "csat_count": len(scores),
    }
