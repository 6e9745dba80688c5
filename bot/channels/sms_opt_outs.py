"""Which numbers have opted out of SMS, as the SMS channel knows it.

The backend holds the record (``GET/PUT/DELETE /api/v1/sms/opt-outs/{phone}``): it
survives a Rasa restart and is the same for every Rasa process. The channel keeps each
answer for ``ttl`` seconds, so a conversation costs one lookup per ``ttl`` rather than one
per message; STOP and START texted to this process update that copy at once.

When the backend cannot answer, the last answer this process had for the number is used,
however old; with none, the number counts as *not* opted out, and this is logged. Failing
open is deliberate: failing closed would silence every customer while the backend is
down, whereas a wrong "not opted out" costs little — Twilio itself refuses to deliver to a
number that texted STOP to the sending number (error 21610), and whatever the assistant
could do for the customer (a return, a refund status) needs that same unreachable backend.
A STOP the backend failed to record holds in this process for ``ttl``; after that the
backend's answer wins again (Twilio's own block still stands).
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable

from bot.channels.sms_memory import TtlMemory
from common.backend_client import BackendError
from common.pii import mask_phone

log = logging.getLogger(__name__)

DEFAULT_TTL = 300.0
LAST_KNOWN_TTL = 30 * 24 * 3600.0  # the fallback's memory: bounded in time and in size


class OptOuts:
    """Opt-out answers per number: fresh ones for ``ttl``, the last known one as a fallback."""

    def __init__(self, lookup: Callable[[str], bool], ttl: float = DEFAULT_TTL,
                 clock: Callable[[], float] = time.monotonic, max_entries: int = 100_000) -> None:
        self.lookup = lookup
        self.fresh: TtlMemory[str, bool] = TtlMemory(ttl, max_entries, clock)
        self.last_known: TtlMemory[str, bool] = TtlMemory(LAST_KNOWN_TTL, max_entries, clock)

    def remember(self, phone: str, opted_out: bool) -> None:
        """What a STOP/START or the backend just said: the answer for the next ``ttl``."""
        self.fresh.put(phone, opted_out)
        self.last_known.put(phone, opted_out)

    def known(self, phone: str) -> bool:
        """The latest answer in memory, without asking anyone: for checks between two sends."""
        return bool(self.last_known.get(phone))

    async def is_opted_out(self, phone: str) -> bool:
        """A fresh answer from memory, else the backend's (in a thread: the client blocks)."""
        cached = self.fresh.get(phone)
        if cached is not None:
            return cached
        try:
            opted_out = await asyncio.to_thread(self.lookup, phone)
        except BackendError as exc:
            fallback = self.known(phone)
            log.warning("SMS opt-out of %s not checked in the backend (%s); going by this "
                        "process's memory: %s", mask_phone(phone), exc,
                        "opted out" if fallback else "not opted out")
            return fallback
        self.remember(phone, opted_out)
        return opted_out
