// Admins: the handoff webhook outbox, failures first, with "retry now". textContent only.
"use strict";

(() => {
  const { el, api, status } = calmdesk;

  function when(iso) { return iso ? new Date(iso).toLocaleString() : "–"; }

  async function retry(id) {
    const answer = await api("POST", "/console/api/webhooks/" + encodeURIComponent(id) + "/retry");
    status(answer.ok ? "Queued: it goes out within a few seconds." : (answer.data.error || "Could not retry."), !answer.ok);
    setTimeout(load, 2000);
  }

  async function load() {
    const filter = document.getElementById("filter").value;
    const answer = await api("GET", "/console/api/webhooks" + (filter ? "?status=" + encodeURIComponent(filter) : ""));
    if (!answer.ok) { status(answer.data.error || "Could not load the webhooks.", true); return; }
    const rows = answer.data.deliveries.map(d => {
      const button = el("button", { type: "button", class: "retry", "data-id": String(d.id) }, "Retry now");
      button.disabled = d.status === "delivered";
      button.addEventListener("click", () => retry(d.id));
      return el("tr", { "data-status": d.status },
        el("td", {}, d.id),
        el("td", {}, el("a", { href: "/console/conversations/" + encodeURIComponent(d.ticket_reference) }, d.ticket_reference)),
        el("td", {}, d.status), el("td", {}, d.attempts + " / " + d.max_attempts),
        el("td", {}, d.last_error || ""), el("td", {}, when(d.next_attempt_at)), el("td", {}, when(d.created_at)),
        el("td", {}, button));
    });
    document.getElementById("delivery-rows").replaceChildren(...rows);
    if (!rows.length) status(filter ? "No " + filter + " deliveries." : "No deliveries yet.");
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("filter").addEventListener("change", () => { status(""); load(); });
    load();
    setInterval(load, 10000);
  });
})();
