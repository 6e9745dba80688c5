// Every word the warehouse pages show, in English and French (one home for both). Words the
// backend owns (return reasons, dispositions, the law's guards) come from the page's
// data-words instead, so they are written once.
export const STRINGS = {
  en: {
    dismiss: "Dismiss", network_error: "The server could not be reached.", loading: "Loading…",
    dock: {
      scan_label: "Scan a parcel label (or type its RMA) and press Enter",
      scan_item_label: "Scan an item's SKU (or type it) and press Enter",
      scan_placeholder: "R-… or tracking number", item_placeholder: "SKU",
      open: "Enter", new_parcel: "Next parcel",
      order: "Order {n}", customer: "Customer: {name}", tracking: "Label: {carrier} {n}",
      sku: "SKU", item: "Item", reason: "Reason", expected: "Expected", received: "Received",
      less: "One less", more: "One more", count_label: "Received count for {sku}",
      unexpected: "Unexpected items", no_unexpected: "None.", code: "Code", quantity: "Qty", note: "Note",
      remove: "Remove", recorded_unexpected: "Already recorded",
      add_unexpected: "Add an unexpected item", receipt_note: "Note on this parcel (optional)",
      confirm: "Confirm receipt", confirming: "Recording…",
      confirm_missing: "Confirm with {n} missing",
      missing_warning: "{n} unit(s) not counted: they will be recorded as missing and the refund reduced for them. Scan them, or press again to confirm.",
      confirmed: "Receipt recorded: {received} of {expected} units.", missing: "Missing: {n} unit(s); the refund is reduced for them.",
      inspect: "Inspect this return",
      counted: "{sku}: {n} of {q}", unknown_item: "{code} is not in this return: added to the unexpected items.",
      extra_item: "{sku}: more than expected, the extra one is an unexpected item.",
      not_at_dock: "This return cannot be received now ({status}).",
      carrier_title: "Carrier scan: the carrier has a parcel (seen on its site or a drop-off receipt)",
      carrier_rma: "RMA of the parcel", carrier_note: "Where it was seen (optional)", carrier_submit: "Mark in transit",
      carrier_done: "{rma}: {status}.",
    },
    inspection: {
      return_note: "Note on the whole return (optional)",
      add_photo: "Add a photo", add_photo_for: "Add a photo of {name}",
      stock: "Stock of {sku} now: {n} sellable · grade B: {b} · refurbishing: {refurbish} · outlet: {hold}",
      back: "Back to the dock", not_received: "Not received yet ({status}): receive it at the dock first.",
      line_head: "{name} · {sku} · ×{q}", received: "Received: {n} of {q}",
      customer_reason: "Customer's reason", customer_text: "In their words", customer_photos: "Customer's photos",
      warehouse_photos: "Warehouse photos", no_photos: "No photo.", photo_alt: "Photo of {name}",
      grade: "Grade", flags: "Flags", notes: "Inspection notes", wrong_item: "Wrong item inside",
      reduction: "Refund reduction ({currency})", reduction_reason: "Reduction reason", none: "—",
      refuse: "Refuse this item (the return is rejected)",
      not_graded: "Not inspected: nothing of it arrived.", not_eligible: "Not eligible for a refund.",
      submit: "Record the inspection", submitting: "Recording…", missing_grade: "Choose a grade for every line.",
      result: "Disposition", rule: "Rule: {rule} (version {version})", guards: "The law's guards",
      recovery: "Recovered: {percent}% of the value, {amount}", mismatches: "Mismatches",
      override: "Override the disposition", override_to: "New disposition", override_reason: "Why (at least 5 characters)",
      override_exception: "Exception (disposal only)", override_submit: "Override", overrides: "Overrides",
      override_line: "{from} → {to} by {actor}: {reason}", inspected: "Inspection recorded.",
      reduced: "Refund reduced by {amount} ({reason}).",
    },
    refurbish: {
      empty: "Nothing is waiting in refurbishing.", rma: "Return", item: "Item", units: "Units", grade: "Grade",
      notes: "Inspection notes", since: "Inspected", location: "Location", done: "Done",
      to_b: "Done: to grade B stock", to_outlet: "Done: to the outlet",
      sent: "{sku} ({rma}) sent on: {to}.", to: { sellable_b: "grade B stock", resale_hold: "outlet (resale hold)" },
    },
    dashboard: {
      from: "From", to: "To", apply: "Show", csv: "Download CSV", register: "Disposal register (CSV)", period: "{from} – {to}",
      tiles: {
        return_rate_units: "Return rate (units)", return_rate_orders: "Return rate (orders)",
        return_rate_value: "Return rate (value)", cohort_return_rate: "Orders delivered, returned so far",
        recovery_rate: "Recovery rate", refund_on_time: "Refunds on time", refunds_late: "Refunds late: {n}",
        cost_per_return: "Cost per return", returns: "Returns requested",
        request_to_refunded: "Request → refund (median)", received_to_inspected: "Received → inspected (median)",
        dock_to_stock: "Dock to stock (median)", request_to_label: "Request → label (median)",
      },
      charts: {
        returns_per_week: "Returns per week", recovery_per_week: "Recovery rate per week",
        disposition_mix: "Disposition mix (units)", top_reasons: "Top reasons",
      },
      returns: "Returns", recovery: "Recovery rate", units: "Units", no_data: "No data for this period.",
      hours: "{n} h", days: "{n} d", bad_range: "The start date must come before the end date.",
    },
    grades: {
      N: "N · new, sealed", A: "A · as new", B: "B · opened, resellable", C: "C · damaged, repairable", D: "D · unsellable",
    },
    flags: {
      hygiene: "hygiene product", electrical: "electrical", battery: "battery", battery_damaged: "damaged battery",
      hazardous: "hazardous", recalled: "recalled", counterfeit: "counterfeit", unsafe: "unsafe",
      seal_broken: "seal broken", unrecyclable: "unrecyclable",
    },
    mismatches: {
      claimed_damage_not_found: "claimed damage not found", undeclared_damage: "undeclared damage",
      wrong_item: "wrong item inside", seal_broken_hygiene: "seal broken on a hygiene item",
    },
    reduction_reasons: {
      missing_items: "missing items", missing_parts: "missing parts", undeclared_damage: "undeclared damage",
      handling_beyond_trial: "handled beyond trying it",
    },
    exceptions: {
      hazardous: "hazardous", recall: "recall", counterfeit: "counterfeit", unsafe: "unsafe", unrecyclable: "unrecyclable",
    },
  },
  fr: {
    dismiss: "Fermer", network_error: "Le serveur est injoignable.", loading: "Chargement…",
    dock: {
      scan_label: "Scannez l'étiquette du colis (ou tapez son RMA) puis Entrée",
      scan_item_label: "Scannez le SKU d'un article (ou tapez-le) puis Entrée",
      scan_placeholder: "R-… ou numéro de suivi", item_placeholder: "SKU",
      open: "Valider", new_parcel: "Colis suivant",
      order: "Commande {n}", customer: "Client : {name}", tracking: "Étiquette : {carrier} {n}",
      sku: "SKU", item: "Article", reason: "Motif", expected: "Attendu", received: "Reçu",
      less: "Un de moins", more: "Un de plus", count_label: "Quantité reçue pour {sku}",
      unexpected: "Articles inattendus", no_unexpected: "Aucun.", code: "Code", quantity: "Qté", note: "Note",
      remove: "Retirer", recorded_unexpected: "Déjà enregistrés",
      add_unexpected: "Ajouter un article inattendu", receipt_note: "Note sur ce colis (facultatif)",
      confirm: "Confirmer la réception", confirming: "Enregistrement…",
      confirm_missing: "Confirmer avec {n} manquant(s)",
      missing_warning: "{n} unité(s) non comptée(s) : elles seront enregistrées comme manquantes et le remboursement réduit d'autant. Scannez-les, ou appuyez à nouveau pour confirmer.",
      confirmed: "Réception enregistrée : {received} sur {expected} unités.", missing: "Manquant : {n} unité(s) ; le remboursement est réduit d'autant.",
      inspect: "Inspecter ce retour",
      counted: "{sku} : {n} sur {q}", unknown_item: "{code} n'est pas dans ce retour : ajouté aux articles inattendus.",
      extra_item: "{sku} : plus que prévu, l'unité en trop est un article inattendu.",
      not_at_dock: "Ce retour ne peut pas être réceptionné maintenant ({status}).",
      carrier_title: "Scan transporteur : le transporteur a un colis (vu sur son site ou un reçu de dépôt)",
      carrier_rma: "RMA du colis", carrier_note: "Où il a été vu (facultatif)", carrier_submit: "Marquer en transit",
      carrier_done: "{rma} : {status}.",
    },
    inspection: {
      return_note: "Note sur l'ensemble du retour (facultatif)",
      add_photo: "Ajouter une photo", add_photo_for: "Ajouter une photo de {name}",
      stock: "Stock de {sku} maintenant : {n} vendables · note B : {b} · en reconditionnement : {refurbish} · déstockage : {hold}",
      back: "Retour au quai", not_received: "Pas encore reçu ({status}) : réceptionnez-le d'abord au quai.",
      line_head: "{name} · {sku} · ×{q}", received: "Reçu : {n} sur {q}",
      customer_reason: "Motif du client", customer_text: "Ses mots", customer_photos: "Photos du client",
      warehouse_photos: "Photos de l'entrepôt", no_photos: "Aucune photo.", photo_alt: "Photo de {name}",
      grade: "Note", flags: "Signalements", notes: "Notes d'inspection", wrong_item: "Mauvais article dans le colis",
      reduction: "Réduction du remboursement ({currency})", reduction_reason: "Motif de la réduction", none: "—",
      refuse: "Refuser cet article (le retour est rejeté)",
      not_graded: "Non inspecté : rien n'en est arrivé.", not_eligible: "Non remboursable.",
      submit: "Enregistrer l'inspection", submitting: "Enregistrement…", missing_grade: "Choisissez une note pour chaque ligne.",
      result: "Destination", rule: "Règle : {rule} (version {version})", guards: "Garde-fous de la loi",
      recovery: "Récupéré : {percent} % de la valeur, {amount}", mismatches: "Écarts",
      override: "Modifier la destination", override_to: "Nouvelle destination", override_reason: "Pourquoi (5 caractères au moins)",
      override_exception: "Exception (élimination seulement)", override_submit: "Modifier", overrides: "Modifications",
      override_line: "{from} → {to} par {actor} : {reason}", inspected: "Inspection enregistrée.",
      reduced: "Remboursement réduit de {amount} ({reason}).",
    },
    refurbish: {
      empty: "Rien n'attend en reconditionnement.", rma: "Retour", item: "Article", units: "Unités", grade: "Note",
      notes: "Notes d'inspection", since: "Inspecté", location: "Emplacement", done: "Terminé",
      to_b: "Terminé : vers le stock note B", to_outlet: "Terminé : vers le déstockage",
      sent: "{sku} ({rma}) envoyé : {to}.", to: { sellable_b: "stock note B", resale_hold: "déstockage (revente en attente)" },
    },
    dashboard: {
      from: "Du", to: "Au", apply: "Afficher", csv: "Télécharger le CSV", register: "Registre des sorties (CSV)", period: "{from} – {to}",
      tiles: {
        return_rate_units: "Taux de retour (unités)", return_rate_orders: "Taux de retour (commandes)",
        return_rate_value: "Taux de retour (valeur)", cohort_return_rate: "Commandes livrées, retournées depuis",
        recovery_rate: "Taux de valorisation", refund_on_time: "Remboursements dans les délais", refunds_late: "Remboursements en retard : {n}",
        cost_per_return: "Coût par retour", returns: "Retours demandés",
        request_to_refunded: "Demande → remboursement (médiane)", received_to_inspected: "Reçu → inspecté (médiane)",
        dock_to_stock: "Quai → stock (médiane)", request_to_label: "Demande → étiquette (médiane)",
      },
      charts: {
        returns_per_week: "Retours par semaine", recovery_per_week: "Taux de valorisation par semaine",
        disposition_mix: "Répartition des destinations (unités)", top_reasons: "Motifs principaux",
      },
      returns: "Retours", recovery: "Taux de valorisation", units: "Unités", no_data: "Aucune donnée sur cette période.",
      hours: "{n} h", days: "{n} j", bad_range: "La date de début doit précéder la date de fin.",
    },
    grades: {
      N: "N · neuf, scellé", A: "A · comme neuf", B: "B · ouvert, revendable", C: "C · abîmé, réparable", D: "D · invendable",
    },
    flags: {
      hygiene: "produit d'hygiène", electrical: "électrique", battery: "batterie", battery_damaged: "batterie endommagée",
      hazardous: "dangereux", recalled: "rappelé", counterfeit: "contrefaçon", unsafe: "dangereux à l'usage",
      seal_broken: "scellé rompu", unrecyclable: "non recyclable",
    },
    mismatches: {
      claimed_damage_not_found: "dommage déclaré introuvable", undeclared_damage: "dommage non déclaré",
      wrong_item: "mauvais article dans le colis", seal_broken_hygiene: "scellé rompu sur un produit d'hygiène",
    },
    reduction_reasons: {
      missing_items: "articles manquants", missing_parts: "pièces manquantes", undeclared_damage: "dommage non déclaré",
      handling_beyond_trial: "manipulé au-delà de l'essai",
    },
    exceptions: {
      hazardous: "dangereux", recall: "rappel", counterfeit: "contrefaçon", unsafe: "risque pour la sécurité",
      unrecyclable: "non recyclable",
    },
  },
};

export function strings(lang) {
  return STRINGS[lang] || STRINGS.en;
}

// "{n} of {q}" with the values given.
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (_m, key) => (values[key] === undefined ? `{${key}}` : values[key]));
}
