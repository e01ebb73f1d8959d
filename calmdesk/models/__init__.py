"""The database tables, as SQLAlchemy ORM classes, by concern; ``from calmdesk.models import X`` for any of them.

``base`` (Base, constraint names, ``UTCDateTime``, ``one_of``), ``desk`` (customers, tickets, remedies,
transcripts, satisfaction, incidents, held complaints), ``staff`` (accounts, sessions, notes, live chat
messages, the audit log), ``outbox`` (webhook deliveries, emails, their attempts, suppressions) and
``operations`` (conversation stats). Importing this package defines every table on ``Base.metadata``.

The enumerated columns carry CHECK constraints built from ``taxonomy`` so the
database itself refuses a value the rest of the code would not understand,
even if it is written by some other tool.  The schema is created by the
Alembic migrations in ``migrations/``, never by ``metadata.create_all``; keep
the two in step (``tests/core/test_db.py`` compares them).

All timestamps are timezone-aware UTC (``UTCDateTime``, in ``base``).
"""
from calmdesk.models.base import (
    NAMING_CONVENTION,
    Base,
    UTCDateTime,
    one_of,
    utcnow,
)
from calmdesk.models.desk import (
    ACTIVE_INCIDENT_STATUSES,
    INCIDENT_STATUSES,
    REMEDY_UNITS,
    SATISFACTION_SCORES,
    Customer,
    HeldComplaint,
    Incident,
    IncidentTicket,
    IncidentUpdate,
    Remedy,
    RemedyEvent,
    Satisfaction,
    Ticket,
    TranscriptEntry,
)
from calmdesk.models.operations import (
    ConversationStats,
)
from calmdesk.models.outbox import (
    EMAIL_STATUSES,
    WEBHOOK_STATUSES,
    EmailAttempt,
    EmailMessage,
    EmailSuppression,
    WebhookAttempt,
    WebhookDelivery,
)
from calmdesk.models.staff import (
    AUDIT_CHANNELS,
    LIVE_MESSAGE_ROLES,
    STAFF_ROLES,
    AuditEntry,
    LiveMessage,
    StaffSession,
    StaffUser,
    TicketNote,
)

__all__ = [
    "ACTIVE_INCIDENT_STATUSES",
    "AUDIT_CHANNELS",
    "AuditEntry",
    "Base",
    "ConversationStats",
    "Customer",
    "EMAIL_STATUSES",
    "EmailAttempt",
    "EmailMessage",
    "EmailSuppression",
    "HeldComplaint",
    "INCIDENT_STATUSES",
    "Incident",
    "IncidentTicket",
    "IncidentUpdate",
    "LIVE_MESSAGE_ROLES",
    "LiveMessage",
    "NAMING_CONVENTION",
    "REMEDY_UNITS",
    "Remedy",
    "RemedyEvent",
    "SATISFACTION_SCORES",
    "STAFF_ROLES",
    "Satisfaction",
    "StaffSession",
    "StaffUser",
    "Ticket",
    "TicketNote",
    "TranscriptEntry",
    "UTCDateTime",
    "WEBHOOK_STATUSES",
    "WebhookAttempt",
    "WebhookDelivery",
    "one_of",
    "utcnow",
]
