// Incidents: declare, confirm a suggestion, post an update, close.
"use strict";
(() => {
  const { api, el, status } = calmdesk;

  async function act(reference, action, body, done) {
    const { ok, data } = await api("POST", "/console/api/incidents/" + encodeURIComponent(reference) + "/" + action, body);
    status(ok ? done : (data.error || "that did not work"), !ok);
    await load();
  }

  function controls(incident) {
    if (incident.status === "closed") return el("span", {}, "closed");
    const text = el("input", { type: "text", placeholder: "message", class: "incident-text" });
    const cell = el("span", {}, text);
    if (incident.status === "suggested") {
      cell.append(el("button", { type: "button", class: "incident-confirm",
        onclick: () => act(incident.reference, "confirm", { public_message: text.value || incident.public_message }, "Confirmed.") }, "Confirm"));
    } else {
      cell.append(el("button", { type: "button", class: "incident-update",
        onclick: () => text.value.trim() ? act(incident.reference, "updates", { message: text.value }, "Update posted.")
          : status("Write the update first.", true) }, "Post update"));
    }
    cell.append(el("button", { type: "button", class: "incident-close",
      onclick: () => act(incident.reference, "close", text.value.trim() ? { message: text.value } : {}, "Closed.") }, "Close"));
    return cell;
  }

  async function load() {
    const { ok, data } = await api("GET", "/console/api/incidents");
    if (!ok) { status(data.error || "could not load incidents", true); return; }
    const select = document.getElementById("incident-category");
    if (!select.options.length) select.replaceChildren(...data.categories.map((c) => el("option", { value: c }, c)));
    document.getElementById("incident-rows").replaceChildren(...data.incidents.map((i) =>
      el("tr", { class: "incident-row", "data-reference": i.reference },
        el("td", {}, i.reference), el("td", {}, i.status), el("td", {}, i.category),
        el("td", {}, i.public_message), el("td", {}, String((i.tickets || []).length)), el("td", {}, controls(i)))));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("incident-declare").addEventListener("click", async () => {
      const message = document.getElementById("incident-message");
      const { ok, data } = await api("POST", "/console/api/incidents", {
        category: document.getElementById("incident-category").value, public_message: message.value });
      status(ok ? "Declared " + data.reference + "." : (data.error || "that did not work"), !ok);
      if (ok) message.value = "";
      await load();
    });
    load();
    setInterval(load, 10000);
  });
})();
