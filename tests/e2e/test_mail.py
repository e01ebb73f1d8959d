"""Email on the real stack: Rasa, the action server and the web app, with a real SMTP server (aiosmtpd).

Each test uses its own address, so "exactly one" means one for this customer
whatever the other e2e tests sent.  The figures (expected vs received) are
printed for the closing note of the issue.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from calmdesk.db import make_engine
from calmdesk.mail import outbox
from calmdesk.operations.training import ROOT
from tests.mail.smtp import text_of

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def address(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@example.com"


def complain_and_accept(stack, sender: str, email: str | None) -> list[str]:
    stack.texts(sender, "My TV arrived with a CRACKED SCREEN!!! order 4839201")
    stack.texts(sender, email or "I'd rather not give my email")
    return stack.texts(sender, "the replacement please")


def run_cli(stack, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": stack.config.resolved_database_url(), "RASA_TELEMETRY_ENABLED": "false",
           "SUPPORT_API_TOKEN": stack.config.api_token, "MAIL_BASE_URL": stack.config.web_url}
    done = subprocess.run([sys.executable, "-m", *args], text=True, capture_output=True, env=env, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def add_admin(stack) -> str:
    """A console admin made with the command line; returns the username (password PASSWORD)."""
    username = f"admin{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": stack.config.resolved_database_url(), "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-m", "calmdesk", "staff", "add", username, "--role", "admin",
                           "--password-stdin"], input=PASSWORD + "\n", text=True, capture_output=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return username


def admin_session(stack) -> tuple[httpx.Client, dict[str, str]]:
    import re

    username = add_admin(stack)
    client = httpx.Client(base_url=stack.config.web_url, timeout=60)
    form = client.get("/console/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    assert client.post("/console/login", data={"username": username, "password": PASSWORD,
                                               "csrf_token": csrf}).status_code == 303
    return client, {"X-CSRF-Token": client.get("/console/api/me").json()["csrf_token"]}


def test_a_complaint_produces_exactly_one_confirmation_with_the_reference(stack, sender):
    email = address("confirm")
    reply = complain_and_accept(stack, sender, email)
    [ticket] = stack.tickets(sender)
    assert "email" in " ".join(reply).lower(), "the bot promises the email it will send"
    [message] = stack.mail.wait_for(email, kind="confirmation")
    stack.texts(sender, "thanks")  # more turns save the ticket again: still one confirmation
    time.sleep(2)
    received = stack.mail.to(email)
    print(f"\nconfirmation: expected 1, received {len(received)}")
    assert len(received) == 1
    text = text_of(message)
    assert ticket["reference"] in message["Subject"] and ticket["reference"] in text
    assert "CRACKED SCREEN" in text, "the problem in their words"
    assert "replacement" in text.lower(), "the remedy agreed"
    assert f"{stack.config.web_url}/mail/l/" in text, "links point at our web app"
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "email-confirmation.txt").write_text(
        f"Subject: {message['Subject']}\nTo: {message['To']}\n\n{text}")


def test_a_customer_without_an_address_is_promised_no_email_and_gets_none(stack, sender):
    replies = [stack.texts(sender, text) for text in (
        "My TV arrived with a CRACKED SCREEN!!! order 4839201", "skip", "the replacement please")]
    [ticket] = stack.tickets(sender)
    assert ticket["customer_email"] is None and ticket["status"] == "resolved", replies
    assert "replacement" in " ".join(replies[-1]).lower()
    said = " ".join(replies[-1]).lower()
    # (the remedy's own timeline may mention the courier's tracking email; that is the shop's, not ours)
    for promise in ("we'll email you", "updates will come by email", "emailing you a copy"):
        assert promise not in said, said
    engine = make_engine(stack.config.resolved_database_url())
    try:
        assert [m for m in outbox.list_messages(engine, limit=500)
                if m["ticket_reference"] == ticket["reference"]] == [], "nothing queued without an address"
    finally:
        engine.dispose()


def test_an_incident_update_and_its_close_reach_every_linked_customer_once(stack):
    declared = httpx.post(f"{stack.config.web_url}/api/incidents", json={
        "category": "service_outage", "public_message": "The app has been down since 17:21 for everyone."},
        headers={"Authorization": f"Bearer {stack.config.api_token}"}, timeout=30)
    assert declared.status_code == 201, declared.text
    incident = declared.json()["reference"]
    emails = [address(f"outage{n}") for n in range(3)]
    try:
        for n, email in enumerate(emails):
            sender = f"e2e-outage-{uuid.uuid4().hex}"
            stack.texts(sender, "your app is down AGAIN, I can't do anything!!")
            stack.texts(sender, email)
            assert stack.tickets(sender)[0]["incident"] == incident
        posted = httpx.post(f"{stack.config.web_url}/api/incidents/{incident}/updates",
                            json={"message": "Fixed at 18:05 - please try again."},
                            headers={"Authorization": f"Bearer {stack.config.api_token}"}, timeout=30)
        assert posted.status_code == 201
        for email in emails:
            [update] = stack.mail.wait_for(email, kind="incident_update")
            assert "Fixed at 18:05" in text_of(update)
    finally:
        httpx.post(f"{stack.config.web_url}/api/incidents/{incident}/close", json={"message": "All working again."},
                   headers={"Authorization": f"Bearer {stack.config.api_token}"}, timeout=30)
    for email in emails:
        stack.mail.wait_for(email, kind="incident_closed")
    time.sleep(6)  # the jobs run again meanwhile: nothing more may arrive
    updates = sum(1 for e in emails for m in stack.mail.to(e) if m["X-Calmdesk-Kind"] == "incident_update")
    closes = sum(1 for e in emails for m in stack.mail.to(e) if m["X-Calmdesk-Kind"] == "incident_closed")
    print(f"\nincident update: expected {len(emails)}, received {updates}; close: expected {len(emails)}, received {closes}")
    assert (updates, closes) == (len(emails), len(emails))


def test_a_failing_mail_server_shows_on_the_admin_page_and_delivers_when_back(stack, sender):
    email = address("outage-smtp")
    client, csrf = admin_session(stack)
    stack.mail.stop()
    try:
        complain_and_accept(stack, sender, email)
        [ticket] = stack.tickets(sender)
        deadline, mine = time.monotonic() + 30, None
        while time.monotonic() < deadline:
            listed = client.get("/console/api/mail").json()["messages"]
            mine = next((m for m in listed if m["ticket_reference"] == ticket["reference"]), None)
            if mine and mine["attempts"] >= 2:
                break
            time.sleep(0.3)
        assert mine and mine["attempts"] >= 2 and mine["last_error"], mine
        assert mine["status"] == "pending" and mine["to"] == email
        page = client.get("/console/mail")
        assert page.status_code == 200 and "Email to customers" in page.text
    finally:
        stack.mail.start()
    [message] = stack.mail.wait_for(email, kind="confirmation", timeout=30)
    delivered = next(m for m in client.get("/console/api/mail?status=sent").json()["messages"]
                     if m["ticket_reference"] == ticket["reference"])
    print(f"\nSMTP down: {delivered['attempts'] - 1} failed attempts recorded, then delivered "
          f"(expected 1, received {len(stack.mail.to(email))})")
    assert delivered["attempt_log"][-1]["error"] is None and len(stack.mail.to(email)) == 1
    # Nobody logged in sees nothing of the outbox.
    assert httpx.get(f"{stack.config.web_url}/console/api/mail", timeout=30).status_code == 401


def test_an_unsubscribed_address_gets_nothing_more(stack, sender):
    email = address("unsub")
    complain_and_accept(stack, sender, email)
    [confirmation] = stack.mail.wait_for(email, kind="confirmation")
    unsubscribe = confirmation["List-Unsubscribe"].strip("<>")
    page = httpx.get(unsubscribe, timeout=30)
    assert page.status_code == 200 and "won't email you again" in page.text.replace("&#x27;", "'")
    # A second complaint from the same address: the bot promises nothing, and nothing is sent.
    again = f"{sender}-again"
    reply = complain_and_accept(stack, again, email)
    for promise in ("we'll email you", "updates will come by email", "emailing you a copy"):
        assert promise not in " ".join(reply).lower(), reply
    run_cli(stack, "calmdesk.mail", "jobs", "--now",
            (datetime.now(timezone.utc) + timedelta(days=4)).isoformat())  # check-ins due for both tickets
    time.sleep(4)
    print(f"\nunsubscribed: expected 1 (before unsubscribing), received {len(stack.mail.to(email))}")
    assert len(stack.mail.to(email)) == 1


def test_a_fulfilled_remedy_is_announced_once(stack, sender):
    email = address("fulfilled")
    complain_and_accept(stack, sender, email)
    [ticket] = stack.tickets(sender)
    for _ in range(2):  # marking it twice changes nothing
        answer = httpx.post(f"{stack.config.web_url}/api/tickets/{ticket['reference']}/remedies/replacement",
                            json={"status": "fulfilled"},
                            headers={"Authorization": f"Bearer {stack.config.api_token}"}, timeout=30)
        assert answer.status_code == 200, answer.text
    [done] = stack.mail.wait_for(email, kind="remedy_fulfilled")
    assert "Done, as promised: a replacement, sent out today." in text_of(done)
    time.sleep(6)  # the jobs run again meanwhile
    received = [m for m in stack.mail.to(email) if m["X-Calmdesk-Kind"] == "remedy_fulfilled"]
    print(f"\nremedy fulfilled: expected 1, received {len(received)}")
    assert len(received) == 1
