// What survives a reload: the conversation id, the upload token, the language and the
// messages already shown. Everything lives under one localStorage key per Rasa server,
// and a browser that refuses storage (private mode) still chats, only without memory.
const MAX_MESSAGES = 200;

export class Store {
  constructor(rasaUrl) {
    this.key = `boomerang-chat:${rasaUrl}`;
    this.state = { conversationId: null, uploadToken: null, tokenExpiresAt: 0, lang: null, messages: [] };
    try {
      const saved = JSON.parse(window.localStorage.getItem(this.key) || "null");
      if (saved && typeof saved === "object") Object.assign(this.state, saved);
    } catch (_) { /* unreadable or refused storage: start afresh */ }
    if (!Array.isArray(this.state.messages)) this.state.messages = [];
  }

  get(name) { return this.state[name]; }

  set(values) {
    Object.assign(this.state, values);
    this.save();
  }

  addMessage(message) {
    this.state.messages.push(message);
    if (this.state.messages.length > MAX_MESSAGES) this.state.messages.splice(0, this.state.messages.length - MAX_MESSAGES);
    this.save();
  }

  save() {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(this.state));
    } catch (_) { /* full or refused: the conversation goes on, unremembered */ }
  }
}
