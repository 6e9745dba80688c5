// The socket.io side: Rasa's protocol (session_request → session_confirm, user_uttered →
// bot_uttered, plus agent_typing during a handoff) on the conversation id. Every (re)connection asks for the same session
// again, so Rasa keeps one conversation; messages wait until the session is confirmed. It
// also says the latest bot message shown (``since``, a Rasa timestamp): what was written
// while no socket was there (an agent's reply while the page was closed) is sent again.
import { io } from "socket.io-client";

export class Connection {
  constructor(rasaUrl, sessionId, { onMessage, onStatus, onTyping, metadata, since }) {
    this.sessionId = sessionId;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onTyping = onTyping || (() => {});
    this.metadata = metadata;
    this.since = since || (() => null);
    this.confirmed = false;
    this.waiting = [];
    this.socket = io(rasaUrl, { path: "/socket.io", reconnectionDelayMax: 5000, autoConnect: false });
    this.socket.on("connect", () => {
      const request = { session_id: this.sessionId, customData: this.metadata() };
      const since = this.since();
      if (typeof since === "number") request.since = since;
      this.socket.emit("session_request", request);
    });
    this.socket.on("session_confirm", () => {
      this.confirmed = true;
      this.onStatus("online");
      for (const payload of this.waiting.splice(0)) this.socket.emit("user_uttered", payload);
    });
    this.socket.on("bot_uttered", (message) => this.onMessage(message || {}));
    // During a handoff: an agent started or stopped typing (the backend tells Rasa).
    this.socket.on("agent_typing", (data) => this.onTyping(Boolean(data && data.typing)));
    this.socket.on("disconnect", (reason) => {
      this.confirmed = false;
      this.onStatus("offline");
      if (reason === "io server disconnect") this.socket.connect(); // the server hung up: call back
    });
    // The browser knows before the socket does: drop the dead connection at once and
    // reconnect as soon as the network is back, instead of waiting for ping time-outs.
    window.addEventListener("offline", () => this.socket.disconnect());
    window.addEventListener("online", () => { if (!this.socket.connected) this.socket.connect(); });
  }

  start() {
    if (navigator.onLine !== false) this.socket.connect();
    else this.onStatus("offline");
  }

  /** Send a user message (with its metadata); held back until the session is confirmed. */
  send(text, extraMetadata = {}) {
    const payload = { message: text, session_id: this.sessionId, customData: { ...this.metadata(), ...extraMetadata } };
    if (this.confirmed && this.socket.connected) this.socket.emit("user_uttered", payload);
    else this.waiting.push(payload);
  }
}
