"""The proactive messages' texts (SMS, web chat, email), in every language.

Short on purpose (an SMS is 160 characters of GSM text; a link takes many of them):
what happened, the RMA to quote, the one link that matters, how to stop the messages.
"""
from __future__ import annotations

from common.formatting import format_money
from common.languages import Localized, supported

KINDS = ("label_issued", "parcel_received", "refund_issued", "refund_sent")

_TEXTS: dict[str, Localized] = {
    "label_issued": {
        "en": "{shop}: return {rma} approved. Your prepaid label: {label_url}",
        "fr": "{shop} : retour {rma} accepté. Votre étiquette prépayée : {label_url}",
    },
    "parcel_received": {
        "en": "{shop}: we have received your parcel for return {rma}. We will check it and keep you posted.",
        "fr": "{shop} : nous avons bien reçu votre colis pour le retour {rma}. Nous le vérifions et "
              "vous tenons informé(e).",
    },
    "refund_issued": {
        "en": "{shop}: your refund of {amount} for return {rma} has been issued. "
              "Allow 3-5 business days for it to appear.",
        "fr": "{shop} : votre remboursement de {amount} pour le retour {rma} a été effectué. "
              "Comptez 3 à 5 jours ouvrés pour le voir apparaître.",
    },
    "store_credit_issued": {
        "en": "{shop}: store credit of {amount} for return {rma} has been added to your account.",
        "fr": "{shop} : un avoir de {amount} pour le retour {rma} a été ajouté à votre compte.",
    },
    # A refund sent before inspection (policy refunds.issue_at: carrier_scan or receipt).
    "refund_sent": {
        "en": "{shop}: your parcel for return {rma} is on its way back, so we have already sent your "
              "refund of {amount}. Allow 3-5 business days for it to appear.",
        "fr": "{shop} : votre colis pour le retour {rma} est en route, nous vous avons donc déjà "
              "remboursé {amount}. Comptez 3 à 5 jours ouvrés pour le voir apparaître.",
    },
    "refund_sent_on_receipt": {
        "en": "{shop}: we have received your parcel for return {rma} and sent your refund of "
              "{amount}. Allow 3-5 business days for it to appear.",
        "fr": "{shop} : nous avons reçu votre colis pour le retour {rma} et vous avons remboursé "
              "{amount}. Comptez 3 à 5 jours ouvrés pour le voir apparaître.",
    },
}
# Said after a refund message when the warehouse took money off (backend.services.refunds
# line_refund): how much, and why, in the customer's language.
_REDUCED: Localized = {
    "en": " It was reduced by {amount}: {why}.",
    "fr": " Il a été réduit de {amount} : {why}.",
}
REDUCTION_REASONS: dict[str, Localized] = {
    "missing_items": {"en": "items missing from the parcel", "fr": "articles manquants dans le colis"},
    "missing_parts": {"en": "parts missing", "fr": "pièces manquantes"},
    "undeclared_damage": {"en": "damage not declared with the return",
                          "fr": "dommage non déclaré avec le retour"},
    "handling_beyond_trial": {"en": "used beyond trying it on",
                              "fr": "utilisé au-delà d'un simple essai"},
}
_STOP: Localized = {"en": " Reply STOP to opt out.", "fr": " Répondez STOP pour ne plus recevoir de SMS."}


def notification_text(kind: str, language: str, *, shop: str, rma: str, label_url: str | None = None,
                      amount_minor: int | None = None, currency: str | None = None,
                      store_credit: bool = False, reduction_minor: int = 0,
                      reduction_reasons: tuple[str, ...] = (), on_receipt: bool = False,
                      channel: str = "sms") -> str:
    """The message for ``kind`` in ``language`` (a language we do not speak gets English).

    ``channel`` (domain.notification_channel): only an SMS says how to stop SMS; the web
    chat and email get the same words without it.

    ``refund_sent`` is a refund paid before inspection: ``on_receipt`` when the warehouse's
    receipt released it, else the carrier's scan. A reduction (``reduction_minor`` with its
    reason codes) is said after either refund message.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    lang = supported(language)
    key = "store_credit_issued" if kind in ("refund_issued", "refund_sent") and store_credit else kind
    if key == "refund_sent" and on_receipt:
        key = "refund_sent_on_receipt"
    amount = format_money(amount_minor, currency, lang) if amount_minor is not None and currency else ""
    text = _TEXTS[key][lang].format(shop=shop, rma=rma, label_url=label_url or "", amount=amount)
    if kind in ("refund_issued", "refund_sent") and reduction_minor > 0 and currency:
        why = ", ".join(REDUCTION_REASONS[r][lang] if r in REDUCTION_REASONS else r
                        for r in reduction_reasons) or REDUCTION_REASONS["undeclared_damage"][lang]
        text += _REDUCED[lang].format(amount=format_money(reduction_minor, currency, lang), why=why)
    return text + _STOP[lang] if channel == "sms" else text


# The subject of the email that carries a message (customers with no phone, or who said
# STOP to SMS: domain.notification_channel).
_SUBJECTS: dict[str, Localized] = {
    "label_issued": {"en": "{shop}: your return {rma} is approved, here is your label",
                     "fr": "{shop} : votre retour {rma} est accepté, voici votre étiquette"},
    "parcel_received": {"en": "{shop}: we have received your parcel for return {rma}",
                        "fr": "{shop} : nous avons reçu votre colis pour le retour {rma}"},
    "refund_issued": {"en": "{shop}: your refund for return {rma}",
                      "fr": "{shop} : votre remboursement pour le retour {rma}"},
}


def notification_subject(kind: str, language: str, *, shop: str, rma: str) -> str:
    """The email subject for a message of ``kind`` (``refund_sent`` is stored as a refund)."""
    key = "refund_issued" if kind == "refund_sent" else kind
    if key not in _SUBJECTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    return _SUBJECTS[key][supported(language)].format(shop=shop, rma=rma)
