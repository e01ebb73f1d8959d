"""How customers ask for something that is not a complaint: the word patterns of each request kind.

policy/requests.yml says what the team does for each kind; these tables say which words make one (read by
``calmdesk.conversation.signals.request_in``). A probe by strangers (round 12) met "pls remove everything you
have on me" with an apology and a discount, "how many emails a day do u need to send me?? make it stop" with a
staff complaint, "cancel it. CANCEL IT." with cancelling offered as a remedy and "bought it for 189 and now its
149" with "I can't answer that": each kind is written here in the ways strangers put it, and a fault told with
it ("my order never came, cancel it") keeps the message a complaint (``FAULT_NOT_REQUEST``).
Plain regular expressions, case-insensitive; no Rasa. Tests: tests/core/test_request_wording.py.
"""
from __future__ import annotations

import re

from calmdesk.desk.details import parse_email
from calmdesk.desk.requests import POSTAL_ADDRESS, Request


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_EMAILS = r"(?:e-?mails?|texts?|newsletters?|spam)"
_MONEY = r"[£€$]?\d+(?:[.,]\d\d)?(?: ?(?:quid|pounds?|euros?|dollars?|bucks|[€£$]))?"
# "cancel it", "pls cancel my order", "can u cancel one of them", "need to cancel order 4471-220", "pls cancel
# ORD-55410, found it cheaper elsewhere", "i want to cancel #55412 before it ships": asked, not
# "i can't cancel" or "you cancelled it" (a fault, the cancellation complaint).
_CANCEL_ASKED = (r"(?:^|[.!?,;:]\s*|\b(?:pls|plz|please|just|so|then|now|oh and|also|can (?:you|u)|could (?:you|u)|would (?:you|u)|"
                 r"will (?:you|u)|need (?:you )?to|want (?:you )?to|wanna|(?:i'?d|i would) like (?:you )?to|"
                 r"how (?:do|can) i)\s+)(?:just |please |pls )?cancel (?:it|this|that|them|both|one|my|the|an?|"
                 r"order|subscription|membership|(?:no\.? |number |#)?(?=[a-z]{0,4}[-#/]?\d{3})[a-z]{0,4}[-#/]?\d[\w/-]*)\b")
_CANCELLED_WISH = r"\b(?:want|need|get|have) (?:it|this|that|them|my (?:\w+ )?(?:order|subscription)|the order) cancell?ed\b"

# Requests that are not complaints (policy/requests.yml says what the team does for each). The first that
# matches wins; checked in this order.
REQUESTS = {
    "erase_data": _any(r"\b(?:delete|erase|remove|wipe|get rid of|scrub)\b.{0,25}\b(?:my|all (?:of )?my|the) (?:account|(?:personal )?data|details"
                       r"|information|info|personal information)\b", r"\bgdpr\b", r"\bright to (?:be forgotten|erasure)\b",
                       # "remove everything you have on me", "delete all the info you hold about me"
                       r"\b(?:delete|erase|remove|wipe|get rid of|scrub)\b.{0,15}\b(?:everything|all|anything|whatever)"
                       r"(?: (?:the )?(?:data|info|information|details))? (?:you(?:'ve| have| hold| got|'ve got| keep)?|"
                       r"u(?: have| got)?)\b.{0,12}\b(?:on|about|of) me\b",
                       # "i want my data gone", "all my details deleted please"
                       r"\b(?:my|all (?:of )?my) (?:personal )?(?:data|details|info(?:rmation)?)\b.{0,20}"
                       r"\b(?:gone|deleted|erased|removed|wiped)\b",
                       r"\b(?:delete|erase|wipe) me\b|\bremove me from (?:your|the) (?:system|records|database)s?\b"),
    "marketing_opt_out": _any(r"\b(?:stop|unsub\w*|opt(?:ing)? (?:me )?out|no more|take me off|remove me from|don'?t (?:want|send))"
                              r"\b.{0,40}\b(?:marketing|promo(?:tional|tion)?s?|newsletters?|mailing list|adverts?|ads|"
                              r"offers?|spam)\b", r"\bunsub\w* me\b", r"\bstop (?:sending|emailing|texting|spamming) me\b",
                              # "make the emails stop", "too many emails from you", "how many emails a day do u need to
                              # send me?? make it stop", "no more emails pls"
                              rf"\b(?:make|get) (?:the|your|these|all (?:the|these|your|of these)) {_EMAILS} (?:to )?stop\b",
                              rf"\b{_EMAILS}\b.{{0,60}}\b(?:make (?:it|them) stop|stop (?:it|them|this)\b)",
                              rf"\btoo many {_EMAILS}\b", rf"\bhow many {_EMAILS}\b.{{0,40}}\b(?:send|need|want)\b",
                              rf"\b(?:stop|quit) (?:the|your|these|all (?:the|these|your)) {_EMAILS}\b",
                              rf"\bno more {_EMAILS}\b", r"\b(?:you(?:'re| are)?|ur|youre|u r) spamming me\b",
                              # "how do i stop getting 5 emails a day from you people", "sick of 3 texts a week"
                              rf"\b(?:stop|quit|avoid) (?:getting|receiving|recieving)\b.{{0,30}}\b{_EMAILS}\b",
                              rf"\b(?:\d+|two|three|four|five|six|ten|so many|loads of|dozens of|hundreds of) {_EMAILS} (?:a|per|every)"
                              r" (?:day|week)\b",
                              r"\b(?:keep|keeps|always|constantly) (?:e-?mailing|texting|spamming) me\b.{0,40}\bstop\b",
                              r"^\W*(?:(?:how|where) (?:do|can) i )?unsub\w*\W*$"),
    # not a fault in the charge: "the invoice has my name spelt wrong", "can you fix the company name on my receipt",
    # "the invoice has my old company name on it, can it be redone", "the receipt has my old address on it"
    "invoice_correction": _any(r"\b(?:invoice|receipt)\b.{0,40}\b(?:spelt|spelled|misspelt|misspelled|typo|wrong (?:name|address|"
                               r"company|vat (?:no|number)|details)|(?:name|address|company(?: name)?|vat (?:no|number)|details) "
                               r"(?:is |are )?(?:wrong|incorrect|spelt wrong|spelled wrong|misspelt))\b",
                               r"\b(?:wrong|misspelt|misspelled|incorrect|correct|fix|amend|change|update) (?:the |my |our )?"
                               r"(?:name|address|company name|vat (?:no|number)|details) on (?:the |my |our |an? )?(?:invoice|receipt)\b",
                               r"\b(?:name|address|company name|vat (?:no|number)|details) on (?:the |my |our |an? )?(?:invoice|"
                               r"receipt) (?:is |are |was )?(?:wrong|incorrect|spelt wrong|spelled wrong|misspelt|misspelled)\b",
                               r"\b(?:correct(?:ed)?|fix(?:ed)?|amend(?:ed)?|re-?issued?|re-?do) (?:the |my |an? )?(?:invoice|receipt)\b",
                               r"\b(?:invoice|receipt)\b.{0,40}\b(?:old|previous|former|outdated|wrong|incorrect|maiden) (?:company |business"
                               r" |trading |billing |home |postal |email |last |first |family |full )?(?:name|surname|address|company|"
                               r"details|vat (?:no|number))\b",
                               r"\b(?:invoice|receipt)\b.{0,60}\b(?:re-?done|re-?issued|corrected|amended)\b"),
    "invoice": _any(r"\b(?:needs?|wants?|send|get|request|copy of|provide|issue|resend|re-send|download|e-?mail me|"
                    r"where(?:'?s| is| can i find))"
                    r"\b.{0,20}\b(?:vat )?(?:invoice|receipt)\b"),
    "change_address": _any(r"\b(?:change|update|correct|amend|edit) (?:the |my )?(?:delivery |shipping |postal )?address\b",
                           r"\b(?:send|deliver|ship) it to (?:my |a )?(?:new|different|other) address\b",
                           # "can it go to my new place instead", "send it to my new flat"
                           r"\b(?:go|come|send|deliver|ship|sent|delivered|redirect)(?: it| this| them)? to (?:my|a|the) (?:new|other|"
                           r"different) (?:place|flat|house|home|address|apartment|work address)\b",
                           r"\b(?:be )?(?:sent|delivered|redirected|shipped|send|deliver|redirect) (?:it |this |them )?(?:to|at)"
                           r" (?:my new|a new|a different|another|my other|\d+\w? \w+ (?:road|rd|street|st|lane|avenue|close|drive|way))\b"),
    "change_email": _any(r"\b(?:change|update) (?:the |my )?e-?mail(?: address)? (?:on|for|of|linked to|in) (?:my|the) account\b",
                         r"\b(?:change|update) (?:the |my )?(?:account'?s? )?e-?mail(?: address)? to\b"),
    # "my subscription renewed itself. cancel it.": no order to ask for, so not cancel_order
    "cancel_subscription": _any(rf"\b(?:subscription|membership|renew\w*)\b[^?]{{0,80}}(?:{_CANCEL_ASKED}|{_CANCELLED_WISH})",
                                r"\bcancel (?:my |the |this |your )?(?:\w+ )?(?:subscription|membership)\b"),
    # changed their mind: "pls cancel order 4450021 i ordered the wrong colour by mistake", "need to cancel order
    # 4471-220 asap", "cancel it. CANCEL IT.", "i ordered the same thing twice, cancel one of them" (not "i can't
    # cancel", a complaint)
    "cancel_order": _any(r"\bcancel (?:my |the |this |that |an? )?(?:\w+ )?order\b.{0,80}\b(?:by mistake|changed my mind|"
                         r"don'?t (?:need|want) (?:it|them)|no longer (?:need|want)|ordered the wrong|wrong (?:size|colou?r)|"
                         r"hasn'?t (?:shipped|been sent|gone out|left)|not (?:shipped|sent|dispatched) yet|before it (?:ships|goes))",
                         r"\b(?:by mistake|changed my mind|ordered the wrong \w+)\b.{0,60}\bcancel\b",
                         _CANCEL_ASKED, _CANCELLED_WISH),
    # nothing wrong with it: "how do i return a dress that doesnt fit", "send back a jumper i dont want anymore"
    "return_unwanted": _any(r"\b(?:return|send (?:it |them )?back|exchange)\b.{0,70}\b(?:don'?t (?:want|need|like)|doesn'?t fit|"
                            r"didn'?t fit|too (?:small|big|large|tight|loose|long|short)|changed my mind|no longer (?:want|need)|"
                            r"not for me|unworn|unused|tags? (?:still )?on|nothing wrong with)\b",
                            r"\b(?:doesn'?t fit|too (?:small|big|large|tight)|changed my mind|nothing wrong with it)\b.{0,70}"
                            r"\b(?:return|send (?:it |them )?back|exchange)\b"),
    "price_drop": _any(r"\bprice (?:match|promise|drop(?:ped)?|went down|has (?:dropped|gone down)|is (?:now )?lower|reduced)\b",
                       # "now its 89 on your site, can i get the difference back?" (not "refund the difference" of a
                       # double charge: a price has to have gone down)
                       r"(?:cheaper|\bprice|reduced|on sale|\bnow (?:it'?s |only |just )?[£€$]?\d+).{0,80}\bdifference\b",
                       r"\bdifference\b.{0,80}(?:cheaper|\bprice|reduced|on sale)",
                       # "bought it tuesday for 189 and now its 149", "paid £40, now only £25 on your site"
                       rf"\b(?:paid|bought\b.{{0,40}}\b(?:for|at)|cost me|was)\s+{_MONEY}\b.{{0,80}}\bnow (?:(?:it'?s|its|it is|"
                       rf"they'?re|only|just|down to|selling (?:it |them )?(?:for|at)|on (?:ur|your|the) (?:site|website|app)"
                       rf"(?: for| at)?)\s+)*{_MONEY}",
                       # "it's now 15 quid cheaper", "its cheaper now than when i bought it"
                       rf"\b(?:it'?s|its|it is|is|are|they'?re|now) (?:now |already )?(?:{_MONEY} |a lot |much |way |loads )?"
                       r"cheaper\b(?! (?:elsewhere|on amazon|somewhere))",
                       r"\bcheaper (?:now|than (?:when |what )?i (?:bought|paid|ordered))\b",
                       # "it's dropped 40 quid since", not "i dropped 40 quid on it" (spent)
                       rf"\b(?:price|it|it'?s|its|has|they|they'?ve) (?:has |have )?(?:dropped|gone down|went down|come down|"
                       rf"been reduced) (?:by )?{_MONEY}\b(?! ?%)", rf"\bdropped by {_MONEY}\b",
                       r"\b(?:bought|paid|ordered)\b.{0,60}\bnow (?:on sale|reduced)\b"),
}
# A fault told with the words of a request keeps the message a complaint: "my order never came, cancel it and
# refund me", "i tried to cancel but you charged me again", "the receipt shows you charged me twice, fix it".
FAULT_NOT_REQUEST = {
    "cancel_order": _any(r"\bnever (?:came|arrived|turned up|showed|got here)\b",
                         r"\b(?:hasn'?t|has not|didn'?t|did not|still (?:hasn'?t|not)) (?:arrived|come|turned up|been delivered|"
                         r"shown up|got here)\b", r"\b(?:is|was|it'?s|its|so) (?:\w+ )?late\b",
                         r"\b(?:broken|damaged|faulty|defective|smashed|cracked|stopped working|doesn'?t work)\b",
                         r"\b(?:charged|billed|took) (?:me )?(?:twice|double|again)\b", r"\bwrong (?:item|thing) (?:came|sent|arrived)\b",
                         r"\b(?:can'?t|cannot|cant|unable to|won'?t let me|doesn'?t let me|tried to|trying to) cancel\b",
                         r"\bstill (?:being |been |getting )?(?:charged|billed)\b", r"\bmissing\b",
                         # "cancel my order its been 3 weeks and still not here": the delivery complaint
                         r"\bstill (?:not|nothing|no sign|waiting)\b", r"\b(?:been|over|after) (?:\d+|a|two|three|four) "
                         r"(?:days?|weeks?|months?)\b(?! ago)", r"\bwhere(?:'s| is) (?:it|my)\b"),
    "invoice_correction": _any(r"\b(?:charged|billed|overcharg\w*|twice|double|wrong (?:amount|price|total)|too much)\b"),
}
FAULT_NOT_REQUEST["cancel_subscription"] = FAULT_NOT_REQUEST["cancel_order"]
# The request called off while it is handled or just filed: "actually no wait dont, keep it", "scrap that",
# "don't cancel it after all", "actually i'll keep my account". (A message making the same request again is no
# withdrawal: "i changed my mind, cancel it" asks for it.)
WITHDRAWN = _any(r"\b(?:don'?t|dont|do not|no need to|pls don'?t|please don'?t) (?:cancel|bother|do (?:it|that|anything)|"
                 r"go ahead|change (?:it|anything)|delete|remove)\b",
                 r"^\W*(?:(?:actually|no|nah|wait|hang on|hold on|sorry|oh|oops|um+|hmm+|ok|okay)\W+)*(?:dont|don'?t|do not)"
                 r"(?:\W*$|\s*[,.!]| do it\b)",
                 r"\bkeep (?:it|them|the order|my order|the (?:\w+ )?order|my (?:account|data|details|subscription))\b"
                 r"(?! (?:coming|going|safe))",
                 r"\b(?:i'?ve |i have )?changed my mind\b", r"\bscrap that\b", r"\bignore (?:that|my last|what i said)\b",
                 r"\bcancel (?:that|the|my) (?:request|cancellation)\b", r"\bcall (?:it|that) off\b",
                 r"\b(?:leave|keep) (?:it|everything) as (?:it is|is)\b")


# A request that sends the customer something wished sent somewhere else: "also send it to my work address", "can the
# new one go to our accounts team", "email it to my work email". Not a change of the delivery address (a request of its
# own) and no delivery fault: the team needs to know where, so it is asked after filing (policy/requests.yml
# "ask_where") and put on the request (a strangers' probe, round 13: "address" read as a delivery fault, then an
# apology and a remedy menu).
SENT_ELSEWHERE = re.compile(
    r"\b(?:send|e-?mail|post|mail|forward|go|come|sent|posted|e-?mailed|forwarded|addressed)\b(?: (?:it|this|them|that|one"
    r"|a copy|the (?:new|corrected|fixed|right|amended) (?:one|invoice|receipt|copy)))?(?: (?:over|across|instead|out))? to "
    r"(?:(?:my|our|the) (?:work|office|business|company|accounts?|finance|billing|personal|other|new)"
    r"(?: (?:address|e-?mail(?: address)?|inbox|team|department|dept))?|(?:my|our) (?:office|accountant|boss|workplace))\b",
    re.I)


def wants_it_elsewhere(text: str) -> bool:
    """Is something to be sent elsewhere ("send it to my work address") without the address or email given?"""
    wished = SENT_ELSEWHERE.search(text or "")
    return bool(wished) and not (POSTAL_ADDRESS.search(text[wished.end():]) or parse_email(text[wished.end():]))


def question_after_filing(request: Request, *messages: str) -> str | None:
    """The one question after filing a request: the policy's ``ask`` unless the ``messages`` answer it, else where to
    send it (``ask_where``) when one of them wants it sent elsewhere without saying where, there or in a postal address
    after it (the account's email given next is not where to send it)."""
    asked = request.asks_after(" ".join(messages))
    if asked or not request.ask_where:
        return asked
    unanswered = any(wants_it_elsewhere(message) and not any(POSTAL_ADDRESS.search(later) for later in messages[at + 1:])
                     for at, message in enumerate(messages))
    return request.ask_where if unanswered else None


# Which of two orders a request is about: "the second one", "the first", "the one ending 902".
_ORDINALS = ((re.compile(r"\b(?:first|1st|former|earlier|older)\b", re.I), 0),
             (re.compile(r"\b(?:second|2nd|latter|later|newer)\b", re.I), 1),
             (re.compile(r"\b(?:last|latest|newest)\b", re.I), -1))
_ENDING = re.compile(r"\bend(?:s|ing)? (?:in |with )?(\d+)\b", re.I)


def order_picked(orders: list[str], text: str) -> str | None:
    """The one of ``orders`` that ``text`` picks by its place or its last digits ("the second one"), else None."""
    ending = _ENDING.search(text)
    if ending:
        return next((o for o in orders if o.endswith(ending.group(1))), None)
    return next((orders[at] for pattern, at in _ORDINALS if pattern.search(text) and at < len(orders)), None)
