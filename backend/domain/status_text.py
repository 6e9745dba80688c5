"""Plain-language words for each return status, and the customer's next step, per language.

The timeline a customer reads ("Parcel received at our warehouse") is built from these,
so the chat, SMS notifications and the status page all say the same thing. The next step
(``NEXT_STEPS``) is what the customer should do or expect now; ``backend.queries.return_view``
picks the one that fits the stored return and fills in its date, amount or days.
"""
from __future__ import annotations

from backend.domain.lifecycle import ReturnStatus as S
from common.languages import Localized, fill, supported

STATUS_TEXT: dict[S, Localized] = {
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

# ``{date}`` is a formatted date, ``{amount}`` a formatted amount, ``{days}`` a number.
NEXT_STEPS: dict[str, Localized] = {
    # The assistant's "no photo" answer (domain/returns.yml, utter_photos_skipped) says the same.
    "send_photo": {"en": "Please send a photo of the problem (you can send it in this chat): the return "
                         "stays in review until we have one or our team checks it by hand.",
                   "fr": "Envoyez-nous une photo du problème (vous pouvez l'envoyer dans cette "
                         "discussion) : le retour reste en attente de vérification jusqu'à réception "
                         "ou jusqu'à ce que notre équipe l'examine."},
    "in_review": {"en": "Our team is reviewing your return and will get back to you within 2 "
                        "business days.",
                  "fr": "Notre équipe examine votre retour et vous répondra sous 2 jours ouvrés."},
    "keep_it": {"en": "No need to send the item back: your refund is being issued.",
                "fr": "Inutile de renvoyer l'article : votre remboursement est en cours."},
    "label_coming": {"en": "Your return label is being prepared; you can ask for it again in a "
                           "few minutes.",
                     "fr": "Votre étiquette de retour est en préparation ; redemandez-la dans "
                           "quelques minutes."},
    "send_parcel": {"en": "Print the label, pack the item and drop the parcel at any post office "
                          "before {date}.",
                    "fr": "Imprimez l'étiquette, emballez l'article et déposez le colis dans un "
                          "bureau de poste avant le {date}."},
    "refund_coming": {"en": "We refund within {days} days of receiving your parcel.",
                      "fr": "Nous remboursons sous {days} jours après réception de votre colis."},
    "refunded": {"en": "Your refund of {amount} has been issued; allow up to {days} days for it "
                       "to appear on your statement.",
                 "fr": "Votre remboursement de {amount} a été effectué ; comptez jusqu'à {days} "
                       "jours pour le voir sur votre relevé."},
    "credited": {"en": "Store credit of {amount} is available on your account.",
                 "fr": "Un avoir de {amount} est disponible sur votre compte."},
    "exchanged": {"en": "Your replacement is on its way.",
                  "fr": "Votre article d'échange est en route."},
    "expired": {"en": "The label was not used in time. Start a new return if you still want to "
                      "send it back.",
                "fr": "L'étiquette n'a pas été utilisée à temps. Faites une nouvelle demande si "
                      "vous souhaitez toujours retourner l'article."},
}

# An order line whose every unit is already in a return; shown after "{item} can't be
# returned:" in the list of an order's items.
ALREADY_IN_A_RETURN: Localized = {
    "en": "all of it is already in a return ({quantity} in all). Ask me for that return's "
          "status instead.",
    "fr": "tout est déjà dans un retour ({quantity} au total). Demandez-moi plutôt où en est "
          "ce retour.",
}


def already_in_a_return(quantity: int) -> dict[str, str]:
    return fill(ALREADY_IN_A_RETURN, quantity=quantity)


def status_text(status: str, language: str) -> str:
    """The status in ``language`` (a language we do not speak gets English)."""
    return STATUS_TEXT[S(status)][supported(language)]
