"""Storing a conversation's transcript line by line, verbatim, rewriting only what changed."""
from __future__ import annotations

from sqlalchemy.orm import Session

from calmdesk.desk.tickets.drafts import TranscriptLine
from calmdesk.desk.tickets.store import _storable_text
from calmdesk.models import Ticket, TranscriptEntry


def _replace_transcript(session: Session, ticket: Ticket, lines: list[TranscriptLine]) -> None:
    """Make the stored transcript, from the time of ``lines[0]`` on, equal ``lines``; rewrite only what differs.

    Between two saves a conversation's transcript usually just grows, so this
    mostly appends. Rewriting every line on every save made each turn slower
    the longer the conversation ran (``make bench``: turn 60 against turn 5).
    ``lines`` are what the current Rasa session holds. Stored lines older than
    its first line came from an earlier session (stores/tracker_store.py starts
    a new one after a finished complaint) and are kept as they are.
    """
    if not lines:
        return
    wanted = [(line.sender, _storable_text(line.text), line.at) for line in lines]
    stored = ticket.transcript
    earlier = 0
    while earlier < len(stored) and stored[earlier].at < wanted[0][2]:
        earlier += 1
    same = 0
    for entry, (sender, text, _at) in zip(stored[earlier:], wanted):
        # Who said what decides; the time does not. What the bot says is stored
        # with the moment it was said, and Rasa stamps the same message a few
        # milliseconds later: comparing times rewrote the last lines every turn.
        if (entry.sender, entry.text) != (sender, text):
            break
        same += 1
    if earlier + same < len(stored):
        del stored[earlier + same:]
        session.flush()  # delete the old lines before new ones take their positions
    stored.extend(
        TranscriptEntry(position=position, sender=sender, text=text, at=at)
        for position, (sender, text, at) in enumerate(wanted[same:], start=earlier + same)
    )
