// One conversation: live transcript (polled from Rasa's tracker via the console API),
// claim, reply, notes, remedies, resolve. Everything is rendered with textContent.
"use strict";
(() => {
  const { api, el, status, whoami } = calmdesk;
  const reference = decodeURIComponent(location.pathname.split("/").pop());
  const base = "/console/api/conversations/" + encodeURIComponent(reference);
  let shownLines = -1;
  let selectsFilled = false;

  function line(item) {
    const who = item.role === "agent" ? (item.author || "agent") : item.role === "user" ? "customer" : item.role;
    return el("div", { class: "line line-" + item.role }, el("span", { class: "who" }, who), item.text);
  }

  async function loadTranscript() {
    const { ok, data } = await api("GET", base + "/transcript");
    if (!ok) { status(data.error || "could not load the transcript", true); return; }
    if (data.lines.length === shownLines) return;
    const box = document.getElementById("transcript");
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 20;
    box.replaceChildren(...data.lines.map(line));
    if (atBottom || shownLines < 0) box.scrollTop = box.scrollHeight;
    shownLines = data.lines.length;
  }

  function fill(select, values) {
    select.replaceChildren(...values.map((v) => el("option", { value: v }, v)));
  }

  async function loadDetail() {
    const { ok, data } = await api("GET", base);
    if (!ok) { status(data.error || "could not load the ticket", true); return; }
    const t = data.ticket;
    document.getElementById("export-story").setAttribute(
      "href", "/console/api/conversations/" + encodeURIComponent(t.conversation_id) + "/story.yml");
    document.getElementById("title").textContent = t.reference + " · " + t.category + " · " + t.status;
    const me = await whoami();
    document.getElementById("holder").textContent =
      data.claimed_by ? "Held by " + data.claimed_by : "Nobody holds this conversation yet.";
    const mine = data.claimed_by === me.username && t.status === "awaiting_agent";
    document.getElementById("claim").disabled = Boolean(data.claimed_by) || t.status !== "awaiting_agent";
    for (const id of ["reply-send", "resolve"]) document.getElementById(id).disabled = !mine;
    const facts = [["Category", t.category], ["Priority", t.priority], ["Anger (peak)", t.anger_level],
      ["Order", t.order_number || "—"], ["Email", t.customer_email || "—"],
      ["What happened", t.description || "—"], ["Recurrent", t.recurrent ? "yes" : "no"],
      ["Incident", t.incident || "—"]];
    document.getElementById("summary").replaceChildren(
      ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    document.getElementById("remedies").replaceChildren(...(t.remedies.length ? t.remedies.map((r) =>
      el("li", {}, r.kind + (r.amount !== null ? " " + r.amount + (r.unit === "percent" ? "%" : "") : "") +
        ": " + r.status + (r.history.length ? " (last by " + r.history[r.history.length - 1].actor + ")" : "")))
      : [el("li", {}, "None offered yet.")]));
    document.getElementById("notes").replaceChildren(...data.notes.map((n) =>
      el("li", { class: "note" }, el("span", { class: "who" }, n.author + " · " + n.created_at), n.text)));
    document.getElementById("earlier").replaceChildren(...(data.earlier_tickets.length ?
      data.earlier_tickets.map((e) => el("li", {}, e.reference + " · " + e.category + " · " + e.status +
        " · " + e.created_at.slice(0, 10))) : [el("li", {}, "None.")]));
    if (!selectsFilled) {
      fill(document.getElementById("remedy-kind"), data.remedy_kinds);
      fill(document.getElementById("remedy-status"), data.remedy_statuses);
      selectsFilled = true;
    }
  }

  // Is the customer's chat window open? If not, a reply can go by email (when we may email them).
  async function loadPresence() {
    const { ok, data } = await api("GET", base + "/presence");
    if (!ok) return;
    const here = document.getElementById("presence");
    here.textContent = data.connected ? "Customer is in the chat now" :
      data.can_email ? "Customer has left the chat: reply by email" : "Customer has left the chat (no email address)";
    here.dataset.connected = String(data.connected);
    document.getElementById("reply-email").hidden = data.connected || !data.can_email;
  }

  // One action at a time: a double click on "Send" or "Send by email" must not send the reply twice.
  let busy = false;
  async function act(path, body, done) {
    if (busy) return false;
    busy = true;
    try {
      const { ok, data } = await api("POST", base + path, body);
      if (!ok) { status(data.error || "that did not work", true); return false; }
      status(done);
      await Promise.all([loadDetail(), loadTranscript()]);
      return true;
    } finally {
      busy = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("claim").addEventListener("click", () => act("/claim", undefined, "You have the conversation."));
    document.getElementById("reply-send").addEventListener("click", async () => {
      const box = document.getElementById("reply-text");
      if (!box.value.trim()) { status("Write a reply first.", true); return; }
      if (await act("/reply", { text: box.value }, "Sent.")) box.value = "";
    });
    document.getElementById("reply-email").addEventListener("click", async () => {
      const box = document.getElementById("reply-text");
      if (!box.value.trim()) { status("Write a reply first.", true); return; }
      if (await act("/email", { text: box.value }, "Emailed: it goes out within a few seconds.")) box.value = "";
    });
    document.getElementById("note-add").addEventListener("click", async () => {
      const box = document.getElementById("note-text");
      if (!box.value.trim()) { status("Write a note first.", true); return; }
      if (await act("/notes", { text: box.value }, "Note added.")) box.value = "";
    });
    document.getElementById("remedy-set").addEventListener("click", () => act("/remedies", {
      kind: document.getElementById("remedy-kind").value,
      status: document.getElementById("remedy-status").value }, "Remedy recorded."));
    document.getElementById("resolve").addEventListener("click", () =>
      act("/resolve", undefined, "Resolved; the assistant is back with the customer."));
    loadDetail();
    loadTranscript();
    setInterval(loadTranscript, 2000);
    setInterval(loadDetail, 10000);
    loadPresence();
    setInterval(loadPresence, 3000);
  });
})();
