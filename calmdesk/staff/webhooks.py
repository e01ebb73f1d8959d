"""Outbound webhooks: tell the team's own tools (Slack, a pager, a CRM) when a conversation is handed off.

Why an outbox.  The bot must never make a customer wait on someone else's
server, and a webhook must not be lost because that server was down for a
minute.  So a handoff only *writes* a row to ``webhook_deliveries`` (right
after the ticket is saved; one row per ticket and event, so a retried action
queues nothing twice), and a worker in the web app posts it: at once, then
again after 10 s, 30 s, 2 min and 10 min (``HANDOFF_WEBHOOK_RETRY_DELAYS``),
recording every attempt.  After the last one the delivery is ``failed`` and
admins see it on ``/console/webhooks``, where "retry now" gives it one more go.

The body is fixed when the delivery is queued, so every retry sends the same
bytes.  Each attempt is signed (docs/operations.md shows how to check it)::

    X-Calmdesk-Timestamp: 1733740000
    X-Calmdesk-Signature: sha256=<hex HMAC-SHA256(secret, "1733740000." + raw body)>
    X-Calmdesk-Delivery: 42

The timestamp is inside the signed content so a captured request cannot be
replayed later with a new timestamp.

Configuration (environment): ``HANDOFF_WEBHOOK_URL`` (unset: no webhooks),
``HANDOFF_WEBHOOK_SECRET`` (signing key; unset: the ``sha256=`` header is
left out), ``CONSOLE_BASE_URL`` (where the console link points; default the
web app's own URL) and ``HANDOFF_WEBHOOK_RETRY_DELAYS`` (seconds between
attempts, comma separated).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from calmdesk.desk.tickets.serialisation import _ticket_to_dict
from calmdesk.desk.tickets.store import _run, _ticket_by_reference_or_raise
from calmdesk.models import WEBHOOK_STATUSES, Ticket, WebhookAttempt, WebhookDelivery, utcnow

logger = logging.getLogger(__name__)

HANDOFF_EVENT = "handoff"
DEFAULT_RETRY_DELAYS = (10.0, 30.0, 120.0, 600.0)  # seconds between attempts: 5 attempts in all
SIGNATURE_HEADER = "X-Calmdesk-Signature"
TIMESTAMP_HEADER = "X-Calmdesk-Timestamp"
DELIVERY_HEADER = "X-Calmdesk-Delivery"
TIMEOUT_SECONDS = 10.0
LEASE = timedelta(minutes=1)  # a claimed delivery is not picked again for this long (another worker, a crash)
MAX_ERROR = 500  # characters of the receiver's answer kept with a failed attempt
SUMMARY_DESCRIPTION = 200  # characters of the customer's description in the summary


@dataclass(frozen=True)
class WebhookSettings:
    url: str | None
    secret: str | None
    console_base_url: str
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1

    @classmethod
    def from_env(cls, web_url: str | None = None) -> "WebhookSettings":
        """From the environment; ``web_url`` is the default console base (else $WEB_URL or localhost:8000)."""
        raw = os.environ.get("HANDOFF_WEBHOOK_RETRY_DELAYS", "")
        delays = parse_delays(raw) if raw.strip() else DEFAULT_RETRY_DELAYS
        url = os.environ.get("HANDOFF_WEBHOOK_URL") or None
        if url is not None:
            check_url(url)
        base = os.environ.get("CONSOLE_BASE_URL") or web_url or os.environ.get("WEB_URL") or "http://127.0.0.1:8000"
        return cls(url=url, secret=os.environ.get("HANDOFF_WEBHOOK_SECRET") or None,
                   console_base_url=base.rstrip("/"), retry_delays=delays)


def parse_delays(raw: str) -> tuple[float, ...]:
    """ "10,30,120,600" -> (10.0, 30.0, 120.0, 600.0); ValueError naming the bad part."""
    delays = []
    for part in raw.split(","):
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"HANDOFF_WEBHOOK_RETRY_DELAYS: {part.strip()!r} is not a number of seconds "
                             "(e.g. 10,30,120,600)") from None
        if not 0 <= value <= 86400:
            raise ValueError(f"HANDOFF_WEBHOOK_RETRY_DELAYS: {value} is not between 0 and 86400 seconds")
        delays.append(value)
    return tuple(delays)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"HANDOFF_WEBHOOK_URL must be an http(s) URL, not {url!r}")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Calmdesk-Signature`` value: ``sha256=`` + hex HMAC of ``"<timestamp>." + body``."""
    digest = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None,
           tolerance: float = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent (replays are refused)."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")


# --------------------------------------------------------------------------
# Queueing (the action server, right after the handoff ticket is saved)


def handoff_payload(ticket: dict[str, Any], console_base_url: str, availability: str | None = None) -> dict[str, Any]:
    """The JSON a handoff posts: the ticket's essentials, a one-line summary and the console link."""
    return {
        "event": HANDOFF_EVENT,
        "ticket": {
            "reference": ticket["reference"],
            "conversation_id": ticket["conversation_id"],
            "category": ticket["category"],
            "anger": ticket["anger_level"],
            "priority": ticket["priority"],
            "recurrent": ticket["recurrent"],
            "status": ticket["status"],
            "remedies": [{"kind": r["kind"], "amount": r["amount"], "unit": r["unit"], "status": r["status"]}
                         for r in ticket["remedies"]],
            "created_at": ticket["created_at"],
        },
        "availability": availability,  # "available", "closed" or "no_agent": can a person answer in chat now?
        "summary": summary(ticket),
        "console_url": f"{console_base_url.rstrip('/')}/console/conversations/{quote(ticket['reference'], safe='')}",
    }


def summary(ticket: dict[str, Any]) -> str:
    """One line for a chat channel: "CD-7K3M9Q: delivery problem, angry, urgent, recurrent - parcel never came"."""
    parts = [ticket["category"].replace("_", " "), ticket["anger_level"], ticket["priority"]]
    if ticket["recurrent"]:
        parts.append("recurrent")
    line = f"{ticket['reference']}: {', '.join(parts)}"
    description = " ".join((ticket.get("description") or "").split())
    if description:
        cut = description[:SUMMARY_DESCRIPTION]
        line += " - " + (cut + "…" if len(description) > SUMMARY_DESCRIPTION else cut)
    return line


def enqueue_handoff(engine: Engine, reference: str, settings: WebhookSettings | None = None,
                    availability: str | None = None) -> dict[str, Any] | None:
    """Queue the handoff webhook of this ticket; None when no URL is configured.

    Idempotent: a ticket has at most one handoff delivery, so a retried
    action (or a second handoff of the same complaint) returns the one queued first.
    """
    settings = settings or WebhookSettings.from_env()
    if not settings.url:
        return None
    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, reference)
        existing = session.scalars(select(WebhookDelivery).options(selectinload(WebhookDelivery.attempt_log))
                                   .where(WebhookDelivery.event == HANDOFF_EVENT,
                                          WebhookDelivery.ticket_id == ticket.id)).first()
        if existing is not None:
            return _delivery_to_dict(existing, ticket.reference)
        body = json.dumps(handoff_payload(_ticket_to_dict(ticket), settings.console_base_url, availability),
                          ensure_ascii=False, separators=(",", ":"))
        now = utcnow()
        delivery = WebhookDelivery(event=HANDOFF_EVENT, ticket=ticket, url=settings.url, body=body,
                                   status="pending", attempts=0, max_attempts=settings.max_attempts,
                                   next_attempt_at=now, created_at=now, updated_at=now)
        session.add(delivery)
        session.flush()
        return _delivery_to_dict(delivery, ticket.reference)

    # A lost insert race (UNIQUE ticket and event) re-runs the work, which then finds the other process's row.
    return _run(engine, work)


# --------------------------------------------------------------------------
# Delivering (the web app's worker)


@dataclass
class Outcome:
    delivery_id: int
    status: str
    status_code: int | None
    error: str | None
    attempts: int


@dataclass
class WebhookWorker:
    """Posts due deliveries.  ``run_once`` is one pass; the web app calls it every ``poll_seconds``."""

    engine: Engine
    settings: WebhookSettings
    poll_seconds: float = 1.0
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=TIMEOUT_SECONDS))

    def run_once(self, now: datetime | None = None, limit: int = 20) -> list[Outcome]:
        """Claim and post every delivery that is due (at most ``limit``); return what happened."""
        outcomes = []
        for delivery_id in self._claim_due(now or utcnow(), limit):
            outcome = self.deliver(delivery_id)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _claim_due(self, now: datetime, limit: int) -> list[int]:
        """Due deliveries this worker now holds for LEASE (compare-and-set, so two workers never share one)."""
        with Session(self.engine) as session, session.begin():
            due = session.execute(
                select(WebhookDelivery.id, WebhookDelivery.next_attempt_at)
                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)
            ).all()
        claimed = []
        for delivery_id, due_at in due:
            with Session(self.engine) as session, session.begin():
                won = session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
                           WebhookDelivery.next_attempt_at == due_at)
                    .values(next_attempt_at=now + LEASE)
                ).rowcount
            if won == 1:
                claimed.append(delivery_id)
        return claimed

    def deliver(self, delivery_id: int) -> Outcome | None:
        """One attempt at one delivery, recorded; schedules the next attempt or gives up."""
        with Session(self.engine) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                return None
            url, body = delivery.url, delivery.body.encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": "calmdesk-webhooks",
                   DELIVERY_HEADER: str(delivery_id)}
        timestamp = int(time.time())
        headers[TIMESTAMP_HEADER] = str(timestamp)
        if self.settings.secret:
            headers[SIGNATURE_HEADER] = sign(self.settings.secret, timestamp, body)
        started = time.monotonic()
        status_code: int | None = None
        error: str | None = None
        try:
            response = self.client.post(url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}: {response.text[:MAX_ERROR]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR] or type(exc).__name__
        duration_ms = int((time.monotonic() - started) * 1000)
        return self._record(delivery_id, status_code, error, duration_ms)

    def _record(self, delivery_id: int, status_code: int | None, error: str | None, duration_ms: int) -> Outcome:
        with Session(self.engine) as session, session.begin():
            delivery = session.get(WebhookDelivery, delivery_id)
            now = utcnow()
            delivery.attempts += 1
            delivery.attempt_log.append(WebhookAttempt(number=delivery.attempts, at=now, status_code=status_code,
                                                       error=error, duration_ms=duration_ms))
            delivery.updated_at = now
            if error is None:
                delivery.status, delivery.next_attempt_at, delivery.delivered_at = "delivered", None, now
                delivery.last_error = None
            elif delivery.attempts >= delivery.max_attempts:
                delivery.status, delivery.next_attempt_at, delivery.last_error = "failed", None, error
            else:
                delays = self.settings.retry_delays
                wait = delays[min(delivery.attempts - 1, len(delays) - 1)] if delays else 0
                delivery.next_attempt_at = now + timedelta(seconds=wait)
                delivery.last_error = error
            return Outcome(delivery_id, delivery.status, status_code, error, delivery.attempts)

    def close(self) -> None:
        self.client.close()


# --------------------------------------------------------------------------
# What admins see and do


def list_deliveries(engine: Engine, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Deliveries, newest first; ``status`` one of pending, delivered, failed."""
    if status is not None and status not in WEBHOOK_STATUSES:
        raise ValueError(f"unknown status {status!r}; allowed: {', '.join(WEBHOOK_STATUSES)}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
        raise ValueError(f"limit must be a whole number from 1 to 500, not {limit!r}")
    query = (select(WebhookDelivery, Ticket.reference).join(Ticket, WebhookDelivery.ticket_id == Ticket.id)
             .options(selectinload(WebhookDelivery.attempt_log))
             .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(limit))
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    with Session(engine) as session:
        return [_delivery_to_dict(delivery, reference) for delivery, reference in session.execute(query)]


def retry_now(engine: Engine, delivery_id: int) -> dict[str, Any]:
    """One more attempt, as soon as the worker next looks (within a second or so).

    Works on a failed delivery (it gets one more try) and on a pending one
    (its wait is cut short); a delivered one is left alone (ValueError).
    """
    with Session(engine) as session, session.begin():
        delivery = session.get(WebhookDelivery, delivery_id, options=[selectinload(WebhookDelivery.attempt_log)])
        if delivery is None:
            raise LookupError(f"no webhook delivery {delivery_id}")
        if delivery.status == "delivered":
            raise ValueError(f"webhook delivery {delivery_id} was already delivered")
        now = utcnow()
        if delivery.status == "failed":
            delivery.max_attempts = delivery.attempts + 1
        delivery.status, delivery.next_attempt_at, delivery.updated_at = "pending", now, now
        session.flush()
        return _delivery_to_dict(delivery, delivery.ticket.reference)


def _delivery_to_dict(delivery: WebhookDelivery, reference: str) -> dict[str, Any]:
    iso = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return {
        "id": delivery.id,
        "event": delivery.event,
        "ticket_reference": reference,
        "url": delivery.url,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "max_attempts": delivery.max_attempts,
        "next_attempt_at": iso(delivery.next_attempt_at),
        "last_error": delivery.last_error,
        "created_at": iso(delivery.created_at),
        "delivered_at": iso(delivery.delivered_at),
        "attempt_log": [{"number": a.number, "at": iso(a.at), "status_code": a.status_code, "error": a.error,
                         "duration_ms": a.duration_ms} for a in delivery.attempt_log],
        "body": json.loads(delivery.body),
    }
