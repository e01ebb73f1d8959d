"""Two orders in one complaint, through action_turn (a probe of the running product, 6 Dec 2026).

"orders 55123 and 55124 both arrived damaged" kept only 55123; "oh and order
77121 too" replaced the order already given. Both orders are kept on the one
ticket, said back, and named in the offer; a plain other number is still a
correction.
"""
from __future__ import annotations

from calmdesk.conversation.signals import read
from calmdesk.desk.details import join_orders, list_orders, orders_in, say_orders
from tests.actions.conftest import Chat
from tests.core.test_signals import parse


def test_two_orders_in_the_first_message_are_both_kept_said_back_and_offered_on(domain, engine):
    chat = Chat(domain)
    said = chat.say("orders 55123 and 55124 both arrived damaged, the mugs are smashed", "damaged_or_wrong_item")
    assert "utter_detail_noted" in said and "55123 and 55124" in " ".join(chat.texts), chat.texts
    assert "utter_ask_order_number" not in said
    assert chat.ticket["order_number"] == "55123, 55124"
    chat.say("amy@example.com", "inform")
    assert "orders 55123 and 55124" in chat.texts[-1], chat.texts


def test_another_order_named_later_is_added_not_swapped(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 77120", "delivery_problem")
    said = chat.say("oh and order 77121 too, same thing", "inform")
    assert said[0] == "utter_detail_noted" and "77120 and 77121" in chat.texts[0], chat.texts
    assert chat.ticket["order_number"] == "77120, 77121"


def test_an_other_number_without_too_is_still_a_correction(domain, engine):
    chat = Chat(domain)
    chat.say("my parcel never arrived, order 77120", "delivery_problem")
    said = chat.say("sorry i meant 77121", "inform")
    assert said[0] == "utter_detail_updated", said
    assert chat.ticket["order_number"] == "77121"


def test_as_well_is_read_but_not_with_a_correction():
    assert read(parse("and order 77121 as well", "inform")).another_order
    assert read(parse("same with 77121", "inform")).another_order
    assert not read(parse("actually it's 77121 too", "inform")).another_order
    assert not read(parse("it's 77121", "inform")).another_order


def test_orders_joined_listed_and_said():
    assert orders_in("55123, 55124") == ["55123", "55124"] and orders_in("not_given") == [] and orders_in(None) == []
    assert join_orders(["1", "2", "1"]) == "1, 2"
    assert join_orders(["A" * 30, "B" * 30, "C" * 30]) == "A" * 30 + ", " + "B" * 30  # the ticket holds 64
    assert list_orders("1, 2, 3") == "1, 2 and 3"
    assert say_orders("55123") == "order 55123" and say_orders("1, 2") == "orders 1 and 2"
