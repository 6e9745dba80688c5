"""The status form: only the verification questions; the answer comes after."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.base import BoomerangFormValidation


class ValidateStatusForm(BoomerangFormValidation):
    def name(self) -> str:
        return "validate_status_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict) -> list[str]:
        if tracker.get_slot("flow_aborted"):
            return []
        return self.verification_slots(tracker)
