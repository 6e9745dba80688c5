"""How long a customer will wait for a person, from how long recent customers waited.

The promise must not be low: a customer told "2 minutes" who waits ten trusts nothing
after. So the estimate is the 80th percentile of recent waits, rounded up to the next
five minutes, never under five; with too few recent claims to say, there is no number
(the customer hears "a few minutes"). Customers already ahead in the queue add to it.
"""
from __future__ import annotations

import math
from typing import Sequence

MIN_SAMPLES = 5
STEP_MINUTES = 5


def estimate_wait_minutes(recent_waits_seconds: Sequence[float], ahead_in_queue: int = 0,
                          agents_online: int = 1) -> int | None:
    """Minutes to promise, or None when there is too little data to promise a number."""
    waits = sorted(w for w in recent_waits_seconds if w >= 0)
    if len(waits) < MIN_SAMPLES:
        return None
    rank = max(0, math.ceil(0.8 * len(waits)) - 1)
    per_customer = waits[rank] / 60
    queue_factor = 1 + ahead_in_queue / max(agents_online, 1)
    minutes = per_customer * queue_factor
    return max(STEP_MINUTES, math.ceil(minutes / STEP_MINUTES) * STEP_MINUTES)
