"""The mail worker: sends due emails from the outbox, and runs the jobs that queue them.

Runs inside the web app (started by its lifespan, like the webhook worker):
every ``poll_seconds`` it claims the due rows (a compare-and-set on
``next_attempt_at``, so two workers never send one email twice), and for each:

* the address unsubscribed meanwhile: ``suppressed``, never sent;
* the address already got ``MAIL_MAX_PER_DAY`` emails in the last 24 hours:
  postponed until the oldest of those is a day old (no attempt counted);
* otherwise one attempt, recorded; on failure the next one after
  ``MAIL_RETRY_DELAYS`` (30 s, 2 min, 10 min, 1 h), then ``failed`` - admins
  see it on /console/mail and can "retry now".

Then it runs the jobs (calmdesk/mail/jobs.py: check-ins due, incident news,
remedies fulfilled), which only queue rows; their uniqueness makes a second
run harmless.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.mail import jobs
from calmdesk.mail.outbox import link, sent_today
from calmdesk.mail.sending import Transport, build, transport_for
from calmdesk.mail.settings import MailSettings
from calmdesk.mail.templates import EmailTemplates
from calmdesk.models import EmailAttempt, EmailMessage, EmailSuppression, utcnow

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
DAY = timedelta(days=1)
MAX_ERROR = 500
JOB_SECONDS = 5.0  # how often the jobs look for something to queue


@dataclass
class MailWorker:
    engine: Engine
    settings: MailSettings
    templates: EmailTemplates
    transport: Transport | None = None
    _last_jobs: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self.transport = self.transport or transport_for(self.settings)

    def run_once(self, now: datetime | None = None, limit: int = 20) -> list[dict]:
        """One pass: send what is due, then (every JOB_SECONDS) run the jobs.  Returns what happened."""
        outcomes = [self.deliver(message_id) for message_id in self._claim_due(now or utcnow(), limit)]
        if time.monotonic() - self._last_jobs >= JOB_SECONDS:
            self._last_jobs = time.monotonic()
            jobs.run_all(self.engine, self.settings, self.templates)
        return [o for o in outcomes if o]

    def _claim_due(self, now: datetime, limit: int) -> list[int]:
        with Session(self.engine) as session:
            due = session.execute(
                select(EmailMessage.id, EmailMessage.next_attempt_at)
                .where(EmailMessage.status == "pending", EmailMessage.next_attempt_at <= now)
                .order_by(EmailMessage.next_attempt_at, EmailMessage.id).limit(limit)).all()
        claimed = []
        for message_id, due_at in due:
            with Session(self.engine) as session, session.begin():
                won = session.execute(
                    update(EmailMessage)
                    .where(EmailMessage.id == message_id, EmailMessage.status == "pending",
                           EmailMessage.next_attempt_at == due_at)
                    .values(next_attempt_at=now + LEASE)).rowcount
            if won == 1:
                claimed.append(message_id)
        return claimed

    def deliver(self, message_id: int) -> dict | None:
        now = utcnow()
        with Session(self.engine) as session, session.begin():
            message = session.get(EmailMessage, message_id)
            if message is None:
                return None
            if session.get(EmailSuppression, message.to_address) is not None:
                message.status, message.next_attempt_at, message.updated_at = "suppressed", None, now
                return {"id": message_id, "status": "suppressed"}
            recent = sent_today(session, message.to_address, now, DAY)
            if len(recent) >= self.settings.max_per_day:
                message.next_attempt_at = recent[0] + DAY
                message.last_error = (f"held: {len(recent)} emails already sent to this address in 24 hours "
                                      f"(MAIL_MAX_PER_DAY={self.settings.max_per_day})")
                return {"id": message_id, "status": "held"}
            mime = build(self.settings, message_id=message.id, kind=message.kind, to=message.to_address,
                         subject=message.subject, text=message.text_body, html=message.html_body,
                         unsubscribe_url=link(self.settings, message.id, "unsubscribe"))
        started = time.monotonic()
        error = None
        try:
            self.transport.send(mime)
        except Exception as exc:  # noqa: BLE001 - any failure (refused, timeout, auth, TLS) is one failed attempt
            error = (f"{type(exc).__name__}: {exc}"[:MAX_ERROR]) or type(exc).__name__
        return self._record(message_id, error, int((time.monotonic() - started) * 1000))

    def _record(self, message_id: int, error: str | None, duration_ms: int) -> dict:
        with Session(self.engine) as session, session.begin():
            message = session.get(EmailMessage, message_id)
            now = utcnow()
            message.attempts += 1
            message.attempt_log.append(EmailAttempt(number=message.attempts, at=now, error=error,
                                                    duration_ms=duration_ms))
            message.updated_at = now
            if error is None:
                message.status, message.next_attempt_at, message.sent_at, message.last_error = "sent", None, now, None
            elif message.attempts >= message.max_attempts:
                message.status, message.next_attempt_at, message.last_error = "failed", None, error
            else:
                delays = self.settings.retry_delays
                wait = delays[min(message.attempts - 1, len(delays) - 1)] if delays else 0
                message.next_attempt_at, message.last_error = now + timedelta(seconds=wait), error
            if error:
                logger.warning("email %s (%s) attempt %s failed: %s", message_id, message.kind, message.attempts, error)
            return {"id": message_id, "status": message.status, "error": error, "attempts": message.attempts}
