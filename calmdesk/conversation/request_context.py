"""Where a request stands against the case at hand: an aside, the agreed complaint settled, which order it is about.

Requests (policy/requests.yml) come in the middle of complaints: "oh and unsubscribe me" while the order number is
asked, "actually just cancel it" after the remedy was agreed, "the second one" of two orders; and a question comes
after the agreement: "will it go to the same address?". These read the message (``Signals``) against where the
conversation is (``plan.State``); plan.py decides what to do with the answer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from calmdesk.conversation.request_wording import order_picked
from calmdesk.conversation.signals import Signals
from calmdesk.conversation.wording import ANOTHER_CASE, ASKS, ASKS_FOR_REMEDY
from calmdesk.desk.details import orders_in

if TYPE_CHECKING:
    from calmdesk.conversation.plan import State


def request_aside(state: State, s: Signals) -> bool:
    """A request told in the middle of a complaint, not part of it.

    A remedy named or turned down is an answer about the complaint ("cancel my order and refund me", "just refund
    me"), and cancelling or returning the order complained about is what to do about it ("just cancel it, i dont
    want it anymore"), unless another order is meant. A rant still waiting for what happened is left as it was.
    """
    if state.stage not in ("details", "remedy_offered") or state.category is None or state.request:
        return False
    if state.category == "other" and state.asking == "problem_description":
        return False
    if s.remedy or s.declines_remedies or s.no_remedy_wanted:
        return False
    other_order = bool(ANOTHER_CASE.search(s.text)) or any(n not in orders_in(state.order_number) for n in s.order_numbers)
    return s.request not in ("cancel_order", "cancel_subscription", "return_unwanted") or other_order


def picked_order(state: State, s: Signals) -> str | None:
    """One of the request's orders picked by its place or its last digits ("the second one"), else None."""
    orders = orders_in(state.order_number)
    if not state.request or len(orders) < 2 or s.order_numbers or state.stage not in ("details", "wrap_up"):
        return None
    return order_picked(orders, s.text)


def settles_agreed(state: State, s: Signals) -> bool:
    """"Actually just cancel it" after a remedy was agreed: about that complaint, not a new request."""
    return (state.stage == "wrap_up" and not state.request and state.category is not None
            and s.request in ("cancel_order", "cancel_subscription", "return_unwanted")
            and not ANOTHER_CASE.search(s.text) and all(n in orders_in(state.order_number) for n in s.order_numbers))


def same_order(state: State, s: Signals, own: tuple[str, ...]) -> bool:
    """"oh and the invoice has my old surname on it" after the remedy was agreed: about the order already given
    (asking for it again says nobody read the conversation), unless the message names or points to another."""
    return (state.stage in ("wrap_up", "rating") and state.order_number is not None and not own
            and not ANOTHER_CASE.search(s.text))


def new_problem(s: Signals) -> bool:
    """A new problem, said as one ("also my other order never came"), not an answer to the request's question."""
    return bool(s.also or s.order_numbers or ANOTHER_CASE.search(s.text))


def about_agreed_case(state: State, s: Signals) -> bool:
    """A question after the remedy was agreed, about that case ("will it go to the same address?", "how do i
    return the wrong one?"): it goes on the agreed ticket for the team, it is not a new complaint. Asking for a
    remedy ("actually, can I have the refund instead?") is a change of mind, handled as one."""
    return (state.stage == "wrap_up" and state.category is not None and bool(ASKS.search(s.text))
            and not s.order_numbers and not ANOTHER_CASE.search(s.text) and not s.wants_person
            and s.question in (None, "other") and not (s.remedy and ASKS_FOR_REMEDY.search(s.text)))
