"""A fault in our app or website, through action_turn (a probe of the running product, 6 Dec 2026).

"Your app keeps crashing at checkout" was asked for an order number twice and
then offered "a replacement, sent out today". There is no order and nothing to
replace: the bot asks only for the email and offers what the policy's
``online`` variant says (policy/remedies.yml).
"""
from __future__ import annotations

from tests.actions.conftest import Chat, remedy_statuses


def test_an_app_crash_asks_no_order_number_and_offers_nothing_to_replace(domain, engine):
    chat = Chat(domain)
    said = chat.say("your app keeps crashing every time i get to checkout", "product_defect")
    assert said[-1] == "utter_ask_customer_email", said
    assert "the app crashing" in chat.texts[0]
    said = chat.say("kate@example.com", "inform", entities=[{"entity": "email", "value": "kate@example.com"}])
    assert said[-1] == "utter_offer_remedies", said
    assert set(remedy_statuses(chat.ticket)) == {"goodwill", "discount"}
    assert "replacement" not in chat.texts[-1] and "refund" not in chat.texts[-1]
    said = chat.say("the credit please", "choose_remedy")
    assert "utter_remedy_confirmed" in said, said
    assert remedy_statuses(chat.ticket)["goodwill"] == "accepted"


def test_a_broken_checkout_asks_no_order_number(domain, engine):
    chat = Chat(domain)
    said = chat.say("your checkout page is broken, i get an error when i click pay", "payment_failed")
    assert "utter_ask_order_number" not in said and said[-1] == "utter_ask_customer_email", said
    assert "checkout failing" in chat.texts[0]


def test_a_faulty_item_still_gets_the_order_asked_and_a_replacement_offered(domain, engine):
    chat = Chat(domain)
    said = chat.say("the kettle i bought stopped working after a week", "product_defect")
    assert said[-1] == "utter_ask_order_number", said
    chat.say("553201", "inform", entities=[{"entity": "order_number", "value": "553201"}])
    said = chat.say("x@example.com", "inform", entities=[{"entity": "email", "value": "x@example.com"}])
    assert said[-1] == "utter_offer_remedies", said
    assert "replacement" in remedy_statuses(chat.ticket)


def test_an_app_fault_with_an_order_number_is_about_that_order(domain, engine):
    # "order 553201 won't show in the app" names an order: the policy's own offer for the category stands.
    chat = Chat(domain)
    chat.say("the app crashes when i open order 553201", "product_defect",
             entities=[{"entity": "order_number", "value": "553201"}])
    chat.say("x@example.com", "inform", entities=[{"entity": "email", "value": "x@example.com"}])
    assert "replacement" in remedy_statuses(chat.ticket)
