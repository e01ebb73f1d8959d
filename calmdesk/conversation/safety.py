"""Is there a risk to the customer's safety in what they told us?

A safety risk is called out right after the problem is said back, before any
question (``utter_safety_first``: "please stop using it and keep it unplugged"),
whatever the problem's category or the customer's tone. Three kinds of message
carry one:

* danger told outright: fire, smoke, sparks, melting in use, a shock (anger_rules.danger,
  which also raises the anger reading: docs/labelling.md counts danger as angry);
* a worry for their safety ("is that even safe??", the coating coming off "into
  the food") (SAFETY_WORRY);
* a hazard told plainly, which is no sign of anger (a strangers' probe, round 14:
  "new hairdryer smells of burning every time i switch it on", water from a coffee
  machine that "nearly went into the plug socket" got no safety line) (HAZARD):
  a burning smell, water at a plug, socket or the electrics, a plug or cable too hot,
  a swelling battery, bare wires, a kettle (or another electric appliance that holds water) cracked or leaking at
  its base (probe 15: "a crack in the base and water goes everywhere"). So a calm report of a hazard is not read
  as anger.

Plain Python; actions/complaint.py says ``utter_safety_first`` when ``safety_risk`` holds.
"""
from __future__ import annotations

import re

from calmdesk.understanding.anger_rules import danger

# "is that even safe??", "the coating is coming off into the food": a worry for their safety.
SAFETY_WORRY = re.compile(r"\bis (?:it|that|this) (?:even |actually |still |really )?safe\b|\bsafe to (?:use|eat|keep using|cook)\b"
                          r"|\b(?:into|in) (?:the|my|our) (?:food|drink|cooking)\b|\btoxic\b|\bpoison\w*", re.I)

_WET = r"(?:water|wet|damp|leak\w*|liquid|drip\w*|puddle|flood\w*|soak\w*|seep\w*|spill\w*)"
_ELECTRICS = (r"(?:plug|plug socket|socket|power socket|wall socket|outlet|power point|electrics|wiring|wires|mains"
              r"|extension (?:lead|cable|cord)|power (?:lead|cable|cord))s?")
# Electric appliances that hold water: a crack or leak at the base puts water where the element and the wiring are.
_WATER_APPLIANCE = (r"(?:kettle|coffee (?:machine|maker)|espresso machine|steam iron|iron|steamer|humidifier|water heater|"
                    r"hot water urn|urn|bottle warmer|sterili[sz]er|soup maker|slow cooker|rice cooker|foot spa)s?")
HAZARD = re.compile(
    # a burning smell: "smells of burning", "a burning smell", "smells like melting plastic", "smell of smoke"
    r"\bsmel\w* (?:of|like) (?:something )?(?:burn\w*|smoke|melt\w*|scorch\w*|electrical)"
    r"|\bburn(?:ing|t)(?: plastic| rubber| electrical)? (?:smell|odou?r)\b|\bscorch(?: marks?|ed|ing)\b"
    # water at the electrics, either way round ("leaking towards the socket", "the plug got wet")
    rf"|\b{_WET}\b[^.!?]{{0,120}}\b(?:into|onto|in|on|near|next to|beside|behind|below|towards?|by|round|around|over|under|reach\w*|at) "
    rf"(?:the |my |a |an |our )?{_ELECTRICS}\b"
    rf"|\b{_ELECTRICS}\b[^.!?]{{0,40}}\b(?:wet|soaked|damp|water|dripp\w*|leak\w*)\b"
    # an electric appliance that holds water, cracked or leaking at its base, where the element and the electrics
    # are ("the kettle has a crack in the base and water goes everywhere"; a spout that drips is no hazard)
    rf"|\b{_WATER_APPLIANCE}\b[^.!?]{{0,60}}\b(?:crack\w*|split|hole|leak\w*|water (?:comes?|came|pours?|poured|goes|went|gets|got|"
    r"runs?|ran|seeps?|pouring|coming|running|going))\b[^.!?]{0,25}\b(?:in|from|at|through|round|around|out of|under|underneath|"
    r"out) (?:the |its )?(?:base|bottom|underneath|element|heating plate)\b"
    rf"|\b(?:crack\w*|split|hole|leak\w*|water)\b[^.!?]{{0,25}}\b(?:in|from|at|out of|out|under) (?:the |its )?(?:base|bottom) of (?:the |my |a )?"
    rf"(?:new )?{_WATER_APPLIANCE}\b"
    # a plug, cable or charger too hot, a swelling battery, bare wires
    r"|\b(?:plug|cable|cord|lead|charger|adapter|battery|socket)s? (?:gets?|got|getting|is|was|goes|went|becomes?|becoming)"
    r" (?:really |very |so |too |super |crazy |burning )?(?:hot\b(?! pink)|scorching|too hot to touch)"
    r"|\bbatter(?:y|ies)\b[^.!?]{0,30}\b(?:swell\w*|swollen|bulg\w*|puff\w*)|\b(?:exposed|bare|frayed) (?:wires?|wiring|cables?)\b",
    re.I)


def safety_risk(text: str) -> bool:
    """Does ``text`` tell of a risk to someone's safety (danger, a worry for their safety, or a hazard told calmly)?"""
    return bool(danger(text) or SAFETY_WORRY.search(text) or HAZARD.search(text))
