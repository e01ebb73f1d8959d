"""Email to customers: the promises the bot makes ("updates will come by email") kept by a real mail server.

Layout, one concern per module:

* ``settings``  - environment: on/off, SMTP_URL or .eml files, sender, link key, limits;
* ``templates`` - the words (policy/emails.yml), checked at start-up, rendered as text and HTML;
* ``outbox``    - every email is a row first, unique per ticket and kind; admin listing, retry, unsubscribe;
* ``sending``   - the MIME message and its transport (SMTP with STARTTLS, or a file);
* ``worker``    - the web app's background sender: retries with backoff, daily limit, suppression;
* ``jobs``      - what is owed: check-ins due, incident news, remedies fulfilled;
* ``links``, ``clicks`` - the signed, expiring links in emails and what a click does.

This module is the small API the action server and the web app call.  Each
call queues at most one row and never raises into the conversation: a customer
must not lose their chat because an email could not be queued.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Engine

from calmdesk.mail import outbox
from calmdesk.mail.settings import MailSettings
from calmdesk.mail.templates import EmailTemplates, load_templates

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def settings() -> MailSettings:
    return MailSettings.from_env()


@lru_cache(maxsize=1)
def templates() -> EmailTemplates:
    return load_templates()


def reset() -> None:
    """Forget cached settings and templates (tests change the environment)."""
    settings.cache_clear()
    templates.cache_clear()


def will_email(engine: Engine, address: str | None) -> bool:
    """May the bot promise this customer an email?  (Mail on, an address given, not unsubscribed.)"""
    try:
        return outbox.will_email(engine, settings(), address)
    except Exception:  # noqa: BLE001 - unknown: promise nothing
        logger.exception("could not tell whether email can be sent")
        return False


def _queue(engine: Engine, reference: str, kind: str, values: dict[str, Any], key: str = "",
           template: str | None = None) -> dict | None:
    try:
        return outbox.queue(engine, settings(), templates(), reference, kind, values, dedupe_key=key,
                            template=template)
    except Exception:  # noqa: BLE001 - the ticket is safe; the email failure is logged for admins
        logger.exception("could not queue the %s email for %s", kind, reference)
        return None


def confirm(engine: Engine, reference: str, problem: str | None, remedy: str | None = None,
            timeline: str | None = None) -> dict | None:
    """The ticket's one confirmation: with the remedy agreed and its timeline, or (none agreed) that a person follows up."""
    problem = problem or "the problem you told us about"
    if remedy:
        return _queue(engine, reference, "confirmation",
                      {"problem": problem, "remedy": remedy, "timeline": timeline or "we'll email you"})
    return _queue(engine, reference, "confirmation", {"problem": problem}, template="confirmation_open")


def confirm_request(engine: Engine, reference: str, request: str, timeline: str) -> dict | None:
    """The ticket's one confirmation, for a request (no apology for a fault, no remedy): what and when."""
    return _queue(engine, reference, "confirmation", {"request": request, "timeline": timeline},
                  template="confirmation_request")


def agent_reply(engine: Engine, reference: str, agent_name: str, text: str, key: str) -> dict | None:
    """An agent's answer to a customer who left the chat; ``key`` makes each reply one email."""
    return outbox.queue(engine, settings(), templates(), reference, "agent_reply",
                        {"agent_name": agent_name, "message": text}, dedupe_key=key)
