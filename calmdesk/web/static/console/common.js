// Shared by every console page: who is logged in, the CSRF token, JSON calls, logout.
// Data is only ever put on the page with textContent (el() below), never as HTML.
"use strict";

const calmdesk = (() => {
  let me = null;

  async function whoami() {
    if (me) return me;
    const response = await fetch("/console/api/me", { credentials: "same-origin" });
    if (response.status === 401) { toLogin(); throw new Error("not logged in"); }
    me = await response.json();
    const who = document.getElementById("whoami");
    if (who) who.textContent = me.display_name + " (" + me.role + ")";
    return me;
  }

  function toLogin() {
    window.location.assign("/console/login?next=" + encodeURIComponent(location.pathname + location.search));
  }

  // fetch JSON; unsafe methods carry the session's CSRF token. Resolves to {ok, status, data}.
  async function api(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (method !== "GET") {
      headers["X-CSRF-Token"] = (await whoami()).csrf_token;
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) { toLogin(); }
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: "unexpected answer (" + response.status + ")" }; }
    return { ok: response.ok, status: response.status, data };
  }

  // createElement + textContent: the only way data reaches the page.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key.startsWith("data-")) node.setAttribute(key, value);
      else if (key === "href") node.setAttribute("href", value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function status(text, isError) {
    const box = document.getElementById("status");
    if (!box) return;
    box.textContent = text || "";
    box.className = isError ? "status error" : "status";
  }

  function since(iso) {
    if (!iso) return "";
    const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (seconds < 60) return seconds + " s";
    if (seconds < 3600) return Math.round(seconds / 60) + " min";
    return Math.round(seconds / 3600) + " h";
  }

  function setupLogout() {
    const button = document.getElementById("logout");
    if (!button) return;
    button.addEventListener("click", async () => {
      await api("POST", "/console/logout");
      window.location.assign("/console/login");
    });
  }

  document.addEventListener("DOMContentLoaded", () => { setupLogout(); whoami().catch(() => {}); });
  return { api, el, status, since, whoami };
})();
