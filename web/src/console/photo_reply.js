// The console's "attach a photo" control beside the reply box: pick an image, see it,
// add a caption, send it to the customer on their channel (POST …/photos). The chosen
// photo survives the conversation pane being redrawn by live updates, as typed text does.
// Plain DOM, text from strings.js; the server checks the file again (type, size, pixels).

let pending = null; // { handoffId, file, url, caption }

function clearPending() {
  if (pending) URL.revokeObjectURL(pending.url);
  pending = null;
}

/**
 * The control for one claimed conversation.
 * h: the console's DOM helper; api: its API (sendPhoto); T: its strings;
 * onSent(): reload the conversation; onError(err): show an error.
 */
export function photoReply({ h, api, T, handoffId, onSent, onError }) {
  if (pending && pending.handoffId !== handoffId) clearPending();
  const input = h("input", { type: "file", accept: "image/*", id: "photo-file", hidden: true, "aria-hidden": "true", tabindex: "-1" });
  const attach = h("button", { type: "button", id: "attach-photo", text: T.attach_photo, onclick: () => input.click() });
  const preview = h("div", { class: "photo-preview", id: "photo-preview", hidden: true });
  const box = h("div", { class: "photo-reply" }, input, attach, preview);

  function render() {
    preview.replaceChildren();
    preview.hidden = !pending;
    attach.hidden = Boolean(pending);
    if (!pending) return;
    const caption = h("input", { type: "text", id: "photo-caption", maxlength: "4000", value: pending.caption,
      placeholder: T.photo_caption, "aria-label": T.photo_caption,
      oninput: (ev) => { if (pending) pending.caption = ev.target.value; } });
    const send = h("button", { type: "button", class: "primary", id: "send-photo", text: T.send_photo });
    const remove = h("button", { type: "button", class: "link", id: "remove-photo", text: T.remove_photo,
      onclick: () => { clearPending(); render(); attach.focus(); } });
    send.addEventListener("click", async () => {
      if (!pending) return;
      send.disabled = true; remove.disabled = true; caption.disabled = true;
      let sent = null;
      try {
        sent = await api.sendPhoto(handoffId, pending.file, pending.caption.trim());
      } catch (err) {
        onError(err);
      }
      if (sent) clearPending();
      send.disabled = false; remove.disabled = false; caption.disabled = false;
      render();
      if (sent) await onSent();
    });
    preview.append(
      h("img", { class: "photo-thumb", src: pending.url, alt: pending.file.name || T.photos }),
      h("div", { class: "photo-fields" }, caption, h("div", { class: "row" }, send, remove)));
  }

  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    input.value = "";
    if (!file) return;
    if (!file.type.startsWith("image/")) { onError(new Error(T.photo_not_image)); return; }
    clearPending();
    pending = { handoffId, file, url: URL.createObjectURL(file), caption: "" };
    render();
    const field = box.querySelector("#photo-caption");
    if (field) field.focus();
  });
  render();
  return box;
}
