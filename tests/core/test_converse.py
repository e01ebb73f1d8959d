"""The conversation-test runner without a stack: the loader's errors and the expectation checks."""
from __future__ import annotations

from pathlib import Path

import pytest

from calmdesk.checks import converse
from calmdesk.checks.client import StackError

CONVERSATIONS = Path(__file__).resolve().parents[1] / "conversations"

ONE = """
conversations:
  - name: billed twice
    turns:
      - say: "I was billed twice"
        expect: {acknowledges: true, asks: order_number}
      - say: "hello??"
        expect: {quiet: true}
    ticket: {category: billing_problem, remedies: {refund: accepted}}
    tickets: 1
"""


def reply(response: str | None, text: str = "something") -> dict:
    return {"response": response, "text": text}


def ticket(**fields) -> dict:
    return {"category": "billing_problem", "handoff": False, "status": "open", "order_number": "4839201",
            "customer_email": None, "remedies": [], "description": "", "transcript": [], **fields}


# -- loading -------------------------------------------------------------------


def test_a_valid_file_loads_with_defaults():
    [conversation] = converse.load_text(ONE, "x.yml")
    assert conversation.name == "billed twice" and conversation.source == "x.yml"
    assert conversation.agent_online is True and conversation.tickets == 1
    assert [t.say for t in conversation.turns] == ["I was billed twice", "hello??"]
    assert conversation.turns[1].expect == {"quiet": True}


def test_every_file_in_tests_conversations_loads():
    conversations = converse.load([CONVERSATIONS])
    assert conversations, "tests/conversations has at least the examples"
    assert len({c.name for c in conversations}) == len(conversations)


@pytest.mark.parametrize("text, words", [
    ("conversations: [\n  - name: x\n", ["bad.yml", "not valid YAML"]),
    ("talks: []", ["bad.yml", "conversations"]),
    ("conversations:\n  - name: loud\n    turns:\n      - say: hi\n        expect: {acknowledge: true}",
     ["bad.yml", "'loud'", "turn 1", "unknown expectation key 'acknowledge'"]),
    ("conversations:\n  - name: loud\n    turns:\n      - say: hi\n        expect: {ticket: {categry: x}}",
     ["bad.yml", "'loud'", "unknown ticket key 'categry'"]),
    ("conversations:\n  - name: loud\n    turns: [{say: hi}]\n    ticket: {handof: true}",
     ["bad.yml", "'loud'", "unknown ticket key 'handof'"]),
    ("conversations:\n  - name: loud\n    agent: false\n    turns: [{say: hi}]",
     ["'loud'", "unknown conversation key 'agent'"]),
    ("conversations:\n  - name: loud\n    turns: [{say: hi, expect: {asks: phone}}]", ["'loud'", "unknown detail 'phone'"]),
    ("conversations:\n  - name: loud\n    turns: [{say: hi, expect: {says: '(oops'}}]", ["'loud'", "bad regex"]),
    ("conversations:\n  - name: loud\n    turns: [{say: hi, expect: {quiet: yes please}}]", ["'quiet'", "true or false"]),
    ("conversations:\n  - name: loud\n    turns: [{expect: {quiet: true}}]", ["'loud'", "turn 1", "'say'"]),
    ("conversations:\n  - name: loud\n    turns: []", ["'loud'", "'turns'"]),
    ("conversations:\n  - name: loud\n    turns: [{say: hi}]\n    tickets: -1", ["'loud'", "'tickets'"]),
    ("conversations:\n  - name: loud\n    turns: [{say: hi}]\n    ticket: {remedies: [refund]}", ["'remedies'"]),
])
def test_a_broken_file_names_file_conversation_and_key(text, words):
    with pytest.raises(converse.ConversationFileError) as error:
        converse.load_text(text, "bad.yml")
    for word in words:
        assert word in str(error.value)


def test_names_are_unique_across_files(tmp_path):
    (tmp_path / "a.yml").write_text(ONE)
    (tmp_path / "b.yml").write_text(ONE)
    with pytest.raises(converse.ConversationFileError, match="'billed twice'.*already used in .*a.yml"):
        converse.load([tmp_path])


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(converse.ConversationFileError, match="no such file"):
        converse.load([tmp_path / "nope.yml"])


# -- one turn ------------------------------------------------------------------


def check(expect, replies, paused=False, tickets=(), agent_online=True):
    return converse.check_turn(expect, list(replies), paused, list(tickets), agent_online)


def test_acknowledgement_and_known_incident_count():
    assert check({"acknowledges": True}, [reply("utter_acknowledge_angry")]) == []
    assert check({"acknowledges": True}, [reply("utter_known_incident")]) == []
    assert check({"acknowledges": True}, [reply("utter_greet")])
    assert check({"acknowledges": False}, [reply("utter_acknowledge_calm")])


def test_asking_follows_the_response_name():
    assert converse.asked("utter_ask_order_number_again") == {"order_number"}
    assert converse.asked("utter_offer_remedies") == converse.asked("utter_ask_which_remedy") == {"remedy"}
    assert converse.asked("utter_ask_what_else") == set() and converse.asked(None) == set()
    assert check({"asks": ["order_number", "customer_email"]}, [reply("utter_ask_order_number")]) == [
        "expected the bot to ask for customer_email"]
    assert check({"not_asks": "order_number"}, [reply("utter_ask_order_number_again")])


def test_hands_off_needs_the_ticket_and_a_pause_when_someone_is_online():
    handed = [ticket(handoff=True, status="awaiting_agent")]
    assert check({"hands_off": True}, [reply("utter_handoff")], paused=True, tickets=handed) == []
    assert len(check({"hands_off": True}, [reply("utter_handoff")], paused=False, tickets=handed)) == 1
    assert check({"hands_off": True}, [reply("utter_handoff_no_agent")], tickets=handed, agent_online=False) == []
    assert check({"hands_off": True}, [reply("utter_handoff")], paused=True) == [
        "expected a handoff: the newest ticket should have handoff: true (there is no ticket)"]
    assert check({"hands_off": False}, [reply("x")], tickets=[ticket()]) == []
    assert len(check({"hands_off": False}, [reply("x")], paused=True, tickets=handed)) == 2


def test_silence_is_a_failure_unless_quiet_or_paused():
    assert check({}, []) == ["the bot said nothing, and the conversation is not paused"]
    assert check({}, [], paused=True) == []
    assert check({"quiet": True}, []) == []
    assert check({"quiet": True}, [reply("utter_greet")]) == ["expected the bot to stay quiet"]
    assert check({"quiet": False}, [], paused=True) == ["expected the bot to say something"]


def test_says_is_a_case_insensitive_search_over_this_turns_texts():
    replies = [reply("a", "Your reference is CD-1234"), reply("b", "Anything else?")]
    assert check({"says": ["reference is cd-\\d+", "anything ELSE"]}, replies) == []
    assert check({"says": "refund"}, replies) == ["expected a reply matching /refund/"]
    assert check({"not_says": "reference"}, replies) == ["expected no reply matching /reference/"]


def test_responses_by_name():
    assert check({"responses": ["utter_a", "utter_b"]}, [reply("utter_a")]) == ["expected response utter_b"]
    assert check({"not_responses": "utter_a"}, [reply("utter_a")])


# -- tickets -------------------------------------------------------------------


def test_ticket_fields_compare_with_the_staff_api_json():
    found = ticket(remedies=[{"kind": "refund", "status": "accepted"}], description="Billed TWICE in May",
                   transcript=[{"sender": "bot", "text": "Your reference is CD-1"}])
    spec = {"category": "billing_problem", "order_number": 4839201, "customer_email": None, "handoff": False,
            "remedies": {"refund": "accepted"}, "description_contains": "billed twice",
            "transcript_contains": "reference is"}
    assert converse.check_ticket(spec, found) == []
    assert converse.check_ticket({"category": "delivery_problem"}, found) == [
        "ticket category: expected 'delivery_problem', got 'billing_problem'"]
    assert converse.check_ticket({"customer_email": None}, ticket(customer_email="a@b.c"))
    assert converse.check_ticket({"remedies": {"refund": "declined", "replacement": "offered"}}, found) == [
        "ticket remedy refund: expected 'declined', got 'accepted'",
        "ticket remedy replacement: expected 'offered', got not on the ticket"]
    assert converse.check_ticket({"category": "x"}, None) == ["expected a ticket, but the conversation has none"]
    assert check({"ticket": {"handoff": True}}, [reply("x")], tickets=[ticket()]) == [
        "ticket handoff: expected True, got False"]


def test_loops_are_found_across_the_conversation():
    said = [[reply("utter_ask_order_number", "What's the order number?")],
            [reply("utter_greet", "Hi"), reply("utter_ask_order_number_again", "what's the  order number")],
            [reply("utter_ask_order_number", "What's the order number!")]]
    problems = converse.check_repeats(said)
    assert "the bot said \"What's the order number?\" 3 times (turns 1, 2, 3)" in problems
    assert "the bot asked for order_number 3 times (turns 1, 2, 3)" in problems
    assert converse.check_repeats(said[:2]) == []


# -- running, with a fake stack ------------------------------------------------


class FakeClient:
    """Says ``script[i]`` to the i-th message; an Exception in the script is raised instead."""

    def __init__(self, script, tickets=()):
        self.script, self.events, self.online = list(script), [], []
        self._tickets = list(tickets)

    def say(self, sender, text):
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        self.events += [{"event": "user", "text": text}] + [
            {"event": "bot", "text": t, "metadata": {"utter_action": n}} for n, t in answer]
        return [{"text": t} for _, t in answer]

    def tracker(self, sender):
        return {"events": self.events, "paused": False}

    def bot_turns(self, sender, tracker=None):
        from calmdesk.checks.client import ChatClient
        return ChatClient.bot_turns(self, sender, tracker)

    def paused(self, sender, tracker=None):
        return False

    def tickets(self, sender):
        return self._tickets

    def agent_online(self):
        self.online.append(True)

    def nobody_online(self):
        self.online.append(False)


def test_a_run_takes_this_turns_replies_and_reports_them():
    [conversation] = converse.load_text(ONE, "x.yml")
    fake = FakeClient([[("utter_acknowledge_frustrated", "Sorry!"), ("utter_ask_order_number", "Order number?")],
                       [("utter_greet", "Hello!")]], tickets=[ticket(remedies=[])])
    result = converse.run_conversation(fake, conversation)
    assert result.sender.startswith("conv-") and len(result.sender) == 37
    assert [r["response"] for r in result.turns[1].replies] == ["utter_greet"]
    assert result.turns[0].problems == []
    assert result.turns[1].problems == ["expected the bot to stay quiet"]
    assert result.problems == ["final ticket remedy refund: expected 'accepted', got not on the ticket"]
    report = converse.render_one(result)
    for part in ("FAIL: billed twice", "FAILED turn 2", "'hello??'", "bot [utter_greet]: 'Hello!'",
                 '"quiet": true', "expected the bot to stay quiet", "final ticket remedy refund"):
        assert part in report
    assert "FAILED turn 1" not in report


def test_a_quoted_reference_is_the_newest_ticket_so_far():
    assert converse.with_reference("{reference} still nothing arrived", [{"reference": "CD-7K3M9Q"}]) \
        == "CD-7K3M9Q still nothing arrived"
    assert converse.with_reference("{reference}?", []) == "{reference}?"  # no ticket yet: said as written


def test_an_http_error_fails_the_turn_and_stops_the_conversation():
    [conversation] = converse.load_text(ONE.replace("\n    tickets: 1", ""), "x.yml")
    fake = FakeClient([StackError("POST /webhooks/rest/webhook answered HTTP 500: boom")])
    result = converse.run_conversation(fake, conversation)
    assert not result.passed and len(result.turns) == 1
    assert result.turns[0].problems == ["HTTP error: POST /webhooks/rest/webhook answered HTTP 500: boom"]
    assert "1 turn(s) not run" in result.problems[0]


def test_nobody_online_conversations_run_alone_and_put_the_agent_back():
    text = ONE.replace("  - name: billed twice\n", "  - name: billed twice\n    agent_online: false\n")
    [offline] = converse.load_text(text, "x.yml")
    fake = FakeClient([[("utter_acknowledge_calm", "Sorry")], []], tickets=[ticket()])
    [result] = converse.run_all(fake, [offline])
    assert fake.online == [False, True]
    assert "nobody online" in converse.render_one(result)
