"""Mass incidents: one problem hitting many customers at once, told to each of them once.

When a courier loses a day's parcels or payments fail for an hour, dozens of
customers complain about the same thing.  Filing each one as a lone mistake
helps nobody: staff declare an *incident* for the category with a public
message, the bot opens with that known-incident acknowledgement for anyone
complaining about the category (``active_incident``), links their ticket
(``link_ticket``) and, when they come back, tells them what changed since
(``updates_since``).

Staff may be the last to notice, so ``detect_incidents`` watches the ticket
stream: N tickets of one category within T minutes (``policy/incidents.yml``)
opens a *suggested* incident with a drafted message.  A suggestion is never
shown to customers; staff confirm it (with the message they want customers
to read) or close it to dismiss it.  A category has at most one active
(suggested or open) incident, enforced by a partial unique index, so two
staff members or two detection runs cannot open duplicates; and tickets
that arrived before a category's last incident closed do not count again.

Lifecycle: suggested -> open -> closed, or suggested -> closed (dismissed).
Updates are posted to open incidents only.  Like ``calmdesk.tickets``, every
function takes an Engine, does one unit of work and returns plain dicts;
bad input raises ValueError naming the value and the allowed ones, an
unknown reference raises NotFoundError.  The tables are in
``calmdesk.models`` (``Incident``, ``IncidentUpdate``, ``IncidentTicket``).

Command line (database from $DATABASE_URL or var/calmdesk.db)::

    python -m calmdesk.incidents declare --category service_outage --message "..." [--by NAME]
    python -m calmdesk.incidents confirm INC-7K3M9Q --message "..."
    python -m calmdesk.incidents update INC-7K3M9Q --message "..."
    python -m calmdesk.incidents close INC-7K3M9Q [--message "..."]
    python -m calmdesk.incidents list [--status open] [--category service_outage]
    python -m calmdesk.incidents detect
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from calmdesk.db import default_database_url, make_engine
from calmdesk import references
from calmdesk.models import (
    ACTIVE_INCIDENT_STATUSES,
    INCIDENT_STATUSES,
    Incident,
    IncidentTicket,
    IncidentUpdate,
    Ticket,
    utcnow,
)
from calmdesk.remedies import PolicyError, read_policy_yaml
from calmdesk.taxonomy import CATEGORIES
from calmdesk.tickets import (
    NotFoundError,
    _check_choice,
    _iso,
    _run,
    _LostRace,
    _ticket_by_reference_or_raise,
    _ticket_to_dict,
    _validate_actor,
    _validate_moment,
)

__all__ = [
    "DEFAULT_SETTINGS_PATH",
    "Incident",
    "IncidentSettings",
    "IncidentUpdate",
    "NotFoundError",
    "PolicyError",
    "active_incident",
    "close_incident",
    "confirm_incident",
    "declare_incident",
    "detect_incidents",
    "get_incident",
    "link_ticket",
    "list_incidents",
    "load_incident_settings",
    "post_update",
    "updates_since",
]

DEFAULT_SETTINGS_PATH = Path(__file__).resolve().parent.parent / "policy" / "incidents.yml"

# "INC-" + 6 characters of Crockford base32, like ticket references.
INCIDENT_REFERENCE_PREFIX = "INC-"

# Which status may follow which (see the module docstring).
INCIDENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "suggested": ("open", "closed"),
    "open": ("closed",),
    "closed": (),
}

DETECTION_ACTOR = "detection"  # created_by of suggested incidents
MAX_MESSAGE = 2000  # characters in a public message or update: customers read it in a chat bubble
MAX_START_AHEAD = timedelta(minutes=5)  # clock skew allowed for a started_at "now"

# Detection settings must stay in these bounds: a single ticket is not a mass incident.
DETECTION_TICKETS_RANGE = (2, 10_000)
DETECTION_MINUTES_RANGE = (1, 7 * 24 * 60)

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


# --------------------------------------------------------------------------
# Settings: policy/incidents.yml


@dataclass(frozen=True)
class IncidentSettings:
    """Detection: ``detection_tickets`` tickets of one category within ``detection_minutes`` minutes."""

    detection_tickets: int
    detection_minutes: int


def _fail(path: Path, where: str, problem: str) -> PolicyError:
    return PolicyError(f"{path}: {where}: {problem}")


def _whole_number(value: Any, path: Path, where: str, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, where, f"must be a whole number from {low} to {high}, got {value!r}")
    return value


def parse_incident_settings(raw: Any, path: Path) -> IncidentSettings:
    """Build IncidentSettings from parsed YAML, raising PolicyError naming the file and the key."""
    if not isinstance(raw, dict):
        raise _fail(path, "top level", f"expected a mapping with 'detection', got {type(raw).__name__}")
    for key in raw:
        if key != "detection":
            raise _fail(path, str(key), "unknown key (allowed: detection)")
    if "detection" not in raw:
        raise _fail(path, "detection", "is required (with 'tickets' and 'minutes')")
    detection = raw["detection"]
    if not isinstance(detection, dict):
        raise _fail(path, "detection", f"expected a mapping with 'tickets' and 'minutes', got {detection!r}")
    for key in detection:
        if key not in ("tickets", "minutes"):
            raise _fail(path, f"detection.{key}", "unknown key (allowed: tickets, minutes)")
    for key in ("tickets", "minutes"):
        if key not in detection:
            raise _fail(path, f"detection.{key}", "is required")
    tickets = _whole_number(detection["tickets"], path, "detection.tickets", DETECTION_TICKETS_RANGE)
    minutes = _whole_number(detection["minutes"], path, "detection.minutes", DETECTION_MINUTES_RANGE)
    return IncidentSettings(detection_tickets=tickets, detection_minutes=minutes)


def load_incident_settings(path: str | Path | None = None) -> IncidentSettings:
    """Read and check the incident settings (default: policy/incidents.yml)."""
    path = Path(path) if path else DEFAULT_SETTINGS_PATH
    return parse_incident_settings(read_policy_yaml(path, "incident settings"), path)


# --------------------------------------------------------------------------
# Public functions


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


def get_incident(engine: Engine, reference: str) -> dict[str, Any] | None:
    """The incident with this reference (case-insensitive), with its updates and tickets, or None."""
    normalised = _normalise_reference(reference)
    if normalised is None:
        return None
    with Session(engine) as session, session.begin():
        incident = _incident_by_reference(session, normalised)
        return _incident_to_dict(incident) if incident else None


def list_incidents(
    engine: Engine, status: str | None = None, category: str | None = None
) -> list[dict[str, Any]]:
    """Incidents matching the filters, newest first."""
    if status is not None:
        _check_choice("incident status", status, INCIDENT_STATUSES)
    if category is not None:
        _check_choice("category", category, CATEGORIES)
    query = select(Incident).options(*_INCIDENT_LOADS).order_by(Incident.created_at.desc(), Incident.id.desc())
    if status is not None:
        query = query.where(Incident.status == status)
    if category is not None:
        query = query.where(Incident.category == category)
    with Session(engine) as session, session.begin():
        return [_incident_to_dict(incident) for incident in session.scalars(query)]


def active_incident(engine: Engine, category: str) -> dict[str, Any] | None:
    """The open incident for ``category``, or None.  Suggested ones do not count: customers never see those."""
    _check_choice("category", category, CATEGORIES)
    with Session(engine) as session, session.begin():
        incident = session.scalars(
            select(Incident).where(Incident.category == category, Incident.status == "open")
        ).first()
        return _incident_to_dict(incident) if incident else None


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


def updates_since(engine: Engine, incident_reference: str, since: datetime) -> list[dict[str, Any]]:
    """The incident's updates posted after ``since``, oldest first: what a returning customer has missed."""
    _validate_moment("since", since)
    with Session(engine) as session, session.begin():
        incident = _incident_or_raise(session, incident_reference)
        rows = session.scalars(
            select(IncidentUpdate)
            .where(IncidentUpdate.incident_id == incident.id, IncidentUpdate.at > since)
            .order_by(IncidentUpdate.at, IncidentUpdate.id)
        )
        return [_update_to_dict(row) for row in rows]


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


# --------------------------------------------------------------------------
# Serialisation


def _incident_to_dict(incident: Incident) -> dict[str, Any]:
    return {
        "reference": incident.reference,
        "category": incident.category,
        "public_message": incident.public_message,
        "status": incident.status,
        "started_at": _iso(incident.started_at),
        "created_at": _iso(incident.created_at),
        "updated_at": _iso(incident.updated_at),
        "closed_at": _iso(incident.closed_at) if incident.closed_at else None,
        "created_by": incident.created_by,
        "updates": [_update_to_dict(row) for row in incident.updates],
        "tickets": [link.ticket.reference for link in incident.ticket_links],
    }


def _update_to_dict(row: IncidentUpdate) -> dict[str, Any]:
    return {"message": row.message, "author": row.author, "at": _iso(row.at)}


_INCIDENT_LOADS = (
    selectinload(Incident.updates),
    selectinload(Incident.ticket_links).selectinload(IncidentTicket.ticket),
)


# --------------------------------------------------------------------------
# Queries and checks


def _incident_by_reference(session: Session, reference: str) -> Incident | None:
    return session.scalars(select(Incident).where(Incident.reference == reference)).first()


def _incident_or_raise(session: Session, reference: str) -> Incident:
    normalised = _normalise_reference(reference)
    incident = _incident_by_reference(session, normalised) if normalised else None
    if incident is None:
        raise NotFoundError(f"no incident with reference {reference!r}")
    return incident


def _active_for(session: Session, category: str) -> Incident | None:
    return session.scalars(
        select(Incident).where(Incident.category == category, Incident.status.in_(ACTIVE_INCIDENT_STATUSES))
    ).first()


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


def _normalise_reference(reference: object) -> str | None:
    return references.normalise(reference, INCIDENT_REFERENCE_PREFIX)


def _new_reference() -> str:
    return references.new(INCIDENT_REFERENCE_PREFIX)


def _unused_reference(session: Session) -> str:
    while True:
        reference = _new_reference()
        if _incident_by_reference(session, reference) is None:
            return reference


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


def _check_whole_number(field: str, value: object, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{field} must be a whole number from {low} to {high}, not {value!r}")


# --------------------------------------------------------------------------
# Command line


def _print_incident(incident: dict[str, Any]) -> None:
    print(
        f"{incident['reference']}  {incident['status']:<9}  {incident['category']}  "
        f"started {incident['started_at']}  tickets: {len(incident['tickets'])}"
    )
    print(f"    {incident['public_message']}")
    for row in incident["updates"]:
        print(f"    update {row['at']} by {row['author']}: {row['message']}")


def _parse_started_at(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a timezone, e.g. {value}Z or {value}+02:00")
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m calmdesk.incidents", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL or var/calmdesk.db)")
    sub = parser.add_subparsers(dest="command", required=True)

    def by(command: argparse.ArgumentParser) -> None:
        command.add_argument("--by", default="staff", help="who is doing this (default: staff)")

    declare = sub.add_parser("declare", help="open an incident for a category")
    declare.add_argument("--category", required=True, help=f"one of: {', '.join(CATEGORIES[:-1])}")
    declare.add_argument("--message", required=True, help="the public message customers will read")
    declare.add_argument("--started-at", type=_parse_started_at, help="when it began (ISO 8601; default: now)")
    by(declare)

    confirm = sub.add_parser("confirm", help="confirm a suggested incident")
    confirm.add_argument("reference")
    confirm.add_argument("--message", required=True, help="the public message customers will read")
    by(confirm)

    post = sub.add_parser("update", help="post a public update to an open incident")
    post.add_argument("reference")
    post.add_argument("--message", required=True)
    by(post)

    close = sub.add_parser("close", help="close an incident (or dismiss a suggestion)")
    close.add_argument("reference")
    close.add_argument("--message", help="a last public update")
    by(close)

    listing = sub.add_parser("list", help="list incidents, newest first")
    listing.add_argument("--status", help=f"one of: {', '.join(INCIDENT_STATUSES)}")
    listing.add_argument("--category")

    sub.add_parser("detect", help="suggest incidents for categories with a burst of tickets")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 on bad input, an unknown reference or a database problem."""
    args = _parser().parse_args(argv)
    url = args.url or default_database_url()
    engine = make_engine(url)
    try:
        return _command(engine, args)
    except (ValueError, NotFoundError) as error:  # PolicyError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        where = make_url(url).render_as_string(hide_password=True)
        print(
            f"error: cannot use the database at {where} ({error.__class__.__name__}); "
            "is it migrated? run: python -m calmdesk.db upgrade",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()


def _command(engine: Engine, args: argparse.Namespace) -> int:
    if args.command == "declare":
        _print_incident(declare_incident(engine, args.category, args.message, args.by, args.started_at))
    elif args.command == "confirm":
        _print_incident(confirm_incident(engine, args.reference, args.message, args.by))
    elif args.command == "update":
        _print_incident(post_update(engine, args.reference, args.message, args.by))
    elif args.command == "close":
        _print_incident(close_incident(engine, args.reference, args.by, args.message))
    elif args.command == "list":
        incidents = list_incidents(engine, status=args.status or None, category=args.category or None)
        for incident in incidents:
            _print_incident(incident)
        if not incidents:
            print("no incidents")
    elif args.command == "detect":
        suggested = detect_incidents(engine)
        for incident in suggested:
            _print_incident(incident)
            print(f"    confirm: python -m calmdesk.incidents confirm {incident['reference']} --message '...'")
        if not suggested:
            print("no new suggestions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
