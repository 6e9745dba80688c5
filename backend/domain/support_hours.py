"""When people answer: the support team's opening hours, in the shop's time zone.

Written as ``"mon-fri 09:00-18:00; sat 10:00-16:00"`` (``always`` for a team that never
closes), parsed strictly at start-up so a typo is an error, not a queue nobody reads.
Times are compared in the shop's zone (``Europe/Paris`` by default) and answered in UTC,
like every timestamp of the backend, so summer time never shifts the opening.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SEGMENT = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
                      r"(?P<open>\d{2}:\d{2})-(?P<close>\d{2}:\d{2})$")


class SupportHoursError(ValueError):
    """The opening hours setting cannot be read; the message says which part and why."""


@dataclass(frozen=True)
class Opening:
    weekday: int  # 0 = Monday
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class SupportHours:
    openings: tuple[Opening, ...]
    zone: ZoneInfo
    always: bool = False

    def is_open(self, now_utc: dt.datetime) -> bool:
        if self.always:
            return True
        local = _to_local(now_utc, self.zone)
        return any(o.weekday == local.weekday() and o.opens <= local.time() < o.closes
                   for o in self.openings)

    def next_opening(self, now_utc: dt.datetime) -> dt.datetime | None:
        """The next time the team opens, as naive UTC; None when open now or never closed."""
        if self.always or self.is_open(now_utc) or not self.openings:
            return None
        local = _to_local(now_utc, self.zone)
        for days_ahead in range(0, 8):
            day = local.date() + dt.timedelta(days=days_ahead)
            starts = sorted(o.opens for o in self.openings if o.weekday == day.weekday())
            for opens in starts:
                moment = dt.datetime.combine(day, opens, tzinfo=self.zone)
                if moment > local:
                    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return None


def _to_local(now_utc: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    aware = now_utc if now_utc.tzinfo else now_utc.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(zone)


def _time(text: str, segment: str) -> dt.time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return dt.time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise SupportHoursError(f"'{text}' in '{segment}' is not a time of day (00:00 to 24:00).")
    return dt.time(hours, minutes)


def parse_support_hours(spec: str, timezone: str) -> SupportHours:
    """Read ``"mon-sat 09:00-18:00"``-style hours; raises :class:`SupportHoursError`."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SupportHoursError(f"Unknown time zone '{timezone}' (use a name such as Europe/Paris).") from exc
    text = spec.strip().lower()
    if text == "always":
        return SupportHours((), zone, always=True)
    openings: list[Opening] = []
    for raw in filter(None, (part.strip() for part in text.split(";"))):
        match = _SEGMENT.match(raw)
        if not match:
            raise SupportHoursError(f"'{raw}' should look like 'mon-fri 09:00-18:00'.")
        first, last = match["first"], match["last"] or match["first"]
        if first not in DAYS or last not in DAYS:
            raise SupportHoursError(f"'{raw}': days are {', '.join(DAYS)}.")
        opens, closes = _time(match["open"], raw), _time(match["close"], raw)
        if closes <= opens:
            raise SupportHoursError(f"'{raw}': the closing time must come after the opening time.")
        start, end = DAYS.index(first), DAYS.index(last)
        if end < start:
            raise SupportHoursError(f"'{raw}': the days must run forwards (e.g. mon-fri).")
        openings.extend(Opening(day, opens, closes) for day in range(start, end + 1))
    if not openings:
        raise SupportHoursError("No opening hours given (write 'always' for a team that never closes).")
    return SupportHours(tuple(openings), zone)
