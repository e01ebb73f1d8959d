"""How customers ask for a person, call one off, or ask whether one reads along: the word patterns behind
``wording.WANTS_PERSON``, ``wording.NOT_PERSON``, ``wording.CARRY_ON`` and ``wording.QUESTIONS["person_available"]``.

Kept apart from wording.py because there are so many ways to ask ("an actual employee", "a grown up", "your
boss", "put a carbon based lifeform on", "is there a number i can call"), and each needs a verb of asking, so
"someone got into my account", "your staff were rude" or "the person at the door" ask for nobody
(tests/core/test_signals_people.py). Plain strings; wording.py compiles them.
"""
from __future__ import annotations

# Who can be asked for: a person, said any way ("someone with a pulse", "a carbon based lifeform").
# "i want speak with the responsible", "the responsable of the shop": in many languages the word for the person in
# charge is "the responsible"; a noun only where no noun follows it ("a responsible answer" asks for nobody).
_RESPONSIBLE = r"(?:responsib?le|responsable)(?: (?:one|ones|people))?" \
               r"(?=\W*$|\s*[.,!?;:]|\s+(?:for|of|here|there|please|pls|plz|now|about|at|in|on|from|asap)\b)"
_PERSON = r"(?:a |an |some |the |your |to |her |his |their |that |this |whoever'?s |someone'?s )?" \
          r"(?:real |actual |live |proper |human |living |breathing |real live |flesh and blood |senior |more senior " \
          r"|responsible )?" \
          r"(?:person|human(?: being)?|agent|someone|somebody|some1|representative|rep|manager|supervisor|operator" \
          r"|advisor|adviser|staff(?: member)?|member of (?:staff|your team)|team member|employee|colleague|boss|bosses" \
          rf"|grown[- ]?up|(?:carbon[- ]based )?life ?form|being with a pulse|customer (?:service|care|support)|people|{_RESPONSIBLE})" \
          r"(?! (?:discount|code|number|id|login|account|portal|price|rate|size|ticket|card|version)\b)"
# "i just want someone to know its not ok": the complaint noted, nobody asked for.
_NOT_A_HANDOFF = r"(?! to (?:know|hear|see|understand|realise|realize|be aware|take note|note|learn|read)\b)"
# Each a regular expression, case-insensitive.
ASKING_FOR_A_PERSON = (
    # a person asked for in French, Spanish, German, Portuguese or Italian
    r"\bparler (?:à|a|avec) (?:quelqu'?un|une personne|un humain|un conseiller)\b",
    r"\bhablar con (?:alguien|una persona|un humano|un agente)\b", r"\bmit (?:jemandem|einem menschen|einem mitarbeiter) sprechen\b",
    r"\bfalar com (?:algu[eé]m|uma pessoa|um atendente)\b", r"\bparlare con (?:qualcuno|una persona|un operatore)\b",
    # "i want this escalated to someone senior", "someone who can actually make decisions", "not something a bot can fix"
    r"\bescalat(?:e|ed|ing) (?:this|it|my \w+)\b|\b(?:get|have) (?:this|it) escalated\b|\bwant (?:this|it) escalated\b",
    r"\b(?:someone|somebody|a person|anyone|anybody) (?:more )?(?:senior|higher up|in authority|with (?:more )?authority)\b",
    r"\b(?:someone|somebody|a person|anyone|anybody|a human) (?:who|that) (?:can|could) (?:actually |really |properly )?"
    r"(?:make (?:a )?decisions?|decide|authori[sz]e|sign (?:it|this) off)\b",
    r"\b(?:not|isn'?t|isnt|aint|ain'?t) (?:something |a thing )?(?:a|the|any) (?:bot|robot|machine) can\b",
    r"\b(?:a )?(?:bots?|robots?|machines?) (?:can'?t|cannot|cant|won'?t) (?:fix|help|solve|sort|handle|do)\b",
    rf"\b(?:speak|talk|chat)(?:ing)? (?:to|with) {_PERSON}\b",
    # "i'd rather sort this with someone from your billing team", "can a person unlock it", "can i just ring someone"
    r"\b(?:sort|deal with|discuss|handle|go through|go over) (?:this|it|that|things) (?:out )?with (?:someone|somebody|a (?:real )?person"
    r"|a human|an? (?:agent|advisor|adviser)|(?:someone |somebody )?(?:from|in|on) your (?:\w+ )?team|your (?:\w+ )?team"
    r"|one of your (?:team|staff|people|colleagues))\b",
    r"\b(?:can|could|will|would) (?:a |an |one of your )?(?:real |actual )?(?:person|human|staff member|colleague|team member)"
    r" (?:please |just |actually )?(?:unlock|fix|sort|look (?:at|into)|check|reset|handle|deal with|do|help)\b",
    r"\b(?:can|could|may|shall) i (?:just |please )?(?:ring|call|phone) (?:someone|somebody|you|a person|your (?:team|office|shop|store|"
    r"helpline|number|support))\b",
    rf"\bput me (?:through|in touch|in contact|over|on ?to|on with)\b|\btransfer (?:me|this)\b|\bconnect me\b|\bescalate\b",
    rf"\b(?:get|give|let|find|bring|pass|send) me(?: (?:on )?to)? {_PERSON}\b",
    rf"\b(?:can|could|may) (?:i|we) (?:please |just )?(?:have|get) {_PERSON}\b(?!'s| (?:to (?:know|hear|see)|on the)\b)",
    r"\b(?:is there|what'?s|give me|send me|do you have|got) (?:a |an |your )?(?:phone |contact |tele)?(?:number|email(?: address)?|line)"
    r" (?:i|we) (?:can|could) (?:call|ring|phone|dial|contact|write to|email|reach)\b",
    # "can someone call me", but not "they said someone would call me" (a complaint, not a request)
    r"(?<!someone )(?<!somebody )(?<!they )(?<!he )(?<!she )(?<!you )(?<!said )(?<!would )"
    r"\b(?:can|could|will|would|please|pls|if you can|if you could) (?:you |someone |somebody |a person |anyone |one of you )?"
    r"(?:(?:from|at|in|on) (?:your|the) (?:team|company|store|shop|support|office|end) )?(?:please |pls |just )?"
    r"(?:call|ring|phone|contact|email|reach|get back to|get in touch with|dm|message) me\b"
    r"(?! (?:an?|the|my|it|this|that|copy|a copy|details|receipts?|invoices?|links?|confirmation)\b)",
    r"\bhave (?:someone|somebody|a person|an agent|a human|one of you|your team|a manager) (?:\w+ ){0,3}?"
    r"(?:call|ring|phone|contact|email|reach|get back to|get in touch)",
    r"\b(?:need|want|like|get) (?:someone|somebody|a person|a human|an agent) to (?:call|ring|phone|contact|email|get back to)\b",
    r"^\s*(?:please |pls |just )*(?:call|ring|phone|contact|email|dm) me\b",
    r"\b(?:just |please |pls )(?:contact|call|ring) me\b",
    rf"\b(?:want|need|like|prefer|rather|loved?|liked?) (?:to (?:speak|talk) to |to have |with )?{_PERSON}\b{_NOT_A_HANDOFF}",
    # "put a carbon based lifeform on pls", "put someone real on", "put your boss on the chat"
    rf"\bput (?:(?:a|an|some|your|the|one of your) )?(?:[\w-]+ ){{0,2}}?{_PERSON}(?: \w+){{0,2}}? on\b(?! (?:hold|the (?:order|ticket|case|list)))",
    # "a real human", "an actual person please": a person asked for in as many words
    r"^\W*(?:an? |some )?(?:real |actual |live |proper )(?:human|person|agent|employee|someone|somebody)(?: being)?\W*"
    r"(?:please|pls|plz|now|thanks|thx)?\W*$",
    r"\b(?:human|real person|live agent|a person|an agent|operator)[\s,.!]*(?:please|pls|plz|now)\b",
    # "order A-55001 never arrived, person please", "person pls, my parcel never came": the request is a clause of its
    # own, at the end or the start (not "the delivery person please ring the bell")
    r"(?:[,.;:!?]|\s-|\band)\s*(?:an? |some )?(?:real |actual |live |proper )?(?:person|human|agent|operator|manager"
    r"|representative)\W*(?:please|pls|plz|now|asap)\W*$",
    r"^\W*(?:an? )?(?:real |actual |live |proper )?(?:person|human|agent|operator|manager|representative)[\s,.!-]*"
    r"(?:please|pls|plz|now|asap)\b",
    r"^\W*(?:human|agent|operator|representative|real person|person)\W*(?:please|pls|plz|now)?\W*$",
    r"\b(?:not|no more|enough with (?:the|this)|stop the) (?:a )?(?:bot|robot|machine)\b",
    r"\bcall ?back\b|\bphone number\b.*\?|\bwho can i (?:talk|speak) to\b",
    r"\bhow (?:do|can) i (?:contact|reach|call|talk to|speak to) (?:you|someone|somebody|a person|a human|customer)",
    r"\bis there (?:a |an )?(?:email|number|phone) (?:i|we) can\b",
    r"\b(?:email|e-mail|number|phone|line|address|chat|contact)\s+(?:i|we) (?:can|could) (?:contact|call|ring|email|reach|write"
    r"|talk|speak|use)\b",
    r"(?:number|email|e-mail|line|address|chat)\s+to (?:contact|call|ring|reach|email|talk to|speak to|speak with)\b",
    r"\b(?:can|could|shall|should|may) i (?:dm|pm|direct message|message|email|call|ring|phone) (?:you|someone|somebody)\b",
    r"\b(?:would you like|do you want|want) me to (?:dm|pm|direct message|message|email|call|ring)\b",
    r"\bhow (?:do|can|could|would|to|should) (?:i |we )?(?:get (?:support|help|in touch|hold of)|contact|reach|call|ring"
    r"|talk to|speak to|speak with|chat with)\b",
    r"\b(?:someone|somebody|a person|you) (?:is |are )?(?:gonna|going to|needs? to|has to|have to|must|should) "
    r"(?:call|contact|ring|email|phone|get back to) me\b",
    r"\b(?:dm|pm|inbox|direct message) me\b",
    r"\bdo you (?:still |even )?(?:have|offer) (?:a |an |any )?(?:customer (?:service|support|care)|support|help ?desk|live chat"
    r"|chat(?: service)?|phone (?:line|number|support)|call (?:centre|center)|helpline|contact (?:number|email))\b",
    rf"\bis there {_PERSON}(?: (?:there|here|around|about|available|on|in))? (?:(?:who|that) )?(?:i|we) (?:can|could) "
    r"(?:talk|speak|chat) (?:to|with)\b",
    # "is there anyone real i can speak to", "can i talk to anybody", "i need to speak to someone real"
    r"\bis there (?:any|some)(?:one|body)(?: real| actual| human| alive| live)? (?:i|we) (?:can|could) (?:talk|speak|chat)\b",
    r"\b(?:(?:can|could|may) (?:i|we)|want to|need to|like to|let me) (?:please )?(?:talk|speak|chat) (?:to|with)"
    r" (?:any|some)(?:one|body)(?: real| actual| human| alive| live)?\b",
    # "let me speak to whoever is in charge", "who is in charge there, i want them"
    r"\b(?:speak|talk|chat)(?:ing)? (?:to|with) (?:whoever|who|someone|somebody|the (?:person|one))(?: is|'s|s)? "
    r"(?:in charge|responsible|running (?:this|things|the show))\b",
    r"\bwho(?:'s| is|s) in charge\b|\bwho(?:'s| is|s) the (?:responsib?le|responsable)\b",
    # "is there anyone there with a brain who can fix this": a person who can act, asked for
    r"\bis there (?:any|some)(?:one|body)(?: \w+){0,5} (?:who|that) (?:can|could) (?:actually |really )?"
    r"(?:help|fix|sort|do (?:something|anything))\b",
    # "is there a real life being who can help", "is there an actual human that can sort this"
    r"\bis there (?:a |an )?(?:real[- ]life |real |actual |living |human )(?:being|human|person|someone|somebody)(?: \w+){0,3} "
    r"(?:who|that) (?:can|could) (?:actually |really )?(?:help|fix|sort|do (?:something|anything))\b",
    # "do you lot even have humans working there or is it all robots": no "do you have humans in the photos"
    r"\bdo (?:you|u|y'?all)(?: lot| guys| people)? (?:even |actually |still |really )?(?:have|employ) (?:any )?(?:real |actual )?"
    r"(?:humans|people|persons|staff)(?: working| there| at all| left)*\b(?= or\b|\W*$|\?)",
    r"\b(?:or )?is it (?:all|just|only) (?:robots|bots|machines|ai|a bot|a robot|computers)\b",
)

# A person called off: "don't need a person", "nah forget the human", "never mind the agent", "no need for a person".
NOT_ASKING_FOR_A_PERSON = (
    r"\b(?:don'?t|do not|dont|no need to|never) (?:want|need) (?:to (?:talk|speak|chat) (?:to|with) )?(?:a |an |the )?"
    r"(?:person|human|agent|manager|any(?:one|body)|people)\b",
    r"\b(?:forget|never ?mind|nvm|scrap|skip|cancel|ditch|drop|no need for|don'?t bother with|dont bother with) (?:about )?"
    r"(?:the |a |an |that |this |your )?(?:real |actual )?(?:human|person|agent|manager|people|staff|handoff|hand-off"
    r"|transfer|escalation)\b",
    r"\bno (?:person|human|agent|one else) (?:needed|necessary|required)\b",
)
# The bot asked to carry on itself: "you can do it", "you sort it", "carry on then", "i'll stay with you". Said while
# waiting for a person nobody could give live, it takes the case back from the queue (plan.py, people.py).
BOT_CARRIES_ON = (
    r"\byou (?:can |could |will |'ll |ll )?(?:just )?(?:do|sort|handle|deal with|fix|manage|take care of) (?:it|this|that)"
    r"(?! (?:later|tomorrow)\b)",
    r"\byou(?:'ll| will|ll) do\b",
    # "nah, just sort it", "fine, fix it then": a clause of its own (not "i'll sort it myself")
    r"(?:^|[,.;!]\s*)(?:(?:ok|okay|fine|then|so|just|nah|no|well)\W+)*(?:sort|fix|do|handle) it(?: out)?"
    r"(?: (?:then|yourself|please|pls|here|now))?\W*$",
    r"(?<!can't )(?<!cant )(?<!cannot )(?<!won't )(?<!wont )(?<!not )\b(?:carry on|keep going|go on|continue)"
    r"(?: (?:then|with (?:me|you|it|this)|here|please|pls|yourself))?\W*(?:$|[,.;!])",
    r"\b(?:i'?ll|ill|i will|happy to|fine to) (?:stay|stick|carry on|continue|keep going) (?:here|with you"
    r"|with the (?:bot|chat))\b",
    r"\b(?:don'?t|dont|do not) (?:want to |wanna |need to )?wait (?:for (?:them|a person|someone|anyone|the team"
    r"|a human))?\W*(?:$|[,.;!])",
)
# "is anyone from the actual company reading this?", "does anyone even read these": whether a person reads along,
# answered like "is there a person there?" (not "is a human reading this", which asks whether this is a bot).
_ANYONE = r"(?:(?:any|some)(?:one|body)|any (?:real |actual )?(?:people|humans|staff)|(?:real|actual) (?:people|humans)" \
          r"|an? (?:real|actual) (?:person|human))"
_FROM_US = r"(?: (?:from|at|in|on) (?:the|your|this) (?:actual |real )?(?:company|team|shop|store|business|support(?: team)?" \
           r"|customer (?:service|care|support)|office))?"
_READS = r"(?:reading|seeing|watching|monitoring|checking|looking at)"
ASKING_IF_A_PERSON_READS = (
    rf"\b(?:is|are) (?:there )?{_ANYONE}{_FROM_US} (?:actually |even |really |ever )?{_READS} (?:this|these|my|the|what)\b",
    rf"\b(?:do|does) {_ANYONE}{_FROM_US} (?:actually |even |really |ever )?(?:read|see|check|monitor|look at) "
    r"(?:this|these|my|the|what)\b",
    rf"\b(?:is|are) (?:this|these|my|the|anything i (?:say|write|type))(?: \w+)? (?:actually |even |really |ever )?(?:being )?"
    rf"(?:read|seen|monitored|checked) by (?:{_ANYONE}|an? (?:person|human)|people|humans|staff)\b",
)
