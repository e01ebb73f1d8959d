// The queue: polls /console/api/queue every 2 s (which is also the heartbeat).
"use strict";
(() => {
  const { api, el, status, since } = calmdesk;

  function anger(entry) {
    const a = entry.anger || {};
    const parts = [a.start || "?", a.peak || entry.anger_level, a.latest || "?"].join(" → ");
    return parts + (a.trend && a.trend !== "steady" ? " (" + a.trend + ")" : "");
  }

  function row(entry) {
    const link = el("a", { href: "/console/conversations/" + encodeURIComponent(entry.reference) }, entry.reference);
    const remedies = entry.remedies.map((r) => r.kind + " (" + r.status + ")").join(", ") || "none";
    return el("tr", { class: "queue-row priority-" + entry.priority, "data-reference": entry.reference },
      el("td", {}, link),
      el("td", {}, entry.priority),
      el("td", {}, since(entry.created_at)),
      el("td", {}, entry.category),
      el("td", {}, anger(entry)),
      el("td", {}, entry.recurrent ? "yes" : "no"),
      el("td", {}, remedies),
      el("td", {}, entry.claimed_by || "nobody yet"));
  }

  async function refresh() {
    const { ok, data } = await api("GET", "/console/api/queue");
    if (!ok) { status(data.error || "could not load the queue", true); return; }
    status("");
    document.getElementById("queue-rows").replaceChildren(...data.queue.map(row));
    document.getElementById("queue-empty").hidden = data.queue.length > 0;
    document.getElementById("online").textContent = data.agents_online + " online";
  }

  document.addEventListener("DOMContentLoaded", () => {
    refresh();
    setInterval(refresh, 2000);
  });
})();
