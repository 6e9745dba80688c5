// The chat panel: conversation log, suggested replies, typing indicator, photo tray and
// composer, language switch. State that must survive a reload goes through the Store.
//
// Handoffs (issue 11): a bot message carrying custom {"boomerang": {"handoff": "queued"}}
// puts the panel in "waiting for a person" mode (a banner with the way back to the
// assistant, no typing dots after the customer's messages: nobody answers at once) until
// the hand-back ("ended"), or any message from the bot itself. What an agent writes has
// metadata {"boomerang": {"from": "agent", "agent_name": …}}: their name is shown above it.
// "agent_typing" shows the dots while an agent types, never longer than AGENT_TYPING_MS.
import { Connection } from "./connection.js";
import { el, messageNode, safeImageUrl } from "./render.js";
import { LANGUAGES, STRINGS, pickLanguage } from "./strings.js";
import { Store } from "./store.js";
import { Uploads } from "./uploads.js";

const SEND_PHOTO = "/send_photo";
const CANCEL_HANDOFF = "/cancel_handoff";
const TYPING_GIVE_UP_MS = 60_000;
const AGENT_TYPING_MS = 10_000; // an agent's "typing" that is never followed up fades out
const PINNED_SLACK_PX = 24; // this close to the end of the log counts as reading the newest message

/** What a bot message says about a handoff: "queued", "ended" or null. */
function handoffMarker(data) {
  const custom = data && data.custom;
  const marker = custom && custom.boomerang && custom.boomerang.handoff;
  return marker === "queued" || marker === "ended" ? marker : null;
}

/** The agent's name when a person wrote this message, else null. */
function agentOf(data, fallback) {
  const meta = data && data.metadata && data.metadata.boomerang;
  if (!meta || meta.from !== "agent") return null;
  const name = typeof meta.agent_name === "string" ? meta.agent_name.trim().slice(0, 60) : "";
  return name || fallback;
}

/** The origin of the backend's address; one no image can have when it is unreadable. */
function originOf(url) {
  try { return new URL(url, document.baseURI).origin; } catch (_) { return "invalid:"; }
}

export class Chat {
  constructor(root, { rasaUrl, backendUrl, lang }) {
    this.root = root;
    this.store = new Store(rasaUrl);
    this.uploads = new Uploads(backendUrl, this.store);
    this.rasaUrl = rasaUrl;
    // Bot images (an agent's photos) are shown only from the backend that serves them.
    this.imageOrigin = originOf(backendUrl);
    this.lang = pickLanguage(lang, this.store.get("lang"));
    this.pending = []; // photos chosen but not sent yet: {file, url, progress}
    this.busy = false;
    this.waiting = this.store.get("handoff") === "queued"; // a person has been asked for
    this.lastSeen = Number(this.store.get("lastSeen")) || null; // Rasa timestamp of the latest bot message shown
    this.seen = new Set(); // bot messages shown at lastSeen (a message's paragraphs share it)
    this.build();
    this.restore();
  }

  get strings() { return STRINGS[this.lang]; }

  async start() {
    const sessionId = await this.uploads.conversationId();
    this.connection = new Connection(this.rasaUrl, sessionId, {
      onMessage: (message) => this.receive(message),
      onStatus: (status) => this.setStatus(status),
      onTyping: (typing) => this.setTyping(typing, "agent"),
      since: () => this.lastSeen,
      metadata: () => ({ language: this.lang }),
    });
    this.root.dataset.conversationId = sessionId;
    this.connection.start();
  }

  // --- building -----------------------------------------------------------------------

  build() {
    const id = (name) => `bmr-${name}-${Math.random().toString(36).slice(2, 8)}`;
    this.ids = { input: id("input"), files: id("files") };
    this.titleNode = el("h2", { className: "bmr-title" });
    this.langButtons = LANGUAGES.map((lang) => el("button", {
      type: "button", className: "bmr-lang", "data-lang": lang, text: lang.toUpperCase(),
      lang, onclick: () => this.switchLanguage(lang),
    }));
    this.langGroup = el("div", { className: "bmr-langs", role: "group" }, this.langButtons);
    this.log = el("div", { className: "bmr-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    this.typing = el("div", { className: "bmr-typing", hidden: true, "aria-hidden": "true" },
      [el("span"), el("span"), el("span")]);
    this.suggestions = el("div", { className: "bmr-suggestions", role: "group" });
    this.status = el("div", { className: "bmr-status", role: "status" });
    this.bannerText = el("span", { className: "bmr-banner-text" });
    this.cancelWaiting = el("button", { type: "button", className: "bmr-banner-cancel",
      onclick: () => this.say(this.strings.cancelWaiting, CANCEL_HANDOFF) });
    this.banner = el("div", { className: "bmr-banner", role: "status", hidden: true },
      [this.bannerText, this.cancelWaiting]);
    this.notice = el("div", { className: "bmr-notice", role: "alert" });
    this.tray = el("ul", { className: "bmr-tray", hidden: true });
    this.fileInput = el("input", { type: "file", accept: "image/*", multiple: true, id: this.ids.files,
      className: "bmr-file", onchange: () => this.addPhotos() });
    // The two buttons beside the box carry an icon and a text; a narrow panel shows only the
    // icon, so that long (French) labels never squeeze the box.
    this.attachText = el("span", { className: "bmr-button-text" });
    this.attachLabel = el("label", { for: this.ids.files, className: "bmr-attach" },
      [el("span", { className: "bmr-icon bmr-icon-attach", "aria-hidden": "true" }), this.attachText]);
    this.inputLabel = el("label", { for: this.ids.input, className: "bmr-sr-only" });
    this.input = el("input", { type: "text", id: this.ids.input, className: "bmr-input", autocomplete: "off", maxlength: "2000" });
    this.sendText = el("span", { className: "bmr-button-text" });
    this.sendButton = el("button", { type: "submit", className: "bmr-send" },
      [el("span", { className: "bmr-icon bmr-icon-send", "aria-hidden": "true" }), this.sendText]);
    this.form = el("form", { className: "bmr-composer", onsubmit: (event) => { event.preventDefault(); this.submit(); } },
      [this.fileInput, this.attachLabel, this.inputLabel, this.input, this.sendButton]);
    this.panel = el("section", { className: "bmr-panel" }, [
      el("header", { className: "bmr-header" }, [this.titleNode, this.langGroup]),
      this.banner, this.log, this.typing, this.status, this.notice, this.suggestions, this.tray, this.form,
    ]);
    // Keyboard users reach the file picker through its label; Enter/Space open it.
    this.fileInput.tabIndex = -1; // one tab stop and one button: the label stands for the input
    this.fileInput.setAttribute("aria-hidden", "true");
    this.attachLabel.tabIndex = 0;
    this.attachLabel.setAttribute("role", "button");
    this.attachLabel.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); this.fileInput.click(); }
    });
    this.root.append(this.panel);
    this.keepNewestInView();
    this.applyStrings();
  }

  /**
   * The log stays on its newest message while the customer has not scrolled away from it:
   * the suggested replies, the photo tray, a notice or the on-screen keyboard take room from
   * the log (it shrinks, its scroll position does not follow), and a picture in the newest
   * message can grow it after it is shown. Without this, the question just asked would sit
   * under the suggestions that answer it.
   */
  keepNewestInView() {
    this.pinned = true;
    this.log.addEventListener("scroll", () => {
      const log = this.log;
      const ours = Math.abs(log.scrollTop - this.scrolledTo) < 2; // scrollToNewest's own scroll
      this.pinned = ours || log.scrollHeight - log.scrollTop - log.clientHeight <= PINNED_SLACK_PX;
    }, { passive: true });
    if (typeof ResizeObserver !== "function") return;
    this.resizes = new ResizeObserver(() => { if (this.pinned) this.scrollToNewest(); });
    this.resizes.observe(this.log);
  }

  /** Scroll to the end of the log; a newest message taller than the log shows from its top. */
  scrollToNewest() {
    const log = this.log;
    const newest = log.lastElementChild;
    let target = log.scrollHeight - log.clientHeight;
    if (newest) {
      const top = newest.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop;
      const gap = parseFloat(getComputedStyle(log).paddingTop) || 0;
      target = Math.min(target, top - gap);
    }
    log.scrollTop = Math.max(0, target);
    this.scrolledTo = log.scrollTop;
    this.pinned = true;
  }

  /** Append a message to the log, follow it there, and watch it grow (a picture loading). */
  append(node, follow = true) {
    if (this.resizes && this.log.lastElementChild) this.resizes.unobserve(this.log.lastElementChild);
    this.log.append(node);
    if (this.resizes) this.resizes.observe(node);
    if (follow) this.scrollToNewest();
  }

  applyStrings() {
    const s = this.strings;
    this.panel.setAttribute("lang", this.lang);
    this.panel.setAttribute("aria-label", s.title);
    this.titleNode.textContent = s.title;
    this.langGroup.setAttribute("aria-label", s.language);
    for (const button of this.langButtons) {
      const lang = button.dataset.lang;
      button.setAttribute("aria-pressed", String(lang === this.lang));
      button.setAttribute("aria-label", lang === "fr" ? "Français" : "English");
    }
    this.log.setAttribute("aria-label", s.log);
    this.suggestions.setAttribute("aria-label", s.suggestions);
    this.tray.setAttribute("aria-label", s.photosToSend);
    this.attachText.textContent = s.attach;
    this.attachLabel.setAttribute("aria-label", s.attach);
    this.inputLabel.textContent = s.input;
    this.input.placeholder = s.placeholder;
    this.sendText.textContent = s.send;
    this.typing.title = this.typingWho === "agent" ? s.agentTyping : s.typing;
    this.bannerText.textContent = s.waiting;
    this.cancelWaiting.textContent = s.cancelWaiting;
    this.renderTray();
  }

  // --- conversation ---------------------------------------------------------------------

  restore() {
    this.setWaiting(this.waiting);
    const messages = this.store.get("messages");
    if (!messages.length) {
      this.show({ from: "bot", text: this.strings.welcome });
      return;
    }
    for (const message of messages) this.append(messageNode(message, this.strings, this.imageOrigin), false);
    // The suggestions still open: the last ones the bot gave since the customer last spoke.
    for (const message of messages) {
      if (message.from === "user") this.showSuggestions([]);
      else if (message.buttons) this.showSuggestions(message.buttons);
    }
    this.scrollToNewest();
  }

  show(message) {
    const { thumbnails, ...kept } = message;
    this.store.addMessage(kept);
    this.append(messageNode(message, this.strings, this.imageOrigin));
  }

  /** False for a bot message already shown (sent again after a reconnect). */
  fresh(data) {
    const stamp = typeof data.timestamp === "number" ? data.timestamp : null;
    if (stamp === null) return true;
    const key = JSON.stringify([stamp, data.text || null, data.attachment || null, data.custom || null]);
    if ((this.lastSeen !== null && stamp < this.lastSeen) || this.seen.has(key)) return false;
    if (this.lastSeen === null || stamp > this.lastSeen) {
      this.lastSeen = stamp;
      this.seen.clear();
      this.store.set({ lastSeen: stamp });
    }
    this.seen.add(key);
    return true;
  }

  receive(data) {
    if (!this.fresh(data)) return;
    this.setTyping(false);
    const buttons = (data.quick_replies || data.buttons || [])
      .filter((b) => b && b.title)
      .map((b) => ({ title: String(b.title), payload: String(b.payload || b.title) }));
    const attachment = data.attachment || {};
    const image = safeImageUrl(attachment.type === "image" && attachment.payload ? attachment.payload.src : data.image,
      this.imageOrigin);
    const text = typeof data.text === "string" ? data.text : null;
    const agent = agentOf(data, this.strings.agent);
    const marker = handoffMarker(data);
    if (marker) this.setWaiting(marker === "queued");
    if (!text && !image && !buttons.length) return;
    // The bot itself speaking again (not a person, no new handoff) means the wait is over,
    // even if the hand-back was missed (the page was closed).
    if (!agent && !marker && this.waiting) this.setWaiting(false);
    this.show({ from: "bot", text, image: image || null, buttons: buttons.length ? buttons : null, agent });
    // A reply often comes in several messages; the suggestions stay until the customer answers.
    if (buttons.length) this.showSuggestions(buttons);
  }

  showSuggestions(buttons) {
    this.suggestions.replaceChildren(...buttons.map((button) => el("button", {
      type: "button", className: "bmr-suggestion", text: button.title,
      onclick: () => this.say(button.title, button.payload),
    })));
  }

  /** Show ``shown`` as the customer's message and send ``sent`` (a payload or the text). */
  say(shown, sent, extra = {}, photos = []) {
    this.showSuggestions([]);
    this.show({ from: "user", text: shown, photos: photos.length || null, thumbnails: photos });
    this.connection.send(sent, extra);
    // Waiting for a person: nobody answers at once, so no dots (an agent's typing shows them).
    if (!this.waiting) this.setTyping(true);
    this.input.focus();
  }

  async submit() {
    if (this.busy) return;
    const text = this.input.value.trim();
    if (!text && !this.pending.length) return;
    this.notice.textContent = "";
    let photoIds = [];
    if (this.pending.length) {
      this.setBusy(true);
      try {
        photoIds = await this.uploadPending();
      } catch (error) {
        this.notice.textContent = (error.text && error.text(this.lang)) || this.strings.uploadFailed;
        this.setBusy(false);
        return;
      }
      this.setBusy(false);
    }
    const thumbnails = this.pending.map((photo) => photo.url);
    this.pending = [];
    this.renderTray();
    this.input.value = "";
    this.say(text, text || SEND_PHOTO, photoIds.length ? { photo_ids: photoIds } : {}, thumbnails);
  }

  switchLanguage(lang) {
    if (lang === this.lang) return;
    this.lang = lang;
    this.store.set({ lang });
    this.applyStrings();
    this.root.dispatchEvent(new CustomEvent("bmr-language", { detail: lang }));
    this.say(this.strings.switchTo, this.strings.switchTo);
  }

  // --- photos ---------------------------------------------------------------------------

  addPhotos() {
    const files = Array.from(this.fileInput.files || []);
    this.fileInput.value = "";
    const images = files.filter((file) => file.type.startsWith("image/"));
    this.notice.textContent = images.length < files.length ? this.strings.notImage : "";
    for (const file of images) this.pending.push({ file, url: URL.createObjectURL(file), progress: 0, id: null });
    this.renderTray();
    this.input.focus();
  }

  async uploadPending() {
    const ids = [];
    for (const photo of this.pending) {
      if (!photo.id) {
        photo.id = await this.uploads.upload(photo.file, (fraction) => {
          photo.progress = fraction;
          if (photo.bar) photo.bar.value = fraction;
        });
      }
      ids.push(photo.id);
    }
    return ids;
  }

  renderTray() {
    if (!this.tray) return;
    const s = this.strings;
    this.tray.hidden = this.pending.length === 0;
    this.tray.replaceChildren(...this.pending.map((photo, index) => {
      photo.bar = el("progress", { max: "1", value: String(photo.progress), "aria-label": s.uploading(photo.file.name) });
      return el("li", { className: "bmr-pending" }, [
        el("img", { src: photo.url, alt: photo.file.name, className: "bmr-thumb" }),
        photo.bar,
        el("button", { type: "button", className: "bmr-remove", "aria-label": `${s.removePhoto}: ${photo.file.name}`,
          text: "×", disabled: this.busy, onclick: () => this.removePhoto(index) }),
      ]);
    }));
  }

  removePhoto(index) {
    const [photo] = this.pending.splice(index, 1);
    if (photo) URL.revokeObjectURL(photo.url);
    this.renderTray();
    this.input.focus();
  }

  // --- state shown ----------------------------------------------------------------------

  setBusy(busy) {
    this.busy = busy;
    this.sendButton.disabled = busy;
    this.panel.setAttribute("aria-busy", String(busy));
    this.renderTray();
  }

  /** The typing dots: the assistant's after a message is sent, or an agent's (``who``). */
  setTyping(on, who = "bot") {
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    this.typingWho = on ? who : null;
    this.typing.title = who === "agent" && on ? this.strings.agentTyping : this.strings.typing;
    this.root.dataset.typing = on ? who : "";
    if (on) {
      this.typingTimer = setTimeout(() => this.setTyping(false), who === "agent" ? AGENT_TYPING_MS : TYPING_GIVE_UP_MS);
    }
  }

  /** "Waiting for a person" mode: the banner with the way back, and no typing dots. */
  setWaiting(on) {
    this.waiting = Boolean(on);
    this.store.set({ handoff: this.waiting ? "queued" : null });
    this.banner.hidden = !this.waiting;
    this.root.dataset.handoff = this.waiting ? "waiting" : "";
    if (this.waiting && this.typingWho === "bot") this.setTyping(false);
  }

  setStatus(status) {
    const wasOffline = this.root.dataset.status === "offline";
    this.root.dataset.status = status;
    if (status === "offline") {
      this.status.textContent = this.strings.offline;
      this.setTyping(false);
    } else {
      this.status.textContent = wasOffline ? this.strings.online : "";
    }
  }
}
