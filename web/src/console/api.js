// The console's calls to the agent API: same-origin cookies, the CSRF header on unsafe
// requests, errors as ApiError (with the API's message in both languages), 401 → sign-in.
export class ApiError extends Error {
  constructor(status, error) {
    super((error && error.message) || `HTTP ${status}`);
    this.status = status;
    this.error = error || {};
  }
  text(lang) {
    return (lang === "fr" && this.error.message_fr) || this.error.message || this.message;
  }
}

function csrfToken(cookieName) {
  const m = document.cookie.match(new RegExp(`(?:^|;\\s*)${cookieName}=([^;]*)`));
  return m ? decodeURIComponent(m[1]) : "";
}

// One call to this origin's API (shared by the console and the warehouse pages).
export function makeCall({ csrfCookie, csrfHeader, onUnauthorized }) {
  return async function call(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers[csrfHeader] = csrfToken(csrfCookie);
    const form = body instanceof FormData; // multipart: the browser sets its own Content-Type
    if (body !== undefined && !form) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, credentials: "same-origin", headers,
        body: body === undefined ? undefined : (form ? body : JSON.stringify(body)) });
    } catch (e) {
      throw new ApiError(0, { code: "network", message: "The server could not be reached.",
        message_fr: "Le serveur est injoignable." });
    }
    if (response.status === 401) {
      onUnauthorized();
      throw new ApiError(401, { code: "unauthorized", message: "Signed out.", message_fr: "Déconnecté·e." });
    }
    if (response.status === 204) return null;
    let data = null;
    try { data = await response.json(); } catch (_e) { data = null; }
    if (!response.ok) {
      const err = data && data.error ? data.error
        : { code: `http_${response.status}`, message: `Error ${response.status}`, message_fr: `Erreur ${response.status}` };
      throw new ApiError(response.status, err);
    }
    return data;
  };
}

export function makeApi({ csrfCookie, csrfHeader, lang, onUnauthorized }) {
  const call = makeCall({ csrfCookie, csrfHeader, onUnauthorized });
  return {
    me: () => call("GET", "/api/v1/auth/me"),
    logout: () => call("POST", "/api/v1/auth/logout"),
    queue: () => call("GET", "/api/v1/agent/handoffs?status=open"),
    handoff: (id) => call("GET", `/api/v1/agent/handoffs/${id}`),
    action: (id, verb) => call("POST", `/api/v1/agent/handoffs/${id}/${verb}`),
    reply: (id, text) => call("POST", `/api/v1/agent/handoffs/${id}/messages`, { text }),
    retry: (id, messageId) => call("POST", `/api/v1/agent/handoffs/${id}/messages/${messageId}/retry`),
    note: (id, text) => call("POST", `/api/v1/agent/handoffs/${id}/notes`, { text }),
    typing: (id, typing) => call("POST", `/api/v1/agent/handoffs/${id}/typing`, { typing }),
    team: () => call("GET", "/api/v1/agent/team"),
    reassign: (id, staffId) => call("POST", `/api/v1/agent/handoffs/${id}/reassign`, { staff_id: staffId }),
    returnAction: (id, action, body) => call("POST", `/api/v1/agent/handoffs/${id}/return/${action}`, body),
    history: ({ status, q, before, limit }) => {
      const params = new URLSearchParams({ status, limit: String(limit) });
      if (q) params.set("q", q);
      if (before) params.set("before", String(before));
      return call("GET", `/api/v1/agent/handoffs?${params}`);
    },
    board: () => call("GET", "/api/v1/agent/board"),
    sendPhoto: (id, file, caption) => {
      const form = new FormData();
      form.append("file", file, file.name || "photo");
      if (caption) form.append("caption", caption);
      return call("POST", `/api/v1/agent/handoffs/${id}/photos`, form);
    },
    photoUrl: (id, photoId) => `/api/v1/agent/handoffs/${id}/photos/${encodeURIComponent(photoId)}`,
    lang,
  };
}
