"""After the remedy, through action_turn: the rating, the check-in, and news for returning customers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from calmdesk.desk import incidents
from tests.actions.conftest import Chat, ticket_of

COMPLAINT = "my parcel never arrived, order 4839201, jo@example.com"


def settled(domain) -> Chat:
    """A complaint with an agreed remedy: the bot has just asked "anything else?"."""
    chat = Chat(domain)
    chat.say(COMPLAINT, "delivery_problem")
    chat.say("yes", "affirm")
    assert chat.slots["stage"] == "wrap_up"
    return chat


def rating(domain) -> Chat:
    chat = settled(domain)
    assert chat.say("no", "deny") == ["utter_ask_satisfaction_score"]
    return chat


# --- "anything else?" ----------------------------------------------------------------------


@pytest.mark.parametrize("text, intent", [("no", "deny"), ("no thanks, that's all", "deny"),
                                          ("that's great, thanks", "thank")])
def test_nothing_else_asks_for_a_rating_with_buttons(domain, engine, text, intent):
    chat = settled(domain)
    assert chat.say(text, intent) == ["utter_ask_satisfaction_score"]
    assert [b["payload"] for b in chat.messages[0]["buttons"]] == ["1", "2", "3", "4", "5"]
    assert chat.slots["stage"] == "rating"


def test_something_else_asks_what(domain, engine):
    chat = settled(domain)
    assert chat.say("yes actually", "affirm") == ["utter_ask_what_else"]
    assert chat.slots["stage"] is None
    assert chat.ticket["status"] == "resolved", "the first problem stays settled"


# --- the rating ------------------------------------------------------------------------------


def _assert_check_in_scheduled(chat: Chat) -> None:
    ticket = chat.ticket
    due = datetime.fromisoformat(ticket["follow_up_at"])
    assert timedelta(days=2) < due - datetime.now(timezone.utc) < timedelta(days=4)
    reminder = next(e for e in chat.events if e["event"] == "reminder")
    assert reminder["intent"] == "EXTERNAL_check_in"
    assert datetime.fromisoformat(reminder["date_time"]) == due
    assert chat.messages[-1]["utter_action"] == "utter_feedback_thanks"
    assert "few days" in chat.texts[-1]
    assert ticket["transcript"][-1]["text"] == chat.texts[-1], "the goodbye is on the transcript"


@pytest.mark.parametrize("score_text", ["2", "I'd give it a 2"])
def test_a_score_then_a_comment_are_recorded_and_a_check_in_scheduled(domain, engine, score_text):
    chat = rating(domain)
    assert chat.say(score_text, "inform") == ["utter_ask_satisfaction_comment"]
    assert chat.say("took far too long", "inform") == ["utter_feedback_thanks"]
    satisfaction = chat.ticket["satisfaction"]
    assert (satisfaction["score"], satisfaction["comment"]) == (2, "took far too long")
    _assert_check_in_scheduled(chat)
    assert chat.slots["stage"] is None


def test_a_score_without_a_comment_is_recorded(domain, engine):
    chat = rating(domain)
    chat.say("5", "inform")
    chat.say("nope", "deny")
    satisfaction = chat.ticket["satisfaction"]
    assert (satisfaction["score"], satisfaction["comment"]) == (5, None)
    _assert_check_in_scheduled(chat)


def test_no_skips_the_rating_but_still_schedules_the_check_in(domain, engine):
    chat = rating(domain)
    assert chat.say("no thanks", "deny") == ["utter_feedback_thanks"]
    assert chat.ticket["satisfaction"] is None
    _assert_check_in_scheduled(chat)


def test_a_reply_that_is_not_a_score_is_asked_once_then_let_go(domain, engine):
    chat = rating(domain)
    assert chat.say("meh", "inform") == ["utter_invalid_satisfaction_score"]
    assert "1 to 5" in chat.texts[0]
    assert chat.say("meh", "inform") == ["utter_feedback_thanks"], "never asked a third time"
    assert chat.ticket["satisfaction"] is None
    _assert_check_in_scheduled(chat)


def test_the_rating_is_on_the_ticket_of_the_complaint_it_followed(domain, engine):
    chat = rating(domain)
    chat.say("4", "inform")
    chat.say("quick, thanks", "inform")
    assert ticket_of(engine)["satisfaction"]["score"] == 4
    assert ticket_of(engine)["status"] == "resolved"


# --- the check-in -----------------------------------------------------------------------------


def test_the_check_in_names_the_ticket(domain, engine):
    chat = rating(domain)
    chat.say("5", "inform")
    chat.say("no", "deny")
    assert chat.say("", "EXTERNAL_check_in") == ["utter_check_in"]
    assert chat.slots["ticket_reference"] in chat.texts[0]
    assert chat.slots["stage"] == "check_in"


@pytest.mark.parametrize("reply", ["no, it's still not here", "no, the re-delivery never came either"])
def test_still_not_fixed_at_the_check_in_is_picked_up(domain, engine, reply):
    chat = rating(domain)
    chat.say("5", "inform")
    chat.say("no", "deny")
    chat.say("", "EXTERNAL_check_in")
    names = chat.say(reply, "delivery_problem")
    assert "utter_ask_satisfaction_score" not in names and "utter_remedy_already" not in names


# --- news for a returning customer ---------------------------------------------------------------


def test_a_returning_customer_hears_what_changed_in_their_incident(domain, engine):
    incident = incidents.declare_incident(engine, "service_outage", "The app is down for everyone.", "staff")
    chat = Chat(domain)
    chat.say("the app is down, I can't use it at all", "service_outage")
    chat.say("forget it", "goodbye")
    assert chat.say("hi", "greet") == ["utter_greet"], "no news yet: a plain hello"

    incidents.post_update(engine, incident["reference"], "Fixed at 18:05 — please try again.", "staff")
    assert chat.say("hi again", "greet") == ["utter_incident_update"]
    assert "Fixed at 18:05" in chat.texts[0]
    assert chat.slots["ticket_reference"] in chat.texts[0]
    assert chat.slots["incident_news_seen_at"]

    assert chat.say("hello", "greet") == ["utter_greet"], "the same news is not repeated"


def test_a_greeting_without_a_ticket_is_a_plain_hello(domain, engine):
    chat = Chat(domain)
    assert chat.say("hello", "greet") == ["utter_greet"]
    assert ticket_of(engine) is None
