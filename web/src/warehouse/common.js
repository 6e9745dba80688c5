// What every warehouse page shares with the agent console: the API call (cookie session,
// CSRF header on unsafe requests, 401 → sign-in), errors always shown in the page's
// language, plain DOM built as text (never innerHTML), sign-out.
import { makeCall, ApiError } from "../console/api.js";
import { strings } from "./strings.js";
import { h, $ } from "../dom.js";

export { ApiError };

export function pageContext() {
  const root = document.documentElement;
  const body = document.body;
  const lang = root.lang === "fr" ? "fr" : "en";
  const T = strings(lang);
  let words = {};
  try { words = JSON.parse(body.dataset.words || "{}"); } catch (_e) { words = {}; }
  const here = window.location.pathname;
  const loginUrl = `/agent/login?lang=${lang}&next=${encodeURIComponent(here)}`;
  let leaving = false;
  const call = makeCall({
    csrfCookie: body.dataset.csrfCookie, csrfHeader: body.dataset.csrfHeader,
    onUnauthorized: () => { if (!leaving) { leaving = true; window.location.assign(loginUrl); } },
  });

  function showError(err) {
    if (err instanceof ApiError && err.status === 401) return;
    const text = err instanceof ApiError ? err.text(lang) : (err && err.message) || T.network_error;
    const item = h("li", { class: "error" }, h("span", { text }),
      h("button", { type: "button", class: "link", text: T.dismiss, onclick: () => item.remove() }));
    $("errors").append(item);
  }
  function clearErrors() { $("errors").replaceChildren(); }
  async function guarded(fn) {
    try { return await fn(); } catch (err) { showError(err); return undefined; }
  }
  function money(minor, currency) {
    if (minor === null || minor === undefined) return "";
    try {
      return new Intl.NumberFormat(lang, { style: "currency", currency: currency || "EUR" }).format(minor / 100);
    } catch (_e) {
      return `${(minor / 100).toFixed(2)} ${currency || ""}`.trim();
    }
  }
  function localized(value) {
    if (value && typeof value === "object") return value[lang] || value.en || "";
    return value == null ? "" : String(value);
  }
  function wireSignOut() {
    const button = $("sign-out");
    button.addEventListener("click", async () => {
      button.disabled = true;
      leaving = true;
      try { await call("POST", "/api/v1/auth/logout"); } catch (_e) { /* going to sign-in either way */ }
      window.location.assign(`/agent/login?lang=${lang}`);
    });
  }
  function ready() { body.dataset.ready = "1"; }
  return { lang, T, words, call, showError, clearErrors, guarded, money, localized, wireSignOut, ready, body };
}

export { h, $ } from "../dom.js";

// The warehouse API (helpers: receiving, inspection, measures).
export function warehouseApi(call) {
  const rmaPath = (rma) => `/api/v1/warehouse/returns/${encodeURIComponent(rma)}`;
  return {
    getReturn: (rma) => call("GET", rmaPath(rma)),
    scan: (code) => call("POST", "/api/v1/warehouse/scan", { code }),
    receipt: (rma, body) => call("POST", `${rmaPath(rma)}/receipt`, body),
    carrierScan: (rma, note) => call("POST", `${rmaPath(rma)}/carrier-scan`, { note }),
    inspection: (rma, body) => call("POST", `${rmaPath(rma)}/inspection`, body),
    override: (lineId, body) => call("POST", `/api/v1/warehouse/lines/${encodeURIComponent(lineId)}/disposition`, body),
  };
}
