// Admins: export (download) or erase one customer's data. Nothing from the answer is put on the page as HTML.
"use strict";

(() => {
  const { api, status, whoami } = calmdesk;

  function who() {
    const email = document.getElementById("subject-email").value.trim();
    const conversation = document.getElementById("subject-conversation").value.trim();
    return email ? { email } : (conversation ? { conversation_id: conversation } : null);
  }

  async function download(event) {
    event.preventDefault();
    const body = who();
    if (!body) { status("Enter an email address or a conversation id.", true); return; }
    const response = await fetch("/console/api/subjects/export", {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRF-Token": (await whoami()).csrf_token },
    });
    if (!response.ok) { status("Could not export (" + response.status + ").", true); return; }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url; link.download = "calmdesk-customer-export.json";
    document.body.append(link); link.click(); link.remove();
    URL.revokeObjectURL(url);
    status("Downloaded.");
  }

  async function erase() {
    const body = who();
    if (!body) { status("Enter an email address or a conversation id.", true); return; }
    body.confirm = document.getElementById("erase-confirm").value.trim();
    const answer = await api("POST", "/console/api/subjects/erase", body);
    if (!answer.ok) { status(answer.data.error || "Could not erase.", true); return; }
    status("Erased: " + answer.data.tickets.length + " tickets; " +
      Object.entries(answer.data.erased).map(([k, v]) => v + " " + k.replaceAll("_", " ")).join(", ") + ".");
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("subject-form").addEventListener("submit", download);
    document.getElementById("erase").addEventListener("click", erase);
  });
})();
