// Messages as DOM nodes. Bot text is never parsed as HTML: it becomes text nodes, and the
// web addresses in it become links that open in a new tab.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** Text with its web addresses turned into links (new tab, no opener). */
export function linkified(text, newTabHint) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, "");
    fragment.append(text.slice(last, match.index));
    fragment.append(el("a", { href: url, target: "_blank", rel: "noopener noreferrer", className: "bmr-link" }, [
      url, el("span", { className: "bmr-sr-only", text: ` ${newTabHint}` }),
    ]));
    last = match.index + url.length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

/**
 * The address of an image the chat may show, or null: http(s) only, and only from
 * ``origin`` (the backend's, where agents' photos are served) when one is given. A bot
 * message is text from elsewhere: it must not make the customer's browser load anything.
 */
export function safeImageUrl(src, origin) {
  if (typeof src !== "string" || !src.trim()) return null;
  let url;
  try { url = new URL(src.trim(), document.baseURI); } catch (_) { return null; }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (origin && url.origin !== origin) return null;
  return url.href;
}

/**
 * One entry of the conversation log. ``message`` is what the store keeps:
 * {from: "user"|"bot", text, image, photos (count), thumbnails (object URLs, this page only),
 *  agent (the name of the person who wrote a bot-side message during a handoff)}.
 * ``imageOrigin``: the only origin a bot message's image may come from (see safeImageUrl).
 */
export function messageNode(message, strings, imageOrigin = null) {
  const agent = message.from === "bot" && message.agent ? String(message.agent) : null;
  const who = message.from === "user" ? strings.you : (agent ? strings.agentLabel(agent) : strings.bot);
  const body = el("div", { className: "bmr-bubble" });
  if (message.text) body.append(message.from === "bot" ? linkified(message.text, strings.newTab) : message.text);
  const image = message.image ? safeImageUrl(message.image, imageOrigin) : null;
  if (image) {
    body.append(el("img", { src: image, alt: agent ? strings.agentPhoto(agent) : strings.image, className: "bmr-bot-image",
      referrerpolicy: "no-referrer" }));
  }
  if (message.photos) {
    const thumbs = (message.thumbnails || []).map((src) => el("img", { src, alt: "", className: "bmr-thumb" }));
    body.append(el("div", { className: "bmr-photos" }, [...thumbs, el("span", { text: strings.photos(message.photos) })]));
  }
  // The agent's name is shown above what they wrote (text, never HTML).
  const author = agent ? el("div", { className: "bmr-author", "aria-hidden": "true", text: agent }) : null;
  return el("div", { className: `bmr-message bmr-${message.from}${agent ? " bmr-agent" : ""}` }, [
    el("span", { className: "bmr-sr-only", text: `${who}: ` }), author, body,
  ]);
}
