// The backend side of photos: the conversation id and its short-lived upload token
// (POST /api/v1/chat/upload-token), and the uploads themselves (POST /api/v1/chat/photos)
// over XMLHttpRequest, the one browser API that reports upload progress.
const TOKEN_MARGIN_MS = 30_000;
const CONVERSATION_ID = /^web-[0-9a-f]{32}$/;

export class UploadError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `upload failed (${status})`);
    this.status = status;
    this.messageFr = error.message_fr || null;
  }

  /** The backend's own explanation in the customer's language, when it gave one. */
  text(lang) {
    return lang === "fr" && this.messageFr ? this.messageFr : (this.status ? this.message : null);
  }
}

/** A conversation id made in the browser, when the backend cannot be reached to mint one. */
function localConversationId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Uploads {
  constructor(backendUrl, store) {
    this.backendUrl = backendUrl.replace(/\/+$/, "");
    this.store = store;
  }

  /** The conversation id: the stored one, else one minted by the backend (or locally). */
  async conversationId() {
    const stored = this.store.get("conversationId");
    if (stored && CONVERSATION_ID.test(stored)) return stored;
    try {
      await this.refreshToken(null);
    } catch (_) {
      this.store.set({ conversationId: localConversationId(), uploadToken: null, tokenExpiresAt: 0 });
    }
    return this.store.get("conversationId");
  }

  async refreshToken(conversationId) {
    const response = await fetch(`${this.backendUrl}/api/v1/chat/upload-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ conversation_id: conversationId }),
    });
    const body = await response.json().catch(() => null);
    if (response.status !== 201 || !body || !CONVERSATION_ID.test(body.conversation_id || "")) {
      throw new UploadError(response.status, body);
    }
    this.store.set({
      conversationId: body.conversation_id,
      uploadToken: body.upload_token,
      tokenExpiresAt: Date.now() + body.expires_in * 1000 - TOKEN_MARGIN_MS,
      uploadUrl: body.upload_url || null,
    });
  }

  async token() {
    if (!this.store.get("uploadToken") || Date.now() >= this.store.get("tokenExpiresAt")) {
      await this.refreshToken(this.store.get("conversationId"));
    }
    return this.store.get("uploadToken");
  }

  /** Upload one photo; resolves to its photo id. A refused token is refreshed once. */
  async upload(file, onProgress) {
    try {
      return await this.send(file, await this.token(), onProgress);
    } catch (error) {
      if (!(error instanceof UploadError) || error.status !== 401) throw error;
      this.store.set({ uploadToken: null });
      return this.send(file, await this.token(), onProgress);
    }
  }

  send(file, token, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", this.store.get("uploadUrl") || `${this.backendUrl}/api/v1/chat/photos`);
      xhr.setRequestHeader("Authorization", `Bearer ${token}`);
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener("load", () => {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
        if (xhr.status === 201 && body && body.photo_id) {
          onProgress(1);
          resolve(String(body.photo_id));
        } else {
          reject(new UploadError(xhr.status, body));
        }
      });
      xhr.addEventListener("error", () => reject(new UploadError(0, null)));
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
  }
}
