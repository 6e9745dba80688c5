// Every text the widget shows, in English and French. What the bot says comes from Rasa.
export const STRINGS = {
  en: {
    title: "Returns assistant",
    open: "Chat with us",
    close: "Close the chat",
    log: "Conversation",
    input: "Your message",
    placeholder: "Type a message…",
    send: "Send",
    attach: "Add photos",
    removePhoto: "Remove this photo",
    photosToSend: "Photos to send",
    suggestions: "Suggested replies",
    typing: "The assistant is typing…",
    you: "You",
    bot: "Assistant",
    photos: (n) => (n === 1 ? "1 photo" : `${n} photos`),
    uploading: (name) => `Uploading ${name}`,
    uploadFailed: "A photo could not be sent. Please try again.",
    notImage: "Only images can be sent.",
    offline: "Connection lost. Reconnecting…",
    online: "Connected.",
    language: "Language",
    switchTo: "in English please",
    newTab: "(opens in a new tab)",
    welcome: "Hello! I can help you return or exchange an item, or tell you where your refund is.",
    waiting: "Waiting for a person…",
    cancelWaiting: "Cancel and go back to the assistant",
    agentTyping: "A member of our team is typing…",
    agent: "Our team",
    agentLabel: (name) => `${name}, our team`,
    image: "Image",
    agentPhoto: (name) => `Photo from ${name}`,
  },
  fr: {
    title: "Assistant retours",
    open: "Discuter avec nous",
    close: "Fermer la discussion",
    log: "Conversation",
    input: "Votre message",
    placeholder: "Écrivez un message…",
    send: "Envoyer",
    attach: "Ajouter des photos",
    removePhoto: "Retirer cette photo",
    photosToSend: "Photos à envoyer",
    suggestions: "Réponses suggérées",
    typing: "L'assistant écrit…",
    you: "Vous",
    bot: "Assistant",
    photos: (n) => (n === 1 ? "1 photo" : `${n} photos`),
    uploading: (name) => `Envoi de ${name}`,
    uploadFailed: "Une photo n'a pas pu être envoyée. Réessayez.",
    notImage: "Seules les images peuvent être envoyées.",
    offline: "Connexion perdue. Reconnexion…",
    online: "Connecté.",
    language: "Langue",
    switchTo: "en français",
    newTab: "(s'ouvre dans un nouvel onglet)",
    welcome: "Bonjour ! Je peux vous aider à retourner ou échanger un article, ou vous dire où en est votre remboursement.",
    waiting: "En attente d'un conseiller…",
    cancelWaiting: "Annuler et revenir à l'assistant",
    agentTyping: "Un membre de notre équipe écrit…",
    agent: "Notre équipe",
    agentLabel: (name) => `${name}, de notre équipe`,
    image: "Image",
    agentPhoto: (name) => `Photo de ${name}`,
  },
};

export const LANGUAGES = ["en", "fr"];

/** The language to start in: the embedder's choice, else the browser's, else English. */
export function pickLanguage(requested, stored) {
  for (const lang of [stored, requested, (navigator.language || "").slice(0, 2)]) {
    if (LANGUAGES.includes(lang)) return lang;
  }
  return "en";
}
