"""The complaint, through action_turn: acknowledged and filed at once, details gathered, venting, corrections."""
from __future__ import annotations

import pytest

from actions.turn import ActionTurn
from calmdesk.desk import incidents, tickets
from tests.actions.conftest import Chat, every_wording, run, said, slots_set, ticket_of, tracker

ANGRY_TV = "My TV arrived with a CRACKED SCREEN and nobody cares!!! order 4839201"


def _tickets(engine, conversation_id: str = "conversation-1") -> list[dict]:
    return sorted(tickets.list_tickets(engine, conversation_id=conversation_id), key=lambda t: t["complaint_seq"])


# --- the first message ------------------------------------------------------------------


def test_first_complaint_reflects_the_problem_apologises_and_files_a_ticket(domain, engine):
    events, messages = run(ActionTurn(), tracker(ANGRY_TV, "damaged_or_wrong_item"), domain)

    assert said(messages) == ["utter_acknowledge_angry", "utter_ask_customer_email"]
    text = messages[0]["text"]
    assert "cracked screen on the TV" in text
    assert "sorry" in text.lower()
    slots = slots_set(events)
    assert slots["category"] == "damaged_or_wrong_item"
    assert slots["anger_level"] == "angry"
    assert slots["complaint_seq"] == 1
    assert slots["stage"] == "details"
    assert slots["order_number"] == "4839201", "the order number in the complaint is kept, not asked"
    assert slots["problem_description"].startswith("My TV arrived")

    ticket = ticket_of(engine)
    assert ticket["reference"] == slots["ticket_reference"]
    assert (ticket["category"], ticket["anger_level"], ticket["status"]) == ("damaged_or_wrong_item", "angry", "open")
    assert ticket["order_number"] == "4839201"
    assert [(line["sender"], line["text"]) for line in ticket["transcript"][:2]] == [("customer", ANGRY_TV),
                                                                                    ("bot", text)]


@pytest.mark.parametrize("level", ["calm", "frustrated", "angry", "abusive"])
def test_the_acknowledgement_matches_the_anger_level(domain, engine, level):
    chat = Chat(domain)
    assert chat.say("you charged me twice for one order", "billing_problem", anger=level)[0] == \
        f"utter_acknowledge_{level}"
    assert "being charged twice" in chat.texts[0]
    assert chat.ticket["anger_level"] == level


def test_the_apology_never_blames_the_customer(monkeypatch, domain, engine):
    for n in every_wording(monkeypatch, domain):
        for message, intent, anger in [("you charged me twice you idiots", "billing_problem", "abusive"),
                                       ("my parcel is late", "delivery_problem", "calm"),
                                       ("WHERE IS MY PARCEL", "delivery_problem", "angry")]:
            chat = Chat(domain, sender_id=f"{intent}-{anger}-{n}")
            chat.say(message, intent, anger=anger)
            text = chat.texts[0].lower()
            for blame in ("you should have", "policy", "your fault", "idiot", "unfortunately", "{"):
                assert blame not in text


def test_a_retried_turn_does_not_create_a_second_ticket(domain, engine):
    first, _ = run(ActionTurn(), tracker("my order never arrived", "delivery_problem"), domain)
    second, _ = run(ActionTurn(), tracker("my order never arrived", "delivery_problem"), domain)
    assert slots_set(first)["ticket_reference"] == slots_set(second)["ticket_reference"]
    assert len(_tickets(engine)) == 1


def test_a_complaint_the_classifier_only_ranked_still_gets_its_category(domain, engine):
    chat = Chat(domain)
    chat.say("the sofa came ripped down one side", "nlu_fallback", confidence=0.3,
             ranking={"damaged_or_wrong_item": 0.35})
    assert chat.slots["category"] == "damaged_or_wrong_item"
    assert chat.ticket["category"] == "damaged_or_wrong_item"


# --- the details -------------------------------------------------------------------------


def test_details_in_the_first_message_are_kept_and_not_asked(domain, engine):
    chat = Chat(domain)
    assert chat.say("my parcel never arrived, order 4839201, Jo@Example.com", "delivery_problem") == [
        "utter_acknowledge_calm", "utter_offer_remedies"]
    ticket = chat.ticket
    assert (ticket["order_number"], ticket["customer_email"]) == ("4839201", "jo@example.com")
    assert ticket["description"] == "my parcel never arrived, order 4839201, Jo@Example.com"


@pytest.mark.parametrize("complaint, intent, first_question", [
    ("my parcel never arrived", "delivery_problem", "utter_ask_order_number"),
    ("I can't log in to my account since yesterday", "account_access", "utter_ask_customer_email"),
    ("the app has been down all morning for me", "service_outage", "utter_ask_customer_email"),
])
def test_only_the_details_a_category_needs_are_asked(domain, engine, complaint, intent, first_question):
    chat = Chat(domain)
    assert chat.say(complaint, intent)[-1] == first_question
    if first_question == "utter_ask_order_number":
        assert "#1001" in chat.texts[-1], "the shop's own example (policy/order_numbers.yml) is shown"


def test_the_next_missing_detail_is_asked_then_the_offer_follows(domain, engine):
    chat = Chat(domain)
    # ("parcel late" would say what happened: a thing and its fault; round-14 probe)
    assert chat.say("my parcel??", "delivery_problem")[-1] == "utter_ask_order_number"
    assert chat.say("it's #4839201", "inform") == ["utter_ask_customer_email"]
    assert chat.say("jo@example.com", "inform") == ["utter_ask_problem_description"]
    assert chat.say("It was due last Monday and the tracking has not moved since", "inform") == [
        "utter_offer_remedies"]
    ticket = chat.ticket
    assert ticket["order_number"] == "4839201" and ticket["customer_email"] == "jo@example.com"
    assert ticket["description"] == "It was due last Monday and the tracking has not moved since"


def test_an_angry_customer_is_not_asked_to_describe_it_again(domain, engine):
    chat = Chat(domain)
    chat.say("WHERE IS MY PARCEL?!", "delivery_problem", anger="angry")
    chat.say("4839201", "inform")
    assert chat.say("jo@example.com", "inform") == ["utter_offer_remedies"]
    assert chat.ticket["description"] == "WHERE IS MY PARCEL?!"


@pytest.mark.parametrize("answer, expected", [
    ("it's #4839201", "4839201"),
    ("order 483 9201 please", "4839201"),
    ("ORD-554120", "ORD-554120"),
    ("112-4459123-7781234", "112-4459123-7781234"),
])
def test_order_numbers_in_the_shops_formats_are_found(domain, engine, answer, expected):
    chat = Chat(domain)
    chat.say("my parcel never arrived", "delivery_problem")
    assert chat.say(answer, "inform") == ["utter_ask_customer_email"]
    assert chat.ticket["order_number"] == expected


def test_emails_are_checked_and_lower_cased(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201", "delivery_problem")
    assert chat.say("jane at example", "inform") == ["utter_ask_customer_email_again"]
    assert "name@example.com" in chat.texts[0]
    chat.say("it's Jane.Doe@Example.COM thanks", "inform")
    assert chat.ticket["customer_email"] == "jane.doe@example.com"


def test_a_detail_is_asked_at_most_twice_then_the_bot_goes_on_without_it(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived", "delivery_problem")
    assert chat.say("hmm let me look", "inform") == ["utter_ask_order_number_again"]
    assert "#1001" in chat.texts[0]
    assert chat.say("still looking", "inform") == ["utter_detail_skipped", "utter_ask_customer_email"]
    assert "order number" in chat.texts[0]
    assert chat.slots["order_number"] == "not_given"
    assert chat.ticket["order_number"] is None
    assert chat.say("jo@example.com", "inform") == ["utter_offer_remedies"], "and is not asked a third time"


@pytest.mark.parametrize("answer", ["I don't have it", "no idea, sorry", "it was a guest checkout"])
def test_i_dont_have_it_goes_on_at_once(domain, engine, answer):
    chat = Chat(domain)
    chat.say("my parcel never arrived", "delivery_problem")
    assert chat.say(answer, "inform") == ["utter_cannot_give_ok", "utter_ask_customer_email"]
    assert "order number" in chat.texts[0]
    assert chat.ticket["order_number"] is None


def test_a_detail_given_while_another_is_asked_is_noted(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived", "delivery_problem")
    assert chat.say("my email is jo@example.com", "inform") == ["utter_detail_noted", "utter_ask_order_number"]
    assert "jo@example.com" in chat.texts[0]
    assert chat.ticket["customer_email"] == "jo@example.com"
    assert chat.say("4839201", "inform") == ["utter_offer_remedies"], "the email is not asked for again"


# --- corrections -----------------------------------------------------------------------------


def test_a_correction_mid_details_is_confirmed_and_the_question_is_not_called_a_mistake(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 1111111", "delivery_problem")
    reference = chat.slots["ticket_reference"]
    assert chat.say("actually it was the other order, 7654321", "inform") == [
        "utter_detail_updated", "utter_ask_customer_email"]
    assert "7654321" in chat.texts[0] and reference in chat.texts[0]
    assert chat.ticket["order_number"] == "7654321"


def test_a_correction_after_filing_updates_the_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 1111111, jo@example.com", "delivery_problem")
    chat.say("yes", "affirm")
    reference = chat.slots["ticket_reference"]
    assert chat.say("actually it was the other order, 7654321", "inform") == ["utter_detail_updated"]
    assert "7654321" in chat.texts[0] and reference in chat.texts[0]
    assert chat.ticket["order_number"] == "7654321"
    assert chat.ticket["reference"] == reference and len(_tickets(engine)) == 1


def test_a_vague_complaint_made_specific_keeps_the_same_ticket_with_the_new_category(domain, engine):
    chat = Chat(domain)
    chat.say("I have a complaint", "other")
    reference = chat.slots["ticket_reference"]
    assert chat.say("it's about the money you took from me twice", "inform", confidence=0.5,
                    ranking={"billing_problem": 0.4}) == ["utter_acknowledge_calm", "utter_ask_order_number"]
    assert "being charged twice" in chat.texts[0], "the bot says back the real problem"
    assert chat.slots["ticket_reference"] == reference
    assert [(t["reference"], t["category"]) for t in _tickets(engine)] == [(reference, "billing_problem")]


# --- more than one problem -------------------------------------------------------------------


def test_another_problem_said_with_also_gets_its_own_ticket_and_the_first_is_kept(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201, jo@example.com", "delivery_problem")
    first = chat.slots["ticket_reference"]
    assert chat.say("also, I can't log in to my account", "account_access")[:2] == [
        "utter_first_complaint_kept", "utter_acknowledge_calm"]
    assert first in chat.texts[0]
    assert [(t["category"], t["customer_email"]) for t in _tickets(engine)] == [
        ("delivery_problem", "jo@example.com"), ("account_access", "jo@example.com")]


def test_a_new_complaint_after_the_first_is_settled_gets_its_own_ticket(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201, jo@example.com", "delivery_problem")
    chat.say("yes", "affirm")
    chat.say("yes actually", "affirm")
    chat.say("I was charged twice for something else", "billing_problem")
    assert chat.slots["complaint_seq"] == 2
    assert chat.slots["order_number"] is None, "the previous complaint's order is not carried over"
    second = ticket_of(engine, seq=2)
    assert second["category"] == "billing_problem" and second["customer_email"] == "jo@example.com"
    assert ticket_of(engine, seq=1)["status"] == "resolved"


# --- leaving half-way -------------------------------------------------------------------------


@pytest.mark.parametrize("email, response", [("jo@example.com", "utter_leave_ticket_kept"),
                                             (None, "utter_leave_ticket_kept_no_email")])
def test_leaving_half_way_keeps_the_ticket_open(domain, engine, email, response):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201" + (f", {email}" if email else ""), "delivery_problem")
    assert chat.say("forget it", "goodbye") == [response]
    reference = chat.slots["ticket_reference"]
    assert reference in chat.texts[0]
    assert chat.slots["stage"] is None
    ticket = chat.ticket
    assert ticket["status"] == "open" and ticket["order_number"] == "4839201"
    assert ticket["transcript"][-1]["text"] == chat.texts[0]


# --- venting and abuse ------------------------------------------------------------------------


def test_venting_is_heard_and_keeps_what_was_gathered(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201", "delivery_problem", anger="frustrated")
    names = chat.say("this is RIDICULOUS, I've waited WEEKS!!", "vent", anger="angry")
    assert names[0] == "utter_vent_acknowledge"
    changed = slots_set(chat.events)
    assert not {"order_number", "category", "ticket_reference", "problem_description"} & set(changed), \
        "venting must not touch the gathered details"
    assert (changed["anger_current"], changed["anger_level"], changed["anger_trend"]) == ("angry", "angry", "rising")
    ticket = chat.ticket
    assert ticket["order_number"] == "4839201" and ticket["anger_level"] == "angry"


def test_the_anger_peak_is_kept_when_the_customer_calms_down(domain, engine):
    chat = Chat(domain)
    chat.say("WHERE IS MY PARCEL, order 4839201", "delivery_problem", anger="angry")
    chat.say("sorry, it's just been a long week", "vent", anger="frustrated")
    assert (chat.slots["anger_current"], chat.slots["anger_level"], chat.slots["anger_trend"]) == (
        "frustrated", "angry", "falling")


def test_anger_rising_over_two_turns_offers_a_person(domain, engine):
    chat = Chat(domain)
    chat.say("hi, my parcel hasn't arrived", "delivery_problem", anger="calm")
    chat.say("still nothing, this is annoying", "vent", anger="frustrated")
    assert "utter_offer_human_rising" in chat.say("this is RIDICULOUS, I've had ENOUGH!!!", "vent", anger="angry")
    offer = next(m for m in chat.messages if m["utter_action"] == "utter_offer_human_rising")
    assert [b["payload"] for b in offer["buttons"]] == ["/request_human"]

    steady = Chat(domain, sender_id="steady")
    steady.say("WHERE IS MY PARCEL", "delivery_problem", anger="angry")
    steady.say("this is ridiculous!!", "vent", anger="angry")
    assert "utter_offer_human_rising" not in steady.say("unacceptable!!", "vent", anger="angry"), \
        "steady anger is heard, not escalated"


def test_abuse_gets_one_calm_boundary_then_a_person(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived", "delivery_problem")
    assert chat.say("you are useless idiots", "vent")[0] == "utter_vent_boundary"
    assert not any(e["event"] == "pause" for e in chat.events), "the first time: a boundary only"
    assert "help" in chat.texts[0].lower()
    assert chat.say("useless bot, you morons", "vent")[:2] == ["utter_abuse_handoff", "utter_handoff_no_email"]
    assert chat.events[-1]["event"] == "pause"
    ticket = chat.ticket
    assert ticket["handoff"] is True and ticket["status"] == "awaiting_agent" and ticket["anger_level"] == "abusive"
    assert all(word not in text.lower() for text in chat.texts for word in ("idiot", "moron", "useless"))


def test_a_bare_outburst_before_any_complaint_asks_what_happened(domain, engine):
    chat = Chat(domain)
    assert chat.say("ugh!!!", "vent") == ["utter_ask_problem_description_after_vent"]
    assert ticket_of(engine) is None
    chat.say("my parcel never arrived", "delivery_problem")
    assert chat.ticket["category"] == "delivery_problem"


def test_a_rant_with_words_in_it_is_acknowledged_and_filed_then_made_specific(domain, engine):
    chat = Chat(domain)
    assert chat.say("this is RIDICULOUS, worst shop ever!!", "vent", anger="angry")[0] == "utter_acknowledge_angry"
    reference = chat.slots["ticket_reference"]
    assert ticket_of(engine)["category"] == "other"
    chat.say("my parcel never arrived", "delivery_problem")
    assert chat.slots["ticket_reference"] == reference
    assert [t["category"] for t in _tickets(engine)] == ["delivery_problem"]


# --- known incidents -----------------------------------------------------------------------------


def test_a_known_incident_is_acknowledged_openly_first_and_the_ticket_linked(domain, engine):
    incident = incidents.declare_incident(engine, "payment_failed", "Checkout has been failing since 17:21.", "staff")
    chat = Chat(domain)
    assert chat.say("your checkout won't take my card!!", "payment_failed")[0] == "utter_known_incident"
    assert "Checkout has been failing since 17:21." in chat.texts[0]
    assert chat.ticket["incident"] == incident["reference"]
    other = Chat(domain, sender_id="conversation-2")
    assert other.say("my parcel is late", "delivery_problem")[0] == "utter_acknowledge_calm"
    assert "failing" not in other.texts[0], "other categories are not told about it"


def test_a_complaint_that_may_be_the_declared_incident_joins_it(domain, engine):
    incident = incidents.declare_incident(engine, "service_outage", "We're down since 09:40, back by 11:00.", "staff")
    chat = Chat(domain)
    said_ = chat.say("the whole site has been out for an hour, I'll miss the deadline at 15:30", "delivery_problem",
                     confidence=0.48, ranking={"service_outage": 0.34, "product_defect": 0.03}, anger="angry")
    assert said_[0] == "utter_known_incident" and "back by 11:00" in chat.texts[0]
    assert (chat.ticket["category"], chat.ticket["incident"]) == ("service_outage", incident["reference"])


def test_a_clearly_different_complaint_is_not_swallowed_by_a_declared_incident(domain, engine):
    incidents.declare_incident(engine, "service_outage", "We're down since 09:40, back by 11:00.", "staff")
    chat = Chat(domain)
    said_ = chat.say("my parcel arrived crushed and the vase inside is broken, order 4839201", "damaged_or_wrong_item",
                     confidence=0.95, ranking={"service_outage": 0.01}, anger="angry")
    assert said_[0] == "utter_acknowledge_angry" and "09:40" not in chat.texts[0]
    assert (chat.ticket["category"], chat.ticket["incident"]) == ("damaged_or_wrong_item", None)


def test_a_burst_of_the_same_complaint_suggests_an_incident_for_staff_only(domain, engine):
    threshold = incidents.load_incident_settings().detection_tickets
    for n in range(threshold - 1):
        Chat(domain, sender_id=f"burst-{n}").say("checkout won't take my payment", "payment_failed")
    assert incidents.list_incidents(engine, category="payment_failed") == []
    Chat(domain, sender_id="burst-last").say("payment failed again at checkout", "payment_failed")
    [suggested] = incidents.list_incidents(engine, category="payment_failed")
    assert suggested["status"] == "suggested", "staff confirm it; customers are not told yet"
    after = Chat(domain, sender_id="after")
    assert after.say("my card was declined", "payment_failed")[0] == "utter_acknowledge_calm"


# --- repairs: outbursts, questions, the check-in, ordinals --------------------------------------


@pytest.mark.parametrize("intent", ["vent", "nlu_fallback"])
def test_an_outburst_is_heard_not_called_a_wrong_detail(domain, engine, intent):
    chat = Chat(domain)
    chat.say("my parcel never arrived", "delivery_problem")
    first = chat.say("useless bot, you morons", intent, anger="abusive")
    assert "utter_ask_order_number_again" not in first and "utter_detail_skipped" not in first
    assert first[0] == "utter_vent_boundary"
    # A second outburst is heard too; the order number is not dropped for it, nor asked a third time.
    second = chat.say("you are all morons", intent, anger="abusive")
    assert "utter_detail_skipped" not in second
    assert [n for n in said(chat.messages) if n.startswith("utter_ask_order_number")] == []


def test_asking_why_a_detail_is_needed_does_not_drop_it(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201", "delivery_problem")
    chat.say("hmm", "inform")
    names = chat.say("why do you need my email?", "inform")
    assert names[0] == "utter_why_customer_email" and "utter_detail_skipped" not in names


def test_two_problems_in_one_message_are_handled_one_after_the_other(domain, engine):
    chat = Chat(domain)
    problems = [{"category": "account_access", "confidence": 0.9, "text": "my login isnt working"},
                {"category": "billing_problem", "confidence": 0.8, "text": "i got charged twice last month"}]
    first = chat.say("my login isnt working and also i got charged twice last month", "account_access",
                     problems=problems)
    assert first[:2] == ["utter_acknowledge_calm", "utter_more_problems_noted"]
    assert "charged twice" in chat.texts[1], "the second problem is said back"
    assert "Also mentioned: i got charged twice last month." in chat.ticket["description"], "nothing is lost"
    chat.say("x.y@example.com", "inform")
    settled = chat.say("the discount please", "choose_remedy")
    # The first is settled; the second follows without being asked again, on a ticket of its own.
    assert "utter_anything_else" not in settled
    assert settled[settled.index("utter_now_the_next_problem") + 1] == "utter_acknowledge_calm"
    assert chat.slots["complaint_seq"] == 2 and chat.ticket["category"] == "billing_problem"
    assert chat.ticket["customer_email"] == "x.y@example.com", "the email is not asked again"
    assert "utter_ask_order_number" in settled and "utter_ask_customer_email" not in settled
    assert ticket_of(engine, seq=1)["remedies"][1]["status"] == "accepted"
