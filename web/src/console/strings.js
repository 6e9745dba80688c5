// Every word the agent console shows, in English and French (one home for both).
export const STRINGS = {
  en: {
    queue: "Queue", conversation: "Conversation", context: "Context",
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
    slots: "Slots", failed_answers: "Failed answers: {n}", photos: "Photos",
    live_lost: "Live updates interrupted; reconnecting…", network_error: "The server could not be reached.",
    dismiss: "Dismiss", sign_out: "Sign out", reassign: "Reassign to…",
    attach_photo: "Attach a photo", photo_caption: "Caption (optional)", send_photo: "Send photo",
    remove_photo: "Remove", photo_not_image: "Only images can be sent.",
  },
  fr: {
    queue: "File d'attente", conversation: "Conversation", context: "Contexte",
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
    slots: "Slots", failed_answers: "Réponses échouées : {n}", photos: "Photos",
    live_lost: "Mises à jour interrompues ; reconnexion…", network_error: "Le serveur est injoignable.",
    dismiss: "Fermer", sign_out: "Se déconnecter", reassign: "Confier à…",
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

export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}
