"""Everything a message carries: one test per signal, in the words customers use."""
from __future__ import annotations

import pytest

from calmdesk.conversation.signals import read


def parse(text, intent="other", confidence=0.9, ranking=None, anger="calm"):
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking or [{"name": intent, "confidence": confidence}], "anger": {"level": anger}}


@pytest.mark.parametrize("text", [
    "I was billed twice for one order, put me through to a person",
    "is there a number I can call?",
    "please just contact me",
    "would have loved to talk to a human",
    "can someone call me back",
    "get me a manager",
    "human please",
    "i want to speak with someone from customer service",
    "transfer me to an agent",
    "enough with the bot",
])
def test_a_request_for_a_person_is_heard_however_it_is_put(text):
    assert read(parse(text)).wants_person


@pytest.mark.parametrize("text", [
    "nobody ever called me back",
    "I don't want to talk to a person, just fix it",
    "the person at the door was rude",
    "my parcel is late",
])
def test_no_person_request_where_there_is_none(text):
    assert not read(parse(text)).wants_person


def test_the_classifiers_request_human_counts_too():
    assert read(parse("get me outta here", intent="request_human", confidence=0.8)).wants_person


@pytest.mark.parametrize("text, kind", [
    ("cancel it and give me my money back", "refund"),
    ("honestly I just want the delivery charge back", "refund"),
    ("just send the missing bits", "replacement"),
    ("make it a refund instead", "refund"),
    ("a voucher would do", "store_credit"),
    ("can you resend it by express", "expedited_reship"),
    ("some compensation for the hassle", "goodwill"),
])
def test_a_remedy_in_the_customers_own_words(text, kind):
    assert read(parse(text)).remedy == kind


def test_a_credit_card_is_not_store_credit():
    assert read(parse("my credit card was charged twice")).remedy is None


@pytest.mark.parametrize("text", ["none of those", "neither, thanks", "I don't want any of those"])
def test_declining_every_remedy(text):
    assert read(parse(text)).declines_remedies


@pytest.mark.parametrize("text, question", [
    ("hello? are you still there?", "still_there"),
    ("why do you need my email", "why_needed"),
    ("how long will this take", "how_long"),
    ("is there actually a person there?", "person_available"),
    ("can you repeat that?", "repeat"),
    ("what happens next?", "what_next"),
    ("am i talking to a bot", None),
])
def test_questions_mid_way(text, question):
    signals = read(parse(text, intent="bot_challenge" if "bot" in text else "other"))
    assert signals.question == (question or "is_bot")


def test_asking_for_a_person_is_not_a_question_about_one():
    signals = read(parse("is there a person I can talk to"))
    assert signals.wants_person and signals.question is None


@pytest.mark.parametrize("text", ["forget it", "never mind, I'll shop elsewhere", "bye", "ok bye then"])
def test_leaving(text):
    assert read(parse(text)).leaving


@pytest.mark.parametrize("text", ["actually it's A-20932", "sorry wrong one, 1043", "typo, I meant x@y.com"])
def test_corrections(text):
    assert read(parse(text)).correction


def test_details_in_any_message_are_read():
    signals = read(parse("order #1042 and my email is Tasha.M@example.org, the lamp is broken"))
    assert signals.order_number == "1042" and signals.email == "tasha.m@example.org"


def test_a_bare_four_digits_is_an_order_number_only_as_the_answer():
    assert read(parse("1042")).order_number is None
    assert read(parse("1042"), asking="order_number").order_number == "1042"


def test_the_category_survives_a_top_intent_that_is_not_a_complaint():
    ranking = [{"name": "request_human", "confidence": 0.5}, {"name": "billing_problem", "confidence": 0.35},
               {"name": "other", "confidence": 0.1}]
    signals = read(parse("charged twice, get me someone", intent="request_human", confidence=0.5, ranking=ranking))
    assert signals.category == "billing_problem" and signals.wants_person


def test_no_category_where_no_complaint_is_clear():
    ranking = [{"name": "greet", "confidence": 0.9}, {"name": "billing_problem", "confidence": 0.05}]
    assert read(parse("hi there", intent="greet", ranking=ranking)).category is None


def test_also_marks_a_second_problem():
    assert read(parse("also, my discount code never worked")).also
    assert read(parse("and another thing - the app logs me out")).also


def test_a_tapped_button_says_exactly_what_it_says():
    signals = read(parse('/choose_remedy{"remedy": "refund"}', intent="choose_remedy"))
    assert signals.remedy == "refund" and not signals.wants_person and signals.category is None


def test_in_a_long_message_the_main_problem_corrects_an_unsure_reading():
    message = parse("my parcel is ten days late and when i got through on the phone the guy was useless",
                    intent="staff_complaint", confidence=0.55)
    message["main_problem"] = {"category": "delivery_problem", "confidence": 0.6, "clauses": 2}
    assert read(message).category == "delivery_problem"


def test_the_main_problem_does_not_overrule_a_sure_reading():
    message = parse("a long message", intent="billing_problem", confidence=0.9)
    message["main_problem"] = {"category": "delivery_problem", "confidence": 0.6, "clauses": 2}
    assert read(message).category == "billing_problem"


def test_a_refund_wished_for_another_problem_keeps_that_problems_category():
    ranking = [{"name": "refund_request", "confidence": 0.6}, {"name": "service_outage", "confidence": 0.15}]
    signals = read(parse("the site was down all evening and i want a refund for that", intent="refund_request",
                         confidence=0.6, ranking=ranking))
    assert signals.category == "service_outage" and signals.remedy == "refund"


def test_a_refund_that_has_not_arrived_is_a_refund_problem():
    ranking = [{"name": "refund_request", "confidence": 0.6}, {"name": "delivery_problem", "confidence": 0.2}]
    signals = read(parse("i want my refund, it still hasnt arrived", intent="refund_request", confidence=0.6,
                         ranking=ranking))
    assert signals.category == "refund_request"


def test_two_problems_in_one_message_keep_the_order_they_were_told():
    message = parse("my parcel is late and also the driver was rude", intent="staff_complaint", confidence=0.76)
    message["problems"] = [{"category": "delivery_problem", "confidence": 0.9, "text": "my parcel is late"},
                           {"category": "staff_complaint", "confidence": 0.8, "text": "the driver was rude"}]
    signals = read(message)
    assert signals.category == "delivery_problem"
    assert signals.more_problems == ({"category": "staff_complaint", "text": "the driver was rude"},)


@pytest.mark.parametrize("text, question", [
    ("can I subscribe with just the balance in my wallet?", "other"),
    ("How would I go about buying gift cards in bulk?", "other"),
    ("why cant I add funds to my wallet", None),  # a problem asked as a question
    ("where is my parcel??", None),
])
def test_any_other_question_is_told_from_a_problem_asked_as_one(text, question):
    assert read(parse(text)).question == question


# --- a declared incident: the likeliest explanation of a complaint that may be about it ----------------


def _ranked(text, scores, main=None, anger="angry"):
    """A parse with this intent ranking ({intent: confidence}, highest first) and clause vote."""
    ranking = [{"name": n, "confidence": c} for n, c in sorted(scores.items(), key=lambda kv: -kv[1])]
    message = {"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking, "anger": {"level": anger}}
    if main:
        message["main_problem"] = {"category": main[0], "confidence": main[1], "clauses": 2}
    return message


OUTAGE = ("service_outage",)


@pytest.mark.parametrize("message", [
    # the classifier's runner-up, with real probability
    _ranked("the whole site has been out for 208 minutes and not a single word from you!! I'll miss the deadline",
            {"delivery_problem": 0.476, "service_outage": 0.342, "product_defect": 0.026},
            main=("service_outage", 0.346)),
    # the top intent, which the clause vote had overruled
    _ranked("the whole site has been out for 187 minutes and not a single word from you!! what exactly am I paying for?",
            {"service_outage": 0.436, "billing_problem": 0.21, "delivery_problem": 0.131},
            main=("billing_problem", 0.473)),
    # a sure reading, but the clause vote and the outage's own words say outage
    _ranked("the whole site has been out for 205 minutes and not a single word from you!! I need my invoices by 13:30",
            {"delivery_problem": 0.782, "refund_request": 0.079, "service_outage": 0.041},
            main=("service_outage", 0.54)),
    # a rant with no category of its own
    _ranked("nothing loads, your app is down and I can't work", {"vent": 0.5, "service_outage": 0.25}),
])
def test_a_complaint_that_may_be_the_declared_incident_is_read_as_it(message):
    assert read(message).category != "service_outage"
    signals = read(message, incidents=OUTAGE)
    assert signals.category == "service_outage" and signals.by_incident
    assert 0.2 <= signals.category_confidence < 0.6, "the classifier's own probability, not a made-up certainty"


@pytest.mark.parametrize("message, category", [
    # a clearly different complaint, read surely: the incident does not swallow it
    (_ranked("my parcel arrived crushed and the vase inside is broken",
             {"damaged_or_wrong_item": 0.95, "service_outage": 0.01}), "damaged_or_wrong_item"),
    (_ranked("I can't log in, it says my password is wrong",
             {"account_access": 0.9, "service_outage": 0.08}), "account_access"),
    # sure, and a clause vote for the outage, but no word says the service is down
    (_ranked("I can't log in to my account on the mobile app and I can't get to the market place either",
             {"account_access": 0.84, "service_outage": 0.07}, main=("service_outage", 0.43)), "account_access"),
    # unsure, the outage runner-up, but the message never says the service cannot be reached
    (_ranked("my phone got wet and now it doesn't work, why advertise it as waterproof",
             {"product_defect": 0.68, "service_outage": 0.27}), "product_defect"),
    # the outage too faint to count
    (_ranked("my refund still hasn't arrived and the site is down too",
             {"refund_request": 0.6, "service_outage": 0.12}), "refund_request"),
    # the outage not three times as likely as the reading
    (_ranked("your site is down? my order says delivered but nothing came",
             {"delivery_problem": 0.7, "service_outage": 0.22}), "delivery_problem"),
])
def test_a_different_complaint_is_not_swallowed_by_the_incident(message, category):
    signals = read(message, incidents=OUTAGE)
    assert signals.category == category and not signals.by_incident


def test_a_message_without_a_complaint_stays_what_it_is():
    assert read(_ranked("ok, thanks", {"thank": 0.95, "service_outage": 0.03}), incidents=OUTAGE).category is None
    assert read(_ranked("fine. just fix it", {"choose_remedy": 0.53, "service_outage": 0.25}),
                incidents=OUTAGE).category is None, "too few words to be a complaint"


def test_only_the_declared_incidents_category_is_favoured():
    message = _ranked("the whole site has been out for an hour, I'll miss the deadline",
                      {"delivery_problem": 0.48, "service_outage": 0.34})
    assert read(message, incidents=("payment_failed",)).category == "delivery_problem"
    assert read(message, incidents=("payment_failed", "service_outage")).category == "service_outage"


def test_a_crash_is_not_the_outage_even_while_one_is_declared():
    message = _ranked("the app keeps crashing when I open settings, it is down on my phone only",
                      {"product_defect": 0.5, "service_outage": 0.3})
    assert read(message, incidents=OUTAGE).category == "service_outage", "it says down: the cue allows it"
    crash = _ranked("the app keeps crashing whenever I open the settings screen",
                    {"product_defect": 0.5, "service_outage": 0.3})
    assert read(crash, incidents=OUTAGE).category == "product_defect"


def test_incidents_are_looked_up_only_for_a_message_one_may_explain():
    from calmdesk.conversation.category_reading import might_concern_an_incident

    assert might_concern_an_incident(_ranked("my site is down", {"service_outage": 0.9}))
    assert might_concern_an_incident(_ranked("ok", {"affirm": 0.7, "delivery_problem": 0.25}))
    assert not might_concern_an_incident(_ranked("ok, thanks", {"thank": 0.95, "service_outage": 0.03}))
