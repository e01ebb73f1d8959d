"""Strangers' probe 13, leftovers: readings that sent the bot the wrong way (the Rasa-free part).

"the candles arrived melted" was read as danger, so angry, with "keep it unplugged".
"""
from __future__ import annotations

import pytest

from calmdesk.understanding.anger_rules import adjust, danger


# 3. An item that came melted is a damaged item told plainly, not danger.
@pytest.mark.parametrize("text", ["the candles arrived melted", "my chocolates came all melted",
                                  "the lipstick was melted in the parcel", "candles were melted when they arrived"])
def test_an_item_that_came_melted_is_no_danger_and_no_anger(text):
    assert not danger(text)
    assert adjust("angry", text, angry_probability=0.6).level in ("calm", "frustrated")
    assert adjust("calm", text).level == "calm"


@pytest.mark.parametrize("text", ["the plug melted when i switched it on", "the charger cable is melting",
                                  "it arrived melted and now it sparks when plugged in"])
def test_melting_in_use_is_still_danger(text):
    assert danger(text)
    assert adjust("calm", text).level == "angry"


@pytest.mark.parametrize("text", ["the candles arrived MELTED!!!", "the candles arrived melted, absolutely disgraceful",
                                  "the vase arrived SMASHED!!!"])
def test_anger_told_about_a_damaged_item_stays_angry(text):
    assert adjust("calm", text).level == "angry"
