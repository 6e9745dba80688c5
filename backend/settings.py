"""Backend settings, read once from the environment.

Every knob a shop's developer may turn lives here, with a default that works on a fresh
machine (embedded SQLite, files under ``var/``, the built-in local carrier and payment
provider). Nothing else in the backend reads ``os.environ``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from common import install_secrets

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = REPO_ROOT / "var"
DEFAULT_POLICY_FILE = Path(__file__).resolve().parent / "domain" / "policies" / "default.yml"
DEFAULT_DISPOSITION_FILE = Path(__file__).resolve().parent / "domain" / "dispositions" / "default.yml"



def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _secret(name: str) -> str:
    """From the environment, else this install's own random development secret."""
    return install_secrets.get(name)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: _env(
            "BOOMERANG_DATABASE_URL", f"sqlite:///{DEFAULT_VAR_DIR / 'boomerang.db'}"
        )
    )
    service_token: str = field(default_factory=lambda: _secret("BOOMERANG_SERVICE_TOKEN"))
    # Staff tools (warehouse scans, review decisions, refunds) use their own token, so the
    # action server's token cannot move money.
    staff_token: str = field(default_factory=lambda: _secret("BOOMERANG_STAFF_TOKEN"))
    # Signs the short-lived tokens handed out after a customer is verified.
    secret_key: str = field(default_factory=lambda: _secret("BOOMERANG_SECRET_KEY"))
    customer_token_ttl_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_CUSTOMER_TOKEN_TTL", "3600"))
    )
    policy_file: Path = field(
        default_factory=lambda: Path(_env("BOOMERANG_POLICY_FILE", str(DEFAULT_POLICY_FILE)))
    )
    media_dir: Path = field(
        default_factory=lambda: Path(_env("BOOMERANG_MEDIA_DIR", str(DEFAULT_VAR_DIR / "media")))
    )
    public_base_url: str = field(
        default_factory=lambda: _env("BOOMERANG_PUBLIC_URL", "http://localhost:8000").rstrip("/")
    )
    photo_max_bytes: int = field(
        default_factory=lambda: int(_env("BOOMERANG_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
    )
    photo_max_pixels: int = field(
        default_factory=lambda: int(_env("BOOMERANG_PHOTO_MAX_PIXELS", str(40_000_000)))
    )
    # Verification throttling: failed attempts that cost nothing per window, per order
    # reference and contact, and per client (the real identity the channel saw).
    verify_window_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_VERIFY_WINDOW", "900"))
    )
    verify_max_failures_per_reference: int = field(
        default_factory=lambda: int(_env("BOOMERANG_VERIFY_MAX_PER_REFERENCE", "5"))
    )
    verify_max_failures_per_client: int = field(
        default_factory=lambda: int(_env("BOOMERANG_VERIFY_MAX_PER_CLIENT", "10"))
    )
    # Past those free failures, the pause before the next try: base × 2^(extra failures),
    # at most the cap (a growing delay, never a lock-out of the real customer).
    verify_base_delay_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_VERIFY_BASE_DELAY", "2"))
    )
    verify_max_delay_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_VERIFY_MAX_DELAY", "300"))
    )
    easypost_api_key: str = field(default_factory=lambda: _env("EASYPOST_API_KEY", ""))
    easypost_base_url: str = field(
        default_factory=lambda: _env("EASYPOST_BASE_URL", "https://api.easypost.com/v2")
    )
    carrier_timeout_seconds: float = field(
        default_factory=lambda: float(_env("BOOMERANG_CARRIER_TIMEOUT", "15"))
    )
    # How often the label-expiry sweep runs inside the API process (0 disables it).
    expiry_sweep_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_EXPIRY_SWEEP_SECONDS", "3600"))
    )

    # Where return parcels go: the shop's returns warehouse, printed on every label.
    warehouse_name: str = field(
        default_factory=lambda: _env("BOOMERANG_WAREHOUSE_NAME", "Maison Boomerang Returns"))
    warehouse_line1: str = field(
        default_factory=lambda: _env("BOOMERANG_WAREHOUSE_LINE1", "12 rue des Entrepôts"))
    warehouse_city: str = field(
        default_factory=lambda: _env("BOOMERANG_WAREHOUSE_CITY", "Lyon"))
    warehouse_postcode: str = field(
        default_factory=lambda: _env("BOOMERANG_WAREHOUSE_POSTCODE", "69007"))
    warehouse_country: str = field(
        default_factory=lambda: _env("BOOMERANG_WAREHOUSE_COUNTRY", "FR"))
    payment_provider: str = field(
        default_factory=lambda: _env("BOOMERANG_PAYMENT_PROVIDER", "local"))
    # Where the browser reaches Rasa's socket.io channel (the chat page at / embeds it).
    rasa_url: str = field(
        default_factory=lambda: _env("BOOMERANG_RASA_URL", "http://localhost:5005").rstrip("/"))

    # Chat uploads: a web chat (or an SMS channel) uploads photos before the customer is
    # verified, with a short-lived upload token bound to its conversation.
    upload_token_ttl_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_UPLOAD_TOKEN_TTL", "900")))
    chat_photos_per_conversation: int = field(
        default_factory=lambda: int(_env("BOOMERANG_CHAT_PHOTOS_MAX", "20")))
    # Anonymous upload tokens allowed per client address and window (per API process).
    upload_token_max_per_client: int = field(
        default_factory=lambda: int(_env("BOOMERANG_UPLOAD_TOKEN_MAX_PER_CLIENT", "30")))
    upload_token_window_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_UPLOAD_TOKEN_WINDOW", "900")))
    # Browser origins allowed to call /api/v1/chat/* (comma-separated; "*" for any).
    chat_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(o.strip().rstrip("/") for o in _env("BOOMERANG_CHAT_ORIGINS", "*").split(",")
                                      if o.strip()))

    # Proactive SMS (label issued, parcel received, refund issued). Without Twilio
    # credentials the local adapter records and logs messages instead of sending them.
    shop_name: str = field(default_factory=lambda: _env("BOOMERANG_SHOP_NAME", "Boomerang"))
    twilio_account_sid: str = field(default_factory=lambda: _env("TWILIO_ACCOUNT_SID", ""))
    twilio_auth_token: str = field(default_factory=lambda: _env("TWILIO_AUTH_TOKEN", ""))
    twilio_from_number: str = field(default_factory=lambda: _env("TWILIO_FROM_NUMBER", ""))
    twilio_messaging_service_sid: str = field(
        default_factory=lambda: _env("TWILIO_MESSAGING_SERVICE_SID", ""))
    # Where the Twilio REST API lives (tests point it at a local fake).
    twilio_api_base_url: str = field(
        default_factory=lambda: _env("TWILIO_API_BASE_URL", "https://api.twilio.com").rstrip("/"))
    sms_timeout_seconds: float = field(
        default_factory=lambda: float(_env("BOOMERANG_SMS_TIMEOUT", "5")))
    # Email (a handoff's reply by email when the team was away). Without an SMTP URL
    # (smtp://user:password@host:587 or smtps://…; a secret, never logged) each message is
    # written as an .eml file in the mail folder instead.
    smtp_url: str = field(default_factory=lambda: _env("BOOMERANG_SMTP_URL", ""))
    mail_from: str = field(
        default_factory=lambda: _env("BOOMERANG_MAIL_FROM", "Boomerang <returns@boomerang.localhost>"))
    mail_dir: Path = field(
        default_factory=lambda: Path(_env("BOOMERANG_MAIL_DIR", str(DEFAULT_VAR_DIR / "mail"))))
    # The outbox sweep: how often it runs in the API process (0 disables it), how many
    # times a message is tried, and the pause after each failed try (times the attempts).
    notify_sweep_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_NOTIFY_SWEEP_SECONDS", "60")))
    notify_max_attempts: int = field(
        default_factory=lambda: int(_env("BOOMERANG_NOTIFY_MAX_ATTEMPTS", "6")))
    notify_retry_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_NOTIFY_RETRY_SECONDS", "60")))

    # The feed to logistics partners (backend/services/outbox.py, partner_feed.py): each
    # return status change as a CloudEvent, POSTed to these webhooks (comma-separated
    # URLs) signed with the secret (HMAC-SHA256 of the body; required with webhooks, never
    # logged) and/or published to a RabbitMQ topic exchange when an AMQP URL is set.
    partner_webhooks: tuple[str, ...] = field(
        default_factory=lambda: tuple(u.strip() for u in _env("BOOMERANG_PARTNER_WEBHOOKS", "").split(",")
                                      if u.strip()))
    partner_secret: str = field(default_factory=lambda: _env("BOOMERANG_PARTNER_SECRET", ""), repr=False)
    partner_amqp_url: str = field(default_factory=lambda: _env("BOOMERANG_PARTNER_AMQP_URL", ""))
    partner_amqp_exchange: str = field(
        default_factory=lambda: _env("BOOMERANG_PARTNER_AMQP_EXCHANGE", "boomerang.returns"))
    partner_timeout_seconds: float = field(
        default_factory=lambda: float(_env("BOOMERANG_PARTNER_TIMEOUT", "10")))
    # How often the partner feed's sweep runs in the API process (0 disables it), and the
    # back-off after a failed delivery: base × 2^(failed tries − 1), at most the cap.
    outbox_sweep_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_OUTBOX_SWEEP_SECONDS", "10")))
    outbox_retry_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_OUTBOX_RETRY_SECONDS", "30")))
    outbox_retry_max_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_OUTBOX_RETRY_MAX_SECONDS", "3600")))

    # Agents: when people answer (backend/domain/support_hours.py; "always" never closes),
    # in the shop's time zone, and how long after its last sign of life a console counts
    # as an agent online.
    support_hours: str = field(
        default_factory=lambda: _env("BOOMERANG_SUPPORT_HOURS", "mon-sat 09:00-18:00"))
    support_timezone: str = field(
        default_factory=lambda: _env("BOOMERANG_SUPPORT_TIMEZONE", "Europe/Paris"))
    agent_online_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_AGENT_ONLINE_SECONDS", "300")))
    # Where the backend reaches Rasa's HTTP API (agents' replies, hand-backs, transcripts),
    # with the token Rasa was started with (--auth-token). "none" leaves agents' replies
    # recorded but undelivered (a backend run alone).
    rasa_api_url: str = field(
        default_factory=lambda: _env("BOOMERANG_RASA_API_URL", "http://127.0.0.1:5005").rstrip("/"))
    rasa_auth_token: str = field(default_factory=lambda: _secret("RASA_AUTH_TOKEN"))
    # Photos an agent sends to a customer: at most this many per handoff, each served at a
    # public, signed link (Twilio fetches MMS media from the internet; the web chat shows
    # it) that stops working this long after it was sent.
    agent_photos_per_handoff: int = field(
        default_factory=lambda: int(_env("BOOMERANG_AGENT_PHOTOS_MAX", "20")))
    agent_media_ttl_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_AGENT_MEDIA_TTL", str(7 * 24 * 3600))))
    # Staff sign-in (the agent console and staff API). A session ends after this long
    # without use (idle) and, used or not, this long after sign-in (absolute).
    staff_session_idle_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_STAFF_SESSION_IDLE", str(8 * 3600))))
    staff_session_max_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_STAFF_SESSION_MAX", str(12 * 3600))))
    # Failed sign-ins: free ones per window, per email and per client address, then a
    # growing pause (base × 2^(extra failures), at most the cap), as for verification.
    staff_login_window_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_STAFF_LOGIN_WINDOW", "900")))
    staff_login_max_failures_per_email: int = field(
        default_factory=lambda: int(_env("BOOMERANG_STAFF_LOGIN_MAX_PER_EMAIL", "5")))
    staff_login_max_failures_per_client: int = field(
        default_factory=lambda: int(_env("BOOMERANG_STAFF_LOGIN_MAX_PER_CLIENT", "10")))
    staff_login_base_delay_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_STAFF_LOGIN_BASE_DELAY", "2")))
    staff_login_max_delay_seconds: int = field(
        default_factory=lambda: int(_env("BOOMERANG_STAFF_LOGIN_MAX_DELAY", "300")))
    # The demo staff accounts' password (`python -m backend setup` on the demo shop only).
    # Empty: this install's own, drawn into var/secrets.env when the accounts are made
    # (never drawn otherwise, so a production install writes no secrets file for it).
    demo_staff_password: str = field(
        default_factory=lambda: _env("BOOMERANG_DEMO_STAFF_PASSWORD", ""))
    # The measures (GET /api/v1/kpis): what handling one returned parcel costs the
    # warehouse (receiving, inspecting, putting away), in minor units, added to the label's
    # postage in "cost per return" (docs/kpis.md).
    handling_cost_minor: int = field(
        default_factory=lambda: int(_env("BOOMERANG_HANDLING_COST_MINOR", "350")))
    # The postage the built-in local carrier records for each label it issues (minor units):
    # it buys nothing, so a shop enters what its carrier charges; EasyPost records the rate it bought.
    local_postage_minor: int = field(
        default_factory=lambda: int(_env("BOOMERANG_LOCAL_POSTAGE_MINOR", "590")))
    # Where inspected goods go: the warehouse's disposition rules (YAML, checked at start-up
    # like the policy: a bad file stops the backend with file:line and the problem).
    disposition_file: Path = field(
        default_factory=lambda: Path(_env("BOOMERANG_DISPOSITION_FILE",
                                          str(DEFAULT_DISPOSITION_FILE))))
    # The location returned goods are put away at (stock rows and inventory movements).
    warehouse_location: str = field(
        default_factory=lambda: _env("BOOMERANG_WAREHOUSE_LOCATION", "main-warehouse"))
    # EasyPost's tracker webhook (POST /api/v1/carriers/easypost/webhook): the secret given
    # to the webhook in EasyPost's dashboard, which signs every call. Empty: the webhook is
    # off (it answers 404 and does nothing).
    easypost_webhook_secret: str = field(
        default_factory=lambda: _env("BOOMERANG_EASYPOST_WEBHOOK_SECRET", ""))

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS when the backend is reached over HTTPS."""
        return self.public_base_url.lower().startswith("https://")

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid or self.twilio_auth_token)


def get_settings() -> Settings:
    """Fresh settings from the current environment (tests build their own)."""
    return Settings()
