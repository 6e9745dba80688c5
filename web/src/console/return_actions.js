// What an agent can do to the conversation's return, from the context panel: approve or
// reject one held for review, issue the label of an approved one, override the policy's
// refusal with a written reason. Only what the return allows now is offered (the API
// decides anyway); buttons are disabled while a request runs; drafts survive the live
// reloads that re-render the panel. Plain DOM, words from strings.js.
import { ApiError } from "./api.js";
import { fill } from "./strings.js";

const REASON_MIN = 10, REASON_MAX = 1000;
// Per handoff: the drafts being typed and whether a request is running.
const drafts = new Map();
const busy = new Set();

function draftOf(handoffId) {
  if (!drafts.has(handoffId)) drafts.set(handoffId, { note: "", reason: "", focused: null });
  return drafts.get(handoffId);
}

// Which actions the return allows now (the staff view says whether an override is possible).
export function availableActions(ret) {
  if (!ret) return [];
  if (ret.status === "needs_review") return ["approve", "reject"];
  if (ret.status === "approved" && !ret.label && !(ret.decision && ret.decision.returnless)) return ["label"];
  if (ret.status === "rejected" && ret.may_override) return ["override"];
  return [];
}

// The words of a transcript event written by these actions ("return_approved:RMA"), or null.
export function returnEventText(message, T) {
  const m = /^(return_[a-z_]+):(.+)$/.exec(message.text || "");
  if (!m || !T.ret_events[m[1]]) return null;
  const what = fill(T.ret_events[m[1]], { rma: m[2] });
  return message.author ? fill(T.ret_events.by, { what, name: message.author }) : what;
}

// The panel's section, or null when the return allows nothing now (or the conversation is
// not being worked). ``reload`` reloads the conversation once an action is done.
export function returnActions({ h, api, T, handoff, ret, showError, reload }) {
  const S = T.ret_actions;
  const id = handoff.id;
  const overrides = (ret && ret.overrides) || [];
  const done = overrides.map((o) => h("p", { class: "muted override-note", text: fill(S.overridden, { by: o.by, reason: o.reason }) }));
  const actions = handoff.status === "claimed" ? availableActions(ret) : [];
  if (!actions.length) return done.length ? h("section", { class: "ctx", id: "return-actions" }, h("h3", { text: S.title }), done) : null;

  const draft = draftOf(id);
  const controls = [];
  const run = async (action, body) => {
    busy.add(id);
    for (const el of controls) el.disabled = true;
    try {
      const view = await api.returnAction(id, action, body);
      if (action === "reject") draft.note = "";
      if (action === "override") draft.reason = "";
      if (view && view.follow_up_error) showError(new ApiError(200, view.follow_up_error));
    } catch (err) {
      showError(err);
    } finally {
      busy.delete(id);
      await reload(id);
    }
  };
  const textarea = (elId, key, placeholder, maxlength) => {
    const el = h("textarea", { id: elId, rows: 3, placeholder, "aria-label": placeholder, maxlength });
    el.value = draft[key];
    el.addEventListener("input", () => { draft[key] = el.value; });
    // A live reload re-renders the panel: the field being typed in keeps the focus.
    el.addEventListener("focus", () => { draft.focused = key; });
    el.addEventListener("blur", () => { if (el.isConnected) draft.focused = null; });
    if (draft.focused === key) setTimeout(() => { if (el.isConnected) el.focus(); }, 0);
    controls.push(el);
    return el;
  };
  const button = (elId, text, onclick, cls) => {
    const el = h("button", { type: "button", id: elId, class: cls, text, onclick });
    controls.push(el);
    return el;
  };
  const rows = [];
  if (actions.includes("approve")) {
    rows.push(h("div", { class: "row" }, button("return-approve", S.approve, () => run("approve"), "primary")));
  }
  if (actions.includes("reject")) {
    const note = textarea("reject-note", "note", S.reject_note, REASON_MAX);
    rows.push(h("div", { class: "col" }, note, button("return-reject", S.reject, () => {
      const text = note.value.trim();
      if (!text) { showError(new Error(S.note_required)); note.focus(); return; }
      run("reject", { note: text });
    })));
  }
  if (actions.includes("label")) {
    rows.push(h("div", { class: "row" }, button("return-label", S.label, () => run("label"), "primary")));
  }
  if (actions.includes("override")) {
    const reason = textarea("override-reason", "reason", S.override_reason, REASON_MAX);
    reason.required = true;
    reason.minLength = REASON_MIN;
    rows.push(h("div", { class: "col" }, reason, button("return-override", S.override, () => {
      const text = reason.value.trim();
      if (text.length < REASON_MIN || text.length > REASON_MAX) { showError(new Error(S.override_length)); reason.focus(); return; }
      if (!window.confirm(S.override_confirm)) return;
      run("override", { reason: text });
    })));
  }
  if (busy.has(id)) for (const el of controls) el.disabled = true;
  return h("section", { class: "ctx", id: "return-actions" }, h("h3", { text: S.title }), done, rows);
}
