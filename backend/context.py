"""Everything a request needs, built once per process: settings, database, policy, partners.

Tests build their own context (a temporary database, a fixed clock, a failing payment
provider) instead of patching globals.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from backend.adapters.carriers.base import Carrier
from backend.adapters.conversations.base import CustomerChannel
from backend.adapters.conversations.factory import channel_from_settings
from backend.adapters.carriers.factory import carrier_from_settings
from backend.adapters.email.base import EmailSender
from backend.adapters.email.factory import email_sender_from_settings
from backend.adapters.payments.base import PaymentProvider
from backend.adapters.payments import provider_from_name
from backend.adapters.sms.base import SmsSender
from backend.adapters.sms.factory import sms_sender_from_settings
from backend.db.models import utcnow
from backend.db.session import make_engine, make_session_factory
from backend.domain.disposition import DispositionRules, load_disposition_rules
from backend.domain.policy import Policy, load_policy
from backend.domain.support_hours import SupportHours, parse_support_hours
from backend.services.outbox import configure_sessions
from backend.services.rate_limit import SlidingWindowLimiter
from backend.settings import Settings


@dataclass
class BackendContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    policy: Policy
    carrier: Carrier
    payments: PaymentProvider
    upload_limiter: SlidingWindowLimiter
    sms: SmsSender
    email: EmailSender
    conversations: CustomerChannel
    support_hours: SupportHours
    # The warehouse's disposition rules, loaded and checked once (a bad file refuses to start).
    dispositions: DispositionRules
    clock: Callable[[], dt.datetime] = field(default=utcnow)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.clock().date()


def build_context(settings: Settings, **overrides: object) -> BackendContext:
    """The production wiring; any part can be replaced by keyword (tests do)."""
    engine = overrides.pop("engine", None) or make_engine(settings.database_url)
    parts: dict[str, object] = {
        "settings": settings,
        "engine": engine,
        "sessions": make_session_factory(engine),  # type: ignore[arg-type]
        "policy": load_policy(settings.policy_file),
        "carrier": carrier_from_settings(settings),
        "payments": provider_from_name(settings.payment_provider),
        "sms": sms_sender_from_settings(settings),
        "email": email_sender_from_settings(settings),
        "conversations": channel_from_settings(settings),
        "support_hours": parse_support_hours(settings.support_hours, settings.support_timezone),
        "upload_limiter": SlidingWindowLimiter(settings.upload_token_max_per_client,
                                               settings.upload_token_window_seconds),
        "dispositions": load_disposition_rules(settings.disposition_file),
    }
    parts.update(overrides)
    # Status changes write their partner-feed events for the destinations configured now
    # (an unusable partner configuration stops the start-up here, with its reason).
    configure_sessions(parts["sessions"], settings)  # type: ignore[arg-type]
    return BackendContext(**parts)  # type: ignore[arg-type]
