"""`rasa data validate --fail-on-warnings`, without the warnings that are not problems.

Rasa warns "The utterance 'utter_x' is not used in any story or rule" for every
response that only a custom action says (acknowledgements, offers, handoff
messages, the questions for details). Those warnings are expected here, and two dozen of them would teach
conversation designers to ignore warnings. This script finds the responses the
actions say (by reading actions/*.py, the same scan the data-consistency tests
use), silences exactly those warnings, and runs Rasa's validator unchanged;
every other warning still shows and still fails the check.

Run: ``make check-data`` (or ``.venv/bin/python scripts/validate_data.py``).
"""
from __future__ import annotations

import ast
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calmdesk.conversation.plan import DETAILS  # noqa: E402
from calmdesk.taxonomy import ANGER_LEVELS  # noqa: E402

# Response names built with f-strings in actions/*.py: the template (holes as
# "{}") and the values the hole takes. A new f-string response name must be added here.
RESPONSE_NAME_TEMPLATES: dict[str, tuple[str, ...]] = {
    "utter_acknowledge_{}": ANGER_LEVELS,  # actions/complaint.py: one per anger level
    "utter_ask_{}": DETAILS,  # actions/complaint.py: the next missing detail
    "utter_ask_{}_again": DETAILS,  # actions/complaint.py: the same, after a miss
    "utter_why_{}": DETAILS,  # actions/answers.py: "why do you need that?"
}


def say_calls() -> list[tuple[str, int, ast.Call]]:
    """Every ``<something>.say(...)`` call in actions/*.py, as (file, line, call)."""
    calls = []
    for path in sorted((ROOT / "actions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "say":
                calls.append((path.name, node.lineno, node))
    return calls


def response_names(call: ast.Call, where: str) -> list[str]:
    """The response name(s) a say() call can use: a literal, or an f-string from RESPONSE_NAME_TEMPLATES."""
    if not call.args:
        raise ValueError(f"{where}: say() without a response name")
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return [first.value]
    if isinstance(first, ast.JoinedStr):
        template = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in first.values)
        if template not in RESPONSE_NAME_TEMPLATES:
            raise ValueError(f"{where}: say(f'{template}') is not in RESPONSE_NAME_TEMPLATES; list the names it takes")
        return [template.format(value) for value in RESPONSE_NAME_TEMPLATES[template]]
    raise ValueError(f"{where}: say() with a response name that cannot be read from the code")


def responses_said_by_actions() -> set[str]:
    return {name for file, line, call in say_calls() for name in response_names(call, f"actions/{file}:{line}")}


def responses_asked_by_forms() -> set[str]:
    """``utter_ask_<slot>`` for every slot a form asks: Rasa's form says these itself."""
    import yaml

    forms = (yaml.safe_load((ROOT / "domain" / "conversation.yml").read_text()) or {}).get("forms") or {}
    return {f"utter_ask_{slot}" for form in forms.values() for slot in form.get("required_slots", [])}


def main() -> int:
    spoken = sorted(responses_said_by_actions() | responses_asked_by_forms())
    import rasa.__main__

    configure = rasa.__main__.configure_logging_and_warnings

    def configure_then_hide_expected(*args, **kwargs):
        configure(*args, **kwargs)  # Rasa sets its own warning filters here; ours go in front
        for name in spoken:
            warnings.filterwarnings(
                "ignore", message=re.escape(f"The utterance '{name}' is not used in any story or rule."))

        # Intents sent by reminders (EXTERNAL_...) are never typed, so have no examples.
        warnings.filterwarnings("ignore", message=r"The intent 'EXTERNAL_\w+' is listed in the domain file, but is not found")

    rasa.__main__.configure_logging_and_warnings = configure_then_hide_expected

    sys.argv = ["rasa", "data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml",
                "--fail-on-warnings"]
    try:
        rasa.__main__.main()
    except SystemExit as exit_:
        code = exit_.code or 0
    else:
        code = 0
    print(f"\n{len(spoken)} responses are said by custom actions or asked by the form, not by rules or "
          "stories; Rasa's 'not used in any story or rule' warning is expected for them and hidden.")
    print("data validation " + ("passed" if code == 0 else "FAILED: see the messages above"))
    return code


if __name__ == "__main__":
    sys.exit(main())
