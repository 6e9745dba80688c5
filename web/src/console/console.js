// The agent console at /agent: the live queue (left), one conversation (centre) and its
// context (right). Plain DOM, text only (never innerHTML), strings from strings.js.
import { makeApi, ApiError } from "./api.js";
import { strings, fill, duration, eventText, CANNED } from "./strings.js";
import { returnActions, returnEventText } from "./return_actions.js";
import { mountViews } from "./views.js";
import { photoReply } from "./photo_reply.js";
import { h, $ } from "../dom.js";

const root = document.documentElement;
const body = document.body;
const lang = root.lang === "fr" ? "fr" : "en";
const T = strings(lang);
const loginUrl = `/agent/login?lang=${lang}`;
let leaving = false;
const api = makeApi({
  csrfCookie: body.dataset.csrfCookie, csrfHeader: body.dataset.csrfHeader, lang,
  onUnauthorized: () => { if (!leaving) { leaving = true; window.location.assign(loginUrl); } },
});
const baseTitle = document.title;

const state = {
  queue: [], receivedAt: Date.now(), seenQueued: null, selectedId: null, detail: null,
  lastMessageId: null, selectedUpdatedAt: null, team: [],
};

// ---------- tiny DOM helpers ----------
function localized(value) {
  if (value && typeof value === "object") return value[lang] || value.en || "";
  return value == null ? "" : String(value);
}
// A calendar day from the API ("2026-12-19") in the agent's language, without a time zone
// shift (a date, not an instant).
function dayOf(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!m) return day || "";
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
    .toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
}
function timeOf(at) {
  if (!at) return "";
  const d = new Date(/Z|[+-]\d\d:?\d\d$/.test(at) ? at : `${at}Z`);
  return isNaN(d) ? "" : d.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
}

// ---------- errors: always shown ----------
function showError(err) {
  if (err instanceof ApiError && err.status === 401) return;
  const text = err instanceof ApiError ? err.text(lang) : (err && err.message) || T.network_error;
  const item = h("li", { class: "error" }, h("span", { text }),
    h("button", { type: "button", class: "link", text: T.dismiss, onclick: () => item.remove() }));
  $("errors").append(item);
}
async function guarded(fn) {
  try { return await fn(); } catch (err) { showError(err); return undefined; }
}

// ---------- sound: a short beep, once the page has been used ----------
let audio = null;
function unlockAudio() {
  if (audio) return;
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  try { audio = new Ctx(); } catch (_e) { audio = null; }
}
["pointerdown", "keydown"].forEach((ev) => window.addEventListener(ev, unlockAudio, { once: true, capture: true }));
function beep() {
  if (!audio) return;
  try {
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.type = "sine"; osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + 0.25);
    body.dataset.beeps = String(Number(body.dataset.beeps || 0) + 1);
  } catch (_e) { /* sound is a nicety */ }
}

// ---------- queue ----------
function waitedSeconds(item) {
  const extra = item.status === "queued" ? (Date.now() - state.receivedAt) / 1000 : 0;
  return (item.waiting_seconds || 0) + extra;
}
function renderQueue() {
  const list = $("queue-list");
  list.replaceChildren();
  if (!state.queue.length) list.append(h("li", { class: "muted", text: T.empty_queue }));
  for (const item of state.queue) {
    const li = h("li", { class: `queue-item${item.id === state.selectedId ? " selected" : ""}`,
      dataset: { handoffId: item.id, status: item.status } },
      h("button", { type: "button", class: "queue-open", onclick: () => select(item.id) },
        h("span", { class: "q-top" },
          h("strong", { text: `#${item.id}` }),
          h("span", { class: `badge status-${item.status}`, text: T.status[item.status] || item.status }),
          h("span", { class: `badge ${item.verified_customer ? "verified" : "unverified"}`,
            text: item.verified_customer ? T.verified : T.unverified })),
        h("span", { class: "q-meta" },
          h("span", { class: "channel", text: item.channel }), " · ",
          h("span", { class: "language", text: (item.language || "").toUpperCase() }), " · ",
          h("span", { class: "waited", dataset: { id: item.id }, text: fill(T.waiting, { t: duration(waitedSeconds(item)) }) })),
        item.assigned_to ? h("span", { class: "q-meta", text: fill(T.claimed_by, { name: item.assigned_to }) }) : null,
        item.reason ? h("span", { class: "q-reason", text: item.reason }) : null));
    list.append(li);
  }
  const waiting = state.queue.filter((i) => i.status === "queued").length;
  document.title = waiting ? `(${waiting}) ${baseTitle}` : baseTitle;
}
function tick() {
  for (const el of document.querySelectorAll(".waited")) {
    const item = state.queue.find((i) => String(i.id) === el.dataset.id);
    if (item) el.textContent = fill(T.waiting, { t: duration(waitedSeconds(item)) });
  }
}
function onQueue(snapshot) {
  state.queue = snapshot.handoffs || [];
  state.receivedAt = Date.now();
  const queuedNow = new Set(state.queue.filter((i) => i.status === "queued").map((i) => i.id));
  if (state.seenQueued !== null && [...queuedNow].some((id) => !state.seenQueued.has(id))) beep();
  state.seenQueued = new Set([...(state.seenQueued || []), ...queuedNow]);
  renderQueue();
  if (views) views.queueChanged();
  const selected = state.queue.find((i) => i.id === state.selectedId);
  const changed = snapshot.last_message_id !== state.lastMessageId
    || (selected && selected.updated_at !== state.selectedUpdatedAt);
  state.lastMessageId = snapshot.last_message_id;
  if (state.selectedId !== null && changed) load(state.selectedId);
}

let stream = null;
let views = null; // the tabs: queue, history, board (views.js)
function connect() {
  stream = new EventSource("/api/v1/agent/stream");
  stream.addEventListener("queue", (ev) => {
    $("live").hidden = true;
    try { onQueue(JSON.parse(ev.data)); } catch (err) { showError(err); }
  });
  stream.addEventListener("signed_out", () => { stream.close(); leaving = true; window.location.assign(loginUrl); });
  stream.onerror = () => {
    $("live").hidden = false;
    // A closed stream may mean the session ended: ask who we are (a 401 goes to sign-in).
    if (stream.readyState === EventSource.CLOSED) {
      guarded(api.me).then((me) => { if (me) setTimeout(connect, 3000); });
    }
  };
}

// ---------- conversation ----------
async function select(id) {
  if (state.selectedId !== id && typingOn && state.selectedId !== null) { clearTimeout(typingTimer); typing(state.selectedId, false); }
  state.selectedId = id;
  renderQueue();
  await load(id);
}
async function load(id) {
  const detail = await guarded(() => api.handoff(id));
  if (!detail || state.selectedId !== id) return;
  state.detail = detail;
  state.selectedUpdatedAt = detail.handoff.updated_at;
  renderConversation();
  renderContext();
}
async function act(verb) {
  const id = state.selectedId;
  const done = await guarded(() => api.action(id, verb));
  await load(id);
  return done;
}

function turnView(kind, text, meta, extra) {
  return h("li", { class: `turn ${kind}`, dataset: { kind } },
    h("div", { class: "who" }, h("strong", { text: meta.who }), meta.at ? h("span", { class: "at", text: meta.at }) : null),
    text ? h("div", { class: "text", text }) : null, extra || null);
}
function photo(handoffId, photoId) {
  return h("img", { class: "photo", src: api.photoUrl(handoffId, photoId), alt: photoId, loading: "lazy" });
}
function messageView(m, handoffId) {
  const who = m.kind === "agent" ? `${T.who.agent}${m.author ? ` · ${m.author}` : ""}`
    : m.kind === "note" ? `${T.who.note}${m.author ? ` · ${m.author}` : ""}` : (T.who[m.kind] || m.kind);
  const extra = [];
  if (m.photo_id) extra.push(photo(handoffId, m.photo_id));
  if (m.kind === "agent" && m.delivery === "failed") {
    extra.push(h("button", { type: "button", class: "retry delivery failed", text: T.not_delivered_retry,
      onclick: async () => { await guarded(() => api.retry(handoffId, m.id)); await load(handoffId); } }));
  } else if (m.kind === "agent" && m.delivery) {
    extra.push(h("span", { class: `delivery ${m.delivery}`, text: T[m.delivery] || m.delivery }));
  }
  const text = m.kind === "event" ? returnEventText(m, T) || eventText(T, m.text) : m.text;
  return turnView(m.kind, text, { who, at: timeOf(m.at) }, extra);
}

let typingTimer = null, typingOn = false;
function typing(id, on) {
  if (typingOn === on) return;
  typingOn = on;
  guarded(() => api.typing(id, on));
}
function composer(d) {
  const id = d.handoff.id;
  const reply = h("textarea", { id: "reply", rows: 3, placeholder: T.reply_placeholder, "aria-label": T.reply_placeholder });
  const send = async () => {
    const text = reply.value.trim();
    if (!text) return;
    clearTimeout(typingTimer); typing(id, false);
    reply.disabled = true;
    const sent = await guarded(() => api.reply(id, text));
    reply.disabled = false;
    if (sent) { reply.value = ""; const live = $("reply"); if (live) live.value = ""; }
    await load(id);
    const again = $("reply"); if (again) again.focus();
  };
  reply.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); send(); }
  });
  reply.addEventListener("input", () => {
    typing(id, true);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => typing(id, false), 2500);
  });
  const canned = h("select", { id: "canned", "aria-label": T.canned,
    onchange: (ev) => { if (ev.target.value) { reply.value = ev.target.value; reply.focus(); ev.target.value = ""; } } },
    h("option", { value: "", text: T.canned }),
    (CANNED[d.handoff.language] || CANNED.en).map((t) => h("option", { value: t, text: t })));
  const note = h("textarea", { id: "note", rows: 2, placeholder: T.note_placeholder, "aria-label": T.note_placeholder });
  const addNote = async () => {
    const text = note.value.trim();
    if (!text) return;
    if (await guarded(() => api.note(id, text))) { note.value = ""; const live = $("note"); if (live) live.value = ""; }
    await load(id);
  };
  return h("div", { class: "composer" },
    h("div", { class: "row" }, reply, h("div", { class: "col" },
      h("button", { type: "button", class: "primary", id: "send", text: T.send, onclick: send }), canned)),
    photoReply({ h, api, T, handoffId: id, onSent: () => load(id), onError: showError }),
    h("div", { class: "row note-row" }, note,
      h("button", { type: "button", id: "add-note", text: T.add_note, onclick: addNote })));
}

function renderConversation() {
  const d = state.detail, pane = $("conversation");
  // A live reload must not lose what the agent is typing.
  const kept = {};
  for (const id of ["reply", "note"]) {
    const el = $(id);
    if (el) kept[id] = { value: el.value, focused: document.activeElement === el, start: el.selectionStart, end: el.selectionEnd };
  }
  const keptFor = pane.dataset.handoffId;
  pane.replaceChildren();
  pane.dataset.handoffId = d ? String(d.handoff.id) : "";
  if (!d) { pane.append(h("p", { class: "muted", text: T.pick })); return; }
  const hd = d.handoff;
  const buttons = [];
  if (hd.status === "queued") buttons.push(h("button", { type: "button", class: "primary", text: T.claim, onclick: () => act("claim") }));
  if (hd.status === "claimed") {
    buttons.push(h("button", { type: "button", text: T.hand_back, onclick: () => act("handback") }));
    buttons.push(h("button", { type: "button", text: T.close, onclick: () => act("close") }));
    buttons.push(h("button", { type: "button", text: T.release, onclick: () => act("release") }));
    const others = state.team.filter((m) => m.id !== hd.assigned_staff_id);
    if (others.length) {
      buttons.push(h("select", { id: "reassign", "aria-label": T.reassign, onchange: async (ev) => {
        const staffId = Number(ev.target.value);
        if (!staffId) return;
        await guarded(() => api.reassign(hd.id, staffId));
        await load(hd.id);
      } }, h("option", { value: "", text: T.reassign }), others.map((m) => h("option", { value: m.id, text: m.name }))));
    }
  }
  pane.append(h("div", { class: "conv-head" },
    h("h2", {}, `#${hd.id} `, h("span", { id: "conv-status", class: `badge status-${hd.status}`, dataset: { status: hd.status },
      text: T.status[hd.status] || hd.status })),
    h("span", { class: "muted" }, `${hd.channel} · ${(hd.language || "").toUpperCase()}`,
      hd.assigned_to ? ` · ${fill(T.claimed_by, { name: hd.assigned_to })}` : "",
      hd.callback_via ? h("span", { class: "callback", id: "conv-callback", text: ` · ${T.callback[hd.callback_via] || hd.callback_via}` }) : null),
    h("div", { class: "actions" }, buttons)));
  const log = h("ol", { class: "log", id: "log" });
  if (d.history.length) {
    log.append(h("li", { class: "divider", text: T.bot_phase }));
    for (const t of d.history) {
      log.append(turnView(t.kind === "customer" ? "customer" : "bot", t.text,
        { who: T.who[t.kind] || t.kind, at: timeOf(t.at) },
        t.kind === "customer" && t.intent ? h("span", { class: "intent", text: `${t.intent} ${t.confidence != null ? Math.round(t.confidence * 100) + "%" : ""}` }) : null));
    }
  }
  log.append(h("li", { class: "divider", text: T.after_handoff }));
  for (const m of d.messages) log.append(messageView(m, hd.id));
  pane.append(log);
  const shown = new Set(d.messages.map((m) => m.photo_id).filter(Boolean));
  const others = d.photos.filter((p) => !shown.has(p.id));
  if (others.length) pane.append(h("div", { class: "photos" }, h("h3", { text: T.photos }), others.map((p) => photo(hd.id, p.id))));
  if (hd.status === "claimed") pane.append(composer(d));
  if (keptFor === String(hd.id)) {
    for (const [id, k] of Object.entries(kept)) {
      const el = $(id);
      if (!el) continue;
      el.value = k.value;
      if (k.focused) { el.focus(); try { el.setSelectionRange(k.start, k.end); } catch (_e) { /* ignore */ } }
    }
  }
  log.scrollTop = log.scrollHeight;
}

// ---------- context ----------
function section(title, ...children) {
  return h("section", { class: "ctx" }, h("h3", { text: title }), ...children);
}
function renderContext() {
  const d = state.detail, pane = $("context");
  pane.replaceChildren();
  if (!d) return;
  pane.append(section(T.summary, h("ul", { id: "summary" }, d.summary.map((l) => h("li", { text: l })))));
  const c = d.customer;
  pane.append(section(T.customer, c ? [
    h("p", {}, h("strong", { text: c.name })),
    h("p", { class: "muted", text: [c.email, c.phone].filter(Boolean).join(" · ") }),
    h("h4", { text: T.orders }),
    h("ul", {}, c.orders.map((o) => h("li", {}, o.number, o.verified ? h("span", { class: "badge verified", text: T.order_verified }) : null,
      h("span", { class: "muted", text: ` ${o.items.map((i) => `${i.quantity}× ${i.sku}`).join(", ")}` })))),
  ] : h("p", { class: "muted", text: T.no_customer })));
  const r = d.return;
  pane.append(section(T.the_return, r ? [
    h("p", {}, h("strong", { text: r.rma }), " · ", h("span", { class: "badge", text: localized(r.status_text) || r.status })),
    h("p", {}, `${T.decision}: `, h("span", { id: "reason-codes", text: (r.decision.reason_codes || []).join(", ") || "—" })),
    r.decision.explanation ? h("p", { class: "muted", text: localized(r.decision.explanation) }) : null,
    // The withdrawal right's legal refund deadline (L221-24), flagged once it has passed unpaid.
    r.refund_due_on ? h("p", { id: "refund-due" }, fill(T.refund_due, { date: dayOf(r.refund_due_on) }),
      r.refund_late ? [" ", h("span", { class: "badge late", id: "refund-late", text: T.refund_late })] : null) : null,
    h("ul", {}, (r.lines || []).map((l) => h("li", { text: `${l.quantity}× ${l.sku} · ${l.reason_code}${l.reason_codes && l.reason_codes.length ? " · " + l.reason_codes.join(", ") : ""}${l.legal_basis ? " · " + (T.legal_basis[l.legal_basis] || l.legal_basis) : ""}` }))),
  ] : h("p", { class: "muted", text: T.no_return })));
  const acting = r && returnActions({ h, api, T, handoff: d.handoff, ret: r, showError, reload: load });
  if (acting) pane.append(acting);
  const b = d.bot_view;
  pane.append(section(T.bot_view,
    h("table", { class: "bot-turns" }, h("thead", {}, h("tr", {}, h("th", { text: T.who.customer }), h("th", { text: T.intent }), h("th", { text: T.confidence }))),
      h("tbody", {}, b.turns.map((t) => h("tr", {}, h("td", { text: t.text }), h("td", { text: t.intent || "—" }),
        h("td", { text: t.confidence != null ? `${Math.round(t.confidence * 100)}%` : "—" }))))),
    h("h4", { text: T.slots }),
    h("dl", { class: "slots" }, Object.entries(b.slots).map(([k, v]) => [h("dt", { text: k }), h("dd", { text: typeof v === "object" ? JSON.stringify(v) : String(v) })])),
    h("p", { id: "failed-answers", text: fill(T.failed_answers, { n: b.failed_answers }) })));
}

// ---------- start ----------
function start() {
  const signOut = $("sign-out");
  signOut.addEventListener("click", async () => {
    signOut.disabled = true;
    leaving = true;
    try { await api.logout(); } catch (_e) { /* going to sign-in either way */ }
    window.location.assign(loginUrl);
  });
  body.dataset.lang = lang;
  $("live").textContent = T.live_lost;
  renderConversation();
  views = mountViews({ api, T, h, lang, role: $("staff-role").dataset.role, open: select, guarded });
  // The queue at once (and without a live stream), then live.
  guarded(api.queue).then((data) => {
    if (data && state.seenQueued === null) onQueue({ handoffs: data.handoffs, last_message_id: state.lastMessageId });
  });
  connect();
  setInterval(tick, 1000);
  guarded(api.me);
  guarded(api.team).then((data) => { if (data) { state.team = data.staff || []; if (state.detail) renderConversation(); } });
  body.dataset.ready = "1";
}
start();
