"""Choose the carrier from settings.

One place decides, so the rest of the backend never checks for an API key itself: with
``EASYPOST_API_KEY`` set, labels are bought from EasyPost; without it the built-in local
carrier works out of the box.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from backend.adapters.carriers.base import Carrier
from backend.adapters.carriers.easypost import EasyPostCarrier
from backend.adapters.carriers.local import LocalCarrier

if TYPE_CHECKING:
    from backend.settings import Settings


def carrier_from_settings(settings: Settings) -> Carrier:
    """EasyPost when ``settings.easypost_api_key`` is set (non-blank), else local."""
    api_key = (settings.easypost_api_key or "").strip()
    if api_key:
        return EasyPostCarrier(
            api_key=api_key,
            base_url=settings.easypost_base_url,
            timeout=settings.carrier_timeout_seconds,
        )
    return LocalCarrier(postage_minor=settings.local_postage_minor)
