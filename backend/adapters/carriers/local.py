"""The built-in carrier: no account, no network, labels rendered locally.

It exists so that a shop can run Boomerang end to end on a fresh machine, and so that a
shop whose parcels go by a carrier without an API (or by a courier it books by hand) can
still hand customers a printable label with a scannable RMA. The tracking number is a
Boomerang reference, not a postal one.
"""
from __future__ import annotations

import secrets

from backend.adapters.carriers.base import Carrier, CarrierError, LabelRequest, LabelResult
from backend.documents import label_pdf

TRACKING_PREFIX = "BMR"
TRACKING_DIGITS = 12


def new_tracking_number() -> str:
    """``BMR`` + 12 random digits from :mod:`secrets`.

    Unpredictable (not a counter), so a tracking number seen on one parcel gives no hint
    of another customer's; 10^12 values make collisions negligible for any one shop.
    """
    return TRACKING_PREFIX + f"{secrets.randbelow(10 ** TRACKING_DIGITS):0{TRACKING_DIGITS}d}"


class LocalCarrier(Carrier):
    """Issues labels by rendering them with :func:`label_pdf.render_return_label`."""

    name = "local"

    def __init__(self, *, instructions: str | None = None, postage_minor: int = 0) -> None:
        # ``None`` keeps the default bilingual drop-off line printed on the label.
        self.instructions = instructions
        # It buys nothing: the postage the shop's carrier charges is a setting
        # (BOOMERANG_LOCAL_POSTAGE_MINOR), recorded on every label for the measures.
        if postage_minor < 0:
            raise ValueError("postage cannot be negative")
        self.postage_minor = postage_minor

    def create_return_label(self, request: LabelRequest) -> LabelResult:
        tracking_number = new_tracking_number()
        try:
            pdf = label_pdf.render_return_label(
                rma=request.rma,
                from_address=request.from_address,
                to_address=request.to_address,
                carrier=self.name,
                tracking_number=tracking_number,
                reference=request.reference,
                instructions=self.instructions,
            )
        except ValueError as exc:  # e.g. an RMA Code 128 cannot carry: retrying won't help
            raise CarrierError(f"cannot render the label: {exc}", retryable=False) from exc
        return LabelResult(carrier=self.name, tracking_number=tracking_number, pdf=pdf,
                           cost_minor=self.postage_minor)

    def __repr__(self) -> str:
        return "LocalCarrier()"
