"""Is the complaint about our app or website rather than something the customer received?

"Your app keeps crashing at checkout" and "the kettle stopped working" are both
faults (``product_defect``), but only one has an order to look up and an item
to replace. Asking an app user for an order number, then offering "a
replacement, sent out today", tells them nobody read what they wrote (a probe
of the running product did exactly that, 6 Dec 2026).

A complaint is *online* when it names the app, the website or a part of them
(checkout, log-in page, promo code, an update) and names no physical item
(the items ``calmdesk.conversation.reflect`` knows, other than the phone or laptop the app runs on) and no order number. The
bot then does not ask for an order number, and the remedy policy's ``online``
variant, where a category has one, is what it offers (policy/remedies.yml).
"""
from __future__ import annotations

import re

from calmdesk.conversation.reflect import item_named

# The categories whose faults can be in the app or site itself. A parcel, a
# damaged item or a refund is never online, whatever device it was ordered on.
CATEGORIES = frozenset({"product_defect", "payment_failed"})

_APP_OR_SITE = re.compile(
    r"\b(?:(?:your|the|ur|this) )?(?:app|apps|application|web ?site|site|web ?page|page|check ?out|basket|cart|"
    r"log ?in (?:page|screen)|sign ?in (?:page|screen)|promo(?:tion(?:al)?)? code|discount code|voucher code|coupon"
    r"(?: code)?|pay(?:ment)? (?:button|page|screen)|update)\b",
    re.I,
)
# Named beside the app, these are what it runs on ("crashes on my phone") or how they pay, not the fault.
_NOT_THE_ITEM = frozenset({"order", "card", "phone", "iPhone", "tablet", "iPad", "laptop"})


def is_online(text: str | None, category: str, order_given: bool = False) -> bool:
    """True when this complaint is about our app or website, with no item and no order named."""
    if category not in CATEGORIES or order_given or not text:
        return False
    return bool(_APP_OR_SITE.search(text)) and item_named(text) in (None, *_NOT_THE_ITEM)
