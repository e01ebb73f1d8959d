"""End to end: after a finished complaint the conversation goes on in a new, short Rasa session.

What a customer and staff would notice if it went wrong: the bot asking again
for an email it was given, the first ticket losing the rating exchange, the
console missing the first half of the conversation. And what it is for: the
action server receives only the current session, so a long conversation's
turns do not get slower and slower (``make bench``: turn 60 against turn 5).
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_a_second_complaint_after_a_rated_one_starts_a_new_session_and_forgets_nothing(stack, sender):
    stack.texts(sender, "My parcel never arrived, order 5512093, this is ridiculous")
    stack.texts(sender, "dana.k@example.com")
    stack.texts(sender, '/choose_remedy{"remedy": "refund"}')
    stack.texts(sender, "no, that's all")
    stack.texts(sender, "4")
    thanks = stack.texts(sender, "quick and kind, thanks")
    assert thanks, "the comment is thanked"
    [first] = stack.tickets(sender)

    second = stack.texts(sender, "and now I can't log in to my account, it says my password is wrong")
    joined = " ".join(second).lower()
    assert "log" in joined or "account" in joined or "sign" in joined, second
    assert "email" not in joined, "the email given for the first complaint is not asked again"

    tracker = stack.client.tracker(sender)  # the console's view: every session
    kinds = [event["event"] for event in tracker["events"]]
    assert kinds.count("session_started") >= 2, "the finished complaint closed its session"
    texts = [event.get("text") for event in tracker["events"] if event["event"] == "user"]
    assert texts[0].startswith("My parcel never arrived") and texts[-1].startswith("and now I can't log in")

    tickets = {t["reference"]: t for t in stack.tickets(sender)}
    assert len(tickets) == 2
    [new] = [t for ref, t in tickets.items() if ref != first["reference"]]
    assert new["customer_email"] == "dana.k@example.com", "the email carried over to the new session"
    assert new["category"] == "account_access"
    transcript = stack.staff_get(f"/api/tickets/{new['reference']}").json()["transcript"]
    assert transcript[0]["text"].startswith("and now I can't log in"), "the new ticket holds the new complaint"

    old = stack.staff_get(f"/api/tickets/{first['reference']}").json()
    said = [line["text"] for line in old["transcript"]]
    assert said[0].startswith("My parcel never arrived") and "quick and kind, thanks" in said, (
        "the first ticket keeps its whole exchange, rating included")
    assert old["satisfaction"]["score"] == 4 and old["satisfaction"]["comment"] == "quick and kind, thanks"
