"""Actions that wait on the backend run their body in a worker thread.

rasa-sdk runs a plain ``run`` on its event loop, so one slow backend call would hold up
every other conversation the action server is serving. ``BackendAction.act`` is written
as ordinary blocking code and runs off the loop.
"""
from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class BackendAction(Action, ABC):
    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        return await asyncio.to_thread(self.act, dispatcher, tracker, domain)
