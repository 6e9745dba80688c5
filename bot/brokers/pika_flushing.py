"""Rasa's RabbitMQ broker, flushing what it still owes before it closes.

Rasa 3.6's ``PikaEventBroker.publish`` sends each event in a background task, and its
``close()`` (called when the server stops) closes the connection without waiting for
those tasks: a graceful stop right after a turn (a deploy, a restart) dropped that turn's
events from the feed, while the tracker store kept them. This broker waits for the
publications still in flight first, for a bounded time, so a restart loses nothing it had
accepted. Used by ``endpoints.production.yml`` (``type: bot.brokers.pika_flushing.FlushingPikaEventBroker``).
"""
from __future__ import annotations

import asyncio
import logging

from rasa.core.brokers.pika import PikaEventBroker

logger = logging.getLogger(__name__)

# Long enough for a broker that is slow, short enough not to hold a stop forever.
FLUSH_TIMEOUT_SECONDS = 10.0


class FlushingPikaEventBroker(PikaEventBroker):
    async def close(self) -> None:
        pending = [task for task in self._background_tasks if not task.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=FLUSH_TIMEOUT_SECONDS)
            if late:
                logger.warning("Closing the event broker with %d events still unpublished.", len(late))
        await super().close()
