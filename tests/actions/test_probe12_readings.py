"""Misreadings, repeats and corrections a strangers' probe found (round 12), through action_turn.

Each case is the shape of a message the bot got wrong, in our own words: a number "found" read as the parcel found,
someone else in the account read as a late delivery, an air fryer's basket read as the shop's, "back on my card" not
read as the refund, "its X not Y" taken as two orders, a repeat told in words not flagged (at the offer or on the
handoff), a change of mind after the remedy, "you should have my email", "theres no order number" while the email
is asked, "thats the only number i have".
"""
from __future__ import annotations

import pytest

from calmdesk.staff import accounts
from tests.actions.conftest import Chat, remedy_statuses


def test_found_it_with_the_number_is_the_number_not_the_parcel(domain, engine):
    chat = Chat(domain)
    chat.say("still no sign of my rug, it was due monday", "delivery_problem")
    chat.say("hmm it begins with 77 i think", "inform", confidence=0.6)
    said = chat.say("ah found it 7731-0042", "inform")
    assert "utter_resolved_itself" not in said, said
    assert chat.slots["order_number"] == "7731-0042"
    assert said[-1].startswith("utter_ask_customer_email"), said
    assert chat.ticket["status"] == "open"


def test_found_it_alone_after_the_case_is_open_still_closes_it(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never came, order 5512034", "delivery_problem")
    said = chat.say("oh its ok, found it behind the bins", "other")
    assert said == ["utter_resolved_itself"], said


TAKEN_OVER = ("somebody has got into my account and bought three things i never ordered",
              "my account was hacked and they ordered a tv to some address in leeds",
              "there are 2 orders on my account i didnt make, sent to a flat i dont know")
REPEATS = ("yet again my parcel is late, order 4471203", "my parcel is late, order 4471203. same as last month",
           "order 4471203 is late. AGAIN.")


@pytest.mark.parametrize("text", TAKEN_OVER)
def test_someone_in_the_account_is_an_urgent_account_problem_for_a_person(domain, engine, text):
    chat = Chat(domain)
    said = chat.say(text, "nlu_fallback", confidence=0.4, ranking={"delivery_problem": 0.3, "account_access": 0.2})
    assert said[0].startswith("utter_acknowledge"), said
    assert "getting into your account" in chat.texts[0]
    assert said[-1].startswith("utter_handoff"), said
    assert "utter_offer_remedies" not in said
    ticket = chat.ticket
    assert ticket["category"] == "account_access" and ticket["handoff"] is True
    assert ticket["priority"] == "urgent"
    assert ticket["remedies"] == [], "nothing a stranger ordered is offered again"


def test_an_air_fryer_basket_is_the_fryer_and_a_safety_worry_gets_the_safety_line(domain, engine):
    chat = Chat(domain)
    said = chat.say("the non stick on my air fryer basket is flaking off into the food. is that safe??", "product_defect")
    assert said[:2] == ["utter_acknowledge_calm", "utter_safety_first"], said
    assert "checkout" not in chat.texts[0] and "air fryer" in chat.texts[0]


def test_back_on_my_card_at_the_offer_is_the_refund(domain, engine):
    chat = Chat(domain)
    chat.say("card declined twice but the money still left my account, order 6631044", "payment_failed")
    said = chat.say("ned.p@example.com", "inform")
    assert said == ["utter_offer_remedies"], said
    said = chat.say("straight back on my card please", "choose_remedy")
    assert said[0].startswith("utter_remedy_confirmed"), said
    assert remedy_statuses(chat.ticket)["refund"] == "accepted"


@pytest.mark.parametrize("text", ["no sorry its B-7713 not B-7731", "not B-7731, it's B-7713", "B-7731 was wrong, B-7713"])
def test_its_x_not_y_replaces_the_order_number(domain, engine, text):
    chat = Chat(domain)
    chat.say("#B-7731 hasnt turned up, 10 days now", "delivery_problem")
    said = chat.say(text, "inform")
    assert chat.slots["order_number"] == "B-7713", chat.slots["order_number"]
    assert said[0] == "utter_detail_updated", said
    assert "B-7713" in chat.texts[0] and "B-7731" not in chat.texts[0]
    assert chat.ticket["order_number"] == "B-7713"


@pytest.mark.parametrize("text", REPEATS)
def test_a_repeat_told_in_words_is_flagged_at_the_offer(domain, engine, text):
    chat = Chat(domain)
    chat.say(text, "delivery_problem")
    said = chat.say("mo.q@example.com", "inform")
    assert said[0] == "utter_recurrent", said
    assert chat.ticket["recurrent"] is True


def test_a_replacement_that_also_failed_is_a_repeat_and_no_wish_for_another(domain, engine):
    chat = Chat(domain)
    chat.say("the replacement toaster you sent me has also stopped working, order 3312009", "product_defect")
    assert chat.slots.get("wanted_remedy") is None
    said = chat.say("di.f@example.com", "inform")
    assert said[0] == "utter_recurrent" and "utter_offer_remedies_wanted" not in said, said
    assert chat.ticket["recurrent"] is True


def test_a_repeat_with_a_person_asked_for_is_flagged_on_the_handoff(domain, engine, agent_on_duty):
    accounts.end_session(engine, agent_on_duty)  # nobody online: the handoff files for later
    chat = Chat(domain)
    said = chat.say("locked out of my account AGAIN, the code never comes. get me a human", "account_access")
    assert said[-1].startswith("utter_handoff"), said
    assert chat.ticket["handoff"] is True and chat.ticket["recurrent"] is True


def test_keeping_it_for_some_money_back_after_agreeing_a_refund_changes_what_was_agreed(domain, engine):
    chat = Chat(domain)
    chat.say("the bookcase has a dent in the side, order 6620115, kit.o@example.com", "damaged_or_wrong_item")
    chat.say("refund", "choose_remedy")
    assert remedy_statuses(chat.ticket)["refund"] == "accepted"
    said = chat.say("wait, could i keep it and have a bit of money back instead? its only small", "product_defect",
                    confidence=0.6)
    assert said[0] == "utter_partial_refund_for_the_team", said
    assert "utter_remedy_already" not in said
    ticket = chat.ticket
    assert "accepted" not in remedy_statuses(ticket).values()
    assert ticket["status"] == "open" and "partial refund" in ticket["description"]


def test_you_should_have_my_email_is_answered_kindly_and_asked_once_more(domain, engine):
    chat = Chat(domain)
    chat.say("the cushion covers came in the wrong colour, order 4410027", "damaged_or_wrong_item")
    assert chat.say("it's the one on my account, you should already have it", "inform") == [
        "utter_detail_not_visible", "utter_ask_customer_email"]
    assert chat.say("ugh fine its pat.r@example.com", "inform")[-1] == "utter_offer_remedies"


def test_no_order_number_said_while_the_email_is_asked_is_about_the_order_number(domain, engine):
    chat = Chat(domain)
    chat.say("your checkout took my money and then said the payment failed", "payment_failed")
    said = chat.say("well there isnt an order number is there, it failed", "nlu_fallback", confidence=0.4)
    assert said[0] == "utter_cannot_give_ok" and "order number" in chat.texts[0], said
    assert said[-1].startswith("utter_ask_customer_email"), said
    assert chat.slots.get("customer_email") is None


def test_the_only_number_i_have_goes_on_without_the_order_number(domain, engine):
    chat = Chat(domain)
    chat.say("parcel stuck in tracking for a week, tracking no JX2290017745531", "delivery_problem")
    said = chat.say("that's the only number i've got", "inform")
    assert said[0] == "utter_cannot_give_ok", said
    assert said[-1].startswith("utter_ask_customer_email"), said


def test_no_need_for_anything_while_a_detail_is_asked_is_logged_not_asked_again(domain, engine):
    chat = Chat(domain)
    chat.say("the driver threw my parcel over the fence into the bushes, nothing broken luckily", "delivery_problem")
    said = chat.say("no i dont need anything, just have a word with the driver", "delivery_problem", confidence=0.45)
    assert said[0] == "utter_no_remedy_wanted", said
    assert not any(name.startswith("utter_ask_order_number") for name in said), said
    assert chat.ticket["status"] == "open"


def test_old_and_new_email_in_one_answer_are_not_asked_for_again(domain, engine):
    chat = Chat(domain)
    chat.say("i need to change the email on my account please", "other")
    said = chat.say("old one is t.ng@oldwork.example.com and the new one is tng.home@example.com", "inform")
    assert "utter_request_ask" not in said and "utter_remedy_wish_noted" not in said, said  # "the new one" is no remedy
    assert "tng.home@example.com" in chat.ticket["description"]
