"""No silent turns and no remedy the customer refused (a probe of the running product, 6 Dec 2026).

After a detail had been asked twice, a message that gave something else (the
email, "just give me my money back") was noted, and then the bot said nothing
more: no question, no offer, the customer left waiting. And "i dont want 15%
off anything" was filed as the discount accepted.
"""
from __future__ import annotations

from tests.actions import test_own_words as own_words
from tests.actions.conftest import Chat, remedy_statuses

COMPLAINT = "my parcel never arrived and nobody tells me anything"


def asked_twice(domain) -> Chat:
    chat = Chat(domain)
    chat.say(COMPLAINT, "delivery_problem")  # asks the order number (1)
    chat.say("its the one from last week", "inform")  # asks again (2)
    assert chat.slots["asked"]["order_number"] == 2
    return chat


def test_an_email_after_two_asks_goes_on_to_the_offer(domain, engine):
    chat = asked_twice(domain)
    said = chat.say("lena.f@example.org", "inform")
    assert "utter_detail_skipped" in said and said[-1] == "utter_offer_remedies", said


def test_a_wish_after_two_asks_goes_on_and_leads_the_offer_with_it(domain, engine):
    chat = asked_twice(domain)
    chat.slots["customer_email"] = "lena.f@example.org"
    said = chat.say("just give me my money back", "choose_remedy")
    assert said[-1].startswith("utter_offer_remedies"), said
    assert chat.slots["offered_remedies"][0] == "refund"


def test_a_question_after_two_asks_still_waits_for_the_answer(domain, engine):
    chat = asked_twice(domain)
    said = chat.say("why do you need it?", "ask_why")
    assert "utter_detail_skipped" not in said and not said[-1].startswith("utter_offer"), said


def test_a_checkout_that_never_went_through_has_no_order_number_to_give(domain, engine):
    chat = Chat(domain)
    chat.say("i paid for my order and the money went but nothing happened", "payment_failed")
    assert chat.slots["asking"] == "order_number"
    said = chat.say("i never got an order number because it never went through obviously", "inform")
    assert "utter_ask_order_number" not in said and "utter_ask_order_number_again" not in said, said


def test_a_remedy_turned_down_with_its_amount_is_not_chosen(domain, engine):
    chat = own_words.offered(domain, "i'm locked out of my account after too many attempts", "account_access",
                             "d.novak@example.cz")
    said = chat.say("i dont want 15% off anything i want to get into my account", "choose_remedy")
    assert "utter_remedy_confirmed" not in said, said
    assert "accepted" not in remedy_statuses(chat.ticket).values()


def test_a_person_asked_for_after_it_was_agreed_is_handed_over(domain, engine):
    chat = own_words.offered(domain)
    chat.say("the refund", "choose_remedy")
    chat.say("can a person unlock it", "other", confidence=0.3)
    assert chat.ticket["handoff"] is True


def test_a_repeat_the_customer_tells_is_said_openly_and_flagged(domain, engine):
    chat = Chat(domain)
    chat.say("third time my delivery hasnt come, order 4839201", "delivery_problem")
    said = chat.say("lena.f@example.org", "inform")
    assert said[0] == "utter_recurrent" and said[-1] == "utter_offer_remedies", said
    assert chat.ticket["recurrent"] is True
    assert chat.slots["offered_remedies"][0] == "refund", "the recurrent variant: a second re-delivery is not the answer"


def test_a_remedy_changed_in_the_same_message_is_the_one_offered_first(domain, engine):
    chat = Chat(domain)
    chat.say("I want a refund for order 6610034, the speaker crackles. actually no wait, a replacement, I need it "
             "for a party saturday", "product_defect")
    chat.say("sam@example.com", "inform")
    assert chat.slots["offered_remedies"][0] == "replacement"


def test_a_remedy_named_as_what_failed_is_no_wish(domain, engine):
    chat = own_words.offered(domain)
    said = chat.say("the express one never came either. this is a joke", "vent")
    assert "utter_remedy_confirmed" not in said and chat.slots["wanted_remedy"] != "expedited_reship", said


def test_every_single_order_late_is_a_repeat_told(domain, engine):
    chat = Chat(domain)
    chat.say("every single order i make with you arrives late. this is the 4th. order 4839201", "delivery_problem")
    chat.say("kay@example.com", "inform")
    assert chat.ticket["recurrent"] is True


def test_something_dangerous_gets_safety_first(domain, engine):
    chat = Chat(domain)
    said = chat.say("the toaster sparks when i turn it on which is frankly dangerous, order 4839201", "product_defect")
    assert said[0].startswith("utter_acknowledge") and said[1] == "utter_safety_first", said
    assert "unplugged" in chat.texts[1]
