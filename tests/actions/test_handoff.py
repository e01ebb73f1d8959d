"""Handing over to a person and back, and not understanding, through action_turn (an agent is on duty)."""
from __future__ import annotations

import pytest

from calmdesk.desk import tickets
from calmdesk.taxonomy import PRIORITIES
from tests.actions.conftest import Chat, every_wording, slots_set, ticket_of, wordings


def _assert_handed_off(chat: Chat) -> dict:
    """Paused with a person, the ticket waiting for them, and the customer told its reference."""
    pauses = [e for e in chat.events if e["event"] == "pause"]
    assert len(pauses) == 1, "the bot is paused (ConversationPaused) while a person talks"
    assert chat.events[-1] is pauses[0], "the bot goes quiet after saying it"
    assert slots_set(chat.events)["stage"] is None
    ticket = chat.ticket
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent"
    assert PRIORITIES.index(ticket["priority"]) >= PRIORITIES.index("high")
    # "if it takes longer, we'll email you" only to a customer we can email
    assert chat.messages[-1]["utter_action"] == ("utter_handoff" if ticket["customer_email"] else "utter_handoff_no_email")
    assert ticket["reference"] in chat.texts[-1]
    assert (ticket["transcript"][-1]["sender"], ticket["transcript"][-1]["text"]) == ("bot", chat.texts[-1])
    return ticket


def _assert_honest_timeline(text: str) -> None:
    """Says when a person will answer, and promises no email to a customer who gave no address."""
    assert "15 minutes" in text
    assert "email" not in text.lower()


# --- a request for a person ----------------------------------------------------------------


def test_a_request_for_a_person_at_the_very_start_files_a_ticket_for_them(domain, engine):
    chat = Chat(domain)
    assert chat.say("can I talk to a real person", "request_human") == ["utter_handoff_no_email"]
    ticket = _assert_handed_off(chat)
    assert ticket["category"] == "other"
    assert chat.slots["complaint_seq"] == 1 and chat.slots["ticket_reference"] == ticket["reference"]
    _assert_honest_timeline(chat.texts[0])
    assert [(line["sender"], line["text"]) for line in ticket["transcript"]] == [
        ("customer", "can I talk to a real person"), ("bot", chat.texts[0])]


@pytest.mark.parametrize("text, intent", [
    ("let me speak to a manager", "request_human"),
    ("is there a person I can talk to?", "bot_challenge"),
    ("put me through to someone please", "inform"),
])
def test_a_person_asked_for_in_words_is_brought_in_whatever_the_intent(domain, engine, text, intent):
    chat = Chat(domain)
    assert chat.say(text, intent, confidence=0.6) == ["utter_handoff_no_email"]
    _assert_handed_off(chat)


def test_every_handoff_wording_gives_the_reference_and_an_honest_timeline(monkeypatch, domain, engine):
    seen = set()
    for n in every_wording(monkeypatch, domain):
        chat = Chat(domain, sender_id=f"c-{n}")
        chat.say("human please", "request_human")
        reference = chat.slots["ticket_reference"]
        assert reference == tickets.find_ticket(engine, f"c-{n}")["reference"]
        assert reference in chat.texts[0]
        _assert_honest_timeline(chat.texts[0])
        assert "{" not in chat.texts[0]
        seen.add(chat.texts[0].replace(reference, "{reference}"))
    assert seen == wordings(domain, "utter_handoff_no_email"), "every wording was checked"


def test_a_complaint_and_a_request_for_a_person_in_one_message_does_both(domain, engine):
    chat = Chat(domain)
    assert chat.say("I was charged twice, put me through to a person", "billing_problem") == [
        "utter_acknowledge_calm", "utter_handoff_no_email"]
    assert "being charged twice" in chat.texts[0]
    ticket = _assert_handed_off(chat)
    assert ticket["category"] == "billing_problem"
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1


def test_the_complaint_behind_a_request_for_a_person_comes_from_the_ranking(domain, engine):
    chat = Chat(domain)
    chat.say("I was charged twice, put me through to a person", "request_human", confidence=0.6,
             ranking={"billing_problem": 0.35})
    assert chat.ticket["category"] == "billing_problem"
    _assert_handed_off(chat)


def test_a_handoff_never_lowers_what_triage_says(domain, engine):
    # Billing is high by nature and anger raises it one more: the handoff keeps it urgent,
    # and the complaint's anger peak counts even when the request itself is calm.
    chat = Chat(domain)
    chat.say("you charged me TWICE, this is outrageous!!", "billing_problem", anger="angry")
    chat.say("can I speak to someone please", "request_human", anger="calm")
    ticket = chat.ticket
    assert ticket["anger_level"] == "angry"
    assert ticket["priority"] == "urgent"


def test_a_handoff_half_way_keeps_what_was_gathered_on_the_same_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201", "delivery_problem")
    reference = chat.slots["ticket_reference"]
    chat.say("jo@example.com", "inform")
    chat.say("just get me a person", "request_human")

    ticket = _assert_handed_off(chat)
    assert ticket["reference"] == reference, "the complaint's ticket is handed over, not a new one"
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1
    assert (ticket["category"], ticket["order_number"], ticket["customer_email"]) == (
        "delivery_problem", "4839201", "jo@example.com")
    customer_lines = [line["text"] for line in ticket["transcript"] if line["sender"] == "customer"]
    assert customer_lines == ["my parcel never arrived, order 4839201", "jo@example.com", "just get me a person"]
    assert [r["status"] for r in ticket["remedies"]] == ["offered"] * 3, "the offer stays open for the person"


def test_the_rising_anger_button_brings_in_a_person(domain, engine):
    chat = Chat(domain)
    chat.say("hi, my parcel hasn't arrived", "delivery_problem", anger="calm")
    chat.say("still nothing, this is annoying", "vent", anger="frustrated")
    chat.say("this is RIDICULOUS, I've had ENOUGH!!!", "vent", anger="angry")
    assert chat.say("/request_human", "request_human") == ["utter_handoff_no_email"]
    assert _assert_handed_off(chat)["anger_level"] == "angry"


# --- handback ----------------------------------------------------------------------------------


def test_handback_welcomes_the_customer_back_and_asks_if_anything_else(monkeypatch, domain, engine):
    texts, seen = wordings(domain, "utter_handback"), set()
    for n in every_wording(monkeypatch, domain):
        chat = Chat(domain, sender_id=f"c-{n}")
        chat.say("can I talk to a real person", "request_human")
        assert chat.say("", "handback") == ["utter_handback"]
        assert slots_set(chat.events) == {"stage": "wrap_up", "asking": None}
        assert "anything else" in chat.texts[0].lower()
        seen.add(chat.texts[0])
    assert seen == texts


def test_a_second_handoff_in_the_same_complaint_updates_the_same_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("I want a human", "request_human")
    reference = chat.slots["ticket_reference"]
    chat.say("", "handback")
    chat.say("actually, a person again please", "request_human")
    assert chat.slots["ticket_reference"] == reference
    assert reference in chat.texts[0]
    assert len(tickets.list_tickets(engine, conversation_id="conversation-1")) == 1
    assert ticket_of(engine)["status"] == "awaiting_agent"


# --- not understood -----------------------------------------------------------------------------


def test_the_first_misunderstanding_asks_to_rephrase_and_changes_nothing(domain, engine):
    chat = Chat(domain)
    assert chat.say("asdf qwerty", "nlu_fallback") == ["utter_fallback_rephrase"]
    assert chat.events == []
    assert not chat.messages[0]["buttons"]
    assert ticket_of(engine) is None


def _at(domain, stage: str | None) -> Chat:
    """A conversation at ``stage``."""
    chat = Chat(domain)
    if stage == "wrap_up":
        chat.say("my parcel never arrived, order 4839201, jo@example.com", "delivery_problem")
        chat.say("yes", "affirm")
    assert chat.slots["stage"] == stage
    return chat


@pytest.mark.parametrize("stage", [None, "wrap_up"])
def test_two_misunderstandings_in_a_row_offer_a_person(domain, engine, stage):
    chat = _at(domain, stage)
    tickets_before = tickets.list_tickets(engine)
    chat.say("zzzz blorp", "nlu_fallback")
    assert chat.say("asdf qwerty", "nlu_fallback") == ["utter_fallback_offer_human"]
    assert slots_set(chat.events) == {"stage": "handoff_offered", "resume_stage": stage}
    assert [b["payload"] for b in chat.messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert tickets.list_tickets(engine) == tickets_before, "offering a person is not a handoff yet"


def test_two_unclear_answers_to_the_offer_offer_a_person(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201, jo@example.com", "delivery_problem")
    assert chat.say("hmm what?", "nlu_fallback") == ["utter_ask_which_remedy"]
    assert chat.say("blorp", "nlu_fallback") == ["utter_fallback_offer_human"]
    assert chat.slots["resume_stage"] == "remedy_offered"


def test_every_offer_of_a_person_has_yes_and_no_buttons(monkeypatch, domain, engine):
    for n in every_wording(monkeypatch, domain):
        chat = Chat(domain, sender_id=f"c-{n}")
        chat.say("??", "nlu_fallback")
        chat.say("zzzz", "nlu_fallback")
        assert [b["payload"] for b in chat.messages[0]["buttons"]] == ["/affirm", "/deny"]
        assert all(b["title"] for b in chat.messages[0]["buttons"])


def test_an_understood_message_in_between_resets_the_count(domain, engine):
    chat = Chat(domain)
    chat.say("zzzz blorp", "nlu_fallback")
    chat.say("thanks", "thank")
    assert chat.say("asdf qwerty", "nlu_fallback") == ["utter_fallback_rephrase"]


def test_yes_to_the_offer_of_a_person_hands_off(domain, engine):
    chat = Chat(domain)
    chat.say("zzzz", "nlu_fallback")
    chat.say("blorp", "nlu_fallback")
    assert chat.say("/affirm", "affirm") == ["utter_handoff_no_email"]
    _assert_handed_off(chat)


def test_yes_right_after_hearing_a_person_is_there_hands_off(domain, engine):
    chat = Chat(domain)
    chat.say("my washing machine leaks from the door every wash, order 4471777", "product_defect")
    assert "utter_person_available" in chat.say("is there a real human there?", "bot_challenge")
    assert chat.say("yes pls", "affirm") == ["utter_handoff_no_email"]
    _assert_handed_off(chat)


# --- declining the offer of a person --------------------------------------------------------------


@pytest.mark.parametrize("stage", ["wrap_up", "remedy_offered"])
def test_declining_a_person_goes_back_to_where_we_were(domain, engine, stage):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201, jo@example.com", "delivery_problem")
    if stage == "wrap_up":
        chat.say("yes", "affirm")
        chat.say("zzzz", "nlu_fallback")
    else:
        chat.say("hmm what?", "nlu_fallback")
    chat.say("blorp", "nlu_fallback")
    # Back to where it was; an offer still open is named again, so the customer knows what to say next.
    expected = ["utter_handoff_declined"] + (["utter_offer_still_open"] if stage == "remedy_offered" else [])
    assert chat.say("no thanks", "deny") == expected
    assert slots_set(chat.events) == {"stage": stage, "resume_stage": None}
    assert chat.ticket["handoff"] is False


def test_declining_a_person_before_any_complaint_asks_what_happened(domain, engine):
    chat = Chat(domain)
    chat.say("zzzz", "nlu_fallback")
    chat.say("blorp", "nlu_fallback")
    assert chat.say("/deny", "deny") == ["utter_handoff_declined", "utter_ask_what_happened"]
    assert slots_set(chat.events) == {"stage": None, "resume_stage": None}
    assert ticket_of(engine) is None
