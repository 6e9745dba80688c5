"""The outbound channel the settings ask for: Rasa's API, or a recorder when it is off."""
from __future__ import annotations

from backend.adapters.conversations.base import CustomerChannel
from backend.adapters.conversations.rasa import RasaChannel
from backend.adapters.conversations.recording import RecordingChannel
from backend.settings import Settings


def channel_from_settings(settings: Settings) -> CustomerChannel:
    if settings.rasa_api_url.lower() == "none":
        return RecordingChannel()
    return RasaChannel(settings.rasa_api_url, settings.rasa_auth_token)
