"""The SMS channel's view of opt-outs: the backend's answers reused for a bounded time,
STOP/START known at once, and the last known answer when the backend cannot be asked."""
from __future__ import annotations

import asyncio

from common.backend_client import BackendError
from bot.channels.sms_opt_outs import OptOuts
from tests.bot.test_sms_memory import Clock

PHONE = "+33639981234"


class Backend:
    """The record of opt-outs; ``down`` makes every lookup fail as an unreachable backend does."""

    def __init__(self) -> None:
        self.opted_out: set[str] = set()
        self.lookups = 0
        self.down = False

    def __call__(self, phone: str) -> bool:
        if self.down:
            raise BackendError(503, "backend_unavailable", {"en": "down", "fr": "indisponible"})
        self.lookups += 1
        return phone in self.opted_out


def ask(opt_outs: OptOuts, phone: str = PHONE) -> bool:
    return asyncio.run(opt_outs.is_opted_out(phone))


def test_an_answer_is_reused_until_it_expires_then_asked_again():
    backend, clock = Backend(), Clock()
    opt_outs = OptOuts(backend, ttl=60, clock=clock)
    assert ask(opt_outs) is False and ask(opt_outs) is False and backend.lookups == 1
    backend.opted_out.add(PHONE)  # e.g. staff flagged the customer, or another Rasa process saw STOP
    clock.now = 61
    assert ask(opt_outs) is True and backend.lookups == 2


def test_stop_and_start_are_known_without_asking():
    backend = Backend()
    opt_outs = OptOuts(backend, ttl=60, clock=Clock())
    opt_outs.remember(PHONE, True)
    assert ask(opt_outs) is True and opt_outs.known(PHONE) is True
    opt_outs.remember(PHONE, False)
    assert ask(opt_outs) is False and backend.lookups == 0


def test_backend_down_falls_back_to_the_last_answer_however_old_else_not_opted_out():
    backend, clock = Backend(), Clock()
    opt_outs = OptOuts(backend, ttl=60, clock=clock)
    backend.opted_out.add(PHONE)
    assert ask(opt_outs) is True
    backend.down = True
    clock.now = 3600
    assert ask(opt_outs) is True
    assert ask(opt_outs, "+447700900123") is False  # never heard of: not silenced
    opt_outs.remember(PHONE, False)
    clock.now = 7200
    assert ask(opt_outs) is False
