// Staff accounts (admins only; agents get a polite "only an admin can do this").
"use strict";
(() => {
  const { api, el, status } = calmdesk;

  async function load() {
    const { ok, data } = await api("GET", "/console/api/staff");
    if (!ok) { status(data.error || "could not load staff", true); return; }
    document.getElementById("staff-rows").replaceChildren(...data.staff.map((u) =>
      el("tr", { class: "staff-row", "data-username": u.username },
        el("td", {}, u.username), el("td", {}, u.display_name), el("td", {}, u.role),
        el("td", {}, u.disabled ? "disabled" : "active"), el("td", {}, u.last_seen_at || "never"),
        el("td", {}, u.disabled ? "" : el("button", { type: "button", onclick: async () => {
          const r = await api("POST", "/console/api/staff/" + encodeURIComponent(u.username) + "/disable");
          status(r.ok ? "Disabled." : (r.data.error || "that did not work"), !r.ok);
          load();
        } }, "Disable")))));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("staff-add").addEventListener("click", async () => {
      const value = (id) => document.getElementById(id).value;
      const body = { username: value("new-username"), password: value("new-password"), role: value("new-role") };
      if (value("new-name").trim()) body.display_name = value("new-name");
      const { ok, data } = await api("POST", "/console/api/staff", body);
      status(ok ? "Added " + data.username + "." : (data.error || "that did not work"), !ok);
      if (ok) document.getElementById("new-password").value = "";
      load();
    });
    load();
  });
})();
