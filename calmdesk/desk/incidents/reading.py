"""Reading incidents: one by reference, a filtered list, the open one for a category, updates since."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.desk.incidents.store import (
    _INCIDENT_LOADS,
    _incident_by_reference,
    _incident_or_raise,
    _incident_to_dict,
    _normalise_reference,
    _update_to_dict,
)
from calmdesk.desk.tickets.drafts import _check_choice, _validate_moment
from calmdesk.models import INCIDENT_STATUSES, Incident, IncidentUpdate
from calmdesk.taxonomy import CATEGORIES


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


def _open_for(category: str) -> tuple[Any, ...]:
    """The open incident of ``category``: suggested ones do not count, customers never see those."""
    _check_choice("category", category, CATEGORIES)
    return Incident.category == category, Incident.status == "open"


def active_incident(engine: Engine, category: str) -> dict[str, Any] | None:
    """The open incident for ``category``, with its updates and tickets, or None."""
    with Session(engine) as session, session.begin():
        incident = session.scalars(select(Incident).where(*_open_for(category))).first()
        return _incident_to_dict(incident) if incident else None


def incident_notice(engine: Engine, category: str) -> dict[str, Any] | None:
    """What a customer complaining about ``category`` is told and their ticket linked to, or None.

    The open incident's ``reference``, ``category`` and ``public_message``
    only: ``active_incident`` reads every linked ticket (and each one by
    itself), which made a complaint cost more the more customers the
    incident had already collected (the outage burst of make bench: 30% of
    the action server's time, docs/bench.md).
    """
    with Session(engine) as session, session.begin():
        row = session.execute(
            select(Incident.reference, Incident.category, Incident.public_message).where(*_open_for(category))
        ).first()
        return dict(row._mapping) if row else None


def open_categories(engine: Engine) -> tuple[str, ...]:
    """The categories with an open incident now (sorted): what a customer's new complaint may be part of."""
    with Session(engine) as session, session.begin():
        return tuple(sorted(session.scalars(select(Incident.category).where(Incident.status == "open").distinct())))


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
