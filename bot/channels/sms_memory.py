"""What the SMS channel remembers between webhooks, in the Rasa process's memory.

Limits, on purpose: memory is per process and lost on restart. That is acceptable for
what it holds — a retried MessageSid arrives within minutes (Twilio retries at most a
few times), the numbered choices only matter for the next reply, and opt-outs are only
a short-lived copy of the backend's record (see ``sms_opt_outs``). Several Rasa
processes behind one number would each have their own memory; such a deployment would
need a shared store (Redis) behind the same small interface.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlMemory(Generic[K, V]):
    """A mapping whose entries expire after ``ttl`` seconds, holding at most ``max_entries``.

    The oldest entries are dropped first when full, so a flood of distinct keys costs
    bounded memory (and, for MessageSids, at worst lets a very old retry through).
    """

    def __init__(self, ttl: float, max_entries: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def _expire(self) -> None:
        now = self.clock()
        while self._entries:
            key, (expires, _) = next(iter(self._entries.items()))
            if expires > now and len(self._entries) <= self.max_entries:
                break
            del self._entries[key]

    def get(self, key: K) -> V | None:
        self._expire()
        entry = self._entries.get(key)
        return entry[1] if entry else None

    def put(self, key: K, value: V) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (self.clock() + self.ttl, value)
        self._expire()

    def add_if_new(self, key: K, value: V) -> bool:
        """Remember ``key``; False when it was already remembered (and not expired)."""
        self._expire()
        if key in self._entries:
            return False
        self.put(key, value)
        return True

    def pop(self, key: K) -> V | None:
        entry = self._entries.pop(key, None)
        return entry[1] if entry else None

    def __contains__(self, key: object) -> bool:
        self._expire()
        return key in self._entries

    def __len__(self) -> int:
        self._expire()
        return len(self._entries)
