"""Probe 15 leftovers through action_turn: misreadings and a half-English message.

Each is the shape of a conversation the bot got wrong, in our own words: a typo'd parcel that never came (read as a
product fault), a delivery the company called off (said back as "trouble cancelling"), and "hola, mi pedido ... never
llego, i need help" (told "I only understand English", no ticket, the order number dropped).
"""
from __future__ import annotations

from tests.actions.conftest import Chat


def test_a_typod_parcel_that_never_came_is_a_delivery_problem(domain, engine):
    chat = Chat(domain)
    said = chat.say("my parcle nevr cam, its ben 2 wekks", "product_defect", confidence=0.63)
    text = " ".join(chat.texts)
    assert any(n.startswith("utter_acknowledge") for n in said), said
    assert "isn't working" not in text and "stopped working" not in text, text
    assert chat.ticket["category"] == "delivery_problem"


def test_a_delivery_the_company_called_off_is_no_trouble_cancelling(domain, engine):
    chat = Chat(domain)
    chat.say("my wardrobe delivery 6120-33 was cancelled on the morning, nobody told me", "cancellation",
             confidence=0.55)
    text = " ".join(chat.texts)
    assert "cancelling" not in text, text
    assert chat.ticket["category"] == "delivery_problem" and chat.ticket["order_number"] == "6120-33"


def test_a_half_english_message_opens_a_case_and_keeps_the_order_number(domain, engine):
    chat = Chat(domain)
    said = chat.say("hola, mi pedido 55120 never llego, i need help por favor", "other", confidence=0.56)
    assert "utter_english_only" not in said, said
    assert chat.ticket is not None and chat.ticket["order_number"] == "55120"
    assert chat.ticket["category"] == "delivery_problem", "'never llego': the parcel never came"


def test_a_message_with_no_english_still_gets_the_english_only_reply(domain, engine):
    chat = Chat(domain)
    assert chat.say("hola, mi pedido no ha llegado todavía, por favor", "other", confidence=0.5) == ["utter_english_only"]
    assert chat.ticket is None


def test_an_apology_for_swearing_gets_a_kind_word_and_the_current_anger_read_down(domain, engine):
    chat = Chat(domain)
    chat.say("where the f*** is my parcel 4410-228 you useless lot", "delivery_problem", anger="abusive")
    said = chat.say("sorry for the language, its not your fault", "vent", confidence=0.4, anger="abusive")
    assert said[0] == "utter_amends_accepted", said
    assert "utter_vent_acknowledge" not in said and "utter_deescalate_abuse" not in said, said
    assert chat.slots["anger_current"] == "frustrated"
    assert chat.slots["anger_level"] == "abusive", "the peak stays for the team"


def test_hello_as_the_first_message_is_greeted_not_told_still_here(domain, engine):
    chat = Chat(domain)
    assert chat.say("hello??", "greet", confidence=1.0) == ["utter_greet"]
    later = Chat(domain, sender_id="conversation-2")
    later.say("my parcel 4410-228 is a week late", "delivery_problem")
    said = later.say("hello??", "greet", confidence=1.0)
    assert said[0] == "utter_still_here" and "utter_greet" not in said, said


def test_a_rant_met_with_the_offer_of_a_person_does_not_also_drop_the_order_number(domain, engine):
    chat = Chat(domain)
    chat.say("hi, my parcel still hasnt come", "delivery_problem", anger="calm")
    chat.say("its been ages. this is a joke now", "vent", anger="frustrated")
    said = chat.say("are you THICK?? i said its LATE you useless heap", "vent", anger="abusive")
    assert "utter_detail_skipped" not in said, said
    assert len(said) <= 3, said
    assert chat.ticket["order_number"] is None and chat.slots.get("order_number") != "not given"
    said = chat.say("fine. its 7703-118", "inform", anger="frustrated")
    assert chat.ticket["order_number"] == "7703-118", said


def test_an_earbud_is_said_back_by_name(domain, engine):
    chat = Chat(domain)
    chat.say("my right earbud died after 5 days, order 4410-331", "product_defect")
    text = " ".join(chat.texts)
    assert "earbud" in text and "an order that" not in text, text
