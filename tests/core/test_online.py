"""calmdesk.conversation.online: a fault in our app or website, not in something received."""
from __future__ import annotations

import pytest

from calmdesk.conversation.online import is_online


@pytest.mark.parametrize("text", [
    "your app keeps crashing every time i get to checkout",
    "cant log into the app since the update, it just spins",
    "your checkout page is broken, i get an error when i click pay",
    "the app crashes on my phone",  # the phone is what it runs on, not the fault
    "the website wont let me complete my order",
    "promo code SAVE20 is rejected at checkout",
])
def test_the_app_or_site_named_with_no_item_is_online(text):
    assert is_online(text, "product_defect")
    assert is_online(text, "payment_failed")


@pytest.mark.parametrize("text", [
    "the kettle i bought stopped working after a week",
    "my console wont update",
    "the smart tv app keeps crashing",  # a TV the customer bought: its order and a replacement still fit
    "my headphones stopped charging",
])
def test_an_item_named_is_not_online(text):
    assert not is_online(text, "product_defect")


def test_an_order_number_given_or_another_category_is_not_online():
    assert not is_online("your app keeps crashing", "product_defect", order_given=True)
    assert not is_online("the app says my parcel is lost", "delivery_problem")
    assert not is_online("", "product_defect") and not is_online(None, "product_defect")
