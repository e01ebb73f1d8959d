// Admins: the audit log, newest first, with filters and a CSV download. Read-only; textContent only.
"use strict";

(() => {
  const { el, api, status } = calmdesk;

  function query() {
    const params = new URLSearchParams();
    for (const name of ["actor", "action", "target"]) {
      const value = document.getElementById(name).value.trim();
      if (value) params.set(name, value);
    }
    return params.toString();
  }

  async function load() {
    const q = query();
    document.getElementById("csv").setAttribute("href", "/console/api/audit.csv" + (q ? "?" + q : ""));
    const answer = await api("GET", "/console/api/audit" + (q ? "?" + q : ""));
    if (!answer.ok) { status(answer.data.error || "Could not load the audit log.", true); return; }
    const rows = answer.data.entries.map(e => el("tr", { "data-action": e.action },
      el("td", {}, new Date(e.at).toLocaleString()), el("td", {}, e.actor), el("td", {}, e.channel),
      el("td", {}, e.action), el("td", {}, [e.target_type, e.target].filter(Boolean).join(" ")),
      el("td", {}, e.detail ? JSON.stringify(e.detail) : ""), el("td", {}, e.address || "")));
    document.getElementById("audit-rows").replaceChildren(...rows);
    status(rows.length ? "" : "No entries match.");
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("filters").addEventListener("submit", event => { event.preventDefault(); load(); });
    load();
  });
})();
