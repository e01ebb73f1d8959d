"""Words that settle a complaint category the classifier confuses with its neighbour.

Why: the intent classifier learns categories from our examples, so on real
customers' text it leans on whatever words those examples share. A few lines of
the taxonomy (docs/labelling.md) are drawn by a few words that mean the same
thing in any product or company, and the classifier kept crossing them:

* a report of criminals or profiteers (phishing, scammers, fake pages,
  counterfeit listings, price gouging) is ``other``, not the billing,
  account or delivery problem its other words look like ("phishing site
  asking for your login" is not an account problem of the writer's);
* a crash, freeze, glitch or bug is ``product_defect``; it is
  ``service_outage`` only when something says the service cannot be
  reached (down, servers, connect, offline, not loading, a website);
* money taken twice is a charge doubled, ``billing_problem``, not a payment
  that failed ("you have taken the money for my order twice"), unless the
  payment is said to have failed or been declined;
* a discount, promo or voucher code that did not come off is the price
  charged, ``billing_problem``, not a failed payment, a log-in or an app
  fault (a strangers' probe, Dec 2026: "voucher code wont apply" was read as
  a payment that failed; docs/labelling.md).
* "not damaged" with nothing else damaged or wrong is the delivery, not a damaged item (round 12 of the probe:
  "found my parcel in the bin, not damaged thank god" was said back as "your order arriving damaged"; not
  measured on the labelled sets).
* a parcel that never came is the delivery (docs/labelling.md), not the damaged item its name pulls to, nor the refund
  or the cancellation the customer asks for because of it (the problem behind the wish, as in
  category_reading._behind_the_refund); a thing that broke or wore out in use ("snapped the first windy day", "shrank
  after one wash") is a product fault, not an item that arrived damaged (round 14 of the probe). On the labelled
  real messages: category accuracy unchanged (78.6%, none moved the wrong way); on the first three turns of all 520
  benchmark conversations, one parcel never received moved to the delivery and nothing else.

Measured on the first turns of the labelled real support messages (make eval)
and, separately, on conversations 320-519 of the same benchmark through their
replay labels (tests/replay/labels.jsonl, never looked at while writing these
words): category accuracy +1.6 and +2.1 points. A cue for digital goods read as
a delivery (+1 on the labelled set, 0 on the other) was left out. No category
example in data/nlu is moved by these cues (tests/core/test_category_cues.py).
"""
from __future__ import annotations

import re

# Criminals and profiteers reported to the company; a bare "scam" is left out: "this is a scam" accuses
# the company itself and stays with the problem it is about.
REPORTED_WRONGDOING = re.compile(
    r"\bgoug\w*|\bprofiteer\w*|\bphish\w*|\bscammers?\b|\bscam (?:emails?|texts?|calls?|sites?|links?|pages?|going)"
    r"|\bcounterfeit\b|\bfake (?:page|site|website|account|email|text|listing)s?\b", re.I)
# Categories such a report is mistaken for (the problem it mentions is someone else's doing).
MISTAKEN_FOR_WRONGDOING = ("billing_problem", "account_access", "delivery_problem", "damaged_or_wrong_item",
                           "staff_complaint", "payment_failed")

SOFTWARE_FAULT = re.compile(r"\bcrash\w*|\bfreez\w*|\bfroze\b|\bglitch\w*|\bbug(?:s|gy|ged)?\b|\blag\w*|\bstutter\w*",
                            re.I)
UNREACHABLE = re.compile(
    r"\bdown\b|\boutage\b|\bservers?\b|\bconnect\w*|\boffline\b|\bonline\b|\bunavailable\b|\bmaintenance\b"
    r"|\bno (?:internet|signal|service|wifi)\b|\b(?:not|won'?t|doesn'?t|isn'?t) load\w*|\bunreachable\b"
    r"|\btim(?:ed|es|ing) out\b|\b(?:web)?site\b|\bpages?\b", re.I)


TAKEN_TWICE = re.compile(r"\b(?:charg\w*|billed|debited|taken|took|paid|payments?|went through)\b[^.!?]{0,40}\btwice\b"
                         r"|\btwo (?:identical |separate |of the same )?(?:payments|charges)\b|\bdouble[- ]?charg\w*", re.I)
FAILED = re.compile(r"\bfail\w*|\bdeclin\w*|\breject\w*|\brefused\b|\bwon'?t go through\b", re.I)

# "my discount code didnt work at checkout", "the promo code SAVE20 says invalid", "voucher code wont apply"
DISCOUNT_CODE = re.compile(r"\b(?:promo(?:tion(?:al)?)?|discount|voucher|coupon|offer|referral) ?codes?\b|\bcoupons?\b", re.I)
# "the WELCOME10 thing didnt take anything off": a code named by itself (capitals, then digits), not "5561-110"
CODE_NAMED = re.compile(r"\b[A-Z]{3,}[0-9]{1,3}\b")
# ...with money off in the words, so "my XBOX360 doesnt work" is no code
MONEY_OFF = re.compile(r"\b(?:take|took|taken|taking|come|came|knock\w*) (?:\w+ ){0,2}off\b|\bappl(?:y|ied)\b|\bdiscount\b|\btotal\b",
                       re.I)
# "my card says expired but its valid until 2027" is the card, not a code
_CARD = re.compile(r"\bcard\b", re.I)
# "why does it say expired, the email says valid till sunday": a code refused, no code word needed
EXPIRED_BUT_VALID = re.compile(r"\b(?:says?|said|saying|shows?|showing) (?:it'?s |its |it is |it was )?expired\b[^?!]{0,80}"
                               r"\bvalid (?:till|until|til|to|through|for)\b", re.I)
NOT_TAKEN = re.compile(r"\b(?:didn'?t|did not|doesn'?t|does not|won'?t|wont|not|never|isn'?t|wasn'?t|can'?t|cannot|couldn'?t)"
                       r"\b(?: \w+){0,2} (?:work\w*|apply|applied|accept\w*|take|taken|valid|recogni[sz]ed|go(?:ne)? through)\b"
                       r"|\binvalid\b|\bexpired\b|\breject\w*|\bdeclin\w*|\berror\b|\bfull price\b|\bno discount\b"
                       r"|\bdid (?:absolutely )?nothing\b|\bdidn'?t do anything\b|\btook nothing off\b", re.I)
MISTAKEN_FOR_A_CODE = ("payment_failed", "account_access", "product_defect", "other")


# "the kettle leaks, plus the discount code never worked": the code is the second problem, told after the first.
_NEXT_PROBLEM = re.compile(r"\b(?:plus|also|as well|on top of (?:that|this)|oh and|and another thing)\b", re.I)


def code_not_taken(text: str) -> bool:
    """Does ``text`` first say a discount, promo or voucher code did not come off ("the promo code says invalid")?"""
    first = _NEXT_PROBLEM.split(text, maxsplit=1)[0]
    named = DISCOUNT_CODE.search(first) or named_code_not_taken(first)
    return bool(named and NOT_TAKEN.search(first) or EXPIRED_BUT_VALID.search(first) and not _CARD.search(first))


def named_code_not_taken(text: str) -> bool:
    """"SPRING15 took nothing off the total": a code by its name, money off and not taken; so plain a reading that it
    outweighs any category the classifier guessed (a probe's was read as a cancellation, another as a delivery)."""
    return bool(CODE_NAMED.search(text) and MONEY_OFF.search(text) and NOT_TAKEN.search(text))


# "found my parcel in the bin, not damaged thank god": nothing damaged or wrong is left once the denial is taken out,
# so it is the delivery (a strangers' probe, Dec 2026: reflected as "your order arriving damaged").
NOT_DAMAGED = re.compile(r"\b(?:not|wasn'?t|wasnt|isn'?t|isnt|nothing(?: was| is)?|never) (?:\w+ )?(?:damaged|broken|harmed|scratched|"
                         r"dented)\b|\bno damage\b|\bundamaged\b|\bintact\b", re.I)
DAMAGE = re.compile(r"crack|broken|smash|shatter|dent|damag|scratch|torn|crush|leak|chip|wrong (?:item|size|colou?r|product|"
                    r"thing|one)|missing|faulty|not what i ordered"
                    # "not damaged as such, wanted a medium got an xl": the wrong one sent
                    r"|\b(?:ordered|wanted|asked for|chose)\b[^.!?]{0,30}\b(?:got|received|sent me|came)\b|\binstead of\b", re.I)


# "never received my shoes", "bought a hoodie as a guest and it never arrived", "its been 3 weeks and its still not
# here": a parcel that did not come is the delivery (docs/labelling.md), however much the item's name pulls the
# classifier to a damaged item, the customer's wish to a refund, or cancelling to a cancellation (a strangers' probe,
# round 14). Not what never came is money, a code or a message ("my refund never arrived", "the reset email never
# came"), nor part of an order (DAMAGE, PART_OF_ORDER: "one of the mugs never arrived" is an incomplete order).
NOT_ARRIVED = re.compile(
    # typed in a hurry too: "my ordr nevr cam" (round 15 of the probe: read as a product that isn't working)
    r"\b(?:never|nevr|neva|nvr) (?:arrived|arived|arrvied|came|cam|come|turned up|showed(?: up)?|got here"
    r"|(?:been )?deliver(?:e)?d|received|recieved|got"
    # ...or half in another language: "mi pedido 55120 never llego", "never chegou"
    r"|lleg[oó]|chegou|arrivato|arriv[ée]e?)\b"
    r"|\b(?:hasn'?t|hasnt|has not|haven'?t|havent|have not|didn'?t|didnt|did not|still (?:hasn'?t|hasnt|has not|not)"
    r"|not yet|yet to)\s+(?:\w+ )?(?:arrived?|come|came|turned up|turn up|shown up|show up|been delivered|delivered|got here"
    r"|received|receive)\b|\b(?:it'?s|its|it is|they'?re|they are) (?:still )?not here\b", re.I)
# Things bought that come by no parcel: game rewards, app features, downloads, accounts.
_DIGITAL_GOODS = (r"rewards?|inventory|quests?|games?|apps?|updates?|upgrades?|features?|dlc|skins?|coins|gems|points"
                  r"|download\w*|subscriptions?|accounts?|access|licen[cs]e|keys?|e-?books?")
NOT_GOODS = re.compile(r"\b(?:refunds?|money|credit|reimburse\w*|payments?|cash|vouchers?|codes?|e-?mails?|confirmations?"
                       r"|invoices?|receipts?|passwords?|verification|texts?|sms|links?|otp|gift ?cards?|e-?gift\w*|replies"
                       r"|reply|answers?|call ?backs?|calls?|" + _DIGITAL_GOODS + r")\b", re.I)
# A reward, an in-game item or anything else digital that never showed up is a product (or payment) fault, not a parcel.
DIGITAL = re.compile(r"\b(?:in-?game|gaming|play(?:ing|ed)?|won|casino|garage|menu|console|xbox|playstation|ps[345]|steam"
                     r"|gamertag|characters?|servers?|event|tournament|levels?|online|digital|streaming|" + _DIGITAL_GOODS
                     + r")\b", re.I)
PART_OF_ORDER = re.compile(r"\b(?:one of|half|some of|part of|rest of|(?:\d+|two|three|four) of|the other|only (?:got|received"
                           r"|came)|(?:in|from) the (?:box|parcel|package)|missing from|(?:items?|pieces?|parts?) missing)\b",
                           re.I)
_CLAUSE_END = re.compile(r"[,.;!?]|\b(?:and|but|so|or)\b", re.I)


# "i want my refund, it still hasnt arrived": "it" is whatever the sentence named before.
_PRONOUN = re.compile(r"^\W*(?:it|its|it'?s|they|they'?re|that|this|still|yet)?\W*$", re.I)


def parcel_not_arrived(text: str) -> bool:
    """Does ``text`` say something bought never came (not money, a code or a message)?"""
    for match in NOT_ARRIVED.finditer(text):
        before = text[max(0, match.start() - 60):match.start()]
        subject = _CLAUSE_END.split(before)[-1]
        if _PRONOUN.match(subject):
            subject = re.split(r"[.;!?]", before)[-1]
        thing = _CLAUSE_END.split(text[match.end():match.end() + 30])[0]
        if not NOT_GOODS.search(f"{subject} {thing}"):
            return True
    return False


# "the refund for the shoes i sent back never arrived": a return that never came back is the refund's.
SENT_BACK = re.compile(r"\b(?:sent (?:it |them |\w+ )?back|returned|posted (?:it |them )?back|drop(?:ped)? (?:it |them )?off"
                       r"|return (?:label|parcel))\b", re.I)
# "i tried to cancel but ...": cancelling itself went wrong, a cancellation whatever else is late.
CANCEL_TROUBLE = re.compile(r"\b(?:can'?t|cannot|cant|couldn'?t|unable to|won'?t let me|doesn'?t let me|tried to|trying to"
                            r"|asked to|already) cancel\w*|\bcancell?ed\b|\bstill (?:being |been |getting )?(?:charged|billed)\b",
                            re.I)


def never_came(category: str | None, text: str) -> bool:
    """A parcel that never came, read as a damaged or faulty item, a refund wished for or a cancellation: the delivery."""
    if category not in ("damaged_or_wrong_item", "product_defect", "refund_request", "cancellation", "other") \
            or not parcel_not_arrived(text):
        return False
    if category in ("damaged_or_wrong_item", "product_defect", "other"):  # (a thing that never came can't be faulty)
        return not (DAMAGE.search(text) or PART_OF_ORDER.search(text)
                    or category != "damaged_or_wrong_item" and DIGITAL.search(text))
    if category == "refund_request":
        return not SENT_BACK.search(text)
    return not CANCEL_TROUBLE.search(text)


# "the umbrella snapped first gust of wind", "the jumper shrank after one wash": it broke in use, so it is a fault of the
# product, not an item that arrived damaged (docs/labelling.md); unless the message says how it arrived.
IN_USE = re.compile(r"\b(?:first|second|1st|2nd|after (?:one|a|the first|two|2|three|3|a few)) (?:\w+ )?(?:use|uses|used|wash"
                    r"|washes|wear|wears|worn|time (?:i |we )?(?:used|wore|washed|opened|tried)|gust|outing|trip|day|week|go)\b"
                    r"|\b(?:when|while|after|once) (?:i |we |my \w+ )?(?:used|using|wore|wearing|washed|washing|put it on"
                    r"|plugged it in|tried it)\b|\bin the wash\b", re.I)
ARRIVAL = re.compile(r"\b(?:arriv\w*|came|come|delivered|deliver\w*|turned up|showed up|in the (?:box|post|parcel|package)"
                     r"|(?:out of|opened|opening|unbox\w*) (?:the |it)|unbox\w*|packaging|courier|driver|sent me)\b", re.I)


def broke_in_use(category: str | None, text: str) -> bool:
    return category == "damaged_or_wrong_item" and bool(IN_USE.search(text)) and not ARRIVAL.search(text)


# "I PAID EXTRA FOR NEXT DAY", "paid for express and it took a week": what was bought is the speed of the delivery, so
# it is the delivery that let them down, not a fee (a strangers' probe, round 15: said back as "a fee you weren't told
# about"); unless the money itself is what is wrong (hidden, twice, not told, a refund of it).
PAID_FOR_SPEED = re.compile(r"\b(?:paid|pay|paying|payed)\b(?: \w+){0,3} (?:next[- ]day|express|priority|named[- ]day"
                            r"|same[- ]day|faster|premium (?:delivery|shipping))\b", re.I)
MONEY_WRONG = re.compile(r"\bhidden\b|\bsurcharge|\bnot told\b|\bwasn'?t told\b|\bwithout (?:telling|asking)\b|\btwice\b"
                         r"|\bdouble\b|\bovercharg\w*|\bwrong amount\b|\brefund\w*|\bcharged (?:me )?(?:for|extra)\b", re.I)


# "my sofa delivery was cancelled on the day", "you cancelled my delivery slot without telling me": the company called
# the delivery off, so it is the delivery that let them down; a cancellation is the customer's wish to cancel
# (docs/labelling.md; round 15 of the probe said it back as "trouble cancelling").
DELIVERY_CALLED_OFF = re.compile(
    r"\b(?:deliver(?:y|ies)|parcel|package|slot|drop[- ]?off|courier|driver)\b[^.!?]{0,40}?\b(?:was|were|got|been|is|has been"
    r"|had been|just got)\s+(?:\w+\s+)?cancell?ed\b"
    r"|\b(?:you|they|u|the courier|the driver|your driver|someone)\s+(?:just\s+|have\s+|had\s+|then\s+)?cancell?ed\s+(?:my|our|the)"
    r"\s+(?:\w+\s+)?(?:deliver(?:y|ies)|parcel|package|slot|drop[- ]?off)\b", re.I)
WANTS_TO_CANCEL = re.compile(r"\b(?:i|we)\s+(?:\w+\s+){0,3}?cancell?(?:ed)?\b|\bcancel (?:my|the|it|this|our)\b"
                             r"|\b(?:want|wanted|need|trying|tried|like|how do i|let me) (?:\w+ )?to cancel\b", re.I)


def paid_for_speed(category: str | None, text: str) -> bool:
    return category == "billing_problem" and bool(PAID_FOR_SPEED.search(text)) and not MONEY_WRONG.search(text)


# "could you tell me where my order is?": a delivery asked after, however politely, when nothing else is read.
WHERE_IS_IT = re.compile(
    r"\bwhere(?:'?s| is| are)? (?:(?:the|in the) (?:\S+|hell|heck) |tf |on earth )?(?:is |are )?(?:my|our) "
    r"(?:order|parcel|package|delivery|stuff|items?)\b"
    r"|\bwhere (?:my|our) (?:order|parcel|package|delivery|stuff|items?) (?:is|are|has got(?:ten)? to)\b"
    r"|\b(?:track|trace|status of) (?:my|our) (?:order|parcel|package|delivery)\b", re.I)


def refine_category(category: str | None, text: str) -> str | None:
    """``category`` moved across one of the lines above when the text's words say so; else unchanged."""
    if category in MISTAKEN_FOR_WRONGDOING and REPORTED_WRONGDOING.search(text):
        return "other"
    if category == "service_outage" and SOFTWARE_FAULT.search(text) and not UNREACHABLE.search(text):
        return "product_defect"
    if category == "payment_failed" and TAKEN_TWICE.search(text) and not FAILED.search(text):
        return "billing_problem"
    if category in MISTAKEN_FOR_A_CODE and code_not_taken(text) or category != "billing_problem" \
            and named_code_not_taken(_NEXT_PROBLEM.split(text, maxsplit=1)[0]):
        return "billing_problem"
    if category == "damaged_or_wrong_item" and NOT_DAMAGED.search(text) and not DAMAGE.search(NOT_DAMAGED.sub(" ", text)):
        return "delivery_problem"
    if never_came(category, text):
        return "delivery_problem"
    if broke_in_use(category, text):
        return "product_defect"
    if paid_for_speed(category, text) or category == "cancellation" and DELIVERY_CALLED_OFF.search(text) \
            and not WANTS_TO_CANCEL.search(text):
        return "delivery_problem"
    return category


# Words that say the service itself cannot be reached, whatever else the message is about. While an outage
# is declared, a message read as another category is taken for the outage only if it says so in these words
# (calmdesk.conversation.category_reading.explained_by_incident): "my phone got wet and now it doesn't work" is not
# the outage, "the whole site has been out for an hour, I need my invoices" is. Narrower than UNREACHABLE:
# "site", "page" or "online" alone name the place a problem happened, not an outage.
OUT_OF_SERVICE = re.compile(
    r"\bdown\b|\boutage\b|\boffline\b|\bunavailable\b|\bunreachable\b|\bservers?\b"
    r"|\b(?:not|won'?t|doesn'?t|isn'?t|can'?t|cannot|couldn'?t) (?:load|connect)\w*|\bnot loading\b"
    r"|\b(?:been|is|was|are|were|went|gone) (?:out|offline|dark)\b(?! of)|\btim(?:ed|es|ing) out\b", re.I)
INCIDENT_WORDS = {"service_outage": OUT_OF_SERVICE}


def incident_words(category: str, text: str) -> bool | None:
    """Does ``text`` say in ``category``'s own words that it is about it? None: the category has no such words."""
    pattern = INCIDENT_WORDS.get(category)
    return None if pattern is None else bool(pattern.search(text))
