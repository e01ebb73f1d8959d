"""Signals in the words of customers who do not write like our examples (tests/conversations/strangers.yml)."""
from __future__ import annotations

import pytest

from calmdesk.conversation.signals import read
from tests.core.test_signals import parse


@pytest.mark.parametrize("text", [
    "none of that helps tbh, is there anyone real i can speak to",
    "is there anybody i can talk to",
    "can i talk to anybody please",
    "i need to speak to someone real",
    "broken glass table, order 4401290, let me speak to whoever is in charge",
    "who is in charge there, i want them",
    "is there anyone there with a brain who can fix this",
])
def test_a_person_asked_for_with_anyone_or_somebody(text):
    assert read(parse(text)).wants_person


@pytest.mark.parametrize("text", [
    "i couldnt talk to anyone real on the phone",
    "is there anyone there",
    "the driver said he was in charge of the van and then drove off",
])
def test_no_person_request_in_a_complaint_or_a_question(text):
    assert not read(parse(text)).wants_person


@pytest.mark.parametrize("text, kind", [
    ("i dont want store credit i want my actual money back", "refund"),
    ("not a voucher, a refund", "refund"),
    ("i want my money back not points or whatever", "refund"),
    ("no replacement thanks, just give me the money back", "refund"),
    ("just send the thing again pls", "expedited_reship"),
    ("can you send my parcel out again", "expedited_reship"),
    ("just knock something off the price and we'll call it even", "discount"),
    ("a partial refund would be fair", "partial_refund"),  # the money-off remedy where offered, never the full refund
    ("whatever is fastest", "expedited_reship"),
    ("actually no, forget the refund, just send a new one", "replacement"),
    ("scrap the voucher, money back please", "refund"),
])
def test_the_remedy_wanted_not_the_one_turned_down(text, kind):
    assert read(parse(text)).remedy == kind


def test_a_remedy_only_turned_down_is_no_wish():
    assert read(parse("i dont want a refund, i want it to work")).remedy is None


@pytest.mark.parametrize("text", [
    "i'd rather not give my email",
    "i prefer not to share that",
    "not giving you my email, sorry",
    "i dont want to give my email out",
])
def test_a_refusal_to_give_a_detail_is_read_like_not_having_it(text):
    assert read(parse(text), asking="customer_email").cannot_give


@pytest.mark.parametrize("text", ["i'd rather not wait another week", "i gave it to you already"])
def test_other_refusals_are_not_a_missing_detail(text):
    assert not read(parse(text), asking="customer_email").cannot_give


@pytest.mark.parametrize("text", [
    "ok. how long until its fixed?",
    "when will the site be back up",
    "how much longer till it's working",
    "when will you fix it",
])
def test_asking_when_the_fault_will_be_fixed(text):
    assert read(parse(text)).question == "fix_when"


@pytest.mark.parametrize("text", [
    "i paid for express delivery and it took 9 days",
    "paid for next day express shipping and its still not here",
])
def test_a_service_the_customer_paid_for_is_not_a_remedy_wished_for(text):
    assert read(parse(text)).remedy is None


@pytest.mark.parametrize("text", ["do you ship to ireland", "what is your returns policy", "how do i return something"])
def test_a_general_question_is_an_enquiry(text):
    assert read(parse(text)).enquiry


@pytest.mark.parametrize("text", ["is my order ever coming?", "why hasn't my refund arrived?", "can i return my shoes?"])
def test_a_question_about_the_customers_own_order_is_no_enquiry(text):
    assert not read(parse(text)).enquiry


@pytest.mark.parametrize("text", [
    "wait actually one more thing, my discount code didnt work on a different order 7790555",
    "actually my other order 7712555 also never arrived",
])
def test_another_order_is_another_problem(text):
    assert read(parse(text)).also


def test_anyone_alone_asks_whether_the_bot_is_still_there():
    assert read(parse("anyone?")).question == "still_there"


@pytest.mark.parametrize("text", ["just send the thing", "the charger is the one missing so just send it"])
def test_send_the_thing_is_the_thing_again(text):
    assert read(parse(text)).remedy == "expedited_reship"


def test_a_manager_asked_for_is_no_staff_complaint():
    ranking = [{"name": "staff_complaint", "confidence": 0.46}, {"name": "delivery_problem", "confidence": 0.3},
               {"name": "request_human", "confidence": 0.1}]
    text = "order 8812004 never came and i want to speak to your manager NOW"
    assert read(parse(text, "staff_complaint", 0.46, ranking)).category == "delivery_problem"
    rude = "your driver was rude to me and i want to speak to your manager"
    assert read(parse(rude, "staff_complaint", 0.46, ranking)).category == "staff_complaint"


@pytest.mark.parametrize("text, kind", [
    ("i'll just keep it if you give me a bit of money back", "partial_refund"),
    ("the money one pls", "refund"),
    ("can u not just get the courier to bring it tomorow", "expedited_reship"),
])
def test_more_remedies_in_own_words(text, kind):
    assert read(parse(text)).remedy == kind


@pytest.mark.parametrize("text", [
    "i want this escalated to someone senior",
    "i'd really prefer to explain this to someone who can actually make decisions",
    "this isnt something a bot can fix is it",
    "i'd rather sort this with someone from your billing team tbh",
    "can a person unlock it",
    "can i just ring someone about this instead of typing",
])
def test_a_person_asked_for_in_other_words(text):
    assert read(parse(text)).wants_person


def test_i_dont_use_email_is_a_refusal():
    assert read(parse("i don't use email"), asking="customer_email").cannot_give


@pytest.mark.parametrize("text", ["ugh i'll come back later", "ok thanks, have a nice day"])
def test_coming_back_later_is_leaving(text):
    assert read(parse(text)).leaving


def test_an_outage_asked_about_in_a_hashtag_is_no_enquiry():
    assert not read(parse("anyone else experience total service loss??? #tmobileoutage")).enquiry


@pytest.mark.parametrize("text", ["how do i change the email on my account", "discount code SAVE20 says invalid",
                                  "my voucher code doesnt work"])
def test_a_code_or_the_account_named_is_no_remedy_wished_for(text):
    assert read(parse(text)).remedy is None


def test_thanks_for_nothing_is_no_thanks():
    signals = read(parse("thanks for nothing"))
    assert not signals.thanks and signals.vent


@pytest.mark.parametrize("text, reference", [("ref CD-123456 any update?", "CD-123456"),
                                             ("cd-7k3m9q whats happening with it", "CD-7K3M9Q")])
def test_a_quoted_ticket_reference_is_no_order_number(text, reference):
    signals = read(parse(text))
    assert signals.reference == reference
    assert signals.order_numbers == ()


@pytest.mark.parametrize("text", ["can someone look at this", "i called you three times already",
                                  "i had to sort it out with my bank", "the person at the door was rude"])
def test_help_wanted_or_people_mentioned_is_no_request_for_a_person(text):
    # docs/labelling.md: "can someone look at this" asks for help, not for a person instead of the bot
    assert not read(parse(text)).wants_person


@pytest.mark.parametrize("text, kind", [("i dont want 15% off anything i want to get into my account", None),
                                        ("not the 20 quid credit", None), ("15% off please", "discount")])
def test_a_remedy_turned_down_with_its_amount(text, kind):
    assert read(parse(text)).remedy == kind


@pytest.mark.parametrize("text, kind", [
    ("hi, please delete my account and all my data. gdpr", "erase_data"),
    ("how do i stop getting your marketing emails??", "marketing_opt_out"),
    ("please stop sending me texts", "marketing_opt_out"),
    ("I need a VAT invoice for order NW-88213", "invoice"),
    ("can i change the delivery address on order 4471902?", "change_address"),
    ("i want to change the email on my account", "change_email"),
    ("bought it for 129 and now its 89 on your site, can i get the difference back?", "price_drop"),
    # a second probe's wordings (round 11)
    ("hello, my company needs a proper receipt with your vat number on it for order NW88213", "invoice"),
    ("could you email me an invoice for order 7712009 please, need it for my tax return", "invoice"),
    ("my order 5531209 is going to my old flat, can it be sent to 14 Elm Road instead", "change_address"),
    ("pls cancel order 4450021 i ordered the wrong colour by mistake, it hasnt shipped yet", "cancel_order"),
    ("hi can i send back a jumper i dont want anymore? its unworn with tags still on", "return_unwanted"),
    ("how do i return a dress that doesnt fit? nothing wrong with it just too small", "return_unwanted"),
])
def test_requests_that_are_not_complaints(text, kind):
    assert read(parse(text, "other")).request == kind


@pytest.mark.parametrize("text", [
    "my invoice shows the wrong amount", "i was charged twice, please refund the difference",
    "my parcel was delivered to the wrong address", "my account was deleted without warning??",
    "i cant log in to check on it or change the address, it says suspended",
    "i cant cancel my order, the button does nothing", "cancel my order its been 3 weeks and still not here",
    "how do i return the wrong one, is there a label?", "the dress doesnt fit and the zip is broken",
])
def test_complaints_near_a_request_are_no_request(text):
    assert read(parse(text, "other")).request is None


@pytest.mark.parametrize("text, kind", [
    ("I want a refund for it. actually no wait, a replacement, I need it for saturday", "replacement"),
    ("a refund, or a replacement if not", "refund"),
    ("the express one never came either. this is a joke", None),
    ("the replacement never arrived, i want a refund", "refund"),
])
def test_the_remedy_wished_for_after_a_correction_or_a_failure(text, kind):
    assert read(parse(text)).remedy == kind


@pytest.mark.parametrize("text", ["so will someone still call me?", "when will someone get back to me",
                                  "is someone actually going to call me"])
def test_when_the_person_comes_is_asked(text):
    assert read(parse(text)).question == "person_coming"


@pytest.mark.parametrize("text", ["could you email me an invoice please", "can you email me a copy"])
def test_email_me_something_is_no_request_for_a_person(text):
    assert not read(parse(text)).wants_person


def test_a_person_asked_for_outright_after_nobody_called_is_a_request():
    text = "i was promised a callback and nobody called. transfer me to whoever deals with refunds"
    assert read(parse(text)).wants_person
    assert not read(parse("i was promised a callback and nobody called")).wants_person


@pytest.mark.parametrize("text", ["oh wait the neighbour just knocked, theyve had it all along sorry",
                                  "ah ignore me, it was in the porch the whole time"])
def test_it_turned_up_after_all_in_other_words(text):
    assert read(parse(text)).resolved_itself


@pytest.mark.parametrize("text", ["just get them to me, dont care about vouchers",
                                  "what good is a voucher if you cant deliver to the right door",
                                  "the express thing didnt help last time"])
def test_a_remedy_waved_away_is_no_wish(text):
    assert read(parse(text)).remedy is None


def test_how_quick_asks_about_the_remedy_and_does_not_choose_it():
    signals = read(parse("how quick is a replacement", "choose_remedy"))
    assert signals.question == "how_long" and signals.remedy == "replacement"


@pytest.mark.parametrize("text, reference", [("hi its about ticket cd ncwhx5, whats happening", "CD-NCWHX5"),
                                             ("CD-ABCDEF any update?", "CD-ABCDEF"), ("my cd player broke", None)])
def test_a_reference_typed_without_its_dash(text, reference):
    assert read(parse(text)).reference == reference


def test_what_are_my_options_asks_what_happens_next():
    assert read(parse("what are my options then")).question == "what_next"


@pytest.mark.parametrize("text", ["unbelievable. the REPLACEMENT headphones have the exact same fault",
                                  "ur site says my voucher is 'invalid'"])
def test_a_remedy_described_as_failing_is_no_wish(text):
    assert read(parse(text)).remedy is None
