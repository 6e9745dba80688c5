"""The channel's bounded memory: entries expire, and a flood of keys cannot grow it."""
from __future__ import annotations

from bot.channels.sms_memory import TtlMemory


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_new_once_until_it_expires():
    clock = Clock()
    seen: TtlMemory[str, bool] = TtlMemory(ttl=60, clock=clock)
    assert seen.add_if_new("SM1", True) is True
    clock.now = 59
    assert seen.add_if_new("SM1", True) is False
    clock.now = 61
    assert seen.add_if_new("SM1", True) is True


def test_the_oldest_entries_go_first_when_full():
    memory: TtlMemory[int, int] = TtlMemory(ttl=3600, max_entries=3, clock=Clock())
    for key in range(5):
        memory.put(key, key)
    assert len(memory) == 3 and 0 not in memory and 1 not in memory and memory.get(4) == 4
    assert memory.pop(4) == 4 and memory.pop(4) is None
