"""Incident lookups, references ("INC-7K3M9Q") and the dicts callers see."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from calmdesk.desk import references
from calmdesk.desk.tickets.serialisation import _iso
from calmdesk.desk.tickets.store import NotFoundError
from calmdesk.models import ACTIVE_INCIDENT_STATUSES, Incident, IncidentTicket, IncidentUpdate

# "INC-" + 6 characters of Crockford base32, like ticket references.
INCIDENT_REFERENCE_PREFIX = "INC-"


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


def _normalise_reference(reference: object) -> str | None:
    return references.normalise(reference, INCIDENT_REFERENCE_PREFIX)


def _new_reference() -> str:
    return references.new(INCIDENT_REFERENCE_PREFIX)


def _unused_reference(session: Session) -> str:
    while True:
        reference = _new_reference()
        if _incident_by_reference(session, reference) is None:
            return reference
