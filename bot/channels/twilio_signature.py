"""Is this webhook really from Twilio? ``X-Twilio-Signature`` checked with Twilio's validator.

Twilio signs the URL it called — exactly as configured in its console — together with
the POSTed form fields, using the account's auth token. The URL this server sees can
differ (TLS ends at a proxy, another host name), so the URL checked is, in order:

1. ``public_url`` when configured (the webhook URL as set at Twilio), with the
   request's query string added when the configured URL has none;
2. otherwise the request's own URL, whose scheme and host are taken from
   X-Forwarded-Proto / X-Forwarded-Host only when ``trust_proxy`` is set: anyone can
   send those headers, so they are believed only behind a proxy that sets them.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


def signed_url(request_url: str, headers: Mapping[str, str], *, public_url: str | None,
               trust_proxy: bool) -> str:
    """The URL Twilio signed, reconstructed for this request (see the module's docstring)."""
    seen = urlsplit(request_url)
    if public_url:
        configured = urlsplit(public_url)
        if configured.query or not seen.query:
            return public_url
        return urlunsplit(configured._replace(query=seen.query))
    scheme, host = seen.scheme, seen.netloc
    if trust_proxy:
        # A chain of proxies appends: the first value is what the client (Twilio) used.
        forwarded_proto = _first(headers.get("X-Forwarded-Proto"))
        forwarded_host = _first(headers.get("X-Forwarded-Host"))
        scheme = forwarded_proto or scheme
        host = forwarded_host or host
    return urlunsplit((scheme, host, seen.path, seen.query, ""))


def _first(value: str | None) -> str | None:
    if not value:
        return None
    return value.split(",")[0].strip() or None


def is_valid(auth_token: str, url: str, params: Mapping[str, Any], signature: str | None) -> bool:
    """True when ``signature`` is Twilio's signature of ``url`` and ``params``."""
    if not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, params, signature))
