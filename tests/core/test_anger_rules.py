"""The labelling guide's clearest signals bound the anger model's level (calmdesk/understanding/anger_rules.py).

Each case is what a support lead reads at once (docs/labelling.md) and what the
trained model, learning only from our own examples, read two levels off on
real customers' messages.
"""
from __future__ import annotations

import pytest

from calmdesk.understanding.anger_rules import adjust


@pytest.mark.parametrize("model_level, text, at_least", [
    ("calm", "I asked for my money back. Not store credit, not a voucher, a REFUND.", "angry"),
    ("calm", "The heater you sold me sparked and could have burned my house down!", "angry"),
    ("calm", "Third fault on the same order. Do you even check what you ship?", "angry"),
    ("calm", "where is my parcel???", "angry"),
    ("calm", "HOW IS THIS STILL NOT FIXED", "angry"),
    ("calm", "your delivery guy is a lazy idiot who threw it over the fence", "abusive"),
    ("calm", "I can't log in, please help!!!", "frustrated"),  # "!!!" on a plea is urgency, not rage
    ("calm", "I've tried everything and it still won't connect", "frustrated"),
    ("calm", "charged twice AGAIN this month", "frustrated"),
    ("calm", "great. just great. my card got declined at checkout and the money still left my account", "frustrated"),
    ("calm", "oh perfect, another delay, my parcel is still not here", "frustrated"),
    ("calm", "third time my card got declined", "frustrated"),
])
def test_a_clear_signal_lifts_a_low_reading(model_level, text, at_least):
    from calmdesk.taxonomy import anger_rank

    reading = adjust(model_level, text)
    assert anger_rank(reading.level) >= anger_rank(at_least), (text, reading)
    assert any(cue.startswith("rule:") for cue in reading.cues)


@pytest.mark.parametrize("model_level, text, expected", [
    ("frustrated", "Could you check on it? My order hasn't arrived yet.", "calm"),  # polite, no feeling word
    ("angry", "How can I report a fraud website that is hosted with you?", "calm"),  # "fraud" is the topic
    ("calm", "YESSS FINALLY FRIDAY!!!", "calm"),  # joy in capitals, no problem
    ("calm", "THANK YOU SO MUCH!!!", "calm"),
    ("calm", "Oh nice, I didn't know they were touring again.", "calm"),
    ("calm", "I lost my job last month, looking for something new now.", "calm"),
    ("calm", "yo the app won't play anything on my fire tv", "calm"),  # not a fire
    ("calm", "Great, thanks for the quick help", "calm"),  # praise, not sarcasm
    ("calm", "great, it works now", "calm"),
])
def test_no_rule_fires_on_calm_messages_and_polite_questions_are_not_read_as_upset(model_level, text, expected):
    assert adjust(model_level, text).level == expected


@pytest.mark.parametrize("model_level, text", [
    ("frustrated", "Not impressed with the gritters, our road's been a skating rink for days."),
    ("angry", "That team is a bunch of cheats."),
    ("abusive", "What a braindead comment, are you twelve?"),
    ("frustrated", "Can you please stop sending me the same email every day?"),
])
def test_the_rules_do_not_lower_feelings_they_cannot_name(model_level, text):
    """Lowering is careful: the model knows more ways to be upset than these patterns."""
    assert adjust(model_level, text, model_cues=("insult",) if "braindead" in text else ()).level == model_level


@pytest.mark.parametrize("model_level, text", [
    ("angry", "WARNING: a fake page is pretending to be your bank. DO NOT CLICK the link!"),
    ("angry", "Heads up, there's a phishing text going round with your logo on it."),
    ("frustrated", "Reporting a scam site that copies your login page, it's hosted on a lookalike address."),
])
def test_a_warning_about_criminals_is_calm(model_level, text):
    """docs/labelling.md: the writer protects others; capitals and "!" in a warning are not shouting at us."""
    reading = adjust(model_level, text)
    assert reading.level == "calm" and "rule:scam_warning" in reading.cues


@pytest.mark.parametrize("text", [
    "You are a scam, you stole my money and I'm warning everyone",
    "phishing emails again, f***ing useless security, DO NOT CLICK anything from them",
])
def test_anger_at_the_company_is_not_a_scam_warning(text):
    assert adjust("angry", text).level in ("angry", "abusive")


def test_an_unsure_angry_reading_without_any_listed_signal_is_the_lower_level():
    """The guide's tie rule: a plain report the model is unsure of is frustrated, not angry."""
    text = "my laptop updated overnight and now it won't start no matter what I do"
    assert adjust("angry", text, angry_probability=0.55).level == "frustrated"
    assert adjust("angry", text, angry_probability=0.9).level == "angry"  # the model is sure: kept
    assert adjust("angry", text, model_cues=("strong_word",), angry_probability=0.55).level == "angry"  # a signal
    assert adjust("angry", "where is my parcel???", angry_probability=0.3).level == "angry"  # a rule's floor


@pytest.mark.parametrize("text", ["pass me to your supervisor", "get your boss on here", "get me a manager"])
def test_a_bare_request_for_a_person_is_not_read_as_abuse(text):
    # docs/labelling.md: abusive is hostility aimed at a person; asking for one is none.
    assert adjust("abusive", text).level == "frustrated"


@pytest.mark.parametrize("text, level", [
    ("is there an actual human being i can speak with, not a robot", "frustrated"),
    ("i want to speak to your manager, this is absolutely ridiculous", "angry"),
    ("get me your supervisor, the delivery guy threw my parcel over the fence and its smashed", "frustrated"),
])
def test_a_person_asked_for_inside_a_longer_message_is_no_abuse(text, level):
    assert adjust("abusive", text).level == level


@pytest.mark.parametrize("text", ["you useless idiots, get me a manager", "put me through to your manager you clown",
                                  "let me speak to a human, you are such idiots"])
def test_a_request_for_a_person_with_insults_stays_abusive(text):
    assert adjust("abusive", text).level == "abusive"


@pytest.mark.parametrize("text", [
    "you charged me for something i never ordered, sort it or i'm doing a chargeback",
    "still no refund, i'm leaving a 1 star review on trustpilot",
    "my order never came and i'm reporting you to trading standards",
])
def test_public_escalation_beside_a_problem_is_angry(text):
    assert adjust("calm", text).level == "angry"
