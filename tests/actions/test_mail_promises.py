"""The bot's words about email follow what will be sent, and a settled complaint queues one confirmation."""
from __future__ import annotations

from calmdesk import mail
from calmdesk.mail import outbox
from tests.actions.conftest import Chat
from tests.actions.test_remedies import offered

EMAIL_PROMISES = ("we'll email", "by email", "emailing you", "email you")


def confirmations(engine) -> list[dict]:
    return [m for m in outbox.list_messages(engine) if m["kind"] == "confirmation"]


def test_an_accepted_remedy_queues_one_confirmation_with_the_remedy_and_timeline(domain, engine):
    chat = offered(domain)
    chat.say("the store credit please", "choose_remedy")
    chat.say("thanks", "thank")
    [queued] = confirmations(engine)
    assert queued["ticket_reference"] == chat.slots["ticket_reference"] and queued["status"] == "pending"
    assert queued["to"] == chat.ticket["customer_email"], "one, to the customer, though the ticket was saved again"


def test_declining_every_remedy_still_confirms_that_a_person_follows_up(domain, engine):
    chat = offered(domain)
    chat.say("no, none of those", "deny")
    [queued] = confirmations(engine)
    assert "we've got your case" in queued["subject"]


def test_without_an_address_nothing_is_promised_or_queued(domain, engine):
    chat = offered(domain, email="skip")
    said = chat.say("the store credit please", "choose_remedy")
    assert said[0] == "utter_remedy_confirmed_no_email"
    assert not any(p in chat.texts[0].lower() for p in EMAIL_PROMISES), chat.texts[0]
    assert confirmations(engine) == []


def test_an_unsubscribed_address_is_promised_nothing(domain, engine):
    outbox.suppress(engine, "jo@example.com")
    chat = offered(domain, email="jo@example.com")
    assert chat.say("the store credit please", "choose_remedy")[0] == "utter_remedy_confirmed_no_email"
    assert [m["status"] for m in confirmations(engine)] == ["suppressed"], "queued as never to be sent"


def test_with_email_switched_off_the_bot_does_not_say_it_will_send_updates(domain, engine, monkeypatch):
    monkeypatch.setenv("MAIL_ENABLED", "false")
    mail.reset()
    chat = Chat(domain)
    assert chat.say("I can't log in to my account since yesterday", "account_access") == [
        "utter_acknowledge_calm", "utter_ask_customer_email_no_email"]
    assert "update" not in chat.texts[-1].lower()
    assert chat.say("why do you need my email?", "ask_why") == ["utter_why_customer_email_no_email",
                                                                 "utter_ask_customer_email_no_email"]
    assert not any(word in " ".join(chat.texts[-2:]).lower() for word in ("update", "posted")), chat.texts[-2:]
    assert chat.say("a person please", "request_human") == ["utter_handoff_no_email"]


def test_leaving_half_way_with_an_address_confirms_the_case_in_writing(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201, jo@example.com", "delivery_problem")
    assert chat.say("forget it", "goodbye") == ["utter_leave_ticket_kept"]  # "...will follow up by email"
    [queued] = confirmations(engine)
    assert queued["ticket_reference"] == chat.slots["ticket_reference"]
    assert "we've got your case" in queued["subject"]


def test_without_an_address_a_replacement_promises_no_tracking_email(domain, engine):
    chat = offered(domain, email="skip")
    assert chat.say("a replacement please", "choose_remedy")[0] == "utter_remedy_confirmed_no_email"
    assert "within 1 working day" in chat.texts[0], "still says when"
    assert not any(p in chat.texts[0].lower() for p in EMAIL_PROMISES), chat.texts[0]
    assert chat.say("how long will it take?", "other")[0] == "utter_how_long_agreed"
    assert "email" not in chat.texts[0].lower(), chat.texts[0]


def test_with_an_address_the_replacement_tracking_comes_by_email(domain, engine):
    chat = offered(domain)
    chat.say("a replacement please", "choose_remedy")
    assert "tracking by email" in chat.texts[0]
