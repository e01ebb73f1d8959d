"""Questions about how the process works, asked half-way ("do i need the receipt?", "will i get an email?").

The bot knows these answers (what it asks for, where a refund goes, what it emails), or knows that only the team
does (who pays to send a broken item back). Either way the question is answered in place: not read as a request
("do i need the receipt" asks nothing to be sent), not as more venting ("can i keep the broken one" has a fault word
in it, but asks), and not met with "I'd rather not guess" when the answer was said a moment ago. Read by
``calmdesk.conversation.signals`` after ``wording.QUESTIONS``; answered by actions/answers.py.
"""
from __future__ import annotations

import re

from calmdesk.conversation.wording import _any


_RECEIPT = r"(?:receipt|proof of (?:purchase|payment)|till slip)"
_CARD = r"(?:(?:debit |credit |bank )?card|bank(?: account)?|original payment(?: method)?|paypal|account i paid with)"
PROCESS_QUESTIONS: dict[str, re.Pattern[str]] = {
    # "do i need the receipt as well? i think i threw it away", "is a receipt needed", "do u need proof of purchase":
    # nothing to send; the order number (or the email it was ordered with) finds it.
    "receipt_needed": _any(rf"\b(?:do|will|would|should|must) (?:i|you|u|we) (?:also |still |really |even )?(?:need|want|require|"
                           rf"have to (?:send|show|have|keep|provide|upload|find))\b[^.?!]{{0,25}}\b{_RECEIPT}",
                           rf"\b{_RECEIPT}s? (?:is |are )?(?:needed|necessary|required)\b",
                           rf"\bis (?:a|the|my) {_RECEIPT} (?:needed|necessary|required|a problem)\b",
                           rf"\b(?:without|no) (?:a |the |my )?{_RECEIPT}\b[^.!]{{0,30}}\?"),
    # "will i get a phone call or just an email?", "how will they contact me": how the person picking it up gets in touch
    "how_contacted": _any(r"\b(?:phone |a )?call(?: back)? or (?:just )?(?:an? |by )?e-?mail\b", r"\be-?mail or (?:a )?(?:phone )?call\b",
                          r"\bwill (?:i|we) (?:get|receive|be getting) a (?:phone ?)?call\b",
                          r"\bwill (?:i|we) be (?:called|rung|phoned|contacted|emailed)\b",
                          r"\bhow (?:will|do|would) (?:you|they|someone|somebody|the team|a person) (?:contact|reach|get (?:hold of|in touch"
                          r" with|back to)) (?:me|us)\b"),
    # "will i get an email confirming all this?", "do i get a confirmation", "will you email me a copy"
    "email_copy": _any(r"\b(?:will|do|would|should|can|could) (?:i|we) (?:get|receive|be sent|have) (?:an? |any |the )?(?:e-?mail|"
                       r"confirmation|copy|written confirmation)\b",
                       r"\b(?:will|would|can|could) (?:you|u|they) (?:e-?mail|send) (?:me )?(?:an? |the )?(?:e-?mail|confirmation|"
                       r"copy|summary)\b", r"\b(?:will|would) (?:you|u|they) e-?mail me\b",
                       r"\bis there (?:an? )?(?:e-?mail|confirmation)\b(?! address)"),
    # "would the refund go back on my card or is it store credit?", "where does the money go", "is it back to my card"
    "refund_where": _any(rf"\b(?:refund|money|it)\b[^.?!]{{0,20}}\b(?:go|goes|going|come|comes|be paid|be)\b(?: back)? "
                         rf"(?:on|onto|to|into|in) (?:my|the) {_CARD}\b[^.!]{{0,40}}\?",
                         rf"\b(?:refund|money)\b[^.?!]{{0,30}}\bor (?:is it |as |will it be |would it be )?(?:store credit|a voucher|"
                         r"credit)\b[^.!]{0,20}\?",
                         r"\bwhere (?:does|will|would) (?:the |my )?(?:refund|money) (?:go|be paid|land|end up)\b",
                         rf"\bis (?:the refund|it) (?:back )?(?:to|on) (?:my|the) {_CARD}\b"),
    # Only the team can say (the policy says nothing about returning a faulty item): "who pays for the return postage
    # btw", "can i just keep the broken one or do you need it back", "do i have to post it back". Asked all the same
    # with a fault word in it, angrily, and with no "?".
    "for_the_team": _any(r"\bwho (?:pays|is paying|covers|will pay|is going to pay)\b",
                         r"\b(?:do|will|would) (?:you|u|they) (?:need|want) (?:it|them|the \w+(?: \w+)?) back\b",
                         r"\b(?:can|could|may|do|should) i (?:just )?keep (?:it|them|the (?:broken|old|wrong|damaged|faulty|"
                         r"other) (?:one|ones|\w+))\b(?! (?:and|if|for) (?:get|you|some|a|the|half|part)\b)",
                         r"\b(?:do|will|would) i (?:have|need) to (?:post|send|return|take|bring|ship) (?:it|them|the \w+(?: \w+)?)"
                         r" back\b"),
}
