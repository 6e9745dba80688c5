"""The project's credentials.yml, read by Rasa itself: the SMS channel loads without Twilio set."""
from __future__ import annotations

from pathlib import Path

from rasa.core.run import create_http_input_channels

from bot.channels.twilio_sms import TwilioSmsInput

ROOT = Path(__file__).resolve().parents[2]
TWILIO_VARIABLES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "TWILIO_WEBHOOK_URL",
                    "TWILIO_API_BASE_URL", "TWILIO_TRUST_PROXY")


def test_rasa_builds_the_sms_channel_from_credentials_yml_with_no_twilio_variables(monkeypatch):
    for variable in TWILIO_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    channels = create_http_input_channels(None, str(ROOT / "credentials.yml"))
    [sms] = [c for c in channels if isinstance(c, TwilioSmsInput)]
    assert sms.url_prefix() == "twilio_sms"
    assert sms.settings.missing() == ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"]
    assert sms.settings.trust_proxy is False
