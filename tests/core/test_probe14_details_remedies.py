"""Round-14 strangers' probe: details and remedies read as the customer meant them, without false positives.

An email corrected in the same breath, a remedy turned down while another is wished for, a remedy in plain words
("the cash", "one that works"), "none of those" said with the one wanted, a two-word problem, "no email", angry
faces alone, "i already gave it on the phone". (Slash order numbers: tests/core/test_order_numbers.py.)
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.category_reading import read_category
from calmdesk.conversation.plan import State, plan
from calmdesk.conversation.signals import read
from calmdesk.conversation.wording_repairs import meant
from calmdesk.desk.details import MAX_ASKS, describe_problem, parse_emails, still_to_ask
from calmdesk.desk.remedy_matching import match_remedy, turned_down
from tests.core.test_signals import parse

ASKING_EMAIL = State(stage="details", asking="customer_email", asked={"customer_email": 1}, category="delivery_problem",
                     complaint_seq=1, order_number="3381-204")
OFFERED = ("replacement", "refund", "store_credit")
AT_THE_OFFER = State(stage="remedy_offered", category="product_defect", complaint_seq=1, order_number="5530-120",
                     customer_email="ida.m@example.com", offered=OFFERED)


def names(moves):
    return [m.name for m in moves]


# --- 1a: an email corrected in the same message ------------------------------------------------------------------

@pytest.mark.parametrize("text, kept", [
    ("tom.h@example.com - no sorry thats my old one, use tom.harris@example.com", "tom.harris@example.com"),
    ("a.b@example.com no wait, a.bee@example.com", "a.bee@example.com"),
    ("a.b@example.com sorry i mean a.bee@example.com", "a.bee@example.com"),
    ("old one was a.b@example.com, new one is a.bee@example.com", "a.bee@example.com"),
    ("kay@example.com oops, kay.lund@example.com", "kay.lund@example.com"),
    ("pat@example.com (old) pat.o@example.com", "pat.o@example.com"),
    ("not jo@work.example.com, its jo@home.example.com", "jo@home.example.com"),
])
def test_an_email_corrected_in_the_same_message_keeps_the_one_said_to_be_right(text, kept):
    s = read(parse(text, "inform"), asking="customer_email")
    assert s.email == kept and s.correction
    moves = plan(ASKING_EMAIL, s)
    assert [m.args["value"] for m in moves if m.name == "keep_detail"] == [kept]


@pytest.mark.parametrize("text, kept", [
    ("jo@a.example.com and my work one is jo@b.example.com", "jo@a.example.com"),
    ("jo@a.example.com or jo@b.example.com, either works", "jo@a.example.com"),
    ("kay@example.com, my partner uses bo@example.com too", "kay@example.com"),
])
def test_two_emails_side_by_side_keep_the_first_and_are_no_correction(text, kept):
    s = read(parse(text, "inform"), asking="customer_email")
    assert s.email == kept and not s.correction


def test_every_email_in_a_message_in_the_order_typed():
    assert parse_emails("A.B@Example.com no wait, a.bee@example.com") == ["a.b@example.com", "a.bee@example.com"]
    assert parse_emails("jane at gmail dot com") == ["jane@gmail.com"]
    assert parse_emails("no address here") == []


@pytest.mark.parametrize("text, values, kept", [
    ("its 5512 sorry i mean 5521", ["5512", "5521"], ["5521"]),
    ("i meant 7731024 instead of 7731042", ["7731024", "7731042"], ["7731024"]),
    ("orders 5512 and 5513, sorry", ["5512", "5513"], ["5512", "5513"]),
    ("not 5512", ["5512"], ["5512"]),  # the only one given stays
])
def test_the_values_meant(text, values, kept):
    assert meant(text, values) == kept


# --- 5a: a remedy turned down in the customer's words ----------------------------------------------------------------

@pytest.mark.parametrize("text, word", [
    ("i dont want to faff about with refunds, id just like a new one", "refunds"),
    ("honestly i cant be bothered with refunds", "refunds"),
    ("i really dont want to deal with another re-delivery", "re-delivery"),
    ("i dont want to wait for a replacement", "replacement"),
    ("sick of replacements that break", "replacements"),
    ("id rather not have store credit", "store credit"),
    ("the last thing i want is a voucher", "voucher"),
])
def test_a_remedy_turned_down_in_own_words(text, word):
    assert turned_down(text, text.index(word))


@pytest.mark.parametrize("text, word", [
    ("i want a refund", "refund"), ("i dont mind a refund", "refund"), ("i cant wait for the refund", "refund"),
    ("why dont i just take the refund", "refund"), ("you dont have to send a replacement", "replacement"),
])
def test_a_remedy_wished_for_is_not_turned_down(text, word):
    assert not turned_down(text, text.index(word))


@pytest.mark.parametrize("text, remedy", [
    ("i dont want to faff about with refunds, id just like a new one that works", "replacement"),
    ("honestly i cant be bothered with refunds, just send a new one", "replacement"),
    ("i really dont want to deal with another re-delivery, just refund me", "refund"),
])
def test_the_remedy_wished_for_is_picked_not_the_one_turned_down(text, remedy):
    s = read(parse(text, "product_defect"))
    assert s.remedy == remedy and s.remedies_named == (remedy,)


def test_a_refund_turned_down_is_no_refund_problem():
    text = "the toaster burns one side black. honestly i cant be bothered with refunds, id like a new one"
    message = {"text": text, "intent": {"name": "refund_request", "confidence": 0.6},
               "intent_ranking": [{"name": "refund_request", "confidence": 0.6},
                                  {"name": "product_defect", "confidence": 0.2}]}
    assert read_category(message, text)[0] == "product_defect"
    waiting = "i dont want to wait another week for my refund"
    message = {**message, "text": waiting}
    assert read_category(message, waiting)[0] == "refund_request"


# --- 5b: a clear choice in plain words -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, remedy", [
    ("id rather have the cash tbh", "refund"), ("i prefer the money return please", "refund"),
    ("cash please", "refund"), ("ill take the money", "refund"), ("just cash", "refund"),
    ("money return please", "refund"), ("i'd sooner have the money", "refund"),
    ("i just want one that works", "replacement"), ("a lamp that actually works please", "replacement"),
    ("a working one would do", "replacement"),
])
def test_a_remedy_in_plain_words_at_the_offer_is_chosen(text, remedy):
    s = read(parse(text, "vent", 0.6))
    assert s.remedy == remedy
    moves = plan(AT_THE_OFFER, s)
    assert move_kinds(moves) == [remedy] and "vent" not in names(moves)
    assert match_remedy(text, OFFERED) == remedy


def move_kinds(moves):
    return [m.args["kind"] for m in moves if m.name == "want_remedy"]


@pytest.mark.parametrize("text", [
    "you took the money twice", "they took the cash and ran", "i paid cash", "the money was taken twice",
    "i ordered a lamp that works with alexa", "the remote that works with the tv is broken",
    "one of them works, the other doesnt",
])
def test_money_and_working_things_in_a_complaint_are_no_remedy(text):
    assert read(parse(text, "billing_problem")).remedy is None


def test_the_money_on_the_account_stays_store_credit():
    assert read(parse("just put the money on my account")).remedy == "store_credit"
    assert match_remedy("the money on my account pls", ("refund", "store_credit")) != "refund"


# --- 5c: none of those, with the one wanted named -------------------------------------------------------------------

@pytest.mark.parametrize("text, remedy", [
    ("none of those, i just want a charger that works", "replacement"),
    ("neither of those to be honest, i just want my money back", "refund"),
    ("none of those, refund please", "refund"),
])
def test_none_of_those_with_the_remedy_wished_for_chooses_it(text, remedy):
    s = read(parse(text, "deny", 0.7))
    assert not s.declines_remedies and s.remedy == remedy
    assert "decline_remedies" not in names(plan(AT_THE_OFFER, s))


@pytest.mark.parametrize("text", [
    "none of those", "none of those, a refund takes too long", "none of those. not a refund and not a replacement",
    "neither, a replacement would just break too",
])
def test_none_of_those_without_a_wish_declines_them_all(text):
    s = read(parse(text, "deny", 0.7))
    assert s.declines_remedies
    assert "decline_remedies" in names(plan(AT_THE_OFFER, s))


# --- 9: a short problem told, "no email", the offer coming now ---------------------------------------------------------

@pytest.mark.parametrize("text", ["parcel missing", "order late", "screen cracked", "wrong item", "box empty!!",
                                  "no parcel", "order delayed"])
def test_a_thing_and_its_fault_say_what_happened_when_the_kind_is_known(text):
    assert describe_problem(text, min_words=3, short_fault=True) == text
    assert describe_problem(text, min_words=3) is None  # (not counted without the kind known)


@pytest.mark.parametrize("text", ["it broke", "still broken", "not working", "help please", "hi there", "its late",
                                  "refund pls"])
def test_two_words_without_a_thing_and_its_fault_are_not_what_happened(text):
    assert describe_problem(text, min_words=3, short_fault=True) is None


@pytest.mark.parametrize("text", ["no email sorry", "sorry no email", "ive got no email", "no email address, sorry"])
def test_no_email_is_none_to_give(text):
    s = read(parse(text, "other", 0.4), asking="customer_email")
    assert s.cannot_give
    assert "cannot_give" in names(plan(ASKING_EMAIL, s))


@pytest.mark.parametrize("text", ["no email from you yet", "no email confirmation either"])
def test_no_email_from_the_shop_is_a_complaint_not_a_refusal(text):
    assert not read(parse(text, "delivery_problem", 0.6), asking="customer_email").cannot_give


def test_what_is_still_to_ask_before_the_offer():
    required = ["order_number", "customer_email"]
    assert still_to_ask(required, {"order_number": "5512"}, {"customer_email": 1}) == ["customer_email"]
    assert still_to_ask(required, {"order_number": "5512"}, {"customer_email": MAX_ASKS}) == []
    assert still_to_ask(required, {"order_number": "5512", "customer_email": "not_given"}, {}) == []


# --- 12: angry faces alone, "you already have it" -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["😡😡😡", "🤬🤬", "😡 !!!", "😠"])
def test_angry_faces_alone_are_an_outburst_heard(text):
    s = read(parse(text, "nlu_fallback", 0.3))
    assert s.vent
    assert names(plan(State(), s)) == ["vent", "continue"]


@pytest.mark.parametrize("text", ["😂😂", "👍", "😡 my order"])
def test_other_faces_or_faces_with_words_are_not_read_as_a_bare_outburst(text):
    assert not read(parse(text, "nlu_fallback", 0.3)).vent


@pytest.mark.parametrize("text", [
    "same as on the acount", "same as my account", "i already gave you my order number on the phone yesterday!!",
    "ive already given my email to your colleague last week", "i gave it to the guy on the phone yesterday",
    "i told you my email already",
])
def test_you_already_have_it_is_answered_that_the_bot_cannot_see_it(text):
    s = read(parse(text, "vent", 0.6), asking="customer_email")
    assert s.assumed_known
    assert names(plan(ASKING_EMAIL, s))[0] == "not_visible"


@pytest.mark.parametrize("text", ["you gave me the wrong item", "i gave you the wrong number, its 5512",
                                  "they told me it would come yesterday", "i already sent it back", "i already told you"])
def test_other_giving_and_telling_is_not_you_already_have_it(text):
    assert not read(parse(text, "other"), asking="customer_email").assumed_known
