"""Answers in the customer's own words, through action_turn: at the offer, while details are asked, after agreeing.

Each case is a message a stranger wrote in a probe of the running product
(6 Dec 2026) that the bot met with a dead end: "you're right to be upset" and
nothing more at the offer, "could you put it another way" to a plain remedy,
the email asked for again after a refusal, a chat-length answer to "how long
until it's fixed?".
"""
from __future__ import annotations

from calmdesk.conversation.signals import read
from tests.actions.conftest import Chat, remedy_statuses
from tests.core.test_signals import parse

CATEGORY = "damaged_or_wrong_item"
COMPLAINT = "the jacket i got is the wrong size, order 55120"


def offered(domain, complaint: str = COMPLAINT, category: str = CATEGORY, email: str = "p@example.org") -> Chat:
    """A complaint whose email has just been given: the offer stands."""
    chat = Chat(domain)
    chat.say(complaint, category)
    chat.say(email, "inform")
    assert chat.slots["stage"] == "remedy_offered"
    return chat


def test_venting_at_the_offer_is_heard_and_the_offer_is_put_again(domain, engine):
    chat = offered(domain)
    said = chat.say("can you at least cover the shipping or something", "vent")
    assert said[-1] == "utter_ask_which_remedy", said
    assert "a replacement" in chat.texts[-1], "the options are named again"
    assert chat.slots["stage"] == "remedy_offered"


def test_venting_at_the_offer_again_offers_a_person_instead_of_asking_which_a_third_time(domain, engine):
    chat = offered(domain)  # the offer asked once
    assert chat.say("this is ridiculous", "vent")[-1] == "utter_ask_which_remedy"  # twice
    said = chat.say("honestly unbelievable", "vent")
    assert said[-1] == "utter_offer_human_rising", said  # an outburst, not "I'm not understanding"
    assert chat.slots["stage"] == "handoff_offered"


def test_whatever_is_fastest_takes_the_quickest_remedy_on_offer(domain, engine):
    chat = offered(domain)
    assert chat.say("whatever is fastest", "vent")[0] == "utter_remedy_confirmed"
    assert remedy_statuses(chat.ticket)["replacement"] == "accepted"


def test_knock_something_off_the_price_is_a_discount_named_honestly_when_not_on_offer(domain, engine):
    chat = offered(domain)
    assert chat.say("just knock something off the price and we'll call it even",
                    "cancellation") == ["utter_ask_which_remedy_not_available"]
    assert "a discount" in chat.texts[0]
    assert "accepted" not in remedy_statuses(chat.ticket).values()


def test_forget_the_refund_send_a_new_one_changes_the_agreed_remedy(domain, engine):
    chat = offered(domain)
    chat.say("refund", "choose_remedy")
    assert chat.say("actually no, forget the refund, just send a new one", "refund_request")[0] == "utter_remedy_confirmed"
    assert remedy_statuses(chat.ticket) == {"replacement": "accepted", "refund": "declined", "store_credit": "declined"}


def test_a_refusal_to_give_the_email_goes_on_without_it(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    assert chat.slots["asking"] == "customer_email"
    said = chat.say("i'd rather not give my email", "cancellation", confidence=0.59)
    assert "utter_cannot_give_ok" in said and "utter_vent_acknowledge" not in said
    assert chat.slots["stage"] == "remedy_offered", "on to the offer, no third ask"


def test_a_remedy_said_on_its_own_while_details_are_asked_is_heard_and_kept(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    chat.say("why do you need that", "other")
    said = chat.say("a replacement", "choose_remedy")
    # The email was asked twice: the bot goes on without it, and the offer leads with the wish (no "I'll come
    # back to that in a moment" said just before the offer comes).
    assert said[-1] == "utter_offer_remedies_wanted", said
    assert "utter_remedy_wish_noted" not in said and "utter_fallback_rephrase" not in said
    assert "a replacement" in chat.texts[-1]
    assert chat.slots["offered_remedies"][0] == "replacement"


def test_a_remedy_said_while_a_detail_is_asked_the_first_time_is_noted_for_the_offer(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    said = chat.say("a replacement", "choose_remedy")
    assert said[0] == "utter_remedy_wish_noted", said
    assert "a replacement" in chat.texts[0]
    assert chat.slots["wanted_remedy"] == "replacement"


def test_how_long_until_it_is_fixed_is_answered_about_the_fix_not_the_chat(domain, engine):
    chat = Chat(domain)
    chat.say("site's been down all morning, can't place my order", "service_outage")
    said = chat.say("ok. how long until its fixed?", "product_defect", confidence=0.67)
    assert said[0] == "utter_how_long_fix", said
    assert "1 working day" in chat.texts[0]
    assert said[-1] == "utter_ask_customer_email", "then the question still open"


def test_when_will_it_be_fixed_before_any_complaint_promises_no_ticket(domain, engine):
    chat = Chat(domain)
    said = chat.say("when will it be fixed??", "other", confidence=0.3)
    assert "utter_how_long_fix_no_ticket" in said, said
    assert chat.slots.get("ticket_reference") is None


def test_the_fix_question_is_not_the_remedy_question():
    assert read(parse("how long until it's working again?")).question == "fix_when"
    assert read(parse("how long will a refund take?")).question == "how_long"


def test_hang_on_waits_without_asking_again(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    assert chat.say("hang on my kid is crying brb", "vent") == ["utter_take_your_time"]
    assert chat.slots["asked"]["customer_email"] == 1, "the email is not asked again while they are away"
    assert chat.say("ok back, its p@example.org", "inform")[-1].startswith("utter_offer_remedies")


def test_a_bare_why_while_the_email_is_asked_explains_why(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    said = chat.say("why", "vent")
    assert said[0] == "utter_why_customer_email", said
    assert "utter_vent_acknowledge" not in said


def test_an_order_number_with_no_problem_yet_is_kept_and_what_happened_asked(domain, engine):
    chat = Chat(domain)
    assert chat.say("7712309", "inform", entities=[{"entity": "order_number", "value": "7712309"}]) == [
        "utter_ask_what_happened"]
    assert chat.slots["order_number"] == "7712309"


def test_the_order_number_given_before_the_problem_goes_on_its_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("7712309", "inform", entities=[{"entity": "order_number", "value": "7712309"}])
    said = chat.say("it never arrived", "delivery_problem")
    assert "utter_ask_order_number" not in said, said
    assert chat.ticket["order_number"] == "7712309"


def test_thanks_half_way_is_no_glad_i_could_help(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    said = chat.say("ok thank you", "thank")
    assert said[0] == "utter_youre_welcome_half_way", said
    assert "glad I could help" not in chat.texts[0]


def test_cancelling_a_membership_asks_no_order_number(domain, engine):
    chat = Chat(domain)
    said = chat.say("how do i cancel my membership, you keep charging me every month", "cancellation")
    assert "utter_ask_order_number" not in said and said[-1] == "utter_ask_customer_email", said


def test_just_send_the_thing_takes_the_replacement_on_offer(domain, engine):
    chat = offered(domain)
    assert chat.say("just send the thing", "choose_remedy")[0] == "utter_remedy_confirmed"
    assert remedy_statuses(chat.ticket)["replacement"] == "accepted"
