"""The anger model's word lists: swearing, insults, anger and frustration words, politeness.

Why a module of its own: the lists are data a reviewer edits (a new masked spelling,
a new insult) without touching the reader or the model; the guide's rules
(calmdesk/understanding/anger_rules.py) read the same lists.
"""
from __future__ import annotations

import re

# The cue names predict() can return, in a fixed order (also the order of the cue features).
CUE_NAMES: tuple[str, ...] = (
    "insult",
    "name_calling",
    "threat",
    "swearing",
    "masked_swearing",
    "strong_word",
    "frustration",
    "sarcasm",
    "repetition",
    "waiting",
    "shouting",
    "repeated_punctuation",
    "elongation",
    "negation",
    "polite",
    "positive",
)



# --- lexicons -----------------------------------------------------------------------------

# One token, lower-cased. Masked forms need at least one mask character.
SWEAR_TOKEN = re.compile(
    r"^(?:"
    r"f+u+c*k+\w*|f[*@#$%]+[a-z*@#$%]*|f[a-z]?[*@#$%]+[a-z]*|fck\w*|fk+(?:n|ng|ing|in)?|fcuk\w*|feck\w*|"
    r"effing|frick\w*|"
    r"sh[i1!]+t+\w*|sh[*@#$%]+t[\w*@#$%]*|s[*@#$%]+t|sh\*+|bull[\w*@#$%]*sh[\w*@#$%]*|b[*@#$%]+ll[\w*@#$%]*|bs|"
    r"crap\w*|damn\w*|dammit|goddamn\w*|bloody|hell|wtf|ffs|omfg|piss\w*|sod|arse\w*|a[*@#$%]+|a[*@#$%]+es|"
    r"\w*sh[*i]tshow|jeez|jesus|christ"
    r")$"
)
MASKED_TOKEN = re.compile(r"^[a-z]+[*@#$%]+[a-z*@#$%]*$|^[*@#$%]+[a-z]+$|^[a-z]*[*@#$%]+[a-z]+$")

# Words that call a person something (person-only nouns).
INSULT_NOUNS = {
    "idiot", "idiots", "moron", "morons", "clown", "clowns", "muppet", "muppets", "fool", "fools", "imbecile",
    "imbeciles", "cretin", "cretins", "numpty", "numpties", "plonker", "plonkers", "buffoon", "buffoons", "dumbass",
    "dumbasses", "dickhead", "dickheads", "d*ckhead", "d*ckheads", "prick", "pricks", "pr*ck", "pr*cks", "twat",
    "twats", "tw*t", "tw*ts", "bastard", "bastards", "b*stard", "b*stards", "scum", "scumbag", "scumbags", "crook",
    "crooks", "leech", "leeches", "parasite", "parasites", "vulture", "vultures", "cowboys", "weasel", "jerk",
    "jerks", "loser", "losers", "retard", "retarded", "wanker", "wankers", "tosser", "tossers", "liar", "liars",
    "thief", "thieves", "scammer", "scammers", "f***wits", "fuckwit", "fuckwits", "halfwit", "halfwits", "troll",
    "trolls", "snowflake", "crybaby", "asshole", "assholes", "arsehole", "arseholes", "a**hole", "a**holes",
    "douche", "douchebag", "dipshit", "shithead", "jackass", "knobhead", "bellend", "nonce",
}
# Words that can describe a person or a thing.
INSULT_ADJS = {
    "useless", "stupid", "dumb", "thick", "incompetent", "pathetic", "worthless", "brainless", "clueless",
    "moronic", "idiotic", "lazy", "rude", "arrogant", "disgrace", "joke", "waste", "deaf", "dense", "braindead",
    "vile", "disgusting", "greedy", "thieving", "nasty", "sad", "worst", "rudest", "dumbest", "stupidest",
    "laziest", "thickest", "clown", "scum", "insane", "mental", "hopeless",
}
INSULTS = INSULT_NOUNS | INSULT_ADJS
# Whom an insult can be aimed at.
YOU = {"you", "u", "ya", "ye", "yourself", "yourselves", "youre", "ur"}
STAFF = {
    "staff", "team", "agent", "agents", "people", "lot", "guys", "bot", "chatbot", "machine", "driver", "drivers",
    "engineer", "engineers", "manager", "managers", "ceo", "employees", "workers", "support", "advisor", "advisors",
    "assistant", "woman", "man", "guy", "girl", "lady", "bloke", "operator", "operators", "rep", "reps", "colleague",
    "colleagues",
}
BE = {"are", "r", "is", "'re", "’re", "re", "be", "being", "was", "were", "am", "'s", "’s", "s"}
FILLER = {
    "all", "just", "a", "an", "so", "such", "bunch", "of", "total", "complete", "completely", "absolute",
    "absolutely", "utter", "utterly", "totally", "really", "truly", "the", "most", "proper", "bloody", "fucking",
    "f***ing", "f**king", "f*cking", "freaking", "effing", "right", "pair", "little", "big", "stupid", "useless",
    "lazy", "incompetent", "dumb", "thick", "pathetic", "rude", "arrogant", "thieving", "brainless", "sad", "one",
    "nothing", "but", "clearly", "obviously", "actual", "literally", "honestly", "seriously",
}
ANGER_WORDS = [
    "furious", "livid", "fuming", "seething", "raging", "rage", "outraged", "outrageous", "unacceptable", "disgrace",
    "disgraceful", "disgusting", "disgusted", "appalling", "appalled", "shocking", "ridiculous", "absurd", "joke",
    "scam", "rip off", "rip-off", "robbery", "shambles", "farce", "pathetic", "useless", "garbage", "rubbish", "junk",
    "trash", "terrible", "awful", "horrible", "horrendous", "worst", "hate", "hated", "infuriating", "infuriated",
    "sick of", "sick and tired", "sick to death", "fed up", "had enough", "had it", "last straw", "enough is enough",
    "blood boil", "blood is boiling", "beyond a joke", "unbelievable", "unreal", "incompetent", "incompetence",
    "pissed off", "pissed", "mad", "angry", "angrier", "anger", "nightmare", "criminal", "extortion", "how dare",
    "insane", "crooks", "thieving", "ashamed", "vile", "lied", "lying", "liars", "screw this", "screw that",
    "to hell with", "sod this", "done with", "makes me sick", "make me sick", "can't stand", "cannot stand",
    "abysmal", "atrocious", "😡", "🤬", "😠", "👿", "💢", ">:(", "nonsense", "excuses", "i'm done", "that's it",
    "like dirt", "screwed", "gives a", "give a damn", "how is this legal", "are you serious", "are you kidding",
    "kidding me", "wasted hours",
    "beyond", "outrage", "sick joke", "blood boiling", "makes my blood", "boils my blood", "hell",
]
FRUSTRATION_WORDS = [
    "annoyed", "annoying", "annoys", "irritating", "irritated", "frustrated", "frustrating", "frustration",
    "disappointed", "disappointing", "disappointment", "upset", "unhappy", "tired of", "sigh", "ugh", "meh",
    "argh", "seriously", "come on", "let down", "letdown", "poor", "inconvenient", "patience", "hassle", "chasing",
    "chase", "wasted", "waste of time", "exhausting", "gutted", "not great", "not ideal", "bit much", "shame",
    "getting silly", "not the point", "really?", "jeez", "bother", "cheesed off",
    "driving me", "drives me", "wearing thin", "losing patience", "running out of patience", "regret",
    "the point", "what's the point", "at least", "expected better", "nowhere", "shouldn't have to",
    "should not have to", "promised", "unfair", "not fair", "weak", "shocker", "not a fan", "bothered",
    "anyone there", "this time", "for once", "of course", "typical", "surprise surprise", "apparently",
    "still not", "still no", "still nothing", "no reply", "no response", "no answer", "nobody called",
    "no one called", "got nowhere", "not what", "doesn't work", "does not work", "didn't work", "isn't working",
    "not working", "misunderstanding", "misunderstand", "round in circles", "in circles", "same answer",
    "same questions", "stop asking", "stop telling", "stop sending", "pointless", "mess", "messed",
    "fiasco", "rude", "tired", "sick", "sucks", "bad", "supposed to", "too much to ask",
    "literally just", "i just want", "even though", "why i bother", "why bother", "same problem", "missing",
    "can't even", "cannot even", "worse", "boring", "bummed", "inconsistent", "that hard", "actually reading",
    "actually answered", "actually reply", "better service", "kept in the dark", "lose faith", "losing faith",
    "signed up for", "straight answer", "template", "properly", "😤", "🙄", "😒", "😑", "😩", "😫",
    "🤦", "🤦‍♀️", "🤦‍♂️", "-_-", ":/",
]
POSITIVE_WORDS = [
    "thanks", "thank", "thx", "cheers", "appreciate", "appreciated", "grateful", "kind", "lovely", "great",
    "amazing", "brilliant", "perfect", "wonderful", "fantastic", "love", "loving", "loved", "happy", "glad",
    "excited", "awesome", "helpful", "nice", "good", "pleased", "impressed", "satisfied", "thrilled", "fine",
    "okay", "ok", "beautiful", "incredible", "congrats", "congratulations", "legend", "star", "fun", "enjoy",
    "enjoyed", "best", "cool", "wholesome", "proud", "yay", "lol", "haha", "lmao", "won", "win", "winning",
    "passed", "finally", "yes", "yess", "yesss", "can't wait", "cannot wait", "hell yeah", "what a finish",
    "what a game", "what a goal", "hilarious", "adorable", "sweet", "cute", "delicious", "gorgeous", "stunning",
    "excellent", "superb", "well done", "good job", "happy birthday", "laughed", "funny", "😂", "🤣", "😊", "😍",
    "❤", "❤️", "👍", "🙏", "😁", "😀", "🥰", "💕", "🎉", "😄", "😆", "🙂", "😉", ":)", ":-)", ":D", "<3", "xx",
]
CALM_PHRASES = [
    "no worries", "no rush", "no problem", "not a problem", "no big deal", "not a big deal", "no hard feelings",
    "no stress", "nothing to worry", "not the end of the world", "take your time", "all good", "all sorted",
    "fair enough", "just asking", "just wondering", "just checking", "just curious", "just confused",
]
POLITE_WORDS = [
    "please", "pls", "plz", "could you", "would you", "can you", "kindly", "hi", "hello", "hiya",
    "good morning", "morning", "sorry", "excuse me", "if possible", "would it be possible", "i'd like", "i would like",
    "i was wondering", "when you have a moment",
]
REPETITION_WORDS = [
    "again", "still", "yet again", "once again", "second time", "third time", "fourth time", "fifth time",
    "sixth time", "tenth time", "hundredth time", "2nd time", "3rd time", "4th time", "5th time", "every time",
    "over and over", "how many times", "times now", "every single", "another", "keeps", "keep", "kept", "repeatedly",
    "constantly", "for the third", "in a row", "running", "twice", "three times", "four times", "five times",
]
WAITING_WORDS = [
    "waiting", "waited", "wait", "on hold", "hours", "days", "weeks", "months", "ages", "forever", "a week",
    "a month", "fortnight", "since monday", "since last", "chasing", "delay", "delayed", "late", "yet",
]
THREAT_PHRASES = [
    "watch your back", "or else", "see what happens", "mark my words", "you'll regret", "you will regret",
    "you'll be sorry", "you will be sorry", "you're going to pay", "you are going to pay", "going to pay for this",
    "make you pay", "make you regret", "get what's coming", "what's coming to", "won't be pretty", "get hurt",
    "i know where you", "i know where your", "see you in court", "you better pray", "you'd better hope",
    "you better hope", "better watch himself", "better watch yourself", "coming for you", "find out where you",
    "have your job", "get you sacked", "get you fired", "lose your job", "burns to the ground", "burn your",
    "make your life hell", "make a scene", "it won't be pretty", "and see what happens", "post your",
    "where you live", "sue you", "sue your", "sue u", "gonna sue", "going to sue", "will sue", "i'll sue",
]
THREAT_VERBS = {
    "sue", "find", "hunt", "destroy", "ruin", "burn", "smash", "punch", "slap", "batter", "hurt", "kill", "strangle",
    "wreck", "drag", "track", "expose", "sort", "deal",
}
DIRECT_ABUSE = [
    "shut up", "shut it", "shut your", "zip it", "get lost", "get stuffed", "up yours", "kiss my", "go to hell",
    "damn you", "screw you", "stfu", "gfy", "sod off", "bugger off", "drop dead", "go jump", "jump in a lake",
    "piss off", "nobody asked", "get a life", "grow a brain", "waste of space", "waste of oxygen", "get f***ed",
    "eat a", "stick your", "shove your", "who hired you", "who trained you", "have a brain", "with a brain",
    "imagine being this", "brain dead", "smarter rocks", "can you read", "can you even read", "too hard for you",
    "learn to read", "get a brain",
]
NEGATORS = {"not", "n't", "never", "no", "nothing", "nobody", "neither", "nor", "hardly", "without", "nt", "dont",
            "cant", "isnt", "wasnt", "wont", "didnt", "doesnt", "aint", "nope"}
SARCASM_PRAISE = {"great", "brilliant", "wonderful", "lovely", "fantastic", "perfect", "marvellous", "superb",
                  "excellent", "helpful", "done"}
INTENSIFIERS = {"so", "very", "really", "absolutely", "completely", "utterly", "totally", "beyond", "extremely",
                "truly", "seriously", "literally", "actually", "bloody", "fucking", "f***ing", "f**king", "such"}
NEGATIVE_CONTEXT = {"again", "another", "delay", "broken", "charged", "not", "n't", "nothing", "wrong", "lost",
                    "failed", "crashed", "down", "late", "never", "no", "logged", "cancelled", "twice"}

ACRONYMS = {
    "ID", "TV", "OK", "PIN", "SIM", "UK", "USA", "FAQ", "APP", "ATM", "DVD", "PDF", "URL", "VAT", "CEO", "BT", "EE",
    "IBAN", "CCTV", "ISP", "SMS", "GPS", "USB", "HDMI", "LED", "RAM", "SSD", "PC", "NHS", "DPD", "DHL", "UPS", "FYI",
    "LOL", "OMG", "ASAP", "BBC", "ITV", "NBA", "NFL", "EU", "AM", "PM", "GB", "MB", "TB", "LMAO", "TIL", "NTA",
    "YTA", "AITA", "IMO", "IMHO", "TBH", "NGL", "GOAT", "NSFW", "OP", "IIRC", "AFAIK", "BTW", "DM", "PS", "NAME",
}
# Redaction placeholders in transcripts and public data sets ("[NAME]", "[EMAIL]") are not shouting.
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")
_CAPS_WORD = re.compile(r"[A-Za-z]{2,}")
_REPEATED_PUNCT = re.compile(r"[!?]{2,}")
_ELONGATED = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)
_NUMBER = re.compile(r"^\d[\d,.:/-]*$")
_EMAIL = re.compile(r"^\S+@\S+\.\S+$")
