"""Several Rasa processes, one web chat: socket.io emits shared through Redis (issue 11).

Rasa's socket.io server keeps its sockets in the process's memory. Behind a load balancer,
with several Rasa processes sharing a tracker store, the backend's call that makes Rasa speak
(``output_channel=latest``: an agent's reply, the bot's turn after a hand-back) and the typing
route land on any process, while the customer's socket is connected to one of them: the emit
reached only the sockets of the process that made it. With ``redis_url`` in the channel's
credentials, the server's client manager is python-socketio's Redis one: every emit is
published on a Redis channel, and every process hands it to its own sockets in the room
(rooms are the web session ids, so a reply reaches the conversation wherever it is open).

Two changes to python-socketio's ``AsyncRedisManager``:

* messages are JSON, not pickle: the stock manager unpickles whatever is published on its
  channel, so anyone able to publish in that Redis (the lock store's, often) could run code
  in every Rasa process. Only JSON objects are read here; anything else is dropped.
* the process subscribes when the server starts, not at its first socket, so an emit made
  by another process in that window is not lost, and Redis is checked before serving.

Redis unreachable at start: the process refuses to start (the error names the Redis, never
its password). Falling back to one process's sockets would look healthy while every reply
made by another process is silently lost for the customers connected here, exactly the
failure this option exists to prevent; a process that does not start is seen and restarted
by whatever supervises it. A deployment with one Rasa process leaves ``redis_url`` empty.
Redis lost later: the manager retries (one retry to publish, a reconnecting listener), and
logs the failure; replies made meanwhile by another process are missed live but the widget
asks for them again on its next reconnect (bot/channels/socketio.py, ``since``).
"""
from __future__ import annotations

import json
import logging
from typing import Any, AsyncIterator, Dict, Optional
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from sanic import Blueprint
from socketio import AsyncRedisManager, AsyncServer

log = logging.getLogger(__name__)

DEFAULT_REDIS_CHANNEL = "boomerang-socketio"
CONNECT_TIMEOUT = 5.0  # seconds to reach Redis; a black-holed address must not hang the start


class RedisUnavailable(RuntimeError):
    """Raised at start-up when ``redis_url`` is set and Redis cannot be reached."""


def redis_address(url: str) -> str:
    """``host:port/db`` of a Redis URL, for logs: never the user or password in it."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname or '?'}:{parts.port or 6379}{parts.path or ''}"
    except ValueError:
        return "(an unparsable Redis URL)"


class JsonRedisManager(AsyncRedisManager):
    """python-socketio's Redis client manager, speaking JSON instead of pickle."""

    async def _publish(self, data: Dict[str, Any]) -> Any:
        payload = json.dumps(data)  # our emits are JSON; anything else is a bug to see at once
        for attempt in (1, 2):  # the pool replaces a broken connection on the second try
            try:
                return await self.redis.publish(self.channel, payload)
            except RedisError as exc:
                if attempt == 2:
                    log.error("socket.io emit not shared through Redis (%s): lost for the other processes",
                              type(exc).__name__)
        return None

    async def _listen(self) -> AsyncIterator[Dict[str, Any]]:
        if not self.pubsub.subscribed:
            await self.pubsub.subscribe(self.channel)
        channel = self.channel.encode("utf-8")
        async for message in self._redis_listen_with_retries():
            if message.get("channel") != channel or message.get("type") != "message":
                continue
            try:
                data = json.loads(message.get("data") or b"")
            except ValueError:
                log.warning("a message on the socket.io Redis channel is not JSON: ignored")
                continue
            if isinstance(data, dict):
                yield data


def share_through_redis(sio: AsyncServer, blueprint: Blueprint, url: str,
                        channel: str = DEFAULT_REDIS_CHANNEL) -> JsonRedisManager:
    """Make ``sio`` share its emits with every process on ``url``'s ``channel``.

    Called on a server no socket has reached yet (right after the stock blueprint built
    it), so the default in-memory manager it replaces holds nothing. Redis is reached
    and the channel subscribed when the server starts (``before_server_start``).
    """
    manager = JsonRedisManager(url, channel=channel,
                               redis_options={"socket_connect_timeout": CONNECT_TIMEOUT})
    manager.set_server(sio)
    sio.manager = manager
    where = redis_address(url)

    async def subscribe(_app: Any, _loop: Any) -> None:
        try:
            await manager.redis.ping()
            await manager.pubsub.subscribe(channel)
        except (RedisError, OSError) as exc:
            log.error("web chat: Redis for socket.io (redis_url, %s) is unreachable (%s); not starting: "
                      "with several Rasa processes, replies would be lost. Start Redis, or leave "
                      "redis_url empty to run a single process.", where, type(exc).__name__)
            raise RedisUnavailable(f"socket.io Redis at {where} is unreachable") from None
        sio.manager_initialized = True  # what the server would do at its first socket
        manager.initialize()
        log.info("web chat: socket.io emits shared through Redis at %s, channel %s", where, channel)

    blueprint.listener("before_server_start")(subscribe)
    return manager


def redis_settings(credentials: Optional[Dict[str, Any]]) -> tuple[Optional[str], str]:
    """``(redis_url or None, channel)`` from the channel's credentials; empty means none."""
    credentials = credentials or {}
    url = str(credentials.get("redis_url") or "").strip() or None
    channel = str(credentials.get("redis_channel") or "").strip() or DEFAULT_REDIS_CHANNEL
    return url, channel
