// Every word the agent console shows, in English and French (one home for both).
export const STRINGS = {
  en: {
    queue: "Queue", conversation: "Conversation", context: "Context",
    views: { label: "Views", queue: "Queue", history: "History", board: "Board" },
    history: {
      title: "Past conversations", status_label: "Show", search_label: "Order number or RMA",
      search_placeholder: "BM-100001 or RMA…", search: "Search", clear: "Clear", more: "Show more",
      filters: { ended: "All ended", closed: "Closed", returned: "Returned to the bot", cancelled: "Cancelled" },
      empty: "No conversation found.", search_invalid: "Type at least 2 letters or digits of an order number or RMA (dashes allowed).",
      ended_at: "ended {at}", order: "order {n}", by: "by {name}", nobody: "never claimed", loading: "Loading…",
    },
    board: {
      title: "Supervisor board", waiting: "Waiting", claimed: "Claimed", oldest_wait: "Oldest wait",
      online: "Agents online", first_response: "First response today (median)", p80: "80% answered within",
      replies: "first replies: {n}", claim_time: "Time to claim today (median)", csat: "Rating today",
      csat_value: "{avg} / 5 ({n})", none: "—", agents: "Agents", name: "Name", is_online: "Online",
      claimed_now: "Claimed now", handled_today: "Handled today", avg_first_response: "Avg first response",
      yes: "online", no: "offline", no_agents: "No agent online or active today.",
      updated: "Updated {at}", first_response_help: "From the customer's request to the agent's first reply.",
    },
    empty_queue: "No one is waiting.", pick: "Pick a conversation in the queue.",
    waiting: "waiting {t}", verified: "verified", unverified: "unverified",
    status: { queued: "queued", claimed: "claimed", returned: "returned to the bot", closed: "closed", cancelled: "cancelled" },
    claimed_by: "claimed by {name}",
    claim: "Claim", release: "Release", hand_back: "Hand back to bot", close: "Close",
    reply_placeholder: "Reply to the customer (Enter sends, Shift+Enter for a new line)",
    send: "Send", note_placeholder: "Internal note for colleagues", add_note: "Add note",
    canned: "Canned replies", bot_phase: "With the bot", after_handoff: "With the team",
    who: { customer: "Customer", bot: "Bot", agent: "Agent", note: "Internal note", event: "Event" },
    delivered: "delivered", failed: "not delivered", retry: "retry", not_delivered_retry: "not delivered — retry",
    summary: "Summary", customer: "Customer", no_customer: "Unverified customer: no details.",
    orders: "Orders", order_verified: "verified order", the_return: "Return", no_return: "No return yet.",
    decision: "Decision", bot_view: "Bot's view", intent: "Intent", confidence: "Confidence",
    refund_due: "Refund due by {date}", refund_late: "refund late",
    legal_basis: { commercial: "shop policy", withdrawal: "withdrawal right", guarantee: "legal guarantee" },
    slots: "Slots", failed_answers: "Failed answers: {n}", photos: "Photos",
    live_lost: "Live updates interrupted; reconnecting…", network_error: "The server could not be reached.",
    dismiss: "Dismiss", sign_out: "Sign out", reassign: "Reassign to…",
    callback: { email: "answer by email", sms: "answer by SMS" },
    // Transcript events (codes stored by the backend; "reassign:Name" carries the name).
    events: {
      requested: "Asked for a person", claim: "Claimed", release: "Put back in the queue",
      reassign: "Reassigned to {name}", hand_back: "Handed back to the bot", close: "Closed",
      cancel: "Cancelled by the customer", hand_back_failed: "Hand-back failed: the assistant was unreachable",
      close_failed: "Closing failed: the assistant was unreachable",
      cancel_failed: "Cancel failed: the assistant was unreachable",
      callback_email: "The customer wants the answer by email", callback_sms: "The customer wants the answer by SMS",
      callback_sent_email: "Copy of the reply sent by email", callback_sent_sms: "Copy of the reply sent by SMS",
      callback_failed_email: "The copy by email could not be sent", callback_failed_sms: "The copy by SMS could not be sent",
      callback_unavailable_email: "No copy by email: no address on record",
      callback_unavailable_sms: "No copy by SMS: no number on record, or the customer replied STOP",
    },
    ret_actions: {
      title: "Act on the return", approve: "Approve", reject: "Reject",
      reject_note: "Why is it refused? (kept in the return's history)", label: "Issue label",
      override: "Override policy",
      override_reason: "Why approve against the policy? (10 to 1000 characters, audited)",
      override_confirm: "Approve this return as an exception to the policy? Your reason is recorded.",
      override_length: "Write a reason of 10 to 1000 characters.", note_required: "Write why it is refused.",
      overridden: "Approved as an exception by {by}: {reason}",
    },
    ret_events: {
      return_approved: "Return {rma} approved", return_rejected: "Return {rma} rejected",
      return_label_issued: "Label issued for return {rma}", return_overridden: "Return {rma} approved as an exception to the policy",
      by: "{what} by {name}",
    },
    attach_photo: "Attach a photo", photo_caption: "Caption (optional)", send_photo: "Send photo",
    remove_photo: "Remove", photo_not_image: "Only images can be sent.",
  },
  fr: {
    queue: "File d'attente", conversation: "Conversation", context: "Contexte",
    views: { label: "Vues", queue: "File d'attente", history: "Historique", board: "Supervision" },
    history: {
      title: "Conversations passées", status_label: "Afficher", search_label: "N° de commande ou RMA",
      search_placeholder: "BM-100001 ou RMA…", search: "Rechercher", clear: "Effacer", more: "Afficher plus",
      filters: { ended: "Toutes les terminées", closed: "Terminées", returned: "Rendues au bot", cancelled: "Annulées" },
      empty: "Aucune conversation trouvée.", search_invalid: "Saisissez au moins 2 lettres ou chiffres d'un n° de commande ou d'un RMA (tirets permis).",
      ended_at: "terminée {at}", order: "commande {n}", by: "par {name}", nobody: "jamais prise en charge", loading: "Chargement…",
    },
    board: {
      title: "Tableau de supervision", waiting: "En attente", claimed: "Prises en charge", oldest_wait: "Attente la plus longue",
      online: "Conseillers en ligne", first_response: "Première réponse aujourd'hui (médiane)", p80: "80 % répondues en moins de",
      replies: "premières réponses : {n}", claim_time: "Délai de prise en charge aujourd'hui (médiane)", csat: "Note aujourd'hui",
      csat_value: "{avg} / 5 ({n})", none: "—", agents: "Conseillers", name: "Nom", is_online: "En ligne",
      claimed_now: "En cours", handled_today: "Traitées aujourd'hui", avg_first_response: "1re réponse (moyenne)",
      yes: "en ligne", no: "hors ligne", no_agents: "Aucun conseiller en ligne ni actif aujourd'hui.",
      updated: "Mis à jour à {at}", first_response_help: "De la demande du client à la première réponse du conseiller.",
    },
    empty_queue: "Personne n'attend.", pick: "Choisissez une conversation dans la file.",
    waiting: "attend depuis {t}", verified: "vérifié", unverified: "non vérifié",
    status: { queued: "en attente", claimed: "prise en charge", returned: "rendue au bot", closed: "terminée", cancelled: "annulée" },
    claimed_by: "prise par {name}",
    claim: "Prendre", release: "Libérer", hand_back: "Rendre au bot", close: "Terminer",
    reply_placeholder: "Répondre au client (Entrée envoie, Maj+Entrée pour aller à la ligne)",
    send: "Envoyer", note_placeholder: "Note interne pour l'équipe", add_note: "Ajouter la note",
    canned: "Réponses types", bot_phase: "Avec le bot", after_handoff: "Avec l'équipe",
    who: { customer: "Client", bot: "Bot", agent: "Conseiller", note: "Note interne", event: "Événement" },
    delivered: "distribué", failed: "non distribué", retry: "réessayer", not_delivered_retry: "non distribué — réessayer",
    summary: "Résumé", customer: "Client", no_customer: "Client non vérifié : aucune information.",
    orders: "Commandes", order_verified: "commande vérifiée", the_return: "Retour", no_return: "Pas encore de retour.",
    decision: "Décision", bot_view: "Vue du bot", intent: "Intention", confidence: "Confiance",
    refund_due: "Remboursement dû avant le {date}", refund_late: "remboursement en retard",
    legal_basis: { commercial: "politique de la boutique", withdrawal: "droit de rétractation", guarantee: "garantie légale" },
    slots: "Slots", failed_answers: "Réponses échouées : {n}", photos: "Photos",
    live_lost: "Mises à jour interrompues ; reconnexion…", network_error: "Le serveur est injoignable.",
    dismiss: "Fermer", sign_out: "Se déconnecter", reassign: "Confier à…",
    callback: { email: "réponse par e-mail", sms: "réponse par SMS" },
    events: {
      requested: "A demandé un conseiller", claim: "Prise en charge", release: "Remise en file",
      reassign: "Confiée à {name}", hand_back: "Rendue au bot", close: "Terminée",
      cancel: "Annulée par le client", hand_back_failed: "Échec du retour au bot : l'assistant était injoignable",
      close_failed: "Échec de la clôture : l'assistant était injoignable",
      cancel_failed: "Échec de l'annulation : l'assistant était injoignable",
      callback_email: "Le client veut la réponse par e-mail", callback_sms: "Le client veut la réponse par SMS",
      callback_sent_email: "Copie de la réponse envoyée par e-mail", callback_sent_sms: "Copie de la réponse envoyée par SMS",
      callback_failed_email: "La copie par e-mail n'a pas pu partir", callback_failed_sms: "La copie par SMS n'a pas pu partir",
      callback_unavailable_email: "Pas de copie par e-mail : aucune adresse connue",
      callback_unavailable_sms: "Pas de copie par SMS : aucun numéro connu, ou le client a répondu STOP",
    },
    ret_actions: {
      title: "Agir sur le retour", approve: "Accepter", reject: "Refuser",
      reject_note: "Pourquoi est-il refusé ? (gardé dans l'historique du retour)", label: "Émettre l'étiquette",
      override: "Déroger à la politique",
      override_reason: "Pourquoi accepter malgré la politique ? (10 à 1000 caractères, tracé)",
      override_confirm: "Accepter ce retour à titre exceptionnel, en dérogation à la politique ? Votre motif est enregistré.",
      override_length: "Écrivez un motif de 10 à 1000 caractères.", note_required: "Indiquez pourquoi il est refusé.",
      overridden: "Accepté à titre exceptionnel par {by} : {reason}",
    },
    ret_events: {
      return_approved: "Retour {rma} accepté", return_rejected: "Retour {rma} refusé",
      return_label_issued: "Étiquette émise pour le retour {rma}", return_overridden: "Retour {rma} accepté en dérogation à la politique",
      by: "{what} par {name}",
    },
    attach_photo: "Joindre une photo", photo_caption: "Légende (facultative)", send_photo: "Envoyer la photo",
    remove_photo: "Retirer", photo_not_image: "Seules les images peuvent être envoyées.",
  },
};

// Canned replies, chosen by the conversation's language (not the agent's).
export const CANNED = {
  en: [
    "Hello, I'm looking into your return now.",
    "Could you send a photo of the item, please?",
    "Thank you for your patience, I'm checking with our warehouse.",
    "Your refund has been approved; you'll see it within 5 to 10 business days.",
  ],
  fr: [
    "Bonjour, je regarde votre retour tout de suite.",
    "Pourriez-vous envoyer une photo de l'article, s'il vous plaît ?",
    "Merci de votre patience, je vérifie auprès de notre entrepôt.",
    "Votre remboursement est accepté ; il apparaîtra sous 5 à 10 jours ouvrés.",
  ],
};

export function strings(lang) {
  return STRINGS[lang] || STRINGS.en;
}

export function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, (_m, k) => (k in params ? String(params[k]) : `{${k}}`));
}

// A transcript event's code in words ("reassign:Alice" → "Reassigned to Alice").
export function eventText(T, code) {
  const [key, ...rest] = String(code || "").split(":");
  const template = T.events[key];
  return template ? fill(template, { name: rest.join(":") }) : String(code || "");
}

export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}
