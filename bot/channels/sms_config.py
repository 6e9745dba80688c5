"""Settings of the Twilio SMS channel, from credentials.yml and the environment.

Secrets come from the environment (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN), because Rasa
refuses to start when credentials.yml names a ``${VAR}`` that is unset: the channel
reads the variables itself, so a machine without Twilio still runs everything else
and the webhook answers 503 saying what is missing. A non-empty value in
credentials.yml wins over the environment.

| credentials.yml key   | environment variable         | meaning                                  |
|-----------------------|------------------------------|------------------------------------------|
| account_sid           | TWILIO_ACCOUNT_SID           | the Twilio account (AC…)                 |
| auth_token            | TWILIO_AUTH_TOKEN            | signs webhooks, authenticates API + media|
| from_number           | TWILIO_FROM_NUMBER           | the number replies are sent from (E.164) |
| public_url            | TWILIO_WEBHOOK_URL           | the webhook URL exactly as set at Twilio |
| trust_proxy           | TWILIO_TRUST_PROXY           | honour X-Forwarded-Proto/Host (true/false)|
| api_base_url          | TWILIO_API_BASE_URL          | another REST API base (a fake, in tests) |
| max_media_bytes       | TWILIO_MAX_MEDIA_BYTES       | largest photo downloaded (10 MB)         |
| message_sid_ttl       | TWILIO_MESSAGE_SID_TTL       | seconds a handled MessageSid is remembered|
| opt_out_ttl           | TWILIO_OPT_OUT_TTL           | seconds a backend opt-out answer is reused|
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024
DEFAULT_MESSAGE_SID_TTL = 24 * 3600.0
DEFAULT_OPT_OUT_TTL = 300.0

_KEYS = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "from_number": "TWILIO_FROM_NUMBER",
    "public_url": "TWILIO_WEBHOOK_URL",
    "trust_proxy": "TWILIO_TRUST_PROXY",
    "api_base_url": "TWILIO_API_BASE_URL",
    "max_media_bytes": "TWILIO_MAX_MEDIA_BYTES",
    "message_sid_ttl": "TWILIO_MESSAGE_SID_TTL",
    "opt_out_ttl": "TWILIO_OPT_OUT_TTL",
}


class SettingsError(ValueError):
    """A setting that is present but unusable (not a number, say): Rasa should not start."""


@dataclass(frozen=True)
class SmsSettings:
    account_sid: str | None = None
    auth_token: str | None = None
    from_number: str | None = None
    public_url: str | None = None
    trust_proxy: bool = False
    api_base_url: str | None = None
    max_media_bytes: int = DEFAULT_MAX_MEDIA_BYTES
    message_sid_ttl: float = DEFAULT_MESSAGE_SID_TTL
    opt_out_ttl: float = DEFAULT_OPT_OUT_TTL

    def missing(self) -> list[str]:
        """The environment variables still needed before the webhook can work."""
        return [_KEYS[name] for name in ("account_sid", "auth_token", "from_number")
                if not getattr(self, name)]

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None,
             environ: Mapping[str, str] | None = None) -> "SmsSettings":
        credentials = credentials or {}
        environ = os.environ if environ is None else environ
        raw: dict[str, str | None] = {}
        for name, variable in _KEYS.items():
            value = credentials.get(name)
            if value is None or str(value).strip() == "":
                value = environ.get(variable)
            raw[name] = str(value).strip() if value is not None and str(value).strip() else None
        return cls(
            account_sid=raw["account_sid"], auth_token=raw["auth_token"], from_number=raw["from_number"],
            public_url=raw["public_url"], api_base_url=(raw["api_base_url"] or "").rstrip("/") or None,
            trust_proxy=_flag(raw["trust_proxy"], "trust_proxy"),
            max_media_bytes=int(_number(raw["max_media_bytes"], DEFAULT_MAX_MEDIA_BYTES, "max_media_bytes")),
            message_sid_ttl=_number(raw["message_sid_ttl"], DEFAULT_MESSAGE_SID_TTL, "message_sid_ttl"),
            opt_out_ttl=_number(raw["opt_out_ttl"], DEFAULT_OPT_OUT_TTL, "opt_out_ttl"),
        )


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def _number(value: str | None, default: float, name: str) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {value!r}") from None
    if number <= 0:
        raise SettingsError(f"{name} must be positive, not {value!r}")
    return number
