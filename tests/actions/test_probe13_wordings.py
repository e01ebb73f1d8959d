"""Round-13 strangers' probe, through action_turn.

* "did you mean zed@outlook.com?" answered with the order number again: the offer came, and the later "yes outlook
  sorry" accepted a replacement nobody chose while the mistyped address stayed. The question keeps its meaning for
  the next yes or no.
* "what? my email is fine" at "did you mean ...?" was put on the ticket as a question for the team: now what looked
  wrong (".con, not .com") is said once and the question put again.
* A person asked for in odd words ("is there a real life being who can help", "do you lot even have humans"),
  leaving ("cant do this now, back later"), a code named by itself ("the WELCOME10 thing didnt take anything off"),
  and part of the money back ("ill keep it if you knock a tenner off") are read.
"""
from __future__ import annotations

import pytest

from tests.actions.conftest import Chat, paused, remedy_statuses
from tests.actions.test_handoff_availability import nobody_signed_in  # noqa: F401 - a fixture

DRILL = "my drill stopped working after one use"


def test_a_yes_after_the_order_number_resent_is_about_the_email_not_the_offer(domain, engine):
    chat = Chat(domain)
    chat.say(DRILL, "damaged_or_wrong_item")
    assert chat.say("its 5561-110 and zed@outlok.com", "inform") == ["utter_ask_email_typo"]
    said = chat.say("5561-110", "inform")
    assert "utter_offer_remedies" in said, said
    said = chat.say("yes outlook sorry", "affirm")
    assert said[0] in ("utter_detail_updated", "utter_detail_noted") and "utter_offer_still_open" in said, said
    assert chat.slots["customer_email"] == "zed@outlook.com"
    assert chat.slots["remedy"] is None
    assert set(remedy_statuses(chat.ticket).values()) == {"offered"}, "nothing was chosen"


def test_once_answered_no_a_later_yes_is_not_about_the_email(domain, engine):
    chat = Chat(domain)
    chat.say(DRILL + ", order 5561-110", "damaged_or_wrong_item")
    assert chat.say("zed@outlok.com", "inform") == ["utter_ask_email_typo"]
    chat.say("no thats right", "deny")
    said = chat.say("yes", "affirm")
    assert "utter_detail_updated" not in said and "utter_detail_noted" not in said, said
    assert chat.slots["customer_email"] == "zed@outlok.com"


def test_what_my_email_is_fine_hears_what_looked_wrong_once(domain, engine):
    chat = Chat(domain)
    assert chat.say("charged twice for delivery on 3340-778, im pat.n@yahoo.con", "billing_problem")[-1] \
        == "utter_ask_email_typo"
    said = chat.say("what? my email is fine", "other")
    assert said == ["utter_explain_email_typo"], said
    assert ".con, not .com" in chat.texts[0] and "pat.n@yahoo.com" in chat.texts[0]
    said = chat.say("oh yes sorry", "affirm")
    assert said[0] in ("utter_detail_noted", "utter_detail_updated"), said
    assert chat.slots["customer_email"] == "pat.n@yahoo.com" and "utter_answer_for_the_team" not in said


def test_a_question_about_the_email_after_the_explanation_is_not_explained_twice(domain, engine):
    chat = Chat(domain)
    chat.say("charged twice for delivery on 3340-778, im pat.n@yahoo.con", "billing_problem")
    chat.say("what?", "other")
    said = chat.say("what? my email is fine", "other")
    assert "utter_explain_email_typo" not in said, said


@pytest.mark.parametrize("text", [
    "is there a real life being who can help, my order 2290-441 came with half the bits missing",
    "do you lot even have humans working there or is it all robots now",
])
def test_a_person_asked_in_odd_words_is_a_handoff(domain, engine, nobody_signed_in, text):
    chat = Chat(domain)
    said = chat.say(text, "other", confidence=0.5, ranking={"service_outage": 0.3})
    assert said[-1].startswith("utter_handoff"), said
    assert chat.ticket["handoff"] is True


def test_back_later_at_the_offer_is_leaving(domain, engine):
    chat = Chat(domain)
    chat.say("the kettle leaks from the base, order 5587-201, noel.b@example.com", "product_defect")
    said = chat.say("oh wow a voucher how generous. cant do this now, back later", "vent", confidence=0.6)
    assert any(name.startswith("utter_leave") for name in said), said
    assert "utter_ask_which_remedy" not in said


def test_a_code_named_by_itself_is_a_discount_code_problem(domain, engine):
    chat = Chat(domain)
    chat.say("the WELCOME10 thing didnt take anything off my first order?? 4410-332", "other", confidence=0.4)
    assert "discount code" in chat.texts[0]
    assert chat.slots["category"] == "billing_problem"


def test_a_product_model_is_no_code(domain, engine):
    chat = Chat(domain)
    chat.say("my new XBOX360 controller doesnt work at all, order 4410-332", "product_defect")
    assert chat.slots["category"] == "product_defect"


def test_expired_but_valid_till_sunday_is_the_code_not_a_failed_payment(domain, engine):
    chat = Chat(domain)
    chat.say("why does it say expired, the email literally says valid till sunday. ive already paid now without it",
             "payment_failed", confidence=0.5)
    assert chat.slots["category"] == "billing_problem" and "discount code" in chat.texts[0]
    assert not any("go through" in text for text in chat.texts)


@pytest.mark.parametrize("text", ["ill keep it if you knock a tenner off", "can i just get like 30% back and keep it"])
def test_some_money_back_keeping_it_is_a_partial_refund(domain, engine, text):
    chat = Chat(domain)
    chat.say("the mug arrived with a chip in the rim, order 5512034", "damaged_or_wrong_item")
    assert chat.say("kim.r@example.com", "inform") == ["utter_offer_remedies"]
    said = chat.say(text, "choose_remedy", confidence=0.6)
    assert said == ["utter_partial_refund_for_the_team", "utter_anything_else"], said
    assert set(remedy_statuses(chat.ticket).values()) == {"offered"}


def test_a_tv_remote_missing_is_said_back_as_the_remote(domain, engine):
    chat = Chat(domain)
    chat.say("the tv remote was missing from the box, order 5512-778", "damaged_or_wrong_item")
    assert "TV remote missing" in chat.texts[0] and "a TV missing" not in chat.texts[0], chat.texts


def test_whichever_is_quicker_takes_the_remedy_with_the_soonest_timeline(domain, engine):
    chat = Chat(domain)
    chat.say("the mug arrived with a chip in the rim, order 5512034", "damaged_or_wrong_item")
    assert chat.say("kim.r@example.com", "inform") == ["utter_offer_remedies"]
    said = chat.say("whichever is quicker tbh", "choose_remedy", confidence=0.5)
    assert said[0].startswith("utter_remedy_confirmed"), said
    assert chat.slots["remedy"] == "replacement"  # ships within a working day; the refund takes 3-5


def test_which_is_quicker_asked_is_no_choice(domain, engine):
    chat = Chat(domain)
    chat.say("the mug arrived with a chip in the rim, order 5512034", "damaged_or_wrong_item")
    chat.say("kim.r@example.com", "inform")
    said = chat.say("which is quicker?", "other", confidence=0.5)
    assert not any(name.startswith("utter_remedy_confirmed") for name in said), said


def test_the_codes_percent_back_is_not_taken_for_a_new_code(domain, engine):
    chat = Chat(domain)
    chat.say("the WELCOME10 thing didnt take anything off my first order?? 4410-332", "other", confidence=0.4)
    assert chat.say("rae.s@example.com", "inform") == ["utter_offer_remedies"]
    chat.say("just give me the 10% back", "choose_remedy", confidence=0.6)
    assert remedy_statuses(chat.ticket).get("discount") != "accepted", chat.texts
