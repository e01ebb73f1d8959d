"""Requests put the way strangers put them (probe round 12), and the faults that keep a message a complaint.

"pls remove everything you have on me" got an apology and a discount, "make it stop" (about emails) a staff
complaint, "cancel it. CANCEL IT." cancelling offered as a remedy, "bought it for 189 and now its 149" "I can't
answer that". Each kind is recognised in several wordings; a fault told with the words of a request is a
complaint still (calmdesk/conversation/request_wording.py, signals.request_in).
"""
from __future__ import annotations

import pytest

from calmdesk.conversation.request_wording import WITHDRAWN
from calmdesk.conversation.signals import request_in


@pytest.mark.parametrize("kind, text", [
    ("erase_data", "wipe my details"),
    ("erase_data", "remove everything you have on me"),
    ("erase_data", "i want my data gone"),
    ("erase_data", "can you delete all the info you hold about me"),
    ("marketing_opt_out", "make the emails stop"),
    ("marketing_opt_out", "too many emails from you"),
    ("marketing_opt_out", "how many emails a week do you need to send me?? make it stop"),
    ("marketing_opt_out", "no more emails pls"),
    ("invoice_correction", "the invoice has my old company name"),
    ("invoice_correction", "receipt has the wrong address, can it be fixed"),
    ("invoice_correction", "the invoice for 4410-778 has our previous business name, can it be redone"),
    ("price_drop", "paid 189 and now its 149"),
    ("price_drop", "its cheaper now than when i bought it"),
    ("price_drop", "the toaster i got last week is now 15 quid cheaper"),
    ("price_drop", "bought the rug on friday for £90 and now it's only £70 on your site"),
    ("cancel_order", "cancel it. CANCEL IT."),
    ("cancel_order", "need to cancel order 4471-220 asap"),
    ("cancel_order", "ordered the same thing twice, can u cancel one of them"),
    ("cancel_subscription", "my subscription renewed itself again. cancel it."),
    ("cancel_subscription", "cancel my membership"),
    ("change_address", "it went to my old flat, can it go to my new place instead"),
])
def test_each_request_kind_in_stranger_wordings(kind, text):
    assert request_in(text) == kind


@pytest.mark.parametrize("text", [
    "you charged me twice",
    "my order never came, cancel it and refund me",
    "i want to cancel but the site wont let me",
    "i tried to cancel my subscription and you charged me again",
    "the receipt shows you charged me twice, can it be corrected",
    "why did you cancel my order",
    "i dropped 40 quid on this and it broke",
])
def test_a_fault_stays_a_complaint(text):
    assert request_in(text) is None


@pytest.mark.parametrize("text, withdrawn", [
    ("actually no wait dont, keep it, ill just send it back if it doesnt fit", True),
    ("scrap that, leave it as it is", True),
    ("hang on, don't cancel it", True),
    ("actually i'll keep my account", True),
    ("yes please go ahead", False),
    ("the second one", False),
])
def test_a_request_called_off(text, withdrawn):
    assert bool(WITHDRAWN.search(text)) is withdrawn
