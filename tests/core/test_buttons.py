"""Only our buttons' payloads are commands; anything else a customer types in "/" syntax is words."""
import pytest

from calmdesk.conversation.buttons import button_payload, is_typed_command
from calmdesk.conversation.signals import read
from calmdesk.taxonomy import REMEDY_KINDS
from tests.core.test_signals import parse


@pytest.mark.parametrize("payload, reading", [
    ("/affirm", ("affirm", None)),
    ("/deny", ("deny", None)),
    ("/request_human", ("request_human", None)),
    (' /choose_remedy{"remedy": "refund"} ', ("choose_remedy", "refund")),
    *[(f'/choose_remedy{{"remedy": "{kind}"}}', ("choose_remedy", kind)) for kind in REMEDY_KINDS],
])
def test_what_our_buttons_send_is_read_as_a_tap(payload, reading):
    assert button_payload(payload) == reading
    assert not is_typed_command(payload)


@pytest.mark.parametrize("typed", [
    "/restart", "/session_start", "/handback", "/", "/ /", "/nlu_fallback", '/inform{"email": "x@y.z"}',
    '/affirm{"remedy": "refund"}', '/choose_remedy{"remedy": "a million pounds"}', '/choose_remedy{"remedy": 1}',
    '/choose_remedy{"remedy": "refund", "amount": 500}', "/choose_remedy", '/choose_remedy{"remedy": "refund"',
    "/affirm/affirm", "/deny please", "  /restart  ",
])
def test_anything_else_in_command_syntax_is_the_customers_words(typed):
    assert button_payload(typed) is None
    assert is_typed_command(typed)


@pytest.mark.parametrize("text", ["refund please", "a/b testing broke my order", "I paid 50/month", "", "   "])
def test_ordinary_text_is_neither(text):
    assert button_payload(text) is None
    assert not is_typed_command(text)


def test_a_tapped_remedy_button_chooses_that_remedy():
    signals = read(parse('/choose_remedy{"remedy": "store_credit"}', "choose_remedy", 1.0))
    assert (signals.intent, signals.remedy) == ("choose_remedy", "store_credit")


def test_a_typed_command_is_not_a_tap_even_when_it_looks_like_one():
    # The NLU read the words; a remedy no button offers is not a tap...
    signals = read(parse('/choose_remedy{"remedy": "a million pounds"}', "nlu_fallback", 0.3))
    assert signals.intent != "choose_remedy" and signals.remedy is None
    # ...and a typed "/restart" is no intent of ours at all.
    assert read(parse("/restart", "nlu_fallback", 0.3)).intent != "restart"
