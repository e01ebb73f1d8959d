"""The staff console over HTTP (Starlette TestClient, migrated SQLite file).

Rasa is not running here: the client points at a closed port, so what needs
Rasa either degrades openly (a reply is sent but flagged as not in the
transcript) or fails with a clear 502.  tests/e2e/test_console_live.py runs
the same flows against the real stack.
"""
from __future__ import annotations

import re
import socket
from typing import Iterator

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from calmdesk.desk.tickets import TicketDraft, TranscriptLine, get_ticket, save_ticket
from calmdesk.staff import livechat
from calmdesk.staff.accounts import create_user, disable_user
from calmdesk.staff.rasa_api import RasaClient
from calmdesk.web.app import create_app

TOKEN = "s3cret-staff-token"
PASSWORD = "a long enough password"
XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app(migrated_engine):
    rasa = RasaClient(f"http://127.0.0.1:{closed_port()}", "rasa-token", timeout=2)
    return create_app(engine=migrated_engine, api_token=TOKEN, rasa=rasa)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def accounts(migrated_engine):
    create_user(migrated_engine, "sam", PASSWORD, "agent")
    create_user(migrated_engine, "kim", PASSWORD, "agent")
    create_user(migrated_engine, "ada", PASSWORD, "admin")


@pytest.fixture
def waiting(migrated_engine) -> dict:
    """A handed-off ticket full of hostile text."""
    from datetime import datetime, timezone

    return save_ticket(migrated_engine, TicketDraft(
        conversation_id="conv-xss", category="delivery_problem", anger_level="angry", priority="high",
        handoff=True, status="awaiting_agent", description=XSS, order_number="4839201",
        customer_email="ann@example.com",
        transcript=[TranscriptLine("customer", XSS, datetime(2024, 5, 1, tzinfo=timezone.utc))]))


def login(client: TestClient, username: str, password: str = PASSWORD, next_path: str | None = None):
    form_page = client.get("/console/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form_page.text).group(1)
    url = "/console/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": csrf},
                       follow_redirects=False)


def logged_in(client: TestClient, username: str) -> dict[str, str]:
    """Log in; return the headers an unsafe request needs (the CSRF token)."""
    assert login(client, username).status_code == 303
    me = client.get("/console/api/me").json()
    assert me["username"] == username
    return {"X-CSRF-Token": me["csrf_token"]}


def console_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every console route the app has, path parameters filled in."""
    found = []
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/console") and route.path != "/console/login":
            path = re.sub(r"\{reference\}", "CD-000000", route.path)
            path = re.sub(r"\{[^}]+\}", "x", path)
            found += [(method, path) for method in sorted(route.methods - {"HEAD"})]
    return found


# --- anonymous visitors ---------------------------------------------------------------


def test_every_console_route_needs_a_login(app, client):
    routes = console_routes(app)
    assert len(routes) >= 20 and ("GET", "/console/api/queue") in routes
    for method, path in routes:
        response = client.request(method, path, follow_redirects=False)
        if path.startswith("/console/api/"):
            assert response.status_code == 401, (method, path)
            assert response.json() == {"error": "log in to the console first"}
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/console/login?next=%2Fconsole"), (method, path)


def test_login_form_is_a_static_page_with_a_strict_policy(client):
    page = client.get("/console/login")
    assert page.status_code == 200
    for selector in ('id="username"', 'id="password"', 'id="login-submit"'):
        assert selector in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in page.text


# --- logging in and out ------------------------------------------------------------------


def test_wrong_password_gets_a_polite_error_and_no_session(client, accounts):
    response = login(client, "sam", "not the password")
    assert response.status_code == 401
    assert "That username and password don't match. Please try again." in response.text
    assert "calmdesk_staff" not in response.headers.get("set-cookie", "")
    assert client.get("/console/api/me").status_code == 401


def test_login_sets_a_safe_cookie_and_goes_to_a_local_next(client, accounts):
    response = login(client, "sam", next_path="/console/incidents")
    assert response.status_code == 303 and response.headers["location"] == "/console/incidents"
    cookie = response.headers["set-cookie"].lower()
    assert "calmdesk_staff=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/console/incidents").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/api/tickets", "/\\evil.example"])
def test_login_never_sends_people_elsewhere(client, accounts, target):
    assert login(client, "sam", next_path=target).headers["location"] == "/console"


def test_login_form_needs_its_csrf_token(client, accounts):
    client.get("/console/login")
    response = client.post("/console/login", data={"username": "sam", "password": PASSWORD, "csrf_token": "forged"},
                           follow_redirects=False)
    assert response.status_code == 403 and "expired" in response.text
    assert client.get("/console/api/me").status_code == 401


def test_repeated_failures_are_throttled(client, accounts):
    for _ in range(5):
        assert login(client, "sam", "wrong password").status_code == 401
    blocked = login(client, "sam")  # even the right password, for now
    assert blocked.status_code == 429 and "Too many attempts" in blocked.text
    assert login(client, "kim").status_code == 303  # another person is not blocked


def test_logout_ends_the_session(client, accounts):
    headers = logged_in(client, "sam")
    assert client.post("/console/logout", headers=headers).json()["logged_out"] is True
    assert client.get("/console/api/me").status_code == 401


def test_disabled_account_is_logged_out(client, accounts, migrated_engine):
    logged_in(client, "sam")
    disable_user(migrated_engine, "sam")
    assert client.get("/console/api/queue").status_code == 401


# --- CSRF -------------------------------------------------------------------------------


def test_unsafe_requests_need_the_csrf_token(client, accounts, waiting):
    headers = logged_in(client, "sam")
    path = f"/console/api/conversations/{waiting['reference']}/notes"
    assert client.post(path, json={"text": "hi"}).status_code == 403
    assert client.post(path, json={"text": "hi"}, headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert client.post("/console/logout").status_code == 403
    assert client.post(path, json={"text": "hi"}, headers=headers).status_code == 201


def test_a_console_session_may_use_the_api_and_the_bearer_token_still_works(client, accounts, waiting):
    assert client.get("/api/tickets").status_code == 401
    headers = logged_in(client, "sam")
    assert client.get(f"/api/tickets/{waiting['reference']}").json()["reference"] == waiting["reference"]
    declare = {"category": "delivery_problem", "public_message": "Parcels are late today."}
    assert client.post("/api/incidents", json=declare).status_code == 401  # no CSRF token
    assert client.post("/api/incidents", json=declare, headers=headers).status_code == 201
    with TestClient(client.app) as script:  # no cookies: a script with the token
        assert script.get("/api/tickets", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert script.get("/api/tickets", headers={"Authorization": "Bearer wrong"}).status_code == 401


# --- roles ------------------------------------------------------------------------------


def test_agents_cannot_manage_staff(client, accounts):
    headers = logged_in(client, "sam")
    assert client.get("/console/api/staff").status_code == 403
    refused = client.post("/console/api/staff", json={"username": "eve", "password": PASSWORD}, headers=headers)
    assert refused.status_code == 403 and refused.json() == {"error": "only an admin can do this"}
    assert client.post("/console/api/staff/kim/disable", headers=headers).status_code == 403


def test_admins_manage_staff(client, accounts, migrated_engine):
    headers = logged_in(client, "ada")
    added = client.post("/console/api/staff", json={"username": "eve", "password": PASSWORD, "display_name": "Eve"},
                        headers=headers)
    assert added.status_code == 201 and added.json()["role"] == "agent"
    assert not {"password", "password_hash"} & added.json().keys() and PASSWORD not in added.text
    assert "scrypt" not in added.text, "no password hash leaves the server"
    assert {u["username"] for u in client.get("/console/api/staff").json()["staff"]} == {"ada", "eve", "kim", "sam"}
    short = client.post("/console/api/staff", json={"username": "joe", "password": "short"}, headers=headers)
    assert short.status_code == 400 and "at least 10" in short.json()["error"]
    assert client.post("/console/api/staff/eve/disable", headers=headers).json()["disabled"] is True
    assert client.post("/console/api/staff/ada/disable", headers=headers).status_code == 400


# --- the queue and a conversation ---------------------------------------------------------


def test_hostile_ticket_text_only_travels_as_json(client, accounts, waiting):
    logged_in(client, "sam")
    queue = client.get("/console/api/queue")
    assert queue.headers["content-type"] == "application/json"
    [entry] = queue.json()["queue"]
    assert entry["reference"] == waiting["reference"] and entry["anger"]["peak"] == "angry"
    detail = client.get(f"/console/api/conversations/{waiting['reference']}")
    assert detail.json()["ticket"]["description"] == XSS
    for page in ("/console", f"/console/conversations/{waiting['reference']}", "/console/incidents"):
        html = client.get(page)
        assert html.status_code == 200 and "unsafe-inline" not in html.headers["content-security-policy"]
        assert "alert" not in html.text and waiting["reference"] not in html.text and "4839201" not in html.text
        assert "<script>" not in html.text  # scripts only by src


def test_claim_reply_note_and_the_holder_rule(client, app, accounts, waiting, migrated_engine):
    reference, conversation = waiting["reference"], waiting["conversation_id"]
    headers = logged_in(client, "sam")
    claimed = client.post(f"/console/api/conversations/{reference}/claim", headers=headers)
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "sam"
    [joined] = livechat.messages_after(migrated_engine, conversation)
    assert (joined["role"], joined["text"]) == ("system", "Sam from our support team has joined the chat.")

    reply = client.post(f"/console/api/conversations/{reference}/reply", json={"text": "I'm on it, Ann."},
                        headers=headers)
    assert reply.status_code == 201
    assert "not in the transcript" in reply.json()["tracker_error"]  # Rasa is down here, and we say so
    assert [m["text"] for m in livechat.messages_after(migrated_engine, conversation)][-1] == "I'm on it, Ann."
    assert client.post(f"/console/api/conversations/{reference}/reply", json={"text": " "},
                       headers=headers).status_code == 400
    note = client.post(f"/console/api/conversations/{reference}/notes", json={"text": XSS}, headers=headers)
    assert note.status_code == 201 and note.json()["text"] == XSS
    assert all(m["text"] != XSS for m in livechat.messages_after(migrated_engine, conversation))  # never to the customer

    with TestClient(app) as other:
        kim = logged_in(other, "kim")
        taken = other.post(f"/console/api/conversations/{reference}/claim", headers=kim)
        assert taken.status_code == 409 and "held by sam" in taken.json()["error"]
        assert other.post(f"/console/api/conversations/{reference}/reply", json={"text": "me too"},
                          headers=kim).status_code == 409
        assert other.post(f"/console/api/conversations/{reference}/resolve", headers=kim).status_code == 409
        assert other.get("/console/api/queue").json()["queue"][0]["claimed_by"] == "sam"


def test_resolve_without_the_assistant_keeps_the_ticket_held(client, accounts, waiting):
    reference = waiting["reference"]
    headers = logged_in(client, "sam")
    client.post(f"/console/api/conversations/{reference}/claim", headers=headers)
    refused = client.post(f"/console/api/conversations/{reference}/resolve", headers=headers)
    assert refused.status_code == 502 and "could not be reached" in refused.json()["error"]
    assert get_ticket(client.app.state.engine, reference)["status"] == "awaiting_agent"


def test_transcript_needs_rasa_and_says_so(client, accounts, waiting):
    logged_in(client, "sam")
    response = client.get(f"/console/api/conversations/{waiting['reference']}/transcript")
    assert response.status_code == 502
    assert client.get("/console/api/conversations/CD-000000").status_code == 404


def test_remedies_are_recorded_with_the_staff_username(client, accounts, waiting):
    reference = waiting["reference"]
    headers = logged_in(client, "sam")
    path = f"/console/api/conversations/{reference}/remedies"
    offered = client.post(path, json={"kind": "refund", "status": "offered"}, headers=headers)
    assert offered.status_code == 200
    accepted = client.post(path, json={"kind": "refund", "status": "accepted"}, headers=headers).json()
    assert [(h["status"], h["actor"]) for h in accepted["remedies"][0]["history"]] == [
        ("offered", "sam"), ("accepted", "sam")]
    bad = client.post(path, json={"kind": "refund", "status": "offered", "bogus": 1}, headers=headers)
    assert bad.status_code == 400 and "unknown field" in bad.json()["error"]
    assert client.post(path, json={"kind": "pony", "status": "offered"}, headers=headers).status_code == 400


def test_incidents_from_the_console(client, accounts):
    headers = logged_in(client, "sam")
    declared = client.post("/console/api/incidents",
                           json={"category": "service_outage", "public_message": "The app is down."},
                           headers=headers)
    assert declared.status_code == 201 and declared.json()["created_by"] == "sam"
    reference = declared.json()["reference"]
    update = client.post(f"/console/api/incidents/{reference}/updates", json={"message": "Fixed soon."},
                         headers=headers)
    assert update.status_code == 200 and update.json()["updates"][-1]["author"] == "sam"
    assert client.post(f"/console/api/incidents/{reference}/close", headers=headers).json()["status"] == "closed"
    assert client.post(f"/console/api/incidents/{reference}/explode", headers=headers).status_code == 404
    listed = client.get("/console/api/incidents").json()
    assert listed["incidents"][0]["status"] == "closed" and "service_outage" in listed["categories"]
    assert client.post("/console/api/incidents", json={"category": "nope", "public_message": "x"},
                       headers=headers).status_code == 400
