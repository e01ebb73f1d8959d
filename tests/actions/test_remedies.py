"""Remedies, through action_turn: the offer the policy allows, and the customer's choice on the ticket."""
from __future__ import annotations

import json

import pytest

from actions.turn import ActionTurn
from calmdesk.conversation.buttons import button_payload
from calmdesk.desk import tickets
from calmdesk.desk.remedies import load_policy
from tests.actions.conftest import Chat, every_wording, remedy_statuses, run, said, slots_set, ticket_of, tracker

CATEGORY = "damaged_or_wrong_item"
COMPLAINT = "My TV arrived with a cracked screen, order 4839201"
ORDER = "4839201"
EMAIL = "jo@example.com"
OFFERED = ["replacement", "refund", "store_credit"]  # the policy for damaged_or_wrong_item, default first


@pytest.fixture(scope="module")
def offers():
    return load_policy().offers_for(CATEGORY)


def offered(domain, sender_id: str = "conversation-1", email: str = EMAIL, complaint: str = COMPLAINT,
            category: str = CATEGORY) -> Chat:
    """A complaint whose last detail (the email) has just been given: the offer is open."""
    chat = Chat(domain, sender_id=sender_id)
    chat.say(complaint, category)
    chat.say(email, "inform")
    return chat


# --- the offer -----------------------------------------------------------------------------


def test_the_offer_follows_the_last_detail_and_restates_the_problem_and_the_order(monkeypatch, domain, engine,
                                                                                    offers):
    assert [r.kind for r in offers] == OFFERED, "the policy for this category changed; update OFFERED"
    for n in every_wording(monkeypatch, domain):
        chat = offered(domain, sender_id=f"c-{n}", email=f"jo{n}@example.com")
        assert said(chat.messages) == ["utter_offer_remedies"]
        text = chat.texts[0]
        assert "cracked screen on the TV" in text
        assert f"order {ORDER}" in text
        for remedy in offers:
            assert remedy.label in text
        assert "€20 store credit" in text  # amounts are filled in, not "{amount}"
        assert "{" not in text


def test_the_offer_has_one_button_per_remedy_that_chooses_it(domain, engine, offers):
    chat = offered(domain)
    buttons = chat.messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [f'/choose_remedy{{"remedy": "{kind}"}}' for kind in OFFERED]
    for button, remedy in zip(buttons, offers):
        assert button["title"] == remedy.label[:1].upper() + remedy.label[1:]  # "A full refund", "€20 store credit"
        assert json.loads(button["payload"][len("/choose_remedy"):]) == {"remedy": remedy.kind}
        assert button_payload(button["payload"]) == ("choose_remedy", remedy.kind)  # carried out when tapped


def test_the_offer_is_recorded_on_the_ticket(domain, engine):
    chat = offered(domain)
    assert chat.slots["stage"] == "remedy_offered"
    assert chat.slots["offered_remedies"] == OFFERED
    ticket = chat.ticket
    assert [(r["kind"], r["status"]) for r in ticket["remedies"]] == [(kind, "offered") for kind in OFFERED]
    assert (ticket["status"], ticket["order_number"], ticket["customer_email"]) == ("open", ORDER, EMAIL)
    assert (ticket["transcript"][-1]["sender"], ticket["transcript"][-1]["text"]) == ("bot", chat.texts[0])
    assert ticket["transcript"][0]["text"] == COMPLAINT


def test_a_retried_offer_does_not_duplicate_remedies(domain, engine):
    chat = Chat(domain)
    chat.say(COMPLAINT, CATEGORY)
    email_turn = lambda: tracker(EMAIL, "inform", slots=dict(chat.slots), history=chat.history)  # noqa: E731
    first, _ = run(ActionTurn(), email_turn(), domain)
    second, _ = run(ActionTurn(), email_turn(), domain)
    assert slots_set(first) == slots_set(second)
    assert [r["kind"] for r in ticket_of(engine)["remedies"]] == OFFERED


def test_an_angry_customer_is_offered_the_most_decisive_remedy_first(domain, engine):
    chat = Chat(domain)
    chat.say("WHERE IS MY PARCEL?! order 4839201", "delivery_problem", anger="angry")
    chat.say(EMAIL, "inform")
    assert chat.slots["offered_remedies"][0] == "refund"
    assert chat.slots["offer_situation"] == {"recurrent": False, "anger": "angry", "online": False, "code": False}


# --- a clear choice ------------------------------------------------------------------------


@pytest.mark.parametrize("text, intent, chosen", [
    pytest.param('/choose_remedy{"remedy": "store_credit"}', "choose_remedy", "store_credit", id="button"),
    pytest.param("the store credit please", "choose_remedy", "store_credit", id="words"),
    pytest.param("honestly I just want my money back", "inform", "refund", id="remedy-in-own-words"),
    pytest.param("yes", "affirm", "replacement", id="plain-yes-takes-the-default"),
    pytest.param("yes please, the refund", "affirm", "refund", id="yes-naming-a-remedy-takes-that-one"),
])
def test_a_clear_choice_is_accepted_confirmed_and_the_others_declined(domain, engine, offers, text, intent, chosen):
    chat = offered(domain)
    reference = chat.slots["ticket_reference"]
    picked = next(r for r in offers if r.kind == chosen)

    assert chat.say(text, intent) == ["utter_remedy_confirmed", "utter_anything_else"]
    assert slots_set(chat.events) == {"remedy": chosen, "stage": "wrap_up"}
    confirmation, anything_else = chat.texts
    assert picked.label in confirmation
    assert reference in confirmation
    assert picked.timeline[:1].upper() + picked.timeline[1:] + "." in confirmation
    assert "anything else" in anything_else.lower()

    ticket = chat.ticket
    assert ticket["status"] == "resolved"
    assert remedy_statuses(ticket) == {kind: "accepted" if kind == chosen else "declined" for kind in OFFERED}
    assert [r["history"][-1]["actor"] for r in ticket["remedies"]] == ["customer"] * len(OFFERED)
    assert [line["text"] for line in ticket["transcript"][-2:]] == [confirmation, anything_else]


def test_every_confirmation_wording_gives_the_reference_and_timeline(monkeypatch, domain, engine):
    for n in every_wording(monkeypatch, domain):
        chat = offered(domain, sender_id=f"c-{n}", email=f"jo{n}@example.com")
        chat.say("the store credit please", "choose_remedy")
        assert chat.slots["ticket_reference"] in chat.texts[0]
        assert "The credit will show on your account within 24 hours." in chat.texts[0]
        assert "{" not in chat.texts[0]


def test_none_of_those_declines_every_remedy_but_keeps_the_ticket_open(monkeypatch, domain, engine):
    for n in every_wording(monkeypatch, domain):
        chat = offered(domain, sender_id=f"c-{n}", email=f"jo{n}@example.com")
        assert chat.say("no, none of those", "deny") == ["utter_remedy_declined", "utter_anything_else"]
        assert slots_set(chat.events) == {"remedy": None, "stage": "wrap_up"}
        assert chat.slots["ticket_reference"] in chat.texts[0]
        assert "1 working day" in chat.texts[0]  # an honest next step
        assert chat.ticket["status"] == "open"
        assert remedy_statuses(chat.ticket) == {kind: "declined" for kind in OFFERED}


# --- an unclear or unavailable choice ----------------------------------------------------------


def test_a_hesitant_weak_yes_asks_which_and_commits_to_nothing(domain, engine, offers):
    chat = offered(domain)
    before = chat.ticket
    # A hesitation the NLU reads as a weak "yes" must not commit the customer to the default remedy.
    assert chat.say("hmm", "affirm", confidence=0.6) == ["utter_ask_which_remedy"]
    for remedy in offers:
        assert remedy.label in chat.texts[0]
    assert [b["payload"] for b in chat.messages[0]["buttons"]] == [
        f'/choose_remedy{{"remedy": "{kind}"}}' for kind in OFFERED]
    after = chat.ticket
    assert after["remedies"] == before["remedies"] and after["status"] == "open"
    assert chat.say("hmm", "affirm", confidence=0.6) == ["utter_fallback_offer_human"], \
        "asked at most twice, then a person is offered"


def test_a_remedy_that_is_not_on_offer_is_named_honestly_and_changes_nothing(domain, engine, offers):
    chat = offered(domain)
    before = chat.ticket
    assert chat.say("can I get a discount instead", "choose_remedy") == ["utter_ask_which_remedy_not_available"]
    text = chat.texts[0]
    assert "a discount" in text
    for remedy in offers:
        assert remedy.label in text
    assert "15% off" not in text, "a remedy that is not on offer is not suggested"
    assert chat.ticket["remedies"] == before["remedies"]


# --- changing one's mind -------------------------------------------------------------------------


@pytest.mark.parametrize("first_answer, first_intent", [("no, none of those", "deny"), ("yes", "affirm")])
def test_changing_ones_mind_after_answering_switches_the_remedy(domain, engine, first_answer, first_intent):
    """Until a remedy is fulfilled the customer may change their mind; the ticket follows."""
    chat = offered(domain)
    chat.say(first_answer, first_intent)
    assert chat.say("actually, can I have the refund instead?", "choose_remedy")[0] == "utter_remedy_confirmed"
    assert chat.slots["ticket_reference"] in chat.texts[0], "the customer gets a confirmation"
    assert remedy_statuses(chat.ticket) == {"replacement": "declined", "refund": "accepted", "store_credit": "declined"}
    assert chat.ticket["status"] == "resolved"
    assert chat.slots["remedy"] == "refund"


def test_asking_again_for_the_agreed_remedy_confirms_it_without_changing_anything(domain, engine):
    chat = offered(domain)
    chat.say('/choose_remedy{"remedy": "store_credit"}', "choose_remedy")
    assert chat.say('/choose_remedy{"remedy": "store_credit"}', "choose_remedy") == ["utter_remedy_already"]
    assert chat.slots["ticket_reference"] in chat.texts[0]
    assert chat.ticket["status"] == "resolved"
    assert remedy_statuses(chat.ticket) == {"replacement": "declined", "refund": "declined", "store_credit": "accepted"}


def test_asking_for_one_not_on_offer_after_agreeing_keeps_the_agreed_one(domain, engine):
    chat = offered(domain)
    chat.say("yes", "affirm")
    assert chat.say("could I have a discount then", "choose_remedy") == ["utter_remedy_not_available_kept"]
    assert "a discount" in chat.texts[0]
    assert chat.slots["remedy"] == "replacement"
    assert remedy_statuses(chat.ticket)["replacement"] == "accepted"


# --- a remedy asked for before the offer ---------------------------------------------------------


def test_a_remedy_named_in_the_first_message_leads_the_offer_and_yes_accepts_it(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201, I just want my money back", "delivery_problem")
    assert chat.say(EMAIL, "inform") == ["utter_offer_remedies_wanted"]
    assert "a full refund" in chat.texts[0] and "a free express re-delivery" in chat.texts[0]
    assert chat.slots["offered_remedies"][0] == "refund"
    assert [b["payload"] for b in chat.messages[0]["buttons"]][0] == '/choose_remedy{"remedy": "refund"}'
    chat.say("yes", "affirm")
    assert remedy_statuses(chat.ticket) == {"refund": "accepted", "expedited_reship": "declined",
                                            "store_credit": "declined"}


def test_a_remedy_the_policy_does_not_offer_is_named_with_the_alternatives(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201, give me a discount", "delivery_problem")
    assert chat.say(EMAIL, "inform") == ["utter_offer_remedies_instead"]
    text = chat.texts[0]
    assert "a discount" in text and "15% off" not in text
    assert "a free express re-delivery" in text and "a full refund" in text
    assert chat.slots["offered_remedies"] == ["expedited_reship", "refund", "store_credit"]


@pytest.mark.parametrize("intent", ["choose_remedy", "inform"])
def test_asking_for_a_remedy_before_any_complaint_asks_what_happened_and_promises_nothing(domain, engine, intent):
    chat = Chat(domain)
    assert chat.say("I want a refund", intent)[-1] == "utter_ask_problem_description"
    assert chat.slots["wanted_remedy"] == "refund", "remembered for the offer"
    assert all(t["remedies"] == [] for t in tickets.list_tickets(engine)), "nothing is offered or agreed yet"


# --- the same problem again ------------------------------------------------------------------------


def test_a_first_time_problem_is_not_called_a_repeat(domain, engine):
    chat = offered(domain, sender_id="first", email="sam@example.org")
    assert "utter_recurrent" not in said(chat.messages)
    assert tickets.find_ticket(engine, "first", 1)["recurrent"] is False


def test_the_same_problem_again_is_said_openly_flagged_and_the_offer_widened(domain, engine):
    offered(domain, sender_id="earlier", email="sam@example.org")
    chat = offered(domain, sender_id="again", email="SAM@example.org")
    assert said(chat.messages) == ["utter_recurrent", "utter_offer_remedies"]
    ticket = tickets.find_ticket(engine, "again", 1)
    assert ticket["recurrent"] is True
    assert ticket["priority"] in ("high", "urgent")
    # The policy's "recurrent" variant widens the options and leads with a refund.
    first_time = [r["kind"] for r in tickets.find_ticket(engine, "earlier", 1)["remedies"]]
    repeat = [r["kind"] for r in ticket["remedies"]]
    assert len(repeat) > len(first_time) and repeat[0] == "refund"
    assert "€40 store credit" in chat.texts[1], "the recurrent amounts are used"
    assert chat.slots["offer_situation"] == {"recurrent": True, "anger": "calm", "online": False, "code": False}
    chat.say("yes", "affirm")
    assert remedy_statuses(chat.ticket)["refund"] == "accepted", "the choice is read against the same variant"


def test_the_third_time_goes_to_a_person(domain, engine):
    offered(domain, sender_id="one", email="sam@example.org")
    offered(domain, sender_id="two", email="sam@example.org")
    chat = offered(domain, sender_id="three", email="sam@example.org")
    assert said(chat.messages) == ["utter_recurrent", "utter_handoff"]
    assert chat.events[-1]["event"] == "pause"
    ticket = tickets.find_ticket(engine, "three", 1)
    assert ticket["handoff"] is True and ticket["recurrent"] is True and ticket["status"] == "awaiting_agent"
    assert ticket["remedies"] == [], "a person decides, not the bot"
    assert ticket["reference"] in chat.texts[-1]


# --- repairs: ordinals, details given while an offer is open ------------------------------------


def test_the_second_one_picks_the_second_remedy(domain, engine):
    chat = offered(domain)
    assert chat.say("the second one", "choose_remedy")[0] == "utter_remedy_confirmed"
    assert chat.slots["remedy"] == "refund"




def test_giving_the_email_after_the_offer_does_not_choose_a_remedy(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 4839201", "delivery_problem")
    chat.say("hmm", "inform")
    chat.say("why do you need my email?", "inform")  # the email is skipped here, and the offer made
    chat.say("ok it's jo@example.com", "inform")
    assert chat.slots["remedy"] is None
