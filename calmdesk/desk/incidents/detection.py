"""Detection: staff may be the last to notice, so the ticket stream is watched.

N tickets of one category within T minutes (``policy/incidents.yml``) open a
*suggested* incident with a drafted message. A suggestion is never shown to
customers; staff confirm it (with the message they want customers to read) or
close it to dismiss it. A category with an active incident is skipped, and
tickets that arrived before a category's last incident closed do not count again.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.desk.incidents.settings import DETECTION_MINUTES_RANGE, DETECTION_TICKETS_RANGE, load_incident_settings
from calmdesk.desk.incidents.store import _active_for, _incident_to_dict, _unused_reference
from calmdesk.desk.tickets.drafts import _validate_moment
from calmdesk.desk.tickets.store import _run
from calmdesk.models import Incident, Ticket, utcnow

DETECTION_ACTOR = "detection"  # created_by of suggested incidents

# A category in words, for the drafted message of a suggested incident:
# "We're seeing reports of <words> problems and are looking into it."
CATEGORY_WORDS: dict[str, str] = {
    "delivery_problem": "delivery",
    "damaged_or_wrong_item": "damaged or wrong item",
    "billing_problem": "billing",
    "payment_failed": "payment",
    "account_access": "account access",
    "service_outage": "service availability",
    "cancellation": "cancellation",
    "refund_request": "refund",
    "staff_complaint": "customer service",
    "product_defect": "product quality",
    "other": "other",
}


def detect_incidents(
    engine: Engine, *, tickets: int | None = None, minutes: int | None = None, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Suggest an incident for each category with at least ``tickets`` tickets in the last ``minutes`` minutes.

    Defaults come from policy/incidents.yml.  The window is ``[now - minutes,
    now]``.  'other' is never suggested; a category with an active
    (suggested or open) incident is skipped, so running this again suggests
    nothing new; tickets filed before the category's last incident closed do
    not count again.  Returns the incidents it suggested (often none).
    """
    if tickets is None or minutes is None:
        settings = load_incident_settings()
        tickets = settings.detection_tickets if tickets is None else tickets
        minutes = settings.detection_minutes if minutes is None else minutes
    _check_whole_number("tickets", tickets, DETECTION_TICKETS_RANGE)
    _check_whole_number("minutes", minutes, DETECTION_MINUTES_RANGE)
    if now is None:
        now = utcnow()
    _validate_moment("now", now)
    window_start = now - timedelta(minutes=minutes)

    def work(session: Session) -> list[dict[str, Any]]:
        busy = session.execute(
            select(Ticket.category)
            .where(Ticket.created_at >= window_start, Ticket.created_at <= now, Ticket.category != "other")
            .group_by(Ticket.category)
            .having(func.count() >= tickets)
        ).scalars().all()
        suggested = []
        for category in sorted(busy):
            if _active_for(session, category) is not None:
                continue
            last_closed = session.scalar(
                select(func.max(Incident.closed_at)).where(Incident.category == category)
            )
            counted = [Ticket.category == category, Ticket.created_at >= window_start, Ticket.created_at <= now]
            if last_closed is not None:
                counted.append(Ticket.created_at > last_closed)
            found, first = session.execute(
                select(func.count(), func.min(Ticket.created_at)).where(*counted)
            ).one()
            if found < tickets:
                continue
            created = utcnow()
            incident = Incident(
                reference=_unused_reference(session),
                category=category,
                public_message=drafted_message(category),
                status="suggested",
                started_at=first,  # the first ticket of the burst
                created_at=created,
                updated_at=created,
                created_by=DETECTION_ACTOR,
            )
            session.add(incident)
            session.flush()
            suggested.append(_incident_to_dict(incident))
        return suggested

    return _run(engine, work)


def drafted_message(category: str) -> str:
    """The public message detection drafts for a suggested incident (staff rewrite it on confirming)."""
    words = CATEGORY_WORDS.get(category, category.replace("_", " "))
    return f"We're seeing reports of {words} problems and are looking into it."


def _check_whole_number(field: str, value: object, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{field} must be a whole number from {low} to {high}, not {value!r}")
