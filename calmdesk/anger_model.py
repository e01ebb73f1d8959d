"""A trained anger reader: spaCy cues plus a small classifier learnt from labelled messages.

``AngerModel`` reads the same thing as :func:`calmdesk.anger.read_anger` (a level,
a 0..1 score and the cues that fired) but the level comes from a scikit-learn
logistic regression trained on the project's own examples in
``data/anger/examples.jsonl``. Features are:

* cues found with a blank English spaCy pipeline (``spacy.blank("en")``, no
  pretrained model): a ``Matcher`` and a ``PhraseMatcher`` over lexicons for
  swearing (masked forms such as ``f***`` and ``sh*t`` included), insults aimed
  at a person ("you ... are ... idiots", "useless bot", "your staff are
  clowns", "f*** you"), name-calling, threats, strong anger words,
  frustration words, sarcasm, repetition ("again", "still", "third time"),
  waiting, politeness and positive words; intensity (share of capitals,
  shouting, repeated ``!``/``?``, stretched words); and negation scope: a
  negator ("not", "n't", "never", "no") up to three tokens before an emotion
  word flips it ("not angry" is no longer an anger word, "not happy" becomes
  frustration), while "not just annoyed, furious" is left alone;
* the rule-based reading of :mod:`calmdesk.anger` (its cues and score);
* word unigrams and bigrams (words inside a negation scope are marked) and
  character 3-5-grams, TF-IDF weighted, so typos and masked spellings still
  count;
* the message's sentence vector from the pretrained all-MiniLM-L6-v2 encoder
  (:mod:`calmdesk.minilm`, NumPy only), times ``sentence_scale``. The n-grams
  only know words the examples used; the sentence vector puts "the ref robbed
  us blind" near anger words it never shares a token with. Chosen by 5-fold
  cross-validation on the training split only (never on a benchmark):
  ``sentence_scale`` 2 and ``C`` 10 read the level right 90.5% of the time
  against 88.3% without the vector.

``predict`` returns the most probable level, a score that is the expected level
index over the class probabilities divided by 3 (0 = surely calm, 1 = surely
abusive), and the names of the spaCy cues that fired. The model persists to a
directory as JSON plus a NumPy ``.npz`` (no pickle): ``save(directory)`` and
``AngerModel.load(directory)``. Training is deterministic for a given seed and
takes a few seconds: ``AngerModel.train_from_jsonl(path)`` or
``python -m calmdesk.anger_model train --out models/anger``;
``python -m calmdesk.anger_model evaluate`` prints held-out figures.

Labelling guide for data/anger/examples.jsonl
=============================================

One JSON object per line: ``{"text": "...", "level": "calm|frustrated|angry|abusive"}``.
Label the feeling the writer expresses and whom it is aimed at, not the
seriousness of the problem: a cracked TV screen reported politely is calm.
Texts are distinct (ignoring case and spacing). Everyday chatter that has
nothing to do with customer support is labelled by the same rules. Softeners
("a bit", "kind of", "getting", "slightly") keep a strong word at frustrated
("I'm a bit fed up of being transferred"); without one it is angry ("I'm fed
up with the constant outages"). Redaction placeholders such as ``[NAME]`` may
appear and are read like a name.

calm
    No anger or annoyance expressed. Questions, requests, facts, order
    numbers, thanks and praise; polite complaints that report a problem, even a
    serious one ("I was charged twice, can you look into it?"); other feelings
    (sad, worried, nervous, confused, excited); anger that is denied ("I'm not
    angry, just confused", "no rush", "not complaining, just asking");
    excitement in capitals, with "!!!" or with swear words used for joy ("holy
    shit that goal", "OMG I GOT THE JOB!!!"); "again"/"still" without complaint
    ("thanks again", "still loving it"); capitals typed out of habit in a
    polite message.

frustrated
    Mild or moderate annoyance, impatience, disappointment or dissatisfaction,
    without strong or hostile words: "still waiting", "second time I've
    asked", "I'm not happy at all" / "not impressed" / "not good enough"
    (negated praise), "annoying", "disappointed", "come on", "ugh", a single
    "ridiculous", mild sarcasm ("Great, another delay.", "Thanks for
    nothing"), everyday gripes ("I hate it when people cut in line", "Mondays,
    ugh"). "I'm not angry, but I'm not happy with the delay" is frustrated.

angry
    Strong anger at the situation, the product, the company as an
    institution, or at third parties who are not the person being addressed:
    swearing about the situation, masked or not ("this is f***ing
    ridiculous", "wtf where is my refund", "f*** this, my parcel is lost");
    strong words (furious, livid, fuming, unacceptable, disgraceful,
    disgusting, "absolute joke", scam, rip-off, worst, "I hate this", "sick
    of", "had enough"); a complaint shouted in capitals or with repeated
    "!!!"/"???"; ultimatums and demands ("CANCEL MY ACCOUNT NOW"); lawful
    escalation in anger (ombudsman, trading standards, the press, reviews);
    contempt for things ("useless app", "garbage router", "your company is a
    scam"); insults about people who are not staff and not the reader
    ("politicians are liars", "that ref is blind"). A denial that escalates
    ("I'm not annoyed, I'm livid") is angry.

abusive
    Hostility aimed at a person: the bot, the agent, the company's staff or
    whoever is addressed. Insults and name-calling ("you are useless", "you
    idiots", "useless bot", "your staff are clowns", "the driver is a lazy
    idiot", "are you stupid?", "you're an idiot"), "f*** you", "f*** off",
    "shut up", "screw you", "go to hell", slurs and degrading remarks; and
    threats: of harm, of turning up to confront someone, of ruining or
    exposing them, of getting them sacked, "you'll regret this", "or else",
    "I'll sue you". Calling a *thing* useless is not abuse ("you sent me a
    useless charger" is at most angry).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from calmdesk.anger import AngerReading, read_anger
from calmdesk.minilm import DIM as SENTENCE_DIM
from calmdesk.minilm import shared_model
from calmdesk.taxonomy import ANGER_LEVELS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXAMPLES = ROOT / "data" / "anger" / "examples.jsonl"
# Where ``python -m calmdesk.anger_model train`` saves a model by default (the Rasa
# pipeline does not use it: it trains its own copy inside the Rasa model).
DEFAULT_MODEL_DIR = ROOT / "models" / "anger"

FORMAT_VERSION = 2  # 2: sentence vectors; a format-1 model (n-grams and cues only) still loads
META_FILE = "anger_model.json"
WEIGHTS_FILE = "weights.npz"

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


# --- the spaCy cue reader ---------------------------------------------------------------


@dataclass(frozen=True)
class CueReading:
    """What the matchers saw in one message."""

    tokens: tuple[str, ...]  # normalised lower-case tokens, negation-scoped ones prefixed "NEG_"
    cues: dict[str, float]  # cue and intensity features, name -> value
    fired: tuple[str, ...]  # names (from CUE_NAMES) of the cues that fired, in CUE_NAMES order


def _blank_english():
    import spacy
    from spacy.util import compile_prefix_regex, compile_suffix_regex

    nlp = spacy.blank("en")
    # Keep masked swear words in one token: "F***" not "F", "*", "*", "*".
    prefixes = [p for p in nlp.Defaults.prefixes if p != r"\*"]
    suffixes = [s for s in nlp.Defaults.suffixes if s != r"\*"]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp


class CueReader:
    """A blank English spaCy pipeline with the Matcher and PhraseMatcher lexicons above."""

    def __init__(self) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = _blank_english()
        vocab = self.nlp.vocab
        self.phrases = PhraseMatcher(vocab, attr="LOWER")
        for name, words in (
            ("strong_word", ANGER_WORDS),
            ("frustration", FRUSTRATION_WORDS),
            ("positive", POSITIVE_WORDS),
            ("calm_phrase", CALM_PHRASES),
            ("polite", POLITE_WORDS),
            ("repetition", REPETITION_WORDS),
            ("waiting", WAITING_WORDS),
            ("threat", THREAT_PHRASES),
            ("direct_abuse", DIRECT_ABUSE),
        ):
            self.phrases.add(name, list(self.nlp.tokenizer.pipe(words)))

        swear = {"LOWER": {"REGEX": SWEAR_TOKEN.pattern}}
        you = {"LOWER": {"IN": sorted(YOU)}}
        be = {"LOWER": {"IN": sorted(BE)}}
        filler = {"LOWER": {"IN": sorted(FILLER)}, "OP": "*"}
        insult = {"LOWER": {"IN": sorted(INSULTS)}}
        noun = {"LOWER": {"IN": sorted(INSULT_NOUNS)}}
        staff = {"LOWER": {"IN": sorted(STAFF)}}
        det = {"LOWER": {"IN": ["your", "ur", "the", "that", "this", "you", "yer", "those"]}}
        will = {"LOWER": {"IN": ["'ll", "’ll", "will", "gonna", "shall", "ll"]}}
        self.matcher = Matcher(vocab)
        self.matcher.add("insult", [
            # "you are useless", "you're all idiots", "u r so dumb", "you lot are thieves"
            [you, {"LOWER": {"IN": sorted(STAFF)}, "OP": "?"}, be, filler, insult],
            # "are you stupid", "r u thick"
            [{"LOWER": {"IN": ["are", "r", "is"]}}, you, filler, insult],
            # "you idiots", "you useless morons", "you absolute f***wits"
            [you, filler, noun],
            [{"LOWER": {"IN": ["you", "u"]}}, {"LOWER": {"IN": sorted(INSULT_ADJS)}}],
            # "your staff are incompetent", "the driver is a lazy idiot"
            [det, {"LOWER": {"IN": sorted(STAFF | {"call", "centre", "so", "called", "support", "delivery", "store",
                                                  "shop"})}, "OP": "+"}, be, filler, insult],
            # "useless bot", "stupid machine", "incompetent staff"
            [{"LOWER": {"IN": sorted(INSULT_ADJS | {"dumbass", "moronic", "idiotic", "f***ing", "fucking",
                                                    "bloody", "ass", "a**"})}}, staff],
            # "f*** you", "f**k off", "go f*** yourself"
            [swear, {"LOWER": {"IN": ["you", "u", "off", "yourself", "yourselves", "ya"]}}],
            [{"LOWER": {"IN": ["f", "fk", "eff"]}}, {"LOWER": "off"}],
            [{"LOWER": {"IN": ["screw", "damn", "sod", "stuff", "🖕"]}}, {"LOWER": {"IN": ["you", "u", "off"]}}],
            # "you piece of sh*t", "waste of space"
            [you, filler, {"LOWER": {"IN": ["piece", "waste", "excuse"]}}],
            # "stop being so thick", "stop being such a baby"
            [{"LOWER": "stop"}, {"LOWER": "being"}, filler,
             {"LOWER": {"IN": sorted(INSULTS | {"baby", "child", "childish", "ignorant", "dramatic"})}}],
            # "shut the f*** up"
            [{"LOWER": "shut"}, {"LOWER": {"IN": ["the", "your"]}}, {"OP": "?"}, {"LOWER": {"IN": ["up", "mouth",
                                                                                                   "face", "trap"]}}],
            # "the lot of you"
            [{"LOWER": "lot"}, {"LOWER": "of"}, {"LOWER": {"IN": ["you", "u"]}}],
        ])
        self.matcher.add("name_calling", [[noun]])
        self.matcher.add("threat", [
            # "I'll sue you", "I will come down there", "I'm going to find you", "gonna come down there"
            [{"LOWER": {"IN": ["i", "we", "im", "i'm"]}, "OP": "?"}, will, {"OP": "?"},
             {"LOWER": {"IN": sorted(THREAT_VERBS)}}, {"LOWER": {"IN": ["you", "u", "your", "ur", "whoever",
                                                                         "out", "down", "the", "him", "her"]}}],
            [{"LOWER": {"IN": ["going", "gonna"]}}, {"LOWER": "to", "OP": "?"},
             {"LOWER": {"IN": sorted(THREAT_VERBS)}}, {"LOWER": {"IN": ["you", "u", "your", "ur", "whoever",
                                                                         "out", "down", "the", "him", "her"]}}],
            [{"LOWER": {"IN": ["going", "gonna"]}}, {"LOWER": "to", "OP": "?"}, {"LOWER": {"IN": ["sue", "destroy",
                                                                                                    "ruin"]}}],
            [will, {"OP": "?"}, {"LOWER": "come"}, {"LOWER": {"IN": ["down", "round", "over", "for"]}}],
            [{"LOWER": {"IN": ["going", "gonna", "coming"]}}, {"LOWER": "to", "OP": "?"}, {"LOWER": "come",
                                                                                         "OP": "?"},
             {"LOWER": {"IN": ["down", "round"]}}, {"LOWER": {"IN": ["there", "here", "to"]}}],
            [{"LOWER": {"IN": ["i", "i'd", "i'll"]}}, {"OP": "?"}, {"LOWER": {"IN": ["punch", "slap", "strangle",
                                                                                      "batter", "kill", "hit"]}}],
            [{"LOWER": "i"}, {"LOWER": "swear"}, {"LOWER": "i"}],
            [{"LOWER": {"IN": ["fix", "refund", "touch", "give", "cancel"]}}, {"OP": "*"},
             {"LOWER": "or"}, {"LOWER": {"IN": ["else", "i", "i'll"]}}],
            [{"LOWER": "don't"}, {"LOWER": "make"}, {"LOWER": "me"}, {"LOWER": "come"}],
            [{"LOWER": "do"}, {"LOWER": "n't"}, {"LOWER": "make"}, {"LOWER": "me"}, {"LOWER": "come"}],
            [{"LOWER": "outside"}, {"LOWER": {"IN": ["your", "the"]}}],
            # "I want to strangle whoever", "I'd love to punch"
            [{"LOWER": {"IN": ["want", "like", "love", "going", "gonna", "wanna"]}}, {"LOWER": "to", "OP": "?"},
             {"LOWER": {"IN": ["punch", "slap", "strangle", "batter", "kill", "hit", "hurt", "smack", "throttle"]}}],
            # "I hope something bad happens to you", "I hope you get what you deserve"
            [{"LOWER": "hope"}, {"LOWER": {"IN": ["something", "you", "u", "your", "they"]}},
             {"LOWER": {"IN": ["bad", "get", "rot", "die", "burn", "suffer", "lose", "choke"]}}],
            [{"LOWER": "set"}, {"LOWER": "the"}, {"LOWER": {"IN": ["dog", "dogs"]}}, {"LOWER": "on"}],
        ])
        self.matcher.add("swearing", [[swear]])
        self.matcher.add("swearing_phrase", [
            [{"LOWER": "for"}, {"LOWER": {"IN": ["god", "god's", "f", "f's", "fuck", "fucks", "f***", "f***'s",
                                                  "pete", "christ", "heaven", "heaven's"]}},
             {"LOWER": {"IN": ["sake", "'s", "’s", "s"]}}],
            [{"LOWER": "what"}, {"LOWER": "the"}, {"LOWER": {"IN": ["hell", "heck", "f", "f***", "fuck", "devil"]}}],
            [{"LOWER": {"IN": ["holy", "oh"]}}, {"LOWER": {"IN": ["crap", "god", "hell"]}}],
            [{"LOWER": "the"}, {"LOWER": "hell"}],
            [{"LOWER": "give"}, {"LOWER": "a"}, swear],
        ])
        self.matcher.add("sarcasm", [
            # "Oh great, another delay", "Just what I needed", "Well done, you've lost it"
            [{"LOWER": {"IN": ["oh", "just", "well", "wow", "yeah", "so"]}}, {"LOWER": {"IN": sorted(SARCASM_PRAISE)}}],
            [{"IS_SENT_START": True, "LOWER": {"IN": sorted(SARCASM_PRAISE)}}, {"LOWER": {"IN": [",", ".", "!"]}}],
            [{"LOWER": "thanks"}, {"LOWER": "for"}, {"LOWER": "nothing"}],
            [{"LOWER": "thanks"}, {"LOWER": "a"}, {"LOWER": "lot"}],
            [{"LOWER": "just"}, {"LOWER": "what"}, {"LOWER": "i"}, {"LOWER": "needed"}],
            [{"LOWER": "yeah"}, {"LOWER": "right"}],
            [{"IS_PUNCT": True}, {"LOWER": "not"}, {"IS_PUNCT": True}],
            [{"LOWER": "sure"}, {"LOWER": ","}, {"LOWER": {"IN": ["i'll", "i", "because"]}}],
            [{"LOWER": "of"}, {"LOWER": "course"}, {"LOWER": {"IN": ["it", "they"]}}],
            [{"LOWER": "helpful"}, {"LOWER": "."}],
            # "... delivery. Fantastic.", "Great, just great."
            [{"IS_PUNCT": True}, {"LOWER": {"IN": sorted(SARCASM_PRAISE)}}, {"IS_PUNCT": True}],
            [{"LOWER": {"IN": sorted(SARCASM_PRAISE)}}, {"LOWER": ","}, {"LOWER": "just"},
             {"LOWER": {"IN": sorted(SARCASM_PRAISE)}}],
        ])

    # -- reading ----------------------------------------------------------------------------

    def read(self, text: str) -> CueReading:
        doc = self.nlp(text)
        lower = [t.lower_ for t in doc]
        n = len(doc)
        negated = self._negation_scope(lower)

        spans: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.phrases(doc):
            spans.setdefault(self.nlp.vocab.strings[match_id], []).append((start, end))
        for match_id, start, end in self.matcher(doc):
            spans.setdefault(self.nlp.vocab.strings[match_id], []).append((start, end))

        def live(name: str) -> int:
            return sum(1 for s, _ in spans.get(name, ()) if s not in negated)

        def dead(name: str) -> int:
            return sum(1 for s, _ in spans.get(name, ()) if s in negated)

        # "no problem", "not a big deal", "no rush": reassurance, a feature of its own.
        calm_phrase = len(spans.get("calm_phrase", ()))
        cues: dict[str, float] = {}

        def affirmed(name: str) -> int:
            """Spans not denied by a negator inside them or just before them ("you're not an idiot")."""
            return sum(
                1 for s, e in spans.get(name, ()) if s not in negated and not any(t in NEGATORS for t in lower[s:e])
                and not any(i in negated for i in range(s, e))
            )

        insult = affirmed("insult")
        direct = len(spans.get("direct_abuse", ()))
        name_calling = affirmed("name_calling")
        threat = len(spans.get("threat", ()))
        swears = len(spans.get("swearing", ())) + len(spans.get("swearing_phrase", ()))
        # "f***", "sh*t", "a**", "tw*t": a word with letters hidden behind * @ # $ %.
        masked = sum(1 for t in lower if len(t) >= 3 and MASKED_TOKEN.match(t) and not _EMAIL.match(t))
        strong, strong_neg = live("strong_word"), dead("strong_word")
        frustration, frustration_neg = live("frustration"), dead("frustration")
        positive, positive_neg = live("positive"), dead("positive")
        sarcasm = len(spans.get("sarcasm", ()))
        if sarcasm and not any(w in NEGATIVE_CONTEXT or w in {"nothing", "not"} for w in lower):
            sarcasm = 0
        repetition = len(spans.get("repetition", ()))
        waiting = len(spans.get("waiting", ()))
        polite = len(spans.get("polite", ()))

        words = _CAPS_WORD.findall(_PLACEHOLDER.sub(" ", text))
        upper = [w for w in words if w.isupper()]
        emphasis = sum(1 for w in upper if len(w) >= 3 and w not in ACRONYMS)
        # Name-calling on its own or as a form of address: "No thanks, idiot.", "Morons!!!"
        vocative = 0
        for start, end in spans.get("name_calling", ()):
            if start in negated:
                continue
            j = start - 1
            while j >= 0 and lower[j] in FILLER:
                j -= 1
            before = j < 0 or doc[j].is_punct
            after = end == n or all(t.is_punct or t.is_space for t in doc[end:])
            if before and after:
                vocative += 1
        caps_ratio = len(upper) / len(words) if words else 0.0
        shouting = (len(words) >= 3 and caps_ratio >= 0.6) or sum(len(w) >= 4 for w in upper) >= 2
        runs = _REPEATED_PUNCT.findall(text)
        exclaims = text.count("!")
        questions = text.count("?")
        elongated = len(_ELONGATED.findall(text))
        intensifiers = sum(1 for t in lower if t in INTENSIFIERS)
        second_person = sum(1 for t in lower if t in YOU or t in {"your", "yours", "you're", "youre"})
        staff = sum(1 for t in lower if t in STAFF)

        def flag(value: float) -> float:
            return 1.0 if value else 0.0

        def count(value: float, cap: float = 3.0) -> float:
            return min(value, cap) / cap

        insult += vocative
        cues["insult"] = flag(insult + direct)
        cues["insult_count"] = count(insult + direct)
        cues["vocative_insult"] = flag(vocative)
        cues["name_calling"] = flag(name_calling)
        cues["threat"] = flag(threat)
        cues["swearing"] = flag(swears)
        cues["swearing_count"] = count(swears)
        cues["masked_swearing"] = flag(masked)
        cues["strong_word"] = flag(strong)
        cues["strong_count"] = count(strong)
        cues["frustration"] = flag(frustration + positive_neg)
        cues["frustration_count"] = count(frustration)
        cues["negated_positive"] = flag(positive_neg)
        cues["negated_anger"] = flag(strong_neg + frustration_neg)
        cues["negation"] = flag(positive_neg + strong_neg + frustration_neg)
        cues["calm_phrase"] = flag(calm_phrase)
        cues["sarcasm"] = flag(sarcasm)
        cues["repetition"] = flag(repetition)
        cues["repetition_count"] = count(repetition)
        cues["waiting"] = flag(waiting)
        cues["polite"] = flag(polite)
        cues["positive"] = flag(positive)
        cues["positive_count"] = count(positive)
        cues["shouting"] = flag(shouting)
        cues["caps_ratio"] = caps_ratio
        cues["emphasis"] = flag(emphasis and not shouting)
        cues["repeated_punctuation"] = flag(runs)
        cues["exclamations"] = count(exclaims)
        cues["questions"] = count(questions)
        cues["elongation"] = flag(elongated)
        cues["intensifiers"] = count(intensifiers)
        cues["second_person"] = count(second_person)
        cues["staff_word"] = flag(staff)
        cues["short"] = flag(n <= 4)
        cues["long"] = flag(n >= 25)
        # Interactions the linear model cannot build itself.
        negative = strong or frustration or swears or insult or direct or threat or positive_neg or sarcasm
        cues["shouting_negative"] = flag(shouting and negative)
        cues["shouting_positive"] = flag(shouting and positive and not negative)
        cues["punct_negative"] = flag(runs and negative)
        cues["punct_not_positive"] = flag(runs and not positive)
        cues["interrobang"] = flag("?!" in text or "!?" in text)
        cues["shouting_not_positive"] = flag(shouting and not positive)
        cues["repetition_positive"] = flag(repetition and positive and not negative)
        cues["positive_and_negative"] = flag(positive and negative)
        cues["swearing_positive"] = flag(swears and positive and not (strong or frustration or insult or direct))
        cues["repetition_negative"] = flag(repetition and negative)

        fired = []
        for name in CUE_NAMES:
            if name == "insult":
                on = insult + direct
            elif name == "name_calling":
                on = name_calling and not (insult + direct)
            elif name == "swearing":
                on = swears
            elif name == "frustration":
                on = frustration + positive_neg
            else:
                on = cues.get(name, 0.0)
            if on:
                fired.append(name)

        tokens = []
        for i, t in enumerate(lower):
            if t.isspace():
                continue
            if _NUMBER.match(t):
                t = "<num>"
            elif _EMAIL.match(t):
                t = "<email>"
            elif MASKED_TOKEN.match(t):
                tokens.append("<masked>")
            tokens.append(f"NEG_{t}" if i in negated else t)
        return CueReading(tuple(tokens), cues, tuple(fired))

    @staticmethod
    def _negation_scope(lower: Sequence[str]) -> set[int]:
        """Token indices up to three words after a negator, stopping at punctuation or "but".

        Function words ("I'm", "at all", "so") do not use up the three. Contrast and
        emphasis are not negation and get no scope: "not just annoyed", "not only",
        "I can't believe how bad", "I've never been so angry", "no idea how angry".
        """
        scoped: set[int] = set()
        for i, t in enumerate(lower):
            if t not in NEGATORS:
                continue
            nxt = lower[i + 1] if i + 1 < len(lower) else ""
            after = lower[i + 1:i + 4]
            if nxt in {"just", "only", "merely"} and t != "n't":
                continue
            if nxt in {"believe", "wait", "stand", "idea"}:  # "can't believe", "can't wait", "no idea how"
                continue
            if t in {"never", "nothing", "no", "nobody"} and any(w in {"so", "such", "more", "as", "worse", "but"}
                                                                 for w in after):
                continue
            content = 0
            for j in range(i + 1, len(lower)):
                if lower[j] in _SCOPE_STOP or content >= 3:
                    break
                scoped.add(j)
                if lower[j] not in _SCOPE_TRANSPARENT:
                    content += 1
        return scoped


_SCOPE_STOP = {",", ".", "!", "?", ";", ":", "but", "-", "—", "just", "and", "though", "because"}
# Words that do not use up the negation window: "I wouldn't say I'm angry", "not at all happy".
_SCOPE_TRANSPARENT = {
    "i", "'m", "’m", "am", "'re", "are", "is", "be", "been", "was", "were", "feel", "feeling", "at", "all", "that",
    "so", "too", "very", "really", "a", "an", "the", "even", "say", "'d", "would", "exactly", "particularly", "overly",
    "remotely", "getting", "being", "it", "'s", "this",
}

_READER: CueReader | None = None


def cue_reader() -> CueReader:
    """One shared reader per process (building the matchers takes a moment)."""
    global _READER
    if _READER is None:
        _READER = CueReader()
    return _READER


# --- features -----------------------------------------------------------------------------

_BLOCKS = ("w", "c")  # TF-IDF blocks: words (uni+bigrams), characters (3-5-grams)


def _ngram_features(reading: CueReading) -> dict[str, Counter]:
    toks = list(reading.tokens)
    words: Counter = Counter()
    for i, t in enumerate(toks):
        words[f"w:{t}"] += 1
        if i + 1 < len(toks):
            words[f"w:{t} {toks[i + 1]}"] += 1
    chars: Counter = Counter()
    for t in toks:
        if t.startswith("NEG_"):
            continue
        padded = f" {t} "
        for n in (3, 4, 5):
            if len(padded) < n:
                continue
            for k in range(len(padded) - n + 1):
                chars[f"c:{padded[k:k + n]}"] += 1
    return {"w": words, "c": chars}


def _dense_features(text: str, reading: CueReading) -> dict[str, float]:
    feats = {f"cue:{k}": float(v) for k, v in reading.cues.items()}
    rule = read_anger(_PLACEHOLDER.sub(" ", text))
    feats["rule:score"] = rule.score
    for cue in rule.cues:
        feats[f"rule:{cue}"] = 1.0
    feats[f"rule:level={rule.level}"] = 1.0
    return feats


# One message's features: the TF-IDF blocks (raw counts) and the dense cue features.
_Message = tuple[dict[str, Counter], dict[str, float]]


def _message(text: str, reading: CueReading) -> _Message:
    return _ngram_features(reading), _dense_features(text, reading)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class _Featurizer:
    vocabulary: dict[str, int]
    idf: np.ndarray  # one per vocabulary entry; 1.0 for dense features
    dense_scale: float
    sentence_scale: float = 0.0  # 0: no sentence vector columns (a format-1 model)

    @classmethod
    def fit(cls, messages: Sequence[_Message], min_df: int, dense_scale: float,
            sentence_scale: float = 0.0) -> "_Featurizer":
        df: Counter = Counter()
        dense_names: set[str] = set()
        for blocks, dense in messages:
            for block in blocks.values():
                df.update(block.keys())
            dense_names.update(dense.keys())
        kept = sorted(f for f, c in df.items() if c >= min_df)
        names = kept + sorted(dense_names)
        n_docs = len(messages)
        idf = np.array(
            [math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in kept] + [1.0] * len(dense_names), dtype=np.float64
        )
        return cls({name: i for i, name in enumerate(names)}, idf, dense_scale, sentence_scale)

    @property
    def width(self) -> int:
        return len(self.vocabulary) + (SENTENCE_DIM if self.sentence_scale else 0)

    def transform(self, messages: Sequence[_Message], vectors: np.ndarray | None = None):
        """The feature matrix; ``vectors`` holds the messages' sentence vectors when the model uses them."""
        from scipy.sparse import csr_matrix, hstack

        rows, cols, vals = [], [], []
        for r, (blocks, dense) in enumerate(messages):
            for block in blocks.values():
                entries = [(self.vocabulary[f], (1.0 + math.log(c))) for f, c in block.items() if f in self.vocabulary]
                entries = [(j, tf * self.idf[j]) for j, tf in entries]
                norm = math.sqrt(sum(v * v for _, v in entries)) or 1.0
                for j, v in entries:
                    rows.append(r)
                    cols.append(j)
                    vals.append(v / norm)
            for f, v in dense.items():
                j = self.vocabulary.get(f)
                if j is not None and v:
                    rows.append(r)
                    cols.append(j)
                    vals.append(v * self.dense_scale)
        X = csr_matrix((vals, (rows, cols)), shape=(len(messages), len(self.vocabulary)), dtype=np.float64)
        if not self.sentence_scale:
            return X
        if vectors is None or vectors.shape != (len(messages), SENTENCE_DIM):
            raise ValueError(f"need one {SENTENCE_DIM}-wide sentence vector per message")
        dense = csr_matrix(np.asarray(vectors, dtype=np.float64) * self.sentence_scale)
        return hstack([X, dense], format="csr")


# Sentence vectors of texts seen in training, so a process that trains several
# models on the same examples (the tests, the evaluation) encodes each text once.
_TRAINING_VECTORS: dict[str, np.ndarray] = {}


def sentence_vectors(texts: Sequence[str], remember: bool = False) -> np.ndarray:
    """(n, 384) unit vectors from all-MiniLM-L6-v2; ``remember`` keeps them for later calls."""
    missing = sorted({t for t in texts if t not in _TRAINING_VECTORS})
    fresh = dict(zip(missing, shared_model().encode(missing))) if missing else {}
    if remember:
        _TRAINING_VECTORS.update(fresh)
    if not texts:
        return np.zeros((0, SENTENCE_DIM), dtype=np.float32)
    return np.stack([_TRAINING_VECTORS.get(t, fresh.get(t)) for t in texts])


# --- the model ----------------------------------------------------------------------------


class AngerModel:
    """A trained anger reader. Build it with ``train``/``train_from_jsonl`` or ``load``."""

    def __init__(
        self,
        featurizer: _Featurizer,
        coef: np.ndarray,
        intercept: np.ndarray,
        classes: Sequence[str],
        info: dict[str, Any] | None = None,
    ) -> None:
        self._featurizer = featurizer
        self._coef = np.asarray(coef, dtype=np.float64)
        self._intercept = np.asarray(intercept, dtype=np.float64)
        self.classes: tuple[str, ...] = tuple(classes)
        self.info: dict[str, Any] = dict(info or {})
        self._rank = np.array([ANGER_LEVELS.index(c) for c in self.classes], dtype=np.float64)

    # -- training ---------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        examples: Sequence[tuple[str, str]],
        seed: int = 0,
        *,
        C: float = 10.0,
        min_df: int = 2,
        dense_scale: float = 1.0,
        sentence_scale: float = 2.0,
    ) -> "AngerModel":
        """Fit on ``(text, level)`` pairs. Same examples and seed give the same model."""
        from sklearn.linear_model import LogisticRegression

        examples = [(str(t), str(level)) for t, level in examples]
        unknown = sorted({level for _, level in examples} - set(ANGER_LEVELS))
        if unknown:
            raise ValueError(f"unknown anger levels {unknown}; expected one of {ANGER_LEVELS}")
        if len({level for _, level in examples}) < 2:
            raise ValueError("training needs examples of at least two anger levels")
        reader = cue_reader()  # the first call imports spaCy: not counted as training time
        started = time.perf_counter()
        texts = [t for t, _ in examples]
        labels = [level for _, level in examples]
        messages = [_message(t, reader.read(t)) for t in texts]
        featurizer = _Featurizer.fit(messages, min_df=min_df, dense_scale=dense_scale,
                                     sentence_scale=sentence_scale)
        encoding_started = time.perf_counter()
        vectors = sentence_vectors(texts, remember=True) if sentence_scale else None
        encoding_seconds = time.perf_counter() - encoding_started
        X = featurizer.transform(messages, vectors)
        clf = LogisticRegression(
            C=C, class_weight="balanced", max_iter=5000, random_state=seed, solver="lbfgs", multi_class="multinomial"
        )
        clf.fit(X, labels)
        classes = [str(c) for c in clf.classes_]
        coef, intercept = clf.coef_, clf.intercept_
        if coef.shape[0] == 1:  # two levels only: sklearn keeps one row, the softmax needs both
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        info = {
            "seed": seed,
            "C": C,
            "min_df": min_df,
            "sentence_scale": sentence_scale,
            "examples": dict(sorted(Counter(labels).items())),
            "features": featurizer.width,
            "training_seconds": round(time.perf_counter() - started, 3),
            "of_which_encoding_seconds": round(encoding_seconds, 3),
        }
        return cls(featurizer, coef, intercept, classes, info)

    @classmethod
    def train_from_jsonl(cls, path: str | Path = DEFAULT_EXAMPLES, seed: int = 0, **kwargs: Any) -> "AngerModel":
        return cls.train(load_examples(path), seed=seed, **kwargs)

    # -- reading ----------------------------------------------------------------------------

    @property
    def uses_sentence_vectors(self) -> bool:
        return bool(self._featurizer.sentence_scale)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per text, columns in ``self.classes`` order."""
        reader = cue_reader()
        texts = [t or "" for t in texts]
        vectors = sentence_vectors(texts) if self.uses_sentence_vectors else None
        X = self._featurizer.transform([_message(t, reader.read(t)) for t in texts], vectors)
        return _softmax(np.asarray(X @ self._coef.T) + self._intercept)

    def predict(self, text: str | None, sentence_vector: np.ndarray | None = None) -> AngerReading:
        """The level, score and cues of one message.

        ``sentence_vector``: the message's all-MiniLM-L6-v2 vector when the caller
        already has it (the Rasa pipeline computes it once for the intent
        classifier); otherwise it is computed here.
        """
        if not text or not text.strip():
            return AngerReading("calm", 0.0)
        reading = cue_reader().read(text)
        vectors = None
        if self.uses_sentence_vectors:
            vectors = (sentence_vectors([text]) if sentence_vector is None
                       else np.asarray(sentence_vector, dtype=np.float64).reshape(1, -1))
        X = self._featurizer.transform([_message(text, reading)], vectors)
        proba = _softmax(np.asarray(X @ self._coef.T) + self._intercept)[0]
        level = self.classes[int(np.argmax(proba))]
        score = float(proba @ self._rank) / (len(ANGER_LEVELS) - 1)
        return AngerReading(level, round(min(max(score, 0.0), 1.0), 3), reading.fired)

    # -- persistence ------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write ``anger_model.json`` and ``weights.npz`` into ``directory`` (created if needed)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        names = [None] * len(self._featurizer.vocabulary)
        for name, i in self._featurizer.vocabulary.items():
            names[i] = name
        meta = {
            "format_version": FORMAT_VERSION,
            "kind": "calmdesk.anger_model.AngerModel",
            "classes": list(self.classes),
            "dense_scale": self._featurizer.dense_scale,
            "sentence_scale": self._featurizer.sentence_scale,
            "sentence_encoder": "all-MiniLM-L6-v2" if self._featurizer.sentence_scale else None,
            "features": names,
            "info": self.info,
        }
        (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        with open(directory / WEIGHTS_FILE, "wb") as f:
            np.savez_compressed(f, idf=self._featurizer.idf, coef=self._coef, intercept=self._intercept)
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "AngerModel":
        directory = Path(directory)
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format_version") not in (1, FORMAT_VERSION):
            raise ValueError(f"{directory}: anger model format {meta.get('format_version')}, expected {FORMAT_VERSION}")
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as w:
            idf, coef, intercept = w["idf"], w["coef"], w["intercept"]
        vocabulary = {name: i for i, name in enumerate(meta["features"])}
        featurizer = _Featurizer(vocabulary, idf, float(meta["dense_scale"]), float(meta.get("sentence_scale") or 0.0))
        if coef.shape != (len(meta["classes"]), featurizer.width) or idf.shape != (len(vocabulary),):
            raise ValueError(f"{directory}: weights do not match the feature list")
        return cls(featurizer, coef, intercept, meta["classes"], meta.get("info"))


# --- data and evaluation --------------------------------------------------------------------


def load_examples(path: str | Path = DEFAULT_EXAMPLES) -> list[tuple[str, str]]:
    """``(text, level)`` pairs from a JSON-lines file; blank lines are skipped."""
    examples = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("level") not in ANGER_LEVELS or not isinstance(row.get("text"), str):
            raise ValueError(f"{path}:{number}: need a text and a level in {ANGER_LEVELS}")
        examples.append((row["text"], row["level"]))
    return examples


def stratified_split(
    examples: Sequence[tuple[str, str]], test_fraction: float = 0.2, seed: int = 0
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Hold out ``test_fraction`` of each level (shuffled with ``seed``)."""
    rng = random.Random(seed)
    train, test = [], []
    for level in ANGER_LEVELS:
        rows = [e for e in examples if e[1] == level]
        rng.shuffle(rows)
        k = round(len(rows) * test_fraction)
        test += rows[:k]
        train += rows[k:]
    return train, test


def is_angry(level: str) -> bool:
    """Angry in the strict sense of the levels: ``angry`` or ``abusive``."""
    return level in ("angry", "abusive")


def shows_anger(level: str) -> bool:
    """Any anger, mild annoyance included: every level above ``calm``.

    This is what GoEmotions calls angry (anger, annoyance or disgust against
    neutral or positive), so its benchmark is scored with this too.
    """
    return level != "calm"


def evaluate(model: AngerModel, examples: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Exact level accuracy, angry/not-angry F1 and the confusion matrix (rows = truth)."""
    predicted = [model.predict(t).level for t, _ in examples]
    truth = [level for _, level in examples]
    exact = sum(p == t for p, t in zip(predicted, truth)) / len(truth) if truth else 0.0
    tp = sum(is_angry(p) and is_angry(t) for p, t in zip(predicted, truth))
    fp = sum(is_angry(p) and not is_angry(t) for p, t in zip(predicted, truth))
    fn = sum(not is_angry(p) and is_angry(t) for p, t in zip(predicted, truth))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    confusion = {t: {p: 0 for p in ANGER_LEVELS} for t in ANGER_LEVELS}
    for p, t in zip(predicted, truth):
        confusion[t][p] += 1
    return {
        "n": len(truth),
        "exact": exact,
        "angry_precision": precision,
        "angry_recall": recall,
        "angry_f1": f1,
        "confusion": confusion,
        "errors": [(text, t, p) for (text, t), p in zip(examples, predicted) if p != t],
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"held-out messages: {report['n']}",
        f"exact level accuracy: {report['exact']:.3f}",
        f"angry/not-angry F1: {report['angry_f1']:.3f} "
        f"(precision {report['angry_precision']:.3f}, recall {report['angry_recall']:.3f})",
        "confusion (rows = label, columns = predicted):",
        "            " + " ".join(f"{p:>10}" for p in ANGER_LEVELS),
    ]
    for t in ANGER_LEVELS:
        lines.append(f"{t:>10}  " + " ".join(f"{report['confusion'][t][p]:>10}" for p in ANGER_LEVELS))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calmdesk.anger_model", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_p = sub.add_parser("train", help="train on the examples and save the model to a directory")
    train_p.add_argument("--examples", default=str(DEFAULT_EXAMPLES))
    train_p.add_argument("--out", default=str(DEFAULT_MODEL_DIR))
    train_p.add_argument("--seed", type=int, default=0)
    eval_p = sub.add_parser("evaluate", help="train on 80%% of the examples, report on the held-out 20%%")
    eval_p.add_argument("--examples", default=str(DEFAULT_EXAMPLES))
    eval_p.add_argument("--seed", type=int, default=0)
    eval_p.add_argument("--errors", action="store_true", help="list the misread held-out messages")
    read_p = sub.add_parser("read", help="read messages with a saved model")
    read_p.add_argument("--model", default=str(DEFAULT_MODEL_DIR))
    read_p.add_argument("text", nargs="+")
    args = parser.parse_args(argv)

    if args.command == "train":
        model = AngerModel.train_from_jsonl(args.examples, seed=args.seed)
        model.save(args.out)
        print(f"trained on {model.info['examples']} in {model.info['training_seconds']}s -> {args.out}")
    elif args.command == "evaluate":
        train, test = stratified_split(load_examples(args.examples), 0.2, seed=args.seed)
        model = AngerModel.train(train, seed=args.seed)
        report = evaluate(model, test)
        print(f"trained on {len(train)} messages in {model.info['training_seconds']}s")
        print(format_report(report))
        if args.errors:
            for text, truth, predicted in report["errors"]:
                print(f"  {truth:>10} -> {predicted:<10} {text}")
    else:
        model = AngerModel.load(args.model)
        for text in args.text:
            print(json.dumps({"text": text, **asdict(model.predict(text))}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
