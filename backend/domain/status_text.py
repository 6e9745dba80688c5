"""Plain-language words for each return status, in English and French.

The timeline a customer reads ("Parcel received at our warehouse") is built from these,
so the chat, SMS notifications and the status page all say the same thing.
"""
from __future__ import annotations

from backend.domain.lifecycle import ReturnStatus as S

STATUS_TEXT: dict[S, dict[str, str]] = {
    S.REQUESTED: {"en": "Return requested", "fr": "Retour demandé"},
    S.APPROVED: {"en": "Return approved", "fr": "Retour accepté"},
    S.NEEDS_REVIEW: {"en": "Being reviewed by our team",
                     "fr": "En cours d'examen par notre équipe"},
    S.REJECTED: {"en": "Return declined", "fr": "Retour refusé"},
    S.LABEL_ISSUED: {"en": "Return label issued", "fr": "Étiquette de retour émise"},
    S.IN_TRANSIT: {"en": "Parcel on its way to us", "fr": "Colis en route vers nous"},
    S.RECEIVED: {"en": "Parcel received at our warehouse",
                 "fr": "Colis reçu dans notre entrepôt"},
    S.INSPECTED: {"en": "Items inspected", "fr": "Articles contrôlés"},
    S.REFUNDED: {"en": "Refund issued", "fr": "Remboursement effectué"},
    S.EXCHANGED: {"en": "Exchange sent", "fr": "Échange expédié"},
    S.CREDITED: {"en": "Store credit issued", "fr": "Avoir émis"},
    S.CLOSED: {"en": "Return closed", "fr": "Retour clôturé"},
    S.CANCELLED: {"en": "Return cancelled", "fr": "Retour annulé"},
    S.EXPIRED: {"en": "Return expired (label not used in time)",
                "fr": "Retour expiré (étiquette non utilisée à temps)"},
}


def status_text(status: str, language: str) -> str:
    lang = language if language in ("en", "fr") else "en"
    return STATUS_TEXT[S(status)][lang]
