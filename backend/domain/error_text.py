"""Every error the backend answers, worded for the customer in every language, keyed by code.

A service raises an error by its key and the values its words need
(``raise NotFound("order_not_found")``, ``Conflict("label_not_allowed", status=...)``);
the API renders it at the boundary as ``{"error": {"code", "message", "message_fr", ...}}``
(:func:`error_body`). Nothing else in the backend writes an error sentence, so a
translator rereads them all here, and ``tests/backend/test_error_text.py`` checks that
every entry has every language with the same ``{placeholders}``, that every key raised in
the code exists here and that every entry here is used.

A key is the public ``code`` of the error, except where several wordings share one public
code (the API published ``invalid_return_request``, ``not_found``, ... before there was a
catalogue): :data:`PUBLIC_CODES` says which. A placeholder's value is a plain value (a
number, an RMA) or a mapping with one value per language (a waiting time, a list of
statuses): see :func:`common.languages.fill`.
"""
from __future__ import annotations

from typing import Any, Mapping

from common.languages import Localized, error_fields, fill

# The API's answer when a service gave none (by HTTP status) and the boundary's own errors.
_UNAVAILABLE: Localized = {
    "en": "The service is temporarily unavailable. Please try again in a moment.",
    "fr": "Le service est momentanément indisponible. Réessayez dans un instant.",
}

ERRORS: dict[str, Localized] = {
    # --- by HTTP status, when nothing more precise is known (backend.api.errors) -----------
    "bad_request": {"en": "The request could not be understood.",
                    "fr": "La requête est incompréhensible."},
    "unauthorized": {"en": "Authentication is required.",
                     "fr": "Une authentification est requise."},
    "forbidden": {"en": "You may not do this.", "fr": "Vous n'avez pas le droit de faire ceci."},
    "not_found": {"en": "There is nothing at this address.",
                  "fr": "Il n'y a rien à cette adresse."},
    "method_not_allowed": {"en": "This method is not allowed at this address.",
                           "fr": "Cette méthode n'est pas autorisée à cette adresse."},
    "not_acceptable": {"en": "This answer cannot be given in the requested format.",
                       "fr": "Cette réponse ne peut pas être donnée dans le format demandé."},
    "conflict": {"en": "This conflicts with the current state.",
                 "fr": "Ceci est en conflit avec l'état actuel."},
    "too_large": {"en": "The request is too large.", "fr": "La requête est trop volumineuse."},
    "unsupported_media": {"en": "This content type is not supported.",
                          "fr": "Ce type de contenu n'est pas pris en charge."},
    "invalid_request": {"en": "Some fields are missing or invalid.",
                        "fr": "Certains champs sont absents ou invalides."},
    "rate_limited": {"en": "Too many requests; please wait a moment.",
                     "fr": "Trop de requêtes ; patientez un instant."},
    "internal_error": {"en": "Something went wrong on our side. Please try again later.",
                       "fr": "Une erreur s'est produite de notre côté. Réessayez plus tard."},
    "unavailable": _UNAVAILABLE,

    # --- the request itself (backend.api, backend.app) ------------------------------------
    "invalid_fields": {"en": "Some fields are missing or invalid: {where}.",
                       "fr": "Certains champs sont absents ou invalides : {where}."},
    "body_malformed": {
        "en": "The request body could not be read: send valid JSON (or multipart for photos).",
        "fr": "Le corps de la requête est illisible : envoyez du JSON valide (ou du multipart "
              "pour les photos).",
    },
    "body_too_large": {"en": "That upload is too large (limit {limit_mb} MB).",
                       "fr": "Ce fichier est trop volumineux (limite {limit_mb} Mo)."},
    "cors_refused": {"en": "This site may not call this address from a browser.",
                     "fr": "Ce site ne peut pas appeler cette adresse depuis un navigateur."},
    "database_unavailable": _UNAVAILABLE,
    "upload_malformed": {
        "en": "That upload could not be read; send one photo as multipart field 'file'.",
        "fr": "Cet envoi est illisible ; envoyez une photo dans le champ multipart « file ».",
    },
    "photo_missing": {"en": "Send the photo as the multipart field 'file'.",
                      "fr": "Envoyez la photo dans le champ multipart « file »."},

    # --- who is asking (backend.api.deps, backend.services.verification, upload_tokens) ----
    "service_token_invalid": {"en": "A valid service token is required.",
                              "fr": "Un jeton de service valide est requis."},
    "staff_token_invalid": {"en": "A valid staff token is required.",
                            "fr": "Un jeton d'équipe valide est requis."},
    "customer_token_missing": {"en": "Please verify your order first.",
                               "fr": "Merci de vérifier d'abord votre commande."},
    "customer_token_invalid": {
        "en": "Your verification has expired or is invalid. Please verify your order again.",
        "fr": "Votre vérification a expiré ou n'est pas valide. Merci de vérifier à nouveau "
              "votre commande.",
    },
    "verification_failed": {
        "en": "We couldn't verify those details. Please check the order number and the email "
              "or phone number used for the order.",
        "fr": "Nous n'avons pas pu vérifier ces informations. Vérifiez le numéro de commande et "
              "l'e-mail ou le numéro de téléphone utilisés pour la commande.",
    },
    "too_many_attempts": {
        "en": "Too many attempts. For your security, please try again in {wait} or ask for a "
              "person.",
        "fr": "Trop de tentatives. Par sécurité, réessayez dans {wait} ou demandez à parler à un "
              "conseiller.",
    },
    "conversation_not_verified": {
        "en": "Please verify your order again: this conversation is not verified (or no longer).",
        "fr": "Merci de vérifier à nouveau votre commande : cette conversation n'est pas "
              "(ou plus) vérifiée.",
    },
    "conversation_id_forbidden": {
        "en": "This conversation id can only be used by the assistant's own channels.",
        "fr": "Cet identifiant de conversation est réservé aux canaux de l'assistant.",
    },
    "conversation_id_invalid": {
        "en": "A conversation id has 1 to 80 letters, digits or : + _ . @ -",
        "fr": "Un identifiant de conversation compte 1 à 80 lettres, chiffres ou : + _ . @ -",
    },
    "upload_token_invalid": {
        "en": "This photo upload link has expired or is invalid. Please reload the chat and try "
              "again.",
        "fr": "Ce lien d'envoi de photo a expiré ou n'est pas valide. Rechargez la discussion et "
              "réessayez.",
    },
    "too_many_uploads": {"en": "Too many requests. Please wait a few minutes and try again.",
                         "fr": "Trop de demandes. Patientez quelques minutes puis réessayez."},

    # --- finding things (backend.queries) ------------------------------------------------
    "order_not_found": {"en": "We couldn't find that order for you.",
                        "fr": "Nous n'avons pas trouvé cette commande pour vous."},
    "return_not_found": {"en": "We couldn't find that return.",
                         "fr": "Nous n'avons pas trouvé ce retour."},
    "label_not_found": {"en": "No such label.", "fr": "Étiquette introuvable."},
    "refund_not_found": {"en": "No such refund.", "fr": "Remboursement introuvable."},

    # --- creating a return (backend.services.returns) ------------------------------------
    "no_lines": {"en": "Choose at least one item to return.",
                 "fr": "Choisissez au moins un article à retourner."},
    "duplicate_lines": {"en": "Each item may appear only once in a return.",
                        "fr": "Chaque article ne peut figurer qu'une fois dans un retour."},
    "line_not_in_order": {
        "en": "Order line {line_id} is not part of order {order_number}.",
        "fr": "La ligne {line_id} ne fait pas partie de la commande {order_number}.",
    },
    "unknown_reason": {"en": "Unknown reason '{reason}'. Use one of: {codes}.",
                       "fr": "Motif inconnu « {reason} ». Utilisez l'un de : {codes}."},
    "unknown_resolution": {"en": "Unknown resolution '{resolution}'. Use one of: {codes}.",
                           "fr": "Solution inconnue « {resolution} ». Utilisez l'une de : {codes}."},
    "quantity_not_returnable": {
        "en": "You can return at most {count} of this item.",
        "fr": "Vous pouvez retourner au plus {count} exemplaire(s) de cet article.",
    },
    "invalid_exchange": {"en": "An exchange needs another size or colour of the same product.",
                         "fr": "Un échange demande une autre taille ou couleur du même article."},
    "invalid_replacement": {
        "en": "A replacement is the same item again; for another size or colour, ask for an "
              "exchange.",
        "fr": "Un remplacement est le même article à l'identique ; pour une autre taille ou "
              "couleur, demandez un échange.",
    },
    "remedy_needs_conformity_reason": {
        "en": "A {resolution} is a remedy of the legal guarantee: it is only for an item that "
              "is faulty, damaged, not as described or not what was ordered (reasons: "
              "{reasons}). Otherwise choose a refund, an exchange or store credit.",
        "fr": "Le recours « {resolution} » relève de la garantie légale de conformité : il ne vaut "
              "que pour un article défectueux, abîmé, non conforme à sa description ou qui "
              "n'est pas celui commandé (motifs : {reasons}). Sinon, choisissez un "
              "remboursement, un échange ou un avoir.",
    },
    "photo_not_found": {"en": "Photo {photo_id} was not found.",
                        "fr": "Photo {photo_id} introuvable."},
    "photo_in_use": {"en": "Photo {photo_id} is already attached to a return.",
                     "fr": "La photo {photo_id} est déjà jointe à un retour."},
    "idempotency_key_reused": {
        "en": "This Idempotency-Key was already used for a different request.",
        "fr": "Cette clé d'idempotence a déjà servi pour une autre demande.",
    },
    "replacement_out_of_stock": {
        "en": "This item is out of stock, so it cannot be replaced right now. Please choose a "
              "repair or a refund.",
        "fr": "Cet article est en rupture de stock : il ne peut pas être remplacé pour "
              "l'instant. Choisissez une réparation ou un remboursement.",
    },
    "exchange_out_of_stock": {
        "en": "That size or colour just went out of stock. Please choose another option or a "
              "refund.",
        "fr": "Cette taille ou couleur vient d'être épuisée. Choisissez une autre option ou un "
              "remboursement.",
    },

    # --- moving a return (backend.services, backend.workflows) ---------------------------
    "illegal_transition": {
        "en": "A return that is '{current}' cannot become '{target}'. Allowed next: {allowed}.",
        "fr": "Un retour au statut « {current} » ne peut pas passer à « {target} ». Statuts "
              "possibles ensuite : {allowed}.",
    },
    "not_cancellable": {
        "en": "This return can no longer be cancelled: the parcel is already on its way or done.",
        "fr": "Ce retour ne peut plus être annulé : le colis est déjà en route ou traité.",
    },
    "unknown_status": {"en": "Unknown status '{status}'.", "fr": "Statut inconnu « {status} »."},
    "wrong_resolution": {"en": "This return resolves as '{expected}', not '{requested}'.",
                         "fr": "Ce retour se conclut par « {expected} », pas « {requested} »."},
    "label_not_allowed": {
        "en": "A label can only be issued for an approved return (this one is '{status}').",
        "fr": "Une étiquette n'est émise que pour un retour accepté (statut : « {status} »).",
    },
    "label_unavailable": {
        "en": "We couldn't create your return label right now. We'll send it as soon as the "
              "carrier answers; you can also ask again in a few minutes.",
        "fr": "Nous n'avons pas pu créer votre étiquette de retour pour le moment. Nous vous "
              "l'enverrons dès que le transporteur répondra ; vous pouvez aussi redemander "
              "dans quelques minutes.",
    },
    "refund_refused": {
        "en": "The payment provider refused this refund; our team will look into it.",
        "fr": "Le prestataire de paiement a refusé ce remboursement ; notre équipe va s'en "
              "occuper.",
    },
    "refund_failed": {
        "en": "The refund could not be issued right now; it will be retried.",
        "fr": "Le remboursement n'a pas pu être effectué pour le moment ; il sera relancé.",
    },
    "refund_already_issued": {"en": "This refund was already issued.",
                              "fr": "Ce remboursement a déjà été effectué."},
    "lines_not_in_return": {"en": "Lines {lines} are not part of return {rma}.",
                            "fr": "Les lignes {lines} ne font pas partie du retour {rma}."},
    "invalid_grade": {"en": "Grade must be one of {grades}.",
                      "fr": "La note doit être parmi {grades}."},
    "invalid_disposition": {"en": "Disposition must be one of {dispositions}.",
                            "fr": "La destination doit être parmi {dispositions}."},

    # --- photos (backend.services.photos, backend.documents.image_processing) ------------
    "photo_empty": {"en": "We didn't receive any photo. Please try sending it again.",
                    "fr": "Nous n'avons reçu aucune photo. Veuillez réessayer de l'envoyer."},
    "photo_too_large": {
        "en": "This photo is too large (the limit is {limit}). Please send a smaller photo, for "
              "example a screenshot of it.",
        "fr": "Cette photo est trop volumineuse (la limite est de {limit}). Veuillez envoyer une "
              "photo plus légère, par exemple une capture d'écran.",
    },
    "photo_not_an_image": {
        "en": "This file isn't a photo. Please send a photo in JPEG or PNG format.",
        "fr": "Ce fichier n'est pas une photo. Veuillez envoyer une photo au format JPEG ou PNG.",
    },
    "photo_unsupported_type": {
        "en": "We can't open this type of image. Please send the photo as a JPEG or PNG. On an "
              "iPhone, you can choose Settings > Camera > Formats > Most Compatible.",
        "fr": "Nous ne pouvons pas ouvrir ce type d'image. Veuillez envoyer la photo au format "
              "JPEG ou PNG. Sur iPhone, choisissez Réglages > Appareil photo > Formats > Le plus "
              "compatible.",
    },
    "photo_too_many_pixels": {
        "en": "This image's dimensions are too large for us to process. Please send a smaller "
              "photo, for example a screenshot of it.",
        "fr": "Les dimensions de cette image sont trop grandes pour que nous puissions la "
              "traiter. Veuillez envoyer une photo plus petite, par exemple une capture d'écran.",
    },
    "photo_corrupt": {
        "en": "This photo seems to be damaged or incomplete, so we couldn't open it. Please try "
              "sending it again.",
        "fr": "Cette photo semble endommagée ou incomplète, nous n'avons pas pu l'ouvrir. "
              "Veuillez réessayer de l'envoyer.",
    },
    "too_many_chat_photos": {
        "en": "This conversation already has {cap} photos, the most it can hold.",
        "fr": "Cette conversation compte déjà {cap} photos, le maximum.",
    },
    "too_many_line_photos": {"en": "At most {cap} photos per item.",
                             "fr": "{cap} photos au plus par article."},
    "return_line_not_found": {"en": "That item is not part of this return.",
                              "fr": "Cet article ne fait pas partie de ce retour."},
    "return_closed": {
        "en": "This return is closed; photos can no longer be added.",
        "fr": "Ce retour est clôturé ; il n'est plus possible d'ajouter des photos.",
    },

    # --- contacts (backend.services.sms_opt_outs, erasure) -------------------------------
    "phone_invalid": {
        "en": "A phone number in international form is needed, e.g. +33639981234.",
        "fr": "Il faut un numéro de téléphone au format international, par ex. +33639981234.",
    },
    "email_invalid": {"en": "That is not an email address.",
                      "fr": "Ce n'est pas une adresse e-mail."},

    # --- staff sign-in and accounts (backend.services.staff_*, backend.api.deps) ----------
    "staff_token_invalid": {
        "en": "Please sign in: a valid staff session or staff token is required.",
        "fr": "Merci de vous connecter : une session ou un jeton d'équipe valide est requis.",
    },
    "staff_session_expired": {
        "en": "Your session has ended (signed out, expired or unused for too long). Please sign in again.",
        "fr": "Votre session est terminée (déconnexion, expiration ou inactivité prolongée). "
              "Merci de vous reconnecter.",
    },
    "staff_login_failed": {
        "en": "This email and password do not match an active staff account.",
        "fr": "Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte d'équipe actif.",
    },
    "too_many_sign_ins": {
        "en": "Too many failed sign-ins. Please wait {wait} and try again.",
        "fr": "Trop de connexions échouées. Patientez {wait} puis réessayez.",
    },
    "staff_role_forbidden": {
        "en": "Your role ({role}) does not allow this. Ask a supervisor.",
        "fr": "Votre rôle ({role}) ne permet pas de faire ceci. Demandez à un superviseur.",
    },
    "staff_email_invalid": {"en": "This is not an email address.",
                            "fr": "Ceci n'est pas une adresse e-mail."},
    "staff_account_not_found": {"en": "There is no staff account with this email.",
                                "fr": "Aucun compte d'équipe n'a cette adresse e-mail."},
    "staff_role_invalid": {"en": "Unknown role '{role}': one of {roles}.",
                           "fr": "Rôle inconnu « {role} » : l'un de {roles}."},
    "staff_language_invalid": {"en": "The language must be en or fr.",
                               "fr": "La langue doit être en ou fr."},
    "staff_account_exists": {"en": "A staff account with this email already exists.",
                             "fr": "Un compte d'équipe existe déjà avec cette adresse e-mail."},
    "staff_password_too_short": {"en": "The password must have at least {length} characters.",
                                 "fr": "Le mot de passe doit compter au moins {length} caractères."},
    "staff_password_too_long": {"en": "The password must have at most {length} characters.",
                                "fr": "Le mot de passe doit compter au plus {length} caractères."},
    "staff_password_blank": {"en": "The password cannot be only spaces.",
                             "fr": "Le mot de passe ne peut pas être fait que d'espaces."},
    "csrf_failed": {
        "en": "This request lacks its security token (CSRF). Reload the page and try again.",
        "fr": "Il manque à cette requête son jeton de sécurité (CSRF). Rechargez la page et réessayez.",
    },
    "staff_not_found": {"en": "No such staff member.", "fr": "Ce membre de l'équipe n'existe pas."},

    # --- handoffs: a conversation with a person (backend.services.handoffs, workflows) -----
    "handoff_not_found": {"en": "No such handoff.", "fr": "Ce transfert n'existe pas."},
    "handoff_taken": {
        "en": "Someone else changed this conversation first; reload it.",
        "fr": "Quelqu'un d'autre a modifié cette conversation avant vous ; rechargez-la.",
    },
    "handoff_illegal_move": {
        "en": "A handoff that is {status} cannot {move}.",
        "fr": "Ce transfert est {status} : l'action « {move} » n'est plus possible.",
    },
    "no_closed_handoff": {"en": "There is no finished conversation with a person to rate.",
                          "fr": "Aucune conversation avec un conseiller à évaluer."},
    "no_open_handoff": {"en": "This conversation is not with a person.",
                        "fr": "Cette conversation n'est pas avec un conseiller."},
    "handoff_not_yours": {"en": "Claim this conversation before acting in it.",
                          "fr": "Prenez d'abord cette conversation en charge."},
    "handoff_not_claimed": {"en": "Claim this conversation before replying.",
                            "fr": "Prenez cette conversation en charge avant de répondre."},
    "handoff_nothing_to_retry": {"en": "Only a reply that failed to leave can be sent again.",
                                 "fr": "Seule une réponse non partie peut être renvoyée."},
    "handoff_assignee_role": {"en": "Conversations go to agents and supervisors only.",
                              "fr": "Les conversations ne vont qu'aux conseillers et superviseurs."},
    "assistant_unreachable": {
        "en": "The assistant could not be reached, so the conversation stays with you. Try again in a moment.",
        "fr": "L'assistant est injoignable : la conversation reste avec vous. Réessayez dans un instant.",
    },
    "handoff_not_claimed_for_return": {
        "en": "Only a conversation you hold lets you act on its return.",
        "fr": "Seule une conversation que vous avez prise en charge permet d'agir sur son retour."},
    "handoff_no_return": {"en": "This conversation has no return to act on.",
                          "fr": "Cette conversation n'a pas de retour sur lequel agir."},
    "reject_note_required": {
        "en": "Say why the return is refused (at most {max} characters).",
        "fr": "Indiquez pourquoi le retour est refusé ({max} caractères au plus)."},
    "return_not_in_review": {
        "en": "Only a return waiting for review can be approved or rejected here (this one is '{status}').",
        "fr": "Seul un retour en attente d'examen peut être accepté ou refusé ici (statut : « {status} »)."},
    "label_not_needed": {"en": "This return needs no label: the customer keeps the item.",
                         "fr": "Ce retour n'a pas besoin d'étiquette : le client garde l'article."},
    "override_reason_length": {
        "en": "Write why the policy is overridden, in {min} to {max} characters.",
        "fr": "Expliquez pourquoi la politique est contournée, en {min} à {max} caractères."},
    "override_not_allowed": {
        "en": "Only a return the policy refused when it was requested can be approved as an "
              "exception (this one is '{status}').",
        "fr": "Seul un retour refusé par la politique au moment de la demande peut être accepté "
              "à titre exceptionnel (statut : « {status} »)."},
    "handoff_photo_not_found": {"en": "No such photo in this conversation.",
                        "fr": "Aucune photo de ce nom dans cette conversation."},
    "handoff_too_many_photos": {"en": "This conversation already has {cap} photos from the team.",
                                "fr": "Cette conversation contient déjà {cap} photos de l'équipe."},
    "handoff_caption_too_long": {"en": "A photo's caption holds at most {limit} characters.",
                                 "fr": "La légende d'une photo fait au plus {limit} caractères."},
    "agent_media_not_found": {"en": "No such photo, or its link has expired.",
                              "fr": "Photo introuvable, ou son lien a expiré."},
    "kpi_range_reversed": {"en": "The period ends ({to}) before it starts ({start}).",
                           "fr": "La période se termine ({to}) avant de commencer ({start})."},
    "kpi_range_too_long": {"en": "A period covers at most {max} days (this one: {days}).",
                           "fr": "Une période couvre au plus {max} jours (celle-ci : {days})."},
    "kpi_date_out_of_range": {"en": "Give dates from {earliest} to {latest}.",
                              "fr": "Indiquez des dates du {earliest} au {latest}."},
    # --- the warehouse: inspection, dispositions, inventory (issue 14) -------------------
    "inspection_needs_received": {
        "en": "Only a received parcel can be inspected (this return is '{status}').",
        "fr": "Seul un colis reçu peut être inspecté (statut du retour : « {status} »)."},
    "inspection_line_ungraded": {
        "en": "Line {line} arrived but has no grade: grade every line that arrived.",
        "fr": "La ligne {line} est arrivée mais n'a pas de note : notez chaque ligne reçue."},
    "inspection_line_twice": {
        "en": "Line {line} is graded twice.", "fr": "La ligne {line} est notée deux fois."},
    "inspection_line_not_received": {
        "en": "Line {line}: no unit of it arrived, so there is nothing to grade.",
        "fr": "Ligne {line} : aucune unité n'est arrivée, il n'y a rien à noter."},
    "unknown_inspection_flags": {
        "en": "Unknown flags: {flags}. Flags are some of: {known}.",
        "fr": "Indicateurs inconnus : {flags}. Les indicateurs possibles : {known}."},
    "unknown_mismatches": {
        "en": "Unknown mismatches: {mismatches}. Possible: {known}.",
        "fr": "Écarts inconnus : {mismatches}. Possibles : {known}."},
    "reduction_reason_required": {
        "en": "Line {line}: a refund reduction needs its reason, one of: {reasons}.",
        "fr": "Ligne {line} : une réduction du remboursement doit avoir son motif, parmi : {reasons}."},
    "reduction_too_large": {
        "en": "Line {line}: the reduction ({amount}) is more than what is left to refund.",
        "fr": "Ligne {line} : la réduction ({amount}) dépasse ce qu'il reste à rembourser."},
    "refund_already_issued": {
        "en": "The refund of this return has already been paid: it can no longer be reduced.",
        "fr": "Le remboursement de ce retour a déjà été versé : il ne peut plus être réduit."},
    "refuse_needs_grade_d_mismatch": {
        "en": "Line {line}: a parcel is refused only for an unsellable item (grade D) that does "
              "not match the claim (a mismatch).",
        "fr": "Ligne {line} : un colis n'est refusé que pour un article invendable (note D) qui "
              "ne correspond pas à la demande (un écart)."},
    "warehouse_line_not_found": {"en": "No such return line.",
                                 "fr": "Ligne de retour introuvable."},
    "line_not_inspected": {
        "en": "This line has not been inspected yet: it has no disposition to change.",
        "fr": "Cette ligne n'a pas encore été inspectée : elle n'a pas de destination à changer."},
    "disposition_override_reason": {
        "en": "Write why the disposition is changed, in {min} to {max} characters.",
        "fr": "Expliquez pourquoi la destination est changée, en {min} à {max} caractères."},
    "disposition_unchanged": {
        "en": "The line already goes to {disposition}.",
        "fr": "La ligne a déjà pour destination : {disposition}."},
    "disposition_exception_invalid": {
        "en": "Disposal needs an exception code, one of: {codes}.",
        "fr": "L'élimination exige un code d'exception, parmi : {codes}."},
    "disposition_refused_by_law": {
        "en": "The law does not allow {disposition} for this item: it goes to {instead} "
              "({article}).",
        "fr": "La loi n'autorise pas : {disposition} pour cet article ; destination : {instead} "
              "({article})."},
    "override_units_gone": {
        "en": "The units of this line have already left (refurbishing done): the disposition "
              "can no longer be changed.",
        "fr": "Les unités de cette ligne sont déjà parties (reconditionnement terminé) : la "
              "destination ne peut plus être changée."},
    "stock_units_gone": {
        "en": "Those units are no longer in stock ({state} at {location}): they have already left.",
        "fr": "Ces unités ne sont plus en stock ({state} à {location}) : elles sont déjà parties."},
    "refurbish_not_waiting": {
        "en": "This line has nothing waiting on the repair bench.",
        "fr": "Cette ligne n'a rien en attente de reconditionnement."},
    "refurbish_target_invalid": {
        "en": "Refurbished units go to one of: {targets}.",
        "fr": "Les unités reconditionnées vont vers : {targets}."},
    "sku_not_found": {"en": "No product with the SKU {sku}.",
                      "fr": "Aucun produit avec la référence {sku}."},

    # --- the dock: scans, receipts, carrier scans (backend.services.receiving) -------------
    "warehouse_code_unknown": {
        "en": "No return matches '{scanned}'. Check the label, or type the RMA (R-XXXX-XXXX) or the "
              "tracking number.",
        "fr": "Aucun retour ne correspond à « {scanned} ». Vérifiez l'étiquette, ou saisissez le RMA "
              "(R-XXXX-XXXX) ou le numéro de suivi.",
    },
    "parcel_return_cancelled": {
        "en": "Return {rma} is {status}: do not accept this parcel. Set it aside for a supervisor.",
        "fr": "Le retour {rma} est {status} : n'acceptez pas ce colis. Mettez-le de côté pour un "
              "superviseur.",
    },
    "parcel_not_expected": {
        "en": "Return {rma} is {status}: it has no label yet, so no parcel is expected. Set it aside "
              "for a supervisor.",
        "fr": "Le retour {rma} est {status} : il n'a pas encore d'étiquette, aucun colis n'est "
              "attendu. Mettez-le de côté pour un superviseur.",
    },
    "parcel_already_done": {
        "en": "Return {rma} is already {status}: its parcel was received and dealt with. Set this "
              "parcel aside for a supervisor.",
        "fr": "Le retour {rma} est déjà {status} : son colis a été reçu et traité. Mettez ce colis "
              "de côté pour un superviseur.",
    },
    "receipt_closed": {
        "en": "Return {rma} is {status}: what arrived can only be counted before inspection.",
        "fr": "Le retour {rma} est {status} : la réception ne se compte qu'avant l'inspection.",
    },
    "receipt_duplicate_lines": {"en": "Count each line of the return only once.",
                                "fr": "Comptez chaque ligne du retour une seule fois."},
    "carrier_webhook_not_configured": {
        "en": "Carrier tracking updates are not enabled on this install.",
        "fr": "Les mises à jour de suivi des transporteurs ne sont pas activées sur cette installation.",
    },
    "carrier_signature_invalid": {
        "en": "The webhook signature is missing or does not match.",
        "fr": "La signature du webhook est absente ou ne correspond pas.",
    },
    "carrier_event_malformed": {
        "en": "This is not a carrier tracking event we can read.",
        "fr": "Ceci n'est pas un événement de suivi de transporteur lisible.",
    },
}

# Words some errors put in their placeholders.
NO_NEXT_STATUS: Localized = {"en": "none (final state)", "fr": "aucun (statut final)"}
FRAGMENTS: dict[str, Localized] = {"no_next_status": NO_NEXT_STATUS}

# Keys whose public code is another one: several wordings published under one code.
PUBLIC_CODES: dict[str, str] = {
    "invalid_fields": "invalid_request",
    "body_too_large": "too_large",
    "too_many_uploads": "rate_limited",
    "too_many_attempts": "rate_limited",
    "label_not_found": "not_found",
    "refund_not_found": "not_found",
    "no_lines": "invalid_return_request",
    "duplicate_lines": "invalid_return_request",
    "line_not_in_order": "invalid_return_request",
    "unknown_reason": "invalid_return_request",
    "unknown_resolution": "invalid_return_request",
    "lines_not_in_return": "invalid",
    "too_many_chat_photos": "too_many_photos",
    "too_many_sign_ins": "rate_limited",
    "staff_password_too_short": "staff_password_too_weak",
    "staff_password_too_long": "staff_password_too_weak",
    "staff_password_blank": "staff_password_too_weak",
    "too_many_line_photos": "too_many_photos",
    "handoff_too_many_photos": "too_many_photos",
    "agent_media_not_found": "not_found",
    "warehouse_line_not_found": "not_found",
    "sku_not_found": "not_found",
    "receipt_duplicate_lines": "invalid",
}


def error_code(key: str) -> str:
    """The public ``code`` of the error ``key`` (``KeyError`` for a key not in the catalogue)."""
    ERRORS[key]
    return PUBLIC_CODES.get(key, key)


def error_text(key: str, **params: Any) -> dict[str, str]:
    """The error's words in every language, its placeholders filled from ``params``."""
    return fill(ERRORS[key], **params)


def error_body(key: str, extra: Mapping[str, Any] | None = None, **params: Any) -> dict:
    """The API's error object: ``{"code", "message", "message_fr", **extra}``."""
    return {"code": error_code(key), **error_fields(error_text(key, **params)), **(extra or {})}
