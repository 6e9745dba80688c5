"""The carrier interface every return-label provider implements.

The returns service only ever talks to :class:`Carrier`: it hands over a
:class:`LabelRequest` and gets back a :class:`LabelResult` whose ``pdf`` is always the
finished 4x6 label as bytes. Whether the label came from the built-in local carrier or a
paid API such as EasyPost is invisible to it, so the same code path works on a fresh
machine with no account anywhere and in production.

Failures are one exception type, :class:`CarrierError`, carrying ``retryable`` so the
caller can tell "try again later" (timeouts, carrier outages) from "this request will
never work" (bad address, bad API key) without knowing any provider's error codes.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """A postal address as a label needs it; ``country`` is an ISO 3166-1 alpha-2 code."""

    name: str
    line1: str
    city: str
    postcode: str
    country: str
    line2: str = ""


@dataclass(frozen=True)
class LabelRequest:
    """What is needed to ship one return back to the shop.

    ``from_address`` is the customer (where the parcel starts), ``to_address`` the shop's
    returns warehouse. ``reference`` is free text printed on the label (e.g. the order
    number) so the warehouse can match a parcel even if the RMA barcode is damaged.
    """

    rma: str
    from_address: Address
    to_address: Address
    weight_grams: int = 1000
    reference: str = ""


@dataclass(frozen=True)
class LabelResult:
    """A bought/issued label.

    ``carrier`` names who moves the parcel (``"local"``, ``"easypost:USPS"``, ...) and fits
    the 40-character ``labels.carrier`` column; ``pdf`` is the printable 4x6 label;
    ``cost_minor`` the postage paid for it.
    """

    carrier: str
    tracking_number: str
    pdf: bytes
    # What the label cost the shop (postage), in minor units of ``cost_currency`` (empty:
    # the shop's own): kept on the label row for the cost-per-return measure.
    cost_minor: int = 0
    cost_currency: str = ""


class CarrierError(Exception):
    """A label could not be created.

    The message is meant for logs and for a returns manager, so it says what went wrong
    in plain words and never contains credentials. ``retryable`` is True when the same
    request may succeed later (timeouts, connection failures, 5xx, rate limiting) and
    False when it will not without a change (rejected address, invalid API key).
    """

    def __init__(self, message: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable

    def __repr__(self) -> str:
        return f"CarrierError({self.message!r}, retryable={self.retryable})"


class Carrier(abc.ABC):
    """A provider of return labels.

    An ABC rather than a Protocol so that a half-written adapter fails at construction
    time instead of at the first customer's return.
    """

    #: Short identifier of the provider, e.g. ``"local"`` or ``"easypost"``.
    name: str

    @abc.abstractmethod
    def create_return_label(self, request: LabelRequest) -> LabelResult:
        """Issue a return label for ``request``; raise :class:`CarrierError` on failure."""
        raise NotImplementedError
