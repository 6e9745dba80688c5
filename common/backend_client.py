"""The only HTTP client to the returns backend, for the action server and the channels.

The actions and the Rasa channels (SMS photos and opt-outs) talk to the backend through
:class:`BackendClient`; it needs no Rasa, so both import it from here rather than one
reaching into the other. It owns the timeouts, the service token, which calls may be
retried (reads, and creates that carry an idempotency key), and the translation of any
failure into :class:`BackendError` with its text in every language (the backend's own
wording when it gave one) that an action can say as it is.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from common import install_secrets
from common.languages import DEFAULT_LANGUAGE, Localized, pick, text_from_error

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://localhost:8000"

# What the assistant says when the backend cannot answer (nothing was done). The domain's
# utter_backend_down says the same with a "talk to a person" button;
# tests/bot/test_domain_words.py keeps the two identical.
BACKEND_DOWN: Localized = {
    "en": "Sorry, I can't reach our returns system right now. Nothing has been created. "
          "Please try again in a few minutes, or I can pass you to a person.",
    "fr": "Désolé, je n'arrive pas à joindre notre système de retours pour le moment. Rien "
          "n'a été créé. Réessayez dans quelques minutes, ou je vous passe un conseiller.",
}
# A refusal the backend did not word itself (a 4xx without the API's error body).
REQUEST_REFUSED: Localized = {
    "en": "Sorry, something in that request was not accepted.",
    "fr": "Désolé, un élément de cette demande n'a pas été accepté.",
}


@dataclass
class BackendError(Exception):
    """A backend answer that is not a success, or no answer at all."""

    status: int  # HTTP status; 0 when the backend could not be reached
    code: str
    text: Localized  # what to tell the customer, in every language

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message(DEFAULT_LANGUAGE)}"

    @property
    def unavailable(self) -> bool:
        return self.status == 0 or self.status >= 500

    @property
    def verification_lost(self) -> bool:
        """The conversation is not (or no longer) verified in the backend: ask again."""
        return self.status == 401 and self.code == "conversation_not_verified"

    def message(self, language: str) -> str:
        return pick(self.text, language)


def _unavailable(code: str = "backend_unavailable") -> BackendError:
    return BackendError(0, code, BACKEND_DOWN)


class BackendClient:
    """Typed calls to the returns backend (see the backend's OpenAPI at /docs)."""

    def __init__(self, base_url: str, service_token: str, *,
                 connect_timeout: float = 3.05, read_timeout: float = 15.0, retries: int = 2,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.session = session or requests.Session()
        # Reads retry on connection errors and 502/503/504; POSTs never retry here:
        # only create_return retries by hand, because its idempotency key makes it safe.
        retry = Retry(total=retries, connect=retries, read=retries, status=retries,
                      backoff_factor=0.2, status_forcelist=(502, 503, 504),
                      allowed_methods=frozenset({"GET"}), raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"Authorization": f"Bearer {service_token}",
                                     "User-Agent": "boomerang-actions/0.1"})

    # --- plumbing ----------------------------------------------------------------------

    def _request(self, method: str, path: str, *, conversation_id: str | None = None,
                 headers: Mapping[str, str] | None = None, **kwargs: Any) -> dict:
        all_headers = dict(headers or {})
        if conversation_id:
            # The backend knows whether this conversation was verified, and as whom.
            all_headers["X-Conversation-Id"] = conversation_id
        try:
            response = self.session.request(method, f"{self.base_url}{path}", headers=all_headers,
                                            timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            log.warning("backend %s %s failed: %s", method, path, exc)
            raise _unavailable() from exc
        if response.status_code >= 400:
            raise self._error(response)
        try:
            return response.json()
        except ValueError:
            raise _unavailable("backend_bad_response") from None

    @staticmethod
    def _error(response: requests.Response) -> BackendError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and "message" in error:
            return BackendError(response.status_code, str(error.get("code", "error")),
                                text_from_error(error))
        if response.status_code >= 500:
            return BackendError(response.status_code, "backend_unavailable", BACKEND_DOWN)
        return BackendError(response.status_code, "invalid_request", REQUEST_REFUSED)

    # --- calls -------------------------------------------------------------------------

    def verify(self, reference: str, contact: str, *, client_key: str, conversation_id: str) -> dict:
        """Prove the customer for ``conversation_id``; the proof stays in the backend.

        ``client_key`` is the real client the channel saw (browser address, SMS number):
        failures are throttled per client, order and contact.
        """
        return self._request("POST", "/api/v1/verify",
                             json={"reference": reference, "contact": contact,
                                   "conversation_id": conversation_id},
                             headers={"X-Client-Key": client_key})

    def returnable_lines(self, conversation_id: str, order_number: str, language: str = "en") -> dict:
        return self._request("GET", f"/api/v1/orders/{quote(order_number, safe='')}/returnable-lines",
                             conversation_id=conversation_id, params={"language": language})

    def order_returns(self, conversation_id: str, order_number: str) -> dict:
        return self._request("GET", f"/api/v1/orders/{quote(order_number, safe='')}/returns",
                             conversation_id=conversation_id)

    def get_return(self, conversation_id: str, rma: str) -> dict:
        return self._request("GET", f"/api/v1/returns/{quote(rma, safe='')}", conversation_id=conversation_id)

    def cancel_return(self, conversation_id: str, rma: str) -> dict:
        return self._request("POST", f"/api/v1/returns/{quote(rma, safe='')}/cancel",
                             conversation_id=conversation_id)

    def create_return(self, conversation_id: str, payload: dict, *, idempotency_key: str) -> dict:
        """Create a return; retried on failure, safely, because the key makes it idempotent.

        The conversation also lets the return use photos uploaded in it before the
        customer was verified.
        """
        payload = {**payload, "conversation_id": conversation_id}
        last: BackendError | None = None
        for attempt in range(self.retries + 1):
            try:
                return self._request("POST", "/api/v1/returns", conversation_id=conversation_id, json=payload,
                                     headers={"Idempotency-Key": idempotency_key})
            except BackendError as exc:
                if not exc.unavailable:
                    raise
                last = exc
                time.sleep(0.2 * (attempt + 1))
        assert last is not None
        raise last

    def attach_uploaded_photos(self, conversation_id: str, rma: str, photo_ids: list[str]) -> dict:
        """Add photos the chat already uploaded to an existing return (one held for lack of a
        photo is decided again). Answers ``{photos, return}``. Never retried: the photos are
        claimed by the first call, so a blind retry would be refused."""
        return self._request("POST", f"/api/v1/returns/{quote(rma, safe='')}/uploaded-photos",
                             conversation_id=conversation_id,
                             json={"photo_ids": list(photo_ids), "conversation_id": conversation_id})

    def policy_faq(self, language: str) -> dict:
        return self._request("GET", "/api/v1/policy/faq", params={"language": language})

    def create_handoff(self, *, conversation_id: str, channel: str, language: str, reason: str,
                       summary: str | None = None) -> dict:
        """The backend links the customer when this conversation was verified."""
        return self._request("POST", "/api/v1/handoffs",
                             json={"conversation_id": conversation_id, "channel": channel,
                                   "language": language, "reason": reason, "summary": summary})

    def relay_customer_message(self, conversation_id: str, *, text: str | None, intent: str | None,
                               confidence: float | None, photo_ids: list[str] | None,
                               channel: str) -> dict:
        """A customer's message written while a person owns the conversation (the bot is
        paused): the backend adds it to the open handoff. Answers ``{handoff_id, status}``;
        404 ``no_open_handoff`` when there is none. Never retried: a retry could post the
        message twice."""
        return self._request("POST", f"/api/v1/conversations/{quote(conversation_id, safe='')}/messages",
                             json={"text": text, "intent": intent, "confidence": confidence,
                                   "photo_ids": list(photo_ids or []), "channel": channel})

    def record_csat(self, conversation_id: str, score: int | None) -> dict:
        """The customer's satisfaction score (1 to 5) after an agent closed the
        conversation; ``None`` when they skipped the question."""
        return self._request("POST", f"/api/v1/conversations/{quote(conversation_id, safe='')}/csat",
                             json={"score": score})

    def handoff_status(self, conversation_id: str) -> dict:
        """The conversation's open handoff: ``{status, agent_name, wait_minutes, open_now}``
        (404 when there is none). A read, so retried like every GET."""
        return self._request("GET", f"/api/v1/conversations/{quote(conversation_id, safe='')}/handoff")


    def chat_upload_token(self, conversation_id: str | None) -> dict:
        """An upload token for a conversation (sent with the service token: any id allowed)."""
        return self._request("POST", "/api/v1/chat/upload-token", json={"conversation_id": conversation_id})

    def upload_chat_photo(self, upload_token: str, data: bytes, content_type: str,
                          filename: str = "photo") -> dict:
        """Upload one photo into the token's conversation; the answer carries its ``photo_id``."""
        return self._request("POST", "/api/v1/chat/photos",
                             headers={"Authorization": f"Bearer {upload_token}"},
                             files={"file": (filename, data, content_type)})

    def set_sms_opt_out(self, phone: str, opted_out: bool) -> None:
        """Record (STOP) or clear (START) an SMS opt-out for a number in E.164."""
        self._request("PUT" if opted_out else "DELETE", _opt_out_path(phone))

    def sms_opted_out(self, phone: str) -> bool:
        """Has this number (E.164) opted out of SMS? A read, so retried like every GET."""
        opted_out = self._request("GET", _opt_out_path(phone)).get("opted_out")
        if not isinstance(opted_out, bool):
            raise _unavailable("backend_bad_response")
        return opted_out


def _opt_out_path(phone: str) -> str:
    return f"/api/v1/sms/opt-outs/{quote(phone, safe='')}"


_default: BackendClient | None = None


def get_client() -> BackendClient:
    """One client per process (action server or Rasa), configured from the environment."""
    global _default
    if _default is None:
        _default = BackendClient(
            os.environ.get("BOOMERANG_BACKEND_URL", DEFAULT_BASE_URL),
            install_secrets.get("BOOMERANG_SERVICE_TOKEN"),
            read_timeout=float(os.environ.get("BOOMERANG_BACKEND_TIMEOUT", "15")),
        )
    return _default


def set_client(client: BackendClient | None) -> None:
    """Tests point the actions at an in-process backend."""
    global _default
    _default = client
