"""What a customer (or the assistant speaking for them) is told about a return.

Builds the plain-language timeline, the next step and the expected refund date from the
stored return, in both languages, so every channel words it the same way.
"""
from __future__ import annotations

import datetime as dt

from backend.context import BackendContext
from backend.db.models import ReturnRequest
from backend.domain.lifecycle import ReturnStatus as S
from backend.domain.policy_text import format_date, format_money
from backend.domain.status_text import status_text
from backend.queries.labels import label_url
from backend.queries.returns import item_name

LANGS = ("en", "fr")


def _both(fn) -> dict[str, str]:
    return {lang: fn(lang) for lang in LANGS}


def _reached(ret: ReturnRequest, status: S) -> dt.datetime | None:
    for change in ret.history:
        if change.to_status == status.value:
            return change.created_at
    return None


def expected_refund_by(ctx: BackendContext, ret: ReturnRequest) -> dt.date | None:
    """When the money should show up: counted from receipt (or issue), per the policy."""
    days = dt.timedelta(days=ctx.policy.refund_days_max)
    issued = [r.issued_at for r in ret.refunds if r.status == "issued" and r.issued_at]
    if issued:
        return max(issued).date() + days
    if ret.refund_amount_minor <= 0 or ret.status in (S.CANCELLED.value, S.EXPIRED.value,
                                                      S.REJECTED.value, S.CLOSED.value):
        return None
    received = _reached(ret, S.RECEIVED)
    if received:
        return received.date() + days
    return None


def next_step(ctx: BackendContext, ret: ReturnRequest) -> dict[str, str]:
    status = S(ret.status)
    money = lambda lang: format_money(ret.refund_amount_minor, ret.currency, lang)  # noqa: E731
    days = ctx.policy.refund_days_max
    label = ret.labels[-1] if ret.labels else None
    if status is S.NEEDS_REVIEW and "photo_required" in (ret.decision_reasons or []):
        return {"en": "Please send a photo of the problem; we'll continue as soon as we have it.",
                "fr": "Envoyez-nous une photo du problème ; nous continuerons dès réception."}
    if status is S.NEEDS_REVIEW:
        return {"en": "Our team is reviewing your return and will get back to you within 2 business days.",
                "fr": "Notre équipe examine votre retour et vous répondra sous 2 jours ouvrés."}
    if status is S.APPROVED and ret.returnless:
        return {"en": "No need to send the item back: your refund is being issued.",
                "fr": "Inutile de renvoyer l'article : votre remboursement est en cours."}
    if status is S.APPROVED:
        return {"en": "Your return label is being prepared; you can ask for it again in a few minutes.",
                "fr": "Votre étiquette de retour est en préparation ; redemandez-la dans quelques minutes."}
    if status is S.LABEL_ISSUED and label:
        until = label.expires_at.date()
        return _both(lambda lang: {
            "en": f"Print the label, pack the item and drop the parcel at any post office before "
                  f"{format_date(until, lang)}.",
            "fr": f"Imprimez l'étiquette, emballez l'article et déposez le colis dans un bureau de "
                  f"poste avant le {format_date(until, lang)}.",
        }[lang])
    if status in (S.IN_TRANSIT, S.RECEIVED, S.INSPECTED):
        return {"en": f"We refund within {days} days of receiving your parcel.",
                "fr": f"Nous remboursons sous {days} jours après réception de votre colis."}
    if status is S.REFUNDED:
        return _both(lambda lang: {
            "en": f"Your refund of {money(lang)} has been issued; allow up to {days} days for it to "
                  "appear on your statement.",
            "fr": f"Votre remboursement de {money(lang)} a été effectué ; comptez jusqu'à {days} jours "
                  "pour le voir sur votre relevé.",
        }[lang])
    if status is S.CREDITED:
        return _both(lambda lang: {
            "en": f"Store credit of {money(lang)} is available on your account.",
            "fr": f"Un avoir de {money(lang)} est disponible sur votre compte.",
        }[lang])
    if status is S.EXCHANGED:
        return {"en": "Your replacement is on its way.", "fr": "Votre article d'échange est en route."}
    if status is S.REJECTED:
        return {"en": ret.explanation_en, "fr": ret.explanation_fr}
    if status is S.EXPIRED:
        return {"en": "The label was not used in time. Start a new return if you still want to send it back.",
                "fr": "L'étiquette n'a pas été utilisée à temps. Faites une nouvelle demande si vous "
                      "souhaitez toujours retourner l'article."}
    return {"en": status_text(status.value, "en") + ".", "fr": status_text(status.value, "fr") + "."}


def return_view(ctx: BackendContext, ret: ReturnRequest, follow_up_error: dict | None = None) -> dict:
    label = ret.labels[-1] if ret.labels else None
    return {
        "rma": ret.rma,
        "status": ret.status,
        "status_text": _both(lambda lang: status_text(ret.status, lang)),
        "order_number": ret.order.number,
        "language": ret.language,
        "channel": ret.channel,
        "created_at": ret.created_at,
        "decision": {
            "reason_codes": list(ret.decision_reasons or []),
            "explanation": {"en": ret.explanation_en, "fr": ret.explanation_fr},
            "policy_version": ret.policy_version,
            "returnless": ret.returnless,
        },
        "money": {"currency": ret.currency, "restocking_fee_minor": ret.restocking_fee_minor,
                  "shipping_fee_minor": ret.shipping_fee_minor,
                  "refund_amount_minor": ret.refund_amount_minor},
        "lines": [{
            "id": l.id, "order_line_id": l.order_line_id, "sku": l.order_line.variant.sku,
            "name": _both(lambda lang, line=l: item_name(line.order_line, lang)),
            "quantity": l.quantity, "reason_code": l.reason_code, "reason_text": l.reason_text,
            "resolution": l.resolution,
            "exchange_sku": l.exchange_variant.sku if l.exchange_variant else None,
            "eligible": l.eligible, "reason_codes": list(l.decision_reasons or []),
            "restocking_fee_minor": l.restocking_fee_minor, "refund_amount_minor": l.refund_amount_minor,
            "photo_count": len(l.photos), "grade": l.grade, "disposition": l.disposition,
        } for l in ret.lines],
        "label": None if label is None else {
            "url": label_url(ctx, label), "carrier": label.carrier,
            "tracking_number": label.tracking_number, "expires_at": label.expires_at},
        "refunds": [{"id": r.id, "amount_minor": r.amount_minor, "currency": r.currency,
                     "method": r.method, "status": r.status, "issued_at": r.issued_at}
                    for r in ret.refunds],
        "expected_refund_by": expected_refund_by(ctx, ret),
        "next_step": next_step(ctx, ret),
        "timeline": [{"status": h.to_status, "text": _both(lambda lang, s=h.to_status: status_text(s, lang)),
                      "at": h.created_at} for h in ret.history],
        "follow_up_error": follow_up_error,
    }
