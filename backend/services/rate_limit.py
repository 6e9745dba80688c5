"""Rate limits: the growing pause after failures, and a small in-process sliding window.

:func:`growing_pause` is the rule both guessing defences share (customer verification,
staff sign-in): past a number of free failures, the pause doubles with each failure, up
to a cap, so a guesser slows down fast while a person who mistyped waits little.

The sliding-window limiter is used where a database row per attempt would be too heavy (anonymous upload tokens): it
counts per key inside one API process, which is enough to stop one client from minting
tokens in a loop. Memory stays bounded: keys whose window has passed are dropped.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


def growing_pause(failures: int, free: int, base_seconds: int, cap_seconds: int) -> int:
    """Seconds owed after ``failures`` failures when ``free`` of them cost nothing."""
    if failures < free:
        return 0
    return min(cap_seconds, base_seconds * 2 ** min(failures - free, 32))


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one hit for ``key``; False (and nothing counted) once the limit is reached."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > self.max_keys:
                self._prune(now)
            return True

    def _prune(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]
