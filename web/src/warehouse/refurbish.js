// The refurbishing queue (/warehouse/refurbish): the lines inspection sent to refurbishing,
// oldest first, each sent on when the work is done, to the grade B stock or to the outlet
// (GET /api/v1/warehouse/refurbish, POST /api/v1/warehouse/refurbish/{line_id}/done).
import { h, $ } from "./common.js";
import { fill } from "./strings.js";

export function mountRefurbish(page) {
  const { T, lang, call, guarded, clearErrors, localized } = page;
  const R = T.refurbish;
  const app = $("app");
  const notice = h("p", { id: "refurbish-notice", class: "notice", role: "status" });
  const list = h("section", { id: "refurbish" });
  app.append(notice, list);

  function when(at) {
    if (!at) return "";
    const d = new Date(/Z|[+-]\d\d:?\d\d$/.test(at) ? at : `${at}Z`);
    return isNaN(d) ? "" : d.toLocaleDateString(lang, { day: "numeric", month: "short" });
  }

  async function done(item, to) {
    const answer = await guarded(() => call("POST", `/api/v1/warehouse/refurbish/${item.line_id}/done`, { to }));
    if (answer) {
      clearErrors();
      notice.textContent = fill(R.sent, { sku: item.sku, rma: item.rma, to: R.to[to] || to });
      render(answer.items || []);
    }
  }

  function render(items) {
    if (!items.length) {
      list.replaceChildren(h("p", { class: "muted", id: "refurbish-empty", text: R.empty }));
      return;
    }
    const head = h("tr", {}, [R.rma, R.item, R.units, R.grade, R.notes, R.since, R.location, R.done]
      .map((t) => h("th", { scope: "col", text: t })));
    const rows = items.map((item) => h("tr", { class: "refurbish-item", dataset: { lineId: String(item.line_id), sku: item.sku } },
      h("td", {}, h("a", { href: `/warehouse/returns/${encodeURIComponent(item.rma)}?lang=${lang}`, text: item.rma })),
      h("td", {}, h("span", { class: "sku", text: item.sku }), " ", localized(item.name)),
      h("td", { text: String(item.units) }),
      h("td", { text: (item.grade && T.grades[item.grade]) || item.grade || "" }),
      h("td", { text: item.inspection_notes || "" }),
      h("td", { text: when(item.inspected_at) }),
      h("td", { text: item.location || "" }),
      h("td", { class: "actions" },
        h("button", { type: "button", text: R.to_b, onclick: () => done(item, "sellable_b") }),
        h("button", { type: "button", text: R.to_outlet, onclick: () => done(item, "resale_hold") }))));
    list.replaceChildren(h("table", { class: "lines", id: "refurbish-table" }, h("thead", {}, head), h("tbody", {}, rows)));
  }

  return guarded(() => call("GET", "/api/v1/warehouse/refurbish")).then((answer) => { if (answer) render(answer.items || []); });
}
