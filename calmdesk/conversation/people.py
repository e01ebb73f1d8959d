"""After a person was asked for: called off, or joined (the Rasa-free part of plan.py's step 1).

Nobody could join live, so the case waits in the team's queue (stage ``handed_off``). "actually never mind, you can
do it" or "nah forget the human, just sort it" then asks the bot to carry on: it takes the case back (out of the
queue) and goes on where the complaint was, the details missing or the offer. But once someone from the team has
written in the conversation, it is theirs: the bot stays quiet while staff talk, whatever the customer says.
A question told beside a problem ("is anyone from the company reading this? my order is stuck in customs") is
answered without losing the problem.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from calmdesk.conversation.category_reading import TOP_COMPLAINT
from calmdesk.conversation.signals import Signals
from calmdesk.conversation.wording import QUESTIONS
from calmdesk.desk.details import describe_problem

if TYPE_CHECKING:
    from calmdesk.conversation.plan import State

# Questions about who is at the other end, not about the problem: a problem told with one is still a problem.
ABOUT_PEOPLE = ("person_available", "is_bot")
_STAFF_ROLES = ("agent", "system")  # the console's lines (calmdesk/web/console.py): a reply, "Sam has joined"


def staff_joined(events: Iterable[dict[str, Any]]) -> bool:
    """Has someone from the team written in the conversation since it was last handed to a person?

    The console's lines are ``bot`` events with ``author_role`` agent or system; the handoff is the last time the
    stage became ``handed_off``. A person picking the case up later (nobody was online at the handoff, so the bot
    is not paused) has the conversation from their first line on.
    """
    for event in reversed(list(events)):
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("author_role") in _STAFF_ROLES:
            return True
        if event.get("event") == "slot" and event.get("name") == "stage" and event.get("value") == "handed_off":
            return False
    return False


def calls_off(state: State, s: Signals) -> bool:
    """"never mind, you can do it" while the case waits for a person nobody could give live (and none has joined)."""
    return state.stage == "handed_off" and s.calls_off_person and not s.wants_person and not state.person_joined


def stage_to_resume(state: State) -> str:
    """Where the complaint was before the person was asked for: agreed, at the offer, or still gathering details.

    "details" also fits a case with nothing told yet: the next missing detail is asked, what happened first.
    """
    if state.chosen:
        return "wrap_up"
    return "remedy_offered" if state.offered else "details"


def problem_beside_question(s: Signals) -> bool:
    """"is anyone from the actual company reading this? my order has been stuck in customs for a month": a question
    about people with a problem told beside it, so a category read less than surely is still a complaint (one read
    only weakly, "does anyone read these? order 3329-118 is stuck" as a damaged item, is left for the customer to
    tell: what happened is asked)."""
    rest = QUESTIONS[s.question].sub(" ", s.text) if s.question in ABOUT_PEOPLE else s.text
    # (a question read by the classifier alone, with no words of it matched, tells nothing beside it)
    return rest != s.text and describe_problem(rest) is not None and s.category_confidence >= TOP_COMPLAINT
