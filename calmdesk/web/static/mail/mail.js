// Admins: the email outbox, failures first, with "retry now". Everything rendered with textContent.
"use strict";

(() => {
  const { el, api, status } = calmdesk;

  function when(iso) { return iso ? new Date(iso).toLocaleString() : "–"; }

  async function retry(id) {
    const answer = await api("POST", "/console/api/mail/" + encodeURIComponent(id) + "/retry");
    status(answer.ok ? "Queued: it goes out within a few seconds." : (answer.data.error || "Could not retry."), !answer.ok);
    setTimeout(load, 2000);
  }

  async function load() {
    const filter = document.getElementById("filter").value;
    const answer = await api("GET", "/console/api/mail" + (filter ? "?status=" + encodeURIComponent(filter) : ""));
    if (!answer.ok) { status(answer.data.error || "Could not load the emails.", true); return; }
    const c = answer.data.counts;
    document.getElementById("counts").textContent =
      `${c.failed} failed · ${c.pending} waiting · ${c.sent} sent · ${c.suppressed} not sent (unsubscribed)`;
    const rows = answer.data.messages.map(m => {
      const button = el("button", { type: "button", class: "retry", "data-id": String(m.id) }, "Retry now");
      button.disabled = m.status === "sent" || m.status === "suppressed";
      button.addEventListener("click", () => retry(m.id));
      return el("tr", { "data-status": m.status, "data-kind": m.kind },
        el("td", {}, m.id),
        el("td", {}, el("a", { href: "/console/conversations/" + encodeURIComponent(m.ticket_reference) }, m.ticket_reference)),
        el("td", {}, m.kind.replace(/_/g, " ")), el("td", {}, m.to),
        el("td", { class: "mail-status" }, m.status), el("td", {}, m.attempts + " / " + m.max_attempts),
        el("td", { class: "mail-error" }, m.last_error || ""), el("td", {}, when(m.next_attempt_at)),
        el("td", {}, button));
    });
    document.getElementById("mail-rows").replaceChildren(...rows);
    if (!rows.length) status(filter ? "No " + filter + " emails." : "No emails yet.");
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("filter").addEventListener("change", () => { status(""); load(); });
    load();
    setInterval(load, 5000);
  });
})();
