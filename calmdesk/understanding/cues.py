"""The spaCy cue reader: which anger cues fire in a message, and how strongly.

A blank English spaCy pipeline (no pretrained model) with a ``Matcher`` and a
``PhraseMatcher`` over the lexicons in :mod:`calmdesk.understanding.lexicons`,
plus intensity (capitals, "!!!", stretched words) and negation scope ("not
angry" is no anger word, "not happy" is frustration). The anger model uses the
cues as features and returns their names with each reading.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from calmdesk.understanding.lexicons import (  # noqa: F401  (re-exported for callers of the old module)
    CUE_NAMES,
    SWEAR_TOKEN,
    MASKED_TOKEN,
    INSULT_NOUNS,
    INSULT_ADJS,
    INSULTS,
    YOU,
    STAFF,
    BE,
    FILLER,
    ANGER_WORDS,
    FRUSTRATION_WORDS,
    POSITIVE_WORDS,
    CALM_PHRASES,
    POLITE_WORDS,
    REPETITION_WORDS,
    WAITING_WORDS,
    THREAT_PHRASES,
    THREAT_VERBS,
    DIRECT_ABUSE,
    NEGATORS,
    SARCASM_PRAISE,
    INTENSIFIERS,
    NEGATIVE_CONTEXT,
    ACRONYMS,
    _PLACEHOLDER,
    _CAPS_WORD,
    _REPEATED_PUNCT,
    _ELONGATED,
    _NUMBER,
    _EMAIL,
)

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
