"""How customers repair, repeat and point back: the word patterns of misreadings a strangers' probe found.

Kept apart from calmdesk/conversation/wording.py (the signal tables) because each of these corrects how another
signal reads: "found it 5512-0098" is the number found, not the parcel; "its 5521 not 5512" replaces a number, it
does not add one; "the replacement you sent ALSO broke" names a remedy that already happened, and is a repeat;
"you should have my email" points at the account, it is no answer; "it came broken" is here, but nothing went
away; "still annoyed tbh" is a feeling, not a staff complaint. Plain regular expressions, case-insensitive; pinned by tests/core/test_signals_repairs.py and
tests/core/test_probe14_followups_requests.py.
"""
from __future__ import annotations

import re

from calmdesk.conversation.wording import RESOLVED_ITSELF


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


# The customer says the problem happened before ("third time", "down AGAIN", "yet again", "same as last month",
# "renewed itself. again.", "the replacement has ALSO stopped working"): a repeat, whatever our records show.
TOLD_REPEAT = _any(r"\b(?:second|third|fourth|fifth|2nd|3rd|4th|5th|another) time\b", r"\bhappen(?:ed|ing|s)? again\b",
                   r"\b(?:down|broken|broke|late|missing|wrong|damaged|crashed|crashing|charged|delayed|lost|failed|out) again\b",
                   r"\bkeeps? (?:on )?happening\b", r"\bsame (?:thing|problem|issue) (?:as|happened) (?:last time|before)\b",
                   r"\b(?:every|each) (?:single )?time i (?:order|buy)\b", r"\bevery (?:single )?order\b",
                   r"\bthis is the (?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth)\b", r"\b(?:twice|three times) (?:now|already|this (?:month|week|year))\b",
                   r"\b(?:once|yet) again\b", r"\bagain and again\b",
                   r"\bsame (?:as|thing as|story as|again as) (?:last|the last|the other) (?:time|month|week|year|order|one)\b",
                   r"\b(?:stopped working|not working|gone wrong|playing up|acting up|doing it|renewed(?: itself)?) again\b",
                   # "again." as a sentence of its own, "AGAIN" shouted, "again!!"
                   r"(?:^|[.!?,;]\s*)again\W*(?:$|[.!?])", r"(?-i:\bAGAIN\b)", r"\bagain\s*!",
                   # the one sent to put it right went the same way
                   r"\b(?:replacement|new one|second one|one you (?:sent|replaced it with))\b[^.!?]{0,80}"
                   r"\b(?:also|too|as well|again|same (?:fault|problem|thing|issue))\b")

# "i reset it twice already", "i've called three times now": what the customer did to fix it, not the problem
# coming back (a probe, 7 Dec 2026: a login trouble told this way was flagged as a repeat and escalated).
_EFFORT = re.compile(r"\b(?:reset|tried|try|called|rang|phoned|emailed|messaged|asked|chased|contacted|restarted|"
                     r"rebooted|reinstalled|updated|cleared|checked|entered|typed|changed)\s+(?:it\s+|them\s+|you\s+|"
                     r"this\s+|that\s+|the \w+\s+|my \w+\s+)?(?:twice|three times)\b", re.I)


def told_repeat(text: str) -> bool:
    """The customer says the problem came back (``TOLD_REPEAT``), not counting their own attempts to fix it."""
    return bool(TOLD_REPEAT.search(_EFFORT.sub(" ", text or "")))


# "found it 5512-0098", "found the number: ...": the detail found, not the parcel (only with a detail in the message).
FOUND_IT = _any(r"\bfound (?:it|them|the (?:number|email|order number|confirmation|receipt|ref\w*))\b")

# "it came broken", "its here but the box is crushed", "arrived, a week late": here, but not the problem gone away;
# "tracking says it's arrived", "hope it turns up": not here at all.
_FAULT_AFTER = re.compile(r"^[^.!?]{0,50}?\b(?:but|except|apart from|although|however|broken|damaged|smashed|cracked|dented|"
                          r"ripped|torn|wrong|missing|faulty|leak\w*|soaked|wet|crushed|in (?:pieces|bits|two)|late|empty|open|"
                          r"not (?:working|right|what|the|all|everything)|doesn'?t|isn'?t|won'?t|didn'?t|never)\b", re.I)
_REPORTED_BEFORE = re.compile(r"\b(?:says?|said|saying|shows?|showing|tracking|supposedly|apparently|meant to|supposed to|marked|"
                              r"claims?|claiming|if|when|until|till|once|hope|hopefully|before)\W+(?:\w+\W+){0,3}$", re.I)


def gone_away(text: str) -> bool:
    """The problem went away by itself (``RESOLVED_ITSELF``): not what came with a fault, nor what tracking claims."""
    return any(not _FAULT_AFTER.search(text[m.end():]) and not _REPORTED_BEFORE.search(text[:m.start()])
               for m in RESOLVED_ITSELF.finditer(text))


# "still annoyed tbh", "honestly im still fuming about it all", "not happy tbh": a feeling and nothing else, which the
# classifier may file as a staff complaint. It is venting about the case there is, not a new problem.
_FEELING = re.compile(r"\b(?:annoyed|irritated|frustrated|upset|unhappy|angry|mad|livid|fuming|furious|seething|raging|cross|"
                      r"pissed(?: off)?|gutted|disappointed|fed up|hacked off|cheesed off|miffed|peeved|narked|stressed(?: out)?|"
                      r"hurt|sad|grumpy|salty|bitter|let down|disgusted|appalled|sick (?:of|about) (?:it|this|that|all (?:this|that|of it))|"
                      r"not (?:very |at all |too |that |exactly |really |remotely )?(?:happy|pleased|impressed|amused|thrilled|"
                      r"chuffed|ok(?:ay)?|great|good))\b", re.I)
_ONLY_FILLER = re.compile(r"\b(?:i'?m|im|i am|am|me|still|so|really|very|pretty|quite|rather|a (?:bit|little)|kinda|kind of|"
                          r"sort of|honestly|tbh|tbf|ngl|to be (?:honest|fair)|tho|though|if i'?m honest|i (?:must|have to|gotta|got"
                          r" to) say|(?:about|with|at|over|by) (?:you(?: lot| guys| people)?|this|that|it|all (?:this|that|of (?:it|this))|"
                          r"the whole thing)|it|this|that|all|just|lol|mate|ok|okay|well|yeah|but|and|rn|right now|now|even|more|too|"
                          r"bloody|fucking|absolutely|completely|totally|seriously|literally|ugh+|sigh|argh+|hmm+|meh|like|"
                          r"feel(?:ing)?|felt|you know|y'?know|to be|i)\b", re.I)


def feelings_only(text: str) -> bool:
    """A feeling and nothing else ("still annoyed tbh"): no thing, fault, detail or question in it."""
    if not _FEELING.search(text):
        return False
    rest = _ONLY_FILLER.sub(" ", _FEELING.sub(" ", text))
    return not re.search(r"[\w?]", rest)


# "wait no its A-5521 not A-5512", "not 5512, its 5521", "5521 instead of 5512", "5512 was wrong": the number
# after "not" (or said to be wrong) is the one being replaced.
_NEGATED_BEFORE = re.compile(r"\b(?:not|isn'?t|isnt|wasn'?t|wasnt|instead of|rather than|in place of|never|no)\W*(?:#|no\.?\s*|"
                             r"order\s*(?:no\.?|number|#)?\s*)?$", re.I)
_NEGATED_AFTER = re.compile(r"^\W*(?:is|was|were)? ?(?:wrong|a typo|incorrect|a mistake|the wrong one|not (?:right|it))\b"
                            # "tom.h@example.com - no sorry thats my old one", "x@y.com (old)"
                            r"|^\W*(?:(?:no|nope|sorry|oops|wait)\W+)*(?:that'?s|thats|that is|it'?s|its|is|was)? ?(?:my |the |an )?"
                            r"(?:old|previous|former|outdated)\b", re.I)
# "old one was a.b@example.com", "my previous email is ...": named as the one that is no longer right.
_OLD_BEFORE = re.compile(r"\b(?:old|previous|former|outdated)\s+(?:(?:one|e-?mail|address|number)\s*)?(?:was|is|:|=|-)?\s*$", re.I)


def negated(text: str, value: str) -> bool:
    """Is ``value`` (an order number, an email) named in ``text`` only as the wrong one ("not 5512", "5512 was wrong",
    "my old one was x@y.com")?"""
    at = [m.start() for m in re.finditer(re.escape(value), text, re.I)]
    return bool(at) and all(_NEGATED_BEFORE.search(text[max(0, i - 25):i]) or _OLD_BEFORE.search(text[max(0, i - 25):i])
                            or _NEGATED_AFTER.search(text[i + len(value):i + len(value) + 25]) for i in at)


# Said between two values, a repair in the same breath: the later one is meant ("a.b@example.com no wait,
# a.bee@example.com", "x@y.com sorry i mean z@y.com", "... - no sorry thats my old one, use ...", "5512 i mean 5521").
_REPAIR = re.compile(r"\b(?:no|nope|nah|wait|sorry|oops|whoops|i mean|i meant|scratch that|correction|actually|make (?:that|it)|"
                     r"old|previous|new (?:one|e-?mail|address|number)|use)\b", re.I)
# ...but not values given side by side ("5512 and 5513, sorry", "x@y.com, also my work one z@y.com").
_SIDE_BY_SIDE = re.compile(r"\b(?:and|also|too|plus|both|as well|work|other|second|another|same with)\b", re.I)
_REPAIR_SPAN = 60  # characters between the two values


def meant(text: str, values: list[str] | tuple[str, ...]) -> list[str]:
    """The values (order numbers, emails) the customer means, in the order given: not one said to be wrong or old
    (``negated``), not one repaired by the next ("X no wait, Y"). All of them when none is left."""
    found = sorted((m.start(), m.end(), v) for v in values if (m := re.search(re.escape(v), text, re.I)))
    replaced = {v for _, _, v in found if negated(text, v)}
    for (_, end, value), (start, _, later) in zip(found, found[1:]):
        between = text[end:start]
        if (len(between) <= _REPAIR_SPAN and _REPAIR.search(between) and not _SIDE_BY_SIDE.search(between)
                and later not in replaced):  # ("i meant 5512 instead of 5521": the later one is the wrong one)
            replaced.add(value)
    return [v for v in values if v not in replaced] or list(values)


# "its the same email as my account, you should have it", "it's on the order": the customer believes we can see it.
ASSUMED_KNOWN = _any(r"\b(?:you|u) (?:should|must|already|surely|ought to) (?:\w+ )?(?:have|know|see|got|be able to see) (?:it|that|this|"
                     r"my (?:email|details|number|address|account))\b",
                     r"\b(?:same|the) (?:email|address|one) (?:as|that'?s|that is|i used) (?:on|for|in)? ?(?:my|the) (?:account|order)\b",
                     r"\bsame (?:email|address|one) as (?:my|the) (?:account|order)\b",
                     r"\b(?:it'?s|its|it is) (?:literally |already )?(?:on|in) (?:my|the) (?:account|order|system|confirmation)\b",
                     r"\bcan'?t (?:you|u) (?:just )?(?:see|look (?:it )?up|find) (?:it|that|my)\b",
                     # "same as on the acount", "same as my profile"
                     r"\bsame (?:one )?as (?:on |in |for )?(?:my |the )?(?:acc?ou?n?t|acc?t|acc|profile|order)\b",
                     # "i already gave you my order number on the phone", "ive given my email to your colleague"
                     r"\b(?:already|just|previously) (?:gave|given|told|sent|provided|shared)(?: (?:you|u|them|your \w+))? "
                     r"(?:my |the |that |this )?(?:order (?:number|no)|number|e-?mail(?: address)?|details|ref\w*)\b",
                     r"\b(?:gave|given|told|provided)(?: (?:it|that|them|my \w+(?: \w+)?))? (?:to )?(?:you|u|your (?:\w+ )?"
                     r"(?:team|colleague|agent|staff|people|lot)|the (?:agent|person|guy|lady|woman|man) on the phone)\b"
                     r"(?:(?!\b(?:wrong|right|correct)\b)[^.!?]){0,30}\b(?:already|before|yesterday|last (?:week|time)|on the phone|earlier)\b")

# "thats the only number i have" about a tracking number: no order number to give.
ONLY_NUMBER = _any(r"\b(?:that'?s|thats|it'?s|its|that is) (?:the only|all the|all) (?:number|ref\w*|code|one)s?\b",
                   r"\bonly (?:number|ref\w*|code|one) i(?:'?ve)? (?:have|got)\b",
                   r"\b(?:i )?only (?:have|got) (?:the |a )?(?:tracking|courier|parcel|delivery|shipping) (?:number|no|code|ref\w*)\b")

# Someone else in the customer's account: "someone got into my account", "orders i didnt make", "my account was hacked
# and they ordered". Urgent, and no re-delivery of what a stranger ordered: a person takes it (plan.py).
TAKEN_OVER = _any(r"\b(?:someone|somebody|some1|a stranger|hackers?|they|people) (?:else )?(?:has |have |had |must have |'ve )?"
                  r"(?:got|gotten|gained access|logged|broke|broken|hacked|been|signed)(?: in)?(?:to|into| in(?:to)?)? (?:my|our) account",
                  r"\b(?:my|our) account (?:was |has been |got |is |'s been |been |must have been )?(?:hacked|compromised|taken over|"
                  r"broken into|accessed by someone)\b",
                  r"\bhacked (?:into )?(?:my|our) account\b",
                  r"\b(?:orders?|purchases?) (?:were |was )?(?:on my account )?(?:that |which )?(?:i|we) (?:didn'?t|did not|didnt|never) "
                  r"(?:make|place|made|placed|authori[sz]e|order)\b",
                  r"\bunauthori[sz]ed (?:orders?|purchases?|access|log-?ins?|sign-?ins?)\b",
                  r"\b(?:someone|somebody|some1) (?:else )?(?:is |has been |'s been )?(?:using|ordering (?:on|from|with)) my account\b")

# A remedy named as one already received, not wished for: "the replacement you sent has ALSO stopped working",
# "the new one arrived broken", "the replacement toaster you sent" (read right after the remedy word and its item).
RECEIVED_AFTER = re.compile(r"^\s*(?:\w+ )?(?:(?:you|u|they|we|y'?all) (?:\w+ )?(?:sent|gave|shipped|posted|delivered|dispatched|swapped)\b"
                            r"|(?:that |which )?(?:came|arrived|turned up)\b"
                            r"|(?:has|had|have|is|was|now|also|too|just|already)(?: (?:now|also|too|just|already))* "
                            r"(?:stopped working|broke|broken|died|faulty|failed|packed up|gave up)\b)", re.I)
