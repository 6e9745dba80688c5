// The returns manager's dashboard (/warehouse/dashboard, boomerang-dashboard.js): a date
// range, the headline figures as tiles, four charts (returns and recovery per week, the
// disposition mix, the top reasons) and the CSV of the same period. Figures come from
// GET /api/v1/kpis (docs/kpis.md); Chart.js is bundled here from npm, only the parts used.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend,
  LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import { pageContext, h, $ } from "./common.js";
import { fill } from "./strings.js";

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend,
  LinearScale, LineController, LineElement, PointElement, Tooltip);

const COLORS = ["#2457c5", "#1b8a5a", "#c77700", "#8a3ffc", "#d12771", "#00838f", "#6b7280", "#a1261a"];
// The processing times shown as tiles (the API has more: all of them are in the CSV).
const STEP_TILES = ["request_to_label", "received_to_inspected", "request_to_refunded", "dock_to_stock"];

function start() {
  const page = pageContext();
  const { T, lang, words, call, guarded, clearErrors, money } = page;
  const D = T.dashboard;
  page.wireSignOut();
  const app = $("app");
  const charts = {};

  const query = new URLSearchParams(window.location.search);
  const fromInput = h("input", { type: "date", id: "from", name: "from", value: query.get("from") || "" });
  const toInput = h("input", { type: "date", id: "to", name: "to", value: query.get("to") || "" });
  const csv = h("a", { id: "csv-link", class: "button", href: "/api/v1/kpis.csv", download: "", text: D.csv });
  // What left stock for good in the period (e-waste records, dangerous goods, donations).
  const register = h("a", { id: "register-link", class: "button", href: "/api/v1/warehouse/disposal-register.csv",
    download: "", text: D.register });
  const range = h("form", { id: "range", class: "range", onsubmit: (e) => { e.preventDefault(); load(); } },
    h("label", { for: "from", text: D.from }), fromInput, h("label", { for: "to", text: D.to }), toInput,
    h("button", { type: "submit", class: "primary", text: D.apply }), csv, register);
  const period = h("p", { id: "period", class: "muted", role: "status" });
  const tiles = h("section", { id: "tiles", class: "tiles", "aria-live": "polite" });
  const chartBox = (id) => h("figure", { class: "chart" }, h("figcaption", { text: D.charts[id] }),
    h("canvas", { id: `chart-${id}`, role: "img", "aria-label": D.charts[id] }));
  const grid = h("section", { class: "charts" },
    ["returns_per_week", "recovery_per_week", "disposition_mix", "top_reasons"].map(chartBox));
  app.append(range, period, tiles, grid);

  const pct = (x) => (x == null ? "—" : new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(x));
  const count = (n) => (n == null ? "—" : new Intl.NumberFormat(lang).format(n));
  function duration(hours) {
    if (hours == null) return "—";
    const nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    return hours >= 48 ? fill(D.days, { n: nf.format(hours / 24) }) : fill(D.hours, { n: nf.format(hours) });
  }
  function day(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return iso || "";
    return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).toLocaleDateString(lang, { day: "numeric", month: "short" });
  }

  function tile(key, value, detail) {
    return h("div", { class: "tile", dataset: { kpi: key } },
      h("span", { class: "tile-name", text: D.tiles[key] }),
      h("strong", { class: "tile-value", text: value }),
      detail ? h("span", { class: "tile-detail muted", text: detail }) : null);
  }

  function renderTiles(k) {
    const steps = Object.fromEntries((k.processing || []).map((s) => [s.key, s]));
    const deadline = k.refund_deadline || {};
    tiles.replaceChildren(
      tile("returns", count(k.returns ? k.returns.returns : null)),
      tile("return_rate_units", pct(k.return_rate_units)),
      tile("return_rate_orders", pct(k.return_rate_orders)),
      tile("return_rate_value", pct(k.return_rate_value)),
      tile("cohort_return_rate", pct(k.cohort ? k.cohort.return_rate_orders : null)),
      tile("recovery_rate", pct(k.recovery_rate)),
      tile("refund_on_time", pct(k.refund_on_time_rate), deadline.late != null ? D.tiles.refunds_late.replace("{n}", count(deadline.late)) : null),
      tile("cost_per_return", k.cost_per_return_minor == null ? "—" : money(k.cost_per_return_minor, k.currency)),
      ...STEP_TILES.map((key) => tile(key, duration(steps[key] ? steps[key].median_hours : null))));
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    const canvas = $(`chart-${id}`);
    charts[id] = new Chart(canvas, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: true,
      aspectRatio: 2, ...(config.options || {}) } });
    canvas.dataset.points = String(config.data.datasets.reduce((n, d) => n + d.data.length, 0));
  }

  function renderCharts(k) {
    const weekly = k.weekly || [];
    const labels = weekly.map((w) => day(w.week_start));
    draw("returns_per_week", { type: "bar", data: { labels, datasets: [
      { label: D.returns, data: weekly.map((w) => w.returns || 0), backgroundColor: COLORS[0] }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
    draw("recovery_per_week", { type: "line", data: { labels, datasets: [
      { label: D.recovery, data: weekly.map((w) => (w.recovery_rate == null ? null : Math.round(w.recovery_rate * 1000) / 10)),
        borderColor: COLORS[1], backgroundColor: COLORS[1], spanGaps: true }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, suggestedMax: 100,
      ticks: { callback: (v) => `${v} %` } } } } });
    const mix = (k.disposition_mix || []).filter((d) => d.units > 0);
    draw("disposition_mix", { type: "doughnut", data: {
      labels: mix.map((d) => (words.dispositions && words.dispositions[d.key]) || d.key),
      datasets: [{ label: D.units, data: mix.map((d) => d.units), backgroundColor: mix.map((_d, i) => COLORS[i % COLORS.length]) }] },
    options: { aspectRatio: 2, plugins: { legend: { position: "right" } } } });
    const reasons = [...(k.by_reason || [])].sort((a, b) => b.units - a.units).slice(0, 8);
    draw("top_reasons", { type: "bar", data: {
      labels: reasons.map((r) => (words.reasons && words.reasons[r.key]) || r.key),
      datasets: [{ label: D.units, data: reasons.map((r) => r.units), backgroundColor: COLORS[2] }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } });
  }

  async function load() {
    const from = fromInput.value;
    const to = toInput.value;
    if (from && to && from > to) {
      page.showError(new Error(D.bad_range));
      return;
    }
    const params = new URLSearchParams();
    if (from) params.set("from", from);
    if (to) params.set("to", to);
    period.textContent = T.loading;
    const k = await guarded(() => call("GET", `/api/v1/kpis${params.toString() ? `?${params}` : ""}`));
    if (!k) { period.textContent = ""; return; }
    clearErrors();
    const p = k.period || {};
    if (p.from) fromInput.value = String(p.from).slice(0, 10);
    if (p.to) toInput.value = String(p.to).slice(0, 10);
    const exact = new URLSearchParams({ from: fromInput.value, to: toInput.value });
    csv.href = `/api/v1/kpis.csv?${exact}`;
    register.href = `/api/v1/warehouse/disposal-register.csv?${exact}`;
    const url = new URL(window.location.href);
    url.searchParams.set("from", fromInput.value);
    url.searchParams.set("to", toInput.value);
    window.history.replaceState(null, "", url);
    const other = $("other-lang");
    if (other) {
      const switched = new URL(other.href, window.location.href);
      switched.searchParams.set("from", fromInput.value);
      switched.searchParams.set("to", toInput.value);
      other.href = `${switched.pathname}${switched.search}`;
    }
    period.textContent = fill(D.period, { from: day(fromInput.value), to: day(toInput.value) })
      + (k.returns && !k.returns.requests ? ` · ${D.no_data}` : "");
    renderTiles(k);
    renderCharts(k);
    page.body.dataset.loaded = `${fromInput.value}/${toInput.value}`;
  }

  load().then(() => page.ready());
}
start();
