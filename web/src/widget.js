// Entry point: one script tag embeds the chat.
//   <script src="https://shop.example/static/boomerang-widget.js"
//           data-rasa-url="https://bot.shop.example" data-backend-url="https://returns.shop.example"
//           data-lang="fr"></script>
// The chat opens inside an element marked data-boomerang-chat when the page has one,
// otherwise as a floating panel behind a "Chat with us" button. The stylesheet is loaded
// from beside the script.
import { Chat } from "./chat.js";
import { STRINGS } from "./strings.js";
import { el } from "./render.js";

const script = document.currentScript;

function config() {
  const data = (script && script.dataset) || {};
  const scriptUrl = script && script.src ? new URL(script.src, document.baseURI) : new URL(document.baseURI);
  return {
    rasaUrl: (data.rasaUrl || "http://localhost:5005").replace(/\/+$/, ""),
    backendUrl: (data.backendUrl || scriptUrl.origin).replace(/\/+$/, ""),
    lang: data.lang || null,
    stylesheet: new URL("boomerang-widget.css", scriptUrl).href,
  };
}

function loadStylesheet(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  document.head.append(el("link", { rel: "stylesheet", href }));
}

/** A floating panel that a launcher button opens and closes (Escape closes too). */
function floatingRoot() {
  const root = el("div", { className: "bmr-root bmr-floating", hidden: true, id: "boomerang-chat-panel" });
  const launcher = el("button", { type: "button", className: "bmr-launcher", "aria-expanded": "false",
    "aria-controls": root.id });
  const toggle = (open) => {
    root.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) root.querySelector(".bmr-input").focus();
    else launcher.focus();
  };
  launcher.addEventListener("click", () => toggle(root.hidden));
  root.addEventListener("keydown", (event) => { if (event.key === "Escape") toggle(false); });
  document.body.append(root, launcher);
  return { root, launcher };
}

function mount() {
  const settings = config();
  loadStylesheet(settings.stylesheet);
  for (const note of document.querySelectorAll("[data-boomerang-missing]")) note.remove();
  const host = document.querySelector("[data-boomerang-chat]");
  let launcher = null;
  let root = host;
  if (host) host.classList.add("bmr-root", "bmr-inline");
  else ({ root, launcher } = floatingRoot());
  const chat = new Chat(root, settings);
  if (launcher) {
    const label = () => { launcher.textContent = STRINGS[chat.lang].open; };
    label();
    root.addEventListener("bmr-language", label);
  }
  window.boomerangChat = chat;
  chat.start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
