"""After the remedy is agreed: questions and additions about the same case (a probe, 6 Dec 2026).

"will it go to the same address?", "what if you dont have any left?" and "can
the refund go to a different card?" each opened a new, empty complaint and
asked for the order number again; "oh also the charger wasnt in the box either"
asked for the order number just given. A question goes on the agreed ticket for
the team (reopened, so someone answers it); an addition keeps the order, said
back so it can be corrected; another order is another case.
"""
from __future__ import annotations

from calmdesk.desk import tickets
from tests.actions import test_own_words as own_words
from tests.actions.conftest import Chat

COMPLAINT = "my headphones arrived with the left side dead, order 7730215"


def agreed(domain) -> Chat:
    chat = own_words.offered(domain, COMPLAINT, "damaged_or_wrong_item", "sam@example.com")
    chat.say("replacement please", "choose_remedy")
    assert chat.slots["stage"] == "wrap_up" and chat.ticket["status"] == "resolved"
    return chat


def test_a_question_about_the_agreed_case_goes_on_its_ticket(domain, engine):
    chat = agreed(domain)
    reference = chat.slots["ticket_reference"]
    for question, intent in (("will it go to the same address? i'm away next week", "delivery_problem"),
                             ("what if you dont have any left? it was the last one", "cancellation"),
                             ("can the refund go to a different card? the one i used has been cancelled", "refund_request")):
        said = chat.say(question, intent, confidence=0.7)
        assert said == ["utter_question_for_the_team"], (question, said)
        assert reference in chat.texts[0]
    assert len(tickets.list_tickets(engine)) == 1, "no new complaint"
    ticket = tickets.get_ticket(engine, reference)
    assert ticket["status"] == "open", "reopened: a question waits for the team"
    assert any("different card" in line["text"] for line in ticket["transcript"]), "the question is on it"


def test_something_missing_from_the_same_box_keeps_the_order(domain, engine):
    chat = agreed(domain)
    said = chat.say("oh also the charger wasnt in the box either", "damaged_or_wrong_item")
    assert "utter_same_order_kept" in said and "utter_ask_order_number" not in said, said
    assert "7730215" in " ".join(chat.texts) and "a charger missing from the box" in chat.texts[0]
    assert chat.ticket["order_number"] == "7730215" and len(tickets.list_tickets(engine)) == 2


def test_another_order_after_the_agreed_one_is_its_own_case(domain, engine):
    chat = agreed(domain)
    said = chat.say("also my other order 4839300 is late too, where is it?", "delivery_problem")
    assert "utter_same_order_kept" not in said and "utter_question_for_the_team" not in said, said
    assert chat.ticket["order_number"] == "4839300", "not joined with the agreed case's order"
