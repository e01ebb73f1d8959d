"""An incident's life: declared or confirmed, updated, closed; tickets linked to it.

Lifecycle: suggested -> open -> closed, or suggested -> closed (dismissed).
Updates are posted to open incidents only. A status change is a
compare-and-set: if someone else changed the incident since we read it, the
unit of work runs again and sees their change.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from calmdesk.desk.incidents.store import _active_for, _incident_or_raise, _incident_to_dict, _unused_reference
from calmdesk.desk.tickets.drafts import _check_choice, _validate_actor, _validate_moment
from calmdesk.desk.tickets.serialisation import _ticket_to_dict
from calmdesk.desk.tickets.store import _LostRace, _run, _ticket_by_reference_or_raise
from calmdesk.models import ACTIVE_INCIDENT_STATUSES, Incident, IncidentTicket, IncidentUpdate, utcnow
from calmdesk.taxonomy import CATEGORIES

# Which status may follow which (see the module docstring).
INCIDENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "suggested": ("open", "closed"),
    "open": ("closed",),
    "closed": (),
}

MAX_MESSAGE = 2000  # characters in a public message or update: customers read it in a chat bubble
MAX_START_AHEAD = timedelta(minutes=5)  # clock skew allowed for a started_at "now"


def declare_incident(
    engine: Engine, category: str, public_message: str, actor: str, started_at: datetime | None = None
) -> dict[str, Any]:
    """Open an incident for ``category`` (staff): customers complaining about it are told ``public_message``.

    ``started_at`` (default: now) is when the problem began.  Refused while the
    category already has an open incident (post an update to it) or a
    suggested one (confirm or close that); 'other' is refused because it
    collects unrelated complaints.
    """
    _validate_incident_category(category)
    message = _validated_message("public_message", public_message)
    _validate_actor(actor)
    now = utcnow()
    if started_at is not None:
        _validate_moment("started_at", started_at)
        if started_at > now + MAX_START_AHEAD:
            raise ValueError(f"started_at {started_at.isoformat()} is in the future")

    def work(session: Session) -> dict[str, Any]:
        existing = _active_for(session, category)
        if existing is not None:
            raise ValueError(_already_active(existing))
        incident = Incident(
            reference=_unused_reference(session),
            category=category,
            public_message=message,
            status="open",
            started_at=started_at or now,
            created_at=now,
            updated_at=now,
            created_by=actor,
        )
        session.add(incident)
        session.flush()
        return _incident_to_dict(incident)

    return _run(engine, work)


def confirm_incident(engine: Engine, reference: str, public_message: str, actor: str) -> dict[str, Any]:
    """Turn a suggested incident into an open one, with the message customers will read."""
    message = _validated_message("public_message", public_message)
    _validate_actor(actor)

    def work(session: Session) -> dict[str, Any]:
        incident = _incident_or_raise(session, reference)
        _check_transition(incident, "open", "confirm")
        now = utcnow()
        _compare_and_set(session, incident, status="open", public_message=message, updated_at=now)
        return _incident_to_dict(incident)

    return _run(engine, work)


def post_update(engine: Engine, reference: str, message: str, actor: str) -> dict[str, Any]:
    """Add a public update to an open incident (customers who come back are told it)."""
    text = _validated_message("message", message)
    _validate_actor(actor)

    def work(session: Session) -> dict[str, Any]:
        incident = _incident_or_raise(session, reference)
        if incident.status != "open":
            hint = "confirm it first" if incident.status == "suggested" else "it is over"
            raise ValueError(
                f"cannot post an update to {incident.reference}: it is {incident.status!r} ({hint}); "
                "updates go to open incidents only"
            )
        now = utcnow()
        _compare_and_set(session, incident, updated_at=now)  # and fail if it closed meanwhile
        incident.updates.append(IncidentUpdate(message=text, author=actor, at=now))
        session.flush()
        return _incident_to_dict(incident)

    return _run(engine, work)


def close_incident(engine: Engine, reference: str, actor: str, message: str | None = None) -> dict[str, Any]:
    """Close an open incident (or dismiss a suggested one); ``message`` becomes a last public update."""
    text = _validated_message("message", message) if message is not None else None
    _validate_actor(actor)

    def work(session: Session) -> dict[str, Any]:
        incident = _incident_or_raise(session, reference)
        _check_transition(incident, "closed", "close")
        now = utcnow()
        _compare_and_set(session, incident, status="closed", closed_at=now, updated_at=now)
        if text is not None:
            incident.updates.append(IncidentUpdate(message=text, author=actor, at=now))
        session.flush()
        return _incident_to_dict(incident)

    return _run(engine, work)


def link_ticket(engine: Engine, ticket_reference: str, incident_reference: str) -> dict[str, Any]:
    """Make the ticket part of the incident; returns the ticket (its ``incident`` is the reference).

    The ticket and the incident must share a category, and the incident must
    be suggested or open.  Linking again is a no-op; linking to another
    incident moves the ticket there.
    """

    def work(session: Session) -> dict[str, Any]:
        ticket = _ticket_by_reference_or_raise(session, ticket_reference)
        incident = _incident_or_raise(session, incident_reference)
        if incident.status not in ACTIVE_INCIDENT_STATUSES:
            raise ValueError(
                f"cannot link {ticket.reference} to {incident.reference}: the incident is "
                f"{incident.status!r}; allowed: {', '.join(ACTIVE_INCIDENT_STATUSES)}"
            )
        if ticket.category != incident.category:
            raise ValueError(
                f"cannot link {ticket.reference} to {incident.reference}: the ticket is about "
                f"{ticket.category!r}, the incident about {incident.category!r}"
            )
        link = ticket.incident_link
        if link is None:
            ticket.incident_link = IncidentTicket(incident=incident, linked_at=utcnow())
        elif link.incident_id != incident.id:
            link.incident = incident
            link.linked_at = utcnow()
        else:
            return _ticket_to_dict(ticket)
        ticket.updated_at = utcnow()
        session.flush()
        return _ticket_to_dict(ticket)

    return _run(engine, work)


# --------------------------------------------------------------------------
# Checks


def _already_active(existing: Incident) -> str:
    if existing.status == "open":
        return (
            f"{existing.category} already has an open incident, {existing.reference}: "
            "post an update to it instead of declaring another"
        )
    return (
        f"{existing.category} already has a suggested incident, {existing.reference}: "
        "confirm it (with your message) or close it instead of declaring another"
    )


def _check_transition(incident: Incident, status: str, verb: str) -> None:
    allowed = INCIDENT_TRANSITIONS[incident.status]
    if status not in allowed:
        next_steps = ", ".join(allowed) if allowed else "nothing (it is final)"
        raise ValueError(
            f"cannot {verb} {incident.reference}: it is {incident.status!r}, "
            f"and from {incident.status!r} it can only go to: {next_steps}"
        )


def _compare_and_set(session: Session, incident: Incident, **values: Any) -> None:
    """Change the incident only if its status is still the one we read; else run the work again."""
    changed = session.execute(
        update(Incident)
        .where(Incident.id == incident.id, Incident.status == incident.status)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise _LostRace()
    for name, value in values.items():  # the row has them already; no second UPDATE
        set_committed_value(incident, name, value)


def _validate_incident_category(category: object) -> None:
    allowed = tuple(c for c in CATEGORIES if c != "other")
    if category == "other":
        raise ValueError(
            "incidents need a specific category, not 'other' (it collects unrelated complaints); "
            f"allowed: {', '.join(allowed)}"
        )
    _check_choice("category", category, allowed)


def _validated_message(field: str, message: object) -> str:
    """A public text: a non-empty string of at most MAX_MESSAGE characters, stored stripped."""
    if not isinstance(message, str):
        raise ValueError(f"{field} must be a string, not {message!r}")
    text = message.strip()
    if not text:
        raise ValueError(f"{field} must not be empty: it is what customers will read")
    if len(text) > MAX_MESSAGE:
        raise ValueError(f"{field} is {len(text)} characters long; at most {MAX_MESSAGE} are allowed")
    if "\x00" in text:
        raise ValueError(f"{field} must not contain NUL characters")
    return text
