"""The domain, the NLU data, the rules and the actions agree with each other and with the core.

Rasa only notices most of these mismatches at training time or, worse, in the
middle of a conversation (a response the action asks for is missing, a
placeholder is sent to the customer as "{reference}"). These checks read the
files directly: no Rasa server or model is needed, and ``rasa`` is not imported.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from calmdesk.conversation.buttons import button_payload
from calmdesk.conversation.plan import DETAILS
from calmdesk.desk.details import parse_email, parse_order_number
from calmdesk.desk.remedy_matching import match_remedy
from calmdesk.taxonomy import ANGER_LEVELS, CATEGORIES, REMEDY_KINDS
from scripts.validate_data import response_names, say_calls

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# The placeholders documented in the header comment of domain/responses.yml.
# Every placeholder in a response must be one of these (and be passed by the action).
DOCUMENTED_PLACEHOLDERS = {
    "problem", "summary", "options", "remedy", "timeline", "timeline_sentence", "reference", "detail", "value",
    "incident_message", "update", "back_at", "reply_by", "example", "where", "wanted", "others", "last", "standing",
    "request", "question", "suggestion", "slip",
}

# Responses that may have a single wording (everything else needs at least two,
# so the bot never sounds like a recording).
SINGLE_VARIATION_ALLOWED: set[str] = set()

# Actions Rasa itself provides (may appear in rules and stories without being in the domain).
RASA_DEFAULT_ACTIONS = {
    "action_listen", "action_restart", "action_session_start", "action_default_fallback",
    "action_deactivate_loop", "action_revert_fallback_events", "action_default_ask_affirmation",
    "action_default_ask_rephrase", "action_two_stage_fallback", "action_unlikely_intent", "action_back",
    "action_extract_slots",
}


# --- loading ------------------------------------------------------------------------------


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@pytest.fixture(scope="module")
def conversation() -> dict:
    return _yaml(ROOT / "domain" / "conversation.yml")


@pytest.fixture(scope="module")
def responses() -> dict[str, list[dict]]:
    return _yaml(ROOT / "domain" / "responses.yml")["responses"]


@pytest.fixture(scope="module")
def nlu() -> list[dict]:
    items: list[dict] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        items.extend(_yaml(path).get("nlu") or [])
    return items


def _examples(block: str | None) -> list[str]:
    return [line.strip()[2:].strip() for line in (block or "").splitlines() if line.strip().startswith("- ")]


@pytest.fixture(scope="module")
def intent_examples(nlu) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in nlu:
        if "intent" in item:
            found.setdefault(item["intent"], []).extend(_examples(item.get("examples")))
    return found


def _nlu_regex(nlu: list[dict], name: str) -> re.Pattern[str]:
    patterns = [p for item in nlu if item.get("regex") == name for p in _examples(item.get("examples"))]
    assert len(patterns) == 1, f"expected one regex for {name!r} in data/nlu, found {patterns}"
    # The RegexEntityExtractor matches regexes as written (word boundaries apply only to
    # lookup tables) and case-insensitively by default.
    return re.compile(patterns[0], re.IGNORECASE)


@pytest.fixture(scope="module")
def said_by_actions() -> dict[str, list[tuple[str, set[str]]]]:
    """Response name -> [(where, the placeholder values that call passes)]."""
    said: dict[str, list[tuple[str, set[str]]]] = {}
    for filename, line, call in say_calls():
        where = f"actions/{filename}:{line}"
        passed = {kw.arg for kw in call.keywords if kw.arg and kw.arg != "buttons"}
        assert all(kw.arg for kw in call.keywords), f"{where}: say(**values) hides which placeholders are filled"
        for name in response_names(call, where):
            said.setdefault(name, []).append((where, passed))
    return said


# --- responses ----------------------------------------------------------------------------


def test_the_ast_scan_finds_every_say_call_a_grep_finds(said_by_actions):
    """Guard the scan itself: it must see at least what a plain grep sees."""
    grepped = set()
    for path in (ROOT / "actions").glob("*.py"):
        grepped |= set(re.findall(r"""say\(\s*"(utter_\w+)"\s*[,)]""", path.read_text(encoding="utf-8")))
    assert grepped, "no say(\"utter_...\") calls found: has the Speaker API changed?"
    assert grepped <= set(said_by_actions)
    for level in ANGER_LEVELS:
        assert f"utter_acknowledge_{level}" in said_by_actions


def test_every_response_an_action_says_exists(said_by_actions, responses):
    missing = {name: [where for where, _ in calls] for name, calls in said_by_actions.items() if name not in responses}
    assert not missing, f"responses said by actions but not in domain/responses.yml: {missing}"


def test_every_placeholder_is_filled_by_every_action_that_says_it(said_by_actions, responses):
    unfilled = []
    for name, calls in said_by_actions.items():
        for variation in responses.get(name, []):
            needed = set(PLACEHOLDER.findall(variation.get("text", "")))
            for where, passed in calls:
                if needed - passed:
                    unfilled.append(f"{where} says {name} without {sorted(needed - passed)}")
    assert not unfilled, "the customer would see raw {placeholders}:\n" + "\n".join(unfilled)


def test_placeholders_are_the_documented_ones(responses):
    header = (ROOT / "domain" / "responses.yml").read_text(encoding="utf-8").split("\nversion:")[0]
    # The indented comment lines ("#   {problem}    the customer's problem ...") document one each.
    documented_in_header = {p for line in header.splitlines() if re.match(r"#\s{3,}", line)
                            for p in PLACEHOLDER.findall(line)}
    assert documented_in_header == DOCUMENTED_PLACEHOLDERS, "keep this test's list in step with the header comment"
    used = {p for variations in responses.values() for v in variations for p in PLACEHOLDER.findall(v.get("text", ""))}
    assert used <= DOCUMENTED_PLACEHOLDERS, f"undocumented placeholders: {sorted(used - DOCUMENTED_PLACEHOLDERS)}"


def test_responses_rasa_says_itself_only_use_slots_as_placeholders(said_by_actions, responses, conversation):
    """Responses uttered by rules or forms are filled by Rasa, which only knows slot values."""
    slots = set(conversation["slots"])
    bad = {name: sorted(set(PLACEHOLDER.findall(v.get("text", ""))) - slots)
           for name, variations in responses.items() if name not in said_by_actions
           for v in variations if set(PLACEHOLDER.findall(v.get("text", ""))) - slots}
    assert not bad, f"placeholders Rasa cannot fill: {bad}"


def test_every_response_has_several_wordings(responses):
    for name in SINGLE_VARIATION_ALLOWED:
        assert name in responses and len(responses[name]) < 2, f"{name} no longer needs to be on the allow-list"
    too_few = [name for name, variations in responses.items()
               if len(variations) < 2 and name not in SINGLE_VARIATION_ALLOWED]
    assert not too_few, f"responses with a single wording: {too_few}"


def test_every_wording_has_text_and_buttons_send_known_intents(responses, conversation):
    intents = set(conversation["intents"])
    for name, variations in responses.items():
        for variation in variations:
            assert variation.get("text", "").strip(), f"{name} has an empty variation"
            for button in variation.get("buttons") or []:
                assert button.get("title"), f"{name}: a button without a title"
                payload = str(button.get("payload", ""))
                if not payload.startswith("/"):
                    # Plain text (the 1-5 rating): sent as if typed; Rasa renders these
                    # responses itself, so a {json} payload would be read as a placeholder.
                    assert "{" not in payload and payload.strip(), f"{name}: button payload {payload!r}"
                    continue
                intent = re.match(r"/(\w+)", payload)
                assert intent and intent.group(1) in intents, f"{name}: button payload {payload!r}"
                # Only our buttons' payloads are carried out as commands (calmdesk/conversation/buttons.py);
                # a payload missing there would reach the bot as typed words.
                assert button_payload(payload), f"{name}: {payload!r} is not in calmdesk.conversation.buttons"


def test_the_bot_can_ask_for_every_detail_and_ask_again_with_a_hint(responses):
    for detail in DETAILS:
        assert f"utter_ask_{detail}" in responses and f"utter_ask_{detail}_again" in responses, detail


# --- intents and NLU data -----------------------------------------------------------------------


def test_every_intent_has_training_examples(conversation, intent_examples):
    # EXTERNAL_ intents are sent by reminders, never typed: they must have NO examples.
    typed = [i for i in conversation["intents"] if i != "nlu_fallback" and not i.startswith("EXTERNAL_")]
    without = [i for i in typed if not intent_examples.get(i)]
    assert not without, f"intents in the domain with no examples in data/nlu: {without}"
    assert not [i for i in conversation["intents"] if i.startswith("EXTERNAL_") and intent_examples.get(i)]


def test_every_intent_with_examples_is_in_the_domain(conversation, intent_examples):
    unknown = set(intent_examples) - set(conversation["intents"])
    assert not unknown, f"intents in data/nlu missing from domain/conversation.yml: {sorted(unknown)}"


def test_the_complaint_intents_are_exactly_the_ticket_categories(conversation):
    intents = conversation["intents"]
    assert intents[: len(CATEGORIES)] == list(CATEGORIES), "the domain lists the complaint intents first"
    assert len(CATEGORIES) == 11
    assert conversation["slots"]["category"]["values"] == list(CATEGORIES)

    # One rule runs the turn action for every intent (data/rules/turn.yml): none is left out,
    # or Rasa would have no next action for it and the customer no answer.
    turn_rule = _yaml(ROOT / "data" / "rules" / "turn.yml")["rules"][0]
    alternatives = next(step["or"] for step in turn_rule["steps"] if "or" in step)
    assert [alt["intent"] for alt in alternatives] == [*intents, "nlu_fallback"]
    assert turn_rule["steps"][-1] == {"action": "action_turn"}


# --- actions --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registered() -> dict[str, Any]:
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor.actions


def test_every_domain_action_is_implemented_in_actions(conversation, registered):
    missing = set(conversation["actions"]) - set(registered)
    assert not missing, f"actions in the domain with no class in actions/: {sorted(missing)}"
    for name in conversation["actions"]:
        implementation = registered[name].__self__  # the instance the executor created
        assert type(implementation).__module__.startswith("actions."), f"{name} comes from {type(implementation)}"
        assert implementation.name() == name


def test_every_implemented_action_is_in_the_domain(conversation, registered):
    ours = {name for name, run in registered.items() if type(run.__self__).__module__.startswith("actions.")}
    assert ours <= set(conversation["actions"]), f"Rasa cannot call these: {sorted(ours - set(conversation['actions']))}"


def test_rules_and_stories_only_use_known_actions(conversation, responses):
    known = set(conversation["actions"]) | set(responses) | set(conversation.get("forms") or {}) | RASA_DEFAULT_ACTIONS
    files = [*(ROOT / "data" / "rules").glob("*.yml"), *(ROOT / "data" / "stories").glob("*.yml"),
             *(ROOT / "tests" / "stories").glob("*.yml")]
    unknown = set()
    for path in files:
        data = _yaml(path)
        for flow in (data.get("rules") or []) + (data.get("stories") or []):
            for step in (flow.get("condition") or []) + (flow.get("steps") or []):
                if "action" in step and step["action"] not in known:
                    unknown.add(f"{path.relative_to(ROOT)}: {step['action']}")
    assert not unknown, f"unknown actions: {sorted(unknown)}"


# --- entities: the NLU patterns agree with calmdesk.desk.details ------------------------------------------

# The NLU regex for order_number is a feature for the intent classifier ("this
# message holds a number like an order number"); the dialogue reads order
# numbers with calmdesk.understanding.order_numbers, in the shop's formats (policy/order_numbers.yml),
# which accept more ("#1042", "A-20931"). What must hold: whatever the NLU
# regex marks, the parser reads as the same order number, and neither takes
# a card, a phone number or digits inside an email address.
ORDER_SAMPLES = [
    ("4839201", "4839201"),
    ("order 4839201 please", "4839201"),
    ("it's #4839201", "4839201"),
    ("order no. 102938", "102938"),
    ("5540012387", "5540012387"),
    ("4839201, sorry", "4839201"),
    ("it was 4839201.", "4839201"),
    ("order 1209348 and 1209355", "1209348"),  # the first one
    ("FOR THE THIRD TIME IT'S 9100234", "9100234"),
    ("my card is 4111111111111111", None),  # part of a card number
    ("call me on 00441632960961", None),  # part of a phone number
    ("my parcel never arrived", None),
    ("sorry wrong email, it's tom1985123@gmail.com", None),  # digits in an email address
    ("jo.4839201@example.com", None),
    ("REPEAT-A064842F@EXAMPLE.COM", None),  # digits inside the name part of an email
    ("sam.x1234567y@example.org", None),
    ("my email is a064842f@example.org, order 4839201", "4839201"),
    ("order 4839201, email a064842f@example.org", "4839201"),
    ("i don't have it", None),
]

EMAIL_SAMPLES = [
    ("jane.doe@example.com", "jane.doe@example.com"),
    ("my email is p.smith@mail.co.uk", "p.smith@mail.co.uk"),
    ("no the email is matt+orders@fastmail.com", "matt+orders@fastmail.com"),
    ("i used my work email r.jones@acme-corp.com", "r.jones@acme-corp.com"),
    ("its PETER.O@GMAIL.COM", "peter.o@gmail.com"),  # details lower-cases; compared case-insensitively
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("email is h_nguyen@students.uni.edu thanks", "h_nguyen@students.uni.edu"),
    ("jane at example", None),
    ("jane@example", None),  # no dot in the domain
    ("jane@example.c", None),  # one-letter top-level domain
    ("@example.com", None),
    ("4839201", None),
]


@pytest.mark.parametrize("text, expected", ORDER_SAMPLES)
def test_order_number_regex_agrees_with_the_parser(nlu, text, expected):
    match = _nlu_regex(nlu, "order_number").search(text)
    assert (match.group(0) if match else None) == expected, "data/nlu/entities.yml"
    assert parse_order_number(text) == expected, "calmdesk.understanding.order_numbers.parse_order_number"


@pytest.mark.parametrize("text, expected", EMAIL_SAMPLES)
def test_email_regex_agrees_with_details(nlu, text, expected):
    match = _nlu_regex(nlu, "email").search(text)
    assert (match.group(0).lower() if match else None) == expected, "data/nlu/entities.yml"
    assert parse_email(text) == expected, "calmdesk.desk.details.parse_email"


# Written out or spaced ("jane at example dot com", "jane @ example.com"): the bot reads these with
# parse_email (signals.py reads every email that way); the NLU's regex, a feature for the classifier, need not.
SPELLED_EMAILS = [("jane at example dot com", "jane@example.com"), ("John.Smith @ Gmail.com", "john.smith@gmail.com")]


@pytest.mark.parametrize("text, expected", SPELLED_EMAILS)
def test_emails_written_out_are_read_by_details(text, expected):
    assert parse_email(text) == expected


PHONES_IN_GROUPS = ["call me on 07700 900123", "my number is +44 7700 900123"]


@pytest.mark.parametrize("text", PHONES_IN_GROUPS)
def test_details_never_takes_a_phone_number_for_an_order_number(text):
    assert parse_order_number(text) is None


@pytest.mark.parametrize("text", PHONES_IN_GROUPS)
def test_nlu_never_takes_a_phone_number_for_an_order_number(nlu, text):
    assert _nlu_regex(nlu, "order_number").search(text) is None


def test_every_remedy_word_nlu_finds_names_a_remedy_the_bot_knows(nlu):
    """Lookup words map (directly or through an annotated synonym) to a remedy kind,
    and the bot's own word matching (used when NLU finds no entity) agrees."""
    synonyms: dict[str, str] = {}
    for item in nlu:
        for example in _examples(item.get("examples")):
            for text, value in re.findall(r'\[([^\]]+)\]\{"entity": "remedy", "value": "(\w+)"\}', example):
                synonyms[text.lower()] = value
    lookup = [word for item in nlu if item.get("lookup") == "remedy" for word in _examples(item.get("examples"))]
    assert lookup
    for word in lookup:
        kind = synonyms.get(word.lower(), word.lower())
        assert kind in REMEDY_KINDS, f"lookup word {word!r} maps to {kind!r}, not a remedy kind"
        assert match_remedy(word, REMEDY_KINDS) == kind, f"the bot reads {word!r} as {match_remedy(word, REMEDY_KINDS)!r}"
    assert set(synonyms.values()) <= set(REMEDY_KINDS)


def test_every_response_is_said_by_a_rule_a_story_an_action_or_the_form(responses):
    """Dead copy misleads designers: each response must be reachable."""
    from scripts.validate_data import responses_asked_by_forms, responses_said_by_actions

    in_flows = set()
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for block in (_yaml(path).get("rules") or []) + (_yaml(path).get("stories") or []):
            in_flows |= {step["action"] for step in block.get("steps", []) if "action" in step}
    reachable = in_flows | responses_said_by_actions() | responses_asked_by_forms()
    assert set(responses) - reachable == set()


# Filled in lower-case, to sit mid-sentence ("I'm sorry about {problem}").
MID_SENTENCE_PLACEHOLDERS = {"problem", "summary", "options", "remedy", "timeline"}


def test_lower_case_phrases_never_start_a_sentence(responses):
    """'... I'm sorry. a cracked screen on the TV' would read as careless to an upset customer."""
    for name, variations in responses.items():
        for variation in variations:
            for placeholder in MID_SENTENCE_PLACEHOLDERS:
                text = variation.get("text", "")
                starts = re.search(r"(?:^|[.!?]\s+)\{" + placeholder + r"\}", text)
                assert not starts, f"{name}: {{{placeholder}}} starts a sentence in {text!r}"
