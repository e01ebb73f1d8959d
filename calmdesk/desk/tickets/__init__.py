"""The ticket service: filing, updating and reading tickets and their remedies.

The bot (through Rasa custom actions) and the staff API both go through these
functions; nothing else writes ticket rows.  Each function takes an Engine,
does one unit of work in its own session and transaction, and returns plain
dicts (the exact shape the staff API serves), so callers never hold ORM
objects or sessions.

Rasa may run an action twice (a retry, a restarted action server), so writes
are idempotent: a ticket is keyed by ``(conversation_id, complaint_seq)`` and
saving the same draft again updates that ticket instead of filing another.
Two processes can still race between "look it up" and "insert it"; the
database's UNIQUE constraints catch that, and the whole unit of work is
simply run again, which then finds the row the other process wrote.

Input is checked before the database is touched: an unknown category,
status, sender, remedy kind ... raises ValueError naming the bad value and the
allowed ones.  A reference that does not exist raises NotFoundError.

After the complaint: a customer's earlier tickets (``earlier_tickets``: the
same category within 90 days makes a new ticket recurrent), their
satisfaction score, and a check-in date staff can list
(``list_tickets(follow_up_due_before=...)``).  Links to mass incidents are
made in ``calmdesk.desk.incidents``; a ticket dict shows its incident's reference.

Callers use the names below, from this package. Its modules: ``drafts`` (what
callers hand in, and the checks on it), ``filing`` (save a ticket, offer and
move remedies), ``reading`` (get, find, list, earlier tickets), ``aftercare``
(satisfaction, check-in date, a case reopened by a chase), ``transcripts`` (storing the transcript),
``serialisation`` (a ticket as a dict) and ``store`` (units of work, lookups,
references).
"""
from calmdesk.desk.tickets.aftercare import REOPENED, record_satisfaction, reopen_ticket, schedule_follow_up
from calmdesk.desk.tickets.drafts import RemedyOffer, TicketDraft, TranscriptLine
from calmdesk.desk.tickets.filing import REMEDY_TRANSITIONS, offer_remedies, save_ticket, set_remedy_status
from calmdesk.desk.tickets.reading import (
    MAX_LIST_LIMIT,
    RECURRENCE_DAYS,
    count_earlier_tickets,
    earlier_tickets,
    find_ticket,
    get_ticket,
    list_tickets,
)
from calmdesk.desk.tickets.store import REFERENCE_PREFIX, NotFoundError

__all__ = [
    "MAX_LIST_LIMIT",
    "RECURRENCE_DAYS",
    "REFERENCE_PREFIX",
    "REMEDY_TRANSITIONS",
    "REOPENED",
    "NotFoundError",
    "RemedyOffer",
    "TicketDraft",
    "TranscriptLine",
    "count_earlier_tickets",
    "earlier_tickets",
    "find_ticket",
    "get_ticket",
    "list_tickets",
    "offer_remedies",
    "record_satisfaction",
    "reopen_ticket",
    "save_ticket",
    "schedule_follow_up",
    "set_remedy_status",
]
