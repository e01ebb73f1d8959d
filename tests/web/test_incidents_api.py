"""The staff API for mass incidents and follow-ups, through Starlette's TestClient."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
from starlette.testclient import TestClient

from calmdesk.desk.incidents import IncidentSettings, PolicyError, declare_incident, link_ticket, post_update
from calmdesk.desk.incidents import settings
from calmdesk.desk.tickets import TicketDraft, save_ticket, schedule_follow_up
from calmdesk.web.app import create_app

TOKEN = "s3cret-staff-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
AT = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
MESSAGE = "Some card payments are failing; we're fixing it and nobody will be charged twice."


@pytest.fixture
def client(migrated_engine) -> Iterator[TestClient]:
    settings = IncidentSettings(detection_tickets=3, detection_minutes=30)
    app = create_app(engine=migrated_engine, api_token=TOKEN, incident_settings=settings)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def incident(migrated_engine) -> dict:
    return declare_incident(migrated_engine, "payment_failed", MESSAGE, "agent:alice", started_at=AT)


def create(client, **body):
    body = {"category": "payment_failed", "public_message": MESSAGE, **body}
    return client.post("/api/incidents", headers=AUTH, json=body)


# --- authentication ----------------------------------------------------------------------------

ROUTES = [
    ("GET", "/api/incidents"),
    ("POST", "/api/incidents"),
    ("POST", "/api/incidents/detect"),
    ("GET", "/api/incidents/INC-000000"),
    ("POST", "/api/incidents/INC-000000/confirm"),
    ("POST", "/api/incidents/INC-000000/updates"),
    ("POST", "/api/incidents/INC-000000/close"),
    ("GET", "/api/tickets?follow_up_due_before=2024-05-01T00:00:00Z"),
]


@pytest.mark.parametrize("method, path", ROUTES)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
def test_every_incident_route_needs_the_token(client, incident, method, path, headers):
    path = path.replace("INC-000000", incident["reference"])
    response = client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert MESSAGE not in response.text


# --- declaring and reading ------------------------------------------------------------------------


def test_declare_returns_201_with_the_incident_and_its_location(client):
    response = create(client, started_at="2024-05-01T11:30:00+02:00")

    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(r"INC-[0-9A-HJKMNP-TV-Z]{6}", body["reference"])
    assert body["status"] == "open"
    assert body["started_at"] == "2024-05-01T09:30:00+00:00"
    assert body["created_by"] == "staff"
    assert response.headers["location"] == f"/api/incidents/{body['reference']}"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert client.get(response.headers["location"], headers=AUTH).json() == body


def test_started_at_is_optional_and_accepts_z(client):
    assert create(client).status_code == 201
    response = create(client, category="delivery_problem", started_at="2024-05-01T09:30:00Z")
    assert response.json()["started_at"] == "2024-05-01T09:30:00+00:00"


def test_detail_has_updates_and_linked_tickets(client, migrated_engine, incident):
    ticket = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", category="payment_failed"))
    link_ticket(migrated_engine, ticket["reference"], incident["reference"])
    post_update(migrated_engine, incident["reference"], "Fix deployed.", "agent:bob")

    body = client.get(f"/api/incidents/{incident['reference'].lower()}", headers=AUTH).json()

    assert body["reference"] == incident["reference"]
    assert body["tickets"] == [ticket["reference"]]
    assert [(u["message"], u["author"]) for u in body["updates"]] == [("Fix deployed.", "agent:bob")]
    ticket_body = client.get(f"/api/tickets/{ticket['reference']}", headers=AUTH).json()
    assert ticket_body["incident"] == incident["reference"]


@pytest.mark.parametrize("reference", ["INC-000000", "nope", "CD-000000", "%00", "x" * 3000, "detect"])
def test_unknown_incident_is_404(client, incident, reference):
    response = client.get(f"/api/incidents/{reference}", headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"error": "incident not found"}


@pytest.mark.parametrize(
    "action, body", [("confirm", {"public_message": "m"}), ("updates", {"message": "m"}), ("close", {})]
)
def test_actions_on_an_unknown_incident_are_404(client, action, body):
    response = client.post(f"/api/incidents/INC-000000/{action}", headers=AUTH, json=body)
    assert response.status_code == 404
    assert response.json() == {"error": "incident not found"}


def test_list_and_filters(client, migrated_engine, incident):
    other = create(client, category="delivery_problem").json()["reference"]
    client.post(f"/api/incidents/{incident['reference']}/close", headers=AUTH)

    def refs(query: str = "") -> list[str]:
        response = client.get(f"/api/incidents?{query}", headers=AUTH)
        assert response.status_code == 200, response.text
        return [item["reference"] for item in response.json()["incidents"]]

    assert refs() == [other, incident["reference"]]
    assert refs("status=open") == [other]
    assert refs("status=closed&category=payment_failed") == [incident["reference"]]
    assert refs("status=&category=") == [other, incident["reference"]]


@pytest.mark.parametrize(
    "query, mentions", [("status=ongoing", "suggested, open, closed"), ("category=weather", "allowed")]
)
def test_bad_list_filters_are_400(client, query, mentions):
    response = client.get(f"/api/incidents?{query}", headers=AUTH)
    assert response.status_code == 400
    assert mentions in response.json()["error"]


# --- bad bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, mentions",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[" * 60_000, "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"payment_failed"', "must be a JSON object"),
        (b"null", "must be a JSON object"),
        (b"", "category is required"),
        (b'{"public_message": "m"}', "category is required"),
        (b'{"category": "payment_failed"}', "public_message is required"),
        (b'{"category": "payment_failed", "public_message": null}', "public_message is required"),
        (b'{"category": "weather", "public_message": "m"}', "'weather'"),
        (b'{"category": "other", "public_message": "m"}', "not 'other'"),
        (b'{"category": ["payment_failed"], "public_message": "m"}', "allowed"),
        (b'{"category": "payment_failed", "public_message": 5}', "public_message must be a string"),
        (b'{"category": "payment_failed", "public_message": "   "}', "must not be empty"),
        (b'{"category": "payment_failed", "public_message": "m", "severity": 1}', "unknown field 'severity'"),
        (b'{"category": "payment_failed", "public_message": "m", "started_at": "yesterday"}', "ISO 8601"),
        (b'{"category": "payment_failed", "public_message": "m", "started_at": "2024-05-01T09:30"}', "timezone"),
        (b'{"category": "payment_failed", "public_message": "m", "started_at": 1714555800}', "started_at"),
        (b'{"category": "payment_failed", "public_message": "m", "started_at": "9999-12-31T23:59:59-05:00"}',
         "ISO"),
        (b'{"category": "payment_failed", "public_message": "m", "started_at": "2999-01-01T00:00:00Z"}',
         "future"),
    ],
)
def test_bad_declare_bodies_are_400(client, content, mentions):
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.post("/api/incidents", headers=headers, content=content)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    assert mentions in response.json()["error"]
    assert client.get("/api/incidents", headers=AUTH).json() == {"incidents": []}


def test_oversized_body_is_400(client):
    content = b'{"public_message": "' + b"x" * 70_000 + b'"}'
    response = client.post("/api/incidents", headers=AUTH, content=content)
    assert response.status_code == 400
    assert "65536 bytes" in response.json()["error"]


def test_second_declaration_for_a_category_is_400(client, incident):
    response = create(client)
    assert response.status_code == 400
    assert incident["reference"] in response.json()["error"]


# --- lifecycle through the API ---------------------------------------------------------------------


def test_update_and_close(client, incident):
    ref = incident["reference"]

    updated = client.post(f"/api/incidents/{ref}/updates", headers=AUTH, json={"message": "Fix is live."})
    assert updated.status_code == 201
    assert [(u["message"], u["author"]) for u in updated.json()["updates"]] == [("Fix is live.", "staff")]

    closed = client.post(f"/api/incidents/{ref}/close", headers=AUTH, json={"message": "All clear."})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["updates"][-1]["message"] == "All clear."

    again = client.post(f"/api/incidents/{ref}/close", headers=AUTH)
    assert again.status_code == 400
    assert "final" in again.json()["error"]
    late = client.post(f"/api/incidents/{ref}/updates", headers=AUTH, json={"message": "hm"})
    assert late.status_code == 400


def test_close_without_a_body(client, incident):
    response = client.post(f"/api/incidents/{incident['reference']}/close", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["updates"] == []


@pytest.mark.parametrize(
    "action, body, mentions",
    [
        ("updates", {}, "message is required"),
        ("updates", {"message": ""}, "must not be empty"),
        ("updates", {"message": "m", "author": "bob"}, "unknown field 'author'"),
        ("updates", [], "JSON object"),
        ("confirm", {}, "public_message is required"),
        ("confirm", {"public_message": "m"}, "cannot confirm"),  # it is already open
        ("close", {"message": 3}, "message must be a string"),
    ],
)
def test_bad_action_bodies_are_400(client, incident, action, body, mentions):
    response = client.post(f"/api/incidents/{incident['reference']}/{action}", headers=AUTH, json=body)
    assert response.status_code == 400, response.text
    assert mentions in response.json()["error"]


def test_malformed_json_on_actions_is_400(client, incident):
    path = f"/api/incidents/{incident['reference']}/updates"
    response = client.post(path, headers=AUTH, content=b"{'message': 1}")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]


def test_detect_then_confirm(client, migrated_engine):
    assert client.post("/api/incidents/detect", headers=AUTH).json() == {"incidents": []}
    for n in range(3):  # the client fixture's settings: 3 tickets in 30 minutes
        save_ticket(migrated_engine, TicketDraft(conversation_id=f"c{n}", category="account_access"))

    response = client.post("/api/incidents/detect", headers=AUTH)
    assert response.status_code == 200
    [suggested] = response.json()["incidents"]
    assert suggested["status"] == "suggested"
    assert suggested["public_message"] == (
        "We're seeing reports of account access problems and are looking into it."
    )
    assert client.post("/api/incidents/detect", headers=AUTH).json() == {"incidents": []}

    confirmed = client.post(
        f"/api/incidents/{suggested['reference']}/confirm", headers=AUTH, json={"public_message": "Logins fail."}
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "open"
    assert confirmed.json()["public_message"] == "Logins fail."


def test_wrong_methods_are_405(client, incident):
    assert client.delete(f"/api/incidents/{incident['reference']}", headers=AUTH).status_code == 405
    assert client.get(f"/api/incidents/{incident['reference']}/close", headers=AUTH).status_code == 405
    assert client.put("/api/incidents", headers=AUTH, json={}).status_code == 405


def test_app_refuses_to_start_with_broken_incident_settings(migrated_engine, tmp_path, monkeypatch):
    broken = tmp_path / "incidents.yml"
    broken.write_text("detection:\n  tickets: 1\n  minutes: 30\n", encoding="utf-8")
    monkeypatch.setattr(settings, "DEFAULT_SETTINGS_PATH", broken)
    with pytest.raises(PolicyError, match="detection.tickets"):
        create_app(engine=migrated_engine, api_token=TOKEN)


# --- follow-ups in the ticket list ------------------------------------------------------------------


@pytest.fixture
def follow_ups(migrated_engine) -> dict[str, str]:
    refs = {}
    for name, hours in [("later", 3), ("soonest", -2), ("edge", 0), ("none", None)]:
        ref = save_ticket(migrated_engine, TicketDraft(conversation_id=f"c-{name}"))["reference"]
        if hours is not None:
            schedule_follow_up(migrated_engine, ref, AT + timedelta(hours=hours))
        refs[name] = ref
    return refs


def refs_of(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [ticket["reference"] for ticket in response.json()["tickets"]]


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-01T09:30:00Z",
        "2024-05-01T09:30:00%2B00:00",
        "2024-05-01T11:30:00%2B02:00",
        "2024-05-01T11:30:00+02:00",  # an unencoded "+" arrives as a space
        "2024-05-01T09:30:00.000000z",
        "2024-05-01T04:30:00-05:00",
    ],
)
def test_follow_up_due_before_lists_soonest_first(client, follow_ups, value):
    response = client.get(f"/api/tickets?follow_up_due_before={value}", headers=AUTH)
    assert refs_of(response) == [follow_ups["soonest"], follow_ups["edge"]]
    assert response.json()["tickets"][0]["follow_up_at"] == "2024-05-01T07:30:00+00:00"


def test_follow_up_filter_combines_and_empty_means_none(client, follow_ups):
    assert len(refs_of(client.get("/api/tickets?follow_up_due_before=", headers=AUTH))) == 4
    response = client.get("/api/tickets?follow_up_due_before=2024-05-02T00:00:00Z&limit=1", headers=AUTH)
    assert refs_of(response) == [follow_ups["soonest"]]


@pytest.mark.parametrize(
    "value, mentions",
    [
        ("tomorrow", "ISO 8601"),
        ("2024-05-01T09:30:00", "timezone"),
        ("2024-05-01", "timezone"),
        ("2024-13-01T00:00:00Z", "ISO 8601"),
        ("0001-01-01T00:00:00%2B05:00", "ISO 8601"),
        ("%00", "ISO 8601"),
    ],
)
def test_unparsable_follow_up_filter_is_400(client, value, mentions):
    response = client.get(f"/api/tickets?follow_up_due_before={value}", headers=AUTH)
    assert response.status_code == 400
    assert mentions in response.json()["error"]
    assert "follow_up_due_before" in response.json()["error"]


def test_tickets_in_the_api_carry_the_new_fields(client, migrated_engine, incident):
    ticket = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", category="payment_failed"))
    body = client.get(f"/api/tickets/{ticket['reference']}", headers=AUTH).json()
    assert body["incident"] is None and body["follow_up_at"] is None and body["satisfaction"] is None
