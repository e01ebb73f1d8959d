"""Who did what, over HTTP: every staff action lands in the audit log with the staff member's username.

Real web app (Starlette TestClient) on a migrated SQLite file; Rasa is not
running, so handback is not among the actions here (tests/e2e covers it).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from calmdesk.staff import audit
from tests.web.test_console import PASSWORD, TOKEN, accounts, app, client, logged_in, login, waiting  # noqa: F401


def _log(engine) -> list[tuple[str, str, str | None]]:
    return [(e["actor"], e["action"], e["target"]) for e in reversed(audit.entries(engine))]


def test_console_actions_are_recorded_with_the_username(client, accounts, waiting, migrated_engine):
    reference = waiting["reference"]
    headers = logged_in(client, "sam")
    client.get(f"/console/api/conversations/{reference}")
    client.get(f"/console/api/conversations/{reference}/transcript")  # polling: not a separate action
    client.post(f"/console/api/conversations/{reference}/claim", headers=headers)
    client.post(f"/console/api/conversations/{reference}/reply", json={"text": "On it, Ann."}, headers=headers)
    client.post(f"/console/api/conversations/{reference}/notes", json={"text": "angry, be kind"}, headers=headers)
    client.post(f"/console/api/conversations/{reference}/remedies", json={"kind": "refund", "status": "offered"},
                headers=headers)
    # The console using the staff API: the remedy history and the log say "sam", not "staff".
    moved = client.post(f"/api/tickets/{reference}/remedies/refund", json={"status": "accepted"}, headers=headers)
    assert [(h["status"], h["actor"]) for h in moved.json()["remedies"][0]["history"]] == [
        ("offered", "sam"), ("accepted", "sam")]
    declared = client.post("/api/incidents", json={"category": "service_outage", "public_message": "Down."},
                           headers=headers).json()
    assert declared["created_by"] == "sam"
    client.post(f"/console/api/incidents/{declared['reference']}/close", json={}, headers=headers)
    client.post("/console/logout", headers=headers)

    assert _log(migrated_engine) == [
        ("sam", "sign_in", "sam"),
        ("sam", "view_conversation", reference),
        ("sam", "claim", reference),
        ("sam", "reply", reference),
        ("sam", "note", reference),
        ("sam", "change_remedy", reference),
        ("sam", "change_remedy", reference),
        ("sam", "incident_declare", declared["reference"]),
        ("sam", "incident_close", declared["reference"]),
        ("sam", "sign_out", "sam"),
    ]
    entries = {e["action"]: e for e in reversed(audit.entries(migrated_engine))}  # the newest of each
    assert entries["change_remedy"]["detail"] == {"kind": "refund", "status": "accepted"}
    assert entries["claim"]["channel"] == "console" and entries["claim"]["address"]
    # What staff typed is not copied into the log.
    assert not any("On it" in str(e) or "be kind" in str(e) for e in audit.entries(migrated_engine))


def test_token_callers_failed_logins_and_refusals(client, accounts, waiting, migrated_engine, database_url):
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get(f"/api/tickets/{waiting['reference']}", headers=bearer).status_code == 200
    assert login(client, "sam", "a wrong password, typed carefully").status_code == 401
    assert login(client, "my secret pass phrase", "x").status_code == 401  # a password in the username box
    headers = logged_in(client, "sam")
    assert client.post("/console/api/staff", json={"username": "eve", "password": PASSWORD},
                       headers=headers).status_code == 403  # refused: not an admin, so nothing happened

    logged = audit.entries(migrated_engine)
    assert [(e["actor"], e["channel"], e["action"]) for e in reversed(logged)] == [
        ("staff", "api-token", "view_ticket"),
        ("sam", "console", "sign_in_failed"),
        ("(not a username)", "console", "sign_in_failed"),
        ("sam", "console", "sign_in"),
    ]
    database = Path(database_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert b"typed carefully" not in stored and b"secret pass phrase" not in stored


def test_admins_read_and_export_the_log_and_nobody_can_change_it(client, app, accounts, migrated_engine):
    with TestClient(app) as agent:
        logged_in(agent, "sam")
        assert agent.get("/console/api/audit").status_code == 403
        assert agent.get("/console/api/audit.csv").status_code == 403
        assert agent.get("/console/audit").status_code == 403

    headers = logged_in(client, "ada")
    assert client.post("/console/api/staff", json={"username": "eve", "password": PASSWORD, "role": "agent"},
                       headers=headers).status_code == 201
    client.post("/console/api/staff/eve/disable", headers=headers)
    page = client.get("/console/audit")
    assert page.status_code == 200 and "audit.js" in page.text
    listed = client.get("/console/api/audit", params={"actor": "ada"}).json()["entries"]
    assert [(e["action"], e["target"]) for e in listed] == [
        ("staff_disable", "eve"), ("staff_add", "eve"), ("sign_in", "ada")]
    assert listed[1]["detail"] == {"username": "eve", "role": "agent"}, "never the password"
    assert client.get("/console/api/audit", params={"from": "yesterday"}).status_code == 400

    download = client.get("/console/api/audit.csv")
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert {(r["actor"], r["action"]) for r in rows} >= {("sam", "sign_in"), ("ada", "staff_add")}
    assert audit.entries(migrated_engine)[0]["action"] == "export_audit", "the export itself is on the record"

    before = audit.entries(migrated_engine)
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert client.request(method, "/console/api/audit", headers=headers).status_code == 405
    assert audit.entries(migrated_engine) == before


def test_a_route_added_later_is_on_the_record_too(app, client, accounts, migrated_engine):
    app.router.routes.append(Route("/console/api/new-button", lambda request: JSONResponse({"done": True}),
                                   methods=["POST"]))
    headers = logged_in(client, "kim")
    assert client.post("/console/api/new-button", headers=headers).status_code == 200
    newest = audit.entries(migrated_engine)[0]
    assert (newest["actor"], newest["action"], newest["target"]) == ("kim", "request", "/console/api/new-button")


def test_a_conversation_page_left_open_is_one_view_not_hundreds(client, accounts, waiting, migrated_engine):
    logged_in(client, "sam")
    for _ in range(5):  # the page re-reads the ticket every 10 s
        assert client.get(f"/console/api/conversations/{waiting['reference']}").status_code == 200
    assert [e["action"] for e in audit.entries(migrated_engine)].count("view_conversation") == 1
