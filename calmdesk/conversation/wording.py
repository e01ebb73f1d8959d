"""How customers say things: the word patterns ``calmdesk.conversation.signals`` reads a message with.

One table per signal (a request for a person, a remedy in their own words, "I can't give that", a
correction, a question, leaving, "also, ..."), so a designer can read what counts and a test can pin
each one (tests/core/test_signals*.py). Plain regular expressions, case-insensitive; no Rasa. The many ways
to ask for a person are in person_wording.py.
"""
from __future__ import annotations

import re

from calmdesk.conversation.person_wording import (ASKING_FOR_A_PERSON, ASKING_IF_A_PERSON_READS, BOT_CARRIES_ON,
                                                   NOT_ASKING_FOR_A_PERSON)


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


WANTS_PERSON = _any(*ASKING_FOR_A_PERSON)  # calmdesk/conversation/person_wording.py
# "Did you mean jane@gmail.com?" met with puzzlement ("what? my email is fine", "whats wrong with it"): not a
# question for the team but for the bot, which says what looked wrong once.
EMAIL_QUESTIONED = _any(r"^\W*(?:what|huh|eh|sorry|pardon)\b\W*(?:$|\?)", r"^\W*(?:what|huh|eh)\W+(?:my|it|the|that|there|nothing)\b",
                        r"\b(?:my )?(?:email|e-mail|address|it)(?: address)? (?:is|was|'s) (?:fine|right|correct|ok|okay|good)\b",
                        r"\bwhat'?s wrong with (?:it|my (?:email|e-mail|address))\b", r"\bwhat do you mean\b",
                        r"\bnothing wrong with (?:it|my (?:email|e-mail|address))\b")
NOT_PERSON = _any(*NOT_ASKING_FOR_A_PERSON)  # "nah forget the human", "no need for a person"
CARRY_ON = _any(*BOT_CARRIES_ON)  # "you can do it", "carry on then": the bot, not a person
# "promised a callback and nobody called": a complaint about people, not a request for one...
NOBODY_CALLED = _any(r"\bno(?:body| one|one) (?:ever )?(?:called|rang|phoned|emailed|contacted|got back)")
# ...unless a person is asked for outright as well ("nobody called. transfer me to whoever deals with refunds").
OUTRIGHT_PERSON = _any(r"\btransfer me\b", r"\bput me (?:through|in touch)\b", r"\bconnect me\b",
                       r"\b(?:speak|talk) (?:to|with) (?:a|an|your|the|someone|somebody|whoever)\b(?! (?:bot|robot|machine))")
# "just call me", "ring me instead", "give me a bell": they would rather be called than wait in the chat (not "you said
# you'd call me", "nobody rang me", "dont call me", "call me a taxi").
CALL_BACK = _any(r"(?<!said )(?<!'d )(?<!youd )(?<!theyd )(?<!would )(?<!never )(?<!nobody )(?<!no one )(?<!not )(?<!dont )"
                 r"(?<!don't )\b(?:call|ring|phone|bell) me\b(?! (?:an?|the|my|it|names?|crazy|old)\b)",
                 r"\bgive me a (?:call|ring|bell|phone)\b",
                 r"\b(?:want|need|like|prefer|rather|request|arrange|book)\b[^.!?]{0,12}\b(?:call ?back|a (?:call|ring|phone call))\b")

# Remedies in the customer's words. "credit card" is never store credit.
REMEDY_WORDS: dict[str, re.Pattern[str]] = {
    "refund": _any(r"\bthe (?:money|cash) one\b", r"\brefund\w*", r"\bre?fun?d\b|\brefnd\b", r"\bmoney back\b", r"\breimburs\w*", r"\bpay me back\b", r"\bmy money\b(?! on)",
                   r"\b(?:what i paid|the money|the postage|the shipping|the delivery)(?: \w+){0,3} back\b",
                   r"\b(?:delivery|shipping|postage) (?:charge|fee|cost)s? (?:back|refunded)\b",
                   r"\breturn (?:the|my) money\b", r"\bcharge(?:d)? back\b|\bcredit (?:it )?back to my card\b",
                   # "back on my card pls", "straight back to my bank": the money returned where it came from
                   r"\b(?:back|refunded|returned) (?:on|onto|to|into|in) (?:my|the) (?:original )?(?:(?:debit |credit |bank )?card|bank"
                   r"(?: account)?|payment method|paypal)\b",
                   # "id rather have the cash tbh", "ill just take the money", "cash please", "i prefer the money return"
                   r"\b(?:rather|prefer(?:ably)?|sooner|just|i'?ll|ill|i will|let me|can i|could i)(?: just| rather| prefer)?"
                   r"(?: (?:have|take|get|want|go for|go with))? (?:the |my )?(?:cash|money)\b"
                   r"(?! (?:off|on|in|into|to|from|was|is|went|has|had|taken|twice|out|elsewhere|somewhere|wasted|gone|for)\b)",
                   r"^\W*(?:(?:ok(?:ay)?|fine|then|um+|erm|just|the)\W+)*cash\b",
                   r"\bcash (?:please|pls|plz|is fine|would be (?:best|better|good|great)|instead|then|back|refund)\b",
                   r"\bmoney return\w*", r"\breturn(?:ing)? of (?:the |my )?money\b",
                   # "card please", "to my card pls", "back on the card": the money back where it came from
                   r"^\W*(?:(?:ok(?:ay)?|fine|then|just|yes|yeah)\W+)*(?:(?:back )?(?:on|to|onto) )?(?:my |the )?(?:debit |bank )?card"
                   r"(?:\W+(?:please|pls|plz|then|thanks|thx|ta|is fine|refund))*\W*$"),
    "replacement": _any(r"\breplace\w*", r"\brepla(?:c|s)e?m[ae]?nt\b|\breplacment\b", r"\b(?:send|ship|give) (?:me )?(?:a |the |another |some )?(?:new|replacement|another|"
                        r"missing|right|correct|working|proper)\b", r"\bthe missing (?:bits|parts|pieces|items?|ones?)\b",
                        r"\bsend (?:me )?(?:the|a|another|new) (?:bit|part|piece|leg|lid|cable|charger|one)s?\b",
                        r"\bexchange\b", r"\bswap\b",
                        r"\bnew one\b(?! (?:is|was|would be|will be)\b)", r"\banother one\b",  # not "the new one is x@y.com"
                        # "i just want one that works", "a lamp that actually works" (not "a remote that works with the tv")
                        r"\b(?:one|an? (?:\w+ )?\w+) that (?:actually |really |properly |just )?works\b"
                        r"(?! (?:with|on|for|only|sometimes|when|if|in|fine|ok|okay|perfectly)\b)",
                        r"\ba (?:working|functioning|non-?faulty) (?:one|replacement)\b"),
    "store_credit": _any(r"\bstore credit\b", r"\bcredit(?! ?cards?)(?: on| to| for)? (?:my|the) account\b",
                         r"\bvoucher\b(?!\s+codes?\b)", r"\bgift ?card\b(?!\s+(?:codes?|balance|number|pin)\b)",
                         r"\b(?:as|the|some|in) credit\b(?! ?cards?)",
                         # "just put the money on my account", not "change the email on my account"
                         r"\b(?:put|leave|keep|add|pay|give)\w* (?:it|that|this|them|the (?:money|difference|refund)|"
                         r"(?:a|the) credit)? ?(?:back )?(?:on|to|into) (?:my|the) account\b"),
    "discount": _any(r"\bdiscount\b(?!\s+codes?\b)", r"% off\b", r"\bpercent off\b", r"\bmoney off\b", r"\bprice reduction\b",
                     r"\boff (?:my|the) next\b", r"\bpartial refund\b", r"\bknock(?:ed|ing)? (?:\w+ ){0,3}off\b",
                     r"\boff the (?:price|bill|total|cost)\b",
                     # "i'll just keep it if you give me a bit of money back": keep it, part of the money back
                     r"\b(?:a bit of|a little|some|part of (?:the|my)) (?:money|cash) back\b"),
    "expedited_reship": _any(r"\bbring (?:it|them) (?:round |over )?(?:again|tomorrow|tomorow|today|asap)\b",
                             r"\bexpress\b", r"\bre-?deliver\w*", r"\bresend\b", r"\bre-?ship\w*",
                             r"\bsend (?:it|them|that|this|the(?: \w+){1,3}|my(?: \w+){1,2}) (?:\w+ )?again\b",
                             r"\bsend (?:it|them) out again\b",
                             # "whatever's fastest": the quickest way to have the thing (a replacement, if that is
                             # what is on offer: calmdesk.desk.remedy_matching.closest_offered)
                             r"\b(?:whatever|whichever|which ?ever|what)(?:'?s| is) (?:the )?(?:fastest|quickest)\b",
                             r"\b(?:the )?(?:fastest|quickest) (?:one|option|way)\b",
                             # "just send the thing", "so just send it": the thing itself, again (a replacement
                             # where that is what is on offer)
                             r"^\W*(?:(?:just|pls|please|ok|okay|then|can you|could you)\W+)*(?:send|ship) (?:it|them|one|"
                             r"the (?:thing|item|stuff|order|parcel|package)|me (?:the|a|another) \w+)"
                             r"(?:\W+(?:again|out|pls|please|asap|then|over|already))*\W*$",
                             r"\b(?:so|just) send (?:it|them|the (?:thing|item|stuff|part|bit))\W*$"),
    "goodwill": _any(r"\bgoodwill\b(?: credit| gesture| payment)?", r"\bcompensat\w*", r"\bsomething for the (?:trouble|hassle|inconvenience)\b"),
}
# Part of the money back, keeping the thing ("a partial refund is fine, i'll keep it", "refund half and ill keep the
# scratched one", "can i keep it and get some money back"): not the full refund on offer. It is the money-off remedy
# where the policy offers one, else a person decides how much (actions/remedies.py, policy/remedies.yml).
_AMOUNT_BACK = (r"(?:\b\d{1,2} ?(?:%|percent\b|per cent\b)|\b(?:a )?(?:tenner|fiver)\b|£\d+\b|\b\d+ (?:quid|pounds)\b)"
                r" (?:of (?:it|that|the \w+) )?back\b")
SOME_MONEY_BACK = _any(r"\bpart(?:ial(?:ly)?)? refund\w*", r"\brefund (?:me )?(?:half|part|some)\b",
                      r"\bhalf (?:of )?(?:the |my |what i paid)?(?:money|price|cost|amount|refund)?\s*back\b",
                      r"\b(?:a bit of|a little|some|part of (?:the|my)|half (?:of )?(?:the|my)) (?:money|cash) back\b",
                      r"\bkeep (?:it|them|the (?!money|cash)\w+(?: \w+)?)\b[^.!?]{0,40}\b(?:refund\w*|money|cash)\b",
                      r"\b(?:refund\w*|money|cash)\b[^.!?]{0,40}\b(?:i'?ll|ill|i will|and|to) (?:just )?keep (?:it|them|the)\b",
                      # "ill keep it if you knock a tenner off", "like 30% back and keep it", "something back for the
                      # hassle": an amount (or some) back, kept; not "take 10% off my next order" or "send it back"
                      r"\bkeep (?:it|them|the \w+)\b[^.!?]{0,30}\b(?:knock|take)\b[^.!?]{0,20}\boff\b",
                      r"\b(?:knock|take)\b[^.!?]{0,20}\boff\b[^.!?]{0,30}\b(?:and|i'?ll|ill|i will|to) (?:just )?keep (?:it|them)\b",
                      # (kept: "just give me the 10% back" for a code that took nothing off is the code's discount)
                      rf"{_AMOUNT_BACK}[^.!?]{{0,30}}\bkeep (?:it|them)\b", rf"\bkeep (?:it|them)\b[^.!?]{{0,30}}{_AMOUNT_BACK}",
                      r"\bsomething back for (?:the|my) (?:trouble|hassle|inconvenience|wait|delay)\b")
# ...but not "i don't want to keep it, i want a full refund"
FULL_REFUND = _any(r"(?<!not a )(?<!not )(?<!no )(?<!no need for a )\bfull refund\b", r"\b(?:all|every penny) of (?:my|the) money\b", r"\ball my money\b",
                   r"\b(?:don'?t|do not|dont|not|won'?t|wont|never|can'?t|cannot) (?:want to |wanna |going to |gonna |have to |need to )?keep\b")
DECLINE_REMEDIES = _any(r"\bnone of (?:those|them|these|that|the above)\b", r"^\W*neither\b",
                        # "none of this. put a person on" (not "none of this would have happened")
                        r"\bnone of (?:this|it)(?=\W*(?:[.!,;]|$)|\W+(?:thanks|pls|please|helps?|works?)\b)",
                        r"\b(?:don'?t|do not|dont) want (?:any|either) of (?:those|them|these)\b",
                        r"\bnot interested in (?:any|those|either)\b", r"\bno,? (?:none|neither)\b")
# "oh no need for anything, I just wanted an update": no remedy wanted at all (thanked, logged, not pushed)
NO_REMEDY_WANTED = _any(r"\b(?:no need for|don'?t need|dont need|don'?t want|dont want|not after|not looking for) (?:anything|"
                        r"compensation|a remedy|a refund or anything|any compensation|money or anything)\b",
                        r"\bi (?:just|only) (?:want(?:ed)?|need(?:ed)?) (?:an update|to know (?:where|when)|you to know|to let you "
                        r"know|to tell you|to flag|to report)\b", r"\bjust (?:letting you know|flagging|a heads up|fyi)\b")
# "oh wow 20 quid store credit, how generous": an offer scoffed at, not chosen
SCOFF = _any(r"\bthanks? (?:a lot |so much )?for nothing\b", r"\bthanks for (?:wasting|ruining)\b", r"\bhow (?:generous|kind|nice|lovely|thoughtful|very kind)\b", r"\bshould i frame\b",
             r"\bis that (?:it|all|the best you can do)\b", r"\bthat'?s it\?", r"\bwhat a joke\b", r"\bbig whoop\b",
             r"\b(?:are|r) (?:you|u) (?:kidding|joking|serious)\b", r"\bwow,? (?:just )?(?:[€£$]|\d)", r"\binsulting\b",
             r"\bslap in the face\b", r"\bcheek of it\b")
# What was waited for: "it", "they", "the parcel", "my order"
_THE_THING = r"(?:it|they|(?:the |my )?(?:parcel|package|order|delivery|box|stuff|things?))"
# "oh wait nevermind my neighbour just brought it round": the problem went away by itself
RESOLVED_ITSELF = _any(r"\b(?:it'?s|its|it has|it'?s just|parcel'?s|parcel has|order'?s|order has) (?:just |finally )?"
                       r"(?:arrived|turned up|come|shown up|been delivered)\b",
                       r"\b(?:just|finally) (?:arrived|turned up|came|got here|showed up)\b",
                       r"\b(?:brought|dropped) it (?:round|over|in)\b", r"\bfound it\b",
                       r"\b(?:it'?s|its|it is) (?:working|fine|ok|okay|sorted) (?:again|now)\b",
                       r"\b(?:works|worked) (?:again|now)\b", r"\bsorted (?:it )?(?:myself|now)\b",
                       # "theyve had it all along", "it was in the porch the whole time"
                       r"\b(?:had|has|got) it (?:all along|the whole time)\b",
                       r"\b(?:was|been) (?:in|on|under|behind|by) (?:the|my) \w+(?: \w+)? (?:the whole time|all along)\b",
                       # "oh wait the doorbell just went, its here lol", "parcel is here sorry", "nvm it came", "they've
                       # landed": the thing itself is here now (what came with a fault is no good news: wording_repairs.gone_away)
                       rf"\b{_THE_THING}(?:'?s| is| are|'?re|'?ve| have| has) (?:just |finally |actually |already |now )*(?:here|arrived|"
                       r"landed|on my doorstep|in my hands)\b",
                       rf"\b{_THE_THING} (?:just |finally |actually |already )*(?:came|arrived|turned up|showed up|landed|got here)\b"
                       r"(?! (?:up|to|back|off|out|from|apart|loose|undone|with|without)\b)",
                       r"\b(?:just|finally) (?:received|got) (?:my|the) (?:parcel|package|order|delivery|stuff)\b")

CANNOT_GIVE = _any(r"\b(?:don'?t|do not|dont) (?:use|do) (?:e-?mails?|the internet)\b",
                   r"\b(?:don'?t|do not|dont|can'?t|cannot|cant) (?:have|know|find|remember|see|locate|get)\b",
                   r"\bno idea\b", r"\bno clue\b", r"\bnot sure\b", r"\bskip\b", r"\bhaven'?t got\b",
                   r"\bnot (?:to hand|on me|with me)\b", r"\blost (?:it|the)\b", r"\bdeleted the\b", r"\bdunno\b",
                   r"\bno order (?:number|no)\b", r"\bguest checkout\b", r"^\W*(?:n/?a|none|no)\W*$",
                   # "no email sorry", "ive got no email": none to give (not "no email from you yet", a complaint)
                   r"^\W*(?:(?:sorry|um+|erm|ah|oh|ok|well)\W+)*no e-?mail(?: address)?\b(?!\s+(?:from|yet|came|arrived|about|"
                   r"confirmation|back|received|sent|was|has|with))",
                   r"\b(?:i have|i'?ve got|ive got|i got) no e-?mail\b",
                   # "i'd rather not give my email": a refusal is answered like "I don't have it"
                   r"\b(?:rather|prefer(?:red)?) not (?:to )?(?:give|share|say|tell|hand|provide|put)\b",
                   r"\b(?:don'?t|do not|dont|won'?t|will not|not) (?:want(?:ing)? to |wanna |going to |gonna )?"
                   r"(?:give|share|provide|hand over)(?: out)? (?:it|that|my|you|this)\b",
                   r"\bnot (?:giving|sharing|handing over) (?:it|that|my|you|this)\b",
                   # asked for the order number of a checkout that failed: "it never went through", "i havent ordered"
                   r"\bnever (?:went|gone|got) through\b", r"\bdidn'?t (?:go|get) through\b",
                   r"\b(?:never|didn'?t|didnt|did not|haven'?t|havent|have not) (?:got|get|gotten|received?|had|been given)"
                   r" (?:an? |any )order (?:number|no\b|#|confirmation)")
# A detail named as missing, whatever was asked: "i dont have an order number but my parcel never came".
NAMED_MISSING = {
    "order_number": re.compile(r"\b(?:don'?t|do not|dont|can'?t|cannot|cant|haven'?t|no longer) (?:have|find|remember|know|got)"
                               r" (?:an? |the |my |any )?order (?:number|no\b|num\b|#|id\b|ref)|\bno order (?:number|no\b|#)"
                               # nothing bought yet: "i havent ordered, thats the point", "i haven't placed an order"
                               # "there isnt an order number, it failed", "theres no order number obviously"
                               r"|\b(?:isn'?t|isnt|is not|wasn'?t|wasnt|there'?s no|theres no|never was) (?:an? |any )?order (?:number|no\b|#)"
                               r"|\b(?:haven'?t|havent|have not|never|didn'?t|didnt|did not) (?:even )?(?:ordered|placed (?:an? |the )?order"
                               r"|been able to (?:order|pay|check ?out))\b", re.I),
    "customer_email": re.compile(r"\b(?:don'?t|do not|dont|haven'?t) (?:have|use) (?:an? |any )?e-?mail\b", re.I),
}
CORRECTION = _any(r"\bactually\b", r"\bsorry,? (?:wrong|my bad|typo|i meant|that was wrong|not that)\b", r"\bi meant\b",
                  r"\bcorrection\b", r"\bwrong (?:one|number|email|order|address)\b", r"\btypo\b", r"\bmy bad\b",
                  r"\bshould (?:be|have been|read)\b", r"\blet me correct\b", r"\bnot \S+,? (?:it'?s|it is|but)\b",
                  r"\bchange (?:it|the \w+|my \w+) to\b", r"\bupdate (?:it|the \w+|my \w+) to\b")

# Our case reference by name ("reference number", "ref", "case number", "ticket no"): not "order reference" or a
# tracking number, and not "what's the case with my order".
_OUR_REF = (r"(?:ref(?:erence)?\b|(?:case|ticket|complaint) (?:ref(?:erence)?\b|number|no\b|num\b|#|id\b|code))"
            r"(?!(?: (?:number|no|num|#|id|code))? for\W*$)(?: (?:number|no\b|num\b|#|id\b|code))?")
QUESTIONS: dict[str, re.Pattern[str]] = {
    "person_available": _any(
        r"\bis (?:there )?(?:actually |really |even )?(?:a |any )?(?:real )?(?:person|human|people|someone|anyone|anybody)"
        r" (?:there|working|on (?:shift|duty)|available|around|in)\b",
        r"\bare (?:there )?(?:any )?(?:real )?(?:people|humans|staff|agents) (?:there|working|available|around|on)\b",
        r"\bis (?:a|any) (?:person|human|agent) (?:available|free|around)\b",
        r"\bam i (?:talking|speaking|chatting) to (?:a )?(?:person|human|real)", *ASKING_IF_A_PERSON_READS),
    # "so will someone still call me?" after a handoff: when the person comes, not a new complaint
    # "so nobody? great", "no one at all?" after nobody could join: the disappointment met, with when someone will
    "nobody_free": _any(r"^\W*(?:(?:so|oh|wow|great|seriously|really|what|and|ok(?:ay)?)\W+)*(?:there'?s |theres |there is )?"
                        r"(?:nobody|no ?one|no-one|no (?:person|human|humans|people|staff|agents?))(?:'?s)?"
                        r"(?: (?:at all|then|there|around|available|free|in|on|working|here|real|awake))*"
                        r"(?:\W*\?[\w\s.!?,']{0,25}|\W*)$"),
    "person_coming": _any(r"\b(?:will|is|are|would) (?:someone|somebody|anyone|a person|an agent|your team|they|a human)"
                          r" (?:still |actually |really |definitely |going to |gonna )*(?:call|ring|phone|contact|email|get back"
                          r" to|get in touch with|reply to|answer|message|pick (?:this|it) up for) me\b",
                          r"\bwhen (?:will|is|does) (?:someone|somebody|a person|the person|an agent|a human) (?:coming|come|"
                          r"going to (?:call|reply|answer|get back)|(?:call|reply|answer|get back))\b",
                          # "when will they be in then", "when are they back", "when will someone be free"
                          r"\bwhen (?:will|are|is|do|does) (?:they|someone|somebody|anyone|a person|the team|your team|staff|"
                          r"people|the person|an agent|a human|the office|support)(?: (?:be|get|come))? (?:in|back|around|"
                          r"available|online|free|on|here|start|open|in the office)\b",
                          r"\bwhen (?:do|does) (?:you|the team|your team|support|the office) (?:open|start)\b"),
    "why_needed": _any(r"\bwhy (?:do|would|does|did) (?:you|u|it|that) (?:even )?need\b", r"\bwhy (?:do you want|are you asking|ask)\b",
                       r"\bwhat do you need (?:it|that|this|my \w+) for\b", r"\bwhat(?:'s| is) (?:that|it|this) for\b",
                       r"\bwhy (?:my|the) (?:email|order|number)", r"\bwhat(?:'?s| is) the point of\b",
                       r"\bwhat (?:do|would) you (?:need|want) (?:my|the|an?) \w+(?: \w+)? for\b",
                       r"\bwhy (?:do|would|should) i (?:have to )?(?:give|tell|share|send)\b",
                       # "what has my email got to do with anything", "whats my email got to do with it"
                       r"\bwhat(?:'?s| has| have| does) (?:my|the|an?) (?:e-?mail|order|number|address)(?: \w+)? (?:got |have )?(?:to )?do with\b"),
    # "sorry whats my reference number again?", "can you give me the ticket number": our case reference, said back
    # (not an order or tracking number, not a question for the team, nothing reopened)
    "reference": _any(rf"\b(?:what|which)(?:'?s| is| was| were)? (?:(?:my|the|our|me|a|that|your|this) )?(?:support |complaint )?{_OUR_REF}",
                      rf"\b(?:give|send|tell|remind|text|email) me (?:of )?(?:my|the|a|that|your|this) (?:support |complaint )?{_OUR_REF}",
                      rf"\b(?:do|did|have|can|could|will|would) (?:i|you|u) (?:have|get|got|give me|send me|been given|tell me)"
                      rf"(?: an?| my| the| any| that)? {_OUR_REF}",
                      rf"\b(?:need|want|lost|forgot|forgotten|missed|didn'?t (?:get|see|catch|note|save)|never (?:got|saw)) (?:my|the|a|"
                      rf"that|your|any) {_OUR_REF}",
                      rf"\bwhere(?:'?s| is| can i find| do i find) (?:my|the) {_OUR_REF}",
                      rf"^\W*(?:(?:and|so|ok|okay|sorry|oh|um+|also)\W+)*(?:my |the |a )?{_OUR_REF}(?:\W+(?:again|pls|please|plz))*\W*$"),
    # When will the fault itself be fixed (not the chat, not a remedy): answered honestly, no promised time.
    "fix_when": _any(r"\b(?:how long|how much longer) (?:until|till|til|before|will it (?:take|be)(?: (?:to|for|until|till))?)"
                     r" (?:it|it'?s|its|this|that|the \w+|you|things?|everything|service)(?: (?:is|are|be|gets?|get))?"
                     r" (?:fixed|working|back|sorted|up|running|resolved|repaired|online)\b",
                     r"\bwhen (?:will|is|are) (?:it|this|that|the \w+|things?|everything|service|you)(?: (?:be|going to be|gonna be))?"
                     r" (?:fixed|working (?:again|properly)|back (?:up|online|on)?|sorted|up (?:and running|again)|resolved|"
                     r"repaired|online again)\b",
                     r"\bwhen (?:will|do) you (?:fix|sort|repair)\b", r"\beta (?:on|for) (?:the |a )?fix\b"),
    "how_long": _any(r"\bhow long\b", r"\bhow (?:quick(?:ly)?|fast|soon)\b", r"\bwhen (?:exactly |roughly |approximately )?will (?:i|it|my|this|that|the|you|someone|they)\b",
                     r"\bwhich (?:one |option )?(?:is|would be|will be) (?:faster|quicker|quickest|fastest|sooner)\b", r"\bhow soon\b", r"\bhow many (?:days|hours|weeks)\b",
                     r"\bwhat(?:'s| is) the (?:timeline|timeframe|eta)\b", r"\bby when\b", r"\bhow quickly\b",
                     # "ok so when", "when then", "right and when is that": when, and nothing else
                     r"^\W*(?:(?:ok(?:ay)?|right|so|and|well|hmm+|erm+|um+|but|alright|fine)\W+)*when(?:\W+(?:then|though|tho|"
                     r"exactly|roughly|is (?:that|it|this)|will (?:that|it|this) be|would (?:that|it) be))*\W*$"),
    "repeat": _any(r"\b(?:can|could) you (?:please )?(?:repeat|say (?:that|it) again)\b", r"^\W*repeat\b", r"\bsay (?:that|it) again\b", r"\bsay again\b",
                   r"\bwhat did you (?:say|ask|mean)\b", r"^\W*(?:come again|sorry,? what|what\?|huh|pardon)\W*$",
                   r"\bdidn'?t (?:catch|understand) (?:that|it|what you)\b", r"\bdidn'?t get (?:that|what you said)\W*$"),
    "what_next": _any(r"\bwhat (?:are )?(?:my|the) options\b", r"\bwhat (?:else )?(?:can|could) you (?:do|offer)\b",
                      r"\bwhat (?:happens|now|next)\b", r"\bwhat(?:'s| is) (?:the )?next\b", r"\bwhat do i (?:do|need to do) now\b",
                      r"\bthen what\b", r"\bwhat will (?:happen|you do)\b", r"\bwhat are you (?:going to|gonna) do\b"),
    # "hang on my kid is crying brb": a pause asked for, not an answer or a feeling
    "hold_on": _any(r"^\W*(?:ok(?:ay)?\W+)?(?:hang on|hold on|one (?:sec|second|moment|min(?:ute)?)|1 sec|just a (?:sec|second|"
                    r"moment|minute|min)|give me a (?:sec|second|moment|minute|min)|wait a (?:sec|second|moment|minute|min)|"
                    r"be right back|brb)\b(?!\W*later)", r"\bbrb\W*$", r"\bbe right back\W*$"),
    "still_there": _any(r"\b(?:are|r) (?:you|u) (?:still )?(?:there|here|alive|around|with me)\b", r"\bstill there\b",
                        r"\b(?:any|some)(?:one|body) there\b", r"^\W*hel+o+\W*\?+\W*$", r"^\W*(?:hello|hi|hey)\W+(?:hello|hi|hey)\W*\??$",
                        r"^\W*\?+\W*$", r"^\W*(?:any|some)(?:one|body)\W*$"),
    "is_bot": _any(r"\bare (?:you|u) (?:a |an )?(?:bot|robot|machine|ai|real|human|person)\b", r"\bis this (?:a )?(?:bot|robot|automated)\b"),
}
# Any other question ("can I subscribe with my wallet balance?"): the bot does not guess an answer.
# Not when it reports a problem ("why can't I log in?"): that is a complaint asked as a question.
# A question: "?" at the end (or before a short tail: "can i get it by friday? its a birthday present"), or a
# question word first, after a greeting or a filler ("Hello, just a quick question - do you deliver on Saturdays?").
OTHER_QUESTION = _any(r"\?[^?]{0,40}$", r"^\W*(?:(?:hi|hello|hey|hmm+|ok(?:ay)?|and|but|so|also|oh|um+|well|right|"
                      r"just a quick question|quick question)\W+)*"
                      r"(?:can|could|is|are|do|does|did|how|what|which|why|when|where|will|would|should|may)\b")
# "can I have the refund?" asks for it; "would i have to be home for the replacement?" asks about it
ASKS_FOR_REMEDY = _any(r"\b(?:can|could|may|will) (?:i|we|you) (?:please |just )?(?:have|get|do|go with|take|keep|choose|pick|"
                       r"send|give|make it|switch|change)\b", r"\bi(?:'d| would) (?:like|prefer|rather|take)\b",
                       r"\b(?:how about|what about|is it possible to (?:get|have))\b", r"^\W*\w+(?:\W+\w+)?\W*\?\W*$")
# "the second one?" picks from the offer; it is no question for the team
ORDINAL = _any(r"\b(?:first|second|third|last|1st|2nd|3rd|top|middle|bottom)\b|^\W*[1-3]\W*$")
PROBLEM_WORDS = _any(r"\b(?:can'?t|cannot|cant|won'?t|wont|doesn'?t|doesnt|isn'?t|isnt|didn'?t|didnt|not|never|no longer|error|wrong"
                     r"|broken|broke|fail\w*|problem|issue|still|charged|missing|late|hacked|locked|stolen|lost|refund\w*"
                     r"|cancel\w*|crash\w*|stuck|declined|damaged|faulty|where(?:'s| is| are))\b")
# A short general question ("do you ship to ireland?", "how do i return something?"): nothing of the customer's
# own in it (no "my", no "I" beyond "how do I"), no fault word. A longer question, or one about the customer's
# own order or experience, is a complaint put as a question ("are online services down for GTA5?").
OWN_THINGS = _any(r"\b(?:my|our|mine|me|i'?ve|i'?m|im|i'?d|i)\b")
_QUESTION_OPENER = re.compile(r"^\W*(?:(?:and|but|so|ok|okay)\W+)?(?:how|where|what|when|can|could|may|do|should|would)(?: (?:do|can|could|should|would|may))? i\b",
                              re.I)
FAULT_WORDS = _any(r"outage", r"\b(?:loss|lost|down|stop(?:s|ped)?|happen\w*|fault\w*|fraud\w*|yet|receiv\w*|anymore|again|slow|keeps?|"
                   r"hack\w*|scam\w*|bug\w*|glitch\w*|outage|offline)\b")
ENQUIRY_MAX_WORDS = 10


def is_enquiry(words: str) -> bool:
    """A short general question: no "my", no "I" beyond "how do I", no fault word (greetings and thanks not counted)."""
    core = _POLITE_ENDS.sub(" ", words).strip()
    rest = _QUESTION_OPENER.sub(" ", core)
    return len(core.split()) <= ENQUIRY_MAX_WORDS and not OWN_THINGS.search(rest) and not FAULT_WORDS.search(core)


_POLITE_ENDS = re.compile(r"^\W*(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|just a quick question|quick question"
                          r"|sorry to bother you)\W+)+|(?:\W+(?:thanks?(?: you)?(?: so much)?|thx|cheers|many thanks|ty)\W*)+$",
                          re.I)


LEAVING = _any(r"\b(?:let me|i'?ll|i need to|i want to) (?:have a )?think (?:about it|it over)\b", r"\bget back to you\b",
               r"\b(?:come|check|get) back (?:to (?:this|it|you|the chat) )?(?:later|tomorrow|tonight|another time|in a bit|"
               r"after work|after (?:my|the) \w+|when i (?:can|get home|get a chance|have time))\b", r"\btry (?:again )?later\b",
               # "ugh my bus is here", "im at work, gotta go", "will finish this tonight", "brb later"
               r"\bmy (?:bus|train|tram|taxi|cab|uber|lift|ride|stop)(?: is| has)? (?:here|coming|arrived|just (?:come|arrived|"
               r"pulled up))\b", r"\b(?:bus|train|taxi|uber|lift)'?s here\b", r"\bmy (?:lunch )?break(?:'s| is) over\b",
               r"\b(?:need|have|got) to (?:go|run|dash|head off|log off|get off)(?=\W*$|\W*[,.!;]|\W+(?:now|sorry|soon|bye|so|"
               r"but|in a (?:sec|min|minute|bit)|i'?ll|ill|will|talk|speak)\b)",
               r"\b(?:gtg|g2g|ttyl|laters)\b", r"\b(?:brb|be right back|talk|speak|chat) later\b",
               r"\b(?:i'?ll|ill|i will|will|gonna|going to) (?:have to )?(?:finish|continue|carry on|pick (?:this|it) up|"
               r"sort (?:this|it)|do (?:this|it)|deal with (?:this|it)|come back to (?:this|it))(?: \w+)?"
               r" (?:later|tonight|tomorrow|in the morning|after work|another time)\b",
               r"\bhave a (?:nice|good|great) (?:day|evening|night|one|weekend)\b",
               r"\bforget (?:it|about it|this)\b", r"\bnever ?mind\b", r"^\W*nvm\b", r"\bdon'?t bother\b", r"\bi give up\b",
               r"\b(?:i'?ll|i will|gonna|going to) (?:go|shop|take my (?:business|money)) (?:elsewhere|somewhere else)\b",
               r"^\W*(?:ok(?:ay)?,? )?(?:bye|goodbye|good bye|cya|see ya)\b", r"\b(?:i'?m|im|i am) (?:done|out|off|leaving)\b(?! with)"
               # ("im leaving a 1 star review", "i'm off to write a review": a threat, not going)
               r"(?![^.!?,;]{0,30}\b(?:reviews?|ratings?|feedback|stars?|comments?|trustpilot)\b)",
               r"\bwaste of (?:my )?time,? bye\b", r"\bbye+\W*$", r"\bcba\b", r"\bcan'?t be (?:bothered|arsed)\b",
               r"\b(?:got |have )?no time for this\b", r"\bgott?a (?:run|go|dash|fly)\b", r"\bnot worth (?:it|the hassle)\b",
               r"\b(?:i'?ll|ill|i will) (?:just )?(?:sort|deal with|figure) (?:it|this) (?:out )?(?:myself|with my bank)\b",
               # "cant do this now, back later", "be back tomorrow": not "it came back later" or "call me back later"
               r"(?:^|[,.;!]\s*|\b(?:and|but|so|i'?ll|ill|i will|will) )(?:be )?back (?:later|tomorrow|tonight|in a bit|"
               r"in an hour|after work)\b",
               r"\b(?:can'?t|cant|cannot) (?:do|deal with) (?:this|it) (?:right )?now\b(?=\W*(?:$|[,.;!]|sorry|bye|back|later))")
ALSO = _any(r"^\W*(?:(?:wait|oh|hang on|actually|sorry|ok|okay|and)\W+){0,3}(?:also|another thing|one more thing|oh and|plus|on top of (?:that|this)|btw|by the way|separately|"
            r"and another|while i(?:'m| am| have you) (?:here|at it))\b",
            r"\b(?:another|different|separate|second|other|unrelated) (?:problem|issue|thing|complaint|question|order)\b")
# "also ... same chair": more about the problem already open, not a second one.
# Requests that are not complaints: calmdesk/conversation/request_wording.py (REQUESTS, WITHDRAWN, ...).
# Shaped as a question, whatever it is about ("will it go to the same address?", "what if you dont have any left").
ASKS = _any(r"\?", r"^\W*(?:(?:and|but|so|ok|okay|oh|wait|sorry|also|one more thing|quick question)\W+)*"
            r"(?:how|where|what|when|why|will|would|can|could|is|are|do|does|should|shall)\b")
# Another case than the one just agreed ("my other order", "a different item", "something else").
ANOTHER_CASE = _any(r"\b(?:other|another|different|second|separate|new) (?:order|parcel|package|item|delivery|problem|issue|thing)\b",
                    r"\bsomething else\b", r"\bunrelated\b", r"\bseparate(?:ly)?\b")
# A second problem that points back at the order just talked about ("the charger wasnt in the box either").
SAME_ORDER = _any(r"\b(?:either|too|as well)\W*$", r"\b(?:either|too|as well)\b(?!\s+(?:much|many|late|long|slow|expensive))",
                  r"\bsame (?:order|box|parcel|package|delivery)\b", r"\b(?:in|from|with|inside) the box\b",
                  r"\b(?:with|in|from) it\b")
# Another order named as well, not instead ("oh and order 77121 too", "both 5512 and 5513", "same with 7712").
ANOTHER_ORDER = _any(r"\b(?:too|as well|also|both|another|plus|and the other)\b", r"\bsame (?:thing |problem |issue )?(?:with|for|here)\b",
                     r"^\W*(?:oh |and |but )*and (?:order |#|no\.? |number )",
                     # "two orders ... and the second one, A-1190, came snapped": the next of several, not a correction
                     r"\b(?:the )?(?:second|third|other) (?:one|order|parcel)\b")
SAME_PROBLEM = _any(r"\bsame (?:\w+ )?(?:order|item|one|thing|problem|issue|product|parcel|delivery|chair|table|device|phone)\b",
                    r"\b(?:it|they) also\b", r"\balso (?:it|they)\b", r"\bas well\b")
# "😡😡😡", "🤬!!": anger with no words, heard as an outburst (what happened is asked), not "say that again".
_ANGRY_FACE = r"(?:😡|🤬|😠|😤|👿|💢|😾|🖕|>:\(|>:\[|:@)"
ANGRY_FACES_ONLY = re.compile(rf"^(?:\s|[!?.\ufe0f]|{_ANGRY_FACE})*{_ANGRY_FACE}(?:\s|[!?.\ufe0f]|{_ANGRY_FACE})*$")
GREETING = _any(r"^\W*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening))\b")
THANKS = _any(r"\b(?:thanks|thank you|thx|ty|cheers)\b", r"\bta\b(?![- ]?da\b)")  # "ok ta": thanks, not an answer
AFFIRM = _any(r"^\W*(?:yes|yeah|yep|yup|sure|ok|okay|fine|go ahead|please do|sounds good|that works|perfect|great|alright|deal)\b")
DENY = _any(r"^\W*(?:no|nope|nah|not really|no thanks|no thank you|that'?s all|nothing else|all good)\b")


# A remedy the customer bought, not one they wish for: "i paid for express delivery and it took 9 days".
BOUGHT = re.compile(r"\b(?:paid|pay|paying|ordered|chose|chosen|selected|picked|bought|booked|upgraded to)\b(?:\s+\S+){0,3}\s*$",
                     re.I)


# A remedy named as what failed, not wished for: "the express one never came either".
FAILED_AFTER = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:never (?:came|arrived|turned up|showed)|didn'?t (?:come|arrive|work|turn up|happen|help)"
                          r"|did nothing|was useless|was no (?:good|use)|(?:has|have|had) the (?:exact )?same (?:fault|problem)"
                          r"|(?:is|was|says) (?:\W?invalid|expired|not working|rejected)"
                          r"|hasn'?t (?:come|arrived|shown up|happened)|failed|bounced|was late|is late|still (?:hasn'?t|not))\b",
                          re.I)
# Chasing a case already told ("still nothing arrived", "any update", "its been 3 days", "hurry up").
CHASE = _any(r"\bstill\b", r"\bany (?:update|news|progress)\b", r"\bwhere(?:'s| is) (?:it|my|the)\b", r"\byet\b",
             r"\bhurry\b", r"\b(?:it'?s|its|it has) been (?:\d+|a|two|three|four|five|over a) (?:days?|weeks?|hours?)\b",
             r"\bwhat'?s (?:happening|the latest)\b", r"\bnothing (?:has )?(?:happened|arrived|come)\b")


def chases(case_category: str, category: str, text: str, category_confidence: float) -> bool:
    """Does a problem told with a quoted case chase that case ("CD-F02MAJ still nothing arrived") rather than tell a new
    one ("... and the remote was missing too")? The NLU reads "still nothing, i want my money back" as a payment
    problem: the case quoted says what it is, unless the message surely tells another problem without chasing."""
    return bool(CHASE.search(text)) or case_category == category or category_confidence < 0.8 or category == "other"


# "ref CD-7QK2LM, any update?": a ticket reference quoted (a mistyped one too: the look-up says it is unknown)
# "cd ncwhx5" (no dash) counts when it has a digit: "cd player" is no reference.
TICKET_REFERENCE = re.compile(r"\bCD(?:-([0-9A-Z]{6})|\s?((?=[0-9A-Z]*\d)[0-9A-Z]{6}))\b", re.I)
