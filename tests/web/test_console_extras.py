"""Dashboard, webhook outbox and story export routes over HTTP (TestClient, migrated SQLite, real HTTP receiver).

Rasa is not running here (the client points at a closed port): story export
answers a clear 502; tests/e2e/test_console_extras.py exports a real conversation.
"""
from __future__ import annotations

import csv
import io
import time
from datetime import datetime, timezone
from typing import Iterator

import pytest
from starlette.testclient import TestClient

from calmdesk.desk import tickets
from calmdesk.desk.tickets import RemedyOffer, TicketDraft, TranscriptLine
from calmdesk.staff import accounts, webhooks
from calmdesk.web.app import create_app
from tests.staff.test_webhooks import Receiver
from tests.web.test_console import PASSWORD, XSS, closed_port, logged_in

from calmdesk.staff.rasa_api import RasaClient

TODAY = datetime.now(timezone.utc).date().isoformat()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture
def client(migrated_engine, monkeypatch, receiver) -> Iterator[TestClient]:
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("HANDOFF_WEBHOOK_SECRET", "k")
    monkeypatch.setenv("HANDOFF_WEBHOOK_RETRY_DELAYS", "0")
    monkeypatch.setenv("HANDOFF_WEBHOOK_POLL_SECONDS", "0.1")
    rasa = RasaClient(f"http://127.0.0.1:{closed_port()}", "rasa-token", timeout=2)
    app = create_app(engine=migrated_engine, api_token="t", rasa=rasa)
    accounts.create_user(migrated_engine, "sam", PASSWORD, "agent")
    accounts.create_user(migrated_engine, "ada", PASSWORD, "admin")
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def ticket(migrated_engine) -> dict:
    filed = tickets.save_ticket(migrated_engine, TicketDraft(
        conversation_id="conv-1", category="delivery_problem", anger_level="angry", handoff=True,
        status="awaiting_agent", description=XSS,
        transcript=[TranscriptLine("customer", "WHERE IS MY PARCEL?!! ridiculous", datetime.now(timezone.utc)),
                    TranscriptLine("customer", "ok thanks", datetime.now(timezone.utc))]))
    tickets.offer_remedies(migrated_engine, filed["reference"], [RemedyOffer("store_credit", 20, "currency")])
    tickets.set_remedy_status(migrated_engine, filed["reference"], "store_credit", "accepted", "customer")
    tickets.record_satisfaction(migrated_engine, filed["reference"], 4)
    return filed


def wait_for(condition, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_everything_needs_a_login(client):
    for path in ("/console/api/dashboard", "/console/api/dashboard.csv", "/console/api/webhooks",
                 "/console/api/conversations/conv-1/story.yml"):
        assert client.get(path).status_code == 401, path
    assert client.get("/console/dashboard", follow_redirects=False).status_code == 303


def test_the_dashboard_page_and_its_numbers(client, ticket):
    logged_in(client, "sam")
    page = client.get("/console/dashboard")
    assert page.status_code == 200 and "/static/dashboard/dashboard.js" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text.replace('<script src="', "")
    assert client.get("/static/dashboard/dashboard.js").status_code == 200

    report = client.get(f"/console/api/dashboard?from={TODAY}&to={TODAY}").json()
    assert report["tickets"] == 1
    assert report["by_category"]["delivery_problem"] == 1
    assert report["anger"]["calmer"] == 1
    assert report["handoff"]["rate"] == 1.0
    assert report["remedies"]["cost"] == 20.0 and report["currency"] == "€"
    assert report["satisfaction"]["average"] == 4.0


def test_the_csv_download(client, ticket):
    logged_in(client, "sam")
    answer = client.get(f"/console/api/dashboard.csv?from={TODAY}&to={TODAY}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["date"] for r in rows] == [TODAY, "total"]
    assert rows[0]["tickets"] == "1" and rows[0]["remedy_cost"] == "20.0"


@pytest.mark.parametrize("query, message", [
    ("from=2025-13-01", "from must be a date"),
    ("from=2025-03-05&to=2025-03-01", "must not be after"),
    ("from=2000-01-01&to=2025-01-01", "at most 366 days"),
])
def test_bad_ranges_are_a_400_that_says_why(client, query, message):
    logged_in(client, "sam")
    for path in ("/console/api/dashboard", "/console/api/dashboard.csv"):
        answer = client.get(f"{path}?{query}")
        assert answer.status_code == 400 and message in answer.json()["error"]


def test_agents_cannot_see_the_webhook_outbox(client):
    logged_in(client, "sam")
    assert client.get("/console/api/webhooks").status_code == 403
    assert client.get("/console/webhooks").status_code == 403


def test_the_worker_delivers_and_admins_see_failures_and_retry_them(client, migrated_engine, ticket, receiver):
    receiver.answers = [500, 500]  # 2 attempts (retry delays "0"), both refused
    webhooks.enqueue_handoff(migrated_engine, ticket["reference"])
    headers = logged_in(client, "ada")

    failed = wait_for(lambda: client.get("/console/api/webhooks?status=failed").json()["deliveries"])
    assert failed[0]["ticket_reference"] == ticket["reference"]
    assert failed[0]["attempts"] == 2 and failed[0]["last_error"].startswith("HTTP 500")
    assert len(receiver.requests) == 2
    assert client.get("/console/webhooks").status_code == 200

    delivery = failed[0]["id"]
    assert client.post(f"/console/api/webhooks/{delivery}/retry").status_code == 403, "CSRF token needed"
    retried = client.post(f"/console/api/webhooks/{delivery}/retry", headers=headers)
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    wait_for(lambda: client.get("/console/api/webhooks?status=delivered").json()["deliveries"])
    assert len(receiver.requests) == 3
    assert client.post(f"/console/api/webhooks/{delivery}/retry", headers=headers).status_code == 409
    assert client.post("/console/api/webhooks/99999/retry", headers=headers).status_code == 404
    assert client.post("/console/api/webhooks/abc/retry", headers=headers).status_code == 404
    assert client.get("/console/api/webhooks?status=lost").status_code == 400


def test_story_export_without_rasa_is_a_clear_502(client, ticket):
    logged_in(client, "sam")
    answer = client.get("/console/api/conversations/conv-1/story.yml")
    assert answer.status_code == 502
    assert "could not read the conversation" in answer.json()["error"]
