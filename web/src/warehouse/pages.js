// The dock, inspection and refurbishing pages' script (boomerang-warehouse.js): the page shell says which
// page it is (body[data-page]); the dashboard has its own bundle (it carries Chart.js).
import { pageContext } from "./common.js";
import { mountDock } from "./dock.js";
import { mountInspection } from "./inspection.js";
import { mountRefurbish } from "./refurbish.js";

async function start() {
  const page = pageContext();
  page.wireSignOut();
  const which = page.body.dataset.page;
  if (which === "dock") mountDock(page);
  else if (which === "inspection") await mountInspection(page);
  else if (which === "refurbish") await mountRefurbish(page);
  page.ready();
}
start();
