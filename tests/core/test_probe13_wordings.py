"""Round-13 strangers' probe: wordings read, without false positives."""
from __future__ import annotations

import pytest

from calmdesk.conversation.reflect import item_named
from calmdesk.conversation.signals import _remedies
from calmdesk.conversation.wording import EMAIL_QUESTIONED, LEAVING, WANTS_PERSON
from calmdesk.desk.details import email_slip, typo_question_open
from calmdesk.desk.remedy_matching import PARTIAL_REFUND as PARTIAL, QUICKEST, quickest
from calmdesk.understanding.category_cues import code_not_taken, refine_category

ASKED = ("utter_ask_email_typo",)


@pytest.mark.parametrize("suggested,email,recent,open_", [
    ("zed@outlook.com", "zed@outlok.com", ("utter_ask_email_typo", "utter_offer_remedies"), True),
    ("zed@outlook.com", "zed@outlook.com", ASKED, False),   # yes: taken
    ("zed@outlok.com", "zed@outlok.com", ASKED, False),     # no: the typed one kept
    ("zed@outlook.com", "zed@outlok.com", ("utter_offer_remedies",), False),  # asked too long ago
    (None, "zed@outlok.com", ASKED, False),
])
def test_did_you_mean_stays_open_only_until_answered(suggested, email, recent, open_):
    assert typo_question_open(suggested, email, recent) is open_


def test_what_looked_wrong_in_an_address_is_said_plainly():
    assert email_slip("pat.n@yahoo.con", "pat.n@yahoo.com") == ".con, not .com"
    assert email_slip("zed@outlok.com", "zed@outlook.com") == "outlok, not outlook"


@pytest.mark.parametrize("text,puzzled", [
    ("what? my email is fine", True), ("what?", True), ("huh", True), ("whats wrong with it", True),
    ("my email is correct", True), ("what do you mean", True),
    ("what happens next", False), ("yes", False), ("no its right", False), ("what about my refund", False),
])
def test_puzzlement_at_did_you_mean(text, puzzled):
    assert bool(EMAIL_QUESTIONED.search(text)) is puzzled


@pytest.mark.parametrize("text,wants", [
    ("is there a real life being who can help", True),
    ("is there an actual human that can sort this", True),
    ("do you lot even have humans working there or is it all robots", True),
    ("do u even have staff", True),
    ("is it all bots", True),
    # not asking for anyone
    ("is there a real problem with my order", False),
    ("do you have people sizes in stock", False),
    ("is it all there in the box", False),
    ("is it just me or is the app slow", False),
])
def test_a_person_asked_in_odd_words(text, wants):
    assert bool(WANTS_PERSON.search(text)) is wants


@pytest.mark.parametrize("text,leaving", [
    ("oh wow a voucher how generous. cant do this now, back later", True),
    ("cant do this now sorry", True),
    ("gotta go to work, just call me", True),
    ("be back tomorrow", True),
    ("ill be back later", True),
    # not leaving
    ("it came back later broken", False),
    ("call me back later", False),
    ("i cant do this anymore, third time its broken", False),
    ("the app came back later that day", False),
    ("the refund came back later than you said", False),
])
def test_leaving_in_odd_words(text, leaving):
    assert bool(LEAVING.search(text)) is leaving


@pytest.mark.parametrize("text,code", [
    ("the WELCOME10 thing didnt take anything off my first order?? 4410-332", True),
    ("SAVE20 wont apply", True),
    ("why does it say expired, the email literally says valid till sunday. ive already paid now without it", True),
    # no code
    ("my XBOX360 doesnt work", False),
    ("my card says expired but its valid until 2027", False),
    ("order 5561-110 didnt arrive", False),
    ("the payment didnt go through", False),
])
def test_a_discount_code_named_by_itself_or_by_its_dates(text, code):
    assert code_not_taken(text) is code


@pytest.mark.parametrize("text,partial", [
    ("ill keep it if you knock a tenner off", True),
    ("can i just get like 30% back and keep it", True),
    ("i want something back for the hassle not a full refund obviously", True),
    ("id take 20 quid back and keep it", True),
    # not part of the money back
    ("take 10% off my next order", False),
    ("i want to send it back", False),
    ("i want a full refund", False),
    ("i want my 50 quid refunded in full", False),
])
def test_part_of_the_money_back_in_odd_words(text, partial):
    assert (PARTIAL in _remedies(text)) is partial


@pytest.mark.parametrize("text,code", [
    ("SPRING15 did nothing to my total", True),
    ("the promo code did nothing", True),
    ("my ABC12 blender did nothing when switched on", False),
])
def test_a_code_that_did_nothing(text, code):
    assert code_not_taken(text) is code


@pytest.mark.parametrize("category", ["cancellation", "delivery_problem", "other"])
def test_a_named_code_taking_nothing_off_outweighs_the_guess(category):
    assert refine_category(category, "tried SPRING15 and it took nothing off the total") == "billing_problem"
    assert refine_category(category, "my XBOX360 keeps freezing") == category  # (never came: the delivery, probe 14)


@pytest.mark.parametrize("text,item", [
    ("tv remote missing from the box", "TV remote"),
    ("the phone charger stopped working", "phone charger"),
    # two things, not one: the first named
    ("my tv arrived, remote missing", "TV"),
    ("my kettle and mug broke", "kettle"),
    ("the parcel lamp was smashed", "lamp"),
])
def test_the_last_noun_of_a_compound_names_the_thing(text, item):
    assert item_named(text) == item


@pytest.mark.parametrize("text,leaves_it", [
    ("whichever is quicker", True), ("whatever gets here quickest", True), ("the fastest one please", True),
    ("which is quicker?", False), ("i paid for the fastest delivery", False),
])
def test_the_choice_left_to_speed(text, leaves_it):
    assert bool(QUICKEST.search(text)) is leaves_it


def test_the_quickest_remedy_is_the_soonest_timeline():
    timelines = [("refund", "back within 3–5 working days"), ("replacement", "ships within 1 working day"),
                 ("store_credit", "on your account within 24 hours")]
    assert quickest(timelines) == "replacement"  # a tie goes to the first offered
    assert quickest([("discount", "in your inbox within the hour"), *timelines]) == "discount"
    assert quickest([("goodwill", "soon")]) is None


def test_an_amount_back_without_keeping_it_is_no_partial_refund():
    assert PARTIAL not in _remedies("just give me the 10% back")  # a code's discount, not part of the price
    assert PARTIAL in _remedies("ill keep it for 15% back")
