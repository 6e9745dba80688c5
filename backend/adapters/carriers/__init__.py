"""Return-label carriers.

Callers depend only on :mod:`.base` (the :class:`Carrier` interface and its data classes)
and get a concrete carrier from :func:`carrier_from_settings`, so switching between the
built-in local carrier and EasyPost is a configuration change, not a code change.
"""
from backend.adapters.carriers.base import (
    Address,
    Carrier,
    CarrierError,
    LabelRequest,
    LabelResult,
)
from backend.adapters.carriers.factory import carrier_from_settings

__all__ = [
    "Address",
    "Carrier",
    "CarrierError",
    "LabelRequest",
    "LabelResult",
    "carrier_from_settings",
]
