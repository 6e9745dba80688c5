// The dock (/warehouse): one focused field takes what a keyboard-wedge scanner types (the
// label's barcode, then Enter). With no parcel open it is the label: POST scan opens the
// return (and receives it when it was on its way). With a parcel open it is the items: an
// SKU of the return counts one more of that line (beyond the expected quantity, the extra
// one is an unexpected item), any other code is an unexpected item, and a label (an RMA)
// opens the next parcel. Counts can be set by hand; "Confirm receipt" records them.
import { h, $, warehouseApi } from "./common.js";
import { fill } from "./strings.js";

// The RMA on our labels (common/identifiers.py).
const RMA = /^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/i;
// Statuses the receipt may be recorded in (after it, the inspection page).
const RECEIVABLE = ["label_issued", "in_transit", "received"];

export function mountDock(page) {
  const { T, lang, words, call, guarded, clearErrors, localized } = page;
  const D = T.dock;
  const api = warehouseApi(call);
  const app = $("app");
  const state = { ret: null, counts: new Map(), unexpected: [], recorded: false };

  const input = h("input", { id: "scan", name: "code", type: "text", autocomplete: "off", spellcheck: "false",
    autocapitalize: "characters", placeholder: D.scan_placeholder, autofocus: true });
  const label = h("label", { for: "scan", id: "scan-label", text: D.scan_label });
  const nextButton = h("button", { type: "button", id: "next-parcel", text: D.new_parcel, hidden: true,
    onclick: () => { close(); focus(); } });
  const form = h("form", { id: "scan-form", class: "scan", autocomplete: "off", onsubmit: onScan },
    label, h("div", { class: "scan-row" }, input, h("button", { type: "submit", class: "primary", text: D.open }), nextButton));
  const notice = h("p", { id: "scan-notice", class: "notice", role: "status", "aria-live": "polite" });
  const parcel = h("section", { id: "parcel", "aria-live": "polite" });
  app.append(form, notice, parcel, carrierScan());

  // The staff action for a parcel the carrier has, seen elsewhere than at our dock (the
  // carrier's site, a drop-off receipt): proof of dispatch, the return goes in transit.
  function carrierScan() {
    const rmaInput = h("input", { type: "text", id: "carrier-rma", maxlength: "40", autocomplete: "off",
      placeholder: "R-XXXX-XXXX", "aria-label": D.carrier_rma });
    const noteInput = h("input", { type: "text", id: "carrier-note", maxlength: "1000", placeholder: D.carrier_note,
      "aria-label": D.carrier_note });
    const outcome = h("p", { id: "carrier-outcome", class: "notice", role: "status" });
    const carrierForm = h("form", { class: "carrier-scan", onsubmit: async (e) => {
      e.preventDefault();
      const rma = rmaInput.value.trim().toUpperCase();
      if (!rma) return;
      outcome.textContent = "";
      const ret = await guarded(() => api.carrierScan(rma, noteInput.value.trim() || null));
      if (ret) {
        clearErrors();
        outcome.textContent = fill(D.carrier_done, { rma: ret.rma, status: localized(ret.status_text) });
        rmaInput.value = "";
        noteInput.value = "";
      }
    } }, rmaInput, noteInput, h("button", { type: "submit", text: D.carrier_submit }), outcome);
    return h("details", { class: "carrier-box", id: "carrier-box" }, h("summary", { text: D.carrier_title }), carrierForm);
  }

  function focus() { input.focus(); }
  function say(text) { notice.textContent = text || ""; }

  function close() {
    state.ret = null;
    state.counts = new Map();
    state.unexpected = [];
    state.recorded = false;
    parcel.replaceChildren();
    parcel.removeAttribute("data-rma");
    label.textContent = D.scan_label;
    input.placeholder = D.scan_placeholder;
    nextButton.hidden = true;
    say("");
  }

  function open(ret) {
    clearErrors();
    state.ret = ret;
    state.counts = new Map(ret.lines.map((l) => [l.id, l.received_quantity == null ? 0 : l.received_quantity]));
    state.unexpected = [];
    state.recorded = false;
    label.textContent = D.scan_item_label;
    input.placeholder = D.item_placeholder;
    nextButton.hidden = false;
    say("");
    render();
    const url = new URL(window.location.href);
    url.searchParams.set("rma", ret.rma);
    window.history.replaceState(null, "", url);
  }

  async function onScan(event) {
    event.preventDefault();
    const code = input.value.trim();
    input.value = "";
    if (!code) return;
    if (!state.ret || RMA.test(code)) {
      const ret = await guarded(() => api.scan(code));
      if (ret) open(ret);
    } else {
      countItem(code);
    }
    focus();
  }

  function countItem(code) {
    const wanted = code.replace(/\s+/g, "").toUpperCase();
    const line = state.ret.lines.find((l) => l.sku.toUpperCase() === wanted);
    if (line) {
      const n = state.counts.get(line.id) || 0;
      if (n < line.quantity) {
        state.counts.set(line.id, n + 1);
        say(fill(D.counted, { sku: line.sku, n: n + 1, q: line.quantity }));
      } else {
        addUnexpected(line.sku);
        say(fill(D.extra_item, { sku: line.sku }));
      }
    } else {
      addUnexpected(code);
      say(fill(D.unknown_item, { code }));
    }
    state.recorded = false;
    render();
  }

  function addUnexpected(code) {
    const same = state.unexpected.find((u) => u.code.toUpperCase() === code.toUpperCase());
    if (same) same.quantity += 1;
    else state.unexpected.push({ code, quantity: 1, note: "" });
  }

  function setCount(line, value) {
    const n = Math.max(0, Math.min(line.quantity, Number.isFinite(value) ? Math.trunc(value) : 0));
    state.counts.set(line.id, n);
    state.recorded = false;
    render();
  }

  function lineRow(line) {
    const n = state.counts.get(line.id) || 0;
    const count = h("input", { type: "number", min: "0", max: String(line.quantity), value: String(n), class: "count",
      "aria-label": fill(D.count_label, { sku: line.sku }),
      onchange: (e) => setCount(line, Number(e.target.value)) });
    return h("tr", { class: `line${n === line.quantity ? " complete" : ""}`, dataset: { lineId: String(line.id), sku: line.sku } },
      h("td", { class: "sku", text: line.sku }),
      h("td", { text: localized(line.name) }),
      h("td", { text: words.reasons && words.reasons[line.reason_code] || line.reason_code }),
      h("td", { class: "expected", text: String(line.quantity) }),
      h("td", { class: "received" },
        h("button", { type: "button", class: "step", "aria-label": D.less, text: "−", disabled: n <= 0,
          onclick: () => { setCount(line, n - 1); focus(); } }),
        count,
        h("button", { type: "button", class: "step", "aria-label": D.more, text: "+", disabled: n >= line.quantity,
          onclick: () => { setCount(line, n + 1); focus(); } })));
  }

  function unexpectedList() {
    const recorded = state.ret.unexpected_items || [];
    const items = state.unexpected.map((u, index) => h("li", { class: "unexpected", dataset: { code: u.code } },
      h("span", { class: "code", text: u.code }),
      h("input", { type: "number", min: "1", value: String(u.quantity), class: "count", "aria-label": `${D.quantity} ${u.code}`,
        onchange: (e) => { u.quantity = Math.max(1, Math.trunc(Number(e.target.value) || 1)); } }),
      h("input", { type: "text", value: u.note, placeholder: D.note, maxlength: "500", "aria-label": `${D.note} ${u.code}`,
        onchange: (e) => { u.note = e.target.value; } }),
      h("button", { type: "button", class: "link", text: D.remove,
        onclick: () => { state.unexpected.splice(index, 1); render(); } })));
    const manual = h("input", { type: "text", id: "unexpected-code", placeholder: D.code, "aria-label": D.add_unexpected, maxlength: "64" });
    const add = h("form", { class: "add-unexpected", onsubmit: (e) => {
      e.preventDefault();
      const code = manual.value.trim();
      if (code) { addUnexpected(code); render(); }
      focus();
    } }, manual, h("button", { type: "submit", text: D.add_unexpected }));
    return h("section", { class: "unexpected-items" },
      h("h3", { text: D.unexpected }),
      recorded.length ? h("p", { class: "muted", id: "recorded-unexpected" },
        `${D.recorded_unexpected}: `, recorded.map((u) => `${u.code} ×${u.quantity}`).join(", ")) : null,
      items.length ? h("ul", { id: "unexpected-list" }, items) : h("p", { class: "muted", id: "unexpected-list", text: D.no_unexpected }),
      add);
  }

  function render() {
    const ret = state.ret;
    if (!ret) return;
    parcel.dataset.rma = ret.rma;
    parcel.dataset.status = ret.status;
    const receivable = RECEIVABLE.includes(ret.status);
    const head = h("div", { class: "parcel-head" },
      h("h2", { id: "parcel-rma", text: ret.rma }),
      h("span", { class: `badge status-${ret.status}`, id: "parcel-status", text: localized(ret.status_text) }),
      h("span", { class: "muted", text: fill(D.order, { n: ret.order_number }) }),
      h("span", { class: "muted", text: fill(D.customer, { name: ret.customer ? ret.customer.name : "" }) }),
      ret.label ? h("span", { class: "muted", text: fill(D.tracking, { carrier: ret.label.carrier, n: ret.label.tracking_number }) }) : null);
    const table = h("table", { id: "lines", class: "lines" },
      h("thead", {}, h("tr", {}, [D.sku, D.item, D.reason, D.expected, D.received].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ret.lines.map(lineRow)));
    const note = h("textarea", { id: "receipt-note", rows: "2", maxlength: "1000", placeholder: D.receipt_note, "aria-label": D.receipt_note });
    const confirm = h("button", { type: "button", class: "primary", id: "confirm-receipt", text: D.confirm, disabled: !receivable,
      onclick: () => confirmReceipt(confirm, note.value.trim()) });
    const inspect = h("a", { href: `/warehouse/returns/${encodeURIComponent(ret.rma)}?lang=${lang}`, id: "inspect-link",
      class: "button", text: D.inspect, hidden: !(state.recorded || ret.status === "received") });
    const outcome = h("p", { id: "receipt-outcome", role: "status" });
    if (state.recorded) {
      const expected = ret.lines.reduce((s, l) => s + l.quantity, 0);
      const received = ret.lines.reduce((s, l) => s + (l.received_quantity || 0), 0);
      outcome.append(fill(D.confirmed, { received, expected }));
      if (received < expected) outcome.append(" ", fill(D.missing, { n: expected - received }));
    }
    // (replaceChildren would write a null as the text "null")
    parcel.replaceChildren(...[head,
      receivable ? null : h("p", { class: "warning", text: fill(D.not_at_dock, { status: localized(ret.status_text) }) }),
      table, unexpectedList(), note, h("div", { class: "actions" }, confirm, inspect), outcome].filter(Boolean));
  }

  async function confirmReceipt(button, note) {
    const ret = state.ret;
    // Units not counted are recorded as missing, and the customer's refund is reduced for
    // them: a first press with units missing only says so; pressing again confirms.
    const counts = ret.lines.map((l) => state.counts.get(l.id) || 0);
    const missing = ret.lines.reduce((s, l, i) => s + Math.max(0, l.quantity - counts[i]), 0);
    const key = `${ret.rma}:${counts.join(",")}`;
    if (missing > 0 && state.missingAcknowledged !== key) {
      state.missingAcknowledged = key;
      button.textContent = fill(D.confirm_missing, { n: missing });
      const outcome = document.getElementById("receipt-outcome");
      outcome.replaceChildren(h("span", { class: "warning", text: fill(D.missing_warning, { n: missing }) }));
      return;
    }
    state.missingAcknowledged = null;
    button.disabled = true;
    button.textContent = D.confirming;
    const body = {
      lines: ret.lines.map((l) => ({ line_id: l.id, received_quantity: state.counts.get(l.id) || 0 })),
      unexpected: state.unexpected.map((u) => ({ code: u.code, quantity: u.quantity, note: u.note || null })),
      note: note || null,
    };
    const answer = await guarded(() => api.receipt(ret.rma, body));
    if (answer) {
      clearErrors();
      state.ret = answer;
      state.unexpected = [];
      state.counts = new Map(answer.lines.map((l) => [l.id, l.received_quantity == null ? 0 : l.received_quantity]));
      state.recorded = true;
      render();
      focus();
    } else {
      button.disabled = false;
      button.textContent = D.confirm;
    }
  }

  // A return named in the address (?rma=, e.g. after a reload): opened without receiving it.
  const asked = new URLSearchParams(window.location.search).get("rma");
  if (asked && RMA.test(asked)) {
    guarded(() => api.getReturn(asked)).then((ret) => { if (ret) open(ret); });
  }
  focus();
}
