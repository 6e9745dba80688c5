"""Every sentence the returns policy says to a customer, in English and French.

The decision engine (:mod:`backend.domain.policy`) only decides; the words live here, so a
translator or a shop owner can reread all of them in one file, and a test can check that no
template exists in one language only. Templates are plain ``str.format`` strings whose
parameters are typed values (:class:`Money`, :class:`Item`, dates, percents, bilingual
names); :func:`render` formats each value for each language with :mod:`common.formatting`
("€4.95" / "4,95 €", "12 March 2026" / "12 mars 2026"), the one place that decides how
every process writes them. How a customer's reason reads in a sentence ("damaged item")
is its ``phrase`` in the reasons table, :mod:`common.reasons`.

French templates never put a gendered article in front of a product name: the name is
quoted after the word *article* (« l'article « Chemise en lin » »), so any product reads
correctly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping, Protocol, Sequence

from common.formatting import SEMICOLONS, format_date, format_money, format_percent, join_words
from common.languages import LANGUAGES, Localized, check_language, localized
from common.reasons import CONFORMITY_REASONS as _CONFORMITY, reason

HEADLINES: dict[str, Localized] = {
    "approved": {"en": "Approved:", "fr": "Accepté :"},
    "needs_review": {"en": "Needs review:", "fr": "À vérifier :"},
    "rejected": {"en": "Rejected:", "fr": "Refusé :"},
}

# --- Sentences of a decision ---------------------------------------------------------------
# ``{Item}`` is the capitalised form of ``{item}`` (any parameter has both forms).
TEMPLATES: dict[str, Localized] = {
    # Eligibility, before the customer says why.
    "eligible": {
        "en": "{Item} can be returned until {ends} ({days}-day return window from delivery "
              "on {delivered}).",
        "fr": "{Item} peut être retourné jusqu'au {ends} (délai de retour de {days} jours "
              "à compter de la livraison le {delivered}).",
    },
    "within_window": {
        "en": "{Item} is within the {days}-day return window (until {ends}).",
        "fr": "{Item} est dans le délai de retour de {days} jours (jusqu'au {ends}).",
    },
    "not_delivered": {
        "en": "{Item} has not been delivered yet, so it cannot be returned yet; you can start "
              "a return once it arrives.",
        "fr": "{Item} n'a pas encore été livré, il ne peut donc pas encore être retourné ; "
              "vous pourrez demander un retour dès sa réception.",
    },
    "window_expired": {
        "en": "{Item} was delivered on {delivered} and its {days}-day return window ended on "
              "{ends}.",
        "fr": "{Item} a été livré le {delivered} et son délai de retour de {days} jours a pris "
              "fin le {ends}.",
    },
    "final_sale": {
        "en": "{Item} was sold as final sale and cannot be returned.",
        "fr": "{Item} a été vendu en vente finale (ni repris ni échangé) et ne peut pas être "
              "retourné.",
    },
    "hygiene": {
        "en": "For hygiene reasons, {item} cannot be returned.",
        "fr": "Pour des raisons d'hygiène, {item} ne peut pas être retourné.",
    },
    "review_if_faulty": {
        "en": "If there is a problem on our side ({reasons}), tell us: our team will review "
              "your claim.",
        "fr": "En cas de problème de notre côté ({reasons}), signalez-le : notre équipe "
              "examinera votre demande.",
    },
    # Decision, once the reason and the wanted resolution are known.
    "excluded_item_fault_claim": {
        "en": "{Item} cannot normally be returned, but as you report a problem on our side "
              "({reason}), our team will review your claim.",
        "fr": "{Item} ne peut normalement pas être retourné, mais comme vous signalez un "
              "problème de notre côté ({reason}), notre équipe va examiner votre demande.",
    },
    "exchange_out_of_stock": {
        "en": "The replacement you chose for {item} is out of stock, so it cannot be exchanged; "
              "you can choose a refund or store credit instead.",
        "fr": "Le remplacement choisi pour {item} est en rupture de stock, l'échange est donc "
              "impossible ; vous pouvez choisir un remboursement ou un avoir à la place.",
    },
    "exchange_stock_unknown": {
        "en": "We could not confirm that the replacement for {item} is in stock; our team will "
              "check.",
        "fr": "Nous n'avons pas pu confirmer que le remplacement de {item} est en stock ; notre "
              "équipe va vérifier.",
    },
    "exchange_in_stock": {
        "en": "The replacement you chose for {item} is in stock.",
        "fr": "Le remplacement choisi pour {item} est en stock.",
    },
    "photo_required": {
        "en": "Returns with the reason \"{reason}\" need at least one photo; please add a photo "
              "of {item} so that we can check it.",
        "fr": "Les retours pour le motif « {reason} » nécessitent au moins une photo ; merci "
              "d'ajouter une photo de {item} pour que nous puissions la vérifier.",
    },
    "too_many_returns": {
        "en": "You have already made {count} returns in the last 90 days, so our team checks "
              "any further return by hand.",
        "fr": "Vous avez déjà effectué {count} retours au cours des 90 derniers jours ; notre "
              "équipe vérifie donc manuellement tout nouveau retour.",
    },
    "restocking_fee": {
        "en": "A {percent} restocking fee of {fee} applies to {item} ({category}), as the "
              "reason for the return is not a problem on our side.",
        "fr": "Des frais de remise en stock de {percent} ({fee}) s'appliquent à {item} "
              "({category}), le motif du retour n'étant pas un problème de notre côté.",
    },
    "line_refund": {
        "en": "Refund for {item}: {amount}.",
        "fr": "Remboursement pour {item} : {amount}.",
    },
    "line_store_credit": {
        "en": "Store credit for {item}: {amount}.",
        "fr": "Avoir pour {item} : {amount}.",
    },
    "store_credit_bonus": {
        "en": "This includes a {percent} store credit bonus of {bonus}.",
        "fr": "Ce montant inclut un bonus d'avoir de {percent} ({bonus}).",
    },
    "line_exchange": {
        "en": "{Item} will be exchanged for the replacement you chose.",
        "fr": "{Item} sera échangé contre le remplacement choisi.",
    },
    # Whole request.
    "shipping_fee": {
        "en": "A return shipping fee of {fee} will be deducted from your refund.",
        "fr": "Des frais de retour de {fee} seront déduits de votre remboursement.",
    },
    "shipping_free_fault": {
        "en": "Return shipping is free, as the return is due to a problem on our side.",
        "fr": "Le retour est gratuit, car il est dû à un problème de notre côté.",
    },
    "shipping_free_exchange": {
        "en": "Return shipping is free for exchanges.",
        "fr": "Le retour est gratuit pour les échanges.",
    },
    "shipping_free": {
        "en": "Return shipping is free.",
        "fr": "Le retour est gratuit.",
    },
    "returnless_one": {
        "en": "Since the value of your return ({value}) is at or below {limit}, you do not need "
              "to send anything back: keep the item, no return label is needed.",
        "fr": "Comme la valeur de votre retour ({value}) ne dépasse pas {limit}, vous n'avez "
              "rien à renvoyer : gardez l'article, aucune étiquette de retour n'est nécessaire.",
    },
    "returnless_many": {
        "en": "Since the value of your return ({value}) is at or below {limit}, you do not need "
              "to send anything back: keep the items, no return label is needed.",
        "fr": "Comme la valeur de votre retour ({value}) ne dépasse pas {limit}, vous n'avez "
              "rien à renvoyer : gardez les articles, aucune étiquette de retour n'est "
              "nécessaire.",
    },
    "label": {
        "en": "Your prepaid return label will be valid for {days} days.",
        "fr": "Votre étiquette de retour prépayée sera valable {days} jours.",
    },
    "total_refund": {
        "en": "You will receive a refund of {amount} to your original payment method within "
              "{min}–{max} days of our receiving your return.",
        "fr": "Vous recevrez un remboursement de {amount} sur votre moyen de paiement d'origine "
              "sous {min} à {max} jours après réception de votre retour.",
    },
    "total_refund_returnless": {
        "en": "You will receive a refund of {amount} to your original payment method within "
              "{min}–{max} days.",
        "fr": "Vous recevrez un remboursement de {amount} sur votre moyen de paiement d'origine "
              "sous {min} à {max} jours.",
    },
    "total_store_credit": {
        "en": "You will receive {amount} in store credit within {min}–{max} days of our "
              "receiving your return.",
        "fr": "Vous recevrez un avoir de {amount} sous {min} à {max} jours après réception de "
              "votre retour.",
    },
    "total_store_credit_returnless": {
        "en": "You will receive {amount} in store credit within {min}–{max} days.",
        "fr": "Vous recevrez un avoir de {amount} sous {min} à {max} jours.",
    },
    "total_mixed": {
        "en": "You will receive {amount} in total, as a refund to your original payment method "
              "and as store credit, within {min}–{max} days of our receiving your return.",
        "fr": "Vous recevrez {amount} au total, en remboursement sur votre moyen de paiement "
              "d'origine et en avoir, sous {min} à {max} jours après réception de votre retour.",
    },
    "total_mixed_returnless": {
        "en": "You will receive {amount} in total, as a refund to your original payment method "
              "and as store credit, within {min}–{max} days.",
        "fr": "Vous recevrez {amount} au total, en remboursement sur votre moyen de paiement "
              "d'origine et en avoir, sous {min} à {max} jours.",
    },
    "total_exchange": {
        "en": "We will send your replacement once we receive your return.",
        "fr": "Nous vous enverrons le remplacement dès réception de votre retour.",
    },
    "total_exchange_returnless": {
        "en": "We will send your replacement.",
        "fr": "Nous vous enverrons le remplacement.",
    },
    "review_team": {
        "en": "Our team will review your request and get back to you.",
        "fr": "Notre équipe va examiner votre demande et reviendra vers vous.",
    },
    "review_estimate": {
        "en": "If it is approved, you will receive {amount}.",
        "fr": "Si elle est acceptée, vous recevrez {amount}.",
    },
    # --- Issue 13: French consumer law (jurisdiction FR). Each sentence names the legal basis
    # and its article in the customer's words.
    "withdrawal": {
        "en": "Under your 14-day right of withdrawal (Consumer Code, article L221-18), you can "
              "return {item} for any reason until {ends} (delivered on {delivered}).",
        "fr": "Au titre de votre droit de rétractation de 14 jours (article L221-18 du Code de "
              "la consommation), vous pouvez retourner {item} sans avoir à vous justifier "
              "jusqu'au {ends} (livraison le {delivered}).",
    },
    "withdrawal_extended": {
        "en": "Under your right of withdrawal, extended by 12 months as you were not informed "
              "of it (Consumer Code, articles L221-18 and L221-20), you can return {item} for "
              "any reason until {ends} (delivered on {delivered}).",
        "fr": "Au titre de votre droit de rétractation, prolongé de 12 mois faute d'en avoir été "
              "informé (articles L221-18 et L221-20 du Code de la consommation), vous pouvez "
              "retourner {item} sans avoir à vous justifier jusqu'au {ends} (livraison le "
              "{delivered}).",
    },
    "withdrawal_expired": {
        "en": "{Item} was delivered on {delivered} and the period to return it under your right "
              "of withdrawal ended on {ends}.",
        "fr": "{Item} a été livré le {delivered} et le délai pour le retourner au titre de votre "
              "droit de rétractation a pris fin le {ends}.",
    },
    "commercial_after_withdrawal": {
        "en": "After that, our {days}-day return window lets you return it until {ends}.",
        "fr": "Ensuite, notre délai de retour de {days} jours vous permet de le retourner "
              "jusqu'au {ends}.",
    },
    "final_sale_overridden_by_law": {
        "en": "{Item} was sold as final sale, but that does not limit your legal right of "
              "withdrawal.",
        "fr": "{Item} a été vendu en vente finale, mais cela ne limite pas votre droit légal de "
              "rétractation.",
    },
    "personalised": {
        "en": "{Item} was made to your specifications or personalised for you, so it cannot be "
              "returned (the right of withdrawal does not apply to it: Consumer Code, article "
              "L221-28).",
        "fr": "{Item} a été fabriqué selon vos spécifications ou personnalisé pour vous : il ne "
              "peut donc pas être retourné (le droit de rétractation ne s'applique pas : "
              "article L221-28 du Code de la consommation).",
    },
    "perishable": {
        "en": "{Item} is perishable, so it cannot be returned (the right of withdrawal does not "
              "apply to it: Consumer Code, article L221-28).",
        "fr": "{Item} est périssable : il ne peut donc pas être retourné (le droit de "
              "rétractation ne s'applique pas : article L221-28 du Code de la consommation).",
    },
    "seal_broken": {
        "en": "{Item} was sold sealed and has been unsealed since delivery, so it cannot be "
              "returned (the right of withdrawal does not apply to it: Consumer Code, article "
              "L221-28).",
        "fr": "{Item} était vendu scellé et a été descellé depuis la livraison : il ne peut donc "
              "pas être retourné (le droit de rétractation ne s'applique pas : article L221-28 "
              "du Code de la consommation).",
    },
    "seal_question": {
        "en": "{Item} is sold sealed: it can be returned only if its seal (or hygiene "
              "protection) is still intact.",
        "fr": "{Item} est vendu scellé : il ne peut être retourné que si son scellé (ou sa "
              "protection d'hygiène) est encore intact.",
    },
    "seal_intact": {
        "en": "As its seal is intact, {item} can be returned.",
        "fr": "Comme son scellé est intact, {item} peut être retourné.",
    },
    "seal_unknown": {
        "en": "{Item} is sold sealed and can be returned only if its seal is still intact; our "
              "team will check it.",
        "fr": "{Item} est vendu scellé et ne peut être retourné que si son scellé est encore "
              "intact ; notre équipe va le vérifier.",
    },
    "guarantee": {
        "en": "Under the legal guarantee of conformity (2 years from delivery, Consumer Code, "
              "article L217-3), a problem with {item} ({reason}) is ours to put right until "
              "{ends}.",
        "fr": "Au titre de la garantie légale de conformité (2 ans à compter de la livraison, "
              "article L217-3 du Code de la consommation), un problème sur {item} ({reason}) "
              "est à notre charge jusqu'au {ends}.",
    },
    "guarantee_available": {
        "en": "If there is a problem with {item} ({reasons}), the legal guarantee of conformity "
              "(2 years) covers it until {ends}: tell us and we will repair or replace it.",
        "fr": "Si {item} présente un problème ({reasons}), la garantie légale de conformité "
              "(2 ans) le couvre jusqu'au {ends} : signalez-le, nous le réparerons ou le "
              "remplacerons.",
    },
    "guarantee_expired": {
        "en": "{Item} was delivered on {delivered}: the legal guarantee of conformity (2 years) "
              "ended on {ends}, so we cannot accept this claim.",
        "fr": "{Item} a été livré le {delivered} : la garantie légale de conformité (2 ans) a "
              "pris fin le {ends}, nous ne pouvons donc pas accepter cette demande.",
    },
    "guarantee_proof_needed": {
        "en": "More than {months} months after delivery, a defect is no longer presumed to have "
              "existed on delivery (Consumer Code, article L217-7): our team will review your "
              "claim.",
        "fr": "Plus de {months} mois après la livraison, un défaut n'est plus présumé exister "
              "dès la livraison (article L217-7 du Code de la consommation) : notre équipe va "
              "examiner votre demande.",
    },
    "guarantee_refund_review": {
        "en": "Under the legal guarantee, a refund is due when {item} can be neither repaired "
              "nor replaced (Consumer Code, article L217-14): our team will check this first.",
        "fr": "Au titre de la garantie légale, un remboursement est dû lorsque {item} ne peut "
              "être ni réparé ni remplacé (article L217-14 du Code de la consommation) : notre "
              "équipe va d'abord le vérifier.",
    },
    "price_reduction_review": {
        "en": "Our team will propose the amount of the price reduction for {item} (legal "
              "guarantee of conformity, Consumer Code, article L217-14).",
        "fr": "Notre équipe vous proposera le montant de la réduction de prix pour {item} "
              "(garantie légale de conformité, article L217-14 du Code de la consommation).",
    },
    "line_repair": {
        "en": "We will repair {item} free of charge and send it back to you.",
        "fr": "Nous réparerons {item} gratuitement et vous le renverrons.",
    },
    "line_replacement": {
        "en": "We will replace {item} with the same item, free of charge.",
        "fr": "Nous remplacerons {item} par un article identique, gratuitement.",
    },
    "line_price_reduction": {
        "en": "You asked for a price reduction on {item}.",
        "fr": "Vous avez demandé une réduction de prix pour {item}.",
    },
    "total_repair": {
        "en": "We will put the item right within 30 days of receiving it, at no cost to you.",
        "fr": "Nous remettrons l'article en état sous 30 jours après sa réception, sans frais "
              "pour vous.",
    },
    "total_replacement": {
        "en": "We will send you the replacement within 30 days of receiving your return, at no "
              "cost to you.",
        "fr": "Nous vous enverrons le remplacement sous 30 jours après réception de votre "
              "retour, sans frais pour vous.",
    },
    "restocking_fee_from_day": {
        "en": "A {percent} restocking fee of {fee} applies to {item} ({category}): it is "
              "returned {day} days after delivery (the fee applies from day {from_day}) for a "
              "reason that is not a problem on our side.",
        "fr": "Des frais de remise en stock de {percent} ({fee}) s'appliquent à {item} "
              "({category}) : il est retourné {day} jours après la livraison (les frais "
              "s'appliquent à partir du jour {from_day}) pour un motif qui n'est pas un "
              "problème de notre côté.",
    },
    "shipping_free_withdrawal": {
        "en": "Return shipping is on us.",
        "fr": "Les frais de retour sont à notre charge.",
    },
    "delivery_cost_refunded": {
        "en": "As you are returning your whole order under the right of withdrawal, the "
              "delivery cost you paid ({amount}) is refunded too (Consumer Code, article "
              "L221-24).",
        "fr": "Comme vous retournez toute votre commande au titre du droit de rétractation, "
              "les frais de livraison payés ({amount}) vous sont aussi remboursés (article "
              "L221-24 du Code de la consommation).",
    },
    "refund_due": {
        "en": "Under the right of withdrawal, you will be refunded by {date} at the latest (14 "
              "days from your request); we may wait until we receive the items or your proof "
              "of sending them, whichever comes first.",
        "fr": "Au titre du droit de rétractation, vous serez remboursé au plus tard le {date} "
              "(14 jours après votre demande) ; nous pouvons attendre la réception des articles "
              "ou votre preuve d'expédition, selon ce qui arrive en premier.",
    },
    "rejected_others": {
        "en": "You can still return the other items in a new request without the items "
              "mentioned above.",
        "fr": "Vous pouvez toujours retourner les autres articles dans une nouvelle demande, "
              "sans les articles mentionnés ci-dessus.",
    },
}

# --- FAQ -----------------------------------------------------------------------------------
FAQ_QUESTIONS: dict[str, Localized] = {
    "window": {"en": "How long do I have to return an item?",
               "fr": "Combien de temps ai-je pour retourner un article ?"},
    "exclusions": {"en": "Which items cannot be returned?",
                   "fr": "Quels articles ne peuvent pas être retournés ?"},
    "fees": {"en": "Are there any fees when I return an item?",
             "fr": "Y a-t-il des frais pour retourner un article ?"},
    "returnless": {"en": "Do I always have to send the item back?",
                   "fr": "Dois-je toujours renvoyer l'article ?"},
    "exchanges": {"en": "Can I exchange an item?",
                  "fr": "Puis-je échanger un article ?"},
    "refund_time": {"en": "When will I get my refund?",
                    "fr": "Quand serai-je remboursé ?"},
    "label_validity": {"en": "How long is my return label valid?",
                       "fr": "Combien de temps mon étiquette de retour est-elle valable ?"},
    "photos": {"en": "Do I need to send photos?",
               "fr": "Dois-je envoyer des photos ?"},
    # Under jurisdiction FR only: the customer's rights (the information L221-5 requires).
    "withdrawal": {"en": "What is my right of withdrawal?",
                   "fr": "Quel est mon droit de rétractation ?"},
    "legal_guarantee": {"en": "What if my item is faulty or not as described?",
                        "fr": "Que faire si mon article est défectueux ou non conforme ?"},
}
# Every policy answers these; a jurisdiction-FR policy adds LEGAL_FAQ_TOPICS after them.
FAQ_TOPICS: tuple[str, ...] = ("window", "exclusions", "fees", "returnless", "exchanges",
                               "refund_time", "label_validity", "photos")
LEGAL_FAQ_TOPICS: tuple[str, ...] = ("withdrawal", "legal_guarantee")
# The reasons that are a lack of conformity under the legal guarantee: defined here because the
# FAQ names them and this module cannot import the engine; the engine exports the same tuple.
CONFORMITY_REASONS: tuple[str, ...] = _CONFORMITY

FAQ_TEMPLATES: dict[str, Localized] = {
    "window_intro": {
        "en": "{shop} accepts returns for a number of days after delivery, depending on the "
              "item: {groups}. Days are counted from the delivery date, and the last day is "
              "included.",
        "fr": "{shop} accepte les retours pendant un certain nombre de jours après la "
              "livraison, selon l'article : {groups}. Le délai court à partir de la date de "
              "livraison, dernier jour inclus.",
    },
    "window_group": {"en": "{days} days for {names}", "fr": "{days} jours pour : {names}"},
    "other_items": {"en": "all other items", "fr": "tous les autres articles"},
    "final_sale": {"en": "Final-sale items cannot be returned.",
                   "fr": "Les articles en vente finale ne peuvent pas être retournés."},
    "hygiene": {
        "en": "For hygiene reasons, these items cannot be returned: {names}.",
        "fr": "Pour des raisons d'hygiène, ces articles ne peuvent pas être retournés : "
              "{names}.",
    },
    "faulty_review": {
        "en": "If such an item has a problem on our side ({reasons}), tell us: our team will "
              "review your claim.",
        "fr": "Si un tel article présente un problème de notre côté ({reasons}), signalez-le : "
              "notre équipe examinera votre demande.",
    },
    "no_exclusions": {"en": "Every item can be returned within its return window.",
                      "fr": "Tous les articles peuvent être retournés dans leur délai de "
                            "retour."},
    "restocking": {
        "en": "When the reason for a return is not a problem on our side, a restocking fee "
              "is deducted from the refund: {items}.",
        "fr": "Lorsque le motif du retour n'est pas un problème de notre côté, des frais de "
              "remise en stock sont déduits du remboursement : {items}.",
    },
    "restocking_item": {"en": "{percent} of the price paid for {name}",
                        "fr": "{percent} du prix payé pour : {name}"},
    "no_restocking": {"en": "There is no restocking fee.",
                      "fr": "Il n'y a pas de frais de remise en stock."},
    "shipping_fee": {
        "en": "Return shipping costs {fee} per return, deducted from your refund, when the "
              "reason is {reasons}.",
        "fr": "Le retour coûte {fee} par demande, déduits de votre remboursement, lorsque le "
              "motif est : {reasons}.",
    },
    "shipping_free_fault": {
        "en": "It is free when the return is due to a problem on our side ({reasons}).",
        "fr": "Il est gratuit lorsque le retour est dû à un problème de notre côté "
              "({reasons}).",
    },
    "shipping_free_fault_exchange": {
        "en": "It is free when the return is due to a problem on our side ({reasons}), and "
              "for exchanges.",
        "fr": "Il est gratuit lorsque le retour est dû à un problème de notre côté "
              "({reasons}), ainsi que pour les échanges.",
    },
    "shipping_always_free": {"en": "Return shipping is always free.",
                             "fr": "Le retour est toujours gratuit."},
    "returnless_on": {
        "en": "Not always: if the items in your return are worth {limit} or less in total and "
              "the reason is {reasons}, you can keep them and no return label is needed.",
        "fr": "Pas toujours : si les articles de votre retour valent {limit} ou moins au "
              "total et que le motif est : {reasons}, vous pouvez les garder et aucune "
              "étiquette de retour n'est nécessaire.",
    },
    "returnless_off": {
        "en": "Yes: every returned item has to be sent back before we refund it.",
        "fr": "Oui : chaque article retourné doit nous être renvoyé avant d'être remboursé.",
    },
    "exchanges": {
        "en": "Yes, for another size or colour that is in stock. If the one you want is out "
              "of stock, you can choose a refund or store credit instead.",
        "fr": "Oui, contre une autre taille ou couleur en stock. Si celle que vous voulez est "
              "en rupture de stock, vous pouvez choisir un remboursement ou un avoir à la "
              "place.",
    },
    "exchanges_free": {"en": "Return shipping is free for exchanges.",
                       "fr": "Le retour est gratuit pour les échanges."},
    "store_credit_bonus": {
        "en": "If you choose store credit, you get a {percent} bonus on top.",
        "fr": "Si vous choisissez un avoir, vous recevez un bonus de {percent} en plus.",
    },
    "refund_time": {
        "en": "Your refund is issued within {min}–{max} days of our receiving your return, to "
              "your original payment method or as store credit if you chose it. When you may "
              "keep the item, it is issued within {min}–{max} days of approval.",
        "fr": "Votre remboursement est effectué sous {min} à {max} jours après réception de "
              "votre retour, sur votre moyen de paiement d'origine ou en avoir si vous l'avez "
              "choisi. Si vous pouvez garder l'article, il est effectué sous {min} à {max} "
              "jours après acceptation.",
    },
    "label_validity": {
        "en": "Your prepaid return label is valid for {days} days. If it expires, just start "
              "a new return request.",
        "fr": "Votre étiquette de retour prépayée est valable {days} jours. Si elle expire, il "
              "suffit de faire une nouvelle demande de retour.",
    },
    "photos_on": {
        "en": "Yes, for these reasons: {reasons}. Add at least one photo of the item; without "
              "one, our team has to review the request by hand, which takes longer.",
        "fr": "Oui, pour ces motifs : {reasons}. Ajoutez au moins une photo de l'article ; "
              "sans photo, notre équipe doit examiner la demande manuellement, ce qui prend "
              "plus de temps.",
    },
    # --- Issue 13: the customer's rights under French consumer law (jurisdiction FR).
    "window_withdrawal": {
        "en": "You can return any item within 14 days of delivery, for any reason: that is "
              "your legal right of withdrawal.",
        "fr": "Vous pouvez retourner tout article dans les 14 jours suivant la livraison, sans "
              "avoir à vous justifier : c'est votre droit légal de rétractation.",
    },
    "final_sale_after_withdrawal": {
        "en": "Final-sale items can be returned only within the 14-day withdrawal period.",
        "fr": "Les articles en vente finale ne peuvent être retournés que pendant le délai de "
              "rétractation de 14 jours.",
    },
    "hygiene_sealed": {
        "en": "For hygiene reasons, these items can be returned only if their seal (or hygiene "
              "protection) is intact: {names}.",
        "fr": "Pour des raisons d'hygiène, ces articles ne peuvent être retournés que si leur "
              "scellé (ou leur protection d'hygiène) est intact : {names}.",
    },
    "legal_exceptions": {
        "en": "Items made to your specifications or personalised, perishable goods, and sealed "
              "audio, video or software opened after delivery cannot be returned (the right of "
              "withdrawal does not apply to them: Consumer Code, article L221-28).",
        "fr": "Les articles fabriqués selon vos spécifications ou personnalisés, les biens "
              "périssables et les enregistrements audio, vidéo ou logiciels scellés ouverts "
              "après la livraison ne peuvent pas être retournés (le droit de rétractation ne "
              "s'applique pas : article L221-28 du Code de la consommation).",
    },
    "guarantee_note": {
        "en": "A problem on our side ({reasons}) is always covered by the 2-year legal "
              "guarantee of conformity, whatever the item.",
        "fr": "Un problème de notre côté ({reasons}) est toujours couvert par la garantie légale "
              "de conformité de 2 ans, quel que soit l'article.",
    },
    "restocking_item_from_day": {
        "en": "{percent} of the price paid for {name}, on returns from day {day} after delivery",
        "fr": "{percent} du prix payé pour : {name}, pour les retours à partir du jour {day} "
              "après la livraison",
    },
    "no_fee_withdrawal": {
        "en": "There is never a restocking fee on a return within the 14-day withdrawal period.",
        "fr": "Aucuns frais de remise en stock ne s'appliquent à un retour pendant le délai de "
              "rétractation de 14 jours.",
    },
    "withdrawal_shipping_free": {
        "en": "Return shipping is on us for a return within the 14-day withdrawal period.",
        "fr": "Les frais de retour sont à notre charge pour un retour pendant le délai de "
              "rétractation de 14 jours.",
    },
    "refund_time_withdrawal": {
        "en": "Under the right of withdrawal, we refund you at the latest 14 days after your "
              "request, including the standard delivery cost when you return your whole order "
              "(Consumer Code, article L221-24); we may wait until we receive the items or your "
              "proof of sending them, whichever comes first.",
        "fr": "Au titre du droit de rétractation, nous vous remboursons au plus tard 14 jours "
              "après votre demande, frais de livraison standard compris si vous retournez "
              "toute votre commande (article L221-24 du Code de la consommation) ; nous pouvons "
              "attendre la réception des articles ou votre preuve d'expédition, selon ce qui "
              "arrive en premier.",
    },
    "withdrawal_right": {
        "en": "You have 14 days from the delivery of your order's last item to withdraw from "
              "your purchase, without giving any reason (Consumer Code, article L221-18). To do "
              "so, start a return here in the chat or on our returns page, or send us any clear "
              "statement that you are withdrawing (the EU model withdrawal form also works); "
              "then send the items back within 14 days.",
        "fr": "Vous disposez de 14 jours à compter de la livraison du dernier article de votre "
              "commande pour vous rétracter, sans avoir à vous justifier (article L221-18 du "
              "Code de la consommation). Pour cela, faites une demande de retour ici dans le "
              "chat ou sur notre page de retours, ou envoyez-nous toute déclaration claire de "
              "rétractation (le formulaire type de rétractation convient aussi) ; renvoyez "
              "ensuite les articles dans les 14 jours.",
    },
    "withdrawal_shipping_customer": {
        "en": "The return shipping is at your cost: {fee}, deducted from your refund.",
        "fr": "Les frais de retour sont à votre charge : {fee}, déduits de votre "
              "remboursement.",
    },
    "withdrawal_shipping_shop": {
        "en": "The return shipping is on us.",
        "fr": "Les frais de retour sont à notre charge.",
    },
    "withdrawal_refund": {
        "en": "We refund everything you paid, with no restocking fee, including the standard "
              "delivery cost if you return the whole order, within 14 days of your request "
              "(article L221-24), to your original payment method unless you choose store "
              "credit.",
        "fr": "Nous remboursons tout ce que vous avez payé, sans frais de remise en stock, y "
              "compris les frais de livraison standard si vous retournez toute la commande, "
              "dans les 14 jours suivant votre demande (article L221-24), sur votre moyen de "
              "paiement d'origine sauf si vous choisissez un avoir.",
    },
    "withdrawal_exceptions": {
        "en": "Exceptions (article L221-28): personalised or made-to-measure items, perishable "
              "goods, and sealed hygiene items, audio, video or software once opened after "
              "delivery.",
        "fr": "Exceptions (article L221-28) : les articles personnalisés ou sur mesure, les "
              "biens périssables, et les articles d'hygiène, enregistrements audio, vidéo ou "
              "logiciels scellés une fois ouverts après la livraison.",
    },
    "guarantee_right": {
        "en": "For 2 years after delivery, any lack of conformity (a defective, damaged or wrong "
              "item, or one not as described) is ours to put right, whatever our return window: "
              "that is the legal guarantee of conformity (Consumer Code, article L217-3). A "
              "defect that appears within 2 years is presumed to have existed on delivery (1 "
              "year for second-hand goods, article L217-7). You choose between repair and "
              "replacement; if neither is possible, you can have a price reduction or a refund "
              "(article L217-14). It costs you nothing: we pay the shipping, and the item is "
              "put right within 30 days. Please add photos when you tell us about the problem.",
        "fr": "Pendant 2 ans après la livraison, tout défaut de conformité (article défectueux, "
              "endommagé, erroné ou non conforme à sa description) est à notre charge, quel que "
              "soit notre délai de retour : c'est la garantie légale de conformité (article "
              "L217-3 du Code de la consommation). Un défaut qui apparaît dans les 2 ans est "
              "présumé exister dès la livraison (1 an pour les biens d'occasion, article "
              "L217-7). Vous choisissez entre la réparation et le remplacement ; si aucun des "
              "deux n'est possible, vous pouvez obtenir une réduction du prix ou un "
              "remboursement (article L217-14). Cela ne vous coûte rien : nous payons le "
              "transport, et l'article est remis en conformité sous 30 jours. Merci d'ajouter "
              "des photos en nous signalant le problème.",
    },
    "photos_off": {
        "en": "No, photos are not required, although they help us handle a problem faster.",
        "fr": "Non, les photos ne sont pas obligatoires, mais elles nous aident à traiter un "
              "problème plus vite.",
    },
}


# --- Value types and formatting ------------------------------------------------------------
@dataclass(frozen=True)
class Money:
    """An amount in minor units; formatted with the currency sign of each language."""

    amount_minor: int
    currency: str


@dataclass(frozen=True)
class Item:
    """A product in a sentence: its display name, or "this item" when the name is unknown.

    The name may be one per language (``{"en": "Table lamp (Brass)", "fr": "Lampe de table
    (Laiton)"}``): each language's sentence then names the product in that language.
    """

    name: str | Mapping[str, str] | None = None


@dataclass(frozen=True)
class Words:
    """A list of bilingual words joined as "a, b and c" (``conjunction``: "and" or "or")."""

    items: tuple[Mapping[str, str], ...]
    conjunction: str = "and"


# A product in a sentence: (without a name, with one). French never puts a gendered article
# before the name (see the module's docstring).
ITEM_PHRASES: dict[str, tuple[str, str]] = {
    "en": ("this item", "the {name}"),
    "fr": ("cet article", "l'article « {name} »"),
}


def item_phrase(name: str | Mapping[str, str] | None, language: str) -> str:
    """Lower-case subject phrase: "the Linen shirt" / "l'article « Chemise en lin »"."""
    check_language(language)
    if isinstance(name, Mapping):
        name = name.get(language) or name.get("en")
    unnamed, named = ITEM_PHRASES[language]
    return named.format(name=name) if name else unnamed


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decapitalise(text: str) -> str:
    return text[:1].lower() + text[1:]


def _format_value(value: Any, language: str) -> str:
    if isinstance(value, Money):
        return format_money(value.amount_minor, value.currency, language)
    if isinstance(value, Item):
        return item_phrase(value.name, language)
    if isinstance(value, Words):
        return join_words([w[language] for w in value.items], language, value.conjunction)
    if isinstance(value, dt.date):
        return format_date(value, language)
    if isinstance(value, Decimal):
        return format_percent(value, language)
    if isinstance(value, Mapping):
        return str(value[language])
    return str(value)


def _fill(template: Localized, params: Mapping[str, Any]) -> Localized:
    out: Localized = {}
    for language in LANGUAGES:
        values: dict[str, str] = {}
        for key, value in params.items():
            text = _format_value(value, language)
            values[key] = text
            values[_capitalise(key)] = _capitalise(text)
        out[language] = template[language].format(**values)
    return out


def render(key: str, **params: Any) -> Localized:
    """One decision sentence in both languages, e.g. ``render("hygiene", item=Item("Bra"))``."""
    return _fill(TEMPLATES[key], params)


def render_faq_part(key: str, **params: Any) -> Localized:
    return _fill(FAQ_TEMPLATES[key], params)


def join(parts: Iterable[Localized]) -> Localized:
    """Sentences joined with a space, per language; empty parts are skipped."""
    parts = [p for p in parts if p and p.get("en")]
    return {lang: " ".join(p[lang] for p in parts) for lang in LANGUAGES}


def with_headline(outcome: str, parts: Sequence[Localized]) -> Localized:
    """"Approved: the Linen shirt is ..." / "Accepté : l'article « … » est ...".

    The first sentence after the colon starts in lower case, as both languages write it.
    """
    body = join(parts)
    head = HEADLINES[outcome]
    return {lang: f"{head[lang]} {_decapitalise(body[lang])}".rstrip() for lang in LANGUAGES}


def reason_label(code: str) -> Localized:
    """The reason as a noun in a sentence ("damaged item"): its ``phrase`` in the table."""
    return dict(reason(code).phrase)


def reason_words(codes: Iterable[str], conjunction: str = "or") -> Words:
    return Words(tuple(reason(c).phrase for c in codes), conjunction)


# --- FAQ -----------------------------------------------------------------------------------
class _CategoryFacts(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def window_days(self) -> int: ...
    @property
    def restocking_fee_percent(self) -> Decimal: ...
    @property
    def restocking_fee_from_day(self) -> int: ...
    @property
    def names(self) -> Mapping[str, str]: ...


class _ReasonFacts(Protocol):
    @property
    def shop_fault(self) -> bool: ...
    @property
    def photo_required(self) -> bool: ...


class PolicyFacts(Protocol):
    """What the FAQ reads of a policy (:class:`backend.domain.policy.Policy` has it all).

    A protocol instead of importing ``Policy``: the engine imports this module for its
    words, so this module must not import the engine back.
    """

    @property
    def shop_name(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def label_valid_days(self) -> int: ...
    @property
    def refund_days_min(self) -> int: ...
    @property
    def refund_days_max(self) -> int: ...
    @property
    def categories(self) -> Mapping[str, _CategoryFacts]: ...
    @property
    def reasons(self) -> Mapping[str, _ReasonFacts]: ...
    @property
    def final_sale_excluded(self) -> bool: ...
    @property
    def hygiene_categories(self) -> tuple[str, ...]: ...
    @property
    def hygiene_products_text(self) -> Mapping[str, str] | None: ...
    @property
    def faulty_items_go_to_review(self) -> bool: ...
    @property
    def return_shipping_fee_minor(self) -> int: ...
    @property
    def exchanges_free_shipping(self) -> bool: ...
    @property
    def returnless_enabled(self) -> bool: ...
    @property
    def returnless_max_value_minor(self) -> int: ...
    @property
    def returnless_reasons(self) -> tuple[str, ...]: ...
    @property
    def store_credit_bonus_percent(self) -> Decimal: ...
    @property
    def shop_fault_reasons(self) -> tuple[str, ...]: ...
    @property
    def jurisdiction(self) -> str: ...
    @property
    def withdrawal_customer_pays_return_shipping(self) -> bool: ...
    @property
    def hygiene_seal_condition(self) -> bool: ...

    def category(self, category: str) -> _CategoryFacts: ...


def render_faq(policy: PolicyFacts, language: str) -> list[dict[str, str]]:
    """The policy's FAQ, written from the values of the loaded file.

    Nothing here is a hard-coded number: change ``window_days`` or a fee in the YAML and
    the answers change with it, so the bot can never quote an outdated policy. Under
    jurisdiction FR the answers state the customer's legal rights too (withdrawal, refund
    deadline, legal guarantee, exceptions: the information L221-5 requires before a sale).
    """
    check_language(language)
    french = policy.jurisdiction == "FR"
    refund_time = [render_faq_part("refund_time", min=policy.refund_days_min,
                                   max=policy.refund_days_max)]
    if french:
        refund_time.append(render_faq_part("refund_time_withdrawal"))
    answers: dict[str, Localized] = {
        "window": _faq_window(policy),
        "exclusions": _faq_exclusions(policy),
        "fees": _faq_fees(policy),
        "returnless": _faq_returnless(policy),
        "exchanges": _faq_exchanges(policy),
        "refund_time": join(refund_time),
        "label_validity": render_faq_part("label_validity", days=policy.label_valid_days),
        "photos": _faq_photos(policy),
    }
    topics = FAQ_TOPICS
    if french:
        answers["withdrawal"] = _faq_withdrawal(policy)
        answers["legal_guarantee"] = render_faq_part("guarantee_right")
        topics += LEGAL_FAQ_TOPICS
    return [
        {"topic": topic, "question": FAQ_QUESTIONS[topic][language],
         "answer": answers[topic][language]}
        for topic in topics
    ]


def _faq_withdrawal(policy: PolicyFacts) -> Localized:
    if policy.withdrawal_customer_pays_return_shipping and policy.return_shipping_fee_minor:
        shipping = render_faq_part("withdrawal_shipping_customer",
                                   fee=Money(policy.return_shipping_fee_minor, policy.currency))
    else:
        shipping = render_faq_part("withdrawal_shipping_shop")
    return join([render_faq_part("withdrawal_right"), shipping,
                 render_faq_part("withdrawal_refund"), render_faq_part("withdrawal_exceptions")])


def _faq_window(policy: PolicyFacts) -> Localized:
    groups: dict[int, list[Mapping[str, str]]] = {}
    for rule in policy.categories.values():
        if rule.key == "default" or (rule.key in policy.hygiene_categories
                                     and not policy.hygiene_seal_condition):
            continue  # hygiene categories are not returnable at all: see "exclusions"
        groups.setdefault(rule.window_days, []).append(rule.names)
    default = policy.categories["default"]
    groups.setdefault(default.window_days, []).append(FAQ_TEMPLATES["other_items"])
    group_texts = [render_faq_part("window_group", days=days, names=Words(tuple(names)))
                   for days, names in groups.items()]
    joined = localized(lambda lang: SEMICOLONS[lang].join(g[lang] for g in group_texts))
    intro = render_faq_part("window_intro", shop=policy.shop_name, groups=joined)
    if policy.jurisdiction == "FR":
        return join([render_faq_part("window_withdrawal"), intro])
    return intro


def _faq_exclusions(policy: PolicyFacts) -> Localized:
    french = policy.jurisdiction == "FR"
    parts: list[Localized] = []
    if policy.final_sale_excluded:
        parts.append(render_faq_part("final_sale_after_withdrawal" if french else "final_sale"))
    hygiene_names: list[Mapping[str, str]] = [
        policy.category(key).names for key in policy.hygiene_categories
    ]
    if policy.hygiene_products_text:
        hygiene_names.append(policy.hygiene_products_text)
    if hygiene_names:
        key = "hygiene_sealed" if policy.hygiene_seal_condition else "hygiene"
        parts.append(render_faq_part(key, names=Words(tuple(hygiene_names))))
    if french:
        parts.append(render_faq_part("legal_exceptions"))
        parts.append(render_faq_part("guarantee_note",
                                     reasons=reason_words(CONFORMITY_REASONS)))
    elif parts and policy.faulty_items_go_to_review and policy.shop_fault_reasons:
        parts.append(render_faq_part("faulty_review",
                                     reasons=reason_words(policy.shop_fault_reasons)))
    if not parts:
        parts.append(render_faq_part("no_exclusions"))
    return join(parts)


def _faq_fees(policy: PolicyFacts) -> Localized:
    parts: list[Localized] = []
    fee_items = [
        render_faq_part("restocking_item_from_day", percent=rule.restocking_fee_percent,
                        name=rule.names, day=rule.restocking_fee_from_day)
        if rule.restocking_fee_from_day else
        render_faq_part("restocking_item", percent=rule.restocking_fee_percent, name=rule.names)
        for rule in policy.categories.values() if rule.restocking_fee_percent > 0
    ]
    if fee_items:
        joined = localized(lambda lang: SEMICOLONS[lang].join(i[lang] for i in fee_items))
        parts.append(render_faq_part("restocking", items=joined))
    else:
        parts.append(render_faq_part("no_restocking"))
    if policy.jurisdiction == "FR":
        if fee_items:
            parts.append(render_faq_part("no_fee_withdrawal"))
        if (not policy.withdrawal_customer_pays_return_shipping
                and policy.return_shipping_fee_minor > 0):
            parts.append(render_faq_part("withdrawal_shipping_free"))
    customer_reasons = [c for c in policy.reasons if not policy.reasons[c].shop_fault]
    if policy.return_shipping_fee_minor > 0 and customer_reasons:
        parts.append(render_faq_part(
            "shipping_fee", fee=Money(policy.return_shipping_fee_minor, policy.currency),
            reasons=reason_words(customer_reasons)))
        if policy.shop_fault_reasons:
            key = ("shipping_free_fault_exchange" if policy.exchanges_free_shipping
                   else "shipping_free_fault")
            parts.append(render_faq_part(key, reasons=reason_words(policy.shop_fault_reasons)))
        elif policy.exchanges_free_shipping:
            parts.append(render_faq_part("exchanges_free"))
    else:
        parts.append(render_faq_part("shipping_always_free"))
    return join(parts)


def _faq_returnless(policy: PolicyFacts) -> Localized:
    if not policy.returnless_enabled or not policy.returnless_reasons:
        return render_faq_part("returnless_off")
    return render_faq_part(
        "returnless_on", limit=Money(policy.returnless_max_value_minor, policy.currency),
        reasons=reason_words(policy.returnless_reasons))


def _faq_exchanges(policy: PolicyFacts) -> Localized:
    parts = [render_faq_part("exchanges")]
    if policy.exchanges_free_shipping and policy.return_shipping_fee_minor > 0:
        parts.append(render_faq_part("exchanges_free"))
    if policy.store_credit_bonus_percent > 0:
        parts.append(render_faq_part("store_credit_bonus",
                                     percent=policy.store_credit_bonus_percent))
    return join(parts)


def _faq_photos(policy: PolicyFacts) -> Localized:
    codes = [c for c, rule in policy.reasons.items() if rule.photo_required]
    if not codes:
        return render_faq_part("photos_off")
    return render_faq_part("photos_on", reasons=reason_words(codes, "and"))
