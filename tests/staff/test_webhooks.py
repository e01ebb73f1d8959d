"""Handoff webhooks: queued once per ticket, signed, retried with backoff, given up on visibly.

A real HTTP receiver (http.server in a thread on a free port) answers what
each test tells it to; the database is a real migrated SQLite file.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest

from calmdesk.desk import tickets
from calmdesk.models import utcnow
from calmdesk.staff import webhooks
from calmdesk.staff.webhooks import WebhookSettings, WebhookWorker

SECRET = "s3cret-for-tests"


class Receiver:
    """A local HTTP server that records every request and answers with the next queued status."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"receiver says no" if status >= 400 else b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/calmdesk"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.stop()


def settings(url: str, delays=(0.0, 0.0), secret: str | None = SECRET) -> WebhookSettings:
    return WebhookSettings(url=url, secret=secret, console_base_url="https://support.example.com/",
                           retry_delays=tuple(delays))


def handed_off_ticket(engine, conversation_id: str = "conv-1") -> dict:
    ticket = tickets.save_ticket(engine, tickets.TicketDraft(
        conversation_id=conversation_id, category="delivery_problem", anger_level="angry", priority="urgent",
        status="awaiting_agent", handoff=True, recurrent=True, description="My parcel never came, third time now",
        customer_email="jo@example.com"))
    return tickets.offer_remedies(engine, ticket["reference"], [
        tickets.RemedyOffer("refund"), tickets.RemedyOffer("store_credit", 40, "currency")])


def test_a_handoff_posts_a_signed_webhook_with_the_ticket_and_a_console_link(migrated_engine, receiver):
    ticket = handed_off_ticket(migrated_engine)
    config = settings(receiver.url)
    queued = webhooks.enqueue_handoff(migrated_engine, ticket["reference"], config, availability="available")
    assert queued["status"] == "pending"

    outcomes = WebhookWorker(migrated_engine, config).run_once()

    assert [o.status for o in outcomes] == ["delivered"]
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["path"] == "/hooks/calmdesk"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    timestamp = headers["x-calmdesk-timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    # What a receiver does: HMAC over "<timestamp>." + the raw body, in constant time.
    assert webhooks.verify(SECRET, timestamp, request["body"], headers["x-calmdesk-signature"])
    assert headers["x-calmdesk-signature"] == webhooks.sign(SECRET, int(timestamp), request["body"])
    assert not webhooks.verify("another secret", timestamp, request["body"], headers["x-calmdesk-signature"])
    assert not webhooks.verify(SECRET, str(int(timestamp) + 1), request["body"], headers["x-calmdesk-signature"]), \
        "the timestamp is part of what is signed"
    assert not webhooks.verify(SECRET, timestamp, request["body"], headers["x-calmdesk-signature"],
                               now=int(timestamp) + 3600), "an old request replayed later is refused"

    body = json.loads(request["body"])
    assert body["event"] == "handoff"
    assert body["ticket"]["reference"] == ticket["reference"]
    assert body["ticket"]["category"] == "delivery_problem"
    assert body["ticket"]["anger"] == "angry"
    assert body["ticket"]["priority"] == "urgent"
    assert body["ticket"]["recurrent"] is True
    assert [(r["kind"], r["amount"], r["unit"]) for r in body["ticket"]["remedies"]] == [
        ("refund", None, None), ("store_credit", 40, "currency")]
    assert body["availability"] == "available"
    assert body["summary"].startswith(f"{ticket['reference']}: delivery problem, angry, urgent, recurrent")
    assert "parcel never came" in body["summary"]
    assert body["console_url"] == f"https://support.example.com/console/conversations/{ticket['reference']}"

    listed = webhooks.list_deliveries(migrated_engine)
    assert listed[0]["status"] == "delivered" and listed[0]["attempts"] == 1
    assert listed[0]["attempt_log"][0]["status_code"] == 200 and listed[0]["attempt_log"][0]["error"] is None


def test_queueing_twice_for_the_same_ticket_sends_one_webhook(migrated_engine, receiver):
    ticket = handed_off_ticket(migrated_engine)
    config = settings(receiver.url)
    first = webhooks.enqueue_handoff(migrated_engine, ticket["reference"], config)
    second = webhooks.enqueue_handoff(migrated_engine, ticket["reference"].lower(), config)
    assert first["id"] == second["id"]
    WebhookWorker(migrated_engine, config).run_once()
    WebhookWorker(migrated_engine, config).run_once()
    assert len(receiver.requests) == 1


def test_without_a_url_nothing_is_queued(migrated_engine):
    ticket = handed_off_ticket(migrated_engine)
    assert webhooks.enqueue_handoff(migrated_engine, ticket["reference"], settings(url=None)) is None
    assert webhooks.list_deliveries(migrated_engine) == []


def test_a_500_is_retried_after_the_delay_then_delivered(migrated_engine, receiver):
    ticket = handed_off_ticket(migrated_engine)
    config = settings(receiver.url, delays=(30.0, 60.0))
    webhooks.enqueue_handoff(migrated_engine, ticket["reference"], config)
    receiver.answers = [500]
    worker = WebhookWorker(migrated_engine, config)

    first = worker.run_once()
    assert [(o.status, o.status_code) for o in first] == [("pending", 500)]
    pending = webhooks.list_deliveries(migrated_engine)[0]
    assert pending["last_error"].startswith("HTTP 500")
    assert worker.run_once() == [], "not before the 30 s delay"
    waited = pending["next_attempt_at"]
    assert 25 <= (datetime.fromisoformat(waited) - utcnow()).total_seconds() <= 31

    second = worker.run_once(now=utcnow() + timedelta(seconds=31))
    assert [(o.status, o.status_code, o.attempts) for o in second] == [("delivered", 200, 2)]
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"], "every retry sends the same bytes"
    log = webhooks.list_deliveries(migrated_engine)[0]["attempt_log"]
    assert [(a["number"], a["status_code"]) for a in log] == [(1, 500), (2, 200)]
    assert "receiver says no" in log[0]["error"]


def test_after_the_last_attempt_the_delivery_is_failed_and_an_admin_can_retry(migrated_engine, receiver):
    ticket = handed_off_ticket(migrated_engine)
    config = settings(receiver.url, delays=(0.0, 0.0))  # 3 attempts
    webhooks.enqueue_handoff(migrated_engine, ticket["reference"], config)
    receiver.answers = [503, 500, 502]
    worker = WebhookWorker(migrated_engine, config)
    for _ in range(5):
        worker.run_once()

    assert len(receiver.requests) == 3, "gave up after 3 attempts"
    failed = webhooks.list_deliveries(migrated_engine, status="failed")
    assert len(failed) == 1
    assert failed[0]["attempts"] == 3 and failed[0]["next_attempt_at"] is None
    assert failed[0]["last_error"].startswith("HTTP 502")
    assert [a["status_code"] for a in failed[0]["attempt_log"]] == [503, 500, 502]

    retried = webhooks.retry_now(migrated_engine, failed[0]["id"])
    assert retried["status"] == "pending"
    assert [o.status for o in worker.run_once()] == ["delivered"]
    assert webhooks.list_deliveries(migrated_engine, status="failed") == []
    with pytest.raises(ValueError, match="already delivered"):
        webhooks.retry_now(migrated_engine, failed[0]["id"])
    with pytest.raises(LookupError):
        webhooks.retry_now(migrated_engine, 999)


def test_a_receiver_that_is_down_counts_as_a_failed_attempt(migrated_engine, receiver):
    ticket = handed_off_ticket(migrated_engine)
    url = receiver.url
    receiver.stop()  # nothing listens on that port any more
    config = settings(url, delays=())
    webhooks.enqueue_handoff(migrated_engine, ticket["reference"], config)
    outcomes = WebhookWorker(migrated_engine, config).run_once()
    assert [o.status for o in outcomes] == ["failed"]
    assert outcomes[0].status_code is None and "Connect" in outcomes[0].error
    receiver.stop = lambda: None  # already stopped


def test_two_workers_never_post_the_same_delivery_twice(migrated_engine, receiver):
    ticket = handed_off_ticket(migrated_engine)
    config = settings(receiver.url)
    webhooks.enqueue_handoff(migrated_engine, ticket["reference"], config)
    workers = [WebhookWorker(migrated_engine, config) for _ in range(4)]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receiver.requests) == 1


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", "https://hooks.example.com/x")
    monkeypatch.setenv("HANDOFF_WEBHOOK_SECRET", "k")
    monkeypatch.setenv("HANDOFF_WEBHOOK_RETRY_DELAYS", "1, 2.5")
    monkeypatch.delenv("CONSOLE_BASE_URL", raising=False)
    config = WebhookSettings.from_env(web_url="http://127.0.0.1:8123/")
    assert (config.url, config.secret, config.retry_delays, config.max_attempts) == (
        "https://hooks.example.com/x", "k", (1.0, 2.5), 3)
    assert config.console_base_url == "http://127.0.0.1:8123"
    monkeypatch.setenv("CONSOLE_BASE_URL", "https://desk.example.com")
    assert WebhookSettings.from_env().console_base_url == "https://desk.example.com"
    assert WebhookSettings.from_env().retry_delays == (1.0, 2.5)
    monkeypatch.delenv("HANDOFF_WEBHOOK_RETRY_DELAYS")
    assert WebhookSettings.from_env().retry_delays == (10.0, 30.0, 120.0, 600.0)
    monkeypatch.setenv("HANDOFF_WEBHOOK_RETRY_DELAYS", "10,soon")
    with pytest.raises(ValueError, match="'soon' is not a number"):
        WebhookSettings.from_env()
    monkeypatch.delenv("HANDOFF_WEBHOOK_RETRY_DELAYS")
    monkeypatch.setenv("HANDOFF_WEBHOOK_URL", "ftp://nope")
    with pytest.raises(ValueError, match="http"):
        WebhookSettings.from_env()


def test_bad_list_filters_are_refused(migrated_engine):
    with pytest.raises(ValueError, match="allowed: pending, delivered, failed"):
        webhooks.list_deliveries(migrated_engine, status="lost")
