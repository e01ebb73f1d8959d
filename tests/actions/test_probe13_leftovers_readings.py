"""Probe 13 leftovers through action_turn: melted candles.

What a customer notices: melted candles get no "keep it unplugged".
"""
from __future__ import annotations

from calmdesk.understanding.anger_rules import adjust
from tests.actions.conftest import Chat


def test_candles_that_arrived_melted_get_a_calm_hearing_and_no_safety_line(domain, engine):
    text = "the candles arrived melted"
    chat = Chat(domain)
    said = chat.say(text, "damaged_or_wrong_item", anger=adjust("angry", text, angry_probability=0.6).level)
    assert said[0] in ("utter_acknowledge_calm", "utter_acknowledge_frustrated"), said
    assert "utter_safety_first" not in said, said
    sparks = Chat(domain, sender_id="conversation-2")
    assert "utter_safety_first" in sparks.say("the heater plug melted when i switched it on", "product_defect")
