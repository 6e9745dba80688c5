// The console's views as tabs above its panes: the live queue (the page's own left pane),
// the history (in the queue's place; conversations open in the same centre and right panes)
// and, for supervisors and admins only, the board (in place of the three panes).
import { makeBoard } from "./board.js";
import { makeHistory } from "./history.js";

// Who may read GET /api/v1/agent/board (backend.domain.staff.MANAGERS).
const SUPERVISORS = ["supervisor", "admin"];

export function mountViews({ api, T, h, lang, role, open, guarded }) {
  const main = document.querySelector("main.console");
  const queue = document.getElementById("queue");
  const history = makeHistory({ api, T, h, lang, open, guarded });
  queue.after(history.pane);
  const board = SUPERVISORS.includes(role) ? makeBoard({ api, T, h, lang, guarded }) : null;
  if (board) main.after(board.pane);

  const panes = { queue, history: history.pane, ...(board ? { board: board.pane } : {}) };
  const tabs = {};
  for (const name of Object.keys(panes)) {
    tabs[name] = h("button", { type: "button", role: "tab", id: `tab-${name}`, class: "tab",
      "aria-controls": panes[name].id, onclick: () => show(name) }, T.views[name]);
  }
  main.before(h("nav", { class: "views", role: "tablist", "aria-label": T.views.label }, Object.values(tabs)));

  let current = null;
  function show(name) {
    if (name === current) return;
    current = name;
    for (const [key, tab] of Object.entries(tabs)) {
      tab.setAttribute("aria-selected", key === name ? "true" : "false");
      tab.classList.toggle("active", key === name);
    }
    for (const [key, pane] of Object.entries(panes)) pane.hidden = key !== name;
    main.hidden = name === "board";
    document.body.dataset.view = name;
    if (board) (name === "board" ? board.show() : board.hide());
    if (name === "history") history.show();
  }
  show("queue");

  return {
    show,
    // The live stream saw the queue move: the board's counts are stale.
    queueChanged: () => { if (board) board.changed(); },
  };
}
