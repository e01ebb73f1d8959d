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
Updates are posted to open incidents only.  Like ``calmdesk.desk.tickets``, every
function takes an Engine, does one unit of work and returns plain dicts;
bad input raises ValueError naming the value and the allowed ones, an
unknown reference raises NotFoundError.  The tables are in
``calmdesk.models`` (``Incident``, ``IncidentUpdate``, ``IncidentTicket``).

Command line (database from $DATABASE_URL or var/calmdesk.db)::

    python -m calmdesk.desk.incidents declare --category service_outage --message "..." [--by NAME]
    python -m calmdesk.desk.incidents confirm INC-7K3M9Q --message "..."
    python -m calmdesk.desk.incidents update INC-7K3M9Q --message "..."
    python -m calmdesk.desk.incidents close INC-7K3M9Q [--message "..."]
    python -m calmdesk.desk.incidents list [--status open] [--category service_outage]
    python -m calmdesk.desk.incidents detect

Callers use the names below, from this package. Its modules: ``lifecycle``
(declare, confirm, update, close, link a ticket), ``reading`` (get, list, the
active one, what a complaining customer is told, the categories with an open
one, updates since), ``detection`` (suggest incidents from bursts of
tickets), ``settings`` (policy/incidents.yml), ``store`` (lookups, references,
dicts) and ``cli`` (the command line above; ``__main__`` runs it).
"""
from calmdesk.desk.incidents.detection import detect_incidents
from calmdesk.desk.incidents.lifecycle import close_incident, confirm_incident, declare_incident, link_ticket, post_update
from calmdesk.desk.incidents.reading import (
    active_incident, get_incident, incident_notice, list_incidents, open_categories, updates_since,
)
from calmdesk.desk.incidents.settings import DEFAULT_SETTINGS_PATH, IncidentSettings, load_incident_settings
from calmdesk.desk.remedies import PolicyError
from calmdesk.desk.tickets.store import NotFoundError
from calmdesk.models import Incident, IncidentUpdate

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
    "incident_notice",
    "link_ticket",
    "list_incidents",
    "load_incident_settings",
    "open_categories",
    "post_update",
    "updates_since",
]
