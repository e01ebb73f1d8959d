"""Email in the web app over HTTP: the console's "send by email", presence, the admin outbox and link pages.

A real SMTP server (aiosmtpd) and the app's own background worker send the emails.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from starlette.testclient import TestClient

from calmdesk import mail
from calmdesk.desk import tickets
from calmdesk.desk.tickets import TicketDraft
from calmdesk.mail import outbox
from calmdesk.staff import accounts
from calmdesk.staff.rasa_api import RasaClient
from calmdesk.web import presence
from calmdesk.web.app import create_app
from tests.mail.smtp import SmtpServer, html_of, text_of
from tests.web.test_console import PASSWORD, XSS, closed_port, logged_in


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def client(migrated_engine, monkeypatch, smtp) -> Iterator[TestClient]:
    monkeypatch.setenv("SMTP_URL", smtp.url)
    monkeypatch.setenv("MAIL_LINK_SECRET", "web-test-key")
    monkeypatch.setenv("MAIL_BASE_URL", "http://testserver")
    monkeypatch.setenv("MAIL_POLL_SECONDS", "0.1")
    rasa = RasaClient(f"http://127.0.0.1:{closed_port()}", "rasa-token", timeout=2)
    app = create_app(engine=migrated_engine, api_token="t", rasa=rasa)
    accounts.create_user(migrated_engine, "sam", PASSWORD, "agent", display_name="Sam")
    accounts.create_user(migrated_engine, "ada", PASSWORD, "admin")
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def ticket(migrated_engine) -> dict:
    return tickets.save_ticket(migrated_engine, TicketDraft(
        conversation_id="conv-1", category="delivery_problem", anger_level="angry", handoff=True,
        status="awaiting_agent", customer_email="kim@example.org", description="parcel never came"))


def test_a_reply_to_a_customer_who_left_goes_by_email(client, ticket, smtp):
    csrf = logged_in(client, "sam")
    base = f"/console/api/conversations/{ticket['reference']}"
    assert client.get(base + "/presence").json() == {"connected": False, "can_email": True}
    with presence.connected("conv-1"):  # the customer's chat window is open
        assert client.get(base + "/presence").json()["connected"] is True
    sent = client.post(base + "/email", json={"text": f"Your parcel is on its way. {XSS}"}, headers=csrf)
    assert sent.status_code == 201, sent.text
    [message] = smtp.wait_for("kim@example.org", kind="agent_reply")
    assert message["Subject"] == f"{ticket['reference']}: a reply from Sam"
    assert "Your parcel is on its way." in text_of(message) and XSS in text_of(message)
    assert XSS not in html_of(message) and "&lt;img" in html_of(message), "escaped in the HTML"


def test_no_address_no_send_by_email(client, migrated_engine):
    other = tickets.save_ticket(migrated_engine, TicketDraft(conversation_id="conv-2", status="awaiting_agent"))
    csrf = logged_in(client, "sam")
    base = f"/console/api/conversations/{other['reference']}"
    assert client.get(base + "/presence").json()["can_email"] is False
    assert client.post(base + "/email", json={"text": "hello"}, headers=csrf).status_code == 409


def test_only_admins_see_the_outbox(client, ticket, smtp):
    mail.confirm(client.app.state.engine, ticket["reference"], "parcel never came", "a full refund", "today")
    smtp.wait_for("kim@example.org")
    logged_in(client, "sam")
    assert client.get("/console/api/mail").status_code == 403
    assert client.get("/console/mail").status_code == 403
    client.post("/console/logout", headers=logged_in(client, "sam"))
    logged_in(client, "ada")
    listed = client.get("/console/api/mail").json()
    assert listed["counts"]["sent"] == 1 and listed["messages"][0]["kind"] == "confirmation"
    assert "Email to customers" in client.get("/console/mail").text


def test_link_pages_say_what_happened(client, ticket, smtp, migrated_engine):
    mail.confirm(migrated_engine, ticket["reference"], "parcel never came", "a full refund", "today")
    [message] = smtp.wait_for("kim@example.org")
    unsubscribe = message["List-Unsubscribe"].strip("<>").replace("http://testserver", "")
    page = client.get(unsubscribe)
    assert page.status_code == 200 and "won&#x27;t email you again" in page.text
    assert outbox.is_suppressed(migrated_engine, "kim@example.org")
    assert client.post(unsubscribe).status_code == 204, "one-click unsubscribe (RFC 8058) works too"
    bad = client.get("/mail/l/eyJtIjoxfQ.forged")
    assert bad.status_code == 400 and "doesn&#x27;t work" in bad.text
