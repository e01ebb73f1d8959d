"""What a link in an email does when the customer clicks it: rate, "still not fixed", unsubscribe, resume.

Every click is idempotent, because mail programs and people open links twice:

* ``rate:N`` stores N as the ticket's satisfaction score (the same place the
  in-chat rating goes; a comment given in the chat is kept); clicking another
  number changes it, clicking the same one again changes nothing;
* ``not_fixed`` reopens the ticket once: waiting for a person, at least high
  priority, flagged recurrent (the fix did not hold), unclaimed, so it is at
  the top of the console queue, with a note saying why.  A second click finds
  it already reopened from this email and does nothing more;
* ``unsubscribe`` stops every email to that address, pending ones included;
* ``resume`` gives the chat widget the conversation to pick up (the sender id
  goes to the browser only, never into the link).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.mail import links, outbox
from calmdesk.models import EmailMessage, Satisfaction, TicketNote, utcnow
from calmdesk.taxonomy import PRIORITIES

REOPEN_NOTE = "The customer clicked \"It's still not fixed\" in the check-in email: reopened for a person."


@dataclass(frozen=True)
class Outcome:
    action: str
    reference: str
    changed: bool  # False: the link had been used already (or nothing to do)
    score: int | None = None
    conversation_id: str | None = None  # resume only


def follow(engine: Engine, secret: bytes, token: str) -> Outcome:
    """Do what the link says; BadLink for a forged or expired one, LookupError if its email is gone."""
    claim = links.read_token(secret, token)
    if claim.action == "unsubscribe":
        with Session(engine) as session:
            message = _message(session, claim.message_id)
            address, reference = message.to_address, message.ticket.reference
        return Outcome("unsubscribe", reference, outbox.suppress(engine, address))
    with Session(engine) as session, session.begin():
        message = _message(session, claim.message_id)
        ticket = message.ticket
        if claim.action == "resume":
            return Outcome("resume", ticket.reference, False, conversation_id=ticket.conversation_id)
        now = utcnow()
        if claim.action.startswith("rate:"):
            score = int(claim.action.split(":")[1])
            changed = ticket.satisfaction is None or ticket.satisfaction.score != score
            if ticket.satisfaction is None:
                ticket.satisfaction = Satisfaction(score=score, comment=None, at=now)
            elif changed:
                ticket.satisfaction.score, ticket.satisfaction.at = score, now
            if message.response != "not_fixed":
                message.response, message.responded_at = f"rated:{score}", now
            return Outcome("rate", ticket.reference, changed, score=score)
        # not_fixed
        if message.response == "not_fixed":
            return Outcome("not_fixed", ticket.reference, False)
        message.response, message.responded_at = "not_fixed", now
        ticket.status, ticket.handoff, ticket.recurrent = "awaiting_agent", True, True
        if PRIORITIES.index(ticket.priority) < PRIORITIES.index("high"):
            ticket.priority = "high"
        ticket.claimed_by, ticket.claimed_at, ticket.follow_up_at, ticket.updated_at = None, None, None, now
        session.add(TicketNote(ticket_id=ticket.id, author="check-in email", text=REOPEN_NOTE, created_at=now))
        return Outcome("not_fixed", ticket.reference, True)


def _message(session: Session, message_id: int) -> EmailMessage:
    message = session.get(EmailMessage, message_id)
    if message is None:
        raise LookupError("this email's case no longer exists")
    return message
