"""A conversation's tracker events become a test story Rasa itself can read."""
from __future__ import annotations

import yaml

from calmdesk.staff.story_export import export_story


def user(text, intent, entities=None):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": entities or []}}


def action(name):
    return {"event": "action", "name": name}


CONVERSATION = [
    action("action_session_start"), {"event": "session_started"}, action("action_listen"),
    user("My TV arrived with a CRACKED screen: order 4839201", "damaged_or_wrong_item",
         [{"entity": "order_number", "start": 43, "end": 50, "value": "4839201"}]),
    {"event": "user_featurization", "use_text_for_featurization": False},
    {"event": "slot", "name": "order_number", "value": "4839201"},
    action("action_acknowledge_complaint"),
    {"event": "bot", "text": "I'm so sorry — a cracked screen is awful.", "metadata": {}},
    {"event": "slot", "name": "category", "value": "damaged_or_wrong_item"},
    action("complaint_form"), {"event": "active_loop", "name": "complaint_form"},
    {"event": "slot", "name": "requested_slot", "value": "customer_email"},
    action("action_listen"),
    user('jane@example.com "quoted" [not an entity]', "inform"),
    action("complaint_form"), {"event": "active_loop", "name": None},
    action("action_listen"),
    user("I want a human", "request_human"),
    action("action_handoff"), {"event": "bot", "text": "Bringing in a person. CD-7K3M9Q"}, {"event": "pause"},
    user("hello?", "greet"),
    {"event": "bot", "text": "Hi, I'm Sam, let me look", "metadata": {"author_role": "agent", "agent": "sam"}},
    user("thanks", "thank"),
    {"event": "resume"}, action("action_listen"),
    user("EXTERNAL: handback", "handback"), action("action_handback"),
    {"event": "slot", "name": "stage", "value": "wrap_up"}, action("action_listen"),
    user("/deny", "deny"), action("utter_goodbye"), action("action_listen"),
]


def steps(text: str, story: int = 0) -> list[dict]:
    return yaml.safe_load(text)["stories"][story]["steps"]


def test_user_turns_actions_slots_and_loops_in_order():
    text = export_story({"events": CONVERSATION}, name="CD-7K3M9Q")
    data = yaml.safe_load(text)
    assert data["version"] == "3.1"
    assert data["stories"][0]["story"] == "CD-7K3M9Q"
    got = steps(text)
    assert got[0] == {"user": "My TV arrived with a CRACKED screen: order [4839201](order_number)",
                      "intent": "damaged_or_wrong_item"}
    assert got[1] == {"slot_was_set": [{"order_number": "4839201"}]}
    assert got[2] == {"action": "action_acknowledge_complaint"}
    assert {"active_loop": "complaint_form"} in got and {"active_loop": None} in got
    assert {"user": 'jane@example.com "quoted" [not an entity]', "intent": "inform"} in got
    assert {"action": "action_listen"} not in got and {"action": "action_session_start"} not in got
    assert got[-5:] == [{"intent": "handback"}, {"action": "action_handback"},
                        {"slot_was_set": [{"stage": "wrap_up"}]}, {"intent": "deny"}, {"action": "utter_goodbye"}]


def test_the_human_part_is_a_comment_not_steps():
    text = export_story({"events": CONVERSATION})
    assert "Hi, I'm Sam" not in text and "hello?" not in text
    assert "# a person from the team took over here: 1 message(s) from staff, 2 from the customer" in text
    got = steps(text)
    handoff = got.index({"action": "action_handoff"})
    assert got[handoff + 1] == {"intent": "handback"}


def test_each_session_is_its_own_story_and_an_empty_tracker_has_none():
    events = CONVERSATION[:6] + [action("action_session_start"), {"event": "session_started"},
                                 user("hi again", "greet"), action("utter_greet")]
    data = yaml.safe_load(export_story({"events": events}, name="x"))
    assert [s["story"] for s in data["stories"]] == ["x", "x (session 2)"]
    assert yaml.safe_load(export_story({"events": []})) == {"version": "3.1", "stories": []}


def test_odd_text_survives_the_round_trip():
    odd = "line one\nline: two # not a comment\t\"quotes\" 'single' emoji 😡 \\ backslash - [x] {y}"
    got = steps(export_story({"events": [user(odd, "other")]}))
    assert got == [{"user": odd, "intent": "other"}]


def test_rasa_reads_the_export_as_a_story():
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    domain = Domain.load("domain")
    story_steps = YAMLStoryReader(domain).read_from_string(export_story({"events": CONVERSATION}, name="CD-1"))
    assert len(story_steps) == 1
    names = [getattr(e, "action_name", None) for e in story_steps[0].events]
    assert "action_handoff" in names and "action_handback" in names
