// The history: ended conversations (closed, returned to the bot, cancelled), newest first,
// filtered by status and found by order number or RMA, a page at a time ("Show more").
// Opening one shows it in the console's own conversation and context panes: an ended
// handoff can no longer move, so the console offers neither claim nor reply box.
import { fill } from "./strings.js";

const PAGE = 25;
// The API's rule for a search (GET /api/v1/agent/handoffs?q=): checked here to answer at once.
const SEARCH = /^[A-Za-z0-9][A-Za-z0-9-]{1,39}$/;
const FILTERS = ["ended", "closed", "returned", "cancelled"];

export function makeHistory({ api, T, h, lang, open, guarded }) {
  const H = T.history;
  const state = { status: "ended", q: "", items: [], next: null, selected: null, loading: false };
  const list = h("ul", { id: "history-list" });
  const more = h("button", { type: "button", id: "history-more", class: "link", text: H.more, hidden: true,
    onclick: () => load(true) });
  const hint = h("p", { id: "history-hint", class: "hint", role: "status", hidden: true });
  const status = h("select", { id: "history-status", "aria-label": H.status_label,
    onchange: () => { state.status = status.value; load(false); } },
    FILTERS.map((f) => h("option", { value: f, text: H.filters[f] })));
  const search = h("input", { id: "history-search", type: "search", maxlength: 40, autocomplete: "off",
    placeholder: H.search_placeholder, "aria-label": H.search_label });
  const form = h("form", { class: "history-filters", role: "search",
    onsubmit: (ev) => { ev.preventDefault(); find(); } },
    h("label", { class: "row" }, h("span", { text: H.status_label }), status),
    h("div", { class: "row" }, search, h("button", { type: "submit", text: H.search }),
      h("button", { type: "button", class: "link", text: H.clear,
        onclick: () => { search.value = ""; find(); } })),
    hint);
  const pane = h("section", { class: "pane", id: "history", "aria-labelledby": "history-title", hidden: true },
    h("h2", { id: "history-title", text: H.title }), form, list, more);

  function find() {
    const q = search.value.trim();
    if (q && !SEARCH.test(q)) {
      hint.textContent = H.search_invalid;
      hint.hidden = false;
      search.setAttribute("aria-invalid", "true");
      return;
    }
    hint.hidden = true;
    search.removeAttribute("aria-invalid");
    state.q = q;
    load(false);
  }

  function when(at) {
    if (!at) return "";
    const d = new Date(at);
    return isNaN(d) ? "" : d.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
  }

  function itemView(item) {
    const refs = [item.order_number ? fill(H.order, { n: item.order_number }) : null, item.rma].filter(Boolean);
    return h("li", { class: `queue-item history-item${item.id === state.selected ? " selected" : ""}`,
      dataset: { handoffId: item.id, status: item.status } },
      h("button", { type: "button", class: "queue-open", onclick: () => { state.selected = item.id; render(); open(item.id); } },
        h("span", { class: "q-top" },
          h("strong", { text: `#${item.id}` }),
          h("span", { class: `badge status-${item.status}`, text: T.status[item.status] || item.status }),
          h("span", { class: "q-meta", text: fill(H.ended_at, { at: when(item.ended_at || item.updated_at) }) })),
        h("span", { class: "q-meta" },
          h("span", { text: item.channel }), " · ", h("span", { text: (item.language || "").toUpperCase() }), " · ",
          h("span", { text: item.assigned_to ? fill(H.by, { name: item.assigned_to }) : H.nobody })),
        refs.length ? h("span", { class: "q-meta refs", text: refs.join(" · ") }) : null,
        item.reason ? h("span", { class: "q-reason", text: item.reason }) : null));
  }

  function render() {
    list.replaceChildren();
    if (state.loading && !state.items.length) list.append(h("li", { class: "muted", text: H.loading }));
    else if (!state.items.length) list.append(h("li", { class: "muted", text: H.empty }));
    for (const item of state.items) list.append(itemView(item));
    more.hidden = !state.next;
    more.disabled = state.loading;
    pane.dataset.loading = state.loading ? "1" : "0";
  }

  let asked = 0;
  async function load(next) {
    const ticket = ++asked;
    state.loading = true;
    if (!next) { state.items = []; state.next = null; }
    render();
    const data = await guarded(() => api.history({ status: state.status, q: state.q, limit: PAGE,
      before: next ? state.next : null }));
    if (ticket !== asked) return; // a newer search went out meanwhile
    state.loading = false;
    if (data) {
      state.items = next ? state.items.concat(data.handoffs) : data.handoffs;
      state.next = data.next_before;
    }
    render();
  }

  return {
    pane,
    // Each time the tab is shown: the first page again (conversations end all day long).
    show: () => load(false),
  };
}
