"""Opening hours are read strictly and compared in the shop's zone, summer time included."""
from __future__ import annotations

import datetime as dt

import pytest

from backend.domain.support_hours import SupportHoursError, parse_support_hours
from backend.domain.wait_estimate import estimate_wait_minutes

HOURS = parse_support_hours("mon-fri 09:00-18:00; sat 10:00-16:00", "Europe/Paris")


def test_open_and_closed_in_paris_time_winter_and_summer():
    assert HOURS.is_open(dt.datetime(2026, 12, 7, 8, 30))       # Monday 09:30 in Paris (UTC+1)
    assert not HOURS.is_open(dt.datetime(2026, 12, 7, 7, 30))   # 08:30 in Paris
    assert HOURS.is_open(dt.datetime(2026, 7, 6, 7, 30))        # 09:30 in Paris (UTC+2)
    assert not HOURS.is_open(dt.datetime(2026, 12, 6, 12, 0))   # Sunday


def test_next_opening_is_given_in_utc():
    # Saturday 17:00 in Paris → Monday 09:00 Paris = 08:00 UTC.
    assert HOURS.next_opening(dt.datetime(2026, 12, 5, 16, 0)) == dt.datetime(2026, 12, 7, 8, 0)
    assert HOURS.next_opening(dt.datetime(2026, 12, 7, 9, 0)) is None  # open now


@pytest.mark.parametrize("spec, zone", [("mon-fri 9-18", "Europe/Paris"), ("fri-mon 09:00-18:00", "Europe/Paris"),
                                        ("mon 18:00-09:00", "Europe/Paris"), ("mon 09:00-18:00", "Mars/Olympus"),
                                        ("", "Europe/Paris"), ("mon 25:00-26:00", "Europe/Paris")])
def test_bad_hours_are_refused_with_a_reason(spec, zone):
    with pytest.raises(SupportHoursError):
        parse_support_hours(spec, zone)


def test_always_is_always_open():
    always = parse_support_hours("always", "UTC")
    assert always.is_open(dt.datetime(2026, 12, 6, 3, 0)) and always.next_opening(dt.datetime(2026, 12, 6)) is None


def test_the_wait_is_never_a_low_promise():
    assert estimate_wait_minutes([60] * 4) is None
    assert estimate_wait_minutes([60] * 10) == 5
    assert estimate_wait_minutes([60] * 8 + [1500] * 2) == 5
    assert estimate_wait_minutes([60] * 7 + [1500] * 3) == 25
    assert estimate_wait_minutes([600] * 10, ahead_in_queue=2, agents_online=1) == 30
