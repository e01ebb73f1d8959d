"""More answers in the customer's own words, through action_turn (a third probe of the running product, 6 Dec 2026).

Each case is a message a stranger wrote that the bot got wrong: sarcasm at the
offer taken as a choice, a calm "no need for anything" pushed onto a remedy, a
parcel that turned up left as an open case, a person asked for in other words.
"""
from __future__ import annotations

from calmdesk.conversation.signals import read
from tests.actions import test_own_words as own_words
from tests.actions.conftest import Chat, remedy_statuses
from tests.core.test_signals import parse

CATEGORY = "delivery_problem"
COMPLAINT = "my parcel never arrived, order 4839201"


def offered(domain) -> Chat:
    return own_words.offered(domain, COMPLAINT, CATEGORY, "jo@example.com")


def test_scoffing_at_the_offer_chooses_nothing_and_puts_the_offer_again(domain, engine):
    chat = offered(domain)
    said = chat.say("oh wow 20 quid store credit, how generous, should i frame it", "choose_remedy")
    assert "utter_remedy_confirmed" not in said, said
    assert said == ["utter_ask_which_remedy_after_scoff"], said  # a short sorry and the offer again (probe 15, item 10)
    assert "accepted" not in remedy_statuses(chat.ticket).values()


def test_no_need_for_anything_is_thanked_logged_and_not_pushed(domain, engine):
    chat = offered(domain)
    said = chat.say("oh no need for anything, I just wanted an update really", "nlu_fallback", confidence=0.3)
    assert said[0] == "utter_no_remedy_wanted", said
    assert "utter_ask_which_remedy" not in said and "utter_vent_acknowledge" not in said
    assert set(remedy_statuses(chat.ticket).values()) == {"declined"}
    assert chat.ticket["status"] == "open", "the team still looks at what happened"


def test_a_parcel_that_turned_up_closes_the_case_kindly(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    said = chat.say("oh wait nevermind my neighbour just brought it round, sorry!", "other")
    assert said == ["utter_resolved_itself"], said
    assert chat.ticket["status"] == "closed"
    assert chat.slots["stage"] is None


def test_a_person_asked_for_in_other_words_is_handed_over(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    chat.say("i want this escalated to someone senior", "vent")
    assert chat.ticket["handoff"] is True


def test_a_question_read_as_a_remedy_choice_is_still_a_question():
    signals = read(parse("do i need to send the old one back first?", "choose_remedy"), asking="customer_email")
    assert signals.question == "other"
    assert read(parse("the second one?", "choose_remedy")).question is None


def test_a_greeting_and_thanks_around_a_general_question_keep_it_an_enquiry():
    text = "Hello, just a quick question - do you deliver on Saturdays? Thank you!"
    assert read(parse(text, "delivery_problem")).enquiry


def test_a_number_to_call_asked_for_is_no_staff_complaint():
    ranking = [{"name": "request_human", "confidence": 0.6}, {"name": "staff_complaint", "confidence": 0.33}]
    signals = read(parse("is there a number i can call? i'm not great with typing", "request_human", 0.6, ranking))
    assert signals.wants_person and signals.category is None


def test_venting_after_two_asks_goes_on_without_the_detail_instead_of_stopping(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived", CATEGORY)  # asks the order number (1)
    chat.say("its the one from last week", "inform")  # asks again (2)
    said = chat.say("honestly this is ridiculous", "vent")
    assert "utter_detail_skipped" in said, said  # goes on; the conversation does not stop here
    assert said[-1] == "utter_ask_customer_email", said


def test_an_email_corrected_at_the_offer_is_noted_and_the_offer_said_again(domain, engine):
    chat = offered(domain)
    said = chat.say("sorry wrong email, its jo.b@example.com", "inform")
    assert said == ["utter_detail_updated", "utter_offer_still_open"], said
    assert chat.ticket["customer_email"] == "jo.b@example.com"


def test_how_long_a_refund_takes_against_a_replacement_answers_both(domain, engine):
    chat = own_words.offered(domain)  # a wrong-size jacket: replacement, refund or store credit
    said = chat.say("how long does a refund take vs a replacement", "refund_request")
    assert said[:2] == ["utter_how_long_remedy", "utter_how_long_remedy"], said
    assert "3–5 working days" in chat.texts[0] and "1 working day" in chat.texts[1]


def test_a_question_about_a_remedy_does_not_choose_it(domain, engine):
    chat = offered(domain)
    said = chat.say("and would i have to be home for the replacement?", "choose_remedy")
    assert "utter_remedy_confirmed" not in said, said
    assert said == ["utter_question_for_the_team", "utter_offer_still_open"], said
    assert "accepted" not in remedy_statuses(chat.ticket).values()


def test_which_one_is_faster_gives_each_options_timeline(domain, engine):
    chat = offered(domain)
    said = chat.say("which one is faster?", "other")
    assert said == ["utter_how_long_remedy"] * 3, said
    assert "tomorrow" in chat.texts[0] and "3–5 working days" in chat.texts[1]


def test_a_spelled_out_email_is_said_back(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    said = chat.say("sue dot baker at example dot com", "inform")
    assert said[0] == "utter_detail_noted" and "sue.baker@example.com" in chat.texts[0], (said, chat.texts)
    assert chat.ticket["customer_email"] == "sue.baker@example.com"


def test_upset_after_the_remedy_is_agreed_hears_it_without_a_new_ticket(domain, engine):
    from calmdesk.desk import tickets

    chat = offered(domain)
    chat.say("refund", "choose_remedy")
    said = chat.say("are you even listening you stupid machine", "vent", anger="abusive")
    assert "utter_ask_problem_description" not in said and "utter_ask_problem_description_after_vent" not in said, said
    assert len(tickets.list_tickets(engine)) == 1, "no new empty ticket"


def test_a_quoted_reference_says_where_that_case_stands(domain, engine):
    first = offered(domain)
    first.say("refund", "choose_remedy")
    reference = first.slots["ticket_reference"]
    later = Chat(domain, sender_id="conversation-2")
    assert later.say(f"ref {reference.lower()}, any update?", "other") == ["utter_reference_status"]
    assert reference in later.texts[0] and "a refund was agreed" in later.texts[0], later.texts[0]
    assert "jo@example.com" not in later.texts[0] and "4839201" not in later.texts[0], "no details to whoever quotes it"


def test_an_unknown_reference_is_said_so(domain, engine):
    chat = Chat(domain)
    assert chat.say("CD-7QK2LM any update?", "other") == ["utter_reference_unknown"]


def test_another_language_is_told_plainly_not_guessed_at(domain, engine):
    chat = Chat(domain)
    said = chat.say("mi pedido no ha llegado todavía, por favor", "service_outage", confidence=0.5)
    assert said == ["utter_english_only"], said
    assert chat.ticket is None, "no ticket filed on a guess"


def test_a_person_asked_for_in_french_is_handed_over(domain, engine):
    chat = Chat(domain)
    chat.say("je peux parler à quelqu'un en français ? ma commande n'est jamais arrivée", "service_outage",
             confidence=0.5)
    assert chat.ticket["handoff"] is True
