// The supervisor board (supervisors and admins; the API answers 403 to anyone else, and the
// console never shows an agent the tab): live counts, today's first-response times and a
// row per agent. Read from GET /api/v1/agent/board when shown, again whenever the live
// stream says the queue moved, and every half-minute (agents come online, waits grow).
import { fill, duration } from "./strings.js";

const REFRESH_MS = 30_000;

export function makeBoard({ api, T, h, lang, guarded }) {
  const B = T.board;
  const pane = h("section", { class: "board", id: "board", "aria-labelledby": "board-title", hidden: true });
  let visible = false, busy = false, again = false, timer = null;

  const secs = (s) => (s == null ? B.none : duration(s));
  function tile(id, label, value, ...extra) {
    return h("div", { class: "tile", id: `board-${id}` },
      h("span", { class: "tile-label", text: label }),
      h("strong", { class: "tile-value", text: value }), ...extra);
  }

  function agentRow(a) {
    return h("tr", { dataset: { staffId: a.staff_id, online: a.online ? "1" : "0" } },
      h("td", { class: "agent-name", text: a.name }),
      h("td", { class: "agent-online" }, h("span", { class: `dot ${a.online ? "on" : "off"}`, "aria-hidden": "true" }),
        a.online ? B.yes : B.no),
      h("td", { class: "agent-claimed num", text: String(a.claimed) }),
      h("td", { class: "agent-handled num", text: String(a.handled_today) }),
      h("td", { class: "agent-first-response num", text: secs(a.average_first_response_seconds) }));
  }

  function render(b) {
    pane.replaceChildren(
      h("div", { class: "board-head" }, h("h2", { id: "board-title", text: B.title }),
        h("span", { class: "muted", id: "board-updated",
          text: fill(B.updated, { at: new Date().toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" }) }) })),
      h("div", { class: "tiles" },
        tile("waiting", B.waiting, String(b.waiting)),
        tile("claimed", B.claimed, String(b.claimed)),
        tile("oldest", B.oldest_wait, b.waiting ? duration(b.oldest_wait_seconds) : B.none),
        tile("online", B.online, String(b.agents_online)),
        tile("first-response", B.first_response, secs(b.median_first_response_seconds),
          h("span", { class: "tile-note", text: fill(B.replies, { n: b.first_responses }) })),
        tile("first-response-p80", B.p80, secs(b.p80_first_response_seconds),
          h("span", { class: "tile-note", text: B.first_response_help })),
        tile("claim-time", B.claim_time, secs(b.median_claim_seconds)),
        tile("csat", B.csat, b.csat_average == null ? B.none : fill(B.csat_value, { avg: b.csat_average, n: b.csat_count }))),
      h("h3", { text: B.agents }),
      b.per_agent.length
        ? h("table", { class: "agents", id: "board-agents" },
          h("thead", {}, h("tr", {}, [B.name, B.is_online, B.claimed_now, B.handled_today, B.avg_first_response]
            .map((t) => h("th", { scope: "col", text: t })))),
          h("tbody", {}, b.per_agent.map(agentRow)))
        : h("p", { class: "muted", id: "board-agents", text: B.no_agents }));
    pane.dataset.loaded = "1";
  }

  // One request at a time; a change seen meanwhile asks once more when it answers.
  async function refresh() {
    if (!visible) return;
    if (busy) { again = true; return; }
    busy = true;
    const data = await guarded(api.board);
    busy = false;
    if (data && visible) render(data);
    if (again) { again = false; refresh(); }
  }

  return {
    pane,
    show() {
      visible = true;
      refresh();
      clearInterval(timer);
      timer = setInterval(refresh, REFRESH_MS);
    },
    hide() { visible = false; clearInterval(timer); },
    changed: refresh,
  };
}
