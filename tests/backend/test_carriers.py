"""Carriers: the local default, the EasyPost adapter against a fake API, and the factory.

EasyPost is exercised over real HTTP against :mod:`tests.backend.fake_easypost`, so the
request bodies, auth header, timeouts and retry behaviour are the ones production sends.
"""
from __future__ import annotations

import base64
import re
import socket
import time
from typing import Iterator

import pypdfium2 as pdfium
import pytest

from backend.adapters.carriers import carrier_from_settings
from backend.adapters.carriers.base import Address, Carrier, CarrierError, LabelRequest, LabelResult
from backend.adapters.carriers.easypost import EasyPostCarrier, grams_to_ounces
from backend.adapters.carriers.local import LocalCarrier
from backend.settings import Settings
from tests.backend import fake_easypost
from tests.backend.fake_easypost import FakeEasyPost

CUSTOMER = Address(name="Zoé Müller", line1="12 rue de l'Église", city="Lyon", postcode="69002", country="FR")
WAREHOUSE = Address(
    name="Boomerang Returns", line1="Unit 4", line2="ZI Nord", city="Villeurbanne",
    postcode="69100", country="FR",
)
REQUEST = LabelRequest(
    rma="RMA-7K3Q9XWZ", from_address=CUSTOMER, to_address=WAREHOUSE,
    weight_grams=1000, reference="Order #10452",
)


@pytest.fixture
def fake() -> Iterator[FakeEasyPost]:
    server = FakeEasyPost().start()
    yield server
    server.stop()


def easypost(fake: FakeEasyPost, **kwargs: object) -> EasyPostCarrier:
    options: dict = {"api_key": fake_easypost.API_KEY, "base_url": fake.base_url, "timeout": 5}
    options.update(kwargs)
    return EasyPostCarrier(**options)


def raise_carrier_error(carrier: Carrier) -> CarrierError:
    with pytest.raises(CarrierError) as info:
        carrier.create_return_label(REQUEST)
    return info.value


# -- local carrier ---------------------------------------------------------------------


def test_local_carrier_issues_a_bmr_tracking_number_and_a_label_pdf() -> None:
    carrier = LocalCarrier()
    result = carrier.create_return_label(REQUEST)
    assert isinstance(carrier, Carrier) and carrier.name == "local"
    assert isinstance(result, LabelResult)
    assert result.carrier == "local"
    assert re.fullmatch(r"BMR\d{12}", result.tracking_number)
    assert result.pdf.startswith(b"%PDF-")
    text = pdfium.PdfDocument(result.pdf)[0].get_textpage().get_text_range()
    assert result.tracking_number in text
    assert REQUEST.rma in text


def test_local_tracking_numbers_are_not_repeated() -> None:
    carrier = LocalCarrier()
    numbers = {carrier.create_return_label(REQUEST).tracking_number for _ in range(20)}
    assert len(numbers) == 20


def test_local_carrier_reports_an_unprintable_rma_as_a_carrier_error() -> None:
    bad = LabelRequest(rma="RMA É", from_address=CUSTOMER, to_address=WAREHOUSE)
    with pytest.raises(CarrierError) as info:
        LocalCarrier().create_return_label(bad)
    assert info.value.retryable is False


def test_carrier_interface_cannot_be_half_implemented() -> None:
    class Incomplete(Carrier):
        name = "incomplete"

    with pytest.raises(TypeError):
        Incomplete()  # type: ignore[abstract]


# -- EasyPost: happy path --------------------------------------------------------------


def test_easypost_buys_the_cheapest_return_rate_and_returns_the_label_bytes(fake: FakeEasyPost) -> None:
    result = easypost(fake).create_return_label(REQUEST)

    assert result == LabelResult(
        carrier="easypost:USPS",
        tracking_number=fake_easypost.TRACKING_CODE,
        pdf=fake_easypost.LABEL_PDF,
        cost_minor=510,  # the USPS rate bought, 5.10, for the cost-per-return measure
        cost_currency="USD",
    )
    assert [(r.method, r.path) for r in fake.requests] == [
        ("POST", "/v2/shipments"),
        ("POST", f"/v2/shipments/{fake_easypost.SHIPMENT_ID}/buy"),
        ("GET", fake_easypost.LABEL_PATH),
    ]

    create, buy, label = fake.requests
    expected_auth = "Basic " + base64.b64encode(f"{fake_easypost.API_KEY}:".encode()).decode()
    assert create.headers["Authorization"] == expected_auth
    assert buy.headers["Authorization"] == expected_auth
    # The key goes to the API only, never to the (pre-signed) label file host.
    assert "Authorization" not in label.headers

    shipment = create.body["shipment"]
    assert shipment["is_return"] is True
    assert shipment["reference"] == "RMA-7K3Q9XWZ"
    assert shipment["options"] == {"label_format": "PDF", "label_size": "4x6"}
    assert shipment["parcel"] == {"weight": 35.3}  # 1000 g, rounded up to 0.1 oz
    # Original-shipment addresses: EasyPost swaps them because is_return is set.
    assert shipment["to_address"] == {
        "name": "Zoé Müller", "street1": "12 rue de l'Église", "city": "Lyon",
        "zip": "69002", "country": "FR",
    }
    assert shipment["from_address"] == {
        "name": "Boomerang Returns", "street1": "Unit 4", "street2": "ZI Nord",
        "city": "Villeurbanne", "zip": "69100", "country": "FR",
    }
    # 5.10 (USPS) beats 7.5 and 12.00, although "12.00" < "5.10" as text.
    assert buy.body == {"rate": {"id": "rate_usps"}}


def test_grams_to_ounces_never_under_declares() -> None:
    assert grams_to_ounces(1000) == 35.3
    assert grams_to_ounces(1) == 0.1
    assert grams_to_ounces(28) == 1.0


def test_easypost_repr_hides_the_api_key(fake: FakeEasyPost) -> None:
    assert fake_easypost.API_KEY not in repr(easypost(fake))


# -- EasyPost: errors ------------------------------------------------------------------


def test_wrong_api_key_is_a_non_retryable_error_with_easyposts_message(fake: FakeEasyPost) -> None:
    error = raise_carrier_error(easypost(fake, api_key="EZTKwrong_key_42"))
    assert error.retryable is False
    assert "401" in str(error)
    assert "The API key provided is invalid." in str(error)
    assert "EZTKwrong_key_42" not in str(error)
    assert len(fake.calls("POST", "/buy")) == 0


def test_rejected_address_is_a_non_retryable_error_with_easyposts_message(fake: FakeEasyPost) -> None:
    fake.fail["create"] = (422, {"error": {
        "code": "ADDRESS.VERIFY.FAILURE",
        "message": "Unable to verify address.",
        "errors": [{"field": "street1", "message": "Address not found"}],
    }})
    error = raise_carrier_error(easypost(fake))
    assert error.retryable is False
    assert "422" in str(error)
    assert "Unable to verify address." in str(error)
    assert "street1: Address not found" in str(error)
    assert fake_easypost.API_KEY not in str(error)


def test_server_error_on_create_is_retryable_and_the_post_is_not_repeated(fake: FakeEasyPost) -> None:
    fake.fail["create"] = (500, {"error": {"code": "INTERNAL_SERVER_ERROR", "message": "Oops", "errors": []}})
    error = raise_carrier_error(easypost(fake))
    assert error.retryable is True
    assert "500" in str(error) and "Oops" in str(error)
    assert len(fake.calls("POST", "/shipments")) == 1


def test_server_error_on_buy_is_retryable_names_the_shipment_and_is_not_repeated(fake: FakeEasyPost) -> None:
    fake.fail["buy"] = (503, b"<html>Service Unavailable</html>")
    error = raise_carrier_error(easypost(fake))
    assert error.retryable is True
    assert fake_easypost.SHIPMENT_ID in str(error)
    assert len(fake.calls("POST", "/buy")) == 1  # a repeated buy could pay twice


def test_rate_limiting_is_retryable(fake: FakeEasyPost) -> None:
    fake.fail["create"] = (429, {"error": {"code": "RATE_LIMITED", "message": "Slow down", "errors": []}})
    assert raise_carrier_error(easypost(fake)).retryable is True


def test_timeout_is_retryable_and_bounded_by_the_adapter_timeout(fake: FakeEasyPost) -> None:
    fake.delay["create"] = 3.0
    started = time.monotonic()
    error = raise_carrier_error(easypost(fake, timeout=0.3))
    elapsed = time.monotonic() - started
    assert error.retryable is True
    assert "timed out" in str(error)
    assert elapsed < 2.0  # one attempt, not the server's 3 s and no hidden POST retries
    assert len(fake.calls("POST", "/shipments")) == 1


def test_connection_refused_is_retryable() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    carrier = EasyPostCarrier(api_key="EZTKx", base_url=f"http://127.0.0.1:{port}/v2", timeout=2)
    error = raise_carrier_error(carrier)
    assert error.retryable is True


def test_label_download_is_retried_on_a_transient_error(fake: FakeEasyPost) -> None:
    fake.label_failures = 1
    result = easypost(fake).create_return_label(REQUEST)
    assert result.pdf == fake_easypost.LABEL_PDF
    assert len(fake.calls("GET", ".pdf")) == 2
    assert len(fake.calls("POST", "/buy")) == 1


def test_label_that_is_not_a_pdf_is_an_error(fake: FakeEasyPost) -> None:
    fake.label_body = b"\x89PNG\r\n\x1a\n not a pdf"
    fake.label_content_type = "image/png"
    error = raise_carrier_error(easypost(fake))
    assert error.retryable is False
    assert "not a PDF" in str(error)


def test_no_usable_rate_is_a_non_retryable_error_with_carrier_messages(fake: FakeEasyPost) -> None:
    fake.rates = []
    fake.messages = [{"carrier": "USPS", "type": "rate_error", "message": "Unsupported destination"}]
    error = raise_carrier_error(easypost(fake))
    assert error.retryable is False
    assert "USPS: Unsupported destination" in str(error)
    assert len(fake.calls("POST", "/buy")) == 0


# -- factory ---------------------------------------------------------------------------


def test_factory_picks_easypost_when_an_api_key_is_set() -> None:
    settings = Settings(
        easypost_api_key="EZTKlive123", easypost_base_url="https://example.test/v2/",
        carrier_timeout_seconds=7.5,
    )
    carrier = carrier_from_settings(settings)
    assert isinstance(carrier, EasyPostCarrier)
    assert carrier.base_url == "https://example.test/v2"
    assert carrier.timeout == 7.5


@pytest.mark.parametrize("key", ["", "   "])
def test_factory_falls_back_to_the_local_carrier_without_a_key(key: str) -> None:
    carrier = carrier_from_settings(Settings(easypost_api_key=key))
    assert isinstance(carrier, LocalCarrier)
    assert carrier.name == "local"
