"""EasyPost adapter: buys a real return label through the EasyPost v2 REST API.

Plain ``requests`` rather than the EasyPost SDK keeps the dependency list short and makes
every network call visible here, with its timeout and its error mapping. The flow:

1. ``POST /shipments`` creates a *return* shipment and returns carrier rates;
2. the cheapest rate is chosen;
3. ``POST /shipments/{id}/buy`` buys it, which yields the tracking code and label URL;
4. ``GET label_url`` fetches the 4x6 PDF, so callers always receive bytes, never a URL
   that may expire.

Addresses and ``is_return``: EasyPost's documented way to make a return label is to send
the addresses *of the original outbound shipment* with ``is_return: true``; EasyPost then
swaps them. The original parcel went warehouse -> customer, so we send
``to_address = customer`` (``LabelRequest.from_address``) and
``from_address = warehouse`` (``LabelRequest.to_address``); the label printed reads
customer -> warehouse, and carriers with separate return billing bill it as a return.

Retries: only the label GET (idempotent) is retried by the HTTP layer. The two POSTs are
never retried here: retrying a buy could pay for two labels. Instead, failures surface as
:class:`CarrierError` with ``retryable`` set, and the caller decides. A buy that times out
*may* still have succeeded at EasyPost; that error is retryable and names the shipment id
so a duplicate can be refunded.

The API key is sent only as HTTP Basic auth to the API host, never to the label host
(label URLs point to a file host and are pre-signed), and never appears in logs, messages
or ``repr``.
"""
from __future__ import annotations

import logging
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping
from urllib.parse import quote, urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from backend.adapters.carriers.base import (
    Address,
    Carrier,
    CarrierError,
    LabelRequest,
    LabelResult,
)

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.easypost.com/v2"
GRAMS_PER_OUNCE = 28.349523125
MAX_LABEL_BYTES = 10 * 1024 * 1024  # a 4x6 label is tens of KB; anything huge is wrong
_CARRIER_COLUMN_WIDTH = 40  # labels.carrier is String(40)
_RETRYABLE_4XX = frozenset({408, 429})  # request timeout / rate limited: try again later


class _IdempotentOnlyRetry(Retry):
    """A urllib3 ``Retry`` that never retries a method outside ``allowed_methods``.

    Stock urllib3 retries *connection* errors for every method, POST included; we keep
    the rule simple and strict: only GET is retried at this layer.
    """

    def increment(self, method: str | None = None, url: str | None = None, *args: Any, **kwargs: Any) -> Retry:  # type: ignore[override]
        allowed = self.allowed_methods
        if method is not None and allowed is not None and method.upper() not in allowed:
            return Retry(total=0, redirect=False).increment(method, url, *args, **kwargs)
        return super().increment(method, url, *args, **kwargs)


def build_session() -> requests.Session:
    """A session whose only automatic retries are for GET (i.e. the label download)."""
    retry = _IdempotentOnlyRetry(
        total=3,
        connect=3,
        read=2,
        status=3,
        backoff_factor=0.3,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,  # let the final 5xx through so it maps to CarrierError
        respect_retry_after_header=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def grams_to_ounces(grams: int) -> float:
    """EasyPost parcel weight is in ounces; round *up* to 0.1 oz so we never under-declare."""
    return max(0.1, math.ceil(grams / GRAMS_PER_OUNCE * 10) / 10)


def _address_payload(address: Address) -> dict[str, str]:
    payload = {
        "name": address.name,
        "street1": address.line1,
        "city": address.city,
        "zip": address.postcode,
        "country": address.country.upper(),
    }
    if address.line2:
        payload["street2"] = address.line2
    return payload


def _error_message(response: requests.Response) -> str:
    """EasyPost's own explanation (``error.message`` plus field errors) or a short body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        message = str(error.get("message") or error.get("code") or "").strip()
        details = []
        for item in error.get("errors") or []:
            if isinstance(item, dict) and item.get("message"):
                field = item.get("field")
                details.append(f"{field}: {item['message']}" if field else str(item["message"]))
            elif isinstance(item, str):
                details.append(item)
        if details:
            message = f"{message} ({'; '.join(details)})" if message else "; ".join(details)
        if message:
            return message
    text = (response.text or "").strip()
    return text[:200] if text else (response.reason or "no details")


def cheapest_rate(rates: Any) -> Mapping[str, Any] | None:
    """The rate with the lowest numeric price; rates whose price does not parse are skipped.

    Prices are strings ("12.00" sorts before "5.10" as text), hence the float().
    """
    best: Mapping[str, Any] | None = None
    best_price = math.inf
    for rate in rates if isinstance(rates, list) else []:
        if not isinstance(rate, dict) or not rate.get("id"):
            continue
        try:
            price = float(rate["rate"])
        except (KeyError, TypeError, ValueError):
            continue
        if math.isfinite(price) and price < best_price:
            best, best_price = rate, price
    return best


def rate_minor(price: Any) -> int:
    """A rate's price ("12.34", a decimal string in major units) as minor units (1234),
    for the cost-per-return measure; 0 when it does not parse (the label is bought anyway)."""
    try:
        value = (Decimal(str(price)) * 100).quantize(Decimal(1), ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return 0
    return int(value) if value.is_finite() and value >= 0 else 0


class EasyPostCarrier(Carrier):
    """Buys return labels from EasyPost; used when ``EASYPOST_API_KEY`` is set."""

    name = "easypost"

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 15,
        session: requests.Session | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("EasyPost needs an API key")
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # A caller-supplied session is used as is (its own adapters and retries).
        self.session = session if session is not None else build_session()

    def __repr__(self) -> str:  # never show the key
        return f"EasyPostCarrier(base_url={self.base_url!r}, timeout={self.timeout!r})"

    # -- the Carrier interface -------------------------------------------------------

    def create_return_label(self, request: LabelRequest) -> LabelResult:
        if request.weight_grams <= 0:
            raise CarrierError(f"parcel weight must be positive, got {request.weight_grams} g")
        shipment = self._post(
            "/shipments",
            {
                "shipment": {
                    # Original outbound addresses; EasyPost swaps them for is_return.
                    "to_address": _address_payload(request.from_address),
                    "from_address": _address_payload(request.to_address),
                    "parcel": {"weight": grams_to_ounces(request.weight_grams)},
                    "is_return": True,
                    "options": {"label_format": "PDF", "label_size": "4x6"},
                    "reference": request.rma,
                }
            },
            step="create shipment",
        )
        shipment_id = shipment.get("id")
        if not isinstance(shipment_id, str) or not shipment_id:
            raise CarrierError("EasyPost create shipment returned no shipment id", retryable=True)

        rate = cheapest_rate(shipment.get("rates"))
        if rate is None:
            raise CarrierError(
                f"EasyPost returned no usable rate for shipment {shipment_id}"
                + _rate_messages(shipment),
                retryable=False,
            )
        logger.info(
            "EasyPost: buying %s %s at %s %s for %s (shipment %s)",
            rate.get("carrier"), rate.get("service"), rate.get("rate"),
            rate.get("currency", ""), request.rma, shipment_id,
        )

        bought = self._post(
            f"/shipments/{quote(shipment_id, safe='')}/buy",
            {"rate": {"id": rate["id"]}},
            step=f"buy shipment {shipment_id}",
        )
        tracking_code = bought.get("tracking_code")
        postage_label = bought.get("postage_label")
        label_url = postage_label.get("label_url") if isinstance(postage_label, dict) else None
        if not tracking_code or not isinstance(label_url, str) or not label_url:
            raise CarrierError(
                f"EasyPost bought shipment {shipment_id} but returned no tracking code or label URL",
                retryable=False,
            )

        pdf = self._download_label(label_url, shipment_id)
        selected = bought.get("selected_rate")
        carrier_name = (selected.get("carrier") if isinstance(selected, dict) else None) or rate.get("carrier") or "unknown"
        paid = selected if isinstance(selected, dict) and selected.get("rate") is not None else rate
        return LabelResult(
            carrier=f"easypost:{carrier_name}"[:_CARRIER_COLUMN_WIDTH],
            tracking_number=str(tracking_code),
            pdf=pdf,
            cost_minor=rate_minor(paid.get("rate")),
            cost_currency=str(paid.get("currency") or "").upper()[:3],
        )

    # -- HTTP ------------------------------------------------------------------------

    def _post(self, path: str, payload: Mapping[str, Any], *, step: str) -> dict[str, Any]:
        response = self._send(
            "POST", self.base_url + path, step=step, json=payload, auth=(self._api_key, "")
        )
        self._raise_for_status(response, step)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise CarrierError(f"EasyPost {step} returned an invalid response body", retryable=True)
        return body

    def _download_label(self, label_url: str, shipment_id: str) -> bytes:
        step = f"label download for shipment {shipment_id}"
        if urlparse(label_url).scheme not in ("http", "https"):
            raise CarrierError(f"EasyPost {step}: unexpected label URL scheme", retryable=False)
        # No auth: the URL is pre-signed and may be on another host than the API.
        response = self._send("GET", label_url, step=step)
        self._raise_for_status(response, step)
        content = response.content
        if len(content) > MAX_LABEL_BYTES:
            raise CarrierError(f"EasyPost {step}: label is implausibly large", retryable=False)
        if not content.lstrip().startswith(b"%PDF-"):
            content_type = response.headers.get("Content-Type", "unknown")
            raise CarrierError(
                f"EasyPost {step}: label is not a PDF (Content-Type {content_type})",
                retryable=False,
            )
        return content

    def _send(self, method: str, url: str, *, step: str, **kwargs: Any) -> requests.Response:
        """One HTTP call with a timeout, with transport failures mapped to CarrierError."""
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout as exc:
            raise CarrierError(
                f"EasyPost {step} timed out after {self.timeout:g}s", retryable=True
            ) from exc
        except requests.ConnectionError as exc:
            raise CarrierError(
                f"EasyPost {step} failed: could not connect ({type(exc).__name__})", retryable=True
            ) from exc
        except requests.RequestException as exc:
            raise CarrierError(
                f"EasyPost {step} failed: {type(exc).__name__}", retryable=False
            ) from exc

    @staticmethod
    def _raise_for_status(response: requests.Response, step: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        message = _error_message(response)
        retryable = status >= 500 or status in _RETRYABLE_4XX
        raise CarrierError(f"EasyPost {step} failed (HTTP {status}): {message}", retryable=retryable)


def _rate_messages(shipment: Mapping[str, Any]) -> str:
    """EasyPost explains missing rates in ``messages`` (one per carrier that failed)."""
    parts = []
    for item in shipment.get("messages") or []:
        if isinstance(item, dict) and item.get("message"):
            parts.append(f"{item.get('carrier') or 'carrier'}: {item['message']}")
    return (": " + "; ".join(parts)) if parts else ""
