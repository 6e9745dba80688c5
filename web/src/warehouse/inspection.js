// One return's inspection (/warehouse/returns/{rma}): per line what the customer said (reason,
// their words, their photos) beside the grade buttons N/A/B/C/D, flags, notes and a refund
// reduction with its reason; recording it answers each line's disposition, shown with its
// rule, the law's guards and the value recovered, and a form to override it (with a reason).
import { h, $, warehouseApi } from "./common.js";
import { fill } from "./strings.js";

const INSPECTABLE = "received";
const REDUCTION_REASONS = ["missing_parts", "undeclared_damage", "handling_beyond_trial"];

export function mountInspection(page) {
  const { T, lang, words, call, guarded, clearErrors, localized, money, body } = page;
  const I = T.inspection;
  const api = warehouseApi(call);
  const app = $("app");
  const rma = body.dataset.rma;
  const view = h("section", { id: "inspection", dataset: { rma } });
  app.append(h("p", {}, h("a", { href: `/warehouse?lang=${lang}`, id: "back-to-dock", text: I.back })), view);

  const grades = words.grades || ["N", "A", "B", "C", "D"];
  const flags = words.flags || [];
  const dispositions = Object.keys(words.dispositions || {});
  const dispositionName = (code) => (words.dispositions && words.dispositions[code]) || code || "";
  const toInspect = (l) => l.eligible && (l.received_quantity || 0) > 0;

  function photos(list, name, title) {
    return h("div", { class: "photos" }, h("h4", { text: title }),
      list.length ? list.map((p) => h("a", { href: p.url, target: "_blank", rel: "noopener" },
        h("img", { src: p.url, alt: fill(I.photo_alt, { name }), loading: "lazy", class: "thumb" })))
        : h("p", { class: "muted", text: I.no_photos }));
  }

  function customerSide(line) {
    const name = localized(line.name);
    return h("div", { class: "customer-side" },
      h("p", {}, h("strong", { text: `${I.customer_reason}: ` }),
        h("span", { class: "reason", text: (words.reasons && words.reasons[line.reason_code]) || line.reason_code })),
      line.reason_text ? h("blockquote", { class: "reason-text", lang: undefined, text: line.reason_text }) : null,
      photos(line.customer_photos || [], name, I.customer_photos),
      warehousePhotos(line));
  }

  // The inspector's own photos of a line (evidence for a grade or a reduction): shown, and
  // added once something of the line arrived (POST /api/v1/warehouse/lines/{id}/photos).
  function warehousePhotos(line) {
    const name = localized(line.name);
    const list = line.warehouse_photos || [];
    const canAdd = (line.received_quantity || 0) > 0;
    if (!list.length && !canAdd) return null;
    const box = h("div", { class: "warehouse-photos", dataset: { lineId: String(line.id) } },
      photos(list, name, I.warehouse_photos));
    if (canAdd) {
      const input = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp,image/heic", capture: "environment",
        "aria-label": fill(I.add_photo_for, { name }), class: "photo-input" });
      input.addEventListener("change", async () => {
        const file = input.files && input.files[0];
        if (!file) return;
        const form = new FormData();
        form.append("file", file, file.name || "photo.jpg");
        input.disabled = true;
        const answer = await guarded(() => call("POST", `/api/v1/warehouse/lines/${line.id}/photos`, form));
        input.disabled = false;
        input.value = "";
        const updated = answer && answer.lines ? answer.lines.find((l) => l.id === line.id) : null;
        if (updated) { clearErrors(); box.replaceWith(warehousePhotos(updated) || h("span")); }
      });
      box.append(h("label", { class: "add-photo" }, I.add_photo, input));
    }
    return box;
  }

  // What the stock of the line's SKU holds now (GET /api/v1/inventory/{sku}), after its
  // disposition moved it; a failure leaves the line as it is (this is only a hint).
  async function showStock(line, into) {
    let stock = null;
    try { stock = await call("GET", `/api/v1/inventory/${encodeURIComponent(line.sku)}`); } catch (_e) { return; }
    if (!stock || !into.isConnected) return;
    const by = stock.by_state || {};
    into.textContent = fill(I.stock, { sku: stock.sku, n: stock.on_hand, b: by.sellable_b || 0,
      refurbish: by.refurbish || 0, hold: by.resale_hold || 0 });
  }

  function gradeForm(line, currency) {
    const id = line.id;
    const gradeButtons = h("fieldset", { class: "grades" }, h("legend", { text: I.grade }),
      grades.map((g) => h("label", { class: "grade" },
        h("input", { type: "radio", name: `grade-${id}`, value: g, checked: line.grade === g }),
        h("span", { text: (T.grades && T.grades[g]) || g }))));
    const flagBoxes = h("fieldset", { class: "flags" }, h("legend", { text: I.flags }),
      flags.map((f) => h("label", { class: "flag" },
        h("input", { type: "checkbox", name: `flag-${id}`, value: f,
          checked: (line.inspection_flags || []).includes(f) || (f === "hygiene" && line.hygiene) }),
        h("span", { text: (T.flags && T.flags[f]) || f }))),
      h("label", { class: "flag" }, h("input", { type: "checkbox", name: `wrong-item-${id}`,
        checked: (line.mismatches || []).includes("wrong_item") }), h("span", { text: I.wrong_item })));
    const notes = h("textarea", { name: `notes-${id}`, rows: "2", maxlength: "2000", "aria-label": I.notes,
      placeholder: I.notes, value: line.inspection_notes || "" });
    const reduction = h("input", { type: "number", name: `reduction-${id}`, min: "0", step: "0.01",
      "aria-label": fill(I.reduction, { currency }) });
    const reason = h("select", { name: `reduction-reason-${id}`, "aria-label": I.reduction_reason },
      h("option", { value: "", text: I.none }),
      REDUCTION_REASONS.map((r) => h("option", { value: r, text: T.reduction_reasons[r] || r })));
    const refuse = h("label", { class: "flag" }, h("input", { type: "checkbox", name: `refuse-${id}` }), h("span", { text: I.refuse }));
    return h("div", { class: "grade-form" }, gradeButtons, flagBoxes,
      h("label", {}, I.notes, notes),
      h("div", { class: "reduction" },
        h("label", {}, fill(I.reduction, { currency }), reduction),
        h("label", {}, I.reduction_reason, reason)),
      refuse);
  }

  function lineBody(line) {
    const form = document.querySelector(`#inspection-form [data-line-id="${line.id}"]`);
    const get = (name) => form.querySelector(`[name="${name}-${line.id}"]`);
    const grade = form.querySelector(`input[name="grade-${line.id}"]:checked`);
    const out = {
      line_id: line.id, grade: grade ? grade.value : null,
      flags: [...form.querySelectorAll(`input[name="flag-${line.id}"]:checked`)].map((b) => b.value),
      notes: get("notes").value.trim() || null,
    };
    const reduction = get("reduction").value;
    if (reduction !== "" && Number(reduction) > 0) {
      out.reduction_minor = Math.round(Number(reduction) * 100);
      out.reduction_reason = get("reduction-reason").value || null;
    }
    if (get("wrong-item").checked) out.mismatches = ["wrong_item"];
    if (get("refuse").checked) out.refuse = true;
    return out;
  }

  function result(line, ret) {
    if (!line.disposition) return null;
    const guards = line.disposition_guards || [];
    const mismatches = line.mismatches || [];
    const overrides = line.overrides || [];
    return h("div", { class: "disposition", dataset: { disposition: line.disposition } },
      h("p", {}, h("strong", { text: `${I.result}: ` }), h("span", { class: "disposition-name", text: dispositionName(line.disposition) }),
        line.grade ? h("span", { class: "badge", text: (T.grades && T.grades[line.grade]) || line.grade }) : null),
      line.disposition_explanation ? h("p", { class: "explanation", text: localized(line.disposition_explanation) }) : null,
      // The explanation names the rule (and its file and line); without it, the rule's name.
      line.disposition_rule && !line.disposition_explanation ? h("p", { class: "muted rule", text: fill(I.rule, { rule: line.disposition_rule,
        version: line.disposition_rules_version || "?" }) }) : null,
      guards.length ? h("div", { class: "guards" }, h("h4", { text: I.guards }),
        h("ul", {}, guards.map((g) => h("li", { text: (words.guards && words.guards[g]) || g })))) : null,
      line.recovery_percent != null ? h("p", { class: "recovery", text: fill(I.recovery, { percent: line.recovery_percent,
        amount: money(line.value_recovered_minor || 0, ret.currency) }) }) : null,
      mismatches.length ? h("p", { class: "mismatches" }, h("strong", { text: `${I.mismatches}: ` }),
        mismatches.map((m) => (T.mismatches && T.mismatches[m]) || m).join(", ")) : null,
      line.refund_reduction_minor ? h("p", { class: "reduced", text: fill(I.reduced, { amount: money(line.refund_reduction_minor, ret.currency),
        reason: (T.reduction_reasons && T.reduction_reasons[line.refund_reduction_reason]) || line.refund_reduction_reason || "" }) }) : null,
      overrides.length ? h("div", { class: "overrides" }, h("h4", { text: I.overrides }), h("ul", {}, overrides.map((o) =>
        h("li", { text: fill(I.override_line, { from: dispositionName(o.from_disposition || o.from),
          to: dispositionName(o.to_disposition || o.disposition || o.to), actor: o.actor || "", reason: o.reason || "" }) })))) : null,
      stockHint(line),
      overrideForm(line));
  }

  function stockHint(line) {
    const hint = h("p", { class: "muted stock", dataset: { sku: line.sku } });
    showStock(line, hint);
    return hint;
  }

  function overrideForm(line) {
    const select = h("select", { name: "disposition", "aria-label": I.override_to },
      dispositions.map((d) => h("option", { value: d, text: dispositionName(d), selected: d === line.disposition })));
    const reason = h("input", { type: "text", name: "reason", minlength: "5", maxlength: "500", required: true, "aria-label": I.override_reason,
      placeholder: I.override_reason });
    const exception = h("select", { name: "exception", "aria-label": I.override_exception },
      h("option", { value: "", text: I.none }),
      (words.exceptions || []).map((e) => h("option", { value: e, text: (T.exceptions && T.exceptions[e]) || e })));
    const form = h("form", { class: "override", dataset: { lineId: String(line.id) }, onsubmit: async (e) => {
      e.preventDefault();
      const body = { disposition: select.value, reason: reason.value.trim() };
      if (exception.value) body.exception = exception.value;
      const answer = await guarded(() => api.override(line.id, body));
      if (answer) {
        clearErrors();
        const ret = answer.lines ? answer : await guarded(() => api.getReturn(rma));
        if (ret) render(ret);
      }
    } }, h("span", { class: "override-title", text: I.override }),
      h("label", {}, I.override_to, select), h("label", {}, I.override_reason, reason),
      h("label", {}, I.override_exception, exception),
      h("button", { type: "submit", text: I.override_submit }));
    return h("details", { class: "override-box" }, h("summary", { text: I.override }), form);
  }

  function render(ret, message) {
    view.dataset.status = ret.status;
    const inspectable = ret.status === INSPECTABLE;
    const head = h("div", { class: "parcel-head" },
      h("h2", { id: "return-rma", text: ret.rma }),
      h("span", { class: `badge status-${ret.status}`, id: "return-status", text: localized(ret.status_text) }),
      h("span", { class: "muted", text: fill(T.dock.order, { n: ret.order_number }) }));
    const lines = ret.lines.map((line) => {
      const name = localized(line.name);
      return h("article", { class: "inspect-line", dataset: { lineId: String(line.id), sku: line.sku } },
        h("h3", { text: fill(I.line_head, { name, sku: line.sku, q: line.quantity }) }),
        h("p", { class: "muted", text: fill(I.received, { n: line.received_quantity == null ? "?" : line.received_quantity, q: line.quantity }) }),
        h("div", { class: "inspect-grid" }, customerSide(line),
          inspectable ? (toInspect(line) ? gradeForm(line, ret.currency)
            : h("p", { class: "muted", text: line.eligible ? I.not_graded : I.not_eligible }))
            : result(line, ret)));
    });
    const note = h("textarea", { name: "note", rows: "2", maxlength: "1000", "aria-label": I.return_note,
      placeholder: I.return_note });
    const submit = h("button", { type: "submit", class: "primary", id: "submit-inspection", text: I.submit });
    const content = inspectable
      ? h("form", { id: "inspection-form", onsubmit: (e) => onSubmit(e, ret, submit, note) }, lines, note, h("div", { class: "actions" }, submit))
      : h("div", { id: "inspection-result" }, lines);
    const waiting = ["label_issued", "in_transit", "approved"].includes(ret.status)
      ? h("p", { class: "warning", text: fill(I.not_received, { status: localized(ret.status_text) }) }) : null;
    // (replaceChildren would write a null as the text "null")
    view.replaceChildren(...[head, message ? h("p", { class: "notice", id: "inspection-notice", role: "status", text: message }) : null,
      waiting, content].filter(Boolean));
  }

  async function onSubmit(event, ret, submit, note) {
    event.preventDefault();
    const lines = ret.lines.filter(toInspect).map(lineBody);
    if (lines.some((l) => !l.grade)) {
      page.showError(new Error(I.missing_grade));
      return;
    }
    submit.disabled = true;
    submit.textContent = I.submitting;
    const answer = await guarded(() => api.inspection(ret.rma, { lines, note: note.value.trim() || null }));
    if (answer) {
      clearErrors();
      render(answer, I.inspected);
    } else {
      submit.disabled = false;
      submit.textContent = I.submit;
    }
  }

  view.append(h("p", { class: "muted", text: T.loading }));
  return guarded(() => api.getReturn(rma)).then((ret) => { if (ret) render(ret); else view.replaceChildren(); });
}
