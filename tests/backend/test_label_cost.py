"""What a label cost is recorded on its row, for the cost-per-return measure: the local
carrier's configured postage, EasyPost's rate bought (in the shop's currency only)."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from backend.adapters.carriers.base import LabelResult
from backend.adapters.carriers.easypost import rate_minor
from backend.adapters.carriers.factory import carrier_from_settings
from backend.adapters.carriers.local import LocalCarrier
from backend.db.models import Label, ReturnRequest
from backend.services.labels import label_cost_minor
from backend.settings import Settings
from tests.backend.test_carriers import REQUEST
from tests.backend.test_staff_auth import _new_return


def test_the_local_carrier_records_its_configured_postage():
    assert LocalCarrier(postage_minor=590).create_return_label(REQUEST).cost_minor == 590
    assert LocalCarrier().create_return_label(REQUEST).cost_minor == 0
    with pytest.raises(ValueError):
        LocalCarrier(postage_minor=-1)
    settings = dataclasses.replace(Settings(), easypost_api_key="", local_postage_minor=725)
    assert carrier_from_settings(settings).create_return_label(REQUEST).cost_minor == 725


@pytest.mark.parametrize("price, minor", [("5.10", 510), ("7.5", 750), ("12", 1200), ("0.005", 1),
                                          (None, 0), ("abc", 0), ("-1.00", 0), ("NaN", 0)])
def test_an_easypost_rate_in_minor_units(price, minor):
    assert rate_minor(price) == minor


def test_a_postage_in_another_currency_is_not_added_to_the_shops(ctx):
    shop = ctx.policy.currency  # EUR
    assert label_cost_minor(ctx, LabelResult("x", "1", b"", cost_minor=450, cost_currency=shop)) == 450
    assert label_cost_minor(ctx, LabelResult("x", "1", b"", cost_minor=450)) == 450  # no currency: the shop's
    assert label_cost_minor(ctx, LabelResult("x", "1", b"", cost_minor=510, cost_currency="USD")) == 0


def test_a_label_issued_through_the_api_keeps_its_postage(ctx, client):
    rma = _new_return(client)  # approved and labelled by the local carrier
    with ctx.sessions() as s:
        label = s.execute(select(Label).join(ReturnRequest).where(ReturnRequest.rma == rma)).scalar_one()
        assert label.cost_minor == ctx.settings.local_postage_minor == 590
