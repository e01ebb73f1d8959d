"""How customers ask for a person: the word patterns behind ``wording.WANTS_PERSON``.

Kept apart from wording.py because there are so many ways to ask ("an actual employee", "a grown up", "your
boss", "put a carbon based lifeform on", "is there a number i can call"), and each needs a verb of asking, so
"someone got into my account", "your staff were rude" or "the person at the door" ask for nobody
(tests/core/test_signals_people.py). Plain strings; wording.py compiles them.
"""
from __future__ import annotations

# Who can be asked for: a person, said any way ("someone with a pulse", "a carbon based lifeform").
_PERSON = r"(?:a |an |some |the |your |to |her |his |their |that |this |whoever'?s |someone'?s )?" \
          r"(?:real |actual |live |proper |human |living |breathing |real live |flesh and blood |senior |more senior )?" \
          r"(?:person|human(?: being)?|agent|someone|somebody|some1|representative|rep|manager|supervisor|operator" \
          r"|advisor|adviser|staff(?: member)?|member of (?:staff|your team)|team member|employee|colleague|boss|bosses" \
          r"|grown[- ]?up|(?:carbon[- ]based )?life ?form|being with a pulse|customer (?:service|care|support)|people)" \
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
    rf"\bput me (?:through|in touch|over|on ?to|on with)\b|\btransfer (?:me|this)\b|\bconnect me\b|\bescalate\b",
    rf"\b(?:get|give|let|find) me {_PERSON}\b",
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
    r"\bwho(?:'s| is|s) in charge\b",
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
