"""Three faults a strangers' probe found, through action_turn.

* "refund half and ill keep the scratched one" was recorded as the full refund on offer. A partial refund is the
  money-off remedy where the policy offers one; where it does not, a person decides how much: the wish goes on the
  ticket for the team and nothing is agreed.
* "voucher code wont apply" was filed as a failed payment with "any money taken returned". It is a billing problem,
  and the offer is the code honoured (policy/remedies.yml, discount_code).
* "jane@exmaple.com" was accepted, so the confirmation went nowhere. The bot asks once whether the common domain was
  meant; yes takes it, no keeps what was typed, and the conversation goes on either way.
"""
from __future__ import annotations

from calmdesk.desk import tickets
from tests.actions.conftest import Chat, remedy_statuses

DAMAGED = "my mug arrived with a chip in the rim, order 5512034"


def _offered(domain, email: str = "kim.r@example.com") -> Chat:
    chat = Chat(domain)
    chat.say(DAMAGED, "damaged_or_wrong_item")
    said = chat.say(email, "inform")
    assert said == ["utter_offer_remedies"], said
    return chat


# --- a partial refund ---------------------------------------------------------------------------


def test_a_partial_refund_at_the_offer_goes_to_the_team_and_no_full_refund_is_recorded(domain, engine):
    chat = _offered(domain)
    said = chat.say("refund half and ill keep the scratched one", "choose_remedy")
    assert said == ["utter_partial_refund_for_the_team", "utter_anything_else"], said
    assert "full refund" in chat.texts[0]  # the offer's options are still named, as an alternative
    ticket = chat.ticket
    assert set(remedy_statuses(ticket).values()) == {"offered"}, "nothing was agreed"
    assert ticket["status"] == "open" and "partial refund" in ticket["description"]
    assert chat.slots["stage"] == "wrap_up" and chat.slots["remedy"] is None
    said = chat.say("ok the replacement then", "choose_remedy")  # the options offered are still there
    assert said[0].startswith("utter_remedy_confirmed"), said
    assert remedy_statuses(chat.ticket)["replacement"] == "accepted"


def test_keeping_it_for_some_money_back_is_the_money_off_remedy_where_the_policy_offers_one(domain, engine):
    chat = Chat(domain)
    chat.say("the support agent hung up on me twice yesterday", "staff_complaint")
    said = chat.say("dee.h@example.com", "inform")
    assert said == ["utter_offer_remedies"], said  # staff complaints: goodwill or a discount
    said = chat.say("can i keep it and get some money back", "choose_remedy")
    assert said[0].startswith("utter_remedy_confirmed"), said
    assert remedy_statuses(chat.ticket) == {"goodwill": "declined", "discount": "accepted"}


def test_a_partial_refund_asked_for_before_the_offer_is_noted_then_put_to_the_team(domain, engine):
    chat = Chat(domain)
    said = chat.say(f"{DAMAGED}. just a partial refund is fine, i'll keep it", "damaged_or_wrong_item")
    said = chat.say("kim.r@example.com", "inform")
    assert said == ["utter_partial_refund_for_the_team", "utter_anything_else"], said
    assert set(remedy_statuses(chat.ticket).values()) == {"offered"}


# --- a discount code that did not come off ------------------------------------------------------


def test_a_voucher_code_that_wont_apply_is_billing_and_the_offer_honours_the_code(domain, engine):
    chat = Chat(domain)
    said = chat.say("voucher code wont apply, order 7730019", "payment_failed", confidence=0.41)
    assert said[0].startswith("utter_acknowledge"), said
    assert "discount code" in chat.texts[0]
    said = chat.say("lou.p@example.com", "inform")
    assert said == ["utter_offer_remedies"], said
    assert "code's discount refunded" in chat.texts[0] and "20% off code" in chat.texts[0]
    assert chat.ticket["category"] == "billing_problem"
    said = chat.say("yes please", "affirm")
    assert said[0].startswith("utter_remedy_confirmed"), said
    assert remedy_statuses(chat.ticket) == {"refund": "accepted", "discount": "declined"}


# --- a mistyped email domain ---------------------------------------------------------------------


def test_a_mistyped_domain_is_asked_about_once_and_yes_takes_the_corrected_one(domain, engine):
    chat = Chat(domain)
    chat.say(DAMAGED, "damaged_or_wrong_item")
    said = chat.say("jane@exmaple.com", "inform")
    assert said == ["utter_ask_email_typo"], said  # one question this turn: no offer on top of it
    assert "jane@example.com" in chat.texts[0]
    said = chat.say("yes", "affirm")
    assert said == ["utter_detail_updated", "utter_offer_remedies"], said  # the ticket filed: its email updated
    assert chat.slots["customer_email"] == "jane@example.com"
    assert chat.ticket["customer_email"] == "jane@example.com"


def test_no_keeps_the_address_typed_and_an_offer_standing_is_not_declined(domain, engine):
    chat = _offered(domain, email="kim.r@example.com")
    said = chat.say("sorry my email is actually bob@gmial.com", "inform")
    assert said == ["utter_ask_email_typo"], said
    said = chat.say("no thats right", "deny")
    assert said == ["utter_detail_noted", "utter_offer_still_open"], said
    assert chat.ticket["customer_email"] == "bob@gmial.com"
    assert set(remedy_statuses(chat.ticket).values()) == {"offered"}, "the no was about the email, not the offer"


def test_a_new_address_replaces_it_and_nothing_is_asked_twice_or_blocked(domain, engine):
    chat = Chat(domain)
    chat.say(DAMAGED, "damaged_or_wrong_item")
    assert chat.say("sue@hotmial.co.uk", "inform") == ["utter_ask_email_typo"]
    said = chat.say("x@gmail.con", "inform")  # another address, mistyped too: taken, not asked about again
    assert "utter_ask_email_typo" not in said and "utter_offer_remedies" in said, said
    assert chat.slots["customer_email"] == "x@gmail.con"


def test_something_else_instead_of_an_answer_goes_on_with_the_address_typed(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never came, order 4839201", "delivery_problem")
    assert chat.say("jane@exmaple.com", "inform") == ["utter_ask_email_typo"]
    said = chat.say("how long will this take", "other")
    assert said and "utter_ask_email_typo" not in said, said
    assert chat.slots["customer_email"] == "jane@exmaple.com"
    assert len(tickets.list_tickets(engine)) == 1
