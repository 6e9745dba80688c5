"""A real backend served over HTTP in a thread, and trackers built like Rasa builds them.

Actions are exercised as the action server runs them: a ``rasa_sdk.Tracker`` in, events and
dispatched messages out, with every backend call going over real HTTP to a real backend
on a migrated and seeded SQLite database.
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from common.backend_client import BackendClient, set_client
from backend.context import build_context
from backend.bootstrap import migrate_and_seed
from backend.settings import Settings
from dev.stack import free_port
from tests.live_backend import ThreadedBackend

TOKEN = "actions-test-token"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict:
    """The assistant's real domain, as the action server receives it."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(REPO / "domain")).as_dict()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("actions-db") / "template.db"
    migrate_and_seed(f"sqlite:///{path}")
    return path


class LiveBackend(ThreadedBackend):
    def stop(self) -> None:
        super().stop()
        self.ctx.engine.dispose()


@pytest.fixture
def backend(seeded_sqlite: Path, tmp_path: Path) -> Iterator[LiveBackend]:
    db = tmp_path / "backend.db"
    shutil.copyfile(seeded_sqlite, db)
    port = free_port()
    settings = dataclasses.replace(
        Settings(), database_url=f"sqlite:///{db}", service_token=TOKEN, media_dir=tmp_path / "media", mail_dir=tmp_path / "mail",
        secret_key="actions-test-secret-key-32-bytes-long!!", public_base_url=f"http://127.0.0.1:{port}",
        expiry_sweep_seconds=0, notify_sweep_seconds=0, twilio_account_sid="", twilio_auth_token="")
    live = LiveBackend(build_context(settings), port)
    live.start()
    set_client(BackendClient(live.url, TOKEN, read_timeout=10, retries=0))
    yield live
    set_client(None)
    live.stop()


@pytest.fixture
def backend_down() -> Iterator[None]:
    set_client(BackendClient(f"http://127.0.0.1:{free_port()}", TOKEN, connect_timeout=0.5, retries=0))
    yield
    set_client(None)


def tracker(slots: dict[str, Any] | None = None, *, text: str = "", intent: str = "inform",
            entities: list | None = None, metadata: dict | None = None, events: list | None = None,
            requested_slot: str | None = None, active_loop: str | None = None,
            sender_id: str = "test-conversation", channel: str = "rest",
            filled: dict[str, Any] | None = None) -> Tracker:
    """A tracker as the action server receives it.

    ``filled`` are the slots Rasa's slot mappings set from the latest message: they come
    after the user event, which is what makes a form validate them.
    """
    all_slots = {"language": "en", "verified": False, "failed_answers": 0, "verify_failures": 0,
                 "flow_aborted": False, **(slots or {}), **(filled or {})}
    if requested_slot:
        all_slots["requested_slot"] = requested_slot
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "intent_ranking": [{"name": intent, "confidence": 1.0}], "entities": entities or [],
              "metadata": metadata or {}}
    evts = list(events or []) + [{"event": "user", "text": text, "parse_data": latest,
                                  "input_channel": channel, "metadata": metadata or {}}]
    evts += [{"event": "slot", "name": k, "value": v} for k, v in (filled or {}).items()]
    return Tracker(sender_id, all_slots, latest, evts, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages if m.get("response")]


def slot_events(events: list) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
