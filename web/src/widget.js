// Entry point: one script tag embeds the chat.
//   <script src="https://shop.example/static/boomerang-widget.js"
//           data-rasa-url="https://bot.shop.example" data-backend-url="https://returns.shop.example"
//           data-lang="fr"></script>
// The chat opens inside an element marked data-boomerang-chat when the page has one,
// otherwise as a floating panel behind a "Chat with us" button (the whole screen on a
// phone, with its own close button). The stylesheet is loaded from beside the script.
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

/**
 * What the stylesheet needs to fit the chat to the screen the customer sees:
 * --bmr-vh, the visible height (the visual viewport: the on-screen keyboard and the
 * browser's bars taken off, pinch-zoom put back), --bmr-vv-top, where that visible part
 * starts, and, for a chat inside the page, --bmr-top, how far down the page it starts when
 * that is within the first screen (then the message box ends inside that first screen).
 */
function fitToScreen(root) {
  const viewport = window.visualViewport;
  let queued = false;
  const update = () => {
    queued = false;
    const scale = viewport ? viewport.scale || 1 : 1;
    const height = viewport ? viewport.height * scale : window.innerHeight;
    root.style.setProperty("--bmr-vh", `${Math.round(height)}px`);
    root.style.setProperty("--bmr-vv-top", `${viewport && scale === 1 ? Math.round(viewport.offsetTop) : 0}px`);
    if (root.classList.contains("bmr-inline")) {
      const top = root.getBoundingClientRect().top + window.scrollY;
      root.style.setProperty("--bmr-top", `${top >= 0 && top < window.innerHeight / 2 ? Math.round(top) : 0}px`);
    }
  };
  const later = () => {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(update);
  };
  update();
  window.addEventListener("resize", later);
  window.addEventListener("load", later);
  if (viewport) {
    viewport.addEventListener("resize", later);
    viewport.addEventListener("scroll", later);
  }
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
  return { root, launcher, close: () => toggle(false) };
}

function mount() {
  const settings = config();
  loadStylesheet(settings.stylesheet);
  for (const note of document.querySelectorAll("[data-boomerang-missing]")) note.remove();
  const host = document.querySelector("[data-boomerang-chat]");
  let launcher = null;
  let closePanel = null;
  let root = host;
  if (host) host.classList.add("bmr-root", "bmr-inline");
  else ({ root, launcher, close: closePanel } = floatingRoot());
  const chat = new Chat(root, settings);
  fitToScreen(root);
  if (launcher) {
    // On a phone the panel covers the launcher: the header has its own close button.
    const close = el("button", { type: "button", className: "bmr-close", text: "×",
      onclick: closePanel });
    root.querySelector(".bmr-header").append(close);
    const label = () => {
      launcher.textContent = STRINGS[chat.lang].open;
      close.setAttribute("aria-label", STRINGS[chat.lang].close);
    };
    label();
    root.addEventListener("bmr-language", label);
  }
  window.boomerangChat = chat;
  chat.start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
